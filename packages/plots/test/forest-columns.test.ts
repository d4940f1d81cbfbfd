/**
 * The forest plot's descriptor columns (dose, sex...) and its risk-of-bias column of dots.
 */
import { describe, expect, it } from "vitest";
import { bbbStudies, syrcleForestExample } from "../scripts/example-data.js";
import {
  forestPlot,
  JUDGEMENT_STYLE,
  PALETTE,
  SYRCLE_ITEM_NAMES,
  SYRCLE_ITEMS,
  textWidth,
} from "../src/index.js";
import type { ForestInput, ForestStudy, RiskOfBiasJudgement } from "../src/types.js";
import { outsideViewBox } from "./bounds.js";
import { findAll, hasClass, parseXml, textOf, type XmlNode } from "./xml.js";

const F = 12;
const rowsOf = (svg: XmlNode, cls: string) => findAll(svg, hasClass(cls));
const labelOf = (row: XmlNode) => {
  const t = findAll(row, hasClass("label"))[0];
  const title = t.children.find((c) => c.name === "title");
  return title ? title.text : textOf(t);
};
const cellNodes = (row: XmlNode) => findAll(row, hasClass("cell"));
const dots = (row: XmlNode) =>
  findAll(row, (n) => n.name === "circle" && hasClass("judgement")(n)).map((c) => ({
    x: Number(c.attrs.cx),
    y: Number(c.attrs.cy),
    r: Number(c.attrs.r),
    fill: c.attrs.fill,
    stroke: c.attrs.stroke,
    judgement: (c.attrs.class ?? "").replace(/.*judgement-/, ""),
    tooltip: c.children.find((k) => k.name === "title")?.text ?? "",
  }));
const glyphs = (row: XmlNode) => findAll(row, hasClass("judgement-symbol")).map(textOf);

describe("descriptor columns (dose, sex) between the label and the plot", () => {
  const input = syrcleForestExample();
  const svg = parseXml(forestPlot(input));
  const rows = rowsOf(svg, "study-row");
  const studies = input.studies as ForestStudy[];

  it("prints each study's values under their headers, in the rows' order", () => {
    const header = findAll(svg, hasClass("header"))[0];
    const headers = header.children.filter((c) => c.name === "text").map(textOf);
    expect(headers.slice(0, 3)).toEqual(["Study", "Dose", "Sex"]);
    rows.forEach((row, i) => {
      const texts = cellNodes(row).map(textOf);
      expect(texts.slice(0, 2)).toEqual([studies[i].columns?.dose, studies[i].columns?.sex]);
    });
  });

  it("sizes each column to its widest text and keeps it left of the plot", () => {
    const xOf = (row: XmlNode, i: number) => Number(cellNodes(row)[i].attrs.x);
    const doseX = xOf(rows[0], 0);
    const sexX = xOf(rows[0], 1);
    for (const row of rows) {
      expect(xOf(row, 0)).toBeCloseTo(doseX, 6); // text columns are left-aligned
      expect(xOf(row, 1)).toBeCloseTo(sexX, 6);
    }
    const widestDose = Math.max(
      textWidth("Dose", F, true),
      ...studies.map((s) => textWidth(String(s.columns?.dose), F)),
    );
    // The next column starts one gap (16 px) after the widest dose.
    expect(sexX - doseX).toBeCloseTo(widestDose + 16, 1);
    const widestSex = Math.max(...studies.map((s) => textWidth(String(s.columns?.sex), F)));
    const axisLine = findAll(svg, hasClass("axis-line"))[0];
    expect(Math.min(Number(axisLine.attrs.x1), Number(axisLine.attrs.x2))).toBeGreaterThan(
      sexX + widestSex,
    );
    // Labels end before the dose column.
    const labelW = Math.max(...studies.map((s) => textWidth(s.label, F)));
    expect(doseX).toBeGreaterThanOrEqual(14 + labelW);
  });

  it("right-aligns numeric columns and shortens a value wider than 150 px with a tooltip", () => {
    const long = "intravenous, then intrathecal booster at day 7 and day 14 after injury";
    const doc = parseXml(
      forestPlot({
        studies: [
          { label: "A", yi: 1, ciLower: 0, ciUpper: 2, columns: { n: 8, schedule: long } },
          { label: "B", yi: 2, ciLower: 1, ciUpper: 3, columns: { n: 12, schedule: "once" } },
        ],
        columns: [
          { key: "n", header: "n" },
          { key: "schedule", header: "Schedule" },
        ],
      }),
    );
    const [a, b] = rowsOf(doc, "study-row");
    expect(cellNodes(a)[0].attrs["text-anchor"]).toBe("end");
    expect(cellNodes(a)[0].attrs.x).toBe(cellNodes(b)[0].attrs.x);
    const cut = cellNodes(a)[1];
    expect(textOf(cut).endsWith("…")).toBe(true);
    expect(textWidth(textOf(cut), F)).toBeLessThanOrEqual(150);
    expect(cut.children.find((c) => c.name === "title")?.text).toBe(long);
  });
});

describe("risk-of-bias column of dots (SYRCLE)", () => {
  const input = syrcleForestExample();
  const studies = input.studies as ForestStudy[];
  const svg = parseXml(forestPlot(input));
  const rows = rowsOf(svg, "study-row");
  const items = SYRCLE_ITEMS.map((it) => SYRCLE_ITEM_NAMES[it]);

  it("draws one dot per item beside each study, coloured and marked by judgement", () => {
    expect(rows).toHaveLength(15);
    rows.forEach((row, i) => {
      const d = dots(row);
      expect(d).toHaveLength(10);
      const want = studies[i].riskOfBias as RiskOfBiasJudgement[];
      d.forEach((dot, j) => {
        const j0 = want[j] ?? "missing";
        expect(dot.judgement).toBe(j0);
        expect(dot.fill).toBe(JUDGEMENT_STYLE[j0].fill);
        expect(dot.tooltip).toBe(`${studies[i].label}: ${items[j]}: ${JUDGEMENT_STYLE[j0].name}`);
      });
      // The glyphs repeat the judgement for readers who cannot tell the colours apart.
      expect(glyphs(row)).toEqual(
        want.filter((j) => j !== null).map((j) => ({ low: "+", high: "−", unclear: "?" })[j]),
      );
    });
    // Okabe-Ito green, vermillion and yellow.
    expect(JUDGEMENT_STYLE.low.fill).toBe(PALETTE.green);
    expect(JUDGEMENT_STYLE.high.fill).toBe(PALETTE.vermillion);
    expect(JUDGEMENT_STYLE.unclear.fill).toBe(PALETTE.yellow);
  });

  it("puts the dots right of the weights, on the study's row, under the item numbers", () => {
    const header = findAll(svg, hasClass("rob-header"))[0];
    const numbers = findAll(header, (n) => n.name === "text");
    expect(numbers.map(textOf)).toEqual(items.map((_, i) => String(i + 1)));
    expect(numbers.map((n) => n.children.find((c) => c.name === "title")?.text)).toEqual(items);
    const weightX = Math.max(...cellNodes(rows[0]).map((c) => Number(c.attrs.x)));
    rows.forEach((row) => {
      const d = dots(row);
      const label = findAll(row, hasClass("label"))[0];
      const baseline = Number(label.attrs.y);
      d.forEach((dot, j) => {
        expect(dot.x).toBeCloseTo(Number(numbers[j].attrs.x), 6);
        expect(dot.x - dot.r).toBeGreaterThan(weightX);
        // Centred on the row: the text's baseline sits 0.35 em below the centre.
        expect(dot.y).toBeCloseTo(baseline - F * 0.35, 6);
      });
      for (let j = 1; j < d.length; j++) expect(d[j].x - d[j - 1].x).toBeGreaterThan(2 * d[j].r);
    });
    expect(textOf(findAll(svg, hasClass("rob-title"))[0])).toBe("SYRCLE");
  });

  it("explains the dots in a legend under the plot: judgements and item names", () => {
    const legend = findAll(svg, hasClass("rob-legend"))[0];
    const labels = findAll(legend, hasClass("rob-legend-label")).map(textOf);
    const used = new Set(studies.flatMap((s) => s.riskOfBias ?? []));
    expect(labels).toEqual(
      (["low", "unclear", "high"] as const)
        .map((j) => JUDGEMENT_STYLE[j].name)
        .concat(used.has(null) ? ["Not assessed"] : []),
    );
    expect(findAll(legend, hasClass("rob-item-key")).map(textOf)).toEqual(
      items.map((name, i) => `${i + 1} ${name}`),
    );
    const axis = findAll(svg, hasClass("axis-title"))[0];
    for (const t of findAll(legend, (n) => n.name === "text"))
      expect(Number(t.attrs.y)).toBeGreaterThan(Number(axis.attrs.y));
    expect(outsideViewBox(svg)).toEqual([]);
  });

  it("keeps the dots with their study when sorted and in subgroups; missing items are empty grey", () => {
    const k3: ForestInput = {
      studies: [
        { label: "A", yi: 3, ciLower: 2, ciUpper: 4, riskOfBias: ["low", "high"] },
        { label: "B", yi: 1, ciLower: 0, ciUpper: 2, riskOfBias: ["unclear"] },
        { label: "C", yi: 2, ciLower: 1, ciUpper: 3 },
      ],
      riskOfBias: { items: ["Randomisation", "Blinding"] },
    };
    const sorted = parseXml(forestPlot(k3, { sort: "effect" }));
    const byLabel = new Map(
      rowsOf(sorted, "study-row").map((r) => [labelOf(r), dots(r).map((d) => d.judgement)]),
    );
    expect([...byLabel.keys()]).toEqual(["B", "C", "A"]);
    expect(byLabel.get("A")).toEqual(["low", "high"]);
    expect(byLabel.get("B")).toEqual(["unclear", "missing"]);
    expect(byLabel.get("C")).toEqual(["missing", "missing"]);
    const missing = dots(rowsOf(sorted, "study-row")[1])[0];
    expect(missing.fill).toBe("#FFFFFF");
    expect(missing.stroke).toBe(PALETTE.grey);
    expect(glyphs(rowsOf(sorted, "study-row")[1])).toEqual([]);
    expect(textOf(findAll(sorted, hasClass("rob-title"))[0])).toBe("Risk of bias");
    expect(findAll(sorted, hasClass("rob-legend-label")).map(textOf).includes("Not assessed")).toBe(
      true,
    );

    const grouped = parseXml(
      forestPlot({
        ...k3,
        studies: undefined,
        subgroups: [
          { label: "G1", studies: [k3.studies![2], k3.studies![0]] },
          { label: "G2", studies: [k3.studies![1]] },
        ],
      }),
    );
    expect(
      rowsOf(grouped, "study-row").map((r) => [labelOf(r), dots(r).map((d) => d.judgement)]),
    ).toEqual([
      ["C", ["missing", "missing"]],
      ["A", ["low", "high"]],
      ["B", ["unclear", "missing"]],
    ]);
    // Pooled rows get no dots.
    for (const r of rowsOf(grouped, "overall-pooled")) expect(dots(r)).toEqual([]);
  });

  it("draws no risk-of-bias column without `riskOfBias`, even when studies carry judgements", () => {
    const doc = parseXml(
      forestPlot({
        studies: [{ label: "A", yi: 1, ciLower: 0, ciUpper: 2, riskOfBias: ["low"] }],
      }),
    );
    expect(findAll(doc, hasClass("judgement"))).toEqual([]);
    expect(findAll(doc, hasClass("rob-legend"))).toEqual([]);
  });

  it("says so in the description", () => {
    expect(svg.children[1].text).toContain("SYRCLE of each study on 10 items");
    expect(bbbStudies().length).toBeGreaterThan(15);
  });
});
