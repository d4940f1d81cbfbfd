/**
 * Resampling kernels, plain-TypeScript path: the permutation test (Higgins & Thompson 2004, with
 * metafor 3.8's permutest semantics) and the bootstrap (Efron & Tibshirani 1993; Davison & Hinkley
 * 1997). The AssemblyScript port in packages/core-wasm/assembly/resample.ts follows this file line
 * by line. Each call runs a whole block of arrangements/replicates: draw, refit with
 * {@link fitKernel}, accumulate; nothing is allocated inside the loop.
 */
import { KernelStatus } from "../../errors.js";
import { FitOutSlot, MethodCode } from "../contract.js";
import {
  BootstrapType,
  bootstrapRowSize,
  PermutationOut,
  ResampleSlot,
} from "../resample-contract.js";
import {
  createFitWorkspace,
  type FitWorkspace,
  fitKernel,
  fitOutSize,
  fitTrPAtZero,
  generalizedQ,
} from "./fit.js";
import { createPrng, nextBelow, nextNormal, nextU32, type PrngState, seedStream } from "./prng.js";

/** Scratch memory of the resampling kernels (and the fit workspace they use). */
export interface ResampleWorkspace {
  readonly kMax: number;
  readonly pMax: number;
  readonly fit: FitWorkspace;
  readonly prng: PrngState;
  /** resampled outcomes, variances, design (kMax, kMax, kMax×pMax) */
  readonly y: Float64Array;
  readonly v: Float64Array;
  readonly x: Float64Array;
  /** fit out block */
  readonly fitOut: Float64Array;
  /** generalizedQ out block */
  readonly qOut: Float64Array;
  /** test statistics of one fit: z (p), QM */
  readonly stat: Float64Array;
  /** Cholesky factor of vb[btt, btt] and a solve vector */
  readonly chol: Float64Array;
  readonly sol: Float64Array;
  /** arrangement: signs or class labels, and class counts for unranking */
  readonly arrangement: Int32Array;
  readonly counts: Int32Array;
}

export function createResampleWorkspace(kMax: number, pMax: number): ResampleWorkspace {
  const k = Math.max(1, kMax | 0);
  const p = Math.max(1, pMax | 0);
  return {
    kMax: k,
    pMax: p,
    fit: createFitWorkspace(k, p),
    prng: createPrng(),
    y: new Float64Array(k),
    v: new Float64Array(k),
    x: new Float64Array(k * p),
    fitOut: new Float64Array(fitOutSize(p)),
    qOut: new Float64Array(4),
    stat: new Float64Array(p + 1),
    chol: new Float64Array(p * p),
    sol: new Float64Array(p),
    arrangement: new Int32Array(k),
    counts: new Int32Array(k),
  };
}

/**
 * Test statistics of the fit in ws.fitOut (metafor's rma.uni): z_j = β_j/SE_j and the Wald
 * omnibus QM = β_b'(vb_bb)⁻¹β_b over b = [bttFrom, bttTo). With Knapp-Hartung (test 1), vb is
 * scaled by s² = Σw_i(y_i - x_i'β)²/(k - p) (Knapp & Hartung 2003) and QM becomes F = QM/m.
 * Writes ws.stat[0..p) and ws.stat[p]; returns false when vb[btt, btt] is not positive definite.
 */
export function testStatistics(
  ws: ResampleWorkspace,
  y: Float64Array,
  v: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  test: number,
  bttFrom: number,
  bttTo: number,
): boolean {
  const out = ws.fitOut;
  const tau2 = out[FitOutSlot.tau2]!;
  const betaAt = FitOutSlot.beta;
  const vbAt = FitOutSlot.beta + p;
  let scale = 1;
  if (test === 1) {
    let rss = 0;
    for (let i = 0; i < k; i++) {
      let fitted = 0;
      for (let j = 0; j < p; j++) fitted += X[i * p + j]! * out[betaAt + j]!;
      const e = y[i]! - fitted;
      rss += (e * e) / (v[i]! + tau2);
    }
    scale = rss / (k - p);
  }
  for (let j = 0; j < p; j++) {
    ws.stat[j] = out[betaAt + j]! / Math.sqrt(scale * out[vbAt + j * p + j]!);
  }
  // QM by Cholesky of vb[btt, btt] (m×m): QM = ‖L⁻¹β_b‖²
  const m = bttTo - bttFrom;
  const L = ws.chol;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      let s = out[vbAt + (bttFrom + a) * p + bttFrom + b]!;
      for (let l = 0; l < b; l++) s -= L[a * m + l]! * L[b * m + l]!;
      if (a === b) {
        if (!(s > 0)) return false;
        L[a * m + a] = Math.sqrt(s);
      } else {
        L[a * m + b] = s / L[b * m + b]!;
      }
    }
  }
  let qm = 0;
  for (let a = 0; a < m; a++) {
    let s = out[betaAt + bttFrom + a]!;
    for (let l = 0; l < a; l++) s -= L[a * m + l]! * ws.sol[l]!;
    ws.sol[a] = s / L[a * m + a]!;
    qm += ws.sol[a]! * ws.sol[a]!;
  }
  ws.stat[p] = test === 1 ? qm / scale / m : qm;
  return true;
}

/**
 * Number of distinct arrangements of a multiset with these class counts: n!/Π c_j!, as a product
 * of binomial coefficients C(c_1 + .. + c_j, c_j); each partial product is an integer, exact in
 * floating point while below 2^53 (and +Infinity rather than NaN when enormous).
 */
export function multisetPermutations(counts: Int32Array, groups: number): number {
  let total = 0;
  let result = 1;
  for (let g = 0; g < groups; g++) {
    const c = counts[g]!;
    for (let i = 1; i <= c; i++) {
      total++;
      result = (result * total) / i;
    }
  }
  return result;
}

/**
 * Sets ws.arrangement to the arrangement of the given lexicographic rank among the distinct
 * permutations of the multiset of class labels with counts ws.counts (modified, then restored).
 */
function unrankMultiset(ws: ResampleWorkspace, k: number, groups: number, rank: number): void {
  let r = rank;
  const counts = ws.counts;
  for (let i = 0; i < k; i++) {
    for (let g = 0; g < groups; g++) {
      if (counts[g]! === 0) continue;
      counts[g] = counts[g]! - 1;
      const n = multisetPermutations(counts, groups);
      if (r < n) {
        ws.arrangement[i] = g;
        break;
      }
      counts[g] = counts[g]! + 1;
      r -= n;
    }
  }
  for (let i = 0; i < k; i++) counts[ws.arrangement[i]!] = counts[ws.arrangement[i]!]! + 1;
}

/** Steps ws.arrangement to the next permutation in lexicographic order (Knuth, TAOCP 7.2.1.2 L). */
function nextMultisetPermutation(a: Int32Array, k: number): void {
  let i = k - 2;
  while (i >= 0 && a[i]! >= a[i + 1]!) i--;
  if (i < 0) return;
  let j = k - 1;
  while (a[j]! <= a[i]!) j--;
  let t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
  for (let l = i + 1, h = k - 1; l < h; l++, h--) {
    t = a[l]!;
    a[l] = a[h]!;
    a[h] = t;
  }
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
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  method: number,
  control: Float64Array,
  rctl: Float64Array,
  labels: Float64Array,
  classRows: Float64Array,
  out: Float64Array,
): number {
  if (k < 1 || p < 1 || k > ws.kMax || p > ws.pMax) return KernelStatus.BAD_INPUT;
  const mode = rctl[ResampleSlot.mode]!;
  const exact = rctl[ResampleSlot.exact]! === 1;
  const start = rctl[ResampleSlot.start]!;
  const count = rctl[ResampleSlot.count]!;
  const test = rctl[ResampleSlot.test]!;
  const bttFrom = rctl[ResampleSlot.bttFrom]!;
  const bttTo = rctl[ResampleSlot.bttTo]!;
  const comptol = rctl[ResampleSlot.comptol]!;
  const groups = rctl[ResampleSlot.groups]!;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  if (bttFrom < 0 || bttTo > p || bttTo <= bttFrom) return KernelStatus.BAD_INPUT;

  // The observed fit and its statistics.
  let status = fitKernel(ws.fit, yi, vi, X, k, p, method, control, ws.fitOut);
  if (status !== KernelStatus.OK) return status;
  if (!testStatistics(ws, yi, vi, X, k, p, test, bttFrom, bttTo)) return KernelStatus.SINGULAR;
  const obsAt = PermutationOut.observed(p);
  for (let j = 0; j <= p; j++) out[obsAt + j] = ws.stat[j]!;
  for (let j = 0; j <= p + 2; j++) out[j] = 0;

  const a = ws.arrangement;
  if (mode === 0) {
    for (let i = 0; i < k; i++) ws.v[i] = vi[i]!;
    for (let l = 0; l < k * p; l++) ws.x[l] = X[l]!;
    if (exact) {
      // a[i] = 1 when study i's sign is flipped: the bits of the rank
      let r = start;
      for (let i = 0; i < k; i++) {
        const half = Math.floor(r / 2);
        a[i] = r - 2 * half;
        r = half;
      }
    } else {
      seedStream(ws.prng, rctl[ResampleSlot.seed]!, start);
    }
  } else {
    for (let i = 0; i < k; i++) {
      ws.y[i] = yi[i]!;
      ws.v[i] = vi[i]!;
    }
    if (exact) {
      for (let g = 0; g < groups; g++) ws.counts[g] = 0;
      for (let i = 0; i < k; i++) ws.counts[labels[i]!] = ws.counts[labels[i]!]! + 1;
      unrankMultiset(ws, k, groups, start);
    } else {
      seedStream(ws.prng, rctl[ResampleSlot.seed]!, start);
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
          while (i < k && a[i]! === 1) {
            a[i] = 0;
            i++;
          }
          if (i < k) a[i] = 1;
        }
      } else {
        for (let i = 0; i < k; i++) a[i] = nextU32(ws.prng) >>> 31;
      }
      for (let i = 0; i < k; i++) ws.y[i] = a[i]! === 1 ? -yi[i]! : yi[i]!;
    } else {
      if (exact) {
        if (t > 0) nextMultisetPermutation(a, k);
      } else {
        // Fisher-Yates shuffle of the observed labels (Durstenfeld 1964)
        for (let i = 0; i < k; i++) a[i] = labels[i]!;
        for (let i = k - 1; i > 0; i--) {
          const j = nextBelow(ws.prng, i + 1);
          const tmp = a[i]!;
          a[i] = a[j]!;
          a[j] = tmp;
        }
      }
      for (let i = 0; i < k; i++) {
        const g = a[i]!;
        for (let j = 0; j < p; j++) ws.x[i * p + j] = classRows[g * p + j]!;
      }
    }
    status = fitKernel(ws.fit, ws.y, ws.v, ws.x, k, p, method, control, ws.fitOut);
    if (
      status !== KernelStatus.OK ||
      !testStatistics(ws, ws.y, ws.v, ws.x, k, p, test, bttFrom, bttTo)
    ) {
      failed++;
      continue;
    }
    valid++;
    for (let j = 0; j < p; j++) {
      if (Math.abs(ws.stat[j]!) >= Math.abs(out[obsAt + j]!) - comptol) out[j] = out[j]! + 1;
    }
    if (ws.stat[p]! >= out[obsAt + p]! - comptol) out[p] = out[p]! + 1;
  }
  out[PermutationOut.valid(p)] = valid;
  out[PermutationOut.failed(p)] = failed;
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
  y: Float64Array,
  v: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  method: number,
  tau2: number,
): number {
  if (method !== MethodCode.FE) {
    const trP0 = fitTrPAtZero(ws.fit);
    if (!Number.isNaN(trP0)) return (100 * tau2) / (tau2 + (k - p) / trP0);
  }
  if (generalizedQ(ws.fit, y, v, X, k, p, 0, ws.qOut) !== KernelStatus.OK) return Number.NaN;
  if (method === MethodCode.FE) {
    const q = ws.qOut[0]!;
    return 100 * Math.max(0, (q - (k - p)) / q);
  }
  const vt = (k - p) / ws.qOut[2]!;
  return (100 * tau2) / (tau2 + vt);
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
 */
export function bootstrapKernel(
  ws: ResampleWorkspace,
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  method: number,
  control: Float64Array,
  rctl: Float64Array,
  from: Float64Array,
  members: Float64Array,
  fitted: Float64Array,
  sdev: Float64Array,
  out: Float64Array,
): number {
  if (k < 1 || p < 1 || p > ws.pMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  const mode = rctl[ResampleSlot.mode]!;
  const start = rctl[ResampleSlot.start]!;
  const count = rctl[ResampleSlot.count]!;
  const groups = rctl[ResampleSlot.groups]!;
  if (mode !== BootstrapType.jackknife) seedStream(ws.prng, rctl[ResampleSlot.seed]!, start);
  const row = bootstrapRowSize(p);
  for (let t = 0; t < count; t++) {
    let kk = 0;
    let overflow = false;
    if (mode === BootstrapType.case) {
      for (let d = 0; d < groups; d++) {
        const g = nextBelow(ws.prng, groups);
        const end = from[g + 1]!;
        // the caller sizes the workspace for groups × the largest cluster; never write past it
        if (kk + (end - from[g]!) > ws.kMax) overflow = true;
        if (overflow) continue;
        for (let m = from[g]!; m < end; m++) {
          const i = members[m]!;
          ws.y[kk] = yi[i]!;
          ws.v[kk] = vi[i]!;
          for (let j = 0; j < p; j++) ws.x[kk * p + j] = X[i * p + j]!;
          kk++;
        }
      }
    } else if (mode === BootstrapType.parametric) {
      kk = k;
      for (let i = 0; i < k; i++) {
        ws.y[i] = fitted[i]! + sdev[i]! * nextNormal(ws.prng);
        ws.v[i] = vi[i]!;
      }
      if (t === 0) for (let l = 0; l < k * p; l++) ws.x[l] = X[l]!;
    } else {
      const omit = start + t;
      for (let g = 0; g < groups; g++) {
        if (g === omit) continue;
        const end = from[g + 1]!;
        for (let m = from[g]!; m < end; m++) {
          const i = members[m]!;
          ws.y[kk] = yi[i]!;
          ws.v[kk] = vi[i]!;
          for (let j = 0; j < p; j++) ws.x[kk * p + j] = X[i * p + j]!;
          kk++;
        }
      }
    }
    const at = t * row;
    const status = overflow
      ? KernelStatus.BAD_INPUT
      : fitKernel(ws.fit, ws.y, ws.v, ws.x, kk, p, method, control, ws.fitOut);
    out[at] = status;
    if (status !== KernelStatus.OK) {
      for (let j = 1; j < row; j++) out[at + j] = Number.NaN;
      continue;
    }
    const tau2 = ws.fitOut[FitOutSlot.tau2]!;
    for (let j = 0; j < p; j++) out[at + 1 + j] = ws.fitOut[FitOutSlot.beta + j]!;
    out[at + 1 + p] = tau2;
    out[at + 2 + p] = isquared(ws, ws.y, ws.v, ws.x, kk, p, method, tau2);
  }
  return KernelStatus.OK;
}
