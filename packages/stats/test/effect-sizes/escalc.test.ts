/**
 * escalc against metafor 3.8.1 (fixtures/escalc.json, written by fixtures/r/escalc.R). Every yi and
 * vi of every case is compared; cases metafor 3.8 does not compute (RevMan SMD, Lajeunesse-corrected
 * ROM, NMD) were computed in R from the cited formulas. Pooled's defaults are metafor 5.1's, so the
 * fixture's cases give metafor 3.8's SMDH variance and uncorrected ROM as options
 * (escalc-versions.test.ts has both definitions under both versions).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  type EscalcData,
  type EscalcOptions,
  escalc,
  hedgesCorrection,
  type Measure,
  meanDifference,
  normalisedMeanDifference,
  ratioOfMeans,
  standardizedMeanDifference,
  standardizedMeanDifferenceHetero,
} from "../../src/index.js";
import { closedForm, expectRelative, relativeError } from "../support/effect-sizes-helpers.js";
import { fixtureUrl } from "../support/fixtures.js";

interface FixtureCase {
  name: string;
  source: string;
  call: string;
  measure: Measure;
  options: EscalcOptions;
  input: EscalcData;
  yi: number[];
  vi: number[];
}

const fixture = JSON.parse(readFileSync(fixtureUrl("escalc.json"), "utf8")) as {
  metafor: string;
  cases: FixtureCase[];
};

let checked = 0;
let worst = { error: 0, where: "" };
function compare(actual: number, expected: number, where: string): void {
  const error = relativeError(actual, expected);
  if (error > worst.error) worst = { error, where };
  checked++;
  expectRelative(actual, expected, closedForm, where);
}

afterAll(() => {
  console.info(
    `effect sizes: ${checked} reference values checked against metafor ${fixture.metafor} / R formulas; ` +
      `worst relative error ${worst.error.toExponential(2)} (${worst.where})`,
  );
});

describe("escalc matches metafor fixtures", () => {
  it("covers every measure and variance type", () => {
    const kinds = new Set(fixture.cases.map((c) => `${c.measure}/${c.options.vtype ?? ""}`));
    for (const kind of ["MD/", "SMD/LS", "SMD/UB", "SMD/RevMan", "SMDH/", "ROM/", "NMD/", "GEN/"]) {
      expect(kinds.has(kind), kind).toBe(true);
    }
    expect(fixture.cases.some((c) => c.options.correctBias === true)).toBe(true);
  });

  for (const c of fixture.cases) {
    it(`${c.name} — ${c.call.slice(0, 80)}`, () => {
      const result = escalc(c.measure, c.input, c.options);
      expect(result.measure).toBe(c.measure);
      expect(result.yi).toHaveLength(c.yi.length);
      expect(result.vi).toHaveLength(c.vi.length);
      expect(result.labels).toEqual(c.input.labels);
      expect(result.notes.length).toBeGreaterThan(0);
      for (let i = 0; i < c.yi.length; i++) {
        compare(result.yi[i], c.yi[i], `${c.name} yi[${i}] (${result.labels[i]})`);
        compare(result.vi[i], c.vi[i], `${c.name} vi[${i}] (${result.labels[i]})`);
      }
    });
  }
});

describe("per-study formulas", () => {
  it("hedgesCorrection is the exact gamma-function ratio and tends to 1 - 3/(4m - 1)", () => {
    // c(2) = Γ(1)/(1·Γ(1/2)) = 1/√π exactly (Hedges 1981, eq. 6e).
    expectRelative(hedgesCorrection(2), 1 / Math.sqrt(Math.PI));
    // c(3) = Γ(3/2)/(√1.5·Γ(1)) = (√π/2)/√1.5.
    expectRelative(hedgesCorrection(3), Math.sqrt(Math.PI) / 2 / Math.sqrt(1.5));
    // Recursion c(m + 2) = c(m)·(m/2)^1.5 / (√(m/2 + 1)·(m − 1)/2), from Γ(x + 1) = xΓ(x), up to m = 200.
    let c = 1 / Math.sqrt(Math.PI);
    for (let m = 2; m < 200; m += 2) c *= (m / 2) ** 1.5 / (Math.sqrt(m / 2 + 1) * ((m - 1) / 2));
    expectRelative(hedgesCorrection(200), c);
    // Hedges' approximation 1 − 3/(4m − 1) is off by O(1/m²).
    const m = 5000;
    expect(Math.abs(hedgesCorrection(m) - (1 - 3 / (4 * m - 1)))).toBeLessThan(1 / (m * m));
    expect(hedgesCorrection(1)).toBeNaN();
  });

  it("the exported per-study functions agree with escalc", () => {
    const args = [55, 47, 155, 75, 64, 156] as const;
    const data = { m1i: [55], sd1i: [47], n1i: [155], m2i: [75], sd2i: [64], n2i: [156] };
    expect(meanDifference(...args)).toEqual({
      yi: escalc("MD", data).yi[0],
      vi: escalc("MD", data).vi[0],
    });
    for (const vtype of ["LS", "UB", "RevMan"] as const) {
      const r = escalc("SMD", data, { vtype });
      expect(standardizedMeanDifference(...args, vtype)).toEqual({ yi: r.yi[0], vi: r.vi[0] });
    }
    const h = escalc("SMDH", data);
    expect(standardizedMeanDifferenceHetero(...args)).toEqual({ yi: h.yi[0], vi: h.vi[0] });
    const hl = escalc("SMDH", data, { legacySmdhVariance: true });
    expect(standardizedMeanDifferenceHetero(...args, true)).toEqual({ yi: hl.yi[0], vi: hl.vi[0] });
    const rc = escalc("ROM", data);
    expect(ratioOfMeans(...args)).toEqual({ yi: rc.yi[0], vi: rc.vi[0] });
    for (const correctBias of [true, false]) {
      for (const vtype of ["LS", "LS2"] as const) {
        const r = escalc("ROM", data, { correctBias, vtype });
        expect(ratioOfMeans(...args, correctBias, vtype)).toEqual({ yi: r.yi[0], vi: r.vi[0] });
      }
    }
    const n = escalc("NMD", { ...data, msi: [100] });
    expect(normalisedMeanDifference(...args, 100)).toEqual({ yi: n.yi[0], vi: n.vi[0] });
  });

  it("NMD is oriented so that improvement is positive, whichever way the injury moves the outcome", () => {
    // Lesion lowers a motor score (sham 20, control 8): treatment at 14 recovers half the deficit.
    expectRelative(normalisedMeanDifference(14, 2, 10, 8, 2, 10, 20).yi, 50);
    // Lesion raises infarct volume (sham 0, control 120): treatment at 90 removes a quarter.
    expectRelative(normalisedMeanDifference(90, 20, 10, 120, 20, 10, 0).yi, 25);
    // Worse than control is negative in both orientations.
    expect(normalisedMeanDifference(5, 2, 10, 8, 2, 10, 20).yi).toBeLessThan(0);
    expect(normalisedMeanDifference(150, 20, 10, 120, 20, 10, 0).yi).toBeLessThan(0);
    // Same variance for mirrored injuries of the same size: SD* uses |mC - mS|.
    const up = normalisedMeanDifference(90, 20, 10, 120, 25, 8, 0);
    const down = normalisedMeanDifference(30, 20, 10, 0, 25, 8, 120);
    expectRelative(up.vi, down.vi);
    expectRelative(up.yi, down.yi);
  });

  it("SMD changes sign, not variance, when the arms are swapped", () => {
    const a = standardizedMeanDifference(3.2, 0.9, 7, 4.7, 1.4, 9);
    const b = standardizedMeanDifference(4.7, 1.4, 9, 3.2, 0.9, 7);
    expectRelative(b.yi, -a.yi);
    expectRelative(b.vi, a.vi);
  });
});

describe("escalc results and notes", () => {
  const data = {
    labels: ["A", "B"],
    m1i: [10, 12],
    sd1i: [2, 3],
    n1i: [8, 9],
    m2i: [8, 11],
    sd2i: [2.5, 2.8],
    n2i: [8, 10],
  };

  it("fills defaults as metafor 5.1: SMD LS Hedges-corrected, ROM corrected with LS, SMDH 5.1's variance", () => {
    expect(escalc("SMD", data).options).toEqual({ vtype: "LS", correctBias: true });
    expect(escalc("ROM", data).options).toEqual({ vtype: "LS", correctBias: true });
    expect(escalc("SMDH", data).options).toEqual({
      vtype: "LS",
      correctBias: true,
      legacySmdhVariance: false,
    });
    expect(escalc("ROM", data).notes.join(" ")).toMatch(/Lajeunesse \(2015, eq\. 8\).*vtype LS\)/);
    expect(escalc("ROM", data, { correctBias: false }).notes.join(" ")).toMatch(
      /not bias-corrected \(as metafor 3\.8/,
    );
    expect(escalc("ROM", data, { vtype: "LS2" }).notes.join(" ")).toMatch(/eq\. 9/);
    expect(escalc("SMDH", data).notes.join(" ")).toMatch(/metafor 4\.6 and later/);
    expect(escalc("SMDH", data, { legacySmdhVariance: true }).notes.join(" ")).toMatch(
      /before 4\.6 \(e\.g\. 3\.8\)/,
    );
    expect(escalc("SMD", data, { vtype: "RevMan" }).notes.join(" ")).toMatch(/RevMan/);
  });

  it("labels default to Study i", () => {
    const { labels: _labels, ...unlabelled } = data;
    expect(escalc("MD", unlabelled).labels).toEqual(["Study 1", "Study 2"]);
  });

  it("does not mutate its input", () => {
    const copy = structuredClone(data);
    escalc("SMD", data, { vtype: "UB" });
    expect(data).toEqual(copy);
  });
});
