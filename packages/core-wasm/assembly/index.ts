/**
 * Exports of the Pooled WebAssembly core: numbers and pointers only (shared/ARCHITECTURE.md).
 *
 * Protocol, per top-level call: the host calls `reset()`, `alloc()`s and fills its inputs and out
 * block, calls one kernel (which allocates its workspace from the same arena, after the inputs),
 * reads the out block, and rebuilds its views of `memory` (it may have grown). Kernels return an
 * i32 KernelStatus and never trap on bad data.
 */
import { fitKernel, generalizedQ, prepareFitWorkspace } from "./fit";
import { allocF64, resetArena, st } from "./memory";
import { nextBelow, nextNormal, nextU32, nextUniform, seedStream } from "./prng";
import { prepareRefitWorkspace, refitKernel } from "./refit";
import { bootstrapKernel, permutationKernel, prepareResampleWorkspace } from "./resample";

/** Allocates `bytes` bytes (16-byte aligned) in the current arena. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Empties the arena (start of a top-level call). */
export function reset(): void {
  resetArena();
}

/** Fit kernel: see packages/stats/src/kernels/js/fit.ts (fitKernel). */
export function fit(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  out: usize,
): i32 {
  prepareFitWorkspace(k, p);
  return fitKernel(yi, vi, X, k, p, method, control, out);
}

/** Generalised Q statistic at tau2: see generalizedQ in the TS fit kernel. */
export function qstat(yi: usize, vi: usize, X: usize, k: i32, p: i32, tau2: f64, out: usize): i32 {
  prepareFitWorkspace(k, p);
  return generalizedQ(yi, vi, X, k, p, tau2, out);
}

/** One block of the permutation test: see permutationKernel in kernels/js/resample.ts. */
export function permutation(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  rctl: usize,
  labels: usize,
  classRows: usize,
  out: usize,
): i32 {
  prepareResampleWorkspace(k, p);
  return permutationKernel(yi, vi, X, k, p, method, control, rctl, labels, classRows, out);
}

/**
 * One block of bootstrap replicates: see bootstrapKernel in kernels/js/resample.ts. kMax bounds
 * the size of a resample (clusters × the largest cluster).
 */
export function bootstrap(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  kMax: i32,
  method: i32,
  control: usize,
  rctl: usize,
  from: usize,
  members: usize,
  fitted: usize,
  sdev: usize,
  out: usize,
): i32 {
  prepareResampleWorkspace(kMax, p);
  return bootstrapKernel(yi, vi, X, k, p, method, control, rctl, from, members, fitted, sdev, out);
}

/**
 * Refits the model on many subsets of its studies in one call (leave-one-out, influence,
 * cumulative, Baujat): see refitKernel in kernels/js/refit.ts and kernels/refit-contract.ts.
 */
export function refit(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  rctl: usize,
  subsets: usize,
  out: usize,
): i32 {
  prepareRefitWorkspace(k, p);
  return refitKernel(yi, vi, X, k, p, method, control, rctl, subsets, out);
}

/**
 * Fills out with n draws of stream `stream` of `seed` (kind 0: uint32, 1: uniform, 2: normal,
 * 3: integers below `bound`), so tests can compare the stream with the TS generator.
 */
export function prngFill(seed: u32, stream: u32, kind: i32, bound: f64, n: i32, out: usize): void {
  seedStream(seed, stream);
  for (let i = 0; i < n; i++) {
    let x: f64 = 0;
    if (kind == 0) x = <f64>nextU32();
    else if (kind == 1) x = nextUniform();
    else if (kind == 2) x = nextNormal();
    else x = <f64>nextBelow(<u64>bound);
    st(out, i, x);
  }
}

/** Scratch allocation of n doubles (exported for the host's convenience). */
export function allocDoubles(n: i32): usize {
  return allocF64(n);
}
