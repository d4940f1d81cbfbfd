/** The frame shared by the x-y plots (funnel, Galbraith, bubble, Baujat, GOSH). */
import { describe, expect, it } from "vitest";
import { type Frame, xScale, yScale } from "../src/chart.js";
import { SCATTER_MARGIN, scatterFrame, scatterSize, xAxisSpace } from "../src/scatter-frame.js";
import { textWidth } from "../src/text.js";

const values = [-0.37, 0.12, 1.9, 2.45];

describe("scatterFrame", () => {
  it("uses one y scale before and after fitting: a y scale ignores the frame's left and width", () => {
    // scatterFrame measures the y tick labels on a probe frame and draws with that same scale,
    // which holds only because a vertical axis depends on the frame's top and height alone.
    const probe: Frame = { left: 0, top: 40, width: 1, height: 300 };
    const fitted: Frame = { left: 73.5, top: 40, width: 411.2, height: 300 };
    const a = yScale(values, probe, 12, { include: [0], inset: 6 });
    const b = yScale(values, fitted, 12, { include: [0], inset: 6 });
    expect(b.domain).toEqual(a.domain);
    expect(b.range).toEqual(a.range);
    expect(b.ticks).toEqual(a.ticks);
  });

  it("puts the frame under the title, above the room asked for, its x tick labels inside the SVG", () => {
    const size = scatterSize({ width: 320, height: 260, fontSize: 13 }, "test");
    for (const title of [undefined, "A title"]) {
      const bottomSpace = xAxisSpace(size.f) + SCATTER_MARGIN;
      const seen: Frame[] = [];
      const sc = scatterFrame(size, {
        title,
        bottomSpace,
        y: (fr) => {
          seen.push(fr);
          return yScale(values, fr, size.f, { include: [0] });
        },
        // Labels as wide as "−1234.5" at both ends push the frame in from the sides.
        x: (fr) => xScale([-1234.5, 1234.5], fr, size.f),
      });
      const { frame, xs, ys } = sc;
      expect(frame.top).toBe(SCATTER_MARGIN + (title ? size.f * 1.25 + 12 : 0));
      expect(frame.top + frame.height).toBeCloseTo(size.height - bottomSpace, 9);
      expect(seen).toHaveLength(1);
      expect(ys.range).toEqual(yScale(values, frame, size.f, { include: [0] }).range);
      for (const t of xs.ticks) {
        const half = textWidth(t.label, size.f) / 2;
        expect(xs.map(t.value) - half).toBeGreaterThanOrEqual(6 - 0.02);
        expect(xs.map(t.value) + half).toBeLessThanOrEqual(size.width - 6 + 0.02);
      }
      expect(sc.clipId).toBe("test-clip");
    }
  });
});
