/**
 * Worst relative error per quantity (and reference version), measured as test/support/tolerance.ts
 * does, for test logs that say which statistic came closest to its tolerance, not only which kind.
 */
import { expectClose, type QuantityKind, relativeError } from "./tolerance.js";

export class WorstByQuantity {
  private readonly worst = new Map<
    string,
    { error: number; what: string; count: number; plain: number }
  >();

  /**
   * Asserts with {@link expectClose} and records the error under `quantity` (e.g.
   * "metafor 5.1.12 se.tau2"); a null reference (NA) is asserted but not recorded.
   */
  check(
    quantity: string,
    actual: number | null | undefined,
    expected: number | null | undefined,
    kind: QuantityKind,
    what: string,
    zeroScale = 1,
  ): void {
    expectClose(actual, expected, kind, what, zeroScale);
    if (expected === null || expected === undefined) return;
    const error = relativeError(actual as number, expected, kind, zeroScale);
    const entry = this.worst.get(quantity) ?? { error: 0, what: "", count: 0, plain: 0 };
    entry.count++;
    if (error >= entry.error) Object.assign(entry, { error, what });
    // plain |a - e|/|e| as well: "iterative" measures against max(1, |e|)
    if (expected !== 0) {
      entry.plain = Math.max(
        entry.plain,
        Math.abs((actual as number) - expected) / Math.abs(expected),
      );
    }
    this.worst.set(quantity, entry);
  }

  /** One line per quantity, sorted by name (with the plain relative error of nonzero references). */
  report(label: string): string {
    const lines = [...this.worst.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(
        ([q, w]) =>
          `  ${q}: ${w.count} values, worst ${w.error.toExponential(2)} (${w.what}); plain |a - e|/|e| ${w.plain.toExponential(2)}`,
      );
    return `[${label}] worst relative error by quantity\n${lines.join("\n")}`;
  }
}
