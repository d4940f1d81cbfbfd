/**
 * The one place that knows the pipeline's parsing, analysis and report functions: a whole run from
 * the files named on the command line to the text it prints and the files it writes. It runs in the
 * engine's worker thread (engine-worker.ts), never on the command's main thread, so that Ctrl-C
 * can stop it at any moment (engine-client.ts). Wiring a new pipeline function is a change here.
 */
import { existsSync } from "node:fs";
import {
  type Analysis,
  analyzeAsync,
  type DataProblem,
  decodeText,
  formatProblem,
  gridFromProjectData,
  inferMeasure,
  isProjectFile,
  type ParseOptions,
  type ParseResult,
  type PooledProject,
  type PrismaCounts,
  parseColumnMap,
  parsePrisma,
  parsePrismaPairs,
  parseProject,
  parseStudyFile,
  parseStudyGrid,
  projectAnalysisOptions,
  projectParseOptions,
  projectPlotLabels,
  projectSourceName,
  renderMarkdown,
  renderReport,
  renderText,
} from "@pooled/pipeline";
import type {
  EngineOutcome,
  EngineRequest,
  Format,
  Progress,
  ReportFile,
} from "./engine-protocol.js";
import { readInputFile, readSettingsFile } from "./io/read-input.js";
import { type FlagInputs, NO_SETTINGS, runSettings } from "./run-settings.js";

/** Runs one request; never throws (a failure is an outcome). */
export async function runEngine(
  request: EngineRequest,
  onProgress: (progress: Progress) => void,
): Promise<EngineOutcome> {
  try {
    return await run(request, onProgress);
  } catch (error) {
    return failed(error);
  }
}

async function run(
  request: EngineRequest,
  onProgress: (progress: Progress) => void,
): Promise<EngineOutcome> {
  // 1. Everything read from disk, every problem collected before stopping.
  const problems: DataProblem[] = [];
  const warnings: string[] = [];
  const flags = await readFlagInputs(request, problems, warnings);
  const input = await readStudyInput(request, problems, warnings);
  if (input === null) return { kind: "problems", lines: problems.map(formatProblem) };
  const project = input.kind === "project" ? input.project : null;
  const settings = runSettings(project ?? NO_SETTINGS, request, flags, project !== null);
  const parseOptions: ParseOptions = projectParseOptions(settings);
  if (request.sheet !== undefined) parseOptions.sheet = request.sheet;
  const parsed: ParseResult =
    input.kind === "data"
      ? await parseStudyFile(input.bytes, request.file, parseOptions)
      : parseStudyGrid(gridFromProjectData(input.project.data), request.file, parseOptions);
  append(problems, parsed.problems);
  if (problems.length > 0 || parsed.table === undefined)
    return { kind: "problems", lines: problems.map(formatProblem) };
  const table = parsed.table;
  if (settings.report.forestSort === "year" && table.columns.fields.year === undefined) {
    const setting =
      project !== null && request.labels.forestSort !== "year"
        ? `${request.file}: the project's forestSort "year"`
        : "--forest-sort year";
    warnings.push(`${setting}: the file has no year column; the forest plot keeps its order.`);
  }

  // 2. The analysis, then what is printed and written.
  const options = projectAnalysisOptions(settings);
  options.measure ??= inferMeasure(table.columns.fields);
  let analysis = await analyzeAsync(table, {
    ...options,
    // Permutations and bootstrap run on every core; results depend only on the seed.
    workers: request.workers,
    onProgress,
  });
  // A project analyses under the name of the file its data came from, as that file would.
  if (project !== null)
    analysis = { ...analysis, source: projectSourceName(project, request.file) };
  const files =
    request.report === null
      ? null
      : normaliseFiles(
          renderReport(analysis, table, {
            version: request.report.version,
            plots: projectPlotLabels(settings.report),
          }),
        );
  return { kind: "done", summary: summaryText(analysis, request.format), files, warnings };
}

/** --config, --map and --prisma, read and checked (their problems and warnings collected). */
async function readFlagInputs(
  request: EngineRequest,
  problems: DataProblem[],
  warnings: string[],
): Promise<FlagInputs> {
  let config: { text: string; file: string } | undefined;
  if (request.config !== undefined) {
    const read = await readSettingsFile(request.config);
    if ("problem" in read) problems.push(read.problem);
    else config = { text: read.text, file: request.config };
  }
  const mapping = parseColumnMap(request.map, config);
  append(problems, mapping.problems);

  let prisma: PrismaCounts | null = null;
  if (request.prisma !== undefined) {
    // A file, or the counts inline: --prisma identified=486,screened=355,...
    const inline = request.prisma.includes("=") && !existsSync(request.prisma);
    const read = inline ? { text: request.prisma } : await readSettingsFile(request.prisma);
    if ("problem" in read) problems.push(read.problem);
    else {
      const parsed = inline ? parsePrismaPairs(read.text) : parsePrisma(read.text, request.prisma);
      append(problems, parsed.problems);
      append(warnings, parsed.warnings);
      prisma = parsed.counts ?? null;
    }
  }
  return { columns: mapping.columns, prisma };
}

/**
 * The file named on the command line: a data file's bytes, or a project (a `.pooled.json` file,
 * or a `.json` file whose object says `"format": "pooled-project"`); null when it cannot be read,
 * with the problems collected.
 */
async function readStudyInput(
  request: EngineRequest,
  problems: DataProblem[],
  warnings: string[],
): Promise<
  { kind: "data"; bytes: Uint8Array } | { kind: "project"; project: PooledProject } | null
> {
  const { file } = request;
  const input = await readInputFile(file);
  if ("problem" in input) {
    problems.push(input.problem);
    return null;
  }
  const data = { kind: "data", bytes: input.bytes } as const;
  if (!/\.json$/i.test(file)) return data;
  const decoded = decodeText(input.bytes, file);
  if ("problem" in decoded) {
    problems.push(decoded.problem);
    return null;
  }
  if (!isProjectFile(file, decoded.text)) return data;
  const read = parseProject(decoded.text, file);
  append(problems, read.problems);
  append(warnings, read.warnings);
  if (request.sheet !== undefined)
    problems.push({
      file: "--sheet",
      row: null,
      column: null,
      expected: `no --sheet with a project file (${file} holds one table, not sheets)`,
      found: JSON.stringify(request.sheet),
    });
  return read.project === null ? null : { kind: "project", project: read.project };
}

/** What --format prints on stdout. */
export function summaryText(analysis: Analysis, format: Format): string {
  const text =
    format === "json"
      ? JSON.stringify(analysis, null, 2)
      : format === "markdown"
        ? renderMarkdown(analysis)
        : renderText(analysis);
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** An error of the pipeline or the stats engine as an outcome (problems formatted when it has them). */
function failed(error: unknown): EngineOutcome {
  const e = error as { code?: unknown; problems?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : null;
  const problems =
    code === "INPUT" && Array.isArray(e?.problems) ? (e.problems as DataProblem[]) : null;
  return {
    kind: "failed",
    code,
    message: typeof e?.message === "string" ? e.message : String(error),
    lines: problems === null ? null : problems.map(formatProblem),
  };
}

/** `target.push(...items)` without spreading: the lists may be as long as the data file. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** Accepts what a renderer may return: an array of { name | path, content }, a Map, or a plain object. */
export function normaliseFiles(files: unknown): ReportFile[] {
  const out: ReportFile[] = [];
  const push = (name: unknown, content: unknown) => {
    if (typeof name !== "string" || name === "")
      throw new Error("the report renderer returned a file without a name");
    if (typeof content !== "string" && !(content instanceof Uint8Array))
      throw new Error(`the report renderer returned no content for ${name}`);
    out.push({ name, content });
  };
  if (files instanceof Map) for (const [name, content] of files) push(name, content);
  else if (Array.isArray(files))
    for (const f of files as Record<string, unknown>[])
      push(f["name"] ?? f["path"], f["content"] ?? f["contents"]);
  else if (files !== null && typeof files === "object") {
    const record = files as Record<string, unknown>;
    if ("files" in record) return normaliseFiles(record["files"]);
    for (const [name, content] of Object.entries(record)) push(name, content);
  } else throw new Error("the report renderer returned no files");
  return out;
}
