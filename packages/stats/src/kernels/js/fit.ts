/**
 * The fit kernel, plain-TypeScript reference path: fixed-effect and random-effects meta-analysis
 * (meta-regression) with the nine tau² estimators of metafor 3.8's rma.uni.
 *
 * Contract (kernels/contract.ts): flat Float64Arrays in, a status code out, results written into an
 * out block; never throws; allocates nothing once a {@link FitWorkspace} exists. The AssemblyScript
 * port in packages/core-wasm follows this file line by line, so it is written without closures,
 * objects per call or library calls beyond Math.
 *
 * Cost O(k·p²) per iteration. The k×k matrix P = W - WX(X'WX)⁻¹X'W that metafor builds is never
 * formed; with the thin QR A = W^½X = QR and h_i = Σ_j Q_ij² (hat values):
 *   y'Py   = ‖W^½(y - Xβ)‖²                     (weighted residual sum of squares)
 *   y'PPy  = Σ w_i·(W^½(y - Xβ))_i²
 *   tr(P)  = Σ w_i (1 - h_i)
 *   tr(PP) = Σ w_i² (1 - 2 h_i) + ‖Q'WQ‖²_F
 * (P = W^½(I - QQ')W^½; expand tr((I-QQ')W(I-QQ')W) and use Q'Q = I.)
 */
import { KernelStatus } from "../../errors.js";
import { ControlSlot, FitOutSlot, MethodCode } from "../contract.js";
import { invertUpper, projectOut, weightedQR } from "./linalg.js";

/**
 * Tolerance of metafor's check that the (RE)ML log-likelihood at tau² = 0 is not higher than at the
 * Fisher scoring solution: .Machine$double.eps^0.25 = 2^-13.
 */
const LL0_CHECK_TOLERANCE = 1.220703125e-4;
/** log(2π), for the log-likelihoods. */
const LOG_2PI = 1.8378770664093453;

/** Scratch memory for {@link fitKernel}, sized once for up to kMax studies and pMax columns. */
export interface FitWorkspace {
  readonly kMax: number;
  readonly pMax: number;
  /** weights w_i */
  readonly w: Float64Array;
  /** square roots of the weights */
  readonly sw: Float64Array;
  /** centred outcomes (metafor estimates tau² from yi - mean(yi)) */
  readonly yc: Float64Array;
  /** weighted response W^½ y */
  readonly z: Float64Array;
  /** weighted residuals W^½ (y - Xβ) */
  readonly resid: Float64Array;
  /** Q of the thin QR of W^½X, row-major k×p */
  readonly q: Float64Array;
  /** R of the thin QR, p×p */
  readonly r: Float64Array;
  /** R⁻¹, p×p */
  readonly rinv: Float64Array;
  /** Q'W^½y */
  readonly c: Float64Array;
  /** Q'WQ, p×p (for tr(PP)) */
  readonly m: Float64Array;
  /** scalar results of {@link weightedLeastSquares}: see the Stat* constants */
  readonly stats: Float64Array;
}

/** Slots of FitWorkspace.stats. */
const StatRss = 0; // y'Py
const StatRssP = 1; // y'PPy
const StatTrP = 2; // tr(P)
const StatTrPP = 3; // tr(PP)
const StatSumW = 4; // Σ w
const StatSumW2 = 5; // Σ w²
const StatTrPV = 6; // tr(PV), V = diag(vi)
const StatLogDet = 7; // log det(X'WX)
const StatWeightsTau2 = 8; // tau² of the weights in ws.w (NaN for unit weights)
const StatQrTau2 = 9; // tau² of the weights of the QR in ws.q, ws.r, ws.sw (NaN: none this fit)
const StatTrP0 = 10; // tr(P) at tau² = 0 of this fit's data (NaN until a WLS at tau² = 0 ran)
const STATS_SIZE = 11;

/**
 * Allocates the scratch memory for fits of up to kMax studies and pMax design columns.
 *
 * @example const ws = createFitWorkspace(1000, 4); // reuse across many fits
 */
export function createFitWorkspace(kMax: number, pMax: number): FitWorkspace {
  const k = Math.max(1, kMax | 0);
  const p = Math.max(1, pMax | 0);
  return {
    kMax: k,
    pMax: p,
    w: new Float64Array(k),
    sw: new Float64Array(k),
    yc: new Float64Array(k),
    z: new Float64Array(k),
    resid: new Float64Array(k),
    q: new Float64Array(k * p),
    r: new Float64Array(p * p),
    rinv: new Float64Array(p * p),
    c: new Float64Array(p),
    m: new Float64Array(p * p),
    stats: new Float64Array(STATS_SIZE),
  };
}

/** Size of the out block of {@link fitKernel} for p columns: tau2, iterations, β (p), vb (p×p). */
export function fitOutSize(p: number): number {
  return FitOutSlot.beta + p + p * p;
}

/** Sets w_i = 1/(vi + tau2). */
function setWeights(ws: FitWorkspace, vi: Float64Array, k: number, tau2: number): void {
  for (let i = 0; i < k; i++) ws.w[i] = 1 / (vi[i]! + tau2);
  ws.stats[StatWeightsTau2] = tau2;
}

/** Sets w_i = 1 (ordinary least squares, for the HE estimator). */
function setUnitWeights(ws: FitWorkspace, k: number): void {
  for (let i = 0; i < k; i++) ws.w[i] = 1;
  ws.stats[StatWeightsTau2] = Number.NaN;
}

/**
 * tr(P) at tau² = 0 (W = 1/vi) of the data of the last {@link fitKernel} call, when one of its
 * weighted least squares ran at tau² = 0 (REML's ll0 check, a fit that ended at 0); NaN otherwise.
 * Bit-identical to tr(P) of {@link generalizedQ} at tau² = 0 on the same vi and X (tr(P) does not
 * depend on y), so the bootstrap's I² need not refit.
 */
export function fitTrPAtZero(ws: FitWorkspace): number {
  return ws.stats[StatTrP0]!;
}

/**
 * y'Py and tr(P) of the last weighted least squares in the workspace: after an OK
 * {@link fitKernel}, the final one at the estimate with the uncentred outcomes, so Q(τ̂²) and
 * (when τ̂² = 0) tr(P) at 0, the same numbers {@link generalizedQ} gives on the same data and τ².
 */
export function lastRss(ws: FitWorkspace): number {
  return ws.stats[StatRss]!;
}

/** tr(P) of the last weighted least squares (see {@link lastRss}). */
export function lastTrP(ws: FitWorkspace): number {
  return ws.stats[StatTrP]!;
}

/**
 * Whether X (row-major k×p) has full column rank: the unweighted QR check of models/design.ts
 * (buildDesign), on the workspace's QR scratch.
 */
export function designHasFullRank(
  ws: FitWorkspace,
  X: Float64Array,
  k: number,
  p: number,
): boolean {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return false;
  ws.stats[StatQrTau2] = Number.NaN;
  for (let i = 0; i < k; i++) ws.sw[i] = 1;
  return weightedQR(X, ws.sw, k, p, ws.q, ws.r);
}

/**
 * Weighted least squares of y on X with the weights in ws.w: fills the QR, the residuals and the
 * scalar statistics y'Py, y'PPy, tr(P), Σw, Σw², tr(PV) (and tr(PP), log det(X'WX) when asked).
 * With reuseQR the QR (and W^½) already in the workspace are used: the caller has checked that they
 * were computed from the same X and the same weights (ws.stats[StatQrTau2]), so every number is the
 * same as with a fresh decomposition.
 *
 * @returns false when X'WX is singular
 */
function weightedLeastSquares(
  ws: FitWorkspace,
  y: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  withTrPP: boolean,
  withLogDet: boolean,
  reuseQR: boolean,
): boolean {
  const w = ws.w;
  const sw = ws.sw;
  const st = ws.stats;
  if (reuseQR) {
    for (let i = 0; i < k; i++) ws.z[i] = sw[i]! * y[i]!;
  } else {
    for (let i = 0; i < k; i++) {
      sw[i] = Math.sqrt(w[i]!);
      ws.z[i] = sw[i]! * y[i]!;
    }
    st[StatQrTau2] = Number.NaN;
    if (!weightedQR(X, sw, k, p, ws.q, ws.r)) return false;
    st[StatQrTau2] = st[StatWeightsTau2]!;
  }
  projectOut(ws.q, ws.z, k, p, ws.c, ws.resid);
  let rss = 0;
  let rssP = 0;
  let trP = 0;
  let trPP = 0;
  let sumW = 0;
  let sumW2 = 0;
  let trPV = 0;
  for (let i = 0; i < k; i++) {
    const e = ws.resid[i]!;
    const wi = w[i]!;
    let h = 0;
    for (let j = 0; j < p; j++) h += ws.q[i * p + j]! * ws.q[i * p + j]!;
    rss += e * e;
    rssP += wi * e * e;
    trP += wi * (1 - h);
    trPP += wi * wi * (1 - 2 * h);
    trPV += wi * vi[i]! * (1 - h);
    sumW += wi;
    sumW2 += wi * wi;
  }
  if (withTrPP) {
    // ‖Q'WQ‖²_F, Q'WQ symmetric p×p; entries (a, b) and (a, b + 1) summed in one loop (two
    // independent sums, q_a·w shared)
    const q = ws.q;
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b += 2) {
        if (b + 1 < p) {
          let s0 = 0;
          let s1 = 0;
          for (let i = 0; i < k; i++) {
            const t = q[i * p + a]! * w[i]!;
            s0 += t * q[i * p + b]!;
            s1 += t * q[i * p + b + 1]!;
          }
          ws.m[a * p + b] = s0;
          trPP += a === b ? s0 * s0 : 2 * s0 * s0;
          ws.m[a * p + b + 1] = s1;
          trPP += 2 * s1 * s1;
        } else {
          let s = 0;
          for (let i = 0; i < k; i++) s += q[i * p + a]! * w[i]! * q[i * p + b]!;
          ws.m[a * p + b] = s;
          trPP += a === b ? s * s : 2 * s * s;
        }
      }
    }
  }
  let logDet = Number.NaN;
  if (withLogDet) {
    logDet = 0;
    for (let j = 0; j < p; j++) logDet += 2 * Math.log(ws.r[j * p + j]!);
  }
  st[StatRss] = rss;
  st[StatRssP] = rssP;
  st[StatTrP] = trP;
  st[StatTrPP] = withTrPP ? trPP : Number.NaN;
  st[StatSumW] = sumW;
  st[StatSumW2] = sumW2;
  // For W = I, tr(PV) = Σ v_i (1 - h_i); the loop above weighted it by w_i = 1.
  st[StatTrPV] = trPV;
  st[StatLogDet] = logDet;
  if (st[StatWeightsTau2]! === 0) st[StatTrP0] = trP;
  return true;
}

/**
 * Log-likelihood (ML) or restricted log-likelihood (REML) of the random-effects model at tau2,
 * with every constant term, as metafor computes them for its ll0check (Viechtbauer 2005, eqs. 4-5).
 * Uses the centred outcomes ws.yc.
 * Returns NaN when X'WX is singular.
 */
function logLikelihood(
  ws: FitWorkspace,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  tau2: number,
  restricted: boolean,
): number {
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, restricted, false)) return Number.NaN;
  let sumLogV = 0;
  for (let i = 0; i < k; i++) sumLogV += Math.log(vi[i]! + tau2);
  const rss = ws.stats[StatRss]!;
  if (restricted) {
    return -0.5 * (k - p) * LOG_2PI - 0.5 * sumLogV - 0.5 * ws.stats[StatLogDet]! - 0.5 * rss;
  }
  return -0.5 * k * LOG_2PI - 0.5 * sumLogV - 0.5 * rss;
}

/**
 * Fits a fixed-effect (method FE) or random-effects model by weighted least squares, estimating
 * tau² as metafor 3.8's rma.uni does:
 * - DL: (Q - (k-p)) / tr(P), W = 1/vi (DerSimonian & Laird 1986; generalised to meta-regression).
 * - HE: (RSS_OLS - tr(P_OLS V)) / (k-p) (Hedges 1983; Hedges & Olkin 1985).
 * - HS: (Q - k) / Σ(1/vi) (Hunter & Schmidt 2004; metafor's HS, without the k/(k-p) factor).
 * - SJ: τ₀²·Q(τ₀²)/(k-p), τ₀² = mean((y - ȳ)²) (Sidik & Jonkman 2005) or control tau2Init.
 * - ML, REML, EB: Fisher scoring from max(0, HE) (or tau2Init) (Viechtbauer 2005, eqs. 9 and 11;
 *   EB: Morris 1983, Berkey et al. 1995): τ² += stepAdj·Δ with
 *   ML Δ = (y'PPy - Σw)/Σw², REML Δ = (y'PPy - tr P)/tr(PP), EB Δ = (y'Py·k/(k-p) - k)/Σw;
 *   the step is halved only while it would make τ² negative; converged when |Δτ²| <= threshold
 *   within maxIter iterations, else NOT_CONVERGED. ML/REML then take τ² = 0 when the
 *   (restricted) likelihood at 0 is higher by more than 2^-13 (metafor's ll0check).
 * - PM: the root of Q(τ²) = y'P(τ²)y = k - p (Paule & Mandel 1982), 0 when Q(0) < k - p. metafor
 *   brackets it with uniroot; Q is convex and decreasing in τ² (dQ/dτ² = -y'PPy, d²Q/dτ²² =
 *   2y'PPPy >= 0), so Newton's method from 0 increases monotonically to the root.
 * All estimators are truncated at 0; with k = 1 tau² is 0 (metafor's "k1"); control tau2Fixed
 * fixes tau² instead of estimating it. tau² is estimated from centred outcomes, as metafor does.
 *
 * Out block: out[FitOutSlot.tau2], out[FitOutSlot.iterations], β at out[FitOutSlot.beta ..+p),
 * vb = (X'WX)⁻¹ with W = 1/(vi + τ²) (row-major p×p) right after β.
 *
 * @param ws - workspace with kMax >= k and pMax >= p
 * @param yi - outcomes (k)
 * @param vi - sampling variances (k), all > 0
 * @param X - design matrix, row-major k×p (intercept column included by the caller)
 * @param method - a MethodCode
 * @param control - packed control block (ControlSlot layout)
 * @param out - at least fitOutSize(p) doubles
 * @returns a KernelStatus
 * @example
 * const ws = createFitWorkspace(3, 1);
 * const out = new Float64Array(fitOutSize(1));
 * fitKernel(ws, yi, vi, ones, 3, 1, MethodCode.REML, control, out); // out[0] = tau², out[2] = μ̂
 */
export function fitKernel(
  ws: FitWorkspace,
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  method: number,
  control: Float64Array,
  out: Float64Array,
): number {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  let mean = 0;
  for (let i = 0; i < k; i++) {
    const v = vi[i]!;
    if (!Number.isFinite(yi[i]!) || !Number.isFinite(v) || !(v > 0)) return KernelStatus.BAD_INPUT;
    mean += yi[i]!;
  }
  for (let a = 0; a < k * p; a++) if (!Number.isFinite(X[a]!)) return KernelStatus.BAD_INPUT;
  if (k < p) return KernelStatus.TOO_FEW_STUDIES;
  mean /= k;
  for (let i = 0; i < k; i++) ws.yc[i] = yi[i]! - mean;
  ws.stats[StatQrTau2] = Number.NaN;
  ws.stats[StatTrP0] = Number.NaN;

  const threshold = control[ControlSlot.threshold]!;
  const maxIter = control[ControlSlot.maxIter]!;
  const stepAdj = control[ControlSlot.stepAdj]!;
  const tau2Init = control[ControlSlot.tau2Init]!;
  const tau2Fixed = control[ControlSlot.tau2Fixed]!;
  const dfResid = k - p;

  let tau2 = 0;
  let iterations = 0;
  let status: number = KernelStatus.OK;

  if (method === MethodCode.FE) {
    tau2 = 0;
  } else if (!Number.isNaN(tau2Fixed)) {
    tau2 = tau2Fixed;
  } else if (k === 1) {
    tau2 = 0; // metafor's "k1": nothing to estimate
  } else if (dfResid < 1) {
    return KernelStatus.TOO_FEW_STUDIES;
  } else if (method === MethodCode.DL) {
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, false, false)) {
      return KernelStatus.SINGULAR;
    }
    tau2 = (ws.stats[StatRss]! - dfResid) / ws.stats[StatTrP]!;
  } else if (method === MethodCode.HS) {
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, false, false)) {
      return KernelStatus.SINGULAR;
    }
    tau2 = (ws.stats[StatRss]! - k) / ws.stats[StatSumW]!;
  } else if (method === MethodCode.SJ) {
    let tau20 = tau2Init;
    if (Number.isNaN(tau20)) {
      tau20 = 0;
      for (let i = 0; i < k; i++) tau20 += ws.yc[i]! * ws.yc[i]!;
      tau20 /= k; // var(yi)·(k-1)/k
    }
    setWeights(ws, vi, k, tau20);
    if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, false, false)) {
      return KernelStatus.SINGULAR;
    }
    tau2 = (tau20 * ws.stats[StatRss]!) / dfResid;
  } else if (method === MethodCode.PM) {
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, false, false)) {
      return KernelStatus.SINGULAR;
    }
    if (ws.stats[StatRss]! < dfResid) {
      tau2 = 0;
    } else {
      status = KernelStatus.NOT_CONVERGED;
      tau2 = 0;
      while (iterations < maxIter) {
        iterations++;
        setWeights(ws, vi, k, tau2);
        if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, false, false)) {
          return KernelStatus.SINGULAR;
        }
        const slope = ws.stats[StatRssP]!;
        const step = slope > 0 ? (ws.stats[StatRss]! - dfResid) / slope : 0;
        tau2 += step;
        if (Math.abs(step) <= threshold) {
          status = KernelStatus.OK;
          break;
        }
      }
    }
  } else {
    // HE, and the starting value of ML, REML and EB
    setUnitWeights(ws, k);
    if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, false, false, false)) {
      return KernelStatus.SINGULAR;
    }
    tau2 = (ws.stats[StatRss]! - ws.stats[StatTrPV]!) / dfResid;
    if (method !== MethodCode.HE) {
      tau2 = Number.isNaN(tau2Init) ? Math.max(0, tau2) : tau2Init;
      status = KernelStatus.NOT_CONVERGED;
      const reml = method === MethodCode.REML;
      while (iterations < maxIter) {
        iterations++;
        setWeights(ws, vi, k, tau2);
        if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, reml, false, false)) {
          return KernelStatus.SINGULAR;
        }
        const st = ws.stats;
        let adj: number;
        if (method === MethodCode.ML) {
          adj = (st[StatRssP]! - st[StatSumW]!) / st[StatSumW2]!;
        } else if (reml) {
          adj = (st[StatRssP]! - st[StatTrP]!) / st[StatTrPP]!;
        } else {
          adj = ((st[StatRss]! * k) / dfResid - k) / st[StatSumW]!;
        }
        adj *= stepAdj;
        if (Number.isNaN(adj)) adj = 0;
        // step halving only to keep tau² >= 0 (metafor); ends at most after ~1075 halvings. From
        // tau² = 0 every negative step halves down to -0 (the smallest subnormal halves to -0),
        // so that case goes there at once.
        if (tau2 === 0 && adj < 0) adj = -0;
        while (tau2 + adj < 0) adj /= 2;
        const previous = tau2;
        tau2 += adj;
        if (Math.abs(previous - tau2) <= threshold) {
          status = KernelStatus.OK;
          break;
        }
      }
      if (status === KernelStatus.OK && method !== MethodCode.EB && tau2 > threshold) {
        // metafor's ll0check: Fisher scoring may stop at a local maximum away from 0
        const ll0 = logLikelihood(ws, vi, X, k, p, 0, reml);
        const ll = logLikelihood(ws, vi, X, k, p, tau2, reml);
        if (ll0 - ll > LL0_CHECK_TOLERANCE) tau2 = 0;
      }
    }
  }
  if (status !== KernelStatus.OK) {
    out[FitOutSlot.tau2] = tau2;
    out[FitOutSlot.iterations] = iterations;
    return status;
  }
  if (Number.isNaN(tau2)) return KernelStatus.BAD_INPUT;
  if (!(tau2 > 0)) tau2 = 0; // also turns -0 (a step from 0 to 0) into 0

  // Final weighted least squares at the estimate, with the uncentred outcomes. The QR of the last
  // weighted least squares is reused when it was taken at this tau² (the ll0 check's likelihood at
  // the estimate; an estimate that stayed at 0), as only y differs.
  const reuseQR = ws.stats[StatQrTau2]! === tau2;
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, yi, vi, X, k, p, false, false, reuseQR)) {
    return KernelStatus.SINGULAR;
  }
  invertUpper(ws.r, p, ws.rinv);
  const betaAt = FitOutSlot.beta;
  const vbAt = FitOutSlot.beta + p;
  out[FitOutSlot.tau2] = tau2;
  out[FitOutSlot.iterations] = iterations;
  // β = R⁻¹Q'W^½y and vb = R⁻¹R⁻ᵀ = (X'WX)⁻¹ (R⁻¹ is upper triangular)
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let l = j; l < p; l++) s += ws.rinv[j * p + l]! * ws.c[l]!;
    out[betaAt + j] = s;
  }
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = 0;
      for (let l = j; l < p; l++) s += ws.rinv[i * p + l]! * ws.rinv[j * p + l]!;
      out[vbAt + i * p + j] = s;
      out[vbAt + j * p + i] = s;
    }
  }
  return KernelStatus.OK;
}

/**
 * The generalised Q statistic Q(τ²) = y'P(τ²)y = Σ w_i (y_i - x_i'β̂)², w_i = 1/(vi + τ²), with its
 * derivative -y'PPy and tr(P). Used for the heterogeneity test (τ² = 0), Knapp-Hartung's s²
 * (τ² = τ̂²), I² (tr P at τ² = 0) and the Q-profile interval (Viechtbauer 2007).
 * Writes out[0] = Q, out[1] = y'PPy (= -dQ/dτ²), out[2] = tr(P), out[3] = Σw.
 *
 * @returns a KernelStatus (SINGULAR when X'WX is singular)
 * @example generalizedQ(ws, yi, vi, X, k, p, 0, out) // out[0] = QE
 */
export function generalizedQ(
  ws: FitWorkspace,
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  tau2: number,
  out: Float64Array,
): number {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  ws.stats[StatQrTau2] = Number.NaN;
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, yi, vi, X, k, p, false, false, false)) return KernelStatus.SINGULAR;
  out[0] = ws.stats[StatRss]!;
  out[1] = ws.stats[StatRssP]!;
  out[2] = ws.stats[StatTrP]!;
  out[3] = ws.stats[StatSumW]!;
  return KernelStatus.OK;
}
