/**
 * rma: fixed- and random-effects meta-analysis and meta-regression, as metafor 3.8's rma.uni.
 *
 * This file is the readable inference layer: it validates the input, builds the design matrix,
 * calls the fit kernel through a backend (kernels/backend.ts) and derives every reported statistic
 * from the kernel's τ², β and (X'WX)⁻¹.
 */

import { FitWorkspace, generalizedQ } from "@pooled/core-wasm/kernels";
import { type FitControl, fitDefaults } from "../defaults.js";
import {
  errorFromStatus,
  KernelStatus,
  PooledError,
  PooledInputError,
  PooledInputErrors,
  TooFewStudiesError,
} from "../errors.js";
import { getBackend, type StatsBackend } from "../kernels/backend.js";
import type { FitInput, KernelFit } from "../kernels/contract.js";
import type { BackendName, Method, TestType } from "../types.js";
import { buildDesign, designRows, sortedLevels } from "./design.js";
import { qProfileIntervals } from "./qprofile.js";
import {
  type HeterogeneityStatistics,
  heterogeneityStatistics,
  knappHartungScale,
  scaledCovariance,
  studyCountError,
  type WaldTests,
  waldTests,
} from "./statistics.js";
import { tau2StandardError } from "./tau2-standard-error.js";
import type { ModelModerator, Prediction, RmaData, RmaOptions, RmaResult } from "./types.js";

const METHODS: readonly Method[] = ["FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM"];
/** Below this many studies a z-test fit gets a note recommending Knapp-Hartung (METHODS.md). */
const FEW_STUDIES = 10;

/**
 * Fits a fixed-effect (method "FE") or random-effects model, with optional moderators.
 *
 * Model: yᵢ = xᵢ'β + uᵢ + εᵢ, uᵢ ~ N(0, τ²), εᵢ ~ N(0, vᵢ); β̂ = (X'WX)⁻¹X'Wy with
 * W = diag(1/(vᵢ + τ̂²)) (Viechtbauer 2010, J Stat Softw 36(3)). Tests: z, or Knapp & Hartung (2003)
 * with s² = Σwᵢ(yᵢ - xᵢ'β̂)²/(k - p), t(k - p) and F(m, k - p). Heterogeneity: QE with 1/vᵢ weights,
 * I² = 100·τ²/(τ² + ṽ), H² = τ²/ṽ + 1, ṽ = (k - p)/tr(P) (Higgins & Thompson 2002); Q-profile CIs
 * (Viechtbauer 2007); prediction interval μ̂ ± crit·√(SE² + τ²) (Riley et al. 2011); the standard
 * error of τ̂² by each estimator's own formula (tau2-standard-error.ts). Predictions of a
 * meta-regression at new moderator values: {@link predict} (predict.ts).
 *
 * @throws PooledInputError(s) for non-finite yi, vi <= 0 or sei <= 0, wrong lengths
 * @throws TooFewStudiesError when k < p, or k = p for random effects with moderators or Knapp-Hartung
 * @throws SingularMatrixError when the moderators are collinear
 * @throws NotConvergedError when an iterative estimator does not converge (with remedies)
 * @example
 * const res = rma({ yi: [0.1, 0.3, 0.35, 0.6], vi: [0.01, 0.02, 0.015, 0.03] }, { method: "REML" });
 * res.coefficients[0].estimate; res.tau2; res.I2; res.prediction?.piLower
 */
export function rma(data: RmaData, options: RmaOptions = {}): RmaResult {
  const method: Method = options.method ?? fitDefaults.method;
  const test: TestType = options.test ?? fitDefaults.test;
  const level = options.level ?? fitDefaults.level;
  const control: FitControl = { ...fitDefaults.control, ...options.control };
  checkControl(control);
  const backend = getBackend(options.backend);
  const { yi, vi, labels } = validateData(data, options.labels);
  checkModelOptions(method, test, level);
  const k = yi.length;
  if (k === 0) throw new TooFewStudiesError(0, 1, "a meta-analysis");
  const { X, p, termNames } = buildDesign(k, options.mods, options.labels ? labels : undefined);
  const tau2Fixed = control.tau2Fixed !== undefined && method !== "FE";
  const countError = studyCountError(k, p, method, test, tau2Fixed);
  if (countError !== null) throw countError;

  const input: FitInput = { yi, vi, X, k, p };
  const fit = backend.fit(input, method, control);
  if (fit.status !== KernelStatus.OK) {
    throw errorFromStatus(fit.status, { method, iterations: fit.iterations, k, p });
  }
  const tau2 = fit.tau2;
  const seTau2 = tau2StandardError({ yi, vi, X, k, p, method, tau2, tau2Init: control.tau2Init });
  const wald = waldInference(input, fit, method, test, level, termNames);
  const { QE, typicalVariance, I2, H2 } = residualHeterogeneity(input, method, tau2);
  const dfResid = k - p;
  const R2 =
    p > 1
      ? pseudoR2(backend, yi, vi, k, method, control, tau2, QE.statistic, dfResid)
      : { value: null };
  const heterogeneityIntervals =
    options.heterogeneityIntervals !== false &&
    method !== "FE" &&
    !tau2Fixed &&
    k > 1 &&
    dfResid > 0
      ? qProfileIntervals({ yi, vi, X, k, p, tau2, typicalVariance, I2, H2, level })
      : null;

  return {
    kind: "rma",
    method,
    test,
    level,
    backend: backend.name as BackendName,
    control,
    k,
    p,
    labels,
    yi: Array.from(yi),
    vi: Array.from(vi),
    termNames,
    moderators: codedModerators(options.mods),
    X: designRows(X, k, p),
    coefficients: wald.coefficients,
    beta: wald.beta,
    vb: wald.vb,
    tau2,
    tau: Math.sqrt(tau2),
    seTau2,
    s2w: wald.s2w,
    df: wald.df,
    QE,
    QM: wald.QM,
    QMCoefficients: wald.QMCoefficients,
    I2,
    H2,
    typicalVariance,
    R2: R2.value,
    prediction: p === 1 ? averagePrediction(wald, method, tau2) : null,
    heterogeneityIntervals,
    weights: percentWeights(vi, tau2),
    fitted: fittedValues(X, k, p, wald.beta),
    converged: true,
    iterations: fit.iterations,
    notes: modelNotes(R2.unavailable, k, method, test, wald.s2w),
  };
}

/** Checks the model options that do not depend on the data: the estimator, the test, the level. */
function checkModelOptions(method: Method, test: TestType, level: number): void {
  if (!METHODS.includes(method)) {
    throw new PooledInputError({ field: "method", value: method }, `one of ${METHODS.join(", ")}`);
  }
  if (test !== "z" && test !== "knha") {
    throw new PooledInputError({ field: "test", value: test }, '"z" or "knha"');
  }
  if (!(level > 0 && level < 100)) {
    throw new PooledInputError(
      { field: "level", value: level },
      "a confidence level in percent, in (0, 100)",
    );
  }
}

/** The coefficients' Wald inference: β̂, their covariance, the table of tests and CIs, and QM. */
interface WaldInference extends WaldTests {
  /** Knapp-Hartung's s² (1 under the z test). */
  s2w: number;
  beta: number[];
  /** s²·(X'WX)⁻¹ */
  vb: number[][];
  /** k - p under Knapp-Hartung, null under the z test. */
  df: number | null;
}

/**
 * Tests and CIs of the coefficients at τ̂²: z, or Knapp & Hartung's (2003) t(k - p) with the
 * covariance scaled by s² and the omnibus test QM/m against F(m, k - p).
 */
function waldInference(
  input: FitInput,
  fit: KernelFit,
  method: Method,
  test: TestType,
  level: number,
  termNames: string[],
): WaldInference {
  const { k, p } = input;
  const dfResid = k - p;
  // Knapp-Hartung scale factor, from the weighted residuals at τ̂² (Knapp & Hartung 2003, eq. 7).
  const s2w =
    test === "knha" ? knappHartungScale(generalizedQAt(input, fit.tau2, method)[0]!, dfResid) : 1;
  const vb = scaledCovariance(fit.vb, 0, p, s2w);
  const beta = Array.from(fit.beta);
  const df = test === "knha" ? dfResid : null;
  return { s2w, beta, vb, df, ...waldTests(beta, vb, df, level, termNames) };
}

/** Heterogeneity with fixed-effect weights 1/vᵢ: Q and tr(P) at τ² = 0 (none when k = p). */
function residualHeterogeneity(
  input: FitInput,
  method: Method,
  tau2: number,
): HeterogeneityStatistics {
  const { k, p } = input;
  let q0 = Number.NaN;
  let trP0 = Number.NaN;
  if (k > p) {
    const q = generalizedQAt(input, 0, method);
    q0 = q[0]!;
    trP0 = q[2]!;
  }
  return heterogeneityStatistics(method, tau2, q0, trP0, k, p);
}

/**
 * The kernel's generalised Q at τ²: [Q, y'PPy, tr(P), Σw].
 *
 * @throws the typed error of the kernel's status (SingularMatrixError...)
 */
function generalizedQAt(input: FitInput, tau2: number, method: Method): Float64Array {
  const { yi, vi, X, k, p } = input;
  const out = new Float64Array(4);
  const status = generalizedQ(new FitWorkspace(k, p), yi, vi, X, k, p, tau2, out);
  if (status !== KernelStatus.OK) throw errorFromStatus(status, { method, k, p });
  return out;
}

/**
 * The average effect of an intercept-only model with its CI and prediction interval
 * μ̂ ± crit·√(SE² + τ²) (Riley et al. 2011); CIs are null when the critical value is not finite.
 */
function averagePrediction(wald: WaldInference, method: Method, tau2: number): Prediction {
  const { beta, crit } = wald;
  const se = wald.coefficients[0]!.se;
  const critOk = Number.isFinite(crit);
  // metafor's predict() gives no prediction interval for fixed-effect models
  const piOk = critOk && method !== "FE";
  const halfPi = crit * Math.sqrt(se * se + tau2);
  return {
    estimate: beta[0]!,
    se,
    ciLower: critOk ? beta[0]! - crit * se : null,
    ciUpper: critOk ? beta[0]! + crit * se : null,
    piLower: piOk ? beta[0]! - halfPi : null,
    piUpper: piOk ? beta[0]! + halfPi : null,
  };
}

/** Weights in percent, 100·wᵢ/Σw with wᵢ = 1/(vᵢ + τ²). */
function percentWeights(vi: Float64Array, tau2: number): number[] {
  const weightsRaw = vi.map((v) => 1 / (v + tau2));
  const sumW = weightsRaw.reduce((a, b) => a + b, 0);
  return Array.from(weightsRaw, (w) => (100 * w) / sumW);
}

/** Fitted values Xβ̂ (X row-major k×p). */
function fittedValues(X: Float64Array, k: number, p: number, beta: number[]): number[] {
  const fitted: number[] = [];
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += X[i * p + j]! * beta[j]!;
    fitted.push(s);
  }
  return fitted;
}

/** What a reader of the fit should know: R² missing, few studies under z, Knapp-Hartung caveats. */
function modelNotes(
  R2unavailable: string | undefined,
  k: number,
  method: Method,
  test: TestType,
  s2w: number,
): string[] {
  const notes: string[] = [];
  if (R2unavailable !== undefined) notes.push(R2unavailable);
  if (test === "z" && method !== "FE" && k < FEW_STUDIES) {
    notes.push(
      `Only ${k} studies: the z test understates uncertainty; consider test "knha" (Knapp-Hartung).`,
    );
  }
  if (test === "knha" && s2w === 0) {
    notes.push(
      "The Knapp-Hartung s² is 0 (the model fits the data exactly): SEs are 0 and tests undefined (NaN), as in metafor.",
    );
  }
  if (test === "knha" && method === "FE") {
    notes.push("The Knapp-Hartung method is not meant for fixed-effect models.");
  }
  return notes;
}

/** The moderators as buildDesign coded them (validated there): categorical levels sorted. */
function codedModerators(mods: RmaOptions["mods"] = []): ModelModerator[] {
  return mods.map((mod) =>
    mod.type === "categorical"
      ? { name: mod.name, type: "categorical", levels: sortedLevels(mod.values) }
      : { name: mod.name, type: "continuous" },
  );
}

/** Checks lengths and values of yi and vi (or sei); collects every problem before throwing. */
export function validateData(
  data: RmaData,
  labelsIn: ArrayLike<string> | undefined,
): { yi: Float64Array; vi: Float64Array; labels: string[] } {
  const k = data.yi.length;
  const errors: PooledInputError[] = [];
  const labels: string[] = [];
  if (labelsIn !== undefined && labelsIn.length !== k) {
    throw new PooledInputError(
      { field: "labels", value: `${labelsIn.length} labels` },
      `${k} labels, one per study`,
    );
  }
  for (let i = 0; i < k; i++) labels.push(labelsIn ? String(labelsIn[i]) : String(i + 1));
  const where = (i: number) => (labelsIn ? { study: labels[i]!, index: i } : { index: i });
  const useSe = data.vi === undefined;
  const spread = useSe ? data.sei : data.vi;
  const field = useSe ? "sei" : "vi";
  if (spread === undefined) {
    throw new PooledInputError({ field: "vi" }, "sampling variances vi or standard errors sei");
  }
  if (spread.length !== k) {
    throw new PooledInputError(
      { field, value: `${spread.length} values` },
      `${k} values, one per study (as yi)`,
    );
  }
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const y = data.yi[i];
    if (typeof y !== "number" || !Number.isFinite(y)) {
      errors.push(new PooledInputError({ ...where(i), field: "yi", value: y }, "a finite number"));
    }
    const s = spread[i];
    if (typeof s !== "number" || !Number.isFinite(s) || !(s > 0)) {
      errors.push(
        new PooledInputError(
          { ...where(i), field, value: s },
          useSe ? "a positive, finite standard error" : "a positive, finite sampling variance",
        ),
      );
    }
    yi[i] = y as number;
    vi[i] = useSe ? (s as number) * (s as number) : (s as number);
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PooledInputErrors(errors);
  return { yi, vi, labels };
}

/**
 * Pseudo-R² in percent (metafor's default definition): for random-effects models
 * max(0, 100·(τ²₀ - τ²)/τ²₀) with τ²₀ from the model without moderators fitted by the same method
 * (Raudenbush 2009); 0 when τ²₀ = 0. For FE models metafor reports the adjusted R² of the weighted
 * least-squares regression: 1 - (QE/Q₀)·(k - 1)/(k - p). When the model without moderators cannot
 * be fitted, R² is null and `unavailable` says why (the typed error's message, with its remedies):
 * R² is a by-product, so its reference model failing never costs the meta-regression itself.
 */
function pseudoR2(
  backend: StatsBackend,
  yi: Float64Array,
  vi: Float64Array,
  k: number,
  method: Method,
  control: FitControl,
  tau2: number,
  QE: number,
  dfResid: number,
): { value: number | null; unavailable?: string } {
  const ones = new Float64Array(k).fill(1);
  const unavailable = (status: number, iterations = 0) => {
    const error = errorFromStatus(status, { method, iterations, k, p: 1 });
    return {
      value: null,
      unavailable: `R² could not be computed: the model without moderators it compares with failed: ${error.message}`,
    };
  };
  if (method === "FE") {
    let allEqual = true;
    for (let i = 1; i < k; i++) if (yi[i] !== yi[0]) allEqual = false;
    if (allEqual) return { value: 0 };
    const ws = new FitWorkspace(k, 1);
    const q = new Float64Array(4);
    const status = generalizedQ(ws, yi, vi, ones, k, 1, 0, q);
    if (status !== KernelStatus.OK) return unavailable(status);
    return { value: Math.max(0, 100 * (1 - ((QE / q[0]!) * (k - 1)) / dfResid)) };
  }
  const { tau2Fixed: _ignored, ...nullControl } = control;
  const fit0 = backend.fit({ yi, vi, X: ones, k, p: 1 }, method, nullControl);
  if (fit0.status !== KernelStatus.OK) return unavailable(fit0.status, fit0.iterations);
  if (fit0.tau2 === 0) return { value: 0 };
  return { value: Math.max(0, (100 * (fit0.tau2 - tau2)) / fit0.tau2) };
}

/** Largest maxIter accepted: every iteration is a weighted least squares; this bounds a fit. */
export const MAX_ITERATIONS = 1_000_000;

/**
 * Checks the fitting control before any work (the kernel refuses the same values with BAD_INPUT):
 * each bound keeps the solver's loops finite and its start on [0, ∞).
 *
 * @throws PooledError ("BAD_OPTION") naming the option, its value and what is expected
 */
export function checkControl(control: FitControl): void {
  const bad = (what: string, value: unknown, expected: string) =>
    new PooledError("BAD_OPTION", `control.${what} must be ${expected}; got ${String(value)}`);
  if (!(control.threshold > 0 && Number.isFinite(control.threshold))) {
    throw bad("threshold", control.threshold, "a positive number (e.g. 1e-10)");
  }
  if (
    !(
      Number.isInteger(control.maxIter) &&
      control.maxIter >= 1 &&
      control.maxIter <= MAX_ITERATIONS
    )
  ) {
    throw bad("maxIter", control.maxIter, `a whole number from 1 to ${MAX_ITERATIONS}`);
  }
  if (!(control.stepAdj > 0 && Number.isFinite(control.stepAdj))) {
    throw bad("stepAdj", control.stepAdj, "a positive number (1: full steps)");
  }
  for (const what of ["tau2Init", "tau2Fixed"] as const) {
    const value = control[what];
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      throw bad(what, value, "a number >= 0");
    }
  }
}
