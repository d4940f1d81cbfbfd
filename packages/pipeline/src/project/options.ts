/**
 * From a project to the pipeline's inputs: its data as a grid, its settings as the options of
 * parseStudyGrid and analyze. The CLI passes a data file's flags through the same functions (as
 * {@link ProjectSettings}), so a project and the equivalent file with flags are read and analysed
 * alike.
 */
import type { AnalysisOptions } from "../analysis/types.js";
import type { Grid } from "../input/grid.js";
import type { ParseOptions } from "../input/types.js";
import type { PlotLabels } from "../report/plots.js";
import { isObject, MAX_PROJECT_DEPTH, nestedTooDeep } from "./shape.js";
import {
  type PooledProject,
  PROJECT_FORMAT,
  PROJECT_SUFFIX,
  type ProjectData,
  type ProjectReportSettings,
  type ProjectSettings,
} from "./types.js";

/**
 * The project's data as the grid a reader gives: header row 1, `rows[i]` row i + 2. Headers are
 * trimmed, as the CSV and XLSX readers trim them; cells stay as typed ("" and null are both
 * empty cells, as a CSV's empty fields are ""), and parseStudyGrid skips blank rows as the
 * readers do, so a CSV and the same cells in a project validate identically.
 */
export function gridFromProjectData(data: ProjectData): Grid {
  return {
    headers: data.headers.map((h) => h.trim()),
    rows: data.rows.map((cells, i) => ({ row: i + 2, cells })),
  };
}

/**
 * How to read the project's data: its column choices, decimal comma and measure, and the columns
 * its settings name (--by, --mods, --cluster, --forest-columns), which must exist, as the CLI
 * requires them of a data file.
 */
export function projectParseOptions(settings: ProjectSettings): ParseOptions {
  const { analysis, report } = settings;
  const options: ParseOptions = {
    columns: { ...settings.columns },
    decimalComma: settings.decimalComma,
    requireColumns: [
      ...(analysis.by === undefined ? [] : [analysis.by]),
      ...(analysis.mods ?? []),
      ...(analysis.cluster === undefined ? [] : [analysis.cluster]),
      // A typo in a forest column is bad input, not a silently empty column.
      ...(report.forestColumns ?? []),
    ],
    // The same moderator twice is bad input, which the reader names.
    moderators: analysis.mods ?? [],
  };
  if (analysis.measure !== undefined) options.measure = analysis.measure;
  return options;
}

/** The options of analyze(): the analysis settings and the PRISMA counts. */
export function projectAnalysisOptions(settings: ProjectSettings): AnalysisOptions {
  const options: AnalysisOptions = { ...settings.analysis };
  if (settings.prisma !== null) options.prisma = settings.prisma;
  return options;
}

/**
 * The name the analysis of a project goes by (analysis.json's `source`, the report's title): the
 * file its data came from, so that a project analyses exactly as that file does, or the project
 * file's own name when the data were typed in. Folders are left out, as analyze() leaves them out.
 */
/**
 * The report's plot options from a project's report settings (or the CLI's --forest-sort,
 * --forest-columns and --favours, which take the same shape): the one mapping the CLI and the web
 * page both draw their forest plot with.
 */
export function projectPlotLabels(report: ProjectReportSettings): PlotLabels {
  const labels: PlotLabels = {};
  if (report.forestSort !== undefined) labels.forestSort = report.forestSort;
  if (report.forestColumns !== undefined) labels.forestColumns = [...report.forestColumns];
  if (report.favours !== undefined)
    labels.favours = { left: report.favours[0], right: report.favours[1] };
  return labels;
}

export function projectSourceName(project: PooledProject, fileName: string): string {
  const path = project.data.source ?? fileName;
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1) || path;
}

/**
 * Whether a file is a project rather than a data file: its name ends in `.pooled.json`, or it is
 * a `.json` file whose top-level object says `"format": "pooled-project"` (a data file in JSON
 * is an array, so only an object is parsed to look).
 */
export function isProjectFile(fileName: string, text: string): boolean {
  if (fileName.toLowerCase().endsWith(PROJECT_SUFFIX)) return true;
  if (!/\.json$/i.test(fileName)) return false;
  const start = text.search(/[^\s\ufeff]/);
  if (start < 0 || text[start] !== "{" || nestedTooDeep(text, MAX_PROJECT_DEPTH) !== null)
    return false;
  try {
    const value: unknown = JSON.parse(text.slice(start));
    return isObject(value) && value["format"] === PROJECT_FORMAT;
  } catch {
    return false;
  }
}
