/** Number formatting for the page: the same rounding everywhere, and missing values said plainly. */
import type { MeasureName, ModelSummary, RobustView } from "../api.js";

/** Readable names for measures (used in labels and the estimate line). */
export const MEASURE_LABELS: Record<MeasureName, string> = {
  MD: "Mean difference",
  SMD: "Standardised mean difference (Hedges' g)",
  SMDH: "Heteroscedastic SMD (Bonett)",
  ROM: "Log ratio of means",
  NMD: "Normalised mean difference (%)",
  GEN: "Generic effect (given yi, vi)",
};

/** A fixed number of decimals; "–" for null, undefined or non-finite values (never "NaN"). */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const s = x.toFixed(digits);
  // Avoid "-0.00".
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** p-values as reviewers write them: "< 0.001" below a thousandth, three decimals otherwise. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "–";
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}

/** A percentage such as I²: one decimal and a percent sign. */
export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return `${formatNumber(x, 1)}%`;
}

/** "[lower, upper]" with the given decimals. */
export function formatInterval(
  lower: number | null | undefined,
  upper: number | null | undefined,
  digits = 2,
): string {
  return `[${formatNumber(lower, digits)}, ${formatNumber(upper, digits)}]`;
}

/** "p = 0.012" or "p < 0.001". */
export function formatPEquals(p: number | null | undefined): string {
  const text = formatP(p);
  return text.startsWith("<") ? `p ${text}` : `p = ${text}`;
}

/** What the estimate line needs: a model's estimate and, for the three-level model, publications. */
export type EstimateLine = Pick<ModelSummary, "k" | "estimate" | "ciLower" | "ciUpper" | "p"> & {
  clusters?: number | null;
};

/**
 * The one-line pooled estimate shown in data-testid="pooled-estimate",
 * e.g. "MD 2.35 [1.20, 3.50], p < 0.001 (k = 30)", or for the three-level model
 * "MD 2.35 [1.20, 3.50], p < 0.001 (k = 30 in 21 publications)".
 */
export function formatEstimate(model: EstimateLine, measure: string, digits = 2): string {
  const publications =
    model.clusters === null || model.clusters === undefined
      ? ""
      : ` in ${model.clusters} ${model.clusters === 1 ? "publication" : "publications"}`;
  return `${measure} ${formatNumber(model.estimate, digits)} ${formatInterval(model.ciLower, model.ciUpper, digits)}, ${formatPEquals(model.p)} (k = ${model.k}${publications})`;
}

/** Satterthwaite degrees of freedom, rarely whole: "t(15.4)". */
export function formatTDf(df: number | null | undefined): string {
  return `t(${formatNumber(df, 1)})`;
}

/**
 * A CR2 cluster-robust interval in one line, e.g. "Clustered by publication (CR2, 21
 * publications): 95% CI [2.71, 4.05], t(15.4), p < 0.001".
 */
export function formatRobust(r: RobustView, digits = 2): string {
  const n =
    r.clusters === undefined
      ? ""
      : `, ${r.clusters} ${r.clusters === 1 ? "publication" : "publications"}`;
  return `Clustered by publication (CR2${n}): 95% CI ${formatInterval(r.ciLower, r.ciUpper, digits)}, ${formatTDf(r.df)}, ${formatPEquals(r.p)}`;
}

/** Heterogeneity in one sentence: tau², I², Q with its p. */
export function formatHeterogeneity(model: ModelSummary): string {
  const parts: string[] = [];
  if (model.tau2 !== null && model.tau2 !== undefined)
    parts.push(`τ² = ${formatNumber(model.tau2, 3)}`);
  parts.push(`I² = ${formatPercent(model.I2)}`);
  if (model.H2 !== null && model.H2 !== undefined) parts.push(`H² = ${formatNumber(model.H2, 2)}`);
  if (model.Q !== null && model.Q !== undefined) {
    const p = formatP(model.Qp);
    parts.push(
      `Q(${model.k - 1}) = ${formatNumber(model.Q, 2)}, p ${p.startsWith("<") ? p : `= ${p}`}`,
    );
  }
  return parts.join("; ");
}

/** The prediction interval, when the model has one. */
export function formatPrediction(
  model: Pick<ModelSummary, "piLower" | "piUpper">,
  digits = 2,
): string | null {
  if (model.piLower === null || model.piLower === undefined) return null;
  if (model.piUpper === null || model.piUpper === undefined) return null;
  return `95% prediction interval ${formatInterval(model.piLower, model.piUpper, digits)}`;
}

/** Milliseconds for the status line: "240 ms" or "1.3 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
