/**
 * Comparison helpers for the effect-size tests. Closed-form quantities must agree within 1e-9
 * relative, the "closed" bound of test/support/tolerance.ts; unlike expectClose there, a reference
 * value of 0 must be met exactly (no absolute fallback), and the value must be finite.
 */
import { expect } from "vitest";

/** Relative tolerance for closed-form quantities. */
export const closedForm = 1e-9;

/** |actual − expected| / |expected|; 0 when both are equal (including both 0). */
export function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  if (expected === 0) return Number.POSITIVE_INFINITY;
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Asserts that `actual` is finite and within `tolerance` relative of `expected`. */
export function expectRelative(
  actual: number,
  expected: number,
  tolerance = closedForm,
  where = "",
): void {
  const error = relativeError(actual, expected);
  expect(
    Number.isFinite(actual) && error <= tolerance,
    `${where} expected ${actual} within ${tolerance} relative of ${expected} (relative error ${error})`,
  ).toBe(true);
}
