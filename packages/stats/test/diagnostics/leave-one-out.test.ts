/**
 * Leave-one-out and cumulative meta-analysis against metafor 3.8's leave1out and cumul
 * (fixtures/diagnostics.json), on every backend.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { LeaveOneOutRow } from "../../src/diagnostics/index.js";
import { cumulative, leaveOneOut } from "../../src/diagnostics/index.js";
import { PooledInputError, TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import { fixtureControl, kindsFor } from "../support/bias-fixture.js";
import { diagnosticsFixture, fitCase, type SummaryCase } from "../support/diagnostics-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

function compareRows(rows: LeaveOneOutRow[], c: SummaryCase, label: string) {
  const kinds = kindsFor(c.method);
  expect(rows.length).toBe(c.estimate.length);
  rows.forEach((r, i) => {
    const what = `${label} ${c.dataset} ${c.method} ${c.test} [${i}]`;
    expectClose(r.estimate, c.estimate[i], kinds.value, `${what} estimate`);
    expectClose(r.se, c.se[i], kinds.value, `${what} se`);
    expectClose(r.statistic, c.statistic[i], kinds.value, `${what} statistic`);
    expectClose(r.p, c.p[i], kinds.p, `${what} p`);
    expectClose(r.ciLower, c.ciLower[i], kinds.value, `${what} ci.lb`);
    expectClose(r.ciUpper, c.ciUpper[i], kinds.value, `${what} ci.ub`);
    // Q uses 1/vi weights: closed form whatever the method
    expectClose(r.Q, c.Q[i], "closed", `${what} Q`, 1);
    expectClose(r.Qp, c.Qp[i], "pvalue", `${what} Qp`);
    expectClose(r.tau2, c.tau2[i], kinds.value, `${what} tau2`, 1);
    expectClose(r.I2, c.I2[i], kinds.value, `${what} I2`, 1);
    expectClose(r.H2, c.H2[i], kinds.value, `${what} H2`);
  });
}

describe.each(testBackends)("leaveOneOut vs metafor leave1out (%s backend)", (backend) => {
  it.each(
    diagnosticsFixture.leave1out.map(
      (c) => [c.call.replace(/, control = .*\)\)$/, ")"), c] as const,
    ),
  )("%s", (_name, c) => {
    const model = fitCase(c, backend);
    const res = leaveOneOut(model, { control: fixtureControl });
    compareRows(res.studies, c, "leave1out");
    res.studies.forEach((r, i) => {
      expect(r.study).toBe(model.labels[i]);
      expect(r.index).toBe(i);
    });
    expect(res.notes).toEqual([]);
  });
});

describe.each(testBackends)("cumulative vs metafor cumul (%s backend)", (backend) => {
  it.each(diagnosticsFixture.cumul.map((c) => [`${c.dataset}: ${c.call}`, c] as const))(
    "%s",
    (_name, c) => {
      const model = fitCase(c, backend);
      const ds = diagnosticsFixture.datasets[c.dataset]!;
      const res = cumulative(model, {
        order: c.orderBy === "year" ? ds.year : undefined,
        control: fixtureControl,
      });
      expect(res.order).toEqual(c.order);
      compareRows(res.steps, c, "cumul");
      res.steps.forEach((s, step) => {
        expect(s.study).toBe(ds.labels[c.order![step]!]);
      });
    },
  );
});

describe("leaveOneOut and cumulative: options and errors", () => {
  const ds = diagnosticsFixture.datasets["bcg"]!;
  const model = rma({ yi: ds.yi, vi: ds.vi });
  it("needs k >= 3 and no moderators", () => {
    expect(() => leaveOneOut(rma({ yi: ds.yi.slice(0, 2), vi: ds.vi.slice(0, 2) }))).toThrow(
      TooFewStudiesError,
    );
    const withMods = rma({ yi: ds.yi, vi: ds.vi }, { mods: [{ name: "ablat", values: ds.mod! }] });
    expect(() => leaveOneOut(withMods)).toThrow(PooledInputError);
    expect(() => cumulative(withMods)).toThrow(PooledInputError);
  });
  it("orders by decreasing key, ties in input order", () => {
    const res = cumulative(model, {
      order: [1, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      decreasing: true,
    });
    expect(res.order.slice(0, 4)).toEqual([1, 2, 3, 0]);
    expect(() => cumulative(model, { order: [1, 2] })).toThrow(PooledInputError);
  });
  it("a step that cannot be fitted is null with a note (Knapp-Hartung on one study)", () => {
    const knha = rma({ yi: ds.yi, vi: ds.vi }, { test: "knha" });
    const res = cumulative(knha);
    expect(res.steps[0]!.estimate).toBeNull();
    expect(res.steps[1]!.estimate).not.toBeNull();
    expect(res.notes[0]).toMatch(/^Step 1:/);
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });
  it("leaving out a study and permuting the others gives the same estimates", () => {
    const res = leaveOneOut(model);
    const perm = [12, 0, 5, 3, 7, 1, 9, 11, 2, 4, 6, 8, 10];
    const permuted = leaveOneOut(
      rma({ yi: perm.map((i) => ds.yi[i]!), vi: perm.map((i) => ds.vi[i]!) }),
    );
    perm.forEach((orig, j) => {
      expect(Math.abs(permuted.studies[j]!.estimate! - res.studies[orig]!.estimate!)).toBeLessThan(
        1e-9,
      );
    });
  });
});

afterAll(() => {
  console.log(reportWorstErrors("leave-one-out + cumulative"));
});
