/**
 * Bootstrap of a (meta-regression) model as a sensitivity analysis (Efron & Tibshirani 1993;
 * Davison & Hinkley 1997; for meta-analysis, van den Noortgate & Onghena 2005 and metafor's
 * documented boot examples):
 * - "case": resample studies with replacement, or whole clusters (e.g. publications holding
 *   several experiments) when `cluster` is given (Davison & Hinkley 1997, §3.8), and refit;
 * - "parametric": simulate yi* ~ N(x_i'β̂, vi + τ̂²) with vi and X fixed, and refit.
 * Intervals for every coefficient, tau² and I²: percentile and, for case resampling, BCa with the
 * jackknife acceleration (Efron 1987), computed as R's boot.ci does (inference/intervals.ts).
 * Replicates whose refit fails are counted by cause and reported; they are left out of the
 * intervals, never silently.
 */
import { KernelStatus, PooledError } from "../errors.js";
import { getBackend } from "../kernels/backend.js";
import {
  type BootstrapBlockInput,
  BootstrapType,
  bootstrapRowSize,
  ResampleSlot,
} from "../kernels/resample-contract.js";
import type { BackendName, Method, TestType } from "../types.js";
import {
  checkClusterResampling,
  MAX_RESAMPLES,
  makeBlocks,
  type ResampleTask,
  rankBlocks,
} from "./blocks.js";
import {
  type BcaInterval,
  type BootstrapInterval,
  bcaInterval,
  percentileInterval,
} from "./intervals.js";
import {
  type FlatModel,
  flattenModel,
  type ModelOptions,
  type ModelOrData,
} from "./model-input.js";
import { type BlockResult, type RunOptions, runTask } from "./parallel.js";
import { checkSeed, randomSeed } from "./permutation.js";

export interface BootstrapOptions extends RunOptions, ModelOptions {
  /** Number of bootstrap replicates (refits); default 1000. */
  replicates?: number;
  /** "case" (default) or "parametric". */
  type?: "case" | "parametric";
  /** Seed (uint32); drawn at random and reported when absent. */
  seed?: number;
  /** Cluster (e.g. publication) of each study: case resampling then draws whole clusters. */
  cluster?: ArrayLike<string | number>;
  /** Confidence level of the intervals in percent; default: the model's level (95). */
  level?: number;
  /** Kernel implementation; default "wasm" (when available). */
  backend?: BackendName;
  /** Also return every replicate's values (replicates × statistics); default false. */
  keepReplicates?: boolean;
}

export interface BootstrapStatistic {
  /** A coefficient name ("intrcpt", ...), "tau2" or "I2" (percent). */
  name: string;
  /** Estimate from the original data. */
  estimate: number;
  /** Mean of the successful replicates, their bias (mean - estimate) and SD (bootstrap SE). */
  mean: number;
  bias: number;
  se: number;
  percentile: BootstrapInterval | null;
  /** Null for the parametric bootstrap, or when w or a is not finite (see intervals.ts). */
  bca: BcaInterval | null;
}

export interface BootstrapResult {
  kind: "bootstrap";
  type: "case" | "parametric";
  method: Method;
  test: TestType;
  seed: number;
  /** Replicates asked for. */
  replicates: number;
  /** Replicates whose refit succeeded / failed. */
  succeeded: number;
  failed: number;
  /** Failed replicates by cause (kernel status name, e.g. SINGULAR, NOT_CONVERGED). */
  failures: Record<string, number>;
  /** Number of clusters resampled (null without clusters). */
  clusters: number | null;
  level: number;
  statistics: BootstrapStatistic[];
  /** replicate × [coefficients..., tau2, I2] (NaN rows for failed replicates), when asked. */
  replicateValues?: number[][];
  notes: string[];
  backend: BackendName;
  workers: number;
}

/** Cluster structure in CSR form: cluster g holds members[from[g] .. from[g+1]). */
export function clusterIndex(k: number, cluster?: ArrayLike<string | number>) {
  if (cluster !== undefined && cluster.length !== k) {
    throw new PooledError("BAD_OPTION", `cluster has ${cluster.length} values for ${k} studies`);
  }
  const groups = new Map<string | number, number[]>();
  for (let i = 0; i < k; i++) {
    const id = cluster === undefined ? i : cluster[i]!;
    let list = groups.get(id);
    if (list === undefined) {
      list = [];
      groups.set(id, list);
    }
    list.push(i);
  }
  const from = new Float64Array(groups.size + 1);
  const members = new Float64Array(k);
  let at = 0;
  let g = 0;
  let largest = 0;
  for (const list of groups.values()) {
    from[g++] = at;
    for (const i of list) members[at++] = i;
    largest = Math.max(largest, list.length);
  }
  from[g] = at;
  return { from, members, groups: groups.size, kMax: groups.size * largest };
}

/**
 * Bootstrap replicates of a model's coefficients, tau² and I², with percentile and BCa intervals.
 *
 * @example
 * const res = rma({ yi, vi });
 * const boot = await bootstrap(res, { replicates: 2000, seed: 42 });
 * boot.statistics.find((s) => s.name === "tau2")?.percentile // { lower, upper }
 */
export async function bootstrap(
  modelOrData: ModelOrData,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  const flat = flattenModel(modelOrData, options);
  const { k, p, model } = flat;
  const { replicates, type } = checkBootstrapOptions(options);
  const seed = checkSeed(options.seed ?? randomSeed());
  const level = options.level ?? model.level;
  const clusters = clusterIndex(k, options.cluster);
  const notes: string[] = [];
  if (options.cluster !== undefined) {
    checkClusterResampling(clusters.groups, clusters.kMax, notes);
  }
  const input = bootstrapInput(flat, type, seed, clusters);
  const backend = getBackend(options.backend).name;
  const task: ResampleTask = { kind: "bootstrap", backend, input, blocks: makeBlocks(replicates) };
  const { values, failures, failed } = mergeReplicates(await runTask(task, options), replicates, p);

  let jack: Float64Array[] | null = null;
  if (type === "case") {
    jack = await jackknifeValues(backend, input, clusters.groups, notes);
  } else {
    notes.push("BCa intervals need case resampling (jackknife influence values); percentile only");
  }
  if (failed > 0) {
    notes.push(`${failed} of ${replicates} replicates failed and are left out of the intervals`);
  }

  const names = [...model.termNames, "tau2", "I2"];
  const estimates = [...model.beta, model.tau2, model.I2];
  const statistics = summarizeReplicates(names, estimates, values, jack, level);

  const result: BootstrapResult = {
    kind: "bootstrap",
    type,
    method: flat.method,
    test: flat.test,
    seed,
    replicates,
    succeeded: replicates - failed,
    failed,
    failures,
    clusters: options.cluster === undefined ? null : clusters.groups,
    level,
    statistics,
    notes,
    backend,
    workers: Math.max(1, Math.floor(options.workers ?? 1)),
  };
  if (options.keepReplicates) {
    result.replicateValues = Array.from({ length: replicates }, (_, i) => values.map((v) => v[i]!));
  }
  return result;
}

/**
 * The number of replicates and the type of bootstrap, with their defaults.
 *
 * @throws PooledError ("BAD_OPTION") naming the option, its value and what is expected
 */
function checkBootstrapOptions(options: BootstrapOptions): {
  replicates: number;
  type: "case" | "parametric";
} {
  const replicates = options.replicates ?? 1000;
  if (!Number.isInteger(replicates) || replicates < 1 || replicates > MAX_RESAMPLES) {
    throw new PooledError(
      "BAD_OPTION",
      `replicates must be a whole number from 1 to ${MAX_RESAMPLES}; got ${replicates}`,
    );
  }
  const type = options.type ?? "case";
  if (type !== "case" && type !== "parametric") {
    throw new PooledError("BAD_OPTION", `type must be "case" or "parametric"; got ${String(type)}`);
  }
  return { replicates, type };
}

/**
 * The kernel's input: the data, the resampling control (mode, seed, number of clusters), the
 * clusters, and for the parametric bootstrap the means x_i'β̂ and SDs √(vi + τ̂²) of the simulated
 * yi*.
 */
function bootstrapInput(
  flat: FlatModel,
  type: "case" | "parametric",
  seed: number,
  clusters: ReturnType<typeof clusterIndex>,
): BootstrapBlockInput {
  const { k, p, model } = flat;
  const fitted = new Float64Array(k);
  const sdev = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += flat.X[i * p + j]! * model.beta[j]!;
    fitted[i] = f;
    sdev[i] = Math.sqrt(flat.vi[i]! + model.tau2);
  }
  const rctl = new Float64Array(ResampleSlot.size);
  rctl[ResampleSlot.mode] = type === "case" ? BootstrapType.cases : BootstrapType.parametric;
  rctl[ResampleSlot.seed] = seed;
  rctl[ResampleSlot.groups] = clusters.groups;
  return {
    yi: flat.yi,
    vi: flat.vi,
    X: flat.X,
    k,
    p,
    kMax: Math.max(k, clusters.kMax),
    method: flat.methodCode,
    control: flat.control,
    rctl,
    from: clusters.from,
    members: clusters.members,
    fitted,
    sdev,
  };
}

/**
 * The blocks' rows merged in block order, so that replicate r is row r whatever ran it: one array
 * per statistic (coefficients, tau2, I2; NaN where a refit failed) and the failures by cause.
 *
 * @throws PooledError ("BAD_INPUT") when the kernel rejected its input
 */
function mergeReplicates(
  results: BlockResult[],
  replicates: number,
  p: number,
): { values: Float64Array[]; failures: Record<string, number>; failed: number } {
  const row = bootstrapRowSize(p);
  const nstat = p + 2;
  const values = Array.from({ length: nstat }, () => new Float64Array(replicates));
  const failures: Record<string, number> = {};
  let failed = 0;
  let r = 0;
  for (const { status, out } of results) {
    if (status !== KernelStatus.OK) {
      throw new PooledError("BAD_INPUT", `bootstrap kernel rejected its input (status ${status})`);
    }
    for (let t = 0; t < out.length / row; t++, r++) {
      const s = out[t * row]!;
      if (s !== KernelStatus.OK) {
        failed++;
        const name = KernelStatus[s] ?? `STATUS_${s}`; // a numeric enum maps codes back to names
        failures[name] = (failures[name] ?? 0) + 1;
      }
      for (let j = 0; j < nstat; j++) values[j]![r] = out[t * row + 1 + j]!;
    }
  }
  return { values, failures, failed };
}

/**
 * Jackknife (leave one cluster out) values of every statistic, for the BCa acceleration (Efron
 * 1987; case resampling only); null, with a note, when a leave-one-out refit fails.
 */
async function jackknifeValues(
  backend: BackendName,
  input: BootstrapBlockInput,
  groups: number,
  notes: string[],
): Promise<Float64Array[] | null> {
  const jrctl = Float64Array.from(input.rctl);
  jrctl[ResampleSlot.mode] = BootstrapType.jackknife;
  const jtask: ResampleTask = {
    kind: "bootstrap",
    backend,
    input: { ...input, rctl: jrctl },
    blocks: rankBlocks(makeBlocks(groups)),
  };
  const jres = await runTask(jtask, {});
  const row = bootstrapRowSize(input.p);
  const nstat = input.p + 2;
  const jack = Array.from({ length: nstat }, () => new Float64Array(groups));
  let g = 0;
  let jackFailed = 0;
  for (const { out } of jres) {
    for (let t = 0; t < out.length / row; t++, g++) {
      if (out[t * row]! !== KernelStatus.OK) jackFailed++;
      for (let j = 0; j < nstat; j++) jack[j]![g] = out[t * row + 1 + j]!;
    }
  }
  if (jackFailed > 0) {
    notes.push(`${jackFailed} leave-one-out refit(s) failed: no BCa intervals`);
    return null;
  }
  return jack;
}

/**
 * Mean, bias, SD and the percentile and BCa intervals of each statistic's replicates (failed
 * replicates are NaN and left out); jack holds the leave-one-cluster-out values for BCa, or null.
 */
export function summarizeReplicates(
  names: readonly string[],
  estimates: readonly number[],
  values: readonly Float64Array[],
  jack: readonly Float64Array[] | null,
  level: number,
): BootstrapStatistic[] {
  return names.map((name, j) => {
    const t = values[j]!;
    let n = 0;
    let sum = 0;
    for (let i = 0; i < t.length; i++) {
      if (Number.isFinite(t[i]!)) {
        n++;
        sum += t[i]!;
      }
    }
    const mean = n > 0 ? sum / n : Number.NaN;
    let ss = 0;
    for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) ss += (t[i]! - mean) ** 2;
    const estimate = estimates[j]!;
    return {
      name,
      estimate,
      mean,
      bias: mean - estimate,
      se: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN,
      percentile: percentileInterval(t, level),
      bca: jack ? bcaInterval(t, estimate, jack[j]!, level) : null,
    };
  });
}
