/**
 * `npm run bench:metafor`: times the same work in R's metafor (rma, permutest, boot with rma) via
 * bench/metafor/bench.R, on the same data sets, and prints metafor's time over Pooled's for every
 * path in bench/results.json. Writes bench/metafor-results.json.
 *
 * metafor refits once per replicate, at several milliseconds a refit, so 10^4 permutations and 10^5
 * bootstrap refits would take many minutes; by default it runs 1000 of each (metafor's own default
 * iter; METAFOR_PERMUTATIONS, METAFOR_BOOTSTRAP change it) and scales the time linearly to the full
 * count (every replicate is the same refit). The scaling also multiplies the call's fixed cost (one
 * initial fit), which overstates metafor by about one refit per 1000 replicates measured.
 * Set METAFOR_FULL=1 to run the full counts.
 *
 * `--ratios-only` recomputes the ratios from the last metafor timings (bench/metafor-results.json)
 * and the current bench/results.json, without running R.
 *
 * Without Rscript, metafor or boot it says how to install them and exits 0.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeData, toCsv } from "./data.js";
import { intFromEnv } from "./env.js";
import type { PathName, ResultRow } from "./harness.js";
import { countName, fullPlan, kernelName } from "./plan.js";
import { machineLine, num, table } from "./report.js";

const benchDir = fileURLToPath(new URL("../", import.meta.url));
const INSTALL = [
  "metafor timings need R with the metafor and boot packages. On Debian or Ubuntu:",
  "  sudo apt-get update && sudo apt-get install -y r-base-core r-cran-metafor r-cran-boot",
  'elsewhere: install R from https://cran.r-project.org, then in R: install.packages(c("metafor", "boot"))',
].join("\n");

/** One row written by bench.R. */
interface MetaforRow {
  kernel: "reml-fit" | "reml-fit-3-moderators" | "permutation" | "bootstrap";
  k: number;
  replicates: number;
  calls: number;
  meanMs: number;
  p99Ms: number;
}

/** One row of bench/metafor-results.json. */
export interface MetaforComparison {
  /** The Pooled kernel of results.json this row compares with. */
  kernel: string;
  k: number;
  /** The work metafor did: rma (reml-fit, reml-fit-3-moderators), permutest or boot. */
  metaforKernel: MetaforRow["kernel"];
  /** metafor's time for the full work of the kernel (scaled from `measuredReplicates` when fewer). */
  metaforMs: number;
  measuredReplicates: number;
  measuredCalls: number;
  measuredMeanMs: number;
  /** metaforMs / Pooled's meanMs, per path (how many times faster Pooled is). */
  ratios: Partial<Record<PathName, number>>;
}

function haveMetafor(): boolean {
  const r = spawnSync(
    "Rscript",
    [
      "-e",
      'quit(status = if (all(sapply(c("metafor", "boot"), requireNamespace, quietly = TRUE))) 0 else 1)',
    ],
    { stdio: "ignore" },
  );
  return r.status === 0;
}

/** Runs bench.R on the plan's data sets and returns its rows. */
async function runR(
  permutations: number,
  bootReplicates: number,
  remlSizes: number[],
  resamplingK: number,
): Promise<MetaforRow[]> {
  const dir = await mkdtemp(join(tmpdir(), "pooled-bench-metafor-"));
  try {
    for (const k of new Set([...remlSizes, resamplingK])) {
      await writeFile(join(dir, `k${k}.csv`), toCsv(makeData(k)));
    }
    const out = join(dir, "metafor.json");
    const r = spawnSync(
      "Rscript",
      [
        join(benchDir, "metafor", "bench.R"),
        dir,
        out,
        String(permutations),
        String(bootReplicates),
        remlSizes.join(","),
        String(resamplingK),
        "1",
      ],
      { stdio: "inherit" },
    );
    if (r.status !== 0) throw new Error(`Rscript bench.R failed (status ${r.status})`);
    return JSON.parse(await readFile(out, "utf8")) as MetaforRow[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The metafor timings of the last run (bench/metafor-results.json), for `--ratios-only`. */
async function previousRows(): Promise<MetaforRow[]> {
  const file = join(benchDir, "metafor-results.json");
  if (!existsSync(file))
    throw new Error("--ratios-only needs bench/metafor-results.json from a run");
  const previous = JSON.parse(await readFile(file, "utf8")) as MetaforComparison[];
  const rows = new Map<string, MetaforRow>();
  for (const c of previous) {
    rows.set(`${c.metaforKernel} ${c.k}`, {
      kernel: c.metaforKernel,
      k: c.k,
      replicates: c.measuredReplicates,
      calls: c.measuredCalls,
      meanMs: c.measuredMeanMs,
      p99Ms: Number.NaN,
    });
  }
  return [...rows.values()];
}

/** Pooled kernels compared with each metafor timing. */
function pooledKernels(row: MetaforRow): string[] {
  switch (row.kernel) {
    case "permutation":
      return [kernelName.permutation(fullPlan)];
    case "bootstrap":
      return [kernelName.bootstrap(fullPlan)];
    case "reml-fit":
      return [kernelName.reml(0), kernelName.rma(0)];
    case "reml-fit-3-moderators":
      return [kernelName.reml(3), kernelName.rma(3)];
  }
}

async function main(): Promise<void> {
  const ratiosOnly = process.argv.includes("--ratios-only");
  if (!ratiosOnly && !haveMetafor()) {
    console.log(INSTALL);
    return;
  }
  const plan = fullPlan;
  const full = process.env.METAFOR_FULL === "1";
  const permutations = full ? plan.permutations : intFromEnv("METAFOR_PERMUTATIONS", 1000);
  const bootReplicates = full ? plan.bootstrapReplicates : intFromEnv("METAFOR_BOOTSTRAP", 1000);
  // rma.uni's k x k matrices: 10^5 studies would need 80 GB; 1000 already takes seconds per fit
  const remlSizes = plan.remlSizes.filter((k) => k <= 1000);
  console.log(`machine: ${machineLine()}`);
  console.log(
    `metafor: REML at k = ${remlSizes.join(", ")}; ${permutations} permutations and ${bootReplicates} bootstrap replicates at k = ${plan.resamplingK}` +
      (full
        ? ""
        : ` (scaled to ${countName(plan.permutations)} and ${countName(plan.bootstrapReplicates)}; METAFOR_FULL=1 runs the full counts)`),
  );

  const rows = ratiosOnly
    ? await previousRows()
    : await runR(permutations, bootReplicates, remlSizes, plan.resamplingK);

  const resultsFile = join(benchDir, "results.json");
  const ours: ResultRow[] = existsSync(resultsFile)
    ? (JSON.parse(await readFile(resultsFile, "utf8")) as ResultRow[])
    : [];
  if (ours.length === 0)
    console.log("no bench/results.json yet: run `npm run bench` for the ratios");

  const comparisons: MetaforComparison[] = rows.flatMap((row) =>
    pooledKernels(row).map((kernel) => {
      const fullCount =
        row.kernel === "permutation"
          ? plan.permutations
          : row.kernel === "bootstrap"
            ? plan.bootstrapReplicates
            : 1;
      const metaforMs = (row.meanMs * fullCount) / row.replicates;
      const ratios: Partial<Record<PathName, number>> = {};
      for (const r of ours) {
        if (r.kernel === kernel && r.k === row.k) ratios[r.path] = metaforMs / r.meanMs;
      }
      return {
        kernel,
        k: row.k,
        metaforKernel: row.kernel,
        metaforMs,
        measuredReplicates: row.replicates,
        measuredCalls: row.calls,
        measuredMeanMs: row.meanMs,
        ratios,
      };
    }),
  );

  const ratio = (x: number | undefined) => (x === undefined ? "" : `${num(x)}x`);
  console.log(
    `\n${table(
      [
        "kernel",
        "k",
        "metafor ms",
        "measured as",
        "ts ms",
        "metafor/ts",
        "metafor/wasm",
        "metafor/wasm-workers",
      ],
      comparisons.map((c) => {
        const ts = ours.find((r) => r.kernel === c.kernel && r.k === c.k && r.path === "ts");
        return [
          c.kernel,
          String(c.k),
          num(c.metaforMs),
          c.measuredReplicates === 1
            ? `${c.measuredCalls} calls`
            : c.metaforMs === c.measuredMeanMs
              ? `${countName(c.measuredReplicates)} reps`
              : `${countName(c.measuredReplicates)} reps, scaled`,
          ts ? num(ts.meanMs) : "",
          ratio(c.ratios.ts),
          ratio(c.ratios.wasm),
          ratio(c.ratios["wasm-workers"]),
        ];
      }),
      1,
    )}`,
  );
  const perm = comparisons.find((c) => c.kernel === kernelName.permutation(plan));
  if (perm) {
    const bestRatio = Math.max(...Object.values(perm.ratios));
    console.log(
      `\nGoal: >= 300x metafor on permutest: ${Number.isFinite(bestRatio) ? `${num(bestRatio)}x (best path) -> ${bestRatio >= 300 ? "met" : "NOT met"}` : "no Pooled figures to compare"}`,
    );
  }
  const file = join(benchDir, "metafor-results.json");
  await writeFile(file, JSON.stringify(comparisons, null, 2) + "\n");
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
