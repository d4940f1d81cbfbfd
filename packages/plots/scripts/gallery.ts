/**
 * Renders every plot type for the bundled SIMULATED example to gallery/*.svg and gallery/*.png.
 *
 *   npm run gallery -w @pooled/plots
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  baujatPlot,
  bubblePlot,
  forestPlot,
  funnelPlot,
  galbraithPlot,
  leaveOneOutPlot,
  prismaPlot,
  riskOfBiasPlot,
} from "../src/index.js";
import * as ex from "./example-data.js";
import { launchChromium, renderSvg } from "./render.js";

const out = join(process.cwd(), "gallery");
mkdirSync(out, { recursive: true });

const bbb = ex.bbbStudies();
const plots: Record<string, string> = {
  forest: forestPlot(ex.forestExample(bbb), { idPrefix: "forest" }),
  "forest-subgroups": forestPlot(ex.subgroupForestExample(bbb), {
    idPrefix: "forest-subgroups",
    sort: "effect",
  }),
  "forest-rom-log": forestPlot(ex.romForestExample(), { idPrefix: "forest-rom" }),
  "forest-500": forestPlot(ex.syntheticForest(500), { idPrefix: "forest-500", sort: "weight" }),
  funnel: funnelPlot(ex.funnelExample(bbb), { idPrefix: "funnel" }),
  "funnel-contours": funnelPlot(ex.funnelExample(bbb), {
    idPrefix: "funnel-contours",
    contours: [90, 95, 99],
  }),
  galbraith: galbraithPlot(ex.galbraithExample(bbb), { idPrefix: "galbraith" }),
  bubble: bubblePlot(ex.bubbleExample(bbb), { idPrefix: "bubble" }),
  baujat: baujatPlot(ex.baujatExample(bbb), { idPrefix: "baujat" }),
  "leave-one-out": leaveOneOutPlot(ex.leaveOneOutExample(bbb), { idPrefix: "leave-one-out" }),
  "risk-of-bias": riskOfBiasPlot(ex.riskOfBiasExample(bbb), { idPrefix: "risk-of-bias" }),
  prisma: prismaPlot(ex.prismaExample(), { idPrefix: "prisma" }),
};

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
