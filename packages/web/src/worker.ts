/**
 * The Web Worker: exposes the engine through comlink and only forwards (shared/STYLE.md §6).
 * The bundled example is inlined at build time, so "Load example" makes no request. Long
 * resampling runs may be spread over shard workers (stats' browser-worker, built as
 * shard-worker.js); the result depends on the seed only, not on the number of workers.
 */

import example from "virtual:example";
import type { ShardWorker, ShardWorkerFactory } from "@pooled/stats";
import * as Comlink from "comlink";
import { createEngine } from "./engine/engine.js";
import { bindPipeline } from "./engine/pipeline-binding.js";

/** What stats' inference/browser-worker exposes. */
interface ShardApi {
  runBlocks(
    task: Parameters<ShardWorker["runBlocks"]>[0],
    indices: number[],
    onBlock: Parameters<ShardWorker["runBlocks"]>[2],
  ): Promise<void>;
}

declare const SHARD_WORKER_BUILT: boolean;
/** The CLI's version, printed in the report so web and CLI reports are the same files. */
declare const POOLED_VERSION: string;

const shardFactory: ShardWorkerFactory = () => {
  const worker = new Worker(new URL("./shard-worker.js", import.meta.url), {
    type: "module",
    name: "pooled-shard",
  });
  const remote = Comlink.wrap<ShardApi>(worker);
  return {
    runBlocks: (task, indices, onBlock) => remote.runBlocks(task, indices, Comlink.proxy(onBlock)),
    terminate: () => worker.terminate(),
  };
};

// Leave one core to the page and the interactive engine; at most 4 shards. The page may ask for
// a number (?workers=N on its URL, passed on to this worker's URL).
const cores = navigator.hardwareConcurrency || 1;
const asked = Number(new URL(self.location.href).searchParams.get("workers") ?? Number.NaN);
const wanted = Number.isInteger(asked) && asked >= 1 && asked <= 8 ? asked : Math.min(4, cores - 1);
const workers = SHARD_WORKER_BUILT ? Math.max(1, wanted) : 1;

Comlink.expose(
  createEngine(
    bindPipeline(POOLED_VERSION),
    example,
    workers > 1 ? { workers, workerFactory: shardFactory } : {},
  ),
);
