import { readFileSync } from "node:fs";
import { buildXlsx } from "@pooled/test-utils/xlsx";
import { describe, expect, it } from "vitest";
import {
  type DataProblem,
  formatProblem,
  matchHeader,
  normaliseHeader,
  type ParseOptions,
  parseColumnMap,
  parsePrisma,
  parsePrismaPairs,
  parseStudyFile,
  parseStudyText,
} from "../../src/input/index.js";
import { repoPath } from "../support/repo.js";

const examples = (name: string) => repoPath(`examples/${name}`);
const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string, options: ParseOptions = {}, name = "t.csv") =>
  parseStudyFile(bytes(text), name, options);

const HEADER = "study,m1i,sd1i,n1i,m2i,sd2i,n2i";
const GOOD = `${HEADER}\nA,10,2,8,7,2.5,8\nB,11,3,10,7.5,2,9\n`;

/** Problems as compact tuples, easier to compare. */
const brief = (problems: DataProblem[]) =>
  problems.map((p) => [p.row, p.column, p.expected, p.found]);

describe("column detection", () => {
  it("normalises case, spaces, underscores, hyphens and brackets", () => {
    expect(normaliseHeader(" Mean (Treatment) ")).toBe("meantreatment");
    expect(normaliseHeader("SD-control")).toBe("sdcontrol");
    expect(matchHeader("Mean Treatment")).toEqual({ kind: "field", field: "m1i" });
    expect(matchHeader("n_CONTROL")).toEqual({ kind: "field", field: "n2i" });
    expect(matchHeader("SEM treatment")).toEqual({ kind: "field", field: "sem1i" });
    expect(matchHeader("Publication")).toEqual({ kind: "field", field: "cluster" });
    expect(matchHeader("rob_blinding_assessor")).toEqual({
      kind: "syrcle",
      item: "blinding_assessor",
    });
    expect(matchHeader("SYRCLE 1")).toEqual({ kind: "syrcle", item: "sequence_generation" });
    expect(matchHeader("syrcle_10")).toEqual({ kind: "syrcle", item: "other_bias" });
    expect(matchHeader("route")).toBeNull();
  });

  it("reads readable aliases exactly as metafor's names", async () => {
    const aliased =
      "Study,Mean Treatment,SD_treatment,n-treatment,mean_control,SD Control,N_CONTROL\nA,10,2,8,7,2.5,8\n";
    const { table, problems } = await parse(aliased);
    expect(problems).toEqual([]);
    expect(table!.rows[0]).toMatchObject({
      row: 2,
      study: "A",
      m1i: 10,
      sd1i: 2,
      n1i: 8,
      m2i: 7,
      sd2i: 2.5,
      n2i: 8,
    });
    expect(table!.columns.fields).toMatchObject({
      m1i: "Mean Treatment",
      sd2i: "SD Control",
      n2i: "N_CONTROL",
    });
  });

  it("keeps other columns, typed, under their headers as written", async () => {
    const { table } = await parse(
      `${HEADER},Route,Dose µg\nA,10,2,8,7,2.5,8,local,120\nB,11,3,10,7.5,2,9,,NR\n`,
    );
    expect(table!.rows.map((r) => r.extra)).toEqual([
      { Route: "local", "Dose µg": 120 },
      { Route: null, "Dose µg": "NR" },
    ]);
  });

  it("explicit mapping wins over names, and reports unknown columns and fields", async () => {
    const text = "label,MT,ST,NT,MC,SC,NC,m1i\nA,10,2,8,7,2.5,8,99\n";
    const { columns, problems: mapProblems } = parseColumnMap([
      "m1i=MT",
      "sd_treatment=ST",
      "n1i=NT",
      "m2i=MC",
      "sd2i=SC",
      "n2i=NC",
    ]);
    expect(mapProblems).toEqual([]);
    const { table, problems } = await parse(text, { columns });
    expect(problems).toEqual([]);
    expect(table!.rows[0]).toMatchObject({ study: "A", m1i: 10, sd1i: 2, n2i: 8 });
    // the unmapped "m1i" column is an ordinary column now
    expect(table!.rows[0]!.extra).toEqual({ m1i: 99 });

    const bad = parseColumnMap(["mean_tx=MT", "nonsense"]);
    expect(bad.problems.map((p) => p.found)).toEqual(['"mean_tx"', '"nonsense"']);
    const missing = await parse(GOOD, { columns: { m1i: "Mean T" } });
    expect(brief(missing.problems)).toEqual([
      [
        1,
        null,
        "a column for the treatment mean: m1i (or mean_treatment, treatment_mean, mean_t), or a median (median1i)",
        `none among: ${HEADER.split(",").join(", ")}`,
      ],
      [
        1,
        "Mean T",
        `a column named "Mean T" (mapped to m1i); the columns are: ${HEADER.split(",").join(", ")}`,
        "no such column",
      ],
    ]);
  });

  it("reads a JSON column-mapping config", () => {
    const { columns, problems } = parseColumnMap([], {
      text: '{"columns": {"m1i": "Mean T", "sei": null}}',
      file: "map.json",
    });
    expect(problems).toEqual([]);
    expect(columns).toEqual({ m1i: "Mean T", sei: null });
    const bad = parseColumnMap([], { text: "{nope", file: "map.json" });
    expect(bad.problems[0]).toMatchObject({ file: "map.json", expected: "valid JSON" });
  });

  it("refuses two columns naming one field", async () => {
    const { problems } = await parse(`${HEADER},mean_treatment\nA,10,2,8,7,2.5,8,10\n`);
    expect(brief(problems)).toEqual([
      [
        1,
        "mean_treatment",
        "one column for m1i, or an explicit choice (--map m1i=<column>)",
        '"m1i" and "mean_treatment" both name it',
      ],
    ]);
  });

  it("reports required columns that are missing (e.g. --by, --mods)", async () => {
    const { problems } = await parse(GOOD, { requireColumns: ["route", "Study", "N1I"] });
    expect(
      (await parse(`${HEADER},Publication\nA,10,2,8,7,2.5,8,P1\n`, { requireColumns: ["cluster"] }))
        .problems,
    ).toEqual([]);
    expect(brief(problems)).toEqual([
      [
        1,
        "route",
        `a column named "route"; the columns are: ${HEADER.split(",").join(", ")}`,
        "no such column",
      ],
    ]);
  });
});

describe("bad files: every problem, with file, row and column", () => {
  it("missing required column", async () => {
    const { table, problems } = await parse("study,m1i,sd1i,n1i,m2i,n2i\nA,10,2,8,7,8\n");
    expect(table).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "t.csv", row: 1, column: null });
    expect(problems[0]!.expected).toMatch(/^a column for the control SD: sd2i/);
  });

  it("text in a number field, with a hint for decimal commas", async () => {
    const { problems } = await parse(`${HEADER}\nA,ten,2,8,7,2.5,8\nB,"11,5",3,10,7.5,2,9\n`);
    expect(brief(problems)).toEqual([
      [2, "m1i", "a number", '"ten"'],
      [3, "m1i", "a number (this looks like a decimal comma: use --decimal-comma)", '"11,5"'],
    ]);
  });

  it("negative or zero SD", async () => {
    const { problems } = await parse(`${HEADER}\nA,10,-2,8,7,2.5,8\nB,11,3,10,7.5,0,9\n`);
    expect(brief(problems)).toEqual([
      [2, "sd1i", "a number greater than 0", "-2"],
      [3, "sd2i", "a number greater than 0", "0"],
    ]);
  });

  it("n below 2, or not a whole number", async () => {
    const { problems } = await parse(`${HEADER}\nA,10,2,1,7,2.5,8\nB,11,3,10,7.5,2,8.5\n`);
    expect(brief(problems)).toEqual([
      [2, "n1i", "a whole number of animals, 2 or more", "1"],
      [3, "n2i", "a whole number of animals, 2 or more", "8.5"],
    ]);
  });

  it("ragged rows", async () => {
    const { problems } = await parse(
      `${HEADER}\nA,10,2,8,7,2.5\nB,11,3,10,7.5,2,9,extra\nC,11,3,10,7.5,2,9,\n`,
    );
    expect(brief(problems)).toEqual([
      [2, null, "7 fields, as in the header row", "6 fields"],
      [3, null, "7 fields, as in the header row", "8 fields"],
    ]);
  });

  it("empty file, blank file, header only", async () => {
    for (const text of ["", "  \n\n"]) {
      const { problems } = await parse(text);
      expect(brief(problems)).toEqual([
        [null, null, "a header row and at least one row of data", "an empty file"],
      ]);
    }
    const { problems } = await parse(`${HEADER}\n`);
    expect(brief(problems)).toEqual([
      [null, null, "at least one row of data below the header", "the header row only"],
    ]);
  });

  it("NaN, Inf and spreadsheet errors are not numbers; empty cells are named", async () => {
    const { problems } = await parse(
      `${HEADER}\nA,NaN,2,8,7,2.5,8\nB,11,Inf,10,7.5,2,9\nC,11,3,10,#DIV/0!,2,9\nD,11,3,,7,2,9\nE,1e999,3,10,7,2,9\nF,11,3,10,NA,2,9\n`,
    );
    expect(brief(problems)).toEqual([
      [2, "m1i", "a number", '"NaN"'],
      [3, "sd1i", "a number greater than 0", '"Inf"'],
      [4, "m2i", "a number", '"#DIV/0!"'],
      [5, "n1i", "a whole number of animals, 2 or more (the treatment n)", "an empty cell"],
      [6, "m1i", "a number", '"1e999"'],
      [7, "m2i", "a number (the control mean)", "NA (a missing value)"],
    ]);
  });

  it("duplicate and empty headers", async () => {
    const { problems } = await parse(
      "study,m1i,sd1i,n1i,m2i,sd2i,n2i,note,note,\nA,10,2,8,7,2.5,8,a,b,x\n",
    );
    expect(brief(problems)).toEqual([
      [1, "note", "unique column names", '"note" in columns 8 and 9'],
      [1, "column 10", "a column name in the header row", "an empty header above data"],
    ]);
  });

  it("collects every problem of a file at once", async () => {
    const text = `${HEADER}\nA,x,2,8,7,2.5,8\nB,11,-3,1,7.5,2,9\nC,11,3,10\n,11,3,10,7.5,2,9\n`;
    const { problems } = await parse(text);
    expect(problems.map((p) => `${p.row}:${p.column}`)).toEqual([
      "2:m1i",
      "3:sd1i",
      "3:n1i",
      "4:null",
      "5:study",
    ]);
  });

  it("an unclosed quote is reported", async () => {
    const { problems } = await parse(`${HEADER}\n"A,10,2,8,7,2.5,8\n`);
    expect(problems.some((p) => p.expected.includes("closing quote"))).toBe(true);
  });

  it("formats problems as file:row:column: expected ..., found ...", () => {
    expect(
      formatProblem({
        file: "d.csv",
        row: 4,
        column: "sd1i",
        expected: "a number greater than 0",
        found: "-2",
      }),
    ).toBe("d.csv:4:sd1i: expected a number greater than 0, found -2");
    expect(
      formatProblem({
        file: "d.csv",
        row: null,
        column: null,
        expected: "a header row",
        found: "an empty file",
      }),
    ).toBe("d.csv: expected a header row, found an empty file");
  });
});

describe("text encodings and number formats", () => {
  it("strips a UTF-8 byte-order mark", async () => {
    const { table, problems } = await parseStudyFile(
      new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(GOOD)]),
      "bom.csv",
    );
    expect(problems).toEqual([]);
    expect(table!.columns.fields.study).toBe("study");
    expect(table!.rows).toHaveLength(2);
  });

  it("reads UTF-16 with a BOM and rejects bytes that are not UTF-8", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...GOOD].flatMap((c) => [c.charCodeAt(0), 0])]);
    expect((await parseStudyFile(utf16, "u16.csv")).table!.rows).toHaveLength(2);
    const latin1 = new Uint8Array([
      ...bytes("study,m1i,sd1i,n1i,m2i,sd2i,n2i\nM"),
      0xfc,
      ...bytes("ller,10,2,8,7,2.5,8\n"),
    ]);
    const { problems } = await parseStudyFile(latin1, "latin1.csv");
    expect(brief(problems)).toEqual([
      [2, null, 'UTF-8 text (save the file as "CSV UTF-8")', "the byte 0xfc, which is not UTF-8"],
    ]);
  });

  it("semicolons with decimal commas", async () => {
    const text = "study;m1i;sd1i;n1i;m2i;sd2i;n2i\nA;10,5;2,25;8;7;2,5;8\nB;11;3;10;7,5;2;9\n";
    const { table, problems } = await parse(text, { decimalComma: true });
    expect(problems).toEqual([]);
    expect(table!.rows[0]).toMatchObject({ m1i: 10.5, sd1i: 2.25, sd2i: 2.5 });
    const withPoint = await parse("study;m1i;sd1i;n1i;m2i;sd2i;n2i\nA;10.5;2;8;7;2;8\n", {
      decimalComma: true,
    });
    expect(brief(withPoint.problems)).toEqual([
      [2, "m1i", "a number (--decimal-comma is on, so write 3,5 rather than 3.5)", '"10.5"'],
    ]);
  });

  it("tab-separated files, by extension or by content", async () => {
    const tsv = GOOD.replaceAll(",", "\t");
    expect((await parseStudyFile(bytes(tsv), "d.tsv")).table!.rows).toHaveLength(2);
    expect((await parseStudyFile(bytes(tsv), "d.txt")).table!.rows).toHaveLength(2);
  });

  it("quoted fields keep commas and line breaks; row numbers are records", async () => {
    const text = `${HEADER},note\n"Smith, 2019",10,2,8,7,2.5,8,"two\nlines"\nB,x,3,10,7.5,2,9,\n`;
    const { problems } = await parse(text);
    expect(brief(problems)).toEqual([[3, "m1i", "a number", '"x"']]);
    const ok = await parse(text.replace("B,x", "B,11"));
    expect(ok.table!.rows[0]!.study).toBe("Smith, 2019");
    expect(ok.table!.rows[0]!.extra["note"]).toBe("two\nlines");
  });

  it("Windows (CRLF) and old Mac (CR) line endings", async () => {
    for (const eol of ["\r\n", "\r"]) {
      const { table, problems } = await parse(GOOD.replaceAll("\n", eol));
      expect(problems).toEqual([]);
      expect(table!.rows.map((r) => [r.row, r.study, r.n2i])).toEqual([
        [2, "A", 8],
        [3, "B", 9],
      ]);
    }
  });

  it("blank lines are skipped and row numbers stay those of the file", async () => {
    const { problems } = await parse(`${HEADER}\nA,10,2,8,7,2.5,8\n\nB,11,3,1,7.5,2,9\n`);
    expect(brief(problems)).toEqual([[4, "n1i", "a whole number of animals, 2 or more", "1"]]);
  });

  it("a synchronous entry for text formats gives the same result", () => {
    const { table } = parseStudyText(`\ufeff${GOOD}`, "s.csv");
    expect(table!.rows.map((r) => r.study)).toEqual(["A", "B"]);
  });
});

describe("JSON and XLSX", () => {
  it("reads a JSON array of objects", async () => {
    const json = JSON.stringify([
      { study: "A", m1i: 10, sd1i: 2, n1i: 8, m2i: 7, sd2i: 2.5, n2i: 8, route: "iv" },
      { study: "B", m1i: "11", sd1i: 3, n1i: 10, m2i: 7.5, sd2i: 2, n2i: 9 },
    ]);
    const { table, problems } = await parseStudyFile(bytes(json), "d.json");
    expect(problems).toEqual([]);
    expect(table!.rows[1]).toMatchObject({ row: 3, m1i: 11, extra: { route: null } });
    const bad = await parseStudyFile(
      bytes('[{"study":"A","m1i":"x","sd1i":2,"n1i":8,"m2i":7,"sd2i":2,"n2i":8}, 3]'),
      "d.json",
    );
    expect(brief(bad.problems)).toEqual([
      [2, "m1i", "a number", '"x"'],
      [3, null, 'an object such as {"study": ..., "m1i": ...}', "3"],
    ]);
    const notArray = await parseStudyFile(bytes('{"a":1}'), "d.json");
    expect(notArray.problems[0]!.expected).toBe(
      'an array of objects, one per comparison, such as [{"study": ..., "yi": ...}]',
    );
  });

  it("reads the first sheet of an XLSX workbook, or the one asked for", async () => {
    const header = [
      "Study",
      "Mean treatment",
      "SD treatment",
      "n treatment",
      "Mean control",
      "SD control",
      "n control",
    ];
    const xlsx = buildXlsx([
      { name: "BBB", rows: [header, ["A", 10, 2, 8, 7, 2.5, 8], ["B", 11, 3, 10, 7.5, 2, 9]] },
      {
        name: "Week 6",
        rows: [
          header,
          ["C", 12, 2, 8, 7, 2.5, 8],
          [null, null, null, null, null, null, null],
          ["D", 13, -1, 8, 7, 2.5, 8],
        ],
      },
    ]);
    const first = await parseStudyFile(xlsx, "data.xlsx");
    expect(first.problems).toEqual([]);
    expect(first.table!.rows.map((r) => [r.row, r.study, r.m1i])).toEqual([
      [2, "A", 10],
      [3, "B", 11],
    ]);
    const second = await parseStudyFile(xlsx, "data.xlsx", { sheet: "week 6" });
    expect(brief(second.problems)).toEqual([[4, "SD treatment", "a number greater than 0", "-1"]]);
    expect((await parseStudyFile(xlsx, "data.xlsx", { sheet: 2 })).headers).toEqual(header);
    const missing = await parseStudyFile(xlsx, "data.xlsx", { sheet: "Week 8" });
    expect(brief(missing.problems)).toEqual([
      [null, null, 'a sheet named or numbered as one of: 1 "BBB", 2 "Week 6"', 'sheet "Week 8"'],
    ]);
    const broken = await parseStudyFile(bytes("PK\u0003\u0004 not really a zip"), "broken.xlsx");
    expect(broken.problems[0]!.expected).toBe("an Excel workbook (.xlsx)");
  });
});

describe("conversions, exclusions, shared controls, risk of bias", () => {
  it("SD from the SEM (SD = SEM·√n) when the SD cell is empty, noted with the rows", async () => {
    const text =
      "study,mean_treatment,sd_treatment,sem_treatment,n_treatment,mean_control,sd_control,sem_control,n_control\nA,10,,1,9,7,2,,8\nB,11,3,0.5,10,7.5,,0.4,4\n";
    const { table, problems } = await parse(text);
    expect(problems).toEqual([]);
    expect(table!.rows[0]!.sd1i).toBeCloseTo(3, 12);
    expect(table!.rows[1]!.sd1i).toBe(3); // a given SD wins
    expect(table!.rows[1]!.sd2i).toBeCloseTo(0.8, 12);
    expect(table!.notes).toContain("The treatment SD from the SEM (SD = SEM·√n) in 1 row: 2.");
    expect(table!.notes).toContain("The control SD from the SEM (SD = SEM·√n) in 1 row: 3.");
  });

  it("SD from a 95% CI of the mean (t with n - 1 df)", async () => {
    const text =
      "study,m1i,ci_lower_treatment,ci_upper_treatment,n1i,m2i,sd2i,n2i\nA,12,10,14,6,7,2,8\nB,12,14,10,6,7,2,8\n";
    const { problems } = await parse(text);
    expect(brief(problems)).toEqual([
      [3, "ci_upper_treatment", "an upper CI bound greater than the lower bound 14", "10"],
    ]);
    const { table } = await parse(text.split("\n").slice(0, 2).join("\n"));
    // √6·4/(2·t(0.975, 5)), t = 2.570581836
    expect(table!.rows[0]!.sd1i).toBeCloseTo((Math.sqrt(6) * 4) / (2 * 2.570581835636314), 8);
  });

  it("an SD missing with no SEM or CI is a problem", async () => {
    const { problems } = await parse(`${HEADER}\nA,10,,8,7,2.5,8\n`);
    expect(brief(problems)).toEqual([
      [2, "sd1i", "the treatment SD (or its SEM or 95% CI)", "an empty cell"],
    ]);
  });

  it("rows the user excludes are listed with their reason, not validated, not analysed", async () => {
    const text = `${HEADER},exclude\nA,10,2,8,7,2.5,8,\nB,x,3,10,7.5,2,9,duplicate animals\nC,11,3,10,7.5,2,9,yes\nD,11,3,10,7.5,2,9,no\n`;
    const { table, problems } = await parse(text);
    expect(problems).toEqual([]);
    expect(table!.rows.map((r) => r.study)).toEqual(["A", "D"]);
    expect(table!.excluded).toEqual([
      { row: 3, study: "B", reason: "duplicate animals" },
      { row: 4, study: "C", reason: 'marked in column "exclude"' },
    ]);
    expect(table!.notes).toContain("2 rows were excluded by the user: 3, 4.");
  });

  it("shared control groups must carry the same control arm", async () => {
    const text = `${HEADER},control_group\nA,10,2,8,7,2.5,8,c1\nB,11,3,10,7,2.5,8,c1\nC,12,3,10,7.2,2.5,8,c1\nD,12,3,10,7.2,2.5,8,\n`;
    const { problems } = await parse(text);
    expect(brief(problems)).toEqual([
      [
        4,
        "control_group",
        'the same control arm as row 2, which shares control group "c1" (m2i 7)',
        "m2i 7.2",
      ],
    ]);
    const ok = await parse(text.replace("7.2,2.5,8,c1", "7,2.5,8,c1"));
    expect(ok.table!.rows.map((r) => r.controlGroup)).toEqual(["c1", "c1", "c1", undefined]);
  });

  it("SYRCLE judgements yes/no/unclear become low/high/unclear", async () => {
    const text = `${HEADER},syrcle_1,rob_blinding_assessor\nA,10,2,8,7,2.5,8,yes,Unclear\nB,11,3,10,7.5,2,9,No,maybe\n`;
    const { problems } = await parse(text);
    expect(brief(problems)).toEqual([
      [
        3,
        "rob_blinding_assessor",
        "a SYRCLE judgement: yes (low risk), no (high risk) or unclear",
        '"maybe"',
      ],
    ]);
    const { table } = await parse(text.replace("maybe", "yes"));
    expect(table!.rows.map((r) => r.riskOfBias)).toEqual([
      { sequence_generation: "low", blinding_assessor: "unclear" },
      { sequence_generation: "high", blinding_assessor: "low" },
    ]);
    expect(table!.columns.riskOfBias).toEqual({
      sequence_generation: "syrcle_1",
      blinding_assessor: "rob_blinding_assessor",
    });
    // the raw judgements stay available as columns for --by and --mods
    expect(table!.rows[0]!.extra["syrcle_1"]).toBe("yes");
  });

  it("given effect sizes (GEN) with vi or sei; the measure is inferred", async () => {
    const { table, problems } = await parse("study,yi,vi,sei\nA,0.5,0.04,\nB,0.7,,0.3\nC,0.1,,\n");
    expect(brief(problems)).toEqual([
      [4, "vi", "a sampling variance (vi) or a standard error (sei)", "an empty cell"],
    ]);
    expect(table).toBeUndefined();
    const ok = await parse("study,yi,sei\nA,0.5,0.2\n");
    expect(ok.table!.rows[0]).toMatchObject({ yi: 0.5, sei: 0.2 });
  });

  it("ROM needs positive means; NMD needs a sham mean", async () => {
    const rom = await parse(`${HEADER}\nA,10,2,8,-7,2.5,8\n`, { measure: "ROM" });
    expect(brief(rom.problems)).toEqual([
      [2, "m2i", "a mean greater than 0 (ROM takes the log of the ratio of means)", "-7"],
    ]);
    const nmd = await parse(GOOD, { measure: "NMD" });
    expect(nmd.problems[0]!.expected).toMatch(/^a column for the sham mean/);
    const withSham = await parse(`${HEADER},sham_mean\nA,10,2,8,7,2.5,8,21\n`, { measure: "NMD" });
    expect(withSham.table!.rows[0]!.msham).toBe(21);
  });
});

describe("the bundled example", () => {
  it("reads the BBB file: 29 analysed, 1 excluded, every SYRCLE item, shared controls", async () => {
    const file = examples("sci-exosomes-bbb.simulated.csv");
    const { table, problems } = await parseStudyFile(
      new Uint8Array(readFileSync(file)),
      "sci-exosomes-bbb.simulated.csv",
    );
    expect(problems).toEqual([]);
    expect(table!.rows).toHaveLength(29);
    expect(table!.excluded).toHaveLength(1);
    expect(Object.keys(table!.columns.riskOfBias)).toHaveLength(10);
    expect(table!.columns.fields).toMatchObject({
      study: "study",
      cluster: "publication",
      year: "year",
      controlGroup: "control_group",
      msham: "sham_mean",
    });
    expect(new Set(table!.rows.map((r) => r.extra["dose"]))).toEqual(
      new Set(["100 µg", "120 µg", "200 µg", "not reported"]),
    );
    expect(new Set(table!.rows.map((r) => r.extra["route"]))).toEqual(
      new Set(["intravenous", "intrathecal", "local"]),
    );
    expect(table!.rows.filter((r) => r.controlGroup !== undefined).length).toBeGreaterThanOrEqual(
      4,
    );
    for (const r of table!.rows) {
      expect(r.n1i).toBeGreaterThanOrEqual(5);
      expect(r.n1i).toBeLessThanOrEqual(15);
      expect(r.m1i).toBeGreaterThanOrEqual(0);
      expect(r.m1i).toBeLessThanOrEqual(21);
    }
  });

  it("reads the IL-1β file, converting the SEMs", async () => {
    const file = examples("sci-exosomes-il1b.simulated.csv");
    const { table, problems } = await parseStudyFile(
      new Uint8Array(readFileSync(file)),
      "il1b.csv",
      { measure: "SMD" },
    );
    expect(problems).toEqual([]);
    expect(new Set(table!.rows.map((r) => r.extra["unit"]))).toEqual(new Set(["pg/mL", "ng/mL"]));
    expect(table!.notes.some((n) => n.startsWith("The treatment SD from the SEM"))).toBe(true);
  });

  it("reads PRISMA counts and checks that they add up", () => {
    const { counts, problems, warnings } = parsePrisma(
      readFileSync(examples("prisma.json"), "utf8"),
      "prisma.json",
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(counts!.identified - counts!.duplicatesRemoved).toBe(counts!.screened);
    const bad = parsePrisma(
      '{"identified": -1, "screened": "many", "fullTextExcluded": {"x": 1.5}}',
      "p.json",
    );
    expect(bad.problems.map((p) => p.column)).toEqual([
      "identified",
      "duplicatesRemoved",
      "screened",
      "excludedScreening",
      "fullTextAssessed",
      "included",
      "fullTextExcluded.x",
    ]);
  });

  it("reads the optional PRISMA counts and warns, in the diagram's words, when they do not add up", () => {
    const base = JSON.parse(readFileSync(examples("prisma.json"), "utf8"));
    const full = parsePrisma(
      JSON.stringify({
        ...base,
        identifiedDatabases: 400,
        identifiedRegisters: 86,
        notRetrieved: 0,
      }),
      "p.json",
    );
    expect(full.problems).toEqual([]);
    expect(full.warnings).toEqual([]);
    expect(full.counts).toMatchObject({ identifiedDatabases: 400, identifiedRegisters: 86 });
    const off = parsePrisma(
      JSON.stringify({ ...base, identifiedDatabases: 10, identifiedRegisters: 5, screened: 9999 }),
      "p.json",
    );
    expect(off.problems).toEqual([]);
    expect(off.warnings.length).toBeGreaterThanOrEqual(2);
    for (const w of off.warnings) expect(w).toMatch(/^PRISMA: /);
    expect(off.warnings.join(" ")).toMatch(/databases and registers/);
    const bad = parsePrisma(JSON.stringify({ ...base, notRetrieved: -2 }), "p.json");
    expect(bad.problems.map((p) => p.column)).toEqual(["notRetrieved"]);
  });

  it("reads PRISMA counts written inline, and names unknown counts", () => {
    const text =
      "identified=486,duplicatesRemoved=131,screened=355,excludedScreening=287,fullTextAssessed=68,fullTextExcluded.no control group=46,included=22";
    const { counts, problems, warnings } = parsePrismaPairs(text);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(counts!.fullTextExcluded).toEqual([{ reason: "no control group", n: 46 }]);
    const typo = parsePrismaPairs(`${text},identifed=3`);
    expect(brief(typo.problems)).toEqual([
      [
        null,
        "identifed",
        expect.stringMatching(/^one of the PRISMA counts/),
        'an unknown name "identifed"',
      ],
    ]);
    expect(parsePrismaPairs("identified")).toMatchObject({
      problems: [{ file: "--prisma", found: '"identified"' }],
    });
  });
});

describe("large files", () => {
  it("reads a 50 MB CSV and points at a bad cell near its end", async () => {
    // Within the row limit (100,000), so each row carries a long note.
    const note = "Data extracted from figure 3B with WebPlotDigitizer; SD from the SEM. ".repeat(7);
    const line = `Experiment 000000,10.123456,2.123456,12,7.123456,2.523456,11,intravenous,Sprague-Dawley,2019,${note}\n`;
    const count = Math.ceil((50 * 1024 * 1024) / line.length);
    expect(count).toBeLessThanOrEqual(100_000);
    const parts = [`${HEADER},route,strain,year,notes\n`];
    for (let i = 0; i < count; i++)
      parts.push(i === count - 3 ? line.replace("2.123456", "-2") : line);
    const data = bytes(parts.join(""));
    expect(data.length).toBeGreaterThan(50 * 1024 * 1024);
    const { problems } = await parseStudyFile(data, "big.csv");
    expect(brief(problems)).toEqual([[count - 1, "sd1i", "a number greater than 0", "-2"]]);
  });
});
