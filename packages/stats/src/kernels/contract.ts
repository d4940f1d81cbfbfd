/**
 * The kernel contract shared by the plain-TS reference path and the WebAssembly path
 * (shared/ARCHITECTURE.md, "The WASM boundary"; shared/STYLE.md §5–§7).
 *
 * Kernels work on flat typed arrays, never throw, never allocate per call once a workspace exists,
 * and report a {@link KernelStatus}. The friendly API in models/ builds the inputs, calls a kernel
 * through a {@link StatsBackend} and maps statuses to typed errors with `errorFromStatus`.
 */
import type { Method } from "../types.js";

/** Numeric codes for the estimators, identical in TS and AssemblyScript. */
export const MethodCode = {
  FE: 0,
  DL: 1,
  HE: 2,
  HS: 3,
  SJ: 4,
  ML: 5,
  REML: 6,
  EB: 7,
  PM: 8,
} as const satisfies Record<Method, number>;

/**
 * Layout of the packed control block (one Float64Array), so that a new option never changes a
 * kernel's signature. NaN means "not given".
 */
export const ControlSlot = {
  threshold: 0,
  maxIter: 1,
  stepAdj: 2,
  /** Starting value for iterative estimators; NaN = metafor's default (max(0, HE)). */
  tau2Init: 3,
  /** Fix tau² at this value instead of estimating it; NaN = estimate. */
  tau2Fixed: 4,
  /** Seed for resampling kernels (uint32 stored as a double). */
  seed: 5,
  size: 8,
} as const;

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
 * Layout of the fit kernel's out block (Float64Array of FitOutSlot.beta + p + p·p doubles):
 * tau2, iterations, then β (p values), then vb = (X'WX)⁻¹ row-major (p×p).
 */
export const FitOutSlot = {
  tau2: 0,
  iterations: 1,
  beta: 2,
} as const;

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
