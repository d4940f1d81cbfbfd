/**
 * PET-PEESE against hand-fitted regressions in R (fixtures/bias.json, "petpeese"): lm(yi ~ sei,
 * weights = 1/vi) and lm(yi ~ vi, weights = 1/vi) (Stanley & Doucouliagos 2014), and the same
 * regressions as rma meta-regressions.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { PrecisionEffectFit } from "../../src/bias/index.js";
import { ConstantPredictorError, petPeese } from "../../src/bias/index.js";
import { TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import {
  biasFixture,
  fixtureControl,
  kindsFor,
  type PetPeeseFit,
} from "../support/bias-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

function compare(actual: PrecisionEffectFit, expected: PetPeeseFit, method: string, what: string) {
  const kinds = kindsFor(method as "FE");
  expectClose(actual.estimate, expected.estimate, kinds.value, `${what} estimate`);
  expectClose(actual.se, expected.se, kinds.value, `${what} se`);
  expectClose(actual.statistic, expected.statistic, kinds.value, `${what} statistic`);
  expectClose(actual.p, expected.p, kinds.p, `${what} p`);
  expectClose(actual.ciLower, expected.ciLower, kinds.value, `${what} ci.lb`);
  expectClose(actual.ciUpper, expected.ciUpper, kinds.value, `${what} ci.ub`);
  expectClose(actual.slope, expected.slope, kinds.value, `${what} slope`);
  expectClose(actual.slopeSe, expected.slopeSe, kinds.value, `${what} slope se`);
  expectClose(actual.slopeP, expected.slopeP, kinds.p, `${what} slope p`);
  expect(actual.df).toBe(expected.df ?? null);
}

describe.each(testBackends)("petPeese vs R (%s backend)", (backend) => {
  it.each(biasFixture.petpeese.map((c) => [`${c.dataset}: ${c.pet.call}`, c] as const))(
    "%s",
    (_name, c) => {
      const ds = biasFixture.datasets[c.dataset]!;
      const method = c.method ?? "REML";
      const model = rma({ yi: ds.yi, vi: ds.vi }, { method, control: fixtureControl, backend });
      const res = petPeese(model, { model: c.model, control: fixtureControl });
      const fitMethod = c.model === "lm" ? "FE" : method;
      compare(res.pet, c.pet, fitMethod, `${c.dataset} PET`);
      compare(res.peese, c.peese, fitMethod, `${c.dataset} PEESE`);
      expect(res.chosen).toBe(c.chosen);
      expect(res.estimate).toBe(c.chosen === "PET" ? res.pet.estimate : res.peese.estimate);
    },
  );
});

describe("petPeese: errors", () => {
  it("all-equal standard errors and too few studies give typed errors", () => {
    expect(() => petPeese(biasFixture.datasets["equal_se"]!)).toThrow(ConstantPredictorError);
    expect(() => petPeese({ yi: [0.1, 0.2], vi: [0.01, 0.02] })).toThrow(TooFewStudiesError);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("pet-peese"));
});
