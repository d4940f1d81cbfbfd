/**
 * The WASM core against the TS reference kernel, one source through two compilers
 * (shared/ARCHITECTURE.md, "Two paths, one source"; shared/STYLE.md §7): every tau² estimator, with
 * and without moderators, on every distinct data set × moderator set of fixtures/models.json
 * (written by fixtures/r/models.R from metadat data) — fits agree to 1e-12 relative, statuses
 * exactly. metafor itself is checked by models/rma.test.ts, which runs on both backends.
 */
import { readFileSync } from "node:fs";
import { instantiateSync } from "@pooled/core-wasm";
import { describe, expect, it } from "vitest";
import { fitDefaults } from "../../src/defaults.js";
import { KernelStatus, NotConvergedError, SingularMatrixError } from "../../src/errors.js";
import { permutationTest } from "../../src/inference/permutation.js";
import { getBackend, jsBackend } from "../../src/kernels/backend.js";
import { FitOutSlot, MethodCode, packControl } from "../../src/kernels/contract.js";
import { WasmCore } from "../../src/kernels/wasm/core.js";
import { buildDesign } from "../../src/models/design.js";
import { rma } from "../../src/models/rma.js";
import type { Method, Moderator } from "../../src/types.js";
import { fixtureUrl } from "../support/fixtures.js";

/**
 * WASM vs TS: both builds perform the same IEEE-754 operations in the same order, so they should
 * agree bit for bit; 1e-12 relative leaves room only for a last-bit difference in a math function.
 */
const WASM_VS_TS = 1e-12;

interface FixtureCase {
  dataset: string;
  input: { yi: number | number[]; vi: number | number[]; mods: Moderator[] };
}
const fixture = JSON.parse(readFileSync(fixtureUrl("models.json"), "utf8")) as {
  cases: FixtureCase[];
};

const arr = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** One problem per distinct data set × moderator set. */
const problems = new Map<
  string,
  { yi: Float64Array; vi: Float64Array; X: Float64Array; k: number; p: number }
>();
for (const c of fixture.cases) {
  const key = `${c.dataset}[${c.input.mods.map((m) => m.name).join(",")}]`;
  if (problems.has(key)) continue;
  const yi = Float64Array.from(arr(c.input.yi));
  const vi = Float64Array.from(arr(c.input.vi));
  const mods = c.input.mods.map((m) => ({ ...m, values: arr(m.values as never) })) as Moderator[];
  try {
    const design = buildDesign(yi.length, mods);
    problems.set(key, { yi, vi, X: design.X, k: design.k, p: design.p });
  } catch {
    // singular designs are the models suite's business
  }
}

function relErr(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** The estimator names (a numeric enum also maps its codes back to names: keep the names). */
const methods = Object.keys(MethodCode).filter((key) => Number.isNaN(Number(key))) as Method[];

describe("WASM fit kernel vs TS reference", () => {
  it("has problems from at least 6 data sets with and without moderators", () => {
    expect(problems.size).toBeGreaterThanOrEqual(20);
  });

  for (const target of ["release", "debug"] as const) {
    it(`agrees to ${WASM_VS_TS} relative on every method and data set (${target} build)`, () => {
      const core = new WasmCore(instantiateSync(target));
      let worst = 0;
      let compared = 0;
      for (const [key, prob] of problems) {
        for (const method of methods) {
          for (const control of [
            fitDefaults.control,
            { threshold: 1e-5, maxIter: 100, stepAdj: 0.5 },
            { threshold: 1e-10, maxIter: 3, stepAdj: 1 },
          ]) {
            const js = jsBackend.fit(prob, method, control);
            const ctl = packControl(control);
            const out = new Float64Array(FitOutSlot.beta + prob.p + prob.p * prob.p);
            const status = core.fit(prob, MethodCode[method], ctl, out);
            expect(status, `${key} ${method}`).toBe(js.status);
            if (status !== KernelStatus.OK) continue;
            const values = [js.tau2, ...js.beta, ...js.vb];
            const wasm = [out[0]!, ...out.subarray(FitOutSlot.beta)];
            expect(out[FitOutSlot.iterations]).toBe(js.iterations);
            for (let i = 0; i < values.length; i++) {
              const e = relErr(wasm[i]!, values[i]!);
              worst = Math.max(worst, e);
              compared++;
              if (!(e <= WASM_VS_TS))
                expect.fail(`${key} ${method} value ${i}: ${wasm[i]} vs ${values[i]}`);
            }
          }
        }
      }
      console.log(
        `[wasm ${target}] ${compared} values compared, worst relative difference ${worst.toExponential(2)}`,
      );
      expect(compared).toBeGreaterThan(1000);
    });
  }

  it("reports the same statuses on bad input (non-positive vi, k < p, singular X)", () => {
    const wasm = getBackend("wasm");
    const cases = [
      {
        yi: Float64Array.of(1, 2),
        vi: Float64Array.of(0.1, -1),
        X: Float64Array.of(1, 1),
        k: 2,
        p: 1,
      },
      { yi: Float64Array.of(1), vi: Float64Array.of(0.1), X: Float64Array.of(1, 2), k: 1, p: 2 },
      {
        yi: Float64Array.of(1, 2, 3),
        vi: Float64Array.of(0.1, 0.2, 0.3),
        X: Float64Array.of(1, 2, 1, 2, 1, 2),
        k: 3,
        p: 2,
      },
      {
        yi: Float64Array.of(1, Number.NaN),
        vi: Float64Array.of(0.1, 0.1),
        X: Float64Array.of(1, 1),
        k: 2,
        p: 1,
      },
    ];
    const expected = [
      KernelStatus.BAD_INPUT,
      KernelStatus.TOO_FEW_STUDIES,
      KernelStatus.SINGULAR,
      KernelStatus.BAD_INPUT,
    ];
    cases.forEach((c, i) => {
      expect(wasm.fit(c, "REML", fitDefaults.control).status).toBe(expected[i]);
      expect(jsBackend.fit(c, "REML", fitDefaults.control).status).toBe(expected[i]);
    });
  });

  it("is the default backend and survives memory growth between calls", () => {
    expect(getBackend().name).toBe("wasm");
    const wasm = getBackend("wasm");
    const k = 200_000; // 200k studies: inputs + workspace > initial memory, so memory grows
    const yi = new Float64Array(k).map((_, i) => Math.sin(i));
    const vi = new Float64Array(k).fill(0.5);
    const X = new Float64Array(k).fill(1);
    const big = wasm.fit({ yi, vi, X, k, p: 1 }, "DL", fitDefaults.control);
    const ref = jsBackend.fit({ yi, vi, X, k, p: 1 }, "DL", fitDefaults.control);
    expect(relErr(big.beta[0]!, ref.beta[0]!)).toBeLessThanOrEqual(WASM_VS_TS);
    const small = wasm.fit(
      { yi: yi.subarray(0, 5), vi, X, k: 5, p: 1 },
      "REML",
      fitDefaults.control,
    );
    const smallRef = jsBackend.fit(
      { yi: yi.subarray(0, 5), vi, X, k: 5, p: 1 },
      "REML",
      fitDefaults.control,
    );
    expect(small.beta[0]).toBe(smallRef.beta[0]);
  });

  it("maps kernel statuses to the same typed errors as the TS path", async () => {
    const yi = [0.1, 0.9, -0.5, 1.4, 0.3];
    const vi = [0.01, 0.02, 0.015, 0.01, 0.03];
    for (const backend of ["js", "wasm"] as const) {
      expect(() => rma({ yi, vi }, { backend, control: { maxIter: 1 } })).toThrow(
        NotConvergedError,
      );
      const model = rma({ yi, vi }, { backend, mods: [{ name: "x", values: [1, 2, 3, 4, 5] }] });
      // refits that cannot converge: the observed fit fails first, with the same typed error
      await expect(
        permutationTest(model, { backend, iterations: 50, seed: 1, control: { maxIter: 1 } }),
      ).rejects.toBeInstanceOf(NotConvergedError);
      expect(() =>
        rma({ yi, vi }, { backend, mods: [{ name: "x", values: [1, 1, 1, 1, 1] }] }),
      ).toThrow(SingularMatrixError);
    }
  });
});
