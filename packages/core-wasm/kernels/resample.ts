/**
 * Resampling kernels: the permutation test (Higgins & Thompson 2004, with metafor's permutest
 * semantics) and the bootstrap (Efron & Tibshirani 1993; Davison & Hinkley 1997). Each call runs a
 * whole block of arrangements/replicates inside the kernel: draw, refit with {@link fitKernel},
 * accumulate; nothing is allocated inside the loop (shared/ARCHITECTURE.md: crossing the WASM
 * boundary once per replicate is the slow design).
 */
import { F64s, I32s, newF64s, newI32s } from "#kernel-arrays";
import {
  BootstrapType,
  bootstrapRowSize,
  FitOutSlot,
  fitOutSize,
  KernelStatus,
  MethodCode,
  permutationFailedAt,
  permutationObservedAt,
  permutationValidAt,
  ResampleSlot,
} from "./contract.ts";
import { FitWorkspace, fitKernel, fitTrPAtZero, generalizedQ } from "./fit.ts";
import { nextBelow, nextNormal, nextU32, seedStream } from "./prng.ts";

/** Scratch memory of the resampling kernels (and the fit workspace they use). */
export class ResampleWorkspace {
  readonly kMax: i32;
  readonly pMax: i32;
  readonly fit: FitWorkspace;
  /** generator state (prng.ts) */
  readonly prng: I32s;
  /** resampled outcomes, variances, design (kMax, kMax, kMax×pMax) */
  readonly y: F64s;
  readonly v: F64s;
  readonly x: F64s;
  /** fit out block */
  readonly fitOut: F64s;
  /** generalizedQ out block */
  readonly qOut: F64s;
  /** test statistics of one fit: z (p), QM */
  readonly stat: F64s;
  /** Cholesky factor of vb[btt, btt] and a solve vector */
  readonly chol: F64s;
  readonly sol: F64s;
  /** arrangement: signs or class labels, and class counts for unranking */
  readonly arrangement: I32s;
  readonly counts: I32s;

  constructor(kMax: i32, pMax: i32) {
    const k = kMax > 1 ? kMax : 1;
    const p = pMax > 1 ? pMax : 1;
    this.kMax = k;
    this.pMax = p;
    this.fit = new FitWorkspace(k, p);
    this.prng = newI32s(4);
    this.y = newF64s(k);
    this.v = newF64s(k);
    this.x = newF64s(k * p);
    this.fitOut = newF64s(fitOutSize(p));
    this.qOut = newF64s(4);
    this.stat = newF64s(p + 1);
    this.chol = newF64s(p * p);
    this.sol = newF64s(p);
    this.arrangement = newI32s(k);
    this.counts = newI32s(k);
  }
}

/**
 * Test statistics of the fit in ws.fitOut (metafor's rma.uni): z_j = β_j/SE_j and the Wald
 * omnibus QM = β_b'(vb_bb)⁻¹β_b over b = [bttFrom, bttTo). With Knapp-Hartung (test 1), vb is
 * scaled by s² = Σw_i(y_i - x_i'β)²/(k - p) (Knapp & Hartung 2003) and QM becomes F = QM/m.
 * Writes ws.stat[0..p) and ws.stat[p]; returns false when vb[btt, btt] is not positive definite.
 */
export function testStatistics(
  ws: ResampleWorkspace,
  y: F64s,
  v: F64s,
  X: F64s,
  k: i32,
  p: i32,
  test: i32,
  bttFrom: i32,
  bttTo: i32,
): bool {
  const out = ws.fitOut;
  const stat = ws.stat;
  const tau2 = out[FitOutSlot.tau2];
  const betaAt: i32 = FitOutSlot.beta;
  const vbAt: i32 = FitOutSlot.beta + p;
  let scale: f64 = 1;
  if (test === 1) {
    let rss: f64 = 0;
    for (let i = 0; i < k; i++) {
      let fitted: f64 = 0;
      for (let j = 0; j < p; j++) fitted += X[i * p + j] * out[betaAt + j];
      const e: f64 = y[i] - fitted;
      rss += (e * e) / (v[i] + tau2);
    }
    scale = rss / <f64>(k - p);
  }
  for (let j = 0; j < p; j++) {
    stat[j] = out[betaAt + j] / Math.sqrt(scale * out[vbAt + j * p + j]);
  }
  // QM by Cholesky of vb[btt, btt] (m×m): QM = ‖L⁻¹β_b‖²
  const m = bttTo - bttFrom;
  const L = ws.chol;
  const sol = ws.sol;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      let s: f64 = out[vbAt + (bttFrom + a) * p + bttFrom + b];
      for (let l = 0; l < b; l++) s -= L[a * m + l] * L[b * m + l];
      if (a === b) {
        if (!(s > 0)) return false;
        L[a * m + a] = Math.sqrt(s);
      } else {
        L[a * m + b] = s / L[b * m + b];
      }
    }
  }
  let qm: f64 = 0;
  for (let a = 0; a < m; a++) {
    let s: f64 = out[betaAt + bttFrom + a];
    for (let l = 0; l < a; l++) s -= L[a * m + l] * sol[l];
    sol[a] = s / L[a * m + a];
    qm += sol[a] * sol[a];
  }
  stat[p] = test === 1 ? qm / scale / <f64>m : qm;
  return true;
}

/**
 * Number of distinct arrangements of a multiset with these class counts: n!/Π c_j!, as a product
 * of binomial coefficients C(c_1 + .. + c_j, c_j); each partial product is an integer, exact in
 * floating point while below 2^53 (and +Infinity rather than NaN when enormous).
 */
export function multisetPermutations(counts: I32s, groups: i32): f64 {
  let total: f64 = 0;
  let result: f64 = 1;
  for (let g = 0; g < groups; g++) {
    const c = counts[g];
    for (let i = 1; i <= c; i++) {
      total++;
      result = (result * total) / <f64>i;
    }
  }
  return result;
}

/**
 * Sets ws.arrangement to the arrangement of the given lexicographic rank among the distinct
 * permutations of the multiset of class labels with counts ws.counts (modified, then restored).
 */
function unrankMultiset(ws: ResampleWorkspace, k: i32, groups: i32, rank: f64): void {
  let r = rank;
  const counts = ws.counts;
  const a = ws.arrangement;
  for (let i = 0; i < k; i++) {
    for (let g = 0; g < groups; g++) {
      if (counts[g] === 0) continue;
      counts[g] = counts[g] - 1;
      const n = multisetPermutations(counts, groups);
      if (r < n) {
        a[i] = g;
        break;
      }
      counts[g] = counts[g] + 1;
      r -= n;
    }
  }
  for (let i = 0; i < k; i++) counts[a[i]] = counts[a[i]] + 1;
}

/** Steps the arrangement to the next permutation in lexicographic order (Knuth, TAOCP 7.2.1.2 L). */
function nextMultisetPermutation(a: I32s, k: i32): void {
  let i = k - 2;
  while (i >= 0 && a[i] >= a[i + 1]) i--;
  if (i < 0) return;
  let j = k - 1;
  while (a[j] <= a[i]) j--;
  let t = a[i];
  a[i] = a[j];
  a[j] = t;
  for (let l = i + 1, h = k - 1; l < h; l++, h--) {
    t = a[l];
    a[l] = a[h];
    a[h] = t;
  }
}

/** Whether x is a whole number in [0, limit]: counts and indices read from a control block. */
export function isCount(x: f64, limit: f64): bool {
  return x >= 0 && x <= limit && x === Math.floor(x);
}

/**
 * Permutation test block. Mode 0 (intercept-only models): flip the signs of yi; mode 1: permute the
 * rows of X over the studies, rows given as class labels (`labels`, k) into the table of distinct
 * rows (`classRows`, groups×p). Exact: arrangements of ranks [start, start+count) (sign flips: bit i
 * of the rank flips study i; rows: lexicographic order of the label multiset). Random: `count`
 * arrangements from stream `start` of the seed. Every arrangement is a full refit; a failed refit
 * is counted in `failed` and left out of the p-value's denominator (as metafor's na.rm).
 * The observed data are fitted first (their statistics go to the out block).
 *
 * @returns the status of the fit of the observed data (OK unless it fails)
 */
export function permutationKernel(
  ws: ResampleWorkspace,
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
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  const modeValue = rctl[ResampleSlot.mode];
  const exact = rctl[ResampleSlot.exact] === 1;
  const start = rctl[ResampleSlot.start];
  const countValue = rctl[ResampleSlot.count];
  const testValue = rctl[ResampleSlot.test];
  const bttFromValue = rctl[ResampleSlot.bttFrom];
  const bttToValue = rctl[ResampleSlot.bttTo];
  const comptol = rctl[ResampleSlot.comptol];
  const groupsValue = rctl[ResampleSlot.groups];
  if (!(modeValue === 0 || modeValue === 1) || !(testValue === 0 || testValue === 1)) {
    return KernelStatus.BAD_INPUT;
  }
  if (!isCount(countValue, 2147483647) || !isCount(start, 9007199254740992)) {
    return KernelStatus.BAD_INPUT;
  }
  if (!isCount(bttFromValue, <f64>p) || !isCount(bttToValue, <f64>p)) return KernelStatus.BAD_INPUT;
  if (bttToValue <= bttFromValue) return KernelStatus.BAD_INPUT;
  if (modeValue === 1 && !isCount(groupsValue, <f64>k)) return KernelStatus.BAD_INPUT;
  const mode = <i32>modeValue;
  const count = <i32>countValue;
  const test = <i32>testValue;
  const bttFrom = <i32>bttFromValue;
  const bttTo = <i32>bttToValue;
  const groups = mode === 1 ? <i32>groupsValue : 0;
  if (mode === 1) {
    for (let i = 0; i < k; i++) {
      if (!isCount(labels[i], <f64>(groups - 1))) return KernelStatus.BAD_INPUT;
    }
  }

  // The observed fit and its statistics.
  let status = fitKernel(ws.fit, yi, vi, X, k, p, method, control, ws.fitOut);
  if (status !== KernelStatus.OK) return status;
  if (!testStatistics(ws, yi, vi, X, k, p, test, bttFrom, bttTo)) return KernelStatus.SINGULAR;
  const obsAt = permutationObservedAt(p);
  const stat = ws.stat;
  for (let j = 0; j <= p; j++) out[obsAt + j] = stat[j];
  for (let j = 0; j <= p + 2; j++) out[j] = 0;

  const a = ws.arrangement;
  const y = ws.y;
  const v = ws.v;
  const x = ws.x;
  if (mode === 0) {
    for (let i = 0; i < k; i++) v[i] = vi[i];
    for (let l = 0; l < k * p; l++) x[l] = X[l];
    if (exact) {
      // a[i] = 1 when study i's sign is flipped: the bits of the rank
      let r = start;
      for (let i = 0; i < k; i++) {
        const half = Math.floor(r / 2);
        a[i] = <i32>(r - 2 * half);
        r = half;
      }
    } else {
      seedStream(ws.prng, rctl[ResampleSlot.seed], start);
    }
  } else {
    for (let i = 0; i < k; i++) {
      y[i] = yi[i];
      v[i] = vi[i];
    }
    if (exact) {
      const counts = ws.counts;
      for (let g = 0; g < groups; g++) counts[g] = 0;
      for (let i = 0; i < k; i++) {
        const label = <i32>labels[i];
        counts[label] = counts[label] + 1;
      }
      unrankMultiset(ws, k, groups, start);
    } else {
      seedStream(ws.prng, rctl[ResampleSlot.seed], start);
    }
  }

  let valid = 0;
  let failed = 0;
  for (let t = 0; t < count; t++) {
    if (mode === 0) {
      if (exact) {
        if (t > 0) {
          // binary increment of the flip pattern (amortised O(1))
          let i = 0;
          while (i < k && a[i] === 1) {
            a[i] = 0;
            i++;
          }
          if (i < k) a[i] = 1;
        }
      } else {
        for (let i = 0; i < k; i++) a[i] = nextU32(ws.prng) >>> 31;
      }
      for (let i = 0; i < k; i++) y[i] = a[i] === 1 ? -yi[i] : yi[i];
    } else {
      if (exact) {
        if (t > 0) nextMultisetPermutation(a, k);
      } else {
        // Fisher-Yates shuffle of the observed labels (Durstenfeld 1964)
        for (let i = 0; i < k; i++) a[i] = <i32>labels[i];
        for (let i = k - 1; i > 0; i--) {
          const j = <i32>nextBelow(ws.prng, <f64>(i + 1));
          const tmp = a[i];
          a[i] = a[j];
          a[j] = tmp;
        }
      }
      for (let i = 0; i < k; i++) {
        const g = a[i];
        for (let j = 0; j < p; j++) x[i * p + j] = classRows[g * p + j];
      }
    }
    status = fitKernel(ws.fit, y, v, x, k, p, method, control, ws.fitOut);
    if (status !== KernelStatus.OK || !testStatistics(ws, y, v, x, k, p, test, bttFrom, bttTo)) {
      failed++;
      continue;
    }
    valid++;
    for (let j = 0; j < p; j++) {
      if (Math.abs(stat[j]) >= Math.abs(out[obsAt + j]) - comptol) out[j] += 1;
    }
    if (stat[p] >= out[obsAt + p] - comptol) out[p] += 1;
  }
  out[permutationValidAt(p)] = <f64>valid;
  out[permutationFailedAt(p)] = <f64>failed;
  return KernelStatus.OK;
}

/**
 * I² (percent) of a fit with tau2 on (y, v, X): 100·tau²/(tau² + ṽ), ṽ = (k - p)/tr(P), P at
 * W = 1/vi (Higgins & Thompson 2002; metafor's generalisation to meta-regression); for FE
 * (method 0) 100·max(0, (Q - (k - p))/Q). NaN when the weighted fit at tau² = 0 fails.
 * Call right after the fit of (y, v, X): tr(P) at tau² = 0 is taken from that fit when it has it
 * (the ll0 check, a fit ending at 0), the same number a fresh weighted fit gives.
 */
function isquared(
  ws: ResampleWorkspace,
  y: F64s,
  v: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  tau2: f64,
): f64 {
  const df: f64 = <f64>(k - p);
  if (method !== MethodCode.FE) {
    const trP0 = fitTrPAtZero(ws.fit);
    if (!isNaN(trP0)) return (100 * tau2) / (tau2 + df / trP0);
  }
  if (generalizedQ(ws.fit, y, v, X, k, p, 0, ws.qOut) !== KernelStatus.OK) return NaN;
  if (method === MethodCode.FE) {
    const q = ws.qOut[0];
    return 100 * Math.max(0, (q - df) / q);
  }
  const vt: f64 = df / ws.qOut[2];
  return (100 * tau2) / (tau2 + vt);
}

/** Copies study i to position kk of the resample. */
function copyStudy(
  ws: ResampleWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  p: i32,
  i: i32,
  kk: i32,
): void {
  const x = ws.x;
  ws.y[kk] = yi[i];
  ws.v[kk] = vi[i];
  for (let j = 0; j < p; j++) x[kk * p + j] = X[i * p + j];
}

/**
 * Appends the studies of cluster g (members[from[g] .. from[g+1])) at position kk of the
 * resample; returns the new size, or -1 when they would not fit the workspace (the caller sizes
 * it for groups × the largest cluster, so this never writes past it).
 */
function appendCluster(
  ws: ResampleWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  p: i32,
  from: F64s,
  members: F64s,
  g: i32,
  kk: i32,
): i32 {
  const first = <i32>from[g];
  const end = <i32>from[g + 1];
  if (kk + (end - first) > ws.kMax) return -1;
  let at = kk;
  for (let m = first; m < end; m++) {
    copyStudy(ws, yi, vi, X, p, <i32>members[m], at);
    at++;
  }
  return at;
}

/**
 * Bootstrap block: `count` replicates drawn in sequence from stream `start` of the seed (the
 * caller's block index), or, for the jackknife, leaving out clusters start .. start+count-1.
 * Row t of out: [status, β (p), tau², I²]. Schemes (BootstrapType):
 * - case: draw `groups` clusters with replacement (cluster g holds studies
 *   members[from[g] .. from[g+1])) and refit on their studies (Davison & Hinkley 1997, §3.8);
 *   without clusters every study is its own cluster;
 * - parametric: yi* = fitted_i + sdev_i·N(0, 1), sdev_i = sqrt(vi + tau²), X and vi fixed
 *   (the parametric bootstrap of metafor's documentation, after Efron & Tibshirani 1993, §6.5);
 * - jackknife: replicate t leaves out cluster start + t (no random numbers).
 * A failed refit keeps its status in the row and NaN statistics: the caller counts it.
 * The caller sizes the workspace for groups × the largest cluster; a resample that would not fit
 * is a BAD_INPUT row, never a write past the workspace.
 */
export function bootstrapKernel(
  ws: ResampleWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  from: F64s,
  members: F64s,
  fitted: F64s,
  sdev: F64s,
  out: F64s,
): i32 {
  if (k < 1 || p < 1 || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  const modeValue = rctl[ResampleSlot.mode];
  const start = rctl[ResampleSlot.start];
  const countValue = rctl[ResampleSlot.count];
  const groupsValue = rctl[ResampleSlot.groups];
  if (!(modeValue === 0 || modeValue === 1 || modeValue === 2)) return KernelStatus.BAD_INPUT;
  if (!isCount(countValue, 2147483647) || !isCount(start, 9007199254740992)) {
    return KernelStatus.BAD_INPUT;
  }
  const mode = <i32>modeValue;
  const count = <i32>countValue;
  if (mode === BootstrapType.parametric && k > ws.kMax) return KernelStatus.BAD_INPUT;
  if (mode !== BootstrapType.parametric && !isCount(groupsValue, <f64>k)) {
    return KernelStatus.BAD_INPUT;
  }
  const groups = mode === BootstrapType.parametric ? 0 : <i32>groupsValue;
  if (mode !== BootstrapType.parametric) {
    // cluster g holds members[from[g] .. from[g+1]), each a study index
    if (from[0] !== 0 || from[groups] > <f64>k) return KernelStatus.BAD_INPUT;
    for (let g = 0; g < groups; g++) {
      if (!isCount(from[g + 1], <f64>k) || from[g + 1] < from[g]) return KernelStatus.BAD_INPUT;
    }
    for (let m = 0; m < <i32>from[groups]; m++) {
      if (!isCount(members[m], <f64>(k - 1))) return KernelStatus.BAD_INPUT;
    }
  }
  if (mode !== BootstrapType.jackknife) seedStream(ws.prng, rctl[ResampleSlot.seed], start);
  const row = bootstrapRowSize(p);
  const y = ws.y;
  const v = ws.v;
  const x = ws.x;
  for (let t = 0; t < count; t++) {
    let kk = 0; // the resample's size; -1 once it would not fit the workspace
    if (mode === BootstrapType.cases) {
      for (let d = 0; d < groups; d++) {
        // every draw is made, even after an overflow, so the stream stays the same
        const g = <i32>nextBelow(ws.prng, <f64>groups);
        if (kk >= 0) kk = appendCluster(ws, yi, vi, X, p, from, members, g, kk);
      }
    } else if (mode === BootstrapType.parametric) {
      kk = k;
      for (let i = 0; i < k; i++) {
        y[i] = fitted[i] + sdev[i] * nextNormal(ws.prng);
        v[i] = vi[i];
      }
      if (t === 0) for (let l = 0; l < k * p; l++) x[l] = X[l];
    } else {
      const omit = start + <f64>t;
      for (let g = 0; g < groups && kk >= 0; g++) {
        if (<f64>g !== omit) kk = appendCluster(ws, yi, vi, X, p, from, members, g, kk);
      }
    }
    const overflow = kk < 0;
    const at = t * row;
    const status: i32 = overflow
      ? KernelStatus.BAD_INPUT
      : fitKernel(ws.fit, y, v, x, kk, p, method, control, ws.fitOut);
    out[at] = <f64>status;
    if (status !== KernelStatus.OK) {
      for (let j = 1; j < row; j++) out[at + j] = NaN;
      continue;
    }
    const tau2 = ws.fitOut[FitOutSlot.tau2];
    for (let j = 0; j < p; j++) out[at + 1 + j] = ws.fitOut[FitOutSlot.beta + j];
    out[at + 1 + p] = tau2;
    out[at + 2 + p] = isquared(ws, y, v, x, kk, p, method, tau2);
  }
  return KernelStatus.OK;
}
