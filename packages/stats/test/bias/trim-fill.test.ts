/**
 * Trim-and-fill against metafor 3.8's trimfill (fixtures/bias.json, "trimfill"): k0, its SE, the
 * side, the filled studies and the adjusted estimate under the model's method, on every backend.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ConstantPredictorError, trimFill } from "../../src/bias/index.js";
import { PooledInputError, TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import { arr, biasFixture, fixtureControl, kindsFor } from "../support/bias-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

describe.each(testBackends)("trimFill vs metafor trimfill (%s backend)", (backend) => {
  it.each(biasFixture.trimfill.map((c) => [`${c.dataset}: ${c.call}`, c] as const))(
    "%s",
    (_name, c) => {
      const ds = biasFixture.datasets[c.dataset]!;
      const model = rma(
        { yi: ds.yi, vi: ds.vi },
        { method: c.method, control: fixtureControl, backend, labels: ds.labels },
      );
      const res = trimFill(model, {
        estimator: c.estimator,
        side: c.sideGiven ?? undefined,
        control: fixtureControl,
      });
      const kinds = kindsFor(c.method);
      const what = `${c.dataset} ${c.method} ${c.estimator} ${c.sideGiven ?? "auto"}`;
      expect(res.k0, `${what} k0`).toBe(c.k0);
      expect(res.side, `${what} side`).toBe(c.side);
      expect(res.k).toBe(c.k);
      expectClose(res.seK0, c.seK0, "closed", `${what} se(k0)`);
      expectClose(res.pK0, c.pK0, "pvalue", `${what} p(k0)`);
      expectClose(res.estimate, c.estimate, kinds.value, `${what} estimate`);
      expectClose(res.se, c.se, kinds.value, `${what} se`);
      expectClose(res.statistic, c.statistic, kinds.value, `${what} z`);
      expectClose(res.p, c.p, kinds.p, `${what} p`);
      expectClose(res.ciLower, c.ciLower, kinds.value, `${what} ci.lb`);
      expectClose(res.ciUpper, c.ciUpper, kinds.value, `${what} ci.ub`);
      expectClose(res.tau2, c.tau2, kinds.value, `${what} tau2`, 1);
      const fy = arr(c.filledYi);
      const fv = arr(c.filledVi);
      expect(res.filled.length).toBe(fy.length);
      res.filled.forEach((f, j) => {
        expectClose(f.yi, fy[j]!, kinds.value, `${what} filled yi ${j}`);
        expectClose(f.vi, fv[j]!, "closed", `${what} filled vi ${j}`);
      });
    },
  );
});

describe("trimFill: errors", () => {
  const ds = biasFixture.datasets["bcg"]!;
  it("needs at least 3 studies", () => {
    const model = rma({ yi: ds.yi.slice(0, 2), vi: ds.vi.slice(0, 2) }, { method: "FE" });
    expect(() => trimFill(model)).toThrow(TooFewStudiesError);
    expect(() => trimFill(model)).toThrow(/trim-and-fill needs at least 3 studies; got 2/);
  });
  it("refuses models with moderators", () => {
    const model = rma({ yi: ds.yi, vi: ds.vi }, { mods: [{ name: "year", values: ds.year! }] });
    expect(() => trimFill(model)).toThrow(PooledInputError);
  });
  it("with equal SEs asks for the side instead of reporting a singular moderator matrix", () => {
    const yi = [0.1, 0.4, 0.25, 0.7, -0.1];
    const model = rma({ yi, vi: yi.map(() => 0.04) }, { method: "REML" });
    expect(() => trimFill(model)).toThrow(ConstantPredictorError);
    expect(() => trimFill(model)).toThrow(/give it \(side "left" or "right"\)/);
    const given = trimFill(model, { side: "left" });
    expect(given.side).toBe("left");
    expect(Number.isFinite(given.estimate)).toBe(true);
  });
  it("returns a JSON-able result", () => {
    const res = trimFill(rma({ yi: ds.yi, vi: ds.vi }, { method: "FE" }));
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("trimfill"));
});
