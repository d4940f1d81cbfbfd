/**
 * The model the report leads with: the standard model (--model standard), or the three-level
 * model (--model three-level), which then drives the summary, the key figures, the forest plot's
 * diamond and the lay summary. One place decides, so they never disagree.
 */
import type { Analysis } from "../analysis/types.js";
import { METHOD_NAMES } from "./format.js";

export interface SummaryModel {
  threeLevel: boolean;
  /** e.g. "Random-effects model (REML)" or "Three-level model (REML)". */
  label: string;
  k: number;
  /** Publications, for the three-level model; else null. */
  clusters: number | null;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  statistic: number | null;
  /** Degrees of freedom of t, else null (z). */
  df: number | null;
  piLower: number | null;
  piUpper: number | null;
  /** Total I² in percent (the three-level model's sum over levels). */
  I2: number | null;
  level: number;
}

/** The model the report leads with. */
export function summaryModel(a: Analysis): SummaryModel {
  const ml = a.multilevel;
  if (a.settings.model === "three-level" && ml !== null) {
    return {
      threeLevel: true,
      label: `Three-level model (${ml.method})`,
      k: ml.k,
      clusters: ml.clusters,
      estimate: ml.estimate,
      se: ml.se,
      ciLower: ml.ciLower,
      ciUpper: ml.ciUpper,
      p: ml.p,
      statistic: ml.statistic,
      df: ml.df,
      piLower: ml.piLower,
      piUpper: ml.piUpper,
      I2: ml.I2Total,
      level: a.settings.level,
    };
  }
  const m = a.model;
  return {
    threeLevel: false,
    label: standardModelLabel(a),
    k: m.k,
    clusters: null,
    estimate: m.estimate,
    se: m.se,
    ciLower: m.ciLower,
    ciUpper: m.ciUpper,
    p: m.p,
    statistic: m.statistic,
    df: m.df,
    piLower: m.piLower,
    piUpper: m.piUpper,
    I2: m.I2,
    level: m.level,
  };
}

/**
 * "Fixed-effect model", "Random-effects model (REML)", or "Fixed-effect model (Mantel-Haenszel)"
 * and "Fixed-effect model (Peto)" for the methods that pool 2×2 tables.
 */
export function standardModelLabel(a: Analysis): string {
  const method = a.settings.method;
  if (method === "FE") return "Fixed-effect model";
  if (method === "MH" || method === "PETO") return `Fixed-effect model (${METHOD_NAMES[method]})`;
  return `Random-effects model (${method})`;
}

/** "three-level model (experiments within publications), restricted maximum likelihood (REML)". */
export function multilevelModelName(method: "REML" | "ML"): string {
  return `three-level model (experiments within publications), variance components by ${METHOD_NAMES[method]}`;
}
