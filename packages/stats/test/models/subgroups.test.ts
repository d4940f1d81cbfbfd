/**
 * subgroups against metafor 3.8 (fixtures/models.json, "subgroups"): per-level models, the
 * separate-tau² between-levels test (FE meta-analysis of the subgroup estimates: rma(est, sei = se,
 * method = "FE")$QE) and the common-tau² test (QM of rma(yi, vi, mods = ~ factor(group))).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { EmptySubgroupError, PooledInputError } from "../../src/errors.js";
import { subgroups } from "../../src/models/index.js";
import type { Method, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureUrl } from "../support/fixtures.js";
import { expectClose, type QuantityKind, reportWorstErrors } from "../support/tolerance.js";

type Num = number | null;
const arr = (x: Num | Num[]): Num[] => (Array.isArray(x) ? x : [x]);

interface GroupExpected {
  level: string;
  k: number;
  expected: {
    tau2: number;
    beta: Num | Num[];
    se: Num | Num[];
    pval: Num | Num[];
    "ci.lb": Num | Num[];
    "ci.ub": Num | Num[];
    QE: number;
    I2: number;
  };
}

interface SubgroupCase {
  id: string;
  call: string;
  input: { yi: number[]; vi: number[]; groups: string[] };
  options: { method: Method; test: TestType; control: { threshold: number; maxIter: number } };
  iterative: boolean;
  expected: {
    levels: string | string[];
    groups: GroupExpected[];
    separate: { Q: number; df: number; p: number };
    common: { QM: number; QMdf: Num[]; QMp: number; tau2: number };
  };
}

const fixture = JSON.parse(readFileSync(fixtureUrl("models.json"), "utf8")) as {
  subgroups: SubgroupCase[];
};

for (const backend of testBackends) {
  describe(`subgroups vs metafor [${backend}]`, () => {
    it.each(fixture.subgroups.map((c) => [c.id, c] as const))("%s", (id, c) => {
      const res = subgroups({ yi: c.input.yi, vi: c.input.vi }, c.input.groups, {
        method: c.options.method,
        test: c.options.test,
        control: c.options.control,
        backend,
      });
      const est: QuantityKind = c.iterative ? "iterative" : "closed";
      const pk: QuantityKind = c.iterative ? "iterative" : "pvalue";
      const e = c.expected;
      expect(res.levels).toEqual(Array.isArray(e.levels) ? e.levels : [e.levels]);
      for (const [g, ref] of e.groups.entries()) {
        const got = res.groups[g]!;
        const single = ref.k === 1;
        const kind: QuantityKind = single ? "closed" : est;
        expect(got.level).toBe(ref.level);
        expect(got.k).toBe(ref.k);
        // Every fixture level converges; a null model here would be a failure of the engine.
        expect(got.unavailable).toBeUndefined();
        const model = got.model!;
        const coef = model.coefficients[0]!;
        expectClose(model.tau2, ref.expected.tau2, kind, `${id} ${ref.level} tau2`);
        expectClose(coef.estimate, arr(ref.expected.beta)[0], kind, `${id} ${ref.level} estimate`);
        expectClose(coef.se, arr(ref.expected.se)[0], kind, `${id} ${ref.level} se`);
        expectClose(
          coef.p,
          arr(ref.expected.pval)[0],
          single ? "pvalue" : pk,
          `${id} ${ref.level} p`,
        );
        expectClose(coef.ciLower, arr(ref.expected["ci.lb"])[0], kind, `${id} ${ref.level} ci.lb`);
        expectClose(coef.ciUpper, arr(ref.expected["ci.ub"])[0], kind, `${id} ${ref.level} ci.ub`);
        expectClose(model.QE.statistic, ref.expected.QE, "closed", `${id} ${ref.level} QE`);
        expectClose(model.I2, ref.expected.I2, kind, `${id} ${ref.level} I2`);
      }
      const [separate, common] = res.tests;
      expect(separate!.type).toBe("separate-tau2");
      expectClose(separate!.statistic, e.separate.Q, est, `${id} separate Q`);
      expect(separate!.df).toBe(e.separate.df);
      expectClose(separate!.p, e.separate.p, pk, `${id} separate p`);
      expect(common!.type).toBe("common-tau2");
      expectClose(common!.statistic, e.common.QM, est, `${id} common QM`);
      expect(common!.df).toBe(e.common.QMdf[0]);
      if (common!.type === "common-tau2") {
        expect(common!.df2).toBe(e.common.QMdf[1]);
        expectClose(common!.tau2, e.common.tau2, est, `${id} common tau2`);
      }
      expectClose(common!.p, e.common.QMp, pk, `${id} common p`);
    });

    it("reports a listed level without studies", () => {
      expect(() =>
        subgroups({ yi: [0.1, 0.2, 0.3], vi: [0.1, 0.1, 0.1] }, ["a", "a", "b"], {
          levels: ["a", "b", "c"],
          backend,
        }),
      ).toThrow(EmptySubgroupError);
    });

    it("rejects a missing label and a single level", () => {
      expect(() => subgroups({ yi: [0.1, 0.2], vi: [0.1, 0.1] }, ["a", ""], { backend })).toThrow(
        PooledInputError,
      );
      expect(() => subgroups({ yi: [0.1, 0.2], vi: [0.1, 0.1] }, ["a", "a"], { backend })).toThrow(
        PooledInputError,
      );
    });

    it("one study per subgroup: no common-tau² test (null, with the reason), the rest stands", () => {
      const res = subgroups(
        { yi: [0.1, 0.5, 0.3, 0.8], vi: [0.02, 0.03, 0.05, 0.04] },
        ["a", "b", "c", "d"],
        { method: "REML", backend },
      );
      expect(res.groups.map((g) => g.k)).toEqual([1, 1, 1, 1]);
      const [separate, common] = res.tests;
      expect(separate!.statistic).toBeGreaterThan(0);
      expect(common).toMatchObject({ type: "common-tau2", statistic: null, p: null, tau2: null });
      if (common!.type === "common-tau2") expect(common!.unavailable).toMatch(/at least 5 studies/);
    });

    it("a level whose model does not converge is null with the reason; the other levels stand", () => {
      // maxIter 1: "a" (homogeneous, tau² = 0 on the boundary) and "c" (one study) converge at once,
      // the heterogeneous "b" cannot; so cannot the common-tau² model of all studies.
      const res = subgroups(
        {
          yi: [0.3, 0.31, 0.29, 0.1, 0.9, 0.2, 1.4, 0.5],
          vi: [0.04, 0.05, 0.04, 0.02, 0.03, 0.02, 0.03, 0.05],
        },
        ["a", "a", "a", "b", "b", "b", "b", "c"],
        { method: "REML", control: { maxIter: 1 }, backend },
      );
      const [a, b, c] = res.groups;
      expect(b).toMatchObject({ level: "b", k: 4, indices: [3, 4, 5, 6], model: null });
      expect(b!.unavailable).toMatch(
        /^Subgroup "b" could not be computed: REML estimation of tau² did not converge after 1 iterations\. Remedies: raise control\.maxIter/,
      );
      expect(a!.model!.tau2).toBe(0);
      expect(a!.unavailable).toBeUndefined();
      expect(c!.model!.coefficients[0]!.estimate).toBe(0.5);
      const [separate, common] = res.tests;
      expect(separate).toMatchObject({ type: "separate-tau2", statistic: null, p: null, df: 2 });
      if (separate!.type === "separate-tau2") {
        expect(separate!.unavailable).toBe(
          'The test with a separate tau² per subgroup could not be computed: it compares every subgroup\'s estimate, and subgroup "b" could not be fitted.',
        );
      }
      if (common!.type === "common-tau2") expect(common!.unavailable).toMatch(/did not converge/);
    });

    it("fits a one-study level under Knapp-Hartung with the z test, and says so", () => {
      const res = subgroups(
        { yi: [0.1, 0.5, 0.3, 0.8], vi: [0.02, 0.03, 0.05, 0.04] },
        ["a", "a", "a", "b"],
        { method: "REML", test: "knha", backend },
      );
      const single = res.groups[1]!.model!;
      expect(single.test).toBe("z");
      expect(single.coefficients[0]!.estimate).toBe(0.8);
      expect(single.coefficients[0]!.se).toBeCloseTo(Math.sqrt(0.04), 15);
      expect(single.notes.join(" ")).toMatch(/one study/);
    });
  });
}

afterAll(() => {
  console.log(reportWorstErrors("subgroups"));
});
