/**
 * Smallest and largest of an array by a loop: Math.min(...values) passes every element as an
 * argument and overflows the call stack at a few hundred thousand of them.
 */
export function extent(values: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
