/** Log ratio of means (ROM, "response ratio"). */
import type { EffectEstimate } from "./mean-difference.js";

/**
 * Log ratio of means of two arms measured on a ratio scale (both means > 0), as metafor's
 * escalc(measure = "ROM"). With a_j = sd_j²/(n_j·m_j²):
 *
 *   yi = ln(m1/m2) + (a1 − a2)/2     bias-corrected (`correctBias`, default): Lajeunesse (2015),
 *                                    Ecology 96:2056, eq. 8 — metafor 5.0 and later, correct = TRUE
 *   yi = ln(m1/m2)                   not corrected: metafor 3.8 (no `correct` argument) and meta
 *   vi = a1 + a2                     vtype "LS" (default): Hedges, Gurevitch & Curtis (1999),
 *                                    Ecology 80:1150, eq. 1
 *   vi = a1 + a2 + (a1² + a2²)/2     vtype "LS2": the second-order variance of Lajeunesse (2015), eq. 9
 *
 * The correction and the variance are chosen separately, as in metafor (`correct` and `vtype`):
 * metafor 5.1's default is the corrected yi with the "LS" variance; metafor 3.8's the uncorrected
 * yi with the "LS" variance (correctBias = false).
 *
 * @param correctBias - Lajeunesse's correction of yi (default true, metafor 5's default)
 * @param vtype - "LS" (default) or "LS2"
 * @returns log ratio (unitless; exp(yi) is the ratio of means) and its variance
 * @example ratioOfMeans(6.8169, 1.769982, 3, 3.945, 1.115797, 5) // { yi: 0.5501921..., vi: 0.0384715... }
 * @example ratioOfMeans(6.8169, 1.769982, 3, 3.945, 1.115797, 5, false) // { yi: 0.546955..., vi: 0.0384715... }
 */
export function ratioOfMeans(
  m1: number,
  sd1: number,
  n1: number,
  m2: number,
  sd2: number,
  n2: number,
  correctBias = true,
  vtype: "LS" | "LS2" = "LS",
): EffectEstimate {
  const a1 = (sd1 * sd1) / (n1 * m1 * m1);
  const a2 = (sd2 * sd2) / (n2 * m2 * m2);
  const logRatio = Math.log(m1 / m2);
  return {
    yi: correctBias ? logRatio + (a1 - a2) / 2 : logRatio,
    vi: vtype === "LS2" ? a1 + a2 + (a1 * a1 + a2 * a2) / 2 : a1 + a2,
  };
}
