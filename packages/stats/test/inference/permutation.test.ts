/**
 * Permutation tests against metafor 3.8's permutest(exact = TRUE) (fixtures/permutation.json,
 * written by fixtures/r/permutation.R), WASM against TS (counts identical), and Monte Carlo against
 * exact p-values (within 3 binomial standard errors, seeded).
 */
import { readFileSync } from "node:fs";
import { multisetPermutations } from "@pooled/core-wasm/kernels";
import { describe, expect, it } from "vitest";
import { PooledError } from "../../src/errors.js";
import { permutationTest } from "../../src/inference/permutation.js";
import { rma } from "../../src/models/rma.js";
import type { Method, Moderator, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureUrl } from "../support/fixtures.js";

interface PermCase {
  id: string;
  call: string;
  input: { yi: number[]; vi: number[]; mods: Moderator[] };
  options: { method: Method; test: TestType; control: { threshold: number; maxIter: number } };
  expected: {
    exactIter: number;
    zval: number | number[];
    QM: number;
    pval: number | number[];
    QMp: number;
    failed: number;
  };
}
const fixture = JSON.parse(readFileSync(fixtureUrl("permutation.json"), "utf8")) as {
  metafor: string;
  cases: PermCase[];
};
const arr = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function modelOf(c: PermCase) {
  const mods = c.input.mods.map((m) => ({ ...m, values: arr(m.values as never) })) as Moderator[];
  return rma(
    { yi: c.input.yi, vi: c.input.vi },
    {
      method: c.options.method,
      test: c.options.test,
      mods,
      control: c.options.control,
      backend: "js",
    },
  );
}

describe(`exact permutation p-values equal metafor ${fixture.metafor} permutest`, () => {
  it("has at least 3 data sets, with and without moderators", () => {
    expect(new Set(fixture.cases.map((c) => c.id.split("/")[0])).size).toBeGreaterThanOrEqual(3);
    expect(fixture.cases.some((c) => c.input.mods.length > 0)).toBe(true);
  });

  for (const backend of testBackends) {
    it.each(fixture.cases.map((c) => [c.id, c] as const))(`%s [${backend}]`, async (_id, c) => {
      const model = modelOf(c);
      const res = await permutationTest(model, {
        iterations: "exact",
        backend,
        control: c.options.control,
      });
      const e = c.expected;
      expect(res.exact).toBe(true);
      expect(res.arrangements).toBe(e.exactIter);
      expect(res.iterations).toBe(e.exactIter);
      expect(res.failed).toBe(e.failed);
      expect(res.valid).toBe(e.exactIter - e.failed);
      const pval = arr(e.pval);
      const zval = arr(e.zval);
      res.coefficients.forEach((coef, j) => {
        // p = count / N exactly: compare the counts
        expect(coef.exceedances, `${c.id} coefficient ${j}`).toBe(
          Math.round(pval[j]! * e.exactIter),
        );
        expect(coef.p).toBeCloseTo(pval[j]!, 12);
        expect(Math.abs(coef.statistic - zval[j]!) / Math.abs(zval[j]!)).toBeLessThan(1e-6);
      });
      expect(res.QM.exceedances).toBe(Math.round(e.QMp * e.exactIter));
      expect(res.QM.p).toBeCloseTo(e.QMp, 12);
      expect(Math.abs(res.QM.statistic - e.QM) / e.QM).toBeLessThan(1e-6);
      // also chosen automatically when iterations >= the number of arrangements
      const auto = await permutationTest(model, {
        iterations: e.exactIter,
        backend,
        control: c.options.control,
      });
      expect(auto.exact).toBe(true);
      expect(auto.QM.exceedances).toBe(res.QM.exceedances);
    });
  }
});

describe("WASM and TS permutation kernels", () => {
  it.each(fixture.cases.map((c) => [c.id, c] as const))(
    "give identical counts, exact and random (%s)",
    async (_id, c) => {
      const model = modelOf(c);
      for (const iterations of ["exact", 300] as const) {
        const js = await permutationTest(model, { iterations, seed: 7, backend: "js" });
        const wasm = await permutationTest(model, { iterations, seed: 7, backend: "wasm" });
        expect({ ...wasm, backend: "js" }).toEqual(js);
      }
    },
  );
});

describe("Monte Carlo permutation p-values", () => {
  const bcg = fixture.cases.find((c) => c.id.startsWith("bcg10"))!;

  it("agree with the exact ones within 3 binomial standard errors (seeded)", async () => {
    // bcg, 10 studies, 3-level moderator: 360 distinct arrangements; and sign flips of 12 studies
    const withMods = modelOf(bcg);
    const intOnly = rma({ yi: bcg.input.yi.concat(0.3, -0.8), vi: bcg.input.vi.concat(0.05, 0.2) });
    for (const model of [withMods, intOnly]) {
      const exact = await permutationTest(model, { iterations: "exact" });
      expect(exact.arrangements).toBe(model.p === 1 ? 4096 : 360);
      for (const seed of [1, 2, 3]) {
        const n = model.p === 1 ? 2000 : 300;
        const mc = await permutationTest(model, { iterations: n, seed });
        expect(mc.exact).toBe(false);
        expect(mc.seed).toBe(seed);
        expect(mc.iterations).toBe(n);
        const pairs = [
          ...mc.coefficients.map((c, j) => [c.p, exact.coefficients[j]!.p] as const),
          [mc.QM.p, exact.QM.p] as const,
        ];
        for (const [pm, pe] of pairs) {
          const se = Math.sqrt((pe * (1 - pe)) / n);
          expect(Math.abs(pm - pe)).toBeLessThanOrEqual(3 * se + 1 / n);
        }
      }
    }
  });

  it("counts the observed data as one arrangement and is reproducible from the seed", async () => {
    const model = rma({
      yi: [0.1, 0.4, -0.2, 0.5, 0.9, 0.3, 0.2, 0.7, 0.1, -0.1, 0.4, 0.6],
      vi: new Array(12).fill(0.04),
    });
    const a = await permutationTest(model, { iterations: 999, seed: 11 });
    const b = await permutationTest(model, { iterations: 999, seed: 11 });
    const c = await permutationTest(model, { iterations: 999, seed: 12 });
    expect(a.exact).toBe(false);
    expect(a).toEqual(b);
    expect(a.QM.exceedances).toBeGreaterThanOrEqual(1);
    expect(a.valid + a.failed).toBe(999);
    // another seed draws other arrangements (the counts may coincide, the draws may not)
    expect(c.seed).toBe(12);
    const noSeed = await permutationTest(model, { iterations: 50 });
    expect(noSeed.seed).toBeTypeOf("number");
    const again = await permutationTest(model, { iterations: 50, seed: noSeed.seed! });
    expect(again.QM.exceedances).toBe(noSeed.QM.exceedances);
  });
});

describe("arrangement counts", () => {
  it("counts k!/Π ties! without overflow, even at k = 795 (metafor gives NaN there)", () => {
    expect(multisetPermutations(Int32Array.of(2, 7, 1), 3)).toBe(360);
    expect(multisetPermutations(Int32Array.of(1, 1, 1, 1, 1), 5)).toBe(120);
    expect(multisetPermutations(Int32Array.of(10, 10), 2)).toBe(184756);
    const manyTies = multisetPermutations(Int32Array.of(790, 5), 2); // C(795, 5)
    expect(manyTies).toBe(2613251675034); // Python: math.comb(795, 5)
    const distinct = new Int32Array(795).fill(1);
    expect(multisetPermutations(distinct, 795)).toBe(Number.POSITIVE_INFINITY);
  });

  it("falls back to random arrangements for large k and refuses absurd exact requests", async () => {
    const k = 795;
    const yi = Array.from({ length: k }, (_, i) => Math.sin(i) * 0.3 + 0.1);
    const vi = Array.from({ length: k }, (_, i) => 0.02 + (i % 7) * 0.01);
    const x = Array.from({ length: k }, (_, i) => i % 11);
    const model = rma({ yi, vi }, { method: "DL", mods: [{ name: "x", values: x }] });
    const res = await permutationTest(model, { iterations: 20, seed: 3 });
    expect(res.exact).toBe(false);
    expect(res.arrangements).toBeGreaterThan(1e300);
    expect(Number.isFinite(res.QM.p)).toBe(true);
    await expect(permutationTest(model, { iterations: "exact" })).rejects.toBeInstanceOf(
      PooledError,
    );
  });

  it('refuses "exact" beyond 2^20 arrangements (k = 21 sign flips); a numeric request runs', async () => {
    const fit = (k: number) =>
      rma(
        {
          yi: Array.from({ length: k }, (_, i) => Math.cos(i) * 0.4 + 0.2),
          vi: Array.from({ length: k }, (_, i) => 0.03 + (i % 5) * 0.01),
        },
        { method: "DL" },
      );
    await expect(permutationTest(fit(21), { iterations: "exact" })).rejects.toMatchObject({
      code: "TOO_MANY_ARRANGEMENTS",
      message: expect.stringMatching(/2\.10e\+6 refits .* random permutations instead/),
    });
    // A numeric request bounds the work itself: 2^21 iterations asked means exact enumeration.
    const controller = new AbortController();
    const run = permutationTest(fit(21), {
      iterations: 2 ** 21,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: "CANCELLED" });
  });
});

describe("permutation invariants (property tests)", () => {
  it("exact p-values do not depend on the order of the studies, and lie in (0, 1]", async () => {
    const fc = await import("fast-check");
    const c = fixture.cases.find((x) => x.id.startsWith("raudenbush10"))!;
    const base = await permutationTest(modelOf(c), { iterations: "exact" });
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...Array(10).keys()], { minLength: 10, maxLength: 10 }),
        async (order) => {
          const mods = c.input.mods.map((m) => ({
            ...m,
            values: order.map((i) => arr(m.values as never)[i]),
          })) as Moderator[];
          const model = rma(
            { yi: order.map((i) => c.input.yi[i]!), vi: order.map((i) => c.input.vi[i]!) },
            { method: c.options.method, mods, control: c.options.control },
          );
          const res = await permutationTest(model, { iterations: "exact" });
          expect(res.coefficients.map((x) => x.exceedances)).toEqual(
            base.coefficients.map((x) => x.exceedances),
          );
          for (const coef of res.coefficients) expect(coef.p > 0 && coef.p <= 1).toBe(true);
        },
      ),
      { numRuns: 15, seed: 42 },
    );
  });
});

describe("permutationTest input", () => {
  it("accepts data with model options as well as a fitted model", async () => {
    const c = fixture.cases.find((x) => x.id.startsWith("bcg10"))!;
    const mods = c.input.mods.map((m) => ({ ...m, values: arr(m.values as never) })) as Moderator[];
    const fromData = await permutationTest(
      { yi: c.input.yi, vi: c.input.vi },
      { method: c.options.method, mods, control: c.options.control, iterations: "exact" },
    );
    const fromModel = await permutationTest(modelOf(c), {
      iterations: "exact",
      control: c.options.control,
    });
    expect(fromData).toEqual(fromModel);
    expect(fromData.QM.p).toBeCloseTo(c.expected.QMp, 12);
  });
});
