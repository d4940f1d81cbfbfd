/**
 * The Data panel: reading the example, a file (chosen, dropped or pasted), a workbook's sheet or
 * the typed table, with the reading options (decimal comma, sheet); PRISMA counts from a file;
 * and the list of problems a read or an analysis found.
 */
import type { ColumnOverrides, MeasureName, ParseOutcome, ParseRequest } from "../api.js";
import { byId, fillSelect, h } from "../dom.js";
import { type Source, store } from "../store.js";
import { fileSizeProblem, isWorkbook, sheetHint, sheetOptions } from "../view/columns.js";
import { errorToProblems, problemList } from "../view/problems.js";
import {
  chooseMeasure,
  EXAMPLE_SUBGROUP,
  subgroupCandidates,
  tableHeaders,
} from "../view/settings.js";
import type { PageView, Phase } from "../view/state.js";
import { columnOverrides, renderColumns } from "./columns.js";
import { el } from "./elements.js";
import { interactive } from "./engines.js";
import {
  analyse,
  analyseSoon,
  noteLoadClicked,
  showResultsWhenReady,
  supersedeAnalyses,
} from "./results.js";
import { adaptSettingsToTable, quietSettings } from "./settings.js";
import { workspace } from "./workspace.js";

/** Counts reads: a read's answer is used only if no newer read started meanwhile. */
let loadSeq = 0;
/** The wait before the typed table is read (see readTableSoon). */
let readTimer: ReturnType<typeof setTimeout> | undefined;

/** Makes every read under way obsolete (a newer one, or none, replaces it). */
export function supersedeLoads(): void {
  loadSeq++;
}

/**
 * Reads a source. A new source is read with the measure the pipeline infers (as the CLI without
 * --measure); if the reader has chosen another measure the table supports, it is read again with
 * that one, since the measure decides which columns and values are required.
 */
export async function load(
  next: Source,
  columns?: ColumnOverrides,
  measure?: MeasureName,
): Promise<void> {
  // A file read replaces a read of the typed table still waiting for typing to pause.
  if (next.kind !== "grid") clearTimeout(readTimer);
  store.update({ source: next });
  const seq = ++loadSeq;
  const name =
    next.kind === "example"
      ? "the example"
      : next.kind === "grid"
        ? workspace.gridSource(null).fileName
        : next.name;
  store.update({ phase: { kind: "parsing", fileName: name } });
  // The reading options as the controls show them now (the CLI's --decimal-comma and --sheet).
  const decimalComma = el.decimalComma.checked;
  const sheet = next.kind === "bytes" && next.sheets.length > 0 ? el.sheet.value : "";
  const read = async (m: MeasureName | undefined): Promise<ParseOutcome> => {
    const request: ParseRequest = {
      ...(columns ? { columns } : {}),
      ...(m ? { measure: m } : {}),
      ...(decimalComma ? { decimalComma } : {}),
      ...(sheet !== "" ? { sheet } : {}),
    };
    try {
      if (next.kind === "grid") {
        // The reader's own column choices only: the rest is detected, as columns come and go.
        const typed: ParseRequest = { ...request, columns: workspace.columns };
        const grid = workspace.gridSource(quietSettings());
        return await interactive<ParseOutcome>((api) => api.parseGrid(grid, typed));
      }
      return next.kind === "example"
        ? await interactive<ParseOutcome>((api) => api.loadExample(request))
        : await interactive<ParseOutcome>((api) => api.parse(next.bytes, next.name, request));
    } catch (error) {
      return {
        ok: false,
        fileName: name,
        problems: errorToProblems(error, name),
        headers: [],
        detected: {},
      };
    }
  };
  let outcome = await read(measure);
  if (outcome.ok && measure === undefined) {
    const inferred = outcome.inferredMeasure;
    const wanted = chooseMeasure(outcome.table, el.measure.value as MeasureName, inferred);
    if (wanted !== inferred) outcome = await read(wanted);
  }
  if (seq !== loadSeq) return; // a newer read (another file, option or column) replaced this one
  // A file's cells go to the grid, where they can be corrected (a re-read replaces them).
  if (next.kind !== "grid" && outcome.grid) {
    workspace.showFile(outcome.grid, {
      reread: next === store.get().shownSource,
      prisma: outcome.prisma ?? store.get().userPrisma ?? null,
      decimalComma,
    });
    store.update({ shownSource: next });
  }
  if (!outcome.ok) {
    store.update({ table: null });
    const hint = next.kind === "bytes" ? sheetHint(next.sheets, sheet) : null;
    store.update({
      phase: {
        kind: "problems",
        fileName: outcome.fileName,
        problems: outcome.problems,
        ...(hint ? { hint } : {}),
        ...(next.kind === "grid" ? { typed: true } : {}),
      },
      result: null,
    });
    // The column choices stay editable: a header the reader's file names differently can be mapped.
    if (outcome.headers.length > 0) {
      store.update({ headers: outcome.headers });
      renderColumns(outcome.detected);
    } else {
      el.columnsPanel.hidden = true;
    }
    // Typing in the grid keeps the keyboard there: the marked cell and the list say what is wrong.
    if (next.kind !== "grid") el.problems.focus();
    return;
  }
  const { table } = store.get();
  const fresh = table === null || table.source !== outcome.table.source;
  store.update({
    table: outcome.table,
    headers: outcome.headers.length > 0 ? outcome.headers : tableHeaders(outcome.table),
  });
  renderColumns(outcome.detected);
  adaptSettingsToTable(outcome.table, outcome.inferredMeasure);
  // A load the reader asked for (not a re-read after a settings change) brings the results into view.
  if (columns === undefined && measure === undefined && next.kind !== "grid")
    showResultsWhenReady();
  if (
    fresh &&
    next.kind === "example" &&
    subgroupCandidates(outcome.table).includes(EXAMPLE_SUBGROUP)
  ) {
    el.by.value = EXAMPLE_SUBGROUP;
  }
  await analyse();
}

/** Re-reads the current source with the chosen columns and measure. */
export function reload(): void {
  const { source } = store.get();
  if (source) void load(source, columnOverrides(), el.measure.value as MeasureName);
}

/** Reads new bytes: lists a workbook's sheets first (the selector starts at the first sheet). */
async function loadBytes(bytes: Uint8Array, name: string): Promise<void> {
  // Counts as a read for load()'s sequence: a slow sheet lookup must not overwrite a newer load.
  const seq = ++loadSeq;
  let sheets: string[] = [];
  if (isWorkbook(name, bytes)) {
    try {
      sheets = await interactive((api) => api.sheetNames(bytes, name));
    } catch {
      sheets = []; // the parse that follows reports an unreadable workbook
    }
  }
  if (seq !== loadSeq) return; // another read started meanwhile
  fillSelect(el.sheet, sheetOptions(sheets), sheets[0] ?? "");
  el.sheetField.hidden = sheets.length === 0;
  await load({ kind: "bytes", bytes, name, sheets });
}

async function loadFile(file: File): Promise<void> {
  // A project file (dropped or chosen as data) opens as a project.
  if (/\.pooled\.json$/i.test(file.name)) {
    await workspace.importFile(file);
    return;
  }
  // Refused from its size, before reading: a file past the pipeline's limit is never parsed.
  const tooLarge = fileSizeProblem(file.name, file.size);
  if (tooLarge) {
    ++loadSeq; // replaces any read under way
    store.update({ source: null, table: null });
    store.update({
      phase: { kind: "problems", fileName: file.name, problems: [tooLarge] },
      result: null,
    });
    el.columnsPanel.hidden = true;
    el.problems.focus();
    return;
  }
  await loadBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}

/** Reads the typed table once typing pauses (each edit restarts the wait). */
export function readTableSoon(): void {
  clearTimeout(readTimer);
  readTimer = setTimeout(readTable, 250);
}

/** Reads and analyses the grid's table; an empty table empties the page instead. */
export function readTable(): void {
  clearTimeout(readTimer);
  if (!workspace.hasData()) {
    loadSeq++;
    supersedeAnalyses();
    store.update({ source: null, table: null });
    el.columnsPanel.hidden = true;
    store.update({ phase: { kind: "empty" }, result: null });
    return;
  }
  const source: Source = { kind: "grid" };
  store.update({ source });
  el.sheetField.hidden = true;
  const measure = el.measure.value === "" ? undefined : (el.measure.value as MeasureName);
  void load(source, undefined, measure);
}

/** The problems of the last read or analysis, when the page shows them. */
export function renderProblems(p: Phase, view: PageView): void {
  if (view.showProblems && (p.kind === "problems" || p.kind === "failed")) {
    const list = problemList(p.problems, p.fileName);
    el.problemsHeading.textContent =
      p.kind === "failed" ? `The analysis could not run (${p.fileName})` : list.heading;
    el.problemsList.replaceChildren(
      ...list.lines.map((line) =>
        h(
          "li",
          { "data-row": line.row ?? "", "data-column": line.column ?? "" },
          h("strong", {}, `${line.where}: `),
          line.what,
        ),
      ),
    );
    const hint = p.kind === "problems" ? (p.hint ?? "") : "";
    el.problemsHint.textContent = hint;
    el.problemsHint.hidden = hint === "";
    el.problems.hidden = false;
  } else {
    el.problems.hidden = true;
  }
}

export function wireDataPanel(): void {
  wireSources();
  wirePrismaFile();
  wirePaste();
}

/** The example, a file chosen or dropped, and the reading options. */
function wireSources(): void {
  byId("load-example").addEventListener("click", () => {
    noteLoadClicked();
    el.sheetField.hidden = true;
    void load({ kind: "example" });
  });
  // A reading option re-reads the current source: the decimal mark keeps the column choices; a
  // new sheet has headers of its own, so its columns are detected afresh.
  el.decimalComma.addEventListener("change", () => {
    const { source } = store.get();
    if (source) void load(source, el.columnsPanel.hidden ? undefined : columnOverrides());
  });
  el.sheet.addEventListener("change", () => {
    const { source } = store.get();
    if (source?.kind === "bytes") void load(source);
  });
  const fileInput = byId<HTMLInputElement>("file-input");
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) void loadFile(file);
    fileInput.value = "";
  });
  const drop = byId("drop-zone");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    const file = e.dataTransfer?.files[0];
    if (file) void loadFile(file);
  });
  // Dropping anywhere on the page should not navigate away from it.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());
}

/** PRISMA counts from the reader's own file: used with the reader's data, or listed problems. */
function wirePrismaFile(): void {
  const prismaInput = byId<HTMLInputElement>("prisma-input");
  prismaInput.addEventListener("change", async () => {
    const file = prismaInput.files?.[0];
    const status = byId("prisma-status");
    if (!file) return;
    const text = await file.text();
    const read = await interactive((api) => api.readPrisma(text, file.name));
    if (read.counts) {
      store.update({ userPrisma: read.counts });
      workspace.setPrisma(read.counts);
      status.replaceChildren(`Using the counts in ${file.name}.`);
      analyseSoon();
    } else {
      const list = problemList(read.problems, file.name);
      status.replaceChildren(
        h("strong", {}, list.heading.replace(": nothing was analysed", "")),
        h("ul", {}, ...list.lines.map((l) => h("li", {}, `${l.where}: ${l.what}`))),
      );
    }
  });
}

/** Cells pasted in the text box: read as a TSV or CSV file. */
function wirePaste(): void {
  byId("paste-go").addEventListener("click", () => {
    const text = byId<HTMLTextAreaElement>("paste-area").value;
    if (text.trim() === "") return;
    const name = text.includes("\t") ? "pasted.tsv" : "pasted.csv";
    void loadBytes(new TextEncoder().encode(text), name);
  });
}
