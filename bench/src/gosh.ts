/**
 * `npm run bench:gosh`: the speed goal of GOSH (Olkin, Dahabreh & Trikalinos 2012),
 * measured on this machine and set beside R's metafor:
 *
 * - every subset of k = 20 studies (2^20 - 1 = 1,048,575 REML fits) in under 10 s on 2 cores.
 *
 * Times `gosh(model, { subsets: 2^20 - 1 })` on the REML model of makeData(20) (the bench's data
 * generator, seed DATA_SEED + 20) on the "ts" path (`backend: "js"`, in-process), "wasm"
 * (in-process, one thread) and "wasm-workers" (2 worker threads, started inside each call), checks
 * that the three give the same numbers, then, when Rscript with metafor is installed, runs
 * bench/metafor/gosh.R on the same data (as CSV): metafor's gosh() on every subset of the first 12
 * studies and on 20,000 random subsets of all 20, each scaled per fit to 1,048,575 fits. Prints the
 * tables and writes bench/gosh-results.json (and the tables as Markdown to
 * bench/dist/gosh-results.md).
 *
 *   node bench/dist/gosh.js               Pooled, then metafor when it is installed
 *   node bench/dist/gosh.js --no-metafor  Pooled only
 *
 * METAFOR_GOSH_K (default 12) and METAFOR_GOSH_RANDOM (default 20000) set metafor's two runs;
 * METAFOR_LIB=<dir> (read by gosh.R) loads another metafor, e.g. /opt/metafor51 for metafor 5.1.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type GoshResult, gosh, rma } from "@pooled/stats";
import { DATA_SEED, makeData, toCsv } from "./data.js";
import { intFromEnv, optionalMetaforRun } from "./env.js";
import { type Measurement, measure, type PathName, type ResultRow } from "./harness.js";
import { machineLine, markdownTable, num, resultsMarkdown, resultsTable, table } from "./report.js";

const benchDir = fileURLToPath(new URL("../", import.meta.url));

/** The plan: every subset of 20 studies, REML, on 2 cores in under 10 s. */
const K = 20;
const SUBSETS = 2 ** K - 1;
const WORKERS = 2;
const GOAL_MS = 10_000;
const KERNEL = "gosh-exhaustive-reml";

function backendOf(path: PathName): "js" | "wasm" {
  return path === "ts" ? "js" : "wasm";
}

function logLine(m: Measurement): void {
  console.log(
    `  ${m.kernel.padEnd(22)} ${m.path.padEnd(12)} k=${String(m.k).padEnd(4)} ${num(m.meanMs).padStart(9)} ms mean  (${m.samples} calls)`,
  );
}

/** The largest difference between two runs' arrays (0 when bit-identical). */
function largestDifference(a: GoshResult, b: GoshResult): number {
  let worst = 0;
  for (const key of ["estimate", "I2", "H2", "tau2", "Q"] as const) {
    const x = a[key];
    const y = b[key];
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== y[i]) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) || Infinity);
    }
  }
  return worst;
}

async function timePooled(): Promise<{ rows: Measurement[]; result: GoshResult }> {
  const data = makeData(K);
  const rows: Measurement[] = [];
  const last = new Map<PathName, GoshResult>();
  for (const path of ["ts", "wasm", "wasm-workers"] as const) {
    const model = rma({ yi: data.yi, vi: data.vi }, { method: "REML", backend: backendOf(path) });
    const m = await measure({
      kernel: KERNEL,
      path,
      k: K,
      fn: async () => {
        const res = await gosh(model, {
          subsets: SUBSETS,
          backend: backendOf(path),
          workers: path === "wasm-workers" ? WORKERS : 1,
        });
        if (res.failed > 0) console.warn(`  ! ${res.failed} subsets failed (${path})`);
        last.set(path, res);
      },
      // each call is 1,048,575 fits (seconds): one warm-up, three timed calls
      iterations: 3,
      timeMs: 0,
      warmup: 1,
      ...(path === "wasm-workers"
        ? { note: `${WORKERS} worker threads, started inside each call` }
        : {}),
    });
    logLine(m);
    rows.push(m);
  }
  const wasm = last.get("wasm")!;
  for (const path of ["ts", "wasm-workers"] as const) {
    const d = largestDifference(wasm, last.get(path)!);
    if (d !== 0) console.warn(`  ! paths disagree: wasm vs ${path}, largest difference ${d}`);
  }
  return { rows, result: wasm };
}

// ---------------------------------------------------------------------------------------------
// metafor

interface MetaforRunRow {
  kind: "exhaustive" | "random";
  k: number;
  fits: number;
  ms: number;
  failed: number;
  meanSize: number;
}

interface MetaforRun {
  metafor: string;
  r: string;
  runs: MetaforRunRow[];
  exhaustive: { incl: string[]; estimate: number[]; I2: number[]; tau2: number[] };
}

/** metafor's time scaled to the 1,048,575 fits, and its ratio to Pooled's paths. */
export interface GoshComparison {
  run: MetaforRunRow["kind"];
  k: number;
  fits: number;
  measuredMs: number;
  meanSize: number;
  /** measuredMs / fits × 1,048,575 */
  scaledMs: number;
  /** scaledMs / Pooled's meanMs per path (how many times faster Pooled is) */
  ratios: Partial<Record<PathName, number>>;
}

async function runMetafor(smallK: number, random: number): Promise<MetaforRun> {
  const dir = await mkdtemp(join(tmpdir(), "pooled-bench-gosh-"));
  try {
    const csv = join(dir, "gosh-k20.csv");
    await writeFile(csv, toCsv(makeData(K)));
    const out = join(dir, "metafor.json");
    const r = spawnSync(
      "Rscript",
      [join(benchDir, "metafor", "gosh.R"), csv, out, String(smallK), String(random)],
      { stdio: "inherit" },
    );
    if (r.status !== 0) throw new Error(`Rscript gosh.R failed (status ${r.status})`);
    return JSON.parse(await readFile(out, "utf8")) as MetaforRun;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function compare(run: MetaforRun, ours: ResultRow[]): GoshComparison[] {
  return run.runs.map((row) => {
    const scaledMs = (row.ms / row.fits) * SUBSETS;
    const ratios: Partial<Record<PathName, number>> = {};
    for (const r of ours) ratios[r.path] = scaledMs / r.meanMs;
    return {
      run: row.kind,
      k: row.k,
      fits: row.fits,
      measuredMs: row.ms,
      meanSize: row.meanSize,
      scaledMs,
      ratios,
    };
  });
}

/**
 * Pooled's gosh on the studies of metafor's exhaustive run, against metafor's values (metafor's
 * default threshold 1e-5 leaves errors up to about 1e-4 in REML's τ² and I²).
 */
async function agreement(run: MetaforRun, smallK: number): Promise<string> {
  const data = makeData(K);
  const model = rma(
    { yi: data.yi.subarray(0, smallK), vi: data.vi.subarray(0, smallK) },
    { method: "REML" },
  );
  const ours = await gosh(model);
  const worst = { estimate: 0, I2: 0, tau2: 0 };
  run.exhaustive.incl.forEach((incl, row) => {
    let index = 0;
    for (let i = 0; i < incl.length; i++) if (incl[i] === "1") index += 2 ** i;
    for (const key of ["estimate", "I2", "tau2"] as const) {
      const e = run.exhaustive[key][row]!;
      const a = ours[key][index - 1]!;
      worst[key] = Math.max(worst[key], Math.abs(a - e) / Math.max(1, Math.abs(e)));
    }
  });
  return `largest difference from metafor over its ${run.exhaustive.incl.length} subsets (relative to max(1, |metafor|)): estimate ${worst.estimate.toExponential(1)}, I2 ${worst.I2.toExponential(1)}, tau2 ${worst.tau2.toExponential(1)} (metafor at its default threshold 1e-5)`;
}

const COMPARISON_HEADER = [
  "metafor run",
  "k",
  "fits",
  "mean size",
  "metafor ms",
  "scaled to 2^20 - 1 fits",
  "metafor/ts",
  "metafor/wasm",
  "metafor/wasm-workers",
];

function comparisonRows(list: GoshComparison[]): string[][] {
  const ratio = (x: number | undefined) => (x === undefined ? "" : `${num(x)}x`);
  return list.map((c) => [
    c.run,
    String(c.k),
    String(c.fits),
    c.meanSize.toFixed(1),
    num(c.measuredMs),
    `${num(c.scaledMs / 1000)} s`,
    ratio(c.ratios.ts),
    ratio(c.ratios.wasm),
    ratio(c.ratios["wasm-workers"]),
  ]);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const withMetafor = !process.argv.includes("--no-metafor");
  console.log("Pooled bench: GOSH");
  console.log(`machine: ${machineLine()}`);
  console.log(
    `data: makeData(${K}) (seed ${DATA_SEED + K}), REML; every subset: ${SUBSETS} fits; wasm-workers: ${WORKERS} worker_threads\n`,
  );
  const { rows, result } = await timePooled();
  console.log(`\n${resultsTable(rows)}`);
  for (const r of rows) if (r.note) console.log(`note: ${r.kernel} ${r.path}: ${r.note}`);
  console.log(
    `median I2 ${result.summary.I2.median.toFixed(2)}%, estimate ${result.summary.estimate.min.toFixed(3)} .. ${result.summary.estimate.max.toFixed(3)}`,
  );
  const pooled: ResultRow[] = rows.map(({ kernel, path, k, opsPerSec, meanMs, p99Ms }) => ({
    kernel,
    path,
    k,
    opsPerSec,
    meanMs,
    p99Ms,
  }));

  const smallK = intFromEnv("METAFOR_GOSH_K", 12);
  const random = intFromEnv("METAFOR_GOSH_RANDOM", 20_000);
  const { result: timed, skipped } = await optionalMetaforRun(
    withMetafor,
    () =>
      `gosh(rma(yi, vi, method = "REML")), metafor's default control; every subset of the first ${smallK} studies, and ${random} random subsets of all ${K}`,
    async () => {
      const metaforRun = await runMetafor(smallK, random);
      return { run: metaforRun, agreementLine: await agreement(metaforRun, smallK) };
    },
  );
  const run: MetaforRun | null = timed?.run ?? null;
  const agreementLine = timed?.agreementLine ?? "";
  const comparisons = run ? compare(run, pooled) : [];
  if (run) {
    console.log(`\n${run.r}, metafor ${run.metafor}`);
    console.log(
      `${table(COMPARISON_HEADER, comparisonRows(comparisons), 1)}\n("300x" = Pooled 300 times faster)`,
    );
    console.log(agreementLine);
  }

  const onTwoCores = pooled.find((r) => r.path === "wasm-workers");
  const goal = {
    goal: `every subset of k = ${K} (${SUBSETS} REML fits) on ${WORKERS} cores < ${GOAL_MS / 1000} s`,
    met: onTwoCores ? onTwoCores.meanMs <= GOAL_MS : null,
    measured: pooled.map((r) => `${r.path} ${num(r.meanMs / 1000)} s`).join(", "),
  };
  console.log(
    `\nGoal (reported, not asserted):\n${table(
      ["goal", "met", "measured (mean per call)"],
      [[goal.goal, goal.met === null ? "n/a" : goal.met ? "yes" : "NO", goal.measured]],
      3,
    )}`,
  );

  const file = join(benchDir, "gosh-results.json");
  const output = {
    machine: machineLine(),
    date: new Date().toISOString(),
    pooled,
    metafor: run ? { version: run.metafor, r: run.r, runs: run.runs } : null,
    ...(skipped ? { metaforSkipped: skipped } : {}),
    comparisons,
    ...(agreementLine ? { agreement: agreementLine } : {}),
    goals: [goal],
  };
  await writeFile(file, JSON.stringify(output, null, 2) + "\n");
  await mkdir(join(benchDir, "dist"), { recursive: true });
  const seconds = (performance.now() - started) / 1000;
  const markdown = [
    `machine: ${machineLine()}; ${seconds.toFixed(0)} s in all`,
    "",
    resultsMarkdown(rows),
    "",
    ...(run
      ? [
          `${run.r}, metafor ${run.metafor}`,
          "",
          markdownTable(COMPARISON_HEADER, comparisonRows(comparisons), 1),
          "",
          agreementLine,
          "",
        ]
      : []),
    markdownTable(
      ["goal", "met", "measured (mean per call)"],
      [[goal.goal, goal.met === null ? "n/a" : goal.met ? "yes" : "no", goal.measured]],
      3,
    ),
    "",
  ].join("\n");
  await writeFile(join(benchDir, "dist", "gosh-results.md"), markdown);
  console.log(`\nwrote ${file} in ${seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
