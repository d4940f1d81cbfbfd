/**
 * Helpers of the workspace's end-to-end tests: typing into the grid, pasting into it, reading it
 * back, and the pipeline's own reading and analysis of the same cells in Node (what the CLI does
 * with a project file), for the expected numbers.
 */
import {
  analyze,
  gridFromProjectData,
  type ProjectData,
  parseStudyGrid,
  type StudyTable,
} from "@pooled/pipeline";
import type { Page } from "playwright-core";
import type { AnalysisView, Settings } from "../src/api.js";
import { toAnalysisOptions } from "../src/engine/pipeline-binding.js";

/** Clicks a grid cell: `row` as the grid numbers it (1 = first data row, 0 = column names). */
export async function clickCell(page: Page, row: number, col: number): Promise<void> {
  await page.click(`#grid-container [data-row="${row}"][data-col="${col}"]`);
}

/**
 * Types rows of values from the focused cell on, as a reader does: each value then Tab (which
 * wraps to the next row's first cell after the last column).
 */
export async function typeRows(page: Page, rows: readonly (readonly string[])[]): Promise<void> {
  for (const row of rows) {
    for (const value of row) {
      if (value !== "") await page.keyboard.type(value);
      await page.keyboard.press("Tab");
    }
  }
}

/** Pastes text into the grid at its focused cell, as the clipboard would deliver it. */
export async function pasteIntoGrid(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData("text/plain", t);
    const target = document.activeElement ?? document.body;
    target.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

/** The grid as shown: headers and each data row's cell texts. */
export async function gridOnPage(page: Page): Promise<{ headers: string[]; rows: string[][] }> {
  return await page.evaluate(() => {
    const table = document.querySelector<HTMLTableElement>("#grid-container table.grid")!;
    const headers = Array.from(table.tHead!.rows[0]!.cells)
      .slice(1)
      .map((c) => c.textContent ?? "");
    const rows = Array.from(table.tBodies[0]!.rows).map((tr) =>
      Array.from(tr.cells)
        .slice(1)
        .map((c) => c.textContent ?? ""),
    );
    return { headers, rows };
  });
}

/** Waits until the page shows a settled result (not stale) whose estimate differs from `previous`. */
export async function waitForResult(page: Page, previous?: number): Promise<number> {
  await page.waitForFunction(
    (prev) => {
      const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
      const body = document.getElementById("results-body");
      if (!el || !body || body.hidden || body.classList.contains("stale")) return false;
      const shown = el.dataset["estimate"];
      return shown !== undefined && (prev === null || Number(shown) !== prev);
    },
    previous ?? null,
    { timeout: 20_000 },
  );
  return Number(await page.getAttribute('[data-testid="pooled-estimate"]', "data-estimate"));
}

/** Waits until the project is saved (the status says so). */
export async function waitForSaved(page: Page): Promise<void> {
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 10_000 });
}

/** Typed cells as a project's data (text cells, empty ones null), as the page keeps them. */
export function typedData(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): ProjectData {
  return {
    source: null,
    headers: [...headers],
    rows: rows.map((r) => r.map((c) => (c.trim() === "" ? null : c))),
  };
}

/** The pipeline's reading of a project's data, as the CLI reads a project file. */
export function referenceGridTable(data: ProjectData, fileName: string): StudyTable {
  const read = parseStudyGrid(gridFromProjectData(data), fileName, {});
  if (!read.table) throw new Error(read.problems.map((p) => p.expected).join("; "));
  return read.table;
}

/** The pipeline's analysis of a table with the page's settings. */
export function referenceGridAnalysis(table: StudyTable, settings: Settings): AnalysisView {
  return analyze(table, toAnalysisOptions(settings) as never) as unknown as AnalysisView;
}
