/** Raw mean difference (MD) of two independent arms. */

/** One study's effect size and sampling variance. */
export interface EffectEstimate {
  yi: number;
  vi: number;
}

/**
 * Mean difference with the unpooled (heteroscedastic) sampling variance, as metafor's
 * escalc(measure = "MD") and meta (Stata pools the SDs by default; Pooled does not).
 *
 *   yi = m1 − m2,   vi = sd1²/n1 + sd2²/n2
 *
 * Reference: Borenstein et al. (2009), Introduction to Meta-Analysis, eqs. 4.1 and 4.3 (unequal
 * variances form). Inputs are assumed valid (n >= 2, sd > 0); {@link escalc} checks them.
 *
 * @param m1 - treatment mean
 * @param sd1 - treatment standard deviation
 * @param n1 - treatment arm size
 * @param m2 - control mean
 * @param sd2 - control standard deviation
 * @param n2 - control arm size
 * @returns yi (units of the outcome) and vi (squared units)
 * @example meanDifference(55, 47, 155, 75, 64, 156) // { yi: -20, vi: 40.508023159636... }
 */
export function meanDifference(
  m1: number,
  sd1: number,
  n1: number,
  m2: number,
  sd2: number,
  n2: number,
): EffectEstimate {
  return { yi: m1 - m2, vi: (sd1 * sd1) / n1 + (sd2 * sd2) / n2 };
}
