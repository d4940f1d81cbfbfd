/** Galbraith (radial) plot (Galbraith 1988): standardised effect against precision. */
import {
  clipPath,
  type Frame,
  fitFrameToXTicks,
  frameBorder,
  type LabelledPoint,
  legend,
  placeLabels,
  plotTitle,
  xAxis,
  xScale,
  yAxis,
  yAxisWidth,
  yScale,
} from "./chart.js";
import { fmt, plural } from "./format.js";
import { el, group, line, PALETTE, polygon, svgDocument, tooltip } from "./svg.js";
import type { GalbraithInput, ScatterOptions } from "./types.js";

const MARGIN = 14;
const POINT_RADIUS = 4;
// Room (px) between the frame and the outermost points: their radius, stroke and 1.5 px of air.
const POINT_ROOM = 6;

/**
 * Galbraith plot: xᵢ = 1/√(vᵢ + τ²) against zᵢ = yᵢ/√(vᵢ + τ²). The line through the origin has
 * slope μ (the pooled estimate); studies outside the band μ·x ± 2 are highlighted and labelled.
 */
export function galbraithPlot(input: GalbraithInput, options: ScatterOptions = {}): string {
  if (input.studies.length === 0) throw new Error("galbraithPlot: no studies to draw");
  const f = options.fontSize ?? 12;
  const width = options.width ?? 600;
  const height = options.height ?? 460;
  const idPrefix = options.idPrefix ?? "pooled-galbraith";
  const tau2 = input.tau2 ?? 0;
  const pts = input.studies.map((s) => {
    const sd = Math.sqrt(s.vi + tau2);
    return { label: s.label, x: 1 / sd, z: s.yi / sd };
  });
  const mu = input.estimate;
  const outside = (p: { x: number; z: number }) => Math.abs(p.z - mu * p.x) > 2;

  const top = MARGIN + (input.title ? f * 1.25 + 12 : 0);
  const bottomSpace = 6 + f + f * 1.6 + 10 + f * 1.8 + MARGIN;
  const frameHeight = height - top - bottomSpace;
  const xMax = pts.reduce((m, p) => Math.max(m, p.x), Number.NEGATIVE_INFINITY);
  const zValues = [...pts.map((p) => p.z), 2, -2, mu * xMax * 1.05 + 2, mu * xMax * 1.05 - 2];
  // The y scale depends only on the frame's top and height: the probe gives the final ticks.
  const yFor = (fr: Frame) => yScale(zValues, fr, f, { include: [0], inset: POINT_ROOM });
  const left = MARGIN + yAxisWidth(yFor({ left: 0, top, width: 1, height: frameHeight }), f);
  // Both axes keep POINT_ROOM px between the frame and the data, so the most precise study (at
  // the right end of the precision axis, possibly a round number) is drawn whole.
  const { frame, scale: xs } = fitFrameToXTicks(
    { left, top, width: width - left - MARGIN - 6, height: frameHeight },
    (fr) =>
      xScale(
        pts.map((p) => p.x),
        fr,
        f,
        { include: [0], inset: POINT_ROOM },
      ),
    f,
    width,
    6,
  );
  const ys = yFor(frame);
  // The lines run from edge to edge of the frame (the clip path trims them).
  const x0 = xs.invert(frame.left);
  const x1 = xs.invert(frame.left + frame.width);

  const clipId = `${idPrefix}-clip`;
  const body: string[] = [clipPath(clipId, frame)];
  if (input.title) body.push(plotTitle(input.title, width, MARGIN, f));
  const P = (x: number, z: number): [number, number] => [xs.map(x), ys.map(z)];
  const lines = [
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
  body.push(group(lines, { "clip-path": `url(#${clipId})`, class: "lines" }));
  body.push(frameBorder(frame));
  const circles = pts.map((p) => {
    const out = outside(p);
    return el(
      "circle",
      {
        cx: xs.map(p.x),
        cy: ys.map(p.z),
        r: POINT_RADIUS,
        fill: out ? PALETTE.vermillion : PALETTE.blue,
        stroke: "#FFFFFF",
        "stroke-width": 0.6,
        class: out ? "study outlier" : "study",
      },
      [tooltip(`${p.label}: precision ${fmt(p.x, 2)}, standardised effect ${fmt(p.z, 2)}`)],
    );
  });
  body.push(group(circles, { class: "points" }));

  // Label the studies outside the band, most extreme first.
  const all: LabelledPoint[] = pts.map((p) => ({
    x: xs.map(p.x),
    y: ys.map(p.z),
    r: POINT_RADIUS,
    label: p.label,
  }));
  const order = pts
    .map((p, i) => ({ i, d: Math.abs(p.z - mu * p.x) }))
    .filter((o) => o.d > 2)
    .sort((a, b) => b.d - a.d)
    .slice(0, options.maxLabels ?? 10);
  body.push(
    group(
      placeLabels(
        order.map((o) => all[o.i]),
        all,
        { x: frame.left + 2, y: frame.top + 2, width: frame.width - 4, height: frame.height - 4 },
        f * 0.9,
      ),
      { class: "labels", "font-size": f * 0.9 },
    ),
  );

  const nOut = pts.filter(outside).length;
  body.push(xAxis(xs, frame, f, "Precision, 1/√(vᵢ + τ²)"));
  body.push(yAxis(ys, frame, f, "Standardised effect, yᵢ/√(vᵢ + τ²)"));
  const lg = legend(
    [
      {
        label: `Pooled ${input.effectLabel ?? "estimate"} ${fmt(mu, 2)} (slope)`,
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
    MARGIN,
    frame.top + frame.height + 6 + f + f * 1.6 + 10 + f * 1.4,
    f,
  );
  body.push(lg.markup);
  return svgDocument({
    width: Math.max(width, MARGIN * 2 + lg.width),
    height,
    title: input.title ?? `Galbraith plot (${plural(pts.length, "study")})`,
    desc: `Galbraith (radial) plot of ${plural(pts.length, "study")}: standardised effect against precision with τ² = ${fmt(tau2, 3)}; the line through the origin has slope ${fmt(mu, 3)} (pooled estimate); ${plural(nOut, "study")} ${nOut === 1 ? "lies" : "lie"} outside the ±2 band.`,
    idPrefix,
    fontSize: f,
    body,
  });
}
