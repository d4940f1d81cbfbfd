/**
 * Resampling kernels of the three-level model (multilevel.ts): the cluster bootstrap and the
 * permutation test, each running a whole block of replicates inside the kernel (no boundary
 * crossing per refit; shared/ARCHITECTURE.md).
 *
 * Rows arrive sorted by cluster (`starts`, as for multilevelKernel). Publications are the unit
 * of resampling, because experiments of one publication are not exchangeable with those of
 * another (Davison & Hinkley 1997, §3.8, for the cluster bootstrap; Good 2005, "Permutation,
 * Parametric and Bootstrap Tests of Hypotheses", §3.6, for permuting whole units).
 */
import { F64s, I32s, newF64s, newI32s } from "#kernel-arrays";
import {
  BootstrapType,
  KernelStatus,
  MultilevelControlSlot,
  MultilevelOutSlot,
  multilevelOutSize,
  permutationFailedAt,
  permutationObservedAt,
  permutationValidAt,
  ResampleSlot,
} from "./contract.ts";
import { MultilevelWorkspace, multilevelKernel, validClusterStarts } from "./multilevel.ts";
import { nextBelow, nextU32, seedStream } from "./prng.ts";
import { isCount } from "./resample.ts";

/** How the permutation kernel rearranges the data (ResampleSlot.mode). */
export enum MultilevelPermutationMode {
  /** Intercept-only models: flip the signs of whole publications. */
  clusterSigns = 0,
  /** Moderators constant within publications: permute the publications' rows of X among them. */
  clusterRows = 1,
  /** Moderators that vary within publications: permute the experiments' rows of X. */
  rows = 2,
}

/** Scratch memory of the three-level resampling kernels. */
export class MultilevelResampleWorkspace {
  readonly kMax: i32;
  readonly pMax: i32;
  readonly mMax: i32;
  readonly fit: MultilevelWorkspace;
  readonly prng: I32s;
  readonly y: F64s;
  readonly v: F64s;
  readonly x: F64s;
  readonly starts: I32s;
  /** a permutation or the clusters drawn */
  readonly order: I32s;
  readonly control: F64s;
  readonly fitOut: F64s;
  /** z statistics (p) and QM */
  readonly stat: F64s;
  readonly chol: F64s;
  readonly sol: F64s;

  /** kMax bounds a resample's rows (clusters × the largest cluster for the bootstrap). */
  constructor(kMax: i32, pMax: i32, mMax: i32) {
    const k = kMax > 1 ? kMax : 1;
    const p = pMax > 1 ? pMax : 1;
    const m = mMax > 1 ? mMax : 1;
    this.kMax = k;
    this.pMax = p;
    this.mMax = m;
    this.fit = new MultilevelWorkspace(k, p);
    this.prng = newI32s(4);
    this.y = newF64s(k);
    this.v = newF64s(k);
    this.x = newF64s(k * p);
    this.starts = newI32s(m + 1);
    this.order = newI32s(k > m ? k : m);
    this.control = newF64s(MultilevelControlSlot.size);
    this.fitOut = newF64s(multilevelOutSize(p));
    this.stat = newF64s(p + 1);
    this.chol = newF64s(p * p);
    this.sol = newF64s(p);
  }
}

/** Checks the sizes and the cluster offsets shared by both kernels. */
function validLayout(ws: MultilevelResampleWorkspace, k: i32, p: i32, starts: I32s, m: i32): bool {
  if (k < 1 || p < 1 || p > ws.pMax || m > ws.mMax || k > ws.kMax) return false;
  return validClusterStarts(starts, m, k);
}

/**
 * Copies the control block, and fixes what the resample cannot identify, as rmaMultilevel does for
 * the data: σ²_w at 0 when every cluster has one row, σ²_b at 0 when there is one cluster.
 */
function resampleControl(ws: MultilevelResampleWorkspace, control: F64s, k: i32, m: i32): void {
  for (let s = 0; s < MultilevelControlSlot.size; s++) ws.control[s] = control[s];
  ws.control[MultilevelControlSlot.refit] = 1;
  if (m == k && isNaN(control[MultilevelControlSlot.sigma2WithinFixed])) {
    ws.control[MultilevelControlSlot.sigma2WithinFixed] = 0;
  }
  if (m == 1 && isNaN(control[MultilevelControlSlot.sigma2BetweenFixed])) {
    ws.control[MultilevelControlSlot.sigma2BetweenFixed] = 0;
  }
}

/**
 * z_j = β_j/SE_j and the Wald QM = β_b'(vb_bb)⁻¹β_b, b = [bttFrom, bttTo), of the fit in ws.fitOut;
 * false when vb_bb is not positive definite. (A t test's |t| and F = QM/m order the replicates as
 * |z| and QM do, so the permutation p-values are the same.)
 */
function waldStatistics(ws: MultilevelResampleWorkspace, p: i32, bttFrom: i32, bttTo: i32): bool {
  const out = ws.fitOut;
  const bAt = MultilevelOutSlot.beta;
  const vAt = bAt + p;
  for (let j = 0; j < p; j++) ws.stat[j] = out[bAt + j] / Math.sqrt(out[vAt + j * p + j]);
  const q = bttTo - bttFrom;
  const L = ws.chol;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let s: f64 = out[vAt + (bttFrom + a) * p + bttFrom + b];
      for (let l = 0; l < b; l++) s -= L[a * q + l] * L[b * q + l];
      if (a == b) {
        if (!(s > 0)) return false;
        L[a * q + a] = Math.sqrt(s);
      } else {
        L[a * q + b] = s / L[b * q + b];
      }
    }
  }
  let qm: f64 = 0;
  for (let a = 0; a < q; a++) {
    let s: f64 = out[bAt + bttFrom + a];
    for (let l = 0; l < a; l++) s -= L[a * q + l] * ws.sol[l];
    ws.sol[a] = s / L[a * q + a];
    qm += ws.sol[a] * ws.sol[a];
  }
  ws.stat[p] = qm;
  return isFinite(qm);
}

/**
 * Permutation test block of the three-level model (random arrangements only): `count`
 * arrangements from stream `start` of the seed, each a full refit; the observed fit first. Out
 * layout as the standard permutation kernel (contract.ts, permutationOutSize): exceedance counts
 * of |z_j| and QM (within comptol, as metafor's permutest), valid and failed refits, the observed
 * statistics. Modes: {@link MultilevelPermutationMode}.
 *
 * @returns the status of the observed fit
 */
export function multilevelPermutationKernel(
  ws: MultilevelResampleWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  out: F64s,
): i32 {
  if (!validLayout(ws, k, p, starts, m)) return KernelStatus.BAD_INPUT;
  const modeValue = rctl[ResampleSlot.mode];
  const countValue = rctl[ResampleSlot.count];
  const start = rctl[ResampleSlot.start];
  const bttFromValue = rctl[ResampleSlot.bttFrom];
  const bttToValue = rctl[ResampleSlot.bttTo];
  const comptol = rctl[ResampleSlot.comptol];
  if (!(modeValue == 0 || modeValue == 1 || modeValue == 2)) return KernelStatus.BAD_INPUT;
  if (!isCount(countValue, 2147483647) || !isCount(start, 9007199254740992)) {
    return KernelStatus.BAD_INPUT;
  }
  if (!isCount(bttFromValue, <f64>p) || !isCount(bttToValue, <f64>p)) return KernelStatus.BAD_INPUT;
  if (bttToValue <= bttFromValue || !(comptol >= 0)) return KernelStatus.BAD_INPUT;
  const mode = <i32>modeValue;
  const count = <i32>countValue;
  const bttFrom = <i32>bttFromValue;
  const bttTo = <i32>bttToValue;

  resampleControl(ws, control, k, m);
  let status = multilevelKernel(ws.fit, yi, vi, X, k, p, starts, m, method, ws.control, ws.fitOut);
  if (status != KernelStatus.OK) return status;
  if (!waldStatistics(ws, p, bttFrom, bttTo)) return KernelStatus.SINGULAR;
  const obsAt = permutationObservedAt(p);
  for (let j = 0; j <= p; j++) out[obsAt + j] = ws.stat[j];
  for (let j = 0; j <= p + 2; j++) out[j] = 0;
  // refits start from the observed estimates
  ws.control[MultilevelControlSlot.sigma2BetweenInit] = ws.fitOut[MultilevelOutSlot.sigma2Between];
  ws.control[MultilevelControlSlot.sigma2WithinInit] = ws.fitOut[MultilevelOutSlot.sigma2Within];

  const y = ws.y;
  const x = ws.x;
  const order = ws.order;
  for (let i = 0; i < k; i++) {
    y[i] = yi[i];
    ws.v[i] = vi[i];
  }
  for (let l = 0; l < k * p; l++) x[l] = X[l];
  seedStream(ws.prng, rctl[ResampleSlot.seed], start);
  let valid = 0;
  let failed = 0;
  for (let t = 0; t < count; t++) {
    if (mode == MultilevelPermutationMode.clusterSigns) {
      for (let j = 0; j < m; j++) {
        const flip = nextU32(ws.prng) >>> 31;
        for (let i = starts[j]; i < starts[j + 1]; i++) y[i] = flip == 1 ? -yi[i] : yi[i];
      }
    } else {
      // Fisher-Yates shuffle (Durstenfeld 1964) of the units: clusters or rows
      const units = mode == MultilevelPermutationMode.clusterRows ? m : k;
      for (let u = 0; u < units; u++) order[u] = u;
      for (let u = units - 1; u > 0; u--) {
        const w = <i32>nextBelow(ws.prng, <f64>(u + 1));
        const tmp = order[u];
        order[u] = order[w];
        order[w] = tmp;
      }
      if (mode == MultilevelPermutationMode.clusterRows) {
        // every row of cluster j takes the row of cluster order[j] (constant within clusters)
        for (let j = 0; j < m; j++) {
          const src = starts[order[j]] * p;
          for (let i = starts[j]; i < starts[j + 1]; i++) {
            for (let c = 0; c < p; c++) x[i * p + c] = X[src + c];
          }
        }
      } else {
        for (let i = 0; i < k; i++) {
          const src = order[i] * p;
          for (let c = 0; c < p; c++) x[i * p + c] = X[src + c];
        }
      }
    }
    status = multilevelKernel(ws.fit, y, ws.v, x, k, p, starts, m, method, ws.control, ws.fitOut);
    if (status != KernelStatus.OK || !waldStatistics(ws, p, bttFrom, bttTo)) {
      failed++;
      continue;
    }
    valid++;
    for (let j = 0; j < p; j++) {
      if (Math.abs(ws.stat[j]) >= Math.abs(out[obsAt + j]) - comptol) out[j] += 1;
    }
    if (ws.stat[p] >= out[obsAt + p] - comptol) out[p] += 1;
  }
  out[permutationValidAt(p)] = <f64>valid;
  out[permutationFailedAt(p)] = <f64>failed;
  return KernelStatus.OK;
}

/** Row size of the three-level bootstrap: [status, β (p), σ²_between, σ²_within]. */
export function multilevelBootstrapRowSize(p: i32): i32 {
  return p + 3;
}

/**
 * Bootstrap block of the three-level model: `count` replicates from stream `start` of the seed.
 * Mode BootstrapType.cases draws m publications with replacement (a publication drawn twice
 * enters as two publications) and refits; BootstrapType.jackknife leaves out publication
 * start + t in replicate t (for BCa's acceleration). Refits start from the estimates of the
 * control block's starting values when given. A failed refit keeps its status and NaN values.
 * The workspace must hold m × the largest publication rows.
 */
export function multilevelBootstrapKernel(
  ws: MultilevelResampleWorkspace,
  yi: F64s,
  vi: F64s,
  X: F64s,
  k: i32,
  p: i32,
  starts: I32s,
  m: i32,
  method: i32,
  control: F64s,
  rctl: F64s,
  out: F64s,
): i32 {
  if (k < 1 || p < 1 || p > ws.pMax || m > ws.mMax) return KernelStatus.BAD_INPUT;
  if (!validClusterStarts(starts, m, k)) return KernelStatus.BAD_INPUT;
  let largest: i32 = 0;
  for (let j = 0; j < m; j++) {
    const size = starts[j + 1] - starts[j];
    if (size > largest) largest = size;
  }
  if (<f64>m * <f64>largest > <f64>ws.kMax) return KernelStatus.BAD_INPUT;
  const modeValue = rctl[ResampleSlot.mode];
  const countValue = rctl[ResampleSlot.count];
  const start = rctl[ResampleSlot.start];
  if (!(modeValue == BootstrapType.cases || modeValue == BootstrapType.jackknife)) {
    return KernelStatus.BAD_INPUT;
  }
  if (!isCount(countValue, 2147483647) || !isCount(start, 9007199254740992)) {
    return KernelStatus.BAD_INPUT;
  }
  const jackknife = modeValue == BootstrapType.jackknife;
  const count = <i32>countValue;
  if (!jackknife) seedStream(ws.prng, rctl[ResampleSlot.seed], start);
  const row = multilevelBootstrapRowSize(p);
  for (let t = 0; t < count; t++) {
    // the resample: clusters drawn (or all but one), appended in order
    let kk: i32 = 0;
    let mm: i32 = 0;
    const omit = start + <f64>t;
    for (let d = 0; d < m; d++) {
      let g: i32 = d;
      if (!jackknife) g = <i32>nextBelow(ws.prng, <f64>m);
      else if (<f64>d == omit) continue;
      ws.starts[mm] = kk;
      for (let i = starts[g]; i < starts[g + 1]; i++) {
        ws.y[kk] = yi[i];
        ws.v[kk] = vi[i];
        for (let c = 0; c < p; c++) ws.x[kk * p + c] = X[i * p + c];
        kk++;
      }
      mm++;
    }
    ws.starts[mm] = kk;
    resampleControl(ws, control, kk, mm);
    const at = t * row;
    const status =
      kk > p
        ? multilevelKernel(
            ws.fit,
            ws.y,
            ws.v,
            ws.x,
            kk,
            p,
            ws.starts,
            mm,
            method,
            ws.control,
            ws.fitOut,
          )
        : KernelStatus.TOO_FEW_STUDIES;
    out[at] = <f64>status;
    if (status != KernelStatus.OK) {
      for (let j = 1; j < row; j++) out[at + j] = NaN;
      continue;
    }
    for (let j = 0; j < p; j++) out[at + 1 + j] = ws.fitOut[MultilevelOutSlot.beta + j];
    out[at + 1 + p] = ws.fitOut[MultilevelOutSlot.sigma2Between];
    out[at + 2 + p] = ws.fitOut[MultilevelOutSlot.sigma2Within];
  }
  return KernelStatus.OK;
}
