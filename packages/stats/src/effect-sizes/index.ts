// Public exports of effect-sizes/: escalc and its per-measure formulas, SD conversions, shared controls.
export type {
  ConversionContext,
  MeanSdEstimate,
  MedianSummary,
  SdFromCiOptions,
} from "./conversions.js";
export { meanSdFromMedian, sdFromCi, sdFromSem } from "./conversions.js";
export { escalc } from "./escalc.js";
export type { EffectEstimate } from "./mean-difference.js";
export { meanDifference } from "./mean-difference.js";
export { normalisedMeanDifference } from "./normalised-mean-difference.js";
export { ratioOfMeans } from "./ratio-of-means.js";
export type { SharedControlResult, SharedControlSplit } from "./shared-controls.js";
export { splitSharedControls } from "./shared-controls.js";
export {
  hedgesCorrection,
  pooledSd,
  standardizedMeanDifference,
  standardizedMeanDifferenceHetero,
} from "./standardized-mean-difference.js";
export type {
  EscalcData,
  EscalcOptions,
  EscalcResult,
  MaybeNumber,
  VarianceType,
} from "./types.js";
