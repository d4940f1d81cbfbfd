/**
 * Student's t distribution via the regularized incomplete beta function (Abramowitz & Stegun
 * 26.7.1): P(|T| >= t) = I_{ν/(ν+t²)}(ν/2, 1/2) = 1 - I_{t²/(ν+t²)}(1/2, ν/2). Whichever argument
 * is small is used, so neither tail suffers cancellation.
 */
import betainc from "@stdlib/math-base-special-betainc";
import kernelBetaincinv from "@stdlib/math-base-special-kernel-betaincinv";
import { normalTwoSidedP, normalUpperP, qnorm } from "./normal.js";

/**
 * Two-sided p-value of a t statistic with ν degrees of freedom, P(|T| >= |t|), as R's
 * 2*pt(abs(t), df, lower.tail = FALSE). ν = Infinity gives the normal p-value.
 *
 * @param t - test statistic
 * @param df - degrees of freedom ν > 0
 * @returns p-value in [0, 1] (NaN for invalid df)
 * @example tTwoSidedP(2.2281388519649385, 10) // 0.05
 */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalTwoSidedP(t);
  const t2 = t * t;
  if (t2 === Number.POSITIVE_INFINITY) return 0;
  const denom = df + t2;
  const x = df / denom; // argument of the tail form
  const y = t2 / denom; // 1 - x, computed without cancellation
  if (x < y) return betainc(x, df / 2, 0.5);
  return betainc(y, 0.5, df / 2, true, true);
}

/**
 * Upper tail of the t distribution, P(T > t), as R's pt(t, df, lower.tail = FALSE).
 *
 * @param t - quantile
 * @param df - degrees of freedom ν > 0
 * @returns probability in [0, 1]
 * @example tUpperP(2.2281388519649385, 10) // 0.025
 */
export function tUpperP(t: number, df: number): number {
  if (df === Number.POSITIVE_INFINITY) return normalUpperP(t);
  const half = 0.5 * tTwoSidedP(t, df);
  return t >= 0 ? half : 1 - half;
}

/**
 * Lower tail of the t distribution, P(T <= t), as R's pt(t, df).
 *
 * @param t - quantile
 * @param df - degrees of freedom ν > 0
 * @returns probability in [0, 1]
 * @example tLowerP(-2.2281388519649385, 10) // 0.025
 */
export function tLowerP(t: number, df: number): number {
  return tUpperP(-t, df);
}

/**
 * Quantile of the t distribution, as R's qt(p, df, lower.tail). Inverts the incomplete beta function
 * with both p and its complement given exactly, so small tail probabilities stay precise.
 *
 * @param p - probability in [0, 1]
 * @param df - degrees of freedom ν > 0 (Infinity gives the normal quantile)
 * @param lowerTail - true: P(T <= t) = p; false: P(T > t) = p
 * @returns the quantile
 * @example qt(0.975, 10) // 2.2281388519649385
 */
export function qt(p: number, df: number, lowerTail = true): number {
  if (Number.isNaN(p) || Number.isNaN(df) || p < 0 || p > 1 || df <= 0) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return qnorm(p, lowerTail);
  const lower = lowerTail ? p : 1 - p;
  // Probability of the smaller tail (symmetry lets either tail's p be used as given).
  const tail = p <= 0.5 ? p : 1 - p;
  if (tail === 0) return lower < 0.5 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (tail === 0.5) return 0;
  // Two-sided probability 2·tail = I_x(ν/2, 1/2) with x = ν/(ν+t²); the kernel returns x and 1-x.
  const xs = kernelBetaincinv(df / 2, 0.5, 2 * tail, 1 - 2 * tail);
  const magnitude = Math.sqrt((df * xs[1]!) / xs[0]!);
  const upperSide = lowerTail ? p > 0.5 : p < 0.5;
  return upperSide ? magnitude : -magnitude;
}
