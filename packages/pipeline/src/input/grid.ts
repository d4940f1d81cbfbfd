/**
 * Reading a file's bytes into a grid of cells: the first row holds the headers, every later row
 * keeps its row number in the source (header = 1), as a spreadsheet shows it.
 * CSV / TSV (papaparse), XLSX (read-excel-file) and JSON (an array of objects).
 */
import Papa from "papaparse";
import readXlsxFile from "read-excel-file/universal";
import type { DataProblem } from "./types.js";

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

/** UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is reported, not guessed. */
export function decodeText(
  bytes: Uint8Array,
  file: string,
): { text: string } | { problem: DataProblem } {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe)
      return { text: new TextDecoder("utf-16le", { fatal: true }).decode(bytes.subarray(2)) };
    if (bytes[0] === 0xfe && bytes[1] === 0xff)
      return { text: new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2)) };
    // ignoreBOM: false (the default) strips a UTF-8 BOM.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return {
      problem: {
        file,
        row: offset === null ? null : lineOf(bytes, offset),
        column: null,
        expected: 'UTF-8 text (save the file as "CSV UTF-8")',
        found:
          offset === null
            ? "bytes that are not UTF-8"
            : `the byte 0x${bytes[offset]!.toString(16).padStart(2, "0")}, which is not UTF-8`,
      },
    };
  }
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

/** CSV or TSV text into a grid; papaparse handles quotes, embedded delimiters and line breaks. */
export function gridFromDelimited(
  text: string,
  file: string,
  delimiter: "," | ";" | "\t",
): GridResult {
  const problems: DataProblem[] = [];
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: false, header: false });
  for (const error of parsed.errors) {
    // Delimiter guessing is ours; field-count checks are ours (they know the header).
    if (error.type === "Delimiter" || error.type === "FieldMismatch") continue;
    problems.push({
      file,
      row: error.row === undefined ? null : error.row + 1,
      column: null,
      expected:
        error.code === "MissingQuotes"
          ? 'a closing quote (") for a quoted field'
          : "well-formed CSV",
      found: error.message,
    });
  }
  const records = parsed.data;
  return gridFromRecords(records, file, problems);
}

function gridFromRecords(records: Cell[][], file: string, problems: DataProblem[]): GridResult {
  const isBlank = (record: Cell[]) =>
    record.every((c) => c === null || (typeof c === "string" && c.trim() === ""));
  // Leading blank lines are skipped; the first non-blank record holds the headers.
  let headerIndex = 0;
  while (headerIndex < records.length && isBlank(records[headerIndex]!)) headerIndex++;
  if (headerIndex >= records.length) {
    problems.push({
      file,
      row: null,
      column: null,
      expected: "a header row and at least one row of data",
      found: "an empty file",
    });
    return { grid: null, problems };
  }
  const headers = records[headerIndex]!.map((h) => (h === null ? "" : String(h).trim()));
  const rows: GridRow[] = [];
  for (let i = headerIndex + 1; i < records.length; i++) {
    const record = records[i]!;
    if (isBlank(record)) continue; // blank lines (and the final newline) carry no data
    rows.push({ row: i + 1, cells: record });
  }
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
  const records: Cell[][] = chosen.data.map((row) => row.map(xlsxCell));
  return gridFromRecords(records, file, []);
}

function xlsxCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "string")
    return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

/** A JSON array of objects into a grid: headers are the union of keys, in order of appearance. */
export function gridFromJson(text: string, file: string): GridResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "valid JSON (an array of objects, one per comparison)",
          found: (error as Error).message,
        },
      ],
    };
  }
  if (!Array.isArray(data)) {
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "a JSON array of objects, one per comparison",
          found: data === null ? "null" : typeof data,
        },
      ],
    };
  }
  const problems: DataProblem[] = [];
  const headers: string[] = [];
  const seen = new Set<string>();
  for (const item of data) {
    if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      for (const key of Object.keys(item)) {
        if (!seen.has(key)) {
          seen.add(key);
          headers.push(key);
        }
      }
    }
  }
  const rows: GridRow[] = [];
  data.forEach((item, index) => {
    // JSON has no header line: element i is reported as row i + 2, as if the keys were row 1.
    const row = index + 2;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      problems.push({
        file,
        row,
        column: null,
        expected: 'an object such as {"study": ..., "m1i": ...}',
        found: JSON.stringify(item),
      });
      return;
    }
    const record = item as Record<string, unknown>;
    const cells: Cell[] = headers.map((h) => {
      const v = record[h];
      if (v === undefined || v === null) return null;
      if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
      return JSON.stringify(v);
    });
    rows.push({ row, cells });
  });
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
