/**
 * The study table as the reader types it: headers and rows of cells, and every edit the grid
 * offers as a pure function that returns a new table. Rows an edit does not touch are shared with
 * the table before it, so keeping each state for undo costs a row array, not a copy of the data,
 * and the view re-draws only the rows whose array changed.
 *
 * Positions follow a spreadsheet: `row` 0 is the header row (the sheet's row 1), `row` r >= 1 is
 * `rows[r - 1]` (the sheet's row r + 1), the row number every message of the pipeline names.
 */

/** A cell as typed (text), or as read from a workbook or JSON file (numbers, booleans); null empty. */
export type GridCell = string | number | boolean | null;

export interface GridData {
  headers: string[];
  /** Every row has one cell per header. */
  rows: GridCell[][];
}

/** A cell of the sheet: `row` 0 is the header row, `col` 0 the first column. */
export interface CellPos {
  row: number;
  col: number;
}

/** A rectangle of cells, corners included, in any order. */
export interface CellRange {
  anchor: CellPos;
  focus: CellPos;
}

/** The columns a new project starts with: one comparison of two arms' means, SDs and sizes. */
export const TEMPLATE_HEADERS: readonly string[] = [
  "study",
  "m1i",
  "sd1i",
  "n1i",
  "m2i",
  "sd2i",
  "n2i",
];

/** Empty rows a new project shows, to type into. */
export const TEMPLATE_ROWS = 5;

/** The sheet's row number of a grid row (the header is row 1). */
export const sheetRow = (row: number): number => row + 1;

export function isEmptyCell(cell: GridCell): boolean {
  return cell === null || (typeof cell === "string" && cell.trim() === "");
}

export function isBlankRow(row: readonly GridCell[]): boolean {
  return row.every(isEmptyCell);
}

/** Whether any data cell holds something (headers alone are not data). */
export function hasData(data: GridData): boolean {
  return data.rows.some((r) => !isBlankRow(r));
}

/** A table of `rows` empty rows under `headers`. */
export function emptyGrid(headers: readonly string[], rows = 0): GridData {
  return {
    headers: [...headers],
    rows: Array.from({ length: rows }, () => headers.map(() => null)),
  };
}

/**
 * Rows padded to one width, so every later edit can index freely: the widest of the header row
 * and the rows (cells past the last header get a column without a name, which the pipeline
 * reports, rather than being dropped).
 */
export function normaliseGrid(headers: readonly string[], rows: readonly GridCell[][]): GridData {
  const width = rows.reduce((w, r) => Math.max(w, r.length), headers.length);
  return {
    headers: Array.from({ length: width }, (_, i) => String(headers[i] ?? "")),
    rows: rows.map((r) =>
      r.length === width
        ? [...r]
        : Array.from({ length: width }, (_, i) => (r[i] === undefined ? null : r[i]!)),
    ),
  };
}

/**
 * The table without its trailing blank rows (the empty rows left to type into): what is saved,
 * exported and validated. Blank rows between data stay, so every row keeps its number.
 */
export function withoutTrailingBlankRows(data: GridData): GridData {
  let end = data.rows.length;
  while (end > 0 && isBlankRow(data.rows[end - 1]!)) end--;
  return end === data.rows.length ? data : { headers: data.headers, rows: data.rows.slice(0, end) };
}

/** Text typed into a cell: empty text is an empty cell. */
export function typedCell(text: string): GridCell {
  return text.trim() === "" ? null : text;
}

/** How a cell shows in the grid and in copied text. */
export function cellText(cell: GridCell): string {
  if (cell === null) return "";
  return String(cell);
}

/** A name not among `headers`: `base`, else `base 2`, `base 3`... */
export function uniqueColumnName(headers: readonly string[], base = "column"): string {
  const taken = new Set(headers.map((h) => h.trim().toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const name = `${base} ${i}`;
    if (!taken.has(name.toLowerCase())) return name;
  }
}

/** The range's rows and columns, lowest first. */
export function rangeBounds(range: CellRange): {
  top: number;
  bottom: number;
  left: number;
  right: number;
} {
  return {
    top: Math.min(range.anchor.row, range.focus.row),
    bottom: Math.max(range.anchor.row, range.focus.row),
    left: Math.min(range.anchor.col, range.focus.col),
    right: Math.max(range.anchor.col, range.focus.col),
  };
}

/** Sets one cell; row 0 renames the column. */
export function setCell(data: GridData, pos: CellPos, value: GridCell): GridData {
  if (pos.row === 0) return renameColumn(data, pos.col, cellText(value).trim());
  const r = pos.row - 1;
  const current = data.rows[r];
  if (current === undefined || current[pos.col] === value) return data;
  const rows = data.rows.slice();
  const row = current.slice();
  row[pos.col] = value;
  rows[r] = row;
  return { headers: data.headers, rows };
}

/** Empties every cell of the range; header cells in it are left as they are (a column keeps a name). */
export function clearRange(data: GridData, range: CellRange): GridData {
  const { top, bottom, left, right } = rangeBounds(range);
  let rows: GridCell[][] | null = null;
  for (let r = Math.max(top, 1); r <= bottom; r++) {
    const current = data.rows[r - 1];
    if (current === undefined) continue;
    let changed = false;
    for (let c = left; c <= right; c++) if (!isEmptyCell(current[c] ?? null)) changed = true;
    if (!changed) continue;
    rows ??= data.rows.slice();
    const row = current.slice();
    for (let c = left; c <= right; c++) row[c] = null;
    rows[r - 1] = row;
  }
  return rows === null ? data : { headers: data.headers, rows };
}

/**
 * Writes a block of cells with its top-left corner at `at`, as a spreadsheet pastes: rows and
 * columns are added when the block reaches past the table (new columns get unique names). A block
 * placed on the header row writes its first line as column names and the rest as data below.
 */
export function setBlock(data: GridData, at: CellPos, block: readonly GridCell[][]): GridData {
  if (block.length === 0) return data;
  const width = blockWidth(block);
  let headers = data.headers;
  if (at.col + width > headers.length) {
    headers = headers.slice();
    while (headers.length < at.col + width) headers.push(uniqueColumnName(headers));
  }
  let lines = block;
  if (at.row === 0) {
    headers = headers === data.headers ? headers.slice() : headers;
    const names = block[0]!;
    for (let i = 0; i < names.length; i++) {
      const name = cellText(names[i] ?? null).trim();
      if (name !== "") headers[at.col + i] = name;
    }
    lines = block.slice(1);
  }
  const firstRow = Math.max(at.row, 1) - 1;
  const rows = data.rows.map((r) => (r.length < headers.length ? widen(r, headers.length) : r));
  while (rows.length < firstRow + lines.length) rows.push(headers.map(() => null));
  lines.forEach((line, i) => {
    const row = rows[firstRow + i]!.slice();
    line.forEach((cell, j) => {
      row[at.col + j] = cell;
    });
    rows[firstRow + i] = row;
  });
  return { headers, rows };
}

/** The widest line of a block. */
export function blockWidth(block: readonly (readonly GridCell[])[]): number {
  return block.reduce((w, line) => Math.max(w, line.length), 0);
}

function widen(row: readonly GridCell[], width: number): GridCell[] {
  return Array.from({ length: width }, (_, i) => (row[i] === undefined ? null : row[i]!));
}

/** Fills every cell of the range with one value (a single copied value pasted onto a selection). */
export function fillRange(data: GridData, range: CellRange, value: GridCell): GridData {
  const { top, bottom, left, right } = rangeBounds(range);
  const lines = Array.from({ length: bottom - Math.max(top, 1) + 1 }, () =>
    Array.from({ length: right - left + 1 }, () => value),
  );
  return lines.length === 0 ? data : setBlock(data, { row: Math.max(top, 1), col: left }, lines);
}

/** Inserts `count` empty rows before data row `before` (1-based as positions; n + 1 appends). */
export function insertRows(data: GridData, before: number, count = 1): GridData {
  const at = Math.min(Math.max(before, 1), data.rows.length + 1) - 1;
  const rows = data.rows.slice();
  rows.splice(at, 0, ...Array.from({ length: count }, () => data.headers.map(() => null)));
  return { headers: data.headers, rows };
}

/** Deletes data rows `from`..`to` (positions, inclusive). */
export function deleteRows(data: GridData, from: number, to: number): GridData {
  const top = Math.max(Math.min(from, to), 1);
  const bottom = Math.min(Math.max(from, to), data.rows.length);
  if (bottom < top) return data;
  const rows = data.rows.slice();
  rows.splice(top - 1, bottom - top + 1);
  return { headers: data.headers, rows };
}

/**
 * Moves data rows `from`..`to` up (delta -1) or down (+1) past their neighbour; null when they
 * are already at that edge.
 */
export function moveRows(data: GridData, from: number, to: number, delta: -1 | 1): GridData | null {
  const top = Math.max(Math.min(from, to), 1);
  const bottom = Math.min(Math.max(from, to), data.rows.length);
  if (bottom < top) return null;
  if (delta < 0 ? top <= 1 : bottom >= data.rows.length) return null;
  const rows = data.rows.slice();
  const block = rows.splice(top - 1, bottom - top + 1);
  rows.splice(top - 1 + delta, 0, ...block);
  return { headers: data.headers, rows };
}

/** Inserts an empty column named `name` before column `before` (headers.length appends). */
export function insertColumn(data: GridData, before: number, name: string): GridData {
  const at = Math.min(Math.max(before, 0), data.headers.length);
  const headers = data.headers.slice();
  headers.splice(at, 0, name);
  const rows = data.rows.map((r) => {
    const row = r.slice();
    row.splice(at, 0, null);
    return row;
  });
  return { headers, rows };
}

/** Deletes column `col` (the last column stays: a table needs one). */
export function deleteColumn(data: GridData, col: number): GridData {
  if (data.headers.length <= 1 || col < 0 || col >= data.headers.length) return data;
  const headers = data.headers.slice();
  headers.splice(col, 1);
  const rows = data.rows.map((r) => {
    const row = r.slice();
    row.splice(col, 1);
    return row;
  });
  return { headers, rows };
}

export function renameColumn(data: GridData, col: number, name: string): GridData {
  if (col < 0 || col >= data.headers.length || data.headers[col] === name) return data;
  const headers = data.headers.slice();
  headers[col] = name;
  return { headers, rows: data.rows };
}

/** The cells of a range as a block (header cells as their names). */
export function blockOf(data: GridData, range: CellRange): GridCell[][] {
  const { top, bottom, left, right } = rangeBounds(range);
  const out: GridCell[][] = [];
  for (let r = top; r <= bottom; r++) {
    const source = r === 0 ? data.headers : data.rows[r - 1];
    if (source === undefined) continue;
    out.push(source.slice(left, right + 1).map((c) => (c === undefined ? null : c)));
  }
  return out;
}

/** One state of the table, with the cell the reader was at when it was made (undo returns there). */
export interface GridSnapshot {
  data: GridData;
  cursor: CellPos;
}

/**
 * Undo and redo over whole states. Each edit records the state it made; undo steps back one state
 * and puts the cursor where the undone edit happened, redo steps forward again. A new edit after
 * an undo drops the states that were undone, as in every editor.
 */
export class GridHistory {
  private states: GridSnapshot[];
  private at = 0;

  constructor(
    initial: GridSnapshot,
    /** States kept; the oldest go first (200 edits of a 500-row table is a few hundred kB). */
    private readonly limit = 200,
  ) {
    this.states = [initial];
  }

  get current(): GridSnapshot {
    return this.states[this.at]!;
  }

  get canUndo(): boolean {
    return this.at > 0;
  }

  get canRedo(): boolean {
    return this.at < this.states.length - 1;
  }

  record(next: GridSnapshot): void {
    this.states.length = this.at + 1;
    this.states.push(next);
    if (this.states.length > this.limit) this.states.shift();
    this.at = this.states.length - 1;
  }

  undo(): GridSnapshot | null {
    if (!this.canUndo) return null;
    const undone = this.states[this.at]!;
    this.at--;
    return { data: this.states[this.at]!.data, cursor: undone.cursor };
  }

  redo(): GridSnapshot | null {
    if (!this.canRedo) return null;
    this.at++;
    return this.states[this.at]!;
  }
}
