/**
 * Invariants of the small-study tests (fast-check): permuting the order of the studies changes no
 * statistic; p-values lie in (0, 1]; the Begg and Egger tests are antisymmetric in the sign of yi
 * (tau and the slope change sign, p stays); trim-and-fill mirrors its side when yi changes sign.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { begg, egger, galbraith, smallStudyEffects, trimFill } from "../../src/bias/index.js";
import { influence, leaveOneOut } from "../../src/diagnostics/index.js";
import { rma } from "../../src/models/index.js";
import { biasFixture } from "../support/bias-fixture.js";

const studies = fc
  .integer({ min: 4, max: 12 })
  .chain((k) =>
    fc.record({
      // effects on a 1e-6 grid (no subnormals, no -0) and variances in [0.005, 0.5]
      yi: fc.array(
        fc.integer({ min: -2_000_000, max: 2_000_000 }).map((n) => n / 1e6),
        { minLength: k, maxLength: k },
      ),
      vi: fc.array(
        fc.integer({ min: 5_000, max: 500_000 }).map((n) => n / 1e6),
        { minLength: k, maxLength: k },
      ),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    }),
  )
  // distinct effects and variances: no ties, so ranks do not depend on the order of the studies
  .filter(({ yi, vi }) => new Set(vi).size === vi.length && new Set(yi).size === yi.length);

function shuffle(k: number, seed: number): number[] {
  const idx = Array.from({ length: k }, (_, i) => i);
  let s = seed + 1;
  for (let i = k - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx;
}

const close = (a: number | null, b: number | null, tol = 1e-7) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe("small-study tests: invariants", () => {
  it("permuting the studies leaves Egger, Begg, trim-and-fill and leave-one-out unchanged", () => {
    fc.assert(
      fc.property(studies, ({ yi, vi, seed }) => {
        const perm = shuffle(yi.length, seed);
        const a = rma({ yi, vi }, { method: "DL" });
        const b = rma(
          { yi: perm.map((i) => yi[i]!), vi: perm.map((i) => vi[i]!) },
          { method: "DL" },
        );
        const ea = egger(a);
        const eb = egger(b);
        expect(close(eb.z, ea.z)).toBe(true);
        expect(close(eb.p, ea.p)).toBe(true);
        expect(ea.p > 0 && ea.p <= 1).toBe(true);
        const ba = begg(a);
        const bb = begg(b);
        expect(close(bb.tau, ba.tau, 1e-12)).toBe(true);
        expect(close(bb.p, ba.p, 1e-12)).toBe(true);
        expect(ba.p > 0 && ba.p <= 1).toBe(true);
        const ta = trimFill(a);
        const tb = trimFill(b);
        expect(tb.k0).toBe(ta.k0);
        expect(close(tb.estimate, ta.estimate)).toBe(true);
        const la = leaveOneOut(a).studies;
        const lb = leaveOneOut(b).studies;
        perm.forEach((orig, j) => {
          expect(close(lb[j]!.estimate, la[orig]!.estimate)).toBe(true);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("flipping the sign of every effect flips tau, the slope and the trim-and-fill side", () => {
    fc.assert(
      fc.property(studies, ({ yi, vi }) => {
        const a = rma({ yi, vi }, { method: "FE" });
        const b = rma({ yi: yi.map((y) => -y), vi }, { method: "FE" });
        expect(close(begg(b).tau, -begg(a).tau, 1e-12)).toBe(true);
        expect(close(egger(b).z, -egger(a).z)).toBe(true);
        const ta = trimFill(a);
        const tb = trimFill(b);
        if (egger(a).slope !== 0) {
          expect(tb.side).not.toBe(ta.side);
          expect(tb.k0).toBe(ta.k0);
          expect(close(tb.estimate, -ta.estimate)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("radial points lie on the line z = slope·x in FE models with identical effects", () => {
    const res = galbraith(
      rma({ yi: [0.3, 0.3, 0.3, 0.3], vi: [0.01, 0.02, 0.05, 0.1] }, { method: "FE" }),
    );
    for (const pt of res.points) expect(Math.abs(pt.z - res.slope * pt.x)).toBeLessThan(1e-12);
    expect(res.outsideCount).toBe(0);
  });

  it("influence flags follow metafor's cut-offs", () => {
    const ds = biasFixture.datasets["hackshaw1998"]!;
    const res = influence(rma({ yi: ds.yi, vi: ds.vi }));
    for (const s of res.studies) {
      const byHat = s.hat > res.thresholds.hat;
      const byDffits = s.dffits !== null && Math.abs(s.dffits) > res.thresholds.dffits;
      if (byHat || byDffits) expect(s.influential).toBe(true);
    }
  });

  it("the CLI's bias block: egger { z, p, limitEstimate }, begg { tau, p }, trimFill { k0, side, estimate, ciLower, ciUpper }", () => {
    const ds = biasFixture.datasets["normand1999_smd"]!;
    const res = smallStudyEffects(rma({ yi: ds.yi, vi: ds.vi }), { measure: "SMD" });
    for (const key of ["z", "p", "limitEstimate"] as const)
      expect(typeof res.egger[key]).toBe("number");
    for (const key of ["tau", "p"] as const) expect(typeof res.begg[key]).toBe("number");
    for (const key of ["k0", "estimate", "ciLower", "ciUpper"] as const)
      expect(typeof res.trimFill[key]).toBe("number");
    expect(["left", "right"]).toContain(res.trimFill.side);
    expect(res.egger.notes.some((n) => n.includes("Pustejovsky"))).toBe(true);
  });
});
