/**
 * SD conversions (fixtures/escalc.json "conversions", computed in R by the cited formulas) and the
 * splitting of shared control arms.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  escalc,
  meanSdFromMedian,
  PooledInputErrors,
  sdFromCi,
  sdFromSem,
  splitSharedControls,
} from "../src/index.js";
import { expectRelative } from "./effect-sizes-helpers.js";

type Columns = Record<string, number[]>;
const conversions = (
  JSON.parse(readFileSync(new URL("../../../fixtures/escalc.json", import.meta.url), "utf8")) as {
    conversions: Record<string, { call: string; rows: Columns }>;
  }
).conversions;

function rows(columns: Columns): Record<string, number>[] {
  const names = Object.keys(columns);
  return columns[names[0]].map((_, i) => Object.fromEntries(names.map((n) => [n, columns[n][i]])));
}

describe("SD from SEM and from a confidence interval", () => {
  it("sdFromSem matches SEM·√n", () => {
    for (const r of rows(conversions.sdFromSem.rows)) {
      expectRelative(sdFromSem(r.sem, r.n), r.sd);
    }
  });

  it("sdFromCi matches R with t (default) and normal quantiles", () => {
    for (const r of rows(conversions.sdFromCi.rows)) {
      expectRelative(sdFromCi(r.lower, r.upper, r.n, { level: r.level }), r.sdT);
      expectRelative(
        sdFromCi(r.lower, r.upper, r.n, { level: r.level, method: "normal" }),
        r.sdNormal,
      );
    }
    // The Handbook's large-sample divisor 3.92 at 95%.
    expectRelative(sdFromCi(0, 3.919927969080108, 4, { method: "normal" }), 2);
  });

  it("rejects bad arguments, all at once, naming the study", () => {
    expect(() => sdFromSem(-1, 1, { study: "Lee 2010" })).toThrow(PooledInputErrors);
    try {
      sdFromCi(5, 4, 1, { level: 95 }, { study: "Lee 2010" });
    } catch (error) {
      const fields = (error as PooledInputErrors).errors.map((e) => e.location.field).sort();
      expect(fields).toEqual(["level", "n", "upper"]);
      expect((error as PooledInputErrors).errors[0].message).toContain('study "Lee 2010"');
    }
    expect.assertions(3);
  });
});

describe("mean and SD from median, quartiles and range", () => {
  const fixtureRows = rows(conversions.medianToMeanSd.rows);
  it("S1 (min, median, max): Luo 2018 mean, Wan 2014 SD", () => {
    for (const r of fixtureRows) {
      const e = meanSdFromMedian({ min: r.min, median: r.median, max: r.max, n: r.n });
      expect(e.scenario).toBe("S1");
      expectRelative(e.mean, r.meanS1);
      expectRelative(e.sd, r.sdS1);
    }
  });
  it("S2 (q1, median, q3): Luo 2018 mean, Wan 2014 SD", () => {
    for (const r of fixtureRows) {
      const e = meanSdFromMedian({ q1: r.q1, median: r.median, q3: r.q3, n: r.n });
      expect(e.scenario).toBe("S2");
      expectRelative(e.mean, r.meanS2);
      expectRelative(e.sd, r.sdS2);
    }
  });
  it("S3 (all five): Luo 2018 mean, Shi 2020 SD", () => {
    for (const r of fixtureRows) {
      const e = meanSdFromMedian({
        min: r.min,
        q1: r.q1,
        median: r.median,
        q3: r.q3,
        max: r.max,
        n: r.n,
      });
      expect(e.scenario).toBe("S3");
      expectRelative(e.mean, r.meanS3);
      expectRelative(e.sd, r.sdS3);
    }
  });
  it("rejects unordered or incomplete summaries", () => {
    expect(() => meanSdFromMedian({ median: 4, n: 10 })).toThrow(PooledInputErrors);
    expect(() => meanSdFromMedian({ min: 5, median: 4, max: 9, n: 10 })).toThrow(/field "median"/);
    expect(() => meanSdFromMedian({ q1: 3, median: 4, q3: 3, n: 10 })).toThrow(PooledInputErrors);
    expect(() => meanSdFromMedian({ min: 1, q1: 3, median: 4, q3: 6, n: 10 })).toThrow(
      /field "max"/,
    );
  });
});

describe("splitSharedControls", () => {
  const data = {
    labels: ["Dose 1", "Dose 2", "Dose 3", "Other"],
    m1i: [14, 16, 18, 12],
    sd1i: [3, 3.5, 2.8, 4],
    n1i: [6, 6, 5, 8],
    m2i: [10, 10, 10, 11],
    sd2i: [3.2, 3.2, 3.2, 3.9],
    n2i: [10, 10, 10, 8],
  };

  it("divides the shared n by K (kept fractional) and records what was done", () => {
    const result = splitSharedControls(data, ["C1", "C1", "C1", null]);
    expect(result.data.n2i).toEqual([10 / 3, 10 / 3, 10 / 3, 8]);
    expect(result.splits).toEqual([
      {
        controlGroupId: "C1",
        k: 3,
        studies: ["Dose 1", "Dose 2", "Dose 3"],
        indices: [0, 1, 2],
        originalN: 10,
        newN: 10 / 3,
      },
    ]);
    expect(result.notes[0]).toContain('Control group "C1" (n = 10) is shared by 3 comparisons');
    expect(result.notes[0]).toContain("3.33");
    expect(data.n2i).toEqual([10, 10, 10, 8]); // input untouched
    // The split data go straight into escalc; the control animals now count once in total.
    const split = escalc("MD", result.data);
    const direct = escalc("MD", { ...data, n2i: [10 / 3, 10 / 3, 10 / 3, 8] });
    expect(split.vi).toEqual(direct.vi);
  });

  it("leaves unshared and single-member groups alone", () => {
    const result = splitSharedControls(data, ["A", "B", "", undefined]);
    expect(result.data.n2i).toEqual(data.n2i);
    expect(result.splits).toEqual([]);
    expect(result.notes).toEqual([]);
  });

  it("reports inconsistent control arms and splits that leave fewer than 2 animals", () => {
    let caught: PooledInputErrors | undefined;
    try {
      splitSharedControls({ ...data, m2i: [10, 10.5, 10, 11], n2i: [10, 10, 10, 3] }, [
        "C1",
        "C1",
        "C1",
        "C2",
      ]);
    } catch (error) {
      caught = error as PooledInputErrors;
    }
    expect(caught).toBeInstanceOf(PooledInputErrors);
    expect(caught!.errors.map((e) => `${e.location.study}:${e.location.field}`)).toEqual([
      "Dose 2:m2i",
    ]);

    const tooSmall = () =>
      splitSharedControls({ ...data, n2i: [3, 3, 10, 8] }, ["C", "C", null, null]);
    expect(tooSmall).toThrow(/combine the treatment arms/);
    expect(() => splitSharedControls(data, ["C1"])).toThrow(/controlGroupIds/);
  });
});
