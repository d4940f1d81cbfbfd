// Public exports of bias/: small-study effects and publication bias (metafor's regtest, ranktest,
// trimfill, radial, fsn; PET-PEESE).
export { type BeggResult, begg } from "./begg.js";
export type { CheckedStudies, StudyData } from "./data.js";
export {
  type EggerOptions,
  type EggerPredictor,
  type EggerResult,
  egger,
  MD_BASELINE_NOTE,
  SMD_PREDICTOR_NOTE,
} from "./egger.js";
export { ConstantPredictorError, MissingSampleSizesError } from "./errors.js";
export {
  type FailSafeOptions,
  type FailSafeResult,
  type FailSafeType,
  failSafeN,
} from "./fail-safe.js";
export { KENDALL_EXACT_MAX_N, type KendallResult, kendallTau } from "./kendall.js";
export {
  type PetPeeseOptions,
  type PetPeeseResult,
  type PrecisionEffectFit,
  petPeese,
} from "./pet-peese.js";
export {
  type GalbraithOptions,
  type GalbraithPoint,
  type GalbraithResult,
  galbraith,
} from "./radial.js";
export { type SmallStudyEffects, smallStudyEffects } from "./summary.js";
export {
  type FilledStudy,
  type TrimFillOptions,
  type TrimFillResult,
  trimFill,
} from "./trim-fill.js";
