/** Baujat plot (Baujat et al. 2002): contribution to heterogeneity against influence. */
import { type LabelledPoint, xScale, yScale } from "./chart.js";
import { fmt, plural } from "./format.js";
import {
  pointLabels,
  SCATTER_MARGIN,
  type ScatterFrame,
  scatterDocument,
  scatterFrame,
  scatterSize,
  xAxisSpace,
} from "./scatter-frame.js";
import { el, group, PALETTE, tooltip } from "./svg.js";
import type { BaujatInput, ScatterOptions } from "./types.js";

const POINT_RADIUS = 4;
// Room (px) between the frame and the outermost points: their radius, stroke and 3 px of air.
const POINT_ROOM = 8;

/**
 * Baujat plot: each study's contribution to the Q statistic (x) against its influence on the
 * pooled estimate (y). Studies in the top right drive both heterogeneity and the result; the
 * most extreme are labelled (all of them when there are at most 30).
 */
export function baujatPlot(input: BaujatInput, options: ScatterOptions = {}): string {
  if (input.studies.length === 0) throw new Error("baujatPlot: no studies to draw");
  const size = scatterSize(options, "pooled-baujat");
  const sc = scatterFrame(size, {
    title: input.title,
    bottomSpace: xAxisSpace(size.f) + SCATTER_MARGIN,
    y: (fr) =>
      yScale(
        input.studies.map((s) => s.y),
        fr,
        size.f,
        { include: [0], inset: POINT_ROOM },
      ),
    x: (fr) =>
      xScale(
        input.studies.map((s) => s.x),
        fr,
        size.f,
        { include: [0], inset: POINT_ROOM },
      ),
  });
  const pts: LabelledPoint[] = input.studies.map((s) => ({
    x: sc.xs.map(s.x),
    y: sc.ys.map(s.y),
    r: POINT_RADIUS,
    label: s.label,
  }));
  const k = input.studies.length;
  return scatterDocument(sc, {
    points: [
      studyPoints(input, pts),
      pointLabels(
        sc,
        mostExtreme(input, sc, options).map((i) => pts[i]),
        pts,
      ),
    ],
    xTitle: input.xLabel ?? "Contribution to overall heterogeneity (Q)",
    yTitle: input.yLabel ?? "Influence on the pooled result",
    title: input.title ?? `Baujat plot (${plural(k, "study")})`,
    desc: `Baujat plot of ${plural(k, "study")}: contribution of each study to the heterogeneity statistic Q against its influence on the pooled estimate.`,
  });
}

/** One dot per study, its numbers in the tooltip. */
function studyPoints(input: BaujatInput, pts: LabelledPoint[]): string {
  return group(
    input.studies.map((s, i) =>
      el(
        "circle",
        {
          cx: pts[i].x,
          cy: pts[i].y,
          r: POINT_RADIUS,
          fill: PALETTE.blue,
          stroke: "#FFFFFF",
          "stroke-width": 0.6,
          class: "study",
        },
        [tooltip(`${s.label}: contribution to Q ${fmt(s.x, 2)}, influence ${fmt(s.y, 2)}`)],
      ),
    ),
    { class: "points" },
  );
}

/**
 * Which studies to label, most extreme first: by distance from the origin in axis-relative units,
 * `maxLabels` of them (default: all up to 30 studies, else 10).
 */
function mostExtreme(input: BaujatInput, sc: ScatterFrame, options: ScatterOptions): number[] {
  const { xs, ys } = sc;
  const [xd, yd] = [xs.domain[1] - xs.domain[0] || 1, ys.domain[1] - ys.domain[0] || 1];
  const k = input.studies.length;
  return input.studies
    .map((s, i) => ({ i, d: Math.hypot(s.x / xd, s.y / yd) }))
    .sort((a, b) => b.d - a.d)
    .slice(0, options.maxLabels ?? (k <= 30 ? k : 10))
    .map((o) => o.i);
}
