/**
 * Adapters from the stats engine's result types to the Analysis contract (`--format json`). They only
 * rename and select: every number comes from the engine unchanged, except that a non-finite value
 * becomes null (JSON has no NaN, and the contract says a missing statistic is null).
 */
import type {
  BeggResult,
  CumulativeResult,
  EggerResult,
  FailSafeResult,
  InfluenceResult,
  LeaveOneOutResult,
  MantelHaenszelResult,
  Method,
  PetoResult,
  PetPeeseResult,
  PrecisionEffectFit,
  RmaResult,
  SubgroupsResult,
  TrimFillResult,
} from "@pooled/stats";
import { type EffectScale, transformedInterval } from "./scale.js";
import type {
  BiasResult,
  CumulativeResultRow,
  FailSafeNJson,
  InfluenceJson,
  LeaveOneOutResultRow,
  ModelResult,
  PetPeeseJson,
  PrecisionEffectJson,
  RegressionResult,
  SubgroupResult,
  SubgroupsResultJson,
} from "./types.js";

/** A finite number, else null. */
export function finite(x: number | null | undefined): number | null {
  return typeof x === "number" && Number.isFinite(x) ? x : null;
}

/** The main (intercept-only) model in contract form, on the measure's scale. */
export function modelResult(model: RmaResult, scale: EffectScale): ModelResult {
  const coef = model.coefficients[0]!;
  const fe = model.method === "FE";
  const hasQ = model.k > model.p;
  const intervals = model.heterogeneityIntervals;
  const interval = {
    estimate: coef.estimate,
    ciLower: finite(model.prediction?.ciLower ?? coef.ciLower),
    ciUpper: finite(model.prediction?.ciUpper ?? coef.ciUpper),
    piLower: fe ? null : finite(model.prediction?.piLower),
    piUpper: fe ? null : finite(model.prediction?.piUpper),
  };
  return {
    k: model.k,
    estimate: coef.estimate,
    se: coef.se,
    ciLower: interval.ciLower,
    ciUpper: interval.ciUpper,
    p: finite(coef.p),
    tau2: fe ? null : finite(model.tau2),
    I2: hasQ ? finite(model.I2) : null,
    H2: hasQ ? finite(model.H2) : null,
    Q: hasQ ? finite(model.QE.statistic) : null,
    Qp: hasQ ? finite(model.QE.p) : null,
    piLower: interval.piLower,
    piUpper: interval.piUpper,
    method: model.method,
    test: model.test,
    level: model.level,
    scale,
    transformed: transformedInterval(scale, interval),
    tableTests: null,
    statistic: finite(coef.statistic),
    df: model.df,
    Qdf: model.QE.df,
    tau: fe ? null : finite(model.tau),
    tau2CiLower: finite(intervals?.tau2.lower),
    tau2CiUpper: finite(intervals?.tau2.upper),
    I2CiLower: finite(intervals?.I2.lower),
    I2CiUpper: finite(intervals?.I2.upper),
    seTau2: fe ? null : finite(model.seTau2),
    H2CiLower: finite(intervals?.H2.lower),
    H2CiUpper: finite(intervals?.H2.upper),
    // Filled in by the analysis when the file has a publication column (dependence.ts).
    robust: null,
  };
}

/**
 * The Mantel-Haenszel or Peto model in contract form: a fixed (common) effect, so no tau² and no
 * prediction interval; heterogeneity is Cochran's Q of the study effects around the pooled one.
 */
export function tableModelResult(
  model: MantelHaenszelResult | PetoResult,
  scale: EffectScale,
): ModelResult {
  const hasQ = model.QE.df > 0;
  const interval = {
    estimate: model.estimate,
    ciLower: finite(model.ciLower),
    ciUpper: finite(model.ciUpper),
  };
  const chisq = (t: { statistic: number; df: number; p: number | null } | null) =>
    t === null ? null : { statistic: t.statistic, df: t.df, p: finite(t.p) };
  return {
    k: model.k,
    estimate: model.estimate,
    se: model.se,
    ciLower: interval.ciLower,
    ciUpper: interval.ciUpper,
    p: finite(model.p),
    tau2: null,
    I2: hasQ ? finite(model.I2) : null,
    H2: hasQ ? finite(model.H2) : null,
    Q: hasQ ? finite(model.QE.statistic) : null,
    Qp: hasQ ? finite(model.QE.p) : null,
    piLower: null,
    piUpper: null,
    method: model.kind === "peto" ? "PETO" : "MH",
    test: "z",
    level: model.level,
    scale,
    transformed: transformedInterval(scale, interval),
    tableTests:
      model.kind === "mantel-haenszel" && model.measure === "OR"
        ? {
            cochranMantelHaenszel: chisq(model.cochranMantelHaenszel),
            breslowDay: chisq(model.breslowDay),
            tarone: chisq(model.tarone),
          }
        : null,
    statistic: finite(model.statistic),
    df: null,
    Qdf: model.QE.df,
    tau: null,
    tau2CiLower: null,
    tau2CiUpper: null,
    I2CiLower: null,
    I2CiUpper: null,
    seTau2: null,
    H2CiLower: null,
    H2CiUpper: null,
    robust: null,
  };
}

/** One subgroup's model in contract form. */
function subgroupResult(
  level: string,
  model: RmaResult,
  indices: number[],
  scale: EffectScale,
): SubgroupResult {
  const m = modelResult(model, scale);
  return {
    level,
    k: m.k,
    estimate: m.estimate,
    se: m.se,
    ciLower: m.ciLower,
    ciUpper: m.ciUpper,
    p: m.p,
    tau2: m.tau2,
    I2: m.I2,
    H2: m.H2,
    Q: m.Q,
    Qp: m.Qp,
    piLower: m.piLower,
    piUpper: m.piUpper,
    studies: model.labels,
    indices: [...indices],
    transformed: m.transformed,
    tau2CiLower: m.tau2CiLower,
    tau2CiUpper: m.tau2CiUpper,
    I2CiLower: m.I2CiLower,
    I2CiUpper: m.I2CiUpper,
  };
}

/** A subgroup whose model could not be fitted: its level and studies, every statistic null. */
function unfittedSubgroup(level: string, indices: number[], labels: string[]): SubgroupResult {
  return {
    level,
    k: indices.length,
    estimate: null,
    se: null,
    ciLower: null,
    ciUpper: null,
    p: null,
    tau2: null,
    I2: null,
    H2: null,
    Q: null,
    Qp: null,
    piLower: null,
    piUpper: null,
    studies: indices.map((i) => labels[i]!),
    indices: [...indices],
    transformed: null,
    tau2CiLower: null,
    tau2CiUpper: null,
    I2CiLower: null,
    I2CiUpper: null,
  };
}

/**
 * Subgroups in contract form: groups in sorted level order, separate-tau² test first.
 *
 * @param labels - the study labels of the whole analysis (for a level without a model)
 * @param method - the analysis's method (a fixed-effect model has no tau²)
 */
export function subgroupsResult(
  by: string,
  result: SubgroupsResult,
  labels: string[],
  method: Method,
  scale: EffectScale,
): SubgroupsResultJson {
  const fixedEffect = method === "FE";
  return {
    by,
    groups: result.groups.map((g) =>
      g.model === null
        ? unfittedSubgroup(g.level, g.indices, labels)
        : subgroupResult(g.level, g.model, g.indices, scale),
    ),
    tests: result.tests.map((t) => ({
      type: t.type,
      Q: finite(t.statistic),
      df: t.df,
      p: finite(t.p),
      distribution: t.distribution,
      df2: t.type === "common-tau2" ? t.df2 : null,
      // A fixed-effect model has no tau² (null, as model.tau2), not a tau² of 0.
      tau2: t.type === "common-tau2" && !fixedEffect ? finite(t.tau2) : null,
    })),
    multilevel: null,
  };
}

/** Meta-regression in contract form (permutation p-values filled in later when asked). */
export function regressionResult(
  model: RmaResult,
  moderators: RegressionResult["moderators"],
): RegressionResult {
  const qm = model.QM;
  return {
    terms: model.coefficients.map((c) => ({
      name: c.name,
      estimate: c.estimate,
      se: c.se,
      ciLower: finite(c.ciLower),
      ciUpper: finite(c.ciUpper),
      p: finite(c.p),
      permutationP: null,
      statistic: finite(c.statistic),
    })),
    QM: finite(qm.statistic),
    QMdf: qm.df,
    QMp: finite(qm.p),
    permutationQMp: null,
    tau2: model.method === "FE" ? null : finite(model.tau2),
    R2: finite(model.R2),
    QE: model.k > model.p ? finite(model.QE.statistic) : null,
    QEdf: model.QE.df,
    QEp: model.k > model.p ? finite(model.QE.p) : null,
    QMdistribution: qm.distribution,
    QMdf2: qm.distribution === "F" ? qm.df2 : null,
    I2: model.k > model.p ? finite(model.I2) : null,
    tau2CiLower: finite(model.heterogeneityIntervals?.tau2.lower),
    tau2CiUpper: finite(model.heterogeneityIntervals?.tau2.upper),
    I2CiLower: finite(model.heterogeneityIntervals?.I2.lower),
    I2CiUpper: finite(model.heterogeneityIntervals?.I2.upper),
    k: model.k,
    vcov: model.vb.map((row) => [...row]),
    df: model.df,
    moderators,
    multilevel: null,
  };
}

export function eggerResult(egger: EggerResult): NonNullable<BiasResult["egger"]> {
  return {
    z: egger.z,
    p: egger.p,
    limitEstimate: finite(egger.limitEstimate),
    distribution: egger.distribution,
    df: egger.df,
    limitCiLower: finite(egger.limitCiLower),
    limitCiUpper: finite(egger.limitCiUpper),
    predictor: egger.predictor,
    notes: egger.notes,
  };
}

export function beggResult(begg: BeggResult): NonNullable<BiasResult["begg"]> {
  return { tau: begg.tau, p: begg.p, exact: begg.exact, notes: begg.notes };
}

export function trimFillResult(
  tf: TrimFillResult,
  scale: EffectScale,
): NonNullable<BiasResult["trimFill"]> {
  return {
    k0: tf.k0,
    side: tf.side,
    estimate: tf.estimate,
    ciLower: tf.ciLower,
    ciUpper: tf.ciUpper,
    estimator: tf.estimator,
    se: tf.se,
    p: tf.p,
    tau2: tf.tau2,
    filled: tf.filled.map((f) => ({ study: f.study, yi: f.yi, vi: f.vi })),
    transformed: transformedInterval(scale, tf),
  };
}

export function leaveOneOutRows(result: LeaveOneOutResult): LeaveOneOutResultRow[] {
  return result.studies.map((r) => summaryRowJson(r, result.method));
}

/** Cumulative steps in contract form, each with the year of the study added. */
export function cumulativeRows(
  result: CumulativeResult,
  years: readonly number[],
): CumulativeResultRow[] {
  return result.steps.map((r, step) => ({
    ...summaryRowJson(r, result.method),
    year: years[result.order[step]!]!,
    k: step + 1,
  }));
}

function summaryRowJson(
  r: LeaveOneOutResult["studies"][number],
  method: LeaveOneOutResult["method"],
): LeaveOneOutResultRow {
  return {
    study: r.study,
    estimate: finite(r.estimate),
    se: finite(r.se),
    ciLower: finite(r.ciLower),
    ciUpper: finite(r.ciUpper),
    tau2: method === "FE" ? null : finite(r.tau2),
    I2: finite(r.I2),
    p: finite(r.p),
    Q: finite(r.Q),
  };
}

function precisionEffect(fit: PrecisionEffectFit): PrecisionEffectJson {
  return {
    estimate: fit.estimate,
    se: fit.se,
    ciLower: fit.ciLower,
    ciUpper: fit.ciUpper,
    p: fit.p,
    slope: fit.slope,
    slopeP: fit.slopeP,
  };
}

/** PET-PEESE in contract form, with the chosen estimate on the reader's scale. */
export function petPeeseResult(result: PetPeeseResult, scale: EffectScale): PetPeeseJson {
  return {
    pet: precisionEffect(result.pet),
    peese: precisionEffect(result.peese),
    rule: `PEESE when PET's estimate differs from 0 (two-sided p < ${result.alpha}), else PET (Stanley & Doucouliagos 2014)`,
    alpha: result.alpha,
    chosen: result.chosen,
    estimate: result.estimate,
    ciLower: result.ciLower,
    ciUpper: result.ciUpper,
    transformed: transformedInterval(scale, result),
  };
}

/** The three fail-safe Ns in contract form, each with the fields of its own method. */
export function failSafeNResult(
  rosenthal: FailSafeResult,
  orwin: FailSafeResult,
  rosenberg: FailSafeResult,
): FailSafeNJson {
  const significance = (r: FailSafeResult) => ({ n: r.n, p: finite(r.p), alpha: r.alpha });
  return {
    rosenthal: significance(rosenthal),
    orwin: { n: orwin.n, meanEffect: finite(orwin.meanEffect), target: finite(orwin.target) },
    rosenberg: significance(rosenberg),
  };
}

/** Influence diagnostics in contract form (metafor's names: cooks.d as cooksD). */
export function influenceResult(result: InfluenceResult): InfluenceJson[] {
  return result.studies.map((r) => ({
    study: r.study,
    rstudent: finite(r.rstudent),
    dffits: finite(r.dffits),
    cooksD: finite(r.cookD),
    covRatio: finite(r.covRatio),
    tau2Deleted: result.method === "FE" ? null : finite(r.tau2Deleted),
    QEDeleted: finite(r.QEDeleted),
    hat: r.hat,
    weight: r.weight,
    influential: r.influential,
  }));
}
