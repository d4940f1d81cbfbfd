/**
 * `npm run bench:cli`: whole-process wall times of the `pooled` command (median of several runs,
 * each a fresh process), beside the same work in R's metafor when Rscript with metafor and boot is
 * installed, and the start-up of the runtimes themselves for reading them. Prints a table and
 * writes bench/cli-results.json (and the table as Markdown to bench/dist/cli-results.md).
 *
 *   node bench/dist/cli.js              Pooled 21 runs of the short jobs (5 and 3 of the resampling)
 *   node bench/dist/cli.js --runs=3     fewer runs, to check the harness
 *   node bench/dist/cli.js --no-metafor Pooled only
 *
 * The jobs and how metafor's time is scaled: src/cli/jobs.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE, type Job, makeJobs, metaforValue, type Paths } from "./cli/jobs.js";
import { type Command, runOnce, type Timing, timeCommand } from "./cli/timing.js";
import { makeData, toCsv } from "./data.js";
import { intFromEnv } from "./env.js";
import { countName } from "./plan.js";
import { machineLine, markdownTable, num, table } from "./report.js";

const benchDir = fileURLToPath(new URL("../", import.meta.url));
const repoDir = fileURLToPath(new URL("../../", import.meta.url));

/** Goals of the CLI (reported, never asserted): median whole-process time of a job. */
const GOALS: Record<string, number> = { version: 80, analyze: 200 };

function parseArgs(argv: string[]): { runs: number; metafor: boolean } {
  const runsArg = argv.find((a) => a.startsWith("--runs="));
  const runs = runsArg ? Number(runsArg.slice("--runs=".length)) : 21;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs expects a whole number >= 1`);
  return { runs, metafor: !argv.includes("--no-metafor") };
}

/** Why metafor is not timed, or null when Rscript with metafor and boot is there. */
function metaforMissing(): string | null {
  const r = spawnSync(
    "Rscript",
    [
      "-e",
      'quit(status = if (all(sapply(c("metafor", "boot"), requireNamespace, quietly = TRUE))) 0 else 1)',
    ],
    { stdio: "ignore" },
  );
  if (r.error) return "Rscript was not found";
  if (r.status !== 0) return "R's metafor or boot package was not found";
  return null;
}

/** k30.csv for the resampling runs, and the example's report folder (for its analysis.R). */
async function prepare(paths: Paths, withReport: boolean, pooled: Command): Promise<void> {
  await writeFile(join(paths.work, "k30.csv"), toCsv(makeData(30)));
  if (withReport) {
    runOnce({
      ...pooled,
      args: [...pooled.args.slice(0, 1), "analyze", join(paths.repo, EXAMPLE), "--out", "report"],
    });
  }
}

interface Row {
  job: string;
  what: string;
  pooled: Timing;
  metafor: (Timing & { what: string; measuredAs: string }) | null;
  /** metafor's median over Pooled's: how many times faster Pooled is. */
  ratio: number | null;
}

function timeJob(job: Job): Row {
  const pooled = timeCommand(job.pooled, {
    runs: job.runs,
    warmUp: job.runs > 3,
    value: (run) => {
      job.check(run.stdout);
      return run.ms;
    },
  });
  console.log(`  ${job.name.padEnd(16)} pooled  ${num(pooled.medianMs).padStart(8)} ms median`);
  if (job.metafor === null)
    return { job: job.name, what: job.what, pooled, metafor: null, ratio: null };
  const m = job.metafor;
  const timing = timeCommand(m.command, {
    runs: m.runs,
    warmUp: m.replicates === null,
    value: (run) => metaforValue(m, run),
  });
  const measuredAs =
    m.replicates === null
      ? `${m.runs} runs`
      : m.replicates.measured === m.replicates.full
        ? `${countName(m.replicates.full)} reps`
        : `${countName(m.replicates.measured)} reps, scaled`;
  console.log(
    `  ${job.name.padEnd(16)} metafor ${num(timing.medianMs).padStart(8)} ms (${measuredAs})`,
  );
  return {
    job: job.name,
    what: job.what,
    pooled,
    metafor: { ...timing, what: m.what, measuredAs },
    ratio: timing.medianMs / pooled.medianMs,
  };
}

interface Baseline {
  what: string;
  timing: Timing;
}

/**
 * How long the runtimes take to start doing nothing, the floor under every figure above. When
 * NODE_EXTRA_CA_CERTS is set, Node reads and parses that certificate file at every start, even for
 * programs that never open a connection; Pooled's short jobs are timed without it too.
 */
function baselines(paths: Paths, jobs: Job[], runs: number, withR: boolean): Baseline[] {
  const out: Baseline[] = [];
  const time = (what: string, command: Command) => {
    const timing = timeCommand(command, { runs, warmUp: true });
    out.push({ what, timing });
    console.log(`  ${what.padEnd(60)} ${num(timing.medianMs).padStart(8)} ms median`);
  };
  time("node -e 0", { program: process.execPath, args: ["-e", "0"], cwd: paths.work });
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
    time("node -e 0, without NODE_EXTRA_CA_CERTS", {
      program: process.execPath,
      args: ["-e", "0"],
      cwd: paths.work,
      env,
    });
    for (const job of jobs.filter((j) => j.name in GOALS))
      time(`pooled ${job.name}, without NODE_EXTRA_CA_CERTS`, { ...job.pooled, env });
  }
  if (withR) time("Rscript -e 0", { program: "Rscript", args: ["-e", "0"], cwd: paths.work });
  return out;
}

function goalLines(rows: Row[]): string[] {
  return rows
    .filter((r) => r.job in GOALS)
    .map((r) => {
      const limit = GOALS[r.job]!;
      const met = r.pooled.medianMs <= limit;
      return `${r.what} <= ${limit} ms: ${num(r.pooled.medianMs)} ms median -> ${met ? "met" : "NOT met"}`;
    });
}

const HEADER = [
  "job",
  "Pooled ms (median)",
  "min",
  "max",
  "runs",
  "metafor ms",
  "metafor measured as",
  "metafor / Pooled",
];

function cells(r: Row): string[] {
  return [
    r.job,
    num(r.pooled.medianMs),
    num(r.pooled.minMs),
    num(r.pooled.maxMs),
    String(r.pooled.runs),
    r.metafor ? num(r.metafor.medianMs) : "",
    r.metafor ? r.metafor.measuredAs : "",
    r.ratio === null ? "" : `${num(r.ratio)}x`,
  ];
}

async function main(): Promise<void> {
  const { runs, metafor } = parseArgs(process.argv.slice(2));
  const missing = metafor ? metaforMissing() : "--no-metafor";
  const full = process.env.METAFOR_FULL === "1";
  const work = await mkdtemp(join(tmpdir(), "pooled-bench-cli-"));
  try {
    const paths: Paths = { repo: repoDir, bench: benchDir, work };
    const jobs = makeJobs(paths, {
      runs,
      metafor: missing === null,
      metaforPermutations: full ? 10_000 : intFromEnv("METAFOR_PERMUTATIONS", 1000),
      metaforBootstrap: full ? 100_000 : intFromEnv("METAFOR_BOOTSTRAP", 1000),
    });
    await prepare(paths, missing === null, jobs[0]!.pooled);

    console.log(`Pooled bench:cli: whole-process wall times (spawnSync, median of runs)`);
    console.log(`machine: ${machineLine()}`);
    console.log(
      missing === null ? "metafor: timed beside Pooled" : `metafor: not timed (${missing})`,
    );
    console.log("");
    const rows = jobs.map(timeJob);
    console.log("\nstart-up of the runtimes:");
    const floors = baselines(paths, jobs, runs, missing === null);

    console.log("");
    for (const r of rows)
      console.log(`${r.job}: ${r.what}${r.metafor ? `\n  metafor: ${r.metafor.what}` : ""}`);
    console.log(`\n${table(HEADER, rows.map(cells), 1)}`);
    console.log(
      `\n${table(
        ["start-up", "ms (median)"],
        floors.map((b) => [b.what, num(b.timing.medianMs)]),
        1,
      )}`,
    );
    console.log(`\nGoals (reported, not asserted):\n${goalLines(rows).join("\n")}`);
    // Other work on the machine slows every figure; the load at the start is in the machine line.
    const load = loadavg().map((l) => l.toFixed(2));
    console.log(`load average at the end: ${load.join(" ")}`);
    if (missing !== null) console.log(`\nmetafor was not found (${missing}): no ratios.`);

    const results = {
      machine: machineLine(),
      date: new Date().toISOString(),
      metafor: missing === null ? "timed" : `not timed: ${missing}`,
      rows,
      baselines: floors,
      goals: goalLines(rows),
    };
    const file = join(benchDir, "cli-results.json");
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    const markdown = [
      markdownTable(HEADER, rows.map(cells), 1),
      "",
      markdownTable(
        ["start-up", "ms (median)"],
        floors.map((b) => [b.what, num(b.timing.medianMs)]),
        1,
      ),
      "",
    ].join("\n");
    await writeFile(join(benchDir, "dist", "cli-results.md"), markdown);
    console.log(`\nwrote ${file} and bench/dist/cli-results.md`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
