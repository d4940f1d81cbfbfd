// Public exports of inference/: permutation tests and the bootstrap, run in-process or on
// workers (Node worker_threads; Web Workers via comlink with inference/browser-worker.js).

export { MAX_RESAMPLES, type ResampleTask } from "./blocks.js";
export {
  type BootstrapOptions,
  type BootstrapResult,
  type BootstrapStatistic,
  bootstrap,
} from "./bootstrap.js";
export {
  type BcaInterval,
  type BootstrapInterval,
  bcaInterval,
  normInter,
  percentileInterval,
} from "./intervals.js";
export type { ResampleProgress, RunOptions, ShardWorker, ShardWorkerFactory } from "./parallel.js";
export {
  MAX_EXACT_ARRANGEMENTS,
  type PermutationCoefficient,
  type PermutationOptions,
  type PermutationResult,
  permutationTest,
} from "./permutation.js";
