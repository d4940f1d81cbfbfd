/**
 * Inputs shared by the small-study tests: either a fitted model (its yi, vi, labels, method and
 * test are used) or bare outcomes with their sampling variances.
 */
import { PooledInputError, PooledInputErrors, TooFewStudiesError } from "../errors.js";
import type { RmaResult } from "../models/types.js";

/** Outcomes with sampling variances, for the tests that need no fitted model. */
export interface StudyData {
  yi: ArrayLike<number>;
  vi: ArrayLike<number>;
  labels?: ArrayLike<string>;
}

/** Validated copies of the outcomes, variances and labels. */
export interface CheckedStudies {
  yi: number[];
  vi: number[];
  labels: string[];
}

/** True when the input is a fitted model (the result of rma) rather than bare data. */
export function isModel(input: RmaResult | StudyData): input is RmaResult {
  return (input as RmaResult).kind === "rma";
}

/**
 * Copies yi, vi and labels out of a model or bare data, checks them (finite yi, positive finite vi,
 * equal lengths) and that there are at least `minK` studies for `what`.
 */
export function checkStudies(
  input: RmaResult | StudyData,
  minK: number,
  what: string,
): CheckedStudies {
  const yi = Array.from(input.yi);
  const vi = Array.from(input.vi);
  const k = yi.length;
  if (vi.length !== k) {
    throw new PooledInputError(
      { field: "vi", value: `${vi.length} values` },
      `${k} values, one per study (as yi)`,
    );
  }
  const labels = input.labels ? Array.from(input.labels, String) : yi.map((_, i) => String(i + 1));
  if (labels.length !== k) {
    throw new PooledInputError(
      { field: "labels", value: `${labels.length} labels` },
      `${k} labels, one per study`,
    );
  }
  const errors: PooledInputError[] = [];
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(yi[i]!)) {
      errors.push(
        new PooledInputError(
          { study: labels[i]!, index: i, field: "yi", value: yi[i] },
          "a finite number",
        ),
      );
    }
    if (!(Number.isFinite(vi[i]!) && vi[i]! > 0)) {
      errors.push(
        new PooledInputError(
          { study: labels[i]!, index: i, field: "vi", value: vi[i] },
          "a positive, finite sampling variance",
        ),
      );
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PooledInputErrors(errors);
  if (k < minK) throw new TooFewStudiesError(k, minK, what);
  return { yi, vi, labels };
}

/** Checks an optional per-study numeric column (sample sizes): k positive finite values. */
export function checkPositiveColumn(
  values: ArrayLike<number>,
  k: number,
  field: string,
  labels: string[],
): number[] {
  if (values.length !== k) {
    throw new PooledInputError(
      { field, value: `${values.length} values` },
      `${k} values, one per study`,
    );
  }
  const out = Array.from(values);
  const errors: PooledInputError[] = [];
  out.forEach((v, i) => {
    if (!(Number.isFinite(v) && v > 0)) {
      errors.push(
        new PooledInputError(
          { study: labels[i]!, index: i, field, value: v },
          "a positive, finite number",
        ),
      );
    }
  });
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PooledInputErrors(errors);
  return out;
}
