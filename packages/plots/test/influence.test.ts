/**
 * The influence plot (metafor's plot(influence(res))) and the chi-square quantile behind its
 * Cook's distance line. Reference values from R 4 (`qchisq`, `qnorm`).
 */
import { describe, expect, it } from "vitest";
import {
  bbbStudies,
  fitStudies,
  influenceExample,
  influenceInput,
} from "../scripts/example-data.js";
import { chiSquareQuantile } from "../src/distributions.js";
import { influencePlot, PALETTE } from "../src/index.js";
import type { InfluenceInput } from "../src/types.js";
import { frames, inside, outsideViewBox, shapeBox } from "./bounds.js";
import { axisFromTicks, findAll, hasClass, parseXml, textOf, type XmlNode } from "./xml.js";

describe("chiSquareQuantile", () => {
  it("matches R's qchisq", () => {
    // R: options(digits = 16); qchisq(c(.5, .5, .5, .5, .95, .975, .5), c(1, 2, 3, 10, 1, 4, .5))
    // (printed to 17 digits; written here as the nearest doubles)
    const cases: [number, number, number][] = [
      [0.5, 1, 0.45493642311957283],
      [0.5, 2, 1.3862943611198906],
      [0.5, 3, 2.3659738843753377],
      [0.5, 10, 9.34181776559197],
      [0.95, 1, 3.841458820694124],
      [0.975, 4, 11.143286781877798],
      [0.5, 0.5, 0.08734760470574687],
    ];
    for (const [p, df, want] of cases)
      expect(Math.abs(chiSquareQuantile(p, df) - want) / want).toBeLessThan(1e-10);
  });
});

const PANELS = [
  "rstudent",
  "dffits",
  "cooksD",
  "covRatio",
  "tau2Deleted",
  "QEDeleted",
  "hat",
  "weight",
] as const;

function panelOf(svg: XmlNode, key: string): XmlNode {
  const p = findAll(svg, (n) => n.attrs["data-panel"] === key)[0];
  if (!p) throw new Error(`no panel ${key}`);
  return p;
}

const referenceLines = (panel: XmlNode) =>
  findAll(panel, hasClass("reference-line")).map((l) => ({
    value: Number(l.attrs["data-value"]),
    y: Number(l.attrs.y1),
    style: hasClass("reference-dotted")(l) ? "dotted" : "dashed",
  }));

describe("influencePlot", () => {
  const input = influenceExample();
  const k = input.studies.length;
  const svg = parseXml(influencePlot(input));

  it("has the example's two influential studies (metafor's rule, from the engine)", () => {
    expect(input.studies.filter((_, i) => input.influential[i])).toEqual([
      "Outlier A (ILLUSTRATIVE)",
      "Outlier B (ILLUSTRATIVE)",
    ]);
  });

  it("draws eight panels in metafor's order, two per row", () => {
    const panels = findAll(svg, hasClass("panel"));
    expect(panels.map((p) => p.attrs["data-panel"])).toEqual([...PANELS]);
    const titles = panels.map((p) => textOf(findAll(p, hasClass("panel-title"))[0]));
    expect(titles[0]).toContain("rstudent");
    expect(titles[2]).toContain("cook.d");
    expect(titles[3]).toContain("cov.r");
    const fr = frames(svg);
    expect(fr).toHaveLength(8);
    for (let row = 0; row < 4; row++) {
      expect(fr[2 * row].y).toBeCloseTo(fr[2 * row + 1].y, 6);
      expect(fr[2 * row + 1].x).toBeGreaterThan(fr[2 * row].x + fr[2 * row].width);
      if (row > 0)
        expect(fr[2 * row].y).toBeGreaterThan(fr[2 * row - 2].y + fr[2 * row - 2].height);
    }
  });

  it("puts each study at (its number, its value) on the panel's axes", () => {
    for (const key of PANELS) {
      const panel = panelOf(svg, key);
      const log = key === "covRatio";
      const x = axisFromTicks(panel, { axisClass: "x-axis" });
      const y = axisFromTicks(panel, { axisClass: "y-axis", vertical: true, log });
      const pts = findAll(panel, (n) => n.name === "circle" && hasClass("study")(n));
      expect(pts).toHaveLength(k);
      pts.forEach((c, i) => {
        expect(Number(c.attrs.cx)).toBeCloseTo(x(i + 1), 1);
        const v = input[key][i] as number;
        expect(Number(c.attrs.cy)).toBeCloseTo(y(log ? Math.log(v) : v), 1);
      });
    }
  });

  it("fills influential studies red (and draws them larger), the others black", () => {
    for (const key of PANELS) {
      const pts = findAll(panelOf(svg, key), (n) => n.name === "circle" && hasClass("study")(n));
      pts.forEach((c, i) => {
        const infl = input.influential[i];
        expect(c.attrs.fill).toBe(infl ? PALETTE.vermillion : PALETTE.text);
        expect(hasClass("influential")(c)).toBe(infl);
        expect(Number(c.attrs.r)).toBe(infl ? 4.5 : 3.5);
      });
    }
  });

  it("draws metafor's reference lines where metafor draws them", () => {
    const p = input.p ?? 1;
    const z = 1.959963984540054; // qnorm(0.975)
    const want: Record<(typeof PANELS)[number], [number, string][]> = {
      rstudent: [
        [0, "dashed"],
        [-z, "dotted"],
        [z, "dotted"],
      ],
      dffits: [
        [0, "dashed"],
        [-3 * Math.sqrt(p / (k - p)), "dotted"],
        [3 * Math.sqrt(p / (k - p)), "dotted"],
      ],
      cooksD: [[0.45493642311957283, "dotted"]], // qchisq(0.5, 1)
      covRatio: [[1, "dashed"]],
      tau2Deleted: [[input.tau2 as number, "dashed"]],
      QEDeleted: [[input.QE as number, "dashed"]],
      hat: [
        [p / k, "dashed"],
        [(3 * p) / k, "dotted"],
      ],
      weight: [[100 / k, "dashed"]],
    };
    for (const key of PANELS) {
      const panel = panelOf(svg, key);
      const refs = referenceLines(panel);
      expect(refs.map((r) => r.style)).toEqual(want[key].map((w) => w[1]));
      const y = axisFromTicks(panel, {
        axisClass: "y-axis",
        vertical: true,
        log: key === "covRatio",
      });
      refs.forEach((r, i) => {
        const v = want[key][i][0];
        expect(r.value).toBeCloseTo(v, 7); // Acklam's normal quantile: relative error < 1.2e-9
        expect(r.y).toBeCloseTo(y(key === "covRatio" ? Math.log(v) : v), 1);
      });
    }
    // rstudent's axis reaches ±2 at least (metafor's ylim).
    const ticks = findAll(panelOf(svg, "rstudent"), hasClass("axis-tick")).map((t) =>
      Number(t.attrs["data-value"]),
    );
    expect(Math.min(...ticks)).toBeLessThanOrEqual(-2);
  });

  it("uses χ² with p df for Cook's distance and leaves out lines whose value is not given", () => {
    const two = parseXml(influencePlot({ ...input, p: 2, tau2: null, QE: undefined }));
    expect(referenceLines(panelOf(two, "cooksD"))[0].value).toBeCloseTo(1.3862943611198906, 9);
    expect(referenceLines(panelOf(two, "hat")).map((r) => r.value)).toEqual([2 / k, 6 / k]);
    expect(referenceLines(panelOf(two, "tau2Deleted"))).toEqual([]);
    expect(referenceLines(panelOf(two, "QEDeleted"))).toEqual([]);
  });

  it("keeps every point inside its panel's frame and everything inside the figure", () => {
    const fr = frames(svg);
    PANELS.forEach((key, i) => {
      for (const c of findAll(panelOf(svg, key), (n) => n.name === "circle"))
        expect(inside(shapeBox(c)!, fr[i])).toBe(true);
    });
    expect(outsideViewBox(svg)).toEqual([]);
  });

  it("names the influential studies and numbers every study in a key", () => {
    const infl = findAll(svg, hasClass("key-influential")).map(textOf);
    expect(infl).toEqual(["5 Outlier A (ILLUSTRATIVE)", "11 Outlier B (ILLUSTRATIVE)"]);
    const keyed = findAll(svg, hasClass("key-study")).map(textOf);
    expect(keyed).toEqual(input.studies.map((s, i) => `${i + 1} ${s}`));
    expect(svg.children[1].text).toContain(
      "2 studies influential by metafor's criteria (drawn red): Outlier A (ILLUSTRATIVE), Outlier B (ILLUSTRATIVE).",
    );
  });

  it("says when no study is influential (the example data)", () => {
    const none = influenceInput(fitStudies(bbbStudies()));
    expect(none.influential.some(Boolean)).toBe(false);
    const doc = parseXml(influencePlot(none));
    expect(findAll(doc, hasClass("influential"))).toEqual([]);
    expect(textOf(findAll(doc, hasClass("key-heading"))[0])).toBe(
      "No study is influential by metafor's criteria.",
    );
    expect(outsideViewBox(doc)).toEqual([]);
  });

  it("skips missing values (metafor's NA) and joins the rest with a light line across the gap", () => {
    const gap: InfluenceInput = {
      ...input,
      rstudent: input.rstudent.map((v, i) => (i === 2 ? null : v)),
      covRatio: input.covRatio.map(() => null),
    };
    const doc = parseXml(influencePlot(gap));
    const panel = panelOf(doc, "rstudent");
    const pts = findAll(panel, (n) => n.name === "circle");
    expect(pts).toHaveLength(k - 1);
    expect(pts.map((c) => c.attrs["data-study"])).not.toContain("3");
    expect(findAll(panel, hasClass("line-across-missing"))).toHaveLength(1);
    expect(findAll(panel, hasClass("line"))).toHaveLength(2); // studies 1-2 and 4-15
    const empty = panelOf(doc, "covRatio");
    expect(findAll(empty, (n) => n.name === "circle")).toEqual([]);
    expect(textOf(findAll(empty, hasClass("not-available"))[0])).toBe("not available");
  });

  it("thins the study numbers when many studies do not fit, and keys only the influential ones", () => {
    const n = 300;
    const many: InfluenceInput = {
      studies: Array.from({ length: n }, (_, i) => `Study ${i + 1}`),
      rstudent: Array.from({ length: n }, (_, i) => Math.sin(i)),
      dffits: Array.from({ length: n }, (_, i) => Math.sin(i) / 5),
      cooksD: Array.from({ length: n }, (_, i) => Math.abs(Math.sin(i)) / 50),
      covRatio: Array.from({ length: n }, (_, i) => 1 + Math.cos(i) / 100),
      tau2Deleted: Array.from({ length: n }, () => 0.5),
      QEDeleted: Array.from({ length: n }, (_, i) => 300 - Math.abs(Math.sin(i))),
      hat: Array.from({ length: n }, () => 1 / n),
      weight: Array.from({ length: n }, () => 100 / n),
      influential: Array.from({ length: n }, (_, i) => i === 150),
      tau2: 0.5,
      QE: 300,
    };
    const doc = parseXml(influencePlot(many));
    const labels = findAll(panelOf(doc, "rstudent"), hasClass("axis-tick")).filter(
      (t) => t.parent?.attrs.class === "axis x-axis",
    );
    expect(labels.length).toBeLessThan(20);
    expect(labels.length).toBeGreaterThan(3);
    expect(findAll(doc, hasClass("key-study"))).toEqual([]);
    expect(findAll(doc, hasClass("key-influential")).map(textOf)).toEqual(["151 Study 151"]);
    expect(outsideViewBox(doc)).toEqual([]);
  });

  it("rejects diagnostics of the wrong length", () => {
    expect(() => influencePlot({ ...input, hat: input.hat.slice(1) })).toThrow(
      /hat has 14 entries for 15 studies/,
    );
    expect(() => influencePlot({ ...input, studies: [] })).toThrow(/no studies/);
  });
});
