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
  type DataProblem,
  type InputField,
  inferMeasure,
  laySummary,
  matchHeader,
  type ParseOptions,
  type PrismaCounts,
  parsePrisma,
  parseStudyFile,
  renderReport,
  type StudyTable,
  TABLE_MEASURES,
  transformedInterval,
} from "@pooled/pipeline";
import type { ShardWorkerFactory } from "@pooled/stats";
// The XLSX reader the pipeline parses workbooks with (its dependency, bundled once): listing the
// sheets with it numbers and names them exactly as parseStudyFile's `sheet` option reads them.
// The pipeline does not list sheet names itself yet.
import readXlsxFile from "read-excel-file/universal";
import type {
  ForestSortName,
  GoshReadingView,
  MeasureName,
  ParseRequest,
  Progress,
  ReadingInterval,
  ReadingScaleView,
  ReportFile,
  Settings,
} from "../api.js";

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
  renderReport(analysis: unknown, table: StudyTable, forestSort?: ForestSortName): ReportFile[];
  /** The plain-language summary's paragraphs (the report's lay summary). */
  plainLanguage(analysis: unknown): { heading: string; text: string }[];
}

/** Settings -> the pipeline's analysis options (the CLI's flag names, issue 6). */
export function toAnalysisOptions(
  s: Settings,
  prisma?: PrismaCounts | null,
): Record<string, unknown> {
  const options: Record<string, unknown> = {
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
  // --vtype with the measures that take it (SMD: LS, UB, RevMan; MD: LS, UB), --correct-bias with
  // ROM: the pipeline refuses them elsewhere, as the CLI's flags.
  if (s.vtype !== "LS" && (s.measure === "SMD" || (s.measure === "MD" && s.vtype === "UB")))
    options["vtype"] = s.vtype;
  // Sent for ROM only (the pipeline corrects it by default; SMD and SMDH have no switch).
  if (s.measure === "ROM") options["correctBias"] = s.correctBias;
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
    renderReport(analysis, table, forestSort) {
      const files = renderReport(analysis as Analysis, table, {
        ...(version !== undefined ? { version } : {}),
        ...(forestSort !== undefined ? { plots: { forestSort } } : {}),
      });
      return normaliseFiles(files);
    },
    plainLanguage(analysis) {
      return laySummary(analysis as Analysis).sections;
    },
  };
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
