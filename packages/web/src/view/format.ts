/** Number formatting for the page: the same rounding everywhere, and missing values said plainly. */
import type { MeasureName, ModelSummary } from "../api.js";

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

/**
 * The one-line pooled estimate shown in data-testid="pooled-estimate",
 * e.g. "MD 2.35 [1.20, 3.50], p < 0.001 (k = 30)".
 */
export function formatEstimate(model: ModelSummary, measure: string, digits = 2): string {
  const p = formatP(model.p);
  const pText = p.startsWith("<") ? `p ${p}` : `p = ${p}`;
  return `${measure} ${formatNumber(model.estimate, digits)} ${formatInterval(model.ciLower, model.ciUpper, digits)}, ${pText} (k = ${model.k})`;
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
export function formatPrediction(model: ModelSummary, digits = 2): string | null {
  if (model.piLower === null || model.piLower === undefined) return null;
  if (model.piUpper === null || model.piUpper === undefined) return null;
  return `95% prediction interval ${formatInterval(model.piLower, model.piUpper, digits)}`;
}

/** Milliseconds for the status line: "240 ms" or "1.3 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
