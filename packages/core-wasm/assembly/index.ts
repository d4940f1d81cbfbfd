/**
 * Exports of the Pooled WebAssembly core: the kernels of ../kernels (the one source, also compiled
 * to JS for stats' reference path) behind numbers and pointers only (shared/ARCHITECTURE.md).
 *
 * Protocol, per top-level call: the host calls `reset()`, `alloc()`s and fills its inputs and out
 * block, calls one kernel (which allocates its workspace from the same arena, after the inputs),
 * reads the out block, and rebuilds its views of `memory` (it may have grown). An array argument
 * is the address of its first element (assembly/lib/#kernel-arrays.ts). Kernels return an i32
 * KernelStatus and never trap on bad data.
 */
import { FitWorkspace, fitKernel, generalizedQ } from "../kernels/fit.ts";
import { GoshWorkspace, goshKernel } from "../kernels/gosh.ts";
import { MultilevelWorkspace, multilevelKernel } from "../kernels/multilevel.ts";
import {
  MultilevelResampleWorkspace,
  multilevelBootstrapKernel,
  multilevelPermutationKernel,
} from "../kernels/multilevel-resample.ts";
import {
  nextBelow,
  nextNormal,
  nextU32,
  nextUniform,
  seedStream,
  unsigned,
} from "../kernels/prng.ts";
import { RefitWorkspace, refitKernel } from "../kernels/refit.ts";
import { bootstrapKernel, permutationKernel, ResampleWorkspace } from "../kernels/resample.ts";

/** Allocates `bytes` bytes (16-byte aligned) in the current arena. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Empties the arena (start of a top-level call): everything allocated before becomes invalid. */
export function reset(): void {
  __reset();
}

/** Fit kernel: see kernels/fit.ts (fitKernel). */
export function fit(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  control: F64s,
  out: F64s,
): i32 {
  return fitKernel(new FitWorkspace(k, p), yi, vi, X, k, p, method, control, out);
}

/** Generalised Q statistic at tau2: see generalizedQ in kernels/fit.ts. */
export function qstat(yi: F64s, vi: F64s, X: F64s, k: i32, p: i32, tau2: f64, out: F64s): i32 {
  return generalizedQ(new FitWorkspace(k, p), yi, vi, X, k, p, tau2, out);
}

/** One block of the permutation test: see permutationKernel in kernels/resample.ts. */
export function permutation(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  labels: F64s,
  classRows: F64s,
  out: F64s,
): i32 {
  const ws = new ResampleWorkspace(k, p);
  return permutationKernel(ws, yi, vi, X, k, p, method, control, rctl, labels, classRows, out);
}

/**
 * One block of bootstrap replicates: see bootstrapKernel in kernels/resample.ts. kMax bounds
 * the size of a resample (clusters × the largest cluster).
 */
export function bootstrap(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  kMax: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  from: F64s,
  members: F64s,
  fitted: F64s,
  sdev: F64s,
  out: F64s,
): i32 {
  const ws = new ResampleWorkspace(kMax > k ? kMax : k, p);
  return bootstrapKernel(
    ws,
    yi,
    vi,
    X,
    k,
    p,
    method,
    control,
    rctl,
    from,
    members,
    fitted,
    sdev,
    out,
  );
}

/** Refits the model on many subsets of its studies in one call: see kernels/refit.ts. */
export function refit(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  subsets: F64s,
  out: F64s,
): i32 {
  const ws = new RefitWorkspace(k, p);
  return refitKernel(ws, yi, vi, X, k, p, method, control, rctl, subsets, out);
}

/**
 * One block of a GOSH run (every subset in an index range, or random subsets from one stream):
 * see kernels/gosh.ts.
 */
export function gosh(
  yi: F64s,
  vi: F64s,
  k: i32,
  method: i32,
  control: F64s,
  gctl: F64s,
  out: F64s,
): i32 {
  return goshKernel(new GoshWorkspace(k), yi, vi, k, method, control, gctl, out);
}

/** Three-level model fit (rows sorted by cluster; starts has m + 1 entries): kernels/multilevel.ts. */
export function multilevel(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  method: i32,
  control: F64s,
  out: F64s,
): i32 {
  const ws = new MultilevelWorkspace(k, p);
  return multilevelKernel(ws, yi, vi, X, k, p, starts, m, method, control, out);
}

/** One block of the three-level permutation test: kernels/multilevel-resample.ts. */
export function multilevelPermutation(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  out: F64s,
): i32 {
  const ws = new MultilevelResampleWorkspace(k, p, m);
  return multilevelPermutationKernel(ws, yi, vi, X, k, p, starts, m, method, control, rctl, out);
}

/** One block of the three-level cluster bootstrap; kMax bounds a resample's rows. */
export function multilevelBootstrap(
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  kMax: i32,
  starts: I32s,
  m: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  out: F64s,
): i32 {
  const ws = new MultilevelResampleWorkspace(kMax > k ? kMax : k, p, m);
  return multilevelBootstrapKernel(ws, yi, vi, X, k, p, starts, m, method, control, rctl, out);
}

/**
 * Fills out with n draws of stream `stream` of `seed` (kind 0: uint32, 1: uniform, 2: normal,
 * 3: integers below `bound`), so tests can compare the stream with the JS build of the generator.
 */
export function prngFill(seed: f64, stream: f64, kind: i32, bound: f64, n: i32, out: F64s): void {
  const state = newI32s(4);
  seedStream(state, seed, stream);
  for (let i = 0; i < n; i++) {
    let x: f64 = 0;
    if (kind === 0) x = unsigned(nextU32(state));
    else if (kind === 1) x = nextUniform(state);
    else if (kind === 2) x = nextNormal(state);
    else x = nextBelow(state, bound);
    out[i] = x;
  }
}
