/**
 * The kernels' constants, defined once for both compilers (shared/ARCHITECTURE.md, "The WASM
 * boundary"): status codes, estimator codes and the slot layouts of the packed control and out
 * blocks. TypeScript enums and AssemblyScript enums have the same syntax and the same values, so
 * the WebAssembly build and the JS path (and, through @pooled/core-wasm/kernels, packages/stats)
 * read them from this file.
 */

/** What a kernel returns: kernels never throw; stats maps a status to a typed error. */
export enum KernelStatus {
  OK = 0,
  NOT_CONVERGED = 1,
  SINGULAR = 2,
  BAD_INPUT = 3,
  TOO_FEW_STUDIES = 4,
  CANCELLED = 5,
}

/** Numeric codes of the estimators (the names are stats' `Method`). */
export enum MethodCode {
  FE = 0,
  DL = 1,
  HE = 2,
  HS = 3,
  SJ = 4,
  ML = 5,
  REML = 6,
  EB = 7,
  PM = 8,
}

/**
 * Slots of the packed control block of a fit (one array of doubles), so that a new option never
 * changes a kernel's signature. NaN means "not given".
 */
export enum ControlSlot {
  /** Convergence: |change in tau²| at most this. */
  threshold = 0,
  /** Iteration bound of the iterative estimators. */
  maxIter = 1,
  /** Step length factor (metafor's stepadj). */
  stepAdj = 2,
  /** Starting value for iterative estimators; NaN = metafor's default (max(0, HE)). */
  tau2Init = 3,
  /** Fix tau² at this value instead of estimating it; NaN = estimate. */
  tau2Fixed = 4,
  /** Seed for resampling kernels (uint32 stored as a double). */
  seed = 5,
  size = 8,
}

/**
 * Layout of the fit kernel's out block ({@link fitOutSize}(p) doubles): tau², iterations, then β
 * (p values), then vb = (X'WX)⁻¹ row-major (p×p).
 */
export enum FitOutSlot {
  tau2 = 0,
  iterations = 1,
  beta = 2,
}

/** Size of the fit kernel's out block for p columns. */
export function fitOutSize(p: i32): i32 {
  return FitOutSlot.beta + p + p * p;
}

/** Slots of the resampling control block (permutation test and bootstrap). */
export enum ResampleSlot {
  /** Permutation: 0 = sign flips (intercept-only), 1 = permute the rows of X. Bootstrap: a {@link BootstrapType}. */
  mode = 0,
  /** Permutation: 1 = enumerate arrangements by rank, 0 = random arrangements. */
  exact = 1,
  /** Exact: rank of the first arrangement; random: the block (stream) index. */
  start = 2,
  /** Number of arrangements / replicates in this call. */
  count = 3,
  /** The user's seed (uint32). */
  seed = 4,
  /** 0 = z test, 1 = Knapp-Hartung (t and F). */
  test = 5,
  /** Coefficients [bttFrom, bttTo) enter the omnibus test QM. */
  bttFrom = 6,
  bttTo = 7,
  /** Tolerance of the comparisons |z*| >= |z| - tol, QM* >= QM - tol (metafor: sqrt(eps)). */
  comptol = 8,
  /** Number of distinct rows of X (row permutations) or of clusters (bootstrap). */
  groups = 9,
  size = 16,
}

/** Bootstrap resampling schemes (ResampleSlot.mode of the bootstrap kernel). */
export enum BootstrapType {
  /** Draw clusters (studies when each study is its own cluster) with replacement. */
  cases = 0,
  /** yi* ~ N(fitted_i, vi + tau²), X and vi fixed (metafor's parametric bootstrap example). */
  parametric = 1,
  /** Leave-one-cluster-out refits, replicate r leaves out cluster start + r (for BCa's acceleration). */
  jackknife = 2,
}

/**
 * Out block of the permutation kernel for p coefficients ({@link permutationOutSize}(p) doubles):
 * counts of |z*_j| >= |z_j| - tol (p values from slot 0), then the count of QM* >= QM - tol, the
 * number of successful refits, the number of failed refits, the observed z (or t) statistics (p)
 * and the observed QM. These functions give each slot.
 */
export function permutationExceedQMAt(p: i32): i32 {
  return p;
}
export function permutationValidAt(p: i32): i32 {
  return p + 1;
}
export function permutationFailedAt(p: i32): i32 {
  return p + 2;
}
export function permutationObservedAt(p: i32): i32 {
  return p + 3;
}
export function permutationObservedQMAt(p: i32): i32 {
  return 2 * p + 3;
}
export function permutationOutSize(p: i32): i32 {
  return 2 * p + 4;
}

/**
 * Each bootstrap replicate writes one row of {@link bootstrapRowSize}(p) doubles:
 * [status, β_0 .. β_{p-1}, tau², I² (percent)]; a failed refit keeps its status and NaN values.
 */
export function bootstrapRowSize(p: i32): i32 {
  return p + 3;
}

/** Slots of the refit control block. */
export enum RefitSlot {
  /** A {@link RefitMode}. */
  mode = 0,
  /** Number of subsets (rows of the out block). */
  count = 1,
  /** 0 = z test, 1 = Knapp-Hartung (decides the k = p rule and whether the row's rss is written). */
  test = 2,
  /** Number of doubles in the subsets array (the kernel never reads past it). */
  length = 3,
  size = 4,
}

/**
 * How the subsets array of the refit kernel is read:
 * - lists: [n_0, i_0_0 .. i_0_{n_0-1}, n_1, i_1_0 ..]: subset s is the n_s listed studies, in order;
 * - leaveOneOut: [o_0, o_1, ..]: subset s is every study but o_s, in input order;
 * - prefixes: an order [o_0, o_1, ..]: subset s is the first s + 1 studies of it (cumulative).
 */
export enum RefitMode {
  lists = 0,
  leaveOneOut = 1,
  prefixes = 2,
}

/** Where a subset stopped (RefitRow.stage): rma's order of checks, then the fit, then Q at 0. */
export enum RefitStage {
  /** Study count and design rank rules (rma's checks before the fit). */
  design = 0,
  /** The fit kernel. */
  fit = 1,
  /** The weighted least squares at tau² = 0 (QE and tr P for I², H²). */
  heterogeneity = 2,
  /** Every statistic written. */
  done = 3,
}

/**
 * Row layout of the refit out block, {@link refitRowSize}(p) doubles per subset: status, stage
 * (RefitStage), k of the subset, tau², iterations, QE = Q(0) = Σ (y - Xβ̂₀)²/v (uncapped), tr(P) at
 * tau² = 0 (FE weights), rss = Q(τ̂²) = Σ (y - Xβ̂)²/(v + τ̂²) (Knapp-Hartung only, else NaN), then β
 * (p) and vb = (X'WX)⁻¹ (p×p, row-major, unscaled). A failed subset keeps NaN where it stopped
 * (iterations are written when the fit did not converge).
 */
export enum RefitRow {
  status = 0,
  stage = 1,
  k = 2,
  tau2 = 3,
  iterations = 4,
  QE = 5,
  trP0 = 6,
  rss = 7,
  beta = 8,
}

export function refitRowSize(p: i32): i32 {
  return RefitRow.beta + p + p * p;
}

/** Slots of the three-level kernel's control block (multilevel.ts). NaN means "not given". */
export enum MultilevelControlSlot {
  /** Convergence: the largest change of a variance component at most this times the mean vi. */
  threshold = 0,
  /** Iteration bound. */
  maxIter = 1,
  /** Fix σ²_between (clusters) at this value; NaN = estimate. */
  sigma2BetweenFixed = 2,
  /** Fix σ²_within (experiments in a cluster) at this value; NaN = estimate. */
  sigma2WithinFixed = 3,
  /** Starting values; NaN = the kernel's (half a DL-type total each). */
  sigma2BetweenInit = 4,
  sigma2WithinInit = 5,
  /**
   * 1: a refit that needs neither QE nor tr(P) (resampling, profile likelihoods); with both
   * components started or fixed, the fixed-effect pass is skipped (QE, tr(P) NaN). NaN or 0: a fit.
   */
  refit = 6,
  size = 8,
}

/**
 * Out block of the three-level kernel ({@link multilevelOutSize}(p) doubles): σ²_b, σ²_w,
 * iterations, the log-likelihood (ML, or REML without the constant ½·log|X'X|), QE and tr(P) of
 * the fixed-effect model (W = 1/v; NaN for a refit, MultilevelControlSlot.refit), then β (p) and
 * vb = (X'V⁻¹X)⁻¹ row-major (p×p).
 */
export enum MultilevelOutSlot {
  sigma2Between = 0,
  sigma2Within = 1,
  iterations = 2,
  logLik = 3,
  QE = 4,
  trP0 = 5,
  beta = 6,
}

export function multilevelOutSize(p: i32): i32 {
  return MultilevelOutSlot.beta + p + p * p;
}
