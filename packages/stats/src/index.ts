/**
 * @pooled/stats — the statistics engine of Pooled.
 * Effect sizes, fixed and random-effects models, Mantel-Haenszel and Peto pooling of 2×2 tables,
 * subgroups, meta-regression, resampling, sensitivity analyses and small-study tests, matching R's
 * metafor.
 */

export * from "./bias/index.js";
export * from "./defaults.js";
export * from "./diagnostics/index.js";
export * from "./distributions/index.js";
export * from "./effect-sizes/index.js";
export * from "./errors.js";
export * from "./inference/index.js";
export * from "./models/binary/index.js";
export * from "./models/index.js";
export * from "./multilevel/index.js";
export * from "./robust/index.js";
export * from "./types.js";
