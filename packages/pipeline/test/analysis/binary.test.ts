/**
 * Binary and correlation outcomes through the whole analysis, against metafor (3.8.1 and 5.1.12):
 * fixtures/r/pipeline-binary.R on the bundled mortality example and dat.molloy2014.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type Analysis, AnalysisInputError, analyze } from "../../src/analysis/index.js";
import { type InputMeasure, parseStudyText, type StudyTable } from "../../src/input/index.js";
import {
  collectBadValues,
  expectAllClose,
  expectClose,
  type FixtureCase,
} from "../support/analysis-helpers.js";
import { repoUrl } from "../support/repo.js";

const VERSIONS = ["3.8.1", "5.1.12"] as const;

function fixtureCases(version: string): FixtureCase[] {
  const text = readFileSync(repoUrl(`fixtures/pipeline-binary.metafor-${version}.json`), "utf8");
  return (JSON.parse(text) as { cases: FixtureCase[] }).cases;
}

function readTable(path: string, measure?: InputMeasure, extra: string = ""): StudyTable {
  const text = readFileSync(repoUrl(path), "utf8") + extra;
  const name = path.slice(path.lastIndexOf("/") + 1);
  const result = parseStudyText(text, name, measure === undefined ? {} : { measure });
  expect(result.problems).toEqual([]);
  return result.table!;
}

const mortalityPath = "examples/sci-exosomes-mortality.simulated.csv";
const molloyPath = "fixtures/data/molloy2014.csv";

/** metafor's NA (null in the fixture) is Pooled's null. */
function expectStat(actual: number | null, expected: number | null, what: string): void {
  if (expected === null) expect(actual, what).toBeNull();
  else expectClose(actual, expected, what);
}

function expectModel(a: Analysis, c: FixtureCase, what: string): void {
  const m = a.model;
  const ref = c.model;
  for (const key of ["estimate", "se", "ciLower", "ciUpper", "p", "Q", "Qp", "I2"] as const)
    expectStat(m[key], ref[key], `${what} ${key}`);
  expectStat(m.tau2, ref.tau2, `${what} tau2`);
  expectStat(m.piLower, ref.piLower, `${what} piLower`);
  expectStat(m.piUpper, ref.piUpper, `${what} piUpper`);
  expect(m.k, `${what} k`).toBe(ref.k);
  if (ref.transformed === undefined) expect(m.transformed, `${what} transformed`).toBeNull();
  else
    for (const key of ["estimate", "ciLower", "ciUpper", "piLower", "piUpper"] as const)
      expectStat(m.transformed![key], ref.transformed[key], `${what} transformed.${key}`);
  expectAllClose(
    a.studies.map((s) => s.yi),
    c.yi,
    `${what} yi`,
  );
  expectAllClose(
    a.studies.map((s) => s.vi),
    c.vi,
    `${what} vi`,
  );
}

describe.each(VERSIONS)("against metafor %s", (version) => {
  const cases = fixtureCases(version);
  const mortality = readTable(mortalityPath);
  const molloy = readTable(molloyPath);

  test.each(cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
    const { measure, method, add, to, drop00 } = c.options;
    const table = id.startsWith("molloy") ? molloy : mortality;
    const a = analyze(table, {
      measure,
      method,
      ...(add === undefined ? {} : { add }),
      ...(to === undefined ? {} : { to }),
      ...(drop00 === undefined ? {} : { drop00 }),
    });
    expect(collectBadValues(a)).toEqual([]);
    expectModel(a, c, id);
    // Weights: metafor's NA (a table not pooled) is 0; double zeros left out have no study row.
    const weights = (c.model.weights as (number | null)[]).map((w) => w ?? 0);
    const shown = a.studies.map((s) => s.weight);
    if (shown.length === weights.length) expectAllClose(shown, weights, `${id} weights`);
    else
      expectAllClose(
        shown,
        a.studies.map((s) => weights[s.row - 2]!),
        `${id} weights`,
      );
    if (c.bias !== null) {
      const bias = a.bias!;
      expectClose(bias.egger!.z, c.bias.egger.z, `${id} Egger z`);
      expectClose(bias.egger!.p, c.bias.egger.p, `${id} Egger p`);
      expectClose(bias.begg!.tau, c.bias.begg.tau, `${id} Begg tau`);
      expectClose(bias.begg!.p, c.bias.begg.p, `${id} Begg p`);
      const tf = bias.trimFill!;
      expect(tf.k0, `${id} k0`).toBe(c.bias.trimFill.k0);
      expectClose(tf.estimate, c.bias.trimFill.estimate, `${id} trim-and-fill`);
      expectClose(tf.ciLower, c.bias.trimFill.ciLower, `${id} trim-and-fill ciLower`);
      if (c.bias.trimFill.transformed === null) expect(tf.transformed).toBeNull();
      else {
        expectClose(tf.transformed!.estimate, c.bias.trimFill.transformed.estimate, `${id} tf exp`);
        expectClose(tf.transformed!.ciUpper, c.bias.trimFill.transformed.ciUpper, `${id} tf ub`);
      }
      const peters = analyze(table, {
        measure,
        method,
        eggerPredictor: "ninv",
      }).bias!.egger!;
      expect(peters.predictor).toBe("ninv");
      expectClose(peters.z, c.bias.peters.z, `${id} Peters z`);
      expectClose(peters.p, c.bias.peters.p, `${id} Peters p`);
    }
    if (c.subgroups !== null) {
      const subgroups = analyze(table, { measure, method, by: "dose" }).subgroups!;
      for (const g of subgroups.groups) {
        const ref = c.subgroups[g.level];
        expect(g.k, `${id} ${g.level} k`).toBe(ref.k);
        expectClose(g.estimate, ref.estimate, `${id} ${g.level} estimate`);
        expectClose(g.se, ref.se, `${id} ${g.level} se`);
        expectStat(g.tau2, ref.tau2, `${id} ${g.level} tau2`);
        expectStat(g.Q, ref.Q, `${id} ${g.level} Q`);
        if (ref.transformed !== undefined)
          expectClose(g.transformed!.ciUpper, ref.transformed.ciUpper, `${id} ${g.level} exp ub`);
      }
      if (c.subgroups.test !== undefined) {
        // Mantel-Haenszel and Peto: Q of the subgroup estimates (RevMan's test).
        const test = subgroups.tests[0]!;
        expectClose(test.Q, c.subgroups.test.Q, `${id} Q between`);
        expect(test.df).toBe(c.subgroups.test.df);
        expectClose(test.p, c.subgroups.test.p, `${id} p between`);
      }
    }
    if (c.model.tableTests !== undefined) {
      const t = a.model.tableTests!;
      expectClose(
        t.cochranMantelHaenszel!.statistic,
        c.model.tableTests.cochranMantelHaenszel.statistic,
        "CMH",
      );
      expectClose(t.cochranMantelHaenszel!.p!, c.model.tableTests.cochranMantelHaenszel.p, "CMH p");
      expectClose(t.breslowDay!.p!, c.model.tableTests.breslowDay.p, "Breslow-Day p");
      expectClose(t.tarone!.statistic, c.model.tableTests.tarone.statistic, "Tarone");
    } else expect(a.model.tableTests).toBeNull();
  });
});

describe("binary outcomes: settings and what the analysis says", () => {
  const mortality = readTable(mortalityPath);

  test("event counts are read as the odds ratio by default, on the log scale", () => {
    const a = analyze(mortality);
    expect(a.settings).toMatchObject({ measure: "OR", add: 0.5, to: "only0", drop00: false });
    expect(a.model.scale).toBe("log");
    expect(a.model.transformed!.estimate).toBeCloseTo(Math.exp(a.model.estimate), 14);
    const zhao = a.studies[0]!;
    expect(zhao).toMatchObject({ events1: 2, n1: 19, events2: 1, n2: 7 });
  });

  test("Mantel-Haenszel leaves double zeros out of the study effects, naming the row", () => {
    const a = analyze(mortality, { method: "MH" });
    expect(a.settings.drop00).toBe(true);
    expect(a.studies).toHaveLength(23);
    expect(a.model.k).toBe(24);
    expect(a.notes.join("\n")).toMatch(/Rows left out with --drop00[^\n]*row 24 \(Silva 2016/);
    expect(a.model.method).toBe("MH");
    expect(a.model.tau2).toBeNull();
    expect(a.model.piLower).toBeNull();
  });

  test("--method PETO pools Peto's odds ratios", () => {
    expect(analyze(mortality, { method: "PETO" }).settings.measure).toBe("PETO");
  });

  test.each([
    [{ method: "MH" as const, measure: "SMD" as const }, /--measure OR, RR or RD with --method MH/],
    [
      { method: "PETO" as const, measure: "RR" as const },
      /--measure OR or PETO with --method PETO/,
    ],
    [{ method: "MH" as const, test: "knha" as const }, /--test z with --method MH/],
    [{ add: -1 }, /a continuity correction/],
    [{ to: "some" as never }, /--to only0, all, if0all, none/],
    [{ eggerPredictor: "ni" as never }, /--egger-predictor sei, vi, ninv, sqrtninv/],
  ])("refuses %o", (options, message) => {
    expect(() => analyze(mortality, options)).toThrow(AnalysisInputError);
    expect(() => analyze(mortality, options)).toThrow(message);
  });

  test("zero-cell flags are refused for measures without tables", () => {
    const molloy = readTable(molloyPath);
    expect(() => analyze(molloy, { add: 0.5 })).toThrow(/--add only with counts/);
  });

  test("bad counts are named by row and column, on reading and in the analysis", () => {
    const read = parseStudyText(
      "study,events_treatment,n_treatment,events_control,n_control\nA,1,4,1,10\nB,-1,10,2,10\nC,1.5,10,2,10\n",
      "bad.csv",
    );
    expect(read.problems.map((p) => [p.row, p.column, p.found])).toEqual([
      [3, "events_treatment", "-1"],
      [4, "events_treatment", "1.5"],
    ]);
    expect(read.problems[0]!.expected).toBe("a count of animals: a whole number, 0 or more");
    const { table } = parseStudyText(
      "study,events_treatment,n_treatment,events_control,n_control\nA,5,4,1,10\nB,1,10,12,10\n",
      "bad.csv",
    );
    let caught: unknown;
    try {
      analyze(table!);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AnalysisInputError);
    const problems = (caught as AnalysisInputError).problems;
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [2, "events_treatment"],
      [3, "events_control"],
    ]);
    expect(problems[0]!.expected).toMatch(/events cannot exceed/);
  });

  test("only double-zero tables under --drop00: refused, naming the rows", () => {
    const { table } = parseStudyText(
      "study,events_treatment,n_treatment,events_control,n_control\nA,0,10,0,10\nB,0,8,0,9\n",
      "dz.csv",
    );
    expect(() => analyze(table!, { method: "MH" })).toThrow(AnalysisInputError);
    expect(() => analyze(table!, { method: "MH" })).toThrow(/2 such tables, rows 2, 3/);
  });

  test("a table given as four cells", () => {
    const text = `study,ai,bi,ci,di\nA,2,8,5,5\nB,1,9,4,6\nC,3,7,6,4\n`;
    const { table, problems } = parseStudyText(text, "cells.csv");
    expect(problems).toEqual([]);
    const a = analyze(table!, { measure: "RR" });
    expect(a.studies[0]!.yi).toBeCloseTo(Math.log(0.2 / 0.5), 14);
    expect(a.studies[0]).toMatchObject({ n1: 10, n2: 10, events1: 2, events2: 5 });
  });
});

describe("correlations", () => {
  test("ri and ni are read as Fisher's z by default and read back as r", () => {
    const a = analyze(readTable(molloyPath));
    expect(a.settings.measure).toBe("ZCOR");
    expect(a.model.scale).toBe("fisher-z");
    expect(a.model.transformed!.ciLower).toBeCloseTo(Math.tanh(a.model.ciLower!), 14);
  });

  test("a correlation outside [-1, 1] is named by row and column", () => {
    const { table } = parseStudyText("study,r,n\nA,1.2,20\nB,0.3,30\n", "r.csv");
    expect(() => analyze(table!)).toThrow(/r\.csv, row 2, column "r"|column "r"/);
  });
});
