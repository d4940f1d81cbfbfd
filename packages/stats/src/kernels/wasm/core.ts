/**
 * The friendly level of the WASM boundary (shared/STYLE.md §5, after stdlib-js and duckdb-wasm):
 * copies typed arrays into the module's arena, calls one kernel, copies the out block back.
 * The pointer-level module is @pooled/core-wasm. Views on memory are never cached: memory may
 * grow during any call, which detaches old views, so each view is made right before it is used.
 */
import { type CoreExports, type CoreTarget, instantiate, instantiateSync } from "@pooled/core-wasm";
import { type FitInput, FitOutSlot, type KernelFit } from "../contract.js";
import type { GoshBlockInput } from "../gosh-contract.js";
import type { MultilevelBlockInput, MultilevelResampleInput } from "../multilevel-contract.js";
import type { RefitBlockInput } from "../refit-contract.js";
import type { BootstrapBlockInput, PermutationBlockInput } from "../resample-contract.js";

/** One instance of the core with copy-in/copy-out helpers. */
export class WasmCore {
  readonly exports: CoreExports;
  constructor(exports: CoreExports) {
    this.exports = exports;
  }

  /** Copies values into a fresh arena block and returns its pointer. */
  private put(values: ArrayLike<number>): number {
    const n = Math.max(1, values.length);
    const ptr = this.exports.alloc(n * 8);
    new Float64Array(this.exports.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  /** Reserves n doubles (uninitialised) and returns the pointer. */
  private reserve(n: number): number {
    return this.exports.alloc(Math.max(1, n) * 8);
  }

  /**
   * Every kernel call's first step: resets the arena and copies the studies (yi, vi, X) and the
   * packed control block in, in this order.
   */
  private putModel(input: FitInput, control: Float64Array) {
    this.exports.reset();
    const { k, p } = input;
    return {
      yi: this.put(input.yi.subarray(0, k)),
      vi: this.put(input.vi.subarray(0, k)),
      X: this.put(input.X.subarray(0, k * p)),
      ctl: this.put(control),
    };
  }

  /** Copies int32 values into a fresh arena block and returns its pointer. */
  private putInt32(values: Int32Array): number {
    const ptr = this.exports.alloc(Math.max(1, values.length) * 4);
    new Int32Array(this.exports.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  /** Copies n doubles at ptr into `into` (a view made now, after the call). */
  private get(ptr: number, into: Float64Array): Float64Array {
    into.set(new Float64Array(this.exports.memory.buffer, ptr, into.length));
    return into;
  }

  /** The fit kernel; `control` is a packed control block (ControlSlot layout). */
  fit(input: FitInput, method: number, control: Float64Array, out: Float64Array): number {
    const { yi, vi, X, ctl } = this.putModel(input, control);
    const outPtr = this.reserve(out.length);
    const status = this.exports.fit(yi, vi, X, input.k, input.p, method, ctl, outPtr);
    this.get(outPtr, out);
    return status;
  }

  /** A fit returned as a KernelFit (for the StatsBackend interface). */
  fitResult(input: FitInput, method: number, control: Float64Array): KernelFit {
    const p = input.p;
    const out = new Float64Array(FitOutSlot.beta + p + p * p);
    const status = this.fit(input, method, control, out);
    return {
      status,
      tau2: out[FitOutSlot.tau2]!,
      iterations: out[FitOutSlot.iterations]!,
      beta: out.slice(FitOutSlot.beta, FitOutSlot.beta + p),
      vb: out.slice(FitOutSlot.beta + p, FitOutSlot.beta + p + p * p),
    };
  }

  /** One permutation block; out has permutationOutSize(p) doubles. */
  permutationBlock(input: PermutationBlockInput, out: Float64Array): number {
    const { k, p } = input;
    const { yi, vi, X, ctl } = this.putModel(input, input.control);
    const rctl = this.put(input.rctl);
    const labels = this.put(input.labels);
    const classRows = this.put(input.classRows);
    const outPtr = this.reserve(out.length);
    const status = this.exports.permutation(
      yi,
      vi,
      X,
      k,
      p,
      input.method,
      ctl,
      rctl,
      labels,
      classRows,
      outPtr,
    );
    this.get(outPtr, out);
    return status;
  }

  /** One bootstrap block; out has count × bootstrapRowSize(p) doubles. */
  bootstrapBlock(input: BootstrapBlockInput, out: Float64Array): number {
    const { k, p } = input;
    const { yi, vi, X, ctl } = this.putModel(input, input.control);
    const rctl = this.put(input.rctl);
    const from = this.put(input.from);
    const members = this.put(input.members);
    const fitted = this.put(input.fitted);
    const sdev = this.put(input.sdev);
    const outPtr = this.reserve(out.length);
    const status = this.exports.bootstrap(
      yi,
      vi,
      X,
      k,
      p,
      input.kMax,
      input.method,
      ctl,
      rctl,
      from,
      members,
      fitted,
      sdev,
      outPtr,
    );
    this.get(outPtr, out);
    return status;
  }

  /** One refit call (every subset); out has count × refitRowSize(p) doubles. */
  refitBlock(input: RefitBlockInput, out: Float64Array): number {
    const { k, p } = input;
    const { yi, vi, X, ctl } = this.putModel(input, input.control);
    const rctl = this.put(input.rctl);
    const subsets = this.put(input.subsets);
    const outPtr = this.reserve(out.length);
    const status = this.exports.refit(yi, vi, X, k, p, input.method, ctl, rctl, subsets, outPtr);
    this.get(outPtr, out);
    return status;
  }

  /** One three-level fit; out has multilevelOutSize(p) doubles. */
  multilevelFit(input: MultilevelBlockInput, out: Float64Array): number {
    const { k, p, m } = input;
    const { yi, vi, X, ctl } = this.putModel(input, input.control);
    const starts = this.putInt32(input.starts);
    const outPtr = this.reserve(out.length);
    const status = this.exports.multilevel(yi, vi, X, k, p, starts, m, input.method, ctl, outPtr);
    this.get(outPtr, out);
    return status;
  }

  /** One block of the three-level permutation test or bootstrap. */
  multilevelResampleBlock(
    kind: "permutation" | "bootstrap",
    input: MultilevelResampleInput,
    out: Float64Array,
  ): number {
    const { k, p, m } = input;
    const { yi, vi, X, ctl } = this.putModel(input, input.control);
    const starts = this.putInt32(input.starts);
    const rctl = this.put(input.rctl);
    const outPtr = this.reserve(out.length);
    const e = this.exports;
    const status =
      kind === "permutation"
        ? e.multilevelPermutation(yi, vi, X, k, p, starts, m, input.method, ctl, rctl, outPtr)
        : e.multilevelBootstrap(
            yi,
            vi,
            X,
            k,
            p,
            input.kMax,
            starts,
            m,
            input.method,
            ctl,
            rctl,
            outPtr,
          );
    this.get(outPtr, out);
    return status;
  }

  /** One GOSH block; out has goshOutSize(count, goshWords(k, exact)) doubles. */
  goshBlock(input: GoshBlockInput, out: Float64Array): number {
    const e = this.exports;
    const k = input.k;
    e.reset();
    const yi = this.put(input.yi.subarray(0, k));
    const vi = this.put(input.vi.subarray(0, k));
    const ctl = this.put(input.control);
    const rctl = this.put(input.rctl);
    const outPtr = this.reserve(out.length);
    const status = e.gosh(yi, vi, k, input.method, ctl, rctl, outPtr);
    this.get(outPtr, out);
    return status;
  }

  /**
   * n draws of stream `stream` of `seed`: kind 0 uint32, 1 uniform, 2 normal, 3 integers below
   * `bound` (to check the stream against the TS generator).
   */
  prng(seed: number, stream: number, kind: number, n: number, bound = 1): Float64Array {
    const e = this.exports;
    e.reset();
    const outPtr = this.reserve(n);
    e.prngFill(seed >>> 0, stream >>> 0, kind, bound, n, outPtr);
    return this.get(outPtr, new Float64Array(n));
  }
}

const cores = new Map<CoreTarget, WasmCore>();

/**
 * The shared core instance (compiled and instantiated synchronously on first use, which Node and
 * web workers allow; on a browser main thread call {@link loadWasmCore} first).
 */
export function wasmCore(target: CoreTarget = "release"): WasmCore {
  let core = cores.get(target);
  if (core === undefined) {
    core = new WasmCore(instantiateSync(target));
    cores.set(target, core);
  }
  return core;
}

/** Compiles and instantiates the core asynchronously (browser main threads); idempotent. */
export async function loadWasmCore(target: CoreTarget = "release"): Promise<WasmCore> {
  let core = cores.get(target);
  if (core === undefined) {
    core = new WasmCore(await instantiate(target));
    cores.set(target, core);
  }
  return core;
}
