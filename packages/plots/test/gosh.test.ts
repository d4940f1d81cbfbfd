import { describe, expect, test } from "vitest";
import { goshPlot } from "../src/index.js";

/** A deterministic cloud of subsets: two clusters, as one outlying study makes. */
function cloud(n: number): { estimate: number[]; I2: number[] } {
  const estimate: number[] = [];
  const I2: number[] = [];
  for (let i = 0; i < n; i++) {
    const withOutlier = i % 3 === 0;
    const u = ((i * 7919) % 1000) / 1000;
    const v = ((i * 104729) % 997) / 997;
    estimate.push((withOutlier ? 1.2 : 0.4) + 0.3 * (u - 0.5));
    I2.push((withOutlier ? 70 : 15) + 20 * (v - 0.5));
  }
  return { estimate, I2 };
}

describe("GOSH plot", () => {
  test("a few subsets are drawn as points, one per subset, inside the frame", () => {
    const svg = goshPlot({ ...cloud(255), k: 8, exhaustive: true });
    expect(svg.match(/class="subset"/g)).toHaveLength(255);
    expect(svg).toContain("every one of the 255 subsets of 8 studies");
    const frame =
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*class="frame"/.exec(
        svg,
      );
    expect(frame).not.toBeNull();
    const [x, y, w, h] = frame!.slice(1).map(Number) as [number, number, number, number];
    const cx = [...svg.matchAll(/cx="([\d.-]+)"/g)].map((m) => Number(m[1]));
    const cy = [...svg.matchAll(/cy="([\d.-]+)"/g)].map((m) => Number(m[1]));
    expect(cx).toHaveLength(255);
    for (const c of cx) expect(c > x && c < x + w).toBe(true);
    for (const c of cy) expect(c > y && c < y + h).toBe(true);
  });

  test("many subsets become a density of cells shaded by log count", () => {
    const svg = goshPlot({ ...cloud(50_000), k: 20, exhaustive: false }, { cells: 40 });
    expect(svg).not.toContain('class="subset"');
    const cells = [...svg.matchAll(/fill-opacity="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(cells.length).toBeGreaterThan(20);
    expect(Math.max(...cells)).toBe(1);
    expect(Math.min(...cells)).toBeGreaterThanOrEqual(0.12);
    expect(svg).toContain("50,000 random subsets of 20 studies");
    expect(svg).toContain("drawn as a density");
  });

  test("unequal lengths are refused", () => {
    expect(() => goshPlot({ estimate: [1, 2], I2: [3], k: 2, exhaustive: true })).toThrow(
      /unequal lengths/,
    );
  });
});
