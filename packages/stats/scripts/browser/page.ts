// Page script of scripts/browser-smoke.mjs: runs a permutation test and a bootstrap in the page
// (WASM compiled on the main thread) and on two Web Workers through comlink, and publishes both.
import * as Comlink from "comlink";
import { bootstrap, permutationTest, rma } from "../../src/index.js";
import type { BrowserShardApi } from "../../src/inference/browser-worker.js";
import type { ShardWorker } from "../../src/inference/parallel.js";

const workerFactory = (): ShardWorker => {
  const worker = new Worker("./worker.js", { type: "module" });
  const remote = Comlink.wrap<BrowserShardApi>(worker);
  return {
    runBlocks: (task, indices, onBlock) => remote.runBlocks(task, indices, Comlink.proxy(onBlock)),
    terminate: () => worker.terminate(),
  };
};

async function main() {
  const yi = [
    -0.89, -1.59, -1.35, -1.44, -0.22, -0.79, -1.62, 0.01, -0.47, -1.37, -0.34, 0.45, -0.02,
  ];
  const vi = [0.33, 0.19, 0.42, 0.02, 0.05, 0.01, 0.22, 0.004, 0.06, 0.07, 0.01, 0.53, 0.07];
  const ablat = [44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33];
  const model = rma({ yi, vi }, { mods: [{ name: "ablat", values: ablat }] });
  const perm1 = await permutationTest(model, { iterations: 3000, seed: 4 });
  const perm2 = await permutationTest(model, {
    iterations: 3000,
    seed: 4,
    workers: 2,
    workerFactory,
  });
  const boot1 = await bootstrap(model, { replicates: 2500, seed: 4 });
  const boot2 = await bootstrap(model, { replicates: 2500, seed: 4, workers: 2, workerFactory });
  (globalThis as { smoke?: unknown }).smoke = { perm1, perm2, boot1, boot2 };
}
main().catch((error) => {
  (globalThis as { smoke?: unknown }).smoke = { error: String(error?.stack ?? error) };
});
