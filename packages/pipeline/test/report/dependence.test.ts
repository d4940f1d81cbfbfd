/**
 * The report on experiments nested in publications (report/dependence.ts, summary-model.ts): the
 * Dependence section in text, Markdown and HTML, the lay summary's sentence, the methods'
 * citations, and --model three-level leading the summary, the key figures and the forest plot.
 */
import { describe, expect, test } from "vitest";
import { analyze, analyzeAsync } from "../../src/analysis/index.js";
import { renderReport } from "../../src/report/index.js";
import { laySummary } from "../../src/report/lay-summary.js";
import { methodsParagraph } from "../../src/report/methods.js";
import { forestInput } from "../../src/report/plots.js";
import { renderMarkdown, renderText } from "../../src/report/text.js";
import { exampleTable, givenEffects } from "../support/analysis-helpers.js";

const bbb = exampleTable();
const standard = analyze(bbb);
const threeLevel = analyze(bbb, { model: "three-level", by: "dose", mods: ["year"] });
/** Text with its line wrapping undone, for matching sentences. */
const flat = (text: string) => text.replace(/\s+/g, " ");
const file = (a: typeof standard, path: string) =>
  renderReport(a, bbb).find((f) => f.path === path)!.content as string;

describe("the Dependence section", () => {
  const text = renderText(standard);

  test("appears whenever a publication has several experiments, with counts, both models, CR2, LRTs", () => {
    expect(text).toContain("Dependence: experiments within publications");
    expect(text).toContain(
      "29 experiments come from 21 publications; 6 publications report two or more experiments (up to 3).",
    );
    expect(text).toMatch(/Random-effects model \(REML\)\s+3\.38\s+0\.321\s+\[2\.75, 4\.01\]/);
    expect(text).toMatch(/Three-level model \(REML\)\s+3\.38/);
    expect(text).toMatch(
      /Random-effects model \(REML\), cluster-robust \(CR2, t\(15\.4\)\)\s+3\.38\s+0\.314\s+\[2\.71, 4\.05\]/,
    );
    expect(text).toMatch(
      /Between publications\s+0\.0000\s+\[0\.0000, 2\.2539\]\s+0\.0%\s+LRT = 0\.00/,
    );
    expect(text).toMatch(
      /Within publications \(between experiments\)\s+1\.8545\s+\[0\.5080, 4\.3209\]/,
    );
    expect(renderMarkdown(standard)).toContain("## Dependence: experiments within publications");
    expect(file(standard, "report.html")).toContain('id="dependence"');
  });

  test("absent without a publication column; with one experiment per publication the CR2 CI is in the summary", () => {
    const rows = [
      { study: "A", yi: 0.3, vi: 0.04, publication: "P1" },
      { study: "B", yi: 0.5, vi: 0.05, publication: "P2" },
      { study: "C", yi: 0.9, vi: 0.03, publication: "P3" },
      { study: "D", yi: 0.2, vi: 0.06, publication: "P4" },
    ];
    const singletons = analyze(givenEffects(rows));
    const out = renderText(singletons);
    expect(out).not.toContain("Dependence");
    expect(out).toContain(
      "Clustered by publication (4 publications), the cluster-robust (CR2) 95% CI is",
    );
    const asked = flat(renderText(analyze(givenEffects(rows), { model: "three-level" })));
    expect(asked).toContain(
      "4 experiments come from 4 publications; each publication reports one experiment.",
    );
    expect(asked).toContain("sigma²_within is fixed at 0");
    const none = renderText(analyze(givenEffects(rows.map(({ publication: _, ...r }) => r))));
    expect(none).not.toContain("Dependence");
    expect(none).not.toContain("cluster-robust");
  });

  test("the lay summary says, in plain words, what experiments from one publication mean", () => {
    const lay = laySummary(standard).paragraphs.join("\n");
    expect(lay).toContain(
      "Some publications reported more than one experiment (29 experiments came from 21 publications). Experiments from the same publication were no more alike than experiments from different publications. Allowing for this hardly changes how sure we can be of the average.",
    );
    expect(laySummary(analyze(bbb, { cluster: "study" })).paragraphs.join("\n")).not.toContain(
      "publication",
    );
  });

  test("the methods cite the three-level model, multilevel I² and CR2", () => {
    const { text: methods, references } = methodsParagraph(standard);
    expect(methods).toContain("(Konstantopoulos 2011)");
    expect(methods).toContain("(Cheung 2014)");
    expect(methods).toContain("(Pustejovsky & Tipton 2018)");
    expect(references.some((r) => r.startsWith("Konstantopoulos S (2011)"))).toBe(true);
    expect(references.some((r) => r.startsWith("Pustejovsky JE, Tipton E (2018)"))).toBe(true);
  });
});

describe("--model three-level leads the report", () => {
  test("summary, key figures and lay summary use the three-level model", () => {
    const text = flat(renderText(threeLevel));
    expect(text).toContain("29 studies in 21 publications; mean difference; three-level model");
    expect(text).toContain("Pooled mean difference (three-level model): 3.38, 95% CI [2.75, 4.01]");
    expect(text).toContain("sigma² between publications = 0.0000 [0.0000, 2.2539]");
    expect(text).toMatch(/Study Publication Effect/);
    expect(file(threeLevel, "report.html")).toContain(
      "<div>Model<b>Three-level model (REML)</b></div>",
    );
    expect(renderMarkdown(threeLevel)).toContain("The main results come from a three-level model");
  });

  test("subgroups and meta-regression show their three-level tables", () => {
    const text = flat(renderText(threeLevel));
    expect(text).toContain("Test for subgroup differences in the three-level model");
    expect(text).toMatch(/CR2 SE CR2 df/);
    expect(text).toContain("cluster-robust HTZ test: F(1, 10.9) = 0.15, p = 0.705");
  });

  test("the forest plot groups rows by publication under the three-level diamond", () => {
    const plain = analyze(bbb, { model: "three-level" });
    const input = forestInput(plain);
    expect(input.groupByCluster).toBe(true);
    expect(input.pooled![0]!.label).toBe("Three-level model (REML)");
    expect(input.studies!.map((s) => s.cluster)).toEqual(plain.studies.map((s) => s.cluster));
    expect(input.studies!.map((s) => s.weight)).toEqual(plain.multilevel!.weights);
    const svg = file(plain, "forest.svg");
    // One label row per publication with two or more experiments (6 on this example).
    expect(svg.match(/class="row cluster-row"/g)).toHaveLength(6);
    expect(svg).toContain("Three-level model (REML)");
    expect(svg).toContain("Rows grouped by publication (29 experiments in 21 publications)");
    // The standard model keeps its plain forest plot.
    expect(file(standard, "forest.svg")).not.toContain("cluster-row");
  });

  test("with --by the subgroup diamonds are the three-level subgroup models", () => {
    const input = forestInput(threeLevel);
    const ml = threeLevel.subgroups!.multilevel!;
    expect(input.subgroups!.map((g) => g.pooled?.estimate)).toEqual(
      ml.groups.map((g) => g.estimate),
    );
    expect(input.subgroupTests).toEqual([
      expect.objectContaining({
        label: "Test for subgroup differences (three-level model)",
        Q: ml.test!.QM,
      }),
    ]);
  });
});

describe("the three-level model's resampling in the report", () => {
  test("the permutation p and the publication bootstrap intervals are stated", async () => {
    const analysis = await analyzeAsync(bbb, {
      model: "three-level",
      permutations: 100,
      bootstrap: 100,
      seed: 5,
    });
    const text = flat(renderText(analysis));
    const perm = analysis.multilevel!.permutation!;
    expect(text).toContain(
      `A permutation test of the three-level model (100 random arrangements of publications' signs, seed 5) gives p`,
    );
    expect(perm.terms[0]!.p).toBeGreaterThan(0);
    expect(text).toContain("Resampling the 21 publications (100 bootstrap replicates, seed 5)");
  });
});

describe("the lay summary when allowing for publications changes the conclusion", () => {
  test("one large publication drives the standard estimate: the summary says the conclusion changes", () => {
    const rows: Record<string, string | number>[] = [];
    for (let i = 0; i < 12; i++) {
      rows.push({ study: `A${i}`, yi: 0.6 + 0.02 * (i % 3), vi: 0.01, publication: "A" });
    }
    [-0.2, 0.1, -0.15, 0.05, -0.1, 0].forEach((y, j) => {
      rows.push({ study: `P${j}`, yi: y, vi: 0.02, publication: `P${j}` });
    });
    const a = analyze(givenEffects(rows));
    expect(a.model.ciLower!).toBeGreaterThan(0);
    expect(a.multilevel!.ciLower!).toBeLessThan(0);
    const text = laySummary(a)
      .sections.map((s) => s.text)
      .join(" ");
    expect(text).toContain(
      "Allowing for this changes the conclusion: the average effect is then 0.06 (likely between -0.17 and 0.30), and the results no longer rule out no effect.",
    );
  });
});
