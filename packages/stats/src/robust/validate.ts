/**
 * Validation of a {@link RobustInput}: shapes, finite values, variance components, clusters and the
 * coefficients of the Wald test. Every problem found is reported (shared/STYLE.md §9).
 */
import { fitDefaults } from "../defaults.js";
import { PooledError, PooledInputError, PooledInputErrors } from "../errors.js";
import type { RobustInput } from "./types.js";

/** A validated input: copies of the data, the rows of each cluster and the resolved options. */
export interface ValidatedRobustInput {
  yi: Float64Array;
  vi: Float64Array;
  /** Row-major k×p. */
  X: Float64Array;
  k: number;
  p: number;
  sigma2Between: number;
  sigma2Within: number;
  /** Row indices of each cluster, clusters in order of first appearance. */
  clusterRows: number[][];
  level: number;
  waldCoefficients: number[];
}

/**
 * @throws PooledInputError (or PooledInputErrors when there are several problems) naming the row
 *   and field and saying what was expected
 */
export function validateRobustInput(input: RobustInput): ValidatedRobustInput {
  const { k, p } = input;
  if (!Number.isInteger(k) || k < 1) {
    throw new PooledInputError({ field: "k", value: k }, "a positive integer number of rows");
  }
  if (!Number.isInteger(p) || p < 1 || p > k) {
    throw new PooledInputError(
      { field: "p", value: p },
      `a positive integer number of columns of X, at most k = ${k}`,
    );
  }
  checkLength(input.yi, k, "yi", "one per row");
  checkLength(input.vi, k, "vi", "one per row");
  checkLength(input.cluster, k, "cluster", "one per row");
  checkLength(input.X, k * p, "X", `k·p = ${k}·${p}, row-major`);
  checkLength(input.termNames, p, "termNames", "one per column of X");

  const errors: PooledInputError[] = [];
  const sigma2Between = checkVarianceComponent(input.sigma2Between, "sigma2Between", errors);
  const sigma2Within = checkVarianceComponent(input.sigma2Within, "sigma2Within", errors);
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  const X = new Float64Array(k * p);
  const clusterIndex = new Map<string, number>();
  const clusterRows: number[][] = [];
  for (let i = 0; i < k; i++) {
    const y = input.yi[i];
    if (typeof y !== "number" || !Number.isFinite(y)) {
      errors.push(new PooledInputError({ index: i, field: "yi", value: y }, "a finite number"));
    } else yi[i] = y;
    const v = input.vi[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      errors.push(
        new PooledInputError(
          { index: i, field: "vi", value: v },
          "a finite sampling variance >= 0",
        ),
      );
    } else if (!(v + sigma2Within > 0)) {
      errors.push(
        new PooledInputError(
          { index: i, field: "vi", value: v },
          "vi + sigma2Within > 0 (a positive definite covariance within the cluster)",
        ),
      );
    } else vi[i] = v;
    for (let c = 0; c < p; c++) {
      const x = input.X[i * p + c];
      if (typeof x !== "number" || !Number.isFinite(x)) {
        errors.push(
          new PooledInputError(
            { index: i, field: `X[, ${c + 1}] (${input.termNames[c]})`, value: x },
            "a finite number",
          ),
        );
      } else X[i * p + c] = x;
    }
    const label = input.cluster[i];
    if (typeof label !== "string") {
      errors.push(
        new PooledInputError({ index: i, field: "cluster", value: label }, "a cluster label"),
      );
      continue;
    }
    let j = clusterIndex.get(label);
    if (j === undefined) {
      j = clusterRows.length;
      clusterIndex.set(label, j);
      clusterRows.push([]);
    }
    clusterRows[j]!.push(i);
  }
  const level = input.level ?? fitDefaults.level;
  if (typeof level !== "number" || !(level > 0 && level < 100)) {
    errors.push(new PooledInputError({ field: "level", value: level }, "a percentage in (0, 100)"));
  }
  const waldCoefficients = checkWaldCoefficients(input.waldCoefficients, p, errors);
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PooledInputErrors(errors);
  if (clusterRows.length < 2) {
    throw new PooledInputError(
      { field: "cluster", value: `${clusterRows.length} distinct cluster(s)` },
      "at least 2 distinct clusters (a cluster-robust variance needs independent clusters)",
    );
  }
  let largest = 0;
  for (const rows of clusterRows) largest = Math.max(largest, rows.length);
  if (largest > MAX_CLUSTER_SIZE) {
    throw new PooledError(
      "CLUSTER_TOO_LARGE",
      `cluster-robust (CR2) inference takes a matrix square root per cluster, whose cost grows with the cube of its size: the largest cluster has ${largest} rows, the limit is ${MAX_CLUSTER_SIZE}`,
    );
  }
  return { yi, vi, X, k, p, sigma2Between, sigma2Within, clusterRows, level, waldCoefficients };
}

/**
 * Most rows one cluster may have for CR2: its n×n adjustment matrix needs an eigendecomposition
 * (O(n³)); at 250 rows that is about half a second on this project's 2-core bench machine, at 800
 * over a minute. No preclinical publication reports hundreds of experiments of one outcome.
 */
export const MAX_CLUSTER_SIZE = 250;

function checkLength(x: ArrayLike<unknown>, expected: number, field: string, what: string): void {
  const length = x?.length;
  if (length !== expected) {
    throw new PooledInputError(
      { field, value: length === undefined ? x : `${length} values` },
      `${expected} values (${what})`,
    );
  }
}

function checkVarianceComponent(x: number, field: string, errors: PooledInputError[]): number {
  if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
    errors.push(new PooledInputError({ field, value: x }, "a finite variance component >= 0"));
    return 0;
  }
  return x;
}

/** Default: every coefficient but the intercept (column 0), or the intercept alone when p = 1. */
function checkWaldCoefficients(
  given: readonly number[] | undefined,
  p: number,
  errors: PooledInputError[],
): number[] {
  if (given === undefined) {
    return p === 1 ? [0] : Array.from({ length: p - 1 }, (_, i) => i + 1);
  }
  const seen = new Set<number>();
  for (const c of given) {
    if (!Number.isInteger(c) || c < 0 || c >= p || seen.has(c)) {
      errors.push(
        new PooledInputError(
          { field: "waldCoefficients", value: c },
          `distinct column indices of X in 0..${p - 1}`,
        ),
      );
    }
    seen.add(c);
  }
  if (given.length === 0) {
    errors.push(
      new PooledInputError({ field: "waldCoefficients", value: "[]" }, "at least one coefficient"),
    );
  }
  return [...given];
}
