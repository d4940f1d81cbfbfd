/**
 * The refit kernel: the sensitivity analyses' refit loop (leave-one-out, influence, cumulative,
 * Baujat) inside one kernel call, so the WASM boundary is crossed once per analysis, not once per
 * subset:
 * - refitSubsets gives, subset by subset, exactly what rma() gives on that subset (the loop it
 *   replaced: same numbers, same typed errors' messages), on every backend;
 * - the WASM kernel agrees with the TS kernel to 1e-12 relative (one source, two compilers);
 * - failed subsets (too few studies, singular design, non-convergence) give null and a message.
 */
import { instantiateSync } from "@pooled/core-wasm";
import { describe, expect, it } from "vitest";
import type { FitControl } from "../../src/defaults.js";
import { fitDefaults } from "../../src/defaults.js";
import { type RefitFit, refitSubsets, type SubsetPlan } from "../../src/diagnostics/refit.js";
import { KernelStatus, PooledError } from "../../src/errors.js";
import { jsBackend } from "../../src/kernels/backend.js";
import { MethodCode, packControl } from "../../src/kernels/contract.js";
import {
  type RefitBlockInput,
  RefitMode,
  RefitRow,
  RefitSlot,
  refitRowSize,
} from "../../src/kernels/refit-contract.js";
import { WasmCore } from "../../src/kernels/wasm/core.js";
import { rma } from "../../src/models/rma.js";
import type { RmaResult } from "../../src/models/types.js";
import type { Method, Moderator, TestType } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { diagnosticsFixture } from "../support/diagnostics-fixture.js";

const WASM_VS_TS = 1e-12;
/** The estimator names (a numeric enum also maps its codes back to names: keep the names). */
const methods = Object.keys(MethodCode).filter((key) => Number.isNaN(Number(key))) as Method[];

/** The loop refitSubsets replaced: one public rma() call per subset (the oracle). */
function rmaOnSubset(
  model: RmaResult,
  subset: number[],
  control: Partial<FitControl> | undefined,
): RmaResult | string {
  const mods: Moderator[] = [];
  for (let j = 1; j < model.p; j++) {
    mods.push({ name: model.termNames[j]!, values: subset.map((i) => model.X[i]![j]!) });
  }
  try {
    return rma(
      { yi: subset.map((i) => model.yi[i]!), vi: subset.map((i) => model.vi[i]!) },
      {
        method: model.method,
        test: model.test,
        level: model.level,
        mods: mods.length > 0 ? mods : undefined,
        control,
        backend: model.backend,
        heterogeneityIntervals: false,
      },
    );
  } catch (error) {
    if (!(error instanceof PooledError)) throw error;
    return error.message;
  }
}

/** The subsets of a plan as index lists. */
function expand(plan: SubsetPlan, k: number): number[][] {
  if (Array.isArray(plan)) return plan;
  if (plan.kind === "prefixes") return plan.order.map((_, s) => plan.order.slice(0, s + 1));
  const omit = plan.omit ?? Array.from({ length: k }, (_, i) => i);
  return omit.map((o) => Array.from({ length: k }, (_, i) => i).filter((i) => i !== o));
}

const picked = (f: RefitFit | RmaResult) => ({
  k: f.k,
  p: f.p,
  coefficients: f.coefficients,
  beta: f.beta,
  vb: f.vb,
  tau2: f.tau2,
  tau: f.tau,
  s2w: f.s2w,
  df: f.df,
  QE: f.QE,
  I2: f.I2,
  H2: f.H2,
  typicalVariance: f.typicalVariance,
  iterations: f.iterations,
});

function expectSameAsRma(
  model: RmaResult,
  plan: SubsetPlan,
  control: Partial<FitControl> | undefined,
  what: string,
): { fitted: number; failed: number } {
  const { fits, failures } = refitSubsets(model, plan, { control });
  const subsets = expand(plan, model.k);
  expect(fits.length, what).toBe(subsets.length);
  let failed = 0;
  subsets.forEach((subset, s) => {
    const expected = rmaOnSubset(model, subset, control);
    const fit = fits[s]!;
    if (typeof expected === "string") {
      expect(fit, `${what} [${s}] should fail: ${expected}`).toBeNull();
      expect(failures.find((f) => f.index === s)?.message, `${what} [${s}]`).toBe(expected);
      failed++;
    } else {
      expect(fit, `${what} [${s}]`).not.toBeNull();
      // bit for bit: the same kernels on the same data, the same helpers after them
      expect(picked(fit!), `${what} [${s}]`).toStrictEqual(picked(expected));
    }
  });
  expect(failures.length, what).toBe(failed);
  return { fitted: subsets.length - failed, failed };
}

/** Problems: every diagnostics data set, with its moderator when it has one. */
const problems = Object.entries(diagnosticsFixture.datasets).flatMap(([name, ds]) => {
  const base = {
    name,
    yi: ds.yi,
    vi: ds.vi,
    year: ds.year,
    mods: undefined as Moderator[] | undefined,
  };
  return ds.mod
    ? [
        base,
        { ...base, name: `${name} ~${ds.modName}`, mods: [{ name: ds.modName!, values: ds.mod }] },
      ]
    : [base];
});

function plansFor(k: number, year: number[] | undefined): [string, SubsetPlan][] {
  const order = Array.from({ length: k }, (_, i) => i);
  if (year) order.sort((a, b) => year[a]! - year[b]! || a - b);
  return [
    ["leave-one-out", { kind: "leave-one-out" }],
    ["prefixes", { kind: "prefixes", order }],
    ["lists", [[], [0], [k - 1, 0], [2, 1, 0], order.slice(0, Math.ceil(k / 2)), order.slice(1)]],
  ];
}

describe.each(testBackends)("refitSubsets = rma() on every subset (%s backend)", (backend) => {
  it("every method, z and Knapp-Hartung, with and without moderators, three plan kinds", () => {
    let fitted = 0;
    let failed = 0;
    for (const prob of problems) {
      for (const method of methods) {
        for (const test of ["z", "knha"] as TestType[]) {
          let model: RmaResult;
          try {
            model = rma(
              { yi: prob.yi, vi: prob.vi },
              { method, test, mods: prob.mods, backend, control: { threshold: 1e-8 } },
            );
          } catch {
            continue; // e.g. non-convergence of the full model
          }
          for (const [planName, plan] of plansFor(model.k, prob.year)) {
            const r = expectSameAsRma(
              model,
              plan,
              { threshold: 1e-8 },
              `${prob.name} ${method} ${test} ${planName}`,
            );
            fitted += r.fitted;
            failed += r.failed;
          }
        }
      }
    }
    expect(fitted).toBeGreaterThan(4000);
    expect(failed).toBeGreaterThan(100);
  });

  it("a singular design after deletion (the only study of a level) gives null and rma's message", () => {
    const model = rma(
      { yi: [0.1, 0.3, 0.2, 0.5, 0.4, 0.6], vi: [0.02, 0.03, 0.025, 0.04, 0.03, 0.05] },
      {
        backend,
        mods: [{ name: "model", type: "categorical", values: ["a", "a", "b", "b", "b", "c"] }],
      },
    );
    const { fits, failures } = refitSubsets(model, { kind: "leave-one-out" });
    expect(fits[5]).toBeNull();
    expect(failures.map((f) => f.index)).toEqual([5]);
    expect(failures[0]!.message).toMatch(
      /moderator matrix \(intrcpt, model:b, model:c\) is singular/,
    );
    expectSameAsRma(model, { kind: "leave-one-out" }, undefined, "categorical");
  });

  it("too few studies after deletion with moderators gives null and rma's message", () => {
    const ds = diagnosticsFixture.datasets["bcg"]!;
    const mods = [{ name: "ablat", values: ds.mod!.slice(0, 3) }];
    for (const test of ["z", "knha"] as TestType[]) {
      const model = rma(
        { yi: ds.yi.slice(0, 3), vi: ds.vi.slice(0, 3) },
        { backend, test, mods, method: "REML" },
      );
      const { fits, failures } = refitSubsets(model, { kind: "leave-one-out" });
      expect(fits).toEqual([null, null, null]);
      expect(failures.length).toBe(3);
      expect(failures[0]!.message).toBe(
        "estimating tau² in a model with 2 coefficients needs at least 3 studies; got 2",
      );
      expectSameAsRma(model, { kind: "leave-one-out" }, undefined, `bcg[0:3] ~ablat ${test}`);
    }
    const fe = rma(
      { yi: ds.yi.slice(0, 3), vi: ds.vi.slice(0, 3) },
      { backend, test: "knha", mods, method: "FE" },
    );
    const res = refitSubsets(fe, [[0, 1], [0], []]);
    expect(res.fits).toEqual([null, null, null]);
    expect(res.failures.map((f) => f.message)).toEqual([
      "the Knapp-Hartung test (k - p degrees of freedom) needs at least 3 studies; got 2",
      "a model with 2 coefficients needs at least 2 studies; got 1",
      "a meta-analysis needs at least 1 studies; got 0",
    ]);
  });

  it("non-convergence (maxIter 1) gives null and the NotConvergedError message", () => {
    const ds = diagnosticsFixture.datasets["hackshaw1998"]!;
    const model = rma({ yi: ds.yi, vi: ds.vi }, { backend, method: "REML" });
    const control = { maxIter: 1 };
    const { fits, failures } = refitSubsets(model, { kind: "leave-one-out" }, { control });
    const nulls = fits.filter((f) => f === null).length;
    expect(nulls).toBeGreaterThan(0);
    expect(failures.length).toBe(nulls);
    expect(failures[0]!.message).toMatch(
      /^REML estimation of tau² did not converge after 1 iterations/,
    );
    expectSameAsRma(model, { kind: "leave-one-out" }, control, "hackshaw1998 maxIter 1");
  });

  it("refits keep the model's own control (as metafor's leave1out keeps x$control)", () => {
    const ds = diagnosticsFixture.datasets["hackshaw1998"]!;
    const loose = { threshold: 1e-3 };
    const model = rma({ yi: ds.yi, vi: ds.vi }, { backend, method: "REML", control: loose });
    const { fits } = refitSubsets(model, { kind: "leave-one-out" });
    const byDefault = refitSubsets(rma({ yi: ds.yi, vi: ds.vi }, { backend, method: "REML" }), {
      kind: "leave-one-out",
    }).fits;
    fits.forEach((fit, i) => {
      const subset = ds.yi.map((_, j) => j).filter((j) => j !== i);
      let direct: RmaResult | null = null;
      try {
        direct = rma(
          { yi: subset.map((j) => ds.yi[j]!), vi: subset.map((j) => ds.vi[j]!) },
          { backend, method: "REML", control: loose },
        );
      } catch {
        direct = null;
      }
      expect(fit?.tau2 ?? null).toBe(direct?.tau2 ?? null);
    });
    // ...and a loose control gives other numbers than the default one would.
    expect(fits.some((f, i) => f !== null && f.tau2 !== byDefault[i]?.tau2)).toBe(true);
  });
});

function relErr(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

describe("WASM refit kernel vs TS reference", () => {
  for (const target of ["release", "debug"] as const) {
    it(`agrees to ${WASM_VS_TS} relative on every method, test and plan kind (${target} build)`, () => {
      const core = new WasmCore(instantiateSync(target));
      let worst = 0;
      let compared = 0;
      for (const prob of problems) {
        const model = rma({ yi: prob.yi, vi: prob.vi }, { mods: prob.mods, backend: "js" });
        const { k, p } = model;
        const X = Float64Array.from(model.X.flat());
        const order = Array.from({ length: k }, (_, i) => k - 1 - i);
        const lists = [[], [0], [1, 0], [2, 1, 0], [0, 0, 1, 2], [0, 1, 1.5], [0, k]];
        const packedLists = lists.flatMap((l) => [l.length, ...l]);
        const plans: [number, number[], number][] = [
          [RefitMode.leaveOneOut, order, k],
          [RefitMode.prefixes, order, k],
          [RefitMode.lists, packedLists, lists.length],
        ];
        for (const method of methods) {
          for (const control of [
            fitDefaults.control,
            { threshold: 1e-5, maxIter: 100, stepAdj: 0.5 },
            { threshold: 1e-10, maxIter: 2, stepAdj: 1 },
          ]) {
            for (const test of [0, 1]) {
              for (const [mode, subsets, count] of plans) {
                const rctl = new Float64Array(RefitSlot.size);
                rctl[RefitSlot.mode] = mode;
                rctl[RefitSlot.count] = count;
                rctl[RefitSlot.test] = test;
                rctl[RefitSlot.length] = subsets.length;
                const input: RefitBlockInput = {
                  yi: Float64Array.from(model.yi),
                  vi: Float64Array.from(model.vi),
                  X,
                  k,
                  p,
                  method: MethodCode[method],
                  control: packControl(control),
                  rctl,
                  subsets: Float64Array.from(subsets),
                };
                const js = new Float64Array(count * refitRowSize(p));
                const wasm = new Float64Array(count * refitRowSize(p));
                const what = `${prob.name} ${method} test ${test} mode ${mode}`;
                expect(jsBackend.refitBlock(input, js), what).toBe(KernelStatus.OK);
                expect(core.refitBlock(input, wasm), what).toBe(KernelStatus.OK);
                for (let s = 0; s < count; s++) {
                  const at = s * refitRowSize(p);
                  expect(wasm[at + RefitRow.status], `${what} [${s}]`).toBe(
                    js[at + RefitRow.status],
                  );
                }
                for (let i = 0; i < js.length; i++) {
                  const e = relErr(wasm[i]!, js[i]!);
                  worst = Math.max(worst, e);
                  compared++;
                  if (!(e <= WASM_VS_TS)) expect.fail(`${what} value ${i}: ${wasm[i]} vs ${js[i]}`);
                }
              }
            }
          }
        }
      }
      console.log(
        `[refit wasm ${target}] ${compared} values compared, worst relative difference ${worst.toExponential(2)}`,
      );
      expect(compared).toBeGreaterThan(100_000);
    });
  }

  it("rejects a bad call with BAD_INPUT on both paths, and bad indices per row", () => {
    const core = new WasmCore(instantiateSync("release"));
    const input: RefitBlockInput = {
      yi: Float64Array.of(0.1, 0.2, 0.3),
      vi: Float64Array.of(0.01, 0.02, 0.03),
      X: Float64Array.of(1, 1, 1),
      k: 3,
      p: 1,
      method: 99,
      control: packControl(fitDefaults.control),
      rctl: Float64Array.of(RefitMode.leaveOneOut, 3, 0, 3),
      subsets: Float64Array.of(0, 1, 2),
    };
    const out = new Float64Array(3 * refitRowSize(1));
    expect(jsBackend.refitBlock(input, out)).toBe(KernelStatus.BAD_INPUT);
    expect(core.refitBlock(input, out)).toBe(KernelStatus.BAD_INPUT);
    const badRows = { ...input, method: MethodCode.REML, subsets: Float64Array.of(0, 7, -1) };
    for (const run of [jsBackend.refitBlock, core.refitBlock.bind(core)]) {
      expect(run(badRows, out)).toBe(KernelStatus.OK);
      expect(out[RefitRow.status]).toBe(KernelStatus.OK);
      expect(out[refitRowSize(1) + RefitRow.status]).toBe(KernelStatus.BAD_INPUT);
      expect(out[2 * refitRowSize(1) + RefitRow.status]).toBe(KernelStatus.BAD_INPUT);
    }
  });
});
