/**
 * The report for event counts (OR, RR, RD, Peto's OR; Mantel-Haenszel and Peto pooling) and
 * correlations (ZCOR, COR): ratios and correlations printed back-transformed wherever a reader
 * expects them, the analysis-scale values kept where a methodologist needs them, the methods and
 * references, the plain-language summary, the CSV columns and the log axis of the plots.
 *
 * Expected numbers come from metafor: fixtures/pipeline-binary.metafor-3.8.1.json, written by
 * fixtures/r/pipeline-binary.R (rma, rma.mh, rma.peto on the bundled mortality example and on
 * metadat's dat.molloy2014, with predict(..., transf = exp | transf.ztor)).
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { analyze } from "../../src/analysis/index.js";
import type { Analysis, AnalysisOptions } from "../../src/analysis/types.js";
import { parseStudyText, type StudyTable } from "../../src/input/index.js";
import { leaveOneOutCsv, modelCsv, studiesCsv, subgroupsCsv } from "../../src/report/csv.js";
import { analysisDocument, type Block, estimateSentence } from "../../src/report/document.js";
import { fmt, fmtP, pText } from "../../src/report/format.js";
import { renderReport } from "../../src/report/index.js";
import { laySummary } from "../../src/report/lay-summary.js";
import { methodsParagraph } from "../../src/report/methods.js";
import { renderPlots } from "../../src/report/plots.js";
import { renderText } from "../../src/report/text.js";
import { exampleTable } from "../support/analysis-helpers.js";
import { repoUrl } from "../support/repo.js";

/** A data file of the repository, parsed as the CLI parses it. */
function table(path: string): StudyTable {
  const result = parseStudyText(readFileSync(repoUrl(path), "utf8"), path.split("/").at(-1)!);
  expect(result.problems).toEqual([]);
  return result.table!;
}

const mortality = table("examples/sci-exosomes-mortality.simulated.csv");
const molloy = table("fixtures/data/molloy2014.csv");

interface Interval {
  estimate: number;
  ciLower: number;
  ciUpper: number;
  piLower: number | null;
  piUpper: number | null;
}
interface FixtureCase {
  id: string;
  model: Interval & {
    se: number;
    transformed?: Interval;
    tableTests?: Record<string, { statistic: number; p: number }>;
  };
  bias: { trimFill: { transformed?: Interval } & Interval };
}

/** A case of metafor 3.8.1 on the binary and correlation data sets. */
function metafor(id: string): FixtureCase {
  const fixture = JSON.parse(
    readFileSync(repoUrl("fixtures/pipeline-binary.metafor-3.8.1.json"), "utf8"),
  ) as { cases: FixtureCase[] };
  const found = fixture.cases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no case ${id}`);
  return found;
}

const run = (data: StudyTable, options: AnalysisOptions) => analyze(data, options);
const or = run(mortality, { measure: "OR" });
const mh = run(mortality, { measure: "OR", method: "MH" });
const rr = run(mortality, { measure: "RR" });
const rd = run(mortality, { measure: "RD" });
const peto = run(mortality, { method: "PETO" });
const zcor = run(molloy, { measure: "ZCOR" });
const cor = run(molloy, { measure: "COR" });

/** "[0.41, 0.93]" from two numbers. */
const ci = (lower: number | null, upper: number | null, digits = 2) =>
  `[${fmt(lower, digits)}, ${fmt(upper, digits)}]`;

/** The report's tables, found by their first header cell. */
function tableOf(a: Analysis, first: string): Extract<Block, { kind: "table" }> {
  const found = analysisDocument(a).find(
    (b): b is Extract<Block, { kind: "table" }> => b.kind === "table" && b.header[0] === first,
  );
  if (found === undefined) throw new Error(`no table starting with ${first}`);
  return found;
}

/** A minimal RFC 4180 reader for the CSV tables (no quoted commas in these). */
const csvRows = (text: string) =>
  text
    .trimEnd()
    .split("\r\n")
    .map((line) => line.split(","));

describe("the estimate sentence", () => {
  test("OR: the odds ratio and its intervals (metafor's predict(transf = exp)), then the log OR and its SE", () => {
    const m = metafor("mortality/OR/REML").model;
    const t = m.transformed!;
    expect(estimateSentence(or)).toBe(
      `Pooled odds ratio: ${fmt(t.estimate)}, 95% CI ${ci(t.ciLower, t.ciUpper)} (log odds ratio ${fmt(m.estimate)}, SE ${fmt(m.se, 3)}), z = ${fmt(or.model.statistic)}, p ${pText(or.model.p)}. 95% prediction interval ${ci(t.piLower, t.piUpper)}.`,
    );
    expect(estimateSentence(or)).toContain("Pooled odds ratio: 0.62, 95% CI [0.41, 0.93]");
  });

  test("Mantel-Haenszel: no prediction interval; the CMH, Breslow-Day and Tarone tests follow", () => {
    const m = metafor("mortality/OR/MH").model;
    const t = m.transformed!;
    const sentence = estimateSentence(mh);
    expect(sentence).toContain(
      `Pooled odds ratio: ${fmt(t.estimate)}, 95% CI ${ci(t.ciLower, t.ciUpper)} (log odds ratio ${fmt(m.estimate)}, SE ${fmt(m.se, 3)})`,
    );
    expect(sentence).toContain("Pooled odds ratio: 0.56, 95% CI [0.38, 0.82]");
    expect(sentence).not.toContain("prediction interval");
    const text = renderText(mh).replace(/\s+/g, " ");
    expect(text).toContain("fixed-effect model, Mantel-Haenszel method");
    const tests = m.tableTests!;
    expect(text).toContain(
      `Cochran-Mantel-Haenszel test of no association: χ² = ${fmt(tests.cochranMantelHaenszel!.statistic)} (df = 1), p = ${fmtP(tests.cochranMantelHaenszel!.p)}`,
    );
    expect(text).toContain(
      `Breslow-Day test of a common odds ratio: χ² = ${fmt(tests.breslowDay!.statistic)} (df = 22), p = ${fmtP(tests.breslowDay!.p)}`,
    );
    expect(text).toContain(
      `with Tarone's correction: χ² = ${fmt(tests.tarone!.statistic)} (df = 22), p = ${fmtP(tests.tarone!.p)}`,
    );
    // Q as for every model; no tau² for a fixed-effect method
    expect(text).toContain(`Heterogeneity: Q = ${fmt(mh.model.Q)} (df = 22)`);
    expect(text).not.toMatch(/Heterogeneity: [^.]*tau²/);
    // the model's label names the method, not a random-effects estimator
    expect(text).toContain("Fixed-effect model (Mantel-Haenszel)");
    expect(text).not.toContain("Random-effects model (MH)");
  });

  test("RR, Peto: their ratios; RD and COR as analysed, with no log-scale values", () => {
    const r = metafor("mortality/RR/REML").model.transformed!;
    expect(estimateSentence(rr)).toContain(
      `Pooled risk ratio: ${fmt(r.estimate)}, 95% CI ${ci(r.ciLower, r.ciUpper)} (log risk ratio`,
    );
    const p = metafor("mortality/PETO/PETO").model.transformed!;
    expect(estimateSentence(peto)).toContain(
      `Pooled Peto odds ratio: ${fmt(p.estimate)}, 95% CI ${ci(p.ciLower, p.ciUpper)} (log odds ratio`,
    );
    const d = metafor("mortality/RD/REML").model;
    expect(estimateSentence(rd)).toBe(
      `Pooled risk difference: ${fmt(d.estimate)}, 95% CI ${ci(d.ciLower, d.ciUpper)}, z = ${fmt(rd.model.statistic)}, p < 0.001. 95% prediction interval ${ci(d.piLower, d.piUpper)}.`,
    );
    const c = metafor("molloy2014/COR/REML").model;
    expect(estimateSentence(cor)).toContain(
      `Pooled correlation coefficient: ${fmt(c.estimate)}, 95% CI ${ci(c.ciLower, c.ciUpper)}, z =`,
    );
  });

  test("ZCOR: the correlation (metafor's transf.ztor), then Fisher's z and its SE", () => {
    const m = metafor("molloy2014/ZCOR/REML").model;
    const t = m.transformed!;
    const sentence = estimateSentence(zcor);
    expect(sentence).toContain(
      `Pooled correlation: ${fmt(t.estimate)}, 95% CI ${ci(t.ciLower, t.ciUpper)} (Fisher's z ${fmt(m.estimate)}, SE ${fmt(m.se, 3)})`,
    );
    expect(sentence).toContain(`95% prediction interval ${ci(t.piLower, t.piUpper)}.`);
    expect(sentence).toContain("95% prediction interval [-0.04, 0.32]");
  });
});

describe("tables on the reader's scale", () => {
  test("studies: events out of animals per arm and each study's odds ratio with its CI", () => {
    const studies = tableOf(or, "Study");
    expect(studies.header).toEqual([
      "Study",
      "Events/n (T)",
      "Events/n (C)",
      "OR",
      "95% CI",
      "Weight",
    ]);
    or.studies.forEach((s, i) => {
      const row = studies.rows[i]!;
      expect(row[1]).toBe(`${s.events1}/${s.n1}`);
      expect(row[3]).toBe(fmt(Math.exp(s.yi)));
    });
    // Zhao 2019: 2/19 against 1/7, OR = (2·6)/(17·1)
    expect(studies.rows[0]!.slice(0, 5)).toEqual([
      "Zhao 2019",
      "2/19",
      "1/7",
      "0.71",
      "[0.05, 9.27]",
    ]);
    // an odds ratio whose bound rounds to 0.00 gets the decimals it needs
    const hernandez = studies.rows.find((r) => r[0] === "Hernandez 2020 (100 µg)")!;
    expect(hernandez[4]).toBe("[0.004, 2.15]");
    const z = tableOf(zcor, "Study");
    expect(z.header).toEqual(["Study", "n", "r", "95% CI", "Weight"]);
    expect(z.rows[0]!.slice(0, 3)).toEqual(["Axelsson et al. 2009", "109", "0.19"]);
  });

  test("subgroups, leave-one-out and cumulative tables, trim-and-fill: odds ratios", () => {
    const byDose = run(mortality, { measure: "OR", by: "dose" });
    const sub = tableOf(byDose, "Subgroup");
    expect(sub.header[2]).toBe("OR");
    byDose.subgroups!.groups.forEach((g, i) => {
      if (g.estimate === null) return;
      expect(sub.rows[i]![2]).toBe(fmt(g.transformed!.estimate));
      expect(sub.rows[i]![3]).toBe(ci(g.transformed!.ciLower, g.transformed!.ciUpper));
    });
    const loo = tableOf(or, "Omitted study");
    expect(loo.header[1]).toBe("OR");
    or.leaveOneOut!.forEach((r, i) => {
      expect(loo.rows[i]![1]).toBe(fmt(Math.exp(r.estimate!)));
      expect(loo.rows[i]![2]).toBe(ci(Math.exp(r.ciLower!), Math.exp(r.ciUpper!)));
    });
    const cumulative = tableOf(or, "Study added");
    expect(cumulative.header[3]).toBe("OR");
    expect(cumulative.rows.at(-1)![3]).toBe("0.62");
    const tf = metafor("mortality/OR/MH").bias.trimFill.transformed!;
    expect(renderText(mh).replace(/\s+/g, " ")).toContain(
      `adjusted odds ratio ${fmt(tf.estimate)} ${ci(tf.ciLower, tf.ciUpper)}`,
    );
  });

  test("the table of models (Dependence) gives odds ratios and keeps the log OR and its SE", () => {
    const models = tableOf(or, "Model");
    expect(models.header).toEqual([
      "Model",
      "OR",
      "95% CI",
      "p",
      "95% prediction interval",
      "log OR",
      "SE",
    ]);
    const ml = or.multilevel!;
    expect(models.rows[2]).toEqual([
      "Three-level model (REML)",
      fmt(Math.exp(ml.estimate)),
      ci(ml.transformed!.ciLower, ml.transformed!.ciUpper),
      fmtP(ml.p),
      ci(ml.transformed!.piLower, ml.transformed!.piUpper),
      fmt(ml.estimate),
      fmt(ml.se, 3),
    ]);
  });

  test("the key figures of report.html are odds ratios", () => {
    const html = renderReport(or, mortality)[0]!.content as string;
    expect(html).toContain("<div>Pooled odds ratio<b>0.62</b></div>");
    expect(html).toContain("<div>95% CI<b>0.41 to 0.93</b></div>");
  });
});

describe("the methods paragraph", () => {
  const text = (a: Analysis) => methodsParagraph(a).text;
  const refs = (a: Analysis) => methodsParagraph(a).references.join("\n");

  test("log OR (Woolf 1955), back-transformed, and the zero-cell rules as applied", () => {
    expect(text(or)).toContain("log odds ratios");
    expect(text(or)).toContain("(Woolf 1955)");
    expect(text(or)).toContain("exponentiated to odds ratios");
    expect(text(or)).toContain(
      "0.5 was added to every cell of the tables with a zero cell; tables with no events (or only events) in both groups were kept.",
    );
    expect(refs(or)).toContain("Annals of Human Genetics 19(4):251-253");
    const all = run(mortality, { measure: "OR", add: 1, to: "all", drop00: true });
    expect(text(all)).toContain(
      "1 was added to every cell of every table; tables with no events (or only events) in both groups were left out of the study effect sizes and the analyses.",
    );
    expect(text(rd)).toContain("risk differences");
    expect(text(rd)).not.toContain("exponentiated");
  });

  test("Mantel-Haenszel with its variance for OR, RR and RD, its tests, and the side analyses' model", () => {
    expect(text(mh)).toContain(
      "Mantel-Haenszel fixed (common) effect method (Mantel & Haenszel 1959)",
    );
    expect(text(mh)).toContain("variance of Robins, Breslow and Greenland (Robins et al. 1986)");
    expect(text(mh)).toContain("Breslow-Day test (Breslow & Day 1980)");
    expect(text(mh)).toContain("Tarone's correction (Tarone 1985)");
    expect(text(mh)).toContain(
      "inverse-variance fixed-effect model of the same study effect sizes",
    );
    expect(text(mh)).toContain("without continuity correction and with every table");
    expect(text(mh)).not.toContain("prediction interval");
    expect(refs(mh)).toContain("Biometrics 42(2):311-323");
    expect(refs(mh)).toContain("Journal of the National Cancer Institute 22(4):719-748");
    // subgroups are pooled by Mantel-Haenszel too, compared by Cochran's Q of their estimates
    const byRoute = run(mortality, { measure: "OR", method: "MH", by: "route" });
    expect(text(byRoute)).toContain(
      "Subgroups defined by route were each pooled by the same method, and differences between subgroups tested with Cochran's Q of the subgroup estimates (Borenstein et al. 2009).",
    );
    expect(text(byRoute)).not.toContain("common tau²");
    expect(tableOf(byRoute, "Test for subgroup differences").rows[0]![0]).toBe(
      "Q of the subgroups' Mantel-Haenszel estimates (as RevMan)",
    );
    const rrMh = run(mortality, { measure: "RR", method: "MH" });
    expect(text(rrMh)).toContain("(Greenland & Robins 1985)");
    expect(text(rrMh)).not.toContain("Breslow-Day");
    const rdMh = run(mortality, { measure: "RD", method: "MH" });
    expect(text(rdMh)).toContain("(Sato et al. 1989)");
    expect(refs(rdMh)).toContain("Biometrics 45(4):1323-1324");
  });

  test("Peto (Yusuf et al. 1985), Peters' test, Fisher's z (Fisher 1921), raw r", () => {
    expect(text(peto)).toContain("Peto's log odds ratios");
    expect(text(peto)).toContain("(Yusuf et al. 1985)");
    const peters = run(mortality, { measure: "OR", eggerPredictor: "ninv" });
    expect(text(peters)).toContain(
      "Peters' regression test on the inverse of the total sample size (Peters et al. 2006)",
    );
    expect(refs(peters)).toContain("JAMA 295(6):676-680");
    expect(renderText(peters)).toContain("Peters' regression test (predictor: 1/n");
    const sqrt = run(mortality, { measure: "OR", eggerPredictor: "sqrtninv" });
    expect(text(sqrt)).toContain("inverse square root of the total sample size");
    expect(text(zcor)).toContain("Fisher's z");
    expect(text(zcor)).toContain("(Fisher 1921)");
    expect(refs(zcor)).toContain("Metron 1:3-32");
    expect(text(cor)).toContain("raw correlation coefficients");
    // every reference is cited in the text, once in the list
    for (const a of [or, mh, peto, peters, zcor]) {
      const list = methodsParagraph(a).references;
      expect(new Set(list).size).toBe(list.length);
    }
  });
});

describe("the plain-language summary", () => {
  const found = (a: Analysis, options = {}) => laySummary(a, options).sections[1]!.text;
  const all = (a: Analysis) =>
    laySummary(a)
      .sections.map((s) => s.text)
      .join(" ");

  test("OR: odds in words, with the event named", () => {
    const text = found(or, { outcome: "death" });
    expect(text).toContain(
      "Animals given the treatment had 0.62 times the odds of death that control animals had.",
    );
    expect(text).toContain("between 0.41 and 0.93 times the odds without it");
    expect(text).toContain('does not include "no difference" (the same odds in both groups)');
    // an odds ratio of about one half reads as "about half"
    const half = { ...or, model: { ...or.model, estimate: Math.log(0.52) } };
    expect(found(half, { outcome: "death" })).toContain(
      "had about half the odds of death that control animals had (0.52 times the odds)",
    );
    expect(laySummary(or).sections[0]!.text).toContain("counted how often the event happened");
  });

  test("RR: as likely; a range that includes a ratio of 1 is no clear difference", () => {
    const text = found(rr, { outcome: "death" });
    expect(text).toContain(
      "Death was about three-quarters as likely in animals given the treatment as in control animals (0.76 times the risk).",
    );
    expect(rr.model.ciUpper! > 0).toBe(true);
    expect(text).toContain('includes "no difference" (the same risk in both groups)');
  });

  test("RD: events per 100 animals", () => {
    const text = found(rd);
    const per100 = Math.round(-100 * rd.model.estimate);
    expect(per100).toBe(10);
    expect(text).toContain(
      `The event happened to about ${per100} fewer out of every 100 animals given the treatment than out of every 100 control animals.`,
    );
    expect(text).toContain("between 16 fewer and 4 fewer per 100 animals");
  });

  test("ZCOR and COR: the size of the correlation on Cohen's scale, and no association", () => {
    const text = found(zcor);
    expect(text).toContain("a small positive correlation (r = 0.15;");
    expect(text).toContain("0.1 counts as small, 0.3 as moderate and 0.5 as large");
    expect(text).toContain("between 0.09 and 0.21");
    expect(text).toContain('does not include "no association"');
    expect(found(cor)).toContain("a small positive correlation (r = 0.15;");
    expect(all(zcor)).toContain("anything from a correlation of -0.04 to a correlation of 0.32");
    expect(all(zcor)).toContain("which includes no association or even the opposite association");
    expect(laySummary(zcor).sections[0]!.text).not.toContain("control group");
    const moderate = { ...zcor, model: { ...zcor.model, estimate: Math.atanh(0.35) } };
    expect(found(moderate)).toContain("a moderate positive correlation (r = 0.35;");
  });

  test("no statistical jargon for any of these measures", () => {
    for (const a of [or, mh, rr, rd, peto, zcor, cor]) {
      for (const word of ["CI", "tau", "I²", "log", "Fisher", "p =", "Mantel", "odds ratio"])
        expect(all(a), `${a.settings.measure}/${a.settings.method}: ${word}`).not.toContain(word);
    }
  });
});

describe("CSV tables", () => {
  test("studies.csv keeps its columns and adds the odds ratio and the 2×2 counts at the end", () => {
    const rows = csvRows(studiesCsv(or));
    expect(rows[0]).toEqual([
      "study",
      "row",
      "yi",
      "vi",
      "sei",
      "ci_lower",
      "ci_upper",
      "weight_percent",
      "or",
      "or_ci_lower",
      "or_ci_upper",
      "events_treatment",
      "n_treatment",
      "events_control",
      "n_control",
    ]);
    or.studies.forEach((s, i) => {
      const r = rows[i + 1]!;
      expect(Number(r[2])).toBe(s.yi);
      expect(Number(r[8])).toBe(Math.exp(s.yi));
      expect(Number(r[9])).toBe(Math.exp(s.ciLower));
      expect(r.slice(11).map(Number)).toEqual([s.events1, s.n1, s.events2, s.n2]);
    });
    const z = csvRows(studiesCsv(zcor));
    expect(z[0]!.slice(8)).toEqual(["r", "r_ci_lower", "r_ci_upper"]);
    expect(Number(z[1]![8])).toBe(Math.tanh(zcor.studies[0]!.yi));
    // RD is read as analysed: only the counts are added
    expect(csvRows(studiesCsv(rd))[0]!.slice(8)).toEqual([
      "events_treatment",
      "n_treatment",
      "events_control",
      "n_control",
    ]);
    // continuous measures: unchanged
    expect(csvRows(studiesCsv(analyze(exampleTable(), {})))[0]).toHaveLength(8);
  });

  test("model.csv: scale, the odds ratio with CI and PI, and for Mantel-Haenszel its tests", () => {
    const [header, row] = csvRows(modelCsv(or));
    // The continuous measures' columns first, then the odds ratio's; the heterogeneity CIs last.
    expect(header!.slice(0, 17)).toEqual(
      csvRows(modelCsv(analyze(exampleTable(), {})))[0]!.slice(0, 17),
    );
    expect(header!.slice(17, 23)).toEqual([
      "scale",
      "or",
      "or_ci_lower",
      "or_ci_upper",
      "or_pi_lower",
      "or_pi_upper",
    ]);
    const t = metafor("mortality/OR/REML").model.transformed!;
    expect(row![17]).toBe("log");
    const col = (name: string) => Number(row![header!.indexOf(name)]);
    expect(Math.abs(col("or") - t.estimate)).toBeLessThan(1e-9);
    expect(Math.abs(col("or_pi_upper") - t.piUpper!)).toBeLessThan(1e-9);
    const [mhHeader, mhRow] = csvRows(modelCsv(mh));
    expect(mhHeader!.slice(-15, -7)).toEqual([
      "cmh_statistic",
      "cmh_p",
      "breslow_day_statistic",
      "breslow_day_df",
      "breslow_day_p",
      "tarone_statistic",
      "tarone_df",
      "tarone_p",
    ]);
    const tests = metafor("mortality/OR/MH").model.tableTests!;
    const cmh = Number(mhRow![mhHeader!.indexOf("cmh_statistic")]);
    expect(Math.abs(cmh - tests.cochranMantelHaenszel!.statistic)).toBeLessThan(1e-6);
    expect(mhRow![mhHeader!.indexOf("or_pi_lower")]).toBe(""); // no PI under MH
  });

  test("subgroups.csv and leave-one-out.csv add the odds ratios at the end", () => {
    const byDose = run(mortality, { measure: "OR", by: "dose" });
    const sub = csvRows(subgroupsCsv(byDose)!);
    expect(sub[0]!.slice(15, 20)).toEqual([
      "or",
      "or_ci_lower",
      "or_ci_upper",
      "or_pi_lower",
      "or_pi_upper",
    ]);
    const g = byDose.subgroups!.groups[0]!;
    expect(Number(sub[1]![15])).toBe(g.transformed!.estimate);
    // 15 columns, the 5 of the odds ratio, the 4 of the tau² and I² CIs
    for (const r of sub.filter((r) => r[0]!.startsWith("test"))) expect(r).toHaveLength(24);
    const loo = csvRows(leaveOneOutCsv(or)!);
    expect(loo[0]!.slice(9)).toEqual(["or", "or_ci_lower", "or_ci_upper"]);
    expect(Number(loo[1]![9])).toBe(Math.exp(or.leaveOneOut![0]!.estimate!));
  });
});

describe("plots", () => {
  /** Tick positions and labels of the effect axis of an SVG. */
  function ticks(svg: string): { value: number; x: number; label: string }[] {
    return [
      ...svg.matchAll(
        /<g class="axis-tick" data-value="([^"]+)"><line x1="([^"]+)"[^>]*\/><text[^>]*>([^<]+)<\/text>/g,
      ),
    ].map((m) => ({ value: Number(m[1]), x: Number(m[2]), label: m[3]! }));
  }
  const svgOf = (a: Analysis, file: string) =>
    renderPlots(a).plots.find((p) => p.file === file)!.svg;

  test("forest plot of odds ratios: a log axis labelled with ratios, the line of no effect at 1", () => {
    const svg = svgOf(or, "forest.svg");
    expect(svg).toContain(">Odds ratio</text>");
    expect(svg).toContain("OR [95% CI]");
    expect(svg).toContain("Events/n (T)");
    expect(svg).toContain(">2/19</text>");
    expect(svg).toContain("0.62 [0.41, 0.93]");
    const axis = ticks(svg);
    expect(axis.map((t) => t.label)).toContain("1");
    expect(axis.map((t) => t.label)).toContain("10");
    // each label is the ratio exp(position), and positions are linear in the log
    for (const t of axis)
      expect(Math.abs(Math.exp(t.value) / Number(t.label) - 1)).toBeLessThan(0.01);
    const [a, b] = [axis[0]!, axis.at(-1)!];
    const pxPerLog = (b.x - a.x) / (b.value - a.value);
    for (const t of axis)
      expect(Math.abs(a.x + (t.value - a.value) * pxPerLog - t.x)).toBeLessThan(0.5);
    const one = axis.find((t) => t.label === "1")!;
    expect(svg).toMatch(new RegExp(`<line x1="${one.x}"[^>]*class="reference-line"`));
  });

  test("every effect axis speaks the measure: funnel, leave-one-out, cumulative; RR, RD, ZCOR, COR", () => {
    for (const file of ["funnel.svg", "funnel-contour.svg", "leave-one-out.svg", "cumulative.svg"])
      expect(svgOf(or, file), file).toContain(">Odds ratio</text>");
    expect(svgOf(rr, "forest.svg")).toContain(">Risk ratio</text>");
    expect(svgOf(peto, "forest.svg")).toContain(">Peto odds ratio</text>");
    expect(svgOf(rd, "forest.svg")).toContain(">Risk difference</text>");
    expect(svgOf(rd, "forest.svg")).toContain("RD [95% CI]");
    const z = svgOf(zcor, "forest.svg");
    expect(z).toContain(">Correlation (r)</text>");
    expect(z).toContain("r [95% CI]");
    // the fisher-z axis labels correlations at atanh(r)
    expect(ticks(z).length).toBeGreaterThan(2);
    for (const t of ticks(z))
      expect(Math.abs(Math.tanh(t.value) - Number(t.label.replace("−", "-")))).toBeLessThan(0.01);
    expect(svgOf(cor, "forest.svg")).toContain(">Correlation (r)</text>");
    // the radial plot's slope is on the analysis scale, and says so
    expect(svgOf(or, "galbraith.svg")).toContain("Pooled log odds ratio");
  });

  test("under Mantel-Haenszel the refits say which model they come from", () => {
    const loo = renderPlots(mh).plots.find((p) => p.file === "leave-one-out.svg")!;
    expect(loo.caption).toContain("inverse-variance fixed-effect model");
    expect(loo.svg).toContain("Fixed-effect model (Mantel-Haenszel)");
  });
});
