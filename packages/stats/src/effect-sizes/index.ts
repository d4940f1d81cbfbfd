// Public exports of effect-sizes/: escalc and its per-measure formulas, SD conversions, shared controls,
// 2×2 tables and their zero cells.
export type { TwoByTwoStudyEffects } from "./binary-effects.js";
export { twoByTwoStudyEffects } from "./binary-effects.js";
export type {
  ConversionContext,
  MeanSdEstimate,
  MedianSummary,
  SdFromCiOptions,
} from "./conversions.js";
export { meanSdFromMedian, sdFromCi, sdFromSem } from "./conversions.js";
export { fisherZ, rawCorrelation } from "./correlation.js";
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
export type { TwoByTwoTables } from "./tables.js";
export { readTables } from "./tables.js";
export {
  oddsRatio,
  petoOddsRatio,
  riskDifference,
  riskRatio,
  twoByTwoEffect,
} from "./two-by-two.js";
export type {
  EscalcData,
  EscalcOptions,
  EscalcResult,
  EscalcVarianceType,
  MaybeNumber,
  OmittedStudy,
  VarianceType,
  ZeroCellReport,
} from "./types.js";
export type { CorrectedTables, ZeroCellSettings } from "./zero-cells.js";
export {
  correctZeroCells,
  escalcZeroCellDefaults,
  isDoubleZero,
  ZERO_CELL_RULES,
} from "./zero-cells.js";
