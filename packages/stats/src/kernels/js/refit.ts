/**
 * The refit kernel, plain-TypeScript path: the model refitted on many subsets of its studies in one
 * call (leave-one-out, influence, cumulative and Baujat; Viechtbauer & Cheung 2010, Res Synth
 * Methods 1:112; Lau et al. 1992). The AssemblyScript port in packages/core-wasm/assembly/refit.ts
 * follows this file line by line. Per subset: gather its studies, apply rma's rules (design rank,
 * study counts), fit with {@link fitKernel}, take Q(τ̂²) for Knapp-Hartung and Q(0), tr(P) at 0 for
 * the heterogeneity statistics; nothing is allocated inside the loop.
 */
import { KernelStatus } from "../../errors.js";
import { ControlSlot, FitOutSlot, MethodCode } from "../contract.js";
import { RefitMode, RefitRow, RefitSlot, RefitStage, refitRowSize } from "../refit-contract.js";
import {
  createFitWorkspace,
  designHasFullRank,
  type FitWorkspace,
  fitKernel,
  fitOutSize,
  generalizedQ,
  lastRss,
  lastTrP,
} from "./fit.js";

/** Scratch memory of the refit kernel (and the fit workspace it uses). */
export interface RefitWorkspace {
  readonly kMax: number;
  readonly pMax: number;
  readonly fit: FitWorkspace;
  /** the subset's outcomes, variances, design (kMax, kMax, kMax×pMax) */
  readonly y: Float64Array;
  readonly v: Float64Array;
  readonly x: Float64Array;
  /** fit out block */
  readonly fitOut: Float64Array;
  /** generalizedQ out block */
  readonly qOut: Float64Array;
}

export function createRefitWorkspace(kMax: number, pMax: number): RefitWorkspace {
  const k = Math.max(1, kMax | 0);
  const p = Math.max(1, pMax | 0);
  return {
    kMax: k,
    pMax: p,
    fit: createFitWorkspace(k, p),
    y: new Float64Array(k),
    v: new Float64Array(k),
    x: new Float64Array(k * p),
    fitOut: new Float64Array(fitOutSize(p)),
    qOut: new Float64Array(4),
  };
}

/** Copies study i into position kk of the subset arrays; false when i is not a study index or the subset would exceed k studies. */
function gather(
  ws: RefitWorkspace,
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  i: number,
  kk: number,
): boolean {
  if (!(i >= 0 && i < k) || i !== Math.floor(i) || kk >= k) return false;
  ws.y[kk] = yi[i]!;
  ws.v[kk] = vi[i]!;
  for (let j = 0; j < p; j++) ws.x[kk * p + j] = X[i * p + j]!;
  return true;
}

/**
 * Refits the model (yi, vi, X; k studies, p columns) on `count` subsets of its studies, packed in
 * `subsets` as the refit control block's mode says (kernels/refit-contract.ts). Row s of out
 * (RefitRow layout) gets the status and the statistics of subset s, checked in rma's order:
 * - an empty subset: TOO_FEW_STUDIES (stage design);
 * - k_s >= p and X_s without full column rank (unweighted QR, as buildDesign): SINGULAR (design);
 * - k_s < p; k_s = p > 1 for a random-effects model without tau2Fixed; k_s = p under Knapp-Hartung:
 *   TOO_FEW_STUDIES (design);
 * - the fit's status (stage fit): tau², iterations, β, vb = (X'WX)⁻¹;
 * - Knapp-Hartung: rss = Q(τ̂²) from the fit's final weighted least squares;
 * - k_s > p: QE = Q(0) and tr(P) at 0, from the fit itself when τ̂² = 0 (the same numbers), else
 *   one weighted least squares at 0 (stage heterogeneity when it fails).
 *
 * @returns BAD_INPUT for an unusable call (sizes, method, control), else OK (per-subset failures
 *   are in the rows)
 */
export function refitKernel(
  ws: RefitWorkspace,
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  method: number,
  control: Float64Array,
  rctl: Float64Array,
  subsets: Float64Array,
  out: Float64Array,
): number {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  const mode = rctl[RefitSlot.mode]!;
  const count = rctl[RefitSlot.count]!;
  const knha = rctl[RefitSlot.test]! === 1;
  const length = rctl[RefitSlot.length]!;
  if (mode !== RefitMode.lists && mode !== RefitMode.leaveOneOut && mode !== RefitMode.prefixes) {
    return KernelStatus.BAD_INPUT;
  }
  // Counts are whole numbers (a fractional one would read past the subsets array).
  if (!(count >= 0) || count !== Math.floor(count)) return KernelStatus.BAD_INPUT;
  if (!(length >= 0) || length !== Math.floor(length)) return KernelStatus.BAD_INPUT;
  if (mode !== RefitMode.lists && count > length) return KernelStatus.BAD_INPUT;
  const tau2Fixed = !Number.isNaN(control[ControlSlot.tau2Fixed]!) && method !== MethodCode.FE;
  const row = refitRowSize(p);
  let cursor = 0;
  for (let s = 0; s < count; s++) {
    const at = s * row;
    for (let j = 0; j < row; j++) out[at + j] = Number.NaN;
    out[at + RefitRow.stage] = RefitStage.design;
    // gather the subset's studies into ws.y, ws.v, ws.x
    let kk = 0;
    let ok = true;
    if (mode === RefitMode.lists) {
      const n = cursor < length ? subsets[cursor]! : -1;
      if (!(n >= 0) || n !== Math.floor(n) || cursor + 1 + n > length) {
        ok = false;
        cursor = length;
      } else {
        for (let m = 0; m < n && ok; m++) {
          ok = gather(ws, yi, vi, X, k, p, subsets[cursor + 1 + m]!, kk);
          kk++;
        }
        cursor += 1 + n;
      }
    } else if (mode === RefitMode.leaveOneOut) {
      const omit = subsets[s]!;
      ok = omit >= 0 && omit < k;
      for (let i = 0; i < k && ok; i++) {
        if (i === omit) continue;
        ok = gather(ws, yi, vi, X, k, p, i, kk);
        kk++;
      }
    } else {
      for (let m = 0; m <= s && ok; m++) {
        ok = gather(ws, yi, vi, X, k, p, subsets[m]!, kk);
        kk++;
      }
    }
    if (!ok) {
      out[at + RefitRow.status] = KernelStatus.BAD_INPUT;
      continue;
    }
    out[at + RefitRow.k] = kk;
    // rma's rules, in its order (models/rma.ts and models/design.ts)
    let status: number = KernelStatus.OK;
    if (kk === 0) {
      status = KernelStatus.TOO_FEW_STUDIES;
    } else if (kk >= p && !designHasFullRank(ws.fit, ws.x, kk, p)) {
      status = KernelStatus.SINGULAR;
    } else if (
      kk < p ||
      (kk === p && p > 1 && method !== MethodCode.FE && !tau2Fixed) ||
      (kk === p && knha)
    ) {
      status = KernelStatus.TOO_FEW_STUDIES;
    }
    if (status !== KernelStatus.OK) {
      out[at + RefitRow.status] = status;
      continue;
    }
    // the fit
    out[at + RefitRow.stage] = RefitStage.fit;
    ws.fitOut[FitOutSlot.iterations] = 0;
    status = fitKernel(ws.fit, ws.y, ws.v, ws.x, kk, p, method, control, ws.fitOut);
    out[at + RefitRow.iterations] = ws.fitOut[FitOutSlot.iterations]!;
    if (status !== KernelStatus.OK) {
      out[at + RefitRow.status] = status;
      continue;
    }
    const tau2 = ws.fitOut[FitOutSlot.tau2]!;
    out[at + RefitRow.tau2] = tau2;
    for (let j = 0; j < p + p * p; j++) {
      out[at + RefitRow.beta + j] = ws.fitOut[FitOutSlot.beta + j]!;
    }
    if (knha) out[at + RefitRow.rss] = lastRss(ws.fit);
    // heterogeneity with fixed-effect weights 1/vᵢ
    out[at + RefitRow.stage] = RefitStage.heterogeneity;
    if (kk > p) {
      if (tau2 === 0) {
        out[at + RefitRow.QE] = lastRss(ws.fit);
        out[at + RefitRow.trP0] = lastTrP(ws.fit);
      } else {
        status = generalizedQ(ws.fit, ws.y, ws.v, ws.x, kk, p, 0, ws.qOut);
        if (status !== KernelStatus.OK) {
          out[at + RefitRow.status] = status;
          continue;
        }
        out[at + RefitRow.QE] = ws.qOut[0]!;
        out[at + RefitRow.trP0] = ws.qOut[2]!;
      }
    }
    out[at + RefitRow.stage] = RefitStage.done;
    out[at + RefitRow.status] = KernelStatus.OK;
  }
  return KernelStatus.OK;
}
