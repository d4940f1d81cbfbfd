/**
 * Standard normal distribution: tail probabilities and quantiles that stay accurate far in the
 * tails. Tails go through the complementary error function, never through 1 - Φ(z), so that
 * P(Z > 13.3) ≈ 1.1e-40 comes out right instead of 0.
 */
import erfc from "@stdlib/math-base-special-erfc";
import erfcinv from "@stdlib/math-base-special-erfcinv";

const SQRT2 = Math.SQRT2;

/**
 * Lower tail of the standard normal, Φ(z) = P(Z <= z) = erfc(-z/√2)/2.
 *
 * @param z - quantile
 * @returns probability in [0, 1]
 * @example normalLowerP(-1.959963984540054) // 0.025
 */
export function normalLowerP(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/**
 * Upper tail of the standard normal, P(Z > z) = erfc(z/√2)/2.
 *
 * @param z - quantile
 * @returns probability in [0, 1]
 * @example normalUpperP(13.3) // 1.1e-40 (not 0)
 */
export function normalUpperP(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

/**
 * Two-sided p-value of a z statistic, P(|Z| >= |z|) = erfc(|z|/√2), as R's 2*pnorm(-abs(z)).
 *
 * @param z - test statistic
 * @returns p-value in [0, 1]
 * @example normalTwoSidedP(1.959963984540054) // 0.05
 */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return erfc(Math.abs(z) / SQRT2);
}

/**
 * Quantile of the standard normal, as R's qnorm(p, lower.tail). Uses z = -√2·erfcinv(2p) so small
 * tail probabilities (1e-300) keep full relative precision.
 *
 * @param p - probability in [0, 1]
 * @param lowerTail - true: P(Z <= z) = p; false: P(Z > z) = p
 * @returns the quantile (±Infinity at 0 and 1, NaN outside [0, 1])
 * @example qnorm(0.975) // 1.959963984540054
 */
export function qnorm(p: number, lowerTail = true): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  const z = SQRT2 * erfcinv(2 * p);
  return lowerTail ? -z : z;
}
