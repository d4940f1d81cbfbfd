/**
 * Kendall's rank correlation with the p-value R's cor.test(method = "kendall", exact = TRUE) reports,
 * which is what metafor's ranktest uses: the exact permutation distribution when there are no ties,
 * else the normal approximation with the tie-corrected variance of S.
 */
import { normalLowerP, normalUpperP } from "../distributions/index.js";
import { PooledInputError } from "../errors.js";

/**
 * Largest n for the exact null distribution (O(n³) time). R's own exact computation returns NaN
 * from n ≈ 170 on (n! overflows); beyond this bound the normal approximation is used, whose error
 * is then far below any reporting precision.
 */
export const KENDALL_EXACT_MAX_N = 500;

/** Kendall's tau-b with its two-sided p-value. */
export interface KendallResult {
  /** Kendall's tau-b (tau-a when there are no ties). */
  tau: number;
  /** Two-sided p-value. */
  p: number;
  /** True when p comes from the exact null distribution (no ties); false: normal approximation. */
  exact: boolean;
  /** Exact: the number of concordant pairs T; approximation: the z statistic S/sd(S). */
  statistic: number;
  /** Number of pairs of observations. */
  n: number;
}

/**
 * Kendall's tau-b between x and y and its two-sided p-value.
 *
 * tau-b = S / sqrt((n₀ - n₁)(n₀ - n₂)), S = Σ_{i<j} sign(xᵢ - xⱼ)·sign(yᵢ - yⱼ), n₀ = n(n-1)/2 and
 * n₁, n₂ the numbers of tied pairs in x and y (Kendall 1945, Biometrika 33:239).
 * - No ties: T = round((tau + 1)·n(n-1)/4) concordant pairs has the distribution of the number of
 *   inversions of a random permutation (Kendall 1938, Biometrika 30:81); p = min(1, 2·P(T <= t))
 *   on the lower side, min(1, 2·P(T >= t)) on the upper side, as R's cor.test.
 *   Exact for n <= {@link KENDALL_EXACT_MAX_N}; larger n use the normal approximation below.
 * - Ties: z = S/sqrt(var S) with var S = (v₀ - v_t - v_u)/18 + v₁/(2n(n-1)) + v₂/(9n(n-1)(n-2))
 *   (Kendall 1970, Rank Correlation Methods, ch. 4), no continuity correction, as R's cor.test.
 *
 * @param x - first variable (n >= 2 finite values)
 * @param y - second variable, same length
 * @throws PooledInputError when the lengths differ, n < 2, a value is not finite, or a variable is
 *   constant (tau is undefined)
 * @example kendallTau([1, 2, 3, 4], [1, 3, 2, 4]) // { tau: 0.667, p: 0.333, exact: true, ... }
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): KendallResult {
  const n = x.length;
  if (y.length !== n) {
    throw new PooledInputError({ field: "y", value: `${y.length} values` }, `${n} values, as x`);
  }
  if (n < 2) throw new PooledInputError({ field: "x", value: `${n} values` }, "at least 2 values");
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!))
      throw new PooledInputError({ index: i, field: "x", value: x[i] }, "a finite number");
    if (!Number.isFinite(y[i]!))
      throw new PooledInputError({ index: i, field: "y", value: y[i] }, "a finite number");
  }
  const { s, untiedX, untiedY } = pairCounts(x, y);
  if (untiedX === 0 || untiedY === 0) {
    throw new PooledInputError(
      { field: untiedX === 0 ? "x" : "y", value: "all values equal" },
      "values that are not all equal (Kendall's tau is undefined for a constant variable)",
    );
  }
  const tau = s / (Math.sqrt(untiedX) * Math.sqrt(untiedY));
  const pairs = (n * (n - 1)) / 2;
  const hasTies = untiedX < pairs || untiedY < pairs;
  if (!hasTies && n <= KENDALL_EXACT_MAX_N) {
    // Concordant pairs, rounded as R does (tau is a ratio of integers here, so this is exact).
    const t = Math.round(((tau + 1) * n * (n - 1)) / 4);
    const dist = inversionDistribution(n);
    let tail = 0;
    if (t > (n * (n - 1)) / 4) {
      for (let j = t; j <= pairs; j++) tail += dist[j]!;
    } else {
      for (let j = 0; j <= t; j++) tail += dist[j]!;
    }
    return { tau, p: Math.min(1, 2 * tail), exact: true, statistic: t, n };
  }
  const xt = tieGroupSizes(x);
  const yt = tieGroupSizes(y);
  const sum = (g: number[], f: (t: number) => number) => g.reduce((acc, t) => acc + f(t), 0);
  const t1 = sum(xt, (t) => t * (t - 1)) / 2;
  const t2 = sum(yt, (t) => t * (t - 1)) / 2;
  const sStat = tau * Math.sqrt((pairs - t1) * (pairs - t2));
  const v0 = n * (n - 1) * (2 * n + 5);
  const vt = sum(xt, (t) => t * (t - 1) * (2 * t + 5));
  const vu = sum(yt, (t) => t * (t - 1) * (2 * t + 5));
  const v1 = sum(xt, (t) => t * (t - 1)) * sum(yt, (t) => t * (t - 1));
  const v2 = sum(xt, (t) => t * (t - 1) * (t - 2)) * sum(yt, (t) => t * (t - 1) * (t - 2));
  const varS =
    (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + (n > 2 ? v2 / (9 * n * (n - 1) * (n - 2)) : 0);
  const z = sStat / Math.sqrt(varS);
  const p = Math.min(1, 2 * Math.min(normalLowerP(z), normalUpperP(z)));
  return { tau, p, exact: false, statistic: z, n };
}

/**
 * Null distribution of the number of concordant pairs among n untied observations, i.e. of the
 * number of inversions of a uniformly random permutation (Mahonian numbers divided by n!). Built by
 * the recursion P_m(t) = (1/m)·Σ_{i=0}^{m-1} P_{m-1}(t - i) with running sums, in probabilities so
 * nothing overflows: O(n³) time, O(n²) memory.
 */
function inversionDistribution(n: number): Float64Array {
  const size = (n * (n - 1)) / 2 + 1;
  let dist = new Float64Array(size);
  let next = new Float64Array(size);
  dist[0] = 1;
  let maxT = 0;
  for (let m = 2; m <= n; m++) {
    const newMax = maxT + m - 1;
    let running = 0;
    for (let t = 0; t <= newMax; t++) {
      if (t <= maxT) running += dist[t]!;
      if (t - m >= 0 && t - m <= maxT) running -= dist[t - m]!;
      next[t] = running / m;
    }
    [dist, next] = [next, dist];
    maxT = newMax;
  }
  return dist;
}

/** Sizes of the groups of tied values (groups of size >= 2), as R's table(x[duplicated(x)]) + 1. */
function tieGroupSizes(values: ArrayLike<number>): number[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i]!, (counts.get(values[i]!) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}

/**
 * S = Σ_{i<j} sign(xᵢ - xⱼ)·sign(yᵢ - yⱼ) and the numbers of pairs untied in x and in y, in
 * O(n log n) by Knight's method (Knight 1966, J Am Stat Assoc 61:436): sort by (x, y), count the
 * pairs tied in x and tied in both along the runs, then count the inversions of y by a merge sort;
 * every inverted pair is discordant and untied in both, so S = n₀ - n₁ - n₂ + n₃ - 2·inversions.
 * All counts are integers below 2^53, so S equals the O(n²) sum exactly.
 */
export function pairCounts(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { s: number; untiedX: number; untiedY: number } {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const pairsIn = (run: number) => (run * (run - 1)) / 2;
  let tiedX = 0;
  let tiedBoth = 0;
  let runX = 1;
  let runBoth = 1;
  for (let i = 1; i <= n; i++) {
    const sameX = i < n && x[order[i]!]! === x[order[i - 1]!]!;
    const sameBoth = sameX && y[order[i]!]! === y[order[i - 1]!]!;
    if (sameX) runX++;
    else {
      tiedX += pairsIn(runX);
      runX = 1;
    }
    if (sameBoth) runBoth++;
    else {
      tiedBoth += pairsIn(runBoth);
      runBoth = 1;
    }
  }
  const ys = Float64Array.from(order, (i) => y[i]!);
  const inversions = countInversions(ys, new Float64Array(n));
  let tiedY = 0;
  let runY = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && ys[i] === ys[i - 1]) runY++;
    else {
      tiedY += pairsIn(runY);
      runY = 1;
    }
  }
  const pairs = pairsIn(n);
  return {
    s: pairs - tiedX - tiedY + tiedBoth - 2 * inversions,
    untiedX: pairs - tiedX,
    untiedY: pairs - tiedY,
  };
}

/** Sorts `a` ascending (bottom-up merge sort) and returns the number of pairs i < j with aᵢ > aⱼ. */
function countInversions(a: Float64Array, scratch: Float64Array): number {
  const n = a.length;
  let inversions = 0;
  let from = a;
  let to = scratch;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Equal values are not inversions: take from the left run first.
        if (from[j]! < from[i]!) {
          inversions += mid - i;
          to[k++] = from[j++]!;
        } else to[k++] = from[i++]!;
      }
      while (i < mid) to[k++] = from[i++]!;
      while (j < hi) to[k++] = from[j++]!;
    }
    [from, to] = [to, from];
  }
  if (from !== a) a.set(from);
  return inversions;
}
