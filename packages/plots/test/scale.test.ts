import { describe, expect, it } from "vitest";
import { fmtHeterogeneity, fmtP } from "../src/format.js";
import {
  escapeXml,
  logTicks,
  niceTicks,
  percentagesToTotal,
  textWidth,
  truncate,
  wrapText,
} from "../src/index.js";

describe("niceTicks", () => {
  it("covers the data with round, equally spaced ticks", () => {
    for (const [lo, hi] of [
      [-4.61, 9.66],
      [0.0012, 0.0087],
      [-0.8, -0.1],
      [12, 480],
      [3, 3],
    ]) {
      const t = niceTicks(lo, hi);
      expect(t.domain[0]).toBeLessThanOrEqual(Math.min(lo, hi));
      expect(t.domain[1]).toBeGreaterThanOrEqual(Math.max(lo, hi));
      expect(t.ticks.length).toBeGreaterThanOrEqual(2);
      expect(t.ticks.length).toBeLessThanOrEqual(7);
      const m = t.step / 10 ** Math.floor(Math.log10(t.step));
      expect([1, 2, 2.5, 5]).toContain(Number(m.toFixed(9)));
      // Labels agree with values and share one number of decimals.
      const decimals = new Set(t.ticks.map((x) => (x.label.split(".")[1] ?? "").length));
      expect(decimals.size).toBe(1);
      for (const x of t.ticks)
        expect(Number(x.label.replace("\u2212", "-"))).toBeCloseTo(x.value, 9);
    }
    expect(niceTicks(-4.61, 9.66).ticks.map((t) => t.label)).toEqual([
      "\u22125.0",
      "\u22122.5",
      "0.0",
      "2.5",
      "5.0",
      "7.5",
      "10.0",
    ]);
  });
});

describe("logTicks", () => {
  it("puts ticks at nice ratios including 1", () => {
    const t = logTicks(Math.log(0.23), Math.log(1.54));
    const ratios = t.ticks.map((x) => Number(x.label));
    expect(ratios).toContain(1);
    for (const x of t.ticks) expect(Math.exp(x.value)).toBeCloseTo(Number(x.label), 9);
    expect(Math.exp(t.domain[0])).toBeLessThanOrEqual(0.23);
    expect(Math.exp(t.domain[1])).toBeGreaterThanOrEqual(1.54);
    const wide = logTicks(Math.log(0.001), Math.log(500));
    expect(wide.ticks.length).toBeLessThanOrEqual(8);
    const narrow = logTicks(Math.log(0.95), Math.log(1.08));
    expect(narrow.ticks.length).toBeGreaterThanOrEqual(2);
  });
});

describe("percentagesToTotal", () => {
  it("rounds weights so that they add to exactly 100", () => {
    let seed = 3;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (const k of [1, 3, 7, 29, 500]) {
      const w = Array.from({ length: k }, () => rand() * 10);
      const p = percentagesToTotal(w, 1);
      expect(Math.round(p.reduce((a, b) => a + b, 0) * 10)).toBe(1000);
      const total = w.reduce((a, b) => a + b, 0);
      for (const [i, x] of p.entries())
        expect(Math.abs(x - (100 * w[i]) / total)).toBeLessThan(0.1 + 1e-9);
    }
  });
});

describe("text helpers", () => {
  it("escapes XML entities", () => {
    expect(escapeXml(`a<b>&"c"'d'`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  });
  it("estimates widths and truncates with an ellipsis", () => {
    expect(textWidth("WWW", 12)).toBeGreaterThan(textWidth("iii", 12) * 3);
    const t = truncate("A very long publication label indeed", 80, 12);
    expect(t.truncated).toBe(true);
    expect(t.text.endsWith("…")).toBe(true);
    expect(textWidth(t.text, 12)).toBeLessThanOrEqual(80);
    expect(truncate("Short", 80, 12)).toEqual({ text: "Short", truncated: false });
    for (const line of wrapText(
      "Records identified from databases and registers (n = 486)",
      150,
      12,
    )) {
      expect(textWidth(line, 12)).toBeLessThanOrEqual(150);
    }
  });
  it("formats p-values and heterogeneity", () => {
    expect(fmtP(0.0004)).toBe("p < 0.001");
    expect(fmtP(0.0312)).toBe("p = 0.031");
    expect(fmtHeterogeneity({ tau2: 1.234, I2: 45.67, Q: 30.1, df: 29, p: 0.41 })).toBe(
      "τ² = 1.23; I² = 45.7%; Q = 30.10 (df = 29), p = 0.410",
    );
    expect(fmtHeterogeneity({ tau2: null, Q: 3, df: 2, p: 0.22 })).toBe(
      "Q = 3.00 (df = 2), p = 0.220",
    );
  });
});
