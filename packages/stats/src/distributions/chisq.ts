/**
 * Chi-square distribution via the regularized incomplete gamma function:
 * P(X > x) = Q(ν/2, x/2) (Abramowitz & Stegun 26.4.19), evaluated directly in the upper tail.
 */
import gammainc from "@stdlib/math-base-special-gammainc";
import gammaincinv from "@stdlib/math-base-special-gammaincinv";
import gammaln from "@stdlib/math-base-special-gammaln";

/** Newton polishing of the quantile stops when a step changes x by less than this (relative). */
const POLISH_TOLERANCE = 1e-15;
const POLISH_MAX_STEPS = 50;

/**
 * Upper tail of the chi-square distribution, P(X > x), as R's pchisq(x, df, lower.tail = FALSE).
 * This is the p-value of Q tests (heterogeneity Q, omnibus QM).
 *
 * @param x - statistic (x <= 0 gives 1)
 * @param df - degrees of freedom > 0
 * @returns probability in [0, 1]
 * @example chisqUpperP(3.841458820694124, 1) // 0.05
 */
export function chisqUpperP(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return gammainc(x / 2, df / 2, true, true);
}

/**
 * Lower tail of the chi-square distribution, P(X <= x), as R's pchisq(x, df).
 *
 * @param x - statistic
 * @param df - degrees of freedom > 0
 * @returns probability in [0, 1]
 * @example chisqLowerP(3.841458820694124, 1) // 0.95
 */
export function chisqLowerP(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return gammainc(x / 2, df / 2, true, false);
}

/** log of the chi-square density with ν df at x > 0. */
function chisqLogDensity(x: number, df: number): number {
  const a = df / 2;
  return (a - 1) * Math.log(x) - x / 2 - a * Math.LN2 - gammaln(a);
}

/**
 * Quantile of the chi-square distribution, as R's qchisq(p, df, lower.tail): x = 2·P⁻¹(ν/2, p)
 * (or Q⁻¹ for the upper tail). The inverse incomplete gamma function loses accuracy far in the
 * tails (1e-6 relative at p = 1e-40), so the start is polished by Newton's method on the log of the
 * tail probability, log P(x) = log p, using the accurate tails above:
 * x ← x ∓ (log P(x) - log p)·P(x)/f(x), f the density.
 *
 * @param p - probability in [0, 1]
 * @param df - degrees of freedom > 0
 * @param lowerTail - true: P(X <= x) = p; false: P(X > x) = p
 * @returns the quantile
 * @example qchisq(0.95, 1) // 3.841458820694124
 */
export function qchisq(p: number, df: number, lowerTail = true): number {
  if (Number.isNaN(p) || Number.isNaN(df) || p < 0 || p > 1 || df <= 0) return Number.NaN;
  const atZero = lowerTail ? p === 0 : p === 1;
  const atInfinity = lowerTail ? p === 1 : p === 0;
  if (atZero) return 0;
  if (atInfinity) return Number.POSITIVE_INFINITY;
  let x = 2 * gammaincinv(p, df / 2, !lowerTail);
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const logP = Math.log(p);
  for (let step = 0; step < POLISH_MAX_STEPS; step++) {
    const tail = lowerTail ? chisqLowerP(x, df) : chisqUpperP(x, df);
    if (!(tail > 0)) break;
    // d/dx log P(x) = f(x)/P(x) for the lower tail, -f(x)/Q(x) for the upper tail
    const ratio = Math.exp(chisqLogDensity(x, df) - Math.log(tail));
    let delta = (Math.log(tail) - logP) / ratio;
    if (!lowerTail) delta = -delta;
    let next = x - delta;
    if (next <= 0) next = x / 2; // keep inside the support
    const change = Math.abs(next - x);
    x = next;
    if (change <= POLISH_TOLERANCE * x) break;
  }
  return x;
}
