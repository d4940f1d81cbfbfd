/**
 * The refit kernel: port of packages/stats/src/kernels/js/refit.ts, line by line (see there for
 * the semantics: leave-one-out, influence, cumulative and Baujat refits, Viechtbauer & Cheung 2010;
 * rma's rules per subset). The whole loop (gather, check, fit, Q at 0) runs inside one call; the
 * workspace is allocated once per call. Layouts: RefitSlot, RefitMode, RefitStage, RefitRow in
 * packages/stats/src/kernels/refit-contract.ts.
 */
import {
  BAD_INPUT,
  CTL_TAU2_FIXED,
  FE,
  OK,
  OUT_BETA,
  OUT_ITERATIONS,
  OUT_TAU2,
  PM,
  SINGULAR,
  TOO_FEW_STUDIES,
} from "./contract";
import {
  designHasFullRank,
  fitKernel,
  generalizedQ,
  lastRss,
  lastTrP,
  prepareFitWorkspace,
} from "./fit";
import { allocF64, ld, st } from "./memory";

// RefitSlot
const F_MODE = 0;
const F_COUNT = 1;
const F_TEST = 2;
const F_LENGTH = 3;

// RefitMode
const MODE_LISTS = 0;
const MODE_LEAVE_ONE_OUT = 1;
const MODE_PREFIXES = 2;

// RefitStage
const STAGE_DESIGN = 0;
const STAGE_FIT = 1;
const STAGE_HETEROGENEITY = 2;
const STAGE_DONE = 3;

// RefitRow
const ROW_STATUS = 0;
const ROW_STAGE = 1;
const ROW_K = 2;
const ROW_TAU2 = 3;
const ROW_ITERATIONS = 4;
const ROW_QE = 5;
const ROW_TRP0 = 6;
const ROW_RSS = 7;
const ROW_BETA = 8;

let rfK: i32 = 0;
let rfP: i32 = 0;
let rfY: usize = 0;
let rfV: usize = 0;
let rfX: usize = 0;
let rfFitOut: usize = 0;
let rfQOut: usize = 0;

/** Allocates the refit workspace (and the fit workspace) from the arena. */
export function prepareRefitWorkspace(kMax: i32, pMax: i32): void {
  const k = max<i32>(1, kMax);
  const p = max<i32>(1, pMax);
  prepareFitWorkspace(k, p);
  rfK = k;
  rfP = p;
  rfY = allocF64(k);
  rfV = allocF64(k);
  rfX = allocF64(k * p);
  rfFitOut = allocF64(OUT_BETA + p + p * p);
  rfQOut = allocF64(4);
}

function gather(yi: usize, vi: usize, X: usize, k: i32, p: i32, i: f64, kk: i32): bool {
  if (!(i >= 0 && i < <f64>k) || i != Math.floor(i) || kk >= k) return false;
  const ii = <i32>i;
  st(rfY, kk, ld(yi, ii));
  st(rfV, kk, ld(vi, ii));
  for (let j = 0; j < p; j++) st(rfX, kk * p + j, ld(X, ii * p + j));
  return true;
}

/** Refits on every subset (see the TS twin). Rows of out: RefitRow layout. */
export function refitKernel(
  yi: usize,
  vi: usize,
  X: usize,
  k: i32,
  p: i32,
  method: i32,
  control: usize,
  rctl: usize,
  subsets: usize,
  out: usize,
): i32 {
  if (k < 1 || p < 1 || k > rfK || p > rfP) return BAD_INPUT;
  if (method < FE || method > PM) return BAD_INPUT;
  const mode = ld(rctl, F_MODE);
  const count = ld(rctl, F_COUNT);
  const knha = ld(rctl, F_TEST) == 1;
  const length = ld(rctl, F_LENGTH);
  if (mode != MODE_LISTS && mode != MODE_LEAVE_ONE_OUT && mode != MODE_PREFIXES) return BAD_INPUT;
  // Counts are whole numbers (a fractional one would read past the subsets array).
  if (!(count >= 0) || count != Math.floor(count)) return BAD_INPUT;
  if (!(length >= 0) || length != Math.floor(length)) return BAD_INPUT;
  if (mode != MODE_LISTS && count > length) return BAD_INPUT;
  const tau2Fixed = !isNaN<f64>(ld(control, CTL_TAU2_FIXED)) && method != FE;
  const row = ROW_BETA + p + p * p;
  let cursor: f64 = 0;
  for (let s = 0; <f64>s < count; s++) {
    const at = s * row;
    for (let j = 0; j < row; j++) st(out, at + j, NaN);
    st(out, at + ROW_STAGE, STAGE_DESIGN);
    let kk = 0;
    let ok = true;
    if (mode == MODE_LISTS) {
      const n = cursor < length ? ld(subsets, <i32>cursor) : -1;
      if (!(n >= 0) || n != Math.floor(n) || cursor + 1 + n > length) {
        ok = false;
        cursor = length;
      } else {
        for (let m = 0; <f64>m < n && ok; m++) {
          ok = gather(yi, vi, X, k, p, ld(subsets, <i32>cursor + 1 + m), kk);
          kk++;
        }
        cursor += 1 + n;
      }
    } else if (mode == MODE_LEAVE_ONE_OUT) {
      const omit = ld(subsets, s);
      ok = omit >= 0 && omit < <f64>k;
      for (let i = 0; i < k && ok; i++) {
        if (<f64>i == omit) continue;
        ok = gather(yi, vi, X, k, p, <f64>i, kk);
        kk++;
      }
    } else {
      for (let m = 0; m <= s && ok; m++) {
        ok = gather(yi, vi, X, k, p, ld(subsets, m), kk);
        kk++;
      }
    }
    if (!ok) {
      st(out, at + ROW_STATUS, <f64>BAD_INPUT);
      continue;
    }
    st(out, at + ROW_K, <f64>kk);
    let status: i32 = OK;
    if (kk == 0) {
      status = TOO_FEW_STUDIES;
    } else if (kk >= p && !designHasFullRank(rfX, kk, p)) {
      status = SINGULAR;
    } else if (kk < p || (kk == p && p > 1 && method != FE && !tau2Fixed) || (kk == p && knha)) {
      status = TOO_FEW_STUDIES;
    }
    if (status != OK) {
      st(out, at + ROW_STATUS, <f64>status);
      continue;
    }
    st(out, at + ROW_STAGE, STAGE_FIT);
    st(rfFitOut, OUT_ITERATIONS, 0);
    status = fitKernel(rfY, rfV, rfX, kk, p, method, control, rfFitOut);
    st(out, at + ROW_ITERATIONS, ld(rfFitOut, OUT_ITERATIONS));
    if (status != OK) {
      st(out, at + ROW_STATUS, <f64>status);
      continue;
    }
    const tau2 = ld(rfFitOut, OUT_TAU2);
    st(out, at + ROW_TAU2, tau2);
    for (let j = 0; j < p + p * p; j++) st(out, at + ROW_BETA + j, ld(rfFitOut, OUT_BETA + j));
    if (knha) st(out, at + ROW_RSS, lastRss());
    st(out, at + ROW_STAGE, STAGE_HETEROGENEITY);
    if (kk > p) {
      if (tau2 == 0) {
        st(out, at + ROW_QE, lastRss());
        st(out, at + ROW_TRP0, lastTrP());
      } else {
        status = generalizedQ(rfY, rfV, rfX, kk, p, 0, rfQOut);
        if (status != OK) {
          st(out, at + ROW_STATUS, <f64>status);
          continue;
        }
        st(out, at + ROW_QE, ld(rfQOut, 0));
        st(out, at + ROW_TRP0, ld(rfQOut, 2));
      }
    }
    st(out, at + ROW_STAGE, STAGE_DONE);
    st(out, at + ROW_STATUS, <f64>OK);
  }
  return OK;
}
