/**
 * Zero cells of 2×2 tables, as metafor's escalc, rma.mh and rma.peto treat them: tables with no
 * events (or only events) in both arms ("double zeros"), and the continuity correction `add` added
 * to every cell of the tables chosen by `to`.
 */
import type { ZeroCellRule } from "../types.js";
import type { TwoByTwoTables } from "./tables.js";
import type { InputProblems } from "./validate.js";

/** metafor's rules for `to`, in its order. */
export const ZERO_CELL_RULES: readonly ZeroCellRule[] = ["only0", "all", "if0all", "none"];

/** How zero cells are handled: the correction, which tables get it, whether double zeros go. */
export interface ZeroCellSettings {
  add: number;
  to: ZeroCellRule;
  drop00: boolean;
}

/** escalc's defaults (metafor): add 1/2 to the tables with a zero cell, keep double zeros. */
export const escalcZeroCellDefaults: ZeroCellSettings = { add: 0.5, to: "only0", drop00: false };

/**
 * A double-zero table: no events in either arm, or only events in both (metafor's drop00 rule).
 * It says nothing about an odds ratio: its Mantel-Haenszel and Peto contributions are 0.
 */
export function isDoubleZero(a: number, b: number, c: number, d: number): boolean {
  return (a === 0 && c === 0) || (b === 0 && d === 0);
}

/** A table with at least one zero cell. */
export function hasZeroCell(a: number, b: number, c: number, d: number): boolean {
  return a === 0 || b === 0 || c === 0 || d === 0;
}

/** Tables at `rows` after the continuity correction, with the rows that received it. */
export interface CorrectedTables {
  /** Cells aligned with `rows`. */
  ai: number[];
  bi: number[];
  ci: number[];
  di: number[];
  /** Input indices of the corrected tables (empty when add = 0). */
  corrected: number[];
}

/**
 * Adds `add` to every cell of the tables at `rows` chosen by `to` (metafor's escalc): "all" every
 * table, "only0" the tables with a zero cell, "if0all" every table when any of them has a zero
 * cell, "none" no table. Tables outside `rows` (e.g. double zeros left out) are not looked at, so
 * they cannot trigger "if0all".
 *
 * @param rows - input indices of the tables to use, in order
 * @example correctZeroCells(tables, [0, 1, 2], 0.5, "only0")
 */
export function correctZeroCells(
  tables: TwoByTwoTables,
  rows: readonly number[],
  add: number,
  to: ZeroCellRule,
): CorrectedTables {
  const zero = rows.map((i) =>
    hasZeroCell(tables.ai[i]!, tables.bi[i]!, tables.ci[i]!, tables.di[i]!),
  );
  const anyZero = zero.some(Boolean);
  const gets = rows.map(
    (_, j) => to === "all" || (to === "only0" && zero[j]!) || (to === "if0all" && anyZero),
  );
  const cell = (column: number[]) => rows.map((i, j) => column[i]! + (gets[j] ? add : 0));
  return {
    ai: cell(tables.ai),
    bi: cell(tables.bi),
    ci: cell(tables.ci),
    di: cell(tables.di),
    corrected: add === 0 ? [] : rows.filter((_, j) => gets[j]),
  };
}

/**
 * Checks add (a finite number >= 0), to (one of metafor's rules) and drop00 (a boolean), naming
 * each bad option by `field(option)`.
 */
export function checkZeroCellSettings(
  settings: { add: unknown; to: unknown; drop00: unknown },
  field: (option: "add" | "to" | "drop00") => string,
  problems: InputProblems,
): void {
  const { add, to, drop00 } = settings;
  if (!(typeof add === "number" && Number.isFinite(add) && add >= 0)) {
    problems.add(undefined, field("add"), "a finite number >= 0 (metafor's default 1/2)", add);
  }
  if (!ZERO_CELL_RULES.includes(to as ZeroCellRule)) {
    problems.add(undefined, field("to"), `one of ${ZERO_CELL_RULES.join(", ")}`, to);
  }
  if (typeof drop00 !== "boolean") {
    problems.add(undefined, field("drop00"), "true or false", drop00);
  }
}
