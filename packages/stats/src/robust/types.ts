/**
 * Types of cluster-robust inference: the CR2 sandwich estimator with Satterthwaite degrees of
 * freedom and the HTZ Wald test (Pustejovsky & Tipton 2018, J Bus Econ Stat 36(4); as R's
 * clubSandwich: coef_test(fit, vcov = "CR2", cluster = ...), Wald_test(..., test = "HTZ")).
 */

/**
 * A fitted working model whose coefficients are tested cluster-robustly: generalised least squares
 * with the marginal covariance V_j = diag(v_ij + sigma2Within) + sigma2Between·11' of each cluster
 * j. The standard random-effects model is sigma2Between = 0, sigma2Within = tau²; the fixed-effect
 * model has both 0. Weights are V⁻¹ (inverse-variance weights, clubSandwich's default for rma).
 */
export interface RobustInput {
  yi: ArrayLike<number>;
  vi: ArrayLike<number>;
  /** Design matrix, row-major k×p (intercept column included). */
  X: ArrayLike<number>;
  k: number;
  p: number;
  /** Cluster (publication) of each row. */
  cluster: ArrayLike<string>;
  sigma2Between: number;
  sigma2Within: number;
  /** Column names of X, carried into the result. */
  termNames: readonly string[];
  /** Confidence level in percent; default 95. */
  level?: number;
  /** Coefficients (indices into X's columns) of the HTZ Wald test; default all but the intercept (or the intercept alone when p = 1). */
  waldCoefficients?: readonly number[];
}

/** One coefficient with its CR2 standard error and Satterthwaite t test. */
export interface RobustCoefficient {
  name: string;
  estimate: number;
  /** sqrt of the CR2 variance. */
  se: number;
  /** Satterthwaite degrees of freedom (clubSandwich's df_Satt). */
  df: number;
  /** t = estimate / se. */
  statistic: number;
  /** Two-sided p from t(df). */
  p: number;
  /** estimate ± qt(1 - α/2, df)·se. */
  ciLower: number;
  ciUpper: number;
}

/** The HTZ Wald test (Hotelling's T² approximation; Tipton & Pustejovsky 2015). */
export interface RobustWaldTest {
  test: "HTZ";
  /** The F statistic clubSandwich reports (Fstat). */
  statistic: number;
  /** Numerator df (the number of constraints q). */
  df1: number;
  /** Denominator df (clubSandwich's df_denom). */
  df2: number;
  p: number;
  /** Indices of the coefficients tested. */
  coefficients: number[];
}

export interface RobustResult {
  type: "CR2";
  /** Number of clusters. */
  clusters: number;
  coefficients: RobustCoefficient[];
  /** CR2 covariance of the coefficients, p×p. */
  vcov: number[][];
  /** null when the test is undefined (e.g. fewer clusters than constraints); see notes. */
  wald: RobustWaldTest | null;
  notes: string[];
}
