/**
 * The grid's keyboard, as a spreadsheet's: what a key pressed on a cell (not while typing in it)
 * asks for, and where a move lands. Pure, so the key map is tested without a browser.
 */
import type { CellPos } from "./model.js";

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export type GridAction =
  /** Arrows, Home/End, PageUp/PageDown: to `to` (computed by {@link moveTarget}); Shift extends. */
  | { kind: "move"; key: string; jump: boolean; extend: boolean }
  /** Tab / Shift+Tab: the next or previous cell along the row, wrapping to the next row. */
  | { kind: "tab"; back: boolean }
  /** Enter or F2: edit the cell, keeping its text. */
  | { kind: "edit" }
  /** A printable key: edit the cell, replacing its text with the key. */
  | { kind: "type"; text: string }
  /** Delete or Backspace: empty the selected cells. */
  | { kind: "clear" }
  | { kind: "undo" }
  | { kind: "redo" }
  | { kind: "selectAll" }
  /** Shift+Space: select whole rows (then Delete rows, Move up/down apply to them). */
  | { kind: "selectRows" }
  /** Alt+Up / Alt+Down: move the selected rows past their neighbour. */
  | { kind: "moveRows"; delta: -1 | 1 };

/** Rows PageUp and PageDown move by. */
export const PAGE_ROWS = 10;

const MOVE_KEYS = new Set([
  "ArrowUp",
  "ArrowDown",
  "ArrowLeft",
  "ArrowRight",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);

/** What a key pressed on a cell means, or null for a key the grid leaves to the browser. */
export function keyAction(e: KeyPress): GridAction | null {
  const command = e.ctrlKey || e.metaKey;
  const key = e.key;
  if (command && !e.altKey) {
    const lower = key.toLowerCase();
    if (lower === "z") return e.shiftKey ? { kind: "redo" } : { kind: "undo" };
    if (lower === "y") return { kind: "redo" };
    if (lower === "a") return { kind: "selectAll" };
  }
  if (e.altKey && !command && (key === "ArrowUp" || key === "ArrowDown"))
    return { kind: "moveRows", delta: key === "ArrowUp" ? -1 : 1 };
  if (MOVE_KEYS.has(key) && !e.altKey)
    return { kind: "move", key, jump: command, extend: e.shiftKey };
  if (command || e.altKey) return null;
  if (key === "Tab") return { kind: "tab", back: e.shiftKey };
  if (key === "Enter" || key === "F2") return { kind: "edit" };
  if (key === "Delete" || key === "Backspace") return { kind: "clear" };
  if (key === " " && e.shiftKey) return { kind: "selectRows" };
  // A single character (not "Shift", "Escape", "F5"...): the start of what the reader types.
  if ([...key].length === 1) return { kind: "type", text: key };
  return null;
}

/**
 * Where a move key lands from `from` in a sheet of `rows` rows (header row included) and `cols`
 * columns: arrows step (with Ctrl, to the edge), Home/End go to the row's first and last cell
 * (with Ctrl, the sheet's), PageUp/PageDown move {@link PAGE_ROWS} rows.
 */
export function moveTarget(
  from: CellPos,
  key: string,
  jump: boolean,
  rows: number,
  cols: number,
): CellPos {
  const lastRow = Math.max(rows - 1, 0);
  const lastCol = Math.max(cols - 1, 0);
  const clamp = (row: number, col: number): CellPos => ({
    row: Math.min(Math.max(row, 0), lastRow),
    col: Math.min(Math.max(col, 0), lastCol),
  });
  switch (key) {
    case "ArrowUp":
      return clamp(jump ? 0 : from.row - 1, from.col);
    case "ArrowDown":
      return clamp(jump ? lastRow : from.row + 1, from.col);
    case "ArrowLeft":
      return clamp(from.row, jump ? 0 : from.col - 1);
    case "ArrowRight":
      return clamp(from.row, jump ? lastCol : from.col + 1);
    case "Home":
      return clamp(jump ? 0 : from.row, 0);
    case "End":
      return clamp(jump ? lastRow : from.row, lastCol);
    case "PageUp":
      return clamp(from.row - PAGE_ROWS, from.col);
    case "PageDown":
      return clamp(from.row + PAGE_ROWS, from.col);
    default:
      return clamp(from.row, from.col);
  }
}

/**
 * Tab's next cell: along the row, then the next row's first cell (Shift+Tab backwards); null past
 * the sheet's last (or first) cell, where Tab leaves the grid so the keyboard is never trapped.
 */
export function tabTarget(
  from: CellPos,
  back: boolean,
  rows: number,
  cols: number,
): CellPos | null {
  if (!back) {
    if (from.col < cols - 1) return { row: from.row, col: from.col + 1 };
    return from.row < rows - 1 ? { row: from.row + 1, col: 0 } : null;
  }
  if (from.col > 0) return { row: from.row, col: from.col - 1 };
  return from.row > 0 ? { row: from.row - 1, col: cols - 1 } : null;
}
