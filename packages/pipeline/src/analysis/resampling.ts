/**
 * The resampling stages of the analysis, asynchronous because they run in worker threads (CLI) or
 * Web Workers (web): the permutation test (Higgins & Thompson 2004) of the main model and of the
 * meta-regression, and the bootstrap (case resampling of studies, or of publications when the
 * table has a publication column). Progress and cancellation are passed through to the engine.
 */
import type {
  BootstrapResult,
  BootstrapStatistic,
  MultilevelResult,
  PermutationResult,
  RmaResult,
  RunOptions,
} from "@pooled/stats";
import type { StudyTable } from "../input/types.js";
import { type PreparedAnalysis, prepareAnalysis } from "./analyze.js";
import { finite } from "./convert.js";
import { attemptAsync, SIDE_ANALYSIS } from "./failures.js";
import { goshStage } from "./gosh-stage.js";
import { type SideAnalyses, statsSideAnalyses } from "./side-analyses.js";
import type {
  Analysis,
  AnalysisProgress,
  AsyncAnalysisOptions,
  BootstrapInterval,
  BootstrapResultJson,
  MultilevelBootstrapJson,
  MultilevelPermutationJson,
  PermutationResultJson,
} from "./types.js";

type Stage = AnalysisProgress["stage"];

/**
 * The whole analysis, with the permutation test and the bootstrap when asked.
 *
 * Each resampling run stands on its own: one that fails (other than by cancellation) leaves its
 * block null with a warning saying why, and the rest of the analysis is returned. Replicates whose
 * refit fails are left out and counted, in the block and in a warning.
 *
 * @param options - the analysis options, plus onProgress, signal, workers and workerFactory
 * @param side - the engine calls of the side analyses; tests pass one made to fail
 * @returns the same object as {@link analyze}, with `permutation` / `bootstrap` filled in and the
 *   regression's permutationP and permutationQMp
 * @throws PooledError with code "CANCELLED" when the signal aborts (no partial result)
 * @example
 * const analysis = await analyzeAsync(table, { mods: ["dose"], permutations: 1000, seed: 42,
 *   onProgress: ({ stage, done, total }) => bar.update(done / total) });
 */
export async function analyzeAsync(
  table: StudyTable,
  options: AsyncAnalysisOptions = {},
  side: SideAnalyses = statsSideAnalyses,
): Promise<Analysis> {
  const prepared = prepareAnalysis(table, options, side);
  const run = (stage: Stage): RunOptions => ({
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.workerFactory !== undefined ? { workerFactory: options.workerFactory } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    onProgress: (p) => options.onProgress?.({ stage, done: p.done, total: p.total }),
  });
  const { analysis } = prepared;
  const few = fewReplicatesWarning(analysis.settings.bootstrap);
  if (few !== null) analysis.warnings.push(few);
  if (analysis.settings.permutations !== null)
    await permutationStage(prepared, side, run, options.signal);
  if (analysis.settings.bootstrap !== null)
    await bootstrapStage(prepared, side, run, options.signal);
  if (prepared.multilevelModel !== null)
    await multilevelStages(prepared, side, run, options.signal);
  if (analysis.settings.gosh !== null) await goshStage(prepared, side, run("gosh"), options.signal);
  return analysis;
}

/**
 * With --model three-level, the permutation test and the bootstrap of the three-level model too
 * (multilevel.permutation, multilevel.bootstrap, regression.multilevel.permutation): publications
 * are the unit (@pooled/stats multilevelPermutationTest, multilevelBootstrap). Each may fail alone.
 */
async function multilevelStages(
  prepared: PreparedAnalysis,
  side: SideAnalyses,
  run: (stage: Stage) => RunOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { analysis, multilevelModel, multilevelRegressionModel } = prepared;
  const { settings, warnings } = analysis;
  const block = analysis.multilevel;
  if (multilevelModel === null || block === null) return;
  // exact enumeration is not offered for the three-level model: "exact" runs as many random
  // arrangements as the exact test of the standard model would, capped as a random run is
  const iterations = (): number =>
    settings.permutations === "exact"
      ? Math.max(2, Math.min(analysis.permutation?.iterations ?? 1000, 100_000))
      : settings.permutations!;
  const permute = (what: string, fitted: MultilevelResult, stage: Stage) =>
    attemptAsync(what, warnings, signal, async () => {
      const result = await side.multilevelPermutationTest(fitted, {
        ...run(stage),
        iterations: iterations(),
        seed: settings.seed,
      });
      noteFailures(warnings, result, what);
      return multilevelPermutationResult(result, settings.seed);
    });
  if (settings.permutations !== null) {
    if (settings.permutations === "exact") {
      warnings.push(
        `The three-level model's permutation test uses ${iterations()} random arrangements: exact enumeration is offered for the standard model only.`,
      );
    }
    block.permutation = await permute(
      SIDE_ANALYSIS.multilevelPermutation,
      multilevelModel,
      "multilevel-permutation",
    );
    const regression = analysis.regression?.multilevel;
    if (multilevelRegressionModel !== null && regression) {
      regression.permutation = await permute(
        SIDE_ANALYSIS.multilevelRegressionPermutation,
        multilevelRegressionModel,
        "multilevel-regression-permutation",
      );
    }
  }
  if (settings.bootstrap !== null) {
    block.bootstrap = await attemptAsync(
      SIDE_ANALYSIS.multilevelBootstrap,
      warnings,
      signal,
      async () => {
        const boot = await side.multilevelBootstrap(multilevelModel, {
          ...run("multilevel-bootstrap"),
          replicates: settings.bootstrap!,
          seed: settings.seed,
        });
        if (boot.failed > 0) {
          warnings.push(
            `${boot.failed} of ${boot.replicates} bootstrap replicates of the three-level model could not be refitted and were left out of the intervals.`,
          );
        }
        return multilevelBootstrapResult(boot);
      },
    );
  }
}

/** The three-level permutation test in contract form. */
function multilevelPermutationResult(
  perm: PermutationResult & { unit: "publications" | "experiments" },
  seed: number,
): MultilevelPermutationJson {
  return {
    seed,
    iterations: perm.iterations,
    unit: perm.unit,
    terms: perm.coefficients.map((c) => ({ name: c.name, p: finite(c.p) })),
    QMp: finite(perm.QM.p),
    failed: perm.failed,
  };
}

/** The three-level bootstrap in contract form: intervals for μ and both variance components. */
function multilevelBootstrapResult(boot: BootstrapResult): MultilevelBootstrapJson {
  const find = (name: string) => boot.statistics.find((s) => s.name === name);
  return {
    seed: boot.seed,
    iterations: boot.replicates,
    clusters: boot.clusters ?? 0,
    level: boot.level,
    estimate: interval(boot.statistics[0]),
    sigma2Between: interval(find("sigma2Between")),
    sigma2Within: interval(find("sigma2Within")),
    succeeded: boot.succeeded,
    failed: boot.failed,
    notes: boot.notes,
  };
}

/**
 * The permutation tests (Higgins & Thompson 2004): sign flips of the main model, and row
 * permutations of the meta-regression when --mods was given. Each may fail alone: the main one
 * leaves `permutation` null, the meta-regression's leaves `permutation.regression` and its
 * permutation p-values null.
 */
async function permutationStage(
  prepared: PreparedAnalysis,
  side: SideAnalyses,
  run: (stage: Stage) => RunOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { analysis, model, regressionModel } = prepared;
  const { settings, warnings } = analysis;
  const permute = (what: string, fitted: RmaResult, stage: Stage) =>
    attemptAsync(what, warnings, signal, async () => {
      const result = await side.permutationTest(fitted, {
        ...run(stage),
        iterations: settings.permutations!,
        seed: settings.seed,
      });
      noteFailures(warnings, result, what);
      return result;
    });

  const main = await permute(SIDE_ANALYSIS.permutation, model, "permutation");
  let regression: PermutationResultJson["regression"] = null;
  if (regressionModel !== null && analysis.regression !== null) {
    const perm = await permute(
      SIDE_ANALYSIS.regressionPermutation,
      regressionModel,
      "regression-permutation",
    );
    if (perm !== null) {
      regression = {
        iterations: perm.iterations,
        exact: perm.exact,
        terms: perm.coefficients.map((c) => ({ name: c.name, p: finite(c.p) })),
        QMp: finite(perm.QM.p),
        failed: perm.failed,
      };
      analysis.regression.terms.forEach((term, j) => {
        term.permutationP = finite(perm.coefficients[j]?.p);
      });
      analysis.regression.permutationQMp = finite(perm.QM.p);
    }
  }
  if (main !== null) {
    analysis.permutation = {
      seed: settings.seed,
      requested: settings.permutations!,
      iterations: main.iterations,
      exact: main.exact,
      p: finite(main.coefficients[0]?.p),
      failed: main.failed,
      regression,
    };
  }
}

/** The bootstrap of the main model (case resampling of studies, or of publications). */
async function bootstrapStage(
  prepared: PreparedAnalysis,
  side: SideAnalyses,
  run: (stage: Stage) => RunOptions,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { analysis, model, clusters } = prepared;
  const { settings, warnings } = analysis;
  const boot = await attemptAsync(SIDE_ANALYSIS.bootstrap, warnings, signal, () =>
    side.bootstrap(model, {
      ...run("bootstrap"),
      replicates: settings.bootstrap!,
      seed: settings.seed,
      type: settings.bootstrapType,
      // Case resampling draws whole publications; the parametric bootstrap simulates each study
      // from the fitted model (van den Noortgate & Onghena 2005), so it has no clusters to draw.
      ...(clusters !== null && settings.bootstrapType === "case" ? { cluster: clusters } : {}),
    }),
  );
  if (boot === null) return;
  analysis.bootstrap = bootstrapResult(boot);
  if (boot.failed > 0) {
    warnings.push(
      `${boot.failed} of ${boot.replicates} bootstrap replicates could not be refitted and were left out of the intervals.`,
    );
  }
}

/**
 * Bootstrap replicates below which its intervals are not to be trusted, and below which they are
 * rough. A 95% percentile interval sits at the 2.5th and 97.5th percentiles of the replicates:
 * with fewer than 100 those are the two or three most extreme values, so the interval may even
 * exclude the estimate; Efron & Tibshirani (1993, An Introduction to the Bootstrap) recommend about
 * 1000 replicates for percentile and BCa intervals (the BCa's acceleration and bias corrections
 * move the percentiles further into the tails). The CLI refuses fewer than `minimum`.
 */
export const BOOTSTRAP_REPLICATES = { minimum: 100, recommended: 1000 } as const;

/** The warning on a bootstrap with few replicates, or null. */
export function fewReplicatesWarning(replicates: number | null): string | null {
  if (replicates === null || replicates >= BOOTSTRAP_REPLICATES.recommended) return null;
  if (replicates < BOOTSTRAP_REPLICATES.minimum) {
    return `The bootstrap ran only ${replicates} replicate${replicates === 1 ? "" : "s"}: its intervals rest on the few most extreme replicates and are not reliable (they may not even contain the estimate); run ${BOOTSTRAP_REPLICATES.recommended} or more.`;
  }
  return `The bootstrap ran ${replicates} replicates: its percentile and BCa intervals are rough below about ${BOOTSTRAP_REPLICATES.recommended} (Efron & Tibshirani 1993); run ${BOOTSTRAP_REPLICATES.recommended} or more for intervals to report.`;
}

/** "12 of 10000 arrangements of the permutation test could not be refitted and were left out." */
function noteFailures(warnings: string[], result: PermutationResult, what: string): void {
  if (result.failed > 0) {
    warnings.push(
      `${result.failed} of ${result.iterations} arrangements of ${lowerFirst(what)} could not be refitted and were left out of its p-values.`,
    );
  }
}

/** "The permutation test" -> "the permutation test", for use inside a sentence. */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function interval(stat: BootstrapStatistic | undefined): BootstrapInterval {
  return {
    estimate: finite(stat?.estimate),
    se: finite(stat?.se),
    bias: finite(stat?.bias),
    percentileLower: finite(stat?.percentile?.lower),
    percentileUpper: finite(stat?.percentile?.upper),
    bcaLower: finite(stat?.bca?.lower),
    bcaUpper: finite(stat?.bca?.upper),
  };
}

/** The bootstrap block of the contract: seed and iterations echoed, intervals for μ, tau², I². */
export function bootstrapResult(boot: BootstrapResult): BootstrapResultJson {
  const find = (name: string) => boot.statistics.find((s) => s.name === name);
  return {
    seed: boot.seed,
    iterations: boot.replicates,
    type: boot.type,
    clusters: boot.clusters,
    level: boot.level,
    estimate: interval(boot.statistics[0]),
    tau2: interval(find("tau2")),
    I2: interval(find("I2")),
    succeeded: boot.succeeded,
    failed: boot.failed,
    notes: boot.notes,
  };
}
