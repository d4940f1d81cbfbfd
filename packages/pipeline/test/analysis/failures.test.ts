/**
 * A failed side analysis never loses the whole analysis: each one is forced to fail, by data that
 * genuinely break it or by the engine's own function run with a control it cannot meet (maxIter 1,
 * passed through the SideAnalyses seam), and its block must be null (or its value, row or test),
 * its reason in `warnings`, and every other block still there. The main model failing still
 * throws, so the CLI exits 1 with the engine's remedies.
 */
import {
  bootstrap,
  leaveOneOut,
  NotConvergedError,
  PooledError,
  permutationTest,
  rma,
  subgroups,
  TooFewStudiesError,
  trimFill,
} from "@pooled/stats";
import { describe, expect, test } from "vitest";
import { analyze, analyzeAsync, prepareAnalysis } from "../../src/analysis/index.js";
import {
  collectBadValues,
  exampleTable,
  givenEffects,
  NOT_CONVERGED_1,
  sideWith,
  threeSubgroups,
} from "../support/analysis-helpers.js";

const bbb = exampleTable();

/** The blocks a failure elsewhere must leave standing (k >= 3, no year column unless given). */
function expectMainBlocks(a: ReturnType<typeof analyze>): void {
  expect(a.model.estimate).toBeTypeOf("number");
  expect(a.studies.length).toBe(a.model.k);
  expect(a.bias).not.toBeNull();
  expect(a.baujat).not.toBeNull();
  expect(collectBadValues(a)).toEqual([]);
}

describe("secondary fits of the deterministic analysis", () => {
  test("R²: its model without moderators does not converge; R² is null, the meta-regression stands", () => {
    // dose explains every difference, so the moderator model stops at tau² = 0 in one iteration;
    // the model without moderators needs several.
    const dose = [1, 2, 3, 4, 5, 6, 7, 8];
    const table = givenEffects(
      dose.map((d, i) => ({
        study: `S${i + 1}`,
        yi: 0.3 * d + (i % 2 === 1 ? 0.05 : -0.05),
        vi: 0.02 + 0.01 * (i % 3),
        dose: d,
      })),
    );
    const side = sideWith({
      regression: (data, options) => rma(data, { ...options, control: { maxIter: 1 } }),
    });
    const a = prepareAnalysis(table, { mods: ["dose"] }, side).analysis;
    expect(a.regression!.R2).toBeNull();
    expect(a.regression!.tau2).toBe(0);
    expect(a.regression!.terms[1]!.estimate).toBeCloseTo(0.3, 1);
    expect(a.warnings).toContain(
      `Meta-regression: R² could not be computed: the model without moderators it compares with failed: ${NOT_CONVERGED_1}`,
    );
    // The "Only 8 studies" advice is the main model's too: said once.
    expect(a.warnings.filter((w) => w.includes("Only 8 studies"))).toHaveLength(1);
    expectMainBlocks(a);
    expect(a.leaveOneOut).toHaveLength(8);
  });

  test("a subgroup: one level's model does not converge; its row is null, the other levels stand", () => {
    const table = threeSubgroups();
    const side = sideWith({
      subgroups: (data, groups, options) =>
        subgroups(data, groups, { ...options, control: { maxIter: 1 } }),
    });
    const a = prepareAnalysis(table, { by: "lab" }, side).analysis;
    const [levelA, levelB, levelC] = a.subgroups!.groups;
    expect(levelB).toMatchObject({
      level: "b",
      k: 4,
      estimate: null,
      se: null,
      ciLower: null,
      tau2: null,
      studies: ["S4", "S5", "S6", "S7"],
      indices: [3, 4, 5, 6],
    });
    expect(levelA!.estimate).toBeCloseTo(0.3, 1);
    expect(levelC!.estimate).toBe(0.5);
    const [separate, common] = a.subgroups!.tests;
    expect(separate).toMatchObject({ type: "separate-tau2", Q: null, p: null, df: 2 });
    expect(common).toMatchObject({ type: "common-tau2", Q: null, p: null });
    expect(a.warnings).toContain(`Subgroup "b" could not be computed: ${NOT_CONVERGED_1}`);
    expect(a.warnings).toContain(
      'The test with a separate tau² per subgroup could not be computed: it compares every subgroup\'s estimate, and subgroup "b" could not be fitted.',
    );
    expectMainBlocks(a);
  });

  test("leave-one-out: refits that do not converge are null rows with the reason, the others stand", () => {
    // Without the outlier S6 the rest are homogeneous (tau² = 0 at once); every other subset is not.
    const yi = [0.3, 0.31, 0.29, 0.32, 0.3, 1.5];
    const vi = [0.02, 0.03, 0.02, 0.04, 0.03, 0.02];
    const table = givenEffects(yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: vi[i]! })));
    const side = sideWith({
      leaveOneOut: (model) => leaveOneOut(model, { control: { maxIter: 1 } }),
    });
    const a = prepareAnalysis(table, {}, side).analysis;
    const loo = a.leaveOneOut!;
    expect(loo.map((r) => r.study)).toEqual(["S1", "S2", "S3", "S4", "S5", "S6"]);
    expect(loo.slice(0, 5).every((r) => r.estimate === null && r.tau2 === null)).toBe(true);
    expect(loo[5]!.estimate).toBeCloseTo(0.30174, 4);
    expect(loo[5]!.tau2).toBe(0);
    for (const study of ["S1", "S2", "S3", "S4", "S5"])
      expect(a.warnings).toContain(
        `Without ${study}: the model could not be fitted (${NOT_CONVERGED_1}).`,
      );
    expectMainBlocks(a);
  });

  test("cumulative: a step the model cannot be fitted to (Knapp-Hartung, one study) is a null row", () => {
    const yi = [0.3, 0.31, 0.29, 0.32, 0.3, 1.5];
    const table = givenEffects(
      yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: 0.02 + 0.01 * (i % 3), year: 2001 + i })),
    );
    const a = analyze(table, { test: "knha" });
    const steps = a.cumulative!;
    expect(steps[0]).toMatchObject({ study: "S1", k: 1, estimate: null, ciLower: null });
    expect(steps.slice(1).every((s) => typeof s.estimate === "number")).toBe(true);
    expect(steps.at(-1)!.estimate).toBeCloseTo(a.model.estimate, 10);
    expect(a.warnings).toContain(
      "Step 1: the model could not be fitted (the Knapp-Hartung test (k - p degrees of freedom) needs at least 2 studies; got 1).",
    );
    expectMainBlocks(a);
    expect(a.leaveOneOut).toHaveLength(6);
  });

  test("trim-and-fill: its refits do not converge; it is null, the other small-study tests stand", () => {
    const side = sideWith({ trimFill: (model) => trimFill(model, { control: { maxIter: 1 } }) });
    const a = prepareAnalysis(bbb, { by: "route", mods: ["dose"] }, side).analysis;
    expect(a.bias!.trimFill).toBeNull();
    expect(a.warnings).toContain(`Trim-and-fill could not be computed: ${NOT_CONVERGED_1}`);
    expect(a.bias!.egger).not.toBeNull();
    expect(a.bias!.begg).not.toBeNull();
    expect(a.subgroups!.groups.every((g) => g.estimate !== null)).toBe(true);
    expect(a.regression!.R2).toBeTypeOf("number");
    expect(a.leaveOneOut).toHaveLength(a.model.k);
    expect(a.cumulative).toHaveLength(a.model.k);
    expectMainBlocks(a);
  });

  test("Egger's test (and trim-and-fill, Begg's test): equal standard errors leave nothing to regress on", () => {
    const yi = [0.1, 0.5, 0.3, 0.8, 0.2];
    const table = givenEffects(yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: 0.04 })));
    const a = analyze(table, {});
    expect(a.bias).toMatchObject({
      egger: null,
      begg: null,
      trimFill: null,
      eggerSampleSize: null,
      // PET and PEESE regress on the standard errors and variances too.
      petPeese: null,
    });
    // The fail-safe Ns need no spread of standard errors.
    expect(a.bias!.failSafeN).not.toBeNull();
    expect(a.warnings).toContain(
      `Egger's regression test could not be computed: the predictor "sei" has the same value in every study (for example, all standard errors are equal), so there is no small-study effect to test`,
    );
    expect(a.warnings.some((w) => w.startsWith("Trim-and-fill could not be computed: "))).toBe(
      true,
    );
    expect(a.leaveOneOut).toHaveLength(5);
    expect(a.baujat).toHaveLength(5);
    expect(a.model.estimate).toBeCloseTo(0.38, 12);
  });

  test("every side analysis failing at once still leaves the main model and the studies", () => {
    const fail = () => {
      throw new NotConvergedError("REML", 100);
    };
    const side = sideWith({
      subgroups: fail,
      egger: fail,
      begg: fail,
      trimFill: fail,
      leaveOneOut: fail,
      cumulative: fail,
      baujat: fail,
      petPeese: fail,
      failSafeN: fail,
      influence: fail,
    });
    const a = prepareAnalysis(bbb, { by: "route", measure: "SMD" }, side).analysis;
    expect(a.model).toEqual(analyze(bbb, { measure: "SMD" }).model);
    expect(a).toMatchObject({
      subgroups: null,
      leaveOneOut: null,
      cumulative: null,
      baujat: null,
      influence: null,
    });
    expect(a.bias).toEqual({
      egger: null,
      begg: null,
      trimFill: null,
      eggerSampleSize: null,
      petPeese: null,
      failSafeN: null,
    });
    const reason = new NotConvergedError("REML", 100).message;
    for (const what of [
      "Subgroup analysis",
      "Egger's regression test",
      "Egger's test on sample size",
      "Begg's rank correlation test",
      "Trim-and-fill",
      "Leave-one-out analysis",
      "Cumulative meta-analysis",
      "Baujat plot data",
      "PET-PEESE",
      "The fail-safe N",
      "The influence diagnostics",
    ])
      expect(a.warnings).toContain(`${what} could not be computed: ${reason}`);
  });

  test("the main model failing still throws the engine's error (the CLI exits 1 with it)", () => {
    const one = givenEffects([{ study: "S1", yi: 0.3, vi: 0.02 }]);
    expect(() => analyze(one, { test: "knha" })).toThrow(TooFewStudiesError);
    expect(() => analyze(one, { test: "knha" })).toThrow(
      "the Knapp-Hartung test (k - p degrees of freedom) needs at least 2 studies; got 1",
    );
  });
});

describe("resampling", () => {
  test("permutations: the whole test failing leaves it null; the bootstrap and the rest stand", async () => {
    const side = sideWith({
      permutationTest: (model, options) =>
        permutationTest(model, { ...options, control: { maxIter: 1 } }),
    });
    const a = await analyzeAsync(bbb, { permutations: 100, bootstrap: 50, seed: 3 }, side);
    expect(a.permutation).toBeNull();
    expect(a.warnings.join("\n")).toMatch(
      /^The permutation test could not be computed: REML estimation of tau² did not converge .*Remedies: raise control\.maxIter/m,
    );
    expect(a.bootstrap!.iterations).toBe(50);
    expectMainBlocks(a);
  });

  test("the meta-regression's permutation test failing alone leaves its p-values null", async () => {
    const side = sideWith({
      permutationTest: (model, options) =>
        // The pipeline passes fitted models; only the one with moderators is made to fail.
        permutationTest(
          model,
          "p" in model && model.p > 1 ? { ...options, control: { maxIter: 1 } } : options,
        ),
    });
    const a = await analyzeAsync(bbb, { mods: ["dose"], permutations: 100, seed: 3 }, side);
    expect(a.permutation).toMatchObject({ iterations: 100, regression: null });
    expect(a.permutation!.p).toBeTypeOf("number");
    expect(a.regression!.terms.every((t) => t.permutationP === null)).toBe(true);
    expect(a.regression!.permutationQMp).toBeNull();
    expect(
      a.warnings.some((w) =>
        w.startsWith("The meta-regression's permutation test could not be computed: REML"),
      ),
    ).toBe(true);
    expectMainBlocks(a);
  });

  test("arrangements whose refit fails are counted and said", async () => {
    // Homogeneous effects: the observed data converge at once (tau² = 0), most sign flips do not.
    const yi = [1.0, 1.05, 0.95, 1.02, 0.98, 1.01];
    const vi = [0.02, 0.03, 0.02, 0.04, 0.03, 0.02];
    const table = givenEffects(yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: vi[i]! })));
    const side = sideWith({
      permutationTest: (model, options) =>
        permutationTest(model, { ...options, control: { maxIter: 1 } }),
    });
    const a = await analyzeAsync(table, { permutations: "exact" }, side);
    const perm = a.permutation!;
    expect(perm.iterations).toBe(64);
    expect(perm.failed).toBeGreaterThan(0);
    expect(perm.failed).toBeLessThan(64);
    expect(a.warnings).toContain(
      `${perm.failed} of 64 arrangements of the permutation test could not be refitted and were left out of its p-values.`,
    );
  });

  test("bootstrap replicates whose refit fails are counted and said", async () => {
    const side = sideWith({
      bootstrap: (model, options) => bootstrap(model, { ...options, control: { maxIter: 2 } }),
    });
    const a = await analyzeAsync(bbb, { bootstrap: 100, seed: 5 }, side);
    const boot = a.bootstrap!;
    expect(boot.failed).toBeGreaterThan(0);
    expect(boot.succeeded + boot.failed).toBe(100);
    expect(a.warnings).toContain(
      `${boot.failed} of 100 bootstrap replicates could not be refitted and were left out of the intervals.`,
    );
  });

  test("the bootstrap failing as a whole (e.g. a worker dies) leaves it null; the permutations stand", async () => {
    const side = sideWith({
      bootstrap: () => Promise.reject(new Error("worker thread exited with code 1")),
    });
    const a = await analyzeAsync(bbb, { bootstrap: 100, permutations: 50, seed: 5 }, side);
    expect(a.bootstrap).toBeNull();
    expect(a.warnings).toContain(
      "The bootstrap could not be computed: worker thread exited with code 1",
    );
    expect(a.permutation!.iterations).toBe(50);
    expectMainBlocks(a);
  });

  test("cancelling, or asking an exact test too large to run, still stops the whole run", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      analyzeAsync(bbb, { bootstrap: 100, signal: controller.signal }),
    ).rejects.toMatchObject({ code: "CANCELLED" });
    const error = await analyzeAsync(bbb, { permutations: "exact" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PooledError);
    expect(error).toMatchObject({ code: "TOO_MANY_ARRANGEMENTS" });
  });
});
