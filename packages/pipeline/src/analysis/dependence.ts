/**
 * Experiments nested in publications: the analyses that take the dependence into account, and
 * their contract form. Three of them:
 * - CR2 cluster-robust inference for the standard model's estimate, clustered by publication
 *   (Pustejovsky & Tipton 2018; clubSandwich's coef_test(res, vcov = "CR2", cluster = ...)), with
 *   the standard model's own working covariance: sigma²_between = 0, sigma²_within = tau²;
 * - the three-level model (Konstantopoulos 2011; metafor's rma.mv(yi, vi,
 *   random = ~ 1 | cluster/experiment)), with its meta-regression and subgroups;
 * - the weights of the three-level model, for the forest plot.
 * Every number comes from @pooled/stats; here they are only called, selected and renamed.
 */
import {
  type Moderator,
  type MultilevelMethod,
  type MultilevelOptions,
  type MultilevelResult,
  type MultilevelTest,
  type RmaResult,
  type RobustResult,
  sortedLevels,
  type TestType,
} from "@pooled/stats";
import type { AnalysisColumn } from "./columns.js";
import { finite } from "./convert.js";
import { attempt, SIDE_ANALYSIS } from "./failures.js";
import { type EffectScale, transformedInterval } from "./scale.js";
import type { SideAnalyses } from "./side-analyses.js";
import type {
  AnalysisMethod,
  AnalysisSettings,
  MultilevelRegressionJson,
  MultilevelResultJson,
  MultilevelSubgroup,
  MultilevelSubgroupsJson,
  RobustEstimate,
} from "./types.js";

/** The data of the analyses by publication: effect sizes and each study's publication. */
export interface ClusteredData {
  yi: number[];
  vi: number[];
  labels: string[];
  cluster: string[];
}

/** The estimators the three-level model offers (--method with --model three-level). */
export const MULTILEVEL_METHODS: readonly MultilevelMethod[] = ["REML", "ML"];

/**
 * The three-level model's options from the analysis settings: its own method when the analysis
 * uses REML or ML (else REML, metafor's default), and t tests with k - p df where the standard
 * model uses Knapp-Hartung (rma.mv's test = "t", the nearest it offers).
 */
export function multilevelFitOptions(
  settings: Pick<AnalysisSettings, "method" | "test" | "level">,
): { method: MultilevelMethod; test: MultilevelTest; level: number } {
  return {
    method: multilevelMethod(settings.method),
    test: multilevelTest(settings.test),
    level: settings.level,
  };
}

function multilevelMethod(method: AnalysisMethod): MultilevelMethod {
  return (MULTILEVEL_METHODS as readonly string[]).includes(method)
    ? (method as MultilevelMethod)
    : "REML";
}

function multilevelTest(test: TestType): MultilevelTest {
  return test === "knha" ? "t" : "z";
}

/** True when some publication contributes two or more experiments. */
export function hasRepeatedClusters(cluster: readonly string[]): boolean {
  return new Set(cluster).size < cluster.length;
}

/** One coefficient's CR2 test in contract form. */
export function robustEstimate(robust: RobustResult, index = 0): RobustEstimate | null {
  const c = robust.coefficients[index];
  if (c === undefined) return null;
  const se = finite(c.se);
  const df = finite(c.df);
  const ciLower = finite(c.ciLower);
  const ciUpper = finite(c.ciUpper);
  const p = finite(c.p);
  const statistic = finite(c.statistic);
  if (
    se === null ||
    df === null ||
    ciLower === null ||
    ciUpper === null ||
    p === null ||
    statistic === null
  )
    return null;
  return { se, df, ciLower, ciUpper, p, statistic, clusters: robust.clusters };
}

/**
 * CR2 inference for the standard model's estimate, clustered by publication: the model's working
 * covariance is diag(vᵢ + tau²) (tau² = 0 for the fixed-effect model), so sigma²_between = 0 and
 * sigma²_within = tau² (clubSandwich's vcovCR of an rma.uni fit). A failure (e.g. one
 * publication) is null and a warning.
 */
export function standardModelRobust(
  side: SideAnalyses,
  model: RmaResult,
  cluster: string[],
  warnings: string[],
): RobustEstimate | null {
  return attempt(SIDE_ANALYSIS.robust, warnings, () => {
    const robust = side.robustCR2({
      yi: model.yi,
      vi: model.vi,
      X: new Array<number>(model.k).fill(1),
      k: model.k,
      p: 1,
      cluster,
      sigma2Between: 0,
      sigma2Within: model.method === "FE" ? 0 : model.tau2,
      termNames: ["intrcpt"],
      level: model.level,
    });
    const estimate = robustEstimate(robust);
    if (estimate === null) throw new Error(robust.notes.join(" ") || "no finite CR2 result");
    return estimate;
  });
}

/** Fits the three-level model (intercept only, or with moderators). */
export function fitMultilevel(
  side: SideAnalyses,
  data: ClusteredData,
  options: ReturnType<typeof multilevelFitOptions>,
  extra: Pick<MultilevelOptions, "mods" | "intervals" | "robust"> = {},
): MultilevelResult {
  return side.multilevel(
    { yi: data.yi, vi: data.vi, cluster: data.cluster },
    { ...options, labels: data.labels, ...extra },
  );
}

/** The intercept-only three-level model in contract form. */
export function multilevelResult(res: MultilevelResult, scale: EffectScale): MultilevelResultJson {
  const coef = res.coefficients[0]!;
  const hasQ = res.k > res.p;
  const interval = {
    estimate: coef.estimate,
    ciLower: finite(res.prediction?.ciLower ?? coef.ciLower),
    ciUpper: finite(res.prediction?.ciUpper ?? coef.ciUpper),
    piLower: finite(res.prediction?.piLower),
    piUpper: finite(res.prediction?.piUpper),
  };
  return {
    k: res.k,
    clusters: res.clusters,
    method: res.method,
    estimate: coef.estimate,
    se: coef.se,
    ciLower: finite(res.prediction?.ciLower ?? coef.ciLower),
    ciUpper: finite(res.prediction?.ciUpper ?? coef.ciUpper),
    p: finite(coef.p),
    piLower: interval.piLower,
    piUpper: interval.piUpper,
    transformed: transformedInterval(scale, interval),
    sigma2Between: res.sigma2Between.estimate,
    sigma2Within: res.sigma2Within.estimate,
    sigma2BetweenCiLower: finite(res.sigma2Between.ciLower),
    sigma2BetweenCiUpper: finite(res.sigma2Between.ciUpper),
    sigma2WithinCiLower: finite(res.sigma2Within.ciLower),
    sigma2WithinCiUpper: finite(res.sigma2Within.ciUpper),
    I2Between: hasQ ? finite(res.I2Between) : null,
    I2Within: hasQ ? finite(res.I2Within) : null,
    I2Total: hasQ ? finite(res.I2Total) : null,
    lrtBetween: lrt(res.lrtBetween),
    lrtWithin: lrt(res.lrtWithin),
    robust: res.robust === null ? null : robustEstimate(res.robust),
    test: res.test,
    statistic: finite(coef.statistic),
    df: res.df,
    QE: hasQ ? finite(res.QE.statistic) : null,
    QEdf: res.QE.df,
    QEp: hasQ ? finite(res.QE.p) : null,
    withinIdentifiable: res.withinIdentifiable,
    weights: res.weights,
    notes: [...res.notes],
    permutation: null,
    bootstrap: null,
  };
}

function lrt(
  test: MultilevelResult["lrtBetween"],
): { statistic: number; df: number; p: number } | null {
  if (test === null) return null;
  const statistic = finite(test.statistic);
  const p = finite(test.p);
  return statistic === null || p === null ? null : { statistic, df: test.df, p };
}

/** The three-level meta-regression in contract form, CR2 tests beside the model-based ones. */
export function multilevelRegressionResult(res: MultilevelResult): MultilevelRegressionJson {
  const qm = res.QM;
  const robust = res.robust;
  const wald = robust?.wald ?? null;
  return {
    terms: res.coefficients.map((c, j) => {
      const r = robust?.coefficients[j];
      return {
        name: c.name,
        estimate: c.estimate,
        se: c.se,
        ciLower: finite(c.ciLower),
        ciUpper: finite(c.ciUpper),
        p: finite(c.p),
        robustSe: finite(r?.se),
        robustDf: finite(r?.df),
        robustP: finite(r?.p),
        statistic: finite(c.statistic),
        robustCiLower: finite(r?.ciLower),
        robustCiUpper: finite(r?.ciUpper),
      };
    }),
    QM: finite(qm.statistic),
    QMdf: qm.df,
    QMp: finite(qm.p),
    robustQM:
      wald === null || !Number.isFinite(wald.statistic) || !Number.isFinite(wald.p)
        ? null
        : { statistic: wald.statistic, df1: wald.df1, df2: wald.df2, p: wald.p },
    QMdistribution: qm.distribution,
    QMdf2: qm.distribution === "F" ? qm.df2 : null,
    sigma2Between: res.sigma2Between.estimate,
    sigma2Within: res.sigma2Within.estimate,
    QE: res.k > res.p ? finite(res.QE.statistic) : null,
    QEdf: res.QE.df,
    QEp: res.k > res.p ? finite(res.QE.p) : null,
    k: res.k,
    clusters: res.clusters,
    notes: [...res.notes],
    permutation: null,
  };
}

/**
 * Subgroups in the three-level model: one three-level model per level (its own variance
 * components), and the test for differences as metafor's QM of rma.mv(yi, vi, mods = ~ factor(by),
 * random = ~ 1 | cluster/experiment). A level or test that cannot be fitted (e.g. one experiment)
 * is null with a warning; the rest stands.
 */
export function multilevelSubgroups(
  side: SideAnalyses,
  data: ClusteredData,
  byColumn: AnalysisColumn,
  options: ReturnType<typeof multilevelFitOptions>,
  warnings: string[],
): MultilevelSubgroupsJson {
  const values = byColumn.values.map(String);
  // The engine's level order (as its subgroups and factor dummies): the standard block's order.
  const levels = sortedLevels(values);
  const groups: MultilevelSubgroup[] = levels.map((level) => {
    const indices = values.flatMap((v, i) => (v === level ? [i] : []));
    const subset: ClusteredData = {
      yi: indices.map((i) => data.yi[i]!),
      vi: indices.map((i) => data.vi[i]!),
      labels: indices.map((i) => data.labels[i]!),
      cluster: indices.map((i) => data.cluster[i]!),
    };
    const clusters = new Set(subset.cluster).size;
    const fitted = attempt(SIDE_ANALYSIS.multilevelSubgroup(level), warnings, () =>
      fitMultilevel(side, subset, options, { intervals: false, robust: false }),
    );
    const coef = fitted?.coefficients[0];
    return {
      level,
      k: indices.length,
      clusters,
      estimate: finite(coef?.estimate),
      se: finite(coef?.se),
      ciLower: finite(coef?.ciLower),
      ciUpper: finite(coef?.ciUpper),
      sigma2Between: finite(fitted?.sigma2Between.estimate),
      sigma2Within: finite(fitted?.sigma2Within.estimate),
      p: finite(coef?.p),
      notes: [...(fitted?.notes ?? [])],
    };
  });
  const mods: Moderator[] = [{ name: byColumn.name, type: "categorical", values }];
  const test = attempt(SIDE_ANALYSIS.multilevelSubgroupTest, warnings, () => {
    const qm = fitMultilevel(side, data, options, { mods, intervals: false, robust: false }).QM;
    const statistic = finite(qm.statistic);
    const p = finite(qm.p);
    if (statistic === null || p === null) throw new Error("its QM is not defined for these data");
    return {
      QM: statistic,
      df: qm.df,
      p,
      distribution: qm.distribution,
      df2: qm.distribution === "F" ? qm.df2 : null,
    };
  });
  return { groups, test };
}
