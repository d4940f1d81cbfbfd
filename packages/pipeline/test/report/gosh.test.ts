/** The GOSH section, figure and methods sentence of the report (--gosh). */
import { describe, expect, test } from "vitest";
import { analyzeAsync } from "../../src/analysis/index.js";
import { renderReport } from "../../src/report/index.js";
import { givenEffects } from "../support/analysis-helpers.js";

describe("GOSH in the report", async () => {
  const yi = [0.1, 0.5, 0.3, 0.8, 0.2, 1.4, 0.35, 0.6];
  const table = givenEffects(yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: 0.03 + i / 200 })));
  const a = await analyzeAsync(table, { gosh: 1000 });
  const files = renderReport(a, table);
  const html = files.find((f) => f.path === "report.html")!.content as string;

  test("the figure draws every subset of 8 studies", () => {
    const svg = files.find((f) => f.path === "gosh.svg")!.content as string;
    expect(svg.match(/class="subset"/g)).toHaveLength(255);
    expect(svg).toContain("every one of the 255 subsets of 8 studies");
  });

  test("the section gives the spread of the estimates and I² as the JSON", () => {
    expect(html).toContain(">GOSH</h2>");
    const g = a.gosh!;
    expect(html).toContain(`${g.summary.estimate.min!.toFixed(2)}`);
    expect(html).toContain(`${g.summary.I2.max!.toFixed(1)}`);
    expect(html).toMatch(/every one of the 255 non-empty subsets of the 8 studies/);
    expect(html).toContain("Olkin et al. 2012");
  });

  test("without --gosh there is neither section nor figure", async () => {
    const plain = renderReport(await analyzeAsync(table, {}), table);
    expect(plain.map((f) => f.path)).not.toContain("gosh.svg");
    expect(plain.find((f) => f.path === "report.html")!.content).not.toContain(">GOSH</h2>");
  });
});

describe("GOSH in analysis.R", () => {
  test("metafor's gosh() on the same model, commented out with the subsets Pooled fitted", async () => {
    const { renderRScript } = await import("../../src/report/index.js");
    const yi = [0.1, 0.5, 0.3, 0.8, 0.2, 1.4, 0.35, 0.6];
    const table = givenEffects(yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: 0.04 })));
    const a = await analyzeAsync(table, { gosh: 1000 });
    const script = renderRScript(a, table);
    expect(script).toContain("#   sav <- gosh(res, subsets = 255)");
    expect(script).toContain('#   summary(sav$res[, c("estimate", "I2", "tau2")])');
    expect(script).toContain("every one of the 255 subsets");
  });
});
