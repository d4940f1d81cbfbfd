/**
 * Node worker_threads for resampling shards. The worker script is inference/node-worker.js of the
 * built package (dist/); when this module runs from its TypeScript source (tests), the built copy
 * beside the sources is used, so `npm run build` must have run (turbo's test task depends on it).
 */
import { Worker } from "node:worker_threads";
import { PooledError } from "../errors.js";
import type { ResampleTask } from "./blocks.js";
import type { ShardWorker } from "./parallel.js";

/** Messages from node-worker.js. */
export type WorkerMessage =
  | { type: "block"; index: number; status: number; out: Float64Array }
  | { type: "done" }
  | { type: "error"; message: string };

function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return new URL("../../dist/inference/node-worker.js", here);
  return new URL("./node-worker.js", here);
}

/** Starts one worker thread. */
export function nodeWorkerFactory(): ShardWorker {
  const worker = new Worker(workerUrl());
  return {
    runBlocks(task: ResampleTask, indices: number[], onBlock) {
      return new Promise<void>((resolve, reject) => {
        const onMessage = (message: WorkerMessage) => {
          if (message.type === "block") onBlock(message.index, message.status, message.out);
          else if (message.type === "done") finish(null);
          else finish(new PooledError("WORKER", message.message));
        };
        const onError = (error: Error) => finish(error);
        const finish = (error: Error | null) => {
          worker.off("message", onMessage);
          worker.off("error", onError);
          if (error) reject(error);
          else resolve();
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.postMessage({ task, indices });
      });
    },
    terminate() {
      void worker.terminate();
    },
  };
}
