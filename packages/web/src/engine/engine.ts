/**
 * The engine behind the worker: forwards to @pooled/pipeline and packages the answers so they
 * cross postMessage (plain objects, no classes, errors as DataProblem lists). No DOM here, so the
 * same code runs in a Web Worker and in Node (tests).
 */
import type { DataProblem, StudyTable } from "@pooled/pipeline";
import type { ShardWorkerFactory } from "@pooled/stats";
import type {
  AnalysisView,
  AnalyzeOutcome,
  EngineApi,
  ParseOutcome,
  ParseRequest,
  Progress,
  ReportFile,
  Settings,
} from "../api.js";
import { columnChoices, isWorkbook } from "../view/columns.js";
import { errorToProblems } from "../view/problems.js";
import { tableHeaders } from "../view/settings.js";
import { analysisTable, type PipelineBinding, toAnalysisOptions } from "./pipeline-binding.js";

export interface ExampleBundle {
  name: string;
  text: string;
  /** The example's PRISMA counts file, as text. */
  prisma: { name: string; text: string } | null;
}

/** Progress reports are forwarded at most this often (ms) so the page's event loop stays free. */
const PROGRESS_INTERVAL_MS = 50;

export interface EngineOptions {
  /** Web Workers for resampling shards (default 1: in the engine's own thread). */
  workers?: number;
  workerFactory?: ShardWorkerFactory;
}

export function createEngine(
  pipeline: PipelineBinding,
  example: ExampleBundle | null,
  engineOptions: EngineOptions = {},
): EngineApi {
  const running = new Map<number, AbortController>();
  const examplePrisma = example?.prisma
    ? pipeline.prisma(example.prisma.text, example.prisma.name).counts
    : null;
  /** PRISMA counts: the reader's own file when given, else the example's with the example. */
  const prismaOf = (table: StudyTable, settings: Settings) =>
    settings.prisma !== undefined
      ? settings.prisma
      : example && table.source === example.name
        ? examplePrisma
        : null;

  const parseBytes = async (
    bytes: Uint8Array,
    fileName: string,
    request?: ParseRequest,
  ): Promise<ParseOutcome> => {
    try {
      const result = await pipeline.parse(bytes, fileName, request);
      const byName = pipeline.detectColumns(result.headers);
      if (!result.ok) {
        return {
          ok: false,
          problems: result.problems,
          fileName,
          headers: result.headers,
          detected: columnChoices(byName, request?.columns),
        };
      }
      return {
        ok: true,
        table: result.table,
        headers: result.headers ?? tableHeaders(result.table),
        fileName,
        inferredMeasure: pipeline.inferMeasure(result.table),
        detected: columnChoices(byName, request?.columns, result.table.columns.fields),
      };
    } catch (error) {
      return {
        ok: false,
        problems: errorToProblems(error, fileName),
        fileName,
        headers: [],
        detected: {},
      };
    }
  };

  const finish = (
    analysis: unknown,
    table: StudyTable,
    started: number,
    settings: Settings,
  ): AnalyzeOutcome => {
    const files: ReportFile[] = pipeline.renderReport(analysis, table, settings.forestSort);
    return {
      ok: true,
      // Structured clone drops nothing JSON-able; the view reads the contract's subset.
      analysis: analysis as AnalysisView,
      files,
      plainLanguage: pipeline.plainLanguage(analysis),
      reading: pipeline.readingScale(analysis),
      elapsedMs: performance.now() - started,
    };
  };

  const failure = (error: unknown, table: StudyTable, cancelled: boolean): AnalyzeOutcome => {
    const problems: DataProblem[] = cancelled ? [] : errorToProblems(error, table.source);
    const message = cancelled
      ? "Cancelled"
      : error instanceof Error
        ? error.message
        : typeof error === "string"
          ? error
          : "the analysis failed";
    return { ok: false, message, problems, cancelled };
  };

  return {
    async parse(bytes, fileName, request) {
      return parseBytes(bytes, fileName, request);
    },

    async sheetNames(bytes, fileName) {
      return isWorkbook(fileName, bytes) ? pipeline.sheetNames(bytes) : [];
    },

    async loadExample(request) {
      if (!example) {
        return {
          ok: false,
          fileName: "example",
          problems: [
            {
              file: "example",
              row: null,
              column: null,
              expected:
                "the bundled example data set, but this build was made without one (examples/ held no CSV)",
            },
          ],
          headers: [],
          detected: {},
        };
      }
      return parseBytes(new TextEncoder().encode(example.text), example.name, request);
    },

    async analyze(read, settings) {
      const started = performance.now();
      const table = analysisTable(read, settings);
      try {
        const fast: Settings = { ...settings, permutations: null, bootstrap: null, gosh: null };
        const analysis = pipeline.analyze(
          table,
          toAnalysisOptions(fast, prismaOf(table, settings)),
        );
        return finish(analysis, table, started, settings);
      } catch (error) {
        return failure(error, table, false);
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
          toAnalysisOptions(settings, prismaOf(table, settings)),
          {
            signal: controller.signal,
            onProgress: report,
            ...(engineOptions.workers !== undefined ? { workers: engineOptions.workers } : {}),
            ...(engineOptions.workerFactory ? { workerFactory: engineOptions.workerFactory } : {}),
          },
        );
        if (pending) void Promise.resolve(onProgress(pending)).catch(() => undefined);
        return finish(analysis, table, started, settings);
      } catch (error) {
        return failure(error, table, controller.signal.aborted);
      } finally {
        running.delete(jobId);
      }
    },

    async cancel(jobId) {
      running.get(jobId)?.abort();
    },

    async readPrisma(text, fileName) {
      try {
        return pipeline.prisma(text, fileName);
      } catch (error) {
        return { counts: null, problems: errorToProblems(error, fileName) };
      }
    },

    async warmUp() {
      // Runs the example once (parse, analysis, every plot and report file) so the WASM core is
      // compiled and the code paths are warm when the reader asks; the result is discarded.
      const started = performance.now();
      const tiny = "study,yi,vi\nA,0.5,0.1\nB,1.2,0.2\nC,0.9,0.15\nD,0.1,0.3\n";
      const text = example?.text ?? tiny;
      try {
        const parsed = await pipeline.parse(
          new TextEncoder().encode(text),
          example?.name ?? "warm-up.csv",
        );
        if (parsed.ok) {
          const options = example ? { by: "dose", prisma: examplePrisma } : {};
          const analysis = pipeline.analyze(parsed.table, { ...options, seed: 1 });
          pipeline.renderReport(analysis, parsed.table);
          pipeline.plainLanguage(analysis);
        }
      } catch {
        // Warming up is an optimisation only; a real run reports its own errors.
      }
      return performance.now() - started;
    },
  };
}
