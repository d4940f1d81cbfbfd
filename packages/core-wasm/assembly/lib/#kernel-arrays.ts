/**
 * The kernels' arrays in the WebAssembly build: `#kernel-arrays` for asc (this folder is asc's
 * `--lib`, see asconfig.json). The JS build resolves the same import, through package.json
 * "imports", to kernels/target-js/arrays.ts, where F64s and I32s are Float64Array and Int32Array.
 *
 * Why not typed arrays here too: an AssemblyScript typed array is an object whose element pointer
 * (dataStart) is reloaded from memory on every element access, because a store into the array
 * may alias it. These arrays are the element pointer itself, so `a[i]` is one load at a + 8i, as
 * in hand-written pointer code: the one kernel source keeps the speed of the hand-written
 * AssemblyScript it replaced. Bounds are the kernels' business (they check every size they read
 * from a control block before indexing).
 */

/** A Float64 array: the address of its first element in linear memory. */
@final
@unmanaged
export class F64s {
  @inline
  @operator("[]")
  get(i: i32): f64 {
    return load<f64>(changetype<usize>(this) + ((<usize>i) << 3));
  }

  @inline
  @operator("[]=")
  set(i: i32, value: f64): void {
    store<f64>(changetype<usize>(this) + ((<usize>i) << 3), value);
  }
}

/** An Int32 array: the address of its first element in linear memory. */
@final
@unmanaged
export class I32s {
  @inline
  @operator("[]")
  get(i: i32): i32 {
    return load<i32>(changetype<usize>(this) + ((<usize>i) << 2));
  }

  @inline
  @operator("[]=")
  set(i: i32, value: i32): void {
    store<i32>(changetype<usize>(this) + ((<usize>i) << 2), value);
  }
}

/** n doubles, all 0, from the arena (the stub runtime's bump allocator, emptied per call). */
export function newF64s(n: i32): F64s {
  const count: i32 = n > 0 ? n : 1;
  const bytes = (<usize>count) << 3;
  const at = heap.alloc(bytes);
  memory.fill(at, 0, bytes);
  return changetype<F64s>(at);
}

/** n int32 values, all 0, from the arena. */
export function newI32s(n: i32): I32s {
  const count: i32 = n > 0 ? n : 1;
  const bytes = (<usize>count) << 2;
  const at = heap.alloc(bytes);
  memory.fill(at, 0, bytes);
  return changetype<I32s>(at);
}
