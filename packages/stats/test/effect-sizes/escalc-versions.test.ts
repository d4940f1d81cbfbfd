/**
 * The escalc definitions that changed between metafor 3.8 and 5.1, against both versions
 * (fixtures/escalc-versions.metafor-<version>.json, written by fixtures/r/escalc-versions.R):
 * SMDH's sampling variance (5.1's by default, 3.8's with legacySmdhVariance) and ROM's bias
 * correction (5.1's default; correctBias false is 3.8's) with vtype LS or LS2. Each file has the
 * loaded version's escalc for its own definitions and the other version's from the formula, which
 * the script checked against the other run's escalc. escalc is plain TypeScript (no WASM kernel),
 * so there is one path to test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { type EscalcOptions, escalc, hedgesCorrection, type Measure } from "../../src/index.js";
import { closedForm, expectRelative, relativeError } from "../support/effect-sizes-helpers.js";
import { fixtureDir } from "../support/fixtures.js";

interface Arms {
  source: string;
  labels: string[];
  m1i: number[];
  sd1i: number[];
  n1i: number[];
  m2i: number[];
  sd2i: number[];
  n2i: number[];
}
interface VersionCase {
  dataset: string;
  measure: Measure;
  definition: string;
  origin: "escalc" | "formula";
  call: string;
  options: EscalcOptions;
  yi: number[];
  vi: number[];
}
interface VersionFixture {
  metafor: string;
  datasets: Record<string, Arms>;
  cases: VersionCase[];
}

const fixtures: VersionFixture[] = readdirSync(fixtureDir)
  .filter((name) => name.startsWith("escalc-versions.metafor-") && name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8")) as VersionFixture);

let checked = 0;
let worst = { error: 0, where: "" };
afterAll(() => {
  console.info(
    `escalc versions: ${checked} values checked against metafor ${fixtures.map((f) => f.metafor).join(" and ")}; ` +
      `worst relative error ${worst.error.toExponential(2)} (${worst.where})`,
  );
});

it("has the metafor 3.8 and 5.1 references", () => {
  expect(fixtures.map((f) => f.metafor)).toEqual(["3.8.1", "5.1.12"]);
});

for (const fixture of fixtures) {
  describe(`escalc vs metafor ${fixture.metafor}: SMDH variance, ROM correction`, () => {
    it("covers both SMDH variances and the four ROM settings, from escalc and from the formula", () => {
      const kinds = new Set(fixture.cases.map((c) => `${c.measure} ${c.definition}`));
      for (const kind of [
        "SMDH current",
        "SMDH legacy",
        "ROM corrected, vtype LS",
        "ROM corrected, vtype LS2",
        "ROM not corrected, vtype LS",
        "ROM not corrected, vtype LS2",
      ])
        expect(kinds.has(kind), kind).toBe(true);
      // The loaded version's own defaults come from its escalc, not from a formula.
      const own = fixture.metafor.startsWith("5.")
        ? ["SMDH current", "ROM corrected, vtype LS"]
        : ["SMDH legacy", "ROM not corrected, vtype LS"];
      for (const kind of own) {
        expect(
          fixture.cases.filter((c) => `${c.measure} ${c.definition}` === kind).map((c) => c.origin),
        ).toEqual(["escalc", "escalc", "escalc"]);
      }
    });

    for (const c of fixture.cases) {
      it(`${c.dataset} ${c.measure} ${c.definition} (${c.origin}) with ${JSON.stringify(c.options)}`, () => {
        const arms = fixture.datasets[c.dataset]!;
        const { source: _source, ...data } = arms;
        const result = escalc(c.measure, data, c.options);
        expect(result.yi).toHaveLength(c.yi.length);
        for (let i = 0; i < c.yi.length; i++) {
          for (const [name, actual, expected] of [
            ["yi", result.yi[i]!, c.yi[i]!],
            ["vi", result.vi[i]!, c.vi[i]!],
          ] as const) {
            const where = `metafor ${fixture.metafor} ${c.dataset} ${c.measure} ${c.definition} ${name}[${i}]`;
            const error = relativeError(actual, expected);
            if (error > worst.error) worst = { error, where };
            checked++;
            expectRelative(actual, expected, closedForm, where);
          }
        }
      });
    }
  });
}

describe("what changed, in numbers", () => {
  const normand = fixtures[0]!.datasets["normand1999"]!;
  const { source: _source, ...data } = normand;

  it("dat.normand1999's first SMDH vi: 0.013155 by default (5.1), 0.013091 with legacySmdhVariance (3.8.1)", () => {
    const current = escalc("SMDH", data);
    const legacy = escalc("SMDH", data, { legacySmdhVariance: true });
    expect(current.vi[0]!.toFixed(6)).toBe("0.013155");
    expect(legacy.vi[0]!.toFixed(6)).toBe("0.013091");
    expect(legacy.yi).toEqual(current.yi);
    // 3.8's variance is 5.1's times c(m)², m = n1 + n2 − 2.
    current.vi.forEach((v, i) => {
      const c = hedgesCorrection(data.n1i[i]! + data.n2i[i]! - 2);
      expectRelative(legacy.vi[i]!, c * c * v);
    });
  });

  it("ROM: the default is corrected with the LS variance; correctBias false moves yi, not vi", () => {
    const corrected = escalc("ROM", data);
    const plain = escalc("ROM", data, { correctBias: false });
    expect(corrected.options).toEqual({ vtype: "LS", correctBias: true });
    expect(plain.vi).toEqual(corrected.vi);
    plain.yi.forEach((y, i) => {
      expect(y).toBe(Math.log(data.m1i[i]! / data.m2i[i]!));
      expect(corrected.yi[i]).not.toBe(y);
    });
    const ls2 = escalc("ROM", data, { vtype: "LS2" });
    expect(ls2.yi).toEqual(corrected.yi);
    ls2.vi.forEach((v, i) => {
      expect(v).toBeGreaterThan(corrected.vi[i]!);
    });
  });
});
