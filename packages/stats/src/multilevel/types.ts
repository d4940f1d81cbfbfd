/**
 * Types of the three-level model: experiments (level 2) nested in publications (level 3), as
 * metafor's rma.mv(yi, vi, random = ~ 1 | cluster/experiment). Results are plain JSON-able objects.
 */
import type { ChisqTest, FTest, Prediction } from "../models/types.js";
import type { RobustResult } from "../robust/types.js";
import type { BackendName, Coefficient, Moderator } from "../types.js";

/** Variance-component estimators of the three-level model. */
export type MultilevelMethod = "REML" | "ML";

/** "z" (metafor's default) or "t": t tests with k - p df and F for QM (rma.mv's test = "t"). */
export type MultilevelTest = "z" | "t";

export type MultilevelData =
  | { yi: ArrayLike<number>; vi: ArrayLike<number>; sei?: undefined; cluster: ArrayLike<string> }
  | { yi: ArrayLike<number>; sei: ArrayLike<number>; vi?: undefined; cluster: ArrayLike<string> };

export interface MultilevelControl {
  /**
   * Convergence: the largest change in a variance component between iterations, at most this times
   * the mean sampling variance (so results do not depend on the units of the outcome).
   */
  threshold: number;
  /** Iteration bound of the solver. */
  maxIter: number;
  /** Fix sigma²_between (publications) at this value instead of estimating it. */
  sigma2BetweenFixed?: number;
  /** Fix sigma²_within (experiments) at this value instead of estimating it. */
  sigma2WithinFixed?: number;
  /** Starting values (default: half of a DL-type total each). */
  sigma2BetweenInit?: number;
  sigma2WithinInit?: number;
}

export interface MultilevelOptions {
  /** "REML" (default) or "ML". */
  method?: MultilevelMethod;
  /** "z" (default) or "t". */
  test?: MultilevelTest;
  /** Confidence level in percent; default 95. */
  level?: number;
  /** Moderators (meta-regression); an intercept is always included. */
  mods?: Moderator[];
  labels?: ArrayLike<string>;
  control?: Partial<MultilevelControl>;
  backend?: BackendName;
  /** Profile-likelihood CIs of the variance components and the LRTs per level (default true). */
  intervals?: boolean;
  /** CR2 cluster-robust inference by cluster (default true; needs 2 or more clusters). */
  robust?: boolean;
}

/** A variance component with its profile-likelihood CI (metafor's confint.rma.mv). */
export interface VarianceComponent {
  estimate: number;
  /** null when not computed, or when it is not identifiable. */
  ciLower: number | null;
  ciUpper: number | null;
  /** True when the component was fixed by the caller (no CI). */
  fixed: boolean;
}

/** LRT of the full model against the model with one variance component fixed at 0 (df 1). */
export interface LikelihoodRatioTest {
  statistic: number;
  df: number;
  p: number;
}

export interface MultilevelResult {
  kind: "multilevel";
  method: MultilevelMethod;
  test: MultilevelTest;
  level: number;
  backend: BackendName;
  control: MultilevelControl;
  k: number;
  /** Number of clusters (publications). */
  clusters: number;
  p: number;
  labels: string[];
  yi: number[];
  vi: number[];
  cluster: string[];
  termNames: string[];
  /** Design matrix, one row per experiment. */
  X: number[][];
  coefficients: Coefficient[];
  beta: number[];
  vb: number[][];
  sigma2Between: VarianceComponent;
  sigma2Within: VarianceComponent;
  /** k - p under the t test; null under z. */
  df: number | null;
  /** Log-likelihood (restricted under REML), as metafor's logLik. */
  logLik: number;
  /** Test for residual heterogeneity (1/vi weights, df k - p), as rma.mv's QE. */
  QE: ChisqTest;
  QM: ChisqTest | FTest;
  QMCoefficients: number[];
  /** Multilevel I² in percent (Cheung 2014), per level and in total. */
  I2Between: number;
  I2Within: number;
  I2Total: number;
  /**
   * Weight of each experiment in percent, input order: 100·diag(V⁻¹)_i / tr(V⁻¹), as metafor's
   * weights() of an rma.mv fit (the diagonal of V_j⁻¹ = D⁻¹ - g·aa' is a_i - g·a_i²).
   */
  weights: number[];
  /** ṽ = (k - p)/tr(P), P with W = diag(1/vi). */
  typicalVariance: number;
  /** Average effect with CI and prediction interval (sqrt(se² + sigma²_b + sigma²_w)); intercept-only models. */
  prediction: Prediction | null;
  lrtBetween: LikelihoodRatioTest | null;
  lrtWithin: LikelihoodRatioTest | null;
  /** False when every cluster has one row: sigma²_within is then not identifiable from sigma²_between. */
  withinIdentifiable: boolean;
  robust: RobustResult | null;
  converged: boolean;
  iterations: number;
  notes: string[];
}
