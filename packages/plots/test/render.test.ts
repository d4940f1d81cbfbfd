/**
 * Renders every plot type in headless Chromium (Debian's chromium via playwright-core): the PNG
 * is a real image, the page reports no errors, and the rendered text boxes (real font metrics)
 * neither overlap nor stick out of the SVG.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ex from "../scripts/example-data.js";
import { launchChromium, renderSvg } from "../scripts/render.js";
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

const bbb = ex.bbbStudies();
const cases: [string, () => string][] = [
  ["forest", () => forestPlot(ex.forestExample(bbb))],
  ["forest with subgroups", () => forestPlot(ex.subgroupForestExample(bbb), { sort: "effect" })],
  ["forest, ratio of means (log axis)", () => forestPlot(ex.romForestExample())],
  ["forest, 500 studies", () => forestPlot(ex.syntheticForest(500))],
  ["funnel", () => funnelPlot(ex.funnelExample(bbb))],
  ["funnel, contour-enhanced", () => funnelPlot(ex.funnelExample(bbb), { contours: [90, 95, 99] })],
  ["Galbraith", () => galbraithPlot(ex.galbraithExample(bbb))],
  ["bubble", () => bubblePlot(ex.bubbleExample(bbb))],
  ["Baujat", () => baujatPlot(ex.baujatExample(bbb))],
  ["leave-one-out", () => leaveOneOutPlot(ex.leaveOneOutExample(bbb))],
  ["risk of bias", () => riskOfBiasPlot(ex.riskOfBiasExample(bbb))],
  ["PRISMA", () => prismaPlot(ex.prismaExample())],
  ["PRISMA with every optional box", () => prismaPlot(ex.prismaFullExample())],
  [
    "PRISMA with counts that do not add up",
    () => prismaPlot({ ...ex.prismaExample(), screened: 375, included: 25 }),
  ],
  ["funnel, largest SE a round number", () => funnelPlot(ex.roundSeFunnelExample())],
  ["forest, long names", () => forestPlot(ex.longNamesForestExample(bbb))],
  ["forest, correlations (Fisher's z axis)", () => forestPlot(ex.correlationForestExample())],
  [
    "funnel, correlations (Fisher's z axis)",
    () => funnelPlot(ex.correlationFunnelExample(), { contours: [90, 95, 99] }),
  ],
  [
    "leave-one-out, correlations (Fisher's z axis)",
    () => leaveOneOutPlot(ex.correlationLeaveOneOutExample()),
  ],
  ["forest, odds ratios 0.03 to 49 (log axis)", () => forestPlot(ex.oddsRatioForestExample())],
  [
    "forest with favours labels, dose and sex columns and SYRCLE dots (k = 15)",
    () => forestPlot(ex.syrcleForestExample(bbb)),
  ],
  [
    "forest with long favours labels, null at the axis' left end",
    () => forestPlot(ex.longFavoursForestExample(bbb)),
  ],
  ["funnel coloured by three subgroups", () => funnelPlot(ex.subgroupFunnelExample(bbb))],
  ["influence plot with two influential studies", () => influencePlot(ex.influenceExample(bbb))],
  [
    "influence plot of the example (none influential)",
    () => influencePlot(ex.influenceInput(ex.fitStudies(bbb))),
  ],
  ["bubble with extreme points", () => bubblePlot(ex.extremeBubbleExample())],
  ["Baujat with extreme points", () => baujatPlot(ex.extremeBaujatExample())],
  ["Galbraith with extreme points", () => galbraithPlot(ex.extremeGalbraithExample())],
];

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("rendering in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("detects overlapping and clipped text (the check above is not vacuous)", async () => {
    const bad =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60" font-size="14"><title>t</title><desc>d</desc>' +
      '<text x="10" y="30">Overlapping label</text><text x="40" y="32">Another label</text><text x="150" y="50">Sticks out</text></svg>';
    const r = await renderSvg(browser, bad);
    expect(r.overlaps.length).toBeGreaterThan(0);
    expect(r.clipped.map((t) => t.text)).toContain("Sticks out");
    const shapes =
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="60"><title>t</title><desc>d</desc>' +
      '<circle class="study" cx="97" cy="30" r="6"/><circle class="inside" cx="50" cy="30" r="6"/>' +
      '<g clip-path="url(#c)"><circle cx="0" cy="0" r="9"/></g></svg>';
    const s = await renderSvg(browser, shapes);
    expect(s.outside.map((t) => t.text)).toEqual(["circle study"]);
  });

  for (const [name, make] of cases) {
    it(`renders the ${name} plot cleanly`, async () => {
      const svg = make();
      const r = await renderSvg(browser, svg);
      expect(r.errors).toEqual([]);
      expect(r.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(r.png.length).toBeGreaterThan(5000);
      const w = Number(/width="(\d+)"/.exec(svg)?.[1]);
      const h = Number(/height="(\d+)"/.exec(svg)?.[1]);
      expect(r.width).toBeCloseTo(w, 0);
      expect(r.height).toBeCloseTo(h, 0);
      // PNG header: width and height in pixels (device scale 1).
      expect(r.png.readUInt32BE(16)).toBe(w);
      expect(r.png.readUInt32BE(20)).toBe(h);
      expect(r.overlaps.map(([a, b]) => `${a.text} / ${b.text}`)).toEqual([]);
      expect(r.clipped.map((t) => t.text)).toEqual([]);
      expect(r.outside.map((t) => t.text)).toEqual([]);
    });
  }
});
