/** Reading single cells: numbers (point or comma decimals), risk-of-bias judgements, exclusion marks. */
import type { Cell } from "./grid.js";
import type { RiskJudgement } from "./types.js";

/** A cell as a number: the value, null for an empty cell or NA, or the text that is not a number. */
export type NumberCell = number | null | { bad: string };

const POINT_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const COMMA_NUMBER = /^[+-]?(\d+,?\d*|,\d+)(e[+-]?\d+)?$/i;

/** Empty cells, and R's NA, are missing values. */
export function isEmptyCell(cell: Cell | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  if (typeof cell === "string") {
    // fast path: most cells start with a visible character and are not "NA"
    if (cell.length > 0 && cell.charCodeAt(0) > 32 && cell !== "NA") return false;
    const t = cell.trim();
    return t === "" || t === "NA";
  }
  return false;
}

export function readNumber(cell: Cell | undefined, decimalComma: boolean): NumberCell {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : { bad: String(cell) };
  if (isEmptyCell(cell)) return null;
  if (typeof cell === "boolean") return { bad: String(cell) };
  const text = String(cell).trim();
  if (decimalComma) {
    const value = COMMA_NUMBER.test(text) ? Number(text.replace(",", ".")) : Number.NaN;
    return Number.isFinite(value) ? value : { bad: text };
  }
  // The pattern admits only decimal numbers: NaN, Inf, #DIV/0! and the like are bad, and so is
  // an overflow such as 1e999.
  const value = POINT_NUMBER.test(text) ? Number(text) : Number.NaN;
  return Number.isFinite(value) ? value : { bad: text };
}

/** How the expected number format is worded, with a hint when the other decimal mark was used. */
export function numberHint(found: string, decimalComma: boolean): string {
  if (!decimalComma && found.includes(",") && COMMA_NUMBER.test(found))
    return " (this looks like a decimal comma: use --decimal-comma)";
  if (decimalComma && found.includes(".") && POINT_NUMBER.test(found))
    return " (--decimal-comma is on, so write 3,5 rather than 3.5)";
  return "";
}

const LOW = new Set(["yes", "y", "low", "lowrisk", "l", "+"]);
const HIGH = new Set(["no", "n", "high", "highrisk", "h", "-"]);
const UNCLEAR = new Set(["unclear", "u", "?", "unclearrisk", "unknown", "notreported", "nr"]);

/**
 * A SYRCLE judgement: "yes" (low risk of bias), "no" (high risk) or "unclear"; also the
 * low/high/unclear words of the RoB figures. null when the text is none of these.
 */
export function readJudgement(cell: Cell | undefined): RiskJudgement | null {
  if (cell === null || cell === undefined || typeof cell === "number") return null;
  const key = String(cell)
    .toLowerCase()
    .replace(/[\s_-]+/g, "");
  if (LOW.has(key)) return "low";
  if (HIGH.has(key)) return "high";
  if (UNCLEAR.has(key)) return "unclear";
  return null;
}

const NOT_EXCLUDED = new Set(["", "no", "n", "false", "0", "include", "included"]);
const EXCLUDED_FLAG = new Set(["yes", "y", "true", "1", "x", "exclude", "excluded"]);

/** Whether an exclude cell excludes its row, and the reason to show (free text is the reason). */
export function readExclusion(
  cell: Cell | undefined,
  column: string,
): { excluded: false } | { excluded: true; reason: string } {
  if (cell === null || cell === undefined || cell === false || cell === 0)
    return { excluded: false };
  const text = String(cell).trim();
  if (NOT_EXCLUDED.has(text.toLowerCase())) return { excluded: false };
  if (EXCLUDED_FLAG.has(text.toLowerCase()) || cell === true)
    return { excluded: true, reason: `marked in column "${column}"` };
  return { excluded: true, reason: text };
}

/** How a problem message names an empty cell: R's "NA" is named as such, not as empty. */
export function emptyCellText(cell: Cell | undefined): string {
  return typeof cell === "string" && cell.trim() === "NA"
    ? "NA (a missing value)"
    : "an empty cell";
}
