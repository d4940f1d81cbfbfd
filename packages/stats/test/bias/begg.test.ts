/**
 * Begg's rank correlation test and Kendall's tau against metafor 3.8's ranktest
 * (fixtures/bias.json, "ranktest"): exact p-values without ties, the normal approximation with ties.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  begg,
  ConstantPredictorError,
  KENDALL_EXACT_MAX_N,
  kendallTau,
} from "../../src/bias/index.js";
import { pairCounts } from "../../src/bias/kendall.js";
import * as dist from "../../src/distributions/index.js";
import { PooledInputError, TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import { testBackends } from "../support/backends.js";
import { biasFixture } from "../support/bias-fixture.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

describe("begg vs metafor ranktest", () => {
  it.each(biasFixture.ranktest.map((c) => [c.dataset, c] as const))("%s", (_name, c) => {
    const ds = biasFixture.datasets[c.dataset]!;
    const res = begg({ yi: ds.yi, vi: ds.vi });
    expectClose(res.tau, c.tau, "closed", `${c.dataset} tau`);
    expectClose(res.p, c.p, "pvalue", `${c.dataset} p`);
    expect(res.exact).toBe(c.exact);
    expect(res.k).toBe(ds.k);
  });

  it.each(testBackends)(
    "takes a fitted model (uses its yi and vi, whatever its method) (%s)",
    (backend) => {
      const ds = biasFixture.datasets["bcg"]!;
      const c = biasFixture.ranktest.find((r) => r.dataset === "bcg")!;
      const res = begg(rma({ yi: ds.yi, vi: ds.vi }, { method: "REML", backend }));
      expectClose(res.tau, c.tau, "closed", "bcg model tau");
      expectClose(res.p, c.p, "pvalue", "bcg model p");
    },
  );

  it("all-equal variances give a typed error, not NaN (metafor: NA)", () => {
    const ds = biasFixture.datasets["equal_se"]!;
    expect(
      biasFixture.errors.some((e) => e.dataset === "equal_se" && e.what.startsWith("ranktest")),
    ).toBe(true);
    expect(() => begg(ds)).toThrow(ConstantPredictorError);
  });

  it("fewer than 3 studies gives TooFewStudiesError", () => {
    expect(() => begg({ yi: [0.1, 0.2], vi: [0.01, 0.02] })).toThrow(TooFewStudiesError);
    expect(() => begg({ yi: [0.1, 0.2], vi: [0.01, 0.02] })).toThrow(
      /needs at least 3 studies; got 2/,
    );
  });
});

describe("pairCounts (Knight's O(n log n) method)", () => {
  /** The definition, pair by pair: the reference the fast method must equal exactly. */
  const naive = (x: number[], y: number[]) => {
    let s = 0;
    let untiedX = 0;
    let untiedY = 0;
    for (let i = 0; i < x.length; i++) {
      for (let j = i + 1; j < x.length; j++) {
        const sx = Math.sign(x[i]! - x[j]!);
        const sy = Math.sign(y[i]! - y[j]!);
        s += sx * sy;
        untiedX += sx * sx;
        untiedY += sy * sy;
      }
    }
    return { s, untiedX, untiedY };
  };

  it("equals the pairwise sums exactly, with and without ties (property test)", () => {
    // Small integer ranges force ties in x, in y and in both.
    const column = (max: number) =>
      fc.array(fc.integer({ min: 0, max }), { minLength: 2, maxLength: 60 });
    fc.assert(
      fc.property(
        column(6),
        column(40),
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        (xs, ys, shift) => {
          const n = Math.min(xs.length, ys.length);
          const x = xs.slice(0, n).map((v) => v + shift);
          const y = ys.slice(0, n).map((v) => v / 7);
          expect(pairCounts(x, y)).toEqual(naive(x, y));
        },
      ),
      { numRuns: 400, seed: 20261130 },
    );
  });

  it("handles k = 50 000 (n log n), agreeing with the definition on a sample", () => {
    const n = 50_000;
    const x = Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
    const y = Array.from({ length: n }, (_, i) => Math.round(Math.cos(i * 0.7) * 50));
    const fast = pairCounts(x, y);
    const pairs = (n * (n - 1)) / 2;
    expect(fast.untiedX).toBe(pairs);
    expect(fast.untiedY).toBeLessThan(pairs);
    expect(Math.abs(fast.s)).toBeLessThanOrEqual(pairs);
    expect(pairCounts(x.slice(0, 700), y.slice(0, 700))).toEqual(
      naive(x.slice(0, 700), y.slice(0, 700)),
    );
  });
});

describe("kendallTau", () => {
  it("exact distribution: small cases by enumeration of all permutations", () => {
    // n = 5: P(T <= t) from the 120 permutations, counted by brute force.
    const n = 5;
    const perms: number[][] = [];
    const permute = (rest: number[], acc: number[]) => {
      if (rest.length === 0) perms.push(acc);
      rest.forEach((v, i) => {
        permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, v]);
      });
    };
    permute([0, 1, 2, 3, 4], []);
    const x = [0, 1, 2, 3, 4];
    const concordant = (y: number[]) => {
      let c = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (y[j]! > y[i]!) c++;
      return c;
    };
    const counts = perms.map(concordant);
    for (const y of [
      [0, 2, 1, 4, 3],
      [4, 3, 2, 1, 0],
      [1, 0, 2, 3, 4],
      [2, 4, 0, 3, 1],
    ]) {
      const t = concordant(y);
      const lower = counts.filter((c) => c <= t).length / 120;
      const upper = counts.filter((c) => c >= t).length / 120;
      const expected = Math.min(1, 2 * (t > 5 ? upper : lower));
      const res = kendallTau(x, y);
      expect(res.exact).toBe(true);
      expect(res.statistic).toBe(t);
      expect(Math.abs(res.p - expected)).toBeLessThan(1e-15);
    }
  });

  it("is invariant to the order of the pairs", () => {
    const x = [0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9];
    const y = [0.02, 0.05, 0.01, 0.04, 0.03, 0.09, 0.011];
    const a = kendallTau(x, y);
    const order = [3, 6, 0, 5, 1, 4, 2];
    const b = kendallTau(
      order.map((i) => x[i]!),
      order.map((i) => y[i]!),
    );
    expect(b.tau).toBe(a.tau);
    expect(b.p).toBe(a.p);
  });

  it("rejects bad input with typed errors", () => {
    expect(() => kendallTau([1], [1])).toThrow(PooledInputError);
    expect(() => kendallTau([1, 2], [1])).toThrow(PooledInputError);
    expect(() => kendallTau([1, Number.NaN], [1, 2])).toThrow(PooledInputError);
    expect(() => kendallTau([1, 1, 1], [1, 2, 3])).toThrow(/constant/);
  });
});

afterAll(() => {
  console.log(reportWorstErrors("begg"));
});

describe("kendallTau for many studies", () => {
  it("exact up to the bound, where it agrees with the normal approximation; normal beyond", () => {
    const n = KENDALL_EXACT_MAX_N;
    const x = Array.from({ length: n }, (_, i) => i);
    // a deterministic, weakly correlated y without ties
    const y = x.map((i) => ((i * 7919) % n) + i * 0.05);
    const exact = kendallTau(x, y);
    expect(exact.exact).toBe(true);
    const approx = kendallTau([...x, n], [...y, 1e6]);
    expect(approx.exact).toBe(false);
    // Normal approximation to the exact p-value at n = 500: close, not equal.
    const z = exact.tau / Math.sqrt((2 * (2 * n + 5)) / (9 * n * (n - 1)));
    expect(Math.abs(exact.p - dist.normalTwoSidedP(z))).toBeLessThan(1e-3);
  });
});
