/**
 * Pooling binary and correlation outcomes against metafor 3.8.1 and 5.1.12
 * (fixtures/binary.metafor-<version>.json, written by fixtures/r/binary.R): rma FE, DL and REML on
 * log OR, log RR, RD, ZCOR and COR (both backends); rma.mh (OR, RR, RD, every statistic it reports)
 * and rma.peto, with their per-study weights (weights(res), NA for tables not pooled); the notes on
 * double zeros, option checks, typed errors where no estimate exists, and invariants (fast-check).
 * Tolerances from test/support/tolerance.ts: "closed" and "pvalue" for closed-form quantities
 * (weights are "closed"), "iterative" for REML and what depends on its tau². The escalc side of the
 * same fixture is test/effect-sizes/binary-effects.test.ts.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  escalc,
  type MantelHaenszelMeasure,
  type MantelHaenszelOptions,
  mantelHaenszel,
  type PetoOptions,
  PooledError,
  PooledInputError,
  type PooledInputErrors,
  peto,
  rma,
  TooFewStudiesError,
  type ZeroCellRule,
} from "../../../src/index.js";
import type { BackendName } from "../../../src/types.js";
import { testBackends } from "../../support/backends.js";
import {
  type BinaryFixture,
  compareEffects,
  binaryFixtures as fixtures,
  fourCells,
  type MhCase,
  type Num,
  type PooledCase,
  type RmaCase,
  reportSection,
  type TableArgs,
  thrown,
} from "../../support/binary-fixture.js";
import {
  expectClose,
  type QuantityKind,
  relativeError,
  tolerance,
} from "../../support/tolerance.js";

function asArray(x: number | number[]): number[] {
  return Array.isArray(x) ? x : [x];
}

/** The fixture's arguments as Pooled's options (R vectors of two become pairs). */
function tableOptions(args: TableArgs | []): MantelHaenszelOptions & PetoOptions {
  if (Array.isArray(args)) return {};
  const pair = <T>(v: T | T[] | undefined) =>
    Array.isArray(v) ? (v as unknown as readonly [T, T]) : v;
  const options: MantelHaenszelOptions = {};
  if (args.add !== undefined) options.add = pair(args.add);
  if (args.to !== undefined) options.to = pair(args.to);
  if (args.drop00 !== undefined) options.drop00 = pair(args.drop00);
  if (args.correct !== undefined) options.correct = args.correct;
  if (args.level !== undefined) options.level = args.level;
  return options;
}

for (const fixture of fixtures) {
  const tag = `metafor ${fixture.metafor}`;

  describe(`rma on log OR, log RR, RD, ZCOR and COR vs ${tag}`, () => {
    reportSection(`rma on binary and correlation effects vs ${tag}`);
    for (const backend of testBackends) {
      it(`fits FE, DL and REML like metafor [${backend}]`, () => {
        expect(fixture.rma.length).toBeGreaterThanOrEqual(60);
        for (const c of fixture.rma) compareRma(c, fixture, backend);
      });
    }
  });

  describe(`Mantel-Haenszel vs ${tag} (rma.mh)`, () => {
    reportSection(`rma.mh vs ${tag}`);
    reportWeights(`rma.mh weights vs ${tag}`);
    it("matches every statistic rma.mh reports, for OR, RR and RD", () => {
      const measures = new Set(fixture.mh.map((c) => c.measure));
      expect([...measures].sort()).toEqual(["OR", "RD", "RR"]);
      const failures = fixture.mh.filter((c) => !compareMantelHaenszel(c, fixture));
      // metafor's NA estimates and k = 0 stops (the edge-case tables) are typed errors here
      expect(failures.map((c) => c.dataset).every((d) => d.startsWith("edge_"))).toBe(true);
      expect(failures.length).toBeGreaterThan(10);
      // both kinds of entry are exercised: pooled tables and tables the second stage dropped
      expect(worstWeight.count).toBeGreaterThan(1000);
      expect(worstWeight.dropped).toBeGreaterThan(10);
    });
  });

  describe(`Peto vs ${tag} (rma.peto)`, () => {
    reportSection(`rma.peto vs ${tag}`);
    reportWeights(`rma.peto weights vs ${tag}`);
    it("matches rma.peto", () => {
      const failures = fixture.peto.filter((c) => !comparePeto(c, fixture));
      // metafor stops where no table has both events and non-events; Pooled throws NO_EVENTS
      expect(failures.length).toBeGreaterThanOrEqual(3);
      expect(failures.every((c) => c.dataset === "edge_no_events")).toBe(true);
      expect(worstWeight.count).toBeGreaterThan(300);
      expect(worstWeight.dropped).toBeGreaterThan(5);
    });
  });
}

/** Worst relative error of the weights alone, per section (they also count in "closed"). */
const worstWeight = { error: 0, what: "", count: 0, dropped: 0 };

function reportWeights(label: string): void {
  afterAll(() => {
    const { error, what, count, dropped } = worstWeight;
    console.info(
      `[${label}] ${count} weights (${dropped} tables not pooled: 0, metafor NA), worst ${error.toExponential(2)}${what ? ` (${what})` : ""}`,
    );
    Object.assign(worstWeight, { error: 0, what: "", count: 0, dropped: 0 });
  });
}

/**
 * Per-study weights against metafor's weights(res) under na.action = "na.pass": NA for a table the
 * second-stage drop00 left out, which Pooled reports as 0; the others within "closed" (relative;
 * absolute on the percent scale where metafor's weight is exactly 0).
 */
function compareWeights(
  res: { weights: number[]; tables: number[]; labels: string[] },
  expected: Num[],
  where: string,
): void {
  expect(res.weights.length, `${where} weights`).toBe(expected.length);
  expect(res.weights.length, `${where} weights`).toBe(res.labels.length);
  for (let i = 0; i < expected.length; i++) {
    const what = `${where} weights[${i}]`;
    if (expected[i] === null) {
      expect(res.tables.includes(i), `${what}: metafor's NA is a table not pooled`).toBe(false);
      expect(res.weights[i], what).toBe(0);
      worstWeight.dropped++;
      continue;
    }
    expect(res.tables.includes(i), what).toBe(true);
    expectClose(res.weights[i], expected[i], "closed", what);
    const error = relativeError(res.weights[i]!, expected[i]!, "closed");
    worstWeight.count++;
    if (error > worstWeight.error) Object.assign(worstWeight, { error, what });
  }
}

/** The effects the fixture's rma call was fitted to. */
function rmaInput(c: RmaCase, fixture: BinaryFixture): { yi: number[]; vi: number[] } {
  if (c.dataset === "hackshaw1998") return fixture.hackshaw1998;
  if (c.measure === "ZCOR" || c.measure === "COR") {
    const r = fixture.correlations[c.dataset]!;
    return escalc(c.measure, { ri: r.ri, ni: r.ni });
  }
  return escalc(c.measure, fourCells(fixture.tables[c.dataset]!));
}

function compareRma(c: RmaCase, fixture: BinaryFixture, backend: BackendName): void {
  const where = `${fixture.metafor} ${c.dataset} ${c.measure}: ${c.call} [${backend}]`;
  const { yi, vi } = rmaInput(c, fixture);
  const fit = rma({ yi, vi }, { method: c.method, test: "z", backend });
  const coef = fit.coefficients[0]!;
  const iterative = c.method === "REML";
  const kind: QuantityKind = iterative ? "iterative" : "closed";
  const pKind: QuantityKind = iterative ? "iterative" : "pvalue";
  expect(fit.k, where).toBe(c.k);
  expectClose(coef.estimate, c.beta, kind, `${where} beta`, coef.se);
  expectClose(coef.se, c.se, kind, `${where} se`);
  expectClose(coef.statistic, c.zval, kind, `${where} zval`);
  expectClose(coef.p, c.pval, pKind, `${where} pval`);
  expectClose(coef.ciLower, c["ci.lb"], kind, `${where} ci.lb`, coef.se);
  expectClose(coef.ciUpper, c["ci.ub"], kind, `${where} ci.ub`, coef.se);
  expectClose(fit.tau2, c.tau2, kind, `${where} tau2`);
  expectClose(fit.I2, c.I2, kind, `${where} I2`);
  expectClose(fit.H2, c.H2, kind, `${where} H2`);
  expectClose(fit.QE.statistic, c.QE, "closed", `${where} QE`);
  expectClose(fit.QE.p, c.QEp, "pvalue", `${where} QEp`);
}

/** metafor's "Processing terminated since k = 0." and NA estimates are typed errors in Pooled. */
function expectPooledFailure(c: PooledCase, fn: () => unknown, where: string): boolean {
  if (c.error !== undefined) {
    const error = thrown(fn);
    if (c.error.includes("k = 0")) expect(error, where).toBeInstanceOf(TooFewStudiesError);
    else expect((error as PooledError).code, where).toBe("NO_EVENTS");
    return true;
  }
  if (c.beta === null || c.zval === null) {
    // NA estimate (no events in one arm of every table), or an RD with se = 0
    const error = thrown(fn);
    expect(error, where).toBeInstanceOf(PooledError);
    expect((error as PooledError).code, where).toBe("NO_EVENTS");
    return true;
  }
  return false;
}

function compareEstimate(
  res: {
    estimate: number;
    se: number;
    statistic: number;
    p: number;
    ciLower: number;
    ciUpper: number;
  },
  c: PooledCase,
  where: string,
): void {
  expectClose(res.estimate, c.beta, "closed", `${where} beta`, res.se);
  expectClose(res.se, c.se, "closed", `${where} se`);
  expectClose(res.statistic, c.zval, "closed", `${where} zval`);
  expectClose(res.p, c.pval, "pvalue", `${where} pval`);
  expectClose(res.ciLower, c["ci.lb"], "closed", `${where} ci.lb`, res.se);
  expectClose(res.ciUpper, c["ci.ub"], "closed", `${where} ci.ub`, res.se);
}

function compareHeterogeneity(
  res: { QE: { statistic: number; p: number }; I2: number; H2: number },
  c: PooledCase,
  where: string,
): void {
  expectClose(res.QE.statistic, c.QE, "closed", `${where} QE`);
  expectClose(res.QE.p, c.QEp, "pvalue", `${where} QEp`);
  expectClose(res.I2, c.I2, "closed", `${where} I2`);
  expectClose(res.H2, c.H2, "closed", `${where} H2`);
}

/** Compares one rma.mh case; false when metafor had no estimate and Pooled threw instead. */
function compareMantelHaenszel(c: MhCase, fixture: BinaryFixture): boolean {
  const where = `${fixture.metafor} ${c.dataset}: ${c.call}`;
  const data = fourCells(fixture.tables[c.dataset]!);
  const options = { ...tableOptions(c.args), measure: c.measure };
  if (expectPooledFailure(c, () => mantelHaenszel(data, options), where)) return false;
  const res = mantelHaenszel(data, options);
  expect(JSON.parse(JSON.stringify(res)), `${where}: JSON round trip`).toEqual(res);
  expect(res.k, where).toBe(c.k);
  expect(res.studyEffects.indices.length, where).toBe(c["k.yi"]);
  compareEstimate(res, c, where);
  compareHeterogeneity(res, c, where);
  const yi = asArray(c.yi);
  const vi = asArray(c.vi);
  compareEffects(res.studyEffects.yi, res.studyEffects.vi, yi, vi, `${where} study effects`);
  compareWeights(res, c.weights, where);
  if (c.measure === "RD") {
    expect(res.exponentiated, where).toBeNull();
  } else {
    expectClose(res.exponentiated!.estimate, Math.exp(c.beta!), "closed", `${where} exp(beta)`);
  }
  if (c.measure !== "OR") {
    expect(res.cochranMantelHaenszel, where).toBeNull();
    expect(res.breslowDay, where).toBeNull();
    expect(res.kPos, where).toBeNull();
    return true;
  }
  expect(res.kPos, where).toBe(c["k.pos"]);
  expectClose(res.cochran!.statistic, c.CO, "closed", `${where} CO`);
  expectClose(res.cochran!.p, c.COp, "pvalue", `${where} COp`);
  expectClose(res.cochranMantelHaenszel!.statistic, c.MH, "closed", `${where} CMH`);
  expectClose(res.cochranMantelHaenszel!.p, c.MHp, "pvalue", `${where} CMHp`);
  expectClose(res.breslowDay!.statistic, c.BD, "closed", `${where} BD`);
  expectClose(res.breslowDay!.p, c.BDp, "pvalue", `${where} BDp`);
  expectClose(res.tarone!.statistic, c.TA, "closed", `${where} TA`);
  expectClose(res.tarone!.p, c.TAp, "pvalue", `${where} TAp`);
  expect(res.breslowDay!.df, where).toBe(c["k.pos"]! - 1);
  return true;
}

/** Compares one rma.peto case; false when metafor stopped and Pooled threw instead. */
function comparePeto(c: PooledCase, fixture: BinaryFixture): boolean {
  const where = `${fixture.metafor} ${c.dataset}: ${c.call}`;
  const data = fourCells(fixture.tables[c.dataset]!);
  const options = tableOptions(c.args);
  if (expectPooledFailure(c, () => peto(data, options), where)) return false;
  const res = peto(data, options);
  expect(JSON.parse(JSON.stringify(res)), `${where}: JSON round trip`).toEqual(res);
  expect(res.k, where).toBe(c.k);
  expect(res.kPos, where).toBe(c["k.pos"]);
  expect(res.studyEffects.indices.length, where).toBe(c["k.yi"]);
  compareEstimate(res, c, where);
  compareWeights(res, c.weights, where);
  if (c["k.yi"] < 2 && c["k.pos"]! > 1) {
    // Two tables with V > 0 but fewer than two study effects (the stages' rules differ): metafor
    // computes p on k.yi − 1 <= 0 df (NA) and an I² of 100·(Q + 1)/Q; Pooled reports no
    // heterogeneity (p = 1, I² = 0, H² = 1) and says why in a note.
    expectClose(res.QE.statistic, c.QE, "closed", `${where} QE`);
    expect([res.QE.p, res.I2, res.H2], where).toEqual([1, 0, 1]);
    expect(res.notes.join(" "), where).toContain("Heterogeneity test not available");
    return true;
  }
  compareHeterogeneity(res, c, where);
  return true;
}

describe("notes and zero-cell reports name the tables", () => {
  const t = fixtures[0]!.tables["madeup"]!;

  it("Mantel-Haenszel and Peto say where the double zeros went", () => {
    const mh = mantelHaenszel(fourCells(t));
    expect(mh.zeroCells.doubleZero).toEqual([2, 5]);
    expect(mh.zeroCells.withoutEffect).toEqual([2, 5]);
    expect(mh.studyEffects.indices).toEqual([0, 1, 3, 4, 6, 7]);
    expect(mh.tables).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const note = mh.notes.find((n) => n.includes("Study C, Study F"));
    expect(note).toContain("left out of the heterogeneity test");
    expect(note).toContain("add nothing to the odds ratio");
    const rd = mantelHaenszel(fourCells(t), { measure: "RD", drop00: [true, true] });
    expect(rd.tables).toEqual([0, 1, 3, 4, 6, 7]);
    expect(rd.notes.join("\n")).toContain("left out of the Mantel-Haenszel estimate (drop00)");
    const p = peto(fourCells(t));
    expect(p.notes.join("\n")).toContain("Study C, Study F");
    expect(p.notes.join("\n")).toContain("Bradburn");
  });

  it("names the studies without an effect when the first stage has no correction", () => {
    const mh = mantelHaenszel(fourCells(t), { to: "none" });
    // A, B, G have a single zero cell: no log odds ratio; C and F are dropped (drop00)
    expect(mh.zeroCells.withoutEffect).toEqual([0, 1, 2, 5, 6]);
    expect(mh.notes.join("\n")).toContain("No OR for Study A, Study B, Study G");
  });
});

describe("bad input", () => {
  it("rejects options a measure does not have", () => {
    const t = { ai: [1], bi: [2], ci: [3], di: [4] };
    const fields = (fn: () => unknown) =>
      (thrown(fn) as PooledInputErrors).errors.map((e) => e.location.field);
    expect(
      fields(() =>
        escalc("OR", t, {
          to: "sometimes" as ZeroCellRule,
          add: -1,
          drop00: "yes" as unknown as boolean,
          vtype: "UB",
          correctBias: true,
        }),
      ).sort(),
    ).toEqual(
      [
        "options.add",
        "options.correctBias",
        "options.drop00",
        "options.to",
        "options.vtype",
      ].sort(),
    );
    expect(
      fields(() =>
        escalc(
          "SMD",
          { m1i: [1], sd1i: [1], n1i: [5], m2i: [0], sd2i: [1], n2i: [5] },
          { add: 0.5 },
        ),
      ),
    ).toEqual(["options.add"]);
    expect(fields(() => mantelHaenszel(t, { add: [0.5] as unknown as [number, number] }))).toEqual([
      "options.add",
    ]);
    expect(
      fields(() => peto(t, { to: ["only0", "never" as ZeroCellRule], level: 120 })).sort(),
    ).toEqual(["options.level", "options.to[1] (pooled tables)"]);
    expect(thrown(() => mantelHaenszel(t, { measure: "PETO" as "OR" }))).toBeInstanceOf(
      PooledInputError,
    );
  });

  it("throws typed errors, with remedies, where the pooled estimate does not exist", () => {
    const noTreatmentEvents = { ai: [0, 0], n1i: [10, 12], ci: [2, 1], n2i: [10, 11] };
    for (const measure of ["OR", "RR"] as const) {
      const error = thrown(() => mantelHaenszel(noTreatmentEvents, { measure })) as PooledError;
      expect(error.code).toBe("NO_EVENTS");
      expect(error.message).toContain("Peto");
    }
    const noEvents = { ai: [0, 0], n1i: [10, 12], ci: [0, 0], n2i: [10, 11] };
    expect((thrown(() => peto(noEvents)) as PooledError).code).toBe("NO_EVENTS");
    expect((thrown(() => mantelHaenszel(noEvents, { measure: "RD" })) as PooledError).code).toBe(
      "NO_EVENTS",
    );
    expect(thrown(() => mantelHaenszel(noEvents, { drop00: [true, true] }))).toBeInstanceOf(
      TooFewStudiesError,
    );
  });
});

describe("properties", () => {
  const table = fc
    .record({
      n1: fc.integer({ min: 2, max: 60 }),
      n2: fc.integer({ min: 2, max: 60 }),
      p1: fc.double({ min: 0, max: 1, noNaN: true }),
      p2: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ n1, n2, p1, p2 }) => {
      const a = Math.round(p1 * n1);
      const c = Math.round(p2 * n2);
      return { a, b: n1 - a, c, d: n2 - c };
    });
  const tables = fc
    .array(table, { minLength: 2, maxLength: 12 })
    .filter((ts) => ts.some((t) => t.a * t.d > 0) && ts.some((t) => t.b * t.c > 0));
  const columns = (ts: { a: number; b: number; c: number; d: number }[]) => ({
    ai: ts.map((t) => t.a),
    bi: ts.map((t) => t.b),
    ci: ts.map((t) => t.c),
    di: ts.map((t) => t.d),
  });

  it("Mantel-Haenszel and Peto do not depend on the order of the tables; p-values lie in [0, 1]", () => {
    fc.assert(
      fc.property(
        tables,
        fc.constantFrom<MantelHaenszelMeasure>("OR", "RR", "RD"),
        (ts, measure) => {
          const forward = mantelHaenszel(columns(ts), { measure });
          const backward = mantelHaenszel(columns([...ts].reverse()), { measure });
          const close = (x: number, y: number) =>
            expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
          close(backward.estimate, forward.estimate);
          close(backward.se, forward.se);
          close(backward.QE.statistic, forward.QE.statistic);
          if (forward.breslowDay)
            close(backward.breslowDay!.statistic, forward.breslowDay.statistic);
          for (const p of [forward.p, forward.QE.p, forward.cochranMantelHaenszel?.p ?? 0]) {
            expect(p >= 0 && p <= 1).toBe(true);
          }
          const p1 = peto(columns(ts));
          const p2 = peto(columns([...ts].reverse()));
          close(p2.estimate, p1.estimate);
          close(p2.QE.statistic, p1.QE.statistic);
        },
      ),
    );
  });

  it("Mantel-Haenszel and Peto weights of the pooled tables sum to 100; tables not pooled weigh 0", () => {
    fc.assert(
      fc.property(
        tables,
        fc.constantFrom<MantelHaenszelMeasure>("OR", "RR", "RD"),
        fc.boolean(),
        (ts, measure, drop00) => {
          const options = { drop00: [true, drop00] as const };
          for (const res of [
            mantelHaenszel(columns(ts), { ...options, measure }),
            peto(columns(ts), options),
          ]) {
            expect(res.weights.length).toBe(ts.length);
            let sum = 0;
            res.weights.forEach((w, i) => {
              expect(w >= 0 && w <= 100).toBe(true);
              if (res.tables.includes(i)) sum += w;
              else expect(w).toBe(0);
            });
            expect(Math.abs(sum - 100)).toBeLessThanOrEqual(100 * tolerance.closed);
          }
        },
      ),
    );
  });

  for (const backend of testBackends) {
    it(`Peto's weights are the fixed-effect weights of the uncorrected Peto log odds ratios [${backend}]`, () => {
      const informative = fc
        .array(table, { minLength: 2, maxLength: 12 })
        .filter((ts) => ts.every((t) => (t.a + t.c) * (t.b + t.d) > 0));
      fc.assert(
        fc.property(informative, (ts) => {
          const es = escalc("PETO", columns(ts), { to: "none" });
          const fe = rma(es, { method: "FE", backend });
          const fit = peto(columns(ts), { add: [0, 0], to: ["none", "none"] });
          fit.weights.forEach((w, i) => {
            expect(Math.abs(w - fe.weights[i]!)).toBeLessThanOrEqual(100 * tolerance.closed);
          });
        }),
      );
    });
  }

  it("Peto's estimate and Q are the fixed-effect model of the uncorrected Peto log odds ratios", () => {
    const informative = fc
      .array(table, { minLength: 2, maxLength: 12 })
      .filter((ts) => ts.every((t) => (t.a + t.c) * (t.b + t.d) > 0));
    fc.assert(
      fc.property(informative, (ts) => {
        const es = escalc("PETO", columns(ts), { to: "none" });
        const fe = rma(es, { method: "FE", backend: "js" });
        const fit = peto(columns(ts), { add: [0, 0], to: ["none", "none"] });
        expect(fit.estimate).toBeCloseTo(fe.coefficients[0]!.estimate, 10);
        expect(fit.se).toBeCloseTo(fe.coefficients[0]!.se, 10);
        expect(fit.QE.statistic).toBeCloseTo(fe.QE.statistic, 8);
      }),
    );
  });
});
