/**
 * The study table as an editable grid (WAI-ARIA grid pattern, one focusable cell at a time): type
 * or paste into cells, select with Shift or the mouse, undo and redo. Edits are the pure
 * functions of view/grid/model.ts; this class only turns keys and clicks into them and keeps the
 * DOM in step, re-drawing just the rows an edit replaced (a 500-row table stays instant).
 */
import { h } from "../dom.js";
import { blockToTsv, parseClipboard, startsWithHeaders } from "../view/grid/clipboard.js";
import { type GridAction, keyAction, moveTarget, tabTarget } from "../view/grid/keys.js";
import {
  blockOf,
  blockWidth,
  type CellPos,
  type CellRange,
  cellText,
  clearRange,
  deleteColumn,
  deleteRows,
  fillRange,
  type GridCell,
  type GridData,
  GridHistory,
  hasData,
  insertColumn,
  insertRows,
  moveRows,
  rangeBounds,
  setBlock,
  setCell,
  sheetRow,
  typedCell,
  uniqueColumnName,
} from "../view/grid/model.js";
import { cellKey, NO_PROBLEMS, type PlacedProblems } from "../view/grid/problems.js";

/**
 * Rows drawn at once, and then per task: about 300 rows of a study table draw and lay out in
 * some tens of milliseconds, short enough for a click or a key to be answered in between.
 */
const ROWS_AT_ONCE = 300;
const ROWS_PER_SLICE = 50;
/** An idle period with less than this left (ms) is left to the browser. */
const IDLE_MARGIN_MS = 8;

/**
 * Runs `work` when the page is idle (requestIdleCallback, at the latest after 500 ms), telling it
 * how much of the idle period is left; a browser without idle callbacks runs it as a task.
 */
function whenIdle(work: (timeLeft: () => number) => void): void {
  if (typeof requestIdleCallback === "function")
    requestIdleCallback((deadline) => work(() => deadline.timeRemaining()), { timeout: 500 });
  else setTimeout(() => work(() => 0), 0);
}

export interface GridViewOptions {
  /** The element the grid is drawn into (it scrolls; the header row and row numbers stay). */
  container: HTMLElement;
  /** Id of the element naming the grid. */
  labelledBy: string;
  /** Where the focused cell's problem is written (and what an invalid cell is described by). */
  message: HTMLElement;
  /** Column names offered while a header is edited (moderators, SYRCLE items, metafor's names). */
  suggestions: readonly string[];
  /** After every edit, undo and redo (not after {@link GridView.setData}). */
  onChange: (data: GridData) => void;
  /** Whether undo and redo have anything to do, after every change of either. */
  onHistory?: (canUndo: boolean, canRedo: boolean) => void;
}

interface Editor {
  input: HTMLInputElement;
  pos: CellPos;
  /** "enter": started by typing, arrows finish it; "edit": Enter, F2 or a click, arrows move the caret. */
  mode: "enter" | "edit";
}

/** Ids of the grid's own elements (one grid per page). */
const SUGGESTIONS_ID = "grid-column-names";

export class GridView {
  private data: GridData = { headers: [], rows: [] };
  private history = new GridHistory({ data: this.data, cursor: { row: 1, col: 0 } });
  private anchor: CellPos = { row: 1, col: 0 };
  private focus: CellPos = { row: 1, col: 0 };
  private editor: Editor | null = null;
  private problems: PlacedProblems = NO_PROBLEMS;
  private readonly table: HTMLTableElement;
  private readonly head: HTMLTableSectionElement;
  private readonly body: HTMLTableSectionElement;
  /** The rows (and headers) the DOM shows, by identity: an edit re-draws the rows it replaced. */
  private drawnRows: GridCell[][] = [];
  private drawnHeaders: string[] | null = null;
  /** Counts renders: a slice of rows drawn late belongs to the render that scheduled it. */
  private drawSlice = 0;
  /** Cells that carry a selection or problem mark, to clear them without a search. */
  private selected: HTMLElement[] = [];
  private marked: HTMLElement[] = [];
  private active: HTMLElement | null = null;
  private dragging = false;
  /** Whether the cell clicked was already the active one (a second click edits it). */
  private clickEdits = false;
  /** Milliseconds the last full drawing took (reported on the container for the tests). */
  lastRenderMs = 0;

  constructor(private readonly options: GridViewOptions) {
    this.head = h("thead");
    this.body = h("tbody");
    this.table = h(
      "table",
      {
        class: "grid",
        role: "grid",
        "aria-labelledby": options.labelledBy,
        "aria-multiselectable": "true",
      },
      this.head,
      this.body,
    );
    const datalist = h(
      "datalist",
      { id: SUGGESTIONS_ID },
      ...options.suggestions.map((s) => h("option", { value: s })),
    );
    options.container.replaceChildren(this.table, datalist);
    this.wireEvents();
  }

  /** The table as it stands. */
  get value(): GridData {
    return this.data;
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  /** Shows a new table (a file read, a project opened): a fresh undo history, the first cell active. */
  setData(data: GridData): void {
    this.cancelEdit();
    this.data = data;
    this.anchor = this.focus = { row: data.rows.length > 0 ? 1 : 0, col: 0 };
    this.history = new GridHistory({ data, cursor: this.focus });
    this.problems = NO_PROBLEMS;
    this.render();
    this.reportHistory();
  }

  /** Marks the cells, rows and columns the pipeline found problems in (replacing earlier marks). */
  setProblems(problems: PlacedProblems): void {
    this.problems = problems;
    this.drawProblems();
    this.describeActive();
  }

  /** Moves to a cell (e.g. from the problem list) and focuses it. */
  goTo(pos: CellPos): void {
    this.commitEdit();
    this.select(this.clampPos(pos), this.clampPos(pos));
    this.active?.focus();
  }

  /** The focused cell and the selection's other corner. */
  get selection(): CellRange {
    return { anchor: { ...this.anchor }, focus: { ...this.focus } };
  }

  undo(): void {
    this.commitEdit();
    const snapshot = this.history.undo();
    if (snapshot) this.restore(snapshot.data, snapshot.cursor);
  }

  redo(): void {
    this.commitEdit();
    const snapshot = this.history.redo();
    if (snapshot) this.restore(snapshot.data, snapshot.cursor);
  }

  /** Inserts an empty row above (or below) the selection's rows. */
  insertRow(below: boolean): void {
    this.commitEdit();
    const { top, bottom } = rangeBounds(this.selection);
    const before = below ? Math.max(bottom, 0) + 1 : Math.max(top, 1);
    this.apply(insertRows(this.data, before, 1), { row: before, col: this.focus.col }, true);
  }

  /** Deletes the selected rows (the header row is never deleted). */
  deleteSelectedRows(): void {
    this.commitEdit();
    const { top, bottom } = rangeBounds(this.selection);
    if (bottom < 1) return;
    const next = deleteRows(this.data, Math.max(top, 1), bottom);
    const row = Math.min(Math.max(top, 1), next.rows.length);
    this.apply(
      next,
      { row: Math.max(row, next.rows.length > 0 ? 1 : 0), col: this.focus.col },
      true,
    );
  }

  /** Moves the selected rows one place up or down, keeping them selected. */
  moveSelectedRows(delta: -1 | 1): void {
    this.commitEdit();
    const { top, bottom } = rangeBounds(this.selection);
    const next = moveRows(this.data, Math.max(top, 1), bottom, delta);
    if (!next) return;
    const anchor = { row: this.anchor.row + delta, col: this.anchor.col };
    const focus = { row: this.focus.row + delta, col: this.focus.col };
    this.apply(next, focus, true, anchor);
  }

  /** Adds a column after the focused one and opens its name for typing. */
  addColumn(): void {
    this.commitEdit();
    const col = this.data.headers.length === 0 ? 0 : this.focus.col + 1;
    const name = uniqueColumnName(this.data.headers);
    this.apply(insertColumn(this.data, col, name), { row: 0, col }, true);
    this.startEdit("edit", null);
    this.editor?.input.select();
  }

  /** Deletes the focused column (a table keeps at least one). */
  deleteFocusedColumn(): void {
    this.commitEdit();
    const col = this.focus.col;
    const next = deleteColumn(this.data, col);
    this.apply(next, { row: this.focus.row, col: Math.min(col, next.headers.length - 1) }, true);
  }

  /** Opens the focused column's name for editing. */
  renameFocusedColumn(): void {
    this.commitEdit();
    this.select({ row: 0, col: this.focus.col }, { row: 0, col: this.focus.col });
    this.startEdit("edit", null);
    this.editor?.input.select();
  }

  /** Puts the keyboard focus on the active cell. */
  focusActive(): void {
    this.active?.focus();
  }

  // ---- edits --------------------------------------------------------------------------------

  /**
   * Records an edit: the new table, where the cursor goes, and whether the rows or columns moved
   * (then every problem mark is dropped until the table is validated again).
   */
  private apply(next: GridData, cursor: CellPos, structural: boolean, anchor?: CellPos): void {
    if (next === this.data) {
      this.select(this.clampPos(anchor ?? cursor), this.clampPos(cursor));
      return;
    }
    if (structural) this.problems = NO_PROBLEMS;
    this.data = next;
    this.history.record({ data: next, cursor });
    this.render();
    this.select(this.clampPos(anchor ?? cursor), this.clampPos(cursor));
    if (this.table.contains(document.activeElement)) this.active?.focus();
    this.reportHistory();
    this.options.onChange(next);
  }

  private restore(data: GridData, cursor: CellPos): void {
    this.problems = NO_PROBLEMS;
    this.data = data;
    this.render();
    const pos = this.clampPos(cursor);
    this.select(pos, pos);
    this.active?.focus();
    this.reportHistory();
    this.options.onChange(data);
  }

  /** Drops the marks of cells an edit changed: their problem may be gone (validation tells soon). */
  private forgetProblems(range: CellRange): void {
    const { top, bottom, left, right } = rangeBounds(range);
    if (this.problems === NO_PROBLEMS) return;
    const cells = new Map(this.problems.cells);
    for (let r = top; r <= bottom; r++)
      for (let c = left; c <= right; c++) cells.delete(cellKey(r, c));
    this.problems = { ...this.problems, cells };
  }

  private writeCell(pos: CellPos, text: string): void {
    if (pos.row === 0) {
      const name = text.trim();
      // A column keeps a name: an emptied header is put back.
      if (name === "" || name === this.data.headers[pos.col]) return;
      this.apply(setCell(this.data, pos, name), pos, true);
      return;
    }
    const next = setCell(this.data, pos, typedCell(text));
    this.forgetProblems({ anchor: pos, focus: pos });
    this.apply(next, pos, false);
  }

  private clearSelection(): void {
    this.forgetProblems(this.selection);
    this.apply(clearRange(this.data, this.selection), { ...this.focus }, false, { ...this.anchor });
  }

  private paste(text: string): void {
    const block = parseClipboard(text);
    const range = this.selection;
    const { top, left, bottom, right } = rangeBounds(range);
    const single = block.length === 1 && block[0]!.length === 1;
    if (single && (top !== bottom || left !== right)) {
      this.forgetProblems(range);
      this.apply(fillRange(this.data, range, block[0]![0]!), { ...this.focus }, false, {
        ...this.anchor,
      });
      return;
    }
    // A table with its header row pasted into an empty grid's first cell: the names go to row 1.
    const at: CellPos =
      top === 1 && left === 0 && !hasData(this.data) && startsWithHeaders(block)
        ? { row: 0, col: 0 }
        : { row: top, col: left };
    const next = setBlock(this.data, at, block);
    const lines = at.row === 0 ? block.length - 1 : block.length;
    const width = blockWidth(block);
    const end = { row: Math.max(at.row, 1) + Math.max(lines, 1) - 1, col: at.col + width - 1 };
    this.apply(next, end, at.row === 0 || next.headers !== this.data.headers, {
      row: at.row,
      col: at.col,
    });
    this.forgetProblems({ anchor: at, focus: end });
    this.drawProblems();
  }

  // ---- editing a cell -----------------------------------------------------------------------

  /** Opens the editor on the focused cell: with `text` typed in (replacing), or its own text. */
  private startEdit(mode: Editor["mode"], text: string | null): void {
    if (this.editor) return;
    const pos = { ...this.focus };
    const cell = this.cellAt(pos);
    if (!cell) return;
    const current = pos.row === 0 ? (this.data.headers[pos.col] ?? "") : this.cellValue(pos);
    const input = h("input", {
      class: "grid-editor",
      type: "text",
      spellcheck: "false",
      autocomplete: "off",
      "aria-label": this.cellLabel(pos),
      ...(pos.row === 0 ? { list: SUGGESTIONS_ID } : {}),
    });
    input.value = text ?? current;
    this.editor = { input, pos, mode };
    cell.classList.add("editing");
    cell.replaceChildren(input);
    input.focus();
    const end = input.value.length;
    input.setSelectionRange(end, end);
  }

  /**
   * Writes the editor's text to its cell; returns whether an editor was open. `refocus` false: the
   * keyboard focus is leaving the grid and goes where the reader sent it.
   */
  private commitEdit(refocus = true): boolean {
    const editor = this.editor;
    if (!editor) return false;
    this.editor = null;
    const text = editor.input.value;
    this.closeEditor(editor, refocus);
    this.writeCell(editor.pos, text);
    return true;
  }

  private cancelEdit(): void {
    const editor = this.editor;
    if (!editor) return;
    this.editor = null;
    this.closeEditor(editor, true);
  }

  private closeEditor(editor: Editor, refocus: boolean): void {
    const cell = this.cellAt(editor.pos);
    if (!cell) return;
    cell.classList.remove("editing");
    cell.textContent =
      editor.pos.row === 0 ? (this.data.headers[editor.pos.col] ?? "") : this.cellValue(editor.pos);
    if (refocus && (document.activeElement === document.body || !document.activeElement))
      cell.focus();
  }

  private onEditorKey(e: KeyboardEvent, editor: Editor): void {
    const finish = (to: CellPos | null) => {
      e.preventDefault();
      this.commitEdit();
      if (to) this.select(to, to);
      this.active?.focus();
    };
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      this.cancelEdit();
      this.active?.focus();
    } else if (e.key === "Enter") {
      // Down a row; Enter on the last row adds one, so a table is typed without the mouse.
      const below = { row: editor.pos.row + 1, col: editor.pos.col };
      if (!e.shiftKey && below.row > this.data.rows.length) {
        e.preventDefault();
        this.commitEdit();
        this.apply(insertRows(this.data, below.row, 1), below, true);
        this.active?.focus();
      } else
        finish(e.shiftKey ? { row: Math.max(editor.pos.row - 1, 0), col: editor.pos.col } : below);
    } else if (e.key === "Tab") {
      const to = tabTarget(
        editor.pos,
        e.shiftKey,
        this.data.rows.length + 1,
        this.data.headers.length,
      );
      if (to) finish(to);
      else this.commitEdit();
    } else if (editor.mode === "enter" && e.key.startsWith("Arrow") && !e.shiftKey) {
      finish(
        moveTarget(editor.pos, e.key, false, this.data.rows.length + 1, this.data.headers.length),
      );
    }
  }

  // ---- events -------------------------------------------------------------------------------

  private wireEvents(): void {
    const table = this.table;
    table.addEventListener("keydown", (e) => {
      const editor = this.editor;
      if (editor && e.target === editor.input) {
        this.onEditorKey(e, editor);
        return;
      }
      const action = keyAction(e);
      if (action && this.perform(action)) e.preventDefault();
    });
    table.addEventListener("mousedown", (e) => {
      const target = e.target as HTMLElement;
      if (this.editor && target === this.editor.input) return;
      const rowHeader = target.closest<HTMLElement>("th[data-rownum]");
      if (rowHeader) {
        e.preventDefault();
        this.commitEdit();
        const row = Number(rowHeader.dataset["rownum"]);
        const last = Math.max(this.data.headers.length - 1, 0);
        const anchor = e.shiftKey ? { row: this.anchor.row, col: 0 } : { row, col: 0 };
        this.select(anchor, { row, col: last });
        this.active?.focus();
        return;
      }
      const pos = this.posOf(target);
      if (!pos || e.button !== 0) return;
      e.preventDefault();
      const wasActive =
        !this.editor && pos.row === this.focus.row && pos.col === this.focus.col && !e.shiftKey;
      this.commitEdit();
      this.clickEdits = wasActive && this.isSingleCell();
      this.select(e.shiftKey ? this.anchor : pos, pos);
      this.active?.focus();
      this.dragging = true;
    });
    table.addEventListener("mouseover", (e) => {
      if (!this.dragging) return;
      if ((e.buttons & 1) === 0) {
        this.dragging = false;
        return;
      }
      const pos = this.posOf(e.target as HTMLElement);
      if (pos) this.select(this.anchor, pos);
    });
    document.addEventListener("mouseup", () => {
      this.dragging = false;
    });
    table.addEventListener("click", (e) => {
      if (this.clickEdits && this.posOf(e.target as HTMLElement)) this.startEdit("edit", null);
      this.clickEdits = false;
    });
    table.addEventListener("dblclick", (e) => {
      if (this.posOf(e.target as HTMLElement) && !this.editor) this.startEdit("edit", null);
    });
    table.addEventListener("focusout", (e) => {
      // Clicking or tabbing away from a cell being typed in keeps what was typed.
      const editor = this.editor;
      if (editor && e.target === editor.input) {
        const to = e.relatedTarget as Node | null;
        this.commitEdit(to !== null && this.table.contains(to));
      }
    });
    table.addEventListener("copy", (e) => this.onCopy(e, false));
    table.addEventListener("cut", (e) => this.onCopy(e, true));
    table.addEventListener("paste", (e) => {
      const text = e.clipboardData?.getData("text/plain") ?? "";
      const editor = this.editor;
      // Typing in a cell, a plain value pastes into the text; cells (tabs, lines) into the grid.
      if (editor && !/[\t\n]/.test(text.replace(/\r?\n$/, ""))) return;
      e.preventDefault();
      if (editor) this.cancelEdit();
      this.paste(text);
      this.active?.focus();
    });
  }

  private onCopy(e: ClipboardEvent, cut: boolean): void {
    if (this.editor || !e.clipboardData) return;
    e.preventDefault();
    e.clipboardData.setData("text/plain", blockToTsv(blockOf(this.data, this.selection)));
    if (cut) this.clearSelection();
  }

  /** Carries out a key's action; false when it does nothing here (the browser then acts). */
  private perform(action: GridAction): boolean {
    const rows = this.data.rows.length + 1;
    const cols = this.data.headers.length;
    switch (action.kind) {
      case "move": {
        const to = moveTarget(this.focus, action.key, action.jump, rows, cols);
        this.select(action.extend ? this.anchor : to, to);
        this.active?.focus();
        return true;
      }
      case "tab": {
        const to = tabTarget(this.focus, action.back, rows, cols);
        if (!to) return false;
        this.select(to, to);
        this.active?.focus();
        return true;
      }
      case "edit":
        this.startEdit("edit", null);
        return true;
      case "type":
        this.select(this.focus, this.focus);
        this.startEdit("enter", action.text);
        return true;
      case "clear":
        this.clearSelection();
        return true;
      case "undo":
        this.undo();
        return true;
      case "redo":
        this.redo();
        return true;
      case "selectAll":
        this.select({ row: 0, col: 0 }, { row: rows - 1, col: cols - 1 });
        return true;
      case "selectRows":
        this.select({ row: this.anchor.row, col: 0 }, { row: this.focus.row, col: cols - 1 });
        return true;
      case "moveRows":
        this.moveSelectedRows(action.delta);
        this.active?.focus();
        return true;
    }
  }

  // ---- drawing ------------------------------------------------------------------------------

  private render(): void {
    const started = performance.now();
    const { headers, rows } = this.data;
    // A re-drawn row takes its focused cell with it: the focus goes to the new one.
    const hadFocus = this.table.contains(document.activeElement);
    // Marks on rows that stay are cleared first; select() sets them again.
    this.unselect();
    if (this.active) {
      this.active.tabIndex = -1;
      this.active.classList.remove("active");
      this.active = null;
    }
    const widthChanged = this.drawnHeaders?.length !== headers.length;
    if (widthChanged || this.drawnHeaders!.some((name, i) => name !== headers[i])) this.drawHead();
    if (widthChanged) {
      this.body.replaceChildren();
      this.drawnRows = [];
    }
    const trs = this.body.rows;
    while (trs.length > rows.length) trs[trs.length - 1]!.remove();
    this.drawnRows.length = Math.min(this.drawnRows.length, rows.length);
    // A large table is drawn in slices, the first at once and the rest between other work, so
    // the page keeps answering (Cancel, typing) while thousands of rows are drawn.
    const slice = ++this.drawSlice;
    const next = this.drawRows(0, ROWS_AT_ONCE);
    if (next < rows.length) this.drawLater(next, slice);
    this.table.setAttribute("aria-rowcount", String(rows.length + 1));
    this.table.setAttribute("aria-colcount", String(headers.length + 1));
    this.drawProblems();
    this.select(this.clampPos(this.anchor), this.clampPos(this.focus));
    if (hadFocus && !this.table.contains(document.activeElement)) this.focusActive();
    this.lastRenderMs = performance.now() - started;
    this.options.container.dataset["renderMs"] = this.lastRenderMs.toFixed(1);
  }

  /**
   * Draws the rows from `from` that changed since they were drawn, at most `budget` of them;
   * returns where it stopped (the row count when every row is drawn).
   */
  private drawRows(from: number, budget: number): number {
    const { rows } = this.data;
    const trs = this.body.rows;
    let drawn = 0;
    let r = from;
    for (; r < rows.length && drawn < budget; r++) {
      if (this.drawnRows[r] === rows[r] && trs[r]) continue;
      const tr = this.rowElement(r + 1, rows[r]!);
      if (trs[r]) trs[r]!.replaceWith(tr);
      else this.body.append(tr);
      this.drawnRows[r] = rows[r]!;
      drawn++;
    }
    return r;
  }

  /**
   * The rest of a large table, drawn while the page is idle (a slice of rows at a time, as long as
   * the idle period lasts), so that input and other work always come first; a newer render stops it.
   */
  private drawLater(from: number, slice: number): void {
    whenIdle((timeLeft) => {
      if (slice !== this.drawSlice) return;
      let next = from;
      do next = this.drawRows(next, ROWS_PER_SLICE);
      while (next < this.data.rows.length && timeLeft() > IDLE_MARGIN_MS);
      if (next < this.data.rows.length) {
        this.drawLater(next, slice);
        return;
      }
      // The marks and the selection of rows drawn late.
      this.drawProblems();
      this.select(this.clampPos(this.anchor), this.clampPos(this.focus));
    });
  }

  private drawHead(): void {
    const { headers } = this.data;
    this.drawnHeaders = headers.slice();
    const tr = h(
      "tr",
      { role: "row", "aria-rowindex": 1 },
      h("th", { class: "rownum", role: "rowheader", "aria-label": "Row 1: column names" }, "1"),
      ...headers.map((name, c) =>
        h(
          "th",
          {
            role: "columnheader",
            tabindex: -1,
            "data-row": 0,
            "data-col": c,
            "aria-colindex": c + 2,
          },
          name,
        ),
      ),
    );
    this.head.replaceChildren(tr);
  }

  private rowElement(row: number, cells: readonly GridCell[]): HTMLTableRowElement {
    const tr = document.createElement("tr");
    tr.setAttribute("role", "row");
    tr.setAttribute("aria-rowindex", String(sheetRow(row)));
    const num = document.createElement("th");
    num.className = "rownum";
    num.setAttribute("role", "rowheader");
    num.dataset["rownum"] = String(row);
    num.textContent = String(sheetRow(row));
    tr.append(num);
    for (let c = 0; c < cells.length; c++) {
      const td = document.createElement("td");
      td.setAttribute("role", "gridcell");
      td.tabIndex = -1;
      td.dataset["row"] = String(row);
      td.dataset["col"] = String(c);
      const value = cells[c] ?? null;
      if (value !== null) td.textContent = cellText(value);
      tr.append(td);
    }
    return tr;
  }

  private drawProblems(): void {
    for (const el of this.marked) {
      el.classList.remove("invalid");
      el.removeAttribute("aria-invalid");
      el.removeAttribute("title");
      el.removeAttribute("aria-describedby");
    }
    this.marked = [];
    const mark = (el: HTMLElement | null | undefined, message: string) => {
      if (!el) return;
      el.classList.add("invalid");
      el.setAttribute("aria-invalid", "true");
      el.title = message;
      el.setAttribute("aria-describedby", this.options.message.id);
      this.marked.push(el);
    };
    for (const [key, message] of this.problems.cells) {
      const [row, col] = key.split(",").map(Number) as [number, number];
      mark(this.cellAt({ row, col }), message);
    }
    for (const [row, message] of this.problems.rows)
      mark(this.body.rows[row - 1]?.cells[0], message);
    for (const [col, message] of this.problems.columns) mark(this.cellAt({ row: 0, col }), message);
  }

  /** Selects the range from `anchor` to `focus` and makes `focus` the one focusable cell. */
  private select(anchor: CellPos, focus: CellPos): void {
    this.anchor = anchor;
    this.focus = focus;
    this.unselect();
    const { top, bottom, left, right } = rangeBounds({ anchor, focus });
    if (top !== bottom || left !== right) {
      for (let r = top; r <= bottom; r++)
        for (let c = left; c <= right; c++) {
          const el = this.cellAt({ row: r, col: c });
          if (!el) continue;
          el.classList.add("selected");
          el.setAttribute("aria-selected", "true");
          this.selected.push(el);
        }
    }
    const next = this.cellAt(focus);
    if (this.active && this.active !== next) {
      this.active.tabIndex = -1;
      this.active.classList.remove("active");
    }
    this.active = next;
    if (next) {
      next.tabIndex = 0;
      next.classList.add("active");
    }
    this.describeActive();
  }

  private unselect(): void {
    for (const el of this.selected) {
      el.classList.remove("selected");
      el.removeAttribute("aria-selected");
    }
    this.selected = [];
  }

  /** The focused cell's problem under the grid, read out as the cell is reached. */
  private describeActive(): void {
    const { row, col } = this.focus;
    const message =
      this.problems.cells.get(cellKey(row, col)) ??
      (row > 0 ? this.problems.rows.get(row) : this.problems.columns.get(col)) ??
      "";
    this.options.message.textContent = message;
    this.options.message.hidden = message === "";
  }

  private reportHistory(): void {
    this.options.onHistory?.(this.history.canUndo, this.history.canRedo);
  }

  // ---- positions ----------------------------------------------------------------------------

  private cellAt(pos: CellPos): HTMLElement | null {
    const tr = pos.row === 0 ? this.head.rows[0] : this.body.rows[pos.row - 1];
    return (tr?.cells[pos.col + 1] as HTMLElement | undefined) ?? null;
  }

  private posOf(target: HTMLElement): CellPos | null {
    const cell = target.closest<HTMLElement>("[data-col]");
    if (!cell || !this.table.contains(cell)) return null;
    return { row: Number(cell.dataset["row"]), col: Number(cell.dataset["col"]) };
  }

  private cellValue(pos: CellPos): string {
    return cellText(this.data.rows[pos.row - 1]?.[pos.col] ?? null);
  }

  private cellLabel(pos: CellPos): string {
    const name = this.data.headers[pos.col] ?? "";
    return pos.row === 0
      ? `Name of column ${pos.col + 1}`
      : `Row ${sheetRow(pos.row)}, column ${name || pos.col + 1}`;
  }

  private clampPos(pos: CellPos): CellPos {
    return {
      row: Math.min(Math.max(pos.row, 0), this.data.rows.length),
      col: Math.min(Math.max(pos.col, 0), Math.max(this.data.headers.length - 1, 0)),
    };
  }

  private isSingleCell(): boolean {
    return this.anchor.row === this.focus.row && this.anchor.col === this.focus.col;
  }
}
