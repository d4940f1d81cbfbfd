/**
 * CR2 cluster-robust inference against clubSandwich 0.5.8 (fixtures/robust.json, written by
 * fixtures/r/robust.R): vcovCR(type = "CR2"), coef_test (Satterthwaite), conf_int and
 * Wald_test(test = "HTZ") on rma.uni and rma.mv fits of metadat data sets, the bundled example and
 * made-up unbalanced data. The variance components are inputs, so every value is closed form and
 * compared at the "closed"/"pvalue" tolerance (test/support/tolerance.ts).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PooledInputError, PooledInputErrors, SingularMatrixError } from "../../src/errors.js";
import { type RobustInput, robustCR2 } from "../../src/robust/index.js";
import { fixtureUrl } from "../support/fixtures.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

type Num = number | null;
type NumOrArray = Num | Num[];

interface RobustCase {
  id: string;
  dataset: string;
  call: string;
  model: "rma.uni" | "rma.mv";
  input: {
    k: number;
    p: number;
    yi: NumOrArray;
    vi: NumOrArray;
    cluster: string | string[];
    X: NumOrArray;
    termNames: string | string[];
    sigma2Between: number;
    sigma2Within: number;
    level: number;
  };
  /** beta of the metafor fit (its own iterations), for the record. */
  fitBeta: NumOrArray;
  expected: {
    clusters: number;
    beta: NumOrArray;
    SE: NumOrArray;
    tstat: NumOrArray;
    df_Satt: NumOrArray;
    p_Satt: NumOrArray;
    CI_L: NumOrArray;
    CI_U: NumOrArray;
    vcov: number[][];
    wald: {
      coefficients: number | number[];
      error?: string;
      Fstat?: number;
      delta?: number;
      df_num?: number;
      df_denom?: number;
      p_val?: Num;
    };
  };
}

const fixture = JSON.parse(readFileSync(fixtureUrl("robust.json"), "utf8")) as {
  clubSandwich: string;
  metafor: string;
  cases: RobustCase[];
};

/** jsonlite unboxes length-1 vectors; undo that. */
function arr<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

function inputOf(c: RobustCase): RobustInput {
  return {
    yi: arr(c.input.yi) as number[],
    vi: arr(c.input.vi) as number[],
    X: arr(c.input.X) as number[],
    k: c.input.k,
    p: c.input.p,
    cluster: arr(c.input.cluster),
    sigma2Between: c.input.sigma2Between,
    sigma2Within: c.input.sigma2Within,
    termNames: arr(c.input.termNames),
    level: c.input.level,
    waldCoefficients: arr(c.expected.wald.coefficients),
  };
}

describe(`robustCR2 vs clubSandwich ${fixture.clubSandwich} (metafor ${fixture.metafor})`, () => {
  afterAll(() => console.log(reportWorstErrors("robust")));

  it("covers rma.uni and rma.mv, FE, HTZ with q >= 2, an undefined and an impossible HTZ", () => {
    const ids = fixture.cases.map((c) => c.id);
    expect(new Set(fixture.cases.map((c) => c.model))).toEqual(new Set(["rma.uni", "rma.mv"]));
    expect(ids.some((id) => id.includes("/FE"))).toBe(true);
    expect(fixture.cases.some((c) => arr(c.expected.wald.coefficients).length >= 3)).toBe(true);
    expect(fixture.cases.some((c) => c.expected.wald.p_val === null)).toBe(true);
    expect(fixture.cases.some((c) => c.expected.wald.error !== undefined)).toBe(true);
  });

  it.each(fixture.cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
    const e = c.expected;
    const res = robustCR2(inputOf(c));
    const at = (what: string) => `${id} ${what}`;
    expect(res.type).toBe("CR2");
    expect(res.clusters).toBe(e.clusters);
    const p = c.input.p;
    const fields = {
      beta: "estimate",
      SE: "se",
      tstat: "statistic",
      df_Satt: "df",
      CI_L: "ciLower",
      CI_U: "ciUpper",
    } as const;
    for (let i = 0; i < p; i++) {
      const coef = res.coefficients[i]!;
      const name = coef.name;
      for (const [rField, field] of Object.entries(fields)) {
        const expected = arr(e[rField as keyof typeof fields])[i];
        expectClose(coef[field], expected, "closed", at(`${name} ${rField}`));
      }
      expectClose(coef.p, arr(e.p_Satt)[i], "pvalue", at(`${name} p_Satt`));
      for (let j = 0; j < p; j++) {
        // Off-diagonal covariances can be ~0 by symmetry: compare them on the scale of the SEs.
        const scale = Math.sqrt(e.vcov[i]![i]! * e.vcov[j]![j]!);
        expectClose(res.vcov[i]![j], e.vcov[i]![j], "closed", at(`vcov[${i},${j}]`), scale);
      }
    }
    const w = e.wald;
    if (w.error !== undefined) {
      expect(res.wald, at("Wald: clubSandwich stops")).toBeNull();
      expect(res.notes.some((n) => n.startsWith("HTZ test not computed"))).toBe(true);
      return;
    }
    const wald = res.wald!;
    expect(wald.test).toBe("HTZ");
    expect(wald.coefficients).toEqual(arr(w.coefficients));
    expect(wald.df1).toBe(w.df_num);
    expectClose(wald.statistic, w.Fstat, "closed", at("Wald Fstat"));
    expectClose(wald.df2, w.df_denom, "closed", at("Wald df_denom"));
    if (w.p_val === null) {
      expect(wald.p, at("Wald p (NA in R)")).toBeNaN();
      expect(res.notes.some((n) => n.startsWith("HTZ test undefined"))).toBe(true);
    } else {
      expectClose(wald.p, w.p_val, "pvalue", at("Wald p_val"));
    }
  });

  it("recomputes beta by GLS in agreement with metafor's own fit", () => {
    for (const c of fixture.cases) {
      const res = robustCR2(inputOf(c));
      arr(c.fitBeta).forEach((b, i) => {
        const se = res.coefficients[i]!.se;
        expect(Math.abs(res.coefficients[i]!.estimate - b!), c.id).toBeLessThan(1e-9 * se);
      });
    }
  });

  it("HTZ with one constraint is the squared Satterthwaite t test", () => {
    for (const c of fixture.cases) {
      const input = inputOf(c);
      for (let i = 0; i < input.p; i++) {
        const res = robustCR2({ ...input, waldCoefficients: [i] });
        const coef = res.coefficients[i]!;
        const wald = res.wald!;
        expect(wald.df2 / coef.df, `${c.id} ${coef.name}`).toBeCloseTo(1, 10);
        expect(wald.statistic / coef.statistic ** 2, `${c.id} ${coef.name}`).toBeCloseTo(1, 10);
        expect(wald.p / coef.p, `${c.id} ${coef.name}`).toBeCloseTo(1, 8);
      }
    }
  });
});

describe("robustCR2 invariances", () => {
  const base = inputOf(fixture.cases.find((c) => c.id === "assink2016/mv/REML/deltype")!);

  it("permuting the rows leaves every result unchanged", () => {
    const ref = robustCR2(base);
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: base.k, maxLength: base.k }), (keys) => {
        const order = Array.from({ length: base.k }, (_, i) => i).sort(
          (a, b) => keys[a]! - keys[b]! || a - b,
        );
        const pick = <T>(x: ArrayLike<T>) => order.map((i) => x[i]!);
        const X = order.flatMap((i) => Array.from(base.X).slice(i * base.p, (i + 1) * base.p));
        const res = robustCR2({
          ...base,
          yi: pick(base.yi),
          vi: pick(base.vi),
          cluster: pick(base.cluster),
          X,
        });
        res.coefficients.forEach((coef, i) => {
          const r = ref.coefficients[i]!;
          expect(coef.estimate).toBeCloseTo(r.estimate, 12);
          expect(coef.se / r.se).toBeCloseTo(1, 10);
          expect(coef.df / r.df).toBeCloseTo(1, 10);
        });
        expect(res.wald!.df2 / ref.wald!.df2).toBeCloseTo(1, 10);
        expect(res.wald!.statistic / ref.wald!.statistic).toBeCloseTo(1, 10);
      }),
      { numRuns: 20 },
    );
  });

  it("rescaling all variances leaves the tests unchanged and scales the covariance", () => {
    const ref = robustCR2(base);
    const c = 37;
    const res = robustCR2({
      ...base,
      yi: Array.from(base.yi, (y) => y * Math.sqrt(c)),
      vi: Array.from(base.vi, (v) => v * c),
      sigma2Between: base.sigma2Between * c,
      sigma2Within: base.sigma2Within * c,
    });
    res.coefficients.forEach((coef, i) => {
      const r = ref.coefficients[i]!;
      expect(coef.statistic / r.statistic).toBeCloseTo(1, 10);
      expect(coef.df / r.df).toBeCloseTo(1, 10);
      expect(res.vcov[i]![i]! / (c * ref.vcov[i]![i]!)).toBeCloseTo(1, 10);
    });
    expect(res.wald!.statistic / ref.wald!.statistic).toBeCloseTo(1, 10);
  });
});

describe("robustCR2 input validation", () => {
  const ok: RobustInput = {
    yi: [0.1, 0.3, 0.2, 0.5, 0.4],
    vi: [0.02, 0.03, 0.02, 0.04, 0.03],
    X: [1, 1, 1, 1, 1],
    k: 5,
    p: 1,
    cluster: ["a", "a", "b", "c", "c"],
    sigma2Between: 0.01,
    sigma2Within: 0.02,
    termNames: ["intrcpt"],
  };

  it("accepts a small valid input and defaults to the intercept's Wald test at 95%", () => {
    const res = robustCR2(ok);
    expect(res.clusters).toBe(3);
    expect(res.wald!.coefficients).toEqual([0]);
    const c = res.coefficients[0]!;
    expect(c.p).toBeGreaterThan(0);
    expect(c.p).toBeLessThanOrEqual(1);
    expect(c.ciLower).toBeLessThan(c.estimate);
  });

  const bad: [string, Partial<RobustInput>, RegExp][] = [
    ["yi of the wrong length", { yi: [0.1, 0.2] }, /field "yi": expected 5 values/],
    ["vi of the wrong length", { vi: [0.1] }, /field "vi": expected 5 values/],
    ["cluster of the wrong length", { cluster: ["a"] }, /field "cluster": expected 5 values/],
    ["X of the wrong length", { X: [1, 1] }, /field "X": expected 5 values \(k·p = 5·1/],
    ["termNames of the wrong length", { termNames: [] }, /field "termNames": expected 1 values/],
    ["a single cluster", { cluster: ["a", "a", "a", "a", "a"] }, /at least 2 distinct clusters/],
    ["a negative vi", { vi: [0.02, -0.03, 0.02, 0.04, 0.03] }, /study #2, field "vi"/],
    ["a non-finite yi", { yi: [0.1, Number.NaN, 0.2, 0.5, 0.4] }, /field "yi": expected a finite/],
    ["a negative sigma2Between", { sigma2Between: -1 }, /"sigma2Between": expected a finite/],
    ["a non-finite sigma2Within", { sigma2Within: Number.POSITIVE_INFINITY }, /"sigma2Within"/],
    ["a level of 100", { level: 100 }, /"level": expected a percentage in \(0, 100\)/],
    ["a Wald coefficient out of range", { waldCoefficients: [1] }, /distinct column indices/],
    ["no Wald coefficient", { waldCoefficients: [] }, /at least one coefficient/],
    ["p larger than k", { p: 6 }, /"p": expected a positive integer .* at most k = 5/],
    [
      "vi = 0 without a within variance",
      { vi: [0, 0.03, 0.02, 0.04, 0.03], sigma2Within: 0 },
      /vi \+ sigma2Within > 0/,
    ],
  ];
  it.each(bad)("rejects %s", (_, patch, message) => {
    expect(() => robustCR2({ ...ok, ...patch })).toThrow(PooledInputError);
    expect(() => robustCR2({ ...ok, ...patch })).toThrow(message);
  });

  it("reports every bad row at once", () => {
    const run = () => robustCR2({ ...ok, yi: [Number.NaN, 0.3, Number.NaN, 0.5, 0.4] });
    expect(run).toThrow(PooledInputErrors);
    expect(run).toThrow(/2 input problem/);
  });

  it("throws SingularMatrixError for a constant moderator", () => {
    const X = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
    expect(() => robustCR2({ ...ok, X, p: 2, termNames: ["intrcpt", "dose"] })).toThrow(
      SingularMatrixError,
    );
  });
});
