/** Input, option and result types of {@link escalc} and the helpers around it. */
import type { Measure, ZeroCellRule } from "../types.js";

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
 * | OR, RR, RD, PETO     | ai, ci and, per arm, bi or n1i (di or n2i)      |
 * | ZCOR, COR            | ri, ni                                          |
 *
 * The 2×2 table of a study (metafor's notation):
 *
 * |           | events | non-events | total |
 * | --------- | ------ | ---------- | ----- |
 * | treatment | ai     | bi         | n1i   |
 * | control   | ci     | di         | n2i   |
 */
export interface EscalcData {
  /** Study labels used in messages and results (default "Study 1", "Study 2", ...). */
  labels?: readonly string[];
  /** Treatment arm mean. */
  m1i?: readonly MaybeNumber[];
  /** Treatment arm standard deviation (not the SEM: see {@link sdFromSem}). */
  sd1i?: readonly MaybeNumber[];
  /** Treatment arm size (for 2×2 tables: ai + bi). */
  n1i?: readonly MaybeNumber[];
  /** Control arm mean. */
  m2i?: readonly MaybeNumber[];
  /** Control arm standard deviation. */
  sd2i?: readonly MaybeNumber[];
  /** Control arm size (possibly fractional after {@link splitSharedControls}; for 2×2 tables: ci + di). */
  n2i?: readonly MaybeNumber[];
  /** Sham-operated (or normal, unlesioned) animal mean, for NMD. */
  msi?: readonly MaybeNumber[];
  /** Given effect sizes, for GEN. */
  yi?: readonly MaybeNumber[];
  /** Given sampling variances, for GEN. */
  vi?: readonly MaybeNumber[];
  /** Given standard errors, for GEN (vi = sei²). */
  sei?: readonly MaybeNumber[];
  /** Events in the treatment arm (2×2 tables). */
  ai?: readonly MaybeNumber[];
  /** Non-events in the treatment arm; or give n1i (bi = n1i − ai). */
  bi?: readonly MaybeNumber[];
  /** Events in the control arm. */
  ci?: readonly MaybeNumber[];
  /** Non-events in the control arm; or give n2i (di = n2i − ci). */
  di?: readonly MaybeNumber[];
  /** Correlation coefficients, for ZCOR and COR. */
  ri?: readonly MaybeNumber[];
  /** Sample sizes of the correlations. */
  ni?: readonly MaybeNumber[];
}

/**
 * Sampling-variance estimator of the SMD (the choices the pipeline offers, --vtype):
 * - "LS": large-sample approximation (metafor's default; Hedges 1981),
 * - "UB": unbiased estimator (metafor vtype "UB"; meta's default),
 * - "RevMan": the Review Manager 5 approximation (Deeks & Higgins 2010), which also uses RevMan's
 *   approximate correction J = 1 - 3/(4N - 9) for g.
 * MD and SMDH accept "LS" only ("UB" is the same formula for MD, as in metafor).
 */
export type VarianceType = "LS" | "UB" | "RevMan";

/**
 * Every sampling-variance estimator {@link escalc} takes: {@link VarianceType} and, for ROM only,
 * metafor's vtype "LS2", the second-order (delta-method) variance of Lajeunesse (2015), Ecology
 * 96:2056, eq. 9 (metafor 5's escalc(measure = "ROM", vtype = "LS2")).
 */
export type EscalcVarianceType = VarianceType | "LS2";

export interface EscalcOptions {
  /**
   * Variance estimator (default "LS", as metafor). SMD: "LS", "UB" or "RevMan"; MD: "LS" or "UB"
   * (one formula); ROM: "LS" (Hedges et al. 1999, eq. 1) or "LS2" (Lajeunesse 2015, eq. 9); the
   * other measures "LS".
   */
  vtype?: EscalcVarianceType;
  /**
   * Small-sample bias correction, metafor's escalc `correct` (default true where it exists, as
   * metafor 5.1). ROM: the Lajeunesse (2015, eq. 8) correction of the log ratio, yi = ln(m1/m2) +
   * (a1 − a2)/2 — default true as metafor 5.0 and later; false gives metafor 3.8's uncorrected log
   * ratio (the variance is set by `vtype` either way, as in metafor). SMD and SMDH are always
   * Hedges-corrected; passing false for them is an input error.
   */
  correctBias?: boolean;
  /**
   * SMDH only: the sampling variance of metafor before 4.6 (e.g. Debian's 3.8.1), which is
   * metafor 4.6's and 5.1's multiplied by c(m)² (see {@link standardizedMeanDifferenceHetero}).
   * Default false: metafor 5.1's. Passing true with another measure is an input error.
   */
  legacySmdhVariance?: boolean;
  /**
   * 2×2 tables: the continuity correction added to the cells of the tables chosen by `to`
   * (default 1/2, metafor's escalc).
   */
  add?: number;
  /** 2×2 tables: which tables get `add` (default "only0", those with a zero cell; metafor's escalc). */
  to?: ZeroCellRule;
  /**
   * 2×2 tables: leave out the tables with no events (or only events) in both arms, which carry no
   * information on an odds ratio (default false: kept with the correction, as metafor's escalc).
   */
  drop00?: boolean;
}

/** A study escalc left out, with the reason (e.g. a double-zero table under drop00). */
export interface OmittedStudy {
  /** Zero-based index in the input. */
  index: number;
  label: string;
  reason: string;
}

/** What was done to the zero cells of 2×2 tables (indices into the input). */
export interface ZeroCellReport {
  /** Tables that got the continuity correction. */
  corrected: number[];
  /** Tables with no events, or only events, in both arms (metafor's "double zeros"). */
  doubleZero: number[];
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
  /**
   * Zero-based input index of each returned study: 0, 1, ..., k − 1 unless some were omitted
   * (double-zero tables under drop00, see `omitted`).
   */
  indices: number[];
  /** Studies left out, with the reason (empty unless drop00 is set). */
  omitted: OmittedStudy[];
  /** The options as applied (defaults filled in; add, to and drop00 for 2×2 tables only). */
  options: {
    vtype: EscalcVarianceType;
    correctBias: boolean;
    /** SMDH only: whether metafor 3.8's variance was used ({@link EscalcOptions.legacySmdhVariance}). */
    legacySmdhVariance?: boolean;
    add?: number;
    to?: ZeroCellRule;
    drop00?: boolean;
  };
  /** 2×2 tables only: which tables were corrected and which were double zeros. */
  zeroCells?: ZeroCellReport;
  /** Plain-language notes for reports: which formula, direction, anything done to the data. */
  notes: string[];
}
