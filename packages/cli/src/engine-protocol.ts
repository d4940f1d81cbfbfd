/**
 * What crosses between the command (main thread) and the analysis engine (a worker thread; see
 * engine-client.ts for why). Plain, structured-cloneable objects only: no classes, no functions.
 * Types only, so the main thread's modules that import it load nothing of the engine.
 */
import type {
  AnalysisMethod,
  EggerPredictorOption,
  InputMeasure,
  ParseOptions,
  PrismaCounts,
} from "@pooled/pipeline";

/** The options of `pooled analyze`, as the pipeline's `analyze` takes them. */
export interface AnalyzeSettings {
  measure?: InputMeasure;
  method: AnalysisMethod;
  test: "z" | "knha";
  /** 2×2 tables: --add, --to, --drop00 (zero-cell rules of the study effects). */
  add?: number;
  to?: "only0" | "all" | "if0all" | "none";
  drop00?: boolean;
  eggerPredictor?: EggerPredictorOption;
  trimfillEstimator?: "L0" | "R0";
  trimfillSide?: "left" | "right";
  vtype?: "LS" | "UB" | "RevMan" | "LS2";
  correctBias?: boolean;
  /** --legacy-smdh-variance: metafor 3.8's SMDH sampling variance. */
  legacySmdhVariance?: boolean;
  bootstrapType?: "case" | "parametric";
  predict?: Record<string, number | string>[];
  /** --gosh: subsets asked of GOSH. */
  gosh?: number;
  /** --model: "standard" or "three-level" (experiments nested in publications). */
  model?: "standard" | "three-level";
  /** --cluster: the publication column. */
  cluster?: string;
  by?: string;
  mods?: string[];
  permutations?: number | "exact";
  bootstrap?: number;
  seed?: number;
  prisma?: PrismaCounts;
}

export type Format = "text" | "json" | "markdown";

/**
 * One run of the engine: the files to read and what to produce from them. The engine's thread
 * reads the files itself, so the command's main thread loads nothing of the engine.
 */
export interface EngineRequest {
  /** The data file as named on the command line. */
  file: string;
  /** --map pairs, and the --config file. */
  map: string[];
  config?: string;
  /** --prisma: a JSON file, or the counts inline. */
  prisma?: string;
  /** The reading options of the data file (the engine adds the columns of --map and --config). */
  parse: Omit<ParseOptions, "columns">;
  settings: AnalyzeSettings;
  /** --forest-sort year asked for: warn when the file has no year column. */
  forestSortYear: boolean;
  format: Format;
  /** The report folder's files are rendered only with --out. */
  report: {
    forestSort?: "input" | "effect" | "year" | "weight";
    /** --forest-columns: descriptor columns of the forest plot (headers as written). */
    forestColumns?: string[];
    /** --favours: the labels under the forest plot's axis. */
    favours?: { left: string; right: string };
    version: string;
  } | null;
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
