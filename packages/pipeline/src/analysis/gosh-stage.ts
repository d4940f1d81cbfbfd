/**
 * GOSH (Olkin, Dahabreh & Trikalinos 2012, Res Synth Methods 3:214) as a resampling stage: the
 * main model refitted on every subset of studies, or on random subsets, in the engine's workers
 * with progress and cancellation. The JSON keeps the counts, the summaries and an even sample of
 * the subsets for the plot; the million fits themselves stay in the engine.
 */
import type { GoshResult, GoshSummary, RunOptions } from "@pooled/stats";
import type { PreparedAnalysis } from "./analyze.js";
import { finite } from "./convert.js";
import { attemptAsync, SIDE_ANALYSIS } from "./failures.js";
import type { SideAnalyses } from "./side-analyses.js";
import type { GoshJson, GoshSummaryJson } from "./types.js";

/** Most subsets the JSON carries for plots (a density of 20,000 points keeps the shape of 10^6). */
export const GOSH_SAMPLE_POINTS = 20_000;

export async function goshStage(
  prepared: PreparedAnalysis,
  side: SideAnalyses,
  run: RunOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { analysis, model } = prepared;
  const { settings, warnings } = analysis;
  const result = await attemptAsync(SIDE_ANALYSIS.gosh, warnings, signal, () =>
    side.gosh(model, { ...run, subsets: settings.gosh!, seed: settings.seed }),
  );
  if (result === null) return;
  analysis.gosh = goshResult(result);
  warnings.push(...result.notes);
  if (result.failed > 0)
    warnings.push(
      `GOSH: ${result.failed} of ${result.subsets} subsets could not be fitted and were left out of its summaries and plot.`,
    );
}

function summaryJson(s: GoshSummary): GoshSummaryJson {
  return {
    min: finite(s.min),
    q25: finite(s.q25),
    median: finite(s.median),
    q75: finite(s.q75),
    max: finite(s.max),
    mean: finite(s.mean),
  };
}

/** GOSH in contract form: counts, summaries, and every n-th fitted subset for the plot. */
export function goshResult(result: GoshResult): GoshJson {
  const step = Math.max(1, Math.ceil(result.subsets / GOSH_SAMPLE_POINTS));
  const estimate: number[] = [];
  const I2: number[] = [];
  for (let s = 0; s < result.subsets; s += step) {
    const e = result.estimate[s]!;
    const i2 = result.I2[s]!;
    if (Number.isFinite(e) && Number.isFinite(i2)) {
      estimate.push(e);
      I2.push(i2);
    }
  }
  return {
    subsets: result.subsets,
    exhaustive: result.exhaustive,
    seed: result.seed,
    k: result.studies,
    method: result.method,
    failed: result.failed,
    summary: {
      estimate: summaryJson(result.summary.estimate),
      I2: summaryJson(result.summary.I2),
      H2: summaryJson(result.summary.H2),
      tau2: summaryJson(result.summary.tau2),
      Q: summaryJson(result.summary.Q),
    },
    sample: { estimate, I2 },
  };
}
