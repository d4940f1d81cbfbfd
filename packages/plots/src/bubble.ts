/** Bubble plot of a meta-regression on one continuous moderator. */
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
import { fmt, fmtEffect, plural, scalePhrase } from "./format.js";
import { el, group, line, PALETTE, polygon, svgDocument, text, tooltip } from "./svg.js";
import { textWidth as textWidthOf } from "./text.js";
import type { BubbleInput, ScatterOptions } from "./types.js";

const MARGIN = 14;
const MAX_RADIUS = 16;
// Room (px) between the frame and the data's extent: the largest bubble and half its stroke.
const BUBBLE_ROOM = MAX_RADIUS + 1;

/**
 * Bubble plot: effect (y) against the moderator (x), bubble area proportional to the study's
 * weight, the fitted line and its confidence band, and a reference line at no effect.
 */
export function bubblePlot(input: BubbleInput, options: ScatterOptions = {}): string {
  if (input.studies.length === 0) throw new Error("bubblePlot: no studies to draw");
  const f = options.fontSize ?? 12;
  const width = options.width ?? 600;
  const height = options.height ?? 460;
  const idPrefix = options.idPrefix ?? "pooled-bubble";
  const scale = input.scale ?? "linear";
  const nullValue = input.nullValue ?? 0;
  const fitPts = [...(input.fit ?? [])].sort((a, b) => a.x - b.x);

  const top = MARGIN + (input.title ? f * 1.25 + 12 : 0);
  const bottomSpace = 6 + f + f * 1.6 + MARGIN + (input.note ? f * 1.6 : 0);
  const frameHeight = height - top - bottomSpace;
  const yValues = [
    ...input.studies.map((s) => s.yi),
    ...fitPts.flatMap((p) => [p.ciLower, p.ciUpper]),
  ];
  // Bubbles are inset from the frame so the largest is never cut at the edge: the scales map the
  // data into the frame shrunk by BUBBLE_ROOM on every side.
  const innerOf = (fr: Frame): Frame => ({
    left: fr.left + BUBBLE_ROOM,
    top: fr.top + BUBBLE_ROOM,
    width: fr.width - 2 * BUBBLE_ROOM,
    height: fr.height - 2 * BUBBLE_ROOM,
  });
  // The y scale depends only on the frame's top and height: the probe gives the final ticks.
  const yFor = (fr: Frame) => yScale(yValues, innerOf(fr), f, { include: [nullValue], scale });
  const left = MARGIN + yAxisWidth(yFor({ left: 0, top, width: 1, height: frameHeight }), f);
  const { frame, scale: xsInner } = fitFrameToXTicks(
    { left, top, width: width - left - MARGIN - 6, height: frameHeight },
    (fr) =>
      xScale(
        input.studies.map((s) => s.x),
        innerOf(fr),
        f,
      ),
    f,
    width,
    6,
  );
  const ysInner = yFor(frame);
  const clipId = `${idPrefix}-clip`;
  const body: string[] = [clipPath(clipId, frame)];
  if (input.title) body.push(plotTitle(input.title, width, MARGIN, f));
  const under: string[] = [];
  const ny = ysInner.map(nullValue);
  under.push(
    line(frame.left, ny, frame.left + frame.width, ny, {
      stroke: PALETTE.grey,
      "stroke-dasharray": "4 3",
      class: "reference-line",
    }),
  );
  if (fitPts.length >= 2) {
    const upper = fitPts.map((p) => [xsInner.map(p.x), ysInner.map(p.ciUpper)] as [number, number]);
    const lower = fitPts
      .map((p) => [xsInner.map(p.x), ysInner.map(p.ciLower)] as [number, number])
      .reverse();
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
          .map((p) => `${xsInner.map(p.x).toFixed(2)},${ysInner.map(p.estimate).toFixed(2)}`)
          .join(" "),
        fill: "none",
        stroke: PALETTE.blue,
        "stroke-width": 2,
        class: "fit-line",
      }),
    );
  }
  body.push(group(under, { "clip-path": `url(#${clipId})`, class: "fit" }));
  body.push(frameBorder(frame));
  const wMax = input.studies.reduce((m, s) => Math.max(m, s.weight), Number.NEGATIVE_INFINITY);
  const bubbles = input.studies
    .map((s) => ({
      s,
      r: wMax > 0 ? Math.max(2, MAX_RADIUS * Math.sqrt(Math.max(0, s.weight) / wMax)) : 4,
    }))
    .sort((a, b) => b.r - a.r)
    .map(({ s, r }) =>
      el(
        "circle",
        {
          cx: xsInner.map(s.x),
          cy: ysInner.map(s.yi),
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
  body.push(group(bubbles, { class: "bubbles" }));
  body.push(xAxis(xsInner, frame, f, input.xLabel));
  body.push(yAxis(ysInner, frame, f, input.effectLabel ?? "Effect size"));
  let finalWidth = width;
  if (input.note) {
    const y = frame.top + frame.height + 6 + f + f * 1.6 + f * 1.6;
    body.push(text(MARGIN, y, input.note, { class: "note", "font-size": f * 0.9 }));
    finalWidth = Math.max(width, MARGIN * 2 + textWidthOf(input.note, f * 0.9));
  }
  return svgDocument({
    width: finalWidth,
    height,
    title: input.title ?? `Bubble plot: effect against ${input.xLabel}`,
    desc: `Bubble plot of ${plural(input.studies.length, "study")}: effect${scalePhrase(scale)} against ${input.xLabel}, bubble area proportional to weight${fitPts.length >= 2 ? ", with the fitted meta-regression line and its confidence band" : ""}.`,
    idPrefix,
    fontSize: f,
    body,
  });
}
