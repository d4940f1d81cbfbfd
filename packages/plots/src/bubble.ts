/** Bubble plot of a meta-regression on one continuous moderator. */
import { type Frame, xScale, yScale } from "./chart.js";
import { fmt, fmtEffect, plural, scalePhrase } from "./format.js";
import type { Scale } from "./scale.js";
import {
  clippedLayer,
  SCATTER_MARGIN,
  type ScatterFrame,
  scatterDocument,
  scatterFrame,
  scatterSize,
  xAxisBottom,
  xAxisSpace,
} from "./scatter-frame.js";
import { el, group, line, PALETTE, polygon, text, tooltip } from "./svg.js";
import { textWidth as textWidthOf } from "./text.js";
import type { BubbleInput, EffectScaleKind, ScatterOptions } from "./types.js";

const MAX_RADIUS = 16;
// Room (px) between the frame and the data's extent: the largest bubble and half its stroke.
const BUBBLE_ROOM = MAX_RADIUS + 1;

type FitPoint = NonNullable<BubbleInput["fit"]>[number];

/**
 * Bubble plot: effect (y) against the moderator (x), bubble area proportional to the study's
 * weight, the fitted line and its confidence band, and a reference line at no effect.
 */
export function bubblePlot(input: BubbleInput, options: ScatterOptions = {}): string {
  if (input.studies.length === 0) throw new Error("bubblePlot: no studies to draw");
  const size = scatterSize(options, "pooled-bubble");
  const { f, width } = size;
  const scale = input.scale ?? "linear";
  const nullValue = input.nullValue ?? 0;
  const fitPts = [...(input.fit ?? [])].sort((a, b) => a.x - b.x);
  const yValues = [
    ...input.studies.map((s) => s.yi),
    ...fitPts.flatMap((p) => [p.ciLower, p.ciUpper]),
  ];
  // Bubbles are inset from the frame so the largest is never cut at the edge: the scales map the
  // data into the frame shrunk by BUBBLE_ROOM on every side.
  const sc = scatterFrame(size, {
    title: input.title,
    bottomSpace: xAxisSpace(f) + SCATTER_MARGIN + (input.note ? f * 1.6 : 0),
    y: (fr) => yScale(yValues, innerOf(fr), f, { include: [nullValue], scale }),
    x: (fr) =>
      xScale(
        input.studies.map((s) => s.x),
        innerOf(fr),
        f,
      ),
  });
  const after: string[] = [];
  let finalWidth = width;
  if (input.note) {
    const y = xAxisBottom(sc) + f * 1.6;
    after.push(text(SCATTER_MARGIN, y, input.note, { class: "note", "font-size": f * 0.9 }));
    finalWidth = Math.max(width, SCATTER_MARGIN * 2 + textWidthOf(input.note, f * 0.9));
  }
  return scatterDocument(sc, {
    under: clippedLayer(sc, fitLayer(sc, fitPts, nullValue), "fit"),
    points: [bubbles(input, sc.xs, sc.ys, scale)],
    xTitle: input.xLabel,
    yTitle: input.effectLabel ?? "Effect size",
    after,
    width: finalWidth,
    title: input.title ?? `Bubble plot: effect against ${input.xLabel}`,
    desc: `Bubble plot of ${plural(input.studies.length, "study")}: effect${scalePhrase(scale)} against ${input.xLabel}, bubble area proportional to weight${fitPts.length >= 2 ? ", with the fitted meta-regression line and its confidence band" : ""}.`,
  });
}

/** The frame shrunk by BUBBLE_ROOM on every side: where the scales put the data. */
function innerOf(fr: Frame): Frame {
  return {
    left: fr.left + BUBBLE_ROOM,
    top: fr.top + BUBBLE_ROOM,
    width: fr.width - 2 * BUBBLE_ROOM,
    height: fr.height - 2 * BUBBLE_ROOM,
  };
}

/**
 * Under the bubbles: the reference line at no effect and, with at least two points of the fitted
 * line, its confidence band and the line itself.
 */
function fitLayer(sc: ScatterFrame, fitPts: FitPoint[], nullValue: number): string[] {
  const { frame, xs, ys } = sc;
  const ny = ys.map(nullValue);
  const under = [
    line(frame.left, ny, frame.left + frame.width, ny, {
      stroke: PALETTE.grey,
      "stroke-dasharray": "4 3",
      class: "reference-line",
    }),
  ];
  if (fitPts.length < 2) return under;
  const upper = fitPts.map((p) => [xs.map(p.x), ys.map(p.ciUpper)] as [number, number]);
  const lower = fitPts.map((p) => [xs.map(p.x), ys.map(p.ciLower)] as [number, number]).reverse();
  under.push(
    polygon([...upper, ...lower], {
      fill: PALETTE.skyBlue,
      "fill-opacity": 0.25,
      stroke: "none",
      class: "ci-band",
    }),
  );
  under.push(
    el("polyline", {
      points: fitPts
        .map((p) => `${xs.map(p.x).toFixed(2)},${ys.map(p.estimate).toFixed(2)}`)
        .join(" "),
      fill: "none",
      stroke: PALETTE.blue,
      "stroke-width": 2,
      class: "fit-line",
    }),
  );
  return under;
}

/**
 * One bubble per study, its area proportional to the study's weight (radius MAX_RADIUS for the
 * heaviest, at least 2 px), largest first so that small bubbles stay on top.
 */
function bubbles(input: BubbleInput, xs: Scale, ys: Scale, scale: EffectScaleKind): string {
  const wMax = input.studies.reduce((m, s) => Math.max(m, s.weight), Number.NEGATIVE_INFINITY);
  const circles = input.studies
    .map((s) => ({
      s,
      r: wMax > 0 ? Math.max(2, MAX_RADIUS * Math.sqrt(Math.max(0, s.weight) / wMax)) : 4,
    }))
    .sort((a, b) => b.r - a.r)
    .map(({ s, r }) =>
      el(
        "circle",
        {
          cx: xs.map(s.x),
          cy: ys.map(s.yi),
          r,
          fill: PALETTE.orange,
          "fill-opacity": 0.55,
          stroke: "#8A5A00",
          "stroke-width": 0.8,
          class: "bubble",
        },
        [
          tooltip(
            `${s.label}: ${fmt(s.x, 2)}, ${fmtEffect(s.yi, 2, scale)}, weight ${fmt(s.weight, 1)}%`,
          ),
        ],
      ),
    );
  return group(circles, { class: "bubbles" });
}
