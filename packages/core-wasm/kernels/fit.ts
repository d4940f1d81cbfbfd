/**
 * The fit kernel: fixed-effect and random-effects meta-analysis (meta-regression) with the nine
 * tau² estimators of metafor's rma.uni. One source for both paths: asc compiles it to WebAssembly,
 * tsc to the JS reference path (README.md, "The portable subset").
 *
 * Contract (contract.ts): flat Float64Arrays in, a status code out, results written into an out
 * block; never throws; allocates nothing once a {@link FitWorkspace} exists.
 *
 * Cost O(k·p²) per iteration. The k×k matrix P = W - WX(X'WX)⁻¹X'W that metafor builds is never
 * formed; with the thin QR A = W^½X = QR, h_i = Σ_j Q_ij² (hat values) and the weighted residuals
 * e = (I - QQ')W^½y (so Py = W^½e):
 *   y'Py   = ‖e‖²                                (weighted residual sum of squares)
 *   y'PPy  = Σ w_i·e_i²
 *   y'PPPy = ‖(I - QQ')(w∘e)‖²                   ((Py)'P(Py), one more projection)
 *   tr(P)  = Σ w_i (1 - h_i)
 *   tr(PP) = Σ w_i² (1 - 2 h_i) + ‖Q'WQ‖²_F
 * (P = W^½(I - QQ')W^½; expand tr((I-QQ')W(I-QQ')W) and use Q'Q = I.)
 */
import { F64s, newF64s } from "#kernel-arrays";
import { ControlSlot, FitOutSlot, KernelStatus, MethodCode } from "./contract.ts";
import { invertUpper, projectOut, weightedQR } from "./linalg.ts";

/**
 * Tolerance of metafor's check that the (RE)ML log-likelihood at tau² = 0 is not higher than at the
 * iterative solution: .Machine$double.eps^0.25 = 2^-13.
 */
const LL0_CHECK_TOLERANCE: f64 = 1.220703125e-4;
/** log(2π), for the log-likelihoods. */
const LOG_2PI: f64 = 1.8378770664093453;

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
const StatRssPP = 11; // y'PPPy
const STATS_SIZE = 12;

/** Which extra statistics a weighted least squares computes (bit flags). */
const WITH_TRPP = 1; // tr(PP) (REML's information)
const WITH_LOGDET = 2; // log det(X'WX) (the restricted likelihood)
const WITH_RSSPP = 4; // y'PPPy (the observed information of ML and REML)
const REUSE_QR = 8; // the QR in the workspace was taken at these weights and this X

/** Scratch memory for {@link fitKernel}, sized once for up to kMax studies and pMax columns. */
export class FitWorkspace {
  readonly kMax: i32;
  readonly pMax: i32;
  /** weights w_i */
  readonly w: F64s;
  /** square roots of the weights */
  readonly sw: F64s;
  /** centred outcomes (metafor estimates tau² from yi - mean(yi)) */
  readonly yc: F64s;
  /** weighted response W^½ y, then w∘e for y'PPPy */
  readonly z: F64s;
  /** weighted residuals e = W^½ (y - Xβ) */
  readonly resid: F64s;
  /** (I - QQ')(w∘e), for y'PPPy */
  readonly resid2: F64s;
  /** Q of the thin QR of W^½X, column-major k×p */
  readonly q: F64s;
  /** R of the thin QR, p×p */
  readonly r: F64s;
  /** R⁻¹, p×p */
  readonly rinv: F64s;
  /** Q'W^½y */
  readonly c: F64s;
  /** Q'(w∘e), scratch of the y'PPPy projection */
  readonly c2: F64s;
  /** scalar results of weightedLeastSquares: see the Stat* constants */
  readonly stats: F64s;
  /** state of the score root search: see the Root* constants */
  readonly root: F64s;

  constructor(kMax: i32, pMax: i32) {
    const k = kMax > 1 ? kMax : 1;
    const p = pMax > 1 ? pMax : 1;
    this.kMax = k;
    this.pMax = p;
    this.w = newF64s(k);
    this.sw = newF64s(k);
    this.yc = newF64s(k);
    this.z = newF64s(k);
    this.resid = newF64s(k);
    this.resid2 = newF64s(k);
    this.q = newF64s(k * p);
    this.r = newF64s(p * p);
    this.rinv = newF64s(p * p);
    this.c = newF64s(p);
    this.c2 = newF64s(p);
    this.stats = newF64s(STATS_SIZE);
    this.root = newF64s(ROOT_SIZE);
  }
}

/** The mean sampling variance: the scale convergence is measured on (τ² has the same units). */
function meanVariance(vi: F64s, k: i32): f64 {
  let s: f64 = 0;
  for (let i = 0; i < k; i++) s += vi[i];
  return s / <f64>k;
}

/** Sets w_i = 1/(vi + tau2). */
function setWeights(ws: FitWorkspace, vi: F64s, k: i32, tau2: f64): void {
  const w = ws.w;
  for (let i = 0; i < k; i++) w[i] = 1 / (vi[i] + tau2);
  ws.stats[StatWeightsTau2] = tau2;
}

/** Sets w_i = 1 (ordinary least squares, for the HE estimator). */
function setUnitWeights(ws: FitWorkspace, k: i32): void {
  const w = ws.w;
  for (let i = 0; i < k; i++) w[i] = 1;
  ws.stats[StatWeightsTau2] = NaN;
}

/**
 * tr(P) at tau² = 0 (W = 1/vi) of the data of the last {@link fitKernel} call, when one of its
 * weighted least squares ran at tau² = 0 (REML's ll0 check, a fit that ended at 0); NaN otherwise.
 * Bit-identical to tr(P) of {@link generalizedQ} at tau² = 0 on the same vi and X (tr(P) does not
 * depend on y), so the bootstrap's I² need not refit.
 */
export function fitTrPAtZero(ws: FitWorkspace): f64 {
  return ws.stats[StatTrP0];
}

/**
 * y'Py of the last weighted least squares in the workspace: after an OK {@link fitKernel}, the
 * final one at the estimate with the uncentred outcomes, so Q(τ̂²) and (when τ̂² = 0) tr(P) at 0,
 * the same numbers {@link generalizedQ} gives on the same data and τ².
 */
export function lastRss(ws: FitWorkspace): f64 {
  return ws.stats[StatRss];
}

/** tr(P) of the last weighted least squares (see {@link lastRss}). */
export function lastTrP(ws: FitWorkspace): f64 {
  return ws.stats[StatTrP];
}

/**
 * Whether X (row-major k×p) has full column rank: the unweighted QR check of stats' design
 * builder, on the workspace's QR scratch.
 */
export function designHasFullRank(ws: FitWorkspace, X: F64s, k: i32, p: i32): bool {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return false;
  ws.stats[StatQrTau2] = NaN;
  const sw = ws.sw;
  for (let i = 0; i < k; i++) sw[i] = 1;
  return weightedQR(X, sw, k, p, ws.q, ws.r);
}

/** ‖Q'WQ‖²_F, the second part of tr(PP); entries (a, b) and (a, b + 1) summed in one loop. */
function frobeniusQtWQ(ws: FitWorkspace, k: i32, p: i32): f64 {
  const q = ws.q;
  const w = ws.w;
  let total: f64 = 0;
  for (let a = 0; a < p; a++) {
    const qa = a * k;
    for (let b = a; b < p; b += 2) {
      const qb = b * k;
      if (b + 1 < p) {
        const qb1 = qb + k;
        let s0: f64 = 0;
        let s1: f64 = 0;
        for (let i = 0; i < k; i++) {
          const t: f64 = q[qa + i] * w[i];
          s0 += t * q[qb + i];
          s1 += t * q[qb1 + i];
        }
        total += a === b ? s0 * s0 : 2 * s0 * s0;
        total += 2 * s1 * s1;
      } else {
        let s: f64 = 0;
        for (let i = 0; i < k; i++) s += q[qa + i] * w[i] * q[qb + i];
        total += a === b ? s * s : 2 * s * s;
      }
    }
  }
  return total;
}

/**
 * Weighted least squares of y on X with the weights in ws.w: fills the QR, the residuals and the
 * scalar statistics y'Py, y'PPy, tr(P), Σw, Σw², tr(PV), and those the flags ask for (tr(PP),
 * log det(X'WX), y'PPPy). With REUSE_QR the QR (and W^½) already in the workspace are used: the
 * caller has checked that they were computed from the same X and the same weights
 * (ws.stats[StatQrTau2]), so every number is the same as with a fresh decomposition.
 *
 * @returns false when X'WX is singular
 */
function weightedLeastSquares(
  ws: FitWorkspace,
  y: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  flags: i32,
): bool {
  const w = ws.w;
  const sw = ws.sw;
  const z = ws.z;
  const q = ws.q;
  const resid = ws.resid;
  const st = ws.stats;
  if ((flags & REUSE_QR) !== 0) {
    for (let i = 0; i < k; i++) z[i] = sw[i] * y[i];
  } else {
    for (let i = 0; i < k; i++) {
      sw[i] = Math.sqrt(w[i]);
      z[i] = sw[i] * y[i];
    }
    st[StatQrTau2] = NaN;
    if (!weightedQR(X, sw, k, p, q, ws.r)) return false;
    st[StatQrTau2] = st[StatWeightsTau2];
  }
  projectOut(q, z, k, p, ws.c, resid);
  let rss: f64 = 0;
  let rssP: f64 = 0;
  let trP: f64 = 0;
  let trPP: f64 = 0;
  let sumW: f64 = 0;
  let sumW2: f64 = 0;
  let trPV: f64 = 0;
  for (let i = 0; i < k; i++) {
    const e: f64 = resid[i];
    const wi: f64 = w[i];
    let h: f64 = 0;
    for (let j = 0; j < p; j++) h += q[j * k + i] * q[j * k + i];
    rss += e * e;
    rssP += wi * e * e;
    trP += wi * (1 - h);
    trPP += wi * wi * (1 - 2 * h);
    trPV += wi * vi[i] * (1 - h);
    sumW += wi;
    sumW2 += wi * wi;
  }
  if ((flags & WITH_TRPP) !== 0) trPP += frobeniusQtWQ(ws, k, p);
  let logDet: f64 = NaN;
  if ((flags & WITH_LOGDET) !== 0) {
    logDet = 0;
    for (let j = 0; j < p; j++) logDet += 2 * Math.log(ws.r[j * p + j]);
  }
  let rssPP: f64 = NaN;
  if ((flags & WITH_RSSPP) !== 0) {
    // y'PPPy = ‖(I - QQ')(w∘e)‖²: z is free again after the projection of W^½y
    for (let i = 0; i < k; i++) z[i] = w[i] * resid[i];
    const resid2 = ws.resid2;
    projectOut(q, z, k, p, ws.c2, resid2);
    rssPP = 0;
    for (let i = 0; i < k; i++) rssPP += resid2[i] * resid2[i];
  }
  st[StatRss] = rss;
  st[StatRssP] = rssP;
  st[StatTrP] = trP;
  st[StatTrPP] = (flags & WITH_TRPP) !== 0 ? trPP : NaN;
  st[StatSumW] = sumW;
  st[StatSumW2] = sumW2;
  // For W = I, tr(PV) = Σ v_i (1 - h_i); the loop above weighted it by w_i = 1.
  st[StatTrPV] = trPV;
  st[StatLogDet] = logDet;
  st[StatRssPP] = rssPP;
  if (st[StatWeightsTau2] === 0) st[StatTrP0] = trP;
  return true;
}

/**
 * Log-likelihood (ML) or restricted log-likelihood (REML) of the random-effects model at tau2,
 * with every constant term, as metafor computes them for its ll0check (Viechtbauer 2005, eqs. 4-5).
 * Uses the centred outcomes ws.yc. Returns NaN when X'WX is singular.
 */
function logLikelihood(
  ws: FitWorkspace,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  tau2: f64,
  restricted: bool,
): f64 {
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, ws.yc, vi, X, k, p, restricted ? WITH_LOGDET : 0)) return NaN;
  const constant: f64 = -0.5 * <f64>(restricted ? k - p : k) * LOG_2PI;
  return constant + profileLogLikelihood(ws, vi, k, tau2, restricted);
}

/** State of the score root search (FitWorkspace.root). */
const RootLo = 0; // largest accepted tau² with score > 0 (0 before any)
const RootHi = 1; // smallest accepted tau² with score <= 0 (+Infinity before any)
const RootScore = 2; // the (doubled) score at the current point
const RootObserved = 3; // its observed information
const RootExpected = 4; // its expected information (metafor's Fisher step divisor)
const RootNewton = 5; // 1 when the last proposal was a Newton step
const RootLoSeen = 6; // 1 once an accepted point had score > 0 (RootLo is then a real bound)
const ROOT_SIZE = 7;
/** Bound on the step halvings of one proposal (a double halves to 0 in about 1075). */
const MAX_HALVINGS = 1100;
/** An estimate within this many tolerances (threshold × mean vi) of 0 is checked against the boundary. */
const BOUNDARY_FACTOR: f64 = 4;
/**
 * A Newton step is taken back when the log-likelihood falls by more than this, relative to
 * 1 + |log-likelihood|: far above rounding (about 1e-14 here), far below a step past a maximum.
 */
const LIKELIHOOD_SLACK: f64 = 1e-10;

/**
 * The (doubled) score of the estimator at the weights of the last weighted least squares:
 * - REML: S = y'PPy - tr(P), observed information 2y'PPPy - tr(PP), expected tr(PP)
 *   (Viechtbauer 2005, eq. 11; Harville 1977);
 * - ML: S = y'PPy - Σw, observed 2y'PPPy - Σw², expected Σw² (Viechtbauer 2005, eq. 9);
 * - EB: S = Q·k/(k-p) - k with Q = y'Py, observed y'PPy·k/(k-p) (dQ/dτ² = -y'PPy), and metafor's
 *   step divisor Σw as the expected information (Morris 1983; Berkey et al. 1995).
 */
function currentScore(ws: FitWorkspace, method: i32, k: i32, p: i32): f64 {
  const st = ws.stats;
  if (method === MethodCode.REML) return st[StatRssP] - st[StatTrP];
  if (method === MethodCode.ML) return st[StatRssP] - st[StatSumW];
  return (st[StatRss] * <f64>k) / <f64>(k - p) - <f64>k;
}

/**
 * Records the score and the informations at tau2 (the last weighted least squares) in `root`
 * and narrows the bracket with it; returns the score.
 */
function recordScore(ws: FitWorkspace, method: i32, k: i32, p: i32, tau2: f64, root: F64s): f64 {
  const st = ws.stats;
  const score = currentScore(ws, method, k, p);
  if (method === MethodCode.REML) {
    root[RootObserved] = 2 * st[StatRssPP] - st[StatTrPP];
    root[RootExpected] = st[StatTrPP];
  } else if (method === MethodCode.ML) {
    root[RootObserved] = 2 * st[StatRssPP] - st[StatSumW2];
    root[RootExpected] = st[StatSumW2];
  } else {
    root[RootObserved] = (st[StatRssP] * <f64>k) / <f64>(k - p);
    root[RootExpected] = st[StatSumW];
  }
  root[RootScore] = score;
  if (score > 0) {
    if (tau2 >= root[RootLo]) root[RootLo] = tau2;
    root[RootLoSeen] = 1;
  } else if (tau2 < root[RootHi]) {
    root[RootHi] = tau2;
  }
  return score;
}

/**
 * The next tau² of the safeguarded Newton search from tau2, whose score is recorded in `root`
 * (shared/METHODS.md, "Models"; the safeguard of Press et al. 2007, Numerical Recipes §9.4,
 * rtsafe): Newton's step when `newton` is asked, the observed information is positive and the
 * step stays inside the bracket (a point with S > 0 below, one with S <= 0 above). Otherwise, once
 * the iterates have bracketed a root from both sides, the bracket's midpoint; before that,
 * metafor's Fisher step, halved until it stays inside the bracket and tau² >= 0, as metafor
 * halves its steps. NaN when no step is possible (an infinite step, or none small enough): the
 * search has stalled.
 */
function propose(root: F64s, tau2: f64, stepAdj: f64, newton: bool): f64 {
  const lo = root[RootLo];
  const hi = root[RootHi];
  const observed = root[RootObserved];
  let step: f64 = (stepAdj * root[RootScore]) / observed;
  root[RootNewton] = 1;
  if (!newton || !(observed > 0) || !(tau2 + step >= lo && tau2 + step < hi)) {
    root[RootNewton] = 0;
    if (root[RootLoSeen] === 1 && isFinite(hi)) return 0.5 * (lo + hi);
    step = (stepAdj * root[RootScore]) / root[RootExpected];
  }
  if (!isFinite(step)) return NaN;
  for (let h = 0; h < MAX_HALVINGS && !(tau2 + step >= lo && tau2 + step < hi); h++) step *= 0.5;
  if (!(tau2 + step >= lo && tau2 + step < hi)) return NaN;
  return tau2 + step;
}

/**
 * The log-likelihood (ML) or restricted log-likelihood (REML) at the last weighted least squares
 * (centred outcomes, weights at tau2), without its constant terms: only differences are used.
 */
function profileLogLikelihood(ws: FitWorkspace, vi: F64s, k: i32, tau2: f64, reml: bool): f64 {
  let sumLogV: f64 = 0;
  for (let i = 0; i < k; i++) sumLogV += Math.log(vi[i] + tau2);
  const ll: f64 = -0.5 * sumLogV - 0.5 * ws.stats[StatRss];
  return reml ? ll - 0.5 * ws.stats[StatLogDet] : ll;
}

/** How an iteration of {@link solveScoreRoot} ended. */
const STEP_TAKEN = 0; // moved to a new point (its weighted least squares computed)
const STEP_CONVERGED = 1; // the step was within the threshold
const STEP_STOPPED = 2; // stalled, or maxIter reached

/**
 * Whether a Newton step from a point with score `score` and log-likelihood `ll` to the point of
 * the last weighted least squares (log-likelihood `llNext`) stays on the same hill of the
 * likelihood: the likelihood has not fallen, and the score has either changed sign (the step
 * crossed the root it aimed at) or shrunk (it moved towards it). A step that lands where the
 * score has the same sign and is larger has passed a maximum and a minimum.
 */
function newtonStepHolds(
  ws: FitWorkspace,
  method: i32,
  k: i32,
  p: i32,
  score: f64,
  ll: f64,
  llNext: f64,
): bool {
  if (llNext < ll - LIKELIHOOD_SLACK * (1 + Math.abs(ll))) return false;
  const scoreNext = currentScore(ws, method, k, p);
  return score > 0 !== scoreNext > 0 || Math.abs(scoreNext) <= Math.abs(score);
}

/**
 * Set by {@link solveScoreRoot}: whether it took a Newton step longer than metafor's Fisher step
 * (observed information below the expected), which can leap over an inner maximum.
 */
let longNewtonStepTaken: bool = false;

/**
 * ML, REML and EB: the root of the score on [0, ∞) that metafor's Fisher scoring converges to
 * from `start`, by safeguarded Newton (see {@link propose}). For ML and REML a Newton step after
 * which the likelihood has fallen is taken back and replaced by metafor's Fisher step: a long
 * Newton step can cross a maximum into the basin of another (with two maxima, e.g. one inside
 * and one at 0), which Fisher scoring's shorter steps do not. EB's score is monotone (one root).
 * Converged when |Δτ²| <= threshold·max(mean vi, τ²); a tau² of 0 with a score <= 0 is the boundary maximum.
 * Writes tau² and the iterations (weighted least squares computed) into out; returns a
 * KernelStatus (NOT_CONVERGED when maxIter runs out or the search stalls). With `newtonAllowed`
 * false every step is metafor's Fisher step (the path {@link fitKernel} checks a boundary result
 * against).
 */
function solveScoreRoot(
  ws: FitWorkspace,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  start: f64,
  control: F64s,
  out: F64s,
  newtonAllowed: bool,
): i32 {
  const threshold = control[ControlSlot.threshold];
  const maxIter = control[ControlSlot.maxIter];
  const stepAdj = control[ControlSlot.stepAdj];
  const scale = meanVariance(vi, k);
  const reml = method === MethodCode.REML;
  const guarded = method !== MethodCode.EB;
  const flags: i32 =
    method === MethodCode.EB ? 0 : reml ? WITH_TRPP | WITH_RSSPP | WITH_LOGDET : WITH_RSSPP;
  const yc = ws.yc;
  const root = ws.root;
  root[RootLo] = 0;
  root[RootHi] = Infinity;
  root[RootLoSeen] = 0;
  let tau2 = start;
  let iterations = 1;
  out[FitOutSlot.tau2] = tau2;
  out[FitOutSlot.iterations] = 1;
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, yc, vi, X, k, p, flags)) return KernelStatus.SINGULAR;
  let score = recordScore(ws, method, k, p, tau2, root);
  let ll: f64 = guarded ? profileLogLikelihood(ws, vi, k, tau2, reml) : 0;
  let status: i32 = KernelStatus.NOT_CONVERGED;
  while (true) {
    // a root; metafor takes a NaN step as 0 (converged); at 0 with S <= 0 the estimate is the
    // boundary maximum
    if (score === 0 || isNaN(score) || (tau2 === 0 && !(score > 0))) {
      status = KernelStatus.OK;
      break;
    }
    // Newton first; a Newton step that leaves the hill is taken again as metafor's Fisher step
    let next: f64 = NaN;
    let llNext: f64 = 0;
    let outcome = STEP_STOPPED;
    for (let attempt = 0; attempt < 2; attempt++) {
      next = propose(root, tau2, stepAdj, newtonAllowed && attempt === 0);
      const newton = root[RootNewton] === 1;
      if (isNaN(next)) break;
      // relative to the data's scale: at τ² of 1e10 (outcomes in large units) an absolute 1e-10 is
      // below the spacing of doubles and would never come; at variances of 1e-13 it stops at once
      if (Math.abs(next - tau2) <= threshold * Math.max(scale, tau2)) {
        outcome = STEP_CONVERGED;
        break;
      }
      if (<f64>iterations >= maxIter) break;
      iterations++;
      setWeights(ws, vi, k, next);
      if (!weightedLeastSquares(ws, yc, vi, X, k, p, flags)) return KernelStatus.SINGULAR;
      llNext = guarded ? profileLogLikelihood(ws, vi, k, next, reml) : 0;
      if (!(guarded && newton) || newtonStepHolds(ws, method, k, p, score, ll, llNext)) {
        if (newton && root[RootObserved] < root[RootExpected]) longNewtonStepTaken = true;
        outcome = STEP_TAKEN;
        break;
      }
    }
    if (outcome === STEP_STOPPED) break;
    tau2 = next;
    if (outcome === STEP_CONVERGED) {
      status = KernelStatus.OK;
      break;
    }
    ll = llNext;
    score = recordScore(ws, method, k, p, tau2, root);
  }
  if (status === KernelStatus.OK && tau2 > 0 && tau2 <= BOUNDARY_FACTOR * threshold * scale) {
    // Converged within a few thresholds of 0, where the steps are halved towards the boundary
    // (metafor stops there, a few 1e-12 above 0 at threshold 1e-10): the maximiser is 0 unless
    // the score at 0 is positive (then a root lies in (0, tau²) and tau² stays).
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, yc, vi, X, k, p, flags)) return KernelStatus.SINGULAR;
    if (!(currentScore(ws, method, k, p) > 0)) tau2 = 0;
  }
  out[FitOutSlot.tau2] = tau2;
  out[FitOutSlot.iterations] = <f64>iterations;
  return status;
}

/**
 * Fits a fixed-effect (method FE) or random-effects model by weighted least squares, estimating
 * tau² as metafor's rma.uni does:
 * - DL: (Q - (k-p)) / tr(P), W = 1/vi (DerSimonian & Laird 1986; generalised to meta-regression).
 * - HE: (RSS_OLS - tr(P_OLS V)) / (k-p) (Hedges 1983; Hedges & Olkin 1985).
 * - HS: (Q - k) / Σ(1/vi) (Hunter & Schmidt 2004; metafor's HS, without the k/(k-p) factor).
 * - SJ: τ₀²·Q(τ₀²)/(k-p), τ₀² = mean((y - ȳ)²) (Sidik & Jonkman 2005) or control tau2Init.
 * - ML, REML, EB: the root of the score on [0, ∞) that metafor's Fisher scoring from max(0, HE)
 *   (or tau2Init) converges to, found by safeguarded Newton from the same start (see
 *   {@link solveScoreRoot}): converged when |Δτ²| <= threshold·max(mean vi, τ²) within maxIter iterations, else
 *   NOT_CONVERGED. Newton converges quadratically where Fisher scoring crawls (dat.raudenbush1985
 *   rows 1-7 with mods = ~weeks: 106 Fisher iterations to 1e-10, 8 here). An estimate that ends
 *   within a few thresholds of 0 is 0 when the score at 0 is not positive (the maximiser metafor
 *   approaches by halving). ML/REML then take τ² = 0 when the (restricted) likelihood at 0 is
 *   higher by more than 2^-13 (metafor's ll0check).
 * - PM: the root of Q(τ²) = y'P(τ²)y = k - p (Paule & Mandel 1982), 0 when Q(0) < k - p. metafor
 *   brackets it with uniroot; Q is convex and decreasing in τ² (dQ/dτ² = -y'PPy, d²Q/dτ²² =
 *   2y'PPPy >= 0), so Newton's method from 0 increases monotonically to the root.
 * All estimators are truncated at 0; with k = 1 tau² is 0 (metafor's "k1"); control tau2Fixed
 * fixes tau² instead of estimating it. tau² is estimated from centred outcomes, as metafor does.
 *
 * Out block (contract.ts, FitOutSlot): tau², iterations, β (p), vb = (X'WX)⁻¹ with
 * W = 1/(vi + τ²) (row-major p×p).
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
 * const ws = new FitWorkspace(3, 1);
 * const out = newF64s(fitOutSize(1));
 * fitKernel(ws, yi, vi, ones, 3, 1, MethodCode.REML, control, out); // out[0] = tau², out[2] = μ̂
 */
export function fitKernel(
  ws: FitWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  control: F64s,
  out: F64s,
): i32 {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  let mean: f64 = 0;
  for (let i = 0; i < k; i++) {
    const v: f64 = vi[i];
    if (!isFinite(yi[i]) || !isFinite(v) || !(v > 0)) return KernelStatus.BAD_INPUT;
    mean += yi[i];
  }
  for (let a = 0; a < k * p; a++) if (!isFinite(X[a])) return KernelStatus.BAD_INPUT;
  if (k < p) return KernelStatus.TOO_FEW_STUDIES;
  mean /= <f64>k;
  const yc = ws.yc;
  for (let i = 0; i < k; i++) yc[i] = yi[i] - mean;
  const st = ws.stats;
  st[StatQrTau2] = NaN;
  st[StatTrP0] = NaN;

  const threshold = control[ControlSlot.threshold];
  const maxIter = control[ControlSlot.maxIter];
  const stepAdj = control[ControlSlot.stepAdj];
  const tau2Init = control[ControlSlot.tau2Init];
  const tau2Fixed = control[ControlSlot.tau2Fixed];
  const dfResid = k - p;
  // every loop below is bounded by these: a control block outside them is refused
  if (!(threshold > 0) || !(maxIter >= 1) || !isFinite(maxIter) || !(stepAdj > 0)) {
    return KernelStatus.BAD_INPUT;
  }
  if (!isNaN(tau2Init) && !(tau2Init >= 0 && isFinite(tau2Init))) return KernelStatus.BAD_INPUT;
  if (!isNaN(tau2Fixed) && !(tau2Fixed >= 0 && isFinite(tau2Fixed))) return KernelStatus.BAD_INPUT;

  let tau2: f64 = 0;
  let iterations: i32 = 0;
  let status: i32 = KernelStatus.OK;

  if (method === MethodCode.FE) {
    tau2 = 0;
  } else if (!isNaN(tau2Fixed)) {
    tau2 = tau2Fixed;
  } else if (k === 1) {
    tau2 = 0; // metafor's "k1": nothing to estimate
  } else if (dfResid < 1) {
    return KernelStatus.TOO_FEW_STUDIES;
  } else if (method === MethodCode.DL) {
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, yc, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
    tau2 = (st[StatRss] - <f64>dfResid) / st[StatTrP];
  } else if (method === MethodCode.HS) {
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, yc, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
    tau2 = (st[StatRss] - <f64>k) / st[StatSumW];
  } else if (method === MethodCode.SJ) {
    let tau20 = tau2Init;
    if (isNaN(tau20)) {
      tau20 = 0;
      for (let i = 0; i < k; i++) tau20 += yc[i] * yc[i];
      tau20 /= <f64>k; // var(yi)·(k-1)/k
    }
    setWeights(ws, vi, k, tau20);
    if (!weightedLeastSquares(ws, yc, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
    tau2 = (tau20 * st[StatRss]) / <f64>dfResid;
  } else if (method === MethodCode.PM) {
    setWeights(ws, vi, k, 0);
    if (!weightedLeastSquares(ws, yc, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
    if (st[StatRss] < <f64>dfResid) {
      tau2 = 0;
    } else {
      status = KernelStatus.NOT_CONVERGED;
      tau2 = 0;
      while (<f64>iterations < maxIter) {
        iterations++;
        setWeights(ws, vi, k, tau2);
        if (!weightedLeastSquares(ws, yc, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
        const slope = st[StatRssP];
        const step: f64 = slope > 0 ? (st[StatRss] - <f64>dfResid) / slope : 0;
        tau2 += step;
        if (Math.abs(step) <= threshold * Math.max(meanVariance(vi, k), tau2)) {
          status = KernelStatus.OK;
          break;
        }
      }
    }
  } else {
    // HE, and the starting value of ML, REML and EB
    setUnitWeights(ws, k);
    if (!weightedLeastSquares(ws, yc, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
    tau2 = (st[StatRss] - st[StatTrPV]) / <f64>dfResid;
    if (method !== MethodCode.HE) {
      tau2 = isNaN(tau2Init) ? Math.max(0, tau2) : tau2Init;
      const start = tau2;
      const reml = method === MethodCode.REML;
      longNewtonStepTaken = false;
      status = solveScoreRoot(ws, vi, X, k, p, method, start, control, out, true);
      tau2 = out[FitOutSlot.tau2];
      iterations = <i32>out[FitOutSlot.iterations];
      if (
        status === KernelStatus.OK &&
        method !== MethodCode.EB &&
        !(tau2 > 0) &&
        longNewtonStepTaken
      ) {
        // A Newton step longer than Fisher's may have leapt over an inner maximum into the basin of
        // the one at 0 while the likelihood still rose (two maxima: e.g. studies 2, 7, 10, 12 of
        // dat.bcg, log RR). metafor's path, Fisher scoring from the same start, decides: the higher
        // of the two maxima is kept.
        const fisherStatus = solveScoreRoot(ws, vi, X, k, p, method, start, control, out, false);
        const inner = out[FitOutSlot.tau2];
        iterations += <i32>out[FitOutSlot.iterations];
        if (
          fisherStatus === KernelStatus.OK &&
          inner > 0 &&
          logLikelihood(ws, vi, X, k, p, inner, reml) > logLikelihood(ws, vi, X, k, p, 0, reml)
        )
          tau2 = inner;
      }
      if (status === KernelStatus.OK && method !== MethodCode.EB && tau2 > threshold) {
        // metafor's ll0check: the iteration may stop at a local maximum away from 0
        const ll0 = logLikelihood(ws, vi, X, k, p, 0, reml);
        const ll = logLikelihood(ws, vi, X, k, p, tau2, reml);
        if (ll0 - ll > LL0_CHECK_TOLERANCE) tau2 = 0;
      }
    }
  }
  if (status !== KernelStatus.OK) {
    out[FitOutSlot.tau2] = tau2;
    out[FitOutSlot.iterations] = <f64>iterations;
    return status;
  }
  if (isNaN(tau2)) return KernelStatus.BAD_INPUT;
  if (!(tau2 > 0)) tau2 = 0; // also turns -0 into 0

  // Final weighted least squares at the estimate, with the uncentred outcomes. The QR of the last
  // weighted least squares is reused when it was taken at this tau² (the ll0 check's likelihood at
  // the estimate; an estimate that stayed at 0), as only y differs.
  const reuse: i32 = st[StatQrTau2] === tau2 ? REUSE_QR : 0;
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, yi, vi, X, k, p, reuse)) return KernelStatus.SINGULAR;
  const rinv = ws.rinv;
  const c = ws.c;
  invertUpper(ws.r, p, rinv);
  const betaAt: i32 = FitOutSlot.beta;
  const vbAt: i32 = FitOutSlot.beta + p;
  out[FitOutSlot.tau2] = tau2;
  out[FitOutSlot.iterations] = <f64>iterations;
  // β = R⁻¹Q'W^½y and vb = R⁻¹R⁻ᵀ = (X'WX)⁻¹ (R⁻¹ is upper triangular)
  for (let j = 0; j < p; j++) {
    let s: f64 = 0;
    for (let l = j; l < p; l++) s += rinv[j * p + l] * c[l];
    out[betaAt + j] = s;
  }
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s: f64 = 0;
      for (let l = j; l < p; l++) s += rinv[i * p + l] * rinv[j * p + l];
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
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  tau2: f64,
  out: F64s,
): i32 {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  ws.stats[StatQrTau2] = NaN;
  setWeights(ws, vi, k, tau2);
  if (!weightedLeastSquares(ws, yi, vi, X, k, p, 0)) return KernelStatus.SINGULAR;
  out[0] = ws.stats[StatRss];
  out[1] = ws.stats[StatRssP];
  out[2] = ws.stats[StatTrP];
  out[3] = ws.stats[StatSumW];
  return KernelStatus.OK;
}
