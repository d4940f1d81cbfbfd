/** Funnel plots coloured (and shaped) by subgroup. */
import { describe, expect, it } from "vitest";
import { bbbStudies, funnelExample, subgroupFunnelExample } from "../scripts/example-data.js";
import { funnelPlot, PALETTE } from "../src/index.js";
import type { FunnelInput } from "../src/types.js";
import { frames, inside, outsideViewBox, shapeBox } from "./bounds.js";
import { axisFromTicks, findAll, hasClass, parseXml, textOf, type XmlNode } from "./xml.js";

const OKABE_ITO = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.green,
  PALETTE.purple,
  PALETTE.skyBlue,
  PALETTE.black,
  PALETTE.vermillion,
  PALETTE.yellow,
];

/** Centre of a marker: circle centre, square centre, or the centroid of a polygon's vertices. */
function centre(n: XmlNode): [number, number] {
  if (n.name === "circle") return [Number(n.attrs.cx), Number(n.attrs.cy)];
  if (n.name === "rect")
    return [
      Number(n.attrs.x) + Number(n.attrs.width) / 2,
      Number(n.attrs.y) + Number(n.attrs.height) / 2,
    ];
  const pts = n.attrs.points
    .trim()
    .split(/\s+/)
    .map((p) => p.split(",").map(Number));
  return [
    pts.reduce((a, p) => a + p[0], 0) / pts.length,
    pts.reduce((a, p) => a + p[1], 0) / pts.length,
  ];
}

/** Shape of a marker: element name, and for polygons how many vertices and which way up. */
function shapeOf(n: XmlNode): string {
  if (n.name !== "polygon") return n.name;
  const pts = n.attrs.points.trim().split(/\s+/);
  if (pts.length === 4) return "diamond";
  const [, y0] = pts[0].split(",").map(Number);
  const [, y1] = pts[1].split(",").map(Number);
  return y0 < y1 ? "triangle" : "triangle-down";
}

describe("funnel plot coloured by subgroup", () => {
  const studies = bbbStudies();
  const input = subgroupFunnelExample(studies);
  const groups = input.groups ?? [];
  const svg = parseXml(funnelPlot(input));
  const points = findAll(svg, hasClass("study"));

  it("has the example's three routes", () => {
    expect(groups.map((g) => g.level)).toEqual([
      "Route: local",
      "Route: intravenous",
      "Route: intrathecal",
    ]);
    expect(groups.flatMap((g) => g.indices).sort((a, b) => a - b)).toEqual(
      studies.map((_, i) => i),
    );
  });

  it("draws each study where the axes say, in its group's Okabe-Ito colour and shape", () => {
    const x = axisFromTicks(svg, { axisClass: "x-axis" });
    const y = axisFromTicks(svg, { axisClass: "y-axis", vertical: true });
    expect(points).toHaveLength(studies.length);
    const shapeOfGroup = new Map<number, string>();
    groups.forEach((g, j) => {
      for (const i of g.indices) {
        const p = points[i];
        expect(p.attrs.fill).toBe(OKABE_ITO[j]);
        expect(p.attrs["data-group"]).toBe(String(j));
        expect(p.children.find((c) => c.name === "title")?.text).toContain(g.level);
        const [cx, cy] = centre(p);
        expect(cx).toBeCloseTo(x(input.studies[i].yi), 1);
        expect(cy).toBeCloseTo(y(input.studies[i].se), 1);
        shapeOfGroup.set(j, shapeOf(p));
        expect(shapeOf(p)).toBe(shapeOfGroup.get(j));
      }
    });
    // Three groups, three colours and three shapes.
    expect(new Set(shapeOfGroup.values())).toEqual(new Set(["circle", "rect", "triangle"]));
  });

  it("has a legend entry per group with its colour and shape, and no plain 'Studies' entry", () => {
    const legend = findAll(svg, hasClass("legend"))[0];
    const labels = findAll(legend, hasClass("legend-label")).map(textOf);
    expect(labels.slice(0, 3)).toEqual(groups.map((g) => g.level));
    expect(labels).not.toContain("Studies");
    expect(labels).not.toContain("Other studies");
    const symbols = legend.children.filter((c) => ["circle", "rect", "polygon"].includes(c.name));
    groups.forEach((_, j) => {
      expect(symbols[j].attrs.fill).toBe(OKABE_ITO[j]);
      expect(shapeOf(symbols[j])).toBe(shapeOf(points[groups[j].indices[0]]));
    });
    expect(svg.children[1].text).toContain("coloured and shaped by subgroup (3 subgroups");
  });

  it("keeps every marker, triangles included, inside the frame", () => {
    const [frame] = frames(svg);
    for (const p of points) expect(inside(shapeBox(p)!, frame)).toBe(true);
    expect(outsideViewBox(svg)).toEqual([]);
  });

  it("gives 8 groups 8 colours and cycles 5 shapes; studies in no group are grey circles", () => {
    const many: FunnelInput = {
      studies: Array.from({ length: 10 }, (_, i) => ({
        label: `S${i}`,
        yi: (i % 5) - 2,
        se: 0.2 + i / 20,
      })),
      estimate: 0,
      groups: Array.from({ length: 8 }, (_, j) => ({ level: `G${j}`, indices: [j] })),
    };
    const doc = parseXml(funnelPlot(many));
    const pts = findAll(doc, hasClass("study"));
    expect(pts.slice(0, 8).map((p) => p.attrs.fill)).toEqual(OKABE_ITO);
    expect(pts.slice(0, 8).map(shapeOf)).toEqual([
      "circle",
      "rect",
      "triangle",
      "diamond",
      "triangle-down",
      "circle",
      "rect",
      "triangle",
    ]);
    for (const p of pts.slice(8)) {
      expect(p.name).toBe("circle");
      expect(p.attrs.fill).toBe(PALETTE.grey);
      expect(hasClass("ungrouped-study")(p)).toBe(true);
    }
    expect(findAll(doc, hasClass("legend-label")).map(textOf)).toContain("Other studies");
  });

  it("keeps trim-and-fill studies hollow", () => {
    const tf = funnelExample(studies);
    const observed = tf.studies.filter((s) => !s.filled).length;
    const doc = parseXml(
      funnelPlot({
        ...tf,
        groups: [
          { level: "All observed", indices: tf.studies.slice(0, observed).map((_, i) => i) },
        ],
      }),
    );
    const filled = findAll(doc, hasClass("filled-study"));
    expect(filled.length).toBe(tf.studies.length - observed);
    for (const c of filled) expect(c.attrs.fill).toBe("#FFFFFF");
  });

  it("rejects an index that is not a study", () => {
    expect(() => funnelPlot({ ...input, groups: [{ level: "x", indices: [999] }] })).toThrow(
      /group "x" lists study 999/,
    );
  });

  it("draws as before without groups", () => {
    const plain = parseXml(funnelPlot({ ...input, groups: undefined }));
    const pts = findAll(plain, hasClass("study"));
    expect(pts.every((p) => p.name === "circle" && p.attrs.fill === PALETTE.blue)).toBe(true);
    expect(findAll(plain, hasClass("legend-label")).map(textOf)[0]).toBe("Studies");
  });
});
