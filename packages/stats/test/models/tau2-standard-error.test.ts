/**
 * The standard error of τ̂² (RmaResult.seTau2) against metafor 3.8.1's and 5.1.12's res$se.tau2
 * (fixtures/tau2-se.metafor-<version>.json, written by fixtures/r/tau2-se.R): every estimator ×
 * test, intercept-only and meta-regression (continuous and categorical), a data set where τ̂² = 0,
 * k = 1 and a fixed τ², on both backends. Tolerances from test/support/tolerance.ts: "closed" for
 * the closed-form estimators (DL, HE, HS, SJ) and fixed τ², "iterative" for ML, REML, EB and PM.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { rma, tau2StandardError } from "../../src/models/index.js";
import type { BackendName, Method, Moderator, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureDir } from "../support/fixtures.js";
import { reportWorstErrors } from "../support/tolerance.js";
import { WorstByQuantity } from "../support/worst-by-quantity.js";

type Num = number | null;

interface Tau2SeDataset {
  call: string;
  yi: number | number[];
  vi: number | number[];
  ablat?: number[];
  alloc?: string[];
}

interface Tau2SeCase {
  id: string;
  dataset: string;
  mods: string[];
  method: Method;
  test: TestType;
  tau2Fixed: Num;
  call: string;
  tau2: number;
  seTau2: Num;
}

interface Tau2SeFixture {
  metafor: string;
  control: { threshold: number; maxiter: number };
  datasets: Record<string, Tau2SeDataset>;
  cases: Tau2SeCase[];
}

const fixtures: Tau2SeFixture[] = readdirSync(fixtureDir)
  .filter((name) => name.startsWith("tau2-se.metafor-") && name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8")) as Tau2SeFixture);

const ITERATIVE: readonly Method[] = ["ML", "REML", "EB", "PM"];
const worst = new WorstByQuantity();
/** jsonlite unboxes length-1 vectors (the k = 1 data set). */
const arr = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

function fitCase(fixture: Tau2SeFixture, c: Tau2SeCase, backend: BackendName) {
  const d = fixture.datasets[c.dataset]!;
  const mods: Moderator[] = arr(c.mods).map((name) =>
    name === "alloc"
      ? { name, type: "categorical", values: d.alloc! }
      : { name, type: "continuous", values: d.ablat! },
  );
  return rma(
    { yi: arr(d.yi), vi: arr(d.vi) },
    {
      method: c.method,
      test: c.test,
      mods,
      backend,
      heterogeneityIntervals: false,
      control: {
        threshold: fixture.control.threshold,
        maxIter: fixture.control.maxiter,
        ...(c.tau2Fixed === null ? {} : { tau2Fixed: c.tau2Fixed }),
      },
    },
  );
}

it("has the metafor 3.8 and 5.1 references", () => {
  expect(fixtures.map((f) => f.metafor)).toEqual(["3.8.1", "5.1.12"]);
});

for (const fixture of fixtures) {
  for (const backend of testBackends) {
    describe(`seTau2 vs metafor ${fixture.metafor} res$se.tau2 [${backend}]`, () => {
      it("covers every estimator, both tests, meta-regression, tau2 = 0, k = 1 and fixed tau2", () => {
        const methods = new Set(fixture.cases.map((c) => c.method));
        expect(methods.size).toBe(9);
        expect(new Set(fixture.cases.map((c) => c.test))).toEqual(new Set(["z", "knha"]));
        expect(fixture.cases.some((c) => arr(c.mods).length > 0)).toBe(true);
        expect(fixture.cases.some((c) => c.tau2 === 0 && c.seTau2 !== null)).toBe(true);
        expect(fixture.cases.some((c) => c.dataset === "bcg1")).toBe(true);
        expect(fixture.cases.some((c) => c.tau2Fixed !== null)).toBe(true);
      });

      it.each(fixture.cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
        const res = fitCase(fixture, c, backend);
        const kind = ITERATIVE.includes(c.method) && c.tau2Fixed === null ? "iterative" : "closed";
        const d = fixture.datasets[c.dataset]!;
        const yScale = Math.max(...arr(d.yi).map(Math.abs));
        const version = `metafor ${fixture.metafor}`;
        worst.check(
          `${version} tau2 (${kind})`,
          res.tau2,
          c.tau2,
          kind,
          `${id} [${backend}]`,
          yScale * yScale,
        );
        worst.check(
          `${version} se.tau2 (${kind})`,
          res.seTau2,
          c.seTau2,
          kind,
          `${id} [${backend}]`,
        );
      });
    });
  }
}

describe("seTau2 properties", () => {
  const bcg = fixtures[0]!.datasets["bcg"]!;
  const data = { yi: arr(bcg.yi), vi: arr(bcg.vi) };

  it("is unchanged by Knapp-Hartung and by the backend", () => {
    for (const method of ["DL", "SJ", "REML", "PM"] as const) {
      const z = rma(data, { method, backend: "js" }).seTau2;
      const knha = rma(data, { method, test: "knha", backend: "wasm" }).seTau2;
      expect(knha).not.toBeNull();
      expect(Math.abs(knha! - z!) / z!).toBeLessThan(1e-12);
    }
  });

  it("is null for FE and k = 1, and survives JSON", () => {
    expect(rma(data, { method: "FE" }).seTau2).toBeNull();
    expect(rma({ yi: [0.3], vi: [0.02] }, { method: "REML" }).seTau2).toBeNull();
    const res = rma(data, { method: "REML" });
    expect(JSON.parse(JSON.stringify(res)).seTau2).toBe(res.seTau2);
  });

  it("is null where metafor's formula has no finite value (fixed tau² with k = p)", () => {
    const X = new Float64Array([1, 0, 1, 1]);
    const input = { yi: new Float64Array([0.1, 0.5]), vi: new Float64Array([0.01, 0.02]), X };
    expect(tau2StandardError({ ...input, k: 2, p: 2, method: "DL", tau2: 0.1 })).toBeNull();
    // ML's information does not involve the residual degrees of freedom
    expect(tau2StandardError({ ...input, k: 2, p: 2, method: "ML", tau2: 0.1 })).toBeGreaterThan(0);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("tau2-se"));
  console.log(worst.report("tau2-se"));
});
