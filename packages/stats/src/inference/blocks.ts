/**
 * Resampling runs are cut into fixed blocks (shared/ARCHITECTURE.md, "Parallelism"): block b of a
 * random run draws from stream b of the user's seed, and a block's size never depends on the
 * number of workers, so a result depends on the seed only. A block is the unit of a kernel call,
 * of progress reports and of cancellation checks, and what a worker is given.
 *
 * Everything here is plain data (typed arrays, numbers) so a task crosses to a worker thread or a
 * Web Worker by structured clone.
 */

import { PooledError } from "../errors.js";
import { getBackend } from "../kernels/backend.js";
import { type GoshBlockInput, goshOutSize, goshWords } from "../kernels/gosh-contract.js";
import {
  type MultilevelResampleInput,
  multilevelBootstrapRowSize,
} from "../kernels/multilevel-contract.js";
import {
  type BootstrapBlockInput,
  bootstrapRowSize,
  type PermutationBlockInput,
  permutationOutSize,
  ResampleSlot,
} from "../kernels/resample-contract.js";
import type { BackendName } from "../types.js";

/** Replicates (or arrangements) per block: large enough to amortise a kernel call. */
export const BLOCK_SIZE = 1024;

/**
 * Most permutations or bootstrap replicates one run may ask for, checked before any work: 10⁷
 * REML refits take minutes on two cores, and the bootstrap keeps a row per replicate (about
 * 0.5 GB at 10⁷ with 4 coefficients); beyond that a run would exhaust memory or hours.
 */
export const MAX_RESAMPLES = 10_000_000;

/**
 * Most rows a bootstrap resample may need room for (publications × the largest publication): the
 * kernel's buffers take about 150 bytes a row, so 10⁶ rows are ~150 MB.
 */
export const MAX_RESAMPLE_ROWS = 1_000_000;

/** Publications enough to resample, buffers within bounds; a note when they are few. */
export function checkClusterResampling(m: number, kMax: number, notes: string[]): void {
  if (m < 2) {
    throw new PooledError(
      "BAD_OPTION",
      `a bootstrap of publications needs at least 2 publications; the data have ${m}`,
    );
  }
  if (kMax > MAX_RESAMPLE_ROWS) {
    throw new PooledError(
      "BAD_OPTION",
      `a bootstrap of publications needs room for ${kMax} rows in a resample (${m} publications × the largest); the limit is ${MAX_RESAMPLE_ROWS}`,
    );
  }
  if (m < FEW_CLUSTERS) {
    notes.push(
      `Only ${m} publications: a bootstrap of publications has few distinct resamples, and its intervals are too narrow (Cameron, Gelbach & Miller 2008); prefer the cluster-robust (CR2) intervals.`,
    );
  }
}

/** Below this many publications the cluster bootstrap's intervals are unreliable. */
const FEW_CLUSTERS = 10;

/** One block: first rank / stream index, and how many replicates. */
export interface Block {
  /** Exact enumeration: rank of the first arrangement; random: the stream index. */
  start: number;
  count: number;
}

/** A permutation, bootstrap or GOSH run, ready to be executed block by block anywhere. */
export type ResampleTask =
  | { kind: "permutation"; backend: BackendName; input: PermutationBlockInput; blocks: Block[] }
  | { kind: "bootstrap"; backend: BackendName; input: BootstrapBlockInput; blocks: Block[] }
  | { kind: "gosh"; backend: BackendName; input: GoshBlockInput; blocks: Block[] }
  | {
      kind: "multilevel-permutation" | "multilevel-bootstrap";
      backend: BackendName;
      input: MultilevelResampleInput;
      blocks: Block[];
    };

/**
 * Cuts `total` replicates into blocks. Random runs: block b is stream b. Exact enumeration (and the
 * jackknife): block b covers ranks [b·BLOCK_SIZE, ...).
 */
export function makeBlocks(total: number, blockSize = BLOCK_SIZE): Block[] {
  const blocks: Block[] = [];
  for (let b = 0, done = 0; done < total; b++, done += blockSize) {
    blocks.push({ start: b, count: Math.min(blockSize, total - done) });
  }
  return blocks;
}

/** The same blocks with `start` turned into the rank of their first arrangement (exact runs). */
export function rankBlocks(blocks: Block[], blockSize = BLOCK_SIZE): Block[] {
  return blocks.map((b) => ({ start: b.start * blockSize, count: b.count }));
}

/** Size of the out block of one block of a task. */
export function blockOutSize(task: ResampleTask, block: Block): number {
  switch (task.kind) {
    case "permutation":
    case "multilevel-permutation":
      return permutationOutSize(task.input.p);
    case "bootstrap":
      return block.count * bootstrapRowSize(task.input.p);
    case "multilevel-bootstrap":
      return block.count * multilevelBootstrapRowSize(task.input.p);
    case "gosh":
      return goshOutSize(
        block.count,
        goshWords(task.input.k, task.input.rctl[ResampleSlot.exact] === 1),
      );
  }
}

/**
 * Runs block `index` of a task on its backend (in this thread): a single kernel call.
 * Returns the kernel status and its out block.
 */
export function runBlock(task: ResampleTask, index: number): { status: number; out: Float64Array } {
  const block = task.blocks[index]!;
  const backend = getBackend(task.backend);
  const rctl = Float64Array.from(task.input.rctl);
  rctl[ResampleSlot.start] = block.start;
  rctl[ResampleSlot.count] = block.count;
  const out = new Float64Array(blockOutSize(task, block));
  let status: number;
  switch (task.kind) {
    case "permutation":
      status = backend.permutationBlock({ ...task.input, rctl }, out);
      break;
    case "bootstrap":
      status = backend.bootstrapBlock({ ...task.input, rctl }, out);
      break;
    case "multilevel-permutation":
      status = backend.multilevelPermutationBlock({ ...task.input, rctl }, out);
      break;
    case "multilevel-bootstrap":
      status = backend.multilevelBootstrapBlock({ ...task.input, rctl }, out);
      break;
    case "gosh":
      status = backend.goshBlock({ ...task.input, rctl }, out);
      break;
  }
  return { status, out };
}
