/**
 * Experiments nested in publications (analysis/dependence.ts): the JSON blocks
 * model.robust, multilevel, regression.multilevel and subgroups.multilevel against the stats
 * engine called directly (rmaMultilevel, robustCR2) on the bundled example; when each block
 * exists; the --cluster and --model checks; and failures that cost only their own block.
 */
import {
  multilevelBootstrap,
  multilevelPermutationTest,
  rma,
  rmaMultilevel,
  robustCR2,
} from "@pooled/stats";
import { describe, expect, test } from "vitest";
import {
  AnalysisInputError,
  analyze,
  analyzeAsync,
  prepareAnalysis,
} from "../../src/analysis/index.js";
import {
  collectBadValues,
  exampleTable,
  expectAllClose,
  givenEffects,
  sideWith,
} from "../support/analysis-helpers.js";

const bbb = exampleTable();
const standard = analyze(bbb);
const publications = bbb.rows.map((r) => r.cluster!);
const { yi, vi } = standard.studies.reduce(
  (acc, s) => {
    acc.yi.push(s.yi);
    acc.vi.push(s.vi);
    return acc;
  },
  { yi: [] as number[], vi: [] as number[] },
);
const labels = standard.studies.map((s) => s.study);

/** The example's three-level model, fitted directly. */
const direct = rmaMultilevel({ yi, vi, cluster: publications }, { labels });

/** Six studies in four publications (two with two experiments), given effects. */
function nested(extra: Record<string, string | number>[] = []) {
  const rows = [
    { study: "A1", yi: 0.3, vi: 0.04, publication: "A", lab: "x" },
    { study: "A2", yi: 0.5, vi: 0.05, publication: "A", lab: "x" },
    { study: "B1", yi: 0.9, vi: 0.03, publication: "B", lab: "x" },
    { study: "B2", yi: 1.1, vi: 0.04, publication: "B", lab: "y" },
    { study: "C1", yi: 0.2, vi: 0.06, publication: "C", lab: "y" },
    { study: "D1", yi: 0.6, vi: 0.05, publication: "D", lab: "y" },
  ];
  return givenEffects(rows.map((r, i) => ({ ...r, ...extra[i] })));
}

describe("the JSON contract on the bundled example (29 experiments in 21 publications)", () => {
  test("settings echo the publication column and the model", () => {
    expect(standard.settings.cluster).toBe("publication");
    expect(standard.settings.model).toBe("standard");
    expect(standard.studies.map((s) => s.cluster)).toEqual(publications);
  });

  test("model.robust is robustCR2 of the standard model (sigma2Between 0, sigma2Within tau²)", () => {
    const model = rma({ yi, vi });
    const cr2 = robustCR2({
      yi,
      vi,
      X: new Array<number>(yi.length).fill(1),
      k: yi.length,
      p: 1,
      cluster: publications,
      sigma2Between: 0,
      sigma2Within: model.tau2,
      termNames: ["intrcpt"],
    }).coefficients[0]!;
    const robust = standard.model.robust!;
    expect(Object.keys(robust)).toEqual(
      expect.arrayContaining(["se", "df", "ciLower", "ciUpper", "p"]),
    );
    expect(robust).toMatchObject({
      se: cr2.se,
      df: cr2.df,
      ciLower: cr2.ciLower,
      ciUpper: cr2.ciUpper,
      p: cr2.p,
      clusters: 21,
    });
  });

  test("multilevel is present (a publication has 2+ rows) and equals rmaMultilevel", () => {
    const ml = standard.multilevel!;
    expect(Object.keys(ml)).toEqual(
      expect.arrayContaining([
        "k",
        "clusters",
        "method",
        "estimate",
        "se",
        "ciLower",
        "ciUpper",
        "p",
        "piLower",
        "piUpper",
        "sigma2Between",
        "sigma2Within",
        "sigma2BetweenCiLower",
        "sigma2BetweenCiUpper",
        "sigma2WithinCiLower",
        "sigma2WithinCiUpper",
        "I2Between",
        "I2Within",
        "I2Total",
        "lrtBetween",
        "lrtWithin",
        "robust",
      ]),
    );
    const c = direct.coefficients[0]!;
    expect(ml).toMatchObject({
      k: 29,
      clusters: 21,
      method: "REML",
      test: "z",
      estimate: c.estimate,
      se: c.se,
      ciLower: c.ciLower,
      ciUpper: c.ciUpper,
      p: c.p,
      piLower: direct.prediction!.piLower,
      piUpper: direct.prediction!.piUpper,
      sigma2Between: direct.sigma2Between.estimate,
      sigma2Within: direct.sigma2Within.estimate,
      sigma2BetweenCiLower: direct.sigma2Between.ciLower,
      sigma2BetweenCiUpper: direct.sigma2Between.ciUpper,
      sigma2WithinCiLower: direct.sigma2Within.ciLower,
      sigma2WithinCiUpper: direct.sigma2Within.ciUpper,
      I2Between: direct.I2Between,
      I2Within: direct.I2Within,
      I2Total: direct.I2Total,
      lrtBetween: direct.lrtBetween,
      lrtWithin: direct.lrtWithin,
      withinIdentifiable: true,
    });
    const r = direct.robust!.coefficients[0]!;
    expect(ml.robust).toMatchObject({
      se: r.se,
      df: r.df,
      ciLower: r.ciLower,
      ciUpper: r.ciUpper,
      p: r.p,
    });
    expect(collectBadValues(standard)).toEqual([]);
  });

  test("three-level weights: percentages of diag(V⁻¹); with sigma²_between = 0 the standard model's", () => {
    const w = standard.multilevel!.weights;
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 10);
    // On this example sigma²_between is 0 and sigma²_within is the standard model's tau², so
    // V = diag(vᵢ + tau²) and the weights are the standard model's.
    expect(standard.multilevel!.sigma2Between).toBe(0);
    expectAllClose(
      w,
      standard.studies.map((s) => s.weight),
      "weights",
    );
  });

  test("--model three-level: the same block, its notes among the warnings", () => {
    const a = analyze(bbb, { model: "three-level" });
    expect(a.settings.model).toBe("three-level");
    expect(a.multilevel).toEqual(standard.multilevel);
    expect(a.model).toEqual(standard.model);
  });

  test("--test knha maps to the three-level model's t test (k - p df)", () => {
    const a = analyze(bbb, { model: "three-level", test: "knha" });
    const t = rmaMultilevel({ yi, vi, cluster: publications }, { labels, test: "t" });
    expect(a.multilevel).toMatchObject({
      test: "t",
      df: 28,
      ciLower: t.coefficients[0]!.ciLower,
      p: t.coefficients[0]!.p,
      piUpper: t.prediction!.piUpper,
    });
  });

  test("--method ML fits the three-level model by ML; DL (standard) leaves it REML", () => {
    expect(analyze(bbb, { model: "three-level", method: "ML" }).multilevel!.method).toBe("ML");
    expect(analyze(bbb, { method: "DL" }).multilevel!.method).toBe("REML");
  });
});

describe("when each block exists", () => {
  test("no publication column: model.robust and multilevel are null", () => {
    const a = analyze(
      givenEffects([
        { study: "A", yi: 0.3, vi: 0.04 },
        { study: "B", yi: 0.5, vi: 0.05 },
        { study: "C", yi: 0.9, vi: 0.03 },
      ]),
    );
    expect(a.settings.cluster).toBeNull();
    expect(a.model.robust).toBeNull();
    expect(a.multilevel).toBeNull();
    expect(a.studies.every((s) => s.cluster === null)).toBe(true);
  });

  test("one experiment per publication: model.robust, no multilevel unless asked for", () => {
    const table = nested([{}, { publication: "E" }, {}, { publication: "F" }, {}, {}]);
    const a = analyze(table);
    expect(a.model.robust).not.toBeNull();
    expect(a.multilevel).toBeNull();
    const three = analyze(table, { model: "three-level" });
    expect(three.multilevel!.withinIdentifiable).toBe(false);
    expect(three.multilevel!.sigma2Within).toBe(0);
    expect(three.multilevel!.lrtWithin).toBeNull();
    expect(three.warnings.some((w) => w.startsWith("Three-level model: Every publication"))).toBe(
      true,
    );
  });

  test("--cluster names any column; the recognised publication column is the default", () => {
    const a = analyze(nested(), { cluster: "lab" });
    expect(a.settings.cluster).toBe("lab");
    expect(a.multilevel!.clusters).toBe(2);
    expect(analyze(nested()).multilevel!.clusters).toBe(4);
  });
});

describe("input checks", () => {
  const problemsOf = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AnalysisInputError);
      return (error as AnalysisInputError).problems;
    }
    throw new Error("expected an AnalysisInputError");
  };

  test("--cluster naming a missing column: the column and the headers", () => {
    const [p] = problemsOf(() => analyze(nested(), { cluster: "paper_id" }));
    expect(p).toMatchObject({ column: "paper_id", found: "no such column" });
    expect(p!.expected).toContain('a column named "paper_id" for --cluster');
    expect(p!.expected).toContain("study, yi, vi, publication, lab");
  });

  test("an empty publication cell: file, row and column", () => {
    const table = nested([{}, {}, { publication: "" }]);
    const problems = problemsOf(() => analyze(table));
    expect(problems).toEqual([
      expect.objectContaining({
        file: "forced.csv",
        row: 4,
        column: "publication",
        found: "an empty cell",
      }),
    ]);
  });

  test("--model three-level needs a publication column, REML or ML, and a known model", () => {
    const plain = givenEffects([
      { study: "A", yi: 0.3, vi: 0.04 },
      { study: "B", yi: 0.5, vi: 0.05 },
    ]);
    expect(problemsOf(() => analyze(plain, { model: "three-level" }))[0]!.expected).toContain(
      "a publication column for --model three-level",
    );
    const [method] = problemsOf(() => analyze(bbb, { model: "three-level", method: "DL" }));
    expect(method).toMatchObject({ found: "--method DL" });
    expect(method!.expected).toContain("--method REML or ML with --model three-level");
    const [model] = problemsOf(() =>
      analyze(bbb, { model: "four-level" as unknown as "three-level" }),
    );
    expect(model).toMatchObject({
      expected: "--model standard or three-level",
      found: "four-level",
    });
  });
});

describe("meta-regression and subgroups in the three-level model", () => {
  const a = analyze(bbb, { model: "three-level", mods: ["year", "route"], by: "dose" });

  test("regression.multilevel equals rmaMultilevel with the moderators, CR2 beside", () => {
    const year = bbb.rows.map((r) => r.year!);
    const route = bbb.rows.map((r) => String(r.extra.route));
    const fit = rmaMultilevel(
      { yi, vi, cluster: publications },
      {
        labels,
        intervals: false,
        mods: [
          { name: "year", type: "continuous", values: year },
          { name: "route", type: "categorical", values: route },
        ],
      },
    );
    const reg = a.regression!.multilevel!;
    expect(reg.terms.map((t) => t.name)).toEqual(fit.termNames);
    fit.coefficients.forEach((c, j) => {
      const r = fit.robust!.coefficients[j]!;
      expect(reg.terms[j]).toMatchObject({
        estimate: c.estimate,
        se: c.se,
        ciLower: c.ciLower,
        ciUpper: c.ciUpper,
        p: c.p,
        robustSe: r.se,
        robustDf: r.df,
        robustP: r.p,
      });
    });
    expect(reg).toMatchObject({
      QM: fit.QM.statistic,
      QMdf: fit.QM.df,
      QMp: fit.QM.p,
      robustQM: {
        statistic: fit.robust!.wald!.statistic,
        df1: fit.robust!.wald!.df1,
        df2: fit.robust!.wald!.df2,
        p: fit.robust!.wald!.p,
      },
    });
    // The standard meta-regression is unchanged beside it.
    expect(analyze(bbb, { mods: ["year", "route"] }).regression!.multilevel).toBeNull();
  });

  test("subgroups.multilevel: a three-level model per level and the QM of the subgroup column", () => {
    const sub = a.subgroups!.multilevel!;
    const dose = bbb.rows.map((r) => String(r.extra.dose));
    expect(sub.groups.map((g) => g.level)).toEqual(a.subgroups!.groups.map((g) => g.level));
    for (const g of sub.groups) {
      const rows = dose.flatMap((d, i) => (d === g.level ? [i] : []));
      const fit = rmaMultilevel(
        {
          yi: rows.map((i) => yi[i]!),
          vi: rows.map((i) => vi[i]!),
          cluster: rows.map((i) => publications[i]!),
        },
        { intervals: false, robust: false },
      );
      expect(g).toMatchObject({
        k: rows.length,
        clusters: new Set(rows.map((i) => publications[i])).size,
        estimate: fit.coefficients[0]!.estimate,
        se: fit.coefficients[0]!.se,
        ciLower: fit.coefficients[0]!.ciLower,
        ciUpper: fit.coefficients[0]!.ciUpper,
        sigma2Between: fit.sigma2Between.estimate,
        sigma2Within: fit.sigma2Within.estimate,
      });
    }
    const full = rmaMultilevel(
      { yi, vi, cluster: publications },
      {
        intervals: false,
        robust: false,
        mods: [{ name: "dose", type: "categorical", values: dose }],
      },
    );
    expect(sub.test).toMatchObject({ QM: full.QM.statistic, df: 3, p: full.QM.p });
    expect(analyze(bbb, { by: "dose" }).subgroups!.multilevel).toBeNull();
  });

  test("a level whose model cannot be fitted (one experiment) is null with a warning; the rest stands", () => {
    const a1 = analyze(nested(), { model: "three-level", by: "lab" });
    expect(a1.subgroups!.multilevel!.groups.every((g) => g.estimate !== null)).toBe(true);
    const table = nested([
      { lab: "x" },
      { lab: "x" },
      { lab: "x" },
      { lab: "x" },
      { lab: "x" },
      { lab: "z" },
    ]);
    const a2 = analyze(table, { model: "three-level", by: "lab" });
    const [x, z] = a2.subgroups!.multilevel!.groups;
    expect(x!.estimate).not.toBeNull();
    expect(z).toMatchObject({ level: "z", k: 1, estimate: null, sigma2Between: null });
    expect(
      a2.warnings.some((w) =>
        w.startsWith('Three-level model of subgroup "z" could not be computed: '),
      ),
    ).toBe(true);
    expect(a2.subgroups!.multilevel!.test).not.toBeNull();
  });
});

describe("a failure costs only its own block, except the model asked for", () => {
  const boom = () => {
    throw new Error("made to fail");
  };

  test("CR2 failing: model.robust null and a warning", () => {
    const a = analyzeWith({ robustCR2: boom });
    expect(a.model.robust).toBeNull();
    expect(a.warnings).toContain(
      "Cluster-robust (CR2) inference could not be computed: made to fail",
    );
    expect(a.multilevel).not.toBeNull();
  });

  test("the three-level model failing when not asked for: multilevel null and a warning", () => {
    const a = analyzeWith({ multilevel: boom });
    expect(a.multilevel).toBeNull();
    expect(a.warnings).toContain("The three-level model could not be computed: made to fail");
    expect(a.model.robust).not.toBeNull();
  });

  test("the three-level model failing when asked for stops the run", () => {
    expect(() => prepare({ model: "three-level" }, { multilevel: boom })).toThrow("made to fail");
  });
});

function prepare(options: Parameters<typeof analyze>[1], replaced: Parameters<typeof sideWith>[0]) {
  return prepareAnalysis(bbb, options ?? {}, sideWith(replaced)).analysis;
}

function analyzeWith(replaced: Parameters<typeof sideWith>[0]) {
  return prepare({}, replaced);
}

describe("resampling the three-level model (--model three-level with --permutations, --bootstrap)", () => {
  test("multilevel.permutation and multilevel.bootstrap are the engine's, publications the unit", async () => {
    const analysis = await analyzeAsync(bbb, {
      model: "three-level",
      permutations: 200,
      bootstrap: 200,
      seed: 11,
    });
    const block = analysis.multilevel!;
    const perm = await multilevelPermutationTest(direct, { iterations: 200, seed: 11 });
    expect(block.permutation).toEqual({
      seed: 11,
      iterations: 200,
      unit: "publications",
      terms: [{ name: "intrcpt", p: perm.coefficients[0]!.p }],
      QMp: perm.QM.p,
      failed: perm.failed,
    });
    const boot = await multilevelBootstrap(direct, { replicates: 200, seed: 11 });
    expect(block.bootstrap!.clusters).toBe(21);
    expect(block.bootstrap!.iterations).toBe(200);
    expect(block.bootstrap!.estimate.percentileLower).toBe(boot.statistics[0]!.percentile!.lower);
    expect(block.bootstrap!.sigma2Within.percentileUpper).toBe(
      boot.statistics[2]!.percentile!.upper,
    );
    // the standard model's resampling is still there
    expect(analysis.permutation).not.toBeNull();
    expect(analysis.bootstrap).not.toBeNull();
  });

  test("a failing three-level bootstrap costs only its block, with a warning", async () => {
    const side = sideWith({
      multilevelBootstrap: async () => {
        throw new Error("boom");
      },
    });
    const analysis = await analyzeAsync(
      bbb,
      { model: "three-level", bootstrap: 50, seed: 1 },
      side,
    );
    expect(analysis.multilevel!.bootstrap).toBeNull();
    expect(analysis.bootstrap).not.toBeNull();
    expect(analysis.warnings.join(" ")).toMatch(/bootstrap of the three-level model/);
  });
});

describe("a measure the file has no columns for", () => {
  test("the odds ratio on a file of means names the count columns it needs", () => {
    expect(() => analyze(bbb, { measure: "OR" })).toThrow(AnalysisInputError);
    expect(() => analyze(bbb, { measure: "OR" })).toThrow(/column "ai"[^\n]*needed for OR/);
  });
});

describe("publication labels (from a hostile test)", () => {
  test("labels that differ only in case or spacing stay apart, with a warning", () => {
    const a = analyze(nested([{ publication: "Smith 2019" }, { publication: "smith  2019" }]));
    expect(a.multilevel!.clusters).toBe(5);
    expect(a.warnings.join(" ")).toContain(
      'Publications "Smith 2019" and "smith  2019" differ only in case or spacing',
    );
  });

  test("--cluster naming a column the analysis reads says so", () => {
    try {
      analyze(nested(), { cluster: "yi" });
    } catch (error) {
      expect(error).toBeInstanceOf(AnalysisInputError);
      expect((error as AnalysisInputError).problems[0]).toMatchObject({
        column: "yi",
        expected:
          "a column of publication labels for --cluster, not one the analysis already reads",
        found: 'the column "yi", which holds yi',
      });
      return;
    }
    throw new Error("expected an AnalysisInputError");
  });
});
