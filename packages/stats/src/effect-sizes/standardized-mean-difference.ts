/**
 * Standardised mean differences: Hedges' g (SMD) with three variance estimators, and Bonett's
 * heteroscedastic SMD (SMDH).
 */
import gammaln from "@stdlib/math-base-special-gammaln";
import type { EffectEstimate } from "./mean-difference.js";
import type { VarianceType } from "./types.js";

/**
 * Exact small-sample correction factor of Hedges' g for m degrees of freedom:
 *
 *   c(m) = Γ(m/2) / (√(m/2) · Γ((m − 1)/2)) = exp(lnΓ(m/2) − ln√(m/2) − lnΓ((m − 1)/2))
 *
 * Hedges (1981), J Educ Stat 6:107, eq. 6e; computed on the log scale as metafor's `.cmicalc`.
 * Defined for m > 1 (NaN otherwise). c(m) ≈ 1 − 3/(4m − 1) for large m.
 *
 * @param m - degrees of freedom (n1 + n2 − 2 for the two-arm SMD)
 * @returns c(m) in (0, 1)
 * @example hedgesCorrection(10) // 0.92274560...
 */
export function hedgesCorrection(m: number): number {
  if (!(m > 1)) return Number.NaN;
  return Math.exp(gammaln(m / 2) - Math.log(Math.sqrt(m / 2)) - gammaln((m - 1) / 2));
}

/**
 * Pooled within-arm standard deviation with (n − 1) weights:
 * s = √(((n1 − 1)sd1² + (n2 − 1)sd2²) / (n1 + n2 − 2)). Hedges (1981), eq. 2.
 *
 * @example pooledSd(47, 155, 64, 156) // 56.174312...
 */
export function pooledSd(sd1: number, n1: number, sd2: number, n2: number): number {
  return Math.sqrt(((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / (n1 + n2 - 2));
}

/**
 * Standardised mean difference, Hedges' g, as metafor's escalc(measure = "SMD"):
 *
 *   m = n1 + n2 − 2,  d = (m1 − m2)/s (s = {@link pooledSd}),  g = c(m)·d  ({@link hedgesCorrection})
 *   "LS" (default):  vi = 1/n1 + 1/n2 + g²/(2(n1 + n2))                    (Hedges 1981, eq. 8b)
 *   "UB":            vi = 1/n1 + 1/n2 + (1 − (m − 2)/(m·c(m)²))·g²          (Hedges 1983, Psychol Bull 93:388)
 *   "RevMan":        g = d·(1 − 3/(4N − 9)),  vi = N/(n1 n2) + g²/(2(N − 3.94)),  N = n1 + n2
 *                    (Deeks & Higgins 2010, Statistical algorithms in Review Manager 5, §"Standardised mean difference")
 *
 * @param m1 - treatment mean
 * @param sd1 - treatment SD
 * @param n1 - treatment arm size
 * @param m2 - control mean
 * @param sd2 - control SD
 * @param n2 - control arm size
 * @param vtype - variance estimator (default "LS")
 * @returns g (in SD units) and its sampling variance
 * @example standardizedMeanDifference(55, 47, 155, 75, 64, 156) // { yi: -0.355169..., vi: 0.0130646... }
 */
export function standardizedMeanDifference(
  m1: number,
  sd1: number,
  n1: number,
  m2: number,
  sd2: number,
  n2: number,
  vtype: VarianceType = "LS",
): EffectEstimate {
  const N = n1 + n2;
  const m = N - 2;
  const d = (m1 - m2) / pooledSd(sd1, n1, sd2, n2);
  if (vtype === "RevMan") {
    // RevMan's approximate correction, not the exact c(m): the point estimate differs slightly.
    const g = d * (1 - 3 / (4 * N - 9));
    return { yi: g, vi: N / (n1 * n2) + (g * g) / (2 * (N - 3.94)) };
  }
  const c = hedgesCorrection(m);
  const g = c * d;
  if (vtype === "UB") {
    return { yi: g, vi: 1 / n1 + 1 / n2 + (1 - (m - 2) / (m * c * c)) * g * g };
  }
  return { yi: g, vi: 1 / n1 + 1 / n2 + (g * g) / (2 * N) };
}

/**
 * Bonett's standardised mean difference for heteroscedastic arms, as metafor's
 * escalc(measure = "SMDH"): the difference is standardised by the root mean of the two variances
 * rather than a pooled SD, and carries the Hedges correction c(m), m = n1 + n2 − 2
 * ({@link hedgesCorrection}; metafor applies it although Bonett does not):
 *
 *   s* = √((sd1² + sd2²)/2),   yi = c(m)·(m1 − m2)/s*
 *   V  = yi²·(sd1⁴/(n1 − 1) + sd2⁴/(n2 − 1)) / (8·s*⁴) + (sd1²/(n1 − 1) + sd2²/(n2 − 1)) / s*²
 *
 * V is Bonett's large-sample variance (Bonett 2008, Psychol Methods 13:99, eq. 8; Bonett 2009,
 * Psychol Methods 14:225, eq. 5 — the equation numbers metafor's source cites) with the corrected
 * yi plugged in where Bonett has the uncorrected d. The sampling variance is
 *
 *   vi = V                 metafor 4.6 and later (5.1's escalc, vtype "LS"): the default
 *   vi = c(m)²·V           metafor before 4.6 (e.g. 3.8.1): `legacyVariance`
 *
 * metafor 4.6 dropped the factor c(m)² "for consistency" with the SMD's vtype "LS", which also
 * plugs the corrected g into the large-sample variance without rescaling it (NEWS of 4.6-0). On
 * dat.normand1999's first study, vi = 0.0131548 (5.1) against 0.0130909 (3.8.1). metafor 5.1's
 * other SMDH variances (vtype "LS2", "LS3") are not offered.
 *
 * @param legacyVariance - metafor 3.8's vi = c(m)²·V instead of 5.1's V (default false)
 * @example standardizedMeanDifferenceHetero(55, 47, 155, 75, 64, 156) // { yi: -0.355341..., vi: 0.0131548... }
 * @example standardizedMeanDifferenceHetero(55, 47, 155, 75, 64, 156, true) // { yi: -0.355341..., vi: 0.0130909... }
 */
export function standardizedMeanDifferenceHetero(
  m1: number,
  sd1: number,
  n1: number,
  m2: number,
  sd2: number,
  n2: number,
  legacyVariance = false,
): EffectEstimate {
  const c = hedgesCorrection(n1 + n2 - 2);
  const var1 = sd1 * sd1;
  const var2 = sd2 * sd2;
  const sumVar = var1 + var2;
  const yi = (c * (m1 - m2)) / Math.sqrt(sumVar / 2);
  // 8·s*⁴ = 2(sd1² + sd2²)², s*² = (sd1² + sd2²)/2.
  const v =
    (yi * yi * ((var1 * var1) / (n1 - 1) + (var2 * var2) / (n2 - 1))) / (2 * sumVar * sumVar) +
    (var1 / (n1 - 1) + var2 / (n2 - 1)) / (sumVar / 2);
  return { yi, vi: legacyVariance ? c * c * v : v };
}
