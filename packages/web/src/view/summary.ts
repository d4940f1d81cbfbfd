/**
 * The summary at the top of the results, as plain strings for the DOM layer: the pooled estimate
 * (on the reader's scale for ratios and correlations, the JSON's `transformed`), the same on the
 * scale of the analysis, the model, heterogeneity, the tests of Mantel-Haenszel's 2×2 tables and
 * the cluster-robust interval. The numbers are the pipeline's; only the rounding is done here.
 */
import type { AnalysisView, ReadingScaleView } from "../api.js";
import { formatMultilevelHeterogeneity, type LeadModel, leadModel } from "./dependence.js";
import {
  formatAnalysedEstimate,
  formatEstimate,
  formatHeterogeneity,
  formatPrediction,
  formatRobust,
  formatTableTests,
} from "./format.js";

export interface SummaryView {
  /** The model the summary leads with (the three-level one when it was asked for). */
  lead: LeadModel;
  /** The measure as the analysis applied it (Peto's method pools PETO even when OR was chosen). */
  measure: string;
  /** "Odds ratio 0.56 [0.38, 0.82], p = 0.003 (k = 24)", or "MD 2.35 [1.20, 3.50], ...". */
  estimate: string;
  /** "As analysed: log odds ratio -0.58 [-0.97, -0.19]"; null for measures read as analysed. */
  analysed: string | null;
  /** The model, its test and the prediction interval (when the model has one). */
  model: string;
  heterogeneity: string;
  /** Cochran-Mantel-Haenszel, Breslow-Day and Tarone (Mantel-Haenszel's odds ratio), or null. */
  tableTests: string | null;
  /** The CR2 cluster-robust interval of the model shown, or null. */
  robust: string | null;
}

/** The standard model in words, by its method. */
export function describeStandardModel(method: string, test: string | undefined): string {
  const testName = test === "knha" ? "Knapp-Hartung" : "z";
  if (method === "MH")
    return `Mantel-Haenszel method (fixed effect, pooling the 2×2 tables); ${testName} test`;
  if (method === "PETO")
    return `Peto's method (fixed effect, pooling the 2×2 tables); ${testName} test`;
  const model =
    method === "FE" ? "Fixed (common) effect model" : `Random-effects model, τ² by ${method}`;
  return `${model}; ${testName} test`;
}

/**
 * The effect sizes' options as applied, when not the defaults: the SMD's (or MD's) sampling
 * variance (--vtype), ROM's bias correction (--correct-bias) and second-order variance
 * (--vtype LS2), SMDH's metafor 3.8 variance (--legacy-smdh-variance); null otherwise.
 */
export function effectSizeNote(settings: AnalysisView["settings"]): string | null {
  if (!settings) return null;
  const { measure, vtype } = settings;
  if (measure === "SMD" && vtype === "RevMan")
    return "Hedges' g and its variance as Review Manager 5 computes them";
  if ((measure === "SMD" || measure === "MD") && vtype === "UB")
    return "unbiased sampling variances (UB)";
  if (measure === "ROM") {
    const notes = [
      settings.correctBias === true ? "log ratios of means bias-corrected (Lajeunesse 2015)" : null,
      vtype === "LS2" ? "second-order variances (LS2, Lajeunesse 2015)" : null,
    ].filter((n) => n !== null);
    return notes.length > 0 ? notes.join("; ") : null;
  }
  if (measure === "SMDH" && settings.legacySmdhVariance === true)
    return "metafor 3.8's sampling variances of Bonett's SMD";
  return null;
}

/** The summary of an analysis; `reading` gives the CR2 interval on the reader's scale. */
export function summaryView(
  a: AnalysisView,
  reading: ReadingScaleView | null = null,
  fallbackMeasure = "",
): SummaryView {
  const measure = a.settings?.measure ?? fallbackMeasure;
  const lead = leadModel(a);
  const prediction = formatPrediction(lead);
  const ml = a.multilevel;
  let model: string;
  let heterogeneity: string;
  const effects = effectSizeNote(a.settings);
  const effectsPart = effects === null ? "" : `; ${effects}`;
  if (lead.threeLevel && ml) {
    const test = ml.test === "t" ? "t" : "z";
    model = `Three-level model (experiments within publications), σ² by ${ml.method}; ${test} test${effectsPart}; 95% CI.`;
    heterogeneity = `Heterogeneity: ${formatMultilevelHeterogeneity(ml)}`;
  } else {
    const method = a.settings?.method ?? "REML";
    model = `${describeStandardModel(method, a.settings?.test)}${effectsPart}; 95% CI.`;
    // With Q-profile CIs the lead says what the brackets hold.
    const withCi = [a.model.tau2CiLower, a.model.I2CiLower, a.model.H2CiLower].some(
      (x) => x !== null && x !== undefined,
    );
    heterogeneity = `Heterogeneity${withCi ? " (95% Q-profile CIs)" : ""}: ${formatHeterogeneity(a.model)}`;
  }
  if (prediction) model += ` ${prediction}.`;
  const robustReading = lead.threeLevel ? reading?.multilevelRobust : reading?.robust;
  const transformed = lead.transformed !== null && lead.transformed !== undefined;
  return {
    lead,
    measure,
    estimate: formatEstimate(lead, measure),
    analysed: formatAnalysedEstimate(lead, measure),
    model,
    heterogeneity,
    tableTests: lead.threeLevel ? null : formatTableTests(a.model.tableTests),
    robust: lead.robust
      ? `${formatRobust(lead.robust, 2, transformed ? (robustReading ?? null) : null)}.`
      : null,
  };
}
