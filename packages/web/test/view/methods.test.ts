/**
 * The settings and result views of the further methods on the page: trim-and-fill's
 * estimator and side, the SMD's variance type, ROM's bias correction, the bootstrap's kind and
 * predictions (read as the CLI reads its flags, refused where the pipeline refuses them), and the
 * PET-PEESE, fail-safe N, influence, prediction and Q-profile CI tables, from the pipeline's own
 * analysis of a small file.
 */
import { parseStudyText, resolveSettings, type StudyTable } from "@pooled/pipeline";
import { describe, expect, it } from "vitest";
import type { AnalysisView, Settings } from "../../src/api.js";
import {
  projectReport,
  readingScale,
  toAnalysisOptions,
} from "../../src/engine/pipeline-binding.js";
import { formatHeterogeneity, formatInterval, formatNumber } from "../../src/view/format.js";
import {
  bootstrapKind,
  failSafeTable,
  heterogeneityTable,
  influenceTable,
  nextSort,
  petPeeseTable,
  plotTabs,
  predictionsTable,
  regressionTables,
  resultTables,
  sortedRows,
  subgroupTables,
} from "../../src/view/results.js";
import {
  BOOTSTRAP_TYPES,
  DEFAULT_SETTINGS,
  describeExtraColumns,
  effectSizeControls,
  MEASURES,
  readPredictions,
  readSettings,
  type SettingsForm,
  settingsErrors,
  TRIMFILL_ESTIMATORS,
  TRIMFILL_SIDE_CHOICES,
  VTYPES,
} from "../../src/view/settings.js";
import { summaryView } from "../../src/view/summary.js";
import { referenceAnalysis } from "../reference.js";

const form = (over: Partial<SettingsForm> = {}): SettingsForm => ({
  measure: "MD",
  method: "REML",
  test: "z",
  by: "",
  mods: [],
  permutations: "",
  bootstrap: "",
  seed: "1",
  ...over,
});

const CSV = [
  "study,mean_treatment,sd_treatment,n_treatment,mean_control,sd_control,n_control,dose,route",
  "Ames 2015,10.2,2.1,8,8.1,2.0,8,50,iv",
  "Baker 2016,11.0,2.5,10,8.4,2.2,10,100,ip",
  "Chen 2017,12.9,3.0,6,8.0,2.6,6,150,iv",
  "Diaz 2018,10.8,1.9,12,8.6,2.0,12,100,ip",
  "Evans 2018,13.5,2.8,5,8.2,2.5,5,200,iv",
  "Fox 2019,11.9,2.2,9,8.8,2.4,9,150,ip",
  "Gupta 2019,24.0,2.6,7,8.3,2.2,7,200,iv",
  "Hall 2020,12.4,2.4,11,8.5,2.1,11,250,ip",
  "Ito 2021,13.8,3.1,6,8.1,2.7,6,300,iv",
  "Jones 2022,12.1,2.0,14,8.9,2.2,14,250,ip",
].join("\n");

function table(): StudyTable {
  const read = parseStudyText(CSV, "dose.csv");
  if (!read.table) throw new Error(read.problems.map((p) => p.expected).join("; "));
  return read.table;
}

describe("the new settings, read as the CLI's flags", () => {
  it("have the CLI's defaults", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      trimfillEstimator: "L0",
      trimfillSide: null,
      vtype: "LS",
      // ROM's correction, ticked as metafor 5's default; sent for ROM only
      correctBias: true,
      bootstrapType: "case",
      predict: [],
    });
    // Defaults are not sent (as flags left out), so the pipeline fills in its own.
    expect(toAnalysisOptions(DEFAULT_SETTINGS)).toEqual({
      measure: "MD",
      method: "REML",
      test: "z",
      seed: 1,
    });
    const resolved = resolveSettings(table(), toAnalysisOptions(DEFAULT_SETTINGS));
    expect(resolved).toMatchObject({
      trimfillEstimator: "L0",
      trimfillSide: null,
      vtype: "LS",
      correctBias: false,
      bootstrapType: "case",
      predict: [],
    });
  });

  it("read trim-and-fill's estimator and side, the variance, the bias correction and the bootstrap's kind", () => {
    const read = (over: Partial<SettingsForm>) => {
      const r = readSettings(form(over));
      return r.ok ? r.settings : r.errors.map((e) => e.field);
    };
    expect(read({ trimfillEstimator: "R0", trimfillSide: "right" })).toMatchObject({
      trimfillEstimator: "R0",
      trimfillSide: "right",
    });
    expect(read({ trimfillSide: "" })).toMatchObject({ trimfillSide: null });
    expect(read({ trimfillEstimator: "Q0" })).toEqual(["trimfillEstimator"]);
    expect(read({ trimfillSide: "up" })).toEqual(["trimfillSide"]);
    expect(read({ measure: "SMD", vtype: "RevMan" })).toMatchObject({ vtype: "RevMan" });
    expect(read({ measure: "MD", vtype: "UB" })).toMatchObject({ vtype: "UB" });
    expect(read({ measure: "MD", vtype: "RevMan" })).toEqual(["vtype"]);
    // Hidden for the other measures: whatever the control holds, LS stands.
    expect(read({ measure: "OR", vtype: "RevMan" })).toMatchObject({ vtype: "LS" });
    // ROM takes LS or LS2 (Lajeunesse 2015, eq. 9), and no other.
    expect(read({ measure: "ROM", vtype: "LS2" })).toMatchObject({ vtype: "LS2" });
    expect(read({ measure: "ROM", vtype: "RevMan" })).toEqual(["vtype"]);
    expect(read({ measure: "SMD", vtype: "LS2" })).toEqual(["vtype"]);
    // metafor 3.8's SMDH variance: read with SMDH only (hidden otherwise).
    expect(read({ measure: "SMDH", legacySmdhVariance: true })).toMatchObject({
      legacySmdhVariance: true,
    });
    expect(read({ measure: "SMD", legacySmdhVariance: true })).toMatchObject({
      legacySmdhVariance: false,
    });
    expect(read({ measure: "ROM", correctBias: true })).toMatchObject({ correctBias: true });
    expect(read({ measure: "MD", correctBias: false })).toMatchObject({ correctBias: false });
    expect(
      toAnalysisOptions(read({ measure: "MD", correctBias: true }) as never),
    ).not.toHaveProperty("correctBias");
    expect(read({ bootstrapType: "parametric" })).toMatchObject({ bootstrapType: "parametric" });
    expect(read({ bootstrapType: "wild" })).toEqual(["bootstrapType"]);
  });

  it("send only what the pipeline takes, as the CLI's flags", () => {
    const s = (over: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...over });
    expect(toAnalysisOptions(s({ trimfillEstimator: "R0", trimfillSide: "left" }))).toMatchObject({
      trimfillEstimator: "R0",
      trimfillSide: "left",
    });
    expect(toAnalysisOptions(s({ measure: "SMD", vtype: "RevMan" }))).toMatchObject({
      vtype: "RevMan",
    });
    expect(toAnalysisOptions(s({ measure: "MD", vtype: "UB" }))).toMatchObject({ vtype: "UB" });
    expect(toAnalysisOptions(s({ measure: "MD", vtype: "RevMan" }))).not.toHaveProperty("vtype");
    expect(toAnalysisOptions(s({ measure: "ROM", correctBias: true }))).toMatchObject({
      correctBias: true,
    });
    expect(toAnalysisOptions(s({ measure: "SMD", correctBias: true }))).not.toHaveProperty(
      "correctBias",
    );
    // The bootstrap's kind goes with a bootstrap only; predictions with moderators only.
    expect(toAnalysisOptions(s({ bootstrapType: "parametric" }))).not.toHaveProperty(
      "bootstrapType",
    );
    expect(toAnalysisOptions(s({ bootstrap: 200, bootstrapType: "parametric" }))).toMatchObject({
      bootstrap: 200,
      bootstrapType: "parametric",
    });
    expect(toAnalysisOptions(s({ measure: "ROM", vtype: "LS2" }))).toMatchObject({ vtype: "LS2" });
    expect(toAnalysisOptions(s({ measure: "SMDH", legacySmdhVariance: true }))).toMatchObject({
      legacySmdhVariance: true,
    });
    expect(toAnalysisOptions(s({ measure: "SMD", legacySmdhVariance: true }))).not.toHaveProperty(
      "legacySmdhVariance",
    );
    expect(toAnalysisOptions(s({ predict: [{ dose: 1 }] }))).not.toHaveProperty("predict");
    expect(toAnalysisOptions(s({ mods: ["dose"], predict: [{ dose: 1 }] }))).toMatchObject({
      mods: ["dose"],
      predict: [{ dose: 1 }],
    });
  });

  it("never send a combination the pipeline's resolveSettings refuses", () => {
    const t = table();
    const refused: string[] = [];
    for (const measure of MEASURES)
      for (const vtype of VTYPES)
        for (const correctBias of [false, true])
          for (const legacySmdhVariance of [false, true])
            for (const trimfillEstimator of TRIMFILL_ESTIMATORS)
              for (const side of TRIMFILL_SIDE_CHOICES)
                for (const bootstrapType of BOOTSTRAP_TYPES)
                  for (const mods of [[], ["dose"]]) {
                    const read = readSettings(
                      form({
                        measure,
                        vtype,
                        correctBias,
                        legacySmdhVariance,
                        trimfillEstimator,
                        trimfillSide: side.value,
                        bootstrapType,
                        bootstrap: "200",
                        mods,
                        predict: "dose=100;dose=200",
                      }),
                    );
                    if (!read.ok) {
                      // Only a variance the measure does not take, which the page's control prevents.
                      expect(read.errors.map((e) => e.field)).toEqual(["vtype"]);
                      expect(effectSizeControls({ measure, vtype, vtypeBefore: null }).vtype).toBe(
                        "LS",
                      );
                      continue;
                    }
                    try {
                      resolveSettings(t, toAnalysisOptions(read.settings));
                    } catch (error) {
                      refused.push(`${JSON.stringify(read.settings)}: ${String(error)}`);
                    }
                  }
    expect(refused).toEqual([]);
  });

  it("show the variance for SMD and MD and the bias correction for ROM, giving RevMan back", () => {
    const smd = effectSizeControls({ measure: "SMD", vtype: "RevMan", vtypeBefore: null });
    expect(smd).toMatchObject({
      vtypeShown: true,
      disabledVtypes: ["LS2"],
      vtype: "RevMan",
      correctBiasShown: false,
      vtypeHint: "",
    });
    const md = effectSizeControls({ measure: "MD", vtype: "RevMan", vtypeBefore: null });
    expect(md).toMatchObject({
      vtypeShown: true,
      disabledVtypes: ["RevMan", "LS2"],
      vtype: "LS",
      vtypeBefore: "RevMan",
    });
    expect(md.vtypeHint).toMatch(/RevMan’s variance is the SMD’s only, so MD uses/);
    expect(
      effectSizeControls({ measure: "SMD", vtype: "LS", vtypeBefore: "RevMan" }),
    ).toMatchObject({ vtype: "RevMan", vtypeBefore: null });
    // Chosen meanwhile: the reader's choice stays.
    expect(
      effectSizeControls({ measure: "SMD", vtype: "UB", vtypeBefore: "RevMan" }),
    ).toMatchObject({ vtype: "UB", vtypeBefore: null });
    // ROM takes LS or its second-order LS2 (Lajeunesse 2015, eq. 9), and the bias correction.
    expect(effectSizeControls({ measure: "ROM", vtype: "LS", vtypeBefore: null })).toMatchObject({
      vtypeShown: true,
      disabledVtypes: ["UB", "RevMan"],
      correctBiasShown: true,
      legacySmdhShown: false,
    });
    // LS2 gives way to LS with the SMD, and comes back with ROM.
    const smdFromRom = effectSizeControls({ measure: "SMD", vtype: "LS2", vtypeBefore: null });
    expect(smdFromRom).toMatchObject({ vtype: "LS", vtypeBefore: "LS2", correctBiasShown: false });
    expect(smdFromRom.vtypeHint).toMatch(/Second-order \(LS2\) is not a variance of SMD/);
    expect(effectSizeControls({ measure: "ROM", vtype: "LS", vtypeBefore: "LS2" })).toMatchObject({
      vtype: "LS2",
      vtypeBefore: null,
    });
    // SMDH: no variance choice but metafor 3.8's variance (--legacy-smdh-variance).
    expect(effectSizeControls({ measure: "SMDH", vtype: "LS", vtypeBefore: null })).toMatchObject({
      vtypeShown: false,
      correctBiasShown: false,
      legacySmdhShown: true,
    });
    expect(effectSizeControls({ measure: "OR", vtype: "LS", vtypeBefore: null })).toMatchObject({
      vtypeShown: false,
      correctBiasShown: false,
    });
  });
});

describe("the forest plot's options, read as the CLI's --forest-columns and --favours", () => {
  const columns = describeExtraColumns(table());
  const read = (over: Partial<SettingsForm>) => {
    const r = readSettings(form(over), { columns });
    return r.ok ? r.settings : r.errors;
  };

  it("reads descriptor columns by name, as the data spells them, once each", () => {
    expect(read({ forestColumns: " DOSE, route ,dose" })).toMatchObject({
      forestColumns: ["dose", "route"],
    });
    expect(read({ forestColumns: "" })).toMatchObject({ forestColumns: [] });
    expect(read({ forestColumns: "dose, weight" })).toEqual([
      {
        field: "forestColumns",
        message: expect.stringMatching(
          /^Forest plot columns: “weight” is not a column of the data \(“/,
        ),
      },
    ]);
  });

  it("reads both favours labels or neither, and sends them to the report, not the analysis", () => {
    const both = read({ favoursLeft: " Favours control", favoursRight: "Favours exosomes " });
    expect(both).toMatchObject({ favours: ["Favours control", "Favours exosomes"] });
    expect(read({})).toMatchObject({ favours: null });
    expect(read({ favoursLeft: "Favours control" })).toEqual([
      {
        field: "favoursRight",
        message: "Favours labels: both sides, or neither (the default labels)",
      },
    ]);
    expect(toAnalysisOptions(both as Settings)).not.toHaveProperty("favours");
    expect(projectReport(both as Settings)).toEqual({
      favours: ["Favours control", "Favours exosomes"],
    });
    expect(
      projectReport({ ...DEFAULT_SETTINGS, forestColumns: ["dose"], forestSort: "effect" }),
    ).toEqual({
      forestSort: "effect",
      forestColumns: ["dose"],
    });
  });
});

describe("predictions, read as the CLI's --predict", () => {
  const columns = describeExtraColumns(table());

  it("reads points and moderators in the CLI's syntax", () => {
    expect(readPredictions("", ["dose"])).toEqual({ ok: true, points: [] });
    expect(readPredictions("dose=100;dose=200", ["dose"])).toEqual({
      ok: true,
      points: [{ dose: 100 }, { dose: 200 }],
    });
    expect(readPredictions(" dose = 1e2 ; dose=200 ", ["dose"])).toEqual({
      ok: true,
      points: [{ dose: 100 }, { dose: 200 }],
    });
    expect(readPredictions("dose=100,route=iv", ["dose", "route"], columns)).toEqual({
      ok: true,
      points: [{ dose: 100, route: "iv" }],
    });
    // Names and levels are matched regardless of case, and sent as the file writes them.
    expect(readPredictions("DOSE=100,Route=IV", ["dose", "route"], columns)).toEqual({
      ok: true,
      points: [{ dose: 100, route: "iv" }],
    });
  });

  it("refuses what the CLI or the pipeline refuse, saying what is wrong", () => {
    const message = (text: string, mods = ["dose"]) => {
      const r = readPredictions(text, mods, columns);
      return r.ok ? null : r.message;
    };
    for (const bad of ["dose", "=100", "dose=", "dose=100;", "dose=100;;dose=2", "dose=1,"])
      expect(message(bad)).toMatch(/^Predictions: moderator=value pairs/);
    expect(message("dose=100;dose")).toMatch(/found “dose”/);
    expect(message("dose=1,dose=2")).toBe("Predictions: names “dose” twice");
    expect(message("dose=1;dose=2,dose=3")).toBe("Predictions: point 2 names “dose” twice");
    expect(message("year=2020")).toMatch(/“year” is not a chosen moderator \(“dose”\)/);
    expect(message("dose=high")).toBe("Predictions: “dose” is numeric: give a number, not “high”");
    expect(message("route=sc", ["route"])).toBe(
      "Predictions: “sc” is not a level of “route” (its levels: “iv”, “ip”)",
    );
    expect(message("dose=100", ["dose", "route"])).toMatch(
      /gives no value for “route”: a prediction sets every moderator of the model/,
    );
  });

  it("are read with moderators only, and reported under their own field", () => {
    expect(readSettings(form({ predict: "nonsense" }))).toMatchObject({
      ok: true,
      settings: { predict: [] },
    });
    const bad = settingsErrors(form({ mods: ["dose"], predict: "dose=" }));
    expect(bad.invalid).toEqual(["predict"]);
    expect(bad.message).toBe("");
    expect(bad.predictMessage).toMatch(/^Predictions: moderator=value pairs/);
    // A moderator also chosen as the subgroup column is not a moderator (the page drops it).
    expect(
      settingsErrors(form({ by: "dose", mods: ["dose", "route"], predict: "dose=1" }))
        .predictMessage,
    ).toMatch(/not a chosen moderator/);
    const ok = readSettings(form({ mods: ["dose"], predict: "dose=100;dose=200" }), { columns });
    expect(ok).toMatchObject({ ok: true, settings: { predict: [{ dose: 100 }, { dose: 200 }] } });
  });
});

describe("the new results, from the pipeline's analysis", () => {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    by: "route",
    mods: ["dose"],
    trimfillEstimator: "R0",
    predict: [{ dose: 100 }, { dose: 200 }],
  };
  const a = referenceAnalysis(table(), settings);
  const reading = readingScale(a as never);

  it("show the Q-profile CIs of τ², I² and H², overall, per subgroup and for the residual", () => {
    const m = a.model;
    expect(m.H2CiLower).toBeTypeOf("number");
    const het = heterogeneityTable(a);
    expect(het.headers).toEqual(["Statistic", "Value", "95% CI (Q-profile)"]);
    expect(het.rows.find((r) => r[0] === "H²")).toEqual([
      "H²",
      formatNumber(m.H2),
      formatInterval(m.H2CiLower, m.H2CiUpper),
    ]);
    expect(het.rows.find((r) => r[0] === "I²")?.[2]).toBe(
      `[${formatNumber(m.I2CiLower, 1)}%, ${formatNumber(m.I2CiUpper, 1)}%]`,
    );
    expect(formatHeterogeneity(m)).toMatch(
      new RegExp(`H² = ${formatNumber(m.H2)} \\[${formatNumber(m.H2CiLower)}, `),
    );
    expect(summaryView(a).heterogeneity).toMatch(/^Heterogeneity \(95% Q-profile CIs\): τ² = /);
    const [groups] = subgroupTables(a);
    expect(groups!.headers).toEqual([
      "Level",
      "k",
      "Estimate",
      "95% CI",
      "p",
      "τ²",
      "τ² 95% CI",
      "I²",
      "I² 95% CI",
    ]);
    const g = a.subgroups!.groups[0]!;
    expect(groups!.rows[0]![6]).toBe(formatInterval(g.tau2CiLower, g.tau2CiUpper, 4));
    const fit = regressionTables(a)[1]!;
    const r = a.regression!;
    expect(fit.rows).toContainEqual([
      "Residual τ² (95% CI)",
      `${formatNumber(r.tau2, 4)} ${formatInterval(r.tau2CiLower, r.tau2CiUpper, 4)}`,
    ]);
  });

  it("show PET-PEESE, the three fail-safe Ns and the trim-and-fill estimator", () => {
    const pp = a.bias!.petPeese!;
    const t = petPeeseTable(a, reading)!;
    expect(t.caption).toBe(`PET-PEESE: ${pp.chosen} chosen`);
    expect(t.rows.map((r) => r[0])).toEqual([
      "PET (on the standard error)",
      "PEESE (on the variance)",
      `Chosen: ${pp.chosen}`,
    ]);
    expect(t.rows[0]!.slice(1, 3)).toEqual([
      formatNumber(pp.pet.estimate),
      formatInterval(pp.pet.ciLower, pp.pet.ciUpper),
    ]);
    expect(t.note).toBe(`Rule: ${pp.rule}.`);
    const f = failSafeTable(a)!;
    expect(f.rows.map((r) => [r[0], r[1]])).toEqual([
      ["Rosenthal (1979)", a.bias!.failSafeN!.rosenthal!.n!.toLocaleString("en")],
      ["Orwin (1983)", String(a.bias!.failSafeN!.orwin!.n)],
      ["Rosenberg (2005)", a.bias!.failSafeN!.rosenberg!.n!.toLocaleString("en")],
    ]);
    const bias = resultTables(a).find((x) => x.id === "bias")!;
    expect(
      bias.rows.some((row) =>
        /^Trim-and-fill \(R0, \d+ filled, \w+ side, estimated\)$/.test(row[0]!),
      ),
    ).toBe(true);
  });

  it("shows PET-PEESE on the reader's scale for ratios, the chosen one from `transformed`", () => {
    const rom = referenceAnalysis(table(), { ...DEFAULT_SETTINGS, measure: "ROM" });
    const pp = rom.bias!.petPeese!;
    const t = petPeeseTable(rom, readingScale(rom as never))!;
    expect(t.headers).toEqual([
      "Regression",
      "Ratio",
      "95% CI",
      "log ratio",
      "p",
      "Slope",
      "p (slope)",
    ]);
    expect(t.rows[0]![1]).toBe(formatNumber(Math.exp(pp.pet.estimate)));
    expect(t.rows[0]![3]).toBe(formatNumber(pp.pet.estimate));
    expect(t.rows[2]![1]).toBe(formatNumber(pp.transformed!.estimate));
    expect(t.rows[2]![2]).toBe(formatInterval(pp.transformed!.ciLower, pp.transformed!.ciUpper));
  });

  it("marks the influential studies, in input order, and sorts by any column", () => {
    const t = influenceTable(a)!;
    const flagged = a.influence!.filter((r) => r.influential);
    expect(flagged.map((r) => r.study)).toEqual(["Gupta 2019"]);
    expect(t.caption).toBe("Influence diagnostics: 1 of 10 studies influential");
    expect(t.rows.map((r) => r[0])).toEqual(a.studies.map((s) => s.study));
    expect(t.rows.map((r) => r[1] === "Yes")).toEqual(a.influence!.map((r) => r.influential));
    expect(t.rowAttributes!.map((x) => x?.["data-influential"] === "true")).toEqual(
      a.influence!.map((r) => r.influential),
    );
    const cooks = t.headers.indexOf("Cook's\u00a0D");
    expect(nextSort(t.sortValues!, cooks, "none")).toBe("descending");
    expect(nextSort(t.sortValues!, cooks, "descending")).toBe("ascending");
    expect(nextSort(t.sortValues!, cooks, "ascending")).toBe("none");
    expect(nextSort(t.sortValues!, 0, "none")).toBe("ascending");
    expect(t.rows[sortedRows(t.sortValues!, cooks, "descending")[0]!]![0]).toBe("Gupta 2019");
    expect(sortedRows(t.sortValues!, cooks, "none")).toEqual(t.rows.map((_, i) => i));
    // Missing values last, either way.
    const values = [[1], [null], [3]];
    expect(sortedRows(values, 0, "ascending")).toEqual([0, 2, 1]);
    expect(sortedRows(values, 0, "descending")).toEqual([2, 0, 1]);
  });

  it("lists the predictions at the reader's moderator values", () => {
    const p = a.predictions;
    const t = predictionsTable(a);
    if (p === null || p === undefined) {
      // The pipeline has not computed them (yet): no table rather than an empty one.
      expect(t).toBeNull();
      return;
    }
    expect(t!.rows.map((r) => r[0])).toEqual(["dose = 100", "dose = 200"]);
    expect(t!.rows[0]).toEqual([
      "dose = 100",
      formatNumber(p[0]!.estimate),
      formatInterval(p[0]!.ciLower, p[0]!.ciUpper),
      formatInterval(p[0]!.piLower, p[0]!.piUpper),
      formatNumber(p[0]!.se, 3),
    ]);
  });

  it("names the bootstrap's kind", () => {
    expect(bootstrapKind({ type: "parametric" })).toMatch(/simulated from the fitted model/);
    expect(bootstrapKind({ type: "case", clusters: null })).toBe(
      "case bootstrap: studies resampled",
    );
    expect(bootstrapKind({ type: "case", clusters: 21 })).toBe(
      "case bootstrap: the 21 publications resampled",
    );
    const view: AnalysisView = {
      ...a,
      bootstrap: {
        seed: 3,
        iterations: 200,
        type: "parametric",
        clusters: null,
        estimate: {
          estimate: 1,
          percentileLower: 0,
          percentileUpper: 2,
          bcaLower: null,
          bcaUpper: null,
        },
        tau2: {
          estimate: 1,
          percentileLower: 0,
          percentileUpper: 2,
          bcaLower: null,
          bcaUpper: null,
        },
        I2: { estimate: 1, percentileLower: 0, percentileUpper: 2, bcaLower: null, bcaUpper: null },
        failed: 0,
        notes: ["BCa intervals need case resampling (jackknife influence values); percentile only"],
      },
    };
    const boot = resultTables(view).find((t) => t.id === "bootstrap")!;
    expect(boot.caption).toBe("Bootstrap (parametric, 200 replicates, seed 3)");
    expect(boot.note).toBe(
      "Parametric bootstrap: studies simulated from the fitted model. BCa intervals need case resampling (jackknife influence values); percentile only.",
    );
  });

  it("gives the report's influence figure a tab of its own when the report has one", () => {
    const files = ["forest.svg", "baujat.svg", "influence.svg"].map((name) => ({
      name,
      mime: "image/svg+xml",
      content: "",
    }));
    expect(plotTabs(files).map((t) => `${t.id}=${t.label}`)).toEqual([
      "forest=Forest",
      "baujat=Baujat",
      "influence=Influence",
    ]);
  });
});
