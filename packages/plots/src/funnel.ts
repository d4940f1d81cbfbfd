/** Funnel plot, optionally contour-enhanced (Peters et al. 2008), with trim-and-fill studies. */
import {
  type LegendItem,
  legend,
  legendLines,
  MARKER_REACH,
  marker,
  scaleWithRoom,
  xScale,
  yScale,
} from "./chart.js";
import { normalQuantile } from "./distributions.js";
import { fmtEffect, plural, scalePhrase } from "./format.js";
import { groupMarkStyle, groupOfStudies, groupStyle, UNGROUPED_COLOUR } from "./funnel-groups.js";
import {
  clippedLayer,
  SCATTER_MARGIN as MARGIN,
  type ScatterFrame,
  scatterDocument,
  scatterFrame,
  scatterSize,
  xAxisBottom,
  xAxisSpace,
} from "./scatter-frame.js";
import { el, group, line, PALETTE, polygon, rect, tooltip } from "./svg.js";
import type { EffectScaleKind, FunnelInput, FunnelOptions } from "./types.js";

const POINT_RADIUS = 4;
// Room (px) between the outermost points' centres and the frame: the marker's reach plus the stroke.
const pointRoom = (grouped: boolean) => POINT_RADIUS * (grouped ? MARKER_REACH : 1) + 1.5;
// Shades of the contour-enhanced funnel, from the innermost band outwards.
const CONTOUR_SHADES = ["#8C8C8C", "#B5B5B5", "#DCDCDC", "#EFEFEF"];

/** What a funnel plot draws, from its input and options. */
interface FunnelSettings {
  scale: EffectScaleKind;
  nullValue: number;
  /** Level (percent) of the pseudo-confidence region and its normal quantile. */
  level: number;
  zRegion: number;
  /** Levels (percent) of the significance contours, ascending; empty for a plain funnel. */
  contours: number[];
  /** Draw the pseudo-confidence region around the estimate. */
  pseudo: boolean;
  hasFilled: boolean;
  grouped: boolean;
  /** Each study's subgroup, or −1 (see groupOfStudies). */
  groupOf: number[];
  /** Room (px) between the outermost points' centres and the frame. */
  pointRoom: number;
}

/**
 * @throws Error when the level is not in (0, 100) or a subgroup lists a study that is not there
 */
function funnelSettings(input: FunnelInput, options: FunnelOptions): FunnelSettings {
  const level = options.level ?? 95;
  const zRegion = normalQuantile(1 - (1 - level / 100) / 2);
  const contours = [...(options.contours ?? [])]
    .filter((c) => c > 0 && c < 100)
    .sort((a, b) => a - b);
  const grouped = (input.groups ?? []).length > 0;
  return {
    scale: input.scale ?? "linear",
    nullValue: input.nullValue ?? 0,
    level,
    zRegion,
    contours,
    pseudo: options.pseudoRegion ?? contours.length === 0,
    hasFilled: input.studies.some((s) => s.filled),
    grouped,
    groupOf: groupOfStudies(input),
    pointRoom: pointRoom(grouped),
  };
}

/**
 * Funnel plot: effect (x) against its standard error (y, 0 at the top), the pseudo confidence
 * region yᵢ = μ ± z·SE around the pooled estimate, and with `contours` the regions where a study
 * would be statistically significant around the null value. Trim-and-fill studies are hollow.
 */
export function funnelPlot(input: FunnelInput, options: FunnelOptions = {}): string {
  if (input.studies.length === 0) throw new Error("funnelPlot: no studies to draw");
  const size = scatterSize(options, "pooled-funnel");
  const { f, width } = size;
  const s = funnelSettings(input, options);
  const items = legendItems(input, s);
  const legendRows = legendLines(items, f, width - 2 * MARGIN);
  const ses = input.studies.map((st) => st.se);
  const yis = input.studies.map((st) => st.yi);
  const sc = scatterFrame(size, {
    title: input.title,
    bottomSpace: xAxisSpace(f) + 10 + legendRows * f * 1.6 + MARGIN,
    // The SE axis runs from 0 (top) to past the largest SE, far enough for that study's point to
    // be drawn whole inside the clipping frame.
    y: (fr) =>
      scaleWithRoom(
        (extra) => yScale(ses, fr, f, { include: [0, ...extra], inverted: true }),
        ses,
        s.pointRoom,
        "high",
      ),
    // The effect axis reaches the pseudo-confidence region at the largest SE drawn.
    x: (fr, ys) =>
      scaleWithRoom(
        (extra) =>
          xScale(yis, fr, f, {
            scale: s.scale,
            include: [
              s.nullValue,
              input.estimate - s.zRegion * ys.domain[1],
              input.estimate + s.zRegion * ys.domain[1],
              ...extra,
            ],
            xlim: input.xlim,
          }),
        yis,
        s.pointRoom,
      ),
  });
  const lg = legend(items, MARGIN, xAxisBottom(sc) + 10 + f * 1.4, f, width - 2 * MARGIN);
  const k = input.studies.filter((st) => !st.filled).length;
  return scatterDocument(sc, {
    under: clippedLayer(sc, regions(sc, input, s), "regions"),
    points: [
      group(studyMarkers(sc, input, s), { class: "points", "clip-path": `url(#${sc.clipId})` }),
    ],
    xTitle: input.effectLabel ?? "Effect size",
    yTitle: input.yLabel ?? (input.yAxis === "sample-size" ? "√(1/n₁ + 1/n₂)" : "Standard error"),
    after: [lg.markup],
    width: Math.max(width, MARGIN * 2 + lg.width),
    title: input.title ?? `Funnel plot (${plural(k, "study")})`,
    desc: funnelDescription(input, s, k),
  });
}

/** The legend's entries: the studies' markers, the lines, then the contours' shades. */
function legendItems(input: FunnelInput, s: FunnelSettings): LegendItem[] {
  return [...markerItems(input, s), ...lineItems(input, s), ...contourItems(s.contours)];
}

/** One entry per subgroup (or one for all studies), and one for trim-and-fill studies. */
function markerItems(input: FunnelInput, s: FunnelSettings): LegendItem[] {
  const items: LegendItem[] = [];
  if (!s.grouped) {
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
    if (input.studies.some((st, i) => !st.filled && s.groupOf[i] === -1))
      items.push({
        label: "Other studies",
        symbol: (x, y) => marker("circle", x + 7, y + 7, 4, groupMarkStyle(UNGROUPED_COLOUR)),
      });
  }
  if (s.hasFilled) {
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
  return items;
}

/** The pooled and adjusted estimates' lines and the pseudo-confidence region's edge. */
function lineItems(input: FunnelInput, s: FunnelSettings): LegendItem[] {
  const items: LegendItem[] = [
    {
      label: "Pooled estimate",
      symbol: (x, y) =>
        line(x, y + 7, x + 14, y + 7, { stroke: PALETTE.text, "stroke-width": 1.2 }),
    },
  ];
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
  if (s.pseudo)
    items.push({
      label: `${s.level}% pseudo-CI`,
      symbol: (x, y) =>
        line(x, y + 7, x + 14, y + 7, { stroke: PALETTE.grey, "stroke-dasharray": "4 3" }),
    });
  return items;
}

/** One shade per band between contours, from "p > 0.1" inwards to "p < 0.01" outside. */
function contourItems(contours: number[]): LegendItem[] {
  const swatch = (fill: string) => (x: number, y: number) =>
    rect(x, y + 1, 14, 12, { fill, stroke: PALETTE.grey, "stroke-width": 0.5 });
  const items: LegendItem[] = contours.map((c, i) => {
    const prev = i === 0 ? null : contours[i - 1];
    const label = i === 0 ? `p > ${fmtP100(c)}` : `${fmtP100(prev as number)} > p > ${fmtP100(c)}`;
    return { label, symbol: swatch(i === 0 ? "#FFFFFF" : CONTOUR_SHADES[Math.min(i - 1, 3)]) };
  });
  if (contours.length) {
    const last = contours[contours.length - 1];
    items.push({
      label: `p < ${fmtP100(last)}`,
      symbol: swatch(CONTOUR_SHADES[Math.min(contours.length, 3)]),
    });
  }
  return items;
}

/**
 * Under the points, clipped to the frame: the contours' shades, the pseudo-confidence region,
 * the pooled estimate's line, the adjusted estimate's and, with contours, the null value's.
 */
function regions(sc: ScatterFrame, input: FunnelInput, s: FunnelSettings): string[] {
  const { frame, xs } = sc;
  const seMax = sc.ys.domain[1];
  const pt = (x: number, se: number): [number, number] => [xs.map(x), sc.ys.map(se)];
  const out = contourRegions(sc, s);
  if (s.pseudo) {
    out.push(
      polygon(
        [
          pt(input.estimate, 0),
          pt(input.estimate - s.zRegion * seMax, seMax),
          pt(input.estimate + s.zRegion * seMax, seMax),
        ],
        {
          fill: s.contours.length ? "none" : PALETTE.paleGrey,
          stroke: PALETTE.grey,
          "stroke-dasharray": "4 3",
          class: "pseudo-region",
        },
      ),
    );
  }
  const vertical = (x: number, a: Record<string, string | number>) =>
    line(x, frame.top, x, frame.top + frame.height, a);
  out.push(
    vertical(xs.map(input.estimate), {
      stroke: PALETTE.text,
      "stroke-width": 1.2,
      class: "estimate-line",
    }),
  );
  const adjusted = input.adjustedEstimate;
  if (adjusted !== null && adjusted !== undefined && Number.isFinite(adjusted)) {
    out.push(
      vertical(xs.map(adjusted), {
        stroke: PALETTE.vermillion,
        "stroke-width": 1.2,
        "stroke-dasharray": "6 3",
        class: "adjusted-line",
      }),
    );
  }
  if (s.contours.length && s.nullValue !== input.estimate) {
    out.push(
      vertical(xs.map(s.nullValue), {
        stroke: PALETTE.grey,
        "stroke-width": 0.8,
        class: "reference-line",
      }),
    );
  }
  return out;
}

/**
 * The contour-enhanced funnel (Peters et al. 2008): around the null value, the regions where a
 * study would be significant at each level. The outermost shade fills the frame; each narrower
 * funnel (lower level) is painted over it.
 */
function contourRegions(sc: ScatterFrame, s: FunnelSettings): string[] {
  const { contours, nullValue } = s;
  if (!contours.length) return [];
  const frame = sc.frame;
  const seMax = sc.ys.domain[1];
  const pt = (x: number, se: number): [number, number] => [sc.xs.map(x), sc.ys.map(se)];
  const out = [
    rect(frame.left, frame.top, frame.width, frame.height, {
      fill: CONTOUR_SHADES[Math.min(contours.length, 3)],
      class: "contour contour-outside",
    }),
  ];
  for (let i = contours.length - 1; i >= 0; i--) {
    const z = normalQuantile(1 - (1 - contours[i] / 100) / 2);
    const fill = i === 0 ? "#FFFFFF" : CONTOUR_SHADES[Math.min(i - 1, 3)];
    out.push(
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
  return out;
}

/**
 * One marker per study: a subgroup's colour and shape when grouped, else a blue dot; studies
 * imputed by trim-and-fill hollow and red either way.
 */
function studyMarkers(sc: ScatterFrame, input: FunnelInput, s: FunnelSettings): string[] {
  return input.studies.map((st, i) => {
    const cx = sc.xs.map(st.yi);
    const cy = sc.ys.map(st.se);
    const g = s.groupOf[i];
    const level = g >= 0 ? (input.groups ?? [])[g].level : null;
    const tip = `${st.label}: ${fmtEffect(st.yi, 2, s.scale)} (SE ${st.se.toFixed(3)})${level !== null ? `, ${level}` : ""}${st.filled ? ", imputed by trim-and-fill" : ""}`;
    if (s.grouped && !st.filled) {
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
        fill: st.filled ? "#FFFFFF" : PALETTE.blue,
        stroke: st.filled ? PALETTE.vermillion : PALETTE.blue,
        "stroke-width": st.filled ? 1.5 : 1,
        class: st.filled ? "study filled-study" : "study",
      },
      [tooltip(tip)],
    );
  });
}

/** The SVG's description: what is drawn against what, subgroups, contours, imputed studies. */
function funnelDescription(input: FunnelInput, s: FunnelSettings, k: number): string {
  const filledK = input.studies.length - k;
  const groupNames = (input.groups ?? []).map((g) => g.level);
  return (
    `Funnel plot of ${plural(k, "study")}: effect${scalePhrase(s.scale)} against ${input.yAxis === "sample-size" ? "sample-size precision" : "standard error"}` +
    `, centred on the pooled estimate ${fmtEffect(input.estimate, 2, s.scale)}` +
    (s.grouped
      ? `; studies coloured and shaped by subgroup (${plural(groupNames.length, "subgroup")}: ${groupNames.join(", ")})`
      : "") +
    (s.contours.length
      ? `, contour-enhanced at ${s.contours.join(", ")}% around the null value`
      : "") +
    (filledK ? `; ${plural(filledK, "study")} imputed by trim-and-fill drawn hollow` : "") +
    "."
  );
}

/** A significance level in percent as the p-value it bounds: 95 → "0.05". */
function fmtP100(level: number): string {
  return String(Number((1 - level / 100).toPrecision(3)));
}
