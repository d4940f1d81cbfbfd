/**
 * renderReport and report.html: every file of the report folder, a self-contained page with every
 * section and every plot inline, nothing fetched from outside, labels escaped, output deterministic.
 */
import { leaveOneOut, permutationTest, subgroups, trimFill } from "@pooled/stats";
import { describe, expect, test } from "vitest";
import { analyze, analyzeAsync, prepareAnalysis } from "../../src/analysis/index.js";
import type { StudyTable } from "../../src/input/index.js";
import { escapeHtml } from "../../src/report/html.js";
import { renderReport } from "../../src/report/index.js";
import {
  examplePrisma,
  exampleTable,
  NOT_CONVERGED_1,
  sideWith,
  threeSubgroups,
} from "../support/analysis-helpers.js";

const bbb = exampleTable();
const analysis = analyze(bbb, { by: "dose", mods: ["year"], prisma: examplePrisma() });
const files = renderReport(analysis, bbb, {
  version: "0.1.0",
  lay: { outcome: "walking ability (BBB score)", higherIsBetter: true },
});
const byPath = new Map(files.map((f) => [f.path, f.content]));
const html = byPath.get("report.html") as string;
const paths = (a: typeof analysis) => renderReport(a, bbb).map((f) => f.path);

describe("the report folder", () => {
  test("holds the page, the plots, the CSV tables, analysis.json, analysis.R and the summaries", () => {
    expect(files.map((f) => f.path)).toEqual([
      "report.html",
      "forest.svg",
      "funnel.svg",
      "funnel-contour.svg",
      "galbraith.svg",
      "bubble.svg",
      "leave-one-out.svg",
      "cumulative.svg",
      "baujat.svg",
      "influence.svg",
      "risk-of-bias.svg",
      "prisma.svg",
      "studies.csv",
      "model.csv",
      "subgroups.csv",
      "regression.csv",
      "leave-one-out.csv",
      "cumulative.csv",
      "influence.csv",
      "analysis.json",
      "analysis.R",
      "summary.txt",
      "summary.md",
    ]);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    for (const f of files)
      expect(
        typeof f.content === "string" ? f.content.length : f.content.byteLength,
        f.path,
      ).toBeGreaterThan(100);
  });

  test("the direction of benefit gives the forest plot its favours labels", () => {
    expect(byPath.get("forest.svg") as string).toContain("Favours treatment");
    expect(byPath.get("forest.svg") as string).toContain("Favours control");
    const unknown = renderReport(analysis, bbb);
    expect(unknown.find((f) => f.path === "forest.svg")!.content as string).not.toContain(
      "Favours",
    );
  });

  test("analysis.json is the analysis", () => {
    expect(JSON.parse(byPath.get("analysis.json") as string)).toEqual(
      JSON.parse(JSON.stringify(analysis)),
    );
  });

  test("SVG files are standalone SVG documents", () => {
    for (const f of files.filter((x) => x.path.endsWith(".svg"))) {
      expect(f.content as string, f.path).toMatch(
        /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
      );
      expect(f.content as string, f.path).toMatch(/<\/svg>\s*$/);
    }
  });

  test("rendering is deterministic (the CLI and the web app produce the same bytes)", () => {
    const again = renderReport(analysis, bbb, {
      version: "0.1.0",
      lay: { outcome: "walking ability (BBB score)", higherIsBetter: true },
    });
    expect(again).toEqual(files);
  });

  test("without subgroups, moderators, risk of bias or PRISMA the optional files are absent", () => {
    const gen: StudyTable = {
      ...bbb,
      columns: { fields: { study: "study", yi: "yi", vi: "vi" }, riskOfBias: {} },
      rows: analysis.studies
        .slice(0, 5)
        .map((s, i) => ({ row: i + 2, study: s.study, yi: s.yi, vi: s.vi, extra: {} })),
      excluded: [],
      notes: [],
    };
    const a = analyze(gen, {});
    const paths = renderReport(a, gen).map((f) => f.path);
    expect(paths).not.toContain("bubble.svg");
    expect(paths).not.toContain("subgroups.csv");
    expect(paths).not.toContain("risk-of-bias.svg");
    expect(paths).not.toContain("prisma.svg");
    expect(paths).not.toContain("funnel-sample-size.svg");
    expect(paths).toContain("forest.svg");
    const forest = renderReport(a, gen).find((f) => f.path === "forest.svg")!.content as string;
    expect(forest).not.toContain("n (T)");
    expect(a.studies.every((s) => s.n1 === null && s.n2 === null)).toBe(true);
  });

  test("bubble plot: fitted line and CI band, also with several moderators (others at their means)", () => {
    const one = byPath.get("bubble.svg") as string; // mods: year
    expect(one).toContain('class="ci-band"');
    expect(one).toContain('class="fit-line"');
    const two = analyze(bbb, { mods: ["year", "route"] });
    const svg = renderReport(two, bbb).find((f) => f.path === "bubble.svg")!.content as string;
    expect(svg).toContain('class="ci-band"');
    expect(svg).toContain('class="fit-line"');
    expect(svg).toContain("other moderators at their means");
  });

  test("arm data: the forest plot shows n per arm; SMD adds the sample-size funnel", () => {
    const forest = byPath.get("forest.svg") as string;
    expect(forest).toContain("n (T)");
    expect(forest).toContain("n (C)");
    // Every study's group sizes are in the analysis (fractional where a shared control was split).
    for (const s of analysis.studies) {
      expect(s.n1).toBeGreaterThan(1);
      expect(s.n2).toBeGreaterThan(0);
    }
    expect(paths(analysis)).not.toContain("funnel-sample-size.svg"); // MD: SE is the right axis
    const smd = analyze(bbb, { measure: "SMD" });
    const smdFiles = renderReport(smd, bbb);
    expect(smdFiles.map((f) => f.path)).toContain("funnel-sample-size.svg");
    const funnel = smdFiles.find((f) => f.path === "funnel-sample-size.svg")!.content as string;
    expect(funnel).toMatch(/√\(1\/n|sample size/i);
    const contour = byPath.get("funnel-contour.svg") as string;
    expect(contour).toContain("Contour-enhanced funnel plot");
  });
});

describe("report.html", () => {
  test("has every section", () => {
    for (const id of [
      "lay-summary",
      "summary",
      "studies",
      "subgroups",
      "regression",
      "bias",
      "leave-one-out",
      "excluded",
      "notes",
      "risk-of-bias",
      "prisma",
      "methods",
      "references",
      "files",
    ]) {
      expect(html, id).toContain(`id="${id}"`);
      expect(html, `contents link to ${id}`).toContain(`href="#${id}"`);
    }
    expect(html).toContain("Plain-language summary");
    expect(html).toContain("What was found");
    expect(html).toContain("Viechtbauer 2005");
    expect(html).toContain("Hooijmans CR");
    expect(html).toContain("Page MJ");
  });

  test("every plot is inline as SVG, once, with its caption", () => {
    const svgs = files.filter((f) => f.path.endsWith(".svg"));
    expect((html.match(/<svg[\s>]/g) ?? []).length).toBe(svgs.length);
    for (const f of svgs) {
      const body = (f.content as string).replace(/^\s*<\?xml[^>]*\?>\s*/, "").trim();
      expect(html, f.path).toContain(body);
      expect(html).toContain(`id="figure-${f.path.replace(".svg", "")}"`);
    }
    expect(html).not.toContain("<?xml");
  });

  test("is self-contained: no external URL in src or href, no script, no stylesheet link", () => {
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[\s>]/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//i);
    expect(html).toContain("<style>");
    expect(html).toContain("Content-Security-Policy");
  });

  test("the numbers shown are the Analysis numbers", () => {
    expect(html).toContain(analysis.model.estimate.toFixed(2));
    expect(html).toContain(
      `${analysis.model.ciLower!.toFixed(2)} to ${analysis.model.ciUpper!.toFixed(2)}`,
    );
    for (const g of analysis.subgroups!.groups) expect(html).toContain(`<td>${g.level}</td>`);
  });

  test("labels from the data are escaped", () => {
    const evil: StudyTable = {
      ...bbb,
      source: "<img src=x onerror=alert(1)>.csv",
      rows: bbb.rows.map((r, i) => (i === 0 ? { ...r, study: '<script>alert("x")</script>' } : r)),
    };
    const page = renderReport(analyze(evil, {}), evil)[0]!.content as string;
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;script&gt;");
  });

  test("permutation and bootstrap sections appear when they were run", async () => {
    const small: StudyTable = { ...bbb, rows: bbb.rows.slice(0, 10) };
    const a = await analyzeAsync(small, { permutations: 200, bootstrap: 100, seed: 3 });
    const page = renderReport(a, small)[0]!.content as string;
    expect(page).toContain('id="permutation"');
    expect(page).toContain('id="bootstrap"');
    expect(page).toContain("seed 3");
    expect(page).toContain("Higgins &amp; Thompson 2004");
  });
});

describe("a report with side analyses that could not be computed", () => {
  /** The text of one section of the page, from its heading to the next section. */
  const section = (page: string, id: string) => {
    const from = page.indexOf(`<h2 id="${id}">`);
    expect(from, `section ${id}`).toBeGreaterThan(0);
    return page.slice(from, page.indexOf("</section>", from));
  };
  const filesOf = (a: ReturnType<typeof analyze>, table: StudyTable) =>
    new Map(renderReport(a, table).map((f) => [f.path, f.content as string]));

  test("says in each section what could not be computed and why, lists it under Warnings, and writes everything else", async () => {
    const side = sideWith({
      trimFill: (model) => trimFill(model, { control: { maxIter: 1 } }),
      permutationTest: (model, options) =>
        permutationTest(model, { ...options, control: { maxIter: 1 } }),
      bootstrap: () => Promise.reject(new Error("worker thread exited with code 1")),
    });
    const a = await analyzeAsync(bbb, { permutations: 50, bootstrap: 50, seed: 1 }, side);
    const out = filesOf(a, bbb);
    const page = out.get("report.html")!;
    const trimFillWhy = `Trim-and-fill could not be computed: ${NOT_CONVERGED_1}`;
    expect(section(page, "bias")).toContain(`<li>${escapeHtml(trimFillWhy)}</li>`);
    expect(section(page, "bias")).toContain("Egger&#39;s regression test (predictor");
    expect(section(page, "permutation")).toMatch(
      /<p>The permutation test could not be computed: REML estimation of tau² did not converge/,
    );
    expect(section(page, "bootstrap")).toContain(
      "<p>The bootstrap could not be computed: worker thread exited with code 1</p>",
    );
    const warnings = section(page, "warnings");
    expect(warnings).toContain(escapeHtml(trimFillWhy));
    expect(warnings).toContain("The bootstrap could not be computed");
    expect(warnings).toContain("The permutation test could not be computed");
    // Everything else is written: the other sections, plots and files.
    for (const id of ["summary", "studies", "leave-one-out", "cumulative"])
      expect(page).toContain(`id="${id}"`);
    expect(page).not.toContain("A plot could not be drawn");
    for (const path of ["forest.svg", "funnel.svg", "leave-one-out.csv", "analysis.R"])
      expect(out.has(path), path).toBe(true);
    const json = JSON.parse(out.get("analysis.json")!);
    expect(json.bias.trimFill).toBeNull();
    expect(json.bias.egger).not.toBeNull();
    expect(json.permutation).toBeNull();
    expect(json.bootstrap).toBeNull();
    expect(json.warnings).toContain(trimFillWhy);
    for (const summary of [out.get("summary.txt")!, out.get("summary.md")!]) {
      const flat = summary.replace(/\s+/g, " ").replace(/\\/g, "");
      expect(flat).toContain(trimFillWhy);
      expect(flat).toContain(
        "The bootstrap could not be computed: worker thread exited with code 1",
      );
    }
  });

  test("a subgroup without a model keeps its row and its studies in the forest plot; its reason is shown", () => {
    const table = threeSubgroups();
    const side = sideWith({
      subgroups: (data, groups, options) =>
        subgroups(data, groups, { ...options, control: { maxIter: 1 } }),
      leaveOneOut: (model) => leaveOneOut(model, { control: { maxIter: 1 } }),
    });
    const a = prepareAnalysis(table, { by: "lab" }, side).analysis;
    const out = filesOf(a, table);
    const sub = section(out.get("report.html")!, "subgroups");
    expect(sub).toContain("<td>b</td>");
    expect(sub).toContain(escapeHtml(`Subgroup "b" could not be computed: ${NOT_CONVERGED_1}`));
    expect(sub).toContain("The test with a separate tau² per subgroup could not be computed");
    const loo = section(out.get("report.html")!, "leave-one-out");
    expect(loo).toContain("A row of dashes is a refit that could not be computed");
    // The forest plot draws every study, and subtotals for the levels that have a model.
    const forest = out.get("forest.svg")!;
    for (const s of a.studies) expect(forest).toContain(`>${s.study}<`);
    expect(forest.match(/Subtotal \(k = /g)).toHaveLength(2);
    const csv = out.get("subgroups.csv")!;
    // Every statistic empty, the tau² and I² CIs at the end too.
    expect(csv.split("\r\n")[2]).toBe("subgroup,b,4,,,,,,,,,,,,,,,,");
    const text = out.get("summary.txt")!.replace(/\s+/g, " ");
    expect(text).toContain(`Subgroup "b" could not be computed: ${NOT_CONVERGED_1}`);
  });
});
