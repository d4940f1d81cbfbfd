/**
 * Effect sizes of binary and correlation outcomes against metafor 3.8.1 and 5.1.12
 * (fixtures/binary.metafor-<version>.json, written by fixtures/r/binary.R): escalc for OR, RR, RD
 * and PETO under every zero-cell rule (add, to, drop00) and for ZCOR and COR, the notes naming the
 * corrected tables, and bad counts and correlations. Tolerances from test/support/tolerance.ts:
 * "closed" for yi and vi. The models that pool 2×2 tables (rma.mh, rma.peto), and the option checks
 * escalc shares with them, are tested in test/models/binary/mantel-haenszel-peto.test.ts.
 */
import { describe, expect, it } from "vitest";
import { type EscalcOptions, escalc, isDoubleZero, PooledInputErrors } from "../../src/index.js";
import {
  compareEffects,
  eventsAndTotals,
  binaryFixtures as fixtures,
  fourCells,
  reportSection,
  thrown,
} from "../support/binary-fixture.js";

it("has the metafor 3.8 and 5.1 references", () => {
  expect(fixtures.map((f) => f.metafor.slice(0, 3))).toEqual(["3.8", "5.1"]);
});

for (const fixture of fixtures) {
  const tag = `metafor ${fixture.metafor}`;

  describe(`escalc on 2×2 tables and correlations vs ${tag}`, () => {
    reportSection(`escalc vs ${tag}`);
    it("covers every binary measure with every zero-cell rule, and ZCOR and COR", () => {
      const kinds = new Set(
        fixture.escalc.map((c) => `${c.measure}/${c.to ?? ""}/${c.drop00 ?? ""}`),
      );
      for (const measure of ["OR", "RR", "RD", "PETO"]) {
        for (const to of ["only0", "all", "if0all", "none"]) {
          for (const drop00 of [true, false])
            expect(kinds.has(`${measure}/${to}/${drop00}`)).toBe(true);
        }
      }
      expect(kinds.has("ZCOR//")).toBe(true);
      expect(kinds.has("COR//")).toBe(true);
    });

    it("matches every yi and vi, and rejects exactly the tables metafor cannot compute", () => {
      let rejected = 0;
      let withOmissions = 0;
      for (const c of fixture.escalc) {
        const where = `${c.dataset}: ${c.call}`;
        if (c.measure === "ZCOR" || c.measure === "COR") {
          const r = fixture.correlations[c.dataset]!;
          const res = escalc(c.measure, { labels: r.labels, ri: r.ri, ni: r.ni });
          compareEffects(res.yi, res.vi, c.yi as number[], c.vi as number[], where);
          continue;
        }
        const t = fixture.tables[c.dataset]!;
        const options: EscalcOptions = { add: c.add!, to: c.to!, drop00: c.drop00! };
        const omitted = t.ai
          .map((_, i) => i)
          .filter((i) => c.drop00 && isDoubleZero(t.ai[i]!, t.bi[i]!, t.ci[i]!, t.di[i]!));
        // metafor's NA (an infinite or undefined effect) and its vi = 0 (RR or RD of a table
        // without a correction where both arms have only events or none) are errors in Pooled.
        const undefinedRows = t.ai
          .map((_, i) => i)
          .filter((i) => !omitted.includes(i) && (c.yi[i] === null || !((c.vi[i] ?? 0) > 0)));
        if (undefinedRows.length > 0) {
          const error = thrown(() => escalc(c.measure, fourCells(t), options));
          expect(error, where).toBeInstanceOf(PooledInputErrors);
          const indices = (error as PooledInputErrors).errors.map((e) => e.location.index);
          expect(indices, where).toEqual(undefinedRows);
          rejected++;
          continue;
        }
        if (omitted.length > 0) withOmissions++;
        const res = escalc(c.measure, fourCells(t), options);
        const kept = t.ai.map((_, i) => i).filter((i) => !omitted.includes(i));
        expect(res.indices, where).toEqual(kept);
        expect(
          res.omitted.map((o) => o.index),
          where,
        ).toEqual(omitted);
        expect(res.labels, where).toEqual(kept.map((i) => t.labels[i]));
        compareEffects(
          res.yi,
          res.vi,
          kept.map((i) => c.yi[i]!),
          kept.map((i) => c.vi[i]!),
          where,
        );
      }
      // both paths are exercised: uncorrected zero cells (to = "none", add = 0) and drop00
      expect(rejected).toBeGreaterThan(50);
      expect(withOmissions).toBeGreaterThan(50);
    });

    it("gives the same effects from events and arm sizes as from the four cells", () => {
      for (const c of fixture.escalc) {
        if (c.to !== "only0" || c.add !== 0.5) continue;
        const t = fixture.tables[c.dataset]!;
        const options: EscalcOptions = { add: c.add, to: c.to, drop00: c.drop00! };
        const fromCells = escalc(c.measure, fourCells(t), options);
        const fromTotals = escalc(c.measure, eventsAndTotals(t), options);
        expect(fromTotals.yi).toEqual(fromCells.yi);
        expect(fromTotals.vi).toEqual(fromCells.vi);
      }
    });
  });
}

describe("notes and zero-cell reports name the tables", () => {
  const t = fixtures[0]!.tables["madeup"]!;

  it("escalc lists corrected tables and double zeros, and drop00 omits the double zeros", () => {
    const kept = escalc("OR", fourCells(t));
    // zero cells: A (ai), B (ci), C (double zero), F (only events), G (ai)
    expect(kept.zeroCells).toEqual({ corrected: [0, 1, 2, 5, 6], doubleZero: [2, 5] });
    expect(kept.notes.join("\n")).toContain(
      "0.5 added to every cell of the 5 table(s) with a zero cell: Study A, Study B, Study C, Study F, Study G",
    );
    expect(kept.notes.join("\n")).toContain(
      "2 table(s) with no events, or only events, in both arms, kept (drop00 = false): Study C, Study F",
    );
    const dropped = escalc("OR", fourCells(t), { drop00: true });
    expect(dropped.indices).toEqual([0, 1, 3, 4, 6, 7]);
    expect(dropped.omitted).toEqual([
      { index: 2, label: "Study C", reason: "no events, or only events, in both arms (drop00)" },
      { index: 5, label: "Study F", reason: "no events, or only events, in both arms (drop00)" },
    ]);
    expect(dropped.notes.join("\n")).toContain("Left out (drop00)");
    expect(escalc("RD", fourCells(t), { to: "all" }).notes.join("\n")).toContain(
      '(to = "all"): 0.5 added to every cell of every table',
    );
  });
});

describe("bad input", () => {
  const labels = ["Smith 2001", "Jones 2003", "Lee 2010", "Wu 2015"];

  function problems(fn: () => unknown): string[] {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(PooledInputErrors);
    return (error as PooledInputErrors).errors.map(
      (e) => `${e.location.study ?? "-"}:${e.location.field}`,
    );
  }
  it("names every bad count by study and field, all at once", () => {
    const bad = {
      labels,
      ai: [12, -1, 2.5, 3],
      n1i: [10, 20, 20, 15],
      ci: [1, 2, 3, 16],
      n2i: [10, 20, 20, 15],
    };
    expect(problems(() => escalc("OR", bad)).sort()).toEqual(
      ["Smith 2001:ai", "Jones 2003:ai", "Lee 2010:ai", "Wu 2015:ci"].sort(),
    );
    const error = thrown(() => escalc("OR", bad)) as PooledInputErrors;
    expect(error.message).toContain(
      'study "Smith 2001", field "ai": expected at most n1i = 10 events',
    );
    expect(error.message).toContain("a whole number >= 0 (got -1)");
    expect(error.message).toContain("(got 2.5)");
  });

  it("checks arm sizes against events + non-events, and wants one of them per arm", () => {
    expect(
      problems(() =>
        escalc("RR", {
          labels,
          ai: [1, 2, 3, 4],
          bi: [9, 8, null, 6],
          n1i: [10, 11, null, 10.5],
          ci: [1, 2, 3, 4],
          di: [0, 8, 7, 6],
          n2i: [null, null, null, 0],
        }),
      ).sort(),
    ).toEqual(["Jones 2003:n1i", "Lee 2010:bi", "Wu 2015:n1i", "Wu 2015:n2i"].sort());
    expect(problems(() => escalc("RD", { ai: [1], ci: [2], n1i: [5] }))).toEqual(["-:di"]);
    expect(
      problems(() => escalc("OR", { labels: ["Empty arm"], ai: [0], bi: [0], ci: [1], di: [2] })),
    ).toEqual(["Empty arm:bi"]);
  });

  it("rejects correlations outside (−1, 1) and sample sizes <= 3", () => {
    const bad = { labels, ri: [1.2, -1, 0.3, Number.NaN], ni: [20, 30, 3, 2.5] };
    expect(problems(() => escalc("ZCOR", bad)).sort()).toEqual(
      ["Smith 2001:ri", "Jones 2003:ri", "Lee 2010:ni", "Wu 2015:ri", "Wu 2015:ni"].sort(),
    );
    expect(problems(() => escalc("COR", { ri: [0.5], ni: [3] }))).toEqual(["Study 1:ni"]);
    const error = thrown(() => escalc("ZCOR", bad)) as PooledInputErrors;
    expect(error.message).toContain("strictly between −1 and 1");
    expect(error.message).toContain("greater than 3");
  });

  it("explains a zero cell left uncorrected and names the remedy", () => {
    const error = thrown(() =>
      escalc(
        "OR",
        {
          labels,
          ai: [0, 2, 3, 4],
          n1i: [10, 10, 10, 10],
          ci: [1, 2, 3, 0],
          n2i: [10, 10, 10, 10],
        },
        { to: "none" },
      ),
    ) as PooledInputErrors;
    expect(error.errors.map((e) => `${e.location.study}:${e.location.field}`)).toEqual([
      "Smith 2001:ai",
      "Wu 2015:ci",
    ]);
    expect(error.message).toContain('use to = "only0"');
    // RD is defined with a single zero cell
    expect(
      escalc("RD", { ai: [0, 2], n1i: [10, 10], ci: [1, 2], n2i: [10, 10] }, { to: "none" }).yi[0],
    ).toBeCloseTo(-0.1, 15);
  });
});
