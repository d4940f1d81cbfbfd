/**
 * The Analysis object: everything `pooled analyze` computes, as one plain JSON-able object.
 *
 * The field names marked "contract" are those of `--format json`: tools outside the
 * project read them, so they are never renamed. Other fields may be added. A statistic that does
 * not exist for the model is null, never a string and never NaN.
 */
import type {
  Measure,
  Method,
  ShardWorkerFactory,
  TestType,
  VarianceType,
  ZeroCellRule,
} from "@pooled/stats";
import type { PrismaCounts, RiskJudgement, SyrcleItem } from "../input/types.js";
import type { EffectScale, TransformedInterval } from "./scale.js";

export type { EffectScale, TransformedInterval } from "./scale.js";

/**
 * How the main model pools: "FE" or a tau² estimator (inverse-variance weights, metafor's rma),
 * or, for 2×2 tables, "MH" (Mantel-Haenszel: OR, RR, RD; metafor's rma.mh) or "PETO" (Peto's odds
 * ratio; rma.peto).
 */
export type AnalysisMethod = Method | "MH" | "PETO";

/** The methods that pool 2×2 tables directly rather than their effect sizes. */
export const TABLE_METHODS: readonly AnalysisMethod[] = ["MH", "PETO"];

/**
 * Predictor of Egger's regression test (--egger-predictor), as metafor's regtest: the standard
 * error (default), the variance, 1/n (Peters et al. 2006, for odds ratios) or 1/√n, n being the
 * total sample size of a study.
 */
export type EggerPredictorOption = "sei" | "vi" | "ninv" | "sqrtninv";

/** Options of {@link analyze}; they mirror the flags of `pooled analyze`. */
export interface AnalysisOptions {
  /** Effect-size measure (--measure). Default: MD when arm columns are present, GEN otherwise. */
  measure?: Measure;
  /** "FE", a tau² estimator, or for 2×2 tables "MH" or "PETO" (--method); default "REML". */
  method?: AnalysisMethod;
  /** "z" (default, as metafor) or "knha" (--test). */
  test?: TestType;
  /** Column whose levels define subgroups (--by), by header as written (case-insensitive). */
  by?: string;
  /** Moderator columns (--mods), in the order given. */
  mods?: string[];
  /** Permutation test (--permutations): a number of random arrangements, or "exact". */
  permutations?: number | "exact";
  /** Bootstrap replicates (--bootstrap). */
  bootstrap?: number;
  /** Seed of the permutation test and bootstrap (--seed); default 1. */
  seed?: number;
  /** Confidence level in percent; default 95. */
  level?: number;
  /**
   * Sampling variance (--vtype): "LS" (default) for every measure; "UB" or "RevMan" for the SMD
   * ("UB" also for the MD, the same formula); "LS2" for ROM, the second-order variance of
   * Lajeunesse (2015, eq. 9), as metafor 5's escalc.
   */
  vtype?: AnalysisVarianceType;
  /**
   * SMDH only (--legacy-smdh-variance): metafor 3.8's sampling variance, c(m)²·V, instead of
   * metafor 4.6 and later's V (Bonett 2008, eq. 8); default false.
   */
  legacySmdhVariance?: boolean;
  /**
   * ROM small-sample bias correction of the log ratio (Lajeunesse 2015, eq. 8); default true, as
   * metafor 5.0 and later (false: metafor 3.8's uncorrected log ratio). The variance is "LS".
   */
  correctBias?: boolean;
  /** Split a control arm shared by several comparisons (default true when a control-group column exists). */
  splitSharedControls?: boolean;
  /**
   * 2×2 tables: the continuity correction (--add, default 1/2), the tables it is added to (--to,
   * default "only0": tables with a zero cell) and whether tables without events (or with only
   * events) in both arms are left out of the study effects (--drop00; default false, or true with
   * --method MH or PETO), as metafor's escalc, rma.mh and rma.peto.
   */
  add?: number;
  to?: ZeroCellRule;
  drop00?: boolean;
  /** Predictor of Egger's test (--egger-predictor); default "sei". */
  eggerPredictor?: EggerPredictorOption;
  /** Trim-and-fill's estimator of the missing studies (--trimfill-estimator); default "L0". */
  trimfillEstimator?: "L0" | "R0";
  /** Side on which trim-and-fill looks for missing studies (--trimfill-side); default: estimated. */
  trimfillSide?: "left" | "right";
  /** Bootstrap (--bootstrap-type): resample studies ("case", default) or simulate from the model. */
  bootstrapType?: "case" | "parametric";
  /**
   * Predictions of the meta-regression at chosen moderator values (--predict), one object per
   * point: moderator name -> value (a number, or a level of a categorical moderator).
   */
  predict?: Record<string, number | string>[];
  /**
   * GOSH (--gosh [N]): the model refitted on every subset of studies when there are at most N of
   * them (2^k - 1), else on N random subsets; default N 10^6, as metafor's gosh.
   */
  gosh?: number;
  /** PRISMA 2020 counts to carry into the analysis and report. */
  prisma?: PrismaCounts;
  /**
   * The publication (cluster) column (--cluster), by header as written; default the recognised
   * `cluster` column (publication, paper, ...) when the file has one.
   */
  cluster?: string;
  /**
   * "standard" (default): the random-effects (or fixed-effect) model of --method; "three-level":
   * experiments nested in publications (--model three-level; REML or ML), which then drives the
   * summary, the forest plot and the lay summary.
   */
  model?: AnalysisModel;
}

/** The sampling variances --vtype names (metafor's escalc names; RevMan is Review Manager 5's). */
export type AnalysisVarianceType = VarianceType | "LS2";

/** The model of the summary (--model). */
export type AnalysisModel = "standard" | "three-level";

/** Options of the async variant: progress of permutations and bootstrap, cancellation. */
export interface AsyncAnalysisOptions extends AnalysisOptions {
  /** Called with (done, total) as resampling proceeds; `stage` says which one. */
  onProgress?: (progress: AnalysisProgress) => void;
  /** Cancels the run: the promise rejects with a PooledError of code "CANCELLED". */
  signal?: AbortSignal;
  /** Worker threads for resampling (the result does not depend on the number); default 1. */
  workers?: number;
  /** How to start a worker where worker_threads do not exist (the web app's Web Workers). */
  workerFactory?: ShardWorkerFactory;
}

/** Progress of the resampling stages. */
export interface AnalysisProgress {
  stage:
    | "permutation"
    | "regression-permutation"
    | "bootstrap"
    | "multilevel-permutation"
    | "multilevel-regression-permutation"
    | "multilevel-bootstrap"
    | "gosh";
  done: number;
  total: number;
}

/** The settings as applied (defaults filled in), echoed for the report and the R script. */
export interface AnalysisSettings {
  measure: Measure;
  method: AnalysisMethod;
  test: TestType;
  level: number;
  by: string | null;
  mods: string[];
  vtype: AnalysisVarianceType;
  /** SMDH: metafor 3.8's sampling variance (--legacy-smdh-variance); false for every other measure. */
  legacySmdhVariance: boolean;
  correctBias: boolean;
  splitSharedControls: boolean;
  permutations: number | "exact" | null;
  bootstrap: number | null;
  seed: number;
  /** The publication (cluster) column as found in the file, or null when there is none. */
  cluster: string | null;
  model: AnalysisModel;
  /** 2×2 tables: the zero-cell rules of the study effects as applied; null for other measures. */
  add: number | null;
  to: ZeroCellRule | null;
  drop00: boolean | null;
  eggerPredictor: EggerPredictorOption;
  trimfillEstimator: "L0" | "R0";
  /** null: the side estimated from the data, as metafor. */
  trimfillSide: "left" | "right" | null;
  bootstrapType: "case" | "parametric";
  predict: Record<string, number | string>[];
  /** Subsets asked of GOSH, or null when it was not asked for. */
  gosh: number | null;
}

/** Contract: one row per comparison, in input order. */
export interface StudyResult {
  study: string;
  yi: number;
  vi: number;
  /** Weight in the main model, percent. */
  weight: number;
  /** Extra: row in the source file, standard error and 95% CI of yi. */
  row: number;
  sei: number;
  ciLower: number;
  ciUpper: number;
  /**
   * Extra: group sizes behind yi (treatment, control), after a shared control arm was split
   * (so possibly fractional); null when the file gives no n.
   */
  n1: number | null;
  n2: number | null;
  /** Extra: publication year from the file's year column, else null. */
  year: number | null;
  /** Extra: the publication (cluster) the study comes from, else null (no publication column). */
  cluster: string | null;
  /** Extra, 2×2 tables: events in the treatment and control arms; else null. */
  events1: number | null;
  events2: number | null;
}

/** Contract: the main (intercept-only) model. */
export interface ModelResult {
  k: number;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  /** Between-study variance; null for the fixed-effect model. */
  tau2: number | null;
  /** Percent. */
  I2: number | null;
  H2: number | null;
  Q: number | null;
  Qp: number | null;
  /** Prediction interval; null for the fixed-effect model. */
  piLower: number | null;
  piUpper: number | null;
  /** Extra fields. */
  method: AnalysisMethod;
  test: TestType;
  level: number;
  /**
   * Contract: the scale of estimate, CIs and PI: "log" (ratios: read exp), "fisher-z" (read
   * tanh) or "identity" (read as is).
   */
  scale: EffectScale;
  /** Contract: the estimate and intervals back on the reader's scale; null for "identity". */
  transformed: TransformedInterval | null;
  /**
   * Extra, --method MH with the odds ratio: the Cochran-Mantel-Haenszel test of no association
   * and the Breslow-Day and Tarone tests of a common odds ratio; else null.
   */
  tableTests: TableTestsJson | null;
  /** z or t statistic of the estimate. */
  statistic: number | null;
  /** Degrees of freedom of t (knha), else null. */
  df: number | null;
  Qdf: number;
  tau: number | null;
  /** Q-profile CIs (random-effects models with k > 1), else null. */
  tau2CiLower: number | null;
  tau2CiUpper: number | null;
  I2CiLower: number | null;
  I2CiUpper: number | null;
  /** Contract: the standard error of tau² (metafor's se.tau2), else null (FE, MH, Peto). */
  seTau2: number | null;
  /** Contract: the Q-profile CI of H² (random-effects models with k > 1), else null. */
  H2CiLower: number | null;
  H2CiUpper: number | null;
  /**
   * Contract: CR2 cluster-robust inference for the estimate, clustered by publication
   * (Satterthwaite df), whenever the file has a publication column; else null (also when it could
   * not be computed, with a warning).
   */
  robust: RobustEstimate | null;
}

/** A chi-square test of 2×2 tables; p is null when it does not exist (fewer than two tables). */
export interface TableChisqJson {
  statistic: number;
  df: number;
  p: number | null;
}

/** The tests of Mantel-Haenszel's odds ratio (metafor's rma.mh). */
export interface TableTestsJson {
  cochranMantelHaenszel: TableChisqJson | null;
  breslowDay: TableChisqJson | null;
  tarone: TableChisqJson | null;
}

/** Contract: a CR2 cluster-robust test of one estimate (Pustejovsky & Tipton 2018). */
export interface RobustEstimate {
  se: number;
  /** Satterthwaite degrees of freedom of t. */
  df: number;
  ciLower: number;
  ciUpper: number;
  p: number;
  /** Extra: the t statistic and the number of publications. */
  statistic: number;
  clusters: number;
}

/** A likelihood-ratio test of dropping one variance component (df 1). */
export interface LikelihoodRatioTestJson {
  statistic: number;
  df: number;
  p: number;
}

/**
 * Contract: the three-level model (experiments nested in publications; metafor's
 * rma.mv(yi, vi, random = ~ 1 | cluster/experiment)), present with --model three-level and
 * whenever a publication contributes two or more experiments.
 */
export interface MultilevelResultJson {
  k: number;
  /** Number of publications. */
  clusters: number;
  method: "REML" | "ML";
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  piLower: number | null;
  piUpper: number | null;
  /** Extra: estimate and intervals on the reader's scale (see model.scale); else null. */
  transformed: TransformedInterval | null;
  sigma2Between: number;
  sigma2Within: number;
  /** Profile-likelihood CIs; null when a component was fixed (not identifiable) or not computed. */
  sigma2BetweenCiLower: number | null;
  sigma2BetweenCiUpper: number | null;
  sigma2WithinCiLower: number | null;
  sigma2WithinCiUpper: number | null;
  /** Multilevel I² in percent (Cheung 2014). */
  I2Between: number | null;
  I2Within: number | null;
  I2Total: number | null;
  /** null when a component is fixed (then there is nothing to test). */
  lrtBetween: LikelihoodRatioTestJson | null;
  lrtWithin: LikelihoodRatioTestJson | null;
  /** CR2 cluster-robust inference for the estimate; null with fewer than 2 publications. */
  robust: RobustEstimate | null;
  /** Extra: "z", or "t" (k - p df; what --test knha maps to). */
  test: "z" | "t";
  statistic: number | null;
  /** Degrees of freedom of t, else null. */
  df: number | null;
  /** Residual heterogeneity (rma.mv's QE). */
  QE: number | null;
  QEdf: number;
  QEp: number | null;
  /** False when every publication has one experiment: sigma²_within is then fixed at 0. */
  withinIdentifiable: boolean;
  /**
   * Weight of each study in percent, input order: metafor's weights() of an rma.mv fit,
   * 100·diag(V⁻¹)/tr(V⁻¹).
   */
  weights: number[];
  notes: string[];
  /**
   * Extra: the permutation test of the three-level model (--permutations with --model
   * three-level): publications' signs flipped; null otherwise.
   */
  permutation: MultilevelPermutationJson | null;
  /** Extra: the bootstrap of the three-level model, publications resampled (--bootstrap with --model three-level). */
  bootstrap: MultilevelBootstrapJson | null;
}

/** The permutation test of a three-level model (random arrangements; publications are the unit where the design allows). */
export interface MultilevelPermutationJson {
  seed: number;
  iterations: number;
  /** What was permuted: "publications" (sign flips, or moderators constant within publications) or "experiments". */
  unit: "publications" | "experiments";
  /** p of each coefficient (the intercept-only model: of the estimate), and of QM. */
  terms: { name: string; p: number | null }[];
  QMp: number | null;
  failed: number;
}

/** The cluster bootstrap of a three-level model. */
export interface MultilevelBootstrapJson {
  seed: number;
  iterations: number;
  /** Publications resampled. */
  clusters: number;
  level: number;
  estimate: BootstrapInterval;
  sigma2Between: BootstrapInterval;
  sigma2Within: BootstrapInterval;
  succeeded: number;
  failed: number;
  notes: string[];
}

/** Contract: one coefficient of the three-level meta-regression, with its CR2 test. */
export interface MultilevelRegressionTerm {
  name: string;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  robustSe: number | null;
  robustDf: number | null;
  robustP: number | null;
  /** Extra: z or t statistic, the CR2 CI. */
  statistic: number | null;
  robustCiLower: number | null;
  robustCiUpper: number | null;
}

/** Contract: the meta-regression in the three-level model (--mods with --model three-level). */
export interface MultilevelRegressionJson {
  terms: MultilevelRegressionTerm[];
  QM: number | null;
  QMdf: number;
  QMp: number | null;
  /** HTZ Wald test of the moderators (clubSandwich's Wald_test(test = "HTZ")); null if undefined. */
  robustQM: { statistic: number; df1: number; df2: number; p: number } | null;
  /** Extra: the distribution of QM (F under the t test) and its denominator df. */
  QMdistribution: "chisq" | "F";
  QMdf2: number | null;
  sigma2Between: number;
  sigma2Within: number;
  QE: number | null;
  QEdf: number;
  QEp: number | null;
  k: number;
  clusters: number;
  notes: string[];
  /** Extra: its permutation test (--permutations with --model three-level), else null. */
  permutation: MultilevelPermutationJson | null;
}

/** Contract: one subgroup's three-level model (nulls when it could not be fitted; see warnings). */
export interface MultilevelSubgroup {
  level: string;
  k: number;
  clusters: number;
  estimate: number | null;
  se: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  sigma2Between: number | null;
  sigma2Within: number | null;
  /** Extra. */
  p: number | null;
  notes: string[];
}

/** Contract: subgroups in the three-level model (--by with --model three-level). */
export interface MultilevelSubgroupsJson {
  groups: MultilevelSubgroup[];
  /**
   * The moderator test of the subgroup column in the full three-level model (its QM; F with df and
   * df2 under the t test); null when that model could not be fitted.
   */
  test: {
    QM: number;
    df: number;
    p: number;
    /** Extra. */
    distribution: "chisq" | "F";
    df2: number | null;
  } | null;
}

/**
 * Contract: one subgroup's own model. A level whose model could not be fitted keeps its level, k
 * and studies with every statistic null (the reason is in `warnings`).
 */
export interface SubgroupResult {
  level: string;
  k: number;
  estimate: number | null;
  se: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  tau2: number | null;
  I2: number | null;
  H2: number | null;
  Q: number | null;
  Qp: number | null;
  /** Extra: prediction interval, the studies of the level (labels) and their positions in `studies`. */
  piLower: number | null;
  piUpper: number | null;
  studies: string[];
  indices: number[];
  /** Extra: estimate and intervals on the reader's scale (see model.scale); else null. */
  transformed: TransformedInterval | null;
  /** Contract: Q-profile CIs of the level's tau² and I² (random-effects models with k > 1), else null. */
  tau2CiLower: number | null;
  tau2CiUpper: number | null;
  I2CiLower: number | null;
  I2CiUpper: number | null;
}

/** Contract: a test for differences between subgroups. */
export interface SubgroupTestResult {
  type: "separate-tau2" | "common-tau2";
  /** The test statistic: chi-square, or F for the common-tau² test under Knapp-Hartung. */
  Q: number | null;
  df: number;
  p: number | null;
  /** Extra: distribution of Q, denominator df of F, the common tau². */
  distribution: "chisq" | "F";
  df2: number | null;
  tau2: number | null;
}

export interface SubgroupsResultJson {
  /** Extra: the grouping column. */
  by: string;
  groups: SubgroupResult[];
  tests: SubgroupTestResult[];
  /** Subgroups in the three-level model, with --model three-level; else null. */
  multilevel: MultilevelSubgroupsJson | null;
}

/** Contract: one coefficient of the meta-regression. */
export interface RegressionTerm {
  name: string;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  /** Permutation p-value, when a permutation test was run; else null. */
  permutationP: number | null;
  /** Extra: z or t statistic. */
  statistic: number | null;
}

export interface RegressionResult {
  terms: RegressionTerm[];
  /** Omnibus test of the moderators: chi-square (z) or F (knha). */
  QM: number | null;
  QMdf: number;
  QMp: number | null;
  permutationQMp: number | null;
  tau2: number | null;
  /** Pseudo-R² in percent. */
  R2: number | null;
  /** Residual heterogeneity. */
  QE: number | null;
  /** Extra. */
  QEdf: number;
  QEp: number | null;
  QMdistribution: "chisq" | "F";
  QMdf2: number | null;
  I2: number | null;
  k: number;
  /** Covariance matrix of the coefficients (terms order), for fitted lines and their bands. */
  vcov: number[][];
  /** Degrees of freedom of t (knha), else null (z). */
  df: number | null;
  /**
   * The moderators as analysed: kind, levels (categorical, reference first) and the value of each
   * study in input order (for bubble plots and the R script).
   */
  moderators: {
    name: string;
    type: "continuous" | "categorical";
    levels: string[] | null;
    values: (number | string)[];
  }[];
  /** Extra: Q-profile CIs of the residual tau² and I², else null. */
  tau2CiLower: number | null;
  tau2CiUpper: number | null;
  I2CiLower: number | null;
  I2CiUpper: number | null;
  /** The meta-regression in the three-level model, with --model three-level; else null. */
  multilevel: MultilevelRegressionJson | null;
}

export interface BiasResult {
  egger: {
    z: number;
    p: number;
    limitEstimate: number | null;
    /** Extra: distribution of the statistic, slope, predictor, notes. */
    distribution: "z" | "t";
    df: number | null;
    limitCiLower: number | null;
    limitCiUpper: number | null;
    predictor: string;
    notes: string[];
  } | null;
  begg: { tau: number; p: number; exact: boolean; notes: string[] } | null;
  trimFill: {
    k0: number;
    side: "left" | "right";
    estimate: number;
    ciLower: number;
    ciUpper: number;
    /** Extra. */
    estimator: "L0" | "R0";
    se: number;
    p: number;
    tau2: number;
    filled: { study: string; yi: number; vi: number }[];
    /** Extra: the adjusted estimate and CI on the reader's scale (see model.scale); else null. */
    transformed: TransformedInterval | null;
  } | null;
  /**
   * Extra, SMD only: Egger-type test on the sample-size predictor √(1/n1 + 1/n2)
   * (Pustejovsky & Rodgers 2019), which is not distorted by g being inside its own SE.
   */
  eggerSampleSize: { z: number; p: number; predictor: string } | null;
  /**
   * Contract: PET-PEESE (Stanley & Doucouliagos 2014): PET's and PEESE's corrected estimates with
   * their CIs, the conditional rule applied (PEESE when PET's estimate differs from 0 at alpha) and
   * the estimate it chose.
   */
  petPeese: PetPeeseJson | null;
  /** Contract: fail-safe N by Rosenthal (1979), Orwin (1983) and Rosenberg (2005). */
  failSafeN: FailSafeNJson | null;
}

/** One regression of PET-PEESE: its intercept (the corrected effect) with CI and test. */
export interface PrecisionEffectJson {
  estimate: number;
  se: number;
  ciLower: number;
  ciUpper: number;
  p: number;
  /** Slope on the standard error (PET) or the variance (PEESE), and its p-value. */
  slope: number;
  slopeP: number;
}

export interface PetPeeseJson {
  pet: PrecisionEffectJson;
  peese: PrecisionEffectJson;
  /** The rule: PEESE when PET's two-sided p < alpha, else PET. */
  rule: string;
  alpha: number;
  chosen: "PET" | "PEESE";
  estimate: number;
  ciLower: number;
  ciUpper: number;
  /** Extra: the chosen estimate and CI on the reader's scale (see model.scale), else null. */
  transformed: TransformedInterval | null;
}

export interface FailSafeNJson {
  /** Studies averaging z = 0 that make Stouffer's combined one-sided p reach alpha. */
  rosenthal: { n: number | null; p: number | null; alpha: number | null } | null;
  /**
   * Studies with effect 0 that bring the mean effect (weighted by 1/vi, as metafor 5) down to the
   * target (half of it).
   */
  orwin: { n: number | null; meanEffect: number | null; target: number | null } | null;
  /** Studies with effect 0 and average weight that make the fixed-effect mean non-significant. */
  rosenberg: { n: number | null; p: number | null; alpha: number | null } | null;
}

/**
 * Contract: case-deletion diagnostics of the main model (metafor's influence(); Viechtbauer &
 * Cheung 2010), one row per study in input order; null where the model without the study could
 * not be fitted.
 */
export interface InfluenceJson {
  study: string;
  rstudent: number | null;
  dffits: number | null;
  cooksD: number | null;
  covRatio: number | null;
  tau2Deleted: number | null;
  QEDeleted: number | null;
  hat: number;
  weight: number;
  /** metafor's flag: |DFFITS|, Cook's distance, hat value or a DFBETAS beyond its cut-off. */
  influential: boolean;
}

/** Five-number summary and mean of a statistic over the fitted subsets (R's quantile type 7). */
export interface GoshSummaryJson {
  min: number | null;
  q25: number | null;
  median: number | null;
  q75: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * Contract: GOSH, the model (its method; the fixed-effect one under MH and Peto) refitted on
 * subsets of the studies: every subset when `exhaustive`, else `subsets` random ones drawn with
 * `seed`.
 */
export interface GoshJson {
  subsets: number;
  exhaustive: boolean;
  /** Seed of the random subsets; null when every subset was fitted. */
  seed: number | null;
  /** Extra: studies, method, subsets whose fit failed, summaries over the fitted subsets. */
  k: number;
  method: Method;
  failed: number;
  summary: {
    estimate: GoshSummaryJson;
    I2: GoshSummaryJson;
    H2: GoshSummaryJson;
    tau2: GoshSummaryJson;
    Q: GoshSummaryJson;
  };
  /**
   * Extra: an even sample of at most GOSH_SAMPLE_POINTS fitted subsets (estimate and I², percent),
   * in subset order, for plots; a plot of the sample has the shape of the plot of them all.
   */
  sample: { estimate: number[]; I2: number[] };
}

/** Contract: a prediction of the meta-regression at chosen moderator values (--predict). */
export interface PredictionJson {
  /** The moderator values, as given. */
  at: Record<string, number | string>;
  estimate: number;
  se: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  piLower: number | null;
  piUpper: number | null;
  /** Extra: on the reader's scale (see model.scale), else null. */
  transformed: TransformedInterval | null;
}

export interface LeaveOneOutResultRow {
  study: string;
  estimate: number | null;
  se: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  tau2: number | null;
  I2: number | null;
  /** Extra. */
  p: number | null;
  Q: number | null;
}

/** One step of the cumulative meta-analysis: the study added, its year, the model so far. */
export interface CumulativeResultRow extends LeaveOneOutResultRow {
  year: number;
  /** Studies in the model at this step. */
  k: number;
}

/** Permutation test (Higgins & Thompson 2004), when --permutations was given. */
export interface PermutationResultJson {
  /** The seed given (exact enumeration draws nothing, but the seed is still echoed). */
  seed: number;
  /** Arrangements asked for: a number, or "exact". */
  requested: number | "exact";
  /** Arrangements evaluated for the main model (the observed one included in random runs). */
  iterations: number;
  /** True when every distinct arrangement was evaluated (sign flips: 2^k). */
  exact: boolean;
  /** Permutation p-value of the main model's average effect. */
  p: number | null;
  failed: number;
  /** The meta-regression's test (row permutations), when --mods was given. */
  regression: {
    iterations: number;
    exact: boolean;
    terms: { name: string; p: number | null }[];
    QMp: number | null;
    failed: number;
  } | null;
}

/** Bootstrap summary of one statistic: percentile and (case resampling) BCa intervals. */
export interface BootstrapInterval {
  /** Estimate from the original data. */
  estimate: number | null;
  /** Bootstrap standard error (SD of the replicates) and bias (mean - estimate). */
  se: number | null;
  bias: number | null;
  percentileLower: number | null;
  percentileUpper: number | null;
  bcaLower: number | null;
  bcaUpper: number | null;
}

export interface BootstrapResultJson {
  seed: number;
  /** Replicates asked for (and run). */
  iterations: number;
  /** "case" (studies, or publications when the table has a publication column) or "parametric". */
  type: "case" | "parametric";
  /** Number of clusters resampled (publications), null when studies were resampled. */
  clusters: number | null;
  level: number;
  /** Intervals for the average effect, tau² and I² (percent). */
  estimate: BootstrapInterval;
  tau2: BootstrapInterval;
  I2: BootstrapInterval;
  succeeded: number;
  failed: number;
  notes: string[];
}

/** Risk of bias (SYRCLE) as found in the table: per study and per item counts. */
export interface RiskOfBiasSummary {
  items: SyrcleItem[];
  /**
   * Every study of the file, also one left out of the study effects (--drop00); `row` (the file's
   * row) joins them with `Analysis.studies`.
   */
  studies: {
    study: string;
    row: number;
    judgements: Partial<Record<SyrcleItem, RiskJudgement>>;
  }[];
  counts: Record<string, { low: number; high: number; unclear: number; missing: number }>;
}

export interface Analysis {
  /** Extra: schema and tool identification. */
  tool: "pooled";
  schemaVersion: 1;
  /** The data file's name without its folders (the report never reveals where it lived). */
  source: string;
  settings: AnalysisSettings;
  studies: StudyResult[];
  model: ModelResult;
  /**
   * The three-level model (experiments nested in publications), with --model three-level or when
   * a publication contributes two or more experiments; else null.
   */
  multilevel: MultilevelResultJson | null;
  subgroups: SubgroupsResultJson | null;
  regression: RegressionResult | null;
  bias: BiasResult | null;
  leaveOneOut: LeaveOneOutResultRow[] | null;
  /**
   * Extra, when the file has a year column: cumulative meta-analysis (Lau et al. 1992), studies
   * entered by year (ties in file order); row i is the model of the first i studies.
   */
  cumulative: CumulativeResultRow[] | null;
  /** Contract (k >= 3): influence diagnostics of the main model, else null. */
  influence: InfluenceJson[] | null;
  /** Contract, with --gosh: the GOSH analysis (Olkin, Dahabreh & Trikalinos 2012), else null. */
  gosh: GoshJson | null;
  /** Contract, with --predict and --mods: predictions of the meta-regression, else null. */
  predictions: PredictionJson[] | null;
  /** Extra (k >= 3): Baujat plot coordinates per study (Baujat et al. 2002), input order. */
  baujat: { study: string; heterogeneity: number; influence: number | null }[] | null;
  permutation: PermutationResultJson | null;
  bootstrap: BootstrapResultJson | null;
  riskOfBias: RiskOfBiasSummary | null;
  prisma: PrismaCounts | null;
  /** Rows the user excluded, with reasons (never silently dropped). */
  excluded: { row: number; study: string; reason: string }[];
  /** What was done to the data (conversions, shared controls, formulas). */
  notes: string[];
  /** Advice the reader should see (few studies with the z test, a failed sub-analysis, ...). */
  warnings: string[];
}
