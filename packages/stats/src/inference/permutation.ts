/**
 * Permutation test for (meta-regression) models, with the semantics of metafor 3.8's permutest
 * (Higgins & Thompson 2004; Viechtbauer et al. 2015, Res Synth Methods 6:322):
 * - intercept-only models flip the signs of yi (2^k arrangements); with moderators, the rows of X
 *   are permuted over the studies, identical rows counted once (k!/Π ties! distinct arrangements);
 * - exact enumeration when the number of distinct arrangements is at most `iterations` (or when
 *   iterations = "exact"); otherwise `iterations` arrangements of which the observed data are one,
 *   the rest drawn at random;
 * - p_j = share of arrangements with |z*_j| >= |z_j| - tol, p(QM) = share with QM* >= QM - tol,
 *   tol = sqrt(machine epsilon) = 1.49e-8 (metafor's comptol); z is t and QM is F under knha.
 * Every arrangement is a full refit (the tau² estimator included), inside one kernel call per block.
 * A refit that fails is counted in `failed` and left out of the shares (metafor's na.rm; metafor's
 * random mode redraws instead).
 */

import { multisetPermutations } from "@pooled/core-wasm/kernels";
import { PooledError } from "../errors.js";
import { getBackend } from "../kernels/backend.js";
import { PERMUTATION_COMPTOL, PermutationOut, ResampleSlot } from "../kernels/resample-contract.js";
import type { BackendName, Method, TestType } from "../types.js";
import { BLOCK_SIZE, MAX_RESAMPLES, makeBlocks, type ResampleTask, rankBlocks } from "./blocks.js";
import { flattenModel, type ModelOptions, type ModelOrData, throwOnStatus } from "./model-input.js";
import { type RunOptions, runTask } from "./parallel.js";

/**
 * iterations = "exact" is refused beyond this many arrangements (2^20, i.e. an intercept-only
 * model with k = 20): at some 30 µs per REML refit that is about half a minute, and each further
 * study doubles it (k = 29 would take hours). A numeric `iterations` bounds the work itself.
 */
export const MAX_EXACT_ARRANGEMENTS = 2 ** 20;

export interface PermutationOptions extends RunOptions, ModelOptions {
  /**
   * Number of arrangements (the observed one included), or "exact" for full enumeration.
   * Default 1000 (metafor's iter). Exact enumeration is used whenever it needs no more than this.
   */
  iterations?: number | "exact";
  /** Seed (uint32) of the random arrangements; drawn at random and reported when absent. */
  seed?: number;
  /** Kernel implementation; default "wasm" (when available). */
  backend?: BackendName;
}

export interface PermutationCoefficient {
  name: string;
  /** Observed z (t under knha). */
  statistic: number;
  /** Permutation p-value. */
  p: number;
  /** Arrangements with |z*| >= |z| - tol (the observed one included in random runs). */
  exceedances: number;
}

export interface PermutationResult {
  kind: "permutation";
  method: Method;
  test: TestType;
  /** True when every distinct arrangement was evaluated. */
  exact: boolean;
  /** Number of distinct arrangements: 2^k (sign flips) or k!/Π ties! (may be Infinity). */
  arrangements: number;
  /** Arrangements evaluated (exact: all of them; random: the observed one plus the random ones). */
  iterations: number;
  /** The seed used (null for exact enumeration, which draws nothing). */
  seed: number | null;
  /** Arrangements whose refit succeeded / failed (failed ones are left out of the p-values). */
  valid: number;
  failed: number;
  coefficients: PermutationCoefficient[];
  /** Omnibus test of the moderators (of the intercept in intercept-only models). */
  QM: { statistic: number; p: number; exceedances: number };
  backend: BackendName;
  workers: number;
}

/** Uniform uint32 seed when the user gives none (reported in the result so the run can be repeated). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296) >>> 0;
}

export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
    throw new PooledError("BAD_OPTION", `seed must be an integer in [0, 2^32 - 1]; got ${seed}`);
  }
  return seed;
}

/**
 * Distinct rows of X: class label per study (classes in order of first appearance) and the table of
 * distinct rows.
 */
export function rowClasses(X: Float64Array, k: number, p: number) {
  const index = new Map<string, number>();
  const labels = new Float64Array(k);
  const rows: number[] = [];
  for (let i = 0; i < k; i++) {
    const row = Array.from(X.subarray(i * p, (i + 1) * p));
    const key = row.join("\u0000");
    let g = index.get(key);
    if (g === undefined) {
      g = index.size;
      index.set(key, g);
      rows.push(...row);
    }
    labels[i] = g;
  }
  const counts = new Int32Array(Math.max(1, index.size));
  for (let i = 0; i < k; i++) counts[labels[i]!]! += 1;
  return { labels, classRows: Float64Array.from(rows), groups: index.size, counts };
}

/**
 * Permutation p-values of a model's coefficients and omnibus test.
 *
 * @example
 * const res = rma({ yi, vi }, { mods: [{ name: "dose", values: dose }] });
 * const perm = await permutationTest(res, { iterations: 5000, seed: 1 });
 * perm.coefficients[1].p // permutation p-value of the dose slope
 */
export async function permutationTest(
  modelOrData: ModelOrData,
  options: PermutationOptions = {},
): Promise<PermutationResult> {
  const flat = flattenModel(modelOrData, options);
  const { k, p, model } = flat;
  const iterations = options.iterations ?? 1000;
  if (
    iterations !== "exact" &&
    (!Number.isInteger(iterations) || iterations < 2 || iterations > MAX_RESAMPLES)
  ) {
    throw new PooledError(
      "BAD_OPTION",
      `iterations must be a whole number from 2 to ${MAX_RESAMPLES} or "exact"; got ${iterations}`,
    );
  }
  const intOnly = p === 1;
  const classes = intOnly ? null : rowClasses(flat.X, k, p);
  const arrangements = intOnly ? 2 ** k : multisetPermutations(classes!.counts, classes!.groups);
  const exact = iterations === "exact" || arrangements <= iterations;
  if (iterations === "exact" && !(arrangements <= MAX_EXACT_ARRANGEMENTS)) {
    throw new PooledError(
      "TOO_MANY_ARRANGEMENTS",
      `an exact permutation test would need ${arrangements.toExponential(2)} refits (the limit is ${MAX_EXACT_ARRANGEMENTS}); ask for a number of random permutations instead, e.g. 10000`,
    );
  }
  const seed = exact ? null : checkSeed(options.seed ?? randomSeed());
  const total = exact ? arrangements : (iterations as number);
  // Random runs: the observed data count as one arrangement, the other total - 1 are drawn.
  const drawn = exact ? total : total - 1;
  const blocks = exact ? rankBlocks(makeBlocks(drawn)) : makeBlocks(drawn);

  const QMCoefficients = model.QMCoefficients;
  const bttFrom = Math.min(...QMCoefficients);
  const bttTo = Math.max(...QMCoefficients) + 1;
  if (bttTo - bttFrom !== QMCoefficients.length) {
    throw new PooledError("BAD_OPTION", "the omnibus test must cover consecutive coefficients");
  }
  const rctl = new Float64Array(ResampleSlot.size);
  rctl[ResampleSlot.mode] = intOnly ? 0 : 1;
  rctl[ResampleSlot.exact] = exact ? 1 : 0;
  rctl[ResampleSlot.seed] = seed ?? 0;
  rctl[ResampleSlot.test] = flat.test === "knha" ? 1 : 0;
  rctl[ResampleSlot.bttFrom] = bttFrom;
  rctl[ResampleSlot.bttTo] = bttTo;
  rctl[ResampleSlot.comptol] = PERMUTATION_COMPTOL;
  rctl[ResampleSlot.groups] = classes?.groups ?? 0;
  const backend = getBackend(options.backend).name;
  const task: ResampleTask = {
    kind: "permutation",
    backend,
    input: {
      yi: flat.yi,
      vi: flat.vi,
      X: flat.X,
      k,
      p,
      method: flat.methodCode,
      control: flat.control,
      rctl,
      labels: classes?.labels ?? new Float64Array(k),
      classRows: classes?.classRows ?? new Float64Array(p),
    },
    blocks,
  };
  const results = await runTask(task, options);

  for (const { status } of results) throwOnStatus(status, flat);
  // random runs: the observed arrangement counts once (|z| >= |z| - tol holds trivially)
  const tally = tallyPermutationBlocks(results, p, !exact);
  return {
    kind: "permutation",
    method: flat.method,
    test: flat.test,
    exact,
    arrangements,
    iterations: total,
    seed,
    ...permutationPValues(tally, model.termNames),
    backend,
    workers: Math.max(1, Math.floor(options.workers ?? 1)),
  };
}

/** Blocks of BLOCK_SIZE arrangements: exported for the benchmark and tests. */
export { BLOCK_SIZE };

/** Exceedance counts, valid and failed arrangements, and the observed statistics of a run. */
export interface PermutationTally {
  exceed: Float64Array;
  valid: number;
  failed: number;
  observed: Float64Array;
}

/**
 * Adds up the out blocks of a permutation run (permutationOutSize(p) each); with
 * `countObserved`, the observed arrangement counts as one valid arrangement that exceeds itself
 * (random runs, as metafor's permutest).
 */
export function tallyPermutationBlocks(
  results: readonly { out: Float64Array }[],
  p: number,
  countObserved: boolean,
): PermutationTally {
  const exceed = new Float64Array(p + 1).fill(countObserved ? 1 : 0);
  let valid = countObserved ? 1 : 0;
  let failed = 0;
  let observed: Float64Array | null = null;
  for (const { out } of results) {
    for (let j = 0; j <= p; j++) exceed[j]! += out[j]!;
    valid += out[PermutationOut.valid(p)]!;
    failed += out[PermutationOut.failed(p)]!;
    observed ??= out.slice(PermutationOut.observed(p), PermutationOut.observed(p) + p + 1);
  }
  return { exceed, valid, failed, observed: observed ?? new Float64Array(p + 1).fill(Number.NaN) };
}

/** The p-values of a tally: the share of valid arrangements at least as extreme as the observed. */
export function permutationPValues(
  tally: PermutationTally,
  termNames: readonly string[],
): Pick<PermutationResult, "valid" | "failed" | "coefficients" | "QM"> {
  const { exceed, valid, failed, observed } = tally;
  const p = termNames.length;
  const share = (count: number) => (valid > 0 ? Math.min(1, count / valid) : Number.NaN);
  return {
    valid,
    failed,
    coefficients: termNames.map((name, j) => ({
      name,
      statistic: observed[j]!,
      p: share(exceed[j]!),
      exceedances: exceed[j]!,
    })),
    QM: { statistic: observed[p]!, p: share(exceed[p]!), exceedances: exceed[p]! },
  };
}
