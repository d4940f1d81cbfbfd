/**
 * Renders every plot type for the bundled SIMULATED example to gallery/*.svg and gallery/*.png,
 * with every statistic from the engine (@pooled/stats; see example-data.ts), plus layout stress
 * cases (500 studies, long names, ratio-of-means log axis, correlations on a Fisher's z axis, odds
 * ratios over five decades, edge cases of the funnel and PRISMA).
 *
 *   npm run gallery -w @pooled/plots                  # REML, the engine's default
 *   npm run gallery -w @pooled/plots -- --method DL   # another tau² estimator (or FE)
 *   npm run gallery -w @pooled/plots -- --out /tmp/g  # another folder than ./gallery
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Method } from "@pooled/stats";
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
import * as ex from "./example-data.js";
import { launchChromium, renderSvg } from "./render.js";

const METHODS: Method[] = ["FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM"];
const methodArg = process.argv.indexOf("--method");
const method = (methodArg > 0 ? process.argv[methodArg + 1] : "REML") as Method;
if (!METHODS.includes(method)) {
  console.error(`--method: one of ${METHODS.join(", ")}; got ${method}`);
  process.exit(2);
}
const opts = { method };

const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(process.cwd(), "gallery");
mkdirSync(out, { recursive: true });

const bbb = ex.bbbStudies();
const prisma = ex.prismaExample();
const plots: Record<string, string> = {
  forest: forestPlot(ex.forestExample(bbb, opts), { idPrefix: "forest" }),
  "forest-subgroups": forestPlot(ex.subgroupForestExample(bbb, opts), {
    idPrefix: "forest-subgroups",
    sort: "effect",
  }),
  "forest-rom-log": forestPlot(ex.romForestExample(undefined, opts), { idPrefix: "forest-rom" }),
  "forest-500": forestPlot(ex.syntheticForest(500, 7, opts), {
    idPrefix: "forest-500",
    sort: "weight",
  }),
  "forest-long-names": forestPlot(ex.longNamesForestExample(bbb, opts), {
    idPrefix: "forest-long-names",
  }),
  // Correlations pooled as Fisher's z, drawn as r; odds ratios over five decades.
  "forest-correlation": forestPlot(ex.correlationForestExample(opts), {
    idPrefix: "forest-correlation",
  }),
  "funnel-correlation": funnelPlot(ex.correlationFunnelExample(opts), {
    idPrefix: "funnel-correlation",
    contours: [90, 95, 99],
  }),
  "leave-one-out-correlation": leaveOneOutPlot(ex.correlationLeaveOneOutExample(opts), {
    idPrefix: "leave-one-out-correlation",
  }),
  "forest-odds-ratio": forestPlot(ex.oddsRatioForestExample(opts), {
    idPrefix: "forest-odds-ratio",
  }),
  funnel: funnelPlot(ex.funnelExample(bbb, opts), { idPrefix: "funnel" }),
  "funnel-contours": funnelPlot(ex.funnelExample(bbb, opts), {
    idPrefix: "funnel-contours",
    contours: [90, 95, 99],
  }),
  // Largest SE a round number (0.15): the axis must reach past it so the point is drawn whole.
  "funnel-round-se": funnelPlot(ex.roundSeFunnelExample(opts), { idPrefix: "funnel-round-se" }),
  galbraith: galbraithPlot(ex.galbraithExample(bbb, opts), { idPrefix: "galbraith" }),
  bubble: bubblePlot(ex.bubbleExample(bbb, opts), { idPrefix: "bubble" }),
  baujat: baujatPlot(ex.baujatExample(bbb, opts), { idPrefix: "baujat" }),
  "leave-one-out": leaveOneOutPlot(ex.leaveOneOutExample(bbb, opts), {
    idPrefix: "leave-one-out",
  }),
  "risk-of-bias": riskOfBiasPlot(ex.riskOfBiasExample(bbb), { idPrefix: "risk-of-bias" }),
  prisma: prismaPlot(prisma, { idPrefix: "prisma" }),
  // Favours labels, descriptor columns (dose, sex) and SYRCLE dots (k = 15).
  "forest-syrcle": forestPlot(ex.syrcleForestExample(bbb, opts), { idPrefix: "forest-syrcle" }),
  "forest-long-favours": forestPlot(ex.longFavoursForestExample(bbb, opts), {
    idPrefix: "forest-long-favours",
  }),
  "funnel-subgroups": funnelPlot(ex.subgroupFunnelExample(bbb, opts), {
    idPrefix: "funnel-subgroups",
  }),
  influence: influencePlot(ex.influenceExample(bbb, opts), { idPrefix: "influence" }),
  // Points at the very ends of both axes, long labels: drawn whole, inside the frame.
  "bubble-extreme": bubblePlot(ex.extremeBubbleExample(), { idPrefix: "bubble-extreme" }),
  "baujat-extreme": baujatPlot(ex.extremeBaujatExample(), { idPrefix: "baujat-extreme" }),
  "galbraith-extreme": galbraithPlot(ex.extremeGalbraithExample(), {
    idPrefix: "galbraith-extreme",
  }),
  // Every optional PRISMA 2020 box, and counts that do not add up (drawn with a warning).
  "prisma-full": prismaPlot(ex.prismaFullExample(), { idPrefix: "prisma-full" }),
  "prisma-inconsistent": prismaPlot(
    { ...prisma, screened: prisma.screened + 20, included: prisma.included + 3 },
    { idPrefix: "prisma-inconsistent" },
  ),
};

console.log(`Models fitted by @pooled/stats with method = ${method}.`);
const browser = await launchChromium();
let problems = 0;
try {
  for (const [name, svg] of Object.entries(plots)) {
    writeFileSync(join(out, `${name}.svg`), svg);
    const r = await renderSvg(browser, svg, 1);
    writeFileSync(join(out, `${name}.png`), r.png);
    const issues = [
      ...r.errors.map((e) => `error: ${e}`),
      ...r.overlaps.map(([a, b]) => `overlap: "${a.text}" / "${b.text}"`),
      ...r.clipped.map((t) => `clipped: "${t.text}"`),
      ...r.outside.map((t) => `outside the SVG: ${t.text}`),
    ];
    problems += issues.length;
    console.log(
      `${name}: ${Math.round(r.width)}x${Math.round(r.height)} px, ${r.png.length} bytes${issues.length ? "" : ", ok"}`,
    );
    for (const i of issues.slice(0, 10)) console.log(`  ${i}`);
  }
} finally {
  await browser.close();
}
if (problems) process.exitCode = 1;
