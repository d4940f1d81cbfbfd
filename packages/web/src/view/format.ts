/** Number formatting for the page: the same rounding everywhere, and missing values said plainly. */
import { formatFixed, formatPValue, MISSING_ON_PAGE } from "@pooled/contract";
import type {
  EffectScale,
  MeasureName,
  ModelSummary,
  ReadingInterval,
  RobustView,
  TableTestsJson,
  TransformedInterval,
} from "../api.js";

/** Readable names for measures (the Effect measure control). */
export const MEASURE_LABELS: Record<MeasureName, string> = {
  MD: "Mean difference",
  SMD: "Standardised mean difference (Hedges' g)",
  SMDH: "Heteroscedastic SMD (Bonett)",
  ROM: "Log ratio of means",
  NMD: "Normalised mean difference (%)",
  GEN: "Generic effect (given yi, vi)",
  OR: "Odds ratio",
  RR: "Risk ratio",
  RD: "Risk difference",
  PETO: "Peto's odds ratio",
  ZCOR: "Correlation, pooled as Fisher's z",
  COR: "Correlation, pooled as r",
};

/**
 * The names of a measure pooled on a transformed scale: the value a reader expects (a ratio, a
 * correlation) and the scale of the analysis (log, Fisher's z), in full and short (table headers).
 */
export interface ScaleNames {
  reading: string;
  readingShort: string;
  analysed: string;
  analysedShort: string;
}

const SCALE_NAMES: Partial<Record<MeasureName, ScaleNames>> = {
  OR: {
    reading: "Odds ratio",
    readingShort: "OR",
    analysed: "log odds ratio",
    analysedShort: "log OR",
  },
  RR: {
    reading: "Risk ratio",
    readingShort: "RR",
    analysed: "log risk ratio",
    analysedShort: "log RR",
  },
  PETO: {
    reading: "Peto odds ratio",
    readingShort: "Peto OR",
    analysed: "Peto log odds ratio",
    analysedShort: "log Peto OR",
  },
  ROM: {
    reading: "Ratio of means",
    readingShort: "Ratio",
    analysed: "log ratio of means",
    analysedShort: "log ratio",
  },
  ZCOR: {
    reading: "Correlation r",
    readingShort: "r",
    analysed: "Fisher's z",
    analysedShort: "z",
  },
};

/**
 * The names of a measure on a transformed scale (the JSON's model.scale), or null for a measure
 * read as analysed ("identity"). A measure without names of its own is named from its scale.
 */
export function scaleNames(measure: string, scale: EffectScale | undefined): ScaleNames | null {
  if (scale === undefined || scale === "identity") return null;
  const named = SCALE_NAMES[measure as MeasureName];
  if (named) return named;
  return scale === "log"
    ? {
        reading: `exp(${measure})`,
        readingShort: `exp(${measure})`,
        analysed: measure,
        analysedShort: measure,
      }
    : { reading: "Correlation r", readingShort: "r", analysed: measure, analysedShort: measure };
}

/** A fixed number of decimals; "–" for null, undefined or non-finite values (never "NaN"). */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  return formatFixed(x, digits, MISSING_ON_PAGE);
}

/** p-values as reviewers write them: "< 0.001" below a thousandth, three decimals otherwise. */
export function formatP(p: number | null | undefined): string {
  return formatPValue(p, MISSING_ON_PAGE);
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

/**
 * What the estimate line needs: a model's estimate and, for the three-level model, publications;
 * for ratios and correlations the JSON's `transformed` (the reader's scale) and the scale itself.
 */
export type EstimateLine = Pick<ModelSummary, "k" | "estimate" | "ciLower" | "ciUpper" | "p"> & {
  clusters?: number | null;
  transformed?: TransformedInterval | null;
  scale?: EffectScale;
};

/**
 * The one-line pooled estimate shown in data-testid="pooled-estimate",
 * e.g. "MD 2.35 [1.20, 3.50], p < 0.001 (k = 30)", or for the three-level model
 * "MD 2.35 [1.20, 3.50], p < 0.001 (k = 30 in 21 publications)". Ratios and correlations are
 * given on the reader's scale from the JSON's `transformed` ("Odds ratio 0.56 [0.38, 0.82], p =
 * 0.003 (k = 24)"); {@link formatAnalysedEstimate} gives the scale of the analysis beside it.
 */
export function formatEstimate(model: EstimateLine, measure: string, digits = 2): string {
  const publications =
    model.clusters === null || model.clusters === undefined
      ? ""
      : ` in ${model.clusters} ${model.clusters === 1 ? "publication" : "publications"}`;
  const names = scaleNames(measure, model.scale);
  const t = model.transformed;
  const shown =
    names && t
      ? `${names.reading} ${formatNumber(t.estimate, digits)} ${formatInterval(t.ciLower, t.ciUpper, digits)}`
      : `${measure} ${formatNumber(model.estimate, digits)} ${formatInterval(model.ciLower, model.ciUpper, digits)}`;
  return `${shown}, ${formatPEquals(model.p)} (k = ${model.k}${publications})`;
}

/**
 * The pooled estimate on the scale of the analysis, shown under a back-transformed one, e.g.
 * "As analysed: log odds ratio -0.58 [-0.97, -0.19]"; null for measures read as analysed.
 */
export function formatAnalysedEstimate(
  model: EstimateLine,
  measure: string,
  digits = 2,
): string | null {
  const names = scaleNames(measure, model.scale);
  if (!names || !model.transformed) return null;
  return `As analysed: ${names.analysed} ${formatNumber(model.estimate, digits)} ${formatInterval(model.ciLower, model.ciUpper, digits)}`;
}

/** Satterthwaite degrees of freedom, rarely whole: "t(15.4)". */
export function formatTDf(df: number | null | undefined): string {
  return `t(${formatNumber(df, 1)})`;
}

/**
 * A CR2 cluster-robust interval in one line, e.g. "Clustered by publication (CR2, 21
 * publications): 95% CI [2.71, 4.05], t(15.4), p < 0.001".
 */
export function formatRobust(
  r: RobustView,
  digits = 2,
  /** The same interval on the reader's scale (ratios, correlations), shown instead. */
  reading?: ReadingInterval | null,
): string {
  const n =
    r.clusters === undefined
      ? ""
      : `, ${r.clusters} ${r.clusters === 1 ? "publication" : "publications"}`;
  const ci = reading
    ? formatInterval(reading.ciLower, reading.ciUpper, digits)
    : formatInterval(r.ciLower, r.ciUpper, digits);
  return `Clustered by publication (CR2${n}): 95% CI ${ci}, ${formatTDf(r.df)}, ${formatPEquals(r.p)}`;
}

/** A Q-profile CI after its statistic, " [0.81, 3.95]", or "" when the model has none. */
function ciSuffix(
  lower: number | null | undefined,
  upper: number | null | undefined,
  format: (x: number | null | undefined) => string,
): string {
  if (lower === null || lower === undefined || upper === null || upper === undefined) return "";
  return ` [${format(lower)}, ${format(upper)}]`;
}

/**
 * Heterogeneity in one sentence: tau² (when the model has one), I², H² with their Q-profile 95%
 * CIs in brackets (random-effects models with k > 1), Q with its df and p.
 */
export function formatHeterogeneity(model: ModelSummary): string {
  const parts: string[] = [];
  const tau2 = (x: number | null | undefined) => formatNumber(x, 3);
  const h2 = (x: number | null | undefined) => formatNumber(x, 2);
  if (model.tau2 !== null && model.tau2 !== undefined)
    parts.push(`τ² = ${tau2(model.tau2)}${ciSuffix(model.tau2CiLower, model.tau2CiUpper, tau2)}`);
  parts.push(
    `I² = ${formatPercent(model.I2)}${ciSuffix(model.I2CiLower, model.I2CiUpper, formatPercent)}`,
  );
  if (model.H2 !== null && model.H2 !== undefined)
    parts.push(`H² = ${h2(model.H2)}${ciSuffix(model.H2CiLower, model.H2CiUpper, h2)}`);
  if (model.Q !== null && model.Q !== undefined) {
    // Mantel-Haenszel's Q leaves out tables without events: its df is the JSON's Qdf.
    const df = model.Qdf ?? model.k - 1;
    parts.push(`Q(${df}) = ${formatNumber(model.Q, 2)}, ${formatPEquals(model.Qp)}`);
  }
  return parts.join("; ");
}

/**
 * The prediction interval, when the model has one: on the reader's scale (the JSON's
 * `transformed`) for ratios and correlations.
 */
export function formatPrediction(
  model: Pick<ModelSummary, "piLower" | "piUpper" | "transformed">,
  digits = 2,
): string | null {
  const t = model.transformed;
  const lower = t ? t.piLower : model.piLower;
  const upper = t ? t.piUpper : model.piUpper;
  if (lower === null || lower === undefined) return null;
  if (upper === null || upper === undefined) return null;
  return `95% prediction interval ${formatInterval(lower, upper, digits)}`;
}

/** One chi-square test: "χ²(22) = 21.95, p = 0.463" ("–" where there is no p). */
export function formatChisq(t: { statistic: number; df: number; p: number | null }): string {
  return `χ²(${t.df}) = ${formatNumber(t.statistic, 2)}, ${formatPEquals(t.p)}`;
}

/**
 * The tests of Mantel-Haenszel's odds ratio in one line (metafor's rma.mh): the
 * Cochran-Mantel-Haenszel test of no association, and the Breslow-Day and Tarone tests of a common
 * odds ratio; null when the analysis has none.
 */
export function formatTableTests(tests: TableTestsJson | null | undefined): string | null {
  if (!tests) return null;
  const parts: string[] = [];
  if (tests.cochranMantelHaenszel)
    parts.push(`Cochran-Mantel-Haenszel test ${formatChisq(tests.cochranMantelHaenszel)}`);
  if (tests.breslowDay) parts.push(`Breslow-Day test ${formatChisq(tests.breslowDay)}`);
  if (tests.tarone) parts.push(`Tarone's test ${formatChisq(tests.tarone)}`);
  return parts.length > 0 ? `${parts.join("; ")}.` : null;
}

/** Milliseconds for the status line: "240 ms" or "1.3 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
