/**
 * The REML/ML/EB solver (shared/METHODS.md, "Models"): safeguarded Newton converges
 * wherever metafor's Fisher scoring does, to the same estimate, in fewer iterations. References:
 * fixtures/convergence.metafor-<version>.json, written by fixtures/r/convergence.R with Debian's
 * metafor 3.8 and with metafor 5.1 built from source (both, when present), at
 * control = list(threshold = 1e-10, maxiter = 10000).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type StressDataset, stressDatasets } from "../../../../fixtures/stress/datasets.mjs";
import { getBackend } from "../../src/kernels/backend.js";
import { rma } from "../../src/models/rma.js";
import { testBackends } from "../support/backends.js";
import { fixtureDir } from "../support/fixtures.js";
import { expectClose } from "../support/tolerance.js";

interface ConvergenceFixture {
  metafor: string;
  raudenbush: {
    yi: number[];
    vi: number[];
    weeks: number[];
    tau2: number;
    iterations: number;
    beta: number[];
    se: number[];
    QE: number;
    QM: number;
    I2: number;
    defaultThreshold: { tau2: number; iterations: number };
  };
}

interface StressFixture {
  metafor: string;
  count: number;
  outcome: ("ok" | "not-converged" | "dropped" | "error")[];
  tau2: (number | null)[];
  /** ML, REML, EB: metafor continued from its estimate to |change| <= 1e-14·max(1, tau²) */
  tau2Polished: (number | null)[];
  message: string[];
}

/** The fixtures of one script, one per metafor version, oldest first. */
function readFixtures<T>(prefix: string): T[] {
  return readdirSync(fixtureDir)
    .filter((name) => name.startsWith(`${prefix}.metafor-`) && name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8")) as T);
}
const convergenceFixtures = readFixtures<ConvergenceFixture>("convergence");
const stressFixtures = readFixtures<StressFixture>("stress");

it("has the metafor 3.8 and 5.1 references", () => {
  for (const fixtures of [convergenceFixtures, stressFixtures]) {
    expect(fixtures.map((f) => f.metafor.slice(0, 3))).toEqual(["3.8", "5.1"]);
  }
});

const control = { threshold: 1e-10, maxIter: 100, stepAdj: 1 };

for (const fixture of convergenceFixtures) {
  for (const backend of testBackends) {
    describe(`REML solver vs metafor ${fixture.metafor}, a slow case [${backend}]`, () => {
      it("fits dat.raudenbush1985[1:7, ] with mods = ~ weeks (Fisher scoring's slow case)", () => {
        const r = fixture.raudenbush;
        const fit = rma(
          { yi: r.yi, vi: r.vi },
          {
            method: "REML",
            backend,
            mods: [{ name: "weeks", type: "continuous", values: r.weeks }],
          },
        );
        expectClose(fit.tau2, r.tau2, "iterative", "tau2");
        expect(r.iterations).toBeGreaterThan(100); // why the old solver (100 iterations) failed
        expect(fit.iterations).toBeLessThanOrEqual(10);
        for (let j = 0; j < 2; j++) {
          expectClose(fit.beta[j], r.beta[j], "iterative", `beta[${j}]`);
          expectClose(fit.coefficients[j]!.se, r.se[j], "iterative", `se[${j}]`);
        }
        expectClose(fit.QE.statistic, r.QE, "closed", "QE");
        expectClose(fit.QM.statistic, r.QM, "iterative", "QM");
        expectClose(fit.I2, r.I2, "iterative", "I2");
        console.log(
          `[raudenbush1985[1:7] ~ weeks, ${backend}] Pooled: ${fit.iterations} Newton iterations; ` +
            `metafor ${fixture.metafor}: ${r.iterations} Fisher iterations at 1e-10 ` +
            `(${r.defaultThreshold.iterations} at its default 1e-5, tau2 ${r.defaultThreshold.tau2})`,
        );
      });
    });
  }
}

for (const fixture of stressFixtures) {
  for (const backend of testBackends) {
    describe(`REML/ML/EB/PM solvers vs metafor ${fixture.metafor}, stress test [${backend}]`, () => {
      it(`converges on every stress data set where metafor converges (${fixture.count} sets)`, () => {
        const sets: StressDataset[] = stressDatasets(fixture.count);
        const kernel = getBackend(backend);
        const counts = new Map<string, number>();
        const newton = { sum: 0, max: 0, n: 0 };
        let rescued = 0;
        for (const set of sets) {
          const outcome = fixture.outcome[set.id]!;
          const fit = kernel.fit(
            {
              yi: Float64Array.from(set.yi),
              vi: Float64Array.from(set.vi),
              X: Float64Array.from(set.X),
              k: set.k,
              p: set.p,
            },
            set.method,
            control,
          );
          const key = `${set.method}: metafor ${outcome}, Pooled status ${fit.status}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
          if (outcome === "dropped") {
            // metafor drops redundant predictors; Pooled refuses a rank-deficient design
            expect(fit.status, `set ${set.id}`).toBe(2); // SINGULAR
            continue;
          }
          if (outcome !== "ok") {
            if (fit.status === 0) rescued++;
            continue;
          }
          if (fit.status !== 0) {
            expect.fail(
              `set ${set.id} (${set.method}, k ${set.k}, p ${set.p}): status ${fit.status}`,
            );
          }
          // the same estimate, relative to the scale of the problem (tau² plus the mean variance);
          // metafor's value continued to a tight threshold where it has one (Fisher scoring
          // stopped at |change| <= 1e-10 can be a few 1e-10 from the root it converges to)
          const reference = fixture.tau2Polished[set.id] ?? fixture.tau2[set.id]!;
          const meanVi = set.vi.reduce((a, b) => a + b, 0) / set.k;
          const error = Math.abs(fit.tau2 - reference) / (Math.abs(reference) + meanVi);
          if (!(error <= 1e-6)) {
            expect.fail(
              `set ${set.id} (${set.method}, k ${set.k}, p ${set.p}): tau2 ${fit.tau2} vs metafor ${reference}`,
            );
          }
          if (set.method !== "PM") {
            newton.sum += fit.iterations;
            newton.max = Math.max(newton.max, fit.iterations);
            newton.n++;
          }
        }
        console.log(
          `[stress, metafor ${fixture.metafor}, ${backend}] Newton iterations mean ` +
            `${(newton.sum / newton.n).toFixed(2)}, max ${newton.max} (${newton.n} ML/REML/EB ` +
            `fits); metafor failed and Pooled converged on ${rescued}\n  ` +
            [...counts].map(([k, n]) => `${k}: ${n}`).join("\n  "),
        );
        expect(newton.n).toBeGreaterThan(7000);
      });
    });
  }
}

describe("the solver's safeguards", () => {
  // Found by a hostile review: ML with two maxima (0.399 inside, and 0). Newton's first step from
  // the start 0.66 lands at 0.0025, past the inner maximum, where the likelihood is 1.9 lower;
  // Fisher scoring (metafor) goes 0.476, 0.424, ... to 0.398936 (metafor 3.8: 0.3989361).
  const bimodal = {
    yi: [
      -1.0006740387040838, 0.5085547738858959, -2.894364300428894, -0.2745266545856566,
      0.6559365523050462,
    ],
    vi: [
      0.3331664866631268, 0.17025796887108996, 1.8421609207030036, 0.24288939636195506,
      0.004909721278937493,
    ],
  };
  for (const backend of testBackends) {
    it(`takes back a Newton step that passes a maximum [${backend}]`, () => {
      expect(rma(bimodal, { method: "ML", backend }).tau2).toBeCloseTo(0.3989361, 7);
      expect(rma(bimodal, { method: "REML", backend }).tau2).toBeCloseTo(0.6750541, 7);
    });

    it(`refuses a control block that would not bound the search [${backend}]`, () => {
      for (const control of [
        { stepAdj: 0 },
        { maxIter: Number.POSITIVE_INFINITY },
        { maxIter: 2.5 },
        { threshold: 0 },
        { tau2Init: -0.01 },
        { tau2Fixed: Number.NaN },
      ]) {
        expect(() => rma(bimodal, { method: "ML", backend, control })).toThrow(/control\./);
      }
    });
  }
});
