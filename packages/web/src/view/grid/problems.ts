/**
 * The pipeline's problems placed on the grid: a problem naming a row and a column marks that
 * cell, one naming a row only marks the row's number, one naming a column only marks its header.
 * The messages are the problem list's lines (the CLI's rules, the page's wording).
 */
import type { DataProblem } from "@pooled/pipeline";
import { problemLine } from "../problems.js";

export interface PlacedProblems {
  /** Grid position "row,col" (row 0 the header row) -> the message(s) for that cell. */
  cells: Map<string, string>;
  /** Grid row (>= 1) -> message(s) about the whole row. */
  rows: Map<number, string>;
  /** Column -> message(s) about the whole column. */
  columns: Map<number, string>;
  /** Problems about the file as a whole, or about rows or columns the grid does not have. */
  unplaced: number;
}

export const NO_PROBLEMS: PlacedProblems = {
  cells: new Map(),
  rows: new Map(),
  columns: new Map(),
  unplaced: 0,
};

export const cellKey = (row: number, col: number): string => `${row},${col}`;

/**
 * The column a problem names: the header as written (first one of that name), else the same name
 * ignoring case and surrounding spaces, else "column N" for a column without a name.
 */
export function columnIndex(headers: readonly string[], column: string): number {
  const exact = headers.indexOf(column);
  if (exact >= 0) return exact;
  const wanted = column.trim().toLowerCase();
  const loose = headers.findIndex((h) => h.trim().toLowerCase() === wanted);
  if (loose >= 0) return loose;
  const unnamed = /^column (\d+)$/.exec(column);
  if (unnamed) {
    const at = Number(unnamed[1]) - 1;
    if (at >= 0 && at < headers.length) return at;
  }
  return -1;
}

function add<K>(map: Map<K, string>, key: K, message: string): void {
  const before = map.get(key);
  map.set(key, before === undefined ? message : `${before}\n${message}`);
}

/** Places problems on a grid of `headers` and `dataRows` rows (sheet rows 2..dataRows + 1). */
export function placeProblems(
  problems: readonly DataProblem[],
  headers: readonly string[],
  dataRows: number,
): PlacedProblems {
  const placed: PlacedProblems = {
    cells: new Map(),
    rows: new Map(),
    columns: new Map(),
    unplaced: 0,
  };
  for (const problem of problems) {
    const line = problemLine(problem);
    const message = `${line.where}: ${line.what}`;
    // Sheet row r is grid row r - 1 (the header is sheet row 1, grid row 0).
    const row = problem.row === null ? null : problem.row - 1;
    const rowInGrid = row !== null && row >= 0 && row <= dataRows;
    const col = problem.column === null ? -1 : columnIndex(headers, problem.column);
    if (rowInGrid && col >= 0) add(placed.cells, cellKey(row, col), message);
    else if (rowInGrid && row > 0) add(placed.rows, row, message);
    else if (col >= 0 && (row === null || row === 0)) add(placed.columns, col, message);
    else placed.unplaced++;
  }
  return placed;
}
