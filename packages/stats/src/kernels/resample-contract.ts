/**
 * Contract of the resampling kernels (permutation test and bootstrap), written once in the kernel
 * source (@pooled/core-wasm/kernels: kernels/resample.ts, its constants in kernels/contract.ts).
 * Like the fit, they take flat Float64Arrays, return a KernelStatus and write an out block; options
 * travel in one packed Float64Array (the "resampling control block"), never as new arguments.
 */

import {
  permutationExceedQMAt,
  permutationFailedAt,
  permutationObservedAt,
  permutationObservedQMAt,
  permutationValidAt,
} from "@pooled/core-wasm/kernels";

export {
  BootstrapType,
  bootstrapRowSize,
  permutationOutSize,
  ResampleSlot,
} from "@pooled/core-wasm/kernels";

/** metafor's comptol: .Machine$double.eps^0.5. */
export const PERMUTATION_COMPTOL = 1.4901161193847656e-8;

/** Slots of the permutation kernel's out block for p coefficients (see permutationOutSize). */
export const PermutationOut = {
  exceedQM: permutationExceedQMAt,
  valid: permutationValidAt,
  failed: permutationFailedAt,
  observed: permutationObservedAt,
  observedQM: permutationObservedQMAt,
} as const;

/** Inputs of one permutation block (see permutationKernel in @pooled/core-wasm's kernels/resample.ts). */
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

/** Inputs of one bootstrap block (see bootstrapKernel in @pooled/core-wasm's kernels/resample.ts). */
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
