import { describe, expect, it } from "vitest";
import * as ex from "../scripts/example-data.js";
import {
  baujatPlot,
  bubblePlot,
  cumulativePlot,
  funnelPlot,
  galbraithPlot,
  leaveOneOutPlot,
  parseJudgement,
  plural,
  prismaPlot,
  riskOfBiasPlot,
  SYRCLE_ITEM_NAMES,
  SYRCLE_ITEMS,
} from "../src/index.js";
import {
  axisFromTicks,
  findAll,
  hasClass,
  parseNumber,
  parseXml,
  polygonPoints,
  textOf,
} from "./xml.js";

const bbb = ex.bbbStudies();
const circles = (svg: ReturnType<typeof parseXml>, cls: string) =>
  findAll(svg, (n) => n.name === "circle" && hasClass(cls)(n)).map((c) => ({
    x: Number(c.attrs.cx),
    y: Number(c.attrs.cy),
    r: Number(c.attrs.r),
    node: c,
  }));

function titled(svgText: string) {
  const svg = parseXml(svgText);
  expect(svg.children[0].name).toBe("title");
  expect(svg.children[0].text.length).toBeGreaterThan(0);
  expect(svg.children[1].name).toBe("desc");
  expect(svg.children[1].text.length).toBeGreaterThan(20);
  return svg;
}

describe("funnelPlot", () => {
  const input = ex.funnelExample(bbb);
  const svg = titled(funnelPlot(input));

  it("places each study at (effect, SE) on the axes, trim-and-fill studies hollow", () => {
    const x = axisFromTicks(svg, { axisClass: "x-axis" });
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    const observed = circles(svg, "study").filter((c) => !hasClass("filled-study")(c.node));
    const filled = circles(svg, "filled-study");
    expect(observed).toHaveLength(input.studies.filter((s) => !s.filled).length);
    expect(filled.length).toBe(input.studies.filter((s) => s.filled).length);
    expect(filled.length).toBeGreaterThan(0);
    for (const c of filled) expect(c.node.attrs.fill).toBe("#FFFFFF");
    input.studies.forEach((s, i) => {
      const c = circles(svg, "study")[i];
      expect(c.x).toBeCloseTo(x(s.yi), 1);
      expect(c.y).toBeCloseTo(y(s.se), 1);
    });
    // SE 0 at the top.
    expect(y(0)).toBeLessThan(y(1));
    // The pseudo region's apex sits at the estimate, SE 0.
    const apex = polygonPoints(findAll(svg, hasClass("pseudo-region"))[0])[0];
    expect(apex[0]).toBeCloseTo(x(input.estimate), 1);
    expect(apex[1]).toBeCloseTo(y(0), 1);
    const est = findAll(svg, hasClass("estimate-line"))[0];
    expect(Number(est.attrs.x1)).toBeCloseTo(x(input.estimate), 1);
  });

  it("draws the contour-enhanced regions around the null value", () => {
    const c = parseXml(funnelPlot(input, { contours: [90, 95, 99] }));
    const x = axisFromTicks(c, { axisClass: "x-axis" });
    const y = axisFromTicks(c, { axisClass: "y-axis", vertical: true });
    for (const [level, z] of [
      [90, 1.644854],
      [95, 1.959964],
      [99, 2.575829],
    ] as const) {
      const p = polygonPoints(findAll(c, hasClass(`contour-${level}`))[0]);
      expect(p[0][0]).toBeCloseTo(x(0), 1);
      // Edge of the region: 0 + z·SE at the bottom of the plot.
      const se = (p[2][1] - y(0)) / (y(1) - y(0));
      expect(p[2][0]).toBeCloseTo(x(z * se), 0);
    }
  });

  it("labels the sample-size precision axis for SMD", () => {
    const s = parseXml(funnelPlot({ ...input, yAxis: "sample-size" }));
    expect(findAll(s, hasClass("axis-title")).map(textOf)).toContain("√(1/n₁ + 1/n₂)");
  });
});

describe("galbraithPlot", () => {
  const input = ex.galbraithExample(bbb);
  const svg = titled(galbraithPlot(input));
  it("plots 1/√(v+τ²) against y/√(v+τ²) with the line of slope μ and the ±2 band", () => {
    const x = axisFromTicks(svg, { axisClass: "x-axis" });
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    const pts = circles(svg, "study");
    expect(pts).toHaveLength(input.studies.length);
    input.studies.forEach((s, i) => {
      const sd = Math.sqrt(s.vi + (input.tau2 ?? 0));
      expect(pts[i].x).toBeCloseTo(x(1 / sd), 1);
      expect(pts[i].y).toBeCloseTo(y(s.yi / sd), 1);
      const out = Math.abs(s.yi / sd - input.estimate / sd) > 2;
      expect(hasClass("outlier")(pts[i].node)).toBe(out);
    });
    const l = findAll(svg, hasClass("estimate-line"))[0];
    expect(Number(l.attrs.x1)).toBeCloseTo(x(0), 1);
    expect(Number(l.attrs.y1)).toBeCloseTo(y(0), 1);
    const x2 = Number(l.attrs.x2);
    // Back from pixels to data units: precision and standardised effect.
    const px2x = (px: number) => (px - x(0)) / (x(1) - x(0));
    const px2z = (px: number) => (px - y(0)) / (y(1) - y(0));
    expect(px2z(Number(l.attrs.y2)) / px2x(x2)).toBeCloseTo(input.estimate, 2);
    const edges = findAll(svg, hasClass("band-edge"));
    expect(edges).toHaveLength(2);
    for (const [edge, sign] of [
      [edges[0], 1],
      [edges[1], -1],
    ] as const) {
      for (const end of ["1", "2"]) {
        const xd = px2x(Number(edge.attrs[`x${end}`]));
        expect(px2z(Number(edge.attrs[`y${end}`]))).toBeCloseTo(input.estimate * xd + 2 * sign, 1);
      }
    }
  });
});

describe("bubblePlot", () => {
  const input = ex.bubbleExample(bbb);
  const svg = titled(bubblePlot(input));
  it("sizes bubbles by weight (area) and draws the fitted line with its band", () => {
    const x = axisFromTicks(svg, { axisClass: "x-axis" });
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    const b = circles(svg, "bubble");
    expect(b).toHaveLength(input.studies.length);
    const wMax = Math.max(...input.studies.map((s) => s.weight));
    const rMax = Math.max(...b.map((c) => c.r));
    for (const s of input.studies) {
      const c = b.find((c) => Math.abs(c.x - x(s.x)) < 0.1 && Math.abs(c.y - y(s.yi)) < 0.1);
      expect(c).toBeDefined();
      expect(c!.r ** 2).toBeCloseTo((rMax ** 2 * s.weight) / wMax, 0);
    }
    const line = findAll(svg, hasClass("fit-line"))[0]
      .attrs.points.split(" ")
      .map((p) => p.split(",").map(Number));
    const first = input.fit![0];
    expect(line[0][0]).toBeCloseTo(x(first.x), 1);
    expect(line[0][1]).toBeCloseTo(y(first.estimate), 1);
    expect(findAll(svg, hasClass("ci-band"))).toHaveLength(1);
  });
});

describe("baujatPlot", () => {
  const input = ex.baujatExample(bbb);
  const svg = titled(baujatPlot(input));
  it("plots contribution to Q against influence and labels studies", () => {
    const x = axisFromTicks(svg, { axisClass: "x-axis" });
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    const pts = circles(svg, "study");
    input.studies.forEach((s, i) => {
      expect(pts[i].x).toBeCloseTo(x(s.x), 1);
      expect(pts[i].y).toBeCloseTo(y(s.y), 1);
    });
    const labels = findAll(svg, hasClass("point-label")).map(textOf);
    const top = [...input.studies].sort((a, b) => b.x - a.x)[0].label;
    expect(labels).toContain(top);
  });
});

describe("leaveOneOutPlot", () => {
  const input = ex.leaveOneOutExample(bbb);
  const svg = titled(leaveOneOutPlot(input));
  it("draws one row per omitted study and the full estimate", () => {
    const x = axisFromTicks(svg);
    const rows = findAll(svg, hasClass("study-row"));
    expect(rows).toHaveLength(input.rows.length);
    rows.forEach((r, i) => {
      const m = findAll(r, hasClass("marker"))[0];
      expect(Number(m.attrs.x) + Number(m.attrs.width) / 2).toBeCloseTo(
        x(input.rows[i].estimate),
        1,
      );
    });
    const d = polygonPoints(findAll(svg, hasClass("diamond"))[0]);
    expect(d[1][0]).toBeCloseTo(x(input.full.estimate), 1);
    const guide = findAll(svg, hasClass("full-estimate-line"))[0];
    expect(Number(guide.attrs.x1)).toBeCloseTo(x(input.full.estimate), 1);
  });

  it("as a cumulative plot: the same geometry, its own header, title and description", () => {
    const cumulative = cumulativePlot({ ...input, title: undefined, orderedBy: "year" });
    expect(findAll(titled(cumulative), hasClass("study-row"))).toHaveLength(input.rows.length);
    expect(cumulative).toContain("Study added");
    expect(cumulative).not.toContain("Omitted study");
    expect(cumulative).toMatch(/<title[^>]*>Cumulative meta-analysis \(\d+ steps\)<\/title>/);
    expect(cumulative).toMatch(/<desc[^>]*>Cumulative forest plot: .* added one at a time by year/);
  });
});

describe("riskOfBiasPlot", () => {
  it("reads yes/no/unclear and low/high/unclear", () => {
    expect(["yes", "Low", "no", "HIGH", "unclear", "?", "", null].map(parseJudgement)).toEqual([
      "low",
      "low",
      "high",
      "high",
      "unclear",
      "unclear",
      "missing",
      "missing",
    ]);
    expect(() => parseJudgement("maybe")).toThrow(/yes\/no\/unclear/);
  });

  const input = ex.riskOfBiasExample(bbb);
  const svg = titled(riskOfBiasPlot(input));
  it("draws a grid of studies × 10 items and a summary bar per item, never a score", () => {
    const rows = findAll(svg, hasClass("rob-row"));
    expect(rows).toHaveLength(input.studies.length);
    rows.forEach((r, i) => {
      const lamps = findAll(r, (n) => n.name === "circle");
      expect(lamps).toHaveLength(10);
      SYRCLE_ITEMS.forEach((item, j) => {
        expect(lamps[j].attrs.class).toBe(
          `judgement judgement-${parseJudgement(input.studies[i].judgements[item])}`,
        );
      });
    });
    const summary = findAll(svg, hasClass("summary-row"));
    expect(summary.map((s) => s.attrs["data-item"])).toEqual([...SYRCLE_ITEMS]);
    summary.forEach((s, j) => {
      const counts = { low: 0, high: 0, unclear: 0, missing: 0 };
      for (const st of input.studies) counts[parseJudgement(st.judgements[SYRCLE_ITEMS[j]])] += 1;
      for (const k of ["low", "high", "unclear"] as const) {
        const seg = findAll(s, hasClass(`summary-${k}`))[0];
        expect(seg ? Number(seg.attrs["data-count"]) : 0).toBe(counts[k]);
      }
      expect(textOf(s)).toContain(SYRCLE_ITEM_NAMES[SYRCLE_ITEMS[j]]);
    });
    const all = findAll(svg, (n) => n.name === "text")
      .map(textOf)
      .join(" ");
    expect(all).not.toMatch(/score|total/i);
    for (const name of Object.values(SYRCLE_ITEM_NAMES)) expect(all).toContain(name);
  });
});

describe("prismaPlot", () => {
  const input = ex.prismaExample();
  const svg = titled(prismaPlot(input));
  const box = (cls: string) => textOf(findAll(svg, hasClass(cls))[0]);
  it("fills the PRISMA 2020 boxes from the counts", () => {
    expect(box("box-identified")).toContain(`(n = ${input.identified})`);
    expect(box("box-duplicates")).toContain(`(n = ${input.duplicatesRemoved})`);
    expect(box("box-screened")).toContain(`(n = ${input.screened})`);
    expect(box("box-excluded-screening")).toContain(`(n = ${input.excludedScreening})`);
    expect(box("box-assessed")).toContain(`(n = ${input.fullTextAssessed})`);
    const excluded = box("box-excluded-fulltext");
    const total = input.fullTextExcluded.reduce((a, r) => a + r.n, 0);
    expect(excluded).toContain(`Reports excluded (n = ${total})`);
    for (const r of input.fullTextExcluded) expect(excluded).toContain(`${r.reason} (n = ${r.n})`);
    expect(box("box-included")).toContain(`(n = ${input.included})`);
    expect(findAll(svg, hasClass("phase")).map(textOf)).toEqual([
      "Identification",
      "Screening",
      "Included",
    ]);
  });
  it("escapes reasons", () => {
    const s = prismaPlot({
      ...input,
      fullTextExcluded: [{ reason: 'dose <1 mg & "other"', n: 3 }],
    });
    expect(s).toContain("dose &lt;1 mg &amp; &quot;other&quot;");
    expect(parseNumber("1,234")).toBe(1234);
  });
});

describe("funnelPlot draws every point whole", () => {
  const clipRect = (svg: ReturnType<typeof parseXml>) => {
    const r = findAll(svg, (n) => n.name === "clipPath")[0].children[0];
    return {
      left: Number(r.attrs.x),
      top: Number(r.attrs.y),
      right: Number(r.attrs.x) + Number(r.attrs.width),
      bottom: Number(r.attrs.y) + Number(r.attrs.height),
    };
  };
  const inside = (svgText: string) => {
    const svg = parseXml(svgText);
    const clip = clipRect(svg);
    const pts = circles(svg, "study");
    expect(pts.length).toBeGreaterThan(0);
    for (const c of pts) {
      expect(c.y + c.r).toBeLessThanOrEqual(clip.bottom);
      expect(c.y - c.r).toBeGreaterThanOrEqual(clip.top);
      expect(c.x - c.r).toBeGreaterThanOrEqual(clip.left);
      expect(c.x + c.r).toBeLessThanOrEqual(clip.right);
    }
    return svg;
  };

  it("extends the SE axis past a round largest SE (one study, SE 0.15)", () => {
    const svg = inside(funnelPlot({ studies: [{ label: "A", yi: 0.3, se: 0.15 }], estimate: 0.3 }));
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    const ticks = findAll(findAll(svg, hasClass("y-axis"))[0], hasClass("axis-tick")).map((t) =>
      Number(t.attrs["data-value"]),
    );
    expect(Math.max(...ticks)).toBeGreaterThan(0.15);
    expect(circles(svg, "study")[0].y).toBeCloseTo(y(0.15), 1);
  });

  it("keeps points on round SEs and round effects inside the frame", () => {
    for (const se of [0.1, 0.2, 0.25, 0.5, 1, 2, 5]) {
      inside(
        funnelPlot({
          studies: [
            { label: "A", yi: -1, se },
            { label: "B", yi: 1, se: se / 2 },
            { label: "C", yi: 0, se: se / 4 },
          ],
          estimate: 0,
        }),
      );
    }
    inside(funnelPlot(ex.funnelExample(bbb), { contours: [90, 95, 99] }));
  });
});

describe("one study is one study (titles and descriptions)", () => {
  const heads = (svgText: string) => {
    const svg = parseXml(svgText);
    return `${svg.children[0].text} | ${svg.children[1].text}`;
  };
  it("funnel, Galbraith, bubble, Baujat and leave-one-out say '1 study'", () => {
    const texts = [
      heads(
        funnelPlot({
          studies: [
            { label: "A", yi: 1, se: 0.5 },
            { label: "A filled", yi: -1, se: 0.5, filled: true },
          ],
          estimate: 0,
        }),
      ),
      heads(galbraithPlot({ studies: [{ label: "A", yi: 1, vi: 0.2 }], estimate: 1 })),
      heads(bubblePlot({ studies: [{ label: "A", x: 1, yi: 1, weight: 100 }], xLabel: "Dose" })),
      heads(baujatPlot({ studies: [{ label: "A", x: 1, y: 1 }] })),
      heads(
        leaveOneOutPlot({
          rows: [{ label: "A", estimate: 1, ciLower: 0, ciUpper: 2 }],
          full: { label: "All", estimate: 1, ciLower: 0, ciUpper: 2 },
        }),
      ),
      heads(riskOfBiasPlot({ studies: [{ study: "A", judgements: {} }] })),
    ];
    for (const t of texts) {
      expect(t).not.toMatch(/\b1 (studies|times|records|reports)\b/);
    }
    expect(texts[0]).toContain("Funnel plot (1 study)");
    expect(texts[0]).toContain("1 study imputed by trim-and-fill");
    expect(texts[1]).toContain("Galbraith plot (1 study)");
    expect(texts[2]).toContain("Bubble plot of 1 study:");
    expect(texts[3]).toContain("Baujat plot (1 study)");
    expect(texts[4]).toContain("Leave-one-out analysis (1 study)");
    expect(texts[4]).toContain("recomputed 1 time,");
  });

  it("plural() picks the form by the count", () => {
    expect(plural(1, "study")).toBe("1 study");
    expect(plural(0, "study")).toBe("0 studies");
    expect(plural(2, "record")).toBe("2 records");
    expect(plural(1234, "report")).toBe("1,234 reports");
    expect(plural(3, "analysis", "analyses")).toBe("3 analyses");
  });
});

describe("galbraithPlot legend", () => {
  const legendLabels = (svgText: string) =>
    findAll(parseXml(svgText), hasClass("legend-label")).map(textOf);
  it("lists 'Outside the band' only when a study is outside it", () => {
    const calm = galbraithPlot({
      studies: [
        { label: "A", yi: 1, vi: 0.2 },
        { label: "B", yi: 1.2, vi: 0.3 },
        { label: "C", yi: 0.9, vi: 0.25 },
      ],
      estimate: 1,
    });
    expect(legendLabels(calm)).not.toContain("Outside the band");
    expect(findAll(parseXml(calm), hasClass("outlier"))).toHaveLength(0);
    const example = ex.galbraithExample(bbb);
    const svg = galbraithPlot(example);
    expect(findAll(parseXml(svg), hasClass("outlier")).length).toBeGreaterThan(0);
    expect(legendLabels(svg)).toContain("Outside the band");
  });
});
