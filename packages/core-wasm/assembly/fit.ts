/**
 * The fit kernel: port of packages/stats/src/kernels/js/fit.ts, line by line (same operations in
 * the same order; see that file for the statistics and the references: DerSimonian & Laird 1986,
 * Hedges 1983, Hunter & Schmidt 2004, Sidik & Jonkman 2005, Viechtbauer 2005, Morris 1983,
 * Paule & Mandel 1982). The workspace lives in module globals, set by `prepareFitWorkspace` once
 * per top-level call; a fit allocates nothing.
 */
import {
  BAD_INPUT,
  CTL_MAX_ITER,
  CTL_STEP_ADJ,
  CTL_TAU2_FIXED,
  CTL_TAU2_INIT,
  CTL_THRESHOLD,
  DL,
  EB,
  FE,
  HE,
  HS,
  ML,
  NOT_CONVERGED,
  OK,
  OUT_BETA,
  OUT_ITERATIONS,
  OUT_TAU2,
  PM,
  REML,
  SINGULAR,
  SJ,
  TOO_FEW_STUDIES,
} from "./contract";
import { column, invertUpper, projectOut, weightedQR } from "./linalg";
import { allocF64, ld, st } from "./memory";

/** metafor's ll0check tolerance: .Machine$double.eps^0.25 = 2^-13. */
const LL0_CHECK_TOLERANCE: f64 = 1.220703125e-4;
/** log(2π) */
const LOG_2PI: f64 = 1.8378770664093453;

// Workspace (pointers into the arena), sized for kMax studies and pMax columns.
let wsK: i32 = 0;
let wsP: i32 = 0;
let wsW: usize = 0;
let wsSw: usize = 0;
let wsYc: usize = 0;
let wsZ: usize = 0;
let wsResid: usize = 0;
let wsQ: usize = 0;
let wsR: usize = 0;
let wsRinv: usize = 0;
let wsC: usize = 0;
let wsM: usize = 0;
let wsStats: usize = 0;

const StatRss = 0; // y'Py
const StatRssP = 1; // y'PPy
const StatTrP = 2; // tr(P)
const StatTrPP = 3; // tr(PP)
const StatSumW = 4; // Σ w
const StatSumW2 = 5; // Σ w²
const StatTrPV = 6; // tr(PV)
const StatLogDet = 7; // log det(X'WX)
const StatWeightsTau2 = 8; // tau² of the weights in wsW (NaN for unit weights)
const StatQrTau2 = 9; // tau² of the weights of the QR in wsQ, wsR, wsSw (NaN: none this fit)
const StatTrP0 = 10; // tr(P) at tau² = 0 of this fit's data (NaN until a WLS at tau² = 0 ran)
const STATS_SIZE = 11;

/** Allocates the fit workspace from the arena (call after the arena was reset). */
export function prepareFitWorkspace(kMax: i32, pMax: i32): void {
  const k = max<i32>(1, kMax);
  const p = max<i32>(1, pMax);
  wsK = k;
  wsP = p;
  wsW = allocF64(k);
  wsSw = allocF64(k);
  wsYc = allocF64(k);
  wsZ = allocF64(k);
  wsResid = allocF64(k);
  wsQ = allocF64(k * p);
  wsR = allocF64(p * p);
  wsRinv = allocF64(p * p);
  wsC = allocF64(p);
  wsM = allocF64(p * p);
  wsStats = allocF64(STATS_SIZE);
}

/** y'Py of the last weighted least squares (the generalised Q at the last weights). */
export function lastRss(): f64 {
  return ld(wsStats, StatRss);
}

/** tr(P) of the last weighted least squares. */
export function lastTrP(): f64 {
  return ld(wsStats, StatTrP);
}

/** Whether X (row-major k×p) has full column rank: buildDesign's unweighted QR check (see TS). */
export function designHasFullRank(X: usize, k: i32, p: i32): bool {
  if (k < 1 || p < 1 || k > wsK || p > wsP) return false;
  st(wsStats, StatQrTau2, NaN);
  for (let i = 0; i < k; i++) st(wsSw, i, 1);
  return weightedQR(X, wsSw, k, p, wsQ, wsR);
}

function setWeights(vi: usize, k: i32, tau2: f64): void {
  for (let i = 0; i < k; i++) st(wsW, i, 1 / (ld(vi, i) + tau2));
  st(wsStats, StatWeightsTau2, tau2);
}

function setUnitWeights(k: i32): void {
  for (let i = 0; i < k; i++) st(wsW, i, 1);
  st(wsStats, StatWeightsTau2, NaN);
}

/** tr(P) at tau² = 0 of the data of the last fitKernel call, or NaN (see fitTrPAtZero in TS). */
export function fitTrPAtZero(): f64 {
  return ld(wsStats, StatTrP0);
}

function weightedLeastSquares(
  y: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  withTrPP: bool,
  withLogDet: bool,
  reuseQR: bool,
): bool {
  const w = wsW;
  const sw = wsSw;
  if (reuseQR) {
    for (let i = 0; i < k; i++) st(wsZ, i, ld(sw, i) * ld(y, i));
  } else {
    for (let i = 0; i < k; i++) {
      st(sw, i, Math.sqrt(ld(w, i)));
      st(wsZ, i, ld(sw, i) * ld(y, i));
    }
    st(wsStats, StatQrTau2, NaN);
    if (!weightedQR(X, sw, k, p, wsQ, wsR)) return false;
    st(wsStats, StatQrTau2, ld(wsStats, StatWeightsTau2));
  }
  projectOut(wsQ, wsZ, k, p, wsC, wsResid);
  let rss: f64 = 0;
  let rssP: f64 = 0;
  let trP: f64 = 0;
  let trPP: f64 = 0;
  let sumW: f64 = 0;
  let sumW2: f64 = 0;
  let trPV: f64 = 0;
  for (let i = 0; i < k; i++) {
    const e = ld(wsResid, i);
    const wi = ld(w, i);
    let h: f64 = 0;
    // q is column-major here (linalg.ts): element (i, j) at q + (j·k + i) doubles
    for (let j = 0; j < p; j++) h += ld(wsQ, j * k + i) * ld(wsQ, j * k + i);
    rss += e * e;
    rssP += wi * e * e;
    trP += wi * (1 - h);
    trPP += wi * wi * (1 - 2 * h);
    trPV += wi * ld(vi, i) * (1 - h);
    sumW += wi;
    sumW2 += wi * wi;
  }
  if (withTrPP) {
    // entries (a, b) and (a, b + 1) summed in one loop (two independent sums, q_a·w shared)
    for (let a = 0; a < p; a++) {
      const qa = column(wsQ, k, a);
      for (let b = a; b < p; b += 2) {
        const qb = column(wsQ, k, b);
        if (b + 1 < p) {
          const qb1 = column(wsQ, k, b + 1);
          let s0: f64 = 0;
          let s1: f64 = 0;
          for (let i = 0; i < k; i++) {
            const t = ld(qa, i) * ld(w, i);
            s0 += t * ld(qb, i);
            s1 += t * ld(qb1, i);
          }
          st(wsM, a * p + b, s0);
          trPP += a == b ? s0 * s0 : 2 * s0 * s0;
          st(wsM, a * p + b + 1, s1);
          trPP += 2 * s1 * s1;
        } else {
          let s: f64 = 0;
          for (let i = 0; i < k; i++) s += ld(qa, i) * ld(w, i) * ld(qb, i);
          st(wsM, a * p + b, s);
          trPP += a == b ? s * s : 2 * s * s;
        }
      }
    }
  }
  let logDet: f64 = NaN;
  if (withLogDet) {
    logDet = 0;
    for (let j = 0; j < p; j++) logDet += 2 * Math.log(ld(wsR, j * p + j));
  }
  st(wsStats, StatRss, rss);
  st(wsStats, StatRssP, rssP);
  st(wsStats, StatTrP, trP);
  st(wsStats, StatTrPP, withTrPP ? trPP : NaN);
  st(wsStats, StatSumW, sumW);
  st(wsStats, StatSumW2, sumW2);
  st(wsStats, StatTrPV, trPV);
  st(wsStats, StatLogDet, logDet);
  if (ld(wsStats, StatWeightsTau2) == 0) st(wsStats, StatTrP0, trP);
  return true;
}

function logLikelihood(vi: usize, X: usize, k: i32, p: i32, tau2: f64, restricted: bool): f64 {
  setWeights(vi, k, tau2);
  if (!weightedLeastSquares(wsYc, vi, X, k, p, false, restricted, false)) return NaN;
  let sumLogV: f64 = 0;
  for (let i = 0; i < k; i++) sumLogV += Math.log(ld(vi, i) + tau2);
  const rss = ld(wsStats, StatRss);
  if (restricted) {
    return (
      -0.5 * <f64>(k - p) * LOG_2PI - 0.5 * sumLogV - 0.5 * ld(wsStats, StatLogDet) - 0.5 * rss
    );
  }
  return -0.5 * <f64>k * LOG_2PI - 0.5 * sumLogV - 0.5 * rss;
}

/**
 * Fits FE or a random-effects model (see the TS reference for the estimators). Writes tau2,
 * iterations, β (p) and vb = (X'WX)⁻¹ (p×p) into out; returns a status code.
 */
export function fitKernel(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  out: usize,
): i32 {
  if (k < 1 || p < 1 || k > wsK || p > wsP) return BAD_INPUT;
  if (method < FE || method > PM) return BAD_INPUT;
  let mean: f64 = 0;
  for (let i = 0; i < k; i++) {
    const v = ld(vi, i);
    if (!isFinite<f64>(ld(yi, i)) || !isFinite<f64>(v) || !(v > 0)) return BAD_INPUT;
    mean += ld(yi, i);
  }
  for (let a = 0; a < k * p; a++) if (!isFinite<f64>(ld(X, a))) return BAD_INPUT;
  if (k < p) return TOO_FEW_STUDIES;
  mean /= <f64>k;
  for (let i = 0; i < k; i++) st(wsYc, i, ld(yi, i) - mean);
  st(wsStats, StatQrTau2, NaN);
  st(wsStats, StatTrP0, NaN);

  const threshold = ld(control, CTL_THRESHOLD);
  const maxIter = ld(control, CTL_MAX_ITER);
  const stepAdj = ld(control, CTL_STEP_ADJ);
  const tau2Init = ld(control, CTL_TAU2_INIT);
  const tau2Fixed = ld(control, CTL_TAU2_FIXED);
  const dfResid = k - p;

  let tau2: f64 = 0;
  let iterations: i32 = 0;
  let status: i32 = OK;

  if (method == FE) {
    tau2 = 0;
  } else if (!isNaN<f64>(tau2Fixed)) {
    tau2 = tau2Fixed;
  } else if (k == 1) {
    tau2 = 0;
  } else if (dfResid < 1) {
    return TOO_FEW_STUDIES;
  } else if (method == DL) {
    setWeights(vi, k, 0);
    if (!weightedLeastSquares(wsYc, vi, X, k, p, false, false, false)) return SINGULAR;
    tau2 = (ld(wsStats, StatRss) - <f64>dfResid) / ld(wsStats, StatTrP);
  } else if (method == HS) {
    setWeights(vi, k, 0);
    if (!weightedLeastSquares(wsYc, vi, X, k, p, false, false, false)) return SINGULAR;
    tau2 = (ld(wsStats, StatRss) - <f64>k) / ld(wsStats, StatSumW);
  } else if (method == SJ) {
    let tau20 = tau2Init;
    if (isNaN<f64>(tau20)) {
      tau20 = 0;
      for (let i = 0; i < k; i++) tau20 += ld(wsYc, i) * ld(wsYc, i);
      tau20 /= <f64>k;
    }
    setWeights(vi, k, tau20);
    if (!weightedLeastSquares(wsYc, vi, X, k, p, false, false, false)) return SINGULAR;
    tau2 = (tau20 * ld(wsStats, StatRss)) / <f64>dfResid;
  } else if (method == PM) {
    setWeights(vi, k, 0);
    if (!weightedLeastSquares(wsYc, vi, X, k, p, false, false, false)) return SINGULAR;
    if (ld(wsStats, StatRss) < <f64>dfResid) {
      tau2 = 0;
    } else {
      status = NOT_CONVERGED;
      tau2 = 0;
      while (<f64>iterations < maxIter) {
        iterations++;
        setWeights(vi, k, tau2);
        if (!weightedLeastSquares(wsYc, vi, X, k, p, false, false, false)) return SINGULAR;
        const slope = ld(wsStats, StatRssP);
        const step = slope > 0 ? (ld(wsStats, StatRss) - <f64>dfResid) / slope : 0;
        tau2 += step;
        if (Math.abs(step) <= threshold) {
          status = OK;
          break;
        }
      }
    }
  } else {
    setUnitWeights(k);
    if (!weightedLeastSquares(wsYc, vi, X, k, p, false, false, false)) return SINGULAR;
    tau2 = (ld(wsStats, StatRss) - ld(wsStats, StatTrPV)) / <f64>dfResid;
    if (method != HE) {
      tau2 = isNaN<f64>(tau2Init) ? max<f64>(0, tau2) : tau2Init;
      status = NOT_CONVERGED;
      const reml = method == REML;
      while (<f64>iterations < maxIter) {
        iterations++;
        setWeights(vi, k, tau2);
        if (!weightedLeastSquares(wsYc, vi, X, k, p, reml, false, false)) return SINGULAR;
        let adj: f64;
        if (method == ML) {
          adj = (ld(wsStats, StatRssP) - ld(wsStats, StatSumW)) / ld(wsStats, StatSumW2);
        } else if (reml) {
          adj = (ld(wsStats, StatRssP) - ld(wsStats, StatTrP)) / ld(wsStats, StatTrPP);
        } else {
          adj = ((ld(wsStats, StatRss) * <f64>k) / <f64>dfResid - <f64>k) / ld(wsStats, StatSumW);
        }
        adj *= stepAdj;
        if (isNaN<f64>(adj)) adj = 0;
        if (tau2 == 0 && adj < 0) adj = -0.0;
        while (tau2 + adj < 0) adj /= 2;
        const previous = tau2;
        tau2 += adj;
        if (Math.abs(previous - tau2) <= threshold) {
          status = OK;
          break;
        }
      }
      if (status == OK && method != EB && tau2 > threshold) {
        const ll0 = logLikelihood(vi, X, k, p, 0, reml);
        const ll = logLikelihood(vi, X, k, p, tau2, reml);
        if (ll0 - ll > LL0_CHECK_TOLERANCE) tau2 = 0;
      }
    }
  }
  if (status != OK) {
    st(out, OUT_TAU2, tau2);
    st(out, OUT_ITERATIONS, <f64>iterations);
    return status;
  }
  if (isNaN<f64>(tau2)) return BAD_INPUT;
  if (!(tau2 > 0)) tau2 = 0; // also turns -0 (a step from 0 to 0) into 0

  const reuseQR = ld(wsStats, StatQrTau2) == tau2;
  setWeights(vi, k, tau2);
  if (!weightedLeastSquares(yi, vi, X, k, p, false, false, reuseQR)) return SINGULAR;
  invertUpper(wsR, p, wsRinv);
  const betaAt = OUT_BETA;
  const vbAt = OUT_BETA + p;
  st(out, OUT_TAU2, tau2);
  st(out, OUT_ITERATIONS, <f64>iterations);
  for (let j = 0; j < p; j++) {
    let s: f64 = 0;
    for (let l = j; l < p; l++) s += ld(wsRinv, j * p + l) * ld(wsC, l);
    st(out, betaAt + j, s);
  }
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s: f64 = 0;
      for (let l = j; l < p; l++) s += ld(wsRinv, i * p + l) * ld(wsRinv, j * p + l);
      st(out, vbAt + i * p + j, s);
      st(out, vbAt + j * p + i, s);
    }
  }
  return OK;
}

/** Port of generalizedQ: out[0] = Q(τ²), out[1] = y'PPy, out[2] = tr(P), out[3] = Σw. */
export function generalizedQ(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  tau2: f64,
  out: usize,
): i32 {
  if (k < 1 || p < 1 || k > wsK || p > wsP) return BAD_INPUT;
  st(wsStats, StatQrTau2, NaN);
  setWeights(vi, k, tau2);
  if (!weightedLeastSquares(yi, vi, X, k, p, false, false, false)) return SINGULAR;
  st(out, 0, ld(wsStats, StatRss));
  st(out, 1, ld(wsStats, StatRssP));
  st(out, 2, ld(wsStats, StatTrP));
  st(out, 3, ld(wsStats, StatSumW));
  return OK;
}
