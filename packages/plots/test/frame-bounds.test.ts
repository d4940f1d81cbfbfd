/**
 * Every plot keeps its outermost points inside its plotting frame and every point, label and line
 * of text inside the figure (the SVG's viewBox), with data placed at the extremes: the largest and
 * smallest x and y on round numbers (where nice ticks end the axis exactly at the data), wide tick
 * labels and long labels. render.test.ts checks the same figures with Chromium's real glyphs.
 */
import { describe, expect, it } from "vitest";
import * as ex from "../scripts/example-data.js";
import {
  baujatPlot,
  bubblePlot,
  forestPlot,
  funnelPlot,
  galbraithPlot,
  influencePlot,
  leaveOneOutPlot,
  prismaPlot,
  riskOfBiasPlot,
} from "../src/index.js";
import { type Box, frames, inside, outsideViewBox, shapeBox, textBox } from "./bounds.js";
import { findAll, hasClass, parseXml, textOf, type XmlNode } from "./xml.js";

const bbb = ex.bbbStudies();
const LONG =
  "A very long title or axis title that no figure of ordinary width could print on one line without running out";

/** The data points of a scatter plot and the one frame they must stay in. */
function pointsAndFrame(svg: XmlNode, pointClass: string): { boxes: Box[]; frame: Box } {
  const fr = frames(svg);
  expect(fr).toHaveLength(1);
  const boxes = findAll(svg, hasClass(pointClass)).map((n) => shapeBox(n) as Box);
  expect(boxes.length).toBeGreaterThan(0);
  return { boxes, frame: fr[0] };
}

function expectInsideFrame(svgText: string, pointClass: string, stroke = 0) {
  const svg = parseXml(svgText);
  const { boxes, frame } = pointsAndFrame(svg, pointClass);
  for (const b of boxes) {
    const withStroke = {
      x: b.x - stroke,
      y: b.y - stroke,
      width: b.width + 2 * stroke,
      height: b.height + 2 * stroke,
    };
    expect(inside(withStroke, frame), JSON.stringify({ b, frame })).toBe(true);
  }
  // Point labels are placed inside the frame (and never over a point).
  for (const label of findAll(svg, hasClass("point-label")))
    expect(inside(textBox(label), frame, 0.5), textOf(label)).toBe(true);
  expect(outsideViewBox(svg)).toEqual([]);
  return svg;
}

describe("scatter plots: points whole inside the frame, text inside the figure", () => {
  it("bubble plot: the largest bubble at the top right corner, others at every corner", () => {
    const svg = expectInsideFrame(bubblePlot(ex.extremeBubbleExample()), "bubble", 0.4);
    // The largest bubble is drawn at full size, not shrunk to fit.
    const r = findAll(svg, hasClass("bubble")).map((c) => Number(c.attrs.r));
    expect(Math.max(...r)).toBe(16);
  });

  it("bubble plot: a long moderator title and plot title are shortened with tooltips", () => {
    const svg = expectInsideFrame(
      bubblePlot({ ...ex.extremeBubbleExample(), xLabel: LONG, title: LONG }),
      "bubble",
      0.4,
    );
    const title = findAll(svg, hasClass("plot-title"))[0];
    expect(title.children.find((c) => c.name === "title")?.text).toBe(LONG);
    const axisTitle = findAll(svg, hasClass("axis-title"))[0];
    expect(axisTitle.children.find((c) => c.name === "title")?.text).toBe(LONG);
  });

  it("Baujat plot: points at 0 and at round maxima, labels placed inside the frame", () => {
    const svg = expectInsideFrame(baujatPlot(ex.extremeBaujatExample()), "study", 0.3);
    const { frame } = pointsAndFrame(svg, "study");
    const labels = findAll(svg, hasClass("point-label"));
    // Corner points get their labels too (placed diagonally).
    expect(labels.length).toBe(6);
    for (const l of labels) {
      const x = Number(l.attrs.x);
      expect(x).toBeGreaterThanOrEqual(frame.x);
      expect(x).toBeLessThanOrEqual(frame.x + frame.width);
    }
  });

  it("Baujat plot: wide tick labels at both ends of the x axis stay inside the figure", () => {
    expectInsideFrame(
      baujatPlot({
        studies: [
          { label: "a", x: 0, y: 1 },
          { label: "b", x: 9_000_000, y: 2 },
        ],
      }),
      "study",
      0.3,
    );
    expectInsideFrame(
      baujatPlot({
        studies: [
          { label: "a", x: -9_000_000, y: 1 },
          { label: "b", x: 0, y: 2 },
        ],
      }),
      "study",
      0.3,
    );
  });

  it("Galbraith plot: the most precise study on a round precision (10) is drawn whole", () => {
    const svg = expectInsideFrame(galbraithPlot(ex.extremeGalbraithExample()), "study", 0.3);
    const ticks = findAll(svg, hasClass("axis-tick"))
      .filter((t) => t.parent?.attrs.class === "axis x-axis")
      .map((t) => Number(t.attrs["data-value"]));
    expect(Math.max(...ticks)).toBe(10);
    // Outliers on both sides of the band are labelled.
    expect(findAll(svg, hasClass("point-label")).length).toBe(2);
  });

  it("funnel: round largest SE, round extreme effects, subgroup triangles", () => {
    expectInsideFrame(funnelPlot(ex.roundSeFunnelExample()), "study", 0.5);
    // Effects on round numbers at both ends of the axis, the largest SE round too.
    const corners = {
      studies: [
        { label: "a", yi: -1, se: 0.5 },
        { label: "b", yi: 1, se: 0.5 },
        { label: "c", yi: 0, se: 0.1 },
        { label: "d", yi: 2, se: 0.25 },
      ],
      estimate: 0,
    };
    // The third group is drawn as triangles, whose vertices reach furthest from the centre.
    expectInsideFrame(
      funnelPlot({
        ...corners,
        groups: [
          { level: "circles", indices: [] },
          { level: "squares", indices: [3] },
          { level: "triangles", indices: [0, 1, 2] },
        ],
      }),
      "study",
      0.3,
    );
    expectInsideFrame(funnelPlot({ ...corners, title: LONG }), "study", 0.3);
  });
});

describe("table plots and the rest: everything inside the figure", () => {
  const cases: [string, () => string][] = [
    [
      "forest with favours, dose/sex and SYRCLE dots",
      () => forestPlot(ex.syrcleForestExample(bbb)),
    ],
    ["forest with long favours labels", () => forestPlot(ex.longFavoursForestExample(bbb))],
    [
      "forest with a narrow table and the null at the axis' left end",
      () =>
        forestPlot({
          studies: [
            { label: "A", yi: 3, ciLower: 2, ciUpper: 4 },
            { label: "B", yi: 4, ciLower: 3, ciUpper: 5 },
          ],
          favours: { left: "Favours control", right: "Favours treatment" },
          riskOfBias: { items: ["Randomisation"], label: "Risk of bias (RoB 2)" },
        }),
    ],
    ["forest with subgroups", () => forestPlot(ex.subgroupForestExample(bbb))],
    ["forest, long names", () => forestPlot(ex.longNamesForestExample(bbb))],
    ["leave-one-out", () => leaveOneOutPlot(ex.leaveOneOutExample(bbb))],
    ["influence, two influential", () => influencePlot(ex.influenceExample(bbb))],
    ["influence, long title", () => influencePlot({ ...ex.influenceExample(bbb), title: LONG })],
    ["risk of bias", () => riskOfBiasPlot(ex.riskOfBiasExample(bbb))],
    ["PRISMA", () => prismaPlot(ex.prismaFullExample())],
    ["funnel by route", () => funnelPlot(ex.subgroupFunnelExample(bbb))],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      expect(outsideViewBox(parseXml(make()))).toEqual([]);
    });
  }
});
