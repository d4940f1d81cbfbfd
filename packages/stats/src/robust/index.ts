// Public exports of robust/: CR2 cluster-robust inference (Satterthwaite t tests, HTZ Wald test).
export { robustCR2 } from "./cr2.js";
export type { RobustCoefficient, RobustInput, RobustResult, RobustWaldTest } from "./types.js";
export { MAX_CLUSTER_SIZE } from "./validate.js";
