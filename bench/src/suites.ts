/**
 * The Node suites: one REML fit, permutation test, bootstrap, leave-one-out and influence, each on
 * the TS reference path, WASM in-process and (for the resampling loops) WASM on worker_threads.
 * Every task calls the public API a user would call, with the same inputs on every path; the
 * observed model is fitted before timing starts, so a task times only its own work.
 */
import { availableParallelism } from "node:os";
import {
  bootstrap,
  fitDefaults,
  influence,
  leaveOneOut,
  type Moderator,
  permutationTest,
  type RmaResult,
  rma,
} from "@pooled/stats";
// The kernel-level fit is not in @pooled/stats' public barrel; the backend registry is read from
// the built package (the same module instance that "@pooled/stats" loads).
import { getBackend } from "@pooled/stats/kernels";
import { type BenchData, makeData } from "./data.js";
import { type Measurement, measure, type PathName, type TaskSpec } from "./harness.js";
import { kernelName, type Plan } from "./plan.js";

/** Worker threads for the "wasm-workers" path: one per core. */
export const WORKERS = availableParallelism();

/** The backend behind a path name. */
function backendOf(path: PathName): "js" | "wasm" {
  return path === "ts" ? "js" : "wasm";
}

/** Intercept plus the first `moderators` continuous columns, row-major k×p. */
export function designMatrix(data: BenchData, moderators: number): Float64Array {
  const p = 1 + moderators;
  const X = new Float64Array(data.k * p);
  const columns = [data.x1, data.x2, data.x3];
  for (let i = 0; i < data.k; i++) {
    X[i * p] = 1;
    for (let j = 0; j < moderators; j++) X[i * p + 1 + j] = columns[j]![i]!;
  }
  return X;
}

/** The 4-level categorical moderator of the resampling runs. */
export function animalModel(data: BenchData): Moderator[] {
  return [{ name: "model", type: "categorical", values: data.group }];
}

/** Runs tasks one after another, printing a line per task as it finishes. */
async function runAll(
  tasks: TaskSpec[],
  log: (m: Measurement) => void,
  check?: (results: Map<PathName, unknown>) => string | null,
  results?: Map<PathName, unknown>,
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const task of tasks) {
    const m = await measure(task);
    log(m);
    out.push(m);
  }
  if (check && results) {
    const problem = check(results);
    if (problem) console.warn(`  ! paths disagree: ${problem}`);
  }
  return out;
}

/** One REML fit through the kernel interface (what "REML at k = 10^5" means). */
export async function remlSuite(plan: Plan, log: (m: Measurement) => void): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const k of plan.remlSizes) {
    const data = makeData(k);
    for (const moderators of plan.remlModerators) {
      const p = 1 + moderators;
      const input = { yi: data.yi, vi: data.vi, X: designMatrix(data, moderators), k, p };
      const last = new Map<PathName, unknown>();
      const tasks: TaskSpec[] = (["ts", "wasm"] as const).map((path) => {
        const backend = getBackend(backendOf(path));
        return {
          kernel: kernelName.reml(moderators),
          path,
          k,
          fn: () => {
            const fit = backend.fit(input, "REML", fitDefaults.control);
            if (fit.status !== 0) throw new Error(`REML fit failed with status ${fit.status}`);
            last.set(path, fit.tau2);
          },
          iterations: k >= 100_000 ? 3 : 20,
          timeMs: plan.quick ? 50 : 150,
          warmup: k >= 100_000 ? 1 : 5,
        };
      });
      out.push(
        ...(await runAll(
          tasks,
          log,
          (r) => {
            const a = r.get("ts") as number;
            const b = r.get("wasm") as number;
            return Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(a))
              ? null
              : `tau2 ${a} (ts) vs ${b} (wasm) at k=${k}`;
          },
          last,
        )),
      );
    }
  }
  return out;
}

/** The whole rma() call (fit plus every reported statistic, Q-profile CIs included), k <= 1000. */
export async function rmaSuite(plan: Plan, log: (m: Measurement) => void): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const k of plan.remlSizes.filter((size) => size <= RMA_MAX_K)) {
    const data = makeData(k);
    for (const moderators of plan.remlModerators) {
      const mods: Moderator[] = [
        { name: "x1", values: data.x1 },
        { name: "x2", values: data.x2 },
        { name: "x3", values: data.x3 },
      ].slice(0, moderators);
      const last = new Map<PathName, unknown>();
      const tasks: TaskSpec[] = (["ts", "wasm"] as const).map((path) => ({
        kernel: kernelName.rma(moderators),
        path,
        k,
        fn: () => {
          const res = rma(
            { yi: data.yi, vi: data.vi },
            { method: "REML", mods, backend: backendOf(path) },
          );
          last.set(path, res.tau2);
        },
        iterations: 5,
        timeMs: plan.quick ? 50 : 100,
        warmup: 2,
      }));
      out.push(...(await runAll(tasks, log, sameNumber(`rma tau2 at k=${k}`), last)));
    }
  }
  return out;
}

/** rma() at k = 10^5 spends seconds in the Q-profile CIs; the fit alone is timed by remlSuite. */
const RMA_MAX_K = 1000;

const RESAMPLING_PATHS: PathName[] = ["ts", "wasm", "wasm-workers"];

function workersOf(path: PathName): number {
  return path === "wasm-workers" ? WORKERS : 1;
}

/** The observed model of the resampling runs (fitted once, outside the timing). */
export function resamplingModel(plan: Plan): { data: BenchData; model: RmaResult } {
  const data = makeData(plan.resamplingK);
  const model = rma({ yi: data.yi, vi: data.vi }, { method: "REML", mods: animalModel(data) });
  return { data, model };
}

/** 10^4 random permutations at k = 30 with a 4-level moderator: one permutationTest call. */
export async function permutationSuite(
  plan: Plan,
  log: (m: Measurement) => void,
): Promise<Measurement[]> {
  const { model } = resamplingModel(plan);
  const last = new Map<PathName, unknown>();
  const tasks: TaskSpec[] = RESAMPLING_PATHS.map((path) => ({
    kernel: kernelName.permutation(plan),
    path,
    k: plan.resamplingK,
    fn: async () => {
      const res = await permutationTest(model, {
        iterations: plan.permutations,
        seed: plan.seed,
        backend: backendOf(path),
        workers: workersOf(path),
      });
      last.set(path, res.QM.p);
    },
    iterations: 2,
    timeMs: plan.quick ? 0 : 1000,
    warmup: 1,
    ...(path === "wasm-workers"
      ? { note: `${WORKERS} worker threads, started inside each call` }
      : {}),
  }));
  return runAll(tasks, log, sameValue("QM permutation p"), last);
}

/** 10^5 case-bootstrap refits at k = 30 with a 4-level moderator: one bootstrap call. */
export async function bootstrapSuite(
  plan: Plan,
  log: (m: Measurement) => void,
): Promise<Measurement[]> {
  const { model } = resamplingModel(plan);
  const last = new Map<PathName, unknown>();
  const tasks: TaskSpec[] = RESAMPLING_PATHS.map((path) => ({
    kernel: kernelName.bootstrap(plan),
    path,
    k: plan.resamplingK,
    fn: async () => {
      const res = await bootstrap(model, {
        replicates: plan.bootstrapReplicates,
        seed: plan.seed,
        type: "case",
        backend: backendOf(path),
        workers: workersOf(path),
      });
      last.set(path, res.statistics.map((s) => s.se).join(" "));
    },
    // each call is 10^5 refits (seconds on the TS path): one timed call, the permutation suite has
    // already warmed the shared fit code
    iterations: plan.quick ? 2 : 1,
    timeMs: 0,
    warmup: plan.quick ? 1 : 0,
    ...(path === "wasm-workers"
      ? { note: `${WORKERS} worker threads, started inside each call` }
      : {}),
  }));
  return runAll(tasks, log, sameValue("bootstrap SEs"), last);
}

/** Leave-one-out and influence at k = 1000: k refits of k - 1 studies each. */
export async function diagnosticsSuite(
  plan: Plan,
  log: (m: Measurement) => void,
): Promise<Measurement[]> {
  const data = makeData(plan.diagnosticsK);
  const out: Measurement[] = [];
  const models = new Map(
    (["ts", "wasm"] as const).map((path) => [
      path,
      rma({ yi: data.yi, vi: data.vi }, { method: "REML", backend: backendOf(path) }),
    ]),
  );
  for (const [kernel, run] of [
    [kernelName.leaveOneOut, (m: RmaResult) => leaveOneOut(m).studies[0]!.estimate],
    [kernelName.influence, (m: RmaResult) => influence(m).studies[0]!.cookD],
  ] as const) {
    const last = new Map<PathName, unknown>();
    const tasks: TaskSpec[] = (["ts", "wasm"] as const).map((path) => ({
      kernel,
      path,
      k: plan.diagnosticsK,
      fn: () => last.set(path, run(models.get(path)!)),
      // k refits per call (seconds): one timed call, no warm-up (the first refits warm the JIT)
      iterations: 1,
      timeMs: 0,
      warmup: 0,
    }));
    out.push(...(await runAll(tasks, log, sameNumber(kernel), last)));
  }
  return out;
}

/** Checks that every path produced the same value (same seed, same stream, same arithmetic). */
function sameValue(what: string) {
  return (results: Map<PathName, unknown>): string | null => {
    const values = [...results.entries()];
    const first = values[0]?.[1];
    const odd = values.filter(([, v]) => v !== first);
    return odd.length === 0
      ? null
      : `${what}: ${values.map(([path, v]) => `${path}=${String(v).slice(0, 60)}`).join(", ")}`;
  };
}

/** Checks that every path agrees to 1e-6 relative. */
function sameNumber(what: string) {
  return (results: Map<PathName, unknown>): string | null => {
    const values = [...results.entries()].map(([path, v]) => [path, Number(v)] as const);
    const first = values[0]?.[1] ?? 0;
    const ok = values.every(([, v]) => Math.abs(v - first) <= 1e-6 * Math.max(1, Math.abs(first)));
    return ok ? null : `${what}: ${values.map(([path, v]) => `${path}=${v}`).join(", ")}`;
  };
}
