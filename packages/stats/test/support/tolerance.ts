/**
 * One tolerance table, by kind of quantity (shared/STYLE.md §3):
 * - "closed": closed-form quantities (estimates, SEs, statistics, Q, I², weights...), 1e-9 relative;
 * - "pvalue": p-values and tail probabilities, 1e-9 relative (far tails included: 1e-40 is compared
 *   relatively, not absolutely);
 * - "iterative": anything that depends on an iterated estimate (ML, REML, EB, PM tau², Q-profile
 *   bounds, and every statistic derived from them), 1e-6 relative to max(1, |expected|).
 *
 * Quantities that are exactly 0 in the reference (e.g. tau² truncated at 0, a statistic of a
 * symmetric design) cannot be compared relatively; "closed" and "pvalue" then compare the absolute
 * error divided by a scale the caller gives (default 1) against the same 1e-9.
 */
import { expect } from "vitest";

export type QuantityKind = "closed" | "pvalue" | "iterative";

export const tolerance = {
  closed: 1e-9,
  pvalue: 1e-9,
  iterative: 1e-6,
} as const satisfies Record<QuantityKind, number>;

/** Largest relative error seen per kind in this test file (printed by {@link reportWorstErrors}). */
export const worstErrors: Record<QuantityKind, { error: number; what: string; count: number }> = {
  closed: { error: 0, what: "", count: 0 },
  pvalue: { error: 0, what: "", count: 0 },
  iterative: { error: 0, what: "", count: 0 },
};

/**
 * Relative error of `actual` against `expected` as the table measures it: |a - e| / |e| for closed
 * and p-values, |a - e| / max(1, |e|) for iterative quantities. Expected 0: the absolute error
 * (divided by `zeroScale`) is used.
 */
export function relativeError(
  actual: number,
  expected: number,
  kind: QuantityKind,
  zeroScale = 1,
): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Number.POSITIVE_INFINITY;
  const diff = Math.abs(actual - expected);
  if (kind === "iterative") return diff / Math.max(1, Math.abs(expected));
  if (expected === 0) return diff / zeroScale;
  return diff / Math.abs(expected);
}

/**
 * Asserts that `actual` agrees with the reference value `expected` within the table's tolerance for
 * `kind`; null/undefined expected (R's NA, NULL) requires a null actual.
 *
 * @param zeroScale - scale of the quantity for an exact-0 reference (closed/pvalue), default 1
 */
export function expectClose(
  actual: number | null | undefined,
  expected: number | null | undefined,
  kind: QuantityKind,
  what = "",
  zeroScale = 1,
): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, `${what}: reference is NA`).toBeNull();
    return;
  }
  expect(actual, `${what}: missing value`).not.toBeNull();
  expect(actual, `${what}: missing value`).not.toBeUndefined();
  const err = relativeError(actual as number, expected, kind, zeroScale);
  const worst = worstErrors[kind];
  worst.count++;
  if (err > worst.error) {
    worst.error = err;
    worst.what = what;
  }
  if (!(err <= tolerance[kind])) {
    expect.fail(
      `${what}: ${actual} vs reference ${expected} (${kind}: relative error ${err.toExponential(3)} > ${tolerance[kind]})`,
    );
  }
}

/** A one-line summary of the worst errors seen, for the test log and the report. */
export function reportWorstErrors(label: string): string {
  const parts = (Object.keys(worstErrors) as QuantityKind[]).map((kind) => {
    const w = worstErrors[kind];
    return `${kind}: ${w.count} values, worst ${w.error.toExponential(2)}${w.what ? ` (${w.what})` : ""}`;
  });
  return `[${label}] ${parts.join("; ")}`;
}

/**
 * Like {@link expectClose}, but the error is measured relative to max(|expected|, floor): for
 * comparing two Pooled results with each other (property tests), where a value near 0 (a slope of
 * 1e-8, a QM of 1e-14) is rounding noise on the scale `floor` of the quantity (its SE, 1 for a
 * statistic), not a number with 9 significant digits.
 */
export function expectCloseFloor(
  actual: number | null | undefined,
  expected: number | null | undefined,
  kind: QuantityKind,
  what: string,
  floor: number,
): void {
  if (expected === null || expected === undefined || actual === null || actual === undefined) {
    expectClose(actual, expected, kind, what);
    return;
  }
  const scale = Math.max(Math.abs(expected), floor);
  const diff = Math.abs(actual - expected);
  const bothNaN = Number.isNaN(actual) && Number.isNaN(expected);
  const err =
    actual === expected || bothNaN
      ? 0
      : kind === "iterative"
        ? diff / Math.max(1, scale)
        : diff / scale;
  const worst = worstErrors[kind];
  worst.count++;
  if (err > worst.error) {
    worst.error = err;
    worst.what = what;
  }
  if (!(err <= tolerance[kind])) {
    expect.fail(
      `${what}: ${actual} vs ${expected} (${kind}: error ${err.toExponential(3)} relative to max(|expected|, ${floor}))`,
    );
  }
}
