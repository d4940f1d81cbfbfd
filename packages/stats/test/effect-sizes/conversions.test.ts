/**
 * SD conversions (fixtures/escalc.json "conversions", computed in R by the cited formulas): SD from
 * SEM and from a confidence interval; mean and SD from the median with quartiles and/or range (Luo
 * et al. 2018, Wan et al. 2014, Shi et al. 2020).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { meanSdFromMedian, PooledInputErrors, sdFromCi, sdFromSem } from "../../src/index.js";
import { expectRelative } from "../support/effect-sizes-helpers.js";
import { fixtureUrl } from "../support/fixtures.js";

type Columns = Record<string, number[]>;
const conversions = (
  JSON.parse(readFileSync(fixtureUrl("escalc.json"), "utf8")) as {
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
