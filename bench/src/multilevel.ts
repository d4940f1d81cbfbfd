/**
 * `npm run bench:multilevel`: the speed goals of the three-level model (, experiments nested in
 * publications), measured on this machine and set beside R's metafor:
 *
 * - one REML fit at k = 1000 experiments in 200 publications <= 25 ms;
 * - 10^4 cluster-bootstrap replicates of a k = 60, 12-publication model <= 1 s.
 *
 * Times `rmaMultilevel` (the fit alone: `intervals: false, robust: false`; and with its defaults:
 * profile-likelihood CIs, LRTs per level, CR2) at both sizes on the "ts" (`backend: "js"`) and
 * "wasm" paths, and `multilevelBootstrap` (10^4 replicates, seed 1) on ts, wasm and wasm across
 * `availableParallelism()` worker threads. Then, when Rscript with metafor is installed, runs
 * bench/metafor/multilevel.R on the same data (written as CSV): rma.mv(yi, vi, random = ~ 1 |
 * cluster/experiment, method = "REML") once at k = 1000, repeatedly at k = 60, and ~50 cluster
 * bootstrap refits at k = 60, scaled linearly to 10^4. Prints the tables and writes
 * bench/multilevel-results.json (and the tables as Markdown to bench/dist/multilevel-results.md).
 *
 *   node bench/dist/multilevel.js               Pooled, then metafor when it is installed
 *   node bench/dist/multilevel.js --no-metafor  Pooled only
 *
 * METAFOR_REFITS (default 50) sets the number of bootstrap refits metafor runs; METAFOR_LIB=<dir>
 * (read by multilevel.R) loads another metafor, e.g. /opt/metafor51 for metafor 5.1.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type MultilevelResult, multilevelBootstrap, rmaMultilevel } from "@pooled/stats";
import { DATA_SEED, mulberry32 } from "./data.js";
import { intFromEnv, optionalMetaforRun } from "./env.js";
import {
  type Measurement,
  measure,
  type PathName,
  type ResultRow,
  type TaskSpec,
} from "./harness.js";
import { countName } from "./plan.js";
import { machineLine, markdownTable, num, resultsMarkdown, resultsTable, table } from "./report.js";

const benchDir = fileURLToPath(new URL("../", import.meta.url));

// ---------------------------------------------------------------------------------------------
// Data

/** Standard normal draws by Box-Muller, as data.ts draws them. */
function normal(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Seed of the three-level data sets (DATA_SEED + 12, plus k per data set). */
export const MULTILEVEL_SEED = DATA_SEED + 12;
/** Variance between publications (level 3) and between experiments within one (level 2). */
export const SIGMA2_BETWEEN = 0.05;
export const SIGMA2_WITHIN = 0.03;
/** Experiments per publication: 1 to MAX_EXPERIMENTS. */
const MAX_EXPERIMENTS = 9;

export interface MultilevelBenchData {
  /** Name of the data set (the CSV file is `multilevel-<name>.csv`). */
  name: string;
  k: number;
  publications: number;
  yi: Float64Array;
  vi: Float64Array;
  /** Publication of each experiment ("pub001", ...), rows grouped by publication. */
  cluster: string[];
  /** Experiment id, 1..k (unique, so `cluster/experiment` is the experiment level). */
  experiment: number[];
}

/**
 * k experiments in `publications` publications, each with 1 to 9 experiments: y_ij = 0.5 + u_j +
 * w_ij + e_ij, u_j ~ N(0, 0.05), w_ij ~ N(0, 0.03), e_ij ~ N(0, v_ij), v_ij ~ U(0.01, 0.1). The
 * publication sizes are drawn uniformly from 1..9, then moved one step at a time (random
 * publication, staying in 1..9) until they add up to k. Seed MULTILEVEL_SEED + k.
 */
export function makeMultilevelData(k: number, publications: number): MultilevelBenchData {
  if (k < publications || k > MAX_EXPERIMENTS * publications) {
    throw new Error(`${k} experiments do not fit in ${publications} publications of 1 to 9`);
  }
  const uniform = mulberry32(MULTILEVEL_SEED + k);
  const gauss = normal(uniform);
  const sizes = Array.from({ length: publications }, () =>
    Math.min(MAX_EXPERIMENTS, 1 + Math.floor(uniform() * MAX_EXPERIMENTS)),
  );
  let total = sizes.reduce((s, n) => s + n, 0);
  while (total !== k) {
    const j = Math.floor(uniform() * publications);
    if (total < k && sizes[j]! < MAX_EXPERIMENTS) {
      sizes[j]!++;
      total++;
    } else if (total > k && sizes[j]! > 1) {
      sizes[j]!--;
      total--;
    }
  }
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  const cluster: string[] = [];
  const experiment: number[] = [];
  let i = 0;
  sizes.forEach((size, j) => {
    const label = `pub${String(j + 1).padStart(3, "0")}`;
    const u = Math.sqrt(SIGMA2_BETWEEN) * gauss();
    for (let e = 0; e < size; e++, i++) {
      const v = 0.01 + 0.09 * uniform();
      const theta = 0.5 + u + Math.sqrt(SIGMA2_WITHIN) * gauss();
      vi[i] = v;
      yi[i] = theta + Math.sqrt(v) * gauss();
      cluster.push(label);
      experiment.push(i + 1);
    }
  });
  return { name: `k${k}`, k, publications, yi, vi, cluster, experiment };
}

/** The data set as CSV (yi, vi, cluster, experiment), read by bench/metafor/multilevel.R. */
export function multilevelCsv(data: MultilevelBenchData): string {
  const lines = ["yi,vi,cluster,experiment"];
  for (let i = 0; i < data.k; i++) {
    // 17 significant digits round-trip a double exactly
    lines.push(
      `${data.yi[i]!.toPrecision(17)},${data.vi[i]!.toPrecision(17)},${data.cluster[i]!},${data.experiment[i]!}`,
    );
  }
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// The plan: the sizes and goals of the three-level model's speed

const FIT_SIZES = [
  { k: 1000, publications: 200 },
  { k: 60, publications: 12 },
] as const;
const BOOT = { k: 60, publications: 12, replicates: 10_000, seed: 1 } as const;
const WORKERS = availableParallelism();
const GOAL_FIT_MS = 25;
const GOAL_BOOT_MS = 1000;

const kernels = {
  fit: "multilevel-reml-fit",
  defaults: "multilevel-rma-defaults",
  bootstrap: `multilevel-bootstrap-${countName(BOOT.replicates)}`,
};

function backendOf(path: PathName): "js" | "wasm" {
  return path === "ts" ? "js" : "wasm";
}

function fitModel(data: MultilevelBenchData, path: PathName, full: boolean): MultilevelResult {
  return rmaMultilevel(
    { yi: data.yi, vi: data.vi, cluster: data.cluster },
    {
      method: "REML",
      backend: backendOf(path),
      ...(full ? {} : { intervals: false, robust: false }),
    },
  );
}

function logLine(m: Measurement): void {
  console.log(
    `  ${m.kernel.padEnd(26)} ${m.path.padEnd(12)} k=${String(m.k).padEnd(6)} ${num(m.meanMs).padStart(9)} ms mean  (${m.samples} calls)`,
  );
}

/** Relative difference, for the agreement checks. */
function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-12, Math.abs(a), Math.abs(b));
}

/** The σ² estimates each path gave, for the agreement checks (and against metafor's). */
const estimates = new Map<string, { sigma2Between: number; sigma2Within: number }>();

async function timePooled(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  for (const { k, publications } of FIT_SIZES) {
    const data = makeMultilevelData(k, publications);
    for (const full of [false, true]) {
      const kernel = full ? kernels.defaults : kernels.fit;
      const last = new Map<PathName, MultilevelResult>();
      for (const path of ["ts", "wasm"] as const) {
        const task: TaskSpec = {
          kernel,
          path,
          k,
          fn: () => last.set(path, fitModel(data, path, full)),
          iterations: full ? 5 : 20,
          timeMs: full ? 300 : 500,
          warmup: full ? 2 : 10,
        };
        const m = await measure(task);
        logLine(m);
        rows.push(m);
      }
      const ts = last.get("ts")!;
      const wasm = last.get("wasm")!;
      estimates.set(`${k}`, {
        sigma2Between: wasm.sigma2Between.estimate,
        sigma2Within: wasm.sigma2Within.estimate,
      });
      const d = Math.max(
        relDiff(ts.sigma2Between.estimate, wasm.sigma2Between.estimate),
        relDiff(ts.sigma2Within.estimate, wasm.sigma2Within.estimate),
        relDiff(ts.beta[0]!, wasm.beta[0]!),
      );
      if (d > 1e-8) console.warn(`  ! paths disagree at k=${k}: relative difference ${d}`);
    }
  }

  const data = makeMultilevelData(BOOT.k, BOOT.publications);
  const model = fitModel(data, "wasm", true);
  const ses = new Map<PathName, string>();
  for (const path of ["ts", "wasm", "wasm-workers"] as const) {
    const m = await measure({
      kernel: kernels.bootstrap,
      path,
      k: BOOT.k,
      fn: async () => {
        const res = await multilevelBootstrap(model, {
          replicates: BOOT.replicates,
          seed: BOOT.seed,
          backend: backendOf(path),
          workers: path === "wasm-workers" ? WORKERS : 1,
        });
        if (res.failed > 0) console.warn(`  ! ${res.failed} bootstrap replicates failed (${path})`);
        ses.set(path, res.statistics.map((s) => s.se).join(" "));
      },
      // each call is 10^4 refits (a few hundred ms): one warm-up, three timed calls
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
  if (new Set(ses.values()).size !== 1) {
    console.warn(
      `  ! bootstrap SEs differ between paths: ${[...ses].map(([p, s]) => `${p}=${s}`).join(", ")}`,
    );
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// metafor

/** One row written by multilevel.R. */
interface MetaforRow {
  kernel: "fit" | "fit-sparse" | "bootstrap-refit";
  k: number;
  /** Refits behind one call (bootstrap-refit), else 1. */
  replicates: number;
  calls: number;
  meanMs: number;
  p99Ms: number;
  failed: number;
  sigma2Between: number | null;
  sigma2Within: number | null;
}

interface MetaforRun {
  metafor: string;
  r: string;
  rows: MetaforRow[];
}

/** One line of the comparison: metafor's time for the work of a Pooled kernel, and the ratios. */
export interface MultilevelComparison {
  kernel: string;
  k: number;
  metaforKernel: MetaforRow["kernel"];
  /** metafor's time for the whole work of `kernel` (scaled from `measuredReplicates` refits). */
  metaforMs: number;
  measuredReplicates: number;
  measuredCalls: number;
  measuredMeanMs: number;
  /** metaforMs / Pooled's meanMs, per path (how many times faster Pooled is). */
  ratios: Partial<Record<PathName, number>>;
}

async function runMetafor(refits: number): Promise<MetaforRun> {
  const dir = await mkdtemp(join(tmpdir(), "pooled-bench-multilevel-"));
  try {
    const sets = [...FIT_SIZES, { k: BOOT.k, publications: BOOT.publications }];
    for (const { k, publications } of sets) {
      const data = makeMultilevelData(k, publications);
      await writeFile(join(dir, `multilevel-${data.name}.csv`), multilevelCsv(data));
    }
    const out = join(dir, "metafor.json");
    const r = spawnSync(
      "Rscript",
      [
        join(benchDir, "metafor", "multilevel.R"),
        dir,
        out,
        FIT_SIZES.map((s) => s.k).join(","),
        String(BOOT.k),
        String(refits),
        "3",
      ],
      { stdio: "inherit" },
    );
    if (r.status !== 0) throw new Error(`Rscript multilevel.R failed (status ${r.status})`);
    return JSON.parse(await readFile(out, "utf8")) as MetaforRun;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function compare(run: MetaforRun, ours: ResultRow[]): MultilevelComparison[] {
  const out: MultilevelComparison[] = [];
  for (const row of run.rows) {
    const pooled =
      row.kernel === "bootstrap-refit" ? [kernels.bootstrap] : [kernels.fit, kernels.defaults];
    const scale = row.kernel === "bootstrap-refit" ? BOOT.replicates / row.replicates : 1;
    const metaforMs = row.meanMs * scale;
    for (const kernel of pooled) {
      const ratios: Partial<Record<PathName, number>> = {};
      for (const r of ours) {
        if (r.kernel === kernel && r.k === row.k) ratios[r.path] = metaforMs / r.meanMs;
      }
      out.push({
        kernel,
        k: row.k,
        metaforKernel: row.kernel,
        metaforMs,
        measuredReplicates: row.replicates,
        measuredCalls: row.calls,
        measuredMeanMs: row.meanMs,
        ratios,
      });
    }
  }
  return out;
}

const METAFOR_WORK: Record<MetaforRow["kernel"], string> = {
  fit: "rma.mv",
  "fit-sparse": "rma.mv sparse",
  "bootstrap-refit": "rma.mv refits",
};

function comparisonRows(list: MultilevelComparison[], ours: ResultRow[]): string[][] {
  const ratio = (x: number | undefined) => (x === undefined ? "" : `${num(x)}x`);
  return list.map((c) => {
    const best = ours
      .filter((r) => r.kernel === c.kernel && r.k === c.k)
      .sort((a, b) => a.meanMs - b.meanMs)[0];
    return [
      c.kernel,
      String(c.k),
      METAFOR_WORK[c.metaforKernel],
      num(c.metaforMs),
      c.measuredReplicates === 1
        ? `${c.measuredCalls} call${c.measuredCalls === 1 ? "" : "s"}`
        : `${c.measuredReplicates} refits, scaled`,
      best ? `${num(best.meanMs)} (${best.path})` : "",
      ratio(c.ratios.ts),
      ratio(c.ratios.wasm),
      ratio(c.ratios["wasm-workers"]),
    ];
  });
}

const COMPARISON_HEADER = [
  "Pooled kernel",
  "k",
  "metafor work",
  "metafor ms",
  "measured as",
  "Pooled best ms",
  "metafor/ts",
  "metafor/wasm",
  "metafor/wasm-workers",
];

// ---------------------------------------------------------------------------------------------
// Goals

interface Goal {
  goal: string;
  met: boolean | null;
  measured: string;
}

function goals(rows: ResultRow[], comparisons: MultilevelComparison[]): Goal[] {
  const list = (kernel: string, k: number) =>
    rows.filter((r) => r.kernel === kernel && r.k === k).sort((a, b) => a.meanMs - b.meanMs);
  const under = (what: string, kernel: string, k: number, limitMs: number): Goal => {
    const found = list(kernel, k);
    const vs = comparisons.find(
      (c) => c.kernel === kernel && c.k === k && c.metaforKernel !== "fit-sparse",
    );
    const best = found[0];
    const metafor =
      vs && best
        ? `; rma.mv ${num(vs.metaforMs)} ms = ${num(vs.metaforMs / best.meanMs)}x the best path`
        : "";
    return {
      goal: `${what} <= ${limitMs >= 1000 ? `${limitMs / 1000} s` : `${limitMs} ms`}`,
      met: best ? best.meanMs <= limitMs : null,
      measured: found.length
        ? found.map((r) => `${r.path} ${num(r.meanMs)} ms`).join(", ") + metafor
        : "not measured",
    };
  };
  return [
    under(
      `REML fit, k = ${FIT_SIZES[0].k} in ${FIT_SIZES[0].publications} publications`,
      kernels.fit,
      FIT_SIZES[0].k,
      GOAL_FIT_MS,
    ),
    under(
      `${countName(BOOT.replicates)} cluster-bootstrap replicates, k = ${BOOT.k} in ${BOOT.publications} publications`,
      kernels.bootstrap,
      BOOT.k,
      GOAL_BOOT_MS,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const withMetafor = !process.argv.includes("--no-metafor");
  console.log("Pooled bench: the three-level model");
  console.log(`machine: ${machineLine()}`);
  for (const { k, publications } of [...FIT_SIZES]) {
    const d = makeMultilevelData(k, publications);
    const sizes = new Map<string, number>();
    for (const c of d.cluster) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    const n = [...sizes.values()];
    console.log(
      `data k=${k}: ${publications} publications of ${Math.min(...n)} to ${Math.max(...n)} experiments, sigma2 between/within ${SIGMA2_BETWEEN}/${SIGMA2_WITHIN}, vi in [0.01, 0.1], seed ${MULTILEVEL_SEED + k}`,
    );
  }
  console.log(
    `bootstrap: ${countName(BOOT.replicates)} replicates, seed ${BOOT.seed}; wasm-workers path: ${WORKERS} worker_threads\n`,
  );

  console.log("Pooled (fit: intervals and robust off; defaults: profile CIs, LRTs, CR2)");
  const rows = await timePooled();
  console.log(`\n${resultsTable(rows)}`);
  for (const r of rows) if (r.note) console.log(`note: ${r.kernel} ${r.path}: ${r.note}`);
  const pooled: ResultRow[] = rows.map(({ kernel, path, k, opsPerSec, meanMs, p99Ms }) => ({
    kernel,
    path,
    k,
    opsPerSec,
    meanMs,
    p99Ms,
  }));

  // Read only when metafor runs (an unset or bad value matters to that run alone).
  const refits = () => intFromEnv("METAFOR_REFITS", 50);
  const { result: run, skipped } = await optionalMetaforRun(
    withMetafor,
    () =>
      `rma.mv(yi, vi, random = ~ 1 | cluster/experiment, method = "REML"), metafor's default control; once at k = ${FIT_SIZES[0].k} (and once with sparse = TRUE), refitted for 3 s at k = ${BOOT.k}; ${refits()} cluster-bootstrap refits at k = ${BOOT.k}, scaled to ${countName(BOOT.replicates)}`,
    () => runMetafor(refits()),
  );

  const comparisons = run ? compare(run, pooled) : [];
  if (run) {
    console.log(`\n${run.r}, metafor ${run.metafor}`);
    for (const r of run.rows) {
      if (r.failed > 0) console.log(`note: ${r.failed} of ${r.replicates} metafor refits failed`);
      const ours = estimates.get(`${r.k}`);
      if (r.kernel !== "bootstrap-refit" && ours && r.sigma2Between !== null) {
        console.log(
          `  k=${r.k} ${METAFOR_WORK[r.kernel]}: sigma2 ${r.sigma2Between.toPrecision(6)}/${r.sigma2Within!.toPrecision(6)}, Pooled ${ours.sigma2Between.toPrecision(6)}/${ours.sigma2Within.toPrecision(6)}`,
        );
      }
    }
    console.log(
      `\n${table(COMPARISON_HEADER, comparisonRows(comparisons, pooled), 3)}\n("300x" = Pooled 300 times faster; the defaults rows do more work than metafor's bare rma.mv)`,
    );
  }
  const goalList = goals(pooled, comparisons);
  console.log(
    `\nGoals (reported, not asserted):\n${table(
      ["goal", "met", "measured (mean per call)"],
      goalList.map((g) => [g.goal, g.met === null ? "n/a" : g.met ? "yes" : "NO", g.measured]),
      3,
    )}`,
  );

  const file = join(benchDir, "multilevel-results.json");
  const result = {
    machine: machineLine(),
    date: new Date().toISOString(),
    pooled,
    metafor: run ? { version: run.metafor, r: run.r, rows: run.rows } : null,
    ...(skipped ? { metaforSkipped: skipped } : {}),
    comparisons,
    goals: goalList,
  };
  await writeFile(file, JSON.stringify(result, null, 2) + "\n");
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
          markdownTable(COMPARISON_HEADER, comparisonRows(comparisons, pooled), 3),
          "",
        ]
      : []),
    markdownTable(
      ["goal", "met", "measured (mean per call)"],
      goalList.map((g) => [g.goal, g.met === null ? "n/a" : g.met ? "yes" : "no", g.measured]),
      3,
    ),
    "",
  ].join("\n");
  await writeFile(join(benchDir, "dist", "multilevel-results.md"), markdown);
  console.log(`\nwrote ${file} in ${seconds.toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
