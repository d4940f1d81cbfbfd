// Public exports of diagnostics/: sensitivity analyses (metafor's leave1out, influence, cumul,
// baujat, gosh) and the single refit loop they share.
export { type BaujatPoint, type BaujatResult, baujat } from "./baujat.js";
export {
  type CumulativeOptions,
  type CumulativeResult,
  type CumulativeRow,
  cumulative,
} from "./cumulative.js";
export {
  GOSH_BLOCK_SIZE,
  GOSH_DEFAULT_SUBSETS,
  type GoshMembership,
  type GoshOptions,
  type GoshResult,
  type GoshSummary,
  gosh,
  goshSubset,
  MAX_GOSH_SUBSETS,
} from "./gosh.js";
export { type InfluenceResult, type InfluenceRow, influence } from "./influence.js";
export { type LeaveOneOutResult, type LeaveOneOutRow, leaveOneOut } from "./leave-one-out.js";
export {
  type RefitFailure,
  type RefitFit,
  type RefitOptions,
  refitSubsets,
  type SubsetPlan,
} from "./refit.js";
