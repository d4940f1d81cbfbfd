/** Log ratio of means (ROM, "response ratio"). */
import type { EffectEstimate } from "./mean-difference.js";

/**
 * Log ratio of means of two arms measured on a ratio scale (both means > 0), as metafor's
 * escalc(measure = "ROM") with its default vtype "LS" (Hedges, Gurevitch & Curtis 1999, Ecology
 * 80:1150, eqs. 1 and 9):
 *
 *   yi = ln(m1/m2),   vi = sd1²/(n1·m1²) + sd2²/(n2·m2²)
 *
 * With `correctBias`, the second-order (delta-method) bias correction of Lajeunesse (2015),
 * Ecology 96:2056, eqs. 8 and 9, with a_j = sd_j²/(n_j·m_j²):
 *
 *   yi = ln(m1/m2) + (a1 − a2)/2,   vi = a1 + a2 + (a1² + a2²)/2
 *
 * Not corrected by default, as metafor 3.8 and meta.
 *
 * @returns log ratio (unitless; exp(yi) is the ratio of means) and its variance
 * @example ratioOfMeans(6.8169, 1.769982, 3, 3.945, 1.115797, 5) // { yi: 0.546955..., vi: 0.0384715... }
 */
export function ratioOfMeans(
  m1: number,
  sd1: number,
  n1: number,
  m2: number,
  sd2: number,
  n2: number,
  correctBias = false,
): EffectEstimate {
  const a1 = (sd1 * sd1) / (n1 * m1 * m1);
  const a2 = (sd2 * sd2) / (n2 * m2 * m2);
  const logRatio = Math.log(m1 / m2);
  if (!correctBias) return { yi: logRatio, vi: a1 + a2 };
  return { yi: logRatio + (a1 - a2) / 2, vi: a1 + a2 + (a1 * a1 + a2 * a2) / 2 };
}
