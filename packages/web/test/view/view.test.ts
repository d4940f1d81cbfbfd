import {
  type DataProblem,
  formatProblem,
  INPUT_FIELDS,
  INPUT_LIMITS,
  inferMeasure,
  CORRELATION_MEASURES as PIPELINE_CORRELATION_MEASURES,
  EGGER_PREDICTORS as PIPELINE_EGGER_PREDICTORS,
  TABLE_MEASURES as PIPELINE_TABLE_MEASURES,
  parseStudyFile,
  parseStudyText,
  resolveSettings,
  type StudyRow,
  type StudyTable,
} from "@pooled/pipeline";
import { describe, expect, it } from "vitest";
import type { AnalysisView, AnalyzeOutcome, ReportFile, Settings } from "../../src/api.js";
import {
  analysisTable,
  normaliseFiles,
  toAnalysisOptions,
} from "../../src/engine/pipeline-binding.js";
import {
  columnChoices,
  fileSizeProblem,
  isWorkbook,
  MAPPABLE_FIELDS,
  MAX_FILE_BYTES,
  sheetHint,
  sheetOptions,
} from "../../src/view/columns.js";
import {
  formatEstimate,
  formatHeterogeneity,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
} from "../../src/view/format.js";
import {
  errorToProblems,
  problemLine,
  problemList,
  shortValue,
  sortProblems,
  webWording,
} from "../../src/view/problems.js";
import {
  dataNotes,
  exportGroups,
  plotTabs,
  resamplingTables,
  resultTables,
  subgroupTables,
  tableToCsv,
} from "../../src/view/results.js";
import {
  availableMeasures,
  CORRELATION_MEASURES,
  chooseMeasure,
  DEFAULT_SETTINGS,
  describeExtraColumns,
  EGGER_PREDICTORS,
  MEASURE_GROUPS,
  MEASURES,
  METHODS,
  modelControls,
  moderatorCandidates,
  NO_RESAMPLING_MESSAGE,
  parseCount,
  publicationCandidates,
  publicationOptions,
  publicationValue,
  readSettings,
  type SettingsForm,
  settingsErrors,
  subgroupCandidates,
  TABLE_MEASURES,
  TESTS,
  tableHeaders,
} from "../../src/view/settings.js";
import {
  type AppState,
  applyProgress,
  INITIAL_STATE,
  pageView,
  progressView,
} from "../../src/view/state.js";

function row(i: number, extra: StudyRow["extra"]): StudyRow {
  return {
    row: i + 2,
    study: `S${i + 1}`,
    m1i: 10 + i,
    sd1i: 2,
    n1i: 8,
    m2i: 8,
    sd2i: 2,
    n2i: 8,
    extra,
  };
}

function rawTable(rows: StudyRow[], withSham = false): StudyTable {
  return {
    source: "data.csv",
    rows,
    columns: {
      fields: {
        study: "study",
        m1i: "mean_t",
        sd1i: "sd_t",
        n1i: "n_t",
        m2i: "mean_c",
        sd2i: "sd_c",
        n2i: "n_c",
        ...(withSham ? { msham: "sham" } : {}),
      },
      riskOfBias: { blinding_assessor: "rob7" },
    },
    excluded: [],
    notes: [],
  };
}

const form = (over: Partial<SettingsForm> = {}): SettingsForm => ({
  measure: "MD",
  method: "REML",
  test: "z",
  by: "",
  mods: [],
  permutations: "",
  bootstrap: "",
  seed: "1",
  ...over,
});

describe("format", () => {
  it("rounds and never prints NaN or -0", () => {
    expect(formatNumber(1.23456)).toBe("1.23");
    expect(formatNumber(-0.001)).toBe("0.00");
    expect(formatNumber(Number.NaN)).toBe("–");
    expect(formatNumber(null)).toBe("–");
    expect(formatNumber(2, 3)).toBe("2.000");
  });
  it("writes p-values as reviewers do", () => {
    expect(formatP(0.0004)).toBe("< 0.001");
    expect(formatP(0.0456)).toBe("0.046");
    expect(formatP(1)).toBe("1.000");
    expect(formatP(undefined)).toBe("–");
  });
  it("formats percentages and intervals", () => {
    expect(formatPercent(56.789)).toBe("56.8%");
    expect(formatInterval(-1.234, 5.678)).toBe("[-1.23, 5.68]");
  });
  it("builds the pooled-estimate line from the model", () => {
    const model = {
      k: 30,
      estimate: 2.3456,
      se: 0.5,
      ciLower: 1.3656,
      ciUpper: 3.3256,
      p: 0.00001,
      tau2: 1.5,
      I2: 62.34,
      H2: 2.65,
      Q: 80.1,
      Qp: 0.000002,
    };
    expect(formatEstimate(model, "MD")).toBe("MD 2.35 [1.37, 3.33], p < 0.001 (k = 30)");
    expect(formatEstimate({ ...model, p: 0.0421 }, "SMD")).toBe(
      "SMD 2.35 [1.37, 3.33], p = 0.042 (k = 30)",
    );
    expect(formatHeterogeneity(model)).toBe(
      "τ² = 1.500; I² = 62.3%; H² = 2.65; Q(29) = 80.10, p < 0.001",
    );
    expect(formatHeterogeneity({ ...model, tau2: null, H2: null })).toBe(
      "I² = 62.3%; Q(29) = 80.10, p < 0.001",
    );
  });
});

describe("problems", () => {
  const problems: DataProblem[] = [
    {
      file: "bad.csv",
      row: 7,
      column: "sd_control",
      expected: "a number greater than 0",
      found: "-3",
    },
    {
      file: "bad.csv",
      row: 3,
      column: "n_treatment",
      expected: "a whole number of at least 2",
      found: "one",
    },
    {
      file: "bad.csv",
      row: null,
      column: "mean_control",
      expected: "a column for the control mean",
    },
    { file: "bad.csv", row: 3, column: "mean_treatment", expected: "a number", found: "" },
  ];
  it("names row and column, what was expected and what was found", () => {
    expect(problemLine(problems[0]!)).toEqual({
      where: "Row 7, column “sd_control”",
      what: "expected a number greater than 0; found “-3”",
      row: 7,
      column: "sd_control",
    });
    expect(problemLine(problems[3]!).what).toBe("expected a number; found an empty cell");
    expect(
      problemLine({
        file: "x",
        row: null,
        column: null,
        expected: "a header row and at least one data row",
      }),
    ).toEqual({
      where: "File",
      what: "expected a header row and at least one data row",
      row: null,
      column: null,
    });
  });
  it("sorts file-level problems first, then by row and column", () => {
    const sorted = sortProblems(problems).map((p) => `${p.row}:${p.column}`);
    expect(sorted).toEqual([
      "null:mean_control",
      "3:mean_treatment",
      "3:n_treatment",
      "7:sd_control",
    ]);
  });
  it("heads the list with the count and the file", () => {
    const list = problemList(problems, "bad.csv");
    expect(list.heading).toBe("4 problems in bad.csv: nothing was analysed");
    expect(list.lines).toHaveLength(4);
    expect(problemList(problems.slice(0, 1), "bad.csv").heading).toBe(
      "1 problem in bad.csv: nothing was analysed",
    );
  });
  it("shortens long or multi-line found values", () => {
    expect(shortValue("a\nb")).toBe("“a b”");
    expect(shortValue('"eleven"')).toBe("“eleven”");
    expect(shortValue("x".repeat(200))).toBe(`“${"x".repeat(157)}…”`);
    expect(
      problemLine({ file: "f", row: 1, column: null, expected: "a column for the control n" })
        .where,
    ).toBe("Header row");
  });
  it("turns thrown errors into problem lists, keeping structured ones", () => {
    expect(errorToProblems(new Error("REML did not converge"), "d.csv")).toEqual([
      { file: "d.csv", row: null, column: null, expected: "REML did not converge" },
    ]);
    expect(errorToProblems({ problems: problems.slice(0, 1) }, "d.csv")).toEqual(
      problems.slice(0, 1),
    );
    const statsError = {
      errors: [{ location: { study: "S3", field: "sd1i", value: -1 }, expected: "a positive SD" }],
    };
    expect(errorToProblems(statsError, "d.csv")).toEqual([
      {
        file: "d.csv",
        row: null,
        column: "sd1i",
        expected: "study “S3”: expected a positive SD",
        found: "-1",
      },
    ]);
    expect(errorToProblems(undefined, "d.csv")[0]!.expected).toBe("the analysis failed");
    expect(problemLine(errorToProblems(new Error("REML did not converge"), "d.csv")[0]!).what).toBe(
      "REML did not converge",
    );
  });
});

describe("problems, worded for the page", () => {
  const flagOf = /--[a-z]/;
  const lines = (csv: string, options: Parameters<typeof parseStudyText>[2] = {}) =>
    problemList(parseStudyText(csv, "data.csv", options).problems, "data.csv").lines;

  it("points a decimal-comma file at the checkbox, not at --decimal-comma", () => {
    // The pipeline's own messages, from a semicolon file with decimal commas.
    const csv = "study;m1i;sd1i;n1i;m2i;sd2i;n2i\nA;10,5;2,1;8;8,2;2;8\nB;11;2;10;8;2;10\n";
    const raw = parseStudyText(csv, "data.csv").problems;
    expect(raw.some((p) => p.expected.includes("--decimal-comma"))).toBe(true);
    const shown = lines(csv);
    expect(shown.length).toBe(raw.length);
    for (const line of shown) {
      expect(line.what).not.toMatch(flagOf);
      expect(line.what).toMatch(/tick “Decimal comma \(3,5\)” in the Data panel/);
    }
    expect(shown[0]).toMatchObject({ where: "Row 2, column “m1i”", row: 2, column: "m1i" });
    expect(shown[0]!.what).toBe(
      "expected a number (this looks like a decimal comma: tick “Decimal comma (3,5)” in the Data panel); found “10,5”",
    );
    // With the box ticked, a decimal point is the mistake, and the message says the box is ticked.
    const ticked = lines("study;m1i;sd1i;n1i;m2i;sd2i;n2i\nA;10.5;2;8;8;2;8\nB;11;2;10;8;2;10\n", {
      decimalComma: true,
    });
    expect(ticked.map((l) => l.what)).toEqual([
      "expected a number (“Decimal comma (3,5)” is ticked, so write 3,5 rather than 3.5); found “10.5”",
    ]);
  });

  it("sends --map advice to the Columns panel", () => {
    // Two columns both named as the treatment mean.
    const shown = lines("study,m1i,mean_treatment,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,1,8,0,1,8\n");
    const ambiguous = shown.find((l) => /one column for m1i/.test(l.what));
    expect(ambiguous?.what).toMatch(/an explicit choice for m1i in the Columns panel/);
    for (const line of shown) expect(line.what).not.toMatch(flagOf);
  });

  it("rewords every CLI flag a message may name, and leaves other text alone", () => {
    expect(webWording("a sheet with data (use --sheet 2)")).toBe(
      "a sheet with data (choose the sheet)",
    );
    expect(webWording("see --sheet")).toBe("see the Sheet choice in the Data panel");
    expect(webWording('field=column, e.g. --map m1i="Mean T"')).toBe(
      "field=column, e.g. the Columns panel",
    );
    expect(webWording("a column named “dose” (--by)")).toBe("a column named “dose” (Subgroups by)");
    // The pipeline's messages about publications and the three-level model.
    expect(
      webWording(
        "a publication column for --model three-level: name it with --cluster <column>, or call it publication",
      ),
    ).toBe(
      "a publication column for the three-level model: choose it under “Publication column” in the Settings, or call it publication",
    );
    expect(webWording('a column named "lab" for --cluster; the columns are: a, b')).toBe(
      'a column named "lab" for the Publication column setting; the columns are: a, b',
    );
    expect(webWording("--method REML or ML with --model three-level (as rma.mv)")).toBe(
      "REML or ML as the Method of the three-level model (as rma.mv)",
    );
    expect(webWording("a number from -3 to 3 -- or NA")).toBe("a number from -3 to 3 -- or NA");
  });
});

describe("columns and reading options", () => {
  it("lets every input field of the pipeline be mapped, SEM, CI bounds and exclude included", () => {
    const fields = MAPPABLE_FIELDS.map((f) => f.field);
    expect(new Set(fields).size).toBe(fields.length);
    expect([...fields].sort()).toEqual([...INPUT_FIELDS].sort());
    for (const f of ["sem1i", "sem2i", "ci1lb", "ci1ub", "ci2lb", "ci2ub", "exclude"] as const)
      expect(fields).toContain(f);
    // Each arm's spread sits between its mean and its n.
    expect(fields.slice(1, 7)).toEqual(["m1i", "sd1i", "sem1i", "ci1lb", "ci1ub", "n1i"]);
  });

  it("shows the columns the pipeline uses: detection, then the reader's choices, then the table", () => {
    const detected = { study: "study", m1i: "mean_t", sem1i: "sem_t", exclude: "exclude" };
    expect(columnChoices(detected)).toEqual(detected);
    // Un-mapping, choosing another header, and a header taken from the field it was detected for.
    expect(
      columnChoices(detected, { exclude: null, sd1i: "sem_t", m1i: "mean_t" }, { n1i: "n_t" }),
    ).toEqual({ study: "study", m1i: "mean_t", sd1i: "sem_t", n1i: "n_t" });
    // The table's mapping of the study fields wins (it is what was read).
    expect(columnChoices({ study: "name" }, {}, { study: "study" })).toEqual({ study: "study" });
  });

  it("refuses a file past the pipeline's size limit before reading it, in the pipeline's words", async () => {
    expect(MAX_FILE_BYTES).toBe(INPUT_LIMITS.fileBytes);
    expect(fileSizeProblem("big.csv", MAX_FILE_BYTES)).toBeNull();
    expect(fileSizeProblem("small.csv", 10)).toBeNull();
    const problem = fileSizeProblem("big.csv", MAX_FILE_BYTES + 1);
    expect(problem).toEqual({
      file: "big.csv",
      row: null,
      column: null,
      expected: "a file of at most 128 MB (Pooled's limit)",
      found: "128.0 MB",
    });
    // The same problem the pipeline gives (past the limit, without reading a byte here).
    const huge = fileSizeProblem("huge.csv", 300.5 * 1024 * 1024) as DataProblem;
    expect(formatProblem(huge)).toBe(
      "huge.csv: expected a file of at most 128 MB (Pooled's limit), found 300.5 MB",
    );
    const pipeline = await parseStudyFile(new Uint8Array(MAX_FILE_BYTES + 1), "big.csv");
    expect(pipeline.problems).toEqual([problem]);
    expect(problemList([huge], "huge.csv").lines.map((l) => [l.where, l.what])).toEqual([
      ["File", expect.stringMatching(/at most 128 MB.*300\.5 MB/)],
    ]);
  });

  it("recognises a workbook as the pipeline does, and lists its sheets by number and name", () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]);
    const text = new TextEncoder().encode("study,yi");
    expect(isWorkbook("data.xlsx", text)).toBe(true);
    expect(isWorkbook("DATA.XLSM", text)).toBe(true);
    expect(isWorkbook("data.csv", text)).toBe(false);
    expect(isWorkbook("download", zip)).toBe(true);
    expect(isWorkbook("data.json", zip)).toBe(false);
    expect(sheetOptions(["notes", "data"])).toEqual([
      { value: "notes", label: "1. notes" },
      { value: "data", label: "2. data" },
    ]);
  });

  it("says which sheet was read when a workbook of several sheets fails", () => {
    expect(sheetHint(["Sheet1"], "")).toBeNull();
    expect(sheetHint([], "")).toBeNull();
    expect(sheetHint(["notes", "data"], "")).toBe(
      "This workbook has 2 sheets (1. “notes”, 2. “data”); sheet “notes” was read. If the studies are on another sheet, choose it under “Sheet” in the Data panel.",
    );
    expect(sheetHint(["notes", "data"], "data")).toMatch(/sheet “data” was read/);
  });
});

describe("settings", () => {
  const rows = Array.from({ length: 6 }, (_, i) =>
    row(i, {
      dose: [100, 120, 200][i % 3]!,
      route: i % 2 === 0 ? "iv" : "ip",
      note: `n${i}`,
      constant: "x",
      weight_g: 250 + i * 3.5,
    }),
  );
  const table = rawTable(rows);

  it("offers the measures the columns allow", () => {
    expect(availableMeasures(table)).toEqual(["MD", "SMD", "SMDH", "ROM"]);
    expect(availableMeasures(rawTable(rows, true))).toContain("NMD");
    const generic: StudyTable = {
      ...table,
      rows: rows.map((r, i) => ({ row: r.row, study: r.study, yi: 0.1 * i, sei: 0.2, extra: {} })),
      columns: { fields: { study: "study", yi: "yi", sei: "se" }, riskOfBias: {} },
    };
    expect(availableMeasures(generic)).toEqual(["GEN"]);
    expect(chooseMeasure(generic, "MD")).toBe("GEN");
    expect(chooseMeasure(table, "SMD")).toBe("SMD");
  });

  it("offers the arm measures for medians with quartiles (means and SDs the pipeline derived)", async () => {
    const csv = [
      "study,median_treatment,q1_treatment,q3_treatment,n_treatment,median_control,q1_control,q3_control,n_control",
      "A,10,8,12,10,8,6,10,10",
      "B,11,9,13,12,8.5,7,10,12",
      "C,9,7,12,8,8,6,9,8",
    ].join("\n");
    const read = await parseStudyFile(new TextEncoder().encode(csv), "medians.csv");
    expect(read.problems).toEqual([]);
    // No mean or SD column: the pipeline derives them per row from the median and quartiles.
    expect(read.table!.columns.fields.m1i).toBeUndefined();
    expect(availableMeasures(read.table!)).toEqual(["MD", "SMD", "SMDH", "ROM"]);
  });
  it("describes extra columns and proposes subgroups and moderators", () => {
    const info = describeExtraColumns(table);
    expect(info.find((c) => c.name === "dose")).toEqual({
      name: "dose",
      kind: "numeric",
      levels: 3,
      filled: 6,
    });
    expect(info.find((c) => c.name === "route")?.kind).toBe("categorical");
    // note: one level per row, constant: one level, weight_g: too many numeric levels.
    expect(subgroupCandidates(table)).toEqual(["dose", "route"]);
    expect(moderatorCandidates(table)).toEqual(["dose", "route", "note", "weight_g"]);
    expect(tableHeaders(table).slice(0, 3)).toEqual(["study", "mean_t", "sd_t"]);
    expect(tableHeaders(table)).toContain("rob7");
    expect(tableHeaders(table)).toContain("weight_g");
  });
  it("offers the year and risk-of-bias items as subgroups and moderators too", () => {
    const judged = rows.map((r, i) => ({
      ...r,
      year: 2010 + i,
      riskOfBias: { blinding_assessor: i % 2 === 0 ? ("low" as const) : ("unclear" as const) },
    }));
    const t: StudyTable = {
      ...table,
      rows: judged,
      columns: { ...table.columns, fields: { ...table.columns.fields, year: "Year" } },
    };
    expect(moderatorCandidates(t)).toEqual(["dose", "route", "note", "weight_g", "Year", "rob7"]);
    expect(subgroupCandidates(t)).toEqual(["dose", "route", "rob7"]);
  });
  it("reads the form into the CLI's settings", () => {
    expect(readSettings(form())).toEqual({ ok: true, settings: { ...DEFAULT_SETTINGS } });
    const read = readSettings(
      form({
        measure: "SMD",
        method: "DL",
        test: "knha",
        by: "route",
        mods: ["dose", "route"],
        bootstrap: "10,000",
        permutations: "exact",
        seed: "42",
      }),
    );
    expect(read).toEqual({
      ok: true,
      settings: {
        measure: "SMD",
        method: "DL",
        test: "knha",
        by: "route",
        mods: ["dose"],
        permutations: "exact",
        bootstrap: 10000,
        seed: 42,
        forestSort: "input",
        model: "standard",
        add: 0.5,
        to: "only0",
        drop00: null,
        eggerPredictor: "sei",
        trimfillEstimator: "L0",
        trimfillSide: null,
        vtype: "LS",
        correctBias: true,
        legacySmdhVariance: false,
        forestColumns: [],
        favours: null,
        bootstrapType: "case",
        predict: [],
        gosh: null,
      },
    });
    const sorted = readSettings(form({ forestSort: "weight" }));
    expect(sorted.ok && sorted.settings.forestSort).toBe("weight");
  });
  it("reports every bad value with its control", () => {
    const read = readSettings(
      form({
        measure: "HR",
        bootstrap: "many",
        permutations: "-5",
        seed: "1.5",
        forestSort: "size",
      }),
    );
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.errors.map((e) => e.field)).toEqual([
        "measure",
        "permutations",
        "bootstrap",
        "seed",
        "forestSort",
      ]);
  });
  it("re-checks the resampling fields as they are corrected", () => {
    const bad = settingsErrors(form({ bootstrap: "many", seed: "-1" }));
    expect(bad.invalid).toEqual(["bootstrap", "seed"]);
    expect(bad.message).toBe(
      "bootstrap: a whole number of replicates from 100 to 1,000,000 (fewer than 100 replicates cannot place a 95% interval; 1000 or more are recommended). seed: a whole number of 0 or more",
    );
    // One value corrected: only the other one is still reported.
    expect(settingsErrors(form({ bootstrap: "200", seed: "-1" }))).toEqual({
      message: "seed: a whole number of 0 or more",
      zeroCellMessage: "",
      predictMessage: "",
      invalid: ["seed"],
    });
    expect(settingsErrors(form({ bootstrap: "200", seed: "7" }))).toEqual({
      message: "",
      zeroCellMessage: "",
      predictMessage: "",
      invalid: [],
    });
    // Run with nothing to resample asks for a count; typing one clears it.
    expect(settingsErrors(form(), { forRun: true }).message).toBe(NO_RESAMPLING_MESSAGE);
    expect(settingsErrors(form(), { forRun: false }).message).toBe("");
    expect(settingsErrors(form({ permutations: "exact" }), { forRun: true }).message).toBe("");
  });

  it("reads the model and the publication column as the CLI's --model and --cluster", () => {
    const read = (over: Partial<SettingsForm>) => {
      const r = readSettings(form(over));
      return r.ok ? r.settings : r.errors.map((e) => e.field);
    };
    // Detected column: no --cluster (the pipeline's default); none: null; another column: its header.
    expect(read({ model: "three-level" })).toEqual({ ...DEFAULT_SETTINGS, model: "three-level" });
    expect(read({ cluster: "none" })).toMatchObject({ cluster: null });
    expect(read({ cluster: publicationValue("lab id") })).toMatchObject({ cluster: "lab id" });
    expect(read({ cluster: publicationValue("none") })).toMatchObject({ cluster: "none" });
    expect(publicationValue(undefined)).toBe("");
    expect(publicationValue(null)).toBe("none");
    // The three-level model takes REML or ML only, and needs a publication column.
    expect(read({ model: "three-level", method: "ML" })).toMatchObject({ method: "ML" });
    expect(read({ model: "three-level", method: "DL" })).toEqual(["method"]);
    expect(read({ model: "three-level", cluster: "none" })).toEqual(["cluster"]);
    expect(read({ model: "four-level" })).toEqual(["model"]);
  });
  it("offers the publication column, the other text columns and none", () => {
    const withPublication: StudyTable = {
      ...table,
      rows: rows.map((r, i) => ({ ...r, cluster: `P${i >> 1}`, extra: { ...r.extra, lab: i } })),
      columns: { ...table.columns, fields: { ...table.columns.fields, cluster: "paper" } },
    };
    // Text and whole-number columns (ids); not measurements with decimals, the year or RoB items.
    expect(publicationCandidates(withPublication)).toEqual([
      "paper",
      "dose",
      "route",
      "note",
      "constant",
      "lab",
    ]);
    const options = publicationOptions(withPublication);
    expect(options[0]).toEqual({ value: "", label: "paper (detected)" });
    expect(options.at(-1)).toEqual({ value: "none", label: "(none: experiments independent)" });
    expect(options.map((o) => o.value)).toContain("column:route");
    // Without a recognised column the default is none, and other columns can still be chosen.
    expect(publicationOptions(table)[0]).toEqual({ value: "", label: "(none detected)" });
    expect(publicationOptions(table).map((o) => o.value)).not.toContain("none");
  });
  it("keeps the model and estimator consistent, restoring the reader's estimator", () => {
    const toThree = modelControls({
      model: "three-level",
      method: "DL",
      hasPublications: true,
      methodBefore: null,
    });
    expect(toThree).toMatchObject({ model: "three-level", method: "REML", methodBefore: "DL" });
    expect(toThree.disabledMethods).toEqual(METHODS.filter((m) => m !== "REML" && m !== "ML"));
    expect(toThree.methodHint).toMatch(/REML or ML only, so the estimator is now REML/);
    // Back to standard: the estimator the three-level model replaced comes back...
    const back = modelControls({ ...toThree, model: "standard", hasPublications: true });
    expect(back).toMatchObject({ method: "DL", methodBefore: null, disabledMethods: [] });
    expect(back.methodHint).toBe("");
    // ...unless the reader chose another one meanwhile.
    expect(
      modelControls({ model: "standard", method: "ML", hasPublications: true, methodBefore: "DL" })
        .method,
    ).toBe("ML");
    // No publication column: three-level cannot be chosen, and says why.
    const none = modelControls({
      model: "three-level",
      method: "REML",
      hasPublications: false,
      methodBefore: null,
    });
    expect(none).toMatchObject({ model: "standard", threeLevelAvailable: false });
    expect(none.modelHint).toMatch(/needs a publication column/);
  });

  it("parses replicate counts written in common ways", () => {
    expect(parseCount("1e4")).toBe(10000);
    expect(parseCount("10 000")).toBe(10000);
    expect(parseCount("0")).toBeNull();
    expect(parseCount("2.5")).toBeNull();
    expect(parseCount("2000000")).toBeNull();
    expect(parseCount("99", 100)).toBeNull();
    expect(parseCount("100", 100)).toBe(100);
  });
  it("refuses fewer than 100 bootstrap replicates, as the CLI's --bootstrap", () => {
    const few = readSettings(form({ bootstrap: "99" }));
    expect(few).toEqual({
      ok: false,
      errors: [
        {
          field: "bootstrap",
          message:
            "bootstrap: a whole number of replicates from 100 to 1,000,000 (fewer than 100 replicates cannot place a 95% interval; 1000 or more are recommended)",
        },
      ],
    });
    expect(settingsErrors(form({ bootstrap: "10" })).invalid).toEqual(["bootstrap"]);
    for (const [text, n] of [
      ["100", 100],
      ["1,000,000", 1_000_000],
    ] as const) {
      const read = readSettings(form({ bootstrap: text }));
      expect(read.ok && read.settings.bootstrap).toBe(n);
    }
    expect(readSettings(form({ bootstrap: "1000001" })).ok).toBe(false);
    // Empty or 0 still mean no bootstrap; permutations keep their own minimum.
    const off = readSettings(form({ bootstrap: "0", permutations: "50" }));
    expect(off.ok && [off.settings.bootstrap, off.settings.permutations]).toEqual([null, 50]);
  });
  it("maps settings to the pipeline's options with the CLI's names", () => {
    expect(toAnalysisOptions(DEFAULT_SETTINGS)).toEqual({
      measure: "MD",
      method: "REML",
      test: "z",
      seed: 1,
    });
    expect(
      toAnalysisOptions({
        ...DEFAULT_SETTINGS,
        by: "dose",
        mods: ["route"],
        bootstrap: 500,
        permutations: "exact",
      }),
    ).toEqual({
      measure: "MD",
      method: "REML",
      test: "z",
      seed: 1,
      by: "dose",
      mods: ["route"],
      bootstrap: 500,
      permutations: "exact",
    });
    expect(
      toAnalysisOptions({ ...DEFAULT_SETTINGS, model: "three-level", cluster: "paper" }),
    ).toMatchObject({ model: "three-level", cluster: "paper" });
    // None is not an option of the pipeline's: the table is read without the column instead.
    expect(toAnalysisOptions({ ...DEFAULT_SETTINGS, cluster: null })).not.toHaveProperty("cluster");
  });
  it("reads the table without its publication column when none is chosen (--map cluster=)", () => {
    const t: StudyTable = {
      source: "p.csv",
      rows: [{ row: 2, study: "A", yi: 1, vi: 0.1, cluster: "P1", extra: {} }],
      columns: { fields: { study: "study", yi: "yi", vi: "vi", cluster: "paper" }, riskOfBias: {} },
      excluded: [],
      notes: [],
    };
    const none = analysisTable(t, { cluster: null });
    expect(none.columns.fields).toEqual({ study: "study", yi: "yi", vi: "vi" });
    expect(none.rows[0]).not.toHaveProperty("cluster");
    expect(t.columns.fields.cluster).toBe("paper");
    expect(analysisTable(t, {})).toBe(t);
    expect(analysisTable(t, { cluster: "other" })).toBe(t);
  });
});

describe("settings for event counts and correlations", () => {
  const counts: StudyTable = {
    source: "deaths.csv",
    rows: [{ row: 2, study: "A", ai: 2, n1i: 10, ci: 4, n2i: 10, extra: {} }],
    columns: {
      fields: {
        study: "study",
        ai: "deaths_treatment",
        n1i: "n_treatment",
        ci: "deaths_control",
        n2i: "n_control",
      },
      riskOfBias: {},
    },
    excluded: [],
    notes: [],
  };
  const correlations: StudyTable = {
    ...counts,
    rows: [{ row: 2, study: "A", ri: 0.3, ni: 40, extra: {} }],
    columns: { fields: { study: "study", ri: "r", ni: "n" }, riskOfBias: {} },
  };

  it("lists the pipeline's measures and predictors, grouped by what the file holds", () => {
    expect(MEASURE_GROUPS.map((g) => g.label)).toEqual([
      "Continuous (means and SDs)",
      "Event counts (2×2 tables)",
      "Correlations",
      "Given effect sizes",
    ]);
    expect(TABLE_MEASURES).toEqual(PIPELINE_TABLE_MEASURES);
    expect(CORRELATION_MEASURES).toEqual(PIPELINE_CORRELATION_MEASURES);
    expect(EGGER_PREDICTORS).toEqual(PIPELINE_EGGER_PREDICTORS);
    expect(new Set(MEASURES).size).toBe(12);
  });

  it("offers the measures the counts or correlations allow, defaulting to what the file implies", () => {
    expect(availableMeasures(counts)).toEqual(["OR", "RR", "RD", "PETO"]);
    expect(availableMeasures(correlations)).toEqual(["ZCOR", "COR"]);
    const fourCells: StudyTable = {
      ...counts,
      columns: {
        fields: { study: "study", ai: "ai", bi: "bi", ci: "ci", di: "di" },
        riskOfBias: {},
      },
    };
    expect(availableMeasures(fourCells)).toEqual(["OR", "RR", "RD", "PETO"]);
    // The pipeline's inference decides once the reader's measure does not fit the file.
    const inferred = inferMeasure(counts.columns.fields);
    expect(inferred).toBe("OR");
    expect(chooseMeasure(counts, "MD", inferred)).toBe("OR");
    expect(chooseMeasure(counts, "RR", inferred)).toBe("RR");
    expect(chooseMeasure(correlations, "OR", inferMeasure(correlations.columns.fields))).toBe(
      "ZCOR",
    );
  });

  it("refuses exactly the combinations the pipeline refuses (MH, Peto, the three-level model, tests)", () => {
    const disagreements: string[] = [];
    for (const measure of MEASURES)
      for (const method of METHODS)
        for (const test of TESTS)
          for (const model of ["standard", "three-level"] as const) {
            const page = readSettings(form({ measure, method, test, model })).ok;
            let pipeline = true;
            try {
              resolveSettings(counts, { measure, method, test, model });
            } catch {
              pipeline = false;
            }
            if (page !== pipeline)
              disagreements.push(`${measure} ${method} ${test} ${model}: page ${page}`);
          }
    expect(disagreements).toEqual([]);
  });

  it("reads the zero-cell rules for event counts only, as the CLI's --add, --to and --drop00", () => {
    const read = (over: Partial<SettingsForm>) => {
      const r = readSettings(form({ measure: "OR", ...over }));
      return r.ok ? r.settings : r.errors.map((e) => e.field);
    };
    expect(read({})).toMatchObject({ add: 0.5, to: "only0", drop00: null });
    expect(read({ add: "0.25", to: "all", drop00: "keep" })).toMatchObject({
      add: 0.25,
      to: "all",
      drop00: false,
    });
    expect(read({ add: "", drop00: "drop" })).toMatchObject({ add: 0.5, drop00: true });
    expect(read({ add: "0" })).toMatchObject({ add: 0 });
    for (const bad of ["-1", "half", "2e6", "0,5"]) expect(read({ add: bad })).toEqual(["add"]);
    expect(read({ to: "some" })).toEqual(["to"]);
    // Hidden for other measures: whatever the fields hold, the defaults stand.
    expect(readSettings(form({ measure: "MD", add: "-1" }))).toMatchObject({
      ok: true,
      settings: { add: 0.5, to: "only0", drop00: null },
    });
    const shown = settingsErrors(form({ measure: "OR", add: "-1" }));
    expect(shown).toEqual({
      message: "",
      zeroCellMessage: "continuity correction: a number of 0 or more, e.g. 0.5",
      predictMessage: "",
      invalid: ["add"],
    });
    // The pipeline refuses what the page refuses.
    expect(() => resolveSettings(counts, { measure: "OR", add: -1 })).toThrow();
    expect(() => resolveSettings(counts, { measure: "OR", add: 2e6 })).toThrow();
    expect(read({ eggerPredictor: "ninv" })).toMatchObject({ eggerPredictor: "ninv" });
    expect(read({ eggerPredictor: "n" })).toEqual(["eggerPredictor"]);
  });

  it("passes the zero-cell rules to the pipeline for event counts only, the CLI's defaults left out", () => {
    const or: Settings = { ...DEFAULT_SETTINGS, measure: "OR", method: "MH" };
    expect(toAnalysisOptions(or)).toEqual({ measure: "OR", method: "MH", test: "z", seed: 1 });
    expect(
      toAnalysisOptions({ ...or, add: 0.25, to: "all", drop00: false, eggerPredictor: "ninv" }),
    ).toEqual({
      measure: "OR",
      method: "MH",
      test: "z",
      seed: 1,
      add: 0.25,
      to: "all",
      drop00: false,
      eggerPredictor: "ninv",
    });
    // Never for other measures (the pipeline refuses --add with --measure MD).
    expect(toAnalysisOptions({ ...DEFAULT_SETTINGS, add: 0.25, drop00: true })).toEqual({
      measure: "MD",
      method: "REML",
      test: "z",
      seed: 1,
    });
  });

  it("offers Mantel-Haenszel and Peto for event counts only, with the z test, and gives the reader's method back", () => {
    const base = { model: "standard" as const, hasPublications: false, methodBefore: null };
    const or = modelControls({ ...base, method: "MH", measure: "OR", test: "knha" });
    expect(or).toMatchObject({ method: "MH", test: "z", disabledTests: ["knha"], zeroCells: true });
    expect(or.disabledMethods).toEqual([]);
    expect(or.testHint).toBe("Mantel-Haenszel has a z test only, so the test is now z.");
    expect(or.methodHint).toMatch(/no τ² and no prediction interval/);
    expect(modelControls({ ...base, method: "MH", measure: "RR" }).disabledMethods).toEqual([
      "PETO",
    ]);
    expect(modelControls({ ...base, method: "REML", measure: "PETO" }).disabledMethods).toEqual([
      "MH",
    ]);
    // A continuous measure: MH becomes REML, and comes back with event counts.
    const md = modelControls({ ...base, method: "MH", measure: "MD" });
    expect(md).toMatchObject({ method: "REML", methodBefore: "MH", zeroCells: false });
    expect(md.disabledMethods).toEqual(["MH", "PETO"]);
    expect(md.methodHint).toMatch(/pools OR, RR, RD only, not MD, so the estimator is now REML/);
    const back = modelControls({ ...md, model: "standard", hasPublications: false, measure: "OR" });
    expect(back).toMatchObject({ method: "MH", methodBefore: null });
    // The three-level model takes REML or ML only, event counts or not.
    const three = modelControls({
      model: "three-level",
      method: "MH",
      hasPublications: true,
      methodBefore: null,
      measure: "OR",
    });
    expect(three).toMatchObject({ method: "REML", methodBefore: "MH" });
    expect(three.disabledMethods).toContain("MH");
    expect(three.disabledMethods).toContain("PETO");
  });

  it("maps the count and correlation columns under plain names", () => {
    const label = (f: string) => MAPPABLE_FIELDS.find((m) => m.field === f)?.label;
    expect(["ai", "bi", "ci", "di", "ri", "ni"].map(label)).toEqual([
      "Treatment events",
      "Treatment non-events",
      "Control events",
      "Control non-events",
      "Correlation (r)",
      "Correlation sample size",
    ]);
  });
});

const analysis: AnalysisView = {
  settings: { measure: "MD", method: "REML", test: "z" },
  studies: [
    { study: "A", yi: 1, vi: 0.25, weight: 60 },
    { study: "B", yi: 2, vi: 1, weight: 40 },
  ],
  model: {
    k: 2,
    estimate: 1.4,
    se: 0.4,
    ciLower: 0.616,
    ciUpper: 2.184,
    p: 0.0005,
    tau2: 0,
    I2: 0,
    H2: 1,
    Q: 0.8,
    Qp: 0.371,
    piLower: 0.616,
    piUpper: 2.184,
  },
  subgroups: {
    groups: [
      {
        level: "iv",
        k: 1,
        estimate: 1,
        se: 0.5,
        ciLower: 0.02,
        ciUpper: 1.98,
        p: 0.045,
        tau2: 0,
        I2: 0,
        H2: 1,
        Q: 0,
        Qp: 1,
      },
      {
        level: "ip",
        k: 1,
        estimate: 2,
        se: 1,
        ciLower: 0.04,
        ciUpper: 3.96,
        p: 0.045,
        tau2: 0,
        I2: 0,
        H2: 1,
        Q: 0,
        Qp: 1,
      },
    ],
    tests: [
      { type: "separate-tau2", Q: 0.8, df: 1, p: 0.371 },
      { type: "common-tau2", Q: 0.8, df: 1, p: 0.371 },
    ],
  },
};

describe("results", () => {
  it("lists tables in reading order with rounded cells", () => {
    const tables = resultTables(analysis);
    expect(tables.map((t) => t.id)).toEqual([
      "heterogeneity",
      "subgroups",
      "subgroup-tests",
      "studies",
    ]);
    expect(tables[0]!.rows).toContainEqual(["95% prediction interval", "[0.62, 2.18]"]);
    expect(tables[1]!.rows[0]).toEqual([
      "iv",
      "1",
      "1.00",
      "[0.02, 1.98]",
      "0.045",
      "0.0000",
      "0.0%",
    ]);
    expect(tables[2]!.rows[0]![0]).toMatch(/Separate/);
    // Study CI from yi ± 1.96·sqrt(vi): 1 ± 0.98.
    expect(tables[3]!.rows[0]).toEqual(["A", "1.00", "[0.02, 1.98]", "60.0%"]);
  });
  it("a subgroup whose model could not be fitted shows dashes, the others their numbers", () => {
    const [iv, ip] = analysis.subgroups!.groups;
    const failed = { ...ip!, estimate: null, se: null, ciLower: null, ciUpper: null, p: null };
    const [groups] = subgroupTables({
      ...analysis,
      subgroups: { ...analysis.subgroups!, groups: [iv!, { ...failed, tau2: null, I2: null }] },
    });
    expect(groups!.rows[1]).toEqual(["ip", "1", "–", "[–, –]", "–", "–", "–"]);
    expect(groups!.rows[0]![2]).toBe("1.00");
  });
  it("shows bootstrap intervals and permutation p-values", () => {
    const interval = (e: number, l: number, u: number) => ({
      estimate: e,
      percentileLower: l,
      percentileUpper: u,
      bcaLower: l - 0.01,
      bcaUpper: u + 0.01,
    });
    const tables = resamplingTables({
      ...analysis,
      bootstrap: {
        seed: 7,
        iterations: 2000,
        type: "case",
        estimate: interval(1.4, 0.9, 1.9),
        tau2: interval(0.2, 0.05, 0.5),
        I2: interval(40, 10, 70),
        failed: 0,
      },
      permutation: {
        seed: 7,
        iterations: 1024,
        exact: true,
        p: 0.0009765625,
        QMp: null,
        failed: 0,
      },
    });
    expect(tables.map((t) => t.caption)).toEqual([
      "Bootstrap (case, 2,000 replicates, seed 7)",
      "Permutation test (exact, 1,024 arrangements, seed 7)",
    ]);
    expect(tables[0]!.rows[0]).toEqual(["Pooled effect", "1.40", "[0.90, 1.90]", "[0.89, 1.91]"]);
    expect(tables[0]!.rows[2]).toEqual(["I²", "40.0%", "[10.0%, 70.0%]", "[10.0%, 70.0%]"]);
    expect(tables[1]!.rows).toEqual([["Pooled effect (sign flips)", "< 0.001"]]);
    expect(resamplingTables(analysis)).toEqual([]);
  });
  it("lists notes and excluded rows in words", () => {
    const notes = dataNotes({
      ...analysis,
      notes: ["SD derived from SEM in 2 rows."],
      excluded: [{ row: 12, study: "Kim 2018", reason: "duplicate cohort" }],
    });
    expect(notes).toEqual([
      "SD derived from SEM in 2 rows.",
      "Row 12 (Kim 2018) was excluded by the data file: duplicate cohort.",
    ]);
    expect(dataNotes(analysis)).toEqual([]);
  });
  it("writes a table as CSV guarded against formula injection", () => {
    const csv = tableToCsv({
      id: "t",
      caption: "",
      headers: ["Study", "Value"],
      rows: [
        ["=cmd()", "-1.5"],
        ['A "x", B', "2"],
      ],
    });
    expect(csv).toBe('Study,Value\r\n\'=cmd(),-1.5\r\n"A ""x"", B",2\r\n');
  });
  it("orders plot tabs from the report's SVG files", () => {
    const files: ReportFile[] = [
      "report.html",
      "plots/funnel.svg",
      "funnel-sample-size.svg",
      "funnel-contour.svg",
      "plots/forest.svg",
      "prisma.svg",
      "rob-summary.svg",
      "rob-traffic.svg",
      "extra_plot.svg",
      "studies.csv",
    ].map((name) => ({
      name,
      mime: "x",
      content: "",
    }));
    expect(plotTabs(files).map((t) => `${t.id}=${t.file}`)).toEqual([
      "forest=plots/forest.svg",
      "funnel=plots/funnel.svg",
      "funnel-contour=funnel-contour.svg",
      "funnel-sample-size=funnel-sample-size.svg",
      "rob=rob-summary.svg",
      "rob-2=rob-traffic.svg",
      "prisma=prisma.svg",
      "extra-plot=extra_plot.svg",
    ]);
    expect(exportGroups(files).map((g) => [g.label, g.files.map((f) => f.name)])).toEqual([
      ["Report", ["report.html"]],
      ["Tables (CSV)", ["studies.csv"]],
    ]);
  });
});

describe("page state", () => {
  const ok: Extract<AnalyzeOutcome, { ok: true }> = {
    ok: true,
    analysis,
    files: [],
    plainLanguage: [],
    reading: null,
    elapsedMs: 120,
  };

  it("starts empty with an invitation", () => {
    const v = pageView(INITIAL_STATE);
    expect(v.showResults).toBe(false);
    expect(v.showProblems).toBe(false);
    expect(v.status).toMatch(/load the example/);
    expect(v.progress.visible).toBe(false);
  });
  it("shows problems instead of results for a bad file", () => {
    const state: AppState = {
      ...INITIAL_STATE,
      phase: {
        kind: "problems",
        fileName: "bad.csv",
        problems: [{ file: "bad.csv", row: 2, column: "n", expected: "a number" }],
      },
    };
    const v = pageView(state);
    expect(v.showProblems).toBe(true);
    expect(v.showResults).toBe(false);
    expect(v.status).toBe(
      "bad.csv has 1 problem; see the list under Results, fix it and load the file again.",
    );
  });
  it("keeps the last result on screen, marked stale, while recomputing", () => {
    const v = pageView({
      ...INITIAL_STATE,
      phase: { kind: "analysing", fileName: "d.csv" },
      result: ok,
    });
    expect(v.showResults).toBe(true);
    expect(v.stale).toBe(true);
    expect(v.canExport).toBe(false);
    expect(
      pageView({ ...INITIAL_STATE, phase: { kind: "parsing", fileName: "d.csv" }, result: ok }),
    ).toMatchObject({ showResults: true, stale: true });
    expect(
      pageView({ ...INITIAL_STATE, phase: { kind: "parsing", fileName: "d.csv" }, result: null })
        .showResults,
    ).toBe(false);
    const ready = pageView({
      ...INITIAL_STATE,
      phase: { kind: "ready", fileName: "d.csv" },
      result: ok,
    });
    expect(ready.status).toBe("d.csv: 2 studies analysed in 120 ms.");
    expect(ready.canExport).toBe(true);
    expect(ready.canRunResampling).toBe(true);
  });
  it("moves the progress bar forward only, for the current job only", () => {
    let state: AppState = {
      ...INITIAL_STATE,
      phase: { kind: "ready", fileName: "d" },
      result: ok,
      job: { id: 3, task: "bootstrap", done: 0, total: 10000, startedAt: 0 },
    };
    expect(pageView(state).canRunResampling).toBe(false);
    state = applyProgress(state, 3, { done: 2500, total: 10000, task: "bootstrap" });
    expect(progressView(state.job, null)).toEqual({
      visible: true,
      fraction: 0.25,
      value: 2500,
      max: 10000,
      label: "Bootstrap: 2,500 of 10,000 (25%)",
    });
    expect(applyProgress(state, 3, { done: 1000, total: 10000, task: "bootstrap" }).job?.done).toBe(
      2500,
    );
    expect(applyProgress(state, 2, { done: 9000, total: 10000, task: "bootstrap" })).toBe(state);
    expect(progressView(null, "Cancelled.")).toMatchObject({ visible: true, label: "Cancelled." });
  });
});

describe("pipeline binding helpers", () => {
  it("accepts report files as a map, a Map or an array", () => {
    const expected = [
      { name: "forest.svg", mime: "image/svg+xml", content: "<svg/>" },
      { name: "analysis.R", mime: "text/plain", content: "x" },
    ];
    expect(normaliseFiles({ "forest.svg": "<svg/>", "analysis.R": "x" })).toEqual(expected);
    expect(
      normaliseFiles(
        new Map([
          ["forest.svg", "<svg/>"],
          ["analysis.R", "x"],
        ]),
      ),
    ).toEqual(expected);
    expect(
      normaliseFiles([
        { name: "forest.svg", content: "<svg/>" },
        { path: "analysis.R", content: new TextEncoder().encode("x") },
      ]),
    ).toEqual(expected);
  });
});
