/**
 * The refit kernel: the model refitted on many subsets of its studies in one call (leave-one-out,
 * influence, cumulative and Baujat; Viechtbauer & Cheung 2010, Res Synth Methods 1:112; Lau et al.
 * 1992). Per subset: gather its studies, apply rma's rules (design rank, study counts), fit with
 * {@link fitKernel}, take Q(τ̂²) for Knapp-Hartung and Q(0), tr(P) at 0 for the heterogeneity
 * statistics; nothing is allocated inside the loop. The inference (tests, CIs, I², H²) is derived
 * in stats (diagnostics/refit.ts) with the helpers rma uses.
 */
import { F64s, I32s, newF64s, newI32s } from "#kernel-arrays";
import {
  ControlSlot,
  FitOutSlot,
  fitOutSize,
  KernelStatus,
  MethodCode,
  RefitMode,
  RefitRow,
  RefitSlot,
  RefitStage,
  refitRowSize,
} from "./contract.ts";
import {
  designHasFullRank,
  FitWorkspace,
  fitKernel,
  generalizedQ,
  lastRss,
  lastTrP,
} from "./fit.ts";

/** Scratch memory of the refit kernel (and the fit workspace it uses). */
export class RefitWorkspace {
  readonly kMax: i32;
  readonly pMax: i32;
  readonly fit: FitWorkspace;
  /** the subset's outcomes, variances, design (kMax, kMax, kMax×pMax) */
  readonly y: F64s;
  readonly v: F64s;
  readonly x: F64s;
  /** fit out block */
  readonly fitOut: F64s;
  /** generalizedQ out block */
  readonly qOut: F64s;
  /** the lists mode's read position in the subsets array */
  readonly cursor: I32s;

  constructor(kMax: i32, pMax: i32) {
    const k = kMax > 1 ? kMax : 1;
    const p = pMax > 1 ? pMax : 1;
    this.kMax = k;
    this.pMax = p;
    this.fit = new FitWorkspace(k, p);
    this.y = newF64s(k);
    this.v = newF64s(k);
    this.x = newF64s(k * p);
    this.fitOut = newF64s(fitOutSize(p));
    this.qOut = newF64s(4);
    this.cursor = newI32s(1);
  }
}

/**
 * Copies study `index` into position kk of the subset arrays; false when it is not a study index
 * or the subset would exceed k studies.
 */
function gather(
  ws: RefitWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  index: f64,
  kk: i32,
): bool {
  if (!(index >= 0 && index < <f64>k) || index !== Math.floor(index) || kk >= k) return false;
  const i = <i32>index;
  const x = ws.x;
  ws.y[kk] = yi[i];
  ws.v[kk] = vi[i];
  for (let j = 0; j < p; j++) x[kk * p + j] = X[i * p + j];
  return true;
}

/** Gathers subset s into the workspace; returns its size, or -1 when the subsets array is unusable. */
function gatherSubset(
  ws: RefitWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  mode: i32,
  s: i32,
  subsets: F64s,
  length: i32,
): i32 {
  const cursor = ws.cursor;
  let kk = 0;
  if (mode === RefitMode.lists) {
    const at = cursor[0];
    const n: f64 = at < length ? subsets[at] : -1;
    if (!(n >= 0) || n !== Math.floor(n) || <f64>at + 1 + n > <f64>length) {
      cursor[0] = length;
      return -1;
    }
    const count = <i32>n;
    cursor[0] = at + 1 + count; // the next subset starts there, whether this one is usable or not
    for (let m = 0; m < count; m++) {
      if (!gather(ws, yi, vi, X, k, p, subsets[at + 1 + m], kk)) return -1;
      kk++;
    }
  } else if (mode === RefitMode.leaveOneOut) {
    const omit = subsets[s];
    if (!(omit >= 0 && omit < <f64>k)) return -1;
    for (let i = 0; i < k; i++) {
      if (<f64>i === omit) continue;
      if (!gather(ws, yi, vi, X, k, p, <f64>i, kk)) return -1;
      kk++;
    }
  } else {
    for (let m = 0; m <= s; m++) {
      if (!gather(ws, yi, vi, X, k, p, subsets[m], kk)) return -1;
      kk++;
    }
  }
  return kk;
}

/**
 * Refits the model (yi, vi, X; k studies, p columns) on `count` subsets of its studies, packed in
 * `subsets` as the refit control block's mode says (contract.ts, RefitMode). Row s of out
 * (RefitRow layout) gets the status and the statistics of subset s, checked in rma's order:
 * - an empty subset: TOO_FEW_STUDIES (stage design);
 * - k_s >= p and X_s without full column rank (unweighted QR, as stats' design builder): SINGULAR;
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
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  const modeValue = rctl[RefitSlot.mode];
  const countValue = rctl[RefitSlot.count];
  const knha = rctl[RefitSlot.test] === 1;
  const lengthValue = rctl[RefitSlot.length];
  if (
    modeValue !== RefitMode.lists &&
    modeValue !== RefitMode.leaveOneOut &&
    modeValue !== RefitMode.prefixes
  ) {
    return KernelStatus.BAD_INPUT;
  }
  // Counts are whole numbers (a fractional one would read past the subsets array).
  if (!(countValue >= 0) || countValue !== Math.floor(countValue) || countValue > 2147483647) {
    return KernelStatus.BAD_INPUT;
  }
  if (!(lengthValue >= 0) || lengthValue !== Math.floor(lengthValue) || lengthValue > 2147483647) {
    return KernelStatus.BAD_INPUT;
  }
  if (modeValue !== RefitMode.lists && countValue > lengthValue) return KernelStatus.BAD_INPUT;
  const mode = <i32>modeValue;
  const count = <i32>countValue;
  const length = <i32>lengthValue;
  const tau2Fixed = !isNaN(control[ControlSlot.tau2Fixed]) && method !== MethodCode.FE;
  const row = refitRowSize(p);
  ws.cursor[0] = 0;
  for (let s = 0; s < count; s++) {
    const at = s * row;
    for (let j = 0; j < row; j++) out[at + j] = NaN;
    out[at + RefitRow.stage] = <f64>RefitStage.design;
    const kk = gatherSubset(ws, yi, vi, X, k, p, mode, s, subsets, length);
    if (kk < 0) {
      out[at + RefitRow.status] = <f64>KernelStatus.BAD_INPUT;
      continue;
    }
    out[at + RefitRow.k] = <f64>kk;
    // rma's rules, in its order (stats: models/rma.ts and models/design.ts)
    let status: i32 = KernelStatus.OK;
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
      out[at + RefitRow.status] = <f64>status;
      continue;
    }
    // the fit
    out[at + RefitRow.stage] = <f64>RefitStage.fit;
    ws.fitOut[FitOutSlot.iterations] = 0;
    status = fitKernel(ws.fit, ws.y, ws.v, ws.x, kk, p, method, control, ws.fitOut);
    out[at + RefitRow.iterations] = ws.fitOut[FitOutSlot.iterations];
    if (status !== KernelStatus.OK) {
      out[at + RefitRow.status] = <f64>status;
      continue;
    }
    const tau2 = ws.fitOut[FitOutSlot.tau2];
    out[at + RefitRow.tau2] = tau2;
    for (let j = 0; j < p + p * p; j++)
      out[at + RefitRow.beta + j] = ws.fitOut[FitOutSlot.beta + j];
    if (knha) out[at + RefitRow.rss] = lastRss(ws.fit);
    // heterogeneity with fixed-effect weights 1/vᵢ
    out[at + RefitRow.stage] = <f64>RefitStage.heterogeneity;
    if (kk > p) {
      if (tau2 === 0) {
        out[at + RefitRow.QE] = lastRss(ws.fit);
        out[at + RefitRow.trP0] = lastTrP(ws.fit);
      } else {
        status = generalizedQ(ws.fit, ws.y, ws.v, ws.x, kk, p, 0, ws.qOut);
        if (status !== KernelStatus.OK) {
          out[at + RefitRow.status] = <f64>status;
          continue;
        }
        out[at + RefitRow.QE] = ws.qOut[0];
        out[at + RefitRow.trP0] = ws.qOut[2];
      }
    }
    out[at + RefitRow.stage] = <f64>RefitStage.done;
    out[at + RefitRow.status] = <f64>KernelStatus.OK;
  }
  return KernelStatus.OK;
}
