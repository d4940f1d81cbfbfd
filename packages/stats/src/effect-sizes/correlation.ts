/** Correlation coefficients as effect sizes: Fisher's z (ZCOR) and raw r (COR), as metafor's escalc. */
import type { CorrelationMeasure } from "../types.js";
import type { EffectEstimate } from "./mean-difference.js";
import type { EscalcData, EscalcResult } from "./types.js";
import { InputProblems, readColumn, resolveLabels, studyCount } from "./validate.js";

/**
 * Fisher's r-to-z transformation and its variance (Fisher 1921, Metron 1:3):
 *
 *   yi = atanh(r) = ½·ln((1 + r)/(1 − r)),   vi = 1/(n − 3)
 *
 * The variance does not depend on r, which is why z is pooled rather than r; tanh back-transforms.
 *
 * @param r - correlation, −1 < r < 1
 * @param n - sample size, n > 3
 * @example fisherZ(0.187, 109) // { yi: 0.189227..., vi: 0.009433962... }
 */
export function fisherZ(r: number, n: number): EffectEstimate {
  return { yi: 0.5 * Math.log((1 + r) / (1 - r)), vi: 1 / (n - 3) };
}

/**
 * Raw correlation with its large-sample variance, metafor's vtype "LS" (Pearson & Filon 1898;
 * Borenstein et al. 2009, Introduction to Meta-Analysis, ch. 6):
 *
 *   yi = r,   vi = (1 − r²)²/(n − 1)
 *
 * @param r - correlation, −1 < r < 1
 * @param n - sample size, n > 3 (metafor leaves vi undefined for n <= 3)
 * @example rawCorrelation(0.187, 109) // { yi: 0.187, vi: 0.008623007... }
 */
export function rawCorrelation(r: number, n: number): EffectEstimate {
  const oneMinusR2 = 1 - r * r;
  return { yi: r, vi: (oneMinusR2 * oneMinusR2) / (n - 1) };
}

/**
 * escalc for ZCOR and COR: reads ri and ni, every bad value reported by study and field (r outside
 * (−1, 1), ni <= 3, missing or non-finite values).
 *
 * @throws PooledInputErrors naming every bad value
 */
export function escalcCorrelation(measure: CorrelationMeasure, data: EscalcData): EscalcResult {
  const k = studyCount(data, ["ri", "ni"]);
  const labels = resolveLabels(data.labels, k);
  const problems = new InputProblems(labels);
  const why = `needed for ${measure}`;
  const ri = readColumn(data, "ri", k, "correlation", problems, why);
  const ni = readColumn(data, "ni", k, "correlationN", problems, why);
  problems.throwIfAny();
  const formula = measure === "ZCOR" ? fisherZ : rawCorrelation;
  const yi = new Array<number>(k);
  const vi = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const est = formula(ri[i]!, ni[i]!);
    yi[i] = est.yi;
    vi[i] = est.vi;
  }
  return {
    measure,
    yi,
    vi,
    labels,
    indices: Array.from({ length: k }, (_, i) => i),
    omitted: [],
    options: { vtype: "LS", correctBias: false },
    notes: [
      measure === "ZCOR"
        ? "ZCOR: Fisher's z = atanh(r), variance 1/(ni − 3) (Fisher 1921); tanh(z) gives back the correlation."
        : "COR: raw correlation r, variance (1 − r²)²/(ni − 1) (metafor's vtype LS).",
    ],
  };
}
