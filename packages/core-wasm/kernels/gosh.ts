/**
 * The GOSH kernel: the graphical display of study heterogeneity (Olkin, Dahabreh & Trikalinos 2012,
 * Res Synth Methods 3:214), as metafor's gosh() for an intercept-only rma.uni model. The model is
 * refitted on subsets of its k studies, and each subset's pooled estimate is plotted against its
 * heterogeneity (I²): clusters of points reveal studies that pull the estimate or the heterogeneity.
 *
 * Subsets, as metafor: every non-empty subset (metafor's size >= p with p = 1: 2^k - 1 of them),
 * or subsets drawn at random. metafor draws a size m from dbinom(1:k, k, 1/2) and then m of the k
 * studies, which is the uniform distribution on the non-empty subsets; here each draw is k fair
 * bits (one per study, from xoshiro128**, prng.ts), drawn again when all are 0, the same law.
 * - exhaustive (ResampleSlot.exact = 1): the subsets of index start .. start + count - 1, where the
 *   index's binary digits are the membership (bit i: study i; metafor's expand.grid order, before it
 *   sorts by size), so any range of the 2^k - 1 indices can go to any worker;
 * - random (exact = 0): `count` subsets from stream `start` of the seed (the block index, as
 *   resample.ts seeds its blocks), so a run depends on the seed only, not on the workers.
 *
 * Per subset: gather its studies, fit with {@link fitKernel} (the same fit as rma: FE or any tau²
 * estimator, REML by safeguarded Newton), then Q = Σ(y - μ̂₀)²/v with 1/v weights, I², H² as
 * metafor's gosh stores them:
 * - FE, and DL without a fixed tau² (gosh's closed-form paths): I² = 100·max(0, (Q - df)/Q),
 *   H² = Q/df (df = k_s - 1; H² may be below 1, as gosh's); for DL, I² is also what rma gives;
 * - every other estimator (gosh refits with rma.uni): I² = 100·τ²/(τ² + ṽ), H² = τ²/ṽ + 1 with
 *   ṽ = df/tr(P) at τ² = 0 (Higgins & Thompson 2002; metafor's rma.uni);
 * - one study: Q = 0, I² = 0, H² = 1, τ² = 0 (rma's "k1").
 * Nothing is allocated inside the loop and every loop is bounded; a failed fit keeps its status in
 * the status column and NaN statistics.
 */
import { F64s, I32s, newF64s, newI32s } from "#kernel-arrays";
import {
  ControlSlot,
  FitOutSlot,
  fitOutSize,
  KernelStatus,
  MethodCode,
  ResampleSlot,
} from "./contract.ts";
import { FitWorkspace, fitKernel, generalizedQ, lastRss, lastTrP } from "./fit.ts";
import { nextU32, seedStream, unsigned } from "./prng.ts";
import { isCount } from "./resample.ts";

/**
 * Most studies for exhaustive enumeration: an index is an i32 (2^30 - 1 subsets, some 10^9 fits,
 * already hours of work).
 */
export const GOSH_MAX_EXHAUSTIVE_K: i32 = 30;

/**
 * A random draw of k bits is all zeros with probability 2^-k <= 1/4 (k >= 2); after this many
 * empty draws in a row (probability 4^-64) the subset is reported as TOO_FEW_STUDIES rather than
 * looping on.
 */
const MAX_EMPTY_DRAWS: i32 = 64;

/**
 * Columns of the GOSH out block. The block is column-major, `count` values per column, so the
 * caller copies each column into its result with one typed-array copy: column c of subset t is
 * out[c·count + t]. Columns `members` .. `members + words - 1` hold the membership bitsets of random
 * subsets (word j, bit b: study 32j + b, as an unsigned integer); exhaustive runs have no words
 * (the index is the membership).
 */
export enum GoshColumn {
  estimate = 0,
  tau2 = 1,
  Q = 2,
  I2 = 3,
  H2 = 4,
  k = 5,
  status = 6,
  members = 7,
}

/** Membership words per subset in the out block: ⌈k/32⌉ for random subsets, 0 for exhaustive ones. */
export function goshWords(k: i32, exhaustive: bool): i32 {
  return exhaustive ? 0 : (k + 31) >>> 5;
}

/** Doubles in the out block of `count` subsets with `words` membership words each. */
export function goshOutSize(count: i32, words: i32): i32 {
  return (GoshColumn.members + words) * count;
}

/** Scratch memory of the GOSH kernel (and the fit workspace it uses), for up to kMax studies. */
export class GoshWorkspace {
  readonly kMax: i32;
  readonly fit: FitWorkspace;
  /** the subset's outcomes and variances, and its design: a column of ones */
  readonly y: F64s;
  readonly v: F64s;
  readonly x: F64s;
  /** fit out block (p = 1) */
  readonly fitOut: F64s;
  /** generalizedQ out block */
  readonly qOut: F64s;
  /** generator state (prng.ts) */
  readonly prng: I32s;
  /** membership of the current subset, ⌈kMax/32⌉ words */
  readonly bits: I32s;

  constructor(kMax: i32) {
    const k = kMax > 1 ? kMax : 1;
    this.kMax = k;
    this.fit = new FitWorkspace(k, 1);
    this.y = newF64s(k);
    this.v = newF64s(k);
    const x = newF64s(k);
    for (let i = 0; i < k; i++) x[i] = 1;
    this.x = x;
    this.fitOut = newF64s(fitOutSize(1));
    this.qOut = newF64s(4);
    this.prng = newI32s(4);
    this.bits = newI32s((k + 31) >>> 5);
  }
}

/**
 * Draws a random non-empty subset of k studies into ws.bits (`words` words, bits past k cleared):
 * each study in or out with probability 1/2, drawn again when none is in. False when MAX_EMPTY_DRAWS
 * draws in a row were empty.
 */
function drawSubset(ws: GoshWorkspace, k: i32, words: i32): bool {
  const bits = ws.bits;
  const rest = k & 31;
  for (let attempt = 0; attempt < MAX_EMPTY_DRAWS; attempt++) {
    let any = 0;
    for (let j = 0; j < words; j++) {
      let b = nextU32(ws.prng);
      // -1 >>> s keeps the low 32 - s bits in both compilers (no 1 << 31 overflow to care about)
      if (j === words - 1 && rest !== 0) b = b & (-1 >>> (32 - rest));
      bits[j] = b;
      any = any | b;
    }
    if (any !== 0) return true;
  }
  return false;
}

/** Copies the studies whose bit is set in ws.bits into ws.y, ws.v; returns how many. */
function gatherSubset(ws: GoshWorkspace, yi: F64s, vi: F64s, k: i32): i32 {
  const bits = ws.bits;
  const y = ws.y;
  const v = ws.v;
  let kk = 0;
  for (let i = 0; i < k; i++) {
    if (((bits[i >>> 5] >>> (i & 31)) & 1) !== 0) {
      y[kk] = yi[i];
      v[kk] = vi[i];
      kk++;
    }
  }
  return kk;
}

/**
 * Fits the kk studies gathered in the workspace and writes subset t's estimate, τ², Q, I², H² and
 * status into its columns (NaN statistics when the fit fails). `qBased`: I² and H² from Q (FE; DL
 * without a fixed τ²), else from τ² and ṽ.
 */
function fitSubset(
  ws: GoshWorkspace,
  kk: i32,
  method: i32,
  qBased: bool,
  control: F64s,
  out: F64s,
  count: i32,
  t: i32,
): void {
  let status: i32 = KernelStatus.TOO_FEW_STUDIES;
  let estimate: f64 = NaN;
  let tau2: f64 = NaN;
  let q: f64 = NaN;
  let i2: f64 = NaN;
  let h2: f64 = NaN;
  if (kk > 0) {
    status = fitKernel(ws.fit, ws.y, ws.v, ws.x, kk, 1, method, control, ws.fitOut);
  }
  if (status === KernelStatus.OK) {
    estimate = ws.fitOut[FitOutSlot.beta];
    tau2 = ws.fitOut[FitOutSlot.tau2];
    if (kk === 1) {
      q = 0;
      i2 = 0;
      h2 = 1;
    } else {
      // Q and tr(P) with the weights 1/vᵢ: from the fit itself when it ended at τ² = 0 (its final
      // weighted least squares is that one), else one more weighted least squares at 0
      let trP0: f64 = NaN;
      if (tau2 === 0) {
        q = lastRss(ws.fit);
        trP0 = lastTrP(ws.fit);
      } else {
        status = generalizedQ(ws.fit, ws.y, ws.v, ws.x, kk, 1, 0, ws.qOut);
        q = ws.qOut[0];
        trP0 = ws.qOut[2];
      }
      const df: f64 = <f64>(kk - 1);
      if (qBased) {
        i2 = 100 * Math.max(0, (q - df) / q);
        h2 = q / df;
      } else {
        const typical: f64 = df / trP0;
        i2 = (100 * tau2) / (typical + tau2);
        h2 = tau2 / typical + 1;
      }
    }
  }
  if (status !== KernelStatus.OK) {
    estimate = NaN;
    tau2 = NaN;
    q = NaN;
    i2 = NaN;
    h2 = NaN;
  }
  out[GoshColumn.estimate * count + t] = estimate;
  out[GoshColumn.tau2 * count + t] = tau2;
  out[GoshColumn.Q * count + t] = q;
  out[GoshColumn.I2 * count + t] = i2;
  out[GoshColumn.H2 * count + t] = h2;
  out[GoshColumn.status * count + t] = <f64>status;
}

/**
 * One block of a GOSH run on the k studies (yi, vi) of an intercept-only model: `count` subsets
 * (ResampleSlot layout of `gctl`: exact = 1 for the subsets of indices start .. start + count - 1,
 * 0 for `count` random subsets from stream `start` of `seed`), each fitted with `method` and
 * `control` (ControlSlot layout; tau2Fixed is honoured, as gosh keeps a fixed τ²). Writes the
 * column-major out block described at {@link GoshColumn} (goshOutSize(count, goshWords(k, exact))
 * doubles).
 *
 * @returns BAD_INPUT for an unusable call (sizes, method, data, control block, an index range
 *   outside 1 .. 2^k - 1, k > GOSH_MAX_EXHAUSTIVE_K when exhaustive), else OK: a subset whose fit
 *   fails keeps its status in the status column
 * @example
 * // every subset of 3 studies (indices 1..7), REML
 * gctl[ResampleSlot.exact] = 1; gctl[ResampleSlot.start] = 1; gctl[ResampleSlot.count] = 7;
 * goshKernel(new GoshWorkspace(3), yi, vi, 3, MethodCode.REML, control, gctl, out);
 */
export function goshKernel(
  ws: GoshWorkspace,
  yi: F64s,
  vi: F64s,
  k: i32,
  method: i32,
  control: F64s,
  gctl: F64s,
  out: F64s,
): i32 {
  if (k < 1 || k > ws.kMax) return KernelStatus.BAD_INPUT;
  if (method < MethodCode.FE || method > MethodCode.PM) return KernelStatus.BAD_INPUT;
  for (let i = 0; i < k; i++) {
    const v: f64 = vi[i];
    if (!isFinite(yi[i]) || !isFinite(v) || !(v > 0)) return KernelStatus.BAD_INPUT;
  }
  const exactValue = gctl[ResampleSlot.exact];
  const start = gctl[ResampleSlot.start];
  const countValue = gctl[ResampleSlot.count];
  if (!(exactValue === 0 || exactValue === 1)) return KernelStatus.BAD_INPUT;
  if (!isCount(countValue, 2147483647)) return KernelStatus.BAD_INPUT;
  const exhaustive = exactValue === 1;
  const count = <i32>countValue;
  if (exhaustive) {
    if (k > GOSH_MAX_EXHAUSTIVE_K) return KernelStatus.BAD_INPUT;
    const last: f64 = <f64>((1 << k) - 1);
    if (!(start >= 1) || !isCount(start, last)) return KernelStatus.BAD_INPUT;
    if (count > 0 && start + <f64>(count - 1) > last) return KernelStatus.BAD_INPUT;
  } else {
    if (!isCount(start, 4294967295) || !isCount(gctl[ResampleSlot.seed], 4294967295)) {
      return KernelStatus.BAD_INPUT;
    }
    seedStream(ws.prng, gctl[ResampleSlot.seed], start);
  }
  const fixedTau2 = !isNaN(control[ControlSlot.tau2Fixed]) && method !== MethodCode.FE;
  const qBased = method === MethodCode.FE || (method === MethodCode.DL && !fixedTau2);
  const words = goshWords(k, exhaustive);
  const used = (k + 31) >>> 5;
  const bits = ws.bits;
  for (let t = 0; t < count; t++) {
    let kk = 0;
    if (exhaustive) {
      bits[0] = <i32>(start + <f64>t); // below 2^30: exact in both compilers
      kk = gatherSubset(ws, yi, vi, k);
    } else {
      if (drawSubset(ws, k, used)) kk = gatherSubset(ws, yi, vi, k);
      else for (let j = 0; j < used; j++) bits[j] = 0;
      for (let j = 0; j < words; j++) {
        out[(GoshColumn.members + j) * count + t] = unsigned(bits[j]);
      }
    }
    out[GoshColumn.k * count + t] = <f64>kk;
    fitSubset(ws, kk, method, qBased, control, out, count, t);
  }
  return KernelStatus.OK;
}
