/**
 * The gallery's inputs come from the statistics engine, not from stand-ins: each is checked
 * against R's metafor on the same data, fixtures/pipeline.json (written by fixtures/r/pipeline.R:
 * `rma(yi, vi, data = bbb, method = "REML")`, `trimfill(res)`, `leave1out(res)` on the bundled
 * example, shared control arms split as Pooled splits them).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as ex from "../scripts/example-data.js";

interface FixtureModel {
  estimate: number;
  ciLower: number;
  ciUpper: number;
  tau2: number;
  I2: number;
  Q: number;
  weights: number[];
}
interface FixtureCase {
  id: string;
  studies: { study: string[]; yi: number[]; vi: number[] };
  model: FixtureModel;
  bias?: { trimFill: { k0: number; side: string; estimate: number } };
  leaveOneOut?: { estimate: number[]; ciLower: number[]; ciUpper: number[]; tau2: number[] };
}

const fixture = JSON.parse(
  readFileSync(join(ex.repoRoot(), "fixtures", "pipeline.json"), "utf8"),
) as { cases: FixtureCase[] };
const fixtureCase = (id: string) => {
  const c = fixture.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id} in fixtures/pipeline.json`);
  return c;
};

// metafor iterates REML to 1e-10 in the fixture, the engine to its default threshold; the
// project's METHODS.md allows 1e-4 relative to max(1, |expected|) for estimates.
const TOLERANCE = 1e-4;
const close = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    TOLERANCE * Math.max(1, Math.abs(expected)),
  );
};

const reml = fixtureCase("bbb/MD/REML/z");
const bbb = ex.bbbStudies();

describe("gallery inputs from the engine agree with metafor (fixtures/pipeline.json)", () => {
  it("effect sizes: escalc MD after splitting shared controls", () => {
    expect(bbb.map((s) => s.label)).toEqual(reml.studies.study);
    bbb.forEach((s, i) => {
      close(s.yi, reml.studies.yi[i]);
      close(s.vi, reml.studies.vi[i]);
    });
  });

  it("forest plot: REML by default, with the common-effect row", () => {
    const input = ex.forestExample(bbb);
    const [re, fe] = input.pooled!;
    expect(re.label).toBe("Random-effects model (REML)");
    close(re.estimate, reml.model.estimate);
    close(re.ciLower, reml.model.ciLower);
    close(re.ciUpper, reml.model.ciUpper);
    close(re.heterogeneity!.tau2!, reml.model.tau2);
    close(re.heterogeneity!.I2!, reml.model.I2);
    close(re.heterogeneity!.Q!, reml.model.Q);
    for (const [i, s] of input.studies!.entries()) close(s.weight!, reml.model.weights[i]);
    close(fe.estimate, fixtureCase("bbb/MD/FE/z").model.estimate);
  });

  it("forest plot with another estimator when asked (DL)", () => {
    const dl = fixtureCase("bbb/MD/DL/z");
    const re = ex.forestExample(bbb, { method: "DL" }).pooled![0];
    expect(re.label).toBe("Random-effects model (DL)");
    close(re.estimate, dl.model.estimate);
    close(re.heterogeneity!.tau2!, dl.model.tau2);
  });

  it("funnel plot: trim-and-fill as metafor's trimfill (k0, side, adjusted estimate)", () => {
    const tf = reml.bias!.trimFill;
    const input = ex.funnelExample(bbb);
    const filled = input.studies.filter((s) => s.filled);
    expect(filled).toHaveLength(tf.k0);
    expect(tf.side).toBe("left");
    for (const f of filled) expect(f.yi).toBeLessThan(input.estimate);
    close(input.estimate, reml.model.estimate);
    close(input.adjustedEstimate!, tf.estimate);
  });

  it("leave-one-out: metafor's leave1out", () => {
    const l1 = reml.leaveOneOut!;
    const input = ex.leaveOneOutExample(bbb);
    expect(input.rows).toHaveLength(l1.estimate.length);
    input.rows.forEach((r, i) => {
      close(r.estimate, l1.estimate[i]);
      close(r.ciLower, l1.ciLower[i]);
      close(r.ciUpper, l1.ciUpper[i]);
      close(r.tau2!, l1.tau2[i]);
    });
    close(input.full.estimate, reml.model.estimate);
  });

  it("Galbraith plot: the REML estimate as slope and the REML τ²", () => {
    const input = ex.galbraithExample(bbb);
    close(input.estimate, reml.model.estimate);
    close(input.tau2!, reml.model.tau2);
  });

  it("bubble plot: fitted line from the engine's meta-regression on dose", () => {
    const input = ex.bubbleExample(bbb);
    const withDose = bbb.filter((s) => s.doseUg !== null);
    expect(input.studies).toHaveLength(withDose.length);
    const total = input.studies.reduce((a, s) => a + s.weight, 0);
    expect(total).toBeCloseTo(100, 9);
    // A Wald band: symmetric about the line.
    for (const p of input.fit!) {
      expect(p.estimate - p.ciLower).toBeCloseTo(p.ciUpper - p.estimate, 9);
    }
    expect(input.note).toMatch(/REML/);
  });
});
