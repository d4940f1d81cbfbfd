/** The normal quantile behind the funnel's regions and the influence plot's ±1.96 lines (stats' qnorm). */
import { describe, expect, it } from "vitest";
import { normalQuantile } from "../src/index.js";

describe("normalQuantile", () => {
  it("matches R's qnorm (within 1.15e-9, the bound of the approximation it replaced)", () => {
    // R: options(digits = 17); qnorm(c(1e-10, 1e-6, 0.01, 0.02425, 0.3, 0.9, 0.975, 0.995))
    // (both tails, the seam at 0.02425 between the tail and central approximations, the centre)
    const cases: [number, number][] = [
      [1e-10, -6.3613409024040557],
      [1e-6, -4.7534243088228987],
      [0.01, -2.3263478740408408],
      [0.02425, -1.9729610513118845],
      [0.3, -0.52440051270804067],
      [0.9, 1.2815515655446008],
      [0.975, 1.9599639845400536],
      [0.995, 2.5758293035488999],
    ];
    for (const [p, want] of cases)
      expect(Math.abs(normalQuantile(p) - want) / Math.abs(want)).toBeLessThan(1.15e-9);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it("is odd about p = 0.5 and refuses p outside (0, 1)", () => {
    // Powers of two, so that 1 − p is exact and the upper tail sees exactly the lower tail's p.
    for (const p of [2 ** -30, 2 ** -10, 2 ** -3, 0.25])
      expect(normalQuantile(1 - p)).toBe(-normalQuantile(p));
    for (const p of [0, 1, -0.1, 1.1]) expect(() => normalQuantile(p)).toThrow(/\(0, 1\)/);
  });
});
