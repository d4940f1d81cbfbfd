/**
 * parseProject: a project file's text in, the project (or every problem found) out. Each problem
 * names the file and the JSON path of what is wrong (`analysis.method`, `data.rows[3][5]`).
 */
import { INPUT_FIELDS } from "../input/aliases.js";
import type { Cell } from "../input/grid.js";
import { jsonPreview } from "../input/json-preview.js";
import { INPUT_LIMITS } from "../input/limits.js";
import { tooLarge } from "../input/parse.js";
import { parsePrisma } from "../input/prisma.js";
import { type ColumnOverrides, type PrismaCounts, SYRCLE_ITEMS } from "../input/types.js";
import { ANALYSIS_RULES, checkSettings, REPORT_RULES } from "./settings.js";
import {
  childPath,
  isObject,
  type JsonObject,
  MAX_PROJECT_DEPTH,
  nestedTooDeep,
  ShapeProblems,
} from "./shape.js";
import {
  type PooledProject,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  type ProjectAnalysisSettings,
  type ProjectData,
  type ProjectParseResult,
  type ProjectReportSettings,
} from "./types.js";

/** The fields of a project, in the order a project file lists them. */
export const PROJECT_FIELDS = [
  "format",
  "version",
  "name",
  "savedAt",
  "data",
  "columns",
  "decimalComma",
  "analysis",
  "report",
  "prisma",
] as const satisfies readonly (keyof PooledProject)[];

/** The fields of `data`, in order. */
export const DATA_FIELDS = [
  "source",
  "headers",
  "rows",
] as const satisfies readonly (keyof ProjectData)[];

/** What `columns` may map: the fields a column can feed and the SYRCLE items. */
export const COLUMN_KEYS: readonly string[] = [...INPUT_FIELDS, ...SYRCLE_ITEMS];

/** Cells of the wrong kind listed one by one; past this many they are counted. */
const MAX_CELL_PROBLEMS = 100;

/** ISO 8601 date and time with seconds and a zone, as Date.prototype.toISOString writes it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a project file (`.pooled.json`): JSON syntax, `format`, `version` (a later version is
 * refused as made by a newer Pooled), then every field's type and shape; unknown names are
 * problems, never ignored. Settings are checked as the CLI checks its flags (choices, limits);
 * whether they fit the data is left to {@link analyze}. Text past INPUT_LIMITS.fileBytes is
 * refused before it is parsed.
 *
 * @example
 * const { project, problems } = parseProject(text, "review.pooled.json");
 * if (project === null) for (const p of problems) console.error(formatProblem(p));
 */
export function parseProject(text: string, fileName: string): ProjectParseResult {
  const fail = (problems: ShapeProblems): ProjectParseResult => ({
    project: null,
    problems: problems.list,
    warnings: [],
  });
  const problems = new ShapeProblems(fileName);
  // A character takes at least one byte in UTF-8.
  if (text.length > INPUT_LIMITS.fileBytes) {
    problems.list.push(tooLarge(fileName, text.length));
    return fail(problems);
  }
  const root = parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, problems);
  if (root === null || !checkHeader(root, problems)) return fail(problems);

  problems.unknownKeys(root, "", PROJECT_FIELDS, "the fields of a project");
  if (typeof root["name"] !== "string")
    problems.add("name", "the project's name (text)", root["name"]);
  const savedAt = root["savedAt"];
  if (
    !(typeof savedAt === "string" && ISO_TIME.test(savedAt) && !Number.isNaN(Date.parse(savedAt)))
  )
    problems.add("savedAt", "an ISO 8601 time such as 2025-05-01T12:00:00.000Z", savedAt);
  const data = checkData(root["data"], problems);
  const columns = checkColumns(root["columns"], problems);
  if (typeof root["decimalComma"] !== "boolean")
    problems.add("decimalComma", "true or false (--decimal-comma)", root["decimalComma"]);
  const analysis = checkSettings<ProjectAnalysisSettings>(
    root["analysis"],
    "analysis",
    ANALYSIS_RULES,
    "the analysis settings",
    problems,
  );
  const report = checkSettings<ProjectReportSettings>(
    root["report"],
    "report",
    REPORT_RULES,
    "the report settings",
    problems,
  );
  const prisma = checkPrisma(root["prisma"], problems);
  if (
    problems.list.length > 0 ||
    data === null ||
    columns === null ||
    analysis === null ||
    report === null ||
    prisma === undefined
  )
    return fail(problems);
  return {
    project: {
      format: PROJECT_FORMAT,
      version: PROJECT_VERSION,
      name: root["name"] as string,
      savedAt: savedAt as string,
      data,
      columns,
      decimalComma: root["decimalComma"] as boolean,
      analysis,
      report,
      prisma: prisma.counts,
    },
    problems: [],
    warnings: prisma.warnings,
  };
}

/** The text as a JSON object, or null with the problem said. */
function parseJson(text: string, problems: ShapeProblems): JsonObject | null {
  const shape = 'a Pooled project: a JSON object such as {"format": "pooled-project", ...}';
  const deep = nestedTooDeep(text, MAX_PROJECT_DEPTH);
  if (deep !== null) {
    problems.list.push({
      file: problems.file,
      row: null,
      column: null,
      expected: shape,
      found: `brackets nested more than ${MAX_PROJECT_DEPTH} deep on line ${deep} (a project needs 4)`,
    });
    return null;
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    problems.list.push({
      file: problems.file,
      row: null,
      column: null,
      expected: `valid JSON (${shape})`,
      found: (error as Error).message,
    });
    return null;
  }
  if (!isObject(root)) {
    problems.list.push({
      file: problems.file,
      row: null,
      column: null,
      expected: shape,
      found: jsonPreview(root, 80),
    });
    return null;
  }
  return root;
}

/**
 * `format` and `version` first: a file that is not a project, or is of a later version, is
 * refused with that one problem, since its other fields cannot be read with this version's rules.
 */
function checkHeader(root: JsonObject, problems: ShapeProblems): boolean {
  if (root["format"] !== PROJECT_FORMAT) {
    problems.add(
      "format",
      `"${PROJECT_FORMAT}" (a Pooled project file, as the web page saves it)`,
      root["format"],
    );
    return false;
  }
  const version = root["version"];
  if (typeof version === "number" && Number.isInteger(version) && version > PROJECT_VERSION) {
    problems.list.push({
      file: problems.file,
      row: null,
      column: "version",
      expected: `a project of version ${PROJECT_VERSION} or earlier, which this Pooled reads`,
      found: `version ${version}: the file was made by a newer Pooled; update Pooled to read it`,
    });
    return false;
  }
  if (version !== PROJECT_VERSION) {
    problems.add("version", `the version number ${PROJECT_VERSION}`, version);
    return false;
  }
  return true;
}

function checkData(value: unknown, problems: ShapeProblems): ProjectData | null {
  if (!isObject(value)) {
    problems.add(
      "data",
      'the study table: {"source": ..., "headers": [...], "rows": [[...], ...]}',
      value,
    );
    return null;
  }
  const before = problems.list.length;
  problems.unknownKeys(value, "data", DATA_FIELDS, "the fields of the data");
  const source = value["source"];
  if (!(source === null || (typeof source === "string" && source.trim() !== "")))
    problems.add(
      "data.source",
      'the name of the file the data came from, e.g. "bbb.csv", or null when they were typed in',
      source,
    );
  const headers = value["headers"];
  if (!Array.isArray(headers))
    problems.add("data.headers", 'the column headers, e.g. ["study", "m1i"]', headers);
  else
    headers.forEach((h, i) => {
      if (typeof h !== "string") problems.add(`data.headers[${i}]`, "a column header (text)", h, 1);
    });
  const rows = value["rows"];
  if (!Array.isArray(rows))
    problems.add("data.rows", 'the rows of cells, e.g. [["Li 2020", 12.5], ...]', rows);
  else checkRows(rows, problems);
  return problems.list.length === before ? (value as unknown as ProjectData) : null;
}

/** Each row an array of cells; a cell is text, a number, true, false or null (empty). */
function checkRows(rows: unknown[], problems: ShapeProblems): void {
  let bad = 0;
  const note = (path: string, expected: string, value: unknown, row: number) => {
    if (++bad <= MAX_CELL_PROBLEMS) problems.add(path, expected, value, row);
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    // rows[0] is row 2: the header row is row 1, as in a spreadsheet and the data's messages.
    if (!Array.isArray(row)) {
      note(`data.rows[${i}]`, "a row: an array of cells", row, i + 2);
      continue;
    }
    for (let j = 0; j < row.length; j++) {
      if (!isCell(row[j]))
        note(
          `data.rows[${i}][${j}]`,
          "a cell: text, a number, true, false or null (empty)",
          row[j],
          i + 2,
        );
    }
  }
  if (bad > MAX_CELL_PROBLEMS)
    problems.list.push({
      file: problems.file,
      row: null,
      column: "data.rows",
      expected: "rows of cells (the first 100 that are not are listed above)",
      found: `${(bad - MAX_CELL_PROBLEMS).toLocaleString("en-US")} more`,
    });
}

function isCell(value: unknown): value is Cell {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

function checkColumns(value: unknown, problems: ShapeProblems): ColumnOverrides | null {
  if (!isObject(value)) {
    problems.add(
      "columns",
      'the column choices, field -> header, e.g. {"m1i": "Mean T"} (empty for none: {})',
      value,
    );
    return null;
  }
  const before = problems.list.length;
  problems.unknownKeys(value, "columns", COLUMN_KEYS, "the fields a column can feed");
  for (const [key, header] of Object.entries(value)) {
    if (!COLUMN_KEYS.includes(key)) continue;
    if (!(header === null || (typeof header === "string" && header.trim() !== "")))
      problems.add(
        childPath("columns", key),
        "a column header as written, or null to leave the field unmapped (as --map field=)",
        header,
      );
  }
  return problems.list.length === before ? (value as ColumnOverrides) : null;
}

/** PRISMA counts by parsePrisma's rules (those of --prisma), at `prisma.<name>`; undefined when bad. */
function checkPrisma(
  value: unknown,
  problems: ShapeProblems,
): { counts: PrismaCounts | null; warnings: string[] } | undefined {
  if (value === null) return { counts: null, warnings: [] };
  if (value === undefined) {
    problems.add("prisma", "PRISMA 2020 counts, or null when none were entered", value);
    return undefined;
  }
  const parsed = parsePrisma(JSON.stringify(value), problems.file);
  for (const p of parsed.problems)
    problems.list.push({ ...p, column: p.column === null ? "prisma" : `prisma.${p.column}` });
  if (parsed.counts === undefined) return undefined;
  return { counts: parsed.counts, warnings: parsed.warnings };
}
