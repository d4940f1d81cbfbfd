/**
 * The engine's analyses: the fast one on every settings change, the full one with resampling
 * (progress reported, cancelled through an AbortSignal), and the cancel itself.
 */
import type { EngineApi, Progress, Settings } from "../api.js";
import type { EngineContext } from "./context.js";
import { analysisTable, toAnalysisOptions } from "./pipeline-binding.js";
import { failedAnalysis, finishedAnalysis, prismaOf } from "./reports.js";

/** Progress reports are forwarded at most this often (ms) so the page's event loop stays free. */
const PROGRESS_INTERVAL_MS = 50;

export function analysisMethods(
  context: EngineContext,
): Pick<EngineApi, "analyze" | "analyzeAsync" | "cancel"> {
  const { pipeline, options: engineOptions } = context;
  /** The resampling jobs under way, by the page's job id. */
  const running = new Map<number, AbortController>();
  return {
    async analyze(read, settings) {
      const started = performance.now();
      const table = analysisTable(read, settings);
      try {
        const fast: Settings = { ...settings, permutations: null, bootstrap: null, gosh: null };
        const analysis = pipeline.analyze(
          table,
          toAnalysisOptions(fast, prismaOf(context, table, settings)),
        );
        return finishedAnalysis(context, analysis, table, started, settings);
      } catch (error) {
        return failedAnalysis(error, table, false);
      }
    },

    async analyzeAsync(read, settings, jobId, onProgress) {
      const started = performance.now();
      const table = analysisTable(read, settings);
      const controller = new AbortController();
      running.set(jobId, controller);
      let lastSent = 0;
      let pending: Progress | null = null;
      const report = (p: Progress) => {
        const now = performance.now();
        pending = p;
        if (now - lastSent >= PROGRESS_INTERVAL_MS || p.done >= p.total) {
          lastSent = now;
          pending = null;
          // Fire and forget: a slow page must not slow the computation.
          void Promise.resolve(onProgress(p)).catch(() => undefined);
        }
      };
      try {
        const analysis = await pipeline.analyzeAsync(
          table,
          toAnalysisOptions(settings, prismaOf(context, table, settings)),
          {
            signal: controller.signal,
            onProgress: report,
            ...(engineOptions.workers !== undefined ? { workers: engineOptions.workers } : {}),
            ...(engineOptions.workerFactory ? { workerFactory: engineOptions.workerFactory } : {}),
          },
        );
        if (pending) void Promise.resolve(onProgress(pending)).catch(() => undefined);
        return finishedAnalysis(context, analysis, table, started, settings);
      } catch (error) {
        return failedAnalysis(error, table, controller.signal.aborted);
      } finally {
        running.delete(jobId);
      }
    },

    async cancel(jobId) {
      running.get(jobId)?.abort();
    },
  };
}
