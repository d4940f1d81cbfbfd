/**
 * The table-and-intervals layout behind the forest plot and the leave-one-out plot: text columns
 * left of the plotting region, text columns right of it, one fixed-height row per line, and the
 * effect axis underneath. The SVG grows downwards with the number of rows, so 1 or 500 studies
 * never overlap.
 */
import { FAVOURS_MIN_LINE, favoursLabels } from "./forest-favours.js";
import {
  judgementOf,
  type RobGeometry,
  robDots,
  robGeometry,
  robHeader,
  robLegend,
  robTitle,
} from "./forest-rob.js";
import { fmt } from "./format.js";
import type { Judgement } from "./risk-of-bias.js";
import { makeScale, type Scale } from "./scale.js";
import { group, line, PALETTE, polygon, rect, svgDocument, text } from "./svg.js";
import { textWidth, truncate } from "./text.js";
import type { EffectScaleKind, FavoursLabels, RiskOfBiasJudgement } from "./types.js";

export interface LayoutColumn {
  header: string;
  align: "left" | "right" | "center";
}

export type LayoutRow =
  | {
      kind: "interval";
      /** "square" sized by `relativeArea` (0-1, area relative to the largest); "point" fixed. */
      marker: "square" | "point";
      relativeArea?: number;
      left: string[];
      right: string[];
      estimate: number;
      lower: number;
      upper: number;
      className: string;
      /** Indent the label (a study under a cluster's label row). */
      indent?: boolean;
      /** Risk-of-bias judgements, one per item of `ForestLayoutInput.riskOfBias`. */
      judgements?: RiskOfBiasJudgement[];
    }
  | {
      kind: "diamond";
      left: string[];
      right: string[];
      estimate: number;
      lower: number;
      upper: number;
      className: string;
    }
  | { kind: "prediction"; left: string[]; right: string[]; lower: number; upper: number }
  | { kind: "heading"; text: string }
  /** A cluster's label (e.g. a publication) above its indented studies: italic, not bold. */
  | { kind: "subheading"; text: string }
  | { kind: "note"; text: string }
  | { kind: "spacer" };

export interface ForestLayoutInput {
  title: string;
  showTitle: boolean;
  desc: string;
  idPrefix: string;
  fontSize: number;
  leftColumns: LayoutColumn[];
  rightColumns: LayoutColumn[];
  rows: LayoutRow[];
  scale: EffectScaleKind;
  xlim?: [number, number];
  nullValue: number;
  effectLabel?: string;
  favours?: FavoursLabels;
  plotWidth: number;
  maxLabelWidth: number;
  /** A column of risk-of-bias dots right of the right columns: item names and the tool's name. */
  riskOfBias?: { items: string[]; label: string };
  /** Extra vertical lines across the rows (e.g. the full-data estimate of a leave-one-out plot). */
  guides?: { value: number; className: string }[];
  notes?: string[];
}

const MARGIN = 14;
const GAP = 16;
const MAX_CELL_WIDTH = 150;

/** Where everything of a forest layout goes across the figure, and the effect axis' scale. */
interface ForestGeometry {
  f: number;
  /** Height (px) of every row. */
  rowH: number;
  leftWidths: number[];
  /** Left edge of each left column. */
  leftX: number[];
  /** Width of the left columns with the gaps between them. */
  leftBlock: number;
  rightWidths: number[];
  /** Right edge of each right column (their text is right-aligned). */
  rightX: number[];
  scale: Scale;
  rob: RobGeometry | null;
  /** Width of the figure before notes and the axis title widen it. */
  width: number;
}

/**
 * A forest layout as an SVG document, top to bottom: the title, the column headers (under the
 * risk-of-bias tool's name), one row per entry of `rows`, the null line and guides through the
 * rows, the effect axis with the favours labels and its title, the risk-of-bias key, the notes.
 */
export function renderForestLayout(input: ForestLayoutInput): string {
  const g = forestGeometry(input);
  const f = g.f;
  const header = drawHeader(input, g);
  const rows = drawRows(input, g, header.bottom);
  const body = [...header.markup];
  body.push(group(referenceLines(input, g.scale, rows.lineRuns), { class: "reference" }));
  body.push(group(rows.markup, { class: "rows" }));
  const axis = drawAxis(input, g, rows.bottom, Math.max(g.width, rows.width));
  body.push(axis.markup);
  let width = axis.width;
  let by = axis.bottom;
  if (g.rob) {
    const used = usedJudgements(input.rows, g.rob.items.length);
    const key = robLegend(g.rob, used, MARGIN, by + f * 1.9, width - 2 * MARGIN, f);
    body.push(key.markup);
    by = key.lastBaseline;
  }
  for (const note of input.notes ?? []) {
    by += f * 1.45;
    body.push(text(MARGIN, by, note, { class: "note", "font-size": f * 0.9 }));
    width = Math.max(width, MARGIN * 2 + textWidth(note, f * 0.9));
  }
  return svgDocument({
    width,
    height: by + MARGIN,
    title: input.title,
    desc: input.desc,
    idPrefix: input.idPrefix,
    fontSize: f,
    body,
  });
}

/**
 * The columns as wide as their text (within their limits), the plotting region between the left
 * and the right columns, the effect axis' scale over it, and the risk-of-bias dots right of all.
 */
function forestGeometry(input: ForestLayoutInput): ForestGeometry {
  const f = input.fontSize;
  const rowH = Math.round(f * 1.6);
  const { widths: leftWidths, block: leftBlock } = leftColumnWidths(input, f);
  const rightWidths = rightColumnWidths(input, f);
  const plotX = MARGIN + leftBlock + GAP * 1.5;
  const scale = effectScale(input, plotX, f);
  // The right columns start clear of the axis' last tick label, which is centred on its tick.
  const tickHalf = Math.max(...scale.ticks.map((t) => textWidth(t.label, f) / 2), 0);
  const rightStart = plotX + input.plotWidth + Math.max(GAP * 1.5, tickHalf + 6);
  const rightX: number[] = [];
  let cursor = rightStart;
  for (const w of rightWidths) {
    cursor += w;
    rightX.push(cursor); // right-aligned: x is the right edge
    cursor += GAP;
  }
  let width = (rightWidths.length ? cursor - GAP : plotX + input.plotWidth + tickHalf) + MARGIN;
  const rob = input.riskOfBias?.items.length
    ? robGeometry(input.riskOfBias, width - MARGIN + GAP, rowH, f)
    : null;
  if (rob) width = rob.x0 + rob.width + MARGIN;
  const leftX: number[] = [];
  let x = MARGIN;
  for (const w of leftWidths) {
    leftX.push(x);
    x += w + GAP;
  }
  return { f, rowH, leftWidths, leftX, leftBlock, rightWidths, rightX, scale, rob, width };
}

/**
 * Widths of the left columns and of their block. Column 0 holds the labels; labels of rows with
 * no other left cells (pooled rows, prediction intervals) may span the whole left block.
 */
function leftColumnWidths(
  input: ForestLayoutInput,
  f: number,
): { widths: number[]; block: number } {
  const bold = (kind: LayoutRow["kind"]) => kind === "diamond" || kind === "heading";
  const widths = input.leftColumns.map((c, i) => {
    let w = textWidth(c.header, f, true);
    for (const r of input.rows) {
      if (r.kind !== "interval" && r.kind !== "diamond" && r.kind !== "prediction") continue;
      const cell = r.left[i] ?? "";
      if (i === 0 && r.kind !== "interval" && r.left.slice(1).every((s) => !s)) continue;
      const indent = i === 0 && r.kind === "interval" && r.indent ? f : 0;
      w = Math.max(w, indent + textWidth(cell, f, bold(r.kind)));
    }
    return Math.min(w, i === 0 ? input.maxLabelWidth : MAX_CELL_WIDTH);
  });
  const extrasWidth = widths.slice(1).reduce((a, b) => a + b + GAP, 0);
  let spanning = 0;
  for (const r of input.rows) {
    if (r.kind === "diamond" || r.kind === "prediction") {
      if (r.left.slice(1).every((s) => !s))
        spanning = Math.max(spanning, textWidth(r.left[0] ?? "", f, true));
    }
  }
  widths[0] = Math.max(40, widths[0], Math.min(spanning - extrasWidth, input.maxLabelWidth));
  const block = widths.reduce((a, b) => a + b, 0) + GAP * (input.leftColumns.length - 1);
  return { widths, block };
}

/** Widths of the right columns: their widest text, at most two cells' width. */
function rightColumnWidths(input: ForestLayoutInput, f: number): number[] {
  return input.rightColumns.map((c, i) => {
    let w = textWidth(c.header, f, true);
    for (const r of input.rows) {
      if (r.kind === "interval" || r.kind === "diamond" || r.kind === "prediction") {
        w = Math.max(w, textWidth(r.right[i] ?? "", f, r.kind === "diamond"));
      }
    }
    return Math.min(w, 2 * MAX_CELL_WIDTH);
  });
}

/** Scale over every interval drawn, with the null value and the guides always in view. */
function effectScale(input: ForestLayoutInput, plotX: number, f: number): Scale {
  const values: number[] = [];
  for (const r of input.rows) {
    if (r.kind === "interval" || r.kind === "diamond") values.push(r.estimate, r.lower, r.upper);
    if (r.kind === "prediction") values.push(r.lower, r.upper);
  }
  return makeScale(values, [plotX, plotX + input.plotWidth], {
    scale: input.scale,
    xlim: input.xlim,
    include: [input.nullValue, ...(input.guides ?? []).map((g) => g.value)],
    labelWidth: (label) => textWidth(label, f),
  });
}

/** Baseline of a row's text: vertically centred in the row. */
function baseline(g: ForestGeometry, top: number): number {
  return top + g.rowH / 2 + g.f * 0.35;
}

/** Where a left column's text is anchored for an alignment. */
function cellX(g: ForestGeometry, i: number, align: LayoutColumn["align"]): number {
  return align === "right"
    ? g.leftX[i] + g.leftWidths[i]
    : align === "center"
      ? g.leftX[i] + g.leftWidths[i] / 2
      : g.leftX[i];
}

function anchor(align: LayoutColumn["align"]): "start" | "middle" | "end" {
  return align === "right" ? "end" : align === "center" ? "middle" : "start";
}

/**
 * The title, the risk-of-bias tool's name on a line of its own above the item numbers, the
 * column headers and the rule under them; `bottom` is where the rows start.
 */
function drawHeader(
  input: ForestLayoutInput,
  g: ForestGeometry,
): { markup: string[]; bottom: number } {
  const { f, rob, rowH } = g;
  const markup: string[] = [];
  let y = MARGIN;
  if (input.showTitle) {
    markup.push(
      text(MARGIN, y + f * 1.2, input.title, {
        "font-size": f * 1.25,
        "font-weight": "bold",
        class: "plot-title",
      }),
    );
    y += f * 1.25 + 12;
  }
  if (rob) {
    // The tool's name spans the dots, on a line of its own above the item numbers.
    markup.push(robTitle(rob, baseline(g, y), f, MARGIN));
    y += rowH;
  }
  const header: string[] = [];
  input.leftColumns.forEach((c, i) => {
    const t = truncate(c.header, g.leftWidths[i], f, true);
    header.push(
      text(
        cellX(g, i, c.align),
        baseline(g, y),
        t.text,
        { "font-weight": "bold", "text-anchor": anchor(c.align) },
        t.truncated ? c.header : undefined,
      ),
    );
  });
  input.rightColumns.forEach((c, i) => {
    header.push(
      text(g.rightX[i], baseline(g, y), c.header, { "font-weight": "bold", "text-anchor": "end" }),
    );
  });
  if (rob) header.push(robHeader(rob, baseline(g, y), f));
  markup.push(group(header, { class: "header" }));
  y += rowH;
  markup.push(
    line(MARGIN, y + 1, g.width - MARGIN, y + 1, {
      stroke: PALETTE.grey,
      "stroke-width": 0.8,
      class: "header-rule",
    }),
  );
  y += 4;
  return { markup, bottom: y };
}

/**
 * Every row from `rowsTop` down; the runs of rows with no text across the plot, through which
 * the vertical reference lines are drawn; the width the notes need; the rows' bottom edge.
 */
function drawRows(
  input: ForestLayoutInput,
  g: ForestGeometry,
  rowsTop: number,
): { markup: string[]; lineRuns: [number, number][]; width: number; bottom: number } {
  const markup: string[] = [];
  const lineRuns: [number, number][] = [];
  let runStart: number | null = null;
  let width = 0;
  input.rows.forEach((r, index) => {
    const top = rowsTop + index * g.rowH;
    const spansPlot = r.kind === "note";
    if (!spansPlot && runStart === null) runStart = top;
    if (spansPlot && runStart !== null) {
      lineRuns.push([runStart, top]);
      runStart = null;
    }
    if (r.kind === "note") width = Math.max(width, MARGIN * 2 + textWidth(r.text, g.f));
    const row = drawRow(input, g, r, top);
    if (row !== null) markup.push(row);
  });
  const bottom = rowsTop + input.rows.length * g.rowH;
  if (runStart !== null) lineRuns.push([runStart, bottom]);
  return { markup, lineRuns, width, bottom };
}

/** One row's group (none for a spacer). */
function drawRow(
  input: ForestLayoutInput,
  g: ForestGeometry,
  r: LayoutRow,
  top: number,
): string | null {
  switch (r.kind) {
    case "interval":
      return group(intervalRow(input, g, r, top), { class: `row ${r.className}` });
    case "diamond":
      return group(diamondRow(input, g, r, top), { class: `row ${r.className}` });
    case "prediction":
      return group(predictionRow(input, g, r, top), { class: "row prediction-row" });
    case "heading":
      return group(
        [spanningLabel(g, r.text, top, true, { "font-weight": "bold", class: "label" })],
        {
          class: "row heading-row",
        },
      );
    case "subheading":
      return group(
        [
          spanningLabel(g, r.text, top, false, {
            "font-style": "italic",
            class: "label cluster-label",
          }),
        ],
        { class: "row cluster-row" },
      );
    case "note":
      return group([text(MARGIN, baseline(g, top), r.text, { class: "note" })], {
        class: "row note-row",
      });
    case "spacer":
      return null;
  }
}

type RowOf<K extends LayoutRow["kind"]> = Extract<LayoutRow, { kind: K }>;

/** A study's row: its cells, its interval, its marker (when on the axis) and its dots. */
function intervalRow(
  input: ForestLayoutInput,
  g: ForestGeometry,
  r: RowOf<"interval">,
  top: number,
): string[] {
  const { f, scale, rob } = g;
  const [d0, d1] = scale.domain;
  const cy = top + g.rowH / 2;
  const parts = [
    ...leftCells(input, g, r.left, top, false, false, r.indent ? f : 0),
    ...rightCells(g, r.right, top, false),
  ];
  parts.push(intervalLine(r.lower, r.upper, cy, scale, "ci"));
  if (r.estimate >= d0 && r.estimate <= d1) {
    // A square's area is relative to the heaviest study's, whose side fills the row but 5 px.
    const side =
      r.marker === "square"
        ? Math.max(4, (g.rowH - 5) * Math.sqrt(Math.max(0, Math.min(1, r.relativeArea ?? 1))))
        : 7;
    const cx = scale.map(r.estimate);
    parts.push(
      rect(cx - side / 2, cy - side / 2, side, side, {
        fill: r.marker === "square" ? PALETTE.blue : PALETTE.text,
        class: r.marker === "square" ? "marker weight-square" : "marker point",
      }),
    );
  }
  if (rob) parts.push(robDots(rob, r.judgements ?? [], r.left[0] ?? "", cy));
  return parts;
}

/** A pooled estimate's row: bold cells and a diamond over its interval (clamped to the axis). */
function diamondRow(
  input: ForestLayoutInput,
  g: ForestGeometry,
  r: RowOf<"diamond">,
  top: number,
): string[] {
  const cy = top + g.rowH / 2;
  const h = g.rowH * 0.72;
  const clampX = clampToAxis(g.scale);
  return [
    ...leftCells(
      input,
      g,
      r.left,
      top,
      true,
      r.left.slice(1).every((s) => !s),
    ),
    ...rightCells(g, r.right, top, true),
    polygon(
      [
        [clampX(r.lower), cy],
        [clampX(r.estimate), cy - h / 2],
        [clampX(r.upper), cy],
        [clampX(r.estimate), cy + h / 2],
      ],
      { fill: PALETTE.text, stroke: PALETTE.text, "stroke-width": 0.6, class: "diamond" },
    ),
  ];
}

/** A prediction interval's row: a red bar over the interval (clamped to the axis). */
function predictionRow(
  input: ForestLayoutInput,
  g: ForestGeometry,
  r: RowOf<"prediction">,
  top: number,
): string[] {
  const cy = top + g.rowH / 2;
  const clampX = clampToAxis(g.scale);
  const x0 = clampX(r.lower);
  const x1 = clampX(r.upper);
  return [
    ...leftCells(input, g, r.left, top, false, true),
    ...rightCells(g, r.right, top, false),
    rect(x0, cy - 2.5, Math.max(1, x1 - x0), 5, {
      fill: PALETTE.vermillion,
      class: "prediction-interval",
    }),
  ];
}

/** Position (px) of a value on the axis, values beyond the axis at its ends. */
function clampToAxis(scale: Scale): (v: number) => number {
  const [d0, d1] = scale.domain;
  return (v) => scale.map(Math.min(Math.max(v, d0), d1));
}

/** A heading's or a cluster's label across the left block, shortened to it (tooltip: all). */
function spanningLabel(
  g: ForestGeometry,
  label: string,
  top: number,
  bold: boolean,
  attrs: Record<string, string>,
): string {
  const t = truncate(label, g.leftBlock, g.f, bold);
  return text(MARGIN, baseline(g, top), t.text, attrs, t.truncated ? label : undefined);
}

/**
 * A row's left cells, each shortened to its column (the label indented by `indent`; spanning
 * the whole left block when `spanning`), full text as a tooltip.
 */
function leftCells(
  input: ForestLayoutInput,
  g: ForestGeometry,
  cells: string[],
  top: number,
  isBold: boolean,
  spanning: boolean,
  indent = 0,
): string[] {
  const parts: string[] = [];
  cells.forEach((cell, i) => {
    if (!cell || i >= input.leftColumns.length) return;
    const c = input.leftColumns[i];
    const shift = i === 0 ? indent : 0;
    const maxW = (i === 0 && spanning ? g.leftBlock : g.leftWidths[i]) - shift;
    const t = truncate(cell, maxW, g.f, isBold);
    parts.push(
      text(
        cellX(g, i, i === 0 ? "left" : c.align) + shift,
        baseline(g, top),
        t.text,
        {
          "text-anchor": anchor(i === 0 ? "left" : c.align),
          "font-weight": isBold ? "bold" : undefined,
          class: i === 0 ? "label" : "cell",
        },
        t.truncated ? cell : undefined,
      ),
    );
  });
  return parts;
}

/** A row's right cells, right-aligned, each shortened to its column (full text as a tooltip). */
function rightCells(g: ForestGeometry, cells: string[], top: number, isBold: boolean): string[] {
  const parts: string[] = [];
  cells.forEach((cell, i) => {
    if (!cell || i >= g.rightX.length) return;
    const t = truncate(cell, g.rightWidths[i], g.f, isBold);
    parts.push(
      text(
        g.rightX[i],
        baseline(g, top),
        t.text,
        { "text-anchor": "end", "font-weight": isBold ? "bold" : undefined, class: "cell" },
        t.truncated ? cell : undefined,
      ),
    );
  });
  return parts;
}

/** The null line and the guides, drawn under the markers through each run of rows. */
function referenceLines(
  input: ForestLayoutInput,
  scale: Scale,
  lineRuns: [number, number][],
): string[] {
  const [d0, d1] = scale.domain;
  const under: string[] = [];
  const nullX = scale.map(input.nullValue);
  if (input.nullValue >= d0 && input.nullValue <= d1) {
    for (const [a, b] of lineRuns) {
      under.push(
        line(nullX, a, nullX, b, {
          stroke: PALETTE.grey,
          "stroke-width": 1,
          class: "reference-line",
        }),
      );
    }
  }
  for (const g of input.guides ?? []) {
    if (g.value < d0 || g.value > d1) continue;
    const gx = scale.map(g.value);
    for (const [a, b] of lineRuns) {
      under.push(
        line(gx, a, gx, b, {
          stroke: PALETTE.vermillion,
          "stroke-width": 1,
          "stroke-dasharray": "4 3",
          class: g.className,
        }),
      );
    }
  }
  return under;
}

/**
 * The effect axis under the rows: its line and ticks, the favours labels and the axis title;
 * `bottom` is the last baseline drawn, `width` the figure's width with the axis title in it.
 */
function drawAxis(
  input: ForestLayoutInput,
  g: ForestGeometry,
  rowsBottom: number,
  width: number,
): { markup: string; bottom: number; width: number } {
  const { f, scale } = g;
  const axisY = rowsBottom + 6;
  const axis: string[] = [
    line(scale.range[0], axisY, scale.range[1], axisY, {
      stroke: PALETTE.text,
      "stroke-width": 1,
      class: "axis-line",
    }),
  ];
  for (const t of scale.ticks) {
    const tx = scale.map(t.value);
    axis.push(
      group(
        [
          line(tx, axisY, tx, axisY + 5, { stroke: PALETTE.text, "stroke-width": 1 }),
          text(tx, axisY + 6 + f, t.label, { "text-anchor": "middle" }),
        ],
        { class: "axis-tick", "data-value": t.value },
      ),
    );
  }
  let by = axisY + 6 + f;
  let figureWidth = width;
  if (input.favours) {
    // A label may run as wide as half the axis, or 160 px when the axis is narrow, before wrapping.
    const fav = favoursLabels(
      input.favours,
      scale.range,
      scale.map(input.nullValue),
      [MARGIN, width - MARGIN],
      FAVOURS_MIN_LINE,
      by + f * 1.5,
      f,
    );
    axis.push(...fav.markup);
    by = fav.lastBaseline;
  }
  if (input.effectLabel) {
    by += f * 1.5;
    const cx = (scale.range[0] + scale.range[1]) / 2;
    axis.push(text(cx, by, input.effectLabel, { "text-anchor": "middle", class: "axis-title" }));
    figureWidth = Math.max(width, cx + textWidth(input.effectLabel, f) / 2 + MARGIN);
  }
  return { markup: group(axis, { class: "axis" }), bottom: by, width: figureWidth };
}

/** The judgements drawn in the risk-of-bias column, for its key. */
function usedJudgements(rows: LayoutRow[], items: number): Set<Judgement> {
  const used = new Set<Judgement>();
  for (const r of rows) {
    if (r.kind !== "interval") continue;
    for (let i = 0; i < items; i++) used.add(judgementOf(r.judgements?.[i]));
  }
  return used;
}

/** A horizontal confidence interval, clipped to the axis with arrowheads where it runs off. */
function intervalLine(
  lower: number,
  upper: number,
  cy: number,
  scale: Scale,
  className: string,
): string {
  const [d0, d1] = scale.domain;
  if (upper < d0 || lower > d1) {
    // Entirely off the axis: a single arrow at the side where it lies.
    const atRight = lower > d1;
    return arrowHead(scale.map(atRight ? d1 : d0), cy, atRight ? 1 : -1);
  }
  const x0 = scale.map(Math.max(lower, d0));
  const x1 = scale.map(Math.min(upper, d1));
  const parts = [
    line(x0, cy, x1, cy, { stroke: PALETTE.text, "stroke-width": 1.2, class: className }),
  ];
  if (lower < d0) parts.push(arrowHead(x0, cy, -1));
  if (upper > d1) parts.push(arrowHead(x1, cy, 1));
  return parts.join("");
}

function arrowHead(x: number, cy: number, direction: 1 | -1): string {
  return polygon(
    [
      [x, cy],
      [x - direction * 6, cy - 3.5],
      [x - direction * 6, cy + 3.5],
    ],
    { fill: PALETTE.text, class: "arrow" },
  );
}

/** Weight as printed in the weight column. */
export function fmtWeight(w: number): string {
  return fmt(w, 1);
}

/**
 * The first `maxRows` items across the groups, in order (every group keeps its place, perhaps
 * empty), and how many that is. Without a cap, every item.
 */
export function capRows<T>(groups: T[][], maxRows?: number): { rows: T[][]; shown: number } {
  let left = maxRows === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(maxRows));
  let shown = 0;
  const rows = groups.map((g) => {
    const kept = g.length <= left ? g : g.slice(0, left);
    left -= kept.length;
    shown += kept.length;
    return kept;
  });
  return { rows, shown };
}
