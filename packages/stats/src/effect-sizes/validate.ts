/**
 * Input checks shared by the effect-size functions. Validation never stops at the first problem:
 * every bad value is collected as a {@link PooledInputError} naming study and field, then all are
 * thrown together as {@link PooledInputErrors} (shared/STYLE.md §9).
 */
import { PooledInputError, PooledInputErrors } from "../errors.js";
import type { EscalcData, MaybeNumber } from "./types.js";

/** The numeric columns of {@link EscalcData}. */
export type NumericField = Exclude<keyof EscalcData, "labels">;

/** What a value must be. Each rule also requires a present, finite number. */
export type Rule =
  | "finite"
  /** a group size: n >= 2 (fractional allowed, e.g. after splitting a shared control) */
  | "n"
  /** strictly positive: standard deviations, standard errors, variances, ratio-scale means */
  | "positive"
  /** a cell count of a 2×2 table: a whole number >= 0 */
  | "count"
  /** an arm size of a 2×2 table: a whole number >= 1 */
  | "total"
  /** a correlation coefficient, strictly inside (−1, 1) */
  | "correlation"
  /** the sample size of a correlation: > 3 (metafor leaves vi undefined for ni <= 3) */
  | "correlationN";

const expectedText: Record<Rule, string> = {
  finite: "a finite number",
  n: "a group size of at least 2",
  positive: "a finite number > 0",
  count: "a count: a whole number >= 0",
  total: "a group size: a whole number >= 1",
  correlation:
    "a correlation strictly between −1 and 1 (|r| = 1 gives an infinite Fisher's z and a zero variance)",
  correlationN:
    "a sample size greater than 3 (the variance 1/(ni − 3) of Fisher's z, and metafor's of r, need ni > 3)",
};

/** Collects input problems so that all of them can be reported at once. */
export class InputProblems {
  readonly errors: PooledInputError[] = [];
  constructor(readonly labels: readonly string[]) {}

  /** Records one problem at study `index` (or about the input as a whole when index is undefined). */
  add(index: number | undefined, field: string, expected: string, value?: unknown): void {
    const location =
      index === undefined ? { field, value } : { study: this.labels[index], index, field, value };
    this.errors.push(new PooledInputError(location, expected));
  }

  /** Throws every recorded problem as one {@link PooledInputErrors}, if there is any. */
  throwIfAny(): void {
    if (this.errors.length > 0) throw new PooledInputErrors(this.errors);
  }
}

/** Study labels: the given ones (as strings), else "Study 1", "Study 2", ... */
export function resolveLabels(labels: readonly string[] | undefined, k: number): string[] {
  return Array.from({ length: k }, (_, i) => {
    const given = labels?.[i];
    return given === undefined || given === null || String(given) === ""
      ? `Study ${i + 1}`
      : String(given);
  });
}

/**
 * Number of studies: the length of the first present column among `fields`. Throws when no
 * column is there at all.
 */
export function studyCount(data: EscalcData, fields: readonly NumericField[]): number {
  for (const field of fields) {
    const column = data[field];
    if (column !== undefined && column !== null) return column.length;
  }
  throw new PooledInputErrors([
    new PooledInputError({ field: fields.join(", ") }, "at least one of these columns"),
  ]);
}

/** Checks one value against a rule; returns the text of what was expected, or null when it is fine. */
export function checkValue(value: MaybeNumber, rule: Rule): string | null {
  if (value === null || value === undefined) return `${expectedText[rule]} (value is missing)`;
  if (typeof value !== "number" || !Number.isFinite(value)) return expectedText[rule];
  switch (rule) {
    case "n":
      return value < 2 ? expectedText[rule] : null;
    case "positive":
      return value <= 0 ? expectedText[rule] : null;
    case "count":
      return value < 0 || !Number.isInteger(value) ? expectedText[rule] : null;
    case "total":
      return value < 1 || !Number.isInteger(value) ? expectedText[rule] : null;
    case "correlation":
      return !(value > -1 && value < 1) ? expectedText[rule] : null;
    case "correlationN":
      return value <= 3 ? expectedText[rule] : null;
    default:
      return null;
  }
}

/**
 * Reads a required column of k values, checking each against `rule`. Bad entries are recorded in
 * `problems` and come back as NaN (they are never used: the caller throws before computing).
 */
export function readColumn(
  data: EscalcData,
  field: NumericField,
  k: number,
  rule: Rule,
  problems: InputProblems,
  why: string,
): number[] {
  const column = data[field];
  if (column === undefined || column === null) {
    problems.add(undefined, field, `a column of ${k} values (${why})`);
    return new Array<number>(k).fill(Number.NaN);
  }
  if (column.length !== k) {
    problems.add(undefined, field, `${k} values, one per study`, `${column.length} values`);
  }
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const value = column[i];
    const problem = checkValue(value, rule);
    if (problem === null) out[i] = value as number;
    else {
      problems.add(i, field, problem, value);
      out[i] = Number.NaN;
    }
  }
  return out;
}
