import { describe, expect, it } from "vitest";
import {
  forestExample,
  leaveOneOutExample,
  romForestExample,
  subgroupForestExample,
  syntheticForest,
} from "../scripts/example-data.js";
import { clusterRuns } from "../src/forest.js";
import { forestPlot, leaveOneOutPlot, sortStudies, textWidth } from "../src/index.js";
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

const rowsOf = (svg: XmlNode, cls: string) => findAll(svg, hasClass(cls));
const labelOf = (row: XmlNode) => {
  const t = findAll(row, hasClass("label"))[0];
  const title = t.children.find((c) => c.name === "title");
  return title ? title.text : textOf(t);
};
const cells = (row: XmlNode) => findAll(row, hasClass("cell")).map(textOf);
const squareCentre = (row: XmlNode) => {
  const r = findAll(row, hasClass("marker"))[0];
  return {
    x: Number(r.attrs.x) + Number(r.attrs.width) / 2,
    y: Number(r.attrs.y) + Number(r.attrs.height) / 2,
    side: Number(r.attrs.width),
  };
};

describe("forestPlot", () => {
  const input = forestExample();
  const svgText = forestPlot(input);
  const svg = parseXml(svgText);

  it("is a complete SVG document with a title and a description", () => {
    expect(svg.name).toBe("svg");
    expect(svg.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(svg.children[0].name).toBe("title");
    expect(svg.children[1].name).toBe("desc");
    expect(svg.children[1].text).toContain(`${input.studies!.length} studies`);
    expect(svg.attrs["font-family"]).toMatch(/Arial.*sans-serif$/);
    // Glyphs are real text, never outlines.
    expect(findAll(svg, (n) => n.name === "path")).toHaveLength(0);
  });

  it("draws one row per study, in input order, with its label", () => {
    const rows = rowsOf(svg, "study-row");
    expect(rows).toHaveLength(input.studies!.length);
    expect(rows.map(labelOf)).toEqual(input.studies!.map((s) => s.label));
  });

  it("puts each square and the pooled diamond where the axis scale says", () => {
    const x = axisFromTicks(svg);
    const rows = rowsOf(svg, "study-row");
    input.studies!.forEach((s, i) => {
      expect(squareCentre(rows[i]).x).toBeCloseTo(x(s.yi), 1);
      const ci = findAll(rows[i], hasClass("ci"))[0];
      expect(Number(ci.attrs.x1)).toBeCloseTo(x(s.ciLower), 1);
      expect(Number(ci.attrs.x2)).toBeCloseTo(x(s.ciUpper), 1);
    });
    const pooled = input.pooled![0];
    const diamond = findAll(rowsOf(svg, "overall-pooled")[0], hasClass("diamond"))[0];
    const pts = polygonPoints(diamond);
    expect(pts[1][0]).toBeCloseTo(x(pooled.estimate), 1); // top vertex: the estimate
    expect(pts[3][0]).toBeCloseTo(x(pooled.estimate), 1);
    expect(pts[0][0]).toBeCloseTo(x(pooled.ciLower), 1);
    expect(pts[2][0]).toBeCloseTo(x(pooled.ciUpper), 1);
    // Prediction interval bar.
    const pi = findAll(svg, hasClass("prediction-interval"))[0];
    expect(Number(pi.attrs.x)).toBeCloseTo(x(pooled.piLower!), 1);
    expect(Number(pi.attrs.x) + Number(pi.attrs.width)).toBeCloseTo(x(pooled.piUpper!), 1);
  });

  it("draws the reference line at no effect", () => {
    const x = axisFromTicks(svg);
    const refs = findAll(svg, hasClass("reference-line"));
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(Number(r.attrs.x1)).toBeCloseTo(x(0), 1);
  });

  it("prints weights that add to 100.0 and sizes squares by weight (area)", () => {
    const rows = rowsOf(svg, "study-row");
    const shown = rows.map((r) => parseNumber(cells(r)[cells(r).length - 1]));
    expect(shown.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
    const total = input.studies!.reduce((a, s) => a + (s.weight ?? 0), 0);
    input.studies!.forEach((s, i) => {
      expect(Math.abs(shown[i] - (100 * s.weight!) / total)).toBeLessThanOrEqual(0.1 + 1e-9);
    });
    const sides = rows.map((r) => squareCentre(r).side);
    const iMax = input.studies!.reduce((b, s, i, all) => (s.weight! > all[b].weight! ? i : b), 0);
    input.studies!.forEach((s, i) => {
      const expectedArea = (sides[iMax] ** 2 * s.weight!) / input.studies![iMax].weight!;
      if (sides[i] > 4) expect(sides[i] ** 2).toBeCloseTo(expectedArea, 0);
    });
  });

  it("prints effect and CI as text and the heterogeneity line", () => {
    const s = input.studies![0];
    const text = cells(rowsOf(svg, "study-row")[0])[3];
    expect(text).toBe(
      `${s.yi.toFixed(2)} [${s.ciLower.toFixed(2)}, ${s.ciUpper.toFixed(2)}]`.replace(
        /-/g,
        "\u2212",
      ),
    );
    const notes = findAll(svg, hasClass("note")).map(textOf);
    const h = input.pooled![0].heterogeneity!;
    expect(
      notes.some(
        (n) =>
          n.includes(`τ² = ${h.tau2!.toFixed(2)}`) &&
          n.includes(`I² = ${h.I2!.toFixed(1)}%`) &&
          n.includes(`df = ${h.df}`),
      ),
    ).toBe(true);
    const favours = findAll(svg, hasClass("favours")).map(textOf);
    expect(favours).toEqual(["← Favours control", "Favours exosomes →"]);
  });

  it("has nice axis ticks: equally spaced round numbers", () => {
    const ticks = findAll(svg, hasClass("axis-tick")).map((g) => parseNumber(textOf(g)));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(8);
    const step = ticks[1] - ticks[0];
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    expect([1, 2, 2.5, 5]).toContain(Number(mantissa.toFixed(6)));
    for (const [i, t] of ticks.entries()) expect(t).toBeCloseTo(ticks[0] + i * step, 9);
  });

  it("escapes <, & and quotes in labels and cells", () => {
    const nasty = "Smith <2019> & \"Jones\" 'rat'";
    const out = forestPlot({
      studies: [{ label: nasty, yi: 1, ciLower: 0, ciUpper: 2, weight: 1, columns: { d: "<&>" } }],
      columns: [{ key: "d", header: "A&B" }],
    });
    expect(out).toContain("Smith &lt;2019&gt; &amp; &quot;Jones&quot; &apos;rat&apos;");
    expect(out).not.toContain("<2019>");
    const doc = parseXml(out);
    expect(labelOf(rowsOf(doc, "study-row")[0])).toBe(nasty);
    expect(cells(rowsOf(doc, "study-row")[0])[0]).toBe("<&>");
  });

  it("shortens long study names with an ellipsis and keeps the full name as a tooltip", () => {
    const long =
      "Extraordinarily long study label from a consortium of seventeen laboratories 2021";
    const doc = parseXml(
      forestPlot(
        { studies: [{ label: long, yi: 1, ciLower: 0, ciUpper: 2 }] },
        { maxLabelWidth: 150 },
      ),
    );
    const t = findAll(rowsOf(doc, "study-row")[0], hasClass("label"))[0];
    expect(textOf(t).endsWith("…")).toBe(true);
    expect(textOf(t).length).toBeLessThan(long.length);
    expect(t.children.find((c) => c.name === "title")?.text).toBe(long);
  });

  it("sorts by effect, weight and year", () => {
    const byEffect = rowsOf(parseXml(forestPlot(input, { sort: "effect" })), "study-row").map(
      labelOf,
    );
    expect(byEffect).toEqual([...input.studies!].sort((a, b) => a.yi - b.yi).map((s) => s.label));
    const byWeight = sortStudies(input.studies!, "weight").map((s) => s.weight!);
    expect(byWeight).toEqual([...byWeight].sort((a, b) => b - a));
    const byYear = rowsOf(parseXml(forestPlot(input, { sort: "year" })), "study-row").map(labelOf);
    const years = byYear.map((l) => input.studies!.find((s) => s.label === l)!.year!);
    expect(years).toEqual([...years].sort((a, b) => a - b));
  });
});

describe("forestPlot with subgroups", () => {
  const input = subgroupForestExample();
  const svg = parseXml(forestPlot(input));

  it("draws a block per subgroup with its diamond, heterogeneity and the between-group test", () => {
    const groups = input.subgroups!;
    expect(rowsOf(svg, "heading-row").map((r) => textOf(r))).toEqual(groups.map((g) => g.label));
    expect(rowsOf(svg, "study-row")).toHaveLength(groups.reduce((a, g) => a + g.studies.length, 0));
    const x = axisFromTicks(svg);
    const diamonds = rowsOf(svg, "subgroup-pooled");
    expect(diamonds).toHaveLength(groups.length);
    groups.forEach((g, i) => {
      expect(polygonPoints(findAll(diamonds[i], hasClass("diamond"))[0])[1][0]).toBeCloseTo(
        x(g.pooled!.estimate),
        1,
      );
    });
    const notes = findAll(svg, hasClass("note")).map(textOf);
    expect(notes.filter((n) => n.startsWith("Heterogeneity:"))).toHaveLength(groups.length + 1);
    expect(
      notes.some((n) => n.startsWith("Test for subgroup differences (separate τ²): Q = ")),
    ).toBe(true);
    // Subtotals are the sums of the printed weights; the study weights add to 100.
    const studyW = rowsOf(svg, "study-row").map((r) => parseNumber(cells(r).at(-1)!));
    expect(studyW.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
    const subW = diamonds.map((d) => parseNumber(cells(d).at(-1)!));
    expect(subW.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
  });
});

describe("forestPlot grouped by cluster (experiments of one publication together)", () => {
  const base = forestExample();
  // Publications P1 (three experiments, not adjacent in the input), P2 (one) and P3 (two).
  const clusters = ["P1", "P2", "P1", "P3", "P3", "P1"];
  const studies = base.studies!.slice(0, 6).map((s, i) => ({ ...s, cluster: clusters[i]! }));
  const input: ForestInput = { ...base, studies, groupByCluster: true };
  const svg = parseXml(forestPlot(input));

  it("draws a label row above each cluster of two or more studies, its studies indented under it", () => {
    expect(rowsOf(svg, "cluster-row").map((r) => textOf(r))).toEqual(["P1", "P3"]);
    const order = [0, 2, 5, 1, 3, 4].map((i) => studies[i]!.label);
    expect(rowsOf(svg, "study-row").map(labelOf)).toEqual(order);
    const x = (row: XmlNode) => Number(findAll(row, hasClass("label"))[0]!.attrs.x);
    const rows = rowsOf(svg, "study-row");
    const single = rows[3]!; // P2, alone: not indented
    expect(x(rows[0]!)).toBeGreaterThan(x(single));
    expect(x(rows[4]!)).toBe(x(rows[0]!));
    expect(findAll(rowsOf(svg, "cluster-row")[0]!, hasClass("label"))[0]!.attrs["font-style"]).toBe(
      "italic",
    );
    expect(svg.children[1]!.text).toContain("grouped by 3 clusters");
  });

  it("keeps plain rows without groupByCluster, and clusters in order of their first study after sorting", () => {
    expect(
      rowsOf(parseXml(forestPlot({ ...input, groupByCluster: false })), "cluster-row"),
    ).toEqual([]);
    const runs = clusterRuns(sortStudies(studies, "effect"));
    const sorted = sortStudies(studies, "effect");
    expect(runs[0]!.label).toBe(sorted[0]!.cluster);
    expect(runs.flatMap((r) => r.studies)).toHaveLength(6);
    for (const run of runs) expect(new Set(run.studies.map((s) => s.cluster)).size).toBe(1);
    expect(clusterRuns([{ ...studies[0]!, cluster: undefined }])).toEqual([
      { label: null, studies: [{ ...studies[0]!, cluster: undefined }] },
    ]);
  });
});

describe("forestPlot on a ratio (log) scale", () => {
  const input = romForestExample();
  const svg = parseXml(forestPlot(input));

  it("labels the axis with ratios and places marks at their logs", () => {
    const labels = findAll(svg, hasClass("axis-tick")).map((g) => parseNumber(textOf(g)));
    expect(labels).toContain(1);
    expect(labels.every((v) => v > 0)).toBe(true);
    const x = axisFromTicks(svg, { log: true });
    const p = input.pooled![0];
    expect(polygonPoints(findAll(svg, hasClass("diamond"))[0])[1][0]).toBeCloseTo(x(p.estimate), 1);
    const ref = findAll(svg, hasClass("reference-line"))[0];
    expect(Number(ref.attrs.x1)).toBeCloseTo(x(0), 1);
    // Effects are printed back-transformed.
    const first = cells(rowsOf(svg, "study-row")[0]);
    expect(first.some((c) => c.startsWith(Math.exp(input.studies![0].yi).toFixed(2)))).toBe(true);
  });
});

describe("forest layout from 1 to 500 studies", () => {
  it("draws a single study", () => {
    const svg = parseXml(
      forestPlot({ studies: [{ label: "Only 2020", yi: 2, ciLower: 1, ciUpper: 3 }] }),
    );
    expect(rowsOf(svg, "study-row")).toHaveLength(1);
  });

  it("lays 500 studies out in fixed-height rows that never overlap", () => {
    const input: ForestInput = syntheticForest(500);
    const small = parseXml(forestPlot(syntheticForest(50)));
    const svg = parseXml(forestPlot(input));
    const rows = rowsOf(svg, "study-row");
    expect(rows).toHaveLength(500);
    const ys = rows.map((r) => Number(findAll(r, hasClass("label"))[0].attrs.y));
    const step = ys[1] - ys[0];
    expect(step).toBeGreaterThanOrEqual(16);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeCloseTo(step, 6);
    // Every square stays inside its own row band.
    rows.forEach((r, i) => {
      const sq = squareCentre(r);
      expect(Math.abs(sq.y - ys[i])).toBeLessThan(step / 2);
      expect(sq.side).toBeLessThan(step);
    });
    for (let i = 1; i < rows.length; i++) {
      const a = squareCentre(rows[i - 1]);
      const b = squareCentre(rows[i]);
      expect(b.y - b.side / 2).toBeGreaterThanOrEqual(a.y + a.side / 2);
    }
    // The document grows with the rows.
    expect(Number(svg.attrs.height)).toBeGreaterThan(Number(small.attrs.height) + 440 * step);
    const w = rows.map((r) => parseNumber(cells(r).at(-1)!));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
  });
});

describe("favours labels: each on its side of the null line, inside the figure", () => {
  const F = 12;
  const GAP = 6;
  const geometry = (svgText: string) => {
    const svg = parseXml(svgText);
    const axisLine = findAll(svg, hasClass("axis-line"))[0];
    const axis = [Number(axisLine.attrs.x1), Number(axisLine.attrs.x2)].sort((a, b) => a - b);
    const lines = (cls: string) =>
      findAll(svg, hasClass(cls)).map((n) => {
        const x = Number(n.attrs.x);
        const w = textWidth(textOf(n), F);
        return {
          node: n,
          text: textOf(n),
          y: Number(n.attrs.y),
          span: n.attrs["text-anchor"] === "end" ? [x - w, x] : [x, x + w],
        };
      });
    const left = lines("favours-left");
    const right = lines("favours-right");
    for (const l of left) expect(l.node.attrs["text-anchor"]).toBe("end");
    for (const r of right) expect(r.node.attrs["text-anchor"]).toBe("start");
    return {
      svg,
      width: Number(svg.attrs.width),
      axis,
      nullX: axisFromTicks(svg)(0),
      left,
      right,
    };
  };
  const favours = { left: "Favours control", right: "Favours treatment" };
  const study = (label: string, yi: number) => ({
    label: `Study ${label} 2020 (120 µg)`,
    yi,
    ciLower: yi - 1,
    ciUpper: yi + 1,
    weight: 1,
    columns: { n: 10 },
  });
  const columns = [{ key: "n", header: "n" }];
  /** Both labels end at the null line (6 px off) and stay inside the figure's margins. */
  const besideTheNullLine = (g: ReturnType<typeof geometry>) => {
    expect(g.left).toHaveLength(1);
    expect(g.right).toHaveLength(1);
    expect(g.left[0].span[1]).toBeCloseTo(g.nullX - GAP, 1);
    expect(g.right[0].span[0]).toBeCloseTo(g.nullX + GAP, 1);
    expect(g.left[0].span[0]).toBeGreaterThanOrEqual(14 - 0.01);
    expect(g.right[0].span[1]).toBeLessThanOrEqual(g.width - 14 + 0.01);
    expect(g.left[0].text).toBe("← Favours control");
    expect(g.right[0].text).toBe("Favours treatment →");
  };

  it("null value at the axis' left end: the left label runs left of the axis, not past the null line", () => {
    const g = geometry(forestPlot({ studies: [study("A", 3), study("B", 4)], favours, columns }));
    expect(g.nullX).toBeCloseTo(g.axis[0], 1);
    besideTheNullLine(g);
    expect(g.left[0].span[0]).toBeLessThan(g.axis[0]);
  });

  it("null value at the axis' right end: the right label runs right of the axis", () => {
    const g = geometry(forestPlot({ studies: [study("A", -3), study("B", -4)], favours, columns }));
    expect(g.nullX).toBeCloseTo(g.axis[1], 1);
    besideTheNullLine(g);
  });

  it("null value inside: each label in its own half, under the axis", () => {
    const g = geometry(forestPlot({ studies: [study("A", -3), study("B", 3)], favours, columns }));
    besideTheNullLine(g);
    expect(g.left[0].span[0]).toBeGreaterThanOrEqual(g.axis[0] - 0.01);
    expect(g.right[0].span[1]).toBeLessThanOrEqual(g.axis[1] + 0.01);
  });

  it("a null value off the axis (xlim) puts the labels at the nearer end", () => {
    const g = geometry(
      forestPlot({ studies: [study("A", 3), study("B", 4)], favours, columns, xlim: [1, 6] }),
    );
    const x = axisFromTicks(g.svg);
    expect(g.left[0].span[1]).toBeCloseTo(x(1) - GAP, 1);
    expect(g.right[0].span[0]).toBeCloseTo(x(1) + GAP, 1);
  });

  it("long labels wrap to two lines, then end with an ellipsis and keep the full text as a tooltip", () => {
    const long = {
      left: "Favours the vehicle-treated injured control animals of every laboratory in the consortium",
      right: "Favours exosomes",
    };
    const g = geometry(
      forestPlot({ studies: [study("A", -3), study("B", 3)], favours: long, columns }),
    );
    expect(g.left).toHaveLength(2);
    expect(g.right).toHaveLength(1);
    expect(g.left[0].text.startsWith("← Favours the")).toBe(true);
    expect(g.left[1].text.endsWith("…")).toBe(true);
    expect(g.left[1].y).toBeGreaterThan(g.left[0].y);
    for (const l of g.left) {
      expect(l.node.children.find((c) => c.name === "title")?.text).toBe(long.left);
      expect(l.span[1]).toBeCloseTo(g.nullX - GAP, 1);
      expect(l.span[0]).toBeGreaterThanOrEqual(14 - 0.01);
    }
    // Nothing was cut from the short one: no tooltip.
    expect(g.right[0].node.children.find((c) => c.name === "title")).toBeUndefined();
    // The axis title moves down below the second line.
    const title = findAll(g.svg, hasClass("axis-title"))[0];
    expect(Number(title?.attrs.y ?? Number.POSITIVE_INFINITY)).toBeGreaterThan(g.left[1].y);
  });

  it("a label that wraps without losing words has no tooltip", () => {
    const g = geometry(
      forestPlot({
        studies: [study("A", -3), study("B", 3)],
        favours: { left: "Favours the injured control animals", right: "Favours exosomes" },
        columns,
      }),
    );
    expect(g.left).toHaveLength(2);
    expect(g.left.map((l) => l.text).join(" ")).toBe("← Favours the injured control animals");
    for (const l of g.left) expect(l.node.children.find((c) => c.name === "title")).toBeUndefined();
  });

  it("leave-one-out plot of the example (null at the axis' left end)", () => {
    const g = geometry(leaveOneOutPlot(leaveOneOutExample()));
    expect(g.left[0].span[1]).toBeCloseTo(g.nullX - GAP, 1);
    expect(g.right[0].span[0]).toBeCloseTo(g.nullX + GAP, 1);
    expect(g.left[0].span[0]).toBeGreaterThanOrEqual(14 - 0.01);
  });
});
