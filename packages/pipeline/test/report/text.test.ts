/**
 * Text and Markdown summaries (--format text|markdown), the methods paragraph with its citations,
 * and the plain-language summary.
 */
import { describe, expect, test } from "vitest";
import { analyze } from "../../src/analysis/index.js";
import type { StudyTable } from "../../src/input/index.js";
import { fmt, fmtP } from "../../src/report/format.js";
import { laySummary } from "../../src/report/lay-summary.js";
import { methodsParagraph } from "../../src/report/methods.js";
import { renderMarkdown, renderText } from "../../src/report/text.js";
import { examplePrisma, exampleTable } from "../support/analysis-helpers.js";

const bbb = exampleTable();
const il1b = exampleTable("sci-exosomes-il1b.simulated.csv");
const full = analyze(bbb, { by: "dose", mods: ["year"], prisma: examplePrisma() });

describe("renderText", () => {
  const text = renderText(full);
  /** Paragraphs are wrapped at 100 columns: compare sentences with line breaks as spaces. */
  const flat = text.replace(/\s+/g, " ");

  test("shows the pooled estimate, its CI, heterogeneity and every section, with the Analysis numbers", () => {
    const m = full.model;
    expect(flat).toContain(
      `Pooled mean difference: ${fmt(m.estimate)}, 95% CI [${fmt(m.ciLower)}, ${fmt(m.ciUpper)}]`,
    );
    expect(flat).toContain(`95% prediction interval [${fmt(m.piLower)}, ${fmt(m.piUpper)}]`);
    expect(flat).toContain(`I² = ${m.I2!.toFixed(1)}%`);
    for (const heading of [
      "Summary",
      "Studies",
      "Subgroups by dose",
      "Meta-regression",
      "Small-study effects",
      "Leave-one-out",
      "Excluded rows",
    ]) {
      expect(text).toContain(`\n${heading}\n`);
    }
    for (const s of full.studies) expect(text).toContain(s.study);
    expect(flat).toContain(`Q = ${fmt(full.subgroups!.tests[0]!.Q)}`);
    expect(flat).toContain(`z = ${fmt(full.bias!.egger!.z)}, p = ${fmtP(full.bias!.egger!.p)}`);
    expect(text).toContain("Row 14, Romanelli 2020");
    expect(text).not.toMatch(/NaN|undefined|null/);
  });

  test("table columns line up", () => {
    const lines = text.split("\n");
    const start = lines.indexOf("Studies") + 3;
    const header = lines[start]!;
    const rule = lines[start + 1]!;
    expect(rule).toMatch(/^-+( {2}-+)+$/);
    expect([...header].length).toBe([...rule].length);
    // every data row is as wide as the rule
    for (const row of lines.slice(start + 2, start + 2 + full.studies.length))
      expect([...row].length).toBe([...rule].length);
  });

  test("warnings are shown: few studies with the z test", () => {
    const small: StudyTable = { ...bbb, rows: bbb.rows.slice(2, 8) };
    const out = renderText(analyze(small, {}));
    expect(out).toContain("Warnings");
    expect(out).toMatch(/Knapp-Hartung|knha/);
  });

  test("ROM also shows the ratio of means", () => {
    const out = renderText(analyze(bbb, { measure: "ROM" }));
    expect(out).toContain("As a ratio of means:");
  });
});

describe("renderMarkdown", () => {
  const md = renderMarkdown(full);

  test("headings, pipe tables, lay summary, methods and references", () => {
    expect(md.startsWith("# Pooled analysis of sci-exosomes-bbb.simulated.csv")).toBe(true);
    for (const h of [
      "## Plain-language summary",
      "### What was found",
      "## Summary",
      "## Studies",
      "## Subgroups by dose",
      "## Meta-regression",
      "## Methods",
      "### References",
    ]) {
      expect(md).toContain(`\n${h}\n`);
    }
    expect(md).toContain("| Study | Effect | 95% CI | Weight |");
    expect(md).toContain("| :-- | --: | --: | --: |");
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && l.includes("µg"));
    for (const r of rows) expect(r.split(" | ").length).toBeGreaterThan(3);
  });

  test("pipes and emphasis in labels are escaped", () => {
    const odd: StudyTable = {
      ...bbb,
      rows: bbb.rows.map((r, i) => (i === 0 ? { ...r, study: "A|B *x*" } : r)),
    };
    expect(renderMarkdown(analyze(odd, {}))).toContain("A\\|B \\*x\\*");
  });
});

describe("methods paragraph", () => {
  test("names the estimator and test and cites them; only what was used", () => {
    const { text, references } = methodsParagraph(full);
    expect(text).toContain("restricted maximum likelihood (REML) (Viechtbauer 2005)");
    expect(text).toContain("I² and H² (Higgins & Thompson 2002)");
    expect(text).toContain("Egger et al. 1997");
    expect(text).toContain("Begg & Mazumdar 1994");
    expect(text).toContain("Duval & Tweedie 2000");
    expect(text).toContain("Hooijmans et al. 2014");
    expect(text).toContain("Page et al. 2021");
    expect(text).toContain("Peters et al. 2008"); // contour-enhanced funnel
    expect(text).toContain("Lau et al. 1992"); // cumulative by year (the example has years)
    expect(text).toContain("Baujat et al. 2002");
    expect(references.some((r) => r.startsWith("Lau J"))).toBe(true);
    expect(text).toContain("Cochrane Handbook");
    expect(text).not.toContain("Knapp & Hartung");
    expect(text).not.toContain("DerSimonian");
    expect(references.some((r) => r.startsWith("Viechtbauer W (2005)"))).toBe(true);
    expect(references.some((r) => r.startsWith("Hooijmans CR"))).toBe(true);
    // every in-text citation has its reference and nothing else is listed
    expect(references.length).toBe(new Set(references).size);
  });

  test("DL with Knapp-Hartung; FE", () => {
    const dl = methodsParagraph(analyze(bbb, { method: "DL", test: "knha" }));
    expect(dl.text).toContain("DerSimonian & Laird 1986");
    expect(dl.text).toContain("Knapp & Hartung 2003");
    expect(dl.references.some((r) => r.startsWith("DerSimonian R, Laird N (1986)"))).toBe(true);
    const fe = methodsParagraph(analyze(bbb, { method: "FE" }));
    expect(fe.text).toContain("fixed (common) effect");
    expect(fe.text).not.toContain("tau²");
  });

  test("SMD names Hedges' g and the sample-size Egger variant", () => {
    const { text } = methodsParagraph(analyze(il1b, { measure: "SMD" }));
    expect(text).toContain("Hedges' g");
    expect(text).toContain("Pustejovsky & Rodgers 2019");
    expect(text).toContain("Zwetsloot et al. 2017");
  });
});

describe("plain-language summary", () => {
  const lay = laySummary(full, {
    outcome: "walking ability",
    higherIsBetter: true,
    intervention: "exosomes",
  });
  const all = lay.sections.map((s) => s.text).join(" ");

  test("says what was compared, the effect and its uncertainty in words, consistency and caveats", () => {
    expect(lay.sections.map((s) => s.heading)).toEqual([
      "What was compared",
      "What was found",
      "Did the experiments agree?",
      "Things to bear in mind",
    ]);
    expect(all).toContain("29 experiments");
    expect(all).toContain("exosomes");
    expect(all).toContain("simulated");
    expect(all).toContain(`${full.model.estimate.toFixed(1)} points higher (better)`);
    expect(all).toContain(`between ${full.model.ciLower!.toFixed(1)} and`);
    expect(all).toContain('does not include "no difference"');
    expect(all).toContain("differed quite a lot"); // I² = 66%
    expect(all).toContain("animals");
    expect(all).toMatch(/\d+ reported deciding at random/);
  });

  test("no statistical jargon", () => {
    for (const word of [
      "I²",
      "tau",
      "heterogeneity",
      "confidence interval",
      "p-value",
      "p =",
      "Egger",
      "Begg",
      "REML",
      "random-effects",
      "meta-analysis",
      "CI",
    ]) {
      expect(all, word).not.toContain(word);
    }
  });

  test("only files named *.simulated.* are called simulated; the report shows no folders", () => {
    const real = analyze({ ...bbb, source: "/home/me/demo_example/my-review.tsv" }, {});
    expect(real.source).toBe("my-review.tsv");
    expect(laySummary(real).paragraphs.join(" ")).not.toMatch(/simulated/);
    const windows = analyze({ ...bbb, source: "C:\\reviews\\sci.simulated.csv" }, {});
    expect(windows.source).toBe("sci.simulated.csv");
    expect(laySummary(windows).paragraphs.join(" ")).toMatch(/simulated/);
  });

  test("a null result is described as such; small-study effects trigger their caveat", () => {
    const rows = bbb.rows.filter((r) =>
      ["Lankford 2017", "Zhou 2017", "Wang 2016b (100 µg)", "Wang 2016b (120 µg)"].includes(
        r.study,
      ),
    );
    const weak = analyze({ ...bbb, rows }, {});
    expect(weak.model.ciLower! < 0 && weak.model.ciUpper! > 0).toBe(true);
    expect(laySummary(weak).sections[1]!.text).toContain(
      "cannot rule out that the treatment makes no difference",
    );
    expect(laySummary(weak).sections.at(-1)!.text).toContain("fewer than 10 experiments");
    // For SMDs the caveat follows the sample-size Egger test, not the SE-based one (whose
    // predictor contains g itself): on the cytokine example they disagree.
    const smd = analyze(il1b, { measure: "SMD" });
    const text = laySummary(smd)
      .sections.map((s) => s.text)
      .join(" ");
    const sampleSizeP = smd.bias!.eggerSampleSize!.p;
    expect(sampleSizeP).not.toBe(smd.bias!.egger!.p);
    if (sampleSizeP < 0.1)
      expect(text).toContain("Smaller experiments tended to show bigger effects");
    else expect(text).toContain("no clear sign");
    expect(text).toMatch(/moderate|large|small/);
  });
});
