/** Normalised mean difference (NMD) of preclinical reviews (CAMARADES). */
import type { EffectEstimate } from "./mean-difference.js";

/**
 * Normalised mean difference: the treatment effect as a percentage of the injury, i.e. of the
 * distance between the control (lesioned, untreated) mean and the sham (or normal animal) mean.
 * Vesterinen et al. (2014), J Neurosci Methods 221:92, section 2.4 ("normalised mean difference"):
 *
 *   NMD   = 100 · (mC − mT) / (mC − mS)
 *   SD*_x = 100 · SD_x / |mC − mS|          (x = T, C)
 *   vi    = SD*_T²/nT + SD*_C²/nC
 *
 * Orientation: the sign of (mC − mS) carries the direction of the injury, so NMD > 0 means the
 * treatment moved the outcome back toward the sham value (an improvement) whether the lesion
 * raises the outcome (infarct volume) or lowers it (a motor score); 100 means full recovery.
 * The absolute value keeps SD* positive. Undefined when mC = mS (no injury to normalise by).
 *
 * @param mT - treatment mean
 * @param sdT - treatment SD
 * @param nT - treatment arm size
 * @param mC - control (untreated injured) mean
 * @param sdC - control SD
 * @param nC - control arm size
 * @param mS - sham-operated or normal animal mean (0 for outcomes such as infarct volume)
 * @returns NMD in percent and its variance (percent²)
 * @example normalisedMeanDifference(14.2, 3.1, 10, 8.5, 2.9, 10, 20) // { yi: 49.5652..., vi: 136.257... }
 */
export function normalisedMeanDifference(
  mT: number,
  sdT: number,
  nT: number,
  mC: number,
  sdC: number,
  nC: number,
  mS: number,
): EffectEstimate {
  const injury = mC - mS;
  const sdStarT = (100 * sdT) / Math.abs(injury);
  const sdStarC = (100 * sdC) / Math.abs(injury);
  return {
    yi: (100 * (mC - mT)) / injury,
    vi: (sdStarT * sdStarT) / nT + (sdStarC * sdStarC) / nC,
  };
}
