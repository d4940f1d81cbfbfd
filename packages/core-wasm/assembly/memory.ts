/**
 * Raw memory access and the per-call arena.
 *
 * The module uses AssemblyScript's stub runtime (a bump allocator that never frees) and no managed
 * objects: every array is a pointer into linear memory. The host calls `reset()` at the start of
 * each top-level call, `alloc()`s its inputs, and the kernel bumps its own workspace from the same
 * arena. Memory may grow during a call, so the host rebuilds its views after every call
 * (shared/ARCHITECTURE.md, "The WASM boundary").
 */

/** Reads element i of a Float64 array at ptr. */
export function ld(ptr: usize, i: i32): f64 {
  return load<f64>(ptr + ((<usize>i) << 3));
}

/** Writes element i of a Float64 array at ptr. */
export function st(ptr: usize, i: i32, value: f64): void {
  store<f64>(ptr + ((<usize>i) << 3), value);
}

/** Reads element i of an Int32 array at ptr. */
export function ldi(ptr: usize, i: i32): i32 {
  return load<i32>(ptr + ((<usize>i) << 2));
}

/** Writes element i of an Int32 array at ptr. */
export function sti(ptr: usize, i: i32, value: i32): void {
  store<i32>(ptr + ((<usize>i) << 2), value);
}

/** Allocates n doubles (16-byte aligned) from the arena. */
export function allocF64(n: i32): usize {
  return heap.alloc((<usize>max<i32>(n, 1)) << 3);
}

/** Allocates n int32 values from the arena. */
export function allocI32(n: i32): usize {
  return heap.alloc((<usize>max<i32>(n, 1)) << 2);
}

/** Empties the arena: everything allocated before becomes invalid. */
export function resetArena(): void {
  __reset();
}
