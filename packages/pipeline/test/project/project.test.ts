/**
 * The project file (.pooled.json): its round trip (property-tested), every malformed project
 * named by file and JSON path, its data validated exactly as the same cells in a CSV, its limits,
 * and the bundled example project kept equal to what its CSV and PRISMA file give.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  analyze,
  type Cell,
  createProject,
  type DataProblem,
  formatProblem,
  type Grid,
  gridFromProjectData,
  INPUT_FIELDS,
  INPUT_LIMITS,
  isProjectFile,
  type PooledProject,
  PROJECT_FORMAT,
  PROJECT_SUFFIX,
  PROJECT_VERSION,
  type PrismaCounts,
  type ProjectAnalysisSettings,
  type ProjectReportSettings,
  parsePrisma,
  parseProject,
  parseStudyGrid,
  parseStudyText,
  projectAnalysisOptions,
  projectParseOptions,
  projectSourceName,
  SETTING_CHOICES,
  SETTING_LIMITS,
  SYRCLE_ITEMS,
  serializeProject,
} from "../../src/index.js";
import { repoPath } from "../support/repo.js";

const examples = (name: string) => repoPath(`examples/${name}`);
const FILE = "review.pooled.json";

/** A CSV's records as the CLI's reader sees them (blank lines kept, so rows keep their numbers). */
function csvCells(text: string): { headers: string[]; rows: Cell[][] } {
  const records = Papa.parse<string[]>(text, { delimiter: ",", skipEmptyLines: false }).data;
  // The final newline ends the last record rather than starting an empty one.
  if (records.length > 0 && records[records.length - 1]!.join("") === "") records.pop();
  const [headers = [], ...rows] = records;
  return { headers, rows };
}

const EXAMPLE_CSV = "sci-exosomes-bbb.simulated.csv";
const exampleCsv = () => readFileSync(examples(EXAMPLE_CSV), "utf8");
const examplePrisma = () => {
  const parsed = parsePrisma(readFileSync(examples("prisma.json"), "utf8"), "prisma.json");
  if (parsed.counts === undefined) throw new Error("examples/prisma.json does not read");
  return parsed.counts;
};

/** The bundled example as a project, built as examples/generate-project.mjs builds it. */
function exampleProject(): PooledProject {
  return createProject({
    name: "Exosomes after spinal cord injury: BBB score (SIMULATED)",
    savedAt: "2025-06-01T00:00:00.000Z",
    data: { source: EXAMPLE_CSV, ...csvCells(exampleCsv()) },
    analysis: { measure: "MD", method: "REML", test: "z", by: "dose" },
    prisma: examplePrisma(),
  });
}

/** A small valid project as JSON-able data, for the malformed-project cases to break. */
function validJson(): Record<string, unknown> {
  return JSON.parse(
    serializeProject(
      createProject({
        name: "BBB",
        savedAt: "2025-06-01T12:30:00.000Z",
        data: {
          source: "bbb.csv",
          headers: ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "dose"],
          rows: [
            ["A", "10", "2", "8", "7", "2.5", "8", "100"],
            ["B", 11, 3, 10, 7.5, 2, 9, "200"],
            ["C", "12", "2.5", "6", "7", "3", "6", null],
          ],
        },
        analysis: { method: "DL", by: "dose" },
        report: { forestSort: "effect" },
        prisma: null,
      }),
    ),
  );
}

/** parseProject on a valid project changed by `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: the cases break the JSON in every way, untyped
function parseEdited(edit: (p: Record<string, any>) => void) {
  const json = validJson();
  edit(json);
  return parseProject(JSON.stringify(json), FILE);
}

const brief = (problems: DataProblem[]) =>
  problems.map((p) => ({ row: p.row, column: p.column, expected: p.expected, found: p.found }));

// ---- arbitraries of valid projects ------------------------------------------------------------

const text = fc.string({ unit: "binary", maxLength: 12 });
const nonEmpty = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== "");
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const cell: fc.Arbitrary<Cell> = fc.oneof(text, finite, fc.boolean(), fc.constant(null));
const count = fc.nat({ max: 100_000 });

const analysisSettings: fc.Arbitrary<ProjectAnalysisSettings> = fc.record(
  {
    measure: fc.constantFrom(...SETTING_CHOICES.measure),
    method: fc.constantFrom(...SETTING_CHOICES.method),
    test: fc.constantFrom(...SETTING_CHOICES.test),
    model: fc.constantFrom(...SETTING_CHOICES.model),
    cluster: nonEmpty,
    level: fc.double({ min: 0.5, max: 99.5, noNaN: true }),
    by: nonEmpty,
    mods: fc.array(nonEmpty, { maxLength: 3 }),
    predict: fc.array(
      fc.dictionary(nonEmpty, fc.oneof(finite, nonEmpty), {
        minKeys: 1,
        maxKeys: 3,
        noNullPrototype: true,
      }),
      { maxLength: 3 },
    ),
    add: fc.double({ min: 0, max: 10, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
    to: fc.constantFrom(...SETTING_CHOICES.to),
    drop00: fc.boolean(),
    vtype: fc.constantFrom(...SETTING_CHOICES.vtype),
    legacySmdhVariance: fc.boolean(),
    correctBias: fc.boolean(),
    splitSharedControls: fc.boolean(),
    eggerPredictor: fc.constantFrom(...SETTING_CHOICES.eggerPredictor),
    trimfillEstimator: fc.constantFrom(...SETTING_CHOICES.trimfillEstimator),
    trimfillSide: fc.constantFrom(...SETTING_CHOICES.trimfillSide),
    permutations: fc.oneof(
      fc.integer({ min: SETTING_LIMITS.minPermutations, max: SETTING_LIMITS.resamples }),
      fc.constant("exact" as const),
    ),
    bootstrap: fc.integer({ min: SETTING_LIMITS.minBootstrap, max: SETTING_LIMITS.resamples }),
    bootstrapType: fc.constantFrom(...SETTING_CHOICES.bootstrapType),
    gosh: fc.integer({ min: SETTING_LIMITS.minPermutations, max: SETTING_LIMITS.resamples }),
    // Up to 2^32 - 1, past fc.integer's 32-bit signed range.
    seed: fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([high, low]) => high * 0x10000 + low),
  },
  { requiredKeys: [] },
);

const reportSettings: fc.Arbitrary<ProjectReportSettings> = fc.record(
  {
    forestSort: fc.constantFrom(...SETTING_CHOICES.forestSort),
    forestColumns: fc.array(nonEmpty, { maxLength: 3 }),
    favours: fc.tuple(nonEmpty, nonEmpty),
  },
  { requiredKeys: [] },
);

const prismaCounts: fc.Arbitrary<PrismaCounts> = fc.record(
  {
    identified: count,
    identifiedDatabases: count,
    identifiedRegisters: count,
    duplicatesRemoved: count,
    automationRemoved: count,
    otherRemoved: count,
    screened: count,
    excludedScreening: count,
    reportsSought: count,
    notRetrieved: count,
    fullTextAssessed: count,
    fullTextExcluded: fc.array(fc.record({ reason: text, n: count }), { maxLength: 4 }),
    included: count,
    includedReports: count,
  },
  {
    requiredKeys: [
      "identified",
      "duplicatesRemoved",
      "screened",
      "excludedScreening",
      "fullTextAssessed",
      "fullTextExcluded",
      "included",
    ],
  },
);

const columnKeys = [...INPUT_FIELDS, ...SYRCLE_ITEMS];

const project: fc.Arbitrary<PooledProject> = fc.record({
  format: fc.constant(PROJECT_FORMAT),
  version: fc.constant(PROJECT_VERSION),
  name: text,
  savedAt: fc
    .date({ min: new Date("1970-01-01"), max: new Date("9999-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  data: fc.record({
    source: fc.option(nonEmpty, { nil: null }),
    headers: fc.array(text, { maxLength: 5 }),
    rows: fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 5 }),
  }),
  columns: fc.dictionary(fc.constantFrom(...columnKeys), fc.option(nonEmpty, { nil: null }), {
    maxKeys: 4,
    noNullPrototype: true,
  }),
  decimalComma: fc.boolean(),
  analysis: analysisSettings,
  report: reportSettings,
  prisma: fc.option(prismaCounts, { nil: null }),
});

/** The same object with its keys (at every level) in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  ) as T;
}

describe("round trip", () => {
  it("parseProject(serializeProject(p)) deep-equals p, and writing it again changes no byte", () => {
    fc.assert(
      fc.property(project, (p) => {
        const text = serializeProject(p);
        const read = parseProject(text, FILE);
        expect(read.problems).toEqual([]);
        expect(read.project).toEqual(p);
        expect(serializeProject(read.project!)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("the text does not depend on the order the properties were set in", () => {
    fc.assert(
      fc.property(project, (p) => {
        // Predict points keep their order: it is the order the report echoes them in.
        const shuffled = reversedKeys({ ...p, analysis: { ...p.analysis, predict: undefined } });
        const plain = { ...p, analysis: { ...p.analysis, predict: undefined } };
        expect(serializeProject(shuffled)).toBe(serializeProject(plain));
      }),
      { numRuns: 100 },
    );
  });

  it("writes the fields in a fixed order, two-space indents, a row per line, a final newline", () => {
    const text = serializeProject(
      createProject({
        name: "t",
        savedAt: "2025-06-01T00:00:00.000Z",
        data: {
          source: null,
          headers: ["study", "yi"],
          rows: [
            ["A", 0.5],
            ["B", null],
          ],
        },
        analysis: { by: "route", method: "DL" },
        prisma: null,
      }),
    );
    expect(text).toBe(
      [
        "{",
        '  "format": "pooled-project",',
        '  "version": 1,',
        '  "name": "t",',
        '  "savedAt": "2025-06-01T00:00:00.000Z",',
        '  "data": {',
        '    "source": null,',
        '    "headers": ["study", "yi"],',
        '    "rows": [',
        '      ["A", 0.5],',
        '      ["B", null]',
        "    ]",
        "  },",
        '  "columns": {},',
        '  "decimalComma": false,',
        '  "analysis": {',
        '    "method": "DL",',
        '    "by": "route"',
        "  },",
        '  "report": {},',
        '  "prisma": null',
        "}",
        "",
      ].join("\n"),
    );
  });

  it("createProject fills in the format, the version, the time and the default settings", () => {
    const before = Date.now();
    const p = createProject({ name: "x", data: { source: null, headers: ["a"], rows: [] } });
    expect(p).toMatchObject({
      format: "pooled-project",
      version: 1,
      name: "x",
      columns: {},
      decimalComma: false,
      analysis: {},
      report: {},
      prisma: null,
    });
    expect(Date.parse(p.savedAt)).toBeGreaterThanOrEqual(before - 1);
    expect(p.savedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe("malformed projects: every problem names the file and the JSON path", () => {
  it("a valid project reads without problems", () => {
    const read = parseProject(JSON.stringify(validJson()), FILE);
    expect(read.problems).toEqual([]);
    expect(read.project?.analysis).toEqual({ method: "DL", by: "dose" });
  });

  it("JSON syntax, a value that is not an object, brackets nested too deep", () => {
    expect(brief(parseProject('{"format": "pooled-project",', FILE).problems)).toEqual([
      {
        row: null,
        column: null,
        expected:
          'valid JSON (a Pooled project: a JSON object such as {"format": "pooled-project", ...})',
        found: expect.stringMatching(/JSON/),
      },
    ]);
    expect(brief(parseProject("[1, 2]", FILE).problems)).toEqual([
      {
        row: null,
        column: null,
        expected: 'a Pooled project: a JSON object such as {"format": "pooled-project", ...}',
        found: "[1,2]",
      },
    ]);
    const deep = `{"format": "pooled-project",\n"x": ${"[".repeat(100_000)}`;
    expect(brief(parseProject(deep, FILE).problems)).toEqual([
      {
        row: null,
        column: null,
        expected: 'a Pooled project: a JSON object such as {"format": "pooled-project", ...}',
        found: "brackets nested more than 16 deep on line 2 (a project needs 4)",
      },
    ]);
  });

  it("format and version come first: not a project, or one made by a newer Pooled", () => {
    expect(brief(parseEdited((p) => delete p["format"]).problems)).toEqual([
      {
        row: null,
        column: "format",
        expected: '"pooled-project" (a Pooled project file, as the web page saves it)',
        found: "nothing",
      },
    ]);
    // A later version is refused whole: its other fields follow rules this version does not know.
    const newer = parseEdited((p) => {
      p["version"] = 2;
      p["layout"] = "new";
    });
    expect(newer.problems.map(formatProblem)).toEqual([
      "review.pooled.json:version: expected a project of version 1 or earlier, which this Pooled reads, found version 2: the file was made by a newer Pooled; update Pooled to read it",
    ]);
    expect(brief(parseEdited((p) => (p["version"] = "1")).problems)).toEqual([
      { row: null, column: "version", expected: "the version number 1", found: '"1"' },
    ]);
  });

  it("unknown names anywhere are problems, never ignored", () => {
    const read = parseEdited((p) => {
      p["setings"] = {};
      p["data"].encoding = "utf8";
      p["analysis"].methd = "DL";
      p["report"].sort = "effect";
      p["columns"].m1 = "Mean T";
    });
    expect(read.project).toBeNull();
    expect(read.problems.map((p) => [p.file, p.column, p.found])).toEqual([
      [FILE, "setings", 'an unknown name "setings"'],
      [FILE, "data.encoding", 'an unknown name "encoding"'],
      [FILE, "columns.m1", 'an unknown name "m1"'],
      [FILE, "analysis.methd", 'an unknown name "methd"'],
      [FILE, "report.sort", 'an unknown name "sort"'],
    ]);
    expect(read.problems[3]!.expected).toMatch(
      /^one of the analysis settings: measure, method, test, model, cluster, level, by, mods, /,
    );
    expect(read.problems[4]!.expected).toBe(
      "one of the report settings: forestSort, forestColumns, favours",
    );
  });

  it("fields of the wrong type, each at its path, all at once", () => {
    const read = parseEdited((p) => {
      p["name"] = 5;
      p["savedAt"] = "yesterday";
      p["data"].source = "";
      p["data"].headers[1] = 3;
      p["data"].rows[0] = "A,10";
      p["data"].rows[2][1] = { mean: 12 };
      p["columns"]["m1i"] = 3;
      p["columns"]["Mean T"] = "m1i";
      p["decimalComma"] = "yes";
      delete p["prisma"];
    });
    expect(read.project).toBeNull();
    expect(brief(read.problems)).toEqual([
      { row: null, column: "name", expected: "the project's name (text)", found: "5" },
      {
        row: null,
        column: "savedAt",
        expected: "an ISO 8601 time such as 2025-05-01T12:00:00.000Z",
        found: '"yesterday"',
      },
      {
        row: null,
        column: "data.source",
        expected:
          'the name of the file the data came from, e.g. "bbb.csv", or null when they were typed in',
        found: '""',
      },
      { row: 1, column: "data.headers[1]", expected: "a column header (text)", found: "3" },
      { row: 2, column: "data.rows[0]", expected: "a row: an array of cells", found: '"A,10"' },
      {
        row: 4,
        column: "data.rows[2][1]",
        expected: "a cell: text, a number, true, false or null (empty)",
        found: '{"mean":12}',
      },
      {
        row: null,
        column: 'columns["Mean T"]',
        expected: expect.stringMatching(/^one of the fields a column can feed: study, m1i, /),
        found: 'an unknown name "Mean T"',
      },
      {
        row: null,
        column: "columns.m1i",
        expected:
          "a column header as written, or null to leave the field unmapped (as --map field=)",
        found: "3",
      },
      {
        row: null,
        column: "decimalComma",
        expected: "true or false (--decimal-comma)",
        found: '"yes"',
      },
      {
        row: null,
        column: "prisma",
        expected: "PRISMA 2020 counts, or null when none were entered",
        found: "nothing",
      },
    ]);
    expect(formatProblem(read.problems[5]!)).toBe(
      'review.pooled.json:4:data.rows[2][1]: expected a cell: text, a number, true, false or null (empty), found {"mean":12}',
    );
  });

  it("settings outside their choices and limits, worded as the CLI's flags", () => {
    const read = parseEdited((p) => {
      Object.assign(p["analysis"], {
        measure: "md",
        method: "reml",
        permutations: 1,
        bootstrap: 50,
        seed: -1,
        gosh: 2_000_000,
        mods: ["dose", ""],
        predict: [{ dose: [100] }, {}],
        level: 100,
        add: -0.5,
        correctBias: "no",
        trimfillSide: null,
      });
      p["report"] = { forestSort: "alpha", forestColumns: "dose,sex", favours: ["left"] };
    });
    const byPath = Object.fromEntries(read.problems.map((p) => [p.column, p.expected]));
    expect(byPath).toEqual({
      "analysis.measure":
        "one of MD, SMD, SMDH, ROM, NMD, GEN, OR, RR, RD, PETO, ZCOR, COR (the choices of --measure)",
      "analysis.method":
        "one of FE, DL, HE, HS, SJ, ML, REML, EB, PM, MH, PETO (the choices of --method)",
      "analysis.mods[1]": "a column name (text, not empty)",
      "analysis.predict[0].dose": "a number, or a level of the moderator (text, not empty)",
      "analysis.predict[1]":
        'a point: moderators with their values, e.g. {"dose": 100, "route": "iv"}',
      "analysis.level": "a confidence level in percent, in (0, 100), e.g. 95",
      "analysis.add": "a number of 0 or more (as --add), e.g. 0.5",
      "analysis.correctBias": "true or false (--correct-bias or --no-correct-bias)",
      "analysis.trimfillSide": "one of left, right (the choices of --trimfill-side)",
      "analysis.permutations":
        'a whole number from 2 to 1000000, or "exact" (as --permutations), e.g. 1000',
      "analysis.bootstrap":
        "a whole number from 100 to 1000000 (fewer than 100 replicates cannot place a 95% interval; 1000 or more are recommended) (as --bootstrap), e.g. 2000",
      "analysis.gosh": "a whole number from 2 to 1000000 (as --gosh), e.g. 50000",
      "analysis.seed": "a whole number from 0 to 4294967295 (as --seed), e.g. 42",
      "report.forestSort": "one of input, effect, year, weight (the choices of --forest-sort)",
      "report.forestColumns": 'a list of column names (as --forest-columns), e.g. ["dose","sex"]',
      "report.favours":
        'two labels, the left one first (as --favours), e.g. ["Favours control", "Favours treatment"]',
    });
    expect(read.problems.every((p) => p.file === FILE && p.row === null)).toBe(true);
    expect(read.problems.find((p) => p.column === "analysis.method")?.found).toBe('"reml"');
    expect(read.problems.find((p) => p.column === "analysis.trimfillSide")?.found).toBe("null");
  });

  it("PRISMA counts by --prisma's rules, at prisma.<name>; counts that do not add up warn", () => {
    const bad = parseEdited((p) => {
      p["prisma"] = { ...examplePrisma(), identified: -1, screenedd: 3 };
    });
    expect(brief(bad.problems)).toEqual([
      {
        row: null,
        column: "prisma.screenedd",
        expected: expect.stringMatching(/^one of the PRISMA counts: identified, /),
        found: 'an unknown name "screenedd"',
      },
      {
        row: null,
        column: "prisma.identified",
        expected: "a whole number, 0 or more",
        found: "-1",
      },
    ]);
    const off = parseEdited((p) => {
      p["prisma"] = { ...examplePrisma(), screened: 354 };
    });
    expect(off.problems).toEqual([]);
    expect(off.warnings.length).toBeGreaterThan(0);
    expect(off.warnings.every((w) => w.startsWith("PRISMA: "))).toBe(true);
  });

  it("cells of the wrong kind are listed up to 100, the rest counted", () => {
    const read = parseEdited((p) => {
      p["data"].rows = Array.from({ length: 150 }, () => [[1], "x"]);
    });
    expect(read.problems).toHaveLength(101);
    expect(read.problems[99]).toMatchObject({ row: 101, column: "data.rows[99][0]" });
    expect(read.problems[100]).toEqual({
      file: FILE,
      row: null,
      column: "data.rows",
      expected: "rows of cells (the first 100 that are not are listed above)",
      found: "50 more",
    });
  });
});

describe("limits", () => {
  it("text past the input limit is refused before it is parsed", () => {
    // Spaces alone are not JSON: a parse would have said so rather than name the limit.
    const read = parseProject(" ".repeat(INPUT_LIMITS.fileBytes + 1), FILE);
    expect(brief(read.problems)).toEqual([
      {
        row: null,
        column: null,
        expected: "a file of at most 128 MB (Pooled's limit)",
        found: "128.0 MB",
      },
    ]);
  });

  // One row array shared by every row: the limits are checked without the memory they guard.
  const grid = (width: number, rows: number, cells: Cell[] = ["x"]): Grid => ({
    headers: Array.from({ length: width }, (_, i) => `c${i}`),
    rows: Array.from({ length: rows }, (_, i) => ({ row: i + 2, cells })),
  });

  it("parseStudyGrid: columns, rows, cells, lines and header length, as the file readers", () => {
    const problem = (g: Grid) => brief(parseStudyGrid(g, FILE).problems);
    expect(problem(grid(INPUT_LIMITS.columns + 1, 1))).toEqual([
      {
        row: 1,
        column: null,
        expected: "at most 1,000 columns (Pooled's limit)",
        found: "1,001 fields",
      },
    ]);
    expect(problem(grid(1, INPUT_LIMITS.rows + 1))).toEqual([
      {
        row: INPUT_LIMITS.rows + 2,
        column: null,
        expected: "at most 100,000 rows of data (Pooled's limit)",
        found: "more rows (reading stopped here)",
      },
    ]);
    const wide = Array.from({ length: 1000 }, () => "x");
    expect(problem(grid(1000, 10_001, wide))).toEqual([
      {
        row: 10_002,
        column: null,
        expected: "at most 10,000,000 cells, rows x columns (Pooled's limit)",
        found: "10,001 rows of 1,000 columns (reading stopped here)",
      },
    ]);
    expect(problem(grid(1, INPUT_LIMITS.records + 1, [""]))).toEqual([
      {
        row: null,
        column: null,
        expected: "at most 1,000,000 lines, blank ones included (Pooled's limit)",
        found: "1,000,001 rows",
      },
    ]);
    const rowTooWide = grid(2, 3);
    rowTooWide.rows[1] = { row: 3, cells: Array.from({ length: 1001 }, () => "x") };
    expect(problem(rowTooWide)).toEqual([
      {
        row: 3,
        column: null,
        expected: "at most 1,000 columns (Pooled's limit)",
        found: "1,001 fields",
      },
    ]);
    expect(problem({ headers: ["h".repeat(1001)], rows: [{ row: 2, cells: ["x"] }] })).toEqual([
      {
        row: 1,
        column: "column 1",
        expected: "a column name of at most 1,000 characters (Pooled's limit)",
        found: "1,001 characters",
      },
    ]);
    expect(problem({ headers: [], rows: [] })).toEqual([
      {
        row: null,
        column: null,
        expected: "a header row and at least one row of data",
        found: "no column headers",
      },
    ]);
  });

  it("blank rows do not count towards the rows of data, as blank lines of a CSV", () => {
    const g: Grid = {
      headers: ["study", "yi", "vi"],
      rows: [
        ...Array.from({ length: INPUT_LIMITS.rows }, (_, i) => ({
          row: i + 2,
          cells: i === 0 ? ["A", "0.5", "0.1"] : [null, "", " "],
        })),
        { row: INPUT_LIMITS.rows + 2, cells: ["B", "0.3", "0.2"] },
      ],
    };
    const read = parseStudyGrid(g, FILE);
    expect(read.problems).toEqual([]);
    expect(read.table?.rows.map((r) => r.row)).toEqual([2, INPUT_LIMITS.rows + 2]);
  });
});

describe("the data validate exactly as the same cells in a CSV", () => {
  const cases: Record<string, string> = {
    "the bundled example": exampleCsv(),
    "empty cells, blank lines, spaces around headers and values": [
      " study ,m1i,sd1i,n1i,m2i,sd2i,n2i,dose",
      "A,10,2,8,7,2.5,8,",
      "",
      "B, 11 ,3,10,7.5,2,9,high",
      ",,,,,,,",
      "C,12,2.5,6,7,3,6,NA",
      "",
    ].join("\n"),
    "bad cells: text for numbers, an empty required cell, a ragged row, NA": [
      "study,m1i,sd1i,n1i,m2i,sd2i,n2i",
      "A,ten,2,8,7,2.5,8",
      "B,11,,10,7.5,2,9",
      "C,12,2.5,6,7,3",
      "D,NA,2.5,6,7,3,6",
      "",
    ].join("\n"),
    "decimal commas read with decimalComma": [
      "study,yi,vi",
      'A,"0,5","0,1"',
      'B,"0,3",0.2',
      "",
    ].join("\n"),
    "a header only": "study,yi,vi\n",
  };
  for (const [name, csv] of Object.entries(cases)) {
    it(name, () => {
      const options = name.startsWith("decimal") ? { decimalComma: true } : {};
      const fromCsv = parseStudyText(csv, "t.csv", options);
      const grid = gridFromProjectData({ source: null, ...csvCells(csv) });
      expect(parseStudyGrid(grid, "t.csv", options)).toEqual(fromCsv);
    });
  }

  it("gridFromProjectData: header row 1, rows[0] row 2, headers trimmed, cells as typed", () => {
    const rows: Cell[][] = [["A", "", null, 1.5, true]];
    expect(
      gridFromProjectData({ source: null, headers: [" study ", "a", "b", "c", "d"], rows }),
    ).toEqual({
      headers: ["study", "a", "b", "c", "d"],
      rows: [{ row: 2, cells: ["A", "", null, 1.5, true] }],
    });
  });
});

describe("from a project to the pipeline's options", () => {
  it("projectParseOptions: columns, decimal comma, measure, and the columns the settings name", () => {
    const p = createProject({
      name: "x",
      data: { source: null, headers: [], rows: [] },
      columns: { m1i: "Mean T", sei: null },
      decimalComma: true,
      analysis: { measure: "SMD", by: "route", mods: ["dose", "year"], cluster: "paper" },
      report: { forestColumns: ["sex"] },
    });
    expect(projectParseOptions(p)).toEqual({
      columns: { m1i: "Mean T", sei: null },
      decimalComma: true,
      measure: "SMD",
      requireColumns: ["route", "dose", "year", "paper", "sex"],
      moderators: ["dose", "year"],
    });
    expect(projectParseOptions(createProject({ name: "x", data: p.data }))).toEqual({
      columns: {},
      decimalComma: false,
      requireColumns: [],
      moderators: [],
    });
  });

  it("projectAnalysisOptions: the analysis settings with the PRISMA counts", () => {
    const prisma = examplePrisma();
    const p = createProject({
      name: "x",
      data: { source: null, headers: [], rows: [] },
      analysis: { method: "DL", permutations: "exact" },
      prisma,
    });
    expect(projectAnalysisOptions(p)).toEqual({ method: "DL", permutations: "exact", prisma });
    expect(projectAnalysisOptions({ ...p, prisma: null })).toEqual({
      method: "DL",
      permutations: "exact",
    });
  });

  it("projectSourceName: the data's file without folders, else the project file's name", () => {
    const p = createProject({ name: "x", data: { source: "data/bbb.csv", headers: [], rows: [] } });
    expect(projectSourceName(p, "/home/me/review.pooled.json")).toBe("bbb.csv");
    const typed = { ...p, data: { ...p.data, source: null } };
    expect(projectSourceName(typed, "/home/me/review.pooled.json")).toBe("review.pooled.json");
    expect(projectSourceName(typed, "C:\\reviews\\r.pooled.json")).toBe("r.pooled.json");
  });

  it("isProjectFile: the suffix, or a .json object that says it is a project", () => {
    const json = JSON.stringify(validJson());
    expect(PROJECT_SUFFIX).toBe(".pooled.json");
    expect(isProjectFile("review.pooled.json", "")).toBe(true);
    expect(isProjectFile("REVIEW.POOLED.JSON", "not even JSON")).toBe(true);
    expect(isProjectFile("review.json", `\ufeff \n${json}`)).toBe(true);
    expect(isProjectFile("review.json", '{"format": "other"}')).toBe(false);
    expect(isProjectFile("studies.json", '[{"study": "A", "yi": 1}]')).toBe(false);
    expect(isProjectFile("studies.json", "{not json")).toBe(false);
    expect(isProjectFile("review.csv", json)).toBe(false);
  });

  it("a project analyses as its CSV with the same settings, under the CSV's name", () => {
    const p = exampleProject();
    const parsed = parseStudyGrid(gridFromProjectData(p.data), FILE, projectParseOptions(p));
    expect(parsed.problems).toEqual([]);
    const fromProject = analyze(parsed.table!, projectAnalysisOptions(p));
    const csv = parseStudyText(exampleCsv(), `examples/${EXAMPLE_CSV}`, { measure: "MD" });
    const fromCsv = analyze(csv.table!, {
      measure: "MD",
      method: "REML",
      test: "z",
      by: "dose",
      prisma: examplePrisma(),
    });
    expect(fromProject.source).toBe(FILE);
    expect({ ...fromProject, source: projectSourceName(p, FILE) }).toEqual(fromCsv);
  });
});

describe("the bundled example project", () => {
  it("is exactly what createProject and serializeProject make of the CSV and prisma.json", () => {
    // Stale? Rewrite it: npm run build && node examples/generate-project.mjs
    expect(readFileSync(examples("sci-exosomes-bbb.pooled.json"), "utf8")).toBe(
      serializeProject(exampleProject()),
    );
  });

  it("reads back as that project, without problems or warnings", () => {
    const read = parseProject(readFileSync(examples("sci-exosomes-bbb.pooled.json"), "utf8"), FILE);
    expect(read).toEqual({ project: exampleProject(), problems: [], warnings: [] });
    expect(read.project?.data.rows).toHaveLength(30);
  });
});
