/**
 * The Dependence section's view logic: which model the summary leads with, and the tables of the
 * three-level model, from the pipeline's own analysis of the example (29 experiments in 21
 * publications) and from hand-made analyses with missing values.
 */
import { describe, expect, it } from "vitest";
import type { AnalysisView, MultilevelView, Settings } from "../../src/api.js";
import {
  dependenceView,
  formatMultilevelHeterogeneity,
  leadModel,
  multilevelRegressionTables,
  publicationCounts,
} from "../../src/view/dependence.js";
import {
  formatAnalysedEstimate,
  formatEstimate,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  formatRobust,
} from "../../src/view/format.js";
import { resultTables } from "../../src/view/results.js";
import { DEFAULT_SETTINGS } from "../../src/view/settings.js";
import { exampleFile, referenceAnalysis, referenceParse } from "../reference.js";

async function exampleAnalysis(settings: Partial<Settings>): Promise<AnalysisView> {
  const example = await exampleFile();
  const full: Settings = { ...DEFAULT_SETTINGS, ...settings };
  return referenceAnalysis(await referenceParse(example.bytes, example.name, full.measure), full);
}

describe("the summary's model", () => {
  it("is the standard model unless the three-level one is asked for", async () => {
    const standard = await exampleAnalysis({ measure: "ROM" });
    const threeLevel = await exampleAnalysis({ measure: "ROM", model: "three-level" });
    expect(standard.multilevel).toBeTruthy();
    expect(leadModel(standard)).toMatchObject({
      threeLevel: false,
      estimate: standard.model.estimate,
      robust: standard.model.robust,
      transformed: standard.model.transformed,
    });
    const ml = threeLevel.multilevel!;
    expect(leadModel(threeLevel)).toMatchObject({
      threeLevel: true,
      k: 29,
      clusters: 21,
      estimate: ml.estimate,
      ciLower: ml.ciLower,
      robust: ml.robust,
      // ROM is pooled as a log ratio: the pipeline's ratio of means leads.
      scale: "log",
      transformed: ml.transformed,
    });
    const t = ml.transformed!;
    expect(t.estimate).toBeGreaterThan(1);
    expect(formatEstimate(leadModel(threeLevel), "ROM")).toBe(
      `Ratio of means ${formatNumber(t.estimate)} ${formatInterval(t.ciLower, t.ciUpper)}, p < 0.001 (k = 29 in 21 publications)`,
    );
    expect(formatAnalysedEstimate(leadModel(threeLevel), "ROM")).toBe(
      `As analysed: log ratio of means ${formatNumber(ml.estimate)} ${formatInterval(ml.ciLower, ml.ciUpper)}`,
    );
  });
  it("writes the CR2 interval and the three-level heterogeneity in one line each", () => {
    expect(formatRobust({ se: 0.3, df: 15.44, ciLower: 2.71, ciUpper: 4.05, p: 0.02 })).toBe(
      "Clustered by publication (CR2): 95% CI [2.71, 4.05], t(15.4), p = 0.020",
    );
    expect(formatRobust({ se: 0.3, df: 3, ciLower: 1, ciUpper: 2, p: 1e-5, clusters: 4 })).toMatch(
      /^Clustered by publication \(CR2, 4 publications\): .*, t\(3\.0\), p < 0\.001$/,
    );
    expect(formatMultilevelHeterogeneity(multilevel())).toBe(
      "σ² between publications = 0.120; σ² within = –; I² = 40.0% (between 30.0%, within –)",
    );
  });
});

/** A three-level result with the values a fit can leave missing set to null. */
function multilevel(): MultilevelView {
  return {
    k: 4,
    clusters: 3,
    method: "REML",
    estimate: 1.5,
    se: 0.25,
    ciLower: 1.01,
    ciUpper: 1.99,
    p: 0.0001,
    piLower: 0.5,
    piUpper: 2.5,
    sigma2Between: 0.12,
    sigma2Within: Number.NaN,
    sigma2BetweenCiLower: 0,
    sigma2BetweenCiUpper: 0.9,
    sigma2WithinCiLower: null,
    sigma2WithinCiUpper: null,
    I2Between: 30,
    I2Within: null,
    I2Total: 40,
    lrtBetween: { statistic: 2.5, df: 1, p: 0.114 },
    lrtWithin: null,
    robust: null,
    notes: ["σ²_within is fixed at 0."],
  };
}

const small: AnalysisView = {
  settings: { measure: "MD", method: "REML", test: "z", model: "standard", cluster: "paper" },
  studies: [
    { study: "A", yi: 1, vi: 0.1, weight: 25, cluster: "P1" },
    { study: "B", yi: 2, vi: 0.1, weight: 25, cluster: "P1" },
    { study: "C", yi: 1, vi: 0.1, weight: 25, cluster: "P2" },
    { study: "D", yi: 2, vi: 0.1, weight: 25, cluster: "P3" },
  ],
  model: {
    k: 4,
    estimate: 1.5,
    se: 0.2,
    ciLower: 1.1,
    ciUpper: 1.9,
    p: 0.0001,
    tau2: 0.1,
    I2: 40,
    H2: 1.7,
    Q: 5,
    Qp: 0.17,
    piLower: 0.6,
    piUpper: 2.4,
    robust: { se: 0.21, df: 1.8, ciLower: 0.6, ciUpper: 2.4, p: 0.02, clusters: 3 },
  },
  multilevel: multilevel(),
};

describe("the Dependence section", () => {
  it("is absent without the three-level model", () => {
    expect(dependenceView({ ...small, multilevel: null })).toBeNull();
    expect(dependenceView({ ...small, multilevel: undefined })).toBeNull();
  });
  it("counts publications from the studies' publication labels", () => {
    expect(publicationCounts(small)).toEqual({
      experiments: 4,
      publications: 3,
      repeated: 1,
      largest: 2,
    });
    expect(dependenceView(small)!.lead).toMatch(
      /^4 experiments from 3 publications \(column “paper”\); 1 publication reports two or more \(up to 2\)\./,
    );
  });
  it("prints missing values as dashes, and leaves cells that do not apply empty", () => {
    const view = dependenceView(small)!;
    expect(view.notes).toEqual(["σ²_within is fixed at 0."]);
    const [models, variance] = view.tables;
    expect(models!.rows).toEqual([
      [
        "Standard: random effects (REML)",
        "1.50",
        "[1.10, 1.90]",
        "< 0.001",
        "[0.60, 2.40]",
        "0.200",
      ],
      ["Standard, cluster-robust (CR2, t(1.8))", "1.50", "[0.60, 2.40]", "0.020", "", "0.210"],
      ["Three-level (REML)", "1.50", "[1.01, 1.99]", "< 0.001", "[0.50, 2.50]", "0.250"],
      ["Three-level, cluster-robust (CR2)", "–", "–", "–", "", "–"],
    ]);
    expect(variance!.rows).toEqual([
      ["Between publications", "0.1200", "[0.0000, 0.9000]", "30.0%", "χ²(1) = 2.50", "0.114"],
      ["Within publications (between experiments)", "–", "[–, –]", "–", "–", "–"],
      ["Total", "–", "", "40.0%", "", ""],
    ]);
    // The standard model's own tables stay, the heterogeneity one now named as the standard's.
    const threeLevel = { ...small, settings: { ...small.settings!, model: "three-level" } };
    expect(resultTables(threeLevel)[0]!.caption).toBe("Heterogeneity (standard model)");
    expect(resultTables(small)[0]!.caption).toBe("Heterogeneity");
  });
  it("shows the pipeline's three-level subgroups and meta-regression with their CR2 tests", async () => {
    const a = await exampleAnalysis({
      measure: "SMD",
      model: "three-level",
      by: "route",
      mods: ["year"],
    });
    const view = dependenceView(a)!;
    expect(view.tables.map((t) => t.id)).toEqual([
      "dependence-models",
      "dependence-variance",
      "dependence-subgroups",
      "dependence-subgroup-test",
      "dependence-regression",
      "dependence-regression-tests",
    ]);
    const ml = a.multilevel!;
    expect(view.tables[1]!.rows[0]).toEqual([
      "Between publications",
      formatNumber(ml.sigma2Between, 4),
      formatInterval(ml.sigma2BetweenCiLower, ml.sigma2BetweenCiUpper, 4),
      formatPercent(ml.I2Between),
      `χ²(1) = ${formatNumber(ml.lrtBetween!.statistic, 2)}`,
      formatP(ml.lrtBetween!.p),
    ]);
    const reg = a.regression!.multilevel!;
    const [terms, tests] = multilevelRegressionTables(a);
    expect(terms!.rows.map((r) => r[0])).toEqual(reg.terms.map((t) => t.name));
    expect(terms!.rows[1]!.slice(5)).toEqual([
      formatNumber(reg.terms[1]!.robustSe, 3),
      formatNumber(reg.terms[1]!.robustDf, 1),
      formatP(reg.terms[1]!.robustP),
    ]);
    expect(tests!.rows[1]![0]).toMatch(/^Cluster-robust HTZ F\(1, \d+\.\d\)$/);
    expect(a.subgroups!.multilevel!.groups.map((g) => g.level)).toEqual(
      view.tables[2]!.rows.map((r) => r[0]),
    );
  });
});
