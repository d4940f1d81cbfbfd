/**
 * parseStudyFile: a data file's bytes and name in, a validated {@link StudyTable} (or every
 * problem found) out. No file system: the CLI reads files, the web app reads File objects.
 */
import { resolveColumns } from "./columns.js";
import {
  type Cell,
  decodeText,
  detectDelimiter,
  formatOf,
  type Grid,
  type GridResult,
  type GridRow,
  gridFromDelimited,
  gridFromJson,
  gridFromXlsx,
} from "./grid.js";
import { formatCount, formatMegabytes, INPUT_LIMITS } from "./limits.js";
import type {
  ColumnMapping,
  DataProblem,
  InputField,
  ParseOptions,
  ParseResult,
  StudyTable,
} from "./types.js";
import {
  checkNamedColumns,
  checkRequiredColumns,
  columnMapping,
  longLabelChecks,
  repeatedModerator,
} from "./validate-columns.js";
import { RowReader } from "./validate-row.js";
import type { Measure } from "./validate-rules.js";
import { checkSharedControls, tableNotes } from "./validate-table.js";
import { isEmptyCell } from "./values.js";

/**
 * Reads a CSV, TSV, XLSX or JSON study file into a validated study table.
 *
 * - CSV/TSV: UTF-8 with or without a BOM (UTF-16 with a BOM too); comma, semicolon or tab
 *   delimiters detected from the header line; decimal commas with `decimalComma`.
 * - XLSX: the first sheet, or `sheet` (name or 1-based number).
 * - JSON: an array of objects, one per comparison.
 *
 * Columns are found by metafor's names or the aliases in aliases.ts (case, spaces, underscores
 * and hyphens ignored), or chosen with `columns`. Every problem is collected; the table is
 * returned only when there are none. A file past {@link INPUT_LIMITS} (size, rows, columns,
 * cells, label length) is refused with one problem naming the limit, before it is parsed whole.
 *
 * @example
 * const { table, problems } = await parseStudyFile(bytes, "bbb.csv", { measure: "MD" });
 */
export async function parseStudyFile(
  bytes: Uint8Array,
  fileName: string,
  options: ParseOptions = {},
): Promise<ParseResult> {
  if (bytes.length > INPUT_LIMITS.fileBytes)
    return { problems: [tooLarge(fileName, bytes.length)], headers: [] };
  const format = formatOf(fileName, bytes);
  let read: GridResult;
  if (format === "xlsx") {
    read = await gridFromXlsx(bytes, fileName, options.sheet);
  } else {
    const decoded = decodeText(bytes, fileName);
    if ("problem" in decoded) return { problems: [decoded.problem], headers: [] };
    read = parseText(decoded.text, fileName, format);
  }
  return validateRead(read, fileName, options);
}

/** Text formats only, synchronously (CSV, TSV, JSON); the same rules as {@link parseStudyFile}. */
export function parseStudyText(
  text: string,
  fileName: string,
  options: ParseOptions = {},
): ParseResult {
  // A character takes at least one byte in UTF-8.
  if (text.length > INPUT_LIMITS.fileBytes)
    return { problems: [tooLarge(fileName, text.length)], headers: [] };
  const format = formatOf(fileName, new Uint8Array(0));
  const read = parseText(
    text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    fileName,
    format === "xlsx" ? "csv" : format,
  );
  return validateRead(read, fileName, options);
}

/**
 * A grid already in memory (a project file's data, a table typed in the web page), validated as
 * {@link parseStudyFile} validates a file's grid: the same limits (columns, rows, cells, header
 * length; checked before any cell is read), blank rows skipped as the readers skip them, the same
 * checks and messages. Row numbers are the grid's own (header = 1).
 *
 * @example
 * const { table, problems } = parseStudyGrid(gridFromProjectData(project.data), "review.pooled.json");
 */
export function parseStudyGrid(
  grid: Grid,
  fileName: string,
  options: ParseOptions = {},
): ParseResult {
  return validateRead(readGrid(grid, fileName), fileName, options);
}

/** A reader's grid validated into a study table, or every problem found, sorted. */
function validateRead(read: GridResult, fileName: string, options: ParseOptions): ParseResult {
  if (read.grid === null) return { problems: read.problems, headers: [] };
  const { grid } = read;
  const problems = [...read.problems];
  const table = validateGrid(grid.headers, grid.rows, fileName, options, problems);
  if (problems.length > 0)
    return { problems: sortProblems(problems, grid.headers), headers: grid.headers };
  return { table, problems: [], headers: grid.headers };
}

/**
 * An in-memory grid as a reader would give it: {@link INPUT_LIMITS} checked row by row in the
 * order of the grid, the same way and with the same words as the file readers, then the header
 * length; blank rows (every cell null or blank text) left out, their numbers skipped.
 */
function readGrid(grid: Grid, file: string): GridResult {
  const { columns, rows: maxRows, records, cells: maxCells, labelChars } = INPUT_LIMITS;
  const problem = (row: number | null, expected: string, found: string): GridResult => ({
    grid: null,
    problems: [{ file, row, column: null, expected: `${expected} (Pooled's limit)`, found }],
  });
  const width = grid.headers.length;
  if (width === 0)
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "a header row and at least one row of data",
          found: "no column headers",
        },
      ],
    };
  if (width > columns)
    return problem(1, `at most ${formatCount(columns)} columns`, `${formatCount(width)} fields`);
  if (grid.rows.length > records)
    return problem(
      null,
      `at most ${formatCount(records)} lines, blank ones included`,
      `${formatCount(grid.rows.length)} rows`,
    );
  const kept: GridRow[] = [];
  for (const gridRow of grid.rows) {
    let used = gridRow.cells.length;
    while (used > 0 && isBlankCell(gridRow.cells[used - 1]!)) used--;
    if (used === 0) continue;
    if (used > columns)
      return problem(
        gridRow.row,
        `at most ${formatCount(columns)} columns`,
        `${formatCount(used)} fields`,
      );
    kept.push(gridRow);
    if (kept.length > maxRows)
      return problem(
        gridRow.row,
        `at most ${formatCount(maxRows)} rows of data`,
        "more rows (reading stopped here)",
      );
    if (kept.length * width > maxCells)
      return problem(
        gridRow.row,
        `at most ${formatCount(maxCells)} cells, rows x columns`,
        `${formatCount(kept.length)} rows of ${formatCount(width)} columns (reading stopped here)`,
      );
  }
  const long = grid.headers.findIndex((h) => h.length > labelChars);
  if (long >= 0)
    return {
      grid: null,
      problems: [
        {
          file,
          row: 1,
          column: `column ${long + 1}`,
          expected: `a column name of at most ${formatCount(labelChars)} characters (Pooled's limit)`,
          found: `${formatCount(grid.headers[long]!.length)} characters`,
        },
      ],
    };
  const problems: DataProblem[] =
    kept.length > 0
      ? []
      : [
          {
            file,
            row: null,
            column: null,
            expected: "at least one row of data below the header",
            found: "the header row only",
          },
        ];
  return { grid: { headers: grid.headers, rows: kept }, problems };
}

/** A cell a reader counts as nothing: null, or text of nothing but spaces ("NA" is a value). */
const isBlankCell = (cell: Cell) =>
  cell === null || (typeof cell === "string" && cell.trim() === "");

/** A file past {@link INPUT_LIMITS}.fileBytes (`size` in bytes, or characters of text). */
export function tooLarge(file: string, size: number): DataProblem {
  return {
    file,
    row: null,
    column: null,
    expected: `a file of at most ${formatMegabytes(INPUT_LIMITS.fileBytes)} (Pooled's limit)`,
    found: formatMegabytes(size),
  };
}

/** File-level problems first, then by row, and within a row from left to right (stable otherwise). */
function sortProblems(problems: DataProblem[], headers: readonly string[]): DataProblem[] {
  const columnOrder = (p: DataProblem) => {
    if (p.column === null) return -1;
    const at = headers.indexOf(p.column);
    const unnamed = /^column (\d+)$/.exec(p.column);
    return at >= 0 ? at : unnamed !== null ? Number(unnamed[1]) - 1 : headers.length;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (a.p.row ?? 0) - (b.p.row ?? 0) ||
        (a.p.row === null ? 0 : columnOrder(a.p) - columnOrder(b.p)) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

function parseText(text: string, file: string, format: "csv" | "tsv" | "json"): GridResult {
  if (format === "json") return gridFromJson(text, file);
  if (text.trim() === "") {
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "a header row and at least one row of data",
          found: "an empty file",
        },
      ],
    };
  }
  return gridFromDelimited(text, file, format === "tsv" ? "\t" : detectDelimiter(text));
}

/** The measure a table is for when none is given: MD for arm data, GEN for given effect sizes. */
export function inferMeasure(
  fields: ColumnMapping["fields"] | Partial<Record<InputField, unknown>>,
): Measure {
  const has = (f: string) => (fields as Record<string, unknown>)[f] !== undefined;
  if (has("m1i") || has("m2i")) return "MD";
  // Counts: the odds ratio, metafor's first binary measure and the one of Peters' test.
  if (has("ai") && has("ci")) return "OR";
  if (has("ri")) return "ZCOR";
  if (has("yi")) return "GEN";
  return "MD";
}

/**
 * A grid's rows validated into a study table (problems go to `problems`; the table is returned
 * whole, and used only when there are none). The columns are checked first (validate-columns.ts),
 * then each row (validate-row.ts), then the rows against each other (validate-table.ts).
 */
function validateGrid(
  headers: string[],
  rows: GridRow[],
  file: string,
  options: ParseOptions,
  problems: DataProblem[],
): StudyTable {
  const columnHasData = (i: number) => rows.some((r) => !isEmptyCell(r.cells[i]));
  const { index, problems: headerProblems } = resolveColumns(
    headers,
    options.columns ?? {},
    file,
    columnHasData,
  );
  for (const p of headerProblems) problems.push(p);
  const col = index.fields;
  const measure = options.measure ?? inferMeasure(col);
  checkRequiredColumns(headers, col, measure, file, problems);
  const required = new Set([...(options.requireColumns ?? []), ...(options.moderators ?? [])]);
  checkNamedColumns(headers, index, required, file, problems);
  const twice = repeatedModerator(headers, options.moderators ?? []);
  if (twice !== null) problems.push(twice);

  const reader = new RowReader({
    file,
    headers,
    index,
    measure,
    decimalComma: options.decimalComma ?? false,
    labelColumns: longLabelChecks(headers, col, [...required]),
    problems,
  });
  for (const gridRow of rows) reader.read(gridRow);
  const { studyRows, excluded } = reader;
  checkSharedControls(studyRows, file, headers, col.controlGroup, problems);
  return {
    source: file,
    rows: studyRows,
    columns: columnMapping(headers, index),
    excluded,
    notes: tableNotes(reader, col.study !== undefined),
  };
}
