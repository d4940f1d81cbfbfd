/**
 * The table-and-intervals layout behind the forest plot and the leave-one-out plot: text columns
 * left of the plotting region, text columns right of it, one fixed-height row per line, and the
 * effect axis underneath. The SVG grows downwards with the number of rows, so 1 or 500 studies
 * never overlap.
 */
import { fmt } from "./format.js";
import { makeScale, type Scale } from "./scale.js";
import { group, line, PALETTE, polygon, rect, svgDocument, text } from "./svg.js";
import { textWidth, truncate } from "./text.js";
import type { EffectScaleKind, FavoursLabels } from "./types.js";

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
  /** Extra vertical lines across the rows (e.g. the full-data estimate of a leave-one-out plot). */
  guides?: { value: number; className: string }[];
  notes?: string[];
}

const MARGIN = 14;
const GAP = 16;
const MAX_CELL_WIDTH = 150;

export function renderForestLayout(input: ForestLayoutInput): string {
  const f = input.fontSize;
  const rowH = Math.round(f * 1.6);
  const baseline = (top: number) => top + rowH / 2 + f * 0.35;
  const bold = (kind: LayoutRow["kind"]) => kind === "diamond" || kind === "heading";

  // Widths of the left columns. Column 0 holds the labels; labels of rows with no other left
  // cells (pooled rows, prediction intervals) may span the whole left block.
  const nLeft = input.leftColumns.length;
  const leftWidths = input.leftColumns.map((c, i) => {
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
  const extrasWidth = leftWidths.slice(1).reduce((a, b) => a + b + GAP, 0);
  let spanning = 0;
  for (const r of input.rows) {
    if (r.kind === "diamond" || r.kind === "prediction") {
      if (r.left.slice(1).every((s) => !s))
        spanning = Math.max(spanning, textWidth(r.left[0] ?? "", f, true));
    }
  }
  leftWidths[0] = Math.max(
    40,
    leftWidths[0],
    Math.min(spanning - extrasWidth, input.maxLabelWidth),
  );
  const leftBlock = leftWidths.reduce((a, b) => a + b, 0) + GAP * (nLeft - 1);

  const rightWidths = input.rightColumns.map((c, i) => {
    let w = textWidth(c.header, f, true);
    for (const r of input.rows) {
      if (r.kind === "interval" || r.kind === "diamond" || r.kind === "prediction") {
        w = Math.max(w, textWidth(r.right[i] ?? "", f, r.kind === "diamond"));
      }
    }
    return Math.min(w, 2 * MAX_CELL_WIDTH);
  });

  // Scale over every interval drawn, with the null value always in view.
  const values: number[] = [];
  for (const r of input.rows) {
    if (r.kind === "interval" || r.kind === "diamond") values.push(r.estimate, r.lower, r.upper);
    if (r.kind === "prediction") values.push(r.lower, r.upper);
  }
  const plotX = MARGIN + leftBlock + GAP * 1.5;
  const scale: Scale = makeScale(values, [plotX, plotX + input.plotWidth], {
    scale: input.scale,
    xlim: input.xlim,
    include: [input.nullValue, ...(input.guides ?? []).map((g) => g.value)],
    labelWidth: (label) => textWidth(label, f),
  });
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

  const body: string[] = [];
  let y = MARGIN;
  if (input.showTitle) {
    body.push(
      text(MARGIN, y + f * 1.2, input.title, {
        "font-size": f * 1.25,
        "font-weight": "bold",
        class: "plot-title",
      }),
    );
    y += f * 1.25 + 12;
  }

  // Header row.
  const leftX: number[] = [];
  {
    let x = MARGIN;
    for (const w of leftWidths) {
      leftX.push(x);
      x += w + GAP;
    }
  }
  const cellX = (i: number, align: LayoutColumn["align"]) =>
    align === "right"
      ? leftX[i] + leftWidths[i]
      : align === "center"
        ? leftX[i] + leftWidths[i] / 2
        : leftX[i];
  const anchor = (align: LayoutColumn["align"]) =>
    align === "right" ? "end" : align === "center" ? "middle" : "start";
  const header: string[] = [];
  input.leftColumns.forEach((c, i) => {
    header.push(
      text(cellX(i, c.align), baseline(y), truncate(c.header, leftWidths[i], f, true).text, {
        "font-weight": "bold",
        "text-anchor": anchor(c.align),
      }),
    );
  });
  input.rightColumns.forEach((c, i) => {
    header.push(
      text(rightX[i], baseline(y), c.header, { "font-weight": "bold", "text-anchor": "end" }),
    );
  });
  body.push(group(header, { class: "header" }));
  y += rowH;
  body.push(
    line(MARGIN, y + 1, width - MARGIN, y + 1, {
      stroke: PALETTE.grey,
      "stroke-width": 0.8,
      class: "header-rule",
    }),
  );
  y += 4;
  const rowsTop = y;

  const [d0, d1] = scale.domain;
  const clampX = (v: number) => scale.map(Math.min(Math.max(v, d0), d1));
  const maxSide = rowH - 5;
  const rowMarkup: string[] = [];
  // Vertical reference lines are drawn through runs of rows that have no text across the plot.
  const lineRuns: [number, number][] = [];
  let runStart: number | null = null;

  input.rows.forEach((r, index) => {
    const top = rowsTop + index * rowH;
    const cy = top + rowH / 2;
    const spansPlot = r.kind === "note";
    if (!spansPlot && runStart === null) runStart = top;
    if (spansPlot && runStart !== null) {
      lineRuns.push([runStart, top]);
      runStart = null;
    }
    const parts: string[] = [];
    const leftCells = (cells: string[], isBold: boolean, spanning: boolean, indent = 0) => {
      cells.forEach((cell, i) => {
        if (!cell || i >= nLeft) return;
        const c = input.leftColumns[i];
        const shift = i === 0 ? indent : 0;
        const maxW = (i === 0 && spanning ? leftBlock : leftWidths[i]) - shift;
        const t = truncate(cell, maxW, f, isBold);
        parts.push(
          text(
            cellX(i, i === 0 ? "left" : c.align) + shift,
            baseline(top),
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
    };
    const rightCells = (cells: string[], isBold: boolean) => {
      cells.forEach((cell, i) => {
        if (!cell || i >= rightX.length) return;
        const t = truncate(cell, rightWidths[i], f, isBold);
        parts.push(
          text(
            rightX[i],
            baseline(top),
            t.text,
            { "text-anchor": "end", "font-weight": isBold ? "bold" : undefined, class: "cell" },
            t.truncated ? cell : undefined,
          ),
        );
      });
    };
    switch (r.kind) {
      case "interval": {
        leftCells(r.left, false, false, r.indent ? f : 0);
        rightCells(r.right, false);
        parts.push(intervalLine(r.lower, r.upper, cy, scale, "ci"));
        if (r.estimate >= d0 && r.estimate <= d1) {
          const side =
            r.marker === "square"
              ? Math.max(4, maxSide * Math.sqrt(Math.max(0, Math.min(1, r.relativeArea ?? 1))))
              : 7;
          const cx = scale.map(r.estimate);
          parts.push(
            rect(cx - side / 2, cy - side / 2, side, side, {
              fill: r.marker === "square" ? PALETTE.blue : PALETTE.text,
              class: r.marker === "square" ? "marker weight-square" : "marker point",
            }),
          );
        }
        rowMarkup.push(group(parts, { class: `row ${r.className}` }));
        break;
      }
      case "diamond": {
        leftCells(
          r.left,
          true,
          r.left.slice(1).every((s) => !s),
        );
        rightCells(r.right, true);
        const h = rowH * 0.72;
        parts.push(
          polygon(
            [
              [clampX(r.lower), cy],
              [clampX(r.estimate), cy - h / 2],
              [clampX(r.upper), cy],
              [clampX(r.estimate), cy + h / 2],
            ],
            { fill: PALETTE.text, stroke: PALETTE.text, "stroke-width": 0.6, class: "diamond" },
          ),
        );
        rowMarkup.push(group(parts, { class: `row ${r.className}` }));
        break;
      }
      case "prediction": {
        leftCells(r.left, false, true);
        rightCells(r.right, false);
        const x0 = clampX(r.lower);
        const x1 = clampX(r.upper);
        parts.push(
          rect(x0, cy - 2.5, Math.max(1, x1 - x0), 5, {
            fill: PALETTE.vermillion,
            class: "prediction-interval",
          }),
        );
        rowMarkup.push(group(parts, { class: "row prediction-row" }));
        break;
      }
      case "heading": {
        const t = truncate(r.text, leftBlock, f, true);
        parts.push(
          text(
            MARGIN,
            baseline(top),
            t.text,
            { "font-weight": "bold", class: "label" },
            t.truncated ? r.text : undefined,
          ),
        );
        rowMarkup.push(group(parts, { class: "row heading-row" }));
        break;
      }
      case "subheading": {
        const t = truncate(r.text, leftBlock, f, false);
        parts.push(
          text(
            MARGIN,
            baseline(top),
            t.text,
            { "font-style": "italic", class: "label cluster-label" },
            t.truncated ? r.text : undefined,
          ),
        );
        rowMarkup.push(group(parts, { class: "row cluster-row" }));
        break;
      }
      case "note": {
        parts.push(text(MARGIN, baseline(top), r.text, { class: "note" }));
        width = Math.max(width, MARGIN * 2 + textWidth(r.text, f));
        rowMarkup.push(group(parts, { class: "row note-row" }));
        break;
      }
      case "spacer":
        break;
    }
  });
  const rowsBottom = rowsTop + input.rows.length * rowH;
  if (runStart !== null) lineRuns.push([runStart, rowsBottom]);

  // Reference (null) line and guides under the markers.
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
  body.push(group(under, { class: "reference" }));
  body.push(group(rowMarkup, { class: "rows" }));

  // Axis.
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
  if (input.favours) {
    by += f * 1.5;
    const leftW = textWidth(input.favours.left, f);
    const rightW = textWidth(input.favours.right, f);
    // The labels sit either side of the null line (left one right-aligned 6 px before it, right
    // one 6 px after it), but as a pair they are kept within the axis: a null value at the axis'
    // left end must not push "Favours control" out under the table columns (nor one at the right
    // end push the right label under the effect column). Only when the pair is wider than the
    // axis does it run past the axis' right end, and the plot widens.
    const axisLeft = Math.min(scale.range[0], scale.range[1]);
    const axisRight = Math.max(scale.range[0], scale.range[1]);
    const nullIn = Math.min(Math.max(nullX, axisLeft), axisRight);
    const pairW = leftW + 12 + rightW;
    const start = Math.max(axisLeft, Math.min(nullIn - 6 - leftW, axisRight - pairW));
    const lx = start + leftW;
    const rx = lx + 12;
    axis.push(
      text(lx, by, input.favours.left, {
        "text-anchor": "end",
        class: "favours favours-left",
        "font-style": "italic",
      }),
    );
    axis.push(
      text(rx, by, input.favours.right, {
        "text-anchor": "start",
        class: "favours favours-right",
        "font-style": "italic",
      }),
    );
    width = Math.max(width, rx + rightW + MARGIN);
  }
  if (input.effectLabel) {
    by += f * 1.5;
    const cx = (scale.range[0] + scale.range[1]) / 2;
    axis.push(text(cx, by, input.effectLabel, { "text-anchor": "middle", class: "axis-title" }));
    width = Math.max(width, cx + textWidth(input.effectLabel, f) / 2 + MARGIN);
  }
  body.push(group(axis, { class: "axis" }));
  for (const note of input.notes ?? []) {
    by += f * 1.45;
    body.push(text(MARGIN, by, note, { class: "note", "font-size": f * 0.9 }));
    width = Math.max(width, MARGIN * 2 + textWidth(note, f * 0.9));
  }
  const height = by + MARGIN;
  return svgDocument({
    width,
    height,
    title: input.title,
    desc: input.desc,
    idPrefix: input.idPrefix,
    fontSize: f,
    body,
  });
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
