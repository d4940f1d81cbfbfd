/**
 * The risk-of-bias column of a forest plot: one dot per item beside each study's row, in the
 * robvis convention (colour and a glyph; SYRCLE, Hooijmans et al. 2014, or any tool's items),
 * the tool's name and the item numbers over the dots, and a key of judgements and items under
 * the plot.
 */
import { JUDGEMENT_ORDER, JUDGEMENT_STYLE, type Judgement, lamp } from "./risk-of-bias.js";
import { group, text } from "./svg.js";
import { textWidth, truncate } from "./text.js";
import type { RiskOfBiasJudgement } from "./types.js";

/** Where the dots go: the columns right of the table, one per item. */
export interface RobGeometry {
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

/**
 * The dots' columns from `x0`: each wide enough for its item number, the dots as large as the row
 * allows.
 */
export function robGeometry(
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

/** A study's judgement on an item; none given reads as not assessed. */
export function judgementOf(j: RiskOfBiasJudgement | undefined): Judgement {
  return j === null || j === undefined ? "missing" : j;
}

/**
 * The tool's name over the dots: centred on them, or ending at their right edge when wider (the
 * line above the headers is otherwise empty), shortened only past the figure's left margin.
 */
export function robTitle(rob: RobGeometry, baselineY: number, f: number, margin: number): string {
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
export function robHeader(rob: RobGeometry, baselineY: number, f: number): string {
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
export function robDots(
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
export function robLegend(
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
