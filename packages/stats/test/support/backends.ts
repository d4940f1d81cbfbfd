/**
 * The backends every model test runs against (shared/ARCHITECTURE.md, "Two paths, one source"):
 * "js", the readable reference build of the kernel source, and "wasm", the default, so that a
 * difference between the two compilers fails the same suite that checks metafor's numbers.
 */
import type { BackendName } from "../../src/types.js";

export const testBackends: BackendName[] = ["js", "wasm"];
