/**
 * Egger-type regression tests against metafor 3.8's regtest (fixtures/bias.json, "regtest" and
 * "regtestSmdPredictor"), on every backend.
 */
import { afterAll, describe, expect, it } from "vitest";
import {
  ConstantPredictorError,
  type EggerPredictor,
  egger,
  MissingSampleSizesError,
  SMD_PREDICTOR_NOTE,
} from "../../src/bias/index.js";
import { TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import {
  biasFixture,
  fixtureControl,
  kindsFor,
  type RegtestCase,
} from "../support/bias-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

const cases: RegtestCase[] = [...biasFixture.regtest, ...biasFixture.regtestSmdPredictor];

describe.each(testBackends)("egger vs metafor regtest (%s backend)", (backend) => {
  it.each(cases.map((c) => [`${c.dataset}: ${c.call}`, c] as const))("%s", (_name, c) => {
    const ds = biasFixture.datasets[c.dataset]!;
    const model = rma(
      { yi: ds.yi, vi: ds.vi },
      {
        method: c.method,
        test: c.test ?? "z",
        control: fixtureControl,
        backend,
        labels: ds.labels,
      },
    );
    const res = egger(model, {
      model: c.model,
      predictor: c.predictor as EggerPredictor,
      ni: ds.ni,
      n1i: ds.n1i,
      n2i: ds.n2i,
      measure: ds.measure as "SMD",
      control: fixtureControl,
    });
    const kinds = c.model === "lm" ? kindsFor("FE") : kindsFor(c.method);
    const what = `${c.dataset} ${c.model} ${c.predictor} ${c.method}`;
    expectClose(res.z, c.statistic, kinds.value, `${what} statistic`);
    expectClose(res.p, c.p, kinds.p, `${what} p`);
    expectClose(res.slope, c.beta[1]!, kinds.value, `${what} slope`);
    expectClose(res.slopeSe, c.se[1]!, kinds.value, `${what} slope se`);
    expect(res.df).toBe(c.df ?? null);
    expect(res.distribution).toBe(c.df === null ? "z" : "t");
    expectClose(res.limitEstimate, c.limitEstimate, kinds.value, `${what} limit estimate`);
    expectClose(res.limitCiLower, c.limitCiLower, kinds.value, `${what} limit CI lower`);
    expectClose(res.limitCiUpper, c.limitCiUpper, kinds.value, `${what} limit CI upper`);
    if (c.model === "rma") expectClose(res.tau2, c.tau2!, kinds.value, `${what} tau2`, 1);
    else expect(res.tau2).toBeNull();
  });
});

describe("egger: advice and errors", () => {
  const smd = biasFixture.datasets["normand1999_smd"]!;
  const equal = biasFixture.datasets["equal_se"]!;
  const bcg = biasFixture.datasets["bcg"]!;

  it("carries the sample-size advice for SMD results", () => {
    const res = egger(smd, { measure: "SMD" });
    expect(res.notes).toContain(SMD_PREDICTOR_NOTE);
    expect(SMD_PREDICTOR_NOTE).toMatch(/Pustejovsky & Rodgers 2019/);
    expect(SMD_PREDICTOR_NOTE).toMatch(/Zwetsloot et al\. 2017/);
    expect(egger(bcg).notes).not.toContain(SMD_PREDICTOR_NOTE);
  });

  it("bare data default to REML with the z test, as regtest(yi, vi)", () => {
    const c = biasFixture.regtest.find(
      (r) =>
        r.dataset === "bcg" &&
        r.model === "rma" &&
        r.predictor === "sei" &&
        r.method === "REML" &&
        r.test === "z",
    )!;
    const res = egger({ yi: bcg.yi, vi: bcg.vi }, { control: fixtureControl });
    expectClose(res.z, c.statistic, "iterative", "bcg bare data");
  });

  it("all-equal standard errors give a typed error, not NaN (metafor: model matrix not of full rank)", () => {
    const reference = biasFixture.errors.find(
      (e) => e.dataset === "equal_se" && e.what.startsWith("regtest"),
    )!;
    expect(reference.error).toMatch(/full rank/);
    expect(() => egger(equal)).toThrow(ConstantPredictorError);
    expect(() => egger(equal, { model: "lm" })).toThrow(ConstantPredictorError);
    expect(() => egger(equal)).toThrow(/same value in every study/);
    // sample-size predictors stay usable when SEs are equal but sizes differ
    expect(() => egger(equal, { predictor: "vi" })).toThrow(ConstantPredictorError);
  });

  it("fewer than 3 studies gives TooFewStudiesError (metafor: more parameters than observations)", () => {
    expect(biasFixture.errors.find((e) => e.dataset === "bcg_k2")!.error).toMatch(
      /larger than the number/,
    );
    const two = { yi: bcg.yi.slice(0, 2), vi: bcg.vi.slice(0, 2) };
    expect(() => egger(two)).toThrow(TooFewStudiesError);
    expect(() => egger(two)).toThrow(/Egger's regression test needs at least 3 studies; got 2/);
    expect(() => egger(two, { model: "lm" })).toThrow(TooFewStudiesError);
  });

  it("sample-size predictors without sample sizes give a typed error", () => {
    expect(() => egger(bcg, { predictor: "ni" })).toThrow(MissingSampleSizesError);
    expect(() => egger(bcg, { predictor: "sqrtinvn1n2", ni: bcg.ni })).toThrow(
      MissingSampleSizesError,
    );
  });

  it("the result is JSON-able and free of NaN", () => {
    const res = egger(rma({ yi: bcg.yi, vi: bcg.vi }), { predictor: "ni", ni: bcg.ni });
    expect(res.limitEstimate).toBeNull();
    const json = JSON.parse(JSON.stringify(res));
    expect(json).toEqual(res);
    for (const v of Object.values(res))
      if (typeof v === "number") expect(Number.isNaN(v)).toBe(false);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("egger"));
});
