/**
 * rma's input checks and edge cases, on every backend: bad input gets typed errors naming the study
 * and the field, every problem at once (shared/STYLE.md §9); too few studies, singular designs and
 * non-convergence get their typed errors with the remedies; fixed τ², categorical moderators and
 * skipped Q-profile intervals behave as documented; the fit costs O(k·p²) (no k×k matrices).
 */
import { describe, expect, it } from "vitest";
import {
  NotConvergedError,
  PooledInputError,
  PooledInputErrors,
  SingularMatrixError,
  TooFewStudiesError,
} from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";

const yi = [0.1, 0.4, -0.2, 0.35, 0.8];
const vi = [0.02, 0.05, 0.03, 0.04, 0.06];

for (const backend of testBackends) {
  describe(`rma input validation [${backend}]`, () => {
    it("names the study and the field of a non-positive variance", () => {
      const labels = ["Smith 2001", "Jones 2003", "Lee 2010", "Kim 2012", "Ng 2015"];
      try {
        rma({ yi, vi: [0.02, 0.05, 0, 0.04, 0.06] }, { labels, backend });
        expect.fail("should throw");
      } catch (e) {
        expect(e).toBeInstanceOf(PooledInputError);
        const err = e as PooledInputError;
        expect(err.location).toMatchObject({ study: "Lee 2010", index: 2, field: "vi", value: 0 });
        expect(err.message).toMatch(/Lee 2010.*vi.*positive/);
      }
    });

    it("reports every problem at once: non-finite yi, negative sei", () => {
      try {
        rma({ yi: [0.1, Number.NaN, 0.3], sei: [0.1, 0.2, -0.1] }, { backend });
        expect.fail("should throw");
      } catch (e) {
        expect(e).toBeInstanceOf(PooledInputErrors);
        const fields = (e as PooledInputErrors).errors.map(
          (x) => `${x.location.index}:${x.location.field}`,
        );
        expect(fields).toEqual(["1:yi", "2:sei"]);
      }
    });

    it("rejects an unknown method, test or level", () => {
      expect(() => rma({ yi, vi }, { method: "XYZ" as never, backend })).toThrow(/field "method"/);
      expect(() => rma({ yi, vi }, { test: "t" as never, backend })).toThrow(/field "test"/);
      expect(() => rma({ yi, vi }, { level: 0.95 * 0, backend })).toThrow(/field "level"/);
    });

    it("rejects wrong lengths and bad moderator values", () => {
      expect(() => rma({ yi, vi: vi.slice(1) }, { backend })).toThrow(PooledInputError);
      expect(() =>
        rma(
          { yi, vi },
          { mods: [{ name: "dose", values: [1, 2, Number.POSITIVE_INFINITY, 4, 5] }], backend },
        ),
      ).toThrow(/study #3, field "dose"/);
    });

    it("throws TooFewStudiesError when k < p, k = p with tau², or knha with k = 1", () => {
      const mods = [
        { name: "a", values: [1, 2] },
        { name: "b", values: [3, 1] },
      ];
      expect(() => rma({ yi: [0.1, 0.2], vi: [0.1, 0.1] }, { mods, backend })).toThrow(
        TooFewStudiesError,
      );
      expect(() =>
        rma(
          { yi: [0.1, 0.2], vi: [0.1, 0.1] },
          { mods: [{ name: "a", values: [1, 2] }], method: "REML", backend },
        ),
      ).toThrow(TooFewStudiesError);
      expect(() => rma({ yi: [0.1], vi: [0.1] }, { test: "knha", backend })).toThrow(
        TooFewStudiesError,
      );
      expect(() => rma({ yi: [], vi: [] }, { backend })).toThrow(TooFewStudiesError);
    });

    it("throws SingularMatrixError for a constant or duplicated moderator, or a one-level factor", () => {
      expect(() =>
        rma({ yi, vi }, { mods: [{ name: "c", values: [2, 2, 2, 2, 2] }], backend }),
      ).toThrow(SingularMatrixError);
      const x = [1, 2, 3, 4, 5];
      expect(() =>
        rma(
          { yi, vi },
          {
            mods: [
              { name: "x", values: x },
              { name: "twice", values: x.map((v) => 2 * v) },
            ],
            backend,
          },
        ),
      ).toThrow(SingularMatrixError);
      expect(() =>
        rma(
          { yi, vi },
          {
            mods: [{ name: "g", type: "categorical", values: ["a", "a", "a", "a", "a"] }],
            backend,
          },
        ),
      ).toThrow(SingularMatrixError);
    });

    it("throws NotConvergedError naming remedies when REML stops at maxIter", () => {
      try {
        rma({ yi, vi }, { method: "REML", control: { maxIter: 1 }, backend });
        expect.fail("should throw");
      } catch (e) {
        expect(e).toBeInstanceOf(NotConvergedError);
        expect((e as Error).message).toMatch(/REML.*did not converge.*maxIter.*stepAdj/s);
      }
    });

    it("R² is null with a note naming the remedies when its model without moderators does not converge", () => {
      // dose explains every difference: the moderator model stops at tau² = 0 in one iteration,
      // while the model without moderators needs several, so maxIter 1 fails only R²'s reference.
      const dose = [1, 2, 3, 4, 5, 6, 7, 8];
      const res = rma(
        {
          yi: dose.map((d, i) => 0.3 * d + (i % 2 === 1 ? 0.05 : -0.05)),
          vi: dose.map((_, i) => 0.02 + 0.01 * (i % 3)),
        },
        {
          method: "REML",
          mods: [{ name: "dose", type: "continuous", values: dose }],
          control: { maxIter: 1 },
          backend,
        },
      );
      expect(res.tau2).toBe(0);
      expect(res.coefficients[1]!.estimate).toBeCloseTo(0.3, 1);
      expect(res.QM.p).toBeLessThan(0.001);
      expect(res.R2).toBeNull();
      expect(res.notes[0]).toMatch(
        /^R² could not be computed: the model without moderators it compares with failed: REML estimation of tau² did not converge after 1 iterations\. Remedies: raise control\.maxIter/,
      );
    });

    it("dummy-codes a categorical moderator against its first sorted level", () => {
      const res = rma(
        { yi, vi },
        {
          mods: [
            {
              name: "species",
              type: "categorical",
              values: ["rat", "mouse", "rat", "pig", "mouse"],
            },
          ],
          backend,
        },
      );
      expect(res.termNames).toEqual(["intrcpt", "species:pig", "species:rat"]);
      expect(res.X[0]).toEqual([1, 0, 1]);
      expect(res.X[1]).toEqual([1, 0, 0]);
    });

    it("recommends Knapp-Hartung with fewer than 10 studies under z", () => {
      expect(rma({ yi, vi }, { backend }).notes.join(" ")).toMatch(/knha/);
      expect(rma({ yi, vi }, { test: "knha", backend }).notes.join(" ")).not.toMatch(/consider/);
    });

    it("fixes tau² when asked, and reports no Q-profile interval then", () => {
      const res = rma({ yi, vi }, { method: "REML", control: { tau2Fixed: 0.07 }, backend });
      expect(res.tau2).toBe(0.07);
      expect(res.heterogeneityIntervals).toBeNull();
    });

    it("never reports tau² = -0 (a fixed or initial -0, or a step from 0 to 0)", () => {
      for (const control of [{ tau2Fixed: -0 }, { tau2Init: -0 }]) {
        const res = rma({ yi: [0.1, 0.1, 0.1], vi: [0.02, 0.03, 0.05] }, { control, backend });
        expect(Object.is(res.tau2, 0)).toBe(true);
      }
    });

    it("skips the Q-profile intervals when asked, leaving every other statistic unchanged", () => {
      const full = rma({ yi, vi }, { backend });
      const lean = rma({ yi, vi }, { backend, heterogeneityIntervals: false });
      expect(full.heterogeneityIntervals).not.toBeNull();
      expect(lean.heterogeneityIntervals).toBeNull();
      expect({ ...lean, heterogeneityIntervals: full.heterogeneityIntervals }).toEqual(full);
    });

    it("fits k = 1000 quickly (no k×k matrices)", () => {
      const k = 1000;
      const big = { yi: [] as number[], vi: [] as number[] };
      const dose: number[] = [];
      for (let i = 0; i < k; i++) {
        big.yi.push(Math.sin(i) * 0.5 + 0.2);
        big.vi.push(0.01 + ((i * 7) % 13) / 100);
        dose.push(i % 10);
      }
      const t0 = performance.now();
      const res = rma(big, { method: "REML", mods: [{ name: "dose", values: dose }], backend });
      const elapsed = performance.now() - t0;
      expect(res.k).toBe(k);
      expect(elapsed).toBeLessThan(2000);
    });
  });
}
