/**
 * The measuring loop: one tinybench Bench per task, so each task gets its own iteration count and
 * time budget (a 10^5-replicate bootstrap cannot run 64 times in a 3-minute suite, a k = 10 fit can).
 * Browser-safe: the Chromium worker runs this same file.
 */
import { Bench } from "tinybench";

/** Paths of results.json: TS reference, WASM in-process, WASM on worker_threads. */
export type PathName = "ts" | "wasm" | "wasm-workers";

/** One line of bench/results.json (a contract: other tools read it). */
export interface ResultRow {
  kernel: string;
  path: PathName;
  k: number;
  /** 1000 / meanMs: whole kernel calls per second. */
  opsPerSec: number;
  /** Mean wall time of one call, in milliseconds. */
  meanMs: number;
  /** 99th percentile of the call times (tinybench's, interpolated; equals the max for < 100 calls). */
  p99Ms: number;
}

/** A row with what the printed table adds: how many timed calls it rests on. */
export interface Measurement extends ResultRow {
  samples: number;
  /** Free-text note printed under the table (e.g. "1 worker thread per core"). */
  note?: string;
}

export interface TaskSpec {
  kernel: string;
  path: PathName;
  k: number;
  /** The work: one call is one measured sample. */
  fn: () => unknown;
  /** Minimum number of timed calls. */
  iterations: number;
  /** Keep calling until this many milliseconds have passed (and `iterations` is reached). */
  timeMs: number;
  /** Untimed calls first (JIT warm-up, WASM compile); 0 for none. */
  warmup: number;
  note?: string;
}

/** Times one task with tinybench and returns its row. Throws when the task throws. */
export async function measure(spec: TaskSpec): Promise<Measurement> {
  const bench = new Bench({
    name: `${spec.kernel} ${spec.path} k=${spec.k}`,
    iterations: spec.iterations,
    time: spec.timeMs,
    warmup: spec.warmup > 0,
    warmupIterations: spec.warmup,
    warmupTime: 0,
    throws: true,
  });
  bench.add(spec.kernel, spec.fn);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== "completed") {
    const error = result.state === "errored" ? result.error : new Error(result.state);
    throw error;
  }
  const meanMs = result.latency.mean;
  return {
    kernel: spec.kernel,
    path: spec.path,
    k: spec.k,
    opsPerSec: 1000 / meanMs,
    meanMs,
    p99Ms: result.latency.p99,
    samples: result.latency.samplesCount,
    ...(spec.note ? { note: spec.note } : {}),
  };
}
