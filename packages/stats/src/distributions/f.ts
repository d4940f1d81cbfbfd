/**
 * F distribution via the regularized incomplete beta function (Abramowitz & Stegun 26.6.2):
 * P(F > x) = I_{d2/(d2 + d1·x)}(d2/2, d1/2) = 1 - I_{d1·x/(d2 + d1·x)}(d1/2, d2/2).
 * Whichever argument is small is used, so neither tail suffers cancellation.
 */
import betainc from "@stdlib/math-base-special-betainc";
import kernelBetaincinv from "@stdlib/math-base-special-kernel-betaincinv";

/**
 * Upper tail of the F distribution, P(F > x), as R's pf(x, df1, df2, lower.tail = FALSE).
 * This is the p-value of the Knapp-Hartung omnibus test.
 *
 * @param x - statistic (x <= 0 gives 1)
 * @param df1 - numerator degrees of freedom > 0
 * @param df2 - denominator degrees of freedom > 0
 * @returns probability in [0, 1]
 * @example fUpperP(4.964602743730711, 1, 10) // 0.05
 */
export function fUpperP(x: number, df1: number, df2: number): number {
  if (Number.isNaN(x) || Number.isNaN(df1) || Number.isNaN(df2) || df1 <= 0 || df2 <= 0) {
    return Number.NaN;
  }
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  const denom = df2 + df1 * x;
  const u = df2 / denom; // small when x is large
  const w = (df1 * x) / denom; // 1 - u
  if (u < w) return betainc(u, df2 / 2, df1 / 2);
  return betainc(w, df1 / 2, df2 / 2, true, true);
}

/**
 * Lower tail of the F distribution, P(F <= x), as R's pf(x, df1, df2).
 *
 * @param x - statistic
 * @param df1 - numerator degrees of freedom > 0
 * @param df2 - denominator degrees of freedom > 0
 * @returns probability in [0, 1]
 * @example fLowerP(4.964602743730711, 1, 10) // 0.95
 */
export function fLowerP(x: number, df1: number, df2: number): number {
  if (Number.isNaN(x) || Number.isNaN(df1) || Number.isNaN(df2) || df1 <= 0 || df2 <= 0) {
    return Number.NaN;
  }
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  const denom = df2 + df1 * x;
  const u = df2 / denom;
  const w = (df1 * x) / denom;
  if (w < u) return betainc(w, df1 / 2, df2 / 2);
  return betainc(u, df2 / 2, df1 / 2, true, true);
}

/**
 * Quantile of the F distribution, as R's qf(p, df1, df2, lower.tail). Inverts I_w(d1/2, d2/2) with
 * w = d1·x/(d2 + d1·x), passing the probability and its complement so upper tails stay precise.
 *
 * @param p - probability in [0, 1]
 * @param df1 - numerator degrees of freedom > 0
 * @param df2 - denominator degrees of freedom > 0
 * @param lowerTail - true: P(F <= x) = p; false: P(F > x) = p
 * @returns the quantile
 * @example qf(0.95, 1, 10) // 4.964602743730711
 */
export function qf(p: number, df1: number, df2: number, lowerTail = true): number {
  if (Number.isNaN(p) || p < 0 || p > 1 || !(df1 > 0) || !(df2 > 0)) return Number.NaN;
  const lower = lowerTail ? p : 1 - p;
  const upper = lowerTail ? 1 - p : p;
  if (lower === 0) return 0;
  if (upper === 0) return Number.POSITIVE_INFINITY;
  const ws = kernelBetaincinv(df1 / 2, df2 / 2, lower, upper);
  return (df2 * ws[0]!) / (df1 * ws[1]!);
}
