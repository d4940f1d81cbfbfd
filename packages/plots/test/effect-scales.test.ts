/**
 * Effects drawn on another scale than the one they are given on: correlations given as Fisher's z
 * (scale "fisher-z": ticks at nice r, numbers printed as r = tanh z) and odds ratios given as
 * natural logs over many decades (scale "log").
 */
import { describe, expect, it } from "vitest";
import * as ex from "../scripts/example-data.js";
import {
  bubblePlot,
  correlationTicks,
  forestPlot,
  funnelPlot,
  leaveOneOutPlot,
  logTicks,
  makeScale,
  textWidth,
  toReportingScale,
} from "../src/index.js";
import type { ForestInput } from "../src/types.js";
import {
  axisFromTicks,
  findAll,
  hasClass,
  parseNumber,
  parseXml,
  polygonPoints,
  textOf,
  type XmlNode,
} from "./xml.js";

const F = 12;
const z = Math.atanh;
const ln = Math.log;
const labelsOf = (t: { ticks: { label: string }[] }) => t.ticks.map((x) => x.label);
const tickLabels = (svg: XmlNode, axisClass?: string) =>
  findAll(axisClass ? findAll(svg, hasClass(axisClass))[0] : svg, hasClass("axis-tick")).map((g) =>
    textOf(g),
  );
const rowsOf = (svg: XmlNode, cls: string) => findAll(svg, hasClass(cls));
const cells = (row: XmlNode) => findAll(row, hasClass("cell")).map(textOf);
/** Two decimals as the plots print them: typographic minus, never "−0.00". */
const two = (v: number) => {
  const s = v.toFixed(2);
  return s === "-0.00" ? "0.00" : s.replace("-", "\u2212");
};
/** "0.45 [0.12, 0.69]" from three numbers as printed by the plots. */
const printed = (est: number, lo: number, hi: number) => `${two(est)} [${two(lo)}, ${two(hi)}]`;

/**
 * Horizontal extents of the tick labels of an axis (text centred on the tick), by the same width
 * estimate the layout uses: neighbours must not touch.
 */
function expectTickLabelsApart(svg: XmlNode, axisClass?: string) {
  const root = axisClass ? findAll(svg, hasClass(axisClass))[0] : svg;
  const boxes = findAll(root, hasClass("axis-tick")).map((g) => {
    const t = g.children.find((c) => c.name === "text") as XmlNode;
    const w = textWidth(textOf(t), F);
    return [Number(t.attrs.x) - w / 2, Number(t.attrs.x) + w / 2];
  });
  expect(boxes.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < boxes.length; i++) expect(boxes[i][0]).toBeGreaterThan(boxes[i - 1][1] + 2);
}

describe("toReportingScale", () => {
  it("back-transforms log ratios with exp and Fisher's z with tanh", () => {
    expect(toReportingScale(ln(2.5), "log")).toBeCloseTo(2.5, 14);
    expect(toReportingScale(z(0.6), "fisher-z")).toBeCloseTo(0.6, 14);
    expect(toReportingScale(-1.3, "linear")).toBe(-1.3);
    expect(toReportingScale(-1.3)).toBe(-1.3);
  });
});

describe("correlation ticks (fisher-z scale)", () => {
  it("puts ticks at nice correlations r at z = atanh(r), labelled with r", () => {
    const t = correlationTicks(z(-0.3), z(0.8));
    expect(labelsOf(t)).toEqual(["\u22120.4", "\u22120.2", "0", "0.2", "0.4", "0.6", "0.8"]);
    for (const x of t.ticks) expect(x.value).toBeCloseTo(z(parseNumber(x.label)), 14);
    expect(t.domain[0]).toBeCloseTo(z(-0.4), 14);
    expect(t.domain[1]).toBeCloseTo(z(0.8), 14);
    // Unequal steps on the z axis: 0.6 → 0.8 is twice as long as 0 → 0.2.
    const gap = (a: number, b: number) => t.ticks[b].value - t.ticks[a].value;
    expect(gap(5, 6) / gap(2, 3)).toBeCloseTo((z(0.8) - z(0.6)) / z(0.2), 12);
  });

  it("prefers about six ticks among sets with the same domain", () => {
    expect(labelsOf(correlationTicks(0, z(0.5)))).toEqual(["0", "0.1", "0.2", "0.3", "0.4", "0.5"]);
  });

  it("reaches towards ±1 through 0.9, 0.99, 0.999… (one nine per step)", () => {
    expect(labelsOf(correlationTicks(z(-0.99), z(0.99)))).toEqual([
      "\u22120.99",
      "\u22120.9",
      "\u22120.5",
      "0",
      "0.5",
      "0.9",
      "0.99",
    ]);
    expect(labelsOf(correlationTicks(z(-0.999), z(0.9999)))).toEqual([
      "\u22120.999",
      "\u22120.9",
      "0",
      "0.9",
      "0.999",
      "0.99999",
    ]);
  });

  it("gives linear nice ticks on the r scale to a narrow range", () => {
    const t = correlationTicks(z(0.41), z(0.47));
    expect(labelsOf(t)).toEqual(["0.40", "0.42", "0.44", "0.46", "0.48"]);
    for (const x of t.ticks) expect(Math.tanh(x.value)).toBeCloseTo(parseNumber(x.label), 12);
  });

  it("drops tick sets whose labels would collide on a narrow axis", () => {
    const range: [number, number] = [0, 300];
    const labelWidth = (s: string) => textWidth(s, F);
    const s = makeScale([z(-0.6), z(0.95)], range, { scale: "fisher-z", labelWidth });
    // Nine ticks (−0.75 … 0.95 by quarters) crowd 300 px; six sparser ones fit.
    expect(labelsOf(s)).toEqual(["\u22120.8", "\u22120.5", "0", "0.5", "0.8", "0.95"]);
    const wide = makeScale([z(-0.6), z(0.95)], [0, 500], { scale: "fisher-z", labelWidth });
    expect(labelsOf(wide)).toHaveLength(9);
    for (const sc of [s, wide]) {
      for (let i = 1; i < sc.ticks.length; i++) {
        const gap = sc.map(sc.ticks[i].value) - sc.map(sc.ticks[i - 1].value);
        expect(gap).toBeGreaterThanOrEqual(
          (labelWidth(sc.ticks[i].label) + labelWidth(sc.ticks[i - 1].label)) / 2 + 6,
        );
      }
    }
  });
});

describe("ratio ticks over many decades (log scale)", () => {
  it("one tick per decade for odds ratios 0.01 to 100 (and 0.02 to 50)", () => {
    expect(labelsOf(logTicks(ln(0.01), ln(100)))).toEqual(["0.01", "0.1", "1", "10", "100"]);
    expect(labelsOf(logTicks(ln(0.02), ln(50)))).toEqual(["0.01", "0.1", "1", "10", "100"]);
  });

  it("every other decade, evenly spaced, for 10⁻⁴ to 10⁴", () => {
    const t = logTicks(ln(1e-4), ln(1e4));
    expect(labelsOf(t)).toEqual(["0.0001", "0.01", "1", "100", "10000"]);
    for (let i = 1; i < t.ticks.length; i++)
      expect(t.ticks[i].value - t.ticks[i - 1].value).toBeCloseTo(2 * Math.LN10, 9);
  });

  it("widens an odd decade to the next kept one, and writes powers of ten past 0.0001", () => {
    // 10⁻⁵ … 10⁴ is ten decades: every other one from 10⁻⁶, not 10⁻⁵, 10⁻⁴, 10⁻², … unevenly.
    const t = logTicks(ln(1e-5), ln(1e4));
    expect(labelsOf(t)).toEqual(["10⁻⁶", "10⁻⁴", "10⁻²", "1", "10²", "10⁴"]);
    expect(t.domain[0]).toBeCloseTo(ln(1e-6), 9);
    expect(t.domain[1]).toBeCloseTo(ln(1e4), 9);
  });
});

describe("forestPlot on the correlation scale (fisher-z)", () => {
  const input = ex.correlationForestExample();
  const svg = parseXml(forestPlot(input));
  const x = axisFromTicks(svg, { fisherZ: true });

  it("labels the axis with correlations and places marks at Fisher's z", () => {
    expect(tickLabels(svg)).toEqual(["\u22120.8", "\u22120.5", "0", "0.5", "0.8", "0.95"]);
    const ticks = findAll(svg, hasClass("axis-tick"));
    for (const g of ticks)
      expect(Number(g.attrs["data-value"])).toBeCloseTo(z(parseNumber(textOf(g))), 2);
    const rows = rowsOf(svg, "study-row");
    input.studies!.forEach((s, i) => {
      const m = findAll(rows[i], hasClass("marker"))[0];
      expect(Number(m.attrs.x) + Number(m.attrs.width) / 2).toBeCloseTo(x(s.yi), 1);
      const ci = findAll(rows[i], hasClass("ci"))[0];
      expect(Number(ci.attrs.x1)).toBeCloseTo(x(s.ciLower), 1);
      expect(Number(ci.attrs.x2)).toBeCloseTo(x(s.ciUpper), 1);
    });
    const p = input.pooled![0];
    const d = polygonPoints(findAll(svg, hasClass("diamond"))[0]);
    expect(d[1][0]).toBeCloseTo(x(p.estimate), 1);
    expect(d[0][0]).toBeCloseTo(x(p.ciLower), 1);
    expectTickLabelsApart(svg);
  });

  it("draws the null line at z = 0 (r = 0)", () => {
    const refs = findAll(svg, hasClass("reference-line"));
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(Number(r.attrs.x1)).toBeCloseTo(x(0), 1);
  });

  it("prints estimates and intervals as r = tanh(z)", () => {
    const rows = rowsOf(svg, "study-row");
    input.studies!.forEach((s, i) => {
      expect(cells(rows[i])).toContain(
        printed(Math.tanh(s.yi), Math.tanh(s.ciLower), Math.tanh(s.ciUpper)),
      );
    });
    // Ahmed 2009: r = −0.30 (n = 24) back from z = atanh(−0.3); CI atanh(−0.3) ± 1.96/√21.
    expect(cells(rows[0])[1]).toBe("\u22120.30 [\u22120.63, 0.12]");
    const p = input.pooled![0];
    const pooledText = printed(Math.tanh(p.estimate), Math.tanh(p.ciLower), Math.tanh(p.ciUpper));
    expect(cells(rowsOf(svg, "overall-pooled")[0])[0]).toBe(pooledText);
    const pi = cells(rowsOf(svg, "prediction-row")[0])[0];
    expect(pi).toBe(`[${two(Math.tanh(p.piLower!))}, ${two(Math.tanh(p.piUpper!))}]`);
    expect(findAll(svg, hasClass("header"))[0].children.map(textOf)).toContain("r [95% CI]");
    const desc = svg.children[1].text;
    expect(desc).toContain("on the correlation scale (Fisher's z axis)");
    expect(desc).toContain(`${p.label}: ${pooledText}.`);
  });

  it("never prints a correlation as 1.00: it gets the decimals it needs", () => {
    const doc = parseXml(
      forestPlot({
        scale: "fisher-z",
        studies: [{ label: "Tiny", yi: z(0.9), ciLower: z(0.42), ciUpper: z(0.9962) }],
      }),
    );
    expect(cells(rowsOf(doc, "study-row")[0])[0]).toBe("0.90 [0.42, 0.996]");
  });
});

describe("funnelPlot on the correlation scale (fisher-z)", () => {
  const input = ex.correlationFunnelExample();
  const text = funnelPlot(input, { contours: [90, 95, 99] });
  const svg = parseXml(text);

  it("puts studies at Fisher's z with r tick labels, the funnel straight on the z axis", () => {
    const x = axisFromTicks(svg, { axisClass: "x-axis", fisherZ: true });
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    expect(tickLabels(svg, "x-axis")).toEqual([
      "\u22120.5",
      "\u22120.25",
      "0",
      "0.25",
      "0.5",
      "0.75",
      "0.9",
    ]);
    const pts = findAll(svg, (n) => n.name === "circle" && hasClass("study")(n));
    input.studies.forEach((s, i) => {
      expect(Number(pts[i].attrs.cx)).toBeCloseTo(x(s.yi), 1);
      expect(Number(pts[i].attrs.cy)).toBeCloseTo(y(s.se), 1);
    });
    // 95% contour: apex at z = 0, edges at ±1.96·SE on the z scale.
    const p = polygonPoints(findAll(svg, hasClass("contour-95"))[0]);
    expect(p[0][0]).toBeCloseTo(x(0), 1);
    const se = (p[2][1] - y(0)) / (y(1) - y(0));
    expect(p[2][0]).toBeCloseTo(x(1.959964 * se), 0);
    expect(Number(findAll(svg, hasClass("estimate-line"))[0].attrs.x1)).toBeCloseTo(
      x(input.estimate),
      1,
    );
    expectTickLabelsApart(svg, "x-axis");
  });

  it("describes the estimate as r and the axis as the correlation scale", () => {
    const desc = svg.children[1].text;
    expect(desc).toContain("effect on the correlation scale (Fisher's z axis) against");
    expect(desc).toContain(`pooled estimate ${two(Math.tanh(input.estimate))}`);
    const tip = findAll(svg, (n) => n.name === "circle" && hasClass("study")(n))[0].children[0];
    const first = input.studies[0];
    expect(tip.text).toBe(
      `${first.label}: ${two(Math.tanh(first.yi))} (SE ${first.se.toFixed(3)})`,
    );
  });
});

describe("leave-one-out and bubble plots on the correlation scale", () => {
  it("leave-one-out: r in the text, marks at z, the description names the scale", () => {
    const input = ex.correlationLeaveOneOutExample();
    const svg = parseXml(leaveOneOutPlot(input));
    const x = axisFromTicks(svg, { fisherZ: true });
    const rows = rowsOf(svg, "study-row");
    input.rows.forEach((r, i) => {
      const m = findAll(rows[i], hasClass("marker"))[0];
      expect(Number(m.attrs.x) + Number(m.attrs.width) / 2).toBeCloseTo(x(r.estimate), 1);
      expect(cells(rows[i])[0]).toBe(
        printed(Math.tanh(r.estimate), Math.tanh(r.ciLower), Math.tanh(r.ciUpper)),
      );
    });
    expect(svg.children[1].text).toContain(
      "Estimates are shown on the correlation scale (Fisher's z axis).",
    );
  });

  it("bubble: the effect axis labelled with r at atanh(r)", () => {
    const svg = parseXml(
      bubblePlot({
        scale: "fisher-z",
        xLabel: "Age (years)",
        studies: [
          { label: "A", x: 20, yi: z(0.1), weight: 1 },
          { label: "B", x: 40, yi: z(0.45), weight: 2 },
          { label: "C", x: 60, yi: z(0.7), weight: 1 },
        ],
      }),
    );
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true, fisherZ: true });
    const labels = tickLabels(svg, "y-axis");
    expect(labels).toContain("0");
    expect(labels.map(parseNumber).every((r) => r > -1 && r < 1)).toBe(true);
    const b = findAll(svg, hasClass("bubble")).map((c) => Number(c.attrs.cy));
    expect(b).toContainEqual(expect.closeTo(y(z(0.45)), 1));
  });
});

describe("wide odds-ratio ranges (log scale)", () => {
  // Estimates from 0.01 to 100, intervals from 10⁻⁴ to 10⁴.
  const wide: ForestInput = {
    scale: "log",
    measure: "OR",
    studies: [
      { label: "A", yi: ln(0.01), ciLower: ln(1e-4), ciUpper: ln(1) },
      { label: "B", yi: ln(0.5), ciLower: ln(0.05), ciUpper: ln(5) },
      { label: "C", yi: ln(100), ciLower: ln(1), ciUpper: ln(1e4) },
    ],
  };

  it("forest: ticks every other decade, evenly spaced, labels apart", () => {
    const svg = parseXml(forestPlot(wide));
    expect(tickLabels(svg)).toEqual(["0.0001", "0.01", "1", "100", "10000"]);
    const x = axisFromTicks(svg, { log: true });
    expect(Number(findAll(svg, hasClass("reference-line"))[0].attrs.x1)).toBeCloseTo(x(0), 1);
    expectTickLabelsApart(svg);
    // A ratio never prints as 0.00.
    expect(cells(rowsOf(svg, "study-row")[0])[0]).toBe("0.01 [0.0001, 1.00]");
  });

  it("forest of the odds-ratio example (0.03 to 49): one tick per decade", () => {
    const input = ex.oddsRatioForestExample();
    const svg = parseXml(forestPlot(input));
    expect(tickLabels(svg)).toEqual(["0.001", "0.01", "0.1", "1", "10", "100", "1000"]);
    expectTickLabelsApart(svg);
    const x = axisFromTicks(svg, { log: true });
    const rows = rowsOf(svg, "study-row");
    input.studies!.forEach((s, i) => {
      const m = findAll(rows[i], hasClass("marker"))[0];
      expect(Number(m.attrs.x) + Number(m.attrs.width) / 2).toBeCloseTo(x(s.yi), 1);
    });
    // Abbott 2004, 1/50 vs 22/50: OR = (1·28)/(49·22) = 0.026, lower limit 0.0033.
    expect(cells(rows[0]).at(-2)).toBe("0.03 [0.003, 0.20]");
  });

  it("funnel: decade ticks over 0.0001 … 10000, labels apart, studies at their logs", () => {
    const studies = wide.studies!.map((s) => ({
      label: s.label,
      yi: s.yi,
      se: (s.ciUpper - s.yi) / 1.959964,
    }));
    const svg = parseXml(funnelPlot({ scale: "log", studies, estimate: 0 }));
    const labels = tickLabels(svg, "x-axis");
    expect(labels).toContain("1");
    for (const l of labels) expect(Math.log10(parseNumber(l)) % 1).toBeCloseTo(0, 9);
    expectTickLabelsApart(svg, "x-axis");
    const x = axisFromTicks(svg, { axisClass: "x-axis", log: true });
    const pts = findAll(svg, (n) => n.name === "circle" && hasClass("study")(n));
    for (const [i, s] of studies.entries()) expect(Number(pts[i].attrs.cx)).toBeCloseTo(x(s.yi), 1);
  });
});
