// Public exports of models/: rma (fixed/random effects, meta-regression), predict and subgroups.
export { buildDesign, type DesignMatrix, sortedLevels } from "./design.js";
export { linearPredictions, predict } from "./predict.js";
export { type QProfileInput, qProfileIntervals } from "./qprofile.js";
export { rma } from "./rma.js";
export { subgroups } from "./subgroups.js";
export { type Tau2StandardErrorInput, tau2StandardError } from "./tau2-standard-error.js";
export type * from "./types.js";
