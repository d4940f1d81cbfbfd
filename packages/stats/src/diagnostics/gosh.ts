/**
 * GOSH, the graphical display of study heterogeneity (Olkin, Dahabreh & Trikalinos 2012, Res Synth
 * Methods 3:214), as metafor's gosh() for an intercept-only model: the model is refitted on subsets
 * of its studies, and each subset's pooled estimate is plotted against its I². Studies that drive
 * the estimate or the heterogeneity show up as clusters of points (subsets with and without them).
 *
 * The fits run in the GOSH kernel (core-wasm's kernels/gosh.ts, compiled to WASM and JS), block by
 * block on the resampling machinery of inference/ (worker threads or Web Workers, progress, cancel).
 */
import { type FitControl, fitDefaults } from "../defaults.js";
import {
  errorFromStatus,
  KernelStatus,
  PooledError,
  PooledInputError,
  TooFewStudiesError,
} from "../errors.js";
import { type Block, MAX_RESAMPLES, type ResampleTask } from "../inference/blocks.js";
import { type BlockResult, type RunOptions, runTask } from "../inference/parallel.js";
import { checkSeed, randomSeed } from "../inference/permutation.js";
import { getBackend } from "../kernels/backend.js";
import { MethodCode, packControl } from "../kernels/contract.js";
import { GOSH_MAX_EXHAUSTIVE_K, GoshColumn, goshWords } from "../kernels/gosh-contract.js";
import { ResampleSlot } from "../kernels/resample-contract.js";
import type { RmaResult } from "../models/types.js";
import type { BackendName, Method } from "../types.js";

/** Subsets per kernel call (and per progress report, cancellation check and random stream). */
export const GOSH_BLOCK_SIZE = 4096;

/** metafor's default number of subsets: all of them when there are at most 10^6, else 10^6 random. */
export const GOSH_DEFAULT_SUBSETS = 1_000_000;

/**
 * Most subsets one run may fit (the same bound as the resampling runs): 10^7 REML fits of 10 studies
 * take some 20 to 40 s on two cores, and the result keeps 44 bytes per subset (0.45 GB at 10^7,
 * about twice that while the blocks are merged).
 */
export const MAX_GOSH_SUBSETS = MAX_RESAMPLES;

/**
 * Most membership words (32 studies each) the random subsets of one run may keep: 10^8 words are
 * 400 MB, e.g. 10^6 subsets of up to 3200 studies.
 */
export const MAX_GOSH_MEMBERSHIP_WORDS = 100_000_000;

/** Options of {@link gosh}. */
export interface GoshOptions extends RunOptions {
  /**
   * Number of subsets: every subset when 2^k - 1 is at most this, else this many random subsets.
   * Default 10^6 (metafor's); from 2 to 10^7.
   */
  subsets?: number;
  /** Seed (uint32) of the random subsets; drawn at random and reported when absent. */
  seed?: number;
  /** Kernel implementation; default the model's backend. */
  backend?: BackendName;
  /** Control of every fit (threshold, maxIter...); default the model's control. */
  control?: Partial<FitControl>;
}

/**
 * How to recover the studies of subset s (see {@link goshSubset}):
 * - "index": every subset, in index order: subset s holds study i when bit i of s + 1 is set
 *   (s + 1 runs from 1 to 2^k - 1: metafor's expand.grid rows, before gosh sorts them by size);
 * - "bitset": random subsets: word j of subset s is bits[s·words + j], its bit b is study 32j + b.
 */
export type GoshMembership =
  | { kind: "index" }
  | { kind: "bitset"; words: number; bits: Uint32Array };

/** Five-number summary and mean of a statistic over the fitted subsets (R's quantile type 7). */
export interface GoshSummary {
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
  mean: number;
}

/** Result of {@link gosh}: one value per subset in each array (NaN where the fit failed). */
export interface GoshResult {
  kind: "gosh";
  method: Method;
  /** Studies of the model (k). */
  studies: number;
  /** Their labels, for the plot. */
  labels: string[];
  /** True when every non-empty subset was fitted (2^k - 1 of them). */
  exhaustive: boolean;
  /** Number of subsets fitted. */
  subsets: number;
  /** Seed of the random subsets; null when exhaustive (nothing is drawn). */
  seed: number | null;
  /** Pooled estimate of each subset. */
  estimate: Float64Array;
  /** I² in percent (FE and DL: 100·max(0, (Q - df)/Q); others: 100·τ²/(τ² + ṽ)). */
  I2: Float64Array;
  /** H² (FE and DL: Q/df, as metafor's gosh, below 1 when Q < df; others: τ²/ṽ + 1). */
  H2: Float64Array;
  /** τ² (0 for FE). */
  tau2: Float64Array;
  /** Cochran's Q with weights 1/vᵢ. */
  Q: Float64Array;
  /** Number of studies in each subset. */
  k: Int32Array;
  /** Which studies each subset holds. */
  incl: GoshMembership;
  /** Subsets whose fit failed, in all and by cause (kernel status name). */
  failed: number;
  failures: Record<string, number>;
  /** Summaries over the fitted subsets. */
  summary: {
    estimate: GoshSummary;
    I2: GoshSummary;
    H2: GoshSummary;
    tau2: GoshSummary;
    Q: GoshSummary;
  };
  notes: string[];
  backend: BackendName;
  workers: number;
}

/**
 * GOSH analysis of an intercept-only model: the model refitted on every non-empty subset of its k
 * studies when there are at most `subsets` of them (2^k - 1), else on `subsets` random ones, each
 * study in or out with probability 1/2 (empty draws redrawn; subsets may repeat), as metafor's
 * gosh (which draws the size from Binomial(k, 1/2) given >= 1, then the studies: the same law).
 * Every fit uses the model's method and control (a fixed τ² stays fixed, as in gosh); per subset
 * it stores the estimate, τ², Q, I², H² and k, with metafor's definitions (see {@link GoshResult}).
 * Random runs are reproducible from the seed whatever the backend and the number of workers: block
 * b of GOSH_BLOCK_SIZE subsets draws from stream b of the seed.
 *
 * Subsets come in index order (exhaustive) or draw order (random), not sorted by size as
 * metafor's; {@link goshSubset} gives the studies of one.
 *
 * @param model - a fitted model without moderators, k >= 2
 * @throws PooledInputError when the model has moderators
 * @throws TooFewStudiesError when k < 2 (metafor: "Stopped because k = 1")
 * @throws PooledError "BAD_OPTION" for subsets that are not a whole number from 2 to 10^7, or a bad seed
 * @throws PooledError "TOO_MANY_SUBSETS" when the random subsets' membership would exceed
 *   MAX_GOSH_MEMBERSHIP_WORDS (very large k)
 * @throws PooledError "CANCELLED" when options.signal aborts
 * @example
 * const res = await gosh(rma({ yi, vi }), { workers: 2 }); // k = 13: all 8191 subsets
 * res.summary.I2.median; res.estimate[8190] // the full data set (index 2^13 - 1)
 */
export async function gosh(model: RmaResult, options: GoshOptions = {}): Promise<GoshResult> {
  const plan = planGosh(model, options);
  const { k, exhaustive, subsets, seed, words } = plan;
  // the model's control, a fixed τ² included (gosh refits with tau2 = x$tau2 when it was fixed)
  const control: FitControl = { ...fitDefaults.control, ...model.control, ...options.control };
  const backend = getBackend(options.backend ?? model.backend).name;
  const rctl = new Float64Array(ResampleSlot.size);
  rctl[ResampleSlot.exact] = exhaustive ? 1 : 0;
  rctl[ResampleSlot.seed] = seed ?? 0;
  const task: ResampleTask = {
    kind: "gosh",
    backend,
    input: {
      yi: Float64Array.from(model.yi),
      vi: Float64Array.from(model.vi),
      k,
      method: MethodCode[model.method],
      control: packControl(control),
      rctl,
    },
    blocks: goshBlocks(subsets, exhaustive),
  };
  const results = await runTask(task, options);
  const merged = mergeBlocks(results, task.blocks, plan, model.method);
  const { estimate, I2, H2, tau2, Q, failed, failures } = merged;
  return {
    kind: "gosh",
    method: model.method,
    studies: k,
    labels: [...model.labels],
    exhaustive,
    subsets,
    seed,
    estimate,
    I2,
    H2,
    tau2,
    Q,
    k: merged.sizes,
    incl: merged.bits === null ? { kind: "index" } : { kind: "bitset", words, bits: merged.bits },
    failed,
    failures,
    summary: {
      estimate: summarize(estimate),
      I2: summarize(I2),
      H2: summarize(H2),
      tau2: summarize(tau2),
      Q: summarize(Q),
    },
    notes: goshNotes(plan, model.method, failed, failures),
    backend,
    workers: Math.max(1, Math.floor(options.workers ?? 1)),
  };
}

/**
 * Copies the column-major out blocks of a run into one array per statistic (exhaustive blocks at
 * their first index, random ones in order) and counts the failed subsets by cause.
 */
function mergeBlocks(
  results: readonly BlockResult[],
  blocks: readonly Block[],
  plan: GoshPlan,
  method: Method,
) {
  const { k, subsets, words, exhaustive } = plan;
  const estimate = new Float64Array(subsets);
  const I2 = new Float64Array(subsets);
  const H2 = new Float64Array(subsets);
  const tau2 = new Float64Array(subsets);
  const Q = new Float64Array(subsets);
  const sizes = new Int32Array(subsets);
  const bits = exhaustive ? null : new Uint32Array(subsets * words);
  const failures: Record<string, number> = {};
  let failed = 0;
  for (const [b, { status, out }] of results.entries()) {
    if (status !== KernelStatus.OK) throw errorFromStatus(status, { method, k });
    const count = out.length / (GoshColumn.members + words);
    const at = exhaustive ? blocks[b]!.start - 1 : b * GOSH_BLOCK_SIZE;
    const column = (c: number) => out.subarray(c * count, (c + 1) * count);
    estimate.set(column(GoshColumn.estimate), at);
    I2.set(column(GoshColumn.I2), at);
    H2.set(column(GoshColumn.H2), at);
    tau2.set(column(GoshColumn.tau2), at);
    Q.set(column(GoshColumn.Q), at);
    sizes.set(column(GoshColumn.k), at);
    const statuses = column(GoshColumn.status);
    for (let t = 0; t < count; t++) {
      const s = statuses[t]!;
      if (s !== KernelStatus.OK) {
        failed++;
        const name = KernelStatus[s] ?? `STATUS_${s}`; // a numeric enum maps codes back to names
        failures[name] = (failures[name] ?? 0) + 1;
      }
    }
    if (bits !== null) {
      for (let j = 0; j < words; j++) {
        const word = column(GoshColumn.members + j);
        for (let t = 0; t < count; t++) bits[(at + t) * words + j] = word[t]!;
      }
    }
  }
  return { estimate, I2, H2, tau2, Q, sizes, bits, failed, failures };
}

/** What was fitted, and the failures by cause. */
function goshNotes(
  plan: GoshPlan,
  method: Method,
  failed: number,
  failures: Record<string, number>,
): string[] {
  const { k, subsets, seed } = plan;
  const notes = [
    plan.exhaustive
      ? `All ${subsets} non-empty subsets of the ${k} studies were fitted (${method}).`
      : `${subsets} random subsets of the ${k} studies were fitted (${method}), seed ${seed}: each study in or out with probability 1/2, empty subsets drawn again; a subset may occur more than once, as in metafor's gosh.`,
  ];
  if (failed > 0) {
    const causes = Object.entries(failures)
      .map(([name, n]) => `${name}: ${n}`)
      .join(", ");
    notes.push(
      `${failed} of ${subsets} subsets could not be fitted (${causes}); their values are NaN and they are left out of the summaries.`,
    );
  }
  return notes;
}

/** What a GOSH run will do, checked before any work. */
interface GoshPlan {
  k: number;
  exhaustive: boolean;
  subsets: number;
  seed: number | null;
  words: number;
}

function planGosh(model: RmaResult, options: GoshOptions): GoshPlan {
  if (model.p !== 1) {
    throw new PooledInputError(
      { field: "mods", value: model.termNames.slice(1).join(", ") },
      "a model without moderators (GOSH)",
    );
  }
  const k = model.k;
  if (k < 2) throw new TooFewStudiesError(k, 2, "a GOSH analysis");
  const asked = options.subsets ?? GOSH_DEFAULT_SUBSETS;
  if (!Number.isInteger(asked) || asked < 2 || asked > MAX_GOSH_SUBSETS) {
    throw new PooledError(
      "BAD_OPTION",
      `subsets must be a whole number from 2 to ${MAX_GOSH_SUBSETS}; got ${asked}`,
    );
  }
  // 2^k - 1 <= asked <= 10^7 implies k <= 23, within the kernel's exhaustive limit of 30 studies
  const all = 2 ** k - 1;
  const exhaustive = all <= asked && k <= GOSH_MAX_EXHAUSTIVE_K;
  const subsets = exhaustive ? all : asked;
  const words = goshWords(k, exhaustive);
  if (subsets * words > MAX_GOSH_MEMBERSHIP_WORDS) {
    throw new PooledError(
      "TOO_MANY_SUBSETS",
      `${subsets} random subsets of ${k} studies would keep ${subsets * words} membership words (${Math.round((subsets * words * 4) / 1e6)} MB); the limit is ${MAX_GOSH_MEMBERSHIP_WORDS}: ask for fewer subsets`,
    );
  }
  const seed = exhaustive ? null : checkSeed(options.seed ?? randomSeed());
  return { k, exhaustive, subsets, seed, words };
}

/**
 * Blocks of GOSH_BLOCK_SIZE subsets: random runs give block b stream b of the seed, in order;
 * exhaustive runs give block b the indices from 1 + b·GOSH_BLOCK_SIZE, listed in the order
 * 0, n - 1, 1, n - 2, ... Workers take contiguous runs of the list (inference/parallel.ts), and the
 * subsets of a block hold the studies of its block number's bits: in index order the last worker
 * would get the largest subsets (25% more work than the first at k = 20, on two workers), while
 * block b and block n - 1 - b together hold as many studies as any other such pair.
 */
function goshBlocks(subsets: number, exhaustive: boolean): Block[] {
  const blocks: Block[] = [];
  for (let b = 0, done = 0; done < subsets; b++, done += GOSH_BLOCK_SIZE) {
    const count = Math.min(GOSH_BLOCK_SIZE, subsets - done);
    blocks.push({ start: exhaustive ? 1 + done : b, count });
  }
  if (!exhaustive) return blocks;
  const paired: Block[] = [];
  for (let lo = 0, hi = blocks.length - 1; lo <= hi; lo++, hi--) {
    paired.push(blocks[lo]!);
    if (hi !== lo) paired.push(blocks[hi]!);
  }
  return paired;
}

/**
 * Moves the n-th smallest of a[lo..hi] to a[n], smaller or equal values before it and larger or
 * equal after it (Hoare's FIND, 1961, with a median-of-three pivot): O(length) on average, where
 * sorting 10^6 values takes some 120 ms per statistic. Equal values stop both scans, so the many
 * ties of GOSH columns (I² = 0, τ² = 0) split evenly.
 */
function select(a: Float64Array, lo: number, hi: number, n: number): void {
  let left = lo;
  let right = hi;
  while (right > left) {
    const mid = left + ((right - left) >> 1);
    const x = a[left]!;
    const y = a[mid]!;
    const z = a[right]!;
    // the median of the three: max(min(x, y), min(max(x, y), z))
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (n <= j) right = j;
    else if (n >= i) left = i;
    else return; // a[j + 1 .. i - 1] all equal the pivot
  }
}

/**
 * R's quantile type 7 of the values (reordered in place): h = (n - 1)p, x₍⌊h⌋₎ + (h - ⌊h⌋)·
 * (x₍⌊h⌋₊₁₎ - x₍⌊h⌋₎), the order statistics found by {@link select}.
 */
function quantile7(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  select(values, 0, n - 1, lo);
  const low = values[lo]!;
  if (h === lo) return low;
  let next = Number.POSITIVE_INFINITY; // the smallest value above position lo
  for (let i = lo + 1; i < n; i++) if (values[i]! < next) next = values[i]!;
  return low + (h - lo) * (next - low);
}

/** Five-number summary and mean of the finite values (NaN throughout when there are none). */
function summarize(values: Float64Array): GoshSummary {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) n++;
  const finite = new Float64Array(n);
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) continue;
    finite[n++] = x;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (n === 0) {
    const nan = Number.NaN;
    return { min: nan, q25: nan, median: nan, q75: nan, max: nan, mean: nan };
  }
  return {
    min,
    q25: quantile7(finite, 0.25),
    median: quantile7(finite, 0.5),
    q75: quantile7(finite, 0.75),
    max,
    mean: sum / n,
  };
}

/**
 * The studies (indices into the model's data, ascending) of subset s of a GOSH result.
 *
 * @example goshSubset(res, res.subsets - 1) // exhaustive: every study
 */
export function goshSubset(result: GoshResult, s: number): number[] {
  if (!Number.isInteger(s) || s < 0 || s >= result.subsets) {
    throw new PooledError("BAD_OPTION", `subset ${s} is not in 0 .. ${result.subsets - 1}`);
  }
  const members: number[] = [];
  const incl = result.incl;
  for (let i = 0; i < result.studies; i++) {
    const inside =
      incl.kind === "index"
        ? Math.floor((s + 1) / 2 ** i) % 2 === 1
        : ((incl.bits[s * incl.words + (i >>> 5)]! >>> (i & 31)) & 1) === 1;
    if (inside) members.push(i);
  }
  return members;
}
