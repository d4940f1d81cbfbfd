/**
 * Contract of the resampling kernels (permutation test and bootstrap), shared by the TS path
 * (kernels/js/resample.ts) and the AssemblyScript port (packages/core-wasm/assembly/resample.ts).
 * Like the fit, they take flat Float64Arrays, return a KernelStatus and write an out block; options
 * travel in one packed Float64Array (the "resampling control block"), never as new arguments.
 */

/** Slots of the resampling control block. */
export const ResampleSlot = {
  /** Permutation: 0 = sign flips (intercept-only), 1 = permute the rows of X. Bootstrap: {@link BootstrapType}. */
  mode: 0,
  /** Permutation: 1 = enumerate arrangements by rank, 0 = random arrangements. */
  exact: 1,
  /** Exact: rank of the first arrangement; random: the block (stream) index. */
  start: 2,
  /** Number of arrangements / replicates in this call. */
  count: 3,
  /** The user's seed (uint32). */
  seed: 4,
  /** 0 = z test, 1 = Knapp-Hartung (t and F). */
  test: 5,
  /** Coefficients [bttFrom, bttTo) enter the omnibus test QM. */
  bttFrom: 6,
  bttTo: 7,
  /** Tolerance of the comparisons |z*| >= |z| - tol, QM* >= QM - tol (metafor: sqrt(eps)). */
  comptol: 8,
  /** Number of distinct rows of X (row permutations) or of clusters (bootstrap). */
  groups: 9,
  size: 16,
} as const;

/** Bootstrap resampling schemes (ResampleSlot.mode of the bootstrap kernel). */
export const BootstrapType = {
  /** Draw clusters (studies when each study is its own cluster) with replacement. */
  case: 0,
  /** yi* ~ N(fitted_i, vi + tau²), X and vi fixed (metafor's parametric bootstrap example). */
  parametric: 1,
  /** Leave-one-cluster-out refits, replicate r leaves out cluster start + r (for BCa's acceleration). */
  jackknife: 2,
} as const;

/** metafor's comptol: .Machine$double.eps^0.5. */
export const PERMUTATION_COMPTOL = 1.4901161193847656e-8;

/**
 * Out block of the permutation kernel for p coefficients (length {@link permutationOutSize}):
 * counts of |z*_j| >= |z_j| - tol (p), count of QM* >= QM - tol, number of successful refits,
 * number of failed refits, then the observed z (or t) statistics (p) and the observed QM.
 */
export const PermutationOut = {
  exceedQM: (p: number) => p,
  valid: (p: number) => p + 1,
  failed: (p: number) => p + 2,
  observed: (p: number) => p + 3,
  observedQM: (p: number) => 2 * p + 3,
} as const;

export function permutationOutSize(p: number): number {
  return 2 * p + 4;
}

/**
 * Each bootstrap replicate writes one row of {@link bootstrapRowSize}(p) doubles:
 * [status, β_0 .. β_{p-1}, tau², I² (percent)]; a failed refit keeps its status and NaN values.
 */
export function bootstrapRowSize(p: number): number {
  return p + 3;
}

/** Inputs of one permutation block (see permutationKernel in kernels/js/resample.ts). */
export interface PermutationBlockInput {
  yi: Float64Array;
  vi: Float64Array;
  /** design matrix, row-major k×p */
  X: Float64Array;
  k: number;
  p: number;
  /** a MethodCode */
  method: number;
  /** fit control block (ControlSlot layout) */
  control: Float64Array;
  /** resampling control block (ResampleSlot layout) */
  rctl: Float64Array;
  /** class label of each study's row of X (row permutations), k values */
  labels: Float64Array;
  /** the distinct rows of X, groups×p */
  classRows: Float64Array;
}

/** Inputs of one bootstrap block (see bootstrapKernel in kernels/js/resample.ts). */
export interface BootstrapBlockInput {
  yi: Float64Array;
  vi: Float64Array;
  X: Float64Array;
  k: number;
  p: number;
  /** largest possible resample size (clusters × largest cluster) */
  kMax: number;
  method: number;
  control: Float64Array;
  rctl: Float64Array;
  /** cluster g holds studies members[from[g] .. from[g+1]) (groups + 1 values) */
  from: Float64Array;
  members: Float64Array;
  /** parametric bootstrap: fitted values and sqrt(vi + tau²) of the original fit */
  fitted: Float64Array;
  sdev: Float64Array;
}
