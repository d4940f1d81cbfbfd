/**
 * The engine behind the worker: forwards to @pooled/pipeline and packages the answers so they
 * cross postMessage (plain objects, no classes, errors as DataProblem lists). No DOM here, so the
 * same code runs in a Web Worker and in Node (tests).
 */
import type { DataProblem, ParseOptions, StudyTable } from "@pooled/pipeline";
import type { ShardWorkerFactory } from "@pooled/stats";
import type {
  AnalysisView,
  AnalyzeOutcome,
  EngineApi,
  GridSource,
  ParseOutcome,
  ParseRequest,
  Progress,
  ReportFile,
  Settings,
} from "../api.js";
import { columnChoices, isWorkbook } from "../view/columns.js";
import { normaliseGrid } from "../view/grid/model.js";
import { errorToProblems } from "../view/problems.js";
import { projectFileName } from "../view/project.js";
import { tableHeaders } from "../view/settings.js";
import {
  analysisTable,
  type PipelineBinding,
  projectAnalysis,
  projectReport,
  settingsFromAnalysisOptions,
  toAnalysisOptions,
} from "./pipeline-binding.js";

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
      // The cells for the page's grid, read apart from the validation: a file with problems is
      // corrected there.
      const grid = await pipeline.dataGrid(bytes, fileName, request?.sheet).catch(() => null);
      return { ...outcome(result, fileName, request), grid };
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

  /** A parse's result as the page takes it: the table or the problems, and the column choices. */
  const outcome = (
    result: Awaited<ReturnType<PipelineBinding["parse"]>>,
    fileName: string,
    request: ParseRequest | undefined,
  ): ParseOutcome => {
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
  };

  /**
   * How the CLI reads a project's data with the page's settings (its column choices, decimal
   * comma, the columns its settings name); the measure only when the page asks for one (else the
   * pipeline infers it, as the CLI without a measure).
   */
  const gridOptions = (source: GridSource, request: ParseRequest | undefined): ParseOptions => {
    const options = pipeline.projectParseOptions({
      columns: request?.columns ?? {},
      decimalComma: request?.decimalComma === true,
      analysis: source.settings ? projectAnalysis(source.settings) : {},
      report: projectReport(source.settings),
      prisma: null,
    });
    delete options.measure;
    if (request?.measure) options.measure = request.measure;
    return options;
  };

  const finish = (
    analysis: unknown,
    table: StudyTable,
    started: number,
    settings: Settings,
  ): AnalyzeOutcome => {
    const files: ReportFile[] = pipeline.renderReport(analysis, table, {
      ...(settings.forestSort !== undefined ? { forestSort: settings.forestSort } : {}),
      ...(settings.forestColumns !== undefined ? { forestColumns: settings.forestColumns } : {}),
      ...(settings.favours !== undefined ? { favours: settings.favours } : {}),
    });
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
      const parsed = await parseBytes(
        new TextEncoder().encode(example.text),
        example.name,
        request,
      );
      return { ...parsed, prisma: examplePrisma };
    },

    async parseGrid(source, request) {
      try {
        const result = pipeline.parseGrid(
          source.data,
          source.fileName,
          gridOptions(source, request),
        );
        return outcome(result, source.fileName, request);
      } catch (error) {
        return {
          ok: false,
          problems: errorToProblems(error, source.fileName),
          fileName: source.fileName,
          headers: source.data.headers,
          detected: {},
        };
      }
    },

    async exportProject(draft) {
      const fileName = projectFileName(draft.name);
      try {
        const analysis = {
          ...draft.kept.analysis,
          ...(draft.settings ? projectAnalysis(draft.settings) : {}),
        };
        const report = { ...draft.kept.report, ...projectReport(draft.settings) };
        const text = pipeline.writeProject({
          name: draft.name,
          savedAt: draft.savedAt,
          data: { source: draft.source, headers: draft.data.headers, rows: draft.data.rows },
          columns: draft.columns,
          decimalComma: draft.decimalComma,
          analysis,
          report,
          prisma: draft.prisma,
        });
        return { ok: true, text, fileName };
      } catch (error) {
        return { ok: false, problems: errorToProblems(error, fileName) };
      }
    },

    async importProject(text, fileName) {
      try {
        const read = pipeline.readProject(text, fileName);
        if (!read.project) return { ok: false, problems: read.problems };
        const p = read.project;
        const { forestSort, forestColumns, favours, ...report } = p.report;
        const { settings, kept, measureGiven } = settingsFromAnalysisOptions(p.analysis, {
          ...(forestSort !== undefined ? { forestSort } : {}),
          ...(forestColumns !== undefined ? { forestColumns } : {}),
          ...(favours !== undefined ? { favours } : {}),
        });
        return {
          ok: true,
          measureGiven,
          warnings: read.warnings,
          project: {
            name: p.name,
            savedAt: p.savedAt,
            data: normaliseGrid(p.data.headers, p.data.rows),
            source: p.data.source,
            columns: p.columns,
            decimalComma: p.decimalComma,
            settings,
            prisma: p.prisma,
            kept: { analysis: kept, report: { ...report } },
          },
        };
      } catch (error) {
        return { ok: false, problems: errorToProblems(error, fileName) };
      }
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
