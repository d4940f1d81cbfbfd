/**
 * The kernel contract shared by the plain-TS reference path and the WebAssembly path
 * (shared/ARCHITECTURE.md, "The WASM boundary"; shared/STYLE.md §5–§7). The constants
 * themselves (MethodCode, ControlSlot, FitOutSlot) are defined once, in the kernel source
 * (@pooled/core-wasm/kernels, kernels/contract.ts), and re-exported here.
 *
 * Kernels work on flat typed arrays, never throw, never allocate per call once a workspace exists,
 * and report a {@link KernelStatus}. The friendly API in models/ builds the inputs, calls a kernel
 * through a {@link StatsBackend} and maps statuses to typed errors with `errorFromStatus`.
 */
import { ControlSlot } from "@pooled/core-wasm/kernels";

export { ControlSlot, FitOutSlot, fitOutSize, MethodCode } from "@pooled/core-wasm/kernels";

/**
 * Result of one model fit: the estimates the rest of the engine derives everything else from.
 * `vb` is the unscaled covariance (X'WX)^-1 with W = diag(1/(vi + tau2)), row-major p×p.
 */
export interface KernelFit {
  status: number;
  tau2: number;
  iterations: number;
  beta: Float64Array;
  vb: Float64Array;
}

/** Inputs of a fit: k studies, p columns of the design matrix X (row-major k×p, intercept included). */
export interface FitInput {
  yi: Float64Array;
  vi: Float64Array;
  X: Float64Array;
  k: number;
  p: number;
}

/**
 * Packs a control object into the control block (ControlSlot layout); absent options become NaN.
 * `into` is reused when given, so repeated fits allocate nothing.
 */
export function packControl(
  control: {
    threshold: number;
    maxIter: number;
    stepAdj: number;
    tau2Init?: number | undefined;
    tau2Fixed?: number | undefined;
    seed?: number | undefined;
  },
  into: Float64Array = new Float64Array(ControlSlot.size),
): Float64Array {
  into.fill(Number.NaN);
  into[ControlSlot.threshold] = control.threshold;
  into[ControlSlot.maxIter] = control.maxIter;
  into[ControlSlot.stepAdj] = control.stepAdj;
  if (control.tau2Init !== undefined) into[ControlSlot.tau2Init] = control.tau2Init;
  if (control.tau2Fixed !== undefined) into[ControlSlot.tau2Fixed] = control.tau2Fixed;
  if (control.seed !== undefined) into[ControlSlot.seed] = control.seed;
  return into;
}
