/**
 * rmaMultilevel: the three-level meta-analysis (experiments nested in publications), as metafor's
 * rma.mv(yi, vi, random = ~ 1 | cluster/experiment) with REML (default) or ML.
 *
 * The readable inference layer over the kernel (kernels/multilevel.ts): validation, the design,
 * the fit, then every reported statistic: Wald tests (z, or t with k - p df as rma.mv's test = "t"),
 * QM, QE, the prediction interval μ̂ ± crit·√(SE² + σ²_b + σ²_w), the multilevel I² of Cheung (2014,
 * Psychol Methods 19(2), eq. 13-14): I²_l = 100·σ²_l/(σ²_b + σ²_w + ṽ), ṽ = (k - p)/tr(P) with
 * W = diag(1/v); profile-likelihood CIs and LRTs per level (profile.ts); CR2 cluster-robust tests
 * (robust/).
 */
import { weightedQR } from "@pooled/core-wasm/kernels";
import { fitDefaults } from "../defaults.js";
import { chisqUpperP } from "../distributions/index.js";
import {
  errorFromStatus,
  KernelStatus,
  PooledError,
  PooledInputError,
  TooFewStudiesError,
} from "../errors.js";
import { getBackend, type StatsBackend } from "../kernels/backend.js";
import { buildDesign, designRows } from "../models/design.js";
import { MAX_ITERATIONS, validateData } from "../models/rma.js";
import { scaledCovariance, type WaldTests, waldTests } from "../models/statistics.js";
import type { ChisqTest, Prediction } from "../models/types.js";
import { robustCR2 } from "../robust/index.js";
import type { RobustInput, RobustResult } from "../robust/types.js";
import type { BackendName } from "../types.js";
import { type ClusterLayout, clusterLayout, permuteRows } from "./clusters.js";
import { fitThreeLevel, type GroupedData, type ThreeLevelFit } from "./fit.js";
import { likelihoodRatioTest, type ProfileContext, profileInterval } from "./profile.js";
import type {
  LikelihoodRatioTest,
  MultilevelControl,
  MultilevelData,
  MultilevelMethod,
  MultilevelOptions,
  MultilevelResult,
  MultilevelTest,
  VarianceComponent,
} from "./types.js";

/** Defaults of the three-level model (metafor's rma.mv: REML, z tests, 95%). */
export const multilevelDefaults = {
  method: "REML",
  test: "z",
  control: {
    /** As rma's: iterate to 1e-10 so estimates reproduce metafor's at a tight tolerance. */
    threshold: fitDefaults.control.threshold,
    maxIter: fitDefaults.control.maxIter,
  },
} as const;

/**
 * Fits the three-level model.
 *
 * @throws PooledInputError(s) for bad yi, vi/sei, cluster labels or options
 * @throws TooFewStudiesError when k <= p (no residual df for the variance components)
 * @throws SingularMatrixError for collinear moderators; NotConvergedError when the solver fails
 * @example
 * const res = rmaMultilevel({ yi, vi, cluster: ["a", "a", "b", "c", "c"] });
 * res.coefficients[0].estimate; res.sigma2Between.estimate; res.I2Total; res.robust?.coefficients[0].se
 */
export function rmaMultilevel(
  data: MultilevelData,
  options: MultilevelOptions = {},
): MultilevelResult {
  const method: MultilevelMethod = options.method ?? multilevelDefaults.method;
  const test: MultilevelTest = options.test ?? multilevelDefaults.test;
  const level = options.level ?? fitDefaults.level;
  const control: MultilevelControl = { ...multilevelDefaults.control, ...options.control };
  checkOptions(method, test, level, control);
  const backend = getBackend(options.backend);
  const { yi, vi, labels } = validateData(data, options.labels);
  const k = yi.length;
  const cluster = validateClusters(data.cluster, k, labels, options.labels !== undefined);
  if (k === 0) throw new TooFewStudiesError(0, 2, "a three-level model");
  const { X, p, termNames } = buildDesign(k, options.mods, options.labels ? labels : undefined);
  if (k <= p) {
    throw new TooFewStudiesError(k, p + 1, `estimating variance components with ${p} coefficients`);
  }
  const layout = clusterLayout(cluster);
  const grouped = groupByCluster(yi, vi, X, k, p, layout);

  const notes: string[] = [];
  const withinIdentifiable = layout.m < k;
  const fitControl = identifiableControl(control, withinIdentifiable, layout.m, notes);
  const fit = fitHighestMaximum(backend, grouped, method, fitControl, notes);
  const sigma2b = fit.sigma2Between;
  const sigma2w = fit.sigma2Within;
  const wald = waldInference(fit, k, p, test, level, termNames);
  const { QE, typicalVariance, I2Between, I2Within } = levelHeterogeneity(fit, k, p);
  const components = varianceComponents(
    {
      backend,
      data: grouped,
      method,
      control: fitControl,
      logLik: fit.logLik,
      sigma2Between: sigma2b,
      sigma2Within: sigma2w,
    },
    Math.max(sigma2b + sigma2w, typicalVariance),
    level,
    options.intervals !== false,
    notes,
  );
  const robust =
    options.robust !== false
      ? clusterRobustTests(
          {
            yi,
            vi,
            X,
            k,
            p,
            cluster,
            sigma2Between: sigma2b,
            sigma2Within: sigma2w,
            termNames,
            level,
            waldCoefficients: wald.QMCoefficients,
          },
          layout.m,
          notes,
        )
      : null;

  return {
    kind: "multilevel",
    method,
    test,
    level,
    backend: backend.name as BackendName,
    control,
    k,
    clusters: layout.m,
    p,
    labels,
    yi: Array.from(yi),
    vi: Array.from(vi),
    cluster: Array.from(cluster),
    termNames,
    X: designRows(X, k, p),
    coefficients: wald.coefficients,
    beta: wald.beta,
    vb: wald.vb,
    sigma2Between: components.between,
    sigma2Within: components.within,
    df: wald.df,
    logLik: fit.logLik + (method === "REML" ? 0.5 * logDetCrossProduct(X, k, p) : 0),
    QE,
    QM: wald.QM,
    QMCoefficients: wald.QMCoefficients,
    I2Between,
    I2Within,
    I2Total: I2Between + I2Within,
    weights: marginalWeights(vi, cluster, sigma2b, sigma2w),
    typicalVariance,
    prediction: p === 1 ? averagePrediction(wald, sigma2b, sigma2w) : null,
    lrtBetween: components.lrtBetween,
    lrtWithin: components.lrtWithin,
    withinIdentifiable,
    robust,
    converged: true,
    iterations: fit.iterations,
    notes,
  };
}

/** The rows reordered so that each cluster's rows are contiguous, as the kernel takes them. */
function groupByCluster(
  yi: Float64Array,
  vi: Float64Array,
  X: Float64Array,
  k: number,
  p: number,
  layout: ClusterLayout,
): GroupedData {
  return {
    yi: permuteRows(yi, layout.order),
    vi: permuteRows(vi, layout.order),
    X: permuteRows(X, layout.order, p),
    k,
    p,
    starts: layout.starts,
    m: layout.m,
  };
}

/**
 * The control of the fit, with each component the data cannot identify fixed at 0 (unless the
 * caller fixed it) and a note saying so. With one row per cluster σ²_w and σ²_b enter V only as
 * their sum; with one cluster σ²_b is a shift of every row, which the intercept absorbs.
 */
function identifiableControl(
  control: MultilevelControl,
  withinIdentifiable: boolean,
  clusters: number,
  notes: string[],
): MultilevelControl {
  const fitControl: MultilevelControl = { ...control };
  if (!withinIdentifiable && control.sigma2WithinFixed === undefined) {
    fitControl.sigma2WithinFixed = 0;
    notes.push(
      "Every publication contributes one experiment, so the variance within publications cannot be told apart from the variance between them: sigma²_within is fixed at 0 and the model is the standard random-effects model.",
    );
  }
  if (clusters === 1 && control.sigma2BetweenFixed === undefined) {
    fitControl.sigma2BetweenFixed = 0;
    notes.push(
      "All experiments come from one publication, so the variance between publications cannot be estimated: sigma²_between is fixed at 0.",
    );
  }
  return fitControl;
}

/**
 * Fits the model; when both components are estimated, moves to a higher maximum on the boundary
 * if there is one ({@link higherMaximumOnBoundary}), with a note.
 *
 * @throws the typed error of the kernel's status (NotConvergedError...)
 */
function fitHighestMaximum(
  backend: StatsBackend,
  grouped: GroupedData,
  method: MultilevelMethod,
  control: MultilevelControl,
  notes: string[],
): ThreeLevelFit {
  const fit = fitThreeLevel(backend, grouped, method, control);
  if (fit.status !== KernelStatus.OK) {
    throw errorFromStatus(fit.status, {
      method,
      iterations: fit.iterations,
      k: grouped.k,
      p: grouped.p,
    });
  }
  if (control.sigma2BetweenFixed !== undefined || control.sigma2WithinFixed !== undefined) {
    return fit;
  }
  const global = higherMaximumOnBoundary(backend, grouped, method, control, fit);
  if (global === null) return fit;
  notes.push(
    `The likelihood has more than one maximum: the estimates are those of the highest, at sigma² = (${global.sigma2Between.toPrecision(4)}, ${global.sigma2Within.toPrecision(4)}) (between, within), not those of the lower one at (${fit.sigma2Between.toPrecision(4)}, ${fit.sigma2Within.toPrecision(4)}), where a search from the default start stops (as rma.mv's may).`,
  );
  return global;
}

/** The coefficients' Wald inference: β̂, (X'V⁻¹X)⁻¹, the table of tests and CIs, and QM. */
interface WaldInference extends WaldTests {
  beta: number[];
  vb: number[][];
  /** k - p under the t test (rma.mv's test = "t"), null under the z test. */
  df: number | null;
}

/** Wald tests and CIs of the coefficients (z, or t with k - p df) and the omnibus test QM. */
function waldInference(
  fit: ThreeLevelFit,
  k: number,
  p: number,
  test: MultilevelTest,
  level: number,
  termNames: string[],
): WaldInference {
  const df = test === "t" ? k - p : null;
  const beta = Array.from(fit.beta);
  const vb = scaledCovariance(fit.vb, 0, p, 1);
  return { beta, vb, df, ...waldTests(beta, vb, df, level, termNames) };
}

/**
 * QE on k - p df, and the I² of each level (Cheung 2014, eq. 13-14):
 * I²_l = 100·σ²_l/(σ²_b + σ²_w + ṽ), ṽ = (k - p)/tr(P) with W = diag(1/v).
 */
function levelHeterogeneity(
  fit: ThreeLevelFit,
  k: number,
  p: number,
): { QE: ChisqTest; typicalVariance: number; I2Between: number; I2Within: number } {
  const dfResid = k - p;
  const QEstat = Math.max(0, fit.QE);
  const QE = {
    distribution: "chisq" as const,
    statistic: QEstat,
    df: dfResid,
    p: chisqUpperP(QEstat, dfResid),
  };
  const typicalVariance = dfResid / fit.trP0;
  const total = fit.sigma2Between + fit.sigma2Within + typicalVariance;
  return {
    QE,
    typicalVariance,
    I2Between: (100 * fit.sigma2Between) / total,
    I2Within: (100 * fit.sigma2Within) / total,
  };
}

/** The average effect of a model without moderators, with its CI and prediction interval. */
function averagePrediction(wald: WaldInference, sigma2b: number, sigma2w: number): Prediction {
  const { beta, crit, coefficients } = wald;
  const se = coefficients[0]!.se;
  // A new experiment of a new publication: μ̂ ± crit·√(SE² + σ²_b + σ²_w).
  const half = crit * Math.sqrt(se * se + sigma2b + sigma2w);
  return {
    estimate: beta[0]!,
    se,
    ciLower: coefficients[0]!.ciLower,
    ciUpper: coefficients[0]!.ciUpper,
    piLower: beta[0]! - half,
    piUpper: beta[0]! + half,
  };
}

/** Both variance components, and the LRT of each against the model without it. */
interface ComponentInference {
  between: VarianceComponent;
  within: VarianceComponent;
  lrtBetween: LikelihoodRatioTest | null;
  lrtWithin: LikelihoodRatioTest | null;
}

/**
 * The variance components at the fit, each estimated one with its profile-likelihood CI (as
 * metafor's confint.rma.mv) and, when both are estimated, the LRT of each level (profile.ts);
 * `scale` is the size of the search for the CI limits. Without `intervals`, the estimates alone.
 */
function varianceComponents(
  ctx: ProfileContext,
  scale: number,
  level: number,
  intervals: boolean,
  notes: string[],
): ComponentInference {
  const estimatedB = ctx.control.sigma2BetweenFixed === undefined;
  const estimatedW = ctx.control.sigma2WithinFixed === undefined;
  const between: VarianceComponent = {
    estimate: ctx.sigma2Between,
    ciLower: null,
    ciUpper: null,
    fixed: !estimatedB,
  };
  const within: VarianceComponent = {
    estimate: ctx.sigma2Within,
    ciLower: null,
    ciUpper: null,
    fixed: !estimatedW,
  };
  if (!intervals) return { between, within, lrtBetween: null, lrtWithin: null };
  for (const [component, vc] of [
    ["between", between],
    ["within", within],
  ] as const) {
    if (vc.fixed) continue;
    const ci = profileInterval(ctx, component, vc.estimate, level, scale);
    vc.ciLower = ci.lower;
    vc.ciUpper = ci.upper;
    if (ci.note !== undefined) notes.push(ci.note);
  }
  const both = estimatedB && estimatedW;
  return {
    between,
    within,
    lrtBetween: both ? likelihoodRatioTest(ctx, "between") : null,
    lrtWithin: both ? likelihoodRatioTest(ctx, "within") : null,
  };
}

/** CR2 cluster-robust tests (robust/), or null with a note saying why there are none. */
function clusterRobustTests(
  input: RobustInput,
  clusters: number,
  notes: string[],
): RobustResult | null {
  if (clusters < 2) {
    notes.push("Cluster-robust (CR2) tests need at least 2 publications.");
    return null;
  }
  try {
    return robustCR2(input);
  } catch (error) {
    notes.push(`Cluster-robust (CR2) tests are not available: ${(error as Error).message}`);
    return null;
  }
}

/**
 * The likelihood of the three-level model can have two maxima, one inside and one with a component
 * at 0 (e.g. one publication dominating the data): the solver finds the one its start leads to.
 * The best fit with either component held at 0 is compared with it; when one is higher, the model
 * is refitted from there (a component at 0 stays at 0 when its score says so).
 *
 * @returns the fit at the higher maximum, or null when `fit` is the highest
 */
function higherMaximumOnBoundary(
  backend: StatsBackend,
  data: GroupedData,
  method: MultilevelMethod,
  control: MultilevelControl,
  fit: ThreeLevelFit,
): ThreeLevelFit | null {
  const tolerance = 1e-9 * (1 + Math.abs(fit.logLik));
  let best: ThreeLevelFit | null = null;
  for (const fixed of [{ sigma2BetweenFixed: 0 }, { sigma2WithinFixed: 0 }]) {
    const edge = fitThreeLevel(backend, data, method, { ...control, ...fixed });
    const bar = best === null ? fit.logLik + tolerance : best.logLik;
    if (edge.status === KernelStatus.OK && edge.logLik > bar) best = edge;
  }
  if (best === null) return null;
  const refit = fitThreeLevel(backend, data, method, {
    ...control,
    sigma2BetweenInit: best.sigma2Between,
    sigma2WithinInit: best.sigma2Within,
  });
  return refit.status === KernelStatus.OK && refit.logLik > fit.logLik + tolerance ? refit : null;
}

/** 100·diag(V⁻¹)/tr(V⁻¹) in input order (see MultilevelResult.weights). */
function marginalWeights(
  vi: Float64Array,
  cluster: string[],
  sigma2b: number,
  sigma2w: number,
): number[] {
  const sums = new Map<string, number>();
  vi.forEach((v, i) => {
    sums.set(cluster[i]!, (sums.get(cluster[i]!) ?? 0) + 1 / (v + sigma2w));
  });
  const diagonal = Array.from(vi, (v, i) => {
    const a = 1 / (v + sigma2w);
    return a - (sigma2b * a * a) / (1 + sigma2b * sums.get(cluster[i]!)!);
  });
  const total = diagonal.reduce((x, y) => x + y, 0);
  return diagonal.map((w) => (100 * w) / total);
}

/**
 * log|X'X|: metafor's restricted log-likelihood includes ½·log|X'X| (rma.mv's REMLf = TRUE), a
 * constant the kernel leaves out (it does not move the estimates).
 */
function logDetCrossProduct(X: Float64Array, k: number, p: number): number {
  const q = new Float64Array(k * p);
  const r = new Float64Array(p * p);
  const ones = new Float64Array(k).fill(1);
  if (!weightedQR(X, ones, k, p, q, r)) return Number.NaN;
  let s = 0;
  for (let j = 0; j < p; j++) s += 2 * Math.log(r[j * p + j]!);
  return s;
}

function checkOptions(
  method: MultilevelMethod,
  test: MultilevelTest,
  level: number,
  control: MultilevelControl,
): void {
  if (method !== "REML" && method !== "ML") {
    throw new PooledInputError({ field: "method", value: method }, '"REML" or "ML"');
  }
  if (test !== "z" && test !== "t") {
    throw new PooledInputError({ field: "test", value: test }, '"z" or "t"');
  }
  if (!(level > 0 && level < 100)) {
    throw new PooledInputError(
      { field: "level", value: level },
      "a confidence level in percent, in (0, 100)",
    );
  }
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
  for (const what of ["sigma2BetweenFixed", "sigma2WithinFixed"] as const) {
    const value = control[what];
    if (value !== undefined && !(value >= 0 && Number.isFinite(value))) {
      throw bad(what, value, "a number >= 0");
    }
  }
}

/** Cluster labels: one non-empty string per row. */
function validateClusters(
  cluster: ArrayLike<string> | undefined,
  k: number,
  labels: string[],
  named: boolean,
): string[] {
  if (cluster === undefined || cluster.length !== k) {
    throw new PooledInputError(
      { field: "cluster", value: cluster === undefined ? "missing" : `${cluster.length} values` },
      `${k} cluster (publication) labels, one per study`,
    );
  }
  const out: string[] = [];
  for (let i = 0; i < k; i++) {
    const c = cluster[i];
    if (typeof c !== "string" || c === "") {
      throw new PooledInputError(
        { ...(named ? { study: labels[i]! } : {}), index: i, field: "cluster", value: c },
        "a non-empty publication (cluster) label",
      );
    }
    out.push(c);
  }
  return out;
}
