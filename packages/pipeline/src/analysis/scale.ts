/**
 * The scale each measure is analysed on, and the way back to the scale a reader expects.
 *
 * Ratios (odds, risk and means ratios) are pooled as natural logs, because their sampling
 * distribution is close to normal there, and read as ratios: exp(). Correlations pooled as Fisher's
 * z (Fisher 1921) are read as correlations: r = tanh(z). Every other measure is read as analysed.
 * This is metafor's `transf = exp` and `transf = transf.ztor` (Viechtbauer 2010).
 */
import type { Measure } from "@pooled/stats";

/** Scale of the analysis: "identity" (read as is), "log" (read as exp) or "fisher-z" (read as tanh). */
export type EffectScale = "identity" | "log" | "fisher-z";

/** Contract: an estimate, its CI and its PI back on the scale readers expect (null when absent). */
export interface TransformedInterval {
  estimate: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  piLower: number | null;
  piUpper: number | null;
}

const LOG_MEASURES: readonly Measure[] = ["OR", "RR", "PETO", "ROM"];

/** The scale a measure is analysed on. */
export function measureScale(measure: Measure): EffectScale {
  if (LOG_MEASURES.includes(measure)) return "log";
  if (measure === "ZCOR") return "fisher-z";
  return "identity";
}

/** One value of the analysis scale on the reader's scale (a ratio, a correlation, or itself). */
export function backTransform(scale: EffectScale, x: number): number {
  if (scale === "log") return Math.exp(x);
  if (scale === "fisher-z") return Math.tanh(x);
  return x;
}

/** The same, for a statistic that may be absent. */
function backTransformOrNull(scale: EffectScale, x: number | null | undefined): number | null {
  if (typeof x !== "number" || !Number.isFinite(x)) return null;
  const y = backTransform(scale, x);
  return Number.isFinite(y) ? y : null;
}

/**
 * An estimate with its intervals on the reader's scale, or null when the measure is read as
 * analysed. The transforms are monotone, so the bounds stay bounds.
 */
export function transformedInterval(
  scale: EffectScale,
  values: {
    estimate: number | null;
    ciLower: number | null;
    ciUpper: number | null;
    piLower?: number | null;
    piUpper?: number | null;
  },
): TransformedInterval | null {
  if (scale === "identity") return null;
  return {
    estimate: backTransformOrNull(scale, values.estimate),
    ciLower: backTransformOrNull(scale, values.ciLower),
    ciUpper: backTransformOrNull(scale, values.ciUpper),
    piLower: backTransformOrNull(scale, values.piLower),
    piUpper: backTransformOrNull(scale, values.piUpper),
  };
}
