/**
 * Rosenthal's and Orwin's fail-safe N against metafor 3.8's fsn (fixtures/bias.json, "fsn").
 */
import { afterAll, describe, expect, it } from "vitest";
import { failSafeN } from "../src/bias/index.js";
import { PooledInputError, TooFewStudiesError } from "../src/errors.js";
import { biasFixture } from "./bias-fixture.js";
import { expectClose, reportWorstErrors } from "./tolerance.js";

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
});
