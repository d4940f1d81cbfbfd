/**
 * The table-and-intervals layout behind the forest plot and the leave-one-out plot: text columns
 * left of the plotting region, text columns right of it, one fixed-height row per line, and the
 * effect axis underneath. The SVG grows downwards with the number of rows, so 1 or 500 studies
 * never overlap.
 */
import { fmt } from "./format.js";
import { JUDGEMENT_ORDER, JUDGEMENT_STYLE, type Judgement, lamp } from "./risk-of-bias.js";
import { makeScale, type Scale } from "./scale.js";
import { group, line, PALETTE, polygon, rect, svgDocument, text } from "./svg.js";
import { textWidth, truncate, wrapText } from "./text.js";
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
  const rob = input.riskOfBias?.items.length
    ? robGeometry(input.riskOfBias, width - MARGIN + GAP, rowH, f)
    : null;
  if (rob) width = rob.x0 + rob.width + MARGIN;

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
  if (rob) {
    // The tool's name spans the dots, on a line of its own above the item numbers.
    body.push(robTitle(rob, baseline(y), f, MARGIN));
    y += rowH;
  }
  input.leftColumns.forEach((c, i) => {
    const t = truncate(c.header, leftWidths[i], f, true);
    header.push(
      text(
        cellX(i, c.align),
        baseline(y),
        t.text,
        { "font-weight": "bold", "text-anchor": anchor(c.align) },
        t.truncated ? c.header : undefined,
      ),
    );
  });
  input.rightColumns.forEach((c, i) => {
    header.push(
      text(rightX[i], baseline(y), c.header, { "font-weight": "bold", "text-anchor": "end" }),
    );
  });
  if (rob) header.push(robHeader(rob, baseline(y), f));
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
        if (rob) parts.push(robDots(rob, r.judgements ?? [], r.left[0] ?? "", cy));
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
    // A label may run as wide as half the axis, or 160 px when the axis is narrow, before wrapping.
    const fav = favoursLabels(
      input.favours,
      scale.range,
      nullX,
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
    width = Math.max(width, cx + textWidth(input.effectLabel, f) / 2 + MARGIN);
  }
  body.push(group(axis, { class: "axis" }));
  if (rob) {
    const used = new Set<Judgement>();
    for (const r of input.rows) {
      if (r.kind !== "interval") continue;
      for (let i = 0; i < rob.items.length; i++) used.add(judgementOf(r.judgements?.[i]));
    }
    const key = robLegend(rob, used, MARGIN, by + f * 1.9, width - 2 * MARGIN, f);
    body.push(key.markup);
    by = key.lastBaseline;
  }
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

// Gap (px) between the null line and each favours label.
const FAVOURS_GAP = 6;
// Width (px) a favours label may take before wrapping, even on a short side of the axis.
const FAVOURS_MIN_LINE = 160;
// Most lines of one favours label; the last one ends with an ellipsis when the text goes on.
const FAVOURS_LINES = 2;

/**
 * The favours labels under the axis, either side of the null line: "← left" right-aligned
 * FAVOURS_GAP px before it, "right →" left-aligned after it, each label on its own side whatever
 * the axis' range (a null line near the axis' left end puts the left label under the empty band
 * below the table columns, never right of the null line). Each may fill its side of the axis, or
 * `minLine` px when that side is shorter, within the figure's margins (`bounds`); a longer label
 * wraps to FAVOURS_LINES lines, the last shortened with an ellipsis and the full text kept as a
 * tooltip.
 */
function favoursLabels(
  favours: FavoursLabels,
  range: [number, number],
  nullX: number,
  bounds: [number, number],
  minLine: number,
  firstBaseline: number,
  f: number,
): { markup: string[]; lastBaseline: number } {
  const axisLeft = Math.min(range[0], range[1]);
  const axisRight = Math.max(range[0], range[1]);
  const at = Math.min(Math.max(nullX, axisLeft), axisRight);
  // Each label may fill its side of the axis, or `minLine` px past the axis' end when that side
  // is short; never past the figure's margins.
  const leftMax = Math.min(
    Math.max(at - axisLeft - FAVOURS_GAP, minLine),
    at - FAVOURS_GAP - bounds[0],
  );
  const rightMax = Math.min(
    Math.max(axisRight - at - FAVOURS_GAP, minLine),
    bounds[1] - at - FAVOURS_GAP,
  );
  const left = favoursLines(favours.left, "left", leftMax, f);
  const right = favoursLines(favours.right, "right", rightMax, f);
  const markup: string[] = [];
  const lineH = f * 1.2;
  const draw = (lines: ReturnType<typeof favoursLines>, side: "left" | "right", full: string) => {
    lines.lines.forEach((content, i) => {
      markup.push(
        text(
          side === "left" ? at - FAVOURS_GAP : at + FAVOURS_GAP,
          firstBaseline + i * lineH,
          content,
          {
            "text-anchor": side === "left" ? "end" : "start",
            class: `favours favours-${side}`,
            "font-style": "italic",
          },
          lines.truncated ? full : undefined,
        ),
      );
    });
  };
  draw(left, "left", favours.left);
  draw(right, "right", favours.right);
  const n = Math.max(left.lines.length, right.lines.length);
  return { markup, lastBaseline: firstBaseline + (n - 1) * lineH };
}

/**
 * One favours label as lines no wider than `maxWidth`, the arrow on the first line pointing away
 * from the null line; whether text was left out, and the widest line.
 */
function favoursLines(
  label: string,
  side: "left" | "right",
  maxWidth: number,
  f: number,
): { lines: string[]; truncated: boolean; width: number } {
  const withArrow = (s: string) => (side === "left" ? `← ${s}` : `${s} →`);
  const budget = Math.max(0, maxWidth - textWidth(withArrow(""), f));
  const words = label.split(/\s+/).filter((w) => w !== "");
  let lines = wrapText(label, budget, f);
  let truncated = lines.join(" ") !== words.join(" ");
  if (lines.length > FAVOURS_LINES) {
    const rest = lines.slice(FAVOURS_LINES - 1).join(" ");
    lines = [...lines.slice(0, FAVOURS_LINES - 1), truncate(rest, budget, f).text];
    truncated = true;
  }
  lines[0] = withArrow(lines[0] ?? "");
  return { lines, truncated, width: Math.max(...lines.map((l) => textWidth(l, f))) };
}

interface RobGeometry {
  items: string[];
  label: string;
  /** Left edge of the first dot's column. */
  x0: number;
  /** Width of one item's column. */
  col: number;
  width: number;
  r: number;
  /** Font size of the glyphs in the dots. */
  glyph: number;
  f: number;
}

function robGeometry(
  rob: { items: string[]; label: string },
  x0: number,
  rowH: number,
  f: number,
): RobGeometry {
  const col = Math.max(Math.round(f * 1.45), textWidth(String(rob.items.length), f, true) + 4);
  // The dot fills its row but leaves 2 px above and below, and 3 px between neighbours.
  const r = Math.min(rowH - 4, col - 3) / 2;
  return { ...rob, x0, col, width: col * rob.items.length, r, glyph: f * 0.8, f };
}

function judgementOf(j: RiskOfBiasJudgement | undefined): Judgement {
  return j === null || j === undefined ? "missing" : j;
}

/**
 * The tool's name over the dots: centred on them, or ending at their right edge when wider (the
 * line above the headers is otherwise empty), shortened only past the figure's left margin.
 */
function robTitle(rob: RobGeometry, baselineY: number, f: number, margin: number): string {
  const right = rob.x0 + rob.width;
  const t = truncate(rob.label, right - margin, f, true);
  const centred = textWidth(t.text, f, true) <= rob.width;
  return text(
    centred ? rob.x0 + rob.width / 2 : right,
    baselineY,
    t.text,
    { "text-anchor": centred ? "middle" : "end", "font-weight": "bold", class: "rob-title" },
    t.truncated ? rob.label : undefined,
  );
}

/** Item numbers 1..n over the dots, each with the item's name as a tooltip. */
function robHeader(rob: RobGeometry, baselineY: number, f: number): string {
  return group(
    rob.items.map((item, i) =>
      text(
        rob.x0 + rob.col * (i + 0.5),
        baselineY,
        String(i + 1),
        { "text-anchor": "middle", "font-weight": "bold", class: "rob-item", "font-size": f * 0.9 },
        item,
      ),
    ),
    { class: "rob-header" },
  );
}

/** One study's dots, centred on its row. */
function robDots(
  rob: RobGeometry,
  judgements: RiskOfBiasJudgement[],
  study: string,
  cy: number,
): string {
  return group(
    rob.items.map((item, i) => {
      const j = judgementOf(judgements[i]);
      return lamp(
        rob.x0 + rob.col * (i + 0.5),
        cy,
        rob.r,
        j,
        rob.glyph,
        `${study}: ${item}: ${JUDGEMENT_STYLE[j].name}`,
      );
    }),
    { class: "rob-dots" },
  );
}

/**
 * The key under the plot: the judgements drawn (a dot and its name each), then the items by
 * number, flowing over lines no wider than `maxWidth`.
 */
function robLegend(
  rob: RobGeometry,
  used: Set<Judgement>,
  x: number,
  firstBaseline: number,
  maxWidth: number,
  f: number,
): { markup: string; lastBaseline: number } {
  const parts: string[] = [];
  const small = f * 0.9;
  const lineH = f * 1.5;
  let y = firstBaseline;
  let cx = x;
  const heading = `${rob.label}:`;
  parts.push(text(cx, y, heading, { "font-weight": "bold", class: "rob-legend-heading" }));
  cx += textWidth(heading, f, true) + 10;
  for (const j of JUDGEMENT_ORDER) {
    if (j === "missing" && !used.has("missing")) continue;
    const name = JUDGEMENT_STYLE[j].name;
    const w = 2 * 7 + 5 + textWidth(name, f);
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      y += lineH;
    }
    parts.push(lamp(cx + 7, y - f * 0.35, 7, j, rob.glyph));
    parts.push(text(cx + 19, y, name, { class: "rob-legend-label" }));
    cx += w + 14;
  }
  // Item key: "1 Sequence generation", "2 Baseline characteristics", ... flowing.
  y += lineH;
  cx = x;
  rob.items.forEach((item, i) => {
    const entry = truncate(`${i + 1} ${item}`, maxWidth, small);
    const w = textWidth(entry.text, small);
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      y += f * 1.3;
    }
    parts.push(
      text(
        cx,
        y,
        entry.text,
        { "font-size": small, class: "rob-item-key" },
        entry.truncated ? item : undefined,
      ),
    );
    cx += w + 14;
  });
  return { markup: group(parts, { class: "rob-legend" }), lastBaseline: y };
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
