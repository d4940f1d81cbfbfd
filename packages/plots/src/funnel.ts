/** Funnel plot, optionally contour-enhanced (Peters et al. 2008), with trim-and-fill studies. */
import {
  clipPath,
  type Frame,
  fitFrameToXTicks,
  frameBorder,
  type LegendItem,
  legend,
  legendLines,
  MARKER_REACH,
  MARKER_SHAPES,
  type MarkerShape,
  marker,
  normalQuantile,
  plotTitle,
  scaleWithRoom,
  xAxis,
  xScale,
  yAxis,
  yAxisWidth,
  yScale,
} from "./chart.js";
import { fmtEffect, plural, scalePhrase } from "./format.js";
import { el, group, line, PALETTE, polygon, rect, svgDocument, tooltip } from "./svg.js";
import type { FunnelInput, FunnelOptions } from "./types.js";

const MARGIN = 14;
const POINT_RADIUS = 4;
// Room (px) between the outermost points' centres and the frame: the marker's reach plus the stroke.
const pointRoom = (grouped: boolean) => POINT_RADIUS * (grouped ? MARKER_REACH : 1) + 1.5;
/**
 * Colours of subgroups, Okabe & Ito (2008) in an order that keeps neighbours apart; vermillion,
 * the colour of trim-and-fill studies, and yellow, faint on white, come last.
 */
const GROUP_COLOURS = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.green,
  PALETTE.purple,
  PALETTE.skyBlue,
  PALETTE.black,
  PALETTE.vermillion,
  PALETTE.yellow,
];
/** Observed studies in no subgroup. */
const UNGROUPED_COLOUR = PALETTE.grey;

/** Colour and shape of subgroup `g`: both cycle, so 40 groups get distinct pairs. */
function groupStyle(g: number): { colour: string; shape: MarkerShape } {
  return {
    colour: GROUP_COLOURS[g % GROUP_COLOURS.length],
    shape: MARKER_SHAPES[g % MARKER_SHAPES.length],
  };
}

/**
 * Each study's subgroup (index into `groups`), or −1: the first group listing a study wins.
 * @throws Error when an index is not a study's position
 */
function groupOfStudies(input: FunnelInput): number[] {
  const of = input.studies.map(() => -1);
  (input.groups ?? []).forEach((g, j) => {
    for (const i of g.indices) {
      if (!Number.isInteger(i) || i < 0 || i >= input.studies.length)
        throw new Error(
          `funnelPlot: group "${g.level}" lists study ${i}, not one of 0..${input.studies.length - 1}`,
        );
      if (of[i] === -1) of[i] = j;
    }
  });
  return of;
}
// Shades of the contour-enhanced funnel, from the innermost band outwards.
const CONTOUR_SHADES = ["#8C8C8C", "#B5B5B5", "#DCDCDC", "#EFEFEF"];

/**
 * Funnel plot: effect (x) against its standard error (y, 0 at the top), the pseudo confidence
 * region yᵢ = μ ± z·SE around the pooled estimate, and with `contours` the regions where a study
 * would be statistically significant around the null value. Trim-and-fill studies are hollow.
 */
export function funnelPlot(input: FunnelInput, options: FunnelOptions = {}): string {
  if (input.studies.length === 0) throw new Error("funnelPlot: no studies to draw");
  const f = options.fontSize ?? 12;
  const width = options.width ?? 600;
  const height = options.height ?? 460;
  const idPrefix = options.idPrefix ?? "pooled-funnel";
  const scale = input.scale ?? "linear";
  const nullValue = input.nullValue ?? 0;
  const level = options.level ?? 95;
  const zRegion = normalQuantile(1 - (1 - level / 100) / 2);
  const contours = [...(options.contours ?? [])]
    .filter((c) => c > 0 && c < 100)
    .sort((a, b) => a - b);
  const pseudo = options.pseudoRegion ?? contours.length === 0;
  const hasFilled = input.studies.some((s) => s.filled);
  const grouped = (input.groups ?? []).length > 0;
  const groupOf = groupOfStudies(input);
  const POINT_ROOM = pointRoom(grouped);

  const top = MARGIN + (input.title ? f * 1.25 + 12 : 0);
  const items: LegendItem[] = [];
  if (!grouped) {
    items.push({
      label: "Studies",
      symbol: (x: number, y: number) =>
        el("circle", { cx: x + 7, cy: y + 7, r: 4, fill: PALETTE.blue, stroke: PALETTE.blue }),
    });
  } else {
    (input.groups ?? []).forEach((g, j) => {
      const { colour, shape } = groupStyle(j);
      items.push({
        label: g.level,
        symbol: (x, y) => marker(shape, x + 7, y + 7, 4, groupMarkStyle(colour)),
      });
    });
    if (input.studies.some((s, i) => !s.filled && groupOf[i] === -1))
      items.push({
        label: "Other studies",
        symbol: (x, y) => marker("circle", x + 7, y + 7, 4, groupMarkStyle(UNGROUPED_COLOUR)),
      });
  }
  if (hasFilled) {
    items.push({
      label: "Filled (trim-and-fill)",
      symbol: (x, y) =>
        el("circle", {
          cx: x + 7,
          cy: y + 7,
          r: 4,
          fill: "#FFFFFF",
          stroke: PALETTE.vermillion,
          "stroke-width": 1.5,
        }),
    });
  }
  items.push({
    label: "Pooled estimate",
    symbol: (x, y) => line(x, y + 7, x + 14, y + 7, { stroke: PALETTE.text, "stroke-width": 1.2 }),
  });
  if (input.adjustedEstimate !== null && input.adjustedEstimate !== undefined) {
    items.push({
      label: "Adjusted",
      symbol: (x, y) =>
        line(x, y + 7, x + 14, y + 7, {
          stroke: PALETTE.vermillion,
          "stroke-width": 1.2,
          "stroke-dasharray": "6 3",
        }),
    });
  }
  if (pseudo)
    items.push({
      label: `${level}% pseudo-CI`,
      symbol: (x, y) =>
        line(x, y + 7, x + 14, y + 7, { stroke: PALETTE.grey, "stroke-dasharray": "4 3" }),
    });
  contours.forEach((c, i) => {
    const prev = i === 0 ? null : contours[i - 1];
    const label = i === 0 ? `p > ${fmtP100(c)}` : `${fmtP100(prev as number)} > p > ${fmtP100(c)}`;
    const fill = i === 0 ? "#FFFFFF" : CONTOUR_SHADES[Math.min(i - 1, 3)];
    items.push({
      label,
      symbol: (x, y) => rect(x, y + 1, 14, 12, { fill, stroke: PALETTE.grey, "stroke-width": 0.5 }),
    });
  });
  if (contours.length) {
    const last = contours[contours.length - 1];
    const fill = CONTOUR_SHADES[Math.min(contours.length, 3)];
    items.push({
      label: `p < ${fmtP100(last)}`,
      symbol: (x, y) => rect(x, y + 1, 14, 12, { fill, stroke: PALETTE.grey, "stroke-width": 0.5 }),
    });
  }
  const legendRows = legendLines(items, f, width - 2 * MARGIN);
  const bottomSpace = 6 + f + f * 1.6 + 10 + legendRows * f * 1.6 + MARGIN;
  const frameHeight = height - top - bottomSpace;
  const ses = input.studies.map((s) => s.se);
  // The SE axis runs from 0 (top) to past the largest SE, far enough for that study's point to
  // be drawn whole inside the clipping frame.
  const seScale = (fr: Frame) =>
    scaleWithRoom(
      (extra) => yScale(ses, fr, f, { include: [0, ...extra], inverted: true }),
      ses,
      POINT_ROOM,
      "high",
    );
  const yProbe = seScale({ left: 0, top, width: 1, height: frameHeight });
  const left = MARGIN + yAxisWidth(yProbe, f);
  const frame0: Frame = { left, top, width: width - left - MARGIN - 6, height: frameHeight };
  // The SE scale depends only on the frame's top and height, which fitting the x axis keeps.
  const ys = seScale(frame0);
  const seMax = ys.domain[1];
  const yis = input.studies.map((s) => s.yi);
  const { frame, scale: xs } = fitFrameToXTicks(
    frame0,
    (fr) =>
      scaleWithRoom(
        (extra) =>
          xScale(yis, fr, f, {
            scale,
            include: [
              nullValue,
              input.estimate - zRegion * seMax,
              input.estimate + zRegion * seMax,
              ...extra,
            ],
            xlim: input.xlim,
          }),
        yis,
        POINT_ROOM,
      ),
    f,
    width,
    6,
  );
  const pt = (x: number, se: number): [number, number] => [xs.map(x), ys.map(se)];
  const clipId = `${idPrefix}-clip`;
  const body: string[] = [clipPath(clipId, frame)];
  if (input.title) body.push(plotTitle(input.title, width, MARGIN, f));

  const regions: string[] = [];
  if (contours.length) {
    // Outermost shade fills the frame; each narrower funnel (lower level) is painted over it.
    regions.push(
      rect(frame.left, frame.top, frame.width, frame.height, {
        fill: CONTOUR_SHADES[Math.min(contours.length, 3)],
        class: "contour contour-outside",
      }),
    );
    for (let i = contours.length - 1; i >= 0; i--) {
      const z = normalQuantile(1 - (1 - contours[i] / 100) / 2);
      const fill = i === 0 ? "#FFFFFF" : CONTOUR_SHADES[Math.min(i - 1, 3)];
      regions.push(
        polygon(
          [pt(nullValue, 0), pt(nullValue - z * seMax, seMax), pt(nullValue + z * seMax, seMax)],
          {
            fill,
            stroke: PALETTE.grey,
            "stroke-width": 0.5,
            class: `contour contour-${contours[i]}`,
          },
        ),
      );
    }
  }
  if (pseudo) {
    regions.push(
      polygon(
        [
          pt(input.estimate, 0),
          pt(input.estimate - zRegion * seMax, seMax),
          pt(input.estimate + zRegion * seMax, seMax),
        ],
        {
          fill: contours.length ? "none" : PALETTE.paleGrey,
          stroke: PALETTE.grey,
          "stroke-dasharray": "4 3",
          class: "pseudo-region",
        },
      ),
    );
  }
  regions.push(
    line(xs.map(input.estimate), frame.top, xs.map(input.estimate), frame.top + frame.height, {
      stroke: PALETTE.text,
      "stroke-width": 1.2,
      class: "estimate-line",
    }),
  );
  if (
    input.adjustedEstimate !== null &&
    input.adjustedEstimate !== undefined &&
    Number.isFinite(input.adjustedEstimate)
  ) {
    const ax = xs.map(input.adjustedEstimate);
    regions.push(
      line(ax, frame.top, ax, frame.top + frame.height, {
        stroke: PALETTE.vermillion,
        "stroke-width": 1.2,
        "stroke-dasharray": "6 3",
        class: "adjusted-line",
      }),
    );
  }
  if (contours.length && nullValue !== input.estimate) {
    const nx = xs.map(nullValue);
    regions.push(
      line(nx, frame.top, nx, frame.top + frame.height, {
        stroke: PALETTE.grey,
        "stroke-width": 0.8,
        class: "reference-line",
      }),
    );
  }
  body.push(group(regions, { "clip-path": `url(#${clipId})`, class: "regions" }));
  body.push(frameBorder(frame));

  const points = input.studies.map((s, i) => {
    const [cx, cy] = pt(s.yi, s.se);
    const g = groupOf[i];
    const level = g >= 0 ? (input.groups ?? [])[g].level : null;
    const tip = `${s.label}: ${fmtEffect(s.yi, 2, scale)} (SE ${s.se.toFixed(3)})${level !== null ? `, ${level}` : ""}${s.filled ? ", imputed by trim-and-fill" : ""}`;
    if (grouped && !s.filled) {
      const style = g >= 0 ? groupStyle(g) : { colour: UNGROUPED_COLOUR, shape: "circle" as const };
      return marker(
        style.shape,
        cx,
        cy,
        POINT_RADIUS,
        {
          ...groupMarkStyle(style.colour),
          class: g >= 0 ? "study group-study" : "study ungrouped-study",
          "data-group": g >= 0 ? g : undefined,
        },
        [tooltip(tip)],
      );
    }
    return el(
      "circle",
      {
        cx,
        cy,
        r: POINT_RADIUS,
        fill: s.filled ? "#FFFFFF" : PALETTE.blue,
        stroke: s.filled ? PALETTE.vermillion : PALETTE.blue,
        "stroke-width": s.filled ? 1.5 : 1,
        class: s.filled ? "study filled-study" : "study",
      },
      [tooltip(tip)],
    );
  });
  body.push(group(points, { class: "points", "clip-path": `url(#${clipId})` }));

  const yTitle =
    input.yLabel ?? (input.yAxis === "sample-size" ? "√(1/n₁ + 1/n₂)" : "Standard error");
  body.push(xAxis(xs, frame, f, input.effectLabel ?? "Effect size"));
  body.push(yAxis(ys, frame, f, yTitle));

  const legendY = frame.top + frame.height + 6 + f + f * 1.6 + 10 + f * 1.4;
  const lg = legend(items, MARGIN, legendY, f, width - 2 * MARGIN);
  body.push(lg.markup);
  const finalWidth = Math.max(width, MARGIN * 2 + lg.width);

  const k = input.studies.filter((s) => !s.filled).length;
  const filledK = input.studies.length - k;
  const title = input.title ?? `Funnel plot (${plural(k, "study")})`;
  const groupNames = (input.groups ?? []).map((g) => g.level);
  const desc =
    `Funnel plot of ${plural(k, "study")}: effect${scalePhrase(scale)} against ${input.yAxis === "sample-size" ? "sample-size precision" : "standard error"}` +
    `, centred on the pooled estimate ${fmtEffect(input.estimate, 2, scale)}` +
    (grouped
      ? `; studies coloured and shaped by subgroup (${plural(groupNames.length, "subgroup")}: ${groupNames.join(", ")})`
      : "") +
    (contours.length ? `, contour-enhanced at ${contours.join(", ")}% around the null value` : "") +
    (filledK ? `; ${plural(filledK, "study")} imputed by trim-and-fill drawn hollow` : "") +
    ".";
  return svgDocument({ width: finalWidth, height, title, desc, idPrefix, fontSize: f, body });
}

/** Fill of a subgroup's markers, with a thin dark outline so that yellow shows on white. */
function groupMarkStyle(colour: string): Record<string, string | number> {
  return { fill: colour, stroke: PALETTE.text, "stroke-width": 0.6 };
}

function fmtP100(level: number): string {
  return String(Number((1 - level / 100).toPrecision(3)));
}
