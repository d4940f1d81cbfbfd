/**
 * Influence diagnostics and Baujat coordinates against metafor 3.8's influence and baujat
 * (fixtures/diagnostics.json), on every backend.
 */
import { afterAll, describe, expect, it } from "vitest";
import { baujat, influence } from "../../src/diagnostics/index.js";
import { TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import { fixtureControl, kindsFor } from "../support/bias-fixture.js";
import { diagnosticsFixture, fitCase } from "../support/diagnostics-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

describe.each(testBackends)("influence vs metafor influence (%s backend)", (backend) => {
  it.each(diagnosticsFixture.influence.map((c) => [`${c.dataset}: ${c.call}`, c] as const))(
    "%s",
    (_name, c) => {
      const model = fitCase(c, backend);
      const res = influence(model, { control: fixtureControl });
      const kind = kindsFor(c.method).value;
      const terms = Object.keys(c.dfbetas);
      expect(res.termNames.length).toBe(terms.length);
      res.studies.forEach((s, i) => {
        const what = `${c.dataset} ${c.method} ${c.test}${c.mods ? ` ~${c.mods}` : ""} [${i}]`;
        expectClose(s.rstudent, c.rstudent[i], kind, `${what} rstudent`);
        expectClose(s.dffits, c.dffits[i], kind, `${what} dffits`);
        expectClose(s.cookD, c.cookD[i], kind, `${what} cook.d`);
        expectClose(s.covRatio, c.covRatio[i], kind, `${what} cov.r`);
        expectClose(s.tau2Deleted, c.tau2Deleted[i], kind, `${what} tau2.del`, 1);
        expectClose(s.QEDeleted, c.QEDeleted[i], "closed", `${what} QE.del`);
        expectClose(s.hat, c.hat[i], kind, `${what} hat`);
        expectClose(s.weight, c.weight[i], kind, `${what} weight`);
        terms.forEach((t, j) => {
          expectClose(s.dfbetas[j], c.dfbetas[t]![i], kind, `${what} dfbetas ${t}`);
        });
        expect(s.influential, `${what} influential`).toBe(c.influential[i]);
      });
    },
  );
});

describe.each(testBackends)("baujat vs metafor baujat (%s backend)", (backend) => {
  it.each(diagnosticsFixture.baujat.map((c) => [`${c.dataset}: ${c.call}`, c] as const))(
    "%s",
    (_name, c) => {
      const model = fitCase(c, backend);
      const res = baujat(model, { control: fixtureControl });
      const kind = kindsFor(c.method).value;
      res.points.forEach((pt, i) => {
        expectClose(pt.heterogeneity, c.x[i], kind, `${c.dataset} ${c.method} x[${i}]`);
        expectClose(pt.influence, c.y[i], kind, `${c.dataset} ${c.method} y[${i}]`);
      });
    },
  );
});

describe("influence and baujat: errors", () => {
  const ds = diagnosticsFixture.datasets["bcg"]!;
  it("need enough studies", () => {
    const two = rma({ yi: ds.yi.slice(0, 2), vi: ds.vi.slice(0, 2) });
    expect(() => influence(two)).toThrow(TooFewStudiesError);
    const one = rma({ yi: ds.yi.slice(0, 1), vi: ds.vi.slice(0, 1) });
    expect(() => baujat(one)).toThrow(TooFewStudiesError);
  });
  it("results are JSON-able without NaN", () => {
    const res = influence(rma({ yi: ds.yi, vi: ds.vi }));
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("influence + baujat"));
});
