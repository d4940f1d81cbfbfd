/**
 * Text on the clipboard as a block of cells, and a block as text: spreadsheets copy cells as
 * tab-separated lines (a cell holding a tab, a line break or a quote is quoted, quotes doubled),
 * text editors and exports as CSV. The block keeps cells as text; the pipeline reads the numbers.
 */
import { cellText, type GridCell } from "./model.js";

/**
 * Splits delimited text into lines of fields, honouring double quotes (a quoted field may hold
 * the delimiter, line breaks and "" for a quote). A final line break does not make an empty line.
 */
export function splitDelimited(text: string, delimiter: string): string[][] {
  const lines: string[][] = [];
  let line: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endField = () => {
    line.push(field);
    field = "";
  };
  const endLine = () => {
    endField();
    lines.push(line);
    line = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === "\r" || ch === "\n") {
      endLine();
      if (ch === "\r" && text[i + 1] === "\n") i++;
    } else field += ch;
    i++;
  }
  if (field !== "" || line.length > 0 || quoted) endLine();
  return lines;
}

/** The delimiter splitting every line (quotes aside) into the same number of fields, if any. */
function consistentDelimiter(text: string): "," | ";" | null {
  for (const delimiter of [",", ";"] as const) {
    const lines = splitDelimited(text, delimiter).filter((l) => l.some((f) => f.trim() !== ""));
    if (lines.length < 2) continue;
    const width = lines[0]!.length;
    if (width > 1 && lines.every((l) => l.length === width)) return delimiter;
  }
  return null;
}

/**
 * Pasted text as a block of cells. Tabs mean cells copied from a spreadsheet. Without tabs,
 * several lines that a comma (or semicolon) splits into the same number of fields are CSV; any
 * other text is one column, one cell per line, so a single value such as "3,5" (a decimal comma)
 * stays one cell.
 */
export function parseClipboard(text: string): GridCell[][] {
  const trimmed = text.replace(/(\r?\n)+$/, "");
  if (trimmed === "") return [[null]];
  const delimiter = trimmed.includes("\t") ? "\t" : consistentDelimiter(trimmed);
  const lines =
    delimiter === null
      ? trimmed.split(/\r?\n/).map((l) => [l])
      : splitDelimited(trimmed, delimiter);
  return lines.map((l) => l.map((f) => (f.trim() === "" ? null : f)));
}

/** A block as a spreadsheet copies it: tab-separated lines, fields quoted where needed. */
export function blockToTsv(block: readonly (readonly GridCell[])[]): string {
  return block
    .map((line) =>
      line
        .map((cell) => {
          const text = cellText(cell);
          return /[\t\r\n"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join("\t"),
    )
    .join("\n");
}

/**
 * Whether a block pasted into an empty table starts with its column names: its first line holds
 * no number and the second one does (a header row copied with its data).
 */
export function startsWithHeaders(block: readonly (readonly GridCell[])[]): boolean {
  if (block.length < 2) return false;
  const numeric = (cell: GridCell) =>
    typeof cell === "number" ||
    (typeof cell === "string" && /^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$/.test(cell));
  const first = block[0]!;
  return first.some((c) => c !== null) && !first.some(numeric) && block[1]!.some((c) => numeric(c));
}
