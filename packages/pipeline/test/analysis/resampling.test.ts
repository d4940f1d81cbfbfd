/**
 * analyzeAsync: the permutation and bootstrap blocks (seed and iterations echoed, values those of
 * the engine, exact p-values as metafor's permutest), progress and cancellation passed through.
 */
import { bootstrap, permutationTest, rma } from "@pooled/stats";
import { describe, expect, test } from "vitest";
import { analyze, analyzeAsync, prepareAnalysis } from "../../src/analysis/index.js";
import type { StudyTable } from "../../src/input/index.js";
import {
  collectBadValues,
  exampleTable,
  expectClose,
  pipelineFixture,
} from "../support/analysis-helpers.js";

const bbb = exampleTable();
const firstRows = (n: number): StudyTable => ({ ...bbb, rows: bbb.rows.slice(0, n) });

describe("permutation test", () => {
  test("exact sign-flip p-value of the main model equals metafor's permutest (8 studies, 256 arrangements)", async () => {
    const fx = pipelineFixture("bbb8/MD/REML/z/permutation-exact");
    const a = await analyzeAsync(firstRows(fx.rows), { permutations: "exact", seed: 7 });
    expect(a.permutation).toMatchObject({
      seed: 7,
      requested: "exact",
      exact: true,
      iterations: fx.permutation.iterations,
    });
    expectClose(a.permutation!.p, fx.permutation.p, "permutation p");
  });

  test("exact row-permutation p-values of a meta-regression equal metafor's permutest (7 studies, mods = year)", async () => {
    const fx = pipelineFixture("bbb7/MD/REML/z/mods-year/permutation-exact");
    const a = await analyzeAsync(firstRows(fx.rows), { mods: ["year"], permutations: "exact" });
    const reg = a.regression!;
    reg.terms.forEach((t, j) => {
      expectClose(t.permutationP, fx.permutation.terms[j], `${t.name} permutation p`);
    });
    expectClose(reg.permutationQMp, fx.permutation.QMp, "QM permutation p");
    expect(a.permutation!.regression!.exact).toBe(true);
  });

  test("random arrangements: seed and iterations echoed, p equal to the engine's with the same seed", async () => {
    const a = await analyzeAsync(bbb, { permutations: 200, seed: 2024, mods: ["dose"] });
    expect(a.permutation).toMatchObject({
      seed: 2024,
      requested: 200,
      iterations: 200,
      exact: false,
    });
    const { model, regressionModel } = prepareAnalysis(bbb, { mods: ["dose"] });
    const direct = await permutationTest(model, { iterations: 200, seed: 2024 });
    expect(a.permutation!.p).toBe(direct.coefficients[0]!.p);
    const directReg = await permutationTest(regressionModel!, { iterations: 200, seed: 2024 });
    expect(a.regression!.terms.map((t) => t.permutationP)).toEqual(
      directReg.coefficients.map((c) => c.p),
    );
    expect(a.regression!.permutationQMp).toBe(directReg.QM.p);
    expect(collectBadValues(a)).toEqual([]);
    // Everything else is the synchronous analysis, unchanged.
    const sync = analyze(bbb, { mods: ["dose"] });
    expect(a.model).toEqual(sync.model);
    expect(a.studies).toEqual(sync.studies);
  });

  test("progress is reported per stage and reaches the total", async () => {
    const seen: { stage: string; done: number; total: number }[] = [];
    await analyzeAsync(firstRows(10), {
      permutations: 1500,
      mods: ["year"],
      onProgress: (p) => seen.push(p),
    });
    const stages = [...new Set(seen.map((p) => p.stage))];
    expect(stages).toEqual(["permutation", "regression-permutation"]);
    for (const stage of stages) {
      const last = seen.filter((p) => p.stage === stage).at(-1)!;
      expect(last.done).toBe(last.total);
    }
  });

  test("an aborted signal stops the run with a CANCELLED error", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      analyzeAsync(bbb, { permutations: 5000, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "CANCELLED",
    });
  });
});

describe("bootstrap", () => {
  test("case bootstrap of publications: seed and iterations echoed, intervals equal to the engine's", async () => {
    const a = await analyzeAsync(bbb, { bootstrap: 300, seed: 11 });
    const b = a.bootstrap!;
    expect(b).toMatchObject({ seed: 11, iterations: 300, type: "case" });
    // The example nests experiments in publications: whole publications are resampled.
    const publications = new Set(bbb.rows.map((r) => r.cluster)).size;
    expect(b.clusters).toBe(publications);
    const { model, clusters } = prepareAnalysis(bbb, {});
    const direct = await bootstrap(model, { replicates: 300, seed: 11, cluster: clusters! });
    const mu = direct.statistics[0]!;
    expect(b.estimate.estimate).toBe(model.beta[0]);
    expect(b.estimate.percentileLower).toBe(mu.percentile!.lower);
    expect(b.estimate.percentileUpper).toBe(mu.percentile!.upper);
    expect(b.estimate.bcaLower).toBe(mu.bca?.lower ?? null);
    const tau2 = direct.statistics.find((s) => s.name === "tau2")!;
    expect(b.tau2.percentileUpper).toBe(tau2.percentile!.upper);
    expect(b.tau2.estimate).toBe(rma({ yi: model.yi, vi: model.vi }).tau2);
    expect(b.succeeded + b.failed).toBe(300);
    expect(collectBadValues(a)).toEqual([]);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  test("the same seed gives the same result", async () => {
    const one = await analyzeAsync(firstRows(12), { bootstrap: 100, seed: 5 });
    const two = await analyzeAsync(firstRows(12), { bootstrap: 100, seed: 5 });
    expect(one.bootstrap).toEqual(two.bootstrap);
  });
});
