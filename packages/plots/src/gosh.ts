/**
 * GOSH plot (graphical display of study heterogeneity; Olkin, Dahabreh & Trikalinos 2012, Res
 * Synth Methods 3:214): the pooled estimate of every fitted subset of studies against its I².
 * Clusters of subsets point at studies that pull the estimate or the heterogeneity apart. With
 * more than `maxPoints` subsets the points become a density: the frame is cut into cells and each
 * cell is shaded by the logarithm of the number of subsets in it.
 */
import { type Frame, xScale, yScale } from "./chart.js";
import { plural } from "./format.js";
import {
  SCATTER_MARGIN,
  scatterDocument,
  scatterFrame,
  scatterSize,
  xAxisSpace,
} from "./scatter-frame.js";
import { el, group, PALETTE } from "./svg.js";
import type { EffectScaleKind, ScatterOptions } from "./types.js";

/** The subsets to draw: estimate and I² (percent) of each, in any order. */
export interface GoshInput {
  estimate: ArrayLike<number>;
  I2: ArrayLike<number>;
  /** Number of studies, for the caption. */
  k: number;
  /** true when every subset was fitted, false for a random sample of them. */
  exhaustive: boolean;
  /** Scale of the estimates (log: ratios; fisher-z: correlations). */
  scale?: EffectScaleKind;
  title?: string;
  xLabel?: string;
}

export interface GoshOptions extends ScatterOptions {
  /** Most subsets drawn as points; more become a density. Default 5000. */
  maxPoints?: number;
  /** Cells across the frame of the density (rows follow the frame's aspect). Default 90. */
  cells?: number;
}

const POINT_ROOM = 4;

export function goshPlot(input: GoshInput, options: GoshOptions = {}): string {
  const n = input.estimate.length;
  if (n === 0 || input.I2.length !== n) throw new Error("goshPlot: no subsets, or unequal lengths");
  const size = scatterSize(options, "pooled-gosh");
  const { f } = size;
  const xs0: number[] = new Array(n);
  const ys0: number[] = new Array(n);
  let xmin = Infinity;
  let xmax = -Infinity;
  for (let i = 0; i < n; i++) {
    xs0[i] = input.estimate[i]!;
    ys0[i] = input.I2[i]!;
    if (xs0[i]! < xmin) xmin = xs0[i]!;
    if (xs0[i]! > xmax) xmax = xs0[i]!;
  }
  const sc = scatterFrame(size, {
    title: input.title,
    bottomSpace: xAxisSpace(f) + SCATTER_MARGIN,
    y: (fr) => yScale([0, 100], fr, f, { inset: POINT_ROOM }),
    x: (fr) =>
      xScale([xmin, xmax], fr, f, {
        inset: POINT_ROOM,
        ...(input.scale === undefined ? {} : { scale: input.scale }),
      }),
  });
  const { xs, ys, frame } = sc;
  const density = n > (options.maxPoints ?? 5000);
  const what = input.exhaustive
    ? `every one of the ${n.toLocaleString("en-US")} subsets of ${plural(input.k, "study")}`
    : `${n.toLocaleString("en-US")} random subsets of ${plural(input.k, "study")}`;
  return scatterDocument(sc, {
    points: [
      density
        ? densityCells(xs0, ys0, xs, ys, frame, options.cells ?? 90)
        : points(xs0, ys0, xs, ys),
    ],
    xTitle: input.xLabel ?? "Pooled estimate of the subset",
    yTitle: "I² of the subset (%)",
    title: input.title ?? `GOSH plot (${what})`,
    desc: `GOSH plot: the pooled estimate against I² for ${what}${density ? ", drawn as a density (darker cells hold more subsets, on a log scale)" : ""}.`,
  });
}

function points(
  x: number[],
  y: number[],
  xs: ReturnType<typeof xScale>,
  ys: ReturnType<typeof yScale>,
): string {
  // Translucent points, so that piles of subsets show as darker areas.
  return group(
    x.map((v, i) => el("circle", { cx: xs.map(v), cy: ys.map(y[i]!), r: 1.8, class: "subset" })),
    { class: "points", fill: PALETTE.blue, "fill-opacity": 0.35 },
  );
}

function densityCells(
  x: number[],
  y: number[],
  xs: ReturnType<typeof xScale>,
  ys: ReturnType<typeof yScale>,
  frame: Frame,
  columns: number,
): string {
  const rows = Math.max(10, Math.round((columns * frame.height) / frame.width));
  const cw = frame.width / columns;
  const ch = frame.height / rows;
  const counts = new Uint32Array(columns * rows);
  for (let i = 0; i < x.length; i++) {
    const c = Math.floor((xs.map(x[i]!) - frame.left) / cw);
    const r = Math.floor((ys.map(y[i]!) - frame.top) / ch);
    if (c >= 0 && c < columns && r >= 0 && r < rows) counts[r * columns + c]!++;
  }
  let most = 0;
  for (const c of counts) if (c > most) most = c;
  const cells: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const count = counts[r * columns + c]!;
      if (count === 0) continue;
      // log scale: a lone subset stays visible next to cells of thousands
      const shade = 0.12 + (0.88 * Math.log1p(count)) / Math.log1p(most);
      cells.push(
        el("rect", {
          x: frame.left + c * cw,
          y: frame.top + r * ch,
          width: cw + 0.2,
          height: ch + 0.2,
          "fill-opacity": Number(shade.toFixed(3)),
        }),
      );
    }
  }
  return group(cells, { class: "density", fill: PALETTE.blue });
}
