/**
 * GOSH plot (graphical display of study heterogeneity; Olkin, Dahabreh & Trikalinos 2012, Res
 * Synth Methods 3:214): the pooled estimate of every fitted subset of studies against its I².
 * Clusters of subsets point at studies that pull the estimate or the heterogeneity apart. With
 * more than `maxPoints` subsets the points become a density: the frame is cut into cells and each
 * cell is shaded by the logarithm of the number of subsets in it.
 */
import {
  clipPath,
  type Frame,
  fitFrameToXTicks,
  frameBorder,
  plotTitle,
  xAxis,
  xScale,
  yAxis,
  yAxisWidth,
  yScale,
} from "./chart.js";
import { plural } from "./format.js";
import { el, group, PALETTE, svgDocument } from "./svg.js";
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

const MARGIN = 14;
const POINT_ROOM = 4;

export function goshPlot(input: GoshInput, options: GoshOptions = {}): string {
  const n = input.estimate.length;
  if (n === 0 || input.I2.length !== n) throw new Error("goshPlot: no subsets, or unequal lengths");
  const f = options.fontSize ?? 12;
  const width = options.width ?? 600;
  const height = options.height ?? 460;
  const idPrefix = options.idPrefix ?? "pooled-gosh";
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
  const top = MARGIN + (input.title ? f * 1.25 + 12 : 0);
  const frameHeight = height - top - (6 + f + f * 1.6 + MARGIN);
  const yFor = (fr: Frame) => yScale([0, 100], fr, f, { inset: POINT_ROOM });
  const left = MARGIN + yAxisWidth(yFor({ left: 0, top, width: 1, height: frameHeight }), f);
  const { frame, scale: xs } = fitFrameToXTicks(
    { left, top, width: width - left - MARGIN - 6, height: frameHeight },
    (fr) =>
      xScale([xmin, xmax], fr, f, {
        inset: POINT_ROOM,
        ...(input.scale === undefined ? {} : { scale: input.scale }),
      }),
    f,
    width,
    6,
  );
  const ys = yFor(frame);
  const body: string[] = [clipPath(`${idPrefix}-clip`, frame)];
  if (input.title) body.push(plotTitle(input.title, width, MARGIN, f));
  body.push(frameBorder(frame));
  const density = n > (options.maxPoints ?? 5000);
  body.push(
    density ? densityCells(xs0, ys0, xs, ys, frame, options.cells ?? 90) : points(xs0, ys0, xs, ys),
  );
  body.push(xAxis(xs, frame, f, input.xLabel ?? "Pooled estimate of the subset"));
  body.push(yAxis(ys, frame, f, "I² of the subset (%)"));
  const what = input.exhaustive
    ? `every one of the ${n.toLocaleString("en-US")} subsets of ${plural(input.k, "study")}`
    : `${n.toLocaleString("en-US")} random subsets of ${plural(input.k, "study")}`;
  return svgDocument({
    width,
    height,
    title: input.title ?? `GOSH plot (${what})`,
    desc: `GOSH plot: the pooled estimate against I² for ${what}${density ? ", drawn as a density (darker cells hold more subsets, on a log scale)" : ""}.`,
    idPrefix,
    fontSize: f,
    body,
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
