/**
 * What `npm run bench:cli` times: four runs of the `pooled` command, each beside the same work done
 * by R's metafor in one Rscript process (when R is present).
 *
 * The resampling runs use bench's k = 30 data set with the 4-level moderator `group` (src/data.ts,
 * the data set of `npm run bench` and `bench:metafor`). metafor refits once per replicate, at
 * milliseconds a refit, so by default it runs 1000 replicates and the time of the replicates alone
 * (measured inside R) is scaled to Pooled's count; start-up and the first fits count once, as
 * measured. METAFOR_FULL=1 runs the full counts; METAFOR_PERMUTATIONS and METAFOR_BOOTSTRAP change
 * the counts measured.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command, Run } from "./timing.js";

export const PERMUTATIONS = 10_000;
export const BOOTSTRAP_REPLICATES = 100_000;

export interface Paths {
  /** The repository root. */
  repo: string;
  /** bench/ */
  bench: string;
  /** A temporary folder holding k30.csv and the example's report (for its analysis.R). */
  work: string;
}

export interface MetaforJob {
  what: string;
  command: Command;
  runs: number;
  /** Replicates run in R and Pooled's count (the replicate time is scaled by full / measured). */
  replicates: { measured: number; full: number } | null;
}

export interface Job {
  name: string;
  /** What the Pooled run computes. */
  what: string;
  pooled: Command;
  runs: number;
  /** Throws when the output shows that the run did not do the work asked. */
  check(stdout: string): void;
  metafor: MetaforJob | null;
}

export interface JobOptions {
  /** Runs of the short jobs (--version, analyze); the resampling jobs run fewer times. */
  runs: number;
  metafor: boolean;
  metaforPermutations: number;
  metaforBootstrap: number;
}

/** The example all the documentation uses: 30 simulated rat experiments, one excluded by the file. */
export const EXAMPLE = "examples/sci-exosomes-bbb.simulated.csv";

/** The `pooled` command as npm links it (packages/cli's bin entry), run by this Node. */
function pooledCommand(paths: Paths, args: string[]): Command {
  const cliDir = join(paths.repo, "packages/cli");
  const manifest = JSON.parse(readFileSync(join(cliDir, "package.json"), "utf8")) as {
    bin: { pooled: string };
  };
  return {
    program: process.execPath,
    args: [join(cliDir, manifest.bin.pooled), ...args],
    cwd: paths.work,
  };
}

function rscript(paths: Paths, args: string[], cwd = paths.work): Command {
  return { program: "Rscript", args, cwd };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`the run did not do what was asked: ${what}`);
}

export function makeJobs(paths: Paths, options: JobOptions): Job[] {
  const k30 = join(paths.work, "k30.csv");
  const example = join(paths.repo, EXAMPLE);
  const resamplingRuns = Math.min(options.runs, 5);
  const metaforRuns = Math.min(options.runs, 5);
  const cliR = join(paths.bench, "metafor", "cli.R");
  const metafor = (job: MetaforJob): MetaforJob | null => (options.metafor ? job : null);

  return [
    {
      name: "version",
      what: "pooled --version",
      pooled: pooledCommand(paths, ["--version"]),
      runs: options.runs,
      check: (stdout) => expect(/^\d+\.\d+\.\d+\S*\n$/.test(stdout), "print the version"),
      metafor: metafor({
        what: "Rscript, library(metafor)",
        command: rscript(paths, ["-e", "suppressPackageStartupMessages(library(metafor))"]),
        runs: metaforRuns,
        replicates: null,
      }),
    },
    {
      name: "analyze",
      what: `pooled analyze ${EXAMPLE} --format json`,
      pooled: pooledCommand(paths, ["analyze", example, "--format", "json"]),
      runs: options.runs,
      check: (stdout) => expect(JSON.parse(stdout).model?.k > 0, "fit the model"),
      // The script Pooled's report writes to reproduce its main analysis in metafor: escalc, rma,
      // predict, regtest, ranktest, trimfill, leave1out (Pooled computes more: influence,
      // cumulative, Baujat, subgroups when asked).
      metafor: metafor({
        what: "Rscript analysis.R (the report's own script)",
        command: rscript(paths, ["analysis.R"], join(paths.work, "report")),
        runs: metaforRuns,
        replicates: null,
      }),
    },
    {
      name: "permutation-1e4",
      what: `pooled analyze k30.csv --mods group --permutations ${PERMUTATIONS} --seed 1 --format json`,
      pooled: pooledCommand(paths, [
        ...["analyze", k30, "--mods", "group", "--permutations", String(PERMUTATIONS)],
        ...["--seed", "1", "--format", "json", "--quiet"],
      ]),
      runs: resamplingRuns,
      check: (stdout) => {
        const permutation = JSON.parse(stdout).permutation;
        expect(
          permutation?.iterations === PERMUTATIONS &&
            permutation.regression?.iterations === PERMUTATIONS,
          `${PERMUTATIONS} permutations of the model and of the meta-regression`,
        );
      },
      // Pooled permutes both the random-effects model and the meta-regression; so does R.
      metafor: metafor({
        what: `rma + permutest of both models, iter = ${options.metaforPermutations}`,
        command: rscript(paths, [cliR, "permutation", k30, String(options.metaforPermutations)]),
        runs: 1,
        replicates: { measured: options.metaforPermutations, full: PERMUTATIONS },
      }),
    },
    {
      name: "bootstrap-1e5",
      what: `pooled analyze k30.csv --bootstrap ${BOOTSTRAP_REPLICATES} --seed 1 --format json`,
      pooled: pooledCommand(paths, [
        ...["analyze", k30, "--bootstrap", String(BOOTSTRAP_REPLICATES)],
        ...["--seed", "1", "--format", "json", "--quiet"],
      ]),
      runs: Math.min(options.runs, 3),
      check: (stdout) =>
        expect(
          JSON.parse(stdout).bootstrap?.iterations === BOOTSTRAP_REPLICATES,
          `${BOOTSTRAP_REPLICATES} bootstrap replicates`,
        ),
      metafor: metafor({
        what: `boot with rma refits, R = ${options.metaforBootstrap}, boot.ci perc + bca`,
        command: rscript(paths, [cliR, "bootstrap", k30, String(options.metaforBootstrap)]),
        runs: 1,
        replicates: { measured: options.metaforBootstrap, full: BOOTSTRAP_REPLICATES },
      }),
    },
  ];
}

/**
 * The figure of one metafor run: its wall time, with the replicates' share (printed by cli.R as
 * "REPLICATES-MS <ms>") scaled from the count measured to Pooled's count.
 */
export function metaforValue(job: MetaforJob, run: Run): number {
  if (job.replicates === null) return run.ms;
  const line = /^REPLICATES-MS (\S+)$/m.exec(run.stdout);
  if (!line) throw new Error(`cli.R printed no REPLICATES-MS line:\n${run.stdout}`);
  const replicatesMs = Number(line[1]);
  return run.ms + replicatesMs * (job.replicates.full / job.replicates.measured - 1);
}
