/**
 * Permutation test and cluster bootstrap of a fitted three-level model, run block by block in the
 * kernels of kernels/multilevel-resample.ts (in this thread or on workers, inference/parallel.ts).
 *
 * Permutation (Higgins & Thompson 2004, with metafor's permutest semantics, at the level of
 * publications where the design allows): an intercept-only model flips the signs of whole
 * publications; moderators that are constant within every publication are permuted among
 * publications; moderators that vary within publications are permuted over experiments.
 * Bootstrap: publications drawn with replacement (Davison & Hinkley 1997, §3.8), percentile and
 * BCa intervals (the jackknife leaves out one publication at a time).
 */

import { KernelStatus, PooledError } from "../errors.js";
import {
  checkClusterResampling,
  MAX_RESAMPLES,
  makeBlocks,
  type ResampleTask,
  rankBlocks,
} from "../inference/blocks.js";
import { type BootstrapResult, summarizeReplicates } from "../inference/bootstrap.js";
import { type RunOptions, runTask } from "../inference/parallel.js";
import {
  checkSeed,
  type PermutationResult,
  permutationPValues,
  randomSeed,
  tallyPermutationBlocks,
} from "../inference/permutation.js";
import { getBackend } from "../kernels/backend.js";
import { MethodCode } from "../kernels/contract.js";
import {
  MultilevelControlSlot,
  MultilevelPermutationMode,
  type MultilevelResampleInput,
  multilevelBootstrapRowSize,
} from "../kernels/multilevel-contract.js";
import { BootstrapType, PERMUTATION_COMPTOL, ResampleSlot } from "../kernels/resample-contract.js";
import type { BackendName } from "../types.js";
import { extent } from "../util/extent.js";
import { clusterLayout, permuteRows } from "./clusters.js";
import type { MultilevelResult } from "./types.js";

export interface MultilevelResampleOptions extends RunOptions {
  /** Seed (uint32); drawn at random and reported when absent. */
  seed?: number;
  backend?: BackendName;
}

/** The model's data grouped by publication, as the kernels take it, with its control block. */
function resampleInput(model: MultilevelResult, rctl: Float64Array): MultilevelResampleInput {
  const { k, p } = model;
  const layout = clusterLayout(model.cluster);
  const X = new Float64Array(k * p);
  model.X.forEach((row, i) => {
    X.set(row, i * p);
  });
  const control = new Float64Array(MultilevelControlSlot.size).fill(Number.NaN);
  control[MultilevelControlSlot.threshold] = model.control.threshold;
  control[MultilevelControlSlot.maxIter] = model.control.maxIter;
  if (model.sigma2Between.fixed) {
    control[MultilevelControlSlot.sigma2BetweenFixed] = model.sigma2Between.estimate;
  }
  if (model.sigma2Within.fixed) {
    control[MultilevelControlSlot.sigma2WithinFixed] = model.sigma2Within.estimate;
  }
  control[MultilevelControlSlot.sigma2BetweenInit] = model.sigma2Between.estimate;
  control[MultilevelControlSlot.sigma2WithinInit] = model.sigma2Within.estimate;
  return {
    yi: permuteRows(model.yi, layout.order),
    vi: permuteRows(model.vi, layout.order),
    X: permuteRows(X, layout.order, p),
    k,
    p,
    starts: layout.starts,
    m: layout.m,
    method: MethodCode[model.method],
    control,
    rctl,
    kMax: layout.m * extent(layout.sizes).max,
  };
}

/** True when every column of X is constant within every publication. */
function constantWithinClusters(input: MultilevelResampleInput): boolean {
  const { X, p, starts, m } = input;
  for (let j = 0; j < m; j++) {
    for (let i = starts[j]! + 1; i < starts[j + 1]!; i++) {
      for (let c = 0; c < p; c++) if (X[i * p + c] !== X[starts[j]! * p + c]) return false;
    }
  }
  return true;
}

function checkCount(what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_RESAMPLES) {
    throw new PooledError(
      "BAD_OPTION",
      `${what} must be a whole number from ${min} to ${MAX_RESAMPLES}; got ${value}`,
    );
  }
}

/**
 * Permutation test of the three-level model's coefficients and QM, with `iterations` random
 * arrangements (the observed one included).
 */
export async function multilevelPermutationTest(
  model: MultilevelResult,
  options: MultilevelResampleOptions & { iterations?: number } = {},
): Promise<PermutationResult & { unit: "publications" | "experiments" }> {
  const iterations = options.iterations ?? 1000;
  checkCount("iterations", iterations, 2);
  const seed = checkSeed(options.seed ?? randomSeed());
  const { p } = model;
  const rctl = new Float64Array(ResampleSlot.size);
  const input = resampleInput(model, rctl);
  const mode =
    p === 1
      ? MultilevelPermutationMode.clusterSigns
      : constantWithinClusters(input)
        ? MultilevelPermutationMode.clusterRows
        : MultilevelPermutationMode.rows;
  const bttFrom = model.QMCoefficients[0]!;
  rctl[ResampleSlot.mode] = mode;
  rctl[ResampleSlot.seed] = seed;
  rctl[ResampleSlot.bttFrom] = bttFrom;
  rctl[ResampleSlot.bttTo] = bttFrom + model.QMCoefficients.length;
  rctl[ResampleSlot.comptol] = PERMUTATION_COMPTOL;
  const backend = getBackend(options.backend).name;
  const task: ResampleTask = {
    kind: "multilevel-permutation",
    backend,
    input,
    blocks: makeBlocks(iterations - 1),
  };
  const results = await runTask(task, options);
  for (const { status } of results) {
    if (status !== KernelStatus.OK) {
      throw new PooledError(
        "BAD_INPUT",
        `permutation kernel failed (status ${KernelStatus[status] ?? status})`,
      );
    }
  }
  return {
    kind: "permutation",
    method: model.method,
    test: model.test === "t" ? "knha" : "z",
    exact: false,
    arrangements:
      mode === MultilevelPermutationMode.clusterSigns
        ? 2 ** model.clusters
        : Number.POSITIVE_INFINITY,
    iterations,
    seed,
    // the observed arrangement counts once, as in the standard model's random runs
    ...permutationPValues(tallyPermutationBlocks(results, p, true), model.termNames),
    backend,
    workers: Math.max(1, Math.floor(options.workers ?? 1)),
    unit: mode === MultilevelPermutationMode.rows ? "experiments" : "publications",
  };
}

/**
 * Cluster bootstrap of the three-level model: `replicates` resamples of publications; statistics
 * are the coefficients, "sigma2Between" and "sigma2Within".
 */
export async function multilevelBootstrap(
  model: MultilevelResult,
  options: MultilevelResampleOptions & { replicates?: number; level?: number } = {},
): Promise<BootstrapResult> {
  const replicates = options.replicates ?? 1000;
  checkCount("replicates", replicates, 1);
  const seed = checkSeed(options.seed ?? randomSeed());
  const level = options.level ?? model.level;
  const { p } = model;
  const rctl = new Float64Array(ResampleSlot.size);
  rctl[ResampleSlot.mode] = BootstrapType.cases;
  rctl[ResampleSlot.seed] = seed;
  const input = resampleInput(model, rctl);
  const notes: string[] = [];
  checkClusterResampling(input.m, input.kMax, notes);
  const backend = getBackend(options.backend).name;
  const row = multilevelBootstrapRowSize(p);
  const nstat = p + 2;
  const collect = (results: { status: number; out: Float64Array }[], n: number) => {
    const values = Array.from({ length: nstat }, () => new Float64Array(n));
    const failures: Record<string, number> = {};
    let failed = 0;
    let r = 0;
    for (const { status, out } of results) {
      if (status !== KernelStatus.OK) {
        throw new PooledError(
          "BAD_INPUT",
          `bootstrap kernel rejected its input (status ${status})`,
        );
      }
      for (let t = 0; t < out.length / row; t++, r++) {
        const s = out[t * row]!;
        if (s !== KernelStatus.OK) {
          failed++;
          const name = KernelStatus[s] ?? `STATUS_${s}`;
          failures[name] = (failures[name] ?? 0) + 1;
        }
        for (let j = 0; j < nstat; j++) values[j]![r] = out[t * row + 1 + j]!;
      }
    }
    return { values, failures, failed };
  };
  const task: ResampleTask = {
    kind: "multilevel-bootstrap",
    backend,
    input,
    blocks: makeBlocks(replicates),
  };
  const boot = collect(await runTask(task, options), replicates);

  const jrctl = Float64Array.from(rctl);
  jrctl[ResampleSlot.mode] = BootstrapType.jackknife;
  const jtask: ResampleTask = {
    kind: "multilevel-bootstrap",
    backend,
    input: { ...input, rctl: jrctl },
    blocks: rankBlocks(makeBlocks(input.m)),
  };
  const jack = collect(await runTask(jtask, {}), input.m);
  if (jack.failed > 0)
    notes.push(`${jack.failed} leave-one-publication-out refit(s) failed: no BCa intervals`);
  if (boot.failed > 0) {
    notes.push(
      `${boot.failed} of ${replicates} replicates failed and are left out of the intervals`,
    );
  }
  const names = [...model.termNames, "sigma2Between", "sigma2Within"];
  const estimates = [...model.beta, model.sigma2Between.estimate, model.sigma2Within.estimate];
  return {
    kind: "bootstrap",
    type: "case",
    method: model.method,
    test: model.test === "t" ? "knha" : "z",
    seed,
    replicates,
    succeeded: replicates - boot.failed,
    failed: boot.failed,
    failures: boot.failures,
    clusters: input.m,
    level,
    statistics: summarizeReplicates(
      names,
      estimates,
      boot.values,
      jack.failed > 0 ? null : jack.values,
      level,
    ),
    notes,
    backend,
    workers: Math.max(1, Math.floor(options.workers ?? 1)),
  };
}
