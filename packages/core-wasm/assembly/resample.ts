/**
 * Resampling kernels: port of packages/stats/src/kernels/js/resample.ts, line by line (see there
 * for the semantics and references: Higgins & Thompson 2004 and metafor's permutest; Efron &
 * Tibshirani 1993 and Davison & Hinkley 1997 for the bootstrap). The whole loop (draw, refit,
 * accumulate) runs inside one call; the workspace is allocated once per call.
 */
import { BAD_INPUT, FE, OK, OUT_BETA, OUT_TAU2, PM, SINGULAR } from "./contract";
import { fitKernel, fitTrPAtZero, generalizedQ, prepareFitWorkspace } from "./fit";
import { allocF64, allocI32, ld, ldi, st, sti } from "./memory";
import { nextBelow, nextNormal, nextU32, seedStream } from "./prng";

// ResampleSlot
const R_MODE = 0;
const R_EXACT = 1;
const R_START = 2;
const R_COUNT = 3;
const R_SEED = 4;
const R_TEST = 5;
const R_BTT_FROM = 6;
const R_BTT_TO = 7;
const R_COMPTOL = 8;
const R_GROUPS = 9;

// BootstrapType
const BOOT_CASE = 0;
const BOOT_PARAMETRIC = 1;

let rsK: i32 = 0;
let rsP: i32 = 0;
let rsY: usize = 0;
let rsV: usize = 0;
let rsX: usize = 0;
let rsFitOut: usize = 0;
let rsQOut: usize = 0;
let rsStat: usize = 0;
let rsChol: usize = 0;
let rsSol: usize = 0;
let rsArrangement: usize = 0;
let rsCounts: usize = 0;

/** Allocates the resampling workspace (and the fit workspace) from the arena. */
export function prepareResampleWorkspace(kMax: i32, pMax: i32): void {
  const k = max<i32>(1, kMax);
  const p = max<i32>(1, pMax);
  prepareFitWorkspace(k, p);
  rsK = k;
  rsP = p;
  rsY = allocF64(k);
  rsV = allocF64(k);
  rsX = allocF64(k * p);
  rsFitOut = allocF64(2 + p + p * p);
  rsQOut = allocF64(4);
  rsStat = allocF64(p + 1);
  rsChol = allocF64(p * p);
  rsSol = allocF64(p);
  rsArrangement = allocI32(k);
  rsCounts = allocI32(k);
}

/** Pointer of the statistics written by testStatistics (z (p), QM). */
export function statPointer(): usize {
  return rsStat;
}

/** Pointer of the fit out block used by the resampling kernels. */
export function fitOutPointer(): usize {
  return rsFitOut;
}

export function testStatistics(
  y: usize,
  v: usize,
  X: usize,
  k: i32,
  p: i32,
  test: i32,
  bttFrom: i32,
  bttTo: i32,
): bool {
  const out = rsFitOut;
  const tau2 = ld(out, OUT_TAU2);
  const betaAt = OUT_BETA;
  const vbAt = OUT_BETA + p;
  let scale: f64 = 1;
  if (test == 1) {
    let rss: f64 = 0;
    for (let i = 0; i < k; i++) {
      let fitted: f64 = 0;
      for (let j = 0; j < p; j++) fitted += ld(X, i * p + j) * ld(out, betaAt + j);
      const e = ld(y, i) - fitted;
      rss += (e * e) / (ld(v, i) + tau2);
    }
    scale = rss / <f64>(k - p);
  }
  for (let j = 0; j < p; j++) {
    st(rsStat, j, ld(out, betaAt + j) / Math.sqrt(scale * ld(out, vbAt + j * p + j)));
  }
  const m = bttTo - bttFrom;
  const L = rsChol;
  for (let a = 0; a < m; a++) {
    for (let b = 0; b <= a; b++) {
      let s = ld(out, vbAt + (bttFrom + a) * p + bttFrom + b);
      for (let l = 0; l < b; l++) s -= ld(L, a * m + l) * ld(L, b * m + l);
      if (a == b) {
        if (!(s > 0)) return false;
        st(L, a * m + a, Math.sqrt(s));
      } else {
        st(L, a * m + b, s / ld(L, b * m + b));
      }
    }
  }
  let qm: f64 = 0;
  for (let a = 0; a < m; a++) {
    let s = ld(out, betaAt + bttFrom + a);
    for (let l = 0; l < a; l++) s -= ld(L, a * m + l) * ld(rsSol, l);
    st(rsSol, a, s / ld(L, a * m + a));
    qm += ld(rsSol, a) * ld(rsSol, a);
  }
  st(rsStat, p, test == 1 ? qm / scale / <f64>m : qm);
  return true;
}

/** n!/Π c_j! as a product of binomial coefficients (see the TS twin). */
export function multisetPermutations(counts: usize, groups: i32): f64 {
  let total: f64 = 0;
  let result: f64 = 1;
  for (let g = 0; g < groups; g++) {
    const c = ldi(counts, g);
    for (let i = 1; i <= c; i++) {
      total++;
      result = (result * total) / <f64>i;
    }
  }
  return result;
}

function unrankMultiset(k: i32, groups: i32, rank: f64): void {
  let r = rank;
  const counts = rsCounts;
  for (let i = 0; i < k; i++) {
    for (let g = 0; g < groups; g++) {
      if (ldi(counts, g) == 0) continue;
      sti(counts, g, ldi(counts, g) - 1);
      const n = multisetPermutations(counts, groups);
      if (r < n) {
        sti(rsArrangement, i, g);
        break;
      }
      sti(counts, g, ldi(counts, g) + 1);
      r -= n;
    }
  }
  for (let i = 0; i < k; i++) {
    const g = ldi(rsArrangement, i);
    sti(counts, g, ldi(counts, g) + 1);
  }
}

function nextMultisetPermutation(a: usize, k: i32): void {
  let i = k - 2;
  while (i >= 0 && ldi(a, i) >= ldi(a, i + 1)) i--;
  if (i < 0) return;
  let j = k - 1;
  while (ldi(a, j) <= ldi(a, i)) j--;
  let t = ldi(a, i);
  sti(a, i, ldi(a, j));
  sti(a, j, t);
  for (let l = i + 1, h = k - 1; l < h; l++, h--) {
    t = ldi(a, l);
    sti(a, l, ldi(a, h));
    sti(a, h, t);
  }
}

/** Permutation test block (see the TS twin). Out layout: PermutationOut. */
export function permutationKernel(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  rctl: usize,
  labels: usize,
  classRows: usize,
  out: usize,
): i32 {
  if (k < 1 || p < 1 || k > rsK || p > rsP) return BAD_INPUT;
  const mode = <i32>ld(rctl, R_MODE);
  const exact = ld(rctl, R_EXACT) == 1;
  const start = ld(rctl, R_START);
  const count = ld(rctl, R_COUNT);
  const test = <i32>ld(rctl, R_TEST);
  const bttFrom = <i32>ld(rctl, R_BTT_FROM);
  const bttTo = <i32>ld(rctl, R_BTT_TO);
  const comptol = ld(rctl, R_COMPTOL);
  const groups = <i32>ld(rctl, R_GROUPS);
  if (method < FE || method > PM) return BAD_INPUT;
  if (bttFrom < 0 || bttTo > p || bttTo <= bttFrom) return BAD_INPUT;

  let status = fitKernel(yi, vi, X, k, p, method, control, rsFitOut);
  if (status != OK) return status;
  if (!testStatistics(yi, vi, X, k, p, test, bttFrom, bttTo)) return SINGULAR;
  const obsAt = p + 3;
  for (let j = 0; j <= p; j++) st(out, obsAt + j, ld(rsStat, j));
  for (let j = 0; j <= p + 2; j++) st(out, j, 0);

  const a = rsArrangement;
  if (mode == 0) {
    for (let i = 0; i < k; i++) st(rsV, i, ld(vi, i));
    for (let l = 0; l < k * p; l++) st(rsX, l, ld(X, l));
    if (exact) {
      let r = start;
      for (let i = 0; i < k; i++) {
        const half = Math.floor(r / 2);
        sti(a, i, <i32>(r - 2 * half));
        r = half;
      }
    } else {
      seedStream(<u32>ld(rctl, R_SEED), <u32>start);
    }
  } else {
    for (let i = 0; i < k; i++) {
      st(rsY, i, ld(yi, i));
      st(rsV, i, ld(vi, i));
    }
    if (exact) {
      for (let g = 0; g < groups; g++) sti(rsCounts, g, 0);
      for (let i = 0; i < k; i++) {
        const g = <i32>ld(labels, i);
        sti(rsCounts, g, ldi(rsCounts, g) + 1);
      }
      unrankMultiset(k, groups, start);
    } else {
      seedStream(<u32>ld(rctl, R_SEED), <u32>start);
    }
  }

  let valid: f64 = 0;
  let failed: f64 = 0;
  for (let t: f64 = 0; t < count; t++) {
    if (mode == 0) {
      if (exact) {
        if (t > 0) {
          let i = 0;
          while (i < k && ldi(a, i) == 1) {
            sti(a, i, 0);
            i++;
          }
          if (i < k) sti(a, i, 1);
        }
      } else {
        for (let i = 0; i < k; i++) sti(a, i, <i32>(nextU32() >>> 31));
      }
      for (let i = 0; i < k; i++) st(rsY, i, ldi(a, i) == 1 ? -ld(yi, i) : ld(yi, i));
    } else {
      if (exact) {
        if (t > 0) nextMultisetPermutation(a, k);
      } else {
        for (let i = 0; i < k; i++) sti(a, i, <i32>ld(labels, i));
        for (let i = k - 1; i > 0; i--) {
          const j = <i32>nextBelow(<u64>(i + 1));
          const tmp = ldi(a, i);
          sti(a, i, ldi(a, j));
          sti(a, j, tmp);
        }
      }
      for (let i = 0; i < k; i++) {
        const g = ldi(a, i);
        for (let j = 0; j < p; j++) st(rsX, i * p + j, ld(classRows, g * p + j));
      }
    }
    status = fitKernel(rsY, rsV, rsX, k, p, method, control, rsFitOut);
    if (status != OK || !testStatistics(rsY, rsV, rsX, k, p, test, bttFrom, bttTo)) {
      failed++;
      continue;
    }
    valid++;
    for (let j = 0; j < p; j++) {
      if (Math.abs(ld(rsStat, j)) >= Math.abs(ld(out, obsAt + j)) - comptol) {
        st(out, j, ld(out, j) + 1);
      }
    }
    if (ld(rsStat, p) >= ld(out, obsAt + p) - comptol) st(out, p, ld(out, p) + 1);
  }
  st(out, p + 1, valid);
  st(out, p + 2, failed);
  return OK;
}

function isquared(y: usize, v: usize, X: usize, k: i32, p: i32, method: i32, tau2: f64): f64 {
  if (method != FE) {
    const trP0 = fitTrPAtZero();
    if (!isNaN<f64>(trP0)) return (100 * tau2) / (tau2 + <f64>(k - p) / trP0);
  }
  if (generalizedQ(y, v, X, k, p, 0, rsQOut) != OK) return NaN;
  if (method == FE) {
    const q = ld(rsQOut, 0);
    return 100 * max<f64>(0, (q - <f64>(k - p)) / q);
  }
  const vt = <f64>(k - p) / ld(rsQOut, 2);
  return (100 * tau2) / (tau2 + vt);
}

/** Bootstrap block (see the TS twin). Rows of out: [status, β (p), tau², I²]. */
export function bootstrapKernel(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  rctl: usize,
  from: usize,
  members: usize,
  fitted: usize,
  sdev: usize,
  out: usize,
): i32 {
  if (k < 1 || p < 1 || p > rsP) return BAD_INPUT;
  if (method < FE || method > PM) return BAD_INPUT;
  const mode = <i32>ld(rctl, R_MODE);
  const start = ld(rctl, R_START);
  const count = <i32>ld(rctl, R_COUNT);
  const groups = <i32>ld(rctl, R_GROUPS);
  if (mode != 2) seedStream(<u32>ld(rctl, R_SEED), <u32>start);
  const row = p + 3;
  for (let t = 0; t < count; t++) {
    let kk = 0;
    let overflow = false;
    if (mode == BOOT_CASE) {
      for (let d = 0; d < groups; d++) {
        const g = <i32>nextBelow(<u64>groups);
        const end = <i32>ld(from, g + 1);
        if (kk + (end - <i32>ld(from, g)) > rsK) overflow = true;
        if (overflow) continue;
        for (let m = <i32>ld(from, g); m < end; m++) {
          const i = <i32>ld(members, m);
          st(rsY, kk, ld(yi, i));
          st(rsV, kk, ld(vi, i));
          for (let j = 0; j < p; j++) st(rsX, kk * p + j, ld(X, i * p + j));
          kk++;
        }
      }
    } else if (mode == BOOT_PARAMETRIC) {
      kk = k;
      for (let i = 0; i < k; i++) {
        st(rsY, i, ld(fitted, i) + ld(sdev, i) * nextNormal());
        st(rsV, i, ld(vi, i));
      }
      if (t == 0) for (let l = 0; l < k * p; l++) st(rsX, l, ld(X, l));
    } else {
      const omit = <i32>start + t;
      for (let g = 0; g < groups; g++) {
        if (g == omit) continue;
        const end = <i32>ld(from, g + 1);
        for (let m = <i32>ld(from, g); m < end; m++) {
          const i = <i32>ld(members, m);
          st(rsY, kk, ld(yi, i));
          st(rsV, kk, ld(vi, i));
          for (let j = 0; j < p; j++) st(rsX, kk * p + j, ld(X, i * p + j));
          kk++;
        }
      }
    }
    const at = t * row;
    const status = overflow
      ? BAD_INPUT
      : fitKernel(rsY, rsV, rsX, kk, p, method, control, rsFitOut);
    st(out, at, <f64>status);
    if (status != OK) {
      for (let j = 1; j < row; j++) st(out, at + j, NaN);
      continue;
    }
    const tau2 = ld(rsFitOut, OUT_TAU2);
    for (let j = 0; j < p; j++) st(out, at + 1 + j, ld(rsFitOut, OUT_BETA + j));
    st(out, at + 1 + p, tau2);
    st(out, at + 2 + p, isquared(rsY, rsV, rsX, kk, p, method, tau2));
  }
  return OK;
}
