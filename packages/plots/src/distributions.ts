/**
 * The quantiles the plots draw reference lines and regions with, from the statistics engine
 * (statistics live in @pooled/stats only): the normal quantile behind the funnel's
 * pseudo-confidence region and contours and the influence plot's ±1.96 lines, and the chi-square
 * quantile behind the Cook's distance cut-off.
 */
import { qchisq, qnorm } from "@pooled/stats";

/** The p-quantile of the chi-square distribution with `df` degrees of freedom. */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0))
    throw new RangeError(`chiSquareQuantile: p in (0, 1) and df > 0, got p ${p}, df ${df}`);
  return qchisq(p, df);
}

/**
 * The p-quantile of the standard normal distribution, p in (0, 1): a reference line needs a
 * finite value, so p at or outside the bounds is an error, not ±∞.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  // stats' qnorm gives -0 at the median; a drawn coordinate wants 0.
  return qnorm(p) + 0;
}
