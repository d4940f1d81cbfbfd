/**
 * Contract of the GOSH kernel (Olkin, Dahabreh & Trikalinos 2012; metafor's gosh), written once in
 * the kernel source (@pooled/core-wasm/kernels: kernels/gosh.ts). One call fits a block of subsets
 * of an intercept-only model's studies (an index range of the 2^k - 1 non-empty subsets, or random
 * subsets from one stream of the seed) and writes a column-major out block: estimate, tau², Q, I²,
 * H², k, status, then the membership words of random subsets (GoshColumn). The block travels in
 * the resampling control block (ResampleSlot: exact, start, count, seed), so the resampling
 * machinery of inference/ runs it on workers like a bootstrap block.
 */

export {
  GOSH_MAX_EXHAUSTIVE_K,
  GoshColumn,
  goshOutSize,
  goshWords,
} from "@pooled/core-wasm/kernels";

/** Inputs of one GOSH block (see goshKernel in @pooled/core-wasm's kernels/gosh.ts). */
export interface GoshBlockInput {
  yi: Float64Array;
  vi: Float64Array;
  k: number;
  /** a MethodCode */
  method: number;
  /** fit control block (ControlSlot layout) */
  control: Float64Array;
  /** resampling control block (ResampleSlot layout: exact, start, count, seed) */
  rctl: Float64Array;
}
