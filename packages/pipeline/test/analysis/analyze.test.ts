/**
 * analyze() on the bundled (simulated) example against metafor (fixtures/pipeline.json, written by
 * fixtures/r/pipeline.R) and against the stats engine called directly; and the JSON contract of
 * the `--format json` contract: field names, nulls, round trip.
 */
import {
  begg,
  cumulative,
  egger,
  escalc,
  leaveOneOut,
  rma,
  splitSharedControls,
  subgroups,
  trimFill,
} from "@pooled/stats";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  AnalysisInputError,
  analyze,
  escalcData,
  MAX_STUDIES_LEAVE_ONE_OUT,
  MAX_STUDIES_REFITS,
} from "../../src/analysis/index.js";
import { parseStudyText, type StudyTable } from "../../src/input/index.js";
import { bubbleInput } from "../../src/report/plots.js";
import {
  collectBadValues,
  examplePrisma,
  exampleTable,
  expectAllClose,
  expectClose,
  pipelineFixture,
} from "../support/analysis-helpers.js";

const bbb = exampleTable();

describe("the JSON contract (--format json)", () => {
  const analysis = analyze(bbb, { by: "dose", mods: ["dose", "year"], prisma: examplePrisma() });

  test("top-level blocks and their field names", () => {
    for (const key of [
      "studies",
      "model",
      "subgroups",
      "regression",
      "bias",
      "leaveOneOut",
      "permutation",
      "bootstrap",
    ]) {
      expect(analysis, key).toHaveProperty(key);
    }
    for (const s of analysis.studies)
      expect(Object.keys(s)).toEqual(expect.arrayContaining(["study", "yi", "vi", "weight"]));
    expect(Object.keys(analysis.model)).toEqual(
      expect.arrayContaining([
        "k",
        "estimate",
        "se",
        "ciLower",
        "ciUpper",
        "p",
        "tau2",
        "I2",
        "H2",
        "Q",
        "Qp",
        "piLower",
        "piUpper",
      ]),
    );
    const sub = analysis.subgroups!;
    for (const g of sub.groups) {
      expect(Object.keys(g)).toEqual(
        expect.arrayContaining([
          "level",
          "k",
          "estimate",
          "se",
          "ciLower",
          "ciUpper",
          "p",
          "tau2",
          "I2",
          "H2",
          "Q",
          "Qp",
        ]),
      );
    }
    expect(sub.tests.map((t) => t.type)).toEqual(["separate-tau2", "common-tau2"]);
    for (const t of sub.tests)
      expect(Object.keys(t)).toEqual(expect.arrayContaining(["type", "Q", "df", "p"]));
    const reg = analysis.regression!;
    expect(Object.keys(reg)).toEqual(
      expect.arrayContaining(["terms", "QM", "QMdf", "QMp", "permutationQMp", "tau2", "R2", "QE"]),
    );
    for (const t of reg.terms) {
      expect(Object.keys(t)).toEqual(
        expect.arrayContaining([
          "name",
          "estimate",
          "se",
          "ciLower",
          "ciUpper",
          "p",
          "permutationP",
        ]),
      );
    }
    const bias = analysis.bias!;
    expect(Object.keys(bias.egger!)).toEqual(expect.arrayContaining(["z", "p", "limitEstimate"]));
    expect(Object.keys(bias.begg!)).toEqual(expect.arrayContaining(["tau", "p"]));
    expect(Object.keys(bias.trimFill!)).toEqual(
      expect.arrayContaining(["k0", "side", "estimate", "ciLower", "ciUpper"]),
    );
    for (const r of analysis.leaveOneOut!) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(["study", "estimate", "se", "ciLower", "ciUpper", "tau2", "I2"]),
      );
    }
  });

  test("JSON round trip is lossless: no NaN, Infinity or undefined anywhere", () => {
    expect(collectBadValues(analysis)).toEqual([]);
    expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis);
  });

  test("statistics that do not exist are null, not strings", () => {
    expect(analysis.permutation).toBeNull();
    expect(analysis.bootstrap).toBeNull();
    expect(analysis.regression!.terms.every((t) => t.permutationP === null)).toBe(true);
    expect(analysis.regression!.permutationQMp).toBeNull();
    const fe = analyze(bbb, { method: "FE" });
    expect(fe.model.tau2).toBeNull();
    expect(fe.model.piLower).toBeNull();
    expect(fe.model.piUpper).toBeNull();
    expect(fe.subgroups).toBeNull();
    expect(fe.regression).toBeNull();
    // ...and the same for the fixed-effect subgroup tests: no tau² rather than a tau² of 0.
    const feBy = analyze(bbb, { method: "FE", by: "dose" });
    expect(feBy.subgroups!.tests.map((t) => t.tau2)).toEqual([null, null]);
    expect(feBy.subgroups!.groups.every((g) => g.tau2 === null)).toBe(true);
  });

  test("studies in input order, weights in percent summing to 100", () => {
    expect(analysis.studies.map((s) => s.study)).toEqual(bbb.rows.map((r) => r.study));
    expect(analysis.studies.map((s) => s.row)).toEqual(bbb.rows.map((r) => r.row));
    const total = analysis.studies.reduce((s, r) => s + r.weight, 0);
    expect(total).toBeCloseTo(100, 10);
  });

  test("regression terms: intercept, then the moderators in the order given, levels after the reference in sorted order", () => {
    expect(analysis.regression!.terms.map((t) => t.name)).toEqual([
      "intrcpt",
      "dose:120 µg",
      "dose:200 µg",
      "dose:not reported",
      "year",
    ]);
    const reversed = analyze(bbb, { mods: ["year", "dose"] });
    expect(reversed.regression!.terms.map((t) => t.name)).toEqual([
      "intrcpt",
      "year",
      "dose:120 µg",
      "dose:200 µg",
      "dose:not reported",
    ]);
    expect(analysis.regression!.moderators.map((m) => [m.name, m.type, m.levels])).toEqual([
      ["dose", "categorical", ["100 µg", "120 µg", "200 µg", "not reported"]],
      ["year", "continuous", null],
    ]);
  });

  test("extras: settings echoed, excluded rows listed, shared controls noted, risk of bias and PRISMA carried", () => {
    expect(analysis.settings).toMatchObject({
      measure: "MD",
      method: "REML",
      test: "z",
      by: "dose",
      mods: ["dose", "year"],
    });
    expect(analysis.excluded).toEqual(bbb.excluded);
    expect(analysis.excluded.length).toBe(1);
    expect(analysis.notes.some((n) => n.includes("shared by"))).toBe(true);
    expect(analysis.riskOfBias!.items.length).toBe(10);
    const c = analysis.riskOfBias!.counts["sequence_generation"]!;
    expect(c.low + c.high + c.unclear + c.missing).toBe(bbb.rows.length);
    expect(analysis.prisma!.included).toBe(22);
  });
});

describe("numbers against metafor (fixtures/pipeline.json)", () => {
  for (const [method, test_] of [
    ["REML", "z"],
    ["REML", "knha"],
    ["DL", "z"],
    ["FE", "z"],
  ] as const) {
    test(`main model, MD, ${method}, ${test_}`, () => {
      const fx = pipelineFixture(`bbb/MD/${method}/${test_}`);
      const a = analyze(bbb, { measure: "MD", method, test: test_ });
      expect(a.studies.map((s) => s.study)).toEqual(fx.studies.study);
      expectAllClose(
        a.studies.map((s) => s.yi),
        fx.studies.yi,
        "yi",
      );
      expectAllClose(
        a.studies.map((s) => s.vi),
        fx.studies.vi,
        "vi",
      );
      expectAllClose(
        a.studies.map((s) => s.weight),
        fx.model.weights,
        "weight",
      );
      const m = fx.model;
      expect(a.model.k).toBe(m.k);
      for (const key of [
        "estimate",
        "se",
        "ciLower",
        "ciUpper",
        "p",
        "I2",
        "H2",
        "Q",
        "Qp",
      ] as const) {
        expectClose(a.model[key], m[key], key);
      }
      if (method === "FE") {
        expect(a.model.tau2).toBeNull();
        expect(a.model.piLower).toBeNull();
      } else {
        expectClose(a.model.tau2, m.tau2, "tau2");
        expectClose(a.model.piLower, m.piLower, "piLower");
        expectClose(a.model.piUpper, m.piUpper, "piUpper");
      }
    });
  }

  test("bias and leave-one-out, MD, REML", () => {
    const fx = pipelineFixture("bbb/MD/REML/z");
    const a = analyze(bbb, {});
    const bias = a.bias!;
    expectClose(bias.egger!.z, fx.bias.egger.z, "egger z");
    expectClose(bias.egger!.p, fx.bias.egger.p, "egger p");
    expectClose(bias.egger!.limitEstimate, fx.bias.egger.limitEstimate, "egger limit estimate");
    expectClose(bias.begg!.tau, fx.bias.begg.tau, "begg tau");
    expectClose(bias.begg!.p, fx.bias.begg.p, "begg p");
    expect(bias.trimFill!.k0).toBe(fx.bias.trimFill.k0);
    expect(bias.trimFill!.side).toBe(fx.bias.trimFill.side);
    for (const key of ["estimate", "ciLower", "ciUpper"] as const) {
      expectClose(bias.trimFill![key], fx.bias.trimFill[key], `trimFill ${key}`);
    }
    const loo = a.leaveOneOut!;
    expect(loo.map((r) => r.study)).toEqual(fx.studies.study);
    for (const key of ["estimate", "se", "ciLower", "ciUpper", "tau2", "I2"] as const) {
      expectAllClose(
        loo.map((r) => r[key]),
        fx.leaveOneOut[key],
        `leaveOneOut ${key}`,
      );
    }
  });

  for (const test_ of ["z", "knha"] as const) {
    test(`subgroups by dose, REML, ${test_}`, () => {
      const fx = pipelineFixture(`bbb/MD/REML/${test_}/by-dose`);
      const a = analyze(bbb, { by: "dose", test: test_ });
      const sub = a.subgroups!;
      expect(sub.groups.map((g) => g.level)).toEqual(
        fx.subgroups.groups.map((g: { level: string }) => g.level),
      );
      sub.groups.forEach((g, i) => {
        const e = fx.subgroups.groups[i];
        expect(g.k).toBe(e.k);
        for (const key of [
          "estimate",
          "se",
          "ciLower",
          "ciUpper",
          "p",
          "tau2",
          "I2",
          "H2",
          "Q",
          "Qp",
        ] as const) {
          expectClose(g[key], e[key], `${g.level} ${key}`);
        }
      });
      sub.tests.forEach((t, i) => {
        const e = fx.subgroups.tests[i];
        expect(t.type).toBe(e.type);
        expect(t.df).toBe(e.df);
        expectClose(t.Q, e.Q, `${t.type} Q`);
        expectClose(t.p, e.p, `${t.type} p`);
      });
    });

    test(`meta-regression on dose and year, REML, ${test_}`, () => {
      const fx = pipelineFixture(`bbb/MD/REML/${test_}/mods-dose-year`);
      const reg = analyze(bbb, { mods: ["dose", "year"], test: test_ }).regression!;
      expect(reg.terms.map((t) => t.name)).toEqual(fx.regression.terms.name);
      for (const key of ["estimate", "se", "ciLower", "ciUpper", "p"] as const) {
        expectAllClose(
          reg.terms.map((t) => t[key]),
          fx.regression.terms[key],
          `terms ${key}`,
        );
      }
      for (const key of ["QM", "QMp", "tau2", "R2", "QE"] as const)
        expectClose(reg[key], fx.regression[key], key);
      expect(reg.QMdf).toBe(fx.regression.QMdf);
    });

    test(`bubble line on year with dose at its means = metafor's predict(), ${test_}`, () => {
      const fx = pipelineFixture(`bbb/MD/REML/${test_}/mods-dose-year`);
      const a = analyze(bbb, { mods: ["dose", "year"], test: test_ });
      const fit = bubbleInput(a, { scale: "linear" })!.fit!;
      // The line's end points are at the smallest and the largest year.
      const ends = [fit[0]!, fit.at(-1)!];
      expect(ends.map((f) => f.x)).toEqual(fx.bubble.x);
      for (const key of ["estimate", "ciLower", "ciUpper"] as const)
        expectAllClose(
          ends.map((f) => f[key]),
          fx.bubble[key],
          `bubble ${key}`,
        );
    });
  }

  test("SMD on the IL-1β example (SDs from SEMs), with bias tests", () => {
    const fx = pipelineFixture("il1b/SMD/REML/z");
    const a = analyze(exampleTable("sci-exosomes-il1b.simulated.csv"), { measure: "SMD" });
    expectAllClose(
      a.studies.map((s) => s.yi),
      fx.studies.yi,
      "yi",
    );
    expectAllClose(
      a.studies.map((s) => s.vi),
      fx.studies.vi,
      "vi",
    );
    for (const key of [
      "estimate",
      "se",
      "ciLower",
      "ciUpper",
      "p",
      "tau2",
      "I2",
      "Q",
      "piLower",
      "piUpper",
    ] as const) {
      expectClose(a.model[key], fx.model[key], key);
    }
    expectClose(a.bias!.egger!.z, fx.bias.egger.z, "egger z");
    expectClose(a.bias!.begg!.p, fx.bias.begg.p, "begg p");
    expect(a.bias!.trimFill!.k0).toBe(fx.bias.trimFill.k0);
    expect(a.bias!.trimFill!.side).toBe(fx.bias.trimFill.side);
    expectClose(a.bias!.trimFill!.estimate, fx.bias.trimFill.estimate, "trimFill estimate");
    // SMD: the sample-size variant of Egger's test is added, with the advice why.
    expect(a.bias!.eggerSampleSize!.predictor).toBe("sqrtinvn1n2");
    expect(a.bias!.egger!.notes.join(" ")).toContain("Pustejovsky");
  });
});

describe("values are the stats engine's, unchanged", () => {
  test("every block equals a direct call of the engine", () => {
    const a = analyze(bbb, { by: "route", mods: ["dose"] });
    const split = splitSharedControls(
      escalcData(bbb),
      bbb.rows.map((r) => r.controlGroup ?? null),
    );
    const es = escalc("MD", split.data);
    const model = rma({ yi: es.yi, vi: es.vi }, { labels: es.labels });
    expect(a.studies.map((s) => s.yi)).toEqual(es.yi);
    expect(a.studies.map((s) => s.weight)).toEqual(model.weights);
    expect(a.model.estimate).toBe(model.beta[0]);
    expect(a.model.tau2).toBe(model.tau2);
    expect(a.model.I2).toBe(model.I2);
    expect(a.model.piLower).toBe(model.prediction!.piLower);
    const route = bbb.rows.map((r) => String(r.extra["route"]));
    const sub = subgroups({ yi: es.yi, vi: es.vi }, route, { labels: es.labels });
    expect(a.subgroups!.groups.map((g) => g.estimate)).toEqual(
      sub.groups.map((g) => g.model!.beta[0]),
    );
    expect(a.subgroups!.tests.map((t) => t.Q)).toEqual(sub.tests.map((t) => t.statistic));
    const reg = rma(
      { yi: es.yi, vi: es.vi },
      {
        labels: es.labels,
        mods: [
          {
            name: "dose",
            type: "categorical",
            values: bbb.rows.map((r) => String(r.extra["dose"])),
          },
        ],
      },
    );
    expect(a.regression!.terms.map((t) => t.estimate)).toEqual(reg.beta);
    expect(a.regression!.QM).toBe(reg.QM.statistic);
    expect(a.bias!.egger!.z).toBe(egger(model, { measure: "MD" }).z);
    expect(a.bias!.begg!.tau).toBe(begg(model).tau);
    expect(a.bias!.trimFill!.estimate).toBe(trimFill(model).estimate);
    expect(a.leaveOneOut!.map((r) => r.estimate)).toEqual(
      leaveOneOut(model).studies.map((r) => r.estimate),
    );
    // Cumulative by year (the example has a year column): entry order and every step's fit.
    const years = bbb.rows.map((r) => r.year!);
    const cumul = cumulative(model, { order: years });
    expect(a.cumulative!.map((r) => r.study)).toEqual(cumul.steps.map((r) => r.study));
    expect(a.cumulative!.map((r) => r.estimate)).toEqual(cumul.steps.map((r) => r.estimate));
    expect(a.cumulative!.map((r) => r.year)).toEqual([...years].sort((x, y) => x - y));
    expect(a.cumulative!.map((r) => r.k)).toEqual(years.map((_, i) => i + 1));
    expect(a.cumulative!.at(-1)!.estimate).toBeCloseTo(a.model.estimate, 12);
  });

  test("cumulative analysis: none without a year column; skipped with the rows named when a year is missing", () => {
    const noYear: StudyTable = {
      ...bbb,
      columns: { ...bbb.columns, fields: { ...bbb.columns.fields, year: undefined } },
      rows: bbb.rows.map(({ year: _year, ...r }) => r),
    };
    expect(analyze(noYear, {}).cumulative).toBeNull();
    const gap: StudyTable = {
      ...bbb,
      rows: bbb.rows.map((r, i) => (i === 2 ? { ...r, year: undefined } : r)),
    };
    const a = analyze(gap, {});
    expect(a.cumulative).toBeNull();
    expect(a.warnings).toContain(
      `Cumulative meta-analysis by year skipped: no year in row ${bbb.rows[2]!.row}.`,
    );
  });

  test("a k < 10 z-test analysis warns to consider Knapp-Hartung", () => {
    const small: StudyTable = { ...bbb, rows: bbb.rows.slice(0, 6) };
    const a = analyze(small, {});
    expect(a.warnings.join(" ")).toMatch(/knha|Knapp-Hartung/);
    const knha = analyze(small, { test: "knha" });
    expect(knha.warnings.join(" ")).not.toMatch(/consider test "knha"/);
  });

  test("k < 3: no bias tests or leave-one-out (null), and a warning says why", () => {
    const two: StudyTable = { ...bbb, rows: bbb.rows.filter((r) => !r.controlGroup).slice(0, 2) };
    const a = analyze(two, {});
    expect(a.bias).toBeNull();
    expect(a.leaveOneOut).toBeNull();
    expect(a.model.k).toBe(2);
    expect(a.warnings.some((w) => w.includes("at least 3"))).toBe(true);
  });

  test("beyond 2000 studies Baujat and cumulative are skipped with a warning; leave-one-out stays", () => {
    const plain = bbb.rows.filter((r) => !r.controlGroup);
    const rows = Array.from({ length: MAX_STUDIES_REFITS + 1 }, (_, i) => ({
      ...plain[i % plain.length]!,
      row: i + 2,
      study: `Experiment ${i + 1}`,
    }));
    const a = analyze({ ...bbb, rows }, {});
    expect(a.model.k).toBe(MAX_STUDIES_REFITS + 1);
    expect(a.leaveOneOut).toHaveLength(MAX_STUDIES_REFITS + 1); // the contract's block stays
    expect(a.baujat).toBeNull();
    expect(a.cumulative).toBeNull();
    expect(a.influence).toBeNull();
    expect(a.bias!.egger).not.toBeNull();
    expect(a.warnings).toContain(
      "2001 studies: skipped the influence diagnostics (run up to 2000 studies), the Baujat plot (run up to 2000 studies), the cumulative analysis (run up to 2000 studies), as each refits the model 2001 times.",
    );
    expect(MAX_STUDIES_LEAVE_ONE_OUT).toBeGreaterThanOrEqual(10_000);
  });

  test("SDs only from SEM columns (no SD column at all) analyse as the same SDs given directly", () => {
    const sem = [
      ["A", 10, 0.7, 8, 7, 0.9, 8],
      ["B", 11, 0.8, 10, 7.5, 0.8, 9],
      ["C", 9.5, 0.6, 12, 7, 1.0, 10],
      ["D", 12, 1.1, 7, 8, 0.9, 8],
    ] as const;
    const fromSem = parseStudyText(
      `study,m1i,sem1i,n1i,m2i,sem2i,n2i\n${sem.map((r) => r.join(",")).join("\n")}\n`,
      "sem.csv",
    );
    const sd = (x: number, n: number) => x * Math.sqrt(n);
    const direct = parseStudyText(
      `study,m1i,sd1i,n1i,m2i,sd2i,n2i\n${sem
        .map(([s, m1, e1, n1, m2, e2, n2]) => [s, m1, sd(e1, n1), n1, m2, sd(e2, n2), n2].join(","))
        .join("\n")}\n`,
      "sd.csv",
    );
    expect(fromSem.problems).toEqual([]);
    const a = analyze(fromSem.table!, {});
    const b = analyze(direct.table!, {});
    expect(a.studies.map((s) => s.vi)).toEqual(b.studies.map((s) => s.vi));
    expect(a.model.estimate).toBe(b.model.estimate);
    expect(a.model.tau2).toBe(b.model.tau2);
  });

  test("one study per subgroup: the common-tau² test is null with a warning, the rest stands", () => {
    const rows = bbb.rows
      .filter((r) => !r.controlGroup)
      .slice(0, 4)
      .map((r, i) => ({ ...r, extra: { ...r.extra, lab: `lab ${i + 1}` } }));
    const a = analyze({ ...bbb, rows }, { by: "lab" });
    expect(a.subgroups!.groups.map((g) => g.k)).toEqual([1, 1, 1, 1]);
    const [separate, common] = a.subgroups!.tests;
    expect(separate!.Q).toBeGreaterThan(0);
    expect(common).toMatchObject({ type: "common-tau2", Q: null, p: null });
    expect(a.warnings.some((w) => w.startsWith("The test with a common tau² could not"))).toBe(
      true,
    );
  });
});

describe("problems with the analysis columns", () => {
  test("an unknown --by or --mods column is reported with its name, all at once", () => {
    let error: unknown;
    try {
      analyze(bbb, { by: "species", mods: ["dose", "weight_g"] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnalysisInputError);
    const problems = (error as AnalysisInputError).problems;
    expect(problems.map((p) => p.column)).toEqual(["species", "weight_g"]);
  });

  test("an empty cell in a --by column names its row instead of dropping the study", () => {
    const rows = bbb.rows.map((r, i) =>
      i === 3 ? { ...r, extra: { ...r.extra, route: null } } : r,
    );
    let error: unknown;
    try {
      analyze({ ...bbb, rows }, { by: "route" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnalysisInputError);
    expect((error as AnalysisInputError).problems).toMatchObject([
      { row: bbb.rows[3]!.row, column: "route" },
    ]);
  });

  test("columns are found case-insensitively, and risk-of-bias items can be subgroups", () => {
    const a = analyze(bbb, { by: "Route" });
    expect(a.subgroups!.groups.map((g) => g.level)).toEqual([
      "intrathecal",
      "intravenous",
      "local",
    ]);
    const rob = analyze(bbb, { by: "rob_blinding_assessor" });
    expect(
      rob
        .subgroups!.groups.map((g) => g.level)
        .every((l) => ["low", "high", "unclear"].includes(l)),
    ).toBe(true);
  });

  test("a --by or --mods column with a single value is a problem naming the column", () => {
    const rows = bbb.rows.map((r) => ({
      ...r,
      extra: { ...r.extra, species: "rat", weight: 250 },
    }));
    const error = catchError(() => analyze({ ...bbb, rows }, { by: "species", mods: ["weight"] }));
    expect(error).toBeInstanceOf(AnalysisInputError);
    expect((error as AnalysisInputError).problems.map((p) => [p.column, p.found])).toEqual([
      ["species", 'only "rat"'],
      ["weight", 'only "250"'],
    ]);
  });

  test("effect-size errors name the row and the column of the file", () => {
    // Two comparisons sharing a control group must describe the same control arm.
    const i = bbb.rows.findIndex((r) => r.controlGroup);
    const rows = bbb.rows.map((r, j) => (j === i + 1 ? { ...r, n2i: (r.n2i ?? 0) + 3 } : r));
    const error = catchError(() => analyze({ ...bbb, rows }, {}));
    expect(error).toBeInstanceOf(AnalysisInputError);
    expect((error as AnalysisInputError).problems[0]).toMatchObject({
      row: bbb.rows[i + 1]!.row,
      column: bbb.columns.fields.n2i,
    });
    // NMD needs the sham-operated mean, which the IL-1β file does not have.
    const il1b = exampleTable("sci-exosomes-il1b.simulated.csv");
    const nmd = catchError(() => analyze(il1b, { measure: "NMD" }));
    expect(nmd).toBeInstanceOf(AnalysisInputError);
    expect((nmd as AnalysisInputError).message).toMatch(/msi|sham/);
  });

  test("the synchronous analyze refuses resampling and points to analyzeAsync", () => {
    expect(() => analyze(bbb, { permutations: 100 })).toThrow(/analyzeAsync/);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("invariants (fast-check)", () => {
  test("permuting the rows leaves every pooled statistic unchanged and carries each study's numbers along", () => {
    const base = analyze(bbb, { by: "dose" });
    fc.assert(
      fc.property(
        fc.shuffledSubarray(
          bbb.rows.map((_, i) => i),
          { minLength: bbb.rows.length },
        ),
        (order) => {
          const shuffled = analyze(
            { ...bbb, rows: order.map((i) => bbb.rows[i]!) },
            { by: "dose" },
          );
          const close = (x: number | null, y: number | null) =>
            x === null ? y === null : Math.abs(x - y!) <= 1e-8 * Math.max(1, Math.abs(y!));
          for (const key of [
            "estimate",
            "se",
            "ciLower",
            "ciUpper",
            "tau2",
            "I2",
            "Q",
            "piLower",
            "piUpper",
          ] as const) {
            expect(close(shuffled.model[key], base.model[key]), key).toBe(true);
          }
          order.forEach((from, to) => {
            expect(shuffled.studies[to]!.study).toBe(base.studies[from]!.study);
            expect(close(shuffled.studies[to]!.weight, base.studies[from]!.weight)).toBe(true);
          });
          shuffled.subgroups!.tests.forEach((t, i) => {
            expect(close(t.Q, base.subgroups!.tests[i]!.Q)).toBe(true);
          });
        },
      ),
      { numRuns: 15, seed: 20240 },
    );
  });
});
