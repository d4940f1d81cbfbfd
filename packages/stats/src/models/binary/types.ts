/**
 * Options and results of the 2×2-table methods (Mantel-Haenszel, Peto). Results are plain JSON-able
 * objects: numbers, strings, arrays, null for "does not exist" (never NaN).
 */
import type { EscalcData } from "../../effect-sizes/types.js";
import type { ZeroCellSettings } from "../../effect-sizes/zero-cells.js";
import type { ZeroCellRule } from "../../types.js";
import type { ChisqTest } from "../types.js";

/** The 2×2 tables: ai, ci and bi or n1i, di or n2i per study, with optional labels. */
export type TwoByTwoData = Pick<EscalcData, "labels" | "ai" | "bi" | "ci" | "di" | "n1i" | "n2i">;

/** Measures of the Mantel-Haenszel method. */
export type MantelHaenszelMeasure = "OR" | "RR" | "RD";

/**
 * Zero-cell handling in two stages, as metafor's rma.mh and rma.peto: a single value sets the
 * first stage, the per-study effects (escalc) behind the heterogeneity test; a pair sets both, the
 * second being the tables the pooled estimate is computed from. Defaults: add [1/2, 0], to
 * ["only0", "none"], drop00 [true, false] — the pooled estimate uses the tables as observed, and
 * double-zero tables have no study effect.
 */
export interface TwoStageZeroCellOptions {
  add?: number | readonly [number, number];
  to?: ZeroCellRule | readonly [ZeroCellRule, ZeroCellRule];
  drop00?: boolean | readonly [boolean, boolean];
}

export interface MantelHaenszelOptions extends TwoStageZeroCellOptions {
  /** "OR" (default), "RR" or "RD". */
  measure?: MantelHaenszelMeasure;
  /** Confidence level in percent; default 95. */
  level?: number;
  /** Continuity correction (1/2) of the Cochran-Mantel-Haenszel test; default true, as metafor. */
  correct?: boolean;
}

export interface PetoOptions extends TwoStageZeroCellOptions {
  /** Confidence level in percent; default 95. */
  level?: number;
}

/** A chi-square test whose p-value does not exist with fewer than two informative tables. */
export interface TableChisqTest {
  distribution: "chisq";
  statistic: number;
  df: number;
  /** null when df < 1. */
  p: number | null;
}

/** Per-study effects (escalc) that enter the heterogeneity test, aligned with `indices`. */
export interface StudyEffects {
  /** Zero-based input indices. */
  indices: number[];
  yi: number[];
  vi: number[];
}

/** What the zero-cell rules did, stage by stage (indices into the input). */
export interface TwoStageZeroCells {
  /** First stage: the per-study effects of the heterogeneity test. */
  studies: ZeroCellSettings;
  /** Second stage: the tables of the pooled estimate. */
  tables: ZeroCellSettings;
  /** Tables with no events, or only events, in both arms. */
  doubleZero: number[];
  /** Studies whose effect got the continuity correction. */
  correctedStudies: number[];
  /** Tables corrected before pooling. */
  correctedTables: number[];
  /**
   * Studies left out of the heterogeneity test: double zeros under drop00, and studies whose
   * effect is undefined under the first-stage rule (a zero cell without a correction).
   */
  withoutEffect: number[];
}

/** Estimate with its Wald test and CI; on the log scale for odds and risk ratios. */
export interface PooledTableEstimate {
  estimate: number;
  se: number;
  /** z = estimate/se. */
  statistic: number;
  p: number;
  ciLower: number;
  ciUpper: number;
  /** exp(estimate) and exp of the CI bounds for odds and risk ratios; null for risk differences. */
  exponentiated: { estimate: number; ciLower: number; ciUpper: number } | null;
}

/** Heterogeneity of the per-study effects around the pooled estimate. */
export interface TableHeterogeneity {
  /**
   * Cochran's Q on (number of studies with an effect − 1) df; with fewer than two, Q = 0 and p = 1,
   * as metafor.
   */
  QE: ChisqTest;
  /** I² in percent, 100·max(0, (Q − df)/Q). */
  I2: number;
  /** H² = Q/df. */
  H2: number;
}

/** Result of {@link mantelHaenszel}: metafor's rma.mh. */
export interface MantelHaenszelResult extends PooledTableEstimate, TableHeterogeneity {
  kind: "mantel-haenszel";
  measure: MantelHaenszelMeasure;
  /** "log" for OR and RR (estimate and CI are log ratios), "identity" for RD. */
  scale: "log" | "identity";
  level: number;
  /** Labels of every input study. */
  labels: string[];
  /** Number of tables pooled. */
  k: number;
  /** Input indices of the tables pooled. */
  tables: number[];
  /** Per-study effects of the heterogeneity test (escalc under the first-stage rule). */
  studyEffects: StudyEffects;
  /**
   * Each input study's share of the pooled estimate in percent, aligned with `labels`, as metafor's
   * weights() of an rma.mh fit: the Mantel-Haenszel weights of the tables after the second-stage
   * zero-cell rule, w = b·c/N (OR), c·n1/N (RR), n1·n2/N (RD) (Mantel & Haenszel 1959; Greenland &
   * Robins 1985), as 100·w/Σw. The pooled estimate is Σw·θ/Σw of the table estimates θ (a·d/(b·c),
   * (a/n1)/(c/n2), a/n1 − c/n2), so the weights of the pooled tables sum to 100. A table left out
   * of the pooled estimate (second-stage drop00) gets 0, where metafor gives NA (or, under its
   * default na.action, leaves the entry out); a pooled table can also weigh 0 (OR: b·c = 0; RR:
   * c = 0), as in metafor.
   */
  weights: number[];
  /**
   * OR only: the Cochran-Mantel-Haenszel test of no association (Mantel & Haenszel 1959), with
   * the continuity correction unless `correct` is false; else null.
   */
  cochranMantelHaenszel: ChisqTest | null;
  /** OR only: the same with N instead of N − 1 in the variance (Cochran 1954; metafor's CO). */
  cochran: ChisqTest | null;
  /** OR only: the Breslow-Day test of a common odds ratio (Breslow & Day 1980), df = kPos − 1. */
  breslowDay: TableChisqTest | null;
  /** OR only: the Breslow-Day test with Tarone's (1985) correction. */
  tarone: TableChisqTest | null;
  /** OR only: tables in the Breslow-Day tests (positive expected counts, events and non-events). */
  kPos: number | null;
  zeroCells: TwoStageZeroCells;
  /** How the numbers were made and what was done to the tables, naming them. */
  notes: string[];
}

/** Result of {@link peto}: metafor's rma.peto. */
export interface PetoResult extends PooledTableEstimate, TableHeterogeneity {
  kind: "peto";
  measure: "PETO";
  scale: "log";
  level: number;
  labels: string[];
  k: number;
  tables: number[];
  studyEffects: StudyEffects;
  /**
   * Each input study's share of the pooled estimate in percent, aligned with `labels`, as metafor's
   * weights() of an rma.peto fit: 100·V/ΣV, V the hypergeometric variance of the table after the
   * second-stage zero-cell rule (Yusuf et al. 1985). ln ψ = Σ(O − E)/ΣV is the V-weighted mean of
   * the per-table (O − E)/V, so the weights of the pooled tables sum to 100. A table left out of
   * the pooled estimate (second-stage drop00) gets 0, where metafor gives NA (or, under its default
   * na.action, leaves the entry out); a pooled table with no events, or only events, weighs 0.
   */
  weights: number[];
  /** Tables with a positive hypergeometric variance (events and non-events present). */
  kPos: number;
  zeroCells: TwoStageZeroCells;
  notes: string[];
}
