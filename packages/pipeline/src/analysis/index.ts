// Public exports of analysis/: the whole analysis of a study table as one JSON-able object.

/** Most permutations or bootstrap replicates a run may ask for (checked by the engine). */
export { MAX_RESAMPLES } from "@pooled/stats";
export type { PreparedAnalysis } from "./analyze.js";
export { analyze, prepareAnalysis, riskOfBiasSummary } from "./analyze.js";
export type { AnalysisColumn, ClusterColumn, ColumnValues } from "./columns.js";
export { AnalysisInputError, analysisColumn, clusterColumn, readColumn } from "./columns.js";
export { MULTILEVEL_METHODS } from "./dependence.js";
export { escalcData } from "./effect-sizes.js";
export { GOSH_SAMPLE_POINTS } from "./gosh-stage.js";
export {
  analyzeAsync,
  BOOTSTRAP_REPLICATES,
  bootstrapResult,
  fewReplicatesWarning,
} from "./resampling.js";
export { backTransform, measureScale, transformedInterval } from "./scale.js";
export {
  MAX_STUDIES_LEAVE_ONE_OUT,
  MAX_STUDIES_REFITS,
  MIN_STUDIES_SENSITIVITY,
} from "./sensitivity.js";
export { ANALYSIS_MODELS, EGGER_PREDICTORS, resolveSettings } from "./settings.js";
export { type SideAnalyses, statsSideAnalyses } from "./side-analyses.js";
export type * from "./types.js";
export { TABLE_METHODS } from "./types.js";
