/**
 * Contract of the three-level kernel (experiments nested in clusters), written once in the kernel
 * source (@pooled/core-wasm/kernels: kernels/multilevel.ts, its constants in kernels/contract.ts).
 * Rows travel sorted by cluster; `starts` says where each of the m clusters begins.
 */

export {
  MultilevelControlSlot,
  MultilevelOutSlot,
  MultilevelPermutationMode,
  multilevelBootstrapRowSize,
  multilevelOutSize,
} from "@pooled/core-wasm/kernels";

/** Inputs of one three-level fit (see multilevelKernel in kernels/multilevel.ts). */
export interface MultilevelBlockInput {
  yi: Float64Array;
  vi: Float64Array;
  /** design matrix, row-major k×p, rows sorted by cluster */
  X: Float64Array;
  k: number;
  p: number;
  /** m + 1 offsets: cluster j is rows [starts[j], starts[j + 1]) */
  starts: Int32Array;
  m: number;
  /** MethodCode.ML or MethodCode.REML */
  method: number;
  /** control block (MultilevelControlSlot layout) */
  control: Float64Array;
}

/**
 * Inputs of one block of the three-level permutation test or bootstrap
 * (kernels/multilevel-resample.ts): the data as for a fit, the resampling control block
 * (ResampleSlot layout) and, for the bootstrap, the largest resample (m × the largest cluster).
 */
export interface MultilevelResampleInput extends MultilevelBlockInput {
  rctl: Float64Array;
  kMax: number;
}
