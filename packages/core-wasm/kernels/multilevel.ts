/**
 * The three-level kernel: experiments (level 2) nested in publications (level 3), as metafor's
 * rma.mv(yi, vi, random = ~ 1 | cluster/experiment). One source for both paths (README.md).
 *
 * Model: y_ij = x_ij'β + u_j + w_ij + e_ij with u_j ~ N(0, σ²_b), w_ij ~ N(0, σ²_w),
 * e_ij ~ N(0, v_ij). The marginal covariance is block-diagonal; the block of cluster j (rows sorted
 * by cluster, `starts` gives where each cluster begins) is compound symmetric:
 *   V_j = D_j + σ²_b·11',  D_j = diag(v_ij + σ²_w).
 * With a_i = 1/d_i, S_j = Σ a_i (Sherman-Morrison):
 *   V_j⁻¹ = D⁻¹ - g·aa',  g = σ²_b/(1 + σ²_b·S_j),    log|V_j| = Σ log d_i + log(1 + σ²_b·S_j),
 * and a square root L_j with L_j'L_j = V_j⁻¹ in closed form (q = D^-½·1, q'q = S_j):
 *   L_j = (I - c·qq'/S_j)·D^-½,  c = 1 - 1/√(1 + σ²_b·S_j),
 * since (I - c·qq'/S)² = I - (σ²_b/(1 + σ²_b·S))·qq' and D^-½q = a. So no k×k matrix is ever formed:
 * the kernel whitens X and y cluster by cluster (O(k·p)), takes the thin QR of the whitened
 * X̃ = LX = QR (as fit.ts does for rma.uni, for the same conditioning reasons), and every quantity
 * below costs O(k·p²).
 *
 * With H = I - QQ' and P = V⁻¹ - V⁻¹X(X'V⁻¹X)⁻¹X'V⁻¹ = L'·H·L, u = Py = L'·ẽ (ẽ = H·Ly), and the two
 * derivative matrices ∂V/∂σ²_b = J (= blockdiag(11')) and ∂V/∂σ²_w = I (Searle, Casella & McCulloch
 * 1992, "Variance Components", ch. 6; Harville 1977, JASA 72(358)):
 *   score    s_m = -½·tr(P·A_m) + ½·u'A_m u               (REML; ML: tr(V⁻¹A_m))
 *   Fisher   F_mn = ½·tr(P·A_m·P·A_n)                     (ML: V⁻¹ for P)
 *   observed H_mn = -F_mn + y'P·A_m·P·A_n·P·y             (minus the Hessian of the profile likelihood)
 * where, with Ã = L·A·L' and the p×p matrices C_A = Q'ÃQ (Ĩ = LL', J̃ = ℓℓ' per cluster, ℓ = L1),
 *   tr(P·A·P·B) = tr(ÃB̃) - 2·tr(Q'ÃB̃Q) + tr(C_A·C_B),    tr(P·A) = tr(Ã) - tr(C_A),
 *   y'P·A·P·B·P·y = z_A'z_B - (Q'z_A)'(Q'z_B),  z_A = L·A·u,
 * and with M = L'Q: C_I = M'M, Q'ĨĨQ = (LM)'(LM), Q_j'ĨJ̃Q_j = (M_j'V_j⁻¹1)(ℓ_j'Q_j); the traces
 * tr(Ĩ) = tr(V⁻¹), tr(ĨĨ) = tr(V⁻²), tr(ĨJ̃) = 1'V⁻²1 and ℓ'ℓ = 1'V⁻¹1 are sums of a_i powers.
 *
 * The solver is Newton's method with the observed information, the Fisher information when the
 * observed one is not positive definite or its step does not raise the likelihood, step halving
 * after that, and the components kept in [0, ∞) by projection (a component at 0 whose score is
 * negative stays at 0). Every loop is bounded; failures are statuses (contract.ts).
 */
import { F64s, I32s, newF64s } from "#kernel-arrays";
import { KernelStatus, MethodCode, MultilevelControlSlot, MultilevelOutSlot } from "./contract.ts";
import { invertUpper, projectOut, weightedQR } from "./linalg.ts";

/** log(2π), for the log-likelihoods. */
const LOG_2PI: f64 = 1.8378770664093453;
/** Step halvings tried before a step is given up (2^-60 of a step is below any threshold). */
const MAX_HALVINGS: i32 = 60;
/** A step is accepted when the likelihood does not fall by more than this, relative to |ll|. */
const LL_TOLERANCE: f64 = 1e-13;

/** Slots of MultilevelWorkspace.stats (one evaluation of the likelihood). */
const SLl = 0; // log-likelihood (ML or REML, without the constant ½·log|X'X|)
const SRss = 1; // y'Py = ‖ẽ‖²
const STrP = 2; // tr(P) (ML: tr(V⁻¹))
const SScoreB = 3;
const SScoreW = 4;
const SFisherBB = 5;
const SFisherBW = 6;
const SFisherWW = 7;
const SObsBB = 8;
const SObsBW = 9;
const SObsWW = 10;
const STATS_SIZE = 12;

/** Scratch memory for the three-level kernels, sized for up to kMax rows and pMax columns. */
export class MultilevelWorkspace {
  readonly kMax: i32;
  readonly pMax: i32;
  /** 1/√d_i */
  readonly rootA: F64s;
  /** ones, the unit weights of the QR of the already whitened X̃ */
  readonly ones: F64s;
  /** whitened X̃ = LX, row-major k×p */
  readonly xt: F64s;
  /** whitened ỹ = Ly */
  readonly yt: F64s;
  /** ẽ = H·ỹ */
  readonly e: F64s;
  /** u = Py = L'·ẽ */
  readonly u: F64s;
  /** z_J = L·J·u */
  readonly zb: F64s;
  /** z_I = L·u */
  readonly zw: F64s;
  /** Q, column-major k×p */
  readonly q: F64s;
  /** M = L'Q, column-major k×p */
  readonly lq: F64s;
  /** LM = LL'Q, column-major k×p */
  readonly vq: F64s;
  readonly r: F64s;
  readonly rinv: F64s;
  /** Q'ỹ */
  readonly c: F64s;
  /** p-vector scratch */
  readonly t1: F64s;
  readonly t2: F64s;
  readonly t3: F64s;
  readonly t4: F64s;
  /** C_I = Q'ĨQ, C_J = Σ_j Q_j'ℓ_j ℓ_j'Q_j, D_I = Q'ĨĨQ */
  readonly cI: F64s;
  readonly cJ: F64s;
  readonly dI: F64s;
  readonly stats: F64s;
  /** the solver's current point and step (St* slots) */
  readonly state: F64s;
  /** the point a step leads to */
  readonly trial: F64s;
  /** ws.stats of the current point, kept while trials overwrite ws.stats */
  readonly current: F64s;

  constructor(kMax: i32, pMax: i32) {
    const k = kMax > 1 ? kMax : 1;
    const p = pMax > 1 ? pMax : 1;
    this.kMax = k;
    this.pMax = p;
    this.rootA = newF64s(k);
    this.ones = newF64s(k);
    this.xt = newF64s(k * p);
    this.yt = newF64s(k);
    this.e = newF64s(k);
    this.u = newF64s(k);
    this.zb = newF64s(k);
    this.zw = newF64s(k);
    this.q = newF64s(k * p);
    this.lq = newF64s(k * p);
    this.vq = newF64s(k * p);
    this.r = newF64s(p * p);
    this.rinv = newF64s(p * p);
    this.c = newF64s(p);
    this.t1 = newF64s(p);
    this.t2 = newF64s(p);
    this.t3 = newF64s(p);
    this.t4 = newF64s(p);
    this.cI = newF64s(p * p);
    this.cJ = newF64s(p * p);
    this.dI = newF64s(p * p);
    this.stats = newF64s(STATS_SIZE);
    this.state = newF64s(4);
    this.trial = newF64s(4);
    this.current = newF64s(STATS_SIZE);
    for (let i = 0; i < k; i++) this.ones[i] = 1;
  }
}

/**
 * Applies L_j = V_j^-½ (see the file comment) to the rows [from, to) of z, with stride `stride` and
 * offset `col` (a column of a row-major or column-major matrix, or a vector), writing into out.
 */
function whiten(
  ws: MultilevelWorkspace,
  z: F64s,
  out: F64s,
  from: i32,
  to: i32,
  stride: i32,
  col: i32,
  cOverS: f64,
): void {
  const ra = ws.rootA;
  // Σ a_i z_i = q'(D^-½ z)
  let s: f64 = 0;
  for (let i = from; i < to; i++) s += ra[i] * ra[i] * z[i * stride + col];
  const shift = cOverS * s;
  for (let i = from; i < to; i++) out[i * stride + col] = (z[i * stride + col] - shift) * ra[i];
}

/** Applies L_j' = D^-½·(I - c·qq'/S_j) (the transpose of {@link whiten}) to rows [from, to) of a vector or column. */
function whitenTransposed(
  ws: MultilevelWorkspace,
  z: F64s,
  out: F64s,
  from: i32,
  to: i32,
  col: i32,
  cOverS: f64,
): void {
  const ra = ws.rootA;
  // q'z = Σ z_i/√d_i; (L'z)_i = (z_i - (c/S)·q_i·q'z)/√d_i
  let s: f64 = 0;
  for (let i = from; i < to; i++) s += ra[i] * z[i + col];
  const shift = cOverS * s;
  for (let i = from; i < to; i++) out[i + col] = (z[i + col] - shift * ra[i]) * ra[i];
}

/** Per-cluster scalars: S_j = Σ 1/d_i, and 1 + σ²_b·S_j. */
function clusterSum(ws: MultilevelWorkspace, from: i32, to: i32): f64 {
  let s: f64 = 0;
  for (let i = from; i < to; i++) s += ws.rootA[i] * ws.rootA[i];
  return s;
}

/** c/S of the whitening of a cluster with sum S (0 when S = 0 or σ²_b = 0). */
function whiteningShift(sb: f64, s: f64): f64 {
  if (!(s > 0) || sb == 0) return 0;
  return (1 - 1 / Math.sqrt(1 + sb * s)) / s;
}

/**
 * Evaluates the (restricted) log-likelihood at (σ²_b, σ²_w); with `derivatives`, also the scores
 * and the Fisher and observed informations (file comment). On success the QR of X̃ is in ws.q/ws.r,
 * ws.c = Q'ỹ and ws.stats holds the results.
 *
 * @returns a KernelStatus: SINGULAR when X̃ is rank deficient, BAD_INPUT for a non-finite result
 */
function evaluate(
  ws: MultilevelWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  reml: bool,
  sb: f64,
  sw: f64,
  derivatives: bool,
): i32 {
  let logDetV: f64 = 0;
  for (let i = 0; i < k; i++) {
    const d: f64 = vi[i] + sw;
    if (!(d > 0)) return KernelStatus.BAD_INPUT;
    ws.rootA[i] = 1 / Math.sqrt(d);
    logDetV += Math.log(d);
  }
  for (let j = 0; j < m; j++) {
    const from = starts[j];
    const to = starts[j + 1];
    const s = clusterSum(ws, from, to);
    logDetV += Math.log(1 + sb * s);
    const shift = whiteningShift(sb, s);
    for (let col = 0; col < p; col++) whiten(ws, X, ws.xt, from, to, p, col, shift);
    whiten(ws, yi, ws.yt, from, to, 1, 0, shift);
  }
  if (!weightedQR(ws.xt, ws.ones, k, p, ws.q, ws.r)) return KernelStatus.SINGULAR;
  projectOut(ws.q, ws.yt, k, p, ws.c, ws.e);
  let rss: f64 = 0;
  for (let i = 0; i < k; i++) rss += ws.e[i] * ws.e[i];
  let ll: f64 = 0;
  if (reml) {
    let logDetXVX: f64 = 0;
    for (let a = 0; a < p; a++) logDetXVX += 2 * Math.log(ws.r[a * p + a]);
    ll = -0.5 * (<f64>(k - p) * LOG_2PI + logDetV + logDetXVX + rss);
  } else {
    ll = -0.5 * (<f64>k * LOG_2PI + logDetV + rss);
  }
  if (!isFinite(ll)) return KernelStatus.BAD_INPUT;
  ws.stats[SLl] = ll;
  ws.stats[SRss] = rss;
  if (derivatives) addDerivatives(ws, k, p, starts, m, reml, sb);
  return KernelStatus.OK;
}

/** Adds Σ_i x_i·y_i over rows [from, to) of two column-major k-row matrices' columns. */
function dotRows(x: F64s, xo: i32, y: F64s, yo: i32, from: i32, to: i32): f64 {
  let s: f64 = 0;
  for (let i = from; i < to; i++) s += x[xo + i] * y[yo + i];
  return s;
}

/** The scores and informations of the file comment, from the QR of the last evaluation. */
function addDerivatives(
  ws: MultilevelWorkspace,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  reml: bool,
  sb: f64,
): void {
  const q = ws.q;
  const lq = ws.lq;
  const vq = ws.vq;
  const ra = ws.rootA;
  for (let a = 0; a < p * p; a++) {
    ws.cI[a] = 0;
    ws.cJ[a] = 0;
    ws.dI[a] = 0;
  }
  // Scalar traces of Ã·B̃ (and of Ã), before projection.
  let trVinv: f64 = 0; // tr(V⁻¹)
  let trVinvJ: f64 = 0; // Σ ℓ'ℓ = Σ 1'V⁻¹1
  let trII: f64 = 0; // tr(V⁻²)
  let trIJ: f64 = 0; // Σ ℓ'V⁻¹ℓ = Σ 1'V⁻²1
  let trJJ: f64 = 0; // Σ (ℓ'ℓ)²
  // Projected parts: Σ_j (ℓ'ℓ)·‖Q_j'ℓ_j‖², Σ_j (Q_j'ℓ_j)'(Q_j'V⁻¹ℓ_j)
  let projJJ: f64 = 0;
  let projIJ: f64 = 0;
  // u'Ju = Σ (1'u_j)², u'u
  let uJu: f64 = 0;
  let uu: f64 = 0;
  for (let j = 0; j < m; j++) {
    const from = starts[j];
    const to = starts[j + 1];
    const s = clusterSum(ws, from, to);
    const shift = whiteningShift(sb, s);
    const onePlus: f64 = 1 + sb * s;
    const g: f64 = sb / onePlus;
    let s2: f64 = 0;
    let s3: f64 = 0;
    for (let i = from; i < to; i++) {
      const a: f64 = ra[i] * ra[i];
      s2 += a * a;
      s3 += a * a * a;
    }
    trVinv += s - g * s2;
    const lTl: f64 = s / onePlus;
    trVinvJ += lTl;
    trII += s2 - 2 * g * s3 + g * g * s2 * s2;
    const lVl: f64 = s2 / (onePlus * onePlus);
    trIJ += lVl;
    trJJ += lTl * lTl;
    // u = L'·ẽ on this cluster, and z_I = L·u, z_J = L·(1'u)1
    whitenTransposed(ws, ws.e, ws.u, from, to, 0, shift);
    whiten(ws, ws.u, ws.zw, from, to, 1, 0, shift);
    let oneU: f64 = 0;
    for (let i = from; i < to; i++) {
      oneU += ws.u[i];
      uu += ws.u[i] * ws.u[i];
    }
    uJu += oneU * oneU;
    // ℓ = L1 = q/√(1 + σ²_b S): ℓ_i = ra_i/√onePlus; z_J = (1'u)·ℓ
    const lScale: f64 = 1 / Math.sqrt(onePlus);
    for (let i = from; i < to; i++) ws.zb[i] = oneU * ra[i] * lScale;
    // M = L'Q and LM, column-major
    for (let col = 0; col < p; col++) {
      whitenTransposed(ws, q, lq, from, to, col * k, shift);
      whiten(ws, lq, vq, from, to, 1, col * k, shift);
    }
    // Q_j'ℓ_j (t1) and M_j'V_j⁻¹1 (t2), V⁻¹1 = a/(1 + σ²_b S)
    let norm2: f64 = 0;
    let cross: f64 = 0;
    for (let col = 0; col < p; col++) {
      let a1: f64 = 0;
      let a2: f64 = 0;
      for (let i = from; i < to; i++) {
        a1 += q[col * k + i] * ra[i] * lScale;
        a2 += lq[col * k + i] * ra[i] * ra[i];
      }
      a2 /= onePlus;
      ws.t1[col] = a1;
      ws.t2[col] = a2;
      norm2 += a1 * a1;
      cross += a1 * a2;
    }
    projJJ += lTl * norm2;
    projIJ += cross;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) ws.cJ[a * p + b] += ws.t1[a] * ws.t1[b];
    }
  }
  // C_I = M'M, D_I = (LM)'(LM)
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const ci = dotRows(lq, a * k, lq, b * k, 0, k);
      const di = dotRows(vq, a * k, vq, b * k, 0, k);
      ws.cI[a * p + b] = ci;
      ws.cI[b * p + a] = ci;
      ws.dI[a * p + b] = di;
      ws.dI[b * p + a] = di;
    }
  }
  let trCI: f64 = 0;
  let trCJ: f64 = 0;
  let trDI: f64 = 0;
  let cIcI: f64 = 0;
  let cIcJ: f64 = 0;
  let cJcJ: f64 = 0;
  for (let a = 0; a < p; a++) {
    trCI += ws.cI[a * p + a];
    trCJ += ws.cJ[a * p + a];
    trDI += ws.dI[a * p + a];
    for (let b = 0; b < p; b++) {
      cIcI += ws.cI[a * p + b] * ws.cI[a * p + b];
      cIcJ += ws.cI[a * p + b] * ws.cJ[a * p + b];
      cJcJ += ws.cJ[a * p + b] * ws.cJ[a * p + b];
    }
  }
  // traces of A (tr(P·A) or tr(V⁻¹A)) and of A·B
  let trAB: f64 = trVinvJ; // J
  let trAW: f64 = trVinv; // I
  let tBB: f64 = trJJ;
  let tBW: f64 = trIJ;
  let tWW: f64 = trII;
  if (reml) {
    trAB -= trCJ;
    trAW -= trCI;
    tBB += -2 * projJJ + cJcJ;
    tBW += -2 * projIJ + cIcJ;
    tWW += -2 * trDI + cIcI;
  }
  // y'P·A·P·B·P·y = z_A'z_B - (Q'z_A)'(Q'z_B)
  let zbzb: f64 = 0;
  let zbzw: f64 = 0;
  let zwzw: f64 = 0;
  for (let i = 0; i < k; i++) {
    zbzb += ws.zb[i] * ws.zb[i];
    zbzw += ws.zb[i] * ws.zw[i];
    zwzw += ws.zw[i] * ws.zw[i];
  }
  for (let col = 0; col < p; col++) {
    const qb = dotRows(q, col * k, ws.zb, 0, 0, k);
    const qw = dotRows(q, col * k, ws.zw, 0, 0, k);
    zbzb -= qb * qb;
    zbzw -= qb * qw;
    zwzw -= qw * qw;
  }
  const st = ws.stats;
  st[STrP] = trAW;
  st[SScoreB] = 0.5 * (uJu - trAB);
  st[SScoreW] = 0.5 * (uu - trAW);
  st[SFisherBB] = 0.5 * tBB;
  st[SFisherBW] = 0.5 * tBW;
  st[SFisherWW] = 0.5 * tWW;
  st[SObsBB] = zbzb - 0.5 * tBB;
  st[SObsBW] = zbzw - 0.5 * tBW;
  st[SObsWW] = zwzw - 0.5 * tWW;
}

/** Cluster offsets as the kernels take them: starts[0] = 0, starts[m] = k, no empty cluster. */
export function validClusterStarts(starts: I32s, m: i32, k: i32): bool {
  if (m < 1 || starts[0] != 0 || starts[m] != k) return false;
  for (let j = 0; j < m; j++) if (starts[j + 1] <= starts[j]) return false;
  return true;
}

/** Slots of ws.state and ws.trial: the components and the last step. */
const StB = 0;
const StW = 1;
const StStepB = 2;
const StStepW = 3;

/**
 * Solves info·δ = score over the free components (freeB, freeW) with the 2×2 information at
 * slots (bb, bw, ww) of the stats block st (the current point's); writes δ into step[StStepB], step[StStepW].
 *
 * @returns false when the information is not positive definite on the free components
 */
function direction(
  st: F64s,
  step: F64s,
  freeB: bool,
  freeW: bool,
  bb: i32,
  bw: i32,
  ww: i32,
): bool {
  const gB = st[SScoreB];
  const gW = st[SScoreW];
  step[StStepB] = 0;
  step[StStepW] = 0;
  if (freeB && freeW) {
    const a = st[bb];
    const b = st[bw];
    const c = st[ww];
    const det = a * c - b * b;
    if (!(a > 0) || !(c > 0) || !(det > 1e-14 * a * c) || !isFinite(det)) return false;
    step[StStepB] = (c * gB - b * gW) / det;
    step[StStepW] = (a * gW - b * gB) / det;
    return true;
  }
  if (freeB) {
    if (!(st[bb] > 0) || !isFinite(st[bb])) return false;
    step[StStepB] = gB / st[bb];
    return true;
  }
  if (freeW) {
    if (!(st[ww] > 0) || !isFinite(st[ww])) return false;
    step[StStepW] = gW / st[ww];
    return true;
  }
  return true;
}

/**
 * Fits the three-level model: σ²_b and σ²_w by ML or REML (each may be fixed), then β and
 * (X'V⁻¹X)⁻¹ at the estimates. Rows must be sorted by cluster: cluster j is rows
 * [starts[j], starts[j + 1]), starts[0] = 0, starts[m] = k.
 *
 * Control (MultilevelControlSlot): threshold, maxIter, fixed values and starting values (NaN: not
 * given). Out ({@link multilevelOutSize}(p) doubles): see MultilevelOutSlot.
 *
 * @returns a KernelStatus; NOT_CONVERGED after maxIter iterations or when no step raises the
 * likelihood while the components still move by more than the threshold
 */
export function multilevelKernel(
  ws: MultilevelWorkspace,
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
  if (k < 1 || p < 1 || m < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method != MethodCode.ML && method != MethodCode.REML) return KernelStatus.BAD_INPUT;
  if (!validClusterStarts(starts, m, k)) return KernelStatus.BAD_INPUT;
  for (let i = 0; i < k; i++) {
    if (!isFinite(yi[i]) || !(vi[i] > 0) || !isFinite(vi[i])) return KernelStatus.BAD_INPUT;
  }
  const threshold = control[MultilevelControlSlot.threshold];
  const maxIterRaw = control[MultilevelControlSlot.maxIter];
  if (!(threshold > 0) || !(maxIterRaw >= 1) || !(maxIterRaw <= 1e6)) return KernelStatus.BAD_INPUT;
  const maxIter = <i32>maxIterRaw;
  const fixedB = control[MultilevelControlSlot.sigma2BetweenFixed];
  const fixedW = control[MultilevelControlSlot.sigma2WithinFixed];
  const isFixedB = !isNaN(fixedB);
  const isFixedW = !isNaN(fixedW);
  if ((isFixedB && !(fixedB >= 0)) || (isFixedW && !(fixedW >= 0))) return KernelStatus.BAD_INPUT;
  if ((isFixedB && !isFinite(fixedB)) || (isFixedW && !isFinite(fixedW))) {
    return KernelStatus.BAD_INPUT;
  }
  const reml = method == MethodCode.REML;
  const status = multilevelSolve(
    ws,
    yi,
    vi,
    X,
    k,
    p,
    starts,
    m,
    reml,
    control,
    maxIter,
    threshold,
    isFixedB,
    isFixedW,
    out,
  );
  return status;
}

/** The solver of {@link multilevelKernel} (validated input). */
function multilevelSolve(
  ws: MultilevelWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  reml: bool,
  control: F64s,
  maxIter: i32,
  threshold: f64,
  isFixedB: bool,
  isFixedW: bool,
  out: F64s,
): i32 {
  const st = ws.stats;
  // The scale of the data: the threshold applies to changes relative to the mean sampling variance,
  // so the fit does not depend on the units (an absolute 1e-10 would stop at once on data whose
  // variances are 1e-13, and never on data whose variances are 1e12).
  let meanV: f64 = 0;
  for (let i = 0; i < k; i++) meanV += vi[i];
  meanV /= <f64>k;
  const tolerance: f64 = threshold * meanV;
  const initB = control[MultilevelControlSlot.sigma2BetweenInit];
  const initW = control[MultilevelControlSlot.sigma2WithinInit];
  const startB = isFixedB || (initB >= 0 && isFinite(initB));
  const startW = isFixedW || (initW >= 0 && isFinite(initW));
  // QE and tr(P) of the fixed-effect model (W = 1/v): the heterogeneity test and the typical
  // variance of the multilevel I² (Cheung 2014), and the DL-type starting value. Refits given their
  // starting values (resampling, profile likelihoods) skip it: NaN in the out block.
  let half: f64 = NaN;
  out[MultilevelOutSlot.QE] = NaN;
  out[MultilevelOutSlot.trP0] = NaN;
  let status: i32 = KernelStatus.OK;
  if (!startB || !startW || control[MultilevelControlSlot.refit] != 1) {
    status = evaluate(ws, yi, vi, X, k, p, starts, m, true, 0, 0, true);
    if (status != KernelStatus.OK) return status;
    const qe = st[SRss];
    const trP0 = st[STrP];
    out[MultilevelOutSlot.QE] = qe;
    out[MultilevelOutSlot.trP0] = trP0;
    let start: f64 = trP0 > 0 ? (qe - <f64>(k - p)) / trP0 : 0;
    if (!(start > 0)) start = 0;
    // Start inside (0, ∞)²: half of the DL-type total each, at least 1% of the mean v (a start at
    // exactly 0 would leave a component whose score is 0 there stuck).
    half = start > 0.02 * meanV ? start / 2 : 0.01 * meanV;
  }
  const state = ws.state;
  state[StB] = isFixedB
    ? control[MultilevelControlSlot.sigma2BetweenFixed]
    : initB >= 0 && isFinite(initB)
      ? initB
      : half;
  state[StW] = isFixedW
    ? control[MultilevelControlSlot.sigma2WithinFixed]
    : initW >= 0 && isFinite(initW)
      ? initW
      : half;

  status = evaluate(ws, yi, vi, X, k, p, starts, m, reml, state[StB], state[StW], true);
  if (status != KernelStatus.OK) return status;
  let iterations: i32 = 0;
  let converged = false;
  const trial = ws.trial;
  const cur = ws.current;
  while (!converged) {
    if (iterations >= maxIter) {
      out[MultilevelOutSlot.iterations] = <f64>iterations;
      return KernelStatus.NOT_CONVERGED;
    }
    iterations++;
    // the current point's likelihood, scores and informations (trials overwrite ws.stats)
    for (let s = 0; s < STATS_SIZE; s++) cur[s] = st[s];
    const ll = cur[SLl];
    const b0 = state[StB];
    const w0 = state[StW];
    // a component at 0 whose score points below 0 stays there
    const freeB = !isFixedB && !(b0 <= 0 && cur[SScoreB] <= 0);
    const freeW = !isFixedW && !(w0 <= 0 && cur[SScoreW] <= 0);
    if (!freeB && !freeW) {
      converged = true;
      break;
    }
    // Newton with the observed information, else Fisher scoring; then halving of the Fisher step
    let accepted = false;
    for (let attempt = 0; attempt < 2 && !accepted; attempt++) {
      const ok =
        attempt == 0
          ? direction(cur, state, freeB, freeW, SObsBB, SObsBW, SObsWW)
          : direction(cur, state, freeB, freeW, SFisherBB, SFisherBW, SFisherWW);
      if (!ok) continue;
      const dB = state[StStepB];
      const dW = state[StStepW];
      let scale: f64 = 1;
      const halvings = attempt == 0 ? 0 : MAX_HALVINGS;
      for (let h = 0; h <= halvings && !accepted; h++) {
        let nb = b0 + scale * dB;
        let nw = w0 + scale * dW;
        if (nb < 0) nb = 0;
        if (nw < 0) nw = 0;
        if (!isFinite(nb) || !isFinite(nw)) {
          scale *= 0.5;
          continue;
        }
        // with the derivatives: an accepted trial is the next iteration's point
        status = evaluate(ws, yi, vi, X, k, p, starts, m, reml, nb, nw, true);
        if (status == KernelStatus.OK && st[SLl] >= ll - LL_TOLERANCE * (1 + Math.abs(ll))) {
          accepted = true;
          trial[StB] = nb;
          trial[StW] = nw;
        } else {
          scale *= 0.5;
        }
      }
    }
    if (!accepted) {
      // No step raises the likelihood: at the maximum to rounding, or stalled.
      status = evaluate(ws, yi, vi, X, k, p, starts, m, reml, b0, w0, true);
      if (status != KernelStatus.OK) return status;
      out[MultilevelOutSlot.iterations] = <f64>iterations;
      const gB = freeB ? st[SScoreB] : 0;
      const gW = freeW ? st[SScoreW] : 0;
      // the likelihood is flat to rounding: accept only a score that is tiny against the information
      // (both in the units of meanV: a score times meanV, an information times meanV²)
      const fBB: f64 = Math.abs(st[SFisherBB]) * meanV * meanV;
      const fWW: f64 = Math.abs(st[SFisherWW]) * meanV * meanV;
      const tiny =
        Math.abs(gB) * meanV <= threshold * (1 + fBB) &&
        Math.abs(gW) * meanV <= threshold * (1 + fWW);
      if (!tiny) return KernelStatus.NOT_CONVERGED;
      converged = true;
      break;
    }
    const change = Math.max(Math.abs(trial[StB] - b0), Math.abs(trial[StW] - w0));
    state[StB] = trial[StB];
    state[StW] = trial[StW];
    if (change <= tolerance) converged = true;
  }
  return writeFit(ws, p, state[StB], state[StW], iterations, out);
}

/** Writes the estimates, β = R⁻¹Q'ỹ and vb = R⁻¹R⁻ᵀ of the last evaluation into out. */
function writeFit(
  ws: MultilevelWorkspace,
  p: i32,
  sb: f64,
  sw: f64,
  iterations: i32,
  out: F64s,
): i32 {
  invertUpper(ws.r, p, ws.rinv);
  const rinv = ws.rinv;
  out[MultilevelOutSlot.sigma2Between] = sb;
  out[MultilevelOutSlot.sigma2Within] = sw;
  out[MultilevelOutSlot.iterations] = <f64>iterations;
  out[MultilevelOutSlot.logLik] = ws.stats[SLl];
  const bAt = MultilevelOutSlot.beta;
  const vAt = bAt + p;
  for (let a = 0; a < p; a++) {
    let s: f64 = 0;
    for (let b = a; b < p; b++) s += rinv[a * p + b] * ws.c[b];
    out[bAt + a] = s;
    for (let b = 0; b < p; b++) {
      // (R⁻¹R⁻ᵀ)_ab = Σ_l R⁻¹_al R⁻¹_bl, l ≥ max(a, b)
      let v: f64 = 0;
      for (let l = a > b ? a : b; l < p; l++) v += rinv[a * p + l] * rinv[b * p + l];
      out[vAt + a * p + b] = v;
    }
  }
  for (let a = 0; a < p; a++) if (!isFinite(out[bAt + a])) return KernelStatus.SINGULAR;
  return KernelStatus.OK;
}
