/**
 * The resampling stages of the analysis, asynchronous because they run in worker threads (CLI) or
 * Web Workers (web): the permutation test (Higgins & Thompson 2004) of the main model and of the
 * meta-regression, and the bootstrap (case resampling of studies, or of publications when the
 * table has a publication column). Progress and cancellation are passed through to the engine.
 */
import {
  type BootstrapResult,
  type BootstrapStatistic,
  bootstrap,
  type PermutationResult,
  permutationTest,
  type RunOptions,
} from "@pooled/stats";
import type { StudyTable } from "../input/types.js";
import { prepareAnalysis } from "./analyze.js";
import { finite } from "./convert.js";
import type {
  Analysis,
  AsyncAnalysisOptions,
  BootstrapInterval,
  BootstrapResultJson,
  PermutationResultJson,
} from "./types.js";

/**
 * The whole analysis, with the permutation test and the bootstrap when asked.
 *
 * @param options - the analysis options, plus onProgress, signal, workers and workerFactory
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
): Promise<Analysis> {
  const prepared = prepareAnalysis(table, options);
  const { analysis, model, regressionModel } = prepared;
  const { settings } = analysis;
  const run = (stage: "permutation" | "regression-permutation" | "bootstrap"): RunOptions => ({
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.workerFactory !== undefined ? { workerFactory: options.workerFactory } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    onProgress: (p) => options.onProgress?.({ stage, done: p.done, total: p.total }),
  });

  if (settings.permutations !== null) {
    const main = await permutationTest(model, {
      ...run("permutation"),
      iterations: settings.permutations,
      seed: settings.seed,
    });
    let regression: PermutationResultJson["regression"] = null;
    if (regressionModel !== null && analysis.regression !== null) {
      const perm = await permutationTest(regressionModel, {
        ...run("regression-permutation"),
        iterations: settings.permutations,
        seed: settings.seed,
      });
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
      noteFailures(analysis, perm, "the meta-regression's permutation test");
    }
    analysis.permutation = {
      seed: settings.seed,
      requested: settings.permutations,
      iterations: main.iterations,
      exact: main.exact,
      p: finite(main.coefficients[0]?.p),
      failed: main.failed,
      regression,
    };
    noteFailures(analysis, main, "the permutation test");
  }

  if (settings.bootstrap !== null) {
    const boot = await bootstrap(model, {
      ...run("bootstrap"),
      replicates: settings.bootstrap,
      seed: settings.seed,
      type: "case",
      ...(prepared.clusters !== null ? { cluster: prepared.clusters } : {}),
    });
    analysis.bootstrap = bootstrapResult(boot);
    if (boot.failed > 0) {
      analysis.warnings.push(
        `${boot.failed} of ${boot.replicates} bootstrap replicates could not be refitted and were left out of the intervals.`,
      );
    }
  }
  return analysis;
}

function noteFailures(analysis: Analysis, result: PermutationResult, what: string): void {
  if (result.failed > 0) {
    analysis.warnings.push(
      `${result.failed} arrangements of ${what} could not be refitted and were left out of its p-values.`,
    );
  }
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
