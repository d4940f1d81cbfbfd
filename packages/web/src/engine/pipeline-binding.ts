/**
 * The one place that knows the names and shapes of @pooled/pipeline's functions. Everything else
 * in the web package talks to {@link PipelineBinding}, so a change in the pipeline's signatures
 * is absorbed here.
 */
import {
  type Analysis,
  type AnalysisOptions,
  analyze,
  analyzeAsync,
  createProject,
  type DataProblem,
  decodeText,
  gridFromProjectData,
  type InputField,
  inferMeasure,
  laySummary,
  matchHeader,
  type ParseOptions,
  type PooledProject,
  type PrismaCounts,
  type ProjectData,
  type ProjectFields,
  type ProjectReportSettings,
  type ProjectSettings,
  parsePrisma,
  parseProject,
  parseStudyFile,
  parseStudyGrid,
  projectParseOptions,
  projectPlotLabels,
  renderReport,
  type StudyTable,
  serializeProject,
  TABLE_MEASURES,
  transformedInterval,
} from "@pooled/pipeline";
import type { ShardWorkerFactory } from "@pooled/stats";
// The XLSX reader the pipeline parses workbooks with (its dependency, bundled once): listing the
// sheets with it numbers and names them exactly as parseStudyFile's `sheet` option reads them.
// The pipeline does not list sheet names itself yet.
import readXlsxFile from "read-excel-file/universal";
import type {
  GoshReadingView,
  MeasureName,
  ParseRequest,
  Progress,
  ReadingInterval,
  ReadingScaleView,
  ReportFile,
  Settings,
} from "../api.js";
import { splitDelimited } from "../view/grid/clipboard.js";
import type { GridCell } from "../view/grid/model.js";
import {
  BOOTSTRAP_TYPES,
  DEFAULT_SETTINGS,
  EGGER_PREDICTORS,
  FOREST_SORTS,
  MEASURE_VTYPES,
  MEASURES,
  METHODS,
  MODELS,
  TESTS,
  TRIMFILL_ESTIMATORS,
  VTYPES,
  ZERO_CELL_RULES,
} from "../view/settings.js";

export interface PipelineBinding {
  parse(
    bytes: Uint8Array,
    fileName: string,
    request?: ParseRequest,
  ): Promise<
    | { ok: true; table: StudyTable; headers: string[] }
    | { ok: false; problems: DataProblem[]; headers: string[] }
  >;
  /** An XLSX workbook's sheet names, in order; [] when the bytes are not a readable workbook. */
  sheetNames(bytes: Uint8Array): Promise<string[]>;
  /**
   * A data file's cells, for the page's grid: headers and rows as read, each row at its number in
   * the file (blank rows stand in for blank lines); null when the file cannot be read as a table.
   */
  dataGrid(bytes: Uint8Array, fileName: string, sheet?: string): Promise<ProjectData | null>;
  /** A typed table (a project's data) validated as the CLI validates a project file's data. */
  parseGrid(
    data: ProjectData,
    fileName: string,
    options: ParseOptions,
  ):
    | { ok: true; table: StudyTable; headers: string[] }
    | { ok: false; problems: DataProblem[]; headers: string[] };
  /** How the CLI reads a project's data with these settings (its columns, measure, required columns). */
  projectParseOptions(settings: ProjectSettings): ParseOptions;
  /** A project file's text from its fields (the pipeline's createProject and serializeProject). */
  writeProject(fields: ProjectFields): string;
  /** A project file read, or every problem in it (each naming the JSON path). */
  readProject(
    text: string,
    fileName: string,
  ): { project: PooledProject | null; problems: DataProblem[]; warnings: string[] };
  /**
   * The field each header feeds by its name (the CLI's auto-detection), first header per field,
   * input-only fields (SEM, CI bounds, exclude) included.
   */
  detectColumns(headers: readonly string[]): Partial<Record<InputField, string>>;
  /** The measure a table implies (the pipeline's inferMeasure, as the CLI without --measure). */
  inferMeasure(table: StudyTable): MeasureName;
  /** Values the analysis gives on its own scale only, back on the reader's (see readingScale). */
  readingScale(analysis: unknown): ReadingScaleView | null;
  /** PRISMA counts from a JSON text, or the problems found in it. */
  prisma(text: string, fileName: string): { counts: PrismaCounts | null; problems: DataProblem[] };
  analyze(table: StudyTable, options: Record<string, unknown>): unknown;
  analyzeAsync(
    table: StudyTable,
    options: Record<string, unknown>,
    control: {
      signal: AbortSignal;
      onProgress: (p: Progress) => void;
      /** Resampling spread over this many Web Workers (the result does not depend on it). */
      workers?: number;
      workerFactory?: ShardWorkerFactory;
    },
  ): Promise<unknown>;
  /** The report folder of `pooled analyze --out`, as the CLI renders it (same version string). */
  renderReport(analysis: unknown, table: StudyTable, options?: ForestOptions): ReportFile[];
  /** The plain-language summary's paragraphs (the report's lay summary). */
  plainLanguage(analysis: unknown): { heading: string; text: string }[];
}

/** How the report draws the forest plot (the CLI's --forest-sort, --forest-columns, --favours). */
export type ForestOptions = Pick<Settings, "forestSort" | "forestColumns" | "favours">;

/** Settings -> the pipeline's analysis options (the CLI's flag names). */
export function toAnalysisOptions(
  s: Settings,
  prisma?: PrismaCounts | null,
): Record<string, unknown> {
  const options: Record<string, unknown> = {
    // A project's options the page has no control for (e.g. level) go first: a control wins.
    ...(s.projectOptions ?? {}),
    measure: s.measure,
    method: s.method,
    test: s.test,
    seed: s.seed,
  };
  // 2×2 tables only (the pipeline refuses the zero-cell rules for other measures, as the CLI
  // does --add with --measure MD); like the CLI's flags, only what differs from the default.
  if (TABLE_MEASURES.includes(s.measure)) {
    if (s.add !== 0.5) options["add"] = s.add;
    if (s.to !== "only0") options["to"] = s.to;
    if (s.drop00 !== null) options["drop00"] = s.drop00;
  }
  if (s.eggerPredictor !== "sei") options["eggerPredictor"] = s.eggerPredictor;
  if (s.trimfillEstimator !== "L0") options["trimfillEstimator"] = s.trimfillEstimator;
  if (s.trimfillSide !== null) options["trimfillSide"] = s.trimfillSide;
  // --vtype with the measures that take it (SMD: LS, UB, RevMan; MD: LS, UB; ROM: LS, LS2),
  // --correct-bias with ROM, --legacy-smdh-variance with SMDH: the pipeline refuses them
  // elsewhere, as the CLI's flags.
  if (s.vtype !== "LS" && MEASURE_VTYPES[s.measure]?.includes(s.vtype)) options["vtype"] = s.vtype;
  // Sent for ROM only (the pipeline corrects it by default; SMD and SMDH have no switch).
  if (s.measure === "ROM") options["correctBias"] = s.correctBias;
  if (s.measure === "SMDH" && s.legacySmdhVariance === true) options["legacySmdhVariance"] = true;
  if (s.model !== "standard") options["model"] = s.model;
  if (typeof s.cluster === "string") options["cluster"] = s.cluster;
  if (s.by !== null) options["by"] = s.by;
  if (s.mods.length > 0) options["mods"] = [...s.mods];
  if (s.permutations !== null) options["permutations"] = s.permutations;
  if (s.bootstrap !== null) options["bootstrap"] = s.bootstrap;
  // The bootstrap's kind describes the bootstrap: sent with one only (as a job's seed).
  if (s.bootstrap !== null && s.bootstrapType !== "case")
    options["bootstrapType"] = s.bootstrapType;
  // --gosh N, only when the box is ticked (a resampling job, as the bootstrap).
  if (s.gosh !== null) options["gosh"] = s.gosh;
  // --predict needs --mods (the pipeline refuses it alone).
  if (s.mods.length > 0 && s.predict.length > 0)
    options["predict"] = s.predict.map((point) => ({ ...point }));
  if (prisma) options["prisma"] = prisma;
  return options;
}

/** A project's analysis settings read back into the page's settings (see settingsFromAnalysisOptions). */
export interface SettingsFromOptions {
  settings: Settings;
  /**
   * Options the page has no control for (e.g. `level`), or values its controls do not offer
   * (e.g. `vtype: "LS2"`): kept as given and sent with the page's own (Settings.projectOptions),
   * so a project analyses on the page as the CLI analyses it.
   */
  kept: Record<string, unknown>;
  /** Whether a measure is named; else the page infers it from the data, as the CLI does. */
  measureGiven: boolean;
}

/**
 * The inverse of {@link toAnalysisOptions}: a project's `analysis` block (the CLI's option names)
 * and its report's forest order as the page's settings, every option left unnamed at the CLI's
 * default. Whatever the settings cannot say is kept, so that
 * `toAnalysisOptions({ ...settings, projectOptions: kept })` gives every option back unchanged.
 */
export function settingsFromAnalysisOptions(
  options: Readonly<Record<string, unknown>>,
  report: Pick<ProjectReportSettings, "forestSort" | "forestColumns" | "favours"> = {},
): SettingsFromOptions {
  const d = DEFAULT_SETTINGS;
  const pick = <T>(key: string, allowed: readonly T[], fallback: T): T =>
    allowed.includes(options[key] as T) ? (options[key] as T) : fallback;
  const count = (key: string): number | null =>
    typeof options[key] === "number" ? (options[key] as number) : null;
  const mods = Array.isArray(options["mods"])
    ? (options["mods"] as unknown[]).filter((m): m is string => typeof m === "string")
    : [];
  const predict = Array.isArray(options["predict"])
    ? (options["predict"] as Settings["predict"]).map((p) => ({ ...p }))
    : [];
  const settings: Settings = {
    measure: pick("measure", MEASURES, d.measure),
    method: pick("method", METHODS, d.method),
    test: pick("test", TESTS, d.test),
    model: pick("model", MODELS, d.model),
    ...(typeof options["cluster"] === "string" ? { cluster: options["cluster"] } : {}),
    by: typeof options["by"] === "string" ? options["by"] : null,
    mods,
    permutations: options["permutations"] === "exact" ? "exact" : count("permutations"),
    bootstrap: count("bootstrap"),
    seed: count("seed") ?? d.seed,
    add: count("add") ?? d.add,
    to: pick("to", ZERO_CELL_RULES, d.to),
    drop00: typeof options["drop00"] === "boolean" ? options["drop00"] : d.drop00,
    eggerPredictor: pick("eggerPredictor", EGGER_PREDICTORS, d.eggerPredictor),
    trimfillEstimator: pick("trimfillEstimator", TRIMFILL_ESTIMATORS, d.trimfillEstimator),
    trimfillSide:
      options["trimfillSide"] === "left" || options["trimfillSide"] === "right"
        ? options["trimfillSide"]
        : null,
    vtype: pick("vtype", VTYPES, d.vtype),
    correctBias:
      typeof options["correctBias"] === "boolean" ? options["correctBias"] : d.correctBias,
    legacySmdhVariance: options["legacySmdhVariance"] === true,
    bootstrapType: pick("bootstrapType", BOOTSTRAP_TYPES, d.bootstrapType),
    predict,
    gosh: count("gosh"),
  };
  settings.forestSort =
    FOREST_SORTS.find((f) => f === report.forestSort) ?? d.forestSort ?? "input";
  settings.forestColumns = report.forestColumns ? [...report.forestColumns] : [];
  settings.favours = report.favours ? [report.favours[0], report.favours[1]] : null;
  // Every option the settings do not give back as written is kept as written.
  const back = toAnalysisOptions(settings);
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === "prisma" || value === undefined) continue;
    if (JSON.stringify(back[key]) !== JSON.stringify(value)) kept[key] = value;
  }
  return { settings, kept, measureGiven: typeof options["measure"] === "string" };
}

/** The settings as a project's `analysis` block: the CLI's option names, PRISMA apart. */
export function projectAnalysis(settings: Settings): Record<string, unknown> {
  const { prisma: _prisma, ...analysis } = toAnalysisOptions(settings);
  return analysis;
}

/**
 * The settings' forest plot options as a project's `report` block (the CLI's --forest-sort,
 * --forest-columns and --favours), only what differs from the defaults.
 */
export function projectReport(settings: Settings | null | undefined): ProjectReportSettings {
  const report: ProjectReportSettings = {};
  if (!settings) return report;
  if (settings.forestSort !== undefined && settings.forestSort !== "input")
    report.forestSort = settings.forestSort;
  if (settings.forestColumns !== undefined && settings.forestColumns.length > 0)
    report.forestColumns = [...settings.forestColumns];
  if (settings.favours) report.favours = [settings.favours[0], settings.favours[1]];
  return report;
}

/**
 * The table the analysis reads: as read, or, when the reader chose no publication column
 * (settings.cluster null), without its recognised publication column, as the CLI reads a file
 * with --map cluster= (the pipeline then finds no publications and treats experiments as
 * independent).
 */
export function analysisTable(table: StudyTable, s: Pick<Settings, "cluster">): StudyTable {
  if (s.cluster !== null || table.columns.fields.cluster === undefined) return table;
  const { cluster: _unmapped, ...fields } = table.columns.fields;
  return {
    ...table,
    columns: { ...table.columns, fields },
    rows: table.rows.map(({ cluster: _publication, ...row }) => row),
  };
}

/**
 * The values the analysis JSON gives on the analysis scale only (each study's effect and CI, the
 * leave-one-out refits, the CR2 intervals), back on the reader's scale by the pipeline's own
 * transform (exp for ratios, tanh for Fisher's z); null when the measure is read as analysed.
 * The JSON's `transformed` blocks cover the model, subgroups, three-level model, trim-and-fill,
 * PET-PEESE's chosen estimate and the predictions; PET's and PEESE's own estimates and GOSH's
 * quantiles of the estimate are added here.
 */
export function readingScale(analysis: Analysis): ReadingScaleView | null {
  const scale = analysis.model.scale;
  if (scale === "identity") return null;
  const interval = (
    estimate: number | null,
    ciLower: number | null,
    ciUpper: number | null,
  ): ReadingInterval => {
    const t = transformedInterval(scale, { estimate, ciLower, ciUpper });
    return {
      estimate: t?.estimate ?? null,
      ciLower: t?.ciLower ?? null,
      ciUpper: t?.ciUpper ?? null,
    };
  };
  const value = (x: number | null): number | null =>
    transformedInterval(scale, { estimate: x, ciLower: null, ciUpper: null })?.estimate ?? null;
  const m = analysis.model;
  const ml = analysis.multilevel;
  const pp = analysis.bias?.petPeese ?? null;
  const g = analysis.gosh?.summary.estimate ?? null;
  const gosh: GoshReadingView | null = g
    ? {
        min: value(g.min),
        q25: value(g.q25),
        median: value(g.median),
        q75: value(g.q75),
        max: value(g.max),
      }
    : null;
  return {
    scale,
    studies: analysis.studies.map((s) => interval(s.yi, s.ciLower, s.ciUpper)),
    leaveOneOut:
      analysis.leaveOneOut?.map((r) => interval(r.estimate, r.ciLower, r.ciUpper)) ?? null,
    robust: m.robust ? interval(m.estimate, m.robust.ciLower, m.robust.ciUpper) : null,
    multilevelRobust: ml?.robust
      ? interval(ml.estimate, ml.robust.ciLower, ml.robust.ciUpper)
      : null,
    petPeese: pp
      ? {
          pet: interval(pp.pet.estimate, pp.pet.ciLower, pp.pet.ciUpper),
          peese: interval(pp.peese.estimate, pp.peese.ciLower, pp.peese.ciUpper),
        }
      : null,
    gosh,
  };
}

/**
 * Binds the pipeline. `version` is printed in the report; the CLI passes its own version, so the
 * web passes the same one (build.mjs reads it from packages/cli/package.json).
 */
export function bindPipeline(version?: string): PipelineBinding {
  return {
    async parse(bytes, fileName, request) {
      const options: ParseOptions = {};
      if (request?.columns) options.columns = request.columns;
      if (request?.measure) options.measure = request.measure;
      if (request?.decimalComma) options.decimalComma = true;
      if (request?.sheet !== undefined && request.sheet !== "") options.sheet = request.sheet;
      const result = await parseStudyFile(bytes, fileName, options);
      if (result.problems.length > 0 || !result.table) {
        return { ok: false, problems: result.problems, headers: result.headers };
      }
      return { ok: true, table: result.table, headers: result.headers };
    },
    async sheetNames(bytes) {
      try {
        const buffer = bytes.buffer.slice(
          bytes.byteOffset,
          bytes.byteOffset + bytes.byteLength,
        ) as ArrayBuffer;
        return (await readXlsxFile(buffer)).map((s) => s.sheet);
      } catch {
        return []; // parse() reports an unreadable workbook with its reason
      }
    },
    async dataGrid(bytes, fileName, sheet) {
      return await readDataGrid(bytes, fileName, sheet);
    },
    parseGrid(data, fileName, options) {
      const result = parseStudyGrid(gridFromProjectData(data), fileName, options);
      if (result.problems.length > 0 || !result.table)
        return { ok: false, problems: result.problems, headers: result.headers };
      return { ok: true, table: result.table, headers: result.headers };
    },
    projectParseOptions(settings) {
      return projectParseOptions(settings);
    },
    writeProject(fields) {
      return serializeProject(createProject(fields));
    },
    readProject(text, fileName) {
      const read = parseProject(text, fileName);
      return { project: read.project, problems: read.problems, warnings: read.warnings };
    },
    detectColumns(headers) {
      const out: Partial<Record<InputField, string>> = {};
      for (const header of headers) {
        const match = matchHeader(header);
        if (match?.kind === "field") out[match.field] ??= header;
      }
      return out;
    },
    inferMeasure(table) {
      return inferMeasure(table.columns.fields);
    },
    readingScale(analysis) {
      return readingScale(analysis as Analysis);
    },
    prisma(text, fileName) {
      const read = parsePrisma(text, fileName);
      return {
        counts: read.problems.length === 0 ? (read.counts ?? null) : null,
        problems: read.problems,
      };
    },
    analyze(table, options) {
      return analyze(table, options as AnalysisOptions);
    },
    async analyzeAsync(table, options, control) {
      return await analyzeAsync(table, {
        ...(options as AnalysisOptions),
        signal: control.signal,
        onProgress: (p) => control.onProgress({ task: p.stage, done: p.done, total: p.total }),
        ...(control.workers !== undefined ? { workers: control.workers } : {}),
        ...(control.workerFactory !== undefined ? { workerFactory: control.workerFactory } : {}),
      });
    },
    renderReport(analysis, table, forest = {}) {
      const plots = projectPlotLabels({
        ...(forest.forestSort !== undefined ? { forestSort: forest.forestSort } : {}),
        ...(forest.forestColumns !== undefined && forest.forestColumns.length > 0
          ? { forestColumns: forest.forestColumns }
          : {}),
        ...(forest.favours ? { favours: forest.favours } : {}),
      });
      const files = renderReport(analysis as Analysis, table, {
        ...(version !== undefined ? { version } : {}),
        ...(Object.keys(plots).length > 0 ? { plots } : {}),
      });
      return normaliseFiles(files);
    },
    plainLanguage(analysis) {
      return laySummary(analysis as Analysis).sections;
    },
  };
}

/**
 * A data file's cells as the page's grid shows them, read the way the pipeline's readers read
 * them: text decoded by the pipeline (UTF-8 or UTF-16), the delimiter that splits the first line
 * into most fields, the first sheet of a workbook (or the chosen one), a JSON array of objects.
 * Each row sits at its number in the file, so the grid's row numbers are the file's.
 */
async function readDataGrid(
  bytes: Uint8Array,
  fileName: string,
  sheet?: string,
): Promise<ProjectData | null> {
  let lines: { row: number; cells: GridCell[] }[];
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? "";
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (ext === "xlsx" || ext === "xlsm" || zip) {
    try {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const sheets = await readXlsxFile(buffer as ArrayBuffer);
      const chosen =
        sheet === undefined || sheet === "" ? sheets[0] : sheets.find((s) => s.sheet === sheet);
      if (!chosen) return null;
      lines = chosen.data.map((cells, i) => ({ row: i + 1, cells: cells.map(workbookCell) }));
    } catch {
      return null;
    }
  } else {
    const decoded = decodeText(bytes, fileName);
    if ("problem" in decoded) return null;
    const text = decoded.text;
    if (ext === "json") {
      try {
        const items: unknown = JSON.parse(text);
        if (!Array.isArray(items)) return null;
        const headers: string[] = [];
        for (const item of items)
          if (item && typeof item === "object" && !Array.isArray(item))
            for (const key of Object.keys(item)) if (!headers.includes(key)) headers.push(key);
        const rows = items.map((item) =>
          headers.map((key) => jsonCell((item as Record<string, unknown> | null)?.[key])),
        );
        return { source: fileName, headers, rows };
      } catch {
        return null;
      }
    }
    const firstLine = text.split(/\r?\n/, 1)[0]!.replace(/"[^"]*"/g, "");
    const delimiter =
      ext === "tsv" || ext === "tab"
        ? "\t"
        : ([",", ";", "\t"] as const)
            .map((d) => [d, firstLine.split(d).length] as const)
            .sort((a, b) => b[1] - a[1])[0]![0];
    lines = splitDelimited(text, delimiter).map((cells, i) => ({ row: i + 1, cells }));
  }
  const blank = (cells: readonly GridCell[]) =>
    cells.every((c) => c === null || (typeof c === "string" && c.trim() === ""));
  const headerAt = lines.findIndex((l) => !blank(l.cells));
  if (headerAt < 0) return null;
  const headerLine = lines[headerAt]!;
  const width = headerLine.cells.length;
  // Rows keep their numbers: with the header on row 1, row r of the file is rows[r - 2].
  const offset = headerLine.row - 1;
  const rows: GridCell[][] = [];
  for (const line of lines.slice(headerAt + 1)) {
    const at = line.row - offset - 2;
    while (rows.length < at) rows.push(Array.from({ length: width }, () => null));
    rows[at] = Array.from({ length: Math.max(width, line.cells.length) }, (_, i) => {
      const cell = line.cells[i];
      return cell === undefined || cell === "" ? null : cell;
    });
  }
  while (rows.length > 0 && blank(rows[rows.length - 1]!)) rows.pop();
  return {
    source: fileName,
    headers: headerLine.cells.map((h) => (h === null ? "" : String(h).trim())),
    rows,
  };
}

/** A workbook's value as a cell: dates as the pipeline reads them (YYYY-MM-DD). */
function workbookCell(value: unknown): GridCell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string")
    return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

function jsonCell(value: unknown): GridCell {
  if (value === undefined || value === null) return null;
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean")
    return value;
  return JSON.stringify(value);
}

const MIME_BY_EXT: Record<string, string> = {
  html: "text/html",
  svg: "image/svg+xml",
  csv: "text/csv",
  json: "application/json",
  r: "text/plain",
  md: "text/markdown",
  txt: "text/plain",
};

function mimeOf(name: string): string {
  const ext = name.split(".").pop()?.toLowerCase() ?? "";
  return MIME_BY_EXT[ext] ?? "application/octet-stream";
}

/** Accepts a map {name: content}, a Map, or an array of {name|path, content}. */
export function normaliseFiles(files: unknown): ReportFile[] {
  const out: ReportFile[] = [];
  const push = (name: string, content: unknown) => {
    const text =
      typeof content === "string"
        ? content
        : content instanceof Uint8Array
          ? new TextDecoder().decode(content)
          : JSON.stringify(content);
    out.push({ name, mime: mimeOf(name), content: text });
  };
  if (files instanceof Map) {
    for (const [name, content] of files) push(String(name), content);
  } else if (Array.isArray(files)) {
    for (const f of files as {
      name?: string;
      path?: string;
      content?: unknown;
      contents?: unknown;
    }[]) {
      push(f.name ?? f.path ?? "file", f.content ?? f.contents);
    }
  } else if (files && typeof files === "object") {
    const obj = files as Record<string, unknown>;
    const inner = "files" in obj ? obj["files"] : obj;
    if (inner !== obj) return normaliseFiles(inner);
    for (const [name, content] of Object.entries(obj)) push(name, content);
  }
  return out;
}
