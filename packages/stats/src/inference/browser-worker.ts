/**
 * Entry of a Web Worker running resampling blocks in the browser, exposed with comlink (a thin
 * target, shared/STYLE.md §6). The web package bundles this file and builds a ShardWorkerFactory:
 *
 *   const remote = Comlink.wrap<BrowserShardApi>(new Worker(url, { type: "module" }));
 *   const factory = () => ({
 *     runBlocks: (task, indices, onBlock) => remote.runBlocks(task, indices, Comlink.proxy(onBlock)),
 *     terminate: () => remote[Comlink.releaseProxy](),
 *   });
 *
 * The WASM core is embedded in the bundle (no fetch) and compiled synchronously inside the worker.
 */
import { expose } from "comlink";
import { type ResampleTask, runBlock } from "./blocks.js";

export interface BrowserShardApi {
  runBlocks(
    task: ResampleTask,
    indices: number[],
    onBlock: (index: number, status: number, out: Float64Array) => void,
  ): Promise<void>;
}

const api: BrowserShardApi = {
  async runBlocks(task, indices, onBlock) {
    for (const index of indices) {
      const { status, out } = runBlock(task, index);
      await onBlock(index, status, out);
    }
  },
};

expose(api);
