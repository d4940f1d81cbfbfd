/// <reference path="./portable.d.ts" preserve="true" />
/**
 * The kernels' JS build (packages/stats' reference path): the same source asc compiles to
 * WebAssembly (assembly/index.ts), compiled by tsc. See README.md, "The portable subset".
 */
export * from "./contract.ts";
export * from "./fit.ts";
export * from "./gosh.ts";
export * from "./linalg.ts";
export * from "./multilevel.ts";
export * from "./multilevel-resample.ts";
export * from "./prng.ts";
export * from "./refit.ts";
export * from "./resample.ts";
