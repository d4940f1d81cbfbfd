/**
 * The two implementations of the kernels behind one interface (shared/STYLE.md §6):
 * "wasm" (default once the WASM core lands) and "js" (the plain-TS reference).
 */
import type { FitControl } from "../defaults.js";
import type { BackendName, Method } from "../types.js";
import type { FitInput, KernelFit } from "./contract.js";

export interface StatsBackend {
  readonly name: BackendName;
  /** Fit FE or a random-effects model; never throws, reports a status. */
  fit(input: FitInput, method: Method, control: FitControl): KernelFit;
}
