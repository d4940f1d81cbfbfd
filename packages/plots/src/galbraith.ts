/** Galbraith (radial) plot (Galbraith 1988): standardised effect against precision. */
import { type LabelledPoint, legend, xScale, yScale } from "./chart.js";
import { fmt, plural } from "./format.js";
import {
  clippedLayer,
  pointLabels,
  SCATTER_MARGIN,
  type ScatterFrame,
  scatterDocument,
  scatterFrame,
  scatterSize,
  xAxisBottom,
  xAxisSpace,
} from "./scatter-frame.js";
import { el, group, line, PALETTE, polygon, tooltip } from "./svg.js";
import type { GalbraithInput, ScatterOptions } from "./types.js";

const POINT_RADIUS = 4;
// Room (px) between the frame and the outermost points: their radius, stroke and 1.5 px of air.
const POINT_ROOM = 6;

/** A study on the radial plot: precision x = 1/√(vᵢ + τ²) and standardised effect z = yᵢ·x. */
interface RadialPoint {
  label: string;
  x: number;
  z: number;
}

/**
 * Galbraith plot: xᵢ = 1/√(vᵢ + τ²) against zᵢ = yᵢ/√(vᵢ + τ²). The line through the origin has
 * slope μ (the pooled estimate); studies outside the band μ·x ± 2 are highlighted and labelled.
 */
export function galbraithPlot(input: GalbraithInput, options: ScatterOptions = {}): string {
  if (input.studies.length === 0) throw new Error("galbraithPlot: no studies to draw");
  const size = scatterSize(options, "pooled-galbraith");
  const { f } = size;
  const tau2 = input.tau2 ?? 0;
  const pts: RadialPoint[] = input.studies.map((s) => {
    const sd = Math.sqrt(s.vi + tau2);
    return { label: s.label, x: 1 / sd, z: s.yi / sd };
  });
  const mu = input.estimate;
  const xMax = pts.reduce((m, p) => Math.max(m, p.x), Number.NEGATIVE_INFINITY);
  const zValues = [...pts.map((p) => p.z), 2, -2, mu * xMax * 1.05 + 2, mu * xMax * 1.05 - 2];
  // Both axes keep POINT_ROOM px between the frame and the data, so the most precise study (at
  // the right end of the precision axis, possibly a round number) is drawn whole.
  const sc = scatterFrame(size, {
    title: input.title,
    bottomSpace: xAxisSpace(f) + 10 + f * 1.8 + SCATTER_MARGIN,
    y: (fr) => yScale(zValues, fr, f, { include: [0], inset: POINT_ROOM }),
    x: (fr) =>
      xScale(
        pts.map((p) => p.x),
        fr,
        f,
        { include: [0], inset: POINT_ROOM },
      ),
  });
  const all: LabelledPoint[] = pts.map((p) => ({
    x: sc.xs.map(p.x),
    y: sc.ys.map(p.z),
    r: POINT_RADIUS,
    label: p.label,
  }));
  // Label the studies outside the band, most extreme first.
  const order = pts
    .map((p, i) => ({ i, d: Math.abs(p.z - mu * p.x) }))
    .filter((o) => o.d > 2)
    .sort((a, b) => b.d - a.d)
    .slice(0, options.maxLabels ?? 10);
  const nOut = pts.filter((p) => outsideBand(p, mu)).length;
  const lg = galbraithLegend(sc, input, nOut);
  return scatterDocument(sc, {
    under: clippedLayer(sc, bandAndLines(sc, mu), "lines"),
    points: [
      radialPoints(sc, pts, mu),
      pointLabels(
        sc,
        order.map((o) => all[o.i]),
        all,
      ),
    ],
    xTitle: "Precision, 1/√(vᵢ + τ²)",
    yTitle: "Standardised effect, yᵢ/√(vᵢ + τ²)",
    after: [lg.markup],
    width: Math.max(size.width, SCATTER_MARGIN * 2 + lg.width),
    title: input.title ?? `Galbraith plot (${plural(pts.length, "study")})`,
    desc: `Galbraith (radial) plot of ${plural(pts.length, "study")}: standardised effect against precision with τ² = ${fmt(tau2, 3)}; the line through the origin has slope ${fmt(mu, 3)} (pooled estimate); ${plural(nOut, "study")} ${nOut === 1 ? "lies" : "lie"} outside the ±2 band.`,
  });
}

/** Outside the band μ·x ± 2: the study's standardised residual exceeds 2 in absolute value. */
function outsideBand(p: RadialPoint, mu: number): boolean {
  return Math.abs(p.z - mu * p.x) > 2;
}

/**
 * The ±2 band around the line of slope μ, its edges, the zero line and the estimate's line
 * through the origin, from edge to edge of the frame (the clip path trims them).
 */
function bandAndLines(sc: ScatterFrame, mu: number): string[] {
  const { xs, ys, frame } = sc;
  const x0 = xs.invert(frame.left);
  const x1 = xs.invert(frame.left + frame.width);
  const P = (x: number, z: number): [number, number] => [xs.map(x), ys.map(z)];
  return [
    polygon([P(x0, mu * x0 + 2), P(x1, mu * x1 + 2), P(x1, mu * x1 - 2), P(x0, mu * x0 - 2)], {
      fill: PALETTE.paleGrey,
      class: "band",
    }),
    line(...P(x0, mu * x0 + 2), ...P(x1, mu * x1 + 2), {
      stroke: PALETTE.grey,
      "stroke-dasharray": "4 3",
      class: "band-edge",
    }),
    line(...P(x0, mu * x0 - 2), ...P(x1, mu * x1 - 2), {
      stroke: PALETTE.grey,
      "stroke-dasharray": "4 3",
      class: "band-edge",
    }),
    line(...P(x0, 0), ...P(x1, 0), { stroke: PALETTE.lightGrey, class: "zero-line" }),
    line(...P(0, 0), ...P(x1, mu * x1), {
      stroke: PALETTE.text,
      "stroke-width": 1.3,
      class: "estimate-line",
    }),
  ];
}

/** One dot per study, red when outside the band. */
function radialPoints(sc: ScatterFrame, pts: RadialPoint[], mu: number): string {
  const circles = pts.map((p) => {
    const out = outsideBand(p, mu);
    return el(
      "circle",
      {
        cx: sc.xs.map(p.x),
        cy: sc.ys.map(p.z),
        r: POINT_RADIUS,
        fill: out ? PALETTE.vermillion : PALETTE.blue,
        stroke: "#FFFFFF",
        "stroke-width": 0.6,
        class: out ? "study outlier" : "study",
      },
      [tooltip(`${p.label}: precision ${fmt(p.x, 2)}, standardised effect ${fmt(p.z, 2)}`)],
    );
  });
  return group(circles, { class: "points" });
}

/** The legend under the axes: the estimate's line, the band and, when any, the outlying studies. */
function galbraithLegend(
  sc: ScatterFrame,
  input: GalbraithInput,
  nOut: number,
): ReturnType<typeof legend> {
  const f = sc.f;
  return legend(
    [
      {
        label: `Pooled ${input.effectLabel ?? "estimate"} ${fmt(input.estimate, 2)} (slope)`,
        symbol: (x, y) =>
          line(x, y + 7, x + 14, y + 7, { stroke: PALETTE.text, "stroke-width": 1.3 }),
      },
      {
        label: "±2 band",
        symbol: (x, y) =>
          line(x, y + 7, x + 14, y + 7, { stroke: PALETTE.grey, "stroke-dasharray": "4 3" }),
      },
      // Only when some study is drawn in that colour: a legend entry for nothing misleads.
      ...(nOut > 0
        ? [
            {
              label: "Outside the band",
              symbol: (x: number, y: number) =>
                el("circle", { cx: x + 7, cy: y + 7, r: 4, fill: PALETTE.vermillion }),
            },
          ]
        : []),
    ],
    SCATTER_MARGIN,
    xAxisBottom(sc) + 10 + f * 1.4,
    f,
  );
}
