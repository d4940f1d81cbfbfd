/**
 * Contract of the refit kernel (the sensitivity analyses' loop: leave-one-out, influence,
 * cumulative, Baujat), shared by the TS path (kernels/js/refit.ts) and the AssemblyScript port
 * (packages/core-wasm/assembly/refit.ts). One call fits the model on every subset of its studies
 * and writes one row of raw statistics per subset; the inference (tests, CIs, I², H²) is derived in
 * TS (diagnostics/refit.ts) with the helpers rma uses.
 *
 * Subsets travel as one Float64Array, read according to the mode of the refit control block:
 * - lists: [n_0, i_0_0 .. i_0_{n_0-1}, n_1, i_1_0 ..]: subset s is the n_s listed studies, in order;
 * - leave-one-out: [o_0, o_1, ..]: subset s is every study but o_s, in input order;
 * - prefixes: an order [o_0, o_1, ..]: subset s is the first s + 1 studies of it (cumulative).
 */

/** Slots of the refit control block. */
export const RefitSlot = {
  /** A {@link RefitMode}. */
  mode: 0,
  /** Number of subsets (rows of the out block). */
  count: 1,
  /** 0 = z test, 1 = Knapp-Hartung (decides the k = p rule and whether the row's rss is written). */
  test: 2,
  /** Number of doubles in the subsets array (the kernel never reads past it). */
  length: 3,
  size: 4,
} as const;

/** How the subsets array is read (see the file comment). */
export const RefitMode = {
  lists: 0,
  leaveOneOut: 1,
  prefixes: 2,
} as const;

/** Where a subset stopped (RefitRow.stage): rma's order of checks, then the fit, then Q at 0. */
export const RefitStage = {
  /** Study count and design rank rules (rma's checks before the fit). */
  design: 0,
  /** The fit kernel. */
  fit: 1,
  /** The weighted least squares at tau² = 0 (QE and tr P for I², H²). */
  heterogeneity: 2,
  /** Every statistic written. */
  done: 3,
} as const;

/**
 * Row layout of the out block, {@link refitRowSize}(p) doubles per subset: status (KernelStatus),
 * stage (RefitStage), k of the subset, tau², iterations, QE = Q(0) = Σ (y - Xβ̂₀)²/v (uncapped),
 * tr(P) at tau² = 0 (FE weights), rss = Q(τ̂²) = Σ (y - Xβ̂)²/(v + τ̂²) (Knapp-Hartung only, else NaN),
 * then β (p) and vb = (X'WX)⁻¹ (p×p, row-major, unscaled). A failed subset keeps NaN where it
 * stopped (iterations are written when the fit did not converge).
 */
export const RefitRow = {
  status: 0,
  stage: 1,
  k: 2,
  tau2: 3,
  iterations: 4,
  QE: 5,
  trP0: 6,
  rss: 7,
  beta: 8,
} as const;

export function refitRowSize(p: number): number {
  return RefitRow.beta + p + p * p;
}

/** Inputs of one refit call (see refitKernel in kernels/js/refit.ts). */
export interface RefitBlockInput {
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
  /** refit control block (RefitSlot layout) */
  rctl: Float64Array;
  /** the subsets, packed as RefitSlot.mode says */
  subsets: Float64Array;
}
