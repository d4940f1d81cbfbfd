/**
 * The command line: `pooled analyze <file>`, `pooled demo`, `--help`, `--version`.
 * The flag names are a contract: scripts outside the project depend on them.
 *
 * Only commander and the flag definitions load here. The commands, and with them the whole
 * analysis engine (pipeline, stats, plots, WASM), are imported when a command runs, so `--help`,
 * `--version` and flag errors answer without loading them.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { AnalyzeFlags, ForestSort, Io } from "./commands/analyze.js";
import type { DemoFlags } from "./commands/demo.js";
import { EXIT } from "./exit-codes.js";
import { cliVersion } from "./paths.js";

const MEASURES = [
  "MD",
  "SMD",
  "SMDH",
  "ROM",
  "NMD",
  "GEN",
  "OR",
  "RR",
  "RD",
  "PETO",
  "ZCOR",
  "COR",
];
const METHODS = ["FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM", "MH", "PETO"];
const ZERO_CELL_RULES = ["only0", "all", "if0all", "none"];
const EGGER_PREDICTORS = ["sei", "vi", "ninv", "sqrtninv"];
const VTYPES = ["LS", "UB", "RevMan", "LS2"];
const FORMATS = ["text", "json", "markdown"];
const FOREST_SORTS: ForestSort[] = ["input", "effect", "year", "weight"];
const MODELS = ["standard", "three-level"];

/**
 * Most permutations or bootstrap replicates a run may ask for. The web app's limit
 * (packages/web/src/view/settings.ts, parseCount), so the command and the page refuse the same
 * counts; the engine itself accepts up to its MAX_RESAMPLES (10^7, stats' inference/blocks.ts),
 * which cli.test.ts checks this does not exceed. Restated here so that --help and flag parsing
 * need not load the engine. A million bootstrap refits of 30 studies take 16 s on two busy
 * cores; beyond that a run is more likely a typing slip than a need.
 */
export const MAX_RESAMPLES = 1_000_000;

/**
 * Fewest bootstrap replicates: a 95% percentile interval sits at the 2.5th and 97.5th percentiles
 * of the replicates, which with fewer than 100 are among the two or three most extreme values;
 * Efron & Tibshirani (1993, An Introduction to the Bootstrap) recommend about 1000 for percentile
 * and BCa intervals, and the analysis warns below that (the pipeline's bootstrap stage).
 */
export const MIN_BOOTSTRAP = 100;

function wholeNumber(flag: string, min: number, why = "") {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > MAX_RESAMPLES)
      throw new InvalidArgumentError(
        `${flag} expects a whole number from ${min} to ${MAX_RESAMPLES}${why}, e.g. ${flag} 1000`,
      );
    return n;
  };
}

function nonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0)
      throw new InvalidArgumentError(`${flag} takes a number of 0 or more, e.g. ${flag} 0.5`);
    return n;
  };
}

/** "dose=100;dose=200,route=iv" -> [{ dose: 100 }, { dose: 200, route: "iv" }]. */
function predictionPoints(value: string): Record<string, number | string>[] {
  return value.split(";").map((point) => {
    const at: Record<string, number | string> = {};
    for (const pair of point.split(",")) {
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const raw = pair.slice(eq + 1).trim();
      if (eq < 1 || name === "" || raw === "")
        throw new InvalidArgumentError(
          `--predict takes moderator=value pairs, e.g. --predict "dose=100;dose=200"; found "${pair.trim()}"`,
        );
      if (name in at)
        throw new InvalidArgumentError(`--predict names "${name}" twice in one point`);
      const n = Number(raw);
      at[name] = Number.isFinite(n) ? n : raw;
    }
    return at;
  });
}

function permutations(value: string): number | "exact" {
  if (value.trim().toLowerCase() === "exact") return "exact";
  return wholeNumber("--permutations", 2)(value);
}

function seed(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 2 ** 32 - 1)
    throw new InvalidArgumentError(
      "--seed expects a whole number from 0 to 4294967295, e.g. --seed 42",
    );
  return Number(value);
}

/** Column names separated by commas (--mods, --forest-columns); each must exist (checked on reading). */
function columnList(flag: string, example: string) {
  return (value: string): string[] => {
    const columns = value.split(",").map((c) => c.trim());
    if (columns.some((c) => c === ""))
      throw new InvalidArgumentError(
        `${flag} expects column names separated by commas, e.g. ${flag} ${example}`,
      );
    return columns;
  };
}

/** "Favours control,Favours treatment" -> { left, right }: exactly two labels, neither empty. */
function favoursLabels(value: string): { left: string; right: string } {
  const labels = value.split(",").map((l) => l.trim());
  if (labels.length !== 2 || labels.some((l) => l === ""))
    throw new InvalidArgumentError(
      `--favours expects two labels separated by a comma, the left one first, e.g. --favours "Favours control,Favours treatment"; found ${labels.length === 2 ? "an empty label" : `${labels.length} label${labels.length === 1 ? "" : "s"}`} in "${value}"`,
    );
  return { left: labels[0]!, right: labels[1]! };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const ANALYZE_EXAMPLES = `
Examples:
  $ pooled analyze bbb.csv
  $ pooled analyze bbb.csv --measure SMD --method DL --test knha --out report
  $ pooled analyze bbb.csv --by route --format json > analysis.json
  $ pooled analyze bbb.csv --mods dose,year --permutations 5000 --seed 42
  $ pooled analyze bbb.csv --model three-level --cluster publication --out report
  $ pooled analyze bbb.csv --by dose --forest-columns dose,sex --favours "Favours control,Favours treatment" --out report
  $ pooled analyze data.xlsx --sheet "BBB week 6" --map m1i="Mean T" --map sd1i="SD T"
  $ pooled analyze data.csv --decimal-comma --prisma prisma.json --out report
  $ pooled analyze review.pooled.json --out report
  $ pooled analyze review.pooled.json --method DL --bootstrap 2000 --out report

Project files: review.pooled.json holds the data as typed, the column choices, the settings and the
PRISMA counts, so the command runs the analysis the web page runs (the same analysis.json). Flags
typed override the project's settings (--map and --config field by field, --prisma the counts,
--decimal-comma turns decimal commas on); --sheet does not apply to a project.

Exit codes: 0 success; 2 bad input (each problem printed as file:row:column: expected ..., found ...;
no report written); 1 any other failure (e.g. the report folder cannot be written: what and why is
printed); 130 interrupted with Ctrl-C, 143 stopped by SIGTERM (no report written, at any moment).
Column names recognised (metafor's and readable aliases): see packages/cli/README.md.`;

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name("pooled")
    .description(
      "Meta-analysis for systematic reviewers (preclinical reviews first): a data file in, a complete analysis and report out.",
    )
    .version(cliVersion(), "-V, --version", "print the version of pooled")
    .helpOption("-h, --help", "show help (pooled <command> --help for a command's flags)")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ pooled demo                                  analyse the bundled (simulated) example
  $ pooled analyze studies.csv --out report      analyse your own file, write a report folder
  $ pooled analyze --help                        every flag of analyze`,
    );
  addAnalyzeCommand(program, io, setExitCode);
  addDemoCommand(program, io, setExitCode);
  return program;
}

/** `pooled analyze <file>`: its flags, grouped below, in the order --help has always listed them. */
function addAnalyzeCommand(program: Command, io: Io, setExitCode: (code: number) => void): void {
  const analyze = program
    .command("analyze")
    .description(
      "Analyse a study file (CSV, TSV, XLSX or JSON; one row per comparison), or a project file (.pooled.json) saved by the web page, and print or write the results.",
    )
    .argument(
      "<file>",
      "the data file, e.g. studies.csv, or a project file saved by the web page, e.g. review.pooled.json (its data, columns, settings and PRISMA counts; the flags given override its settings, --sheet does not apply)",
    );
  const input = inputOptions();
  const effects = effectSizeOptions();
  const model = modelOptions();
  const smallStudy = smallStudyOptions();
  const resampling = resamplingOptions();
  const report = reportOptions();
  const output = outputOptions();
  // The order of --help is part of the contract (the README and users' notes follow it), so the
  // groups interleave here as they always have.
  for (const option of [
    effects.measure,
    model.method,
    model.test,
    model.model,
    model.cluster,
    effects.add,
    effects.to,
    effects.drop00,
    effects.keepDrop00,
    smallStudy.eggerPredictor,
    smallStudy.trimfillEstimator,
    smallStudy.trimfillSide,
    effects.vtype,
    effects.legacySmdhVariance,
    effects.correctBias,
    effects.noCorrectBias,
    model.by,
    model.mods,
    resampling.permutations,
    resampling.bootstrap,
    resampling.bootstrapType,
    model.predict,
    resampling.gosh,
    resampling.seed,
    output.format,
    output.out,
    input.sheet,
    input.decimalComma,
    input.map,
    input.config,
    report.prisma,
    report.forestSort,
    report.forestColumns,
    report.favours,
    output.quiet,
  ])
    analyze.addOption(option);
  analyze
    .addHelpText("after", ANALYZE_EXAMPLES)
    .action(async (file: string, flags: AnalyzeFlags, command: Command) => {
      const { runAnalyze } = await import("./commands/analyze.js");
      // A project file's own settings give way to the flags typed, not to these defaults.
      flags.defaulted = Object.keys(flags).filter(
        (key) => command.getOptionValueSource(key) === "default",
      );
      setExitCode(await runAnalyze(file, flags, io));
    });
}

/** Reading the file: the XLSX sheet, decimal commas, and which column feeds which field. */
function inputOptions() {
  return {
    sheet: new Option(
      "--sheet <name|number>",
      'XLSX: the sheet to read (default: the first), e.g. --sheet "BBB week 6" or --sheet 2',
    ),
    decimalComma: new Option(
      "--decimal-comma",
      "numbers are written with a decimal comma (3,5), as in many European spreadsheets, e.g. pooled analyze daten.csv --decimal-comma",
    ),
    map: new Option(
      "--map <field=column>",
      'use a column for a field, repeatable, e.g. --map m1i="Mean T" --map n2i=N_ctrl (an empty column un-maps: --map sei=)',
    )
      .default([])
      .argParser(collect),
    config: new Option(
      "--config <file.json>",
      'column mapping from a JSON file, e.g. --config columns.json holding {"columns": {"m1i": "Mean T"}}',
    ),
  };
}

/** The effect size: the measure, its sampling variance and bias correction, zero cells of 2×2 tables. */
function effectSizeOptions() {
  return {
    measure: new Option(
      "--measure <measure>",
      "effect size: MD mean difference, SMD Hedges' g, SMDH heteroscedastic SMD, ROM log ratio of means, NMD normalised mean difference (needs a sham mean column); from event counts OR log odds ratio, RR log risk ratio, RD risk difference, PETO Peto's log odds ratio; from correlations ZCOR Fisher's z, COR raw r; GEN given yi with vi or sei (default: MD with arm columns, OR with event counts, ZCOR with correlations, GEN with yi), e.g. --measure SMD",
    ).choices(MEASURES),
    add: new Option(
      "--add <number>",
      "event counts: the continuity correction added to the cells of 2×2 tables chosen by --to (default 0.5), e.g. --add 0.25",
    ).argParser(nonNegativeNumber("--add")),
    to: new Option(
      "--to <tables>",
      "event counts: which tables get the correction: only0 (those with a zero cell; default), all, if0all (all, when any has a zero cell) or none, e.g. --to all",
    ).choices(ZERO_CELL_RULES),
    drop00: new Option(
      "--drop00",
      "event counts: leave out tables with no events (or only events) in both arms (default with --method MH or PETO; otherwise they are kept with the correction, as metafor's escalc)",
    ),
    keepDrop00: new Option(
      "--no-drop00",
      "event counts: keep such tables, also with --method MH or PETO",
    ),
    vtype: new Option(
      "--vtype <vtype>",
      "sampling variance: LS (large-sample, default, as metafor) for every measure; for the SMD UB (unbiased) or RevMan (Review Manager 5); for ROM LS2 (second-order, Lajeunesse 2015, as metafor 5), e.g. --vtype UB",
    ).choices(VTYPES),
    legacySmdhVariance: new Option(
      "--legacy-smdh-variance",
      "SMDH: metafor 3.8's sampling variance (Bonett's times the squared small-sample correction) instead of metafor 4.6 and later's, the default, e.g. --measure SMDH --legacy-smdh-variance",
    ),
    correctBias: new Option(
      "--correct-bias",
      "ROM: the small-sample bias correction of the log ratio (Lajeunesse 2015), the default as in metafor 5 (see --no-correct-bias), e.g. --measure ROM --correct-bias",
    ),
    noCorrectBias: new Option(
      "--no-correct-bias",
      "ROM: the log ratio without the small-sample bias correction (Lajeunesse 2015), as metafor 3.8; by default it is corrected, as metafor 5 (the variance is the same either way), e.g. --measure ROM --no-correct-bias",
    ),
  };
}

/** The model: the estimator and test, the three-level model, subgroups, meta-regression. */
function modelOptions() {
  return {
    method: new Option(
      "--method <method>",
      "FE fixed effect, or the tau² estimator of a random-effects model, e.g. --method DL; for event counts also MH (Mantel-Haenszel: OR, RR, RD) or PETO (Peto's odds ratio); with --model three-level only REML or ML",
    )
      .choices(METHODS)
      .default("REML"),
    test: new Option(
      "--test <test>",
      'z tests, or knha (Knapp-Hartung t and F; better with few studies), e.g. --test knha; the three-level model then uses t tests with k - p df and F for moderators (metafor rma.mv\'s test = "t")',
    )
      .choices(["z", "knha"])
      .default("z"),
    model: new Option(
      "--model <model>",
      "standard: the model of --method; three-level: experiments nested in publications (needs a publication column), which then drives the summary, the forest plot (rows grouped by publication) and the plain-language summary, e.g. --model three-level",
    )
      .choices(MODELS)
      .default("standard"),
    cluster: new Option(
      "--cluster <column>",
      "the column naming each experiment's publication, for the three-level model and cluster-robust (CR2) results (default: a column called publication, cluster, paper or article), e.g. --cluster paper_id",
    ),
    by: new Option("--by <column>", "subgroup analysis by the levels of a column, e.g. --by route"),
    mods: new Option(
      "--mods <columns>",
      "meta-regression on columns, comma separated, in this order, e.g. --mods dose,year",
    ).argParser(columnList("--mods", "dose,route")),
    predict: new Option(
      "--predict <points>",
      'predictions of the meta-regression (--mods) at moderator values: points separated by ";", moderators in a point by ",", e.g. --predict "dose=100;dose=200" or --predict "dose=100,route=intravenous"',
    ).argParser(predictionPoints),
  };
}

/** Small-study effects: Egger's predictor and trim-and-fill's estimator and side. */
function smallStudyOptions() {
  return {
    eggerPredictor: new Option(
      "--egger-predictor <predictor>",
      "predictor of Egger's test: sei (default), vi, ninv (1/n; Peters' test, for odds ratios) or sqrtninv (1/√n), e.g. --egger-predictor ninv",
    ).choices(EGGER_PREDICTORS),
    trimfillEstimator: new Option(
      "--trimfill-estimator <estimator>",
      "trim-and-fill's estimator of the number of missing studies: L0 (default) or R0 (Duval & Tweedie 2000), e.g. --trimfill-estimator R0",
    ).choices(["L0", "R0"]),
    trimfillSide: new Option(
      "--trimfill-side <side>",
      "side on which trim-and-fill looks for missing studies: left or right (default: estimated from the data, as metafor), e.g. --trimfill-side left",
    ).choices(["left", "right"]),
  };
}

/** Resampling and refitting: permutation tests, the bootstrap, GOSH, and their seed. */
function resamplingOptions() {
  return {
    permutations: new Option(
      "--permutations <N|exact>",
      "permutation test with N random arrangements, or exact (all of them), e.g. --permutations 1000",
    ).argParser(permutations),
    bootstrap: new Option(
      "--bootstrap <N>",
      `bootstrap with N replicates (percentile and BCa intervals): at least ${MIN_BOOTSTRAP}, 1000 or more recommended (fewer give a warning), e.g. --bootstrap 2000`,
    ).argParser(
      wholeNumber(
        "--bootstrap",
        MIN_BOOTSTRAP,
        ` (fewer than ${MIN_BOOTSTRAP} replicates cannot place a 95% interval; 1000 or more are recommended)`,
      ),
    ),
    bootstrapType: new Option(
      "--bootstrap-type <type>",
      "case: resample studies (or publications), the default; parametric: simulate studies from the fitted model, e.g. --bootstrap 2000 --bootstrap-type parametric",
    ).choices(["case", "parametric"]),
    gosh: new Option(
      "--gosh [N]",
      "GOSH plot: the model refitted on every subset of studies when there are at most N (2^k - 1), else on N random subsets (default N 1000000, as metafor; every subset of 20 studies takes about 2 s), e.g. --gosh or --gosh 50000",
    ).argParser((value: string) => wholeNumber("--gosh", 2)(value)),
    seed: new Option(
      "--seed <n>",
      "seed of the permutation test and bootstrap, for reproducible results, e.g. --seed 42",
    ).argParser(seed),
  };
}

/** The report's figures: the PRISMA counts and the forest plot's order, columns and labels. */
function reportOptions() {
  return {
    prisma: new Option(
      "--prisma <file.json|counts>",
      "PRISMA 2020 flow counts for the flow diagram: a JSON file, or the counts inline, e.g. --prisma prisma.json or --prisma identified=486,duplicatesRemoved=131,screened=355,excludedScreening=287,fullTextAssessed=68,fullTextExcluded.no control group=46,included=22 (optional: identifiedDatabases, identifiedRegisters, automationRemoved, otherRemoved, reportsSought, notRetrieved, includedReports)",
    ),
    forestSort: new Option(
      "--forest-sort <order>",
      "order of the studies in the forest plot (within subgroups): input (as in the file), effect, year or weight (largest first), e.g. --forest-sort effect",
    )
      .choices(FOREST_SORTS)
      .default("input"),
    forestColumns: new Option(
      "--forest-columns <columns>",
      "columns of the data file shown beside the study labels of the forest plot, comma separated, in this order (each must exist), e.g. --forest-columns dose,sex",
    ).argParser(columnList("--forest-columns", "dose,sex")),
    favours: new Option(
      "--favours <left,right>",
      'the labels under the forest plot\'s axis, left and right of the line of no effect, separated by a comma (default: none, or for NMD "Favours control,Favours treatment"), e.g. --favours "Favours control,Favours treatment"',
    ).argParser(favoursLabels),
  };
}

/** What is printed and written: the format on stdout, the report folder, quiet. */
function outputOptions() {
  return {
    format: new Option(
      "--format <format>",
      "what to print on stdout: text, json (the analysis.json contract) or markdown, e.g. --format json",
    )
      .choices(FORMATS)
      .default("text"),
    out: new Option(
      "--out <dir>",
      "write the full report folder (report.html, plots, CSV tables, analysis.json, analysis.R), e.g. --out report",
    ),
    quiet: new Option(
      "--quiet",
      "no progress bar and no messages on stderr (problems are still printed), e.g. pooled analyze bbb.csv --bootstrap 2000 --quiet",
    ),
  };
}

/** `pooled demo`: the bundled example's report. */
function addDemoCommand(program: Command, io: Io, setExitCode: (code: number) => void): void {
  program
    .command("demo")
    .description(
      "Analyse the bundled example (SIMULATED data: 30 rat experiments of an exosome therapy after spinal cord injury) and write its report.",
    )
    .option("--out <dir>", "report folder, e.g. --out demo-report", "pooled-demo-report")
    .addOption(
      new Option("--format <format>", "what to print on stdout, e.g. --format markdown")
        .choices(FORMATS)
        .default("text"),
    )
    .option("--quiet", "no messages on stderr, e.g. pooled demo --quiet")
    .addHelpText("after", "\nExample:\n  $ pooled demo --out demo-report")
    .action(async (flags: DemoFlags) => {
      const { runDemo } = await import("./commands/demo.js");
      setExitCode(await runDemo(flags, io));
    });
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.OK;
  }
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return EXIT.OK;
      // Wrong flags or values are bad input: the message is already on stderr.
      return EXIT.BAD_INPUT;
    }
    io.stderr.write(`pooled: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.FAILURE;
  }
  return code;
}
