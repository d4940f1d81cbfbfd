/**
 * The analyses of small-study effects and of sensitivity to single studies: Egger's and Begg's
 * tests, trim-and-fill, PET-PEESE and the fail-safe Ns, leave-one-out, the influence diagnostics,
 * the cumulative analysis by year and the Baujat plot. Each needs k >= 3; those that refit the
 * model once per study stop at a number of studies, and whatever is skipped is named in a warning.
 */
import type { RmaResult } from "@pooled/stats";
import type { StudyTable } from "../input/types.js";
import {
  beggResult,
  cumulativeRows,
  eggerResult,
  failSafeNResult,
  finite,
  influenceResult,
  leaveOneOutRows,
  petPeeseResult,
  trimFillResult,
} from "./convert.js";
import { attempt, SIDE_ANALYSIS } from "./failures.js";
import type { EffectScale } from "./scale.js";
import type { SideAnalyses } from "./side-analyses.js";
import type { Analysis, AnalysisSettings, BiasResult, StudyResult } from "./types.js";

/** Bias tests and leave-one-out need at least this many studies. */
export const MIN_STUDIES_SENSITIVITY = 3;
/**
 * Leave-one-out, Baujat and the cumulative analysis refit the model once per study, so their cost
 * grows with k² (leave-one-out: about 0.2 s at k = 1000, 20 s at k = 10,000 on one core). The
 * extras (Baujat, cumulative) stop at MAX_STUDIES_REFITS studies and leave-one-out, part of the
 * JSON contract, at MAX_STUDIES_LEAVE_ONE_OUT; whatever is skipped is named in a warning.
 */
export const MAX_STUDIES_REFITS = 2000;
export const MAX_STUDIES_LEAVE_ONE_OUT = 10_000;

/** The blocks of analysis.json that {@link sensitivityAnalyses} fills, null where not run. */
export interface SensitivityBlocks {
  bias: BiasResult | null;
  leaveOneOut: Analysis["leaveOneOut"];
  baujat: Analysis["baujat"];
  cumulative: Analysis["cumulative"];
  influence: Analysis["influence"];
}

/**
 * Small-study effects and leave-one-out (k >= 3), each with metafor's defaults; a side analysis
 * that fails on these data is null with a warning.
 */
export function sensitivityAnalyses(
  side: SideAnalyses,
  table: StudyTable,
  model: RmaResult,
  settings: AnalysisSettings,
  scale: EffectScale,
  studies: readonly StudyResult[],
  warnings: string[],
): SensitivityBlocks {
  const k = studies.length;
  let bias: BiasResult | null = null;
  let loo: Analysis["leaveOneOut"] = null;
  let baujatPoints: Analysis["baujat"] = null;
  let cumulativeSteps: Analysis["cumulative"] = null;
  let influenceRows: Analysis["influence"] = null;
  if (k >= MIN_STUDIES_SENSITIVITY) {
    bias = smallStudyTests(side, model, settings, scale, studies, warnings);
    const skipped: string[] = [];
    if (k <= MAX_STUDIES_LEAVE_ONE_OUT) {
      loo = attempt(SIDE_ANALYSIS.leaveOneOut, warnings, () => {
        const result = side.leaveOneOut(model);
        warnings.push(...result.notes);
        return leaveOneOutRows(result);
      });
    } else skipped.push(`leave-one-out (run up to ${MAX_STUDIES_LEAVE_ONE_OUT} studies)`);
    if (k <= MAX_STUDIES_REFITS) {
      influenceRows = attempt(SIDE_ANALYSIS.influence, warnings, () =>
        influenceResult(side.influence(model)),
      );
    } else skipped.push(`the influence diagnostics (run up to ${MAX_STUDIES_REFITS} studies)`);
    if (k <= MAX_STUDIES_REFITS) {
      cumulativeSteps = cumulativeByYear(side, table, model, warnings);
      baujatPoints = attempt(SIDE_ANALYSIS.baujat, warnings, () =>
        side.baujat(model).points.map((p) => ({
          study: p.study,
          heterogeneity: p.heterogeneity,
          influence: finite(p.influence),
        })),
      );
    } else {
      skipped.push(`the Baujat plot (run up to ${MAX_STUDIES_REFITS} studies)`);
      if (table.columns.fields.year !== undefined)
        skipped.push(`the cumulative analysis (run up to ${MAX_STUDIES_REFITS} studies)`);
    }
    if (skipped.length > 0) {
      warnings.push(
        `${k} studies: skipped ${skipped.join(", ")}, as each refits the model ${k} times.`,
      );
    }
  } else {
    warnings.push(
      `Only ${k} studies: small-study tests and leave-one-out need at least ${MIN_STUDIES_SENSITIVITY}.`,
    );
  }
  return {
    bias,
    leaveOneOut: loo,
    baujat: baujatPoints,
    cumulative: cumulativeSteps,
    influence: influenceRows,
  };
}

/**
 * Cumulative meta-analysis by year when the file has a year column (ties in file order). A study
 * without a year makes the order undefined, so the analysis is skipped with a warning naming the
 * rows rather than guessing where they belong.
 */
function cumulativeByYear(
  side: SideAnalyses,
  table: StudyTable,
  model: RmaResult,
  warnings: string[],
): Analysis["cumulative"] {
  if (table.columns.fields.year === undefined) return null;
  const missing = table.rows.filter((r) => r.year === undefined).map((r) => r.row);
  if (missing.length > 0) {
    warnings.push(
      `Cumulative meta-analysis by year skipped: no year in row${missing.length === 1 ? "" : "s"} ${missing.join(", ")}.`,
    );
    return null;
  }
  const years = table.rows.map((r) => r.year!);
  return attempt(SIDE_ANALYSIS.cumulative, warnings, () => {
    const result = side.cumulative(model, { order: years });
    warnings.push(...result.notes);
    return cumulativeRows(result, years);
  });
}

/**
 * Egger's and Begg's tests and trim-and-fill (and for the SMD, Egger's test on sample size), each
 * on its own: one that fails on these data is null with a warning, the others stand. Egger's
 * predictor is --egger-predictor's; the sample-size predictors (1/n: Peters et al. 2006, JAMA
 * 295:676, for odds ratios; 1/√n) use each study's total n.
 */
function smallStudyTests(
  side: SideAnalyses,
  model: RmaResult,
  settings: AnalysisSettings,
  scale: EffectScale,
  studies: readonly StudyResult[],
  warnings: string[],
): BiasResult {
  const { measure, eggerPredictor: predictor } = settings;
  const bias: BiasResult = {
    egger: null,
    begg: null,
    trimFill: null,
    eggerSampleSize: null,
    petPeese: null,
    failSafeN: null,
  };
  const totals = studies.map((s) => (s.n1 ?? Number.NaN) + (s.n2 ?? 0));
  // Without a total n for every study the engine says that the predictor needs sample sizes.
  const ni = totals.every(Number.isFinite) ? { ni: totals } : {};
  bias.egger = attempt(SIDE_ANALYSIS.egger, warnings, () =>
    eggerResult(side.egger(model, { measure, predictor, ...ni })),
  );
  bias.begg = attempt(SIDE_ANALYSIS.begg, warnings, () => beggResult(side.begg(model)));
  bias.trimFill = attempt(SIDE_ANALYSIS.trimFill, warnings, () =>
    trimFillResult(
      side.trimFill(model, {
        estimator: settings.trimfillEstimator,
        ...(settings.trimfillSide === null ? {} : { side: settings.trimfillSide }),
      }),
      scale,
    ),
  );
  bias.petPeese = attempt(SIDE_ANALYSIS.petPeese, warnings, () =>
    petPeeseResult(side.petPeese(model), scale),
  );
  bias.failSafeN = attempt(SIDE_ANALYSIS.failSafeN, warnings, () =>
    failSafeNResult(
      side.failSafeN(model, { type: "Rosenthal" }),
      // The mean effect weighted by 1/vi, as metafor 5 (3.8 weighted it only when asked).
      side.failSafeN(model, { type: "Orwin", weighted: true }),
      side.failSafeN(model, { type: "Rosenberg" }),
    ),
  );
  if (measure === "SMD" || measure === "SMDH") {
    const n1i = studies.map((s) => s.n1 ?? Number.NaN);
    const n2i = studies.map((s) => s.n2 ?? Number.NaN);
    bias.eggerSampleSize = attempt(SIDE_ANALYSIS.eggerSampleSize, warnings, () => {
      const e = side.egger(model, { predictor: "sqrtinvn1n2", n1i, n2i });
      return { z: e.z, p: e.p, predictor: e.predictor };
    });
  }
  return bias;
}
