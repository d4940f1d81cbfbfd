/**
 * `pooled analyze <file>`: have the engine thread read, validate and analyse the files and
 * render the report, print the summary and write the report folder. The file is a data file, or a
 * project file (`.pooled.json`) holding the data with their settings, which the flags typed
 * override. Exit codes: 0 ok, 2 bad
 * input (every problem on stderr, no report), 1 any other failure, 130 interrupted (Ctrl-C),
 * 143 terminated (SIGTERM).
 */
import { availableParallelism } from "node:os";
import type { PlotLabels } from "@pooled/pipeline";
import { takeEngine } from "../engine-client.js";
import type {
  AnalyzeSettings,
  EngineOutcome,
  EngineRequest,
  Format,
  ReportSettings,
} from "../engine-protocol.js";
import { EXIT } from "../exit-codes.js";
import { onInterrupt, type StopSignal, stopExitCode, stopMessage } from "../interrupt.js";
import { createProgressBar } from "../io/progress.js";
import { ReportFolderError, ReportWriteError, writeReportFolder } from "../io/write-report.js";
import { cliVersion } from "../paths.js";

/** Subsets of --gosh without a number: metafor's gosh default (restated: no engine import here). */
export const GOSH_DEFAULT_SUBSETS = 1_000_000;

/** Order of the forest plot's studies (--forest-sort). */
export type ForestSort = NonNullable<PlotLabels["forestSort"]>;

/** The parsed flags of `pooled analyze` (commander's camel-cased names). */
export interface AnalyzeFlags {
  measure?: AnalyzeSettings["measure"];
  method: AnalyzeSettings["method"];
  test: AnalyzeSettings["test"];
  add?: number;
  to?: AnalyzeSettings["to"];
  drop00?: boolean;
  eggerPredictor?: AnalyzeSettings["eggerPredictor"];
  trimfillEstimator?: AnalyzeSettings["trimfillEstimator"];
  trimfillSide?: AnalyzeSettings["trimfillSide"];
  vtype?: AnalyzeSettings["vtype"];
  correctBias?: boolean;
  legacySmdhVariance?: boolean;
  bootstrapType?: AnalyzeSettings["bootstrapType"];
  predict?: AnalyzeSettings["predict"];
  /** --gosh alone is true: metafor's default of 10^6 subsets. */
  gosh?: number | true;
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
  /** --forest-columns: descriptor columns of the forest plot. */
  forestColumns?: string[];
  /** --favours: the labels under the forest plot's axis. */
  favours?: { left: string; right: string };
  quiet?: boolean;
  /**
   * The flags that hold commander's default rather than a value typed (program.ts): a project
   * file's own settings win over these. Absent: every flag counts as typed.
   */
  defaulted?: string[];
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Every problem, one line each (`file:row:column: expected ..., found ...`), and the count. */
function printProblems(io: Io, lines: readonly string[]): void {
  for (const line of lines) io.stderr.write(`${line}\n`);
  io.stderr.write(
    `${lines.length} problem${lines.length === 1 ? "" : "s"} found; no analysis was run and no report was written.\n`,
  );
}

export async function runAnalyze(file: string, flags: AnalyzeFlags, io: Io): Promise<number> {
  // The engine thread, started by bin.ts as the command loaded (a later run starts a fresh one).
  const engine = takeEngine();
  try {
    return await analyzeWith(engine, file, flags, io);
  } finally {
    engine.terminate();
  }
}

async function analyzeWith(
  engine: ReturnType<typeof takeEngine>,
  file: string,
  flags: AnalyzeFlags,
  io: Io,
): Promise<number> {
  // 1. What to read and do: the engine's thread reads the files and reports every problem at once.
  const request: EngineRequest = {
    file,
    map: flags.map,
    decimalComma: flags.decimalComma ?? false,
    settings: analyzeSettings(flags),
    labels: reportSettings(flags),
    defaulted: flags.defaulted ?? [],
    format: flags.format,
    report: flags.out === undefined ? null : { version: cliVersion() },
    workers: availableParallelism(),
  };
  if (flags.sheet !== undefined) request.sheet = flags.sheet;
  if (flags.config !== undefined) request.config = flags.config;
  if (flags.prisma !== undefined) request.prisma = flags.prisma;

  // 2. The engine's run. Ctrl-C or SIGTERM ends it (and any report being written) at any moment:
  // the main thread is free to hear them.
  const controller = new AbortController();
  let stoppedBy: StopSignal | null = null;
  // First signal: stop cleanly (end the thread, remove any half-written report). Second: now.
  const releaseInterrupt = onInterrupt((signal) => {
    if (stoppedBy !== null) process.exit(stopExitCode(stoppedBy));
    stoppedBy = signal;
    controller.abort(new Error(signal === "SIGINT" ? "interrupted" : "terminated"));
  });
  const resampling = flags.permutations !== undefined || flags.bootstrap !== undefined;
  // Like the progress bar, the announcement goes only to a terminal: piped stderr stays silent.
  if (flags.quiet !== true && io.stderr.isTTY === true && resampling) {
    const what = [
      flags.permutations === undefined
        ? null
        : `a permutation test (${flags.permutations === "exact" ? "exact" : `${flags.permutations} arrangements`})`,
      flags.bootstrap === undefined ? null : `a bootstrap (${flags.bootstrap} replicates)`,
    ].filter((x) => x !== null);
    io.stderr.write(`Running ${what.join(" and ")}; Ctrl-C stops without writing a report.\n`);
  }
  // A project file (JSON) may ask for resampling itself: its progress is shown too.
  const mayBeProject = /\.json$/i.test(file);
  const bar = createProgressBar(io.stderr, flags.quiet !== true && (resampling || mayBeProject));
  const stopped = () => {
    io.stderr.write(stopMessage(stoppedBy ?? "SIGINT", io.stderr));
    return stopExitCode(stoppedBy ?? "SIGINT");
  };
  try {
    let outcome: EngineOutcome;
    try {
      outcome = await engine.run(request, {
        signal: controller.signal,
        onProgress: (p) => bar.update(p),
      });
    } finally {
      bar.done();
    }
    if (controller.signal.aborted) return stopped();
    if (outcome.kind !== "done") return reportFailure(io, file, outcome);

    if (flags.out !== undefined && outcome.files !== null) {
      const where = await writeReportFolder(flags.out, outcome.files, controller.signal);
      if (flags.quiet !== true)
        io.stderr.write(`Report written to ${where} (${outcome.files.length} files).\n`);
    }
    io.stdout.write(outcome.summary);
    if (flags.quiet !== true) for (const w of outcome.warnings) io.stderr.write(`warning: ${w}\n`);
    return EXIT.OK;
  } catch (error) {
    if (controller.signal.aborted) return stopped();
    if (error instanceof ReportFolderError || error instanceof ReportWriteError) {
      io.stderr.write(`pooled: ${error.message}\n`);
      return EXIT.FAILURE;
    }
    io.stderr.write(
      `pooled: the analysis failed: ${(error as Error).message ?? String(error)}\nno report was written.\n`,
    );
    return EXIT.FAILURE;
  } finally {
    releaseInterrupt();
  }
}

/** The report flags given (--forest-sort, --forest-columns, --favours). */
function reportSettings(flags: AnalyzeFlags): ReportSettings {
  const settings: ReportSettings = {};
  if (flags.forestSort !== undefined) settings.forestSort = flags.forestSort;
  if (flags.forestColumns !== undefined) settings.forestColumns = flags.forestColumns;
  if (flags.favours !== undefined) settings.favours = [flags.favours.left, flags.favours.right];
  return settings;
}

/** The analysis options of the flags (the engine fills in the measure the file implies). */
function analyzeSettings(flags: AnalyzeFlags): AnalyzeSettings {
  const settings: AnalyzeSettings = {};
  if (flags.method !== undefined) settings.method = flags.method;
  if (flags.test !== undefined) settings.test = flags.test;
  if (flags.measure !== undefined) settings.measure = flags.measure;
  if (flags.add !== undefined) settings.add = flags.add;
  if (flags.to !== undefined) settings.to = flags.to;
  if (flags.drop00 !== undefined) settings.drop00 = flags.drop00;
  if (flags.eggerPredictor !== undefined) settings.eggerPredictor = flags.eggerPredictor;
  if (flags.trimfillEstimator !== undefined) settings.trimfillEstimator = flags.trimfillEstimator;
  if (flags.trimfillSide !== undefined) settings.trimfillSide = flags.trimfillSide;
  if (flags.vtype !== undefined) settings.vtype = flags.vtype;
  if (flags.legacySmdhVariance === true) settings.legacySmdhVariance = true;
  // --correct-bias and --no-correct-bias both defined: undefined unless one was given.
  if (flags.correctBias !== undefined) settings.correctBias = flags.correctBias;
  if (flags.bootstrapType !== undefined) settings.bootstrapType = flags.bootstrapType;
  if (flags.predict !== undefined) settings.predict = flags.predict;
  if (flags.gosh !== undefined)
    settings.gosh = flags.gosh === true ? GOSH_DEFAULT_SUBSETS : flags.gosh;
  if (flags.model !== undefined) settings.model = flags.model;
  if (flags.cluster !== undefined) settings.cluster = flags.cluster;
  if (flags.by !== undefined) settings.by = flags.by;
  if (flags.mods !== undefined) settings.mods = flags.mods;
  if (flags.permutations !== undefined) settings.permutations = flags.permutations;
  if (flags.bootstrap !== undefined) settings.bootstrap = flags.bootstrap;
  if (flags.seed !== undefined) settings.seed = flags.seed;
  return settings;
}

/** Bad input (exit 2) or a failed analysis (exit 1), said on stderr. */
function reportFailure(io: Io, file: string, outcome: Exclude<EngineOutcome, { kind: "done" }>) {
  if (outcome.kind === "problems" || outcome.lines !== null) {
    printProblems(io, outcome.kind === "problems" ? outcome.lines : outcome.lines!);
    return EXIT.BAD_INPUT;
  }
  if (outcome.code === "TOO_MANY_ARRANGEMENTS") {
    io.stderr.write(`pooled: --permutations exact: ${outcome.message}\nno report was written.\n`);
    return EXIT.BAD_INPUT;
  }
  if (outcome.code === "INPUT") {
    io.stderr.write(`${file}: ${outcome.message}\nno report was written.\n`);
    return EXIT.BAD_INPUT;
  }
  io.stderr.write(`pooled: the analysis failed: ${outcome.message}\nno report was written.\n`);
  return EXIT.FAILURE;
}
