/** Public types of the statistics engine. Results are plain, JSON-able objects (no classes, no NaN hidden). */

/**
 * Effect-size measures (shared/METHODS.md, "Effect sizes"): continuous outcomes (MD, SMD, SMDH, ROM,
 * NMD), given effects (GEN), 2×2 tables (OR, RR: log scale; RD; PETO: Peto's log odds ratio) and
 * correlations (ZCOR: Fisher's z; COR: raw r).
 */
export type Measure =
  | "MD"
  | "SMD"
  | "SMDH"
  | "ROM"
  | "NMD"
  | "GEN"
  | "OR"
  | "RR"
  | "RD"
  | "PETO"
  | "ZCOR"
  | "COR";

/** Measures computed from 2×2 tables (events and non-events in two arms). */
export type BinaryMeasure = "OR" | "RR" | "RD" | "PETO";

/** Measures computed from correlations and sample sizes. */
export type CorrelationMeasure = "ZCOR" | "COR";

/**
 * metafor's rule for adding `add` to the cells of 2×2 tables (escalc's `to`): "only0" (default)
 * to every cell of the tables with a zero cell, "all" to every table, "if0all" to every table when
 * any has a zero cell, "none" never.
 */
export type ZeroCellRule = "only0" | "all" | "if0all" | "none";

/** tau² estimators for random-effects models (metafor names). */
export type Tau2Method = "DL" | "HE" | "HS" | "SJ" | "ML" | "REML" | "EB" | "PM";

/** "FE" is the fixed (common) effect model; every other value is a random-effects model. */
export type Method = "FE" | Tau2Method;

/** Test statistic for coefficients: normal z, or Knapp-Hartung t / F. */
export type TestType = "z" | "knha";

/** Which implementation of the kernels runs: WebAssembly (default) or the plain-TS reference. */
export type BackendName = "wasm" | "js";

/** One moderator column. Numbers are continuous; strings are categorical (dummy-coded). */
export type Moderator =
  | { name: string; type?: "continuous"; values: ArrayLike<number> }
  | { name: string; type: "categorical"; values: ArrayLike<string> };

/** One coefficient of a (meta-regression) model. */
export interface Coefficient {
  /** "intrcpt" for the intercept, the moderator name, or "name:level" for a dummy. */
  name: string;
  estimate: number;
  se: number;
  /** z (test "z") or t (test "knha") statistic. */
  statistic: number;
  p: number;
  ciLower: number;
  ciUpper: number;
}

/** A confidence interval with its bounds; bounds are null when they do not exist. */
export interface Interval {
  estimate: number;
  lower: number | null;
  upper: number | null;
}
