/**
 * readSettings reads the form section by section (methods, resampling counts, forest order, model
 * and publication, table methods, small-study options, variances, forest options, bootstrap type,
 * moderators): every bad value is reported at once, in the order of the sections, each with the
 * control it belongs to.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, readSettings, type SettingsForm } from "../../src/view/settings.js";

const GOOD: SettingsForm = {
  measure: "MD",
  method: "REML",
  test: "z",
  by: "",
  mods: [],
  permutations: "",
  bootstrap: "",
  seed: "",
};

describe("readSettings, by sections", () => {
  it("reads a plain form as the defaults", () => {
    const read = readSettings(GOOD);
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.settings).toEqual({ ...DEFAULT_SETTINGS, forestColumns: [] });
  });

  it("reports a bad value of every section in the sections' order", () => {
    const read = readSettings({
      ...GOOD,
      method: "MH",
      test: "knha",
      model: "three-level",
      cluster: "none",
      mods: ["dose"],
      permutations: "abc",
      bootstrap: "5",
      gosh: true,
      goshSubsets: "1",
      seed: "-1",
      forestSort: "bad",
      eggerPredictor: "bad",
      trimfillEstimator: "bad",
      trimfillSide: "bad",
      vtype: "bad",
      favoursLeft: "A",
      favoursRight: "",
      bootstrapType: "bad",
      predict: "zzz=1",
    });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.map((e) => e.field)).toEqual([
      "permutations",
      "bootstrap",
      "goshSubsets",
      "seed",
      "forestSort",
      // the three-level model: REML or ML, and a publication column
      "method",
      "cluster",
      // Mantel-Haenszel: its measures and the z test only
      "method",
      "test",
      "eggerPredictor",
      "trimfillEstimator",
      "trimfillSide",
      "vtype",
      "favoursRight",
      "bootstrapType",
      "predict",
    ]);
  });

  it("reads the zero-cell controls with event counts only, after the resampling counts", () => {
    const bad = { add: "-1", to: "bad", drop00: "bad", permutations: "abc" };
    const tables = readSettings({ ...GOOD, measure: "OR", ...bad });
    expect(tables.ok ? [] : tables.errors.map((e) => e.field)).toEqual([
      "permutations",
      "add",
      "to",
      "drop00",
    ]);
    const means = readSettings({ ...GOOD, ...bad });
    expect(means.ok ? [] : means.errors.map((e) => e.field)).toEqual(["permutations"]);
  });
});
