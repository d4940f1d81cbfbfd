/**
 * CSV tables: spreadsheet formula injection neutralised, numbers kept as numbers, RFC 4180 quoting,
 * and the tables hold the Analysis numbers in full precision.
 */
import { describe, expect, test } from "vitest";
import { analyze } from "../../src/analysis/index.js";
import type { StudyTable } from "../../src/input/index.js";
import {
  csvCell,
  leaveOneOutCsv,
  modelCsv,
  neutraliseFormula,
  regressionCsv,
  studiesCsv,
  subgroupsCsv,
  toCsv,
} from "../../src/report/csv.js";
import { exampleTable } from "../support/analysis-helpers.js";

/** A minimal RFC 4180 reader, enough to read back what toCsv writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

describe("formula injection", () => {
  test.each([
    ['=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'],
    ["=1+2", "'=1+2"],
    ["+SUM(A1:A2)", "'+SUM(A1:A2)"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ["-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"],
    ["Smith 2019", "Smith 2019"],
    ["a=b", "a=b"],
  ])("text %j becomes %j", (input, expected) => {
    expect(neutraliseFormula(input)).toBe(expected);
  });

  test.each(["-1.5", "+2", "-0.001", "3e-5", "-2.5E+10", ".5", "-.5"])(
    "plain number %j is left alone",
    (n) => {
      expect(neutraliseFormula(n)).toBe(n);
      expect(csvCell(n)).toBe(n);
    },
  );

  test("numbers are written as numbers, in full precision; null is an empty cell", () => {
    expect(csvCell(-1.2345678901234567)).toBe("-1.2345678901234567");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });

  test("quoting: commas, quotes and line breaks; the quote prefix comes before CSV quoting", () => {
    expect(csvCell('Li, "2024"')).toBe('"Li, ""2024"""');
    expect(csvCell("=A1,B1")).toBe(`"'=A1,B1"`);
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(parseCsv(toCsv(["a", "b"], [["=1,2", 'x"y']]))).toEqual([
      ["a", "b"],
      ["'=1,2", 'x"y'],
    ]);
  });

  test("study labels and a --by column header from the data are neutralised in every table", () => {
    const bbb = exampleTable();
    const evil: StudyTable = {
      ...bbb,
      rows: bbb.rows.map((r, i) => ({
        ...r,
        study: i === 0 ? '=HYPERLINK("http://x","click")' : i === 1 ? "@cmd" : r.study,
        extra: { ...r.extra, "=grp": i % 2 === 0 ? "+a" : "-b" },
      })),
    };
    const a = analyze(evil, { by: "=grp", mods: ["=grp"] });
    for (const csv of [studiesCsv(a), subgroupsCsv(a)!, regressionCsv(a)!, leaveOneOutCsv(a)!]) {
      for (const row of parseCsv(csv)) {
        for (const cell of row) {
          if (/^[=+\-@\t\r]/.test(cell))
            expect(cell, `cell ${JSON.stringify(cell)}`).toMatch(
              /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/,
            );
        }
      }
    }
    expect(parseCsv(studiesCsv(a))[1]![0]).toBe(`'=HYPERLINK("http://x","click")`);
    expect(parseCsv(subgroupsCsv(a)!)[0]![1]).toBe("'=grp");
    expect(parseCsv(regressionCsv(a)!)[2]![0]).toBe("=grp:-b".replace(/^/, "'"));
  });
});

describe("the tables", () => {
  const bbb = exampleTable();
  const a = analyze(bbb, { by: "route", mods: ["year"] });

  test("studies.csv: one row per study in input order, numbers in full precision", () => {
    const rows = parseCsv(studiesCsv(a));
    expect(rows[0]).toEqual([
      "study",
      "row",
      "yi",
      "vi",
      "sei",
      "ci_lower",
      "ci_upper",
      "weight_percent",
    ]);
    expect(rows.length).toBe(a.studies.length + 1);
    a.studies.forEach((s, i) => {
      const r = rows[i + 1]!;
      expect(r[0]).toBe(s.study);
      expect(Number(r[2])).toBe(s.yi);
      expect(Number(r[3])).toBe(s.vi);
      expect(Number(r[7])).toBe(s.weight);
    });
  });

  test("model.csv, subgroups.csv, regression.csv, leave-one-out.csv", () => {
    const model = parseCsv(modelCsv(a));
    expect(Number(model[1]![model[0]!.indexOf("estimate")])).toBe(a.model.estimate);
    expect(Number(model[1]![model[0]!.indexOf("tau2")])).toBe(a.model.tau2);
    const sub = parseCsv(subgroupsCsv(a)!);
    expect(sub.filter((r) => r[0] === "subgroup").map((r) => r[1])).toEqual(
      a.subgroups!.groups.map((g) => g.level),
    );
    expect(sub.filter((r) => r[0]!.startsWith("test")).map((r) => Number(r[11]))).toEqual(
      a.subgroups!.tests.map((t) => t.Q),
    );
    const reg = parseCsv(regressionCsv(a)!);
    expect(reg.slice(1).map((r) => r[0])).toEqual(["intrcpt", "year"]);
    expect(reg[2]![7]).toBe(""); // no permutation test: empty, not "null"
    const loo = parseCsv(leaveOneOutCsv(a)!);
    expect(loo.slice(1).map((r) => Number(r[1]))).toEqual(a.leaveOneOut!.map((r) => r.estimate));
    const plain = analyze(bbb, {});
    expect(subgroupsCsv(plain)).toBeNull();
    expect(regressionCsv(plain)).toBeNull();
  });
});
