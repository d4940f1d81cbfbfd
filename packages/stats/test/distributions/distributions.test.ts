/**
 * Tails and quantiles of the normal, t, chi-square and F distributions against R's pnorm/pt/pchisq/pf
 * and qnorm/qt/qchisq/qf (fixtures/distributions.json, written by fixtures/r/distributions.R).
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import * as dist from "../../src/distributions/index.js";
import {
  chisqLowerP,
  chisqUpperP,
  fLowerP,
  fUpperP,
  normalLowerP,
  normalTwoSidedP,
  normalUpperP,
  qchisq,
  qf,
  qnorm,
  qt,
  tLowerP,
  tTwoSidedP,
  tUpperP,
} from "../../src/distributions/index.js";

// biome-ignore lint/suspicious/noExplicitAny: the fixture gives each function its own argument list
const functions: Record<string, (...args: any[]) => number> = {
  chisqLowerP,
  chisqUpperP,
  fLowerP,
  fUpperP,
  normalLowerP,
  normalTwoSidedP,
  normalUpperP,
  qchisq,
  qf,
  qnorm,
  qt,
  tLowerP,
  tTwoSidedP,
  tUpperP,
};

import { fixtureUrl } from "../support/fixtures.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

interface DistCase {
  fn: string;
  args: (number | boolean)[];
  call: string;
  value: number | null;
}
const fixture = JSON.parse(readFileSync(fixtureUrl("distributions.json"), "utf8")) as {
  cases: DistCase[];
};

describe("distributions vs R", () => {
  it("has reference cases for every exported function", () => {
    const names = new Set(fixture.cases.map((c) => c.fn));
    for (const fn of Object.keys(dist)) {
      expect(names.has(fn), fn).toBe(true);
      expect(functions[fn], fn).toBeDefined();
    }
  });

  it.each(fixture.cases.map((c) => [c.call, c] as const))("%s", (_call, c) => {
    const f = functions[c.fn]!;
    const actual = f(...c.args);
    const isQuantile = c.fn.startsWith("q");
    // Tail probabilities are p-values; quantiles are closed-form values of the inverse.
    expectClose(actual, c.value, isQuantile ? "closed" : "pvalue", c.call);
  });

  it("keeps far-tail p-values: 2*pnorm(-13.3) ~ 2.4e-40, not 0", () => {
    const p = normalTwoSidedP(13.3);
    expect(p).toBeGreaterThan(1e-41);
    expect(p).toBeLessThan(1e-39);
    expect(chisqUpperP(400, 1)).toBeGreaterThan(0);
    expect(tTwoSidedP(1000, 3)).toBeGreaterThan(0);
  });

  it("handles the ends of the support", () => {
    expect(qnorm(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(qnorm(1)).toBe(Number.POSITIVE_INFINITY);
    expect(qchisq(0, 3)).toBe(0);
    expect(qchisq(0, 3, false)).toBe(Number.POSITIVE_INFINITY);
    expect(chisqUpperP(0, 2)).toBe(1);
    expect(fUpperP(0, 2, 3)).toBe(1);
    expect(tTwoSidedP(0, 5)).toBe(1);
    expect(tTwoSidedP(2, Number.POSITIVE_INFINITY)).toBe(normalTwoSidedP(2));
    expect(Number.isNaN(qt(1.5, 3))).toBe(true);
    expect(Number.isNaN(chisqUpperP(1, -1))).toBe(true);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("distributions"));
});
