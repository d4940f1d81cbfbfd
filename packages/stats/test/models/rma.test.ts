/**
 * rma against metafor 3.8 (fixtures/models.json, written by fixtures/r/models.R): every tau² method
 * × test (z, knha), with and without moderators, on seven metadat data sets and synthetic edge
 * cases; every statistic rma reports is compared with the tolerance table
 * (test/support/tolerance.ts).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { NotConvergedError, TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import type { BackendName, Method, Moderator, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureUrl } from "../support/fixtures.js";
import { expectClose, type QuantityKind, reportWorstErrors } from "../support/tolerance.js";

type Num = number | null;
type NumOrArray = Num | Num[];

interface ModelExpected {
  k: number;
  p: number;
  tau2: number;
  beta: NumOrArray;
  se: NumOrArray;
  zval: NumOrArray;
  pval: NumOrArray;
  "ci.lb": NumOrArray;
  "ci.ub": NumOrArray;
  vb: number[][];
  QE: number;
  QEp: number;
  /** QE and its p-value from R's lm.wfit (QR), the numerically stable reference; absent when k = p. */
  "QE.lm"?: number;
  "QEp.lm"?: number;
  QM: number;
  QMdf: Num[];
  QMp: Num;
  I2: number;
  H2: number;
  vt: number;
  s2w: number;
  R2: Num;
  weights: NumOrArray;
  fitted: NumOrArray;
  predict?: { pred: number; se: number; "ci.lb": Num; "ci.ub": Num; "pi.lb": Num; "pi.ub": Num };
  confint?: {
    tau2: Num[];
    tau: Num[];
    I2: Num[];
    H2: Num[];
    "ci.null": boolean;
    "lb.sign": string;
    "ub.sign": string;
  };
}

interface ModelCase {
  id: string;
  dataset: string;
  call: string;
  input: { yi: NumOrArray; vi: NumOrArray; mods: Moderator[] };
  options: {
    method: Method;
    test: TestType;
    level: number;
    control: { threshold: number; maxIter: number };
    tau2Fixed: Num;
  };
  iterative: boolean;
  error?: string;
  expected?: ModelExpected;
  /**
   * Parametrisation-invariant statistics of the same model refitted in R with centred continuous
   * moderators: metafor's k×k P matrix loses ~1e-10 relative accuracy with a moderator such as
   * 'year', and cancellations (R² = (τ²₀ - τ²)/τ²₀, far-tail p-values) amplify it.
   */
  stable?: Partial<
    Record<"tau2" | "QE" | "QEp" | "QM" | "QMp" | "I2" | "H2" | "vt" | "s2w" | "R2", Num>
  >;
}

const fixture = JSON.parse(readFileSync(fixtureUrl("models.json"), "utf8")) as {
  metafor: string;
  cases: ModelCase[];
};

/** jsonlite unboxes length-1 vectors; undo that. */
export function arr(x: NumOrArray | undefined): Num[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? x : [x];
}

function runCase(c: ModelCase, backend: BackendName) {
  const mods = c.input.mods.map((m) =>
    m.type === "categorical"
      ? {
          name: m.name,
          type: "categorical" as const,
          values: arr(m.values as unknown as NumOrArray) as unknown as string[],
        }
      : {
          name: m.name,
          type: "continuous" as const,
          values: arr(m.values as unknown as NumOrArray) as number[],
        },
  );
  return rma(
    { yi: arr(c.input.yi) as number[], vi: arr(c.input.vi) as number[] },
    {
      method: c.options.method,
      test: c.options.test,
      level: c.options.level,
      mods,
      control: {
        threshold: c.options.control.threshold,
        maxIter: c.options.control.maxIter,
        ...(c.options.tau2Fixed === null ? {} : { tau2Fixed: c.options.tau2Fixed }),
      },
      backend,
    },
  );
}

const fitCases = fixture.cases.filter((c) => c.expected !== undefined);
const errorCases = fixture.cases.filter((c) => c.error !== undefined);

for (const backend of testBackends) {
  describe(`rma vs metafor ${fixture.metafor} [${backend}]`, () => {
    it("covers at least 6 real data sets, every method and both tests", () => {
      const real = new Set(fitCases.filter((c) => !c.id.startsWith("edge/")).map((c) => c.dataset));
      expect(real.size).toBeGreaterThanOrEqual(6);
      const combos = new Set(fitCases.map((c) => `${c.options.method}/${c.options.test}`));
      expect(combos.size).toBe(18);
    });

    it.each(fitCases.map((c) => [c.id, c] as const))("%s", (id, c) => {
      const e = c.expected!;
      const res = runCase(c, backend);
      const fixedTau2 = c.options.tau2Fixed !== null || e.k === 1;
      const iterative = c.iterative && !fixedTau2;
      const est: QuantityKind = iterative ? "iterative" : "closed";
      const pk: QuantityKind = iterative ? "iterative" : "pvalue";
      const at = (what: string) => `${id} ${what}`;
      // scale for quantities whose reference is exactly 0
      const yScale = Math.max(...arr(c.input.yi).map((v) => Math.abs(v ?? 0)), 1e-300);

      expect(res.k).toBe(e.k);
      expect(res.p).toBe(e.p);
      expectClose(res.tau2, e.tau2, est, at("tau2"), yScale * yScale);
      const beta = arr(e.beta);
      for (let j = 0; j < e.p; j++) {
        const coef = res.coefficients[j]!;
        expectClose(coef.estimate, beta[j], est, at(`beta[${j}]`), yScale);
        expectClose(coef.se, arr(e.se)[j], est, at(`se[${j}]`), yScale);
        expectClose(coef.statistic, arr(e.zval)[j], est, at(`zval[${j}]`));
        expectClose(coef.p, arr(e.pval)[j], pk, at(`pval[${j}]`));
        expectClose(coef.ciLower, arr(e["ci.lb"])[j], est, at(`ci.lb[${j}]`), yScale);
        expectClose(coef.ciUpper, arr(e["ci.ub"])[j], est, at(`ci.ub[${j}]`), yScale);
        for (let l = 0; l < e.p; l++) {
          expectClose(res.vb[j]![l]!, e.vb[j]![l]!, est, at(`vb[${j},${l}]`), yScale * yScale);
        }
      }
      // invariant statistics: the well-conditioned refit when there is one, else metafor's fit
      const inv = (key: keyof NonNullable<ModelCase["stable"]>): Num =>
        c.stable && key in c.stable ? (c.stable[key] ?? null) : (e[key] as Num);
      const src = c.stable ? " (centred refit)" : "";
      expectClose(res.QE.statistic, inv("QE"), "closed", at(`QE${src}`));
      expectClose(res.QE.p, inv("QEp"), "pvalue", at(`QEp${src}`));
      if (e["QE.lm"] !== undefined) {
        expectClose(res.QE.statistic, e["QE.lm"], "closed", at("QE (lm.wfit)"));
        expectClose(res.QE.p, e["QEp.lm"], "pvalue", at("QEp (lm.wfit)"));
      }
      expect(res.QE.df).toBe(e.k - e.p);
      expectClose(res.QM.statistic, inv("QM"), est, at(`QM${src}`));
      expect(res.QM.df).toBe(e.QMdf[0]);
      if (res.QM.distribution === "F") expect(res.QM.df2).toBe(e.QMdf[1]);
      else expect(e.QMdf[1]).toBeNull();
      expectClose(res.QM.p, inv("QMp"), pk, at(`QMp${src}`));
      expectClose(res.I2, inv("I2"), est, at(`I2${src}`));
      expectClose(res.H2, inv("H2"), est, at(`H2${src}`));
      expectClose(res.typicalVariance, inv("vt"), "closed", at(`vt${src}`), yScale * yScale);
      expectClose(res.s2w, inv("s2w"), est, at(`s2w${src}`));
      expectClose(res.R2, inv("R2"), est, at(`R2${src}`));
      if (c.stable) expectClose(res.tau2, inv("tau2"), est, at(`tau2${src}`), yScale * yScale);
      const weights = arr(e.weights);
      const fitted = arr(e.fitted);
      for (let i = 0; i < e.k; i++) {
        expectClose(res.weights[i]!, weights[i], est, at(`weights[${i}]`));
        expectClose(res.fitted[i]!, fitted[i], est, at(`fitted[${i}]`), yScale);
      }
      if (e.predict) {
        const pr = res.prediction!;
        expect(pr).not.toBeNull();
        expectClose(pr.estimate, e.predict.pred, est, at("pred"), yScale);
        expectClose(pr.se, e.predict.se, est, at("pred.se"), yScale);
        expectClose(pr.ciLower, e.predict["ci.lb"], est, at("pred.ci.lb"), yScale);
        expectClose(pr.ciUpper, e.predict["ci.ub"], est, at("pred.ci.ub"), yScale);
        expectClose(pr.piLower, e.predict["pi.lb"], est, at("pi.lb"), yScale);
        expectClose(pr.piUpper, e.predict["pi.ub"], est, at("pi.ub"), yScale);
      } else {
        expect(res.prediction).toBeNull();
      }
      if (e.confint) {
        const hi = res.heterogeneityIntervals!;
        expect(hi, at("confint")).not.toBeNull();
        const names = ["tau2", "tau", "I2", "H2"] as const;
        for (const name of names) {
          const ref = e.confint[name];
          const got = hi[name];
          expectClose(got.estimate, ref[0], est, at(`confint ${name}`), yScale);
          // the bounds are roots found iteratively (uniroot in metafor, Newton here)
          expectClose(got.lower, ref[1], "iterative", at(`confint ${name}.lb`));
          expectClose(got.upper, ref[2], "iterative", at(`confint ${name}.ub`));
        }
        expect(hi.ciNull).toBe(e.confint["ci.null"]);
        expect(hi.lowerSign).toBe(e.confint["lb.sign"]);
        expect(hi.upperSign).toBe(e.confint["ub.sign"]);
      } else {
        expect(res.heterogeneityIntervals).toBeNull();
      }
    });

    it.each(errorCases.map((c) => [c.id, c] as const))("%s fails as metafor does", (_id, c) => {
      const expectedError = /did not converge/.test(c.error!)
        ? NotConvergedError
        : TooFewStudiesError;
      expect(() => runCase(c, backend)).toThrow(expectedError);
    });
  });
}

afterAll(() => {
  console.log(reportWorstErrors("models"));
});
