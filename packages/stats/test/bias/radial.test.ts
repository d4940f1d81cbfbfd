/**
 * Galbraith (radial) plot data against metafor 3.8's radial (fixtures/bias.json, "radial").
 */
import { afterAll, describe, expect, it } from "vitest";
import { galbraith } from "../../src/bias/index.js";
import { PooledInputError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import { biasFixture, fixtureControl, kindsFor } from "../support/bias-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

describe.each(testBackends)("galbraith vs metafor radial (%s backend)", (backend) => {
  it.each(biasFixture.radial.map((c) => [`${c.dataset}: ${c.call}`, c] as const))(
    "%s",
    (_name, c) => {
      const ds = biasFixture.datasets[c.dataset]!;
      const model = rma(
        { yi: ds.yi, vi: ds.vi },
        { method: c.method, control: fixtureControl, backend, labels: ds.labels },
      );
      const res = galbraith(model, { bandHalfWidth: "level" });
      const kind = kindsFor(c.method).value;
      expectClose(res.slope, c.slope, kind, `${c.dataset} slope`);
      expectClose(res.ciLower, c.ciLower, kind, `${c.dataset} ci.lb`);
      expectClose(res.ciUpper, c.ciUpper, kind, `${c.dataset} ci.ub`);
      expectClose(res.tau2, c.tau2, kind, `${c.dataset} tau2`, 1);
      expectClose(res.bandHalfWidth, c.zcrit, "closed", "zcrit");
      res.points.forEach((pt, i) => {
        expectClose(pt.x, c.x[i]!, kind, `${c.dataset} x[${i}]`);
        expectClose(pt.z, c.y[i]!, kind, `${c.dataset} z[${i}]`);
        // the flag follows from metafor's coordinates and line
        expect(pt.outside).toBe(Math.abs(c.y[i]! - c.slope * c.x[i]!) > c.zcrit);
        expect(pt.study).toBe(ds.labels[i]);
      });
      expect(res.outsideCount).toBe(res.points.filter((pt) => pt.outside).length);
    },
  );
});

describe("galbraith: options and errors", () => {
  const ds = biasFixture.datasets["bcg"]!;
  it("draws Galbraith's ±2 band by default", () => {
    const res = galbraith(rma({ yi: ds.yi, vi: ds.vi }));
    expect(res.bandHalfWidth).toBe(2);
    const wide = galbraith(rma({ yi: ds.yi, vi: ds.vi }), { bandHalfWidth: 100 });
    expect(wide.outsideCount).toBe(0);
  });
  it("refuses models with moderators and bad bands", () => {
    const withMods = rma({ yi: ds.yi, vi: ds.vi }, { mods: [{ name: "year", values: ds.year! }] });
    expect(() => galbraith(withMods)).toThrow(PooledInputError);
    expect(() => galbraith(rma({ yi: ds.yi, vi: ds.vi }), { bandHalfWidth: -1 })).toThrow(
      PooledInputError,
    );
  });
});

afterAll(() => {
  console.log(reportWorstErrors("radial"));
});
