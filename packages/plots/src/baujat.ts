/** Baujat plot (Baujat et al. 2002): contribution to heterogeneity against influence. */
import {
  clipPath,
  type Frame,
  fitFrameToXTicks,
  frameBorder,
  type LabelledPoint,
  placeLabels,
  plotTitle,
  xAxis,
  xScale,
  yAxis,
  yAxisWidth,
  yScale,
} from "./chart.js";
import { fmt, plural } from "./format.js";
import { el, group, PALETTE, svgDocument, tooltip } from "./svg.js";
import type { BaujatInput, ScatterOptions } from "./types.js";

const MARGIN = 14;
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
  const f = options.fontSize ?? 12;
  const width = options.width ?? 600;
  const height = options.height ?? 460;
  const idPrefix = options.idPrefix ?? "pooled-baujat";
  const top = MARGIN + (input.title ? f * 1.25 + 12 : 0);
  const bottomSpace = 6 + f + f * 1.6 + MARGIN;
  const frameHeight = height - top - bottomSpace;
  const yv = input.studies.map((s) => s.y);
  // The y scale depends only on the frame's top and height: the probe gives the final ticks.
  const yFor = (fr: Frame) => yScale(yv, fr, f, { include: [0], inset: POINT_ROOM });
  const left = MARGIN + yAxisWidth(yFor({ left: 0, top, width: 1, height: frameHeight }), f);
  const { frame, scale: xs } = fitFrameToXTicks(
    { left, top, width: width - left - MARGIN - 6, height: frameHeight },
    (fr) =>
      xScale(
        input.studies.map((s) => s.x),
        fr,
        f,
        { include: [0], inset: POINT_ROOM },
      ),
    f,
    width,
    6,
  );
  const ys = yFor(frame);
  const body: string[] = [clipPath(`${idPrefix}-clip`, frame)];
  if (input.title) body.push(plotTitle(input.title, width, MARGIN, f));
  body.push(frameBorder(frame));
  const pts: LabelledPoint[] = input.studies.map((s) => ({
    x: xs.map(s.x),
    y: ys.map(s.y),
    r: POINT_RADIUS,
    label: s.label,
  }));
  body.push(
    group(
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
    ),
  );
  // Most extreme first: distance from the origin in axis-relative units.
  const [xd, yd] = [xs.domain[1] - xs.domain[0] || 1, ys.domain[1] - ys.domain[0] || 1];
  const order = input.studies
    .map((s, i) => ({ i, d: Math.hypot(s.x / xd, s.y / yd) }))
    .sort((a, b) => b.d - a.d)
    .slice(0, options.maxLabels ?? (input.studies.length <= 30 ? input.studies.length : 10));
  body.push(
    group(
      placeLabels(
        order.map((o) => pts[o.i]),
        pts,
        { x: frame.left + 2, y: frame.top + 2, width: frame.width - 4, height: frame.height - 4 },
        f * 0.9,
      ),
      { class: "labels", "font-size": f * 0.9 },
    ),
  );
  body.push(xAxis(xs, frame, f, input.xLabel ?? "Contribution to overall heterogeneity (Q)"));
  body.push(yAxis(ys, frame, f, input.yLabel ?? "Influence on the pooled result"));
  return svgDocument({
    width,
    height,
    title: input.title ?? `Baujat plot (${plural(input.studies.length, "study")})`,
    desc: `Baujat plot of ${plural(input.studies.length, "study")}: contribution of each study to the heterogeneity statistic Q against its influence on the pooled estimate.`,
    idPrefix,
    fontSize: f,
    body,
  });
}
