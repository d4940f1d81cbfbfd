/**
 * Property tests (fast-check) for rma and subgroups, where algebra gives invariants
 * (shared/STYLE.md §11). What is tested, exactly:
 * 1. Study order: permuting the studies (with their moderator values) leaves tau², every
 *    coefficient (estimate, SE, statistic, p, CI), QE, QM, I², H², R², the prediction and Q-profile
 *    intervals unchanged, and permutes the weights.
 * 2. FE = RE when tau² = 0: a random-effects fit with tau² fixed at 0 gives the FE coefficients;
 *    and data with identical yi (Q = 0, so every estimator truncates at 0) too.
 * 3. Ranges: p-values in [0, 1], I² in [0, 100], H² >= 1 for random-effects models, weights sum to 100.
 * 4. Scaling: (a) FE: yi → c·yi gives estimate·c with SE unchanged;
 *    (b) every method: yi → c·yi and vi → c²·vi give estimate·c, SE·|c|, tau²·c², and leave z, p,
 *    QE, I² and H² unchanged.
 * Tolerances come from test/support/tolerance.ts (iterative estimators iterate to |Δτ²| <= 1e-10
 * whatever the scale, so scaled fits agree to the "iterative" bound, closed-form ones to "closed").
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { rma, subgroups } from "../../src/models/index.js";
import type { Method, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import {
  expectClose,
  expectCloseFloor,
  type QuantityKind,
  reportWorstErrors,
} from "../support/tolerance.js";

const methods: Method[] = ["FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM"];
const iterativeMethods = new Set<Method>(["ML", "REML", "EB", "PM"]);
const kindOf = (m: Method): QuantityKind => (iterativeMethods.has(m) ? "iterative" : "closed");
const control = { maxIter: 1000 };
const runs = { numRuns: 40 };

const study = fc.record({
  yi: fc.double({ min: -2, max: 2, noNaN: true }),
  vi: fc.double({ min: 0.005, max: 1, noNaN: true }),
  x: fc.double({ min: 0, max: 10, noNaN: true }),
});
const dataset = fc.array(study, { minLength: 4, maxLength: 14 });
const methodArb = fc.constantFrom(...methods);
const testArb = fc.constantFrom<TestType>("z", "knha");

/** fast-check permutation of 0..k-1. */
const withPermutation = dataset.chain((rows) =>
  fc
    .shuffledSubarray(
      rows.map((_, i) => i),
      { minLength: rows.length, maxLength: rows.length },
    )
    .map((perm) => ({ rows, perm })),
);

for (const backend of testBackends) {
  describe(`rma properties [${backend}]`, () => {
    it("study order does not change any result", () => {
      fc.assert(
        fc.property(
          withPermutation,
          methodArb,
          testArb,
          fc.boolean(),
          ({ rows, perm }, method, test, withMod) => {
            const fit = (rs: typeof rows) =>
              rma(
                { yi: rs.map((r) => r.yi), vi: rs.map((r) => r.vi) },
                {
                  method,
                  test,
                  control,
                  backend,
                  mods: withMod ? [{ name: "x", values: rs.map((r) => r.x) }] : [],
                },
              );
            let a: ReturnType<typeof rma>;
            try {
              a = fit(rows);
            } catch {
              // a singular moderator or non-convergence must then happen in any order too
              expect(() => fit(perm.map((i) => rows[i]!))).toThrow();
              return;
            }
            const b = fit(perm.map((i) => rows[i]!));
            const kind = kindOf(method);
            const pKind: QuantityKind = kind === "closed" ? "pvalue" : kind;
            const ySpread = Math.max(...rows.map((r) => Math.abs(r.yi)));
            // Values are compared relative to max(|value|, their natural scale): SEs for estimates,
            // the data's spread for tau², 1 for statistics, 1e-12 for p-values, 100 for percentages.
            expectCloseFloor(b.tau2, a.tau2, kind, "tau2", ySpread * ySpread);
            for (let j = 0; j < a.p; j++) {
              const ca = a.coefficients[j]!;
              const cb = b.coefficients[j]!;
              const estScale = ca.se > 0 ? ca.se : ySpread;
              expectCloseFloor(cb.estimate, ca.estimate, kind, "estimate", estScale);
              expectCloseFloor(cb.se, ca.se, kind, "se", 0);
              // Knapp-Hartung with s² = 0 (exact fit; metafor's RSS <= eps rule): SE 0, tests undefined
              if (a.s2w === 0) continue;
              expectCloseFloor(cb.statistic, ca.statistic, kind, "statistic", 1);
              expectCloseFloor(cb.p, ca.p, pKind, "p", 1e-12);
              expectCloseFloor(cb.ciLower, ca.ciLower, kind, "ciLower", estScale);
              expectCloseFloor(cb.ciUpper, ca.ciUpper, kind, "ciUpper", estScale);
            }
            expectCloseFloor(b.QE.statistic, a.QE.statistic, "closed", "QE", 1);
            if (a.s2w !== 0) expectCloseFloor(b.QM.statistic, a.QM.statistic, kind, "QM", 1);
            expectCloseFloor(b.I2, a.I2, kind, "I2", 100);
            expectCloseFloor(b.H2, a.H2, kind, "H2", 1);
            // R² = 100·(τ²₀ - τ²)/τ²₀ inherits the error allowed for each τ² above (relative to
            // the data's spread), divided by τ²₀ of the model without moderators: small τ²₀ make
            // R² sensitive to where Fisher scoring stopped, whatever the study order.
            const tau2Null =
              a.R2 === null
                ? 0
                : rma(
                    { yi: rows.map((r) => r.yi), vi: rows.map((r) => r.vi) },
                    { method, control, backend },
                  ).tau2;
            const r2Floor =
              tau2Null > 0 ? Math.max(100, (200 * ySpread * ySpread) / tau2Null) : 100;
            expectCloseFloor(b.R2, a.R2, kind, "R2", r2Floor);
            for (let i = 0; i < rows.length; i++) {
              expectCloseFloor(b.weights[i]!, a.weights[perm[i]!]!, kind, "weight", 1e-6);
            }
            if (a.heterogeneityIntervals) {
              expectClose(
                b.heterogeneityIntervals!.tau2.lower,
                a.heterogeneityIntervals.tau2.lower,
                "iterative",
                "tau2 lb",
              );
              expectClose(
                b.heterogeneityIntervals!.tau2.upper,
                a.heterogeneityIntervals.tau2.upper,
                "iterative",
                "tau2 ub",
              );
            }
          },
        ),
        runs,
      );
    });

    it("FE equals RE when tau2 = 0", () => {
      fc.assert(
        fc.property(dataset, methodArb, testArb, (rows, method, test) => {
          const data = { yi: rows.map((r) => r.yi), vi: rows.map((r) => r.vi) };
          const fe = rma(data, { method: "FE", test, backend });
          const re = rma(data, { method, test, backend, control: { tau2Fixed: 0 } });
          expect(re.tau2).toBe(0);
          for (let j = 0; j < fe.p; j++) {
            expectClose(
              re.coefficients[j]!.estimate,
              fe.coefficients[j]!.estimate,
              "closed",
              "estimate",
              1,
            );
            expectClose(re.coefficients[j]!.se, fe.coefficients[j]!.se, "closed", "se");
            expectClose(re.coefficients[j]!.p, fe.coefficients[j]!.p, "pvalue", "p", 1);
          }
          // identical outcomes: Q = 0, every estimator gives tau² = 0 and the FE estimate
          const same = { yi: rows.map(() => rows[0]!.yi), vi: data.vi };
          const fe0 = rma(same, { method: "FE", backend });
          const re0 = rma(same, { method, control, backend });
          // exactly 0 up to the rounding of mean(yi) (SJ's start value is mean((yi - ȳ)²) ~ 1e-34)
          expectClose(re0.tau2, 0, "closed", "tau2", 1);
          expectClose(
            re0.coefficients[0]!.estimate,
            fe0.coefficients[0]!.estimate,
            "closed",
            "estimate",
            1,
          );
          expectClose(re0.coefficients[0]!.se, fe0.coefficients[0]!.se, "closed", "se");
        }),
        runs,
      );
    });

    it("p-values lie in [0, 1], I² in [0, 100], H² >= 1, weights sum to 100", () => {
      fc.assert(
        fc.property(dataset, methodArb, testArb, fc.boolean(), (rows, method, test, withMod) => {
          let res: ReturnType<typeof rma>;
          try {
            res = rma(
              { yi: rows.map((r) => r.yi), vi: rows.map((r) => r.vi) },
              {
                method,
                test,
                control,
                backend,
                mods: withMod ? [{ name: "x", values: rows.map((r) => r.x) }] : [],
              },
            );
          } catch {
            return; // singular or non-convergent data are covered elsewhere
          }
          // Knapp-Hartung with s² = 0 (an exact fit) leaves z = 0/0 undefined, as metafor (noted in res.notes)
          const exactKnha = test === "knha" && res.s2w === 0;
          if (exactKnha) expect(res.notes.join(" ")).toMatch(/s² is 0/);
          const ps = exactKnha
            ? [res.QE.p]
            : [...res.coefficients.map((c) => c.p), res.QE.p, res.QM.p];
          for (const p of ps) {
            expect(p).not.toBeNull();
            expect(p!).toBeGreaterThanOrEqual(0);
            expect(p!).toBeLessThanOrEqual(1);
          }
          expect(res.I2).toBeGreaterThanOrEqual(0);
          expect(res.I2).toBeLessThanOrEqual(100);
          if (method !== "FE") expect(res.H2).toBeGreaterThanOrEqual(1);
          expect(res.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 10);
          const hi = res.heterogeneityIntervals;
          if (hi && hi.I2.lower !== null && hi.I2.upper !== null) {
            expect(hi.I2.lower).toBeGreaterThanOrEqual(0);
            expect(hi.I2.upper).toBeLessThanOrEqual(100);
          }
        }),
        runs,
      );
    });

    it("FE: scaling yi by c scales the estimate by c (SE unchanged)", () => {
      fc.assert(
        fc.property(dataset, fc.double({ min: -1000, max: 1000, noNaN: true }), (rows, c) => {
          fc.pre(Math.abs(c) > 1e-3);
          const vi = rows.map((r) => r.vi);
          const a = rma({ yi: rows.map((r) => r.yi), vi }, { method: "FE", backend });
          const b = rma({ yi: rows.map((r) => c * r.yi), vi }, { method: "FE", backend });
          // relative to max(|estimate|, SE): a pooled estimate near 0 is a cancellation of ±yi
          const se = b.coefficients[0]!.se;
          expectCloseFloor(
            b.coefficients[0]!.estimate,
            c * a.coefficients[0]!.estimate,
            "closed",
            "estimate",
            se,
          );
          expectClose(b.coefficients[0]!.se, a.coefficients[0]!.se, "closed", "se");
        }),
        runs,
      );
    });

    it("every method: yi·c and vi·c² give estimate·c, SE·|c|, tau²·c², same z, p, QE, I², H²", () => {
      fc.assert(
        fc.property(
          dataset,
          methodArb,
          testArb,
          fc.constantFrom(-50, -3, 0.01, 0.5, 2, 7, 120),
          (rows, method, test, c) => {
            const fit = (s: number) =>
              rma(
                { yi: rows.map((r) => s * r.yi), vi: rows.map((r) => s * s * r.vi) },
                // the convergence threshold is on tau², so it scales by c² too: the iterates of the
                // scaled problem are then those of the original times c², and stop at the same step
                { method, test, control: { ...control, threshold: 1e-10 * s * s }, backend },
              );
            let a: ReturnType<typeof rma>;
            try {
              a = fit(1);
            } catch {
              return;
            }
            const b = fit(c);
            const kind = kindOf(method);
            // iterative bounds are relative to max(1, |value|): compare on the unscaled scale
            const se = a.coefficients[0]!.se;
            const tauScale = Math.max(...rows.map((r) => r.yi * r.yi));
            expectCloseFloor(b.tau2 / (c * c), a.tau2, kind, "tau2", tauScale);
            expectCloseFloor(
              b.coefficients[0]!.estimate / c,
              a.coefficients[0]!.estimate,
              kind,
              "estimate",
              se,
            );
            expectCloseFloor(b.coefficients[0]!.se / Math.abs(c), se, kind, "se", 0);
            if (a.s2w !== 0) {
              const z = a.coefficients[0]!.statistic;
              expectCloseFloor(b.coefficients[0]!.statistic * Math.sign(c), z, kind, "z", 1);
              const pk: QuantityKind = kind === "closed" ? "pvalue" : kind;
              expectCloseFloor(b.coefficients[0]!.p, a.coefficients[0]!.p, pk, "p", 1e-12);
            }
            expectClose(b.QE.statistic, a.QE.statistic, "closed", "QE", 1);
            expectCloseFloor(b.I2, a.I2, kind, "I2", 100);
            expectCloseFloor(b.H2, a.H2, kind, "H2", 1);
          },
        ),
        runs,
      );
    });
  });

  describe(`subgroups properties [${backend}]`, () => {
    it("study order does not change the between-subgroup tests", () => {
      fc.assert(
        fc.property(
          withPermutation,
          fc.constantFrom<Method>("FE", "DL", "REML"),
          ({ rows, perm }, method) => {
            const groups = rows.map((_, i) => (i % 2 === 0 ? "a" : "b"));
            const run = (idx: number[]) =>
              subgroups(
                { yi: idx.map((i) => rows[i]!.yi), vi: idx.map((i) => rows[i]!.vi) },
                idx.map((i) => groups[i]!),
                { method, control, backend },
              );
            const a = run(rows.map((_, i) => i));
            const b = run(perm);
            const kind = kindOf(method);
            for (let t = 0; t < 2; t++) {
              expectClose(b.tests[t]!.statistic, a.tests[t]!.statistic, kind, "statistic", 1);
              expectClose(
                b.tests[t]!.p,
                a.tests[t]!.p,
                kind === "closed" ? "pvalue" : kind,
                "p",
                1,
              );
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  });
}

afterAll(() => {
  console.log(reportWorstErrors("properties"));
});
