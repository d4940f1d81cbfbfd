/**
 * One three-level fit through a backend: packs the control block, calls the kernel
 * (kernels/multilevel.ts) on rows grouped by cluster, unpacks the out block. Shared by
 * rmaMultilevel, its profile-likelihood CIs and its likelihood-ratio tests.
 */
import { KernelStatus } from "../errors.js";
import type { StatsBackend } from "../kernels/backend.js";
import { MethodCode } from "../kernels/contract.js";
import {
  MultilevelControlSlot,
  MultilevelOutSlot,
  multilevelOutSize,
} from "../kernels/multilevel-contract.js";
import type { MultilevelControl, MultilevelMethod } from "./types.js";

/** Rows already grouped by cluster (clusters.ts), with the design matrix. */
export interface GroupedData {
  yi: Float64Array;
  vi: Float64Array;
  /** row-major k×p */
  X: Float64Array;
  k: number;
  p: number;
  starts: Int32Array;
  m: number;
}

export interface ThreeLevelFit {
  status: number;
  sigma2Between: number;
  sigma2Within: number;
  iterations: number;
  /** ML or REML log-likelihood without REML's ½·log|X'X| (rma-multilevel.ts adds it). */
  logLik: number;
  /** Q and tr(P) of the fixed-effect model, W = diag(1/v) (NaN for a fit given its starting values). */
  QE: number;
  trP0: number;
  beta: Float64Array;
  /** (X'V⁻¹X)⁻¹, row-major p×p */
  vb: Float64Array;
}

/**
 * Fits the three-level model; a non-OK status is returned, not thrown. A `refit` (profile
 * likelihoods) given both starting values skips QE and tr(P).
 */
export function fitThreeLevel(
  backend: StatsBackend,
  data: GroupedData,
  method: MultilevelMethod,
  control: MultilevelControl,
  refit = false,
): ThreeLevelFit {
  const { k, p } = data;
  const ctl = new Float64Array(MultilevelControlSlot.size).fill(Number.NaN);
  ctl[MultilevelControlSlot.threshold] = control.threshold;
  ctl[MultilevelControlSlot.maxIter] = control.maxIter;
  if (control.sigma2BetweenFixed !== undefined) {
    ctl[MultilevelControlSlot.sigma2BetweenFixed] = control.sigma2BetweenFixed;
  }
  if (control.sigma2WithinFixed !== undefined) {
    ctl[MultilevelControlSlot.sigma2WithinFixed] = control.sigma2WithinFixed;
  }
  if (control.sigma2BetweenInit !== undefined) {
    ctl[MultilevelControlSlot.sigma2BetweenInit] = control.sigma2BetweenInit;
  }
  if (control.sigma2WithinInit !== undefined) {
    ctl[MultilevelControlSlot.sigma2WithinInit] = control.sigma2WithinInit;
  }
  if (refit) ctl[MultilevelControlSlot.refit] = 1;
  const out = new Float64Array(multilevelOutSize(p)).fill(Number.NaN);
  const status = backend.multilevelFit({ ...data, method: MethodCode[method], control: ctl }, out);
  const at = MultilevelOutSlot.beta;
  return {
    status: k > 0 ? status : KernelStatus.BAD_INPUT,
    sigma2Between: out[MultilevelOutSlot.sigma2Between]!,
    sigma2Within: out[MultilevelOutSlot.sigma2Within]!,
    iterations: out[MultilevelOutSlot.iterations]!,
    logLik: out[MultilevelOutSlot.logLik]!,
    QE: out[MultilevelOutSlot.QE]!,
    trP0: out[MultilevelOutSlot.trP0]!,
    beta: out.slice(at, at + p),
    vb: out.slice(at + p, at + p + p * p),
  };
}
