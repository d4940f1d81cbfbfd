/**
 * The two compiled outputs of the one kernel source behind one interface (shared/STYLE.md §6):
 * "wasm" (default: asc's WebAssembly build) and "js" (tsc's JS build, the readable reference).
 *
 * A small registry: each backend registers itself under its name, {@link getBackend} looks it up.
 */

import {
  bootstrapKernel,
  FitWorkspace,
  fitKernel,
  GoshWorkspace,
  goshKernel,
  MultilevelResampleWorkspace,
  MultilevelWorkspace,
  multilevelBootstrapKernel,
  multilevelKernel,
  multilevelPermutationKernel,
  permutationKernel,
  RefitWorkspace,
  ResampleWorkspace,
  refitKernel,
} from "@pooled/core-wasm/kernels";
import type { FitControl } from "../defaults.js";
import { PooledError } from "../errors.js";
import type { BackendName, Method } from "../types.js";
import {
  type FitInput,
  FitOutSlot,
  fitOutSize,
  type KernelFit,
  MethodCode,
  packControl,
} from "./contract.js";
import type { GoshBlockInput } from "./gosh-contract.js";
import type { MultilevelBlockInput, MultilevelResampleInput } from "./multilevel-contract.js";
import type { RefitBlockInput } from "./refit-contract.js";
import type { BootstrapBlockInput, PermutationBlockInput } from "./resample-contract.js";
import { createWasmBackend } from "./wasm/backend.js";

export interface StatsBackend {
  readonly name: BackendName;
  /** Fit FE or a random-effects model; never throws, reports a status. */
  fit(input: FitInput, method: Method, control: FitControl): KernelFit;
  /**
   * One block of a permutation test (@pooled/core-wasm/kernels, permutationKernel): refits every
   * arrangement inside the kernel; out has permutationOutSize(p) doubles. Returns a status.
   */
  permutationBlock(input: PermutationBlockInput, out: Float64Array): number;
  /**
   * One block of bootstrap replicates (@pooled/core-wasm/kernels, bootstrapKernel); out has
   * count × bootstrapRowSize(p) doubles. Returns a status.
   */
  bootstrapBlock(input: BootstrapBlockInput, out: Float64Array): number;
  /**
   * Refits the model on every subset of its studies (@pooled/core-wasm/kernels, refitKernel): one call
   * for the whole loop of leave-one-out, influence, cumulative or Baujat; out has
   * count × refitRowSize(p) doubles (kernels/refit-contract.ts). Returns a status.
   */
  refitBlock(input: RefitBlockInput, out: Float64Array): number;
  /**
   * One three-level fit (@pooled/core-wasm/kernels, multilevelKernel); out has
   * multilevelOutSize(p) doubles. Returns a status.
   */
  multilevelFit(input: MultilevelBlockInput, out: Float64Array): number;
  /** One block of the three-level permutation test; out has permutationOutSize(p) doubles. */
  multilevelPermutationBlock(input: MultilevelResampleInput, out: Float64Array): number;
  /** One block of the three-level bootstrap; out has count × multilevelBootstrapRowSize(p). */
  multilevelBootstrapBlock(input: MultilevelResampleInput, out: Float64Array): number;
  /**
   * One block of a GOSH run (@pooled/core-wasm/kernels, goshKernel): every subset of an index
   * range, or random subsets from one stream; out has goshOutSize(count, goshWords(k, exact))
   * doubles, column-major (kernels/gosh-contract.ts). Returns a status.
   */
  goshBlock(input: GoshBlockInput, out: Float64Array): number;
}

/** The resampling half of the TS backend: one workspace, grown when a bigger problem comes. */
function createJsResampling(): Pick<StatsBackend, "permutationBlock" | "bootstrapBlock"> {
  let ws: ResampleWorkspace = new ResampleWorkspace(16, 4);
  const ensure = (k: number, p: number): ResampleWorkspace => {
    if (k > ws.kMax || p > ws.pMax) {
      ws = new ResampleWorkspace(Math.max(k, ws.kMax), Math.max(p, ws.pMax));
    }
    return ws;
  };
  return {
    permutationBlock(input: PermutationBlockInput, out: Float64Array): number {
      const { yi, vi, X, k, p } = input;
      return permutationKernel(
        ensure(k, p),
        yi,
        vi,
        X,
        k,
        p,
        input.method,
        input.control,
        input.rctl,
        input.labels,
        input.classRows,
        out,
      );
    },
    bootstrapBlock(input: BootstrapBlockInput, out: Float64Array): number {
      const { yi, vi, X, k, p } = input;
      return bootstrapKernel(
        ensure(Math.max(k, input.kMax), p),
        yi,
        vi,
        X,
        k,
        p,
        input.method,
        input.control,
        input.rctl,
        input.from,
        input.members,
        input.fitted,
        input.sdev,
        out,
      );
    },
  };
}

/** The refit half of the TS backend: one workspace, grown when a bigger problem comes. */
function createJsRefit(): Pick<StatsBackend, "refitBlock"> {
  let ws: RefitWorkspace = new RefitWorkspace(16, 4);
  return {
    refitBlock(input: RefitBlockInput, out: Float64Array): number {
      const { yi, vi, X, k, p } = input;
      if (k > ws.kMax || p > ws.pMax) {
        ws = new RefitWorkspace(Math.max(k, ws.kMax), Math.max(p, ws.pMax));
      }
      return refitKernel(
        ws,
        yi,
        vi,
        X,
        k,
        p,
        input.method,
        input.control,
        input.rctl,
        input.subsets,
        out,
      );
    },
  };
}

/** The three-level part of the TS backend: workspaces grown when a bigger problem comes. */
function createJsMultilevel(): Pick<
  StatsBackend,
  "multilevelFit" | "multilevelPermutationBlock" | "multilevelBootstrapBlock"
> {
  let ws: MultilevelWorkspace = new MultilevelWorkspace(16, 4);
  let rws: MultilevelResampleWorkspace = new MultilevelResampleWorkspace(16, 4, 16);
  const resampleWorkspace = (input: MultilevelResampleInput) => {
    const k = Math.max(input.k, input.kMax);
    if (k > rws.kMax || input.p > rws.pMax || input.m > rws.mMax) {
      rws = new MultilevelResampleWorkspace(
        Math.max(k, rws.kMax),
        Math.max(input.p, rws.pMax),
        Math.max(input.m, rws.mMax),
      );
    }
    return rws;
  };
  return {
    multilevelFit(input: MultilevelBlockInput, out: Float64Array): number {
      const { yi, vi, X, k, p } = input;
      if (k > ws.kMax || p > ws.pMax) {
        ws = new MultilevelWorkspace(Math.max(k, ws.kMax), Math.max(p, ws.pMax));
      }
      const { starts, m, method, control } = input;
      return multilevelKernel(ws, yi, vi, X, k, p, starts, m, method, control, out);
    },
    multilevelPermutationBlock(input: MultilevelResampleInput, out: Float64Array): number {
      const { yi, vi, X, k, p, starts, m, method, control, rctl } = input;
      const w = resampleWorkspace(input);
      return multilevelPermutationKernel(w, yi, vi, X, k, p, starts, m, method, control, rctl, out);
    },
    multilevelBootstrapBlock(input: MultilevelResampleInput, out: Float64Array): number {
      const { yi, vi, X, k, p, starts, m, method, control, rctl } = input;
      const w = resampleWorkspace(input);
      return multilevelBootstrapKernel(w, yi, vi, X, k, p, starts, m, method, control, rctl, out);
    },
  };
}

/** The GOSH part of the TS backend: one workspace, grown when a bigger problem comes. */
function createJsGosh(): Pick<StatsBackend, "goshBlock"> {
  let ws: GoshWorkspace = new GoshWorkspace(32);
  return {
    goshBlock(input: GoshBlockInput, out: Float64Array): number {
      if (input.k > ws.kMax) ws = new GoshWorkspace(Math.max(input.k, ws.kMax));
      const { yi, vi, k, method, control, rctl } = input;
      return goshKernel(ws, yi, vi, k, method, control, rctl, out);
    },
  };
}

/** The plain-TypeScript reference backend; keeps one workspace and grows it when needed. */
function createJsBackend(): StatsBackend {
  let workspace: FitWorkspace = new FitWorkspace(16, 4);
  const controlBlock = new Float64Array(8);
  return {
    name: "js",
    ...createJsResampling(),
    ...createJsRefit(),
    ...createJsMultilevel(),
    ...createJsGosh(),
    fit(input: FitInput, method: Method, control: FitControl): KernelFit {
      const { yi, vi, X, k, p } = input;
      if (k > workspace.kMax || p > workspace.pMax) {
        workspace = new FitWorkspace(Math.max(k, workspace.kMax), Math.max(p, workspace.pMax));
      }
      const out = new Float64Array(fitOutSize(p));
      const status = fitKernel(
        workspace,
        yi,
        vi,
        X,
        k,
        p,
        MethodCode[method],
        packControl(control, controlBlock),
        out,
      );
      return {
        status,
        tau2: out[FitOutSlot.tau2]!,
        iterations: out[FitOutSlot.iterations]!,
        beta: out.slice(FitOutSlot.beta, FitOutSlot.beta + p),
        vb: out.slice(FitOutSlot.beta + p, FitOutSlot.beta + p + p * p),
      };
    },
  };
}

/** The plain-TypeScript reference backend. */
export const jsBackend: StatsBackend = createJsBackend();

/** The WebAssembly backend (packages/core-wasm), instantiated on first use. */
export const wasmBackend: StatsBackend = createWasmBackend();

const registry = new Map<BackendName, StatsBackend>([
  ["js", jsBackend],
  ["wasm", wasmBackend],
]);

/** Makes a backend available under its name (the WASM backend registers itself here). */
export function registerBackend(backend: StatsBackend): void {
  registry.set(backend.name, backend);
}

/**
 * The backend registered under `name`; without a name, "wasm" when registered, else "js".
 *
 * @example getBackend("js").fit({ yi, vi, X, k, p }, "REML", fitDefaults.control)
 */
export function getBackend(name?: BackendName): StatsBackend {
  if (name === undefined) return registry.get("wasm") ?? jsBackend;
  const backend = registry.get(name);
  if (backend === undefined) {
    throw new PooledError(
      "BACKEND",
      `backend "${name}" is not available (registered: ${[...registry.keys()].join(", ")})`,
    );
  }
  return backend;
}
