/**
 * Fail-safe N against metafor's fsn: Rosenthal's and Orwin's against 3.8 (fixtures/bias.json,
 * "fsn"); Rosenberg's, with Rosenthal's and Orwin's on the same data, against 3.8.1 and 5.1.12
 * (fixtures/fsn.metafor-<version>.json, written by fixtures/r/fsn.R). N is a whole number and must
 * match exactly; p-values, means and targets with the "pvalue" and "closed" tolerances.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { type FailSafeType, failSafeN } from "../../src/bias/index.js";
import { PooledInputError, TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import { biasFixture } from "../support/bias-fixture.js";
import { fixtureDir } from "../support/fixtures.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";
import { WorstByQuantity } from "../support/worst-by-quantity.js";

type Num = number | null;

interface FsnCase {
  dataset: string;
  type: FailSafeType;
  alpha: Num;
  weighted: boolean | null;
  targetGiven: Num;
  call: string;
  fsnum: number;
  pval: Num;
  meanes: Num;
  target: Num;
}

interface FsnFixture {
  metafor: string;
  datasets: Record<string, { call: string; yi: number[]; vi: number[] }>;
  cases: FsnCase[];
}

const fsnFixtures: FsnFixture[] = readdirSync(fixtureDir)
  .filter((name) => name.startsWith("fsn.metafor-") && name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8")) as FsnFixture);
const worst = new WorstByQuantity();

it("has the metafor 3.8 and 5.1 fsn references", () => {
  expect(fsnFixtures.map((f) => f.metafor)).toEqual(["3.8.1", "5.1.12"]);
});

for (const fixture of fsnFixtures) {
  describe(`failSafeN vs metafor ${fixture.metafor} fsn (Rosenberg, Rosenthal, Orwin)`, () => {
    it("covers Rosenberg with N > 0 and N = 0 on several data sets", () => {
      const rosenberg = fixture.cases.filter((c) => c.type === "Rosenberg");
      expect(new Set(rosenberg.map((c) => c.dataset)).size).toBeGreaterThanOrEqual(2);
      expect(rosenberg.some((c) => c.fsnum === 0)).toBe(true);
      expect(rosenberg.some((c) => c.fsnum > 0)).toBe(true);
    });

    it.each(fixture.cases.map((c) => [`${c.dataset}: ${c.call}`, c] as const))("%s", (name, c) => {
      const ds = fixture.datasets[c.dataset]!;
      const res = failSafeN(
        { yi: ds.yi, vi: ds.vi },
        {
          type: c.type,
          alpha: c.alpha ?? undefined,
          target: c.targetGiven ?? undefined,
          weighted: c.weighted ?? undefined,
        },
      );
      const q = (what: string) => `metafor ${fixture.metafor} ${c.type} ${what}`;
      expect(res.type).toBe(c.type);
      expect(res.n).toBe(c.fsnum);
      worst.check(q("p"), res.p, c.pval, "pvalue", name);
      worst.check(q("mean"), res.meanEffect, c.meanes, "closed", name);
      worst.check(q("target"), res.target, c.target, "closed", name);
      expect(res.alpha).toBe(c.alpha);
    });
  });
}

describe("Rosenberg's p is the fixed-effect model's p", () => {
  const bcg = fsnFixtures[0]!.datasets["bcg"]!;
  it.each(testBackends)("[%s]", (backend) => {
    const model = rma(bcg, { method: "FE", backend });
    const res = failSafeN(model, { type: "Rosenberg" });
    expectClose(res.p, model.coefficients[0]!.p, "pvalue", "Rosenberg p vs rma FE p");
    expectClose(res.meanEffect, model.beta[0]!, "closed", "Rosenberg mean vs rma FE estimate");
    // with N more studies of effect 0 at the average weight the FE result is no longer significant
    const k = bcg.yi.length;
    const vAvg = k / bcg.vi.reduce((a, v) => a + 1 / v, 0);
    const padded = (n: number) => ({
      yi: [...bcg.yi, ...Array<number>(n).fill(0)],
      vi: [...bcg.vi, ...Array<number>(n).fill(vAvg)],
    });
    const p = (n: number) => rma(padded(n), { method: "FE", backend }).coefficients[0]!.p;
    expect(p(res.n!)).toBeGreaterThanOrEqual(0.05);
    expect(p(res.n! - 1)).toBeLessThan(0.05);
  });

  it("rejects a bad type or alpha", () => {
    expect(() => failSafeN(bcg, { type: "Rosenberg", alpha: 0 })).toThrow(PooledInputError);
    expect(() => failSafeN(bcg, { type: "rosenberg" as FailSafeType })).toThrow(/"Rosenberg"/);
  });
});

describe("failSafeN vs metafor fsn", () => {
  it.each(biasFixture.fsn.map((c) => [`${c.dataset}: ${c.call}`, c] as const))("%s", (_name, c) => {
    const ds = biasFixture.datasets[c.dataset]!;
    const res = failSafeN(
      { yi: ds.yi, vi: ds.vi },
      { type: c.type, alpha: c.alpha, target: c.targetGiven ?? undefined, weighted: c.weighted },
    );
    expect(res.n).toBe(c.fsnum);
    expectClose(res.p, c.p, "pvalue", `${c.dataset} ${c.type} p`);
    expectClose(res.meanEffect, c.meanEffect, "closed", `${c.dataset} ${c.type} mean effect`);
    expectClose(res.target, c.target, "closed", `${c.dataset} ${c.type} target`);
  });

  it("Orwin with target 0 never reaches it: n is null, not Infinity", () => {
    const ds = biasFixture.datasets["bcg"]!;
    const res = failSafeN(ds, { type: "Orwin", target: 0 });
    expect(res.n).toBeNull();
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });

  it("rejects bad input with typed errors", () => {
    expect(() => failSafeN({ yi: [], vi: [] })).toThrow(TooFewStudiesError);
    expect(() => failSafeN({ yi: [0.1, 0.2], vi: [0.01, -1] })).toThrow(PooledInputError);
    expect(() => failSafeN({ yi: [0.1, 0.2], vi: [0.01, 0.02] }, { alpha: 1.5 })).toThrow(
      PooledInputError,
    );
  });
});

afterAll(() => {
  console.log(reportWorstErrors("fsn"));
  console.log(worst.report("fsn"));
});
