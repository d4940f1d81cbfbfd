/**
 * `npm run bench`: times every kernel on every path, prints the table and the goals, and writes
 * bench/results.json (an array of { kernel, path, k, opsPerSec, meanMs, p99Ms }).
 *
 *   node bench/dist/run.js                 the full plan (bench/results.json)
 *   node bench/dist/run.js --quick         less work, to check the harness (bench/dist/results-quick.json)
 *   node bench/dist/run.js --only=reml,browser
 *                                          some suites (bench/dist/results-partial.json)
 *   suites: reml, rma, permutation, bootstrap, diagnostics, browser
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { browserSuite } from "./browser.js";
import type { Measurement, ResultRow } from "./harness.js";
import { fullPlan, quickPlan } from "./plan.js";
import {
  goals,
  goalsMarkdown,
  goalsTable,
  machineLine,
  num,
  resultsMarkdown,
  resultsTable,
} from "./report.js";
import {
  bootstrapSuite,
  diagnosticsSuite,
  permutationSuite,
  remlSuite,
  rmaSuite,
  WORKERS,
} from "./suites.js";

const SUITES = ["reml", "rma", "permutation", "bootstrap", "diagnostics", "browser"] as const;
type Suite = (typeof SUITES)[number];

function parseArgs(argv: string[]): { quick: boolean; only: Suite[] | null } {
  const quick = argv.includes("--quick");
  const onlyArg = argv.find((a) => a.startsWith("--only="));
  let only: Suite[] | null = null;
  if (onlyArg) {
    only = onlyArg
      .slice("--only=".length)
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0) as Suite[];
    const unknown = only.filter((s) => !SUITES.includes(s));
    if (unknown.length)
      throw new Error(`unknown suite(s) ${unknown.join(", ")}; known: ${SUITES.join(", ")}`);
  }
  return { quick, only };
}

/** bench/ (this file runs from bench/dist/). */
export const benchDir = fileURLToPath(new URL("../", import.meta.url));

function logLine(m: Measurement): void {
  console.log(
    `  ${m.kernel.padEnd(34)} ${m.path.padEnd(12)} k=${String(m.k).padEnd(7)} ${num(m.meanMs).padStart(9)} ms mean  (${m.samples} calls)`,
  );
}

async function main(): Promise<void> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const plan = quick ? quickPlan : fullPlan;
  const wanted = (s: Suite) => only === null || only.includes(s);
  const started = performance.now();
  console.log(
    `Pooled bench${quick ? " (quick plan: for checking the harness, not for figures)" : ""}`,
  );
  console.log(`machine: ${machineLine()}`);
  console.log(`wasm-workers path: ${WORKERS} worker_threads\n`);

  const rows: Measurement[] = [];
  const notes: string[] = [];
  const failed: string[] = [];
  /** Runs one suite; a failure is reported and the other suites still run. */
  const suite = async (name: Suite, title: string, run: () => Promise<Measurement[]>) => {
    if (!wanted(name)) return;
    console.log(title);
    try {
      rows.push(...(await run()));
    } catch (error) {
      failed.push(name);
      console.error(`  suite ${name} failed: ${String((error as Error)?.stack ?? error)}`);
    }
  };
  await suite(
    "reml",
    "REML fit (kernel interface: one fit, Fisher scoring to |change in tau2| < 1e-10)",
    () => remlSuite(plan, logLine),
  );
  await suite(
    "rma",
    "rma(): the whole public call (fit, tests, heterogeneity, Q-profile CIs), k <= 1000",
    () => rmaSuite(plan, logLine),
  );
  await suite(
    "permutation",
    `permutation test (k = ${plan.resamplingK}, 4-level categorical moderator)`,
    () => permutationSuite(plan, logLine),
  );
  await suite(
    "bootstrap",
    `case bootstrap (k = ${plan.resamplingK}, 4-level categorical moderator)`,
    () => bootstrapSuite(plan, logLine),
  );
  await suite(
    "diagnostics",
    `leave-one-out and influence (k = ${plan.diagnosticsK}, no moderators)`,
    () => diagnosticsSuite(plan, logLine),
  );
  await suite(
    "browser",
    "browser: permutation test in a Web Worker, headless Chromium",
    async () => {
      const res = await browserSuite(plan, ["ts", "wasm"]);
      if ("skipped" in res) {
        console.log(`  skipped: ${res.skipped}`);
        notes.push(`browser suite skipped: ${res.skipped}`);
        return [];
      }
      for (const m of res.measurements) logLine(m);
      notes.push(`browser: ${res.userAgent}`);
      return res.measurements;
    },
  );

  console.log(`\n${resultsTable(rows)}\n`);
  const notesShown = new Set<string>(notes);
  for (const r of rows) if (r.note) notesShown.add(`${r.kernel} ${r.path}: ${r.note}`);
  for (const n of notesShown) console.log(`note: ${n}`);
  if (plan.quick)
    console.log("\nGoals: not reported for the quick plan (they are about the full work).");
  else console.log(`\nGoals (reported, not asserted):\n${goalsTable(goals(plan, rows))}`);

  const results: ResultRow[] = rows.map(({ kernel, path, k, opsPerSec, meanMs, p99Ms }) => ({
    kernel,
    path,
    k,
    opsPerSec,
    meanMs,
    p99Ms,
  }));
  // bench/results.json only ever holds a complete run of the full plan
  const file =
    quick || only !== null || failed.length > 0
      ? `${benchDir}dist/results-${quick ? "quick" : "partial"}.json`
      : `${benchDir}results.json`;
  await mkdir(`${benchDir}dist`, { recursive: true });
  await writeFile(file, JSON.stringify(results, null, 2) + "\n");
  const seconds = (performance.now() - started) / 1000;
  const markdown = [
    `machine: ${machineLine()}; ${seconds.toFixed(0)} s in all`,
    "",
    resultsMarkdown(rows),
    "",
    ...(plan.quick ? [] : [goalsMarkdown(goals(plan, rows)), ""]),
  ].join("\n");
  await writeFile(`${benchDir}dist/results.md`, markdown);
  console.log(`\nwrote ${file} (${results.length} rows) in ${seconds.toFixed(1)} s`);
  if (failed.length > 0) {
    console.error(`failed suites: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
