/**
 * `pooled analyze <file>`: read and validate the file, run the analysis, print the summary and
 * write the report folder. Exit codes: 0 ok, 2 bad input (every problem on stderr, no report),
 * 1 any other failure, 130 interrupted (Ctrl-C).
 */
import { existsSync } from "node:fs";
import {
  type DataProblem,
  formatProblem,
  inferMeasure,
  type ParseOptions,
  type PlotLabels,
  type PrismaCounts,
  parseColumnMap,
  parsePrisma,
  parsePrismaPairs,
  parseStudyFile,
} from "@pooled/pipeline";
import { type AnalyzeSettings, engine, type Format } from "../engine.js";
import { EXIT } from "../exit-codes.js";
import { onInterrupt } from "../interrupt.js";
import { createProgressBar } from "../io/progress.js";
import { readInputFile } from "../io/read-input.js";
import { ReportFolderError, writeReportFolder } from "../io/write-report.js";

/** Order of the forest plot's studies (--forest-sort). */
export type ForestSort = NonNullable<PlotLabels["forestSort"]>;

/** The parsed flags of `pooled analyze` (commander's camel-cased names). */
export interface AnalyzeFlags {
  measure?: AnalyzeSettings["measure"];
  method: AnalyzeSettings["method"];
  test: AnalyzeSettings["test"];
  model?: NonNullable<AnalyzeSettings["model"]>;
  cluster?: string;
  by?: string;
  mods?: string[];
  permutations?: number | "exact";
  bootstrap?: number;
  seed?: number;
  format: Format;
  out?: string;
  sheet?: string;
  decimalComma?: boolean;
  map: string[];
  config?: string;
  prisma?: string;
  forestSort?: ForestSort;
  quiet?: boolean;
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function printProblems(io: Io, problems: readonly DataProblem[]): void {
  for (const p of problems) io.stderr.write(`${formatProblem(p)}\n`);
  io.stderr.write(
    `${problems.length} problem${problems.length === 1 ? "" : "s"} found; no analysis was run and no report was written.\n`,
  );
}

/** Problems carried by a pipeline error (e.g. a --by column with one level), if any. */
function problemsOf(error: unknown): DataProblem[] | null {
  const e = error as { code?: unknown; problems?: unknown };
  if (e && e.code === "INPUT" && Array.isArray(e.problems)) return e.problems as DataProblem[];
  return null;
}

async function readJsonFile(path: string): Promise<{ text: string } | { problem: DataProblem }> {
  const read = await readInputFile(path, 16 * 1024 * 1024);
  if ("problem" in read) return read;
  return { text: new TextDecoder().decode(read.bytes) };
}

export async function runAnalyze(file: string, flags: AnalyzeFlags, io: Io): Promise<number> {
  const problems: DataProblem[] = [];

  // 1. Everything read from disk, every problem collected before stopping.
  let config: { text: string; file: string } | undefined;
  if (flags.config !== undefined) {
    const read = await readJsonFile(flags.config);
    if ("problem" in read) problems.push(read.problem);
    else config = { text: read.text, file: flags.config };
  }
  const mapping = parseColumnMap(flags.map, config);
  problems.push(...mapping.problems);

  let prisma: PrismaCounts | null = null;
  const warnings: string[] = [];
  if (flags.prisma !== undefined) {
    // A file, or the counts inline: --prisma identified=486,screened=355,...
    const inline = flags.prisma.includes("=") && !existsSync(flags.prisma);
    const read = inline ? { text: flags.prisma } : await readJsonFile(flags.prisma);
    if ("problem" in read) problems.push(read.problem);
    else {
      const parsed = inline ? parsePrismaPairs(read.text) : parsePrisma(read.text, flags.prisma);
      problems.push(...parsed.problems);
      warnings.push(...parsed.warnings);
      prisma = parsed.counts ?? null;
    }
  }

  const input = await readInputFile(file);
  if ("problem" in input) {
    printProblems(io, [...problems, input.problem]);
    return EXIT.BAD_INPUT;
  }
  const parseOptions: ParseOptions = {
    columns: mapping.columns,
    decimalComma: flags.decimalComma ?? false,
    requireColumns: [
      ...(flags.by === undefined ? [] : [flags.by]),
      ...(flags.mods ?? []),
      ...(flags.cluster === undefined ? [] : [flags.cluster]),
    ],
  };
  if (flags.sheet !== undefined) parseOptions.sheet = flags.sheet;
  if (flags.measure !== undefined) parseOptions.measure = flags.measure;
  const parsed = await parseStudyFile(input.bytes, file, parseOptions);
  problems.push(...parsed.problems);
  if (problems.length > 0 || parsed.table === undefined) {
    printProblems(io, problems);
    return EXIT.BAD_INPUT;
  }
  const table = parsed.table;
  if (flags.forestSort === "year" && table.columns.fields.year === undefined) {
    warnings.push(
      "--forest-sort year: the file has no year column; the forest plot keeps its order.",
    );
  }

  // 2. The analysis. Ctrl-C aborts it (and any report being written) and exits 130.
  const settings: AnalyzeSettings = {
    measure: flags.measure ?? inferMeasure(table.columns.fields),
    method: flags.method,
    test: flags.test,
  };
  if (flags.model !== undefined) settings.model = flags.model;
  if (flags.cluster !== undefined) settings.cluster = flags.cluster;
  if (flags.by !== undefined) settings.by = flags.by;
  if (flags.mods !== undefined) settings.mods = flags.mods;
  if (flags.permutations !== undefined) settings.permutations = flags.permutations;
  if (flags.bootstrap !== undefined) settings.bootstrap = flags.bootstrap;
  if (flags.seed !== undefined) settings.seed = flags.seed;
  if (prisma !== null) settings.prisma = prisma;

  const controller = new AbortController();
  // First Ctrl-C: stop cleanly (abort the work, remove any half-written report). Second: now.
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    controller.abort(new Error("interrupted"));
  };
  const releaseInterrupt = onInterrupt(onSigint);
  // Like the progress bar, the announcement goes only to a terminal: piped stderr stays silent.
  const announce =
    flags.quiet !== true &&
    io.stderr.isTTY === true &&
    (flags.permutations !== undefined || flags.bootstrap !== undefined);
  if (announce) {
    const what = [
      flags.permutations === undefined
        ? null
        : `a permutation test (${flags.permutations === "exact" ? "exact" : `${flags.permutations} arrangements`})`,
      flags.bootstrap === undefined ? null : `a bootstrap (${flags.bootstrap} replicates)`,
    ].filter((x) => x !== null);
    io.stderr.write(`Running ${what.join(" and ")}; Ctrl-C stops without writing a report.\n`);
  }
  const bar = createProgressBar(
    io.stderr,
    flags.quiet !== true && (flags.permutations !== undefined || flags.bootstrap !== undefined),
  );
  try {
    let analysis: Awaited<ReturnType<typeof engine.analyze>>;
    try {
      analysis = await engine.analyze(table, settings, {
        signal: controller.signal,
        onProgress: (p) => bar.update(p),
      });
    } finally {
      bar.done();
    }
    if (controller.signal.aborted) return interrupted(io);

    const files =
      flags.out === undefined
        ? null
        : engine.reportFiles(analysis, table, {
            ...(flags.forestSort ? { forestSort: flags.forestSort } : {}),
          });
    const summary = engine.summary(analysis, flags.format);
    if (flags.out !== undefined && files !== null) {
      const where = await writeReportFolder(flags.out, files, controller.signal);
      if (flags.quiet !== true)
        io.stderr.write(`Report written to ${where} (${files.length} files).\n`);
    }
    io.stdout.write(summary);
    if (flags.quiet !== true) for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
    return EXIT.OK;
  } catch (error) {
    if (controller.signal.aborted) return interrupted(io);
    const inputProblems = problemsOf(error);
    if (inputProblems !== null) {
      printProblems(io, inputProblems);
      return EXIT.BAD_INPUT;
    }
    if (error instanceof ReportFolderError) {
      io.stderr.write(`pooled: ${error.message}\n`);
      return EXIT.FAILURE;
    }
    const code = (error as { code?: unknown }).code;
    if (code === "TOO_MANY_ARRANGEMENTS") {
      io.stderr.write(
        `pooled: --permutations exact: ${(error as Error).message}\nno report was written.\n`,
      );
      return EXIT.BAD_INPUT;
    }
    if (code === "INPUT") {
      io.stderr.write(`${file}: ${(error as Error).message}\nno report was written.\n`);
      return EXIT.BAD_INPUT;
    }
    io.stderr.write(
      `pooled: the analysis failed: ${(error as Error).message ?? String(error)}\nno report was written.\n`,
    );
    return EXIT.FAILURE;
  } finally {
    releaseInterrupt();
  }
}

function interrupted(io: Io): number {
  io.stderr.write("\ninterrupted; no report was written.\n");
  return EXIT.INTERRUPTED;
}
