/**
 * @pooled/stats — the statistics engine of Pooled.
 * Effect sizes, fixed and random-effects models, subgroups, meta-regression, resampling,
 * sensitivity analyses and small-study tests, matching R's metafor.
 */
export * from "./errors.js";
export * from "./defaults.js";
export * from "./types.js";
export * from "./distributions/index.js";
export * from "./effect-sizes/index.js";
export * from "./models/index.js";
export * from "./inference/index.js";
export * from "./diagnostics/index.js";
export * from "./bias/index.js";
