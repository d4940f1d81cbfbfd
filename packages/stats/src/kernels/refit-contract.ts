/**
 * Contract of the refit kernel (the sensitivity analyses' loop: leave-one-out, influence,
 * cumulative, Baujat), written once in the kernel source (@pooled/core-wasm/kernels:
 * kernels/refit.ts, its constants in kernels/contract.ts). One call fits the model on every subset
 * of its studies and writes one row of raw statistics per subset; the inference (tests, CIs, I²,
 * H²) is derived in TS (diagnostics/refit.ts) with the helpers rma uses.
 *
 * Subsets travel as one Float64Array, read according to the mode of the refit control block:
 * - lists: [n_0, i_0_0 .. i_0_{n_0-1}, n_1, i_1_0 ..]: subset s is the n_s listed studies, in order;
 * - leave-one-out: [o_0, o_1, ..]: subset s is every study but o_s, in input order;
 * - prefixes: an order [o_0, o_1, ..]: subset s is the first s + 1 studies of it (cumulative).
 */

export {
  RefitMode,
  RefitRow,
  RefitSlot,
  RefitStage,
  refitRowSize,
} from "@pooled/core-wasm/kernels";

/** Inputs of one refit call (see refitKernel in @pooled/core-wasm's kernels/refit.ts). */
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
