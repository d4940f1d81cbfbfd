/**
 * Reading a file's bytes into a grid of cells: the first row holds the headers, every later row
 * keeps its row number in the source (header = 1), as a spreadsheet shows it.
 * CSV / TSV (papaparse), XLSX (read-excel-file) and JSON (an array of objects).
 */
import Papa from "papaparse";
import readXlsxFile from "read-excel-file/universal";
import { jsonPreview } from "./json-preview.js";
import { formatCount, INPUT_LIMITS } from "./limits.js";
import type { DataProblem } from "./types.js";
import { checkXlsxLimits } from "./xlsx-limits.js";

/** A cell as read: text from CSV/TSV, typed values from XLSX and JSON, null when empty. */
export type Cell = string | number | boolean | null;

export interface GridRow {
  /** 1-based row number in the source (the header row is 1). */
  row: number;
  cells: Cell[];
}

export interface Grid {
  headers: string[];
  rows: GridRow[];
}

export type FileFormat = "csv" | "tsv" | "xlsx" | "json";

export type GridResult =
  | { grid: Grid; problems: DataProblem[] }
  | { grid: null; problems: DataProblem[] };

/** The format a file name's extension announces (csv when there is no known extension). */
export function formatOf(fileName: string, bytes: Uint8Array): FileFormat {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? "";
  if (ext === "xlsx" || ext === "xlsm") return "xlsx";
  if (ext === "tsv" || ext === "tab") return "tsv";
  if (ext === "json") return "json";
  // A zip archive (PK\x03\x04) under another name is most likely a spreadsheet.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)
    return "xlsx";
  return "csv";
}

/**
 * UTF-8 (BOM optional), or UTF-16 with a BOM or without one (then recognised by its NUL bytes in
 * every other position, as Excel's "Unicode text" writes it); anything else is reported, not
 * guessed. Text holding NUL characters is reported too: no CSV, TSV or JSON file has them.
 */
export function decodeText(
  bytes: Uint8Array,
  file: string,
): { text: string } | { problem: DataProblem } {
  const problem = (row: number | null, expected: string, found: string) => ({
    problem: { file, row, column: null, expected, found },
  });
  const saveAs = /\.json$/i.test(file) ? "UTF-8" : '"CSV UTF-8"';
  const bom =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? "utf-16be"
        : null;
  const utf16 = bom ?? looksLikeUtf16(bytes);
  if (utf16 !== null) {
    const saveAsUtf8 = `UTF-8 text: the file looks like ${utf16 === "utf-16le" ? "UTF-16 (little-endian)" : "UTF-16 (big-endian)"}; save it as ${saveAs}`;
    let text: string;
    try {
      text = new TextDecoder(utf16, { fatal: true }).decode(bytes.subarray(bom === null ? 0 : 2));
    } catch {
      return problem(null, saveAsUtf8, "bytes that are not valid UTF-16 either");
    }
    const nul = text.indexOf("\u0000");
    if (nul >= 0)
      return problem(lineOfText(text, nul), saveAsUtf8, "a NUL character even when read as UTF-16");
    return { text };
  }
  let text: string;
  try {
    // ignoreBOM: false (the default) strips a UTF-8 BOM.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return problem(
      offset === null ? null : lineOf(bytes, offset),
      `UTF-8 text (save the file as ${saveAs})`,
      offset === null
        ? "bytes that are not UTF-8"
        : `the byte 0x${bytes[offset]!.toString(16).padStart(2, "0")}, which is not UTF-8`,
    );
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0)
    return problem(
      lineOfText(text, nul),
      `UTF-8 text (save the file as ${saveAs})`,
      "a NUL byte (0x00), which text files do not hold: is this a binary file?",
    );
  return { text };
}

/**
 * UTF-16 without a byte-order mark: in the first 4 kB, most bytes at odd offsets are NUL and
 * almost none at even ones (little-endian; the other way round for big-endian), which is how
 * Latin text looks in UTF-16. A file of zeros has NULs everywhere and is not UTF-16.
 */
function looksLikeUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const pairs = Math.min(bytes.length, 4096) >> 1;
  if (pairs === 0) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs; i++) {
    if (bytes[2 * i] === 0) evenNul++;
    if (bytes[2 * i + 1] === 0) oddNul++;
  }
  if (oddNul >= 0.6 * pairs && evenNul <= 0.1 * pairs) return "utf-16le";
  if (evenNul >= 0.6 * pairs && oddNul <= 0.1 * pairs) return "utf-16be";
  return null;
}

function lineOfText(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf("\n"); at >= 0 && at < offset; at = text.indexOf("\n", at + 1)) line++;
  return line;
}

function firstInvalidUtf8(bytes: Uint8Array): number | null {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const len =
      b < 0x80
        ? 1
        : b >= 0xc2 && b < 0xe0
          ? 2
          : b >= 0xe0 && b < 0xf0
            ? 3
            : b >= 0xf0 && b < 0xf5
              ? 4
              : 0;
    if (len === 0) return i;
    for (let j = 1; j < len; j++) if (((bytes[i + j] ?? 0) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return null;
}

function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * The delimiter of a CSV: comma, semicolon or tab, whichever splits the header line into the
 * most fields (quoted text is skipped), comma when none does.
 */
export function detectDelimiter(text: string): "," | ";" | "\t" {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const unquoted = firstLine.replace(/"[^"]*"/g, "");
  const counts: ["," | ";" | "\t", number][] = [
    [",", unquoted.split(",").length - 1],
    [";", unquoted.split(";").length - 1],
    ["\t", unquoted.split("\t").length - 1],
  ];
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ",";
}

/**
 * CSV or TSV text into a grid; papaparse handles quotes, embedded delimiters and line breaks.
 * Records are taken one at a time, so that a file past the row, column or cell limits stops
 * being parsed at the first record past them.
 */
export function gridFromDelimited(
  text: string,
  file: string,
  delimiter: "," | ";" | "\t",
): GridResult {
  const problems: DataProblem[] = [];
  const kept: GridRow[] = [];
  const limits = new GridLimits(file);
  let row = 0;
  let limitProblem: DataProblem | null = null;
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    header: false,
    step(result, parser) {
      // Rows are counted here: papaparse numbers a step's errors from 0 within the step.
      row++;
      for (const error of result.errors) {
        // Delimiter guessing is ours; field-count checks are ours (they know the header).
        if (error.type === "Delimiter" || error.type === "FieldMismatch") continue;
        problems.push({
          file,
          row,
          column: null,
          expected:
            error.code === "MissingQuotes"
              ? 'a closing quote (") for a quoted field'
              : "well-formed CSV",
          found: error.message,
        });
      }
      const verdict = limits.add(result.data, row);
      if (verdict === "data") kept.push({ row, cells: result.data });
      else if (verdict !== "blank") {
        limitProblem = verdict;
        parser.abort();
      }
    },
  });
  if (limitProblem !== null) return { grid: null, problems: [limitProblem] };
  return gridFromRows(kept, file, problems);
}

/**
 * Checks the limits record by record, in the order of the file: blank records count only
 * towards `records`, the first other one is the header, the rest are rows of data.
 */
class GridLimits {
  private headerWidth = -1;
  private dataRows = 0;
  private allRecords = 0;
  constructor(
    private readonly file: string,
    private readonly limits: Pick<
      typeof INPUT_LIMITS,
      "rows" | "records" | "columns" | "cells"
    > = INPUT_LIMITS,
  ) {}

  /**
   * Whether this record (1-based `row` of the file) is blank or data (the header included), or
   * the problem when it takes the file past a limit.
   */
  add(record: Cell[], row: number): "blank" | "data" | DataProblem {
    const { rows, records, columns, cells } = this.limits;
    const problem = (expected: string, found: string): DataProblem => ({
      file: this.file,
      row,
      column: null,
      expected: `${expected} (Pooled's limit)`,
      found,
    });
    if (++this.allRecords > records)
      return problem(
        `at most ${formatCount(records)} lines, blank ones included`,
        "more lines (reading stopped here)",
      );
    // Empty fields at the end of a record (trailing delimiters) are not counted.
    let width = record.length;
    while (width > 0 && isEmptyField(record[width - 1]!)) width--;
    if (width === 0) return "blank";
    if (width > columns)
      return problem(`at most ${formatCount(columns)} columns`, `${formatCount(width)} fields`);
    if (this.headerWidth < 0) {
      this.headerWidth = width;
      return "data";
    }
    this.dataRows++;
    if (this.dataRows > rows)
      return problem(
        `at most ${formatCount(rows)} rows of data`,
        "more rows (reading stopped here)",
      );
    if (this.dataRows * this.headerWidth > cells)
      return problem(
        `at most ${formatCount(cells)} cells, rows x columns`,
        `${formatCount(this.dataRows)} rows of ${formatCount(this.headerWidth)} columns (reading stopped here)`,
      );
    return "data";
  }
}

const isEmptyField = (c: Cell) => c === null || (typeof c === "string" && c.trim() === "");

/** Column names too long to draw or to name in a message (the first such one). */
function headerProblem(headers: readonly string[], file: string, row: number): DataProblem | null {
  const at = headers.findIndex((h) => h.length > INPUT_LIMITS.labelChars);
  if (at < 0) return null;
  return {
    file,
    row,
    column: `column ${at + 1}`,
    expected: `a column name of at most ${formatCount(INPUT_LIMITS.labelChars)} characters (Pooled's limit)`,
    found: `${formatCount(headers[at]!.length)} characters`,
  };
}

/**
 * The records that are not blank, with their row numbers in the file, into a grid: the first
 * holds the headers (leading blank lines are skipped, as are blank lines and the final newline
 * further down).
 */
function gridFromRows(records: GridRow[], file: string, problems: DataProblem[]): GridResult {
  const first = records[0];
  if (first === undefined) {
    problems.push({
      file,
      row: null,
      column: null,
      expected: "a header row and at least one row of data",
      found: "an empty file",
    });
    return { grid: null, problems };
  }
  const headers = first.cells.map((h) => (h === null ? "" : String(h).trim()));
  const longHeader = headerProblem(headers, file, first.row);
  if (longHeader !== null) return { grid: null, problems: [longHeader] };
  const rows = records.slice(1);
  if (rows.length === 0) {
    problems.push({
      file,
      row: null,
      column: null,
      expected: "at least one row of data below the header",
      found: "the header row only",
    });
  }
  return { grid: { headers, rows }, problems };
}

/** An XLSX workbook's sheet (first by default) into a grid. */
export async function gridFromXlsx(
  bytes: Uint8Array,
  file: string,
  sheet: string | number | undefined,
): Promise<GridResult> {
  const tooLarge = checkXlsxLimits(bytes, file);
  if (tooLarge !== null) return { grid: null, problems: [tooLarge] };
  const buffer = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = (await readXlsxFile(buffer)) as { sheet: string; data: unknown[][] }[];
  } catch (error) {
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "an Excel workbook (.xlsx)",
          found: `a file that cannot be read as one (${(error as Error).message})`,
        },
      ],
    };
  }
  const names = sheets.map((s) => s.sheet);
  let chosen: { sheet: string; data: unknown[][] } | undefined;
  if (sheet === undefined) chosen = sheets[0];
  else if (typeof sheet === "number" || /^\d+$/.test(sheet)) chosen = sheets[Number(sheet) - 1];
  else
    chosen =
      sheets.find((s) => s.sheet === sheet) ??
      sheets.find((s) => s.sheet.toLowerCase() === sheet.toLowerCase());
  if (chosen === undefined) {
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: `a sheet named or numbered as one of: ${names.map((n, i) => `${i + 1} "${n}"`).join(", ")}`,
          found: `sheet ${JSON.stringify(String(sheet ?? ""))}`,
        },
      ],
    };
  }
  const limits = new GridLimits(file);
  const kept: GridRow[] = [];
  for (let i = 0; i < chosen.data.length; i++) {
    const cells = chosen.data[i]!.map(xlsxCell);
    const verdict = limits.add(cells, i + 1);
    if (verdict === "data") kept.push({ row: i + 1, cells });
    else if (verdict !== "blank") return { grid: null, problems: [verdict] };
  }
  return gridFromRows(kept, file, []);
}

function xlsxCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string")
    return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/**
 * A JSON array of objects into a grid: headers are the union of keys, in order of appearance.
 * The shape is checked one level at a time, without recursion: values nested inside a cell are
 * only ever shown through {@link jsonPreview}, so 100,000 nested brackets are one more problem.
 */
export function gridFromJson(text: string, file: string): GridResult {
  const problem = (row: number | null, expected: string, found: string): GridResult => ({
    grid: null,
    problems: [{ file, row, column: null, expected, found }],
  });
  const expectedShape =
    'an array of objects, one per comparison, such as [{"study": ..., "yi": ...}]';
  const deepLine = nestedTooDeep(text, MAX_JSON_DEPTH);
  if (deepLine !== null)
    return problem(
      deepLine,
      expectedShape,
      `brackets nested more than ${MAX_JSON_DEPTH} deep (a table needs 2: the array and its objects)`,
    );
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return problem(null, `valid JSON (${expectedShape})`, (error as Error).message);
  }
  if (!Array.isArray(data))
    return problem(
      null,
      expectedShape,
      data === null
        ? "null"
        : `${/^[ao]/.test(jsonKind(data)) ? "an" : "a"} ${jsonKind(data)}: ${jsonPreview(data, 60)}`,
    );
  if (data.length > 0 && !data.some(isRecord))
    return problem(
      null,
      expectedShape,
      `an array of ${jsonKind(data[0])}s: ${jsonPreview(data, 60)}`,
    );
  // JSON has no header line: element i is reported as row i + 2, as if the keys were row 1.
  if (data.length > INPUT_LIMITS.rows)
    return problem(
      INPUT_LIMITS.rows + 2,
      `at most ${formatCount(INPUT_LIMITS.rows)} rows of data (Pooled's limit)`,
      `${formatCount(data.length)} objects`,
    );
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const item of data) {
    if (!isRecord(item)) continue;
    for (const key of Object.keys(item)) {
      if (seen.has(key)) continue;
      seen.add(key);
      headers.push(key);
      if (headers.length > INPUT_LIMITS.columns)
        return problem(
          1,
          `at most ${formatCount(INPUT_LIMITS.columns)} columns, distinct keys (Pooled's limit)`,
          `more than ${formatCount(INPUT_LIMITS.columns)} distinct keys`,
        );
    }
  }
  if (data.length * headers.length > INPUT_LIMITS.cells)
    return problem(
      null,
      `at most ${formatCount(INPUT_LIMITS.cells)} cells, rows x columns (Pooled's limit)`,
      `${formatCount(data.length)} objects with ${formatCount(headers.length)} distinct keys`,
    );
  const longHeader = headerProblem(headers, file, 1);
  if (longHeader !== null) return { grid: null, problems: [longHeader] };
  const problems: DataProblem[] = [];
  const rows: GridRow[] = [];
  for (let index = 0; index < data.length; index++) {
    const item: unknown = data[index];
    const row = index + 2;
    if (!isRecord(item)) {
      problems.push({
        file,
        row,
        column: null,
        expected: 'an object such as {"study": ..., "m1i": ...}',
        found: jsonPreview(item, 60),
      });
      continue;
    }
    const cells: Cell[] = headers.map((h) => {
      const v = item[h];
      if (v === undefined || v === null) return null;
      if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
      return jsonPreview(v, INPUT_LIMITS.labelChars);
    });
    rows.push({ row, cells });
  }
  if (data.length === 0)
    problems.push({
      file,
      row: null,
      column: null,
      expected: "at least one object (row of data)",
      found: "an empty array",
    });
  return { grid: { headers, rows }, problems };
}

/**
 * How deep a study file's JSON may nest: 2 for the array and its objects, more only for values
 * inside a cell. V8's JSON.parse keeps its own stack, but 128 MB of "[" still takes it 50 s and
 * 6 GB, so the depth is checked first.
 */
const MAX_JSON_DEPTH = 64;

/**
 * The line on which JSON text first nests deeper than `max` brackets (strings skipped), or null.
 * Checked before JSON.parse (study files and project files): V8 takes about a minute and
 * gigabytes on a file of nothing but "[".
 */
export function nestedTooDeep(text: string, max: number): number | null {
  let depth = 0;
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return line;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x0a) line++;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "array", "object", "number": what a JSON value is, in a word. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}
