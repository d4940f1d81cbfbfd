// Public exports of models/: rma (fixed/random effects, meta-regression) and subgroups.
export { buildDesign, type DesignMatrix, sortedLevels } from "./design.js";
export { type QProfileInput, qProfileIntervals } from "./qprofile.js";
export { rma } from "./rma.js";
export { subgroups } from "./subgroups.js";
export type * from "./types.js";
