/** Which build: "release" (-O3, no assertions) or "debug" (assertions, unoptimised). */
export type CoreTarget = "release" | "debug";

/**
 * The pointer-level exports of the core (see assembly/index.ts). Pointers are byte offsets into
 * `memory`; an array argument is the address of its first element. Kernels return an i32
 * KernelStatus.
 */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  reset(): void;
  fit(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    method: number,
    control: number,
    out: number,
  ): number;
  qstat(yi: number, vi: number, X: number, k: number, p: number, tau2: number, out: number): number;
  permutation(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    method: number,
    control: number,
    rctl: number,
    labels: number,
    classRows: number,
    out: number,
  ): number;
  bootstrap(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    kMax: number,
    method: number,
    control: number,
    rctl: number,
    from: number,
    members: number,
    fitted: number,
    sdev: number,
    out: number,
  ): number;
  refit(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    method: number,
    control: number,
    rctl: number,
    subsets: number,
    out: number,
  ): number;
  gosh(
    yi: number,
    vi: number,
    k: number,
    method: number,
    control: number,
    gctl: number,
    out: number,
  ): number;
  multilevel(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    starts: number,
    m: number,
    method: number,
    control: number,
    out: number,
  ): number;
  multilevelPermutation(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    starts: number,
    m: number,
    method: number,
    control: number,
    rctl: number,
    out: number,
  ): number;
  multilevelBootstrap(
    yi: number,
    vi: number,
    X: number,
    k: number,
    p: number,
    kMax: number,
    starts: number,
    m: number,
    method: number,
    control: number,
    rctl: number,
    out: number,
  ): number;
  prngFill(seed: number, stream: number, kind: number, bound: number, n: number, out: number): void;
}

export declare function wasmBytes(target?: CoreTarget): Uint8Array;
export declare function compileSync(target?: CoreTarget): WebAssembly.Module;
export declare function compile(target?: CoreTarget): Promise<WebAssembly.Module>;
export declare function instantiateModule(module: WebAssembly.Module): CoreExports;
export declare function instantiateSync(target?: CoreTarget): CoreExports;
export declare function instantiate(target?: CoreTarget): Promise<CoreExports>;
