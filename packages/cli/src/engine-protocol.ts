/**
 * What crosses between the command (main thread) and the analysis engine (a worker thread; see
 * engine-client.ts for why). Plain, structured-cloneable objects only: no classes, no functions.
 * Types only, so the main thread's modules that import it load nothing of the engine.
 */
import type { ProjectAnalysisSettings, ProjectReportSettings } from "@pooled/pipeline";

/**
 * The analysis flags of `pooled analyze`, under the pipeline's option names (a project file holds
 * the same settings under the same names).
 */
export type AnalyzeSettings = ProjectAnalysisSettings;

/** The report flags: --forest-sort, --forest-columns, --favours (left, right). */
export type ReportSettings = ProjectReportSettings;

export type Format = "text" | "json" | "markdown";

/**
 * One run of the engine: the files to read and what to produce from them. The engine's thread
 * reads the files itself, so the command's main thread loads nothing of the engine. The file is a
 * data file or a project file (engine.ts tells which); a project's settings give way to the flags
 * typed, not to those that only hold commander's default (`defaulted`).
 */
export interface EngineRequest {
  /** The data or project file as named on the command line. */
  file: string;
  /** --map pairs, and the --config file. */
  map: string[];
  config?: string;
  /** --prisma: a JSON file, or the counts inline. */
  prisma?: string;
  /** --sheet: the XLSX sheet to read (a project has none: refused). */
  sheet?: string;
  /** --decimal-comma was given. */
  decimalComma: boolean;
  /** The analysis flags (the engine fills in the measure the file implies). */
  settings: AnalyzeSettings;
  /** The report flags; --forest-columns must name columns of the data, with or without --out. */
  labels: ReportSettings;
  /** Names of the flags (settings and labels keys) that hold commander's default, not a value typed. */
  defaulted: string[];
  format: Format;
  /** The report folder's files are rendered only with --out. */
  report: { version: string } | null;
  /** Worker threads for permutations and bootstrap. */
  workers: number;
}

export interface Progress {
  stage: string;
  done: number;
  total: number;
}

/** One report file, held in memory until the whole folder is written. */
export interface ReportFile {
  /** Path inside the report folder, "/"-separated (e.g. "plots/forest.svg"). */
  name: string;
  content: string | Uint8Array;
}

/** How a run ended. */
export type EngineOutcome =
  | {
      kind: "done";
      /** What --format prints on stdout. */
      summary: string;
      /** The report folder's files (with --out). */
      files: ReportFile[] | null;
      /** Messages about the inputs (PRISMA counts, --forest-sort), printed after the summary. */
      warnings: string[];
    }
  /** Bad input: every problem found, as `file:row:column: expected ..., found ...` lines. */
  | { kind: "problems"; lines: string[] }
  /** The analysis stopped: the engine's error code (INPUT, TOO_MANY_ARRANGEMENTS, ...) and why. */
  | { kind: "failed"; code: string | null; message: string; lines: string[] | null };

/** Messages from the engine's thread. */
export type EngineMessage =
  | { type: "progress"; progress: Progress }
  | { type: "outcome"; outcome: EngineOutcome };
