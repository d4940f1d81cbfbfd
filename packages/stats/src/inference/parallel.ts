/**
 * Runs the blocks of a resampling task in this thread or spread over workers, with progress and
 * cancellation. Results are returned per block, in block order, so merging never depends on which
 * worker ran what (identical results on 1, 2 or 4 workers).
 *
 * Workers: in Node, worker_threads running inference/node-worker.js; in browsers, any
 * {@link ShardWorkerFactory} (the web package wraps inference/browser-worker.js with comlink).
 */
import { PooledError } from "../errors.js";
import { type ResampleTask, runBlock } from "./blocks.js";

/** Progress of a resampling run: replicates (arrangements) done out of the total. */
export interface ResampleProgress {
  done: number;
  total: number;
}

/** Options shared by the resampling functions for running them. */
export interface RunOptions {
  /**
   * Number of workers (threads). 1 (default) runs in the calling thread; more run blocks in
   * parallel. The result is the same whatever the number.
   */
  workers?: number;
  /** Called after each block with the replicates done so far. */
  onProgress?: (progress: ResampleProgress) => void;
  /** Cancels the run: the promise rejects with a PooledError of code "CANCELLED". */
  signal?: AbortSignal;
  /** How to start a worker in environments without worker_threads (browsers). */
  workerFactory?: ShardWorkerFactory;
}

/** A worker able to run blocks of a task (thin target: it only forwards to runBlock). */
export interface ShardWorker {
  /** Runs the given blocks of `task`, calling `onBlock` as each finishes. */
  runBlocks(
    task: ResampleTask,
    indices: number[],
    onBlock: (index: number, status: number, out: Float64Array) => void,
  ): Promise<void>;
  terminate(): void;
}

export type ShardWorkerFactory = () => ShardWorker | Promise<ShardWorker>;

/** The result of one block. */
export interface BlockResult {
  status: number;
  out: Float64Array;
}

function cancelled(): PooledError {
  return new PooledError("CANCELLED", "the computation was cancelled");
}

/** Lets timers and abort events run between blocks. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  return new Promise((resolve) => {
    if (g.setImmediate) g.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Number of replicates in the blocks before `index` is not needed: progress sums block counts. */
function blockCount(task: ResampleTask, index: number): number {
  return task.blocks[index]!.count;
}

/** Runs every block of `task`, in this thread or on workers; results in block order. */
export async function runTask(
  task: ResampleTask,
  options: RunOptions = {},
): Promise<BlockResult[]> {
  const total = task.blocks.reduce((s, b) => s + b.count, 0);
  const workers = Math.max(1, Math.floor(options.workers ?? 1));
  const results: BlockResult[] = new Array(task.blocks.length);
  let done = 0;
  const report = (index: number) => {
    done += blockCount(task, index);
    options.onProgress?.({ done, total });
  };
  if (options.signal?.aborted) throw cancelled();

  if (workers === 1 || task.blocks.length === 1) {
    for (let i = 0; i < task.blocks.length; i++) {
      results[i] = runBlock(task, i);
      report(i);
      if (i + 1 < task.blocks.length && (options.onProgress || options.signal)) {
        await yieldToEventLoop();
        if (options.signal?.aborted) throw cancelled();
      }
    }
    return results;
  }

  const n = Math.min(workers, task.blocks.length);
  // Listen before the first await: an abort while workers start must not be missed (the event
  // fires once, and a listener added afterwards would wait for the whole run).
  const signal = options.signal;
  let onAbort: (() => void) | null = null;
  const abort = new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(cancelled());
    else {
      onAbort = () => reject(cancelled());
      signal.addEventListener("abort", onAbort, { once: true });
    }
  });
  abort.catch(() => {}); // handled by the race below; no unhandled rejection if it never runs
  const pool: ShardWorker[] = [];
  try {
    const factory = options.workerFactory ?? (await defaultWorkerFactory());
    for (let w = 0; w < n; w++) {
      if (options.signal?.aborted) throw cancelled();
      pool.push(await factory());
    }
    // Contiguous ranges of blocks per worker (any assignment gives the same merged result).
    const per = Math.ceil(task.blocks.length / n);
    const runs = pool.map((worker, w) => {
      const indices: number[] = [];
      for (let i = w * per; i < Math.min(task.blocks.length, (w + 1) * per); i++) indices.push(i);
      return worker.runBlocks(task, indices, (index, status, out) => {
        results[index] = { status, out };
        report(index);
      });
    });
    await Promise.race([Promise.all(runs), abort]);
    return results;
  } finally {
    // A signal reused across runs must not collect one listener per finished run.
    if (signal && onAbort) signal.removeEventListener("abort", onAbort);
    for (const worker of pool) worker.terminate();
  }
}

/** worker_threads in Node; elsewhere the caller must give a workerFactory. */
async function defaultWorkerFactory(): Promise<ShardWorkerFactory> {
  const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;
  if (!isNode) {
    throw new PooledError(
      "NO_WORKERS",
      "workers > 1 needs a workerFactory outside Node (e.g. one wrapping inference/browser-worker.js with comlink)",
    );
  }
  // A computed specifier keeps browser bundlers (esbuild) from pulling node:worker_threads in.
  const nodeWorkers = "./node-workers.js";
  const { nodeWorkerFactory } = (await import(nodeWorkers)) as typeof import("./node-workers.js");
  return nodeWorkerFactory;
}
