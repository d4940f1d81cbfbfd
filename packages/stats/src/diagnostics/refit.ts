/**
 * The one refit loop of the sensitivity analyses: leave-one-out, influence, cumulative and Baujat
 * all refit a model on subsets of its studies. The loop runs inside one kernel call (core-wasm's
 * kernels/refit.ts, compiled to WASM and JS, beside the permutation loop: shared/ARCHITECTURE.md);
 * this file packs the subsets, calls the backend once and derives each refit's tests, CIs and
 * heterogeneity statistics with rma's own helpers (models/statistics.ts).
 */
import { type FitControl, fitDefaults } from "../defaults.js";
import { errorFromStatus, KernelStatus, type PooledError, TooFewStudiesError } from "../errors.js";
import { getBackend } from "../kernels/backend.js";
import { MethodCode, packControl } from "../kernels/contract.js";
import {
  RefitMode,
  RefitRow,
  RefitSlot,
  RefitStage,
  refitRowSize,
} from "../kernels/refit-contract.js";
import { singularDesignError } from "../models/design.js";
import {
  coefficientTable,
  criticalValue,
  heterogeneityStatistics,
  knappHartungScale,
  scaledCovariance,
  studyCountError,
} from "../models/statistics.js";
import type { RmaResult } from "../models/types.js";

/** Options shared by the refitting analyses. */
export interface RefitOptions {
  /** Control of every refit (threshold, maxIter...); default the engine's fitDefaults.control. */
  control?: Partial<FitControl>;
}

/** A failed refit: the error that stopped it (e.g. too few studies, non-convergence). */
export interface RefitFailure {
  index: number;
  message: string;
}

/**
 * A refitted model: the fields of {@link RmaResult} the sensitivity analyses read, with the same
 * names and the same values rma would give on the subset (without the Q-profile CIs, QM, R²,
 * prediction, weights and fitted values, which no analysis reads).
 */
export type RefitFit = Pick<
  RmaResult,
  | "method"
  | "test"
  | "level"
  | "k"
  | "p"
  | "coefficients"
  | "beta"
  | "vb"
  | "tau2"
  | "tau"
  | "s2w"
  | "df"
  | "QE"
  | "I2"
  | "H2"
  | "typicalVariance"
  | "iterations"
>;

/**
 * Which subsets to refit: explicit lists of study indices (in the order given), every study left
 * out in turn (`omit`: only these, in this order; default all), or the first 1, 2, ... studies of
 * an order (cumulative meta-analysis).
 */
export type SubsetPlan =
  | number[][]
  | { kind: "leave-one-out"; omit?: number[] }
  | { kind: "prefixes"; order: number[] };

/**
 * Refits `model` (same method, test, level, design columns and backend) on each subset of its
 * studies. A subset that rma would reject (too few studies, a singular design, non-convergence)
 * gives null, as metafor records NA for a failed refit, with the same typed error's message in
 * `failures`. The model's control applies (threshold, maxIter, stepAdj, tau2Init), except a fixed
 * tau², which is not kept; options.control overrides it. One kernel
 * call fits every subset (see kernels/refit-contract.ts).
 *
 * @example refitSubsets(model, { kind: "leave-one-out" }).fits.map((f) => f?.beta[0] ?? null)
 * @example refitSubsets(model, [[1, 2, 3], [0, 2, 3]]) // two fits, each without one study
 */
export function refitSubsets(
  model: RmaResult,
  subsets: SubsetPlan,
  options: RefitOptions = {},
): { fits: (RefitFit | null)[]; failures: RefitFailure[] } {
  const { method, test, level, k, p } = model;
  // The model's own control (e.g. a raised maxIter), as metafor's leave1out keeps x$control; a
  // fixed tau² is not carried over (each subset estimates its own), options.control on top.
  const { tau2Fixed: _modelTau2, ...modelControl } = model.control ?? fitDefaults.control;
  const control: FitControl = { ...fitDefaults.control, ...modelControl, ...options.control };
  const tau2Fixed = control.tau2Fixed !== undefined && method !== "FE";
  const backend = getBackend(model.backend);

  const rctl = new Float64Array(RefitSlot.size);
  let packed: Float64Array;
  if (Array.isArray(subsets)) {
    rctl[RefitSlot.mode] = RefitMode.lists;
    let length = 0;
    for (const subset of subsets) length += 1 + subset.length;
    packed = new Float64Array(length);
    let at = 0;
    for (const subset of subsets) {
      packed[at++] = subset.length;
      for (const i of subset) packed[at++] = i;
    }
  } else if (subsets.kind === "leave-one-out") {
    rctl[RefitSlot.mode] = RefitMode.leaveOneOut;
    packed = Float64Array.from(subsets.omit ?? Array.from({ length: k }, (_, i) => i));
  } else {
    rctl[RefitSlot.mode] = RefitMode.prefixes;
    packed = Float64Array.from(subsets.order);
  }
  // Lists pack a length before each subset; the other plans pack one number per subset.
  const count = Array.isArray(subsets) ? subsets.length : packed.length;
  rctl[RefitSlot.count] = count;
  rctl[RefitSlot.test] = test === "knha" ? 1 : 0;
  rctl[RefitSlot.length] = packed.length;

  const X = new Float64Array(k * p);
  for (let i = 0; i < k; i++) for (let j = 0; j < p; j++) X[i * p + j] = model.X[i]![j]!;
  const row = refitRowSize(p);
  const out = new Float64Array(Math.max(1, count * row));
  const status = backend.refitBlock(
    {
      yi: Float64Array.from(model.yi),
      vi: Float64Array.from(model.vi),
      X,
      k,
      p,
      method: MethodCode[method],
      control: packControl(control),
      rctl,
      subsets: packed,
    },
    out,
  );
  if (status !== KernelStatus.OK) throw errorFromStatus(status, { method, k, p });

  const fits: (RefitFit | null)[] = [];
  const failures: RefitFailure[] = [];
  const zCrit = criticalValue(level, null);
  for (let s = 0; s < count; s++) {
    const at = s * row;
    const ks = out[at + RefitRow.k]!;
    const rowStatus = out[at + RefitRow.status]!;
    if (rowStatus !== KernelStatus.OK) {
      fits.push(null);
      failures.push({ index: s, message: refitError(out, at, model, tau2Fixed).message });
      continue;
    }
    const tau2 = out[at + RefitRow.tau2]!;
    const dfResid = ks - p;
    const s2w = test === "knha" ? knappHartungScale(out[at + RefitRow.rss]!, dfResid) : 1;
    const beta = Array.from(out.subarray(at + RefitRow.beta, at + RefitRow.beta + p));
    const vb = scaledCovariance(out, at + RefitRow.beta + p, p, s2w);
    const df = test === "knha" ? dfResid : null;
    const crit = df === null ? zCrit : criticalValue(level, df);
    const heterogeneity = heterogeneityStatistics(
      method,
      tau2,
      out[at + RefitRow.QE]!,
      out[at + RefitRow.trP0]!,
      ks,
      p,
    );
    fits.push({
      method,
      test,
      level,
      k: ks,
      p,
      coefficients: coefficientTable(beta, vb, model.termNames, df, crit),
      beta,
      vb,
      tau2,
      tau: Math.sqrt(tau2),
      s2w,
      df,
      ...heterogeneity,
      iterations: out[at + RefitRow.iterations]!,
    });
  }
  return { fits, failures };
}

/** The error rma would throw on the subset of row `at` (checks in rma's order). */
function refitError(
  out: Float64Array,
  at: number,
  model: RmaResult,
  tau2Fixed: boolean,
): PooledError {
  const status = out[at + RefitRow.status]!;
  const ks = out[at + RefitRow.k]!;
  const context = {
    method: model.method,
    iterations: out[at + RefitRow.iterations]!,
    k: ks,
    p: model.p,
  };
  if (out[at + RefitRow.stage]! === RefitStage.design) {
    if (ks === 0) return new TooFewStudiesError(0, 1, "a meta-analysis");
    if (status === KernelStatus.SINGULAR) return singularDesignError(model.termNames);
    if (status === KernelStatus.TOO_FEW_STUDIES) {
      const error = studyCountError(ks, model.p, model.method, model.test, tau2Fixed);
      if (error !== null) return error;
    }
  }
  return errorFromStatus(status, context);
}
