/**
 * The Web Worker: exposes the engine through comlink and only forwards (shared/STYLE.md §6).
 * The bundled example is inlined at build time, so "Load example" makes no request. Long
 * resampling runs may be spread over shard workers; the result depends on the seed only, not on
 * the number of workers.
 *
 * One bundle plays both roles, chosen by the name the worker was started with: "pooled-shard"
 * runs stats' resampling-block entry, anything else is the engine. The page starts the engine
 * from a blob: URL of this code (shipped inside the page script: offline/engine-worker.ts), and
 * the engine starts its shards from a blob: URL of its own code, so nothing is loaded as a module
 * or from a file: URL and the app works opened from disk as well as served.
 */

import example from "virtual:example";
import type { ShardWorkerFactory } from "@pooled/stats";
import type { BrowserShardApi } from "@pooled/stats/browser-worker";
import * as Comlink from "comlink";
import { createEngine } from "./engine/engine.js";
import { bindPipeline } from "./engine/pipeline-binding.js";

/** The CLI's version, printed in the report so web and CLI reports are the same files. */
declare const POOLED_VERSION: string;
/**
 * This whole bundle: build.mjs wraps it in `(function pooledWorker() { … })()`. Its text is the
 * code of a shard. Under file:// the page's blob: URL belongs to another (opaque) origin than
 * this worker, which may not start a worker from it; a blob: URL made here is its own.
 */
declare const pooledWorker: () => void;

const SHARD_NAME = "pooled-shard";

let shardUrl: string | null = null;

/** A blob: URL of this bundle, made once and kept for the worker's lifetime. */
function ownCodeUrl(): string {
  shardUrl ??= URL.createObjectURL(
    new Blob([`(${pooledWorker.toString()})();\n//# sourceURL=pooled-shard.js\n`], {
      type: "text/javascript",
    }),
  );
  return shardUrl;
}

const shardFactory: ShardWorkerFactory = () => {
  const worker = new Worker(ownCodeUrl(), { name: SHARD_NAME });
  const remote = Comlink.wrap<BrowserShardApi>(worker);
  return {
    runBlocks: (task, indices, onBlock) => remote.runBlocks(task, indices, Comlink.proxy(onBlock)),
    terminate: () => worker.terminate(),
  };
};

/**
 * Shard workers for a resampling run: one core left to the page and the interactive engine, at
 * most 4. The page may ask for a number (?workers=N on its URL), passed on in this worker's name
 * ("pooled-engine workers=N"): a blob: URL carries no query.
 */
function shardCount(name: string): number {
  const asked = Number(/\bworkers=(\d+)\b/.exec(name)?.[1] ?? Number.NaN);
  if (Number.isInteger(asked) && asked >= 1 && asked <= 8) return asked;
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 1) - 1));
}

if (self.name === SHARD_NAME) {
  // The entry exposes the shard API on import; the dynamic import keeps it from running in the
  // engine (esbuild inlines it: no request is made).
  void import("@pooled/stats/browser-worker");
} else {
  const workers = shardCount(self.name);
  Comlink.expose(
    createEngine(
      bindPipeline(POOLED_VERSION),
      example,
      workers > 1 ? { workers, workerFactory: shardFactory } : {},
    ),
  );
}
