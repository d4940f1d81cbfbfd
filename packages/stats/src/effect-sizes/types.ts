/** Input, option and result types of {@link escalc} and the helpers around it. */
import type { Measure } from "../types.js";

/** A value as it may arrive from a spreadsheet: a number, or missing (null / undefined). */
export type MaybeNumber = number | null | undefined;

/**
 * Per-study data in columns, one entry per comparison (metafor's argument names). Group 1 is the
 * treatment arm, group 2 the control arm. Which columns are needed depends on the measure:
 *
 * | measure              | columns                                         |
 * | -------------------- | ----------------------------------------------- |
 * | MD, SMD, SMDH, ROM   | m1i, sd1i, n1i, m2i, sd2i, n2i                  |
 * | NMD                  | the six above and msi (sham / normal mean)      |
 * | GEN                  | yi and, per study, vi or sei                    |
 */
export interface EscalcData {
  /** Study labels used in messages and results (default "Study 1", "Study 2", ...). */
  labels?: readonly string[];
  /** Treatment arm mean. */
  m1i?: readonly MaybeNumber[];
  /** Treatment arm standard deviation (not the SEM: see {@link sdFromSem}). */
  sd1i?: readonly MaybeNumber[];
  /** Treatment arm size. */
  n1i?: readonly MaybeNumber[];
  /** Control arm mean. */
  m2i?: readonly MaybeNumber[];
  /** Control arm standard deviation. */
  sd2i?: readonly MaybeNumber[];
  /** Control arm size (possibly fractional after {@link splitSharedControls}). */
  n2i?: readonly MaybeNumber[];
  /** Sham-operated (or normal, unlesioned) animal mean, for NMD. */
  msi?: readonly MaybeNumber[];
  /** Given effect sizes, for GEN. */
  yi?: readonly MaybeNumber[];
  /** Given sampling variances, for GEN. */
  vi?: readonly MaybeNumber[];
  /** Given standard errors, for GEN (vi = sei²). */
  sei?: readonly MaybeNumber[];
}

/**
 * Sampling-variance estimator of the SMD:
 * - "LS": large-sample approximation (metafor's default; Hedges 1981),
 * - "UB": unbiased estimator (metafor vtype "UB"; meta's default),
 * - "RevMan": the Review Manager 5 approximation (Deeks & Higgins 2010), which also uses RevMan's
 *   approximate correction J = 1 - 3/(4N - 9) for g.
 * MD and SMDH accept "LS" only ("UB" is the same formula for MD, as in metafor).
 */
export type VarianceType = "LS" | "UB" | "RevMan";

export interface EscalcOptions {
  /** Variance estimator (default "LS", as metafor). */
  vtype?: VarianceType;
  /**
   * Small-sample bias correction. ROM: the Lajeunesse (2015) correction of the log ratio and its
   * variance (default false, as metafor 3.8 and meta). SMD and SMDH are always Hedges-corrected
   * (metafor has no uncorrected option); passing false for them is an input error.
   */
  correctBias?: boolean;
}

/** Result of {@link escalc}: plain arrays, one entry per study, in input order. */
export interface EscalcResult {
  measure: Measure;
  /** Effect sizes. */
  yi: number[];
  /** Sampling variances. */
  vi: number[];
  /** Study labels (given, or "Study i"). */
  labels: string[];
  /** The options as applied (defaults filled in). */
  options: { vtype: VarianceType; correctBias: boolean };
  /** Plain-language notes for reports: which formula, direction, anything done to the data. */
  notes: string[];
}
