/**
 * predict() of a meta-regression against metafor 3.8.1's and 5.1.12's predict(res, newmods = ...)
 * (fixtures/predict.metafor-<version>.json, written by fixtures/r/predict.R): dat.bcg log risk
 * ratios with a continuous (ablat), a categorical (alloc) and both moderators; REML, DL and FE;
 * z and Knapp-Hartung; levels 95 and 90; on both backends. Tolerances from
 * test/support/tolerance.ts: "iterative" for REML fits, "closed" for DL and FE. Then the input
 * errors.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { PooledInputError, PooledInputErrors } from "../../src/errors.js";
import { linearPredictions, predict, rma } from "../../src/models/index.js";
import type { ModeratorValues } from "../../src/models/types.js";
import type { BackendName, Method, Moderator, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureDir } from "../support/fixtures.js";
import { reportWorstErrors } from "../support/tolerance.js";
import { WorstByQuantity } from "../support/worst-by-quantity.js";

type Num = number | null;

interface PredictCase {
  id: string;
  mods: string | string[];
  method: Method;
  test: TestType;
  level: number;
  call: string;
  tau2: number;
  newmods: ModeratorValues[];
  pred: number[];
  se: number[];
  "ci.lb": number[];
  "ci.ub": number[];
  "pi.lb": Num[];
  "pi.ub": Num[];
}

interface PredictFixture {
  metafor: string;
  control: { threshold: number; maxiter: number };
  data: { yi: number[]; vi: number[]; ablat: number[]; alloc: string[] };
  cases: PredictCase[];
}

const fixtures: PredictFixture[] = readdirSync(fixtureDir)
  .filter((name) => name.startsWith("predict.metafor-") && name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8")) as PredictFixture);

const arr = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const worst = new WorstByQuantity();

function moderators(data: PredictFixture["data"], names: string[]): Moderator[] {
  return names.map((name) =>
    name === "alloc"
      ? { name, type: "categorical", values: data.alloc }
      : { name, type: "continuous", values: data.ablat },
  );
}

function fit(fixture: PredictFixture, c: PredictCase, backend: BackendName) {
  return rma(
    { yi: fixture.data.yi, vi: fixture.data.vi },
    {
      method: c.method,
      test: c.test,
      mods: moderators(fixture.data, arr(c.mods)),
      backend,
      heterogeneityIntervals: false,
      control: { threshold: fixture.control.threshold, maxIter: fixture.control.maxiter },
    },
  );
}

it("has the metafor 3.8 and 5.1 references", () => {
  expect(fixtures.map((f) => f.metafor)).toEqual(["3.8.1", "5.1.12"]);
});

for (const fixture of fixtures) {
  for (const backend of testBackends) {
    describe(`predict vs metafor ${fixture.metafor} predict(res, newmods) [${backend}]`, () => {
      it.each(fixture.cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
        const model = fit(fixture, c, backend);
        const kind = c.method === "REML" ? "iterative" : "closed";
        const version = `metafor ${fixture.metafor}`;
        const check = (q: string, a: Num, e: Num, i: number) =>
          worst.check(`${version} ${q} (${kind})`, a, e, kind, `${id}[${i}] [${backend}]`);
        const out = predict(model, c.newmods, { level: c.level });
        expect(out).toHaveLength(c.newmods.length);
        out.forEach((p, i) => {
          expect(p.at).toEqual(c.newmods[i]);
          check("pred", p.estimate, c.pred[i]!, i);
          check("se", p.se, c.se[i]!, i);
          check("ci.lb", p.ciLower, c["ci.lb"][i]!, i);
          check("ci.ub", p.ciUpper, c["ci.ub"][i]!, i);
          // FE: metafor's predict gives no prediction interval, nor does Pooled (null)
          check("pi.lb", p.piLower, c["pi.lb"][i] ?? null, i);
          check("pi.ub", p.piUpper, c["pi.ub"][i] ?? null, i);
        });
      });
    });
  }
}

describe("predict: agreement with the model itself", () => {
  const data = fixtures[0]!.data;
  const fitWith = (names: string[], options = {}) =>
    rma({ yi: data.yi, vi: data.vi }, { mods: moderators(data, names), ...options });

  it("reproduces the fitted values at the studies' own moderator values", () => {
    const model = fitWith(["ablat", "alloc"], { method: "DL" });
    const rows = data.ablat.map((ablat, i) => ({ ablat, alloc: data.alloc[i]! }));
    predict(model, rows).forEach((p, i) => {
      expect(Math.abs(p.estimate - model.fitted[i]!)).toBeLessThan(1e-12);
    });
  });

  it("gives the intercept at the reference level and model.prediction without moderators", () => {
    const model = fitWith(["alloc"], { method: "REML", test: "knha" });
    const [ref] = predict(model, [{ alloc: "alternate" }]);
    const intercept = model.coefficients[0]!;
    expect(ref!.estimate).toBe(intercept.estimate);
    expect(Math.abs(ref!.se! - intercept.se)).toBeLessThan(1e-15);
    expect(Math.abs(ref!.ciLower! - intercept.ciLower)).toBeLessThan(1e-12);
    const plain = rma({ yi: data.yi, vi: data.vi }, { method: "REML" });
    const [mean] = predict(plain, [{}]);
    const { at: _at, ...values } = mean!;
    expect(values).toEqual({
      estimate: plain.prediction!.estimate,
      se: plain.prediction!.se,
      ciLower: plain.prediction!.ciLower,
      ciUpper: plain.prediction!.ciUpper,
      piLower: plain.prediction!.piLower,
      piUpper: plain.prediction!.piUpper,
    });
    expect(predict(plain, [])).toEqual([]);
  });

  it("defaults to the model's level", () => {
    const model = fitWith(["ablat"], { level: 80 });
    expect(predict(model, [{ ablat: 30 }])).toEqual(predict(model, [{ ablat: 30 }], { level: 80 }));
  });

  it("linearPredictions gives predict's values from β and its covariance alone (the report's bubble band)", () => {
    for (const backend of testBackends)
      for (const test of ["z", "knha"] as const) {
        const model = fitWith(["ablat"], { method: "REML", test, backend });
        const at = [10, 25.5, 44];
        const expected = predict(
          model,
          at.map((ablat) => ({ ablat })),
          { level: 90 },
        );
        const rows = at.map((ablat) => [1, ablat]);
        const fitted = linearPredictions(model.beta, model.vb, rows, 90, model.df);
        fitted.forEach((f, i) => {
          const p = expected[i]!;
          // The same sums in the same order: bit for bit.
          expect(f).toEqual({
            estimate: p.estimate,
            se: p.se,
            ciLower: p.ciLower,
            ciUpper: p.ciUpper,
          });
        });
      }
  });
});

describe("predict: input errors name the moderator and what was expected", () => {
  const data = fixtures[0]!.data;
  const model = rma(
    { yi: data.yi, vi: data.vi },
    { mods: moderators(data, ["ablat", "alloc"]), method: "DL" },
  );
  const error = (newmods: ModeratorValues[], options = {}) => {
    try {
      predict(model, newmods, options);
    } catch (e) {
      return e as Error;
    }
    throw new Error("predict did not throw");
  };

  it("an unknown moderator", () => {
    const e = error([{ ablat: 20, alloc: "random", year: 1950 }]);
    expect(e).toBeInstanceOf(PooledInputError);
    expect((e as PooledInputError).location.field).toBe("year");
    expect(e.message).toMatch(/"year".*one of the model's moderators \(ablat, alloc\)/);
  });

  it("a missing moderator", () => {
    const e = error([{ ablat: 20 }]);
    expect(e).toBeInstanceOf(PooledInputError);
    expect((e as PooledInputError).location.field).toBe("alloc");
    expect(e.message).toMatch(/every moderator.*"alternate", "random", "systematic"/);
  });

  it("a level not in the data", () => {
    const e = error([{ ablat: 20, alloc: "Random" }]);
    expect(e).toBeInstanceOf(PooledInputError);
    expect((e as PooledInputError).location.field).toBe("alloc");
    expect(e.message).toMatch(/levels .*"alternate", "random", "systematic".*got "Random"/);
  });

  it("a non-numeric or non-finite value of a continuous moderator", () => {
    for (const bad of ["20", Number.NaN, Number.POSITIVE_INFINITY]) {
      const e = error([{ ablat: bad, alloc: "random" }]);
      expect(e).toBeInstanceOf(PooledInputError);
      expect((e as PooledInputError).location.field).toBe("ablat");
      expect(e.message).toMatch(/a finite number \(a continuous moderator\)/);
    }
  });

  it("collects the problems of several rows, saying which prediction", () => {
    const e = error([{ ablat: 20, alloc: "random" }, { ablat: "x", alloc: "none" }, {}]);
    expect(e).toBeInstanceOf(PooledInputErrors);
    const errors = (e as PooledInputErrors).errors;
    expect(errors.map((x) => x.location.field)).toEqual(["ablat", "alloc", "ablat", "alloc"]);
    expect(errors[0]!.message).toMatch(/prediction #2/);
    expect(errors[3]!.message).toMatch(/prediction #3/);
  });

  it("moderator values for a model without moderators, and a bad level", () => {
    const plain = rma({ yi: data.yi, vi: data.vi });
    expect(() => predict(plain, [{ ablat: 20 }])).toThrow(/the model has none/);
    expect(error([{ ablat: 20, alloc: "random" }], { level: 0.95 * 0 })).toBeInstanceOf(
      PooledInputError,
    );
    expect(error([{ ablat: 20, alloc: "random" }], { level: 100 }).message).toMatch(/level/);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("predict"));
  console.log(worst.report("predict"));
});
