/**
 * The backends every model test runs against (shared/ARCHITECTURE.md, "Two paths, one contract").
 * The WASM engineer adds "wasm" here once packages/core-wasm builds.
 */
import type { BackendName } from "../src/types.js";

export const testBackends: BackendName[] = ["js", "wasm"];
