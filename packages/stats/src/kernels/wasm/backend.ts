/**
 * The WebAssembly backend: the kernel source of the JS reference path (@pooled/core-wasm/kernels)
 * as compiled by asc in packages/core-wasm. Instantiated lazily on first use.
 */
import type { FitControl } from "../../defaults.js";
import type { Method } from "../../types.js";
import type { StatsBackend } from "../backend.js";
import { type FitInput, type KernelFit, MethodCode, packControl } from "../contract.js";
import type { GoshBlockInput } from "../gosh-contract.js";
import type { MultilevelBlockInput, MultilevelResampleInput } from "../multilevel-contract.js";
import type { RefitBlockInput } from "../refit-contract.js";
import type { BootstrapBlockInput, PermutationBlockInput } from "../resample-contract.js";
import { type WasmCore, wasmCore } from "./core.js";

/** Creates the "wasm" backend over a core (default: the shared release instance). */
export function createWasmBackend(core?: () => WasmCore): StatsBackend {
  const getCore = core ?? (() => wasmCore());
  const controlBlock = new Float64Array(8);
  return {
    name: "wasm",
    fit(input: FitInput, method: Method, control: FitControl): KernelFit {
      return getCore().fitResult(input, MethodCode[method], packControl(control, controlBlock));
    },
    permutationBlock(input: PermutationBlockInput, out: Float64Array): number {
      return getCore().permutationBlock(input, out);
    },
    bootstrapBlock(input: BootstrapBlockInput, out: Float64Array): number {
      return getCore().bootstrapBlock(input, out);
    },
    refitBlock(input: RefitBlockInput, out: Float64Array): number {
      return getCore().refitBlock(input, out);
    },
    multilevelFit(input: MultilevelBlockInput, out: Float64Array): number {
      return getCore().multilevelFit(input, out);
    },
    multilevelPermutationBlock(input: MultilevelResampleInput, out: Float64Array): number {
      return getCore().multilevelResampleBlock("permutation", input, out);
    },
    multilevelBootstrapBlock(input: MultilevelResampleInput, out: Float64Array): number {
      return getCore().multilevelResampleBlock("bootstrap", input, out);
    },
    goshBlock(input: GoshBlockInput, out: Float64Array): number {
      return getCore().goshBlock(input, out);
    },
  };
}
