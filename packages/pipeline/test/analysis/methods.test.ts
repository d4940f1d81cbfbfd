/**
 * The further methods in the analysis, against metafor 3.8.1 and 5.1.12
 * (fixtures/r/pipeline-methods.R on the bundled BBB example, MD, REML): influence diagnostics,
 * PET-PEESE, the fail-safe Ns, trim-and-fill's options, and the Q-profile CIs of the model, of each
 * subgroup and of a meta-regression's residual heterogeneity.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { AnalysisInputError, analyze } from "../../src/analysis/index.js";
import {
  exampleTable,
  expectAllClose,
  expectClose,
  givenEffects,
} from "../support/analysis-helpers.js";
import { repoUrl } from "../support/repo.js";

describe.each(["3.8.1", "5.1.12"])("against metafor %s", (version) => {
  const ref = JSON.parse(
    readFileSync(repoUrl(`fixtures/pipeline-methods.metafor-${version}.json`), "utf8"),
  );
  const table = exampleTable();
  const a = analyze(table, { by: "dose" });

  test("the model's Q-profile CIs of tau², I² and H²", () => {
    expectClose(a.model.tau2, ref.model.tau2, "tau2");
    expectAllClose([a.model.tau2CiLower, a.model.tau2CiUpper], ref.model.tau2Ci, "tau2 CI");
    expectAllClose([a.model.I2CiLower, a.model.I2CiUpper], ref.model.I2Ci, "I2 CI");
    expectAllClose([a.model.H2CiLower, a.model.H2CiUpper], ref.model.H2Ci, "H2 CI");
    expectClose(a.model.seTau2, ref.model.seTau2, "se of tau2");
  });

  test("--predict: the meta-regression at chosen moderator values", () => {
    const points = [
      { dose: "200 µg", year: 2018 },
      { dose: "100 µg", year: 2020 },
    ];
    const p = analyze(table, { mods: ["dose", "year"], predict: points }).predictions!;
    expect(p.map((x) => x.at)).toEqual(points);
    for (const key of ["estimate", "se", "ciLower", "ciUpper", "piLower", "piUpper"] as const)
      expectAllClose(
        p.map((x) => x[key]),
        ref.predictions[key],
        `prediction ${key}`,
      );
  });

  test("influence diagnostics, study by study", () => {
    const rows = a.influence!;
    expect(rows.map((r) => r.study)).toEqual(ref.study);
    for (const key of [
      "rstudent",
      "dffits",
      "cooksD",
      "covRatio",
      "tau2Deleted",
      "QEDeleted",
      "hat",
      "weight",
    ] as const)
      expectAllClose(
        rows.map((r) => r[key]),
        ref.influence[key],
        key,
      );
    expect(rows.map((r) => r.influential)).toEqual(ref.influence.influential);
  });

  test("PET-PEESE", () => {
    const pp = a.bias!.petPeese!;
    for (const which of ["pet", "peese"] as const)
      for (const key of ["estimate", "se", "p", "ciLower", "ciUpper", "slope", "slopeP"] as const)
        expectClose(pp[which][key], ref.petPeese[which][key], `${which} ${key}`);
    expect(pp.chosen).toBe(ref.petPeese.chosen);
    expect(pp.estimate).toBe(pp[pp.chosen === "PET" ? "pet" : "peese"].estimate);
  });

  test("fail-safe N: Rosenthal, Orwin, Rosenberg", () => {
    const f = a.bias!.failSafeN!;
    expect(f.rosenthal!.n).toBe(ref.failSafeN.rosenthal.n);
    expectClose(f.rosenthal!.p, ref.failSafeN.rosenthal.p, "Rosenthal p");
    expect(f.orwin!.n).toBe(ref.failSafeN.orwin.n);
    expectClose(f.orwin!.target, ref.failSafeN.orwin.target, "Orwin target");
    expect(f.rosenberg!.n).toBe(ref.failSafeN.rosenberg.n);
    expectClose(f.rosenberg!.p, ref.failSafeN.rosenberg.p, "Rosenberg p");
  });

  test.each([
    ["R0", { trimfillEstimator: "R0" as const }],
    ["left", { trimfillSide: "left" as const }],
    ["right", { trimfillSide: "right" as const }],
  ])("trim-and-fill with %s", (key, options) => {
    const tf = analyze(table, options).bias!.trimFill!;
    const expected = ref.trimFill[key];
    expect(tf.k0).toBe(expected.k0);
    expect(tf.side).toBe(expected.side);
    expect(tf.estimator).toBe(key === "R0" ? "R0" : "L0");
    expectClose(tf.estimate, expected.estimate, "estimate");
    expectClose(tf.ciLower, expected.ciLower, "ciLower");
    expectClose(tf.ciUpper, expected.ciUpper, "ciUpper");
  });

  test("each subgroup's Q-profile CIs of tau² and I²", () => {
    for (const g of a.subgroups!.groups) {
      const expected = ref.subgroups.find((s: { level: string }) => s.level === g.level);
      expectClose(g.tau2, expected.tau2, `${g.level} tau2`);
      if (expected.tau2Ci === undefined) {
        expect(g.tau2CiLower).toBeNull();
        continue;
      }
      expectAllClose([g.tau2CiLower, g.tau2CiUpper], expected.tau2Ci, `${g.level} tau2 CI`);
      expectAllClose([g.I2CiLower, g.I2CiUpper], expected.I2Ci, `${g.level} I2 CI`);
    }
  });

  test("a meta-regression's residual tau² and I² CIs", () => {
    const r = analyze(table, { mods: ["year"] }).regression!;
    expectClose(r.tau2, ref.regression.tau2, "residual tau2");
    expectAllClose([r.tau2CiLower, r.tau2CiUpper], ref.regression.tau2Ci, "tau2 CI");
    expectAllClose([r.I2CiLower, r.I2CiUpper], ref.regression.I2Ci, "I2 CI");
  });
});

describe("method settings", () => {
  const table = exampleTable();

  test("--bootstrap-type parametric reaches the bootstrap (the JSON says which)", async () => {
    const { analyzeAsync } = await import("../../src/analysis/index.js");
    const a = await analyzeAsync(table, { bootstrap: 200, bootstrapType: "parametric", seed: 3 });
    expect(a.settings.bootstrapType).toBe("parametric");
    expect(a.bootstrap!.type).toBe("parametric");
    expect(a.bootstrap!.clusters).toBeNull();
    const again = await analyzeAsync(table, {
      bootstrap: 200,
      bootstrapType: "parametric",
      seed: 3,
    });
    expect(again.bootstrap).toEqual(a.bootstrap);
  });

  test.each([
    [{ vtype: "RevMan" as const }, /--vtype UB or RevMan with --measure SMD/],
    [{ correctBias: true }, /a bias correction only with --measure ROM/],
    [{ correctBias: false }, /--no-correct-bias with --measure ROM/],
    [{ vtype: "LS2" as const }, /LS2 with --measure ROM/],
    [{ measure: "SMD" as const, vtype: "LS2" as const }, /LS2 with --measure ROM/],
    [{ measure: "ROM" as const, vtype: "UB" as const }, /--vtype UB or RevMan with --measure SMD/],
    [{ legacySmdhVariance: true }, /--legacy-smdh-variance with --measure SMDH/],
    [{ predict: [{ year: 2015 }] }, /--predict with --mods/],
    [{ trimfillEstimator: "Q0" as never }, /--trimfill-estimator L0 or R0/],
    [{ bootstrapType: "wild" as never }, /--bootstrap-type case or parametric/],
    [{ mods: ["year"], predict: [{ yaer: 2015 }] }, /--predict/],
    [{ mods: ["dose"], predict: [{ dose: "300 µg" }] }, /--predict/],
  ])("refuses %o", (options, message) => {
    expect(() => analyze(table, options)).toThrow(AnalysisInputError);
    expect(() => analyze(table, options)).toThrow(message);
  });

  test("--vtype and --correct-bias reach escalc", () => {
    const ub = analyze(table, { measure: "SMD", vtype: "UB" });
    const ls = analyze(table, { measure: "SMD" });
    expect(ub.settings.vtype).toBe("UB");
    expect(ub.studies[0]!.vi).not.toBe(ls.studies[0]!.vi);
    expect(ub.studies[0]!.yi).toBe(ls.studies[0]!.yi);
    const rom = analyze(table, { measure: "ROM", correctBias: true });
    expect(rom.settings.correctBias).toBe(true);
    expect(rom.notes.join(" ")).toMatch(/Lajeunesse/);
  });

  test("metafor 5.1's definitions by default: ROM bias-corrected (correctBias false is 3.8's), SMDH 5.1's variance", () => {
    const rom = analyze(table, { measure: "ROM" });
    expect(rom.settings.correctBias).toBe(true);
    expect(rom.notes.join(" ")).toMatch(/Lajeunesse \(2015, eq\. 8\), as metafor 5\.1's default/);
    const plain = analyze(table, { measure: "ROM", correctBias: false });
    expect(plain.settings.correctBias).toBe(false);
    expect(plain.notes.join(" ")).toMatch(/not bias-corrected \(as metafor 3\.8/);
    // The correction moves yi (Lajeunesse 2015, eq. 8), not vi (vtype LS in both).
    rom.studies.forEach((s, i) => {
      const p = plain.studies[i]!;
      expect(s.vi).toBe(p.vi);
      expect(s.yi).not.toBe(p.yi);
    });
    expect(rom.model.estimate).not.toBe(plain.model.estimate);
    const smdh = analyze(table, { measure: "SMDH" });
    expect(smdh.settings.correctBias).toBe(true);
    expect(smdh.notes.join(" ")).toMatch(/as metafor 4\.6 and later \(5\.1\)/);
  });

  test("metafor 3.8's definitions behind options: SMDH's variance (--legacy-smdh-variance) and ROM's LS2 (--vtype LS2)", () => {
    // SMDH: 3.8's vi is c(m)^2 times 4.6's; yi = c(m)·d is the same, so c(m) = yi/d (Bonett 2008).
    const smdh = analyze(table, { measure: "SMDH" });
    const legacy = analyze(table, { measure: "SMDH", legacySmdhVariance: true });
    expect(legacy.settings.legacySmdhVariance).toBe(true);
    expect(smdh.settings.legacySmdhVariance).toBe(false);
    table.rows.forEach((row, i) => {
      const d = (row.m1i! - row.m2i!) / Math.sqrt((row.sd1i! ** 2 + row.sd2i! ** 2) / 2);
      const c = smdh.studies[i]!.yi / d;
      expect(legacy.studies[i]!.yi).toBe(smdh.studies[i]!.yi);
      expectClose(legacy.studies[i]!.vi, c * c * smdh.studies[i]!.vi, `SMDH legacy vi ${i}`);
      expect(legacy.studies[i]!.vi).toBeLessThan(smdh.studies[i]!.vi);
    });
    // ROM: LS2 adds the second-order terms (a1^2 + a2^2)/2 to LS's a1 + a2 (Lajeunesse 2015, eq. 9).
    // (Shared control arms left whole, so each row's arms are the file's.)
    const ls = analyze(table, { measure: "ROM", splitSharedControls: false });
    const ls2 = analyze(table, { measure: "ROM", vtype: "LS2", splitSharedControls: false });
    expect(ls2.settings.vtype).toBe("LS2");
    table.rows.forEach((row, i) => {
      const a1 = row.sd1i! ** 2 / (row.n1i! * row.m1i! ** 2);
      const a2 = row.sd2i! ** 2 / (row.n2i! * row.m2i! ** 2);
      expect(ls2.studies[i]!.yi).toBe(ls.studies[i]!.yi);
      expectClose(ls2.studies[i]!.vi, a1 + a2 + (a1 * a1 + a2 * a2) / 2, `ROM LS2 vi ${i}`);
    });
  });
});

describe("GOSH (--gosh)", () => {
  test("every subset of a small table: counts, summaries as the engine's, the sample for the plot", async () => {
    const { analyzeAsync, GOSH_SAMPLE_POINTS } = await import("../../src/analysis/index.js");
    const { gosh, rma } = await import("@pooled/stats");
    const yi = [0.1, 0.5, 0.3, 0.8, 0.2, 1.4, 0.35, 0.6];
    const vi = [0.04, 0.03, 0.05, 0.02, 0.06, 0.03, 0.05, 0.04];
    const table = givenEffects(yi.map((y, i) => ({ study: `S${i + 1}`, yi: y, vi: vi[i]! })));
    const a = await analyzeAsync(table, { gosh: 1000 });
    const g = a.gosh!;
    expect(g).toMatchObject({ subsets: 255, exhaustive: true, seed: null, k: 8, method: "REML" });
    const direct = await gosh(rma({ yi, vi }), { subsets: 1000 });
    expect(g.summary.estimate.median).toBe(direct.summary.estimate.median);
    expect(g.summary.I2.max).toBe(direct.summary.I2.max);
    expect(g.sample.estimate).toEqual([...direct.estimate]);
    expect(g.sample.I2).toEqual([...direct.I2]);
    expect(GOSH_SAMPLE_POINTS).toBe(20_000);
  });

  test("random subsets: seeded, the sample thinned to at most 20,000 points", async () => {
    const { analyzeAsync } = await import("../../src/analysis/index.js");
    const a = await analyzeAsync(exampleTable(), { gosh: 30_000, seed: 5 });
    const g = a.gosh!;
    expect(g).toMatchObject({ subsets: 30_000, exhaustive: false, seed: 5, k: 29 });
    expect(g.sample.estimate.length).toBe(15_000);
    const again = await analyzeAsync(exampleTable(), { gosh: 30_000, seed: 5 });
    expect(again.gosh).toEqual(g);
  });

  test("the synchronous analyze() refuses it, and a count out of range is refused", () => {
    expect(() => analyze(exampleTable(), { gosh: 100 })).toThrow(/analyzeAsync/);
  });
});
