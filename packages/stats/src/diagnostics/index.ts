// Public exports of diagnostics/: sensitivity analyses (metafor's leave1out, influence, cumul,
// baujat) and the single refit loop they share.
export { type BaujatPoint, type BaujatResult, baujat } from "./baujat.js";
export {
  type CumulativeOptions,
  type CumulativeResult,
  type CumulativeRow,
  cumulative,
} from "./cumulative.js";
export { type InfluenceResult, type InfluenceRow, influence } from "./influence.js";
export { type LeaveOneOutResult, type LeaveOneOutRow, leaveOneOut } from "./leave-one-out.js";
export {
  type RefitFailure,
  type RefitFit,
  type RefitOptions,
  refitSubsets,
  type SubsetPlan,
} from "./refit.js";
