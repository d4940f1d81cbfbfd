/**
 * The Results panel: the fast analysis that follows every change of data or settings, and what it
 * shows: the summary lines, warnings, notes and plain-language summary, the Dependence section,
 * the tables and the downloads (the plots: controllers/plots.ts).
 */
import type { AnalysisView, AnalyzeOutcome, ReadingScaleView, ReportFile } from "../api.js";
import { downloadText, h } from "../dom.js";
import { store } from "../store.js";
import { dependenceView } from "../view/dependence.js";
import { errorToProblems } from "../view/problems.js";
import {
  baseName,
  dataNotes,
  exportGroups,
  nextSort,
  resultTables,
  type SortDirection,
  sortedRows,
  type TableView,
} from "../view/results.js";
import { withoutResampling } from "../view/settings.js";
import type { AppState, PageView } from "../view/state.js";
import { summaryView } from "../view/summary.js";
import { readTableSoon } from "./data.js";
import { el } from "./elements.js";
import { interactive } from "./engines.js";
import { renderPlots, wirePlots } from "./plots.js";
import { currentSettings } from "./settings.js";
import { workspace } from "./workspace.js";

/** Counts analyses: an analysis's answer is shown only if no newer one started meanwhile. */
let analysisSeq = 0;
let analyseTimer: ReturnType<typeof setTimeout> | undefined;
/** A load the reader asked for brings the results into view on a phone (see analyse). */
let scrollToResults = false;
/** When "Load example" was pressed, to time the first result (body[data-first-result-ms]). */
let loadClickedAt: number | null = null;
/** The last analysis did not run because a settings value could not be read. */
let blocked = false;
/** The result the page shows, so that an unchanged one is not drawn again. */
let renderedResult: AppState["result"] = null;

/** Makes every analysis under way obsolete: its answer will not be shown. */
export function supersedeAnalyses(): void {
  analysisSeq++;
}

/** Drops an analysis waiting to start (see analyseSoon). */
export function dropPendingAnalysis(): void {
  clearTimeout(analyseTimer);
}

/** The next result brings the results into view (on a phone, where they sit below). */
export function showResultsWhenReady(): void {
  scrollToResults = true;
}

/** "Load example" was pressed now: the first result is timed from here. */
export function noteLoadClicked(): void {
  loadClickedAt = performance.now();
}

/** Whether the last analysis did not run because a settings value could not be read. */
export function analysisBlocked(): boolean {
  return blocked;
}

/** The fast analysis of the table with the settings as the controls read now. */
export async function analyse(): Promise<void> {
  const { table, source } = store.get();
  // A typed table that did not read may read with the new settings (a --by column renamed back).
  if (!table && source?.kind === "grid") {
    readTableSoon();
    return;
  }
  if (!table) return;
  workspace.scheduleSave();
  const settings = currentSettings();
  blocked = settings === null;
  if (!settings) return;
  const seq = ++analysisSeq;
  const fileName = table.source;
  // A new analysis replaces any resampling result, so its message goes too.
  const { job, jobMessage } = store.get();
  store.update({
    phase: { kind: "analysing", fileName },
    jobMessage: job ? jobMessage : null,
  });
  let outcome: AnalyzeOutcome;
  try {
    const current = table;
    outcome = await interactive<AnalyzeOutcome>((api) =>
      api.analyze(current, withoutResampling(settings)),
    );
  } catch (error) {
    outcome = {
      ok: false,
      message: String(error),
      problems: errorToProblems(error, fileName),
      cancelled: false,
    };
  }
  if (seq !== analysisSeq) return;
  if (!outcome.ok) {
    store.update({ phase: { kind: "failed", fileName, problems: outcome.problems }, result: null });
    return;
  }
  store.update({ phase: { kind: "ready", fileName }, result: outcome });
  if (scrollToResults) {
    scrollToResults = false;
    // On a phone the results sit below data and settings: show them once a new table is in.
    if (window.matchMedia("(max-width: 800px)").matches) {
      el.results.scrollIntoView({ block: "start" });
    }
  }
  if (loadClickedAt !== null) {
    const ms = performance.now() - loadClickedAt;
    loadClickedAt = null;
    document.body.dataset["firstResultMs"] = String(Math.round(ms));
  }
}

/** Analyses shortly: changes in quick succession give one analysis. */
export function analyseSoon(): void {
  clearTimeout(analyseTimer);
  analyseTimer = setTimeout(() => void analyse(), 60);
}

/** Which of the results, the problems or the empty panel shows; stale results are dimmed. */
export function renderResultsPanel(view: PageView): void {
  el.resultsEmpty.hidden = view.showResults || view.showProblems;
  el.resultsBody.hidden = !view.showResults;
  el.resultsBody.classList.toggle("stale", view.stale);
  el.resultsBody.setAttribute("aria-busy", String(view.stale));
}

/** Draws the result when it is new (a result drawn already stays as it is). */
export function renderLatestResult(result: AppState["result"]): void {
  if (result && result !== renderedResult) renderResult(result);
}

/** Draws a new result: summary, notes, plots, Dependence section, tables and downloads. */
function renderResult(result: NonNullable<AppState["result"]>): void {
  renderedResult = result;
  const a = result.analysis;
  // Older engines (a cached worker) may not send the reading scale.
  const reading: ReadingScaleView | null = result.reading ?? null;
  // The three-level model leads when it was asked for (as in the report); else the standard one.
  const summary = summaryView(a, reading, el.measure.value);
  const lead = summary.lead;
  el.estimate.textContent = summary.estimate;
  el.estimate.dataset["estimate"] = String(lead.estimate);
  el.estimate.dataset["ciLower"] = String(lead.ciLower);
  el.estimate.dataset["ciUpper"] = String(lead.ciUpper);
  el.estimate.dataset["measure"] = summary.measure;
  el.estimate.dataset["scale"] = lead.scale ?? "identity";
  el.estimate.dataset["transformedEstimate"] = String(lead.transformed?.estimate ?? "");
  el.estimate.dataset["model"] = lead.threeLevel ? "three-level" : "standard";
  el.estimateAnalysed.textContent = summary.analysed ?? "";
  el.estimateAnalysed.hidden = summary.analysed === null;
  el.modelLine.textContent = summary.model;
  el.heterogeneityLine.replaceChildren(...unbrokenParts(summary.heterogeneity));
  el.tableTestsLine.textContent = summary.tableTests ?? "";
  el.tableTestsLine.hidden = summary.tableTests === null;
  el.robustLine.textContent = summary.robust ?? "";
  el.robustLine.hidden = summary.robust === null;
  el.warnings.replaceChildren(...(a.warnings ?? []).map((w) => h("li", {}, w)));
  const notes = dataNotes(a);
  el.notesPanel.hidden = notes.length === 0;
  el.notesSummary.textContent = `Notes on the data (${notes.length})`;
  el.notes.replaceChildren(...notes.map((n) => h("li", {}, n)));
  el.plain.replaceChildren(
    ...(result.plainLanguage.length > 0
      ? result.plainLanguage.flatMap((section) => [
          h("h4", {}, section.heading),
          h("p", {}, section.text),
        ])
      : [h("p", { class: "hint" }, "The plain-language summary is not available in this build.")]),
  );
  renderPlots(result.files);
  renderDependence(a, reading);
  renderTables(resultTables(a, reading));
  renderExports(result.files);
}

/**
 * A "Lead: a = 1 [0, 2]; b = 3" line as text whose parts ("a = 1 [0, 2]") do not break inside, so
 * a statistic and its interval wrap together; the text is unchanged.
 */
function unbrokenParts(line: string): (Node | string)[] {
  const colon = line.indexOf(": ");
  const lead = colon >= 0 ? line.slice(0, colon + 2) : "";
  const rest = colon >= 0 ? line.slice(colon + 2) : line;
  const out: (Node | string)[] = lead === "" ? [] : [lead];
  rest.split("; ").forEach((part, i) => {
    if (i > 0) out.push("; ");
    out.push(h("span", { class: "nowrap" }, part));
  });
  return out;
}

function tableElement(t: TableView): HTMLElement {
  const sortable = t.sortValues !== undefined;
  const bodyRows = t.rows.map((r, ri) =>
    h(
      "tr",
      { ...(t.rowAttributes?.[ri] ?? {}), "data-index": sortable ? ri : null },
      ...r.map((c, i) =>
        i === 0
          ? h("th", { scope: "row" }, c)
          : h("td", { class: t.textColumns?.includes(i) ? "text" : null }, c),
      ),
    ),
  );
  const tbody = h("tbody", {}, ...bodyRows);
  const headerCells = t.headers.map((c, i) =>
    sortable
      ? h(
          "th",
          {
            scope: "col",
            "aria-sort": "none",
            class: t.textColumns?.includes(i) ? "text" : null,
          },
          h("button", { type: "button", class: "sort", "data-column": i }, c),
        )
      : h("th", { scope: "col", class: t.textColumns?.includes(i) ? "text" : null }, c),
  );
  const table = h(
    "table",
    { id: `table-${t.id}`, class: t.compact ? "compact" : null },
    h("caption", {}, t.caption),
    h("thead", {}, h("tr", {}, ...headerCells)),
    tbody,
  );
  if (sortable && t.sortValues) {
    const values = t.sortValues;
    let column = -1;
    let direction: SortDirection = "none";
    table.tHead?.addEventListener("click", (e) => {
      const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-column]");
      if (!button) return;
      const clicked = Number(button.dataset["column"]);
      direction = nextSort(values, clicked, clicked === column ? direction : "none");
      column = clicked;
      headerCells.forEach((th, i) => {
        th.setAttribute("aria-sort", i === column ? direction : "none");
      });
      tbody.replaceChildren(...sortedRows(values, column, direction).map((i) => bodyRows[i]!));
    });
  }
  const wrap = h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": t.caption },
    table,
  );
  const note = t.note ? h("p", { class: "table-note", id: `note-${t.id}` }, t.note) : null;
  if (!t.collapsed) {
    if (!note) return wrap;
    return h("div", { class: "table-block" }, wrap, note);
  }
  return h(
    "details",
    { class: "table-details" },
    h("summary", {}, `${t.caption} (${t.rows.length} rows)`),
    wrap,
    note,
  );
}

/** The Dependence section: shown whenever the analysis has the three-level model. */
function renderDependence(a: AnalysisView, reading: ReadingScaleView | null): void {
  const view = dependenceView(a, reading);
  el.dependence.hidden = view === null;
  if (!view) {
    el.dependenceLead.textContent = "";
    el.dependenceNotes.replaceChildren();
    el.dependenceTables.replaceChildren();
    return;
  }
  el.dependenceLead.textContent = view.lead;
  el.dependenceNotes.replaceChildren(...view.notes.map((n) => h("li", {}, n)));
  el.dependenceTables.replaceChildren(...view.tables.map(tableElement));
}

function renderTables(tables: TableView[]): void {
  el.tables.replaceChildren(...tables.map(tableElement));
}

function renderExports(files: ReportFile[]): void {
  el.exports.replaceChildren(
    ...exportGroups(files).map((g) =>
      h(
        "div",
        { class: "export-group" },
        h("span", { class: "export-label" }, g.label),
        ...g.files.map((f) =>
          h(
            "button",
            { type: "button", class: "button small", "data-file": f.name },
            baseName(f.name),
          ),
        ),
      ),
    ),
  );
}

function exportFile(name: string): void {
  const file = store.get().result?.files.find((f) => f.name === name);
  if (file) downloadText(file.content, baseName(file.name), file.mime);
}

export function wireResultsPanel(): void {
  wirePlots();
  el.exports.addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest<HTMLElement>("[data-file]");
    if (button?.dataset["file"]) exportFile(button.dataset["file"]);
  });
}
