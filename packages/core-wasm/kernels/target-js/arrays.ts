/**
 * The kernels' arrays in the JS build: `#kernel-arrays` resolves here (package.json "imports").
 * F64s and I32s are plain Float64Array and Int32Array, so stats passes its typed arrays to the
 * kernels as they are. The WebAssembly build has its own twin (assembly/lib/#kernel-arrays.ts),
 * where they are raw element pointers; every other line of the kernels is the same source.
 */

/** A Float64 array. */
export type F64s = Float64Array;
/** An Int32 array. */
export type I32s = Int32Array;

/** n doubles, all 0. */
export function newF64s(n: number): F64s {
  return new Float64Array(n > 0 ? n : 1);
}

/** n int32 values, all 0. */
export function newI32s(n: number): I32s {
  return new Int32Array(n > 0 ? n : 1);
}
