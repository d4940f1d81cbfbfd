/**
 * The project file (`.pooled.json`): everything a review needs to be re-run, in one JSON file
 * the web page exports and imports and the CLI reads (`pooled analyze review.pooled.json`).
 * The data travel as typed, cell by cell, so the page and the CLI validate the same cells with
 * the same rules and get the same analysis.json.
 */
import type { AnalysisOptions } from "../analysis/types.js";
import type { Cell } from "../input/grid.js";
import type { ColumnOverrides, DataProblem, PrismaCounts } from "../input/types.js";
import type { PlotLabels } from "../report/plots.js";

/** The value of `format`: says what the file is before any other field is read. */
export const PROJECT_FORMAT = "pooled-project";
/** The version written; a reader refuses a later one with a clear message. */
export const PROJECT_VERSION = 1;
/** The file name suffix the CLI recognises a project by. */
export const PROJECT_SUFFIX = ".pooled.json";

/**
 * The study table as typed: one header per column, rows of cells. Row numbers follow a
 * spreadsheet (and the CLI's messages): the header is row 1, `rows[0]` is row 2. Exclusions are
 * the `exclude` column of the data (free text: the reason), as in a data file.
 */
export interface ProjectData {
  /**
   * The name of the file the data were imported from (e.g. "bbb.csv"), or null when they were
   * typed in. The analysis reports it as its `source` (the report's title, analysis.json), so a
   * project analyses under the same name as the file it came from; see {@link projectSourceName}.
   */
  source: string | null;
  headers: string[];
  rows: Cell[][];
}

/** The analysis settings: the pipeline's options under the CLI's flag names (prisma travels apart). */
export type ProjectAnalysisSettings = Omit<AnalysisOptions, "prisma">;

/** How the report is drawn (the CLI's --forest-sort, --forest-columns, --favours). */
export interface ProjectReportSettings {
  forestSort?: NonNullable<PlotLabels["forestSort"]>;
  forestColumns?: string[];
  /** The labels under the forest plot's axis: left, then right. */
  favours?: [string, string];
}

export interface PooledProject {
  format: typeof PROJECT_FORMAT;
  version: typeof PROJECT_VERSION;
  /** The reader's name for the review (shown in the page's project list). */
  name: string;
  /** ISO 8601 time of the last change, e.g. "2025-05-01T12:00:00.000Z". */
  savedAt: string;
  data: ProjectData;
  /** Column choices that override auto-detection (field -> header, null to unmap): --map. */
  columns: ColumnOverrides;
  /** Cells typed with a decimal comma ("3,5"): --decimal-comma. */
  decimalComma: boolean;
  analysis: ProjectAnalysisSettings;
  report: ProjectReportSettings;
  /** PRISMA 2020 counts, or null when not entered. */
  prisma: PrismaCounts | null;
}

/**
 * What a project says about how to read and analyse its data: everything but the data and the
 * file's own fields. The CLI builds one from its flags for a data file, so a data file and a
 * project go through the same options.
 */
export type ProjectSettings = Pick<
  PooledProject,
  "columns" | "decimalComma" | "analysis" | "report" | "prisma"
>;

/**
 * Outcome of {@link parseProject}: the project, or every problem found (each naming the file
 * and the JSON path, e.g. column "analysis.method"). `warnings` are about PRISMA counts that
 * do not add up, as for a --prisma file.
 */
export type ProjectParseResult =
  | { project: PooledProject; problems: []; warnings: string[] }
  | { project: null; problems: DataProblem[]; warnings: string[] };
