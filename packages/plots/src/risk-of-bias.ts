/**
 * SYRCLE risk of bias (Hooijmans et al. 2014): a traffic-light grid (studies × 10 items) and a
 * summary bar per item. Judgements are shown per item and never summed into a score.
 */
import { fmt, plural } from "./format.js";
import { el, group, line, PALETTE, rect, svgDocument, text, tooltip } from "./svg.js";
import { textWidth, truncate } from "./text.js";
import {
  type RiskInput,
  type RiskOfBiasInput,
  type RiskOfBiasOptions,
  SYRCLE_ITEM_NAMES,
  SYRCLE_ITEMS,
  type SyrcleItem,
} from "./types.js";

export type Judgement = "low" | "high" | "unclear" | "missing";

/**
 * Reads a reviewer's judgement: yes/low/y/+ → low risk, no/high/n/− → high risk, unclear/?/u →
 * unclear; empty → not assessed. SYRCLE's questions are phrased so that "yes" means low risk.
 */
export function parseJudgement(value: RiskInput): Judgement {
  if (value === null || value === undefined) return "missing";
  const v = value.trim().toLowerCase();
  if (v === "") return "missing";
  if (["yes", "y", "low", "low risk", "+"].includes(v)) return "low";
  if (["no", "n", "high", "high risk", "-", "−"].includes(v)) return "high";
  if (["unclear", "u", "?", "unclear risk", "unknown"].includes(v)) return "unclear";
  throw new Error(`risk of bias: "${value}" is not one of yes/no/unclear or low/high/unclear`);
}

/**
 * How each judgement is drawn, in the Cochrane/robvis convention: colour and a glyph inside the
 * dot, so that the judgement reads without colour vision (Okabe-Ito green, vermillion, yellow).
 */
export const JUDGEMENT_STYLE: Record<
  Judgement,
  { fill: string; stroke: string; symbol: string; ink: string; name: string }
> = {
  low: {
    fill: PALETTE.green,
    stroke: PALETTE.green,
    symbol: "+",
    ink: "#FFFFFF",
    name: "Low risk",
  },
  high: {
    fill: PALETTE.vermillion,
    stroke: PALETTE.vermillion,
    symbol: "−",
    ink: "#FFFFFF",
    name: "High risk",
  },
  unclear: {
    fill: PALETTE.yellow,
    stroke: "#B8AC00",
    symbol: "?",
    ink: "#1A1A1A",
    name: "Unclear risk",
  },
  missing: {
    fill: "#FFFFFF",
    stroke: PALETTE.grey,
    symbol: "",
    ink: PALETTE.grey,
    name: "Not assessed",
  },
};
/** Legend order of the judgements. */
export const JUDGEMENT_ORDER: Judgement[] = ["low", "unclear", "high", "missing"];
const MARGIN = 14;

/** A judgement's dot of radius `r` centred at (cx, cy), its glyph at font size `f`. */
export function lamp(
  cx: number,
  cy: number,
  r: number,
  j: Judgement,
  f: number,
  tip?: string,
): string {
  const s = JUDGEMENT_STYLE[j];
  const parts = [
    el(
      "circle",
      {
        cx,
        cy,
        r,
        fill: s.fill,
        stroke: s.stroke,
        "stroke-width": 1,
        class: `judgement judgement-${j}`,
      },
      tip ? [tooltip(tip)] : [],
    ),
  ];
  if (s.symbol)
    parts.push(
      text(cx, cy + f * 0.36, s.symbol, {
        "text-anchor": "middle",
        fill: s.ink,
        "font-weight": "bold",
        "font-size": f,
        class: "judgement-symbol",
      }),
    );
  return parts.join("");
}

/** One study's judgements, one per SYRCLE item in order. */
interface StudyJudgements {
  study: string;
  j: Judgement[];
}

/** A section of the figure: its markup, the y under it and the width it needs. */
interface Section {
  markup: string;
  bottom: number;
  width: number;
}

/** Risk-of-bias figure: traffic-light grid and/or per-item summary bars. */
export function riskOfBiasPlot(input: RiskOfBiasInput, options: RiskOfBiasOptions = {}): string {
  const f = options.fontSize ?? 12;
  const panels = options.panels ?? "both";
  const studies: StudyJudgements[] = input.studies.map((s) => ({
    study: s.study,
    j: SYRCLE_ITEMS.map((item) => parseJudgement(s.judgements[item])),
  }));
  if (studies.length === 0) throw new Error("riskOfBiasPlot: no studies");
  const body: string[] = [];
  let y = MARGIN;
  let width = 0;
  const title = input.title ?? "Risk of bias (SYRCLE)";
  body.push(
    text(MARGIN, y + f * 1.2, title, {
      "font-size": f * 1.25,
      "font-weight": "bold",
      class: "plot-title",
    }),
  );
  y += f * 1.25 + 14;
  const sections = [
    ...(panels !== "summary" ? [(top: number) => trafficLights(studies, top, f, options)] : []),
    (top: number) => judgementLegend(studies, top, f),
    ...(panels !== "grid" ? [(top: number) => summaryBars(studies, top, f)] : []),
  ];
  for (const draw of sections) {
    const section = draw(y);
    body.push(section.markup);
    y = section.bottom;
    width = Math.max(width, section.width);
  }
  return svgDocument({
    width,
    height: y + MARGIN,
    title,
    desc: `SYRCLE risk-of-bias judgements of ${plural(studies.length, "study")} on 10 items (${SYRCLE_ITEMS.map((it, i) => `${i + 1} ${SYRCLE_ITEM_NAMES[it]}`).join("; ")}): low, high or unclear risk per item; no summary score.`,
    idPrefix: options.idPrefix ?? "pooled-risk-of-bias",
    fontSize: f,
    body,
  });
}

/**
 * The traffic-light grid: a row per study (banded), a dot per item under the item numbers, and
 * the items' names in two columns under the grid.
 */
function trafficLights(
  studies: StudyJudgements[],
  top: number,
  f: number,
  options: RiskOfBiasOptions,
): Section {
  let y = top;
  const rowH = Math.round(f * 1.75);
  const colW = Math.round(f * 2.3);
  const r = Math.min(rowH, colW) / 2 - 2.5;
  const maxLabel = options.maxLabelWidth ?? 220;
  const labelW = Math.min(
    maxLabel,
    Math.max(textWidth("Study", f, true), ...studies.map((s) => textWidth(s.study, f))),
  );
  const gridX = MARGIN + labelW + 14;
  const parts: string[] = [text(MARGIN, y + f, "Study", { "font-weight": "bold" })];
  SYRCLE_ITEMS.forEach((item, i) => {
    parts.push(
      text(
        gridX + colW * (i + 0.5),
        y + f,
        String(i + 1),
        { "text-anchor": "middle", "font-weight": "bold", class: "item-number" },
        SYRCLE_ITEM_NAMES[item],
      ),
    );
  });
  y += f * 1.5;
  parts.push(line(MARGIN, y, gridX + colW * 10, y, { stroke: PALETTE.grey, "stroke-width": 0.8 }));
  y += 3;
  studies.forEach((s, row) => {
    const rowTop = y + row * rowH;
    const cy = rowTop + rowH / 2;
    const cells: string[] = [];
    if (row % 2 === 1)
      cells.push(
        rect(MARGIN, rowTop, gridX + colW * 10 - MARGIN, rowH, { fill: "#F7F7F7", class: "band" }),
      );
    const t = truncate(s.study, labelW, f);
    cells.push(
      text(MARGIN, cy + f * 0.35, t.text, { class: "label" }, t.truncated ? s.study : undefined),
    );
    s.j.forEach((j, i) => {
      cells.push(
        lamp(
          gridX + colW * (i + 0.5),
          cy,
          r,
          j,
          f * 0.85,
          `${s.study}: ${SYRCLE_ITEM_NAMES[SYRCLE_ITEMS[i]]}: ${JUDGEMENT_STYLE[j].name}`,
        ),
      );
    });
    parts.push(group(cells, { class: "rob-row" }));
  });
  y += studies.length * rowH + 12;
  const key = itemKey(y, f);
  parts.push(key.markup);
  return {
    markup: group(parts, { class: "traffic-light" }),
    bottom: key.bottom,
    width: Math.max(gridX + colW * 10 + MARGIN, key.width),
  };
}

/** The items' names by number, in two columns of five. */
function itemKey(top: number, f: number): Section {
  const keyW = Math.max(
    ...SYRCLE_ITEMS.map((it, i) => textWidth(`${i + 1}  ${SYRCLE_ITEM_NAMES[it]}`, f * 0.9)),
  );
  const keyParts: string[] = [];
  SYRCLE_ITEMS.forEach((item, i) => {
    const col = i < 5 ? 0 : 1;
    const kx = MARGIN + col * (keyW + 24);
    const ky = top + (i % 5) * f * 1.35 + f;
    keyParts.push(
      text(kx, ky, `${i + 1}  ${SYRCLE_ITEM_NAMES[item]}`, {
        "font-size": f * 0.9,
        class: "item-key",
      }),
    );
  });
  return {
    markup: group(keyParts, { class: "item-keys" }),
    bottom: top + (5 * f * 1.35 + 8),
    width: MARGIN * 2 + keyW * 2 + 24,
  };
}

/** A dot and a name per judgement drawn ("Not assessed" only when some item was not). */
function judgementLegend(studies: StudyJudgements[], top: number, f: number): Section {
  const parts: string[] = [];
  let x = MARGIN;
  const used = new Set(studies.flatMap((s) => s.j));
  for (const j of JUDGEMENT_ORDER) {
    if (j === "missing" && !used.has("missing")) continue;
    parts.push(lamp(x + 8, top + f * 0.6, 7, j, f * 0.8));
    parts.push(text(x + 20, top + f * 0.6 + f * 0.35, JUDGEMENT_STYLE[j].name));
    x += 20 + textWidth(JUDGEMENT_STYLE[j].name, f) + 18;
  }
  return {
    markup: group(parts, { class: "legend" }),
    bottom: top + (f * 1.6 + 10),
    width: x + MARGIN,
  };
}

/**
 * The summary: per item, a bar split by the share of studies given each judgement (the
 * percentage printed where it fits), over an axis from 0 to 100%.
 */
function summaryBars(studies: StudyJudgements[], top: number, f: number): Section {
  let y = top;
  const barW = 300;
  const barH = Math.round(f * 1.3);
  const rowH = Math.round(f * 1.9);
  const nameW = Math.max(...SYRCLE_ITEMS.map((it) => textWidth(SYRCLE_ITEM_NAMES[it], f)));
  const bx = MARGIN + nameW + 12;
  const parts: string[] = [
    text(MARGIN, y + f, "Summary: share of studies per judgement, by item", {
      "font-weight": "bold",
    }),
  ];
  y += f * 1.6;
  SYRCLE_ITEMS.forEach((item, i) => {
    parts.push(summaryRow(studies, item, i, { x: bx, top: y + i * rowH, rowH, barW, barH }, f));
  });
  y += 10 * rowH + 4;
  const axis: string[] = [line(bx, y, bx + barW, y, { stroke: PALETTE.text })];
  for (const p of [0, 25, 50, 75, 100]) {
    const x = bx + (barW * p) / 100;
    axis.push(
      line(x, y, x, y + 4, { stroke: PALETTE.text }),
      text(x, y + 5 + f, `${p}%`, { "text-anchor": "middle" }),
    );
  }
  parts.push(group(axis, { class: "axis" }));
  y += 5 + f + 6;
  return {
    markup: group(parts, { class: "summary" }),
    bottom: y,
    width: bx + barW + textWidth("100%", f) / 2 + MARGIN,
  };
}

/** One item's bar: the item's name, then a segment per judgement in legend order. */
function summaryRow(
  studies: StudyJudgements[],
  item: SyrcleItem,
  i: number,
  bar: { x: number; top: number; rowH: number; barW: number; barH: number },
  f: number,
): string {
  const { top, rowH, barW, barH } = bar;
  const n = studies.length;
  const counts: Record<Judgement, number> = { low: 0, high: 0, unclear: 0, missing: 0 };
  for (const s of studies) counts[s.j[i]] += 1;
  const seg: string[] = [
    text(bar.x - 12, top + rowH / 2 + f * 0.35, SYRCLE_ITEM_NAMES[item], {
      "text-anchor": "end",
      class: "label",
    }),
  ];
  let x = bar.x;
  for (const j of JUDGEMENT_ORDER) {
    if (!counts[j]) continue;
    const w = (barW * counts[j]) / n;
    const pct = (100 * counts[j]) / n;
    seg.push(
      rect(x, top + (rowH - barH) / 2, w, barH, {
        fill: JUDGEMENT_STYLE[j].fill,
        stroke: j === "missing" ? PALETTE.grey : "#FFFFFF",
        "stroke-width": 0.6,
        class: `summary-${j}`,
        "data-count": counts[j],
      }),
    );
    const label = `${fmt(pct, 0)}%`;
    if (textWidth(label, f * 0.85) + 6 < w) {
      seg.push(
        text(x + w / 2, top + rowH / 2 + f * 0.3, label, {
          "text-anchor": "middle",
          "font-size": f * 0.85,
          fill: JUDGEMENT_STYLE[j].ink,
        }),
      );
    }
    x += w;
  }
  return group(seg, { class: "summary-row", "data-item": item });
}
