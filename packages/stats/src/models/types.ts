/**
 * Input and result types of the model layer (rma, subgroups). Results are plain JSON-able objects:
 * numbers, strings, arrays, null for "does not exist" (never a hidden NaN).
 */
import type { FitControl } from "../defaults.js";
import type { BackendName, Coefficient, Interval, Method, Moderator, TestType } from "../types.js";

/** Outcomes with their sampling variances, or with their standard errors (vi = sei²). */
export type RmaData =
  | { yi: ArrayLike<number>; vi: ArrayLike<number>; sei?: undefined }
  | { yi: ArrayLike<number>; sei: ArrayLike<number>; vi?: undefined };

/**
 * A moderator of a fitted model: continuous (one column of X, its values as they are), or
 * categorical with its levels in sorted order, the first the reference (one dummy column per other
 * level, named "<name>:<level>").
 */
export type ModelModerator =
  | { name: string; type: "continuous" }
  | { name: string; type: "categorical"; levels: string[] };

/** Options of {@link rma}; every field has a default (defaults.ts, fitDefaults). */
export interface RmaOptions {
  /** "FE" or a tau² estimator; default "REML". */
  method?: Method;
  /** "z" (default) or "knha" (Knapp & Hartung 2003). */
  test?: TestType;
  /** Confidence level in percent; default 95. */
  level?: number;
  /** Moderators (meta-regression); an intercept is always included. */
  mods?: Moderator[];
  /** Study labels, used in error messages and carried into the result. */
  labels?: ArrayLike<string>;
  /** Fitting control (threshold, maxIter, stepAdj, tau2Init, tau2Fixed). */
  control?: Partial<FitControl>;
  /** Kernel implementation; default "wasm" when available, else "js". */
  backend?: BackendName;
  /**
   * Compute the Q-profile CIs of τ², I² and H² (default true). false skips them, for callers that
   * fit many models and never read them: each is a root search costing dozens of weighted
   * least-squares fits.
   */
  heterogeneityIntervals?: boolean;
}

/** A chi-square test (Q tests; QM under the z test). */
export interface ChisqTest {
  distribution: "chisq";
  statistic: number;
  df: number;
  p: number;
}

/** An F test (QM under Knapp-Hartung): statistic = QM/m with df (m, k - p). */
export interface FTest {
  distribution: "F";
  statistic: number;
  df: number;
  /** Denominator degrees of freedom k - p. */
  df2: number;
  /** null when k - p = 0. */
  p: number | null;
}

/** Prediction for the average effect (intercept-only models): metafor's predict(). */
export interface Prediction {
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  /** Prediction interval μ̂ ± crit·sqrt(se² + tau²); null for FE models (as metafor's predict). */
  piLower: number | null;
  piUpper: number | null;
}

/**
 * Moderator values of one prediction ({@link predict}): a finite number for each continuous
 * moderator of the model, a level name (as in the data) for each categorical one.
 */
export type ModeratorValues = Record<string, number | string>;

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Confidence level in percent of the CI and PI; default the model's level. */
  level?: number;
}

/** A predicted average effect at given moderator values: metafor's predict(res, newmods = ...). */
export interface PredictedEffect {
  /** The moderator values of this prediction, in the order of the model's moderators. */
  at: ModeratorValues;
  /** x'β̂, x = (1, coded moderator values). */
  estimate: number;
  /** √(x'Var(β̂)x) (Knapp-Hartung's s² included); null only if rounding makes x'Var(β̂)x < 0 (metafor: NA). */
  se: number | null;
  /** estimate ± crit·se: crit from N(0, 1) (test "z") or t(k - p) (test "knha"). */
  ciLower: number | null;
  ciUpper: number | null;
  /** estimate ± crit·√(se² + τ²); null for FE models (metafor's predict gives none). */
  piLower: number | null;
  piUpper: number | null;
}

/** Q-profile confidence intervals for the heterogeneity measures (Viechtbauer 2007). */
export interface HeterogeneityIntervals {
  tau2: Interval;
  tau: Interval;
  I2: Interval;
  H2: Interval;
  /** True when Q(0) is below the lower critical value: the interval is the null set {0}. */
  ciNull: boolean;
  /** "<" or ">" when a bound sits on the search interval's edge (as metafor's confint), else "". */
  lowerSign: "" | "<" | ">";
  upperSign: "" | "<" | ">";
}

/** A fitted fixed- or random-effects model (with or without moderators). */
export interface RmaResult {
  kind: "rma";
  method: Method;
  test: TestType;
  level: number;
  backend: BackendName;
  /** The fitting control used (defaults filled in); refits of this model start from it. */
  control: FitControl;
  /** Number of studies. */
  k: number;
  /** Number of coefficients (intercept included). */
  p: number;
  labels: string[];
  yi: number[];
  vi: number[];
  /** Column names of X: "intrcpt", "<moderator>", "<moderator>:<level>". */
  termNames: string[];
  /** The moderators as the design coded them, in order (what {@link predict} needs). */
  moderators: ModelModerator[];
  /** Design matrix, one row per study. */
  X: number[][];
  /** Coefficients with SE, statistic (z or t), p and CI. */
  coefficients: Coefficient[];
  /** Estimates in the order of termNames. */
  beta: number[];
  /** Covariance of the estimates (times s² under Knapp-Hartung). */
  vb: number[][];
  /** (Residual) between-study variance; 0 for FE. */
  tau2: number;
  tau: number;
  /**
   * Standard error of τ̂² as metafor's res$se.tau2, by the estimator's own formula
   * (tau2-standard-error.ts); null for FE and k = 1 (metafor: NA). With a fixed τ², the formula at
   * that value (as metafor).
   */
  seTau2: number | null;
  /** Knapp-Hartung scale factor s²_w (1 under the z test). */
  s2w: number;
  /** Degrees of freedom of t tests and CIs (k - p) under knha; null under z. */
  df: number | null;
  /** Test for (residual) heterogeneity, 1/vi weights, df = k - p. */
  QE: ChisqTest;
  /** Omnibus test of the moderators (of the intercept in intercept-only models). */
  QM: ChisqTest | FTest;
  /** Indices (into coefficients) tested by QM. */
  QMCoefficients: number[];
  /** I² in percent (residual I² with moderators). */
  I2: number;
  H2: number;
  /** Typical within-study variance ṽ = (k - p)/tr(P), FE weights (0 when k = p). */
  typicalVariance: number;
  /**
   * Pseudo-R² in percent (models with moderators), else null; null when the model without
   * moderators it compares with cannot be fitted, and then a note in `notes` says why.
   */
  R2: number | null;
  /** Average effect with CI and prediction interval (intercept-only models), else null. */
  prediction: Prediction | null;
  /**
   * Q-profile CIs for tau², tau, I², H² (random-effects models with estimated tau², k > 1);
   * null otherwise or when turned off with the option of the same name.
   */
  heterogeneityIntervals: HeterogeneityIntervals | null;
  /** Weights in percent: 100·wᵢ/Σw, wᵢ = 1/(vᵢ + tau²). */
  weights: number[];
  /** Fitted values Xβ̂. */
  fitted: number[];
  converged: boolean;
  iterations: number;
  /** Advice and notes worth showing (e.g. "k < 10: consider test = 'knha'"). */
  notes: string[];
}

/** A between-subgroup test, labelled by how tau² is treated. */
export type SubgroupTest =
  | {
      /** FE meta-analysis of the subgroup estimates with their SEs (meta, RevMan, Stata). */
      type: "separate-tau2";
      distribution: "chisq";
      /** null when a subgroup's own model cannot be fitted (see `unavailable`). */
      statistic: number | null;
      df: number;
      p: number | null;
      /**
       * Why the test is missing: it compares every subgroup's estimate, so one subgroup without a
       * model leaves it undefined (leaving that level out would test a different hypothesis).
       */
      unavailable?: string;
    }
  | {
      /** metafor's QM of mods = ~ factor(group): one tau² shared by all subgroups. */
      type: "common-tau2";
      distribution: "chisq" | "F";
      /** null when that model cannot be fitted (see `unavailable`). */
      statistic: number | null;
      df: number;
      df2: number | null;
      p: number | null;
      /** The common (residual) tau² of that model; null when it cannot be fitted. */
      tau2: number | null;
      /**
       * Why the test is missing, e.g. one study per subgroup leaves no degrees of freedom for a
       * common tau²; the subgroup models and the separate-tau² test stand regardless.
       */
      unavailable?: string;
    };

/** Options of {@link subgroups}: those of rma, without moderators. */
export type SubgroupOptions = Omit<RmaOptions, "mods" | "labels"> & { labels?: ArrayLike<string> };

/** One subgroup: its level and its own model (own tau²). */
export interface SubgroupModel {
  level: string;
  k: number;
  /** Indices of the studies of this level in the input. */
  indices: number[];
  /** null when this level's model cannot be fitted (see `unavailable`); the others stand. */
  model: RmaResult | null;
  /** Why the model is missing: the typed error's message, which names the remedy. */
  unavailable?: string;
}

export interface SubgroupsResult {
  kind: "subgroups";
  /** Levels in sorted order (as R's factor). */
  levels: string[];
  groups: SubgroupModel[];
  /** [separate-tau2 test, common-tau2 test] */
  tests: SubgroupTest[];
}
