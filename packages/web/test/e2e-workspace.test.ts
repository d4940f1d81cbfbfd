/**
 * The page as a workspace, end to end in Chromium: a table typed and pasted into the grid gives
 * the pipeline's analysis of the same cells; a wrong cell is marked with the CLI's message naming
 * its row and column; the project survives a reload, travels as a `.pooled.json` file into a
 * fresh browser and through the CLI with the same analysis.json; the projects list opens, renames,
 * duplicates and deletes; a browser without IndexedDB says so.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseProject } from "@pooled/pipeline";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../src/api.js";
import { formatEstimate } from "../src/view/format.js";
import { DEFAULT_SETTINGS } from "../src/view/settings.js";
import { type BrowserSession, openBrowser, type StaticServer, serveDist } from "./browser.js";
import {
  clickCell,
  gridOnPage,
  pasteIntoGrid,
  referenceGridAnalysis,
  referenceGridTable,
  typedData,
  typeRows,
  waitForResult,
  waitForSaved,
} from "./workspace-helpers.js";

const run = promisify(execFile);
const HEADERS = ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"];
/** Four rat studies of a treatment that lowers a score (means, SDs, group sizes). */
const TYPED = [
  ["Ahn 2015", "12.1", "2.5", "8", "15.4", "2.9", "8"],
  ["Berg 2017", "10.4", "3.1", "10", "14.0", "3.3", "9"],
  ["Chen 2019", "13.0", "2.2", "6", "14.1", "2.6", "6"],
  ["Diaz 2021", "9.8", "2.8", "12", "13.5", "3.0", "12"],
];
const PASTED = [
  ["Evans 2012", "22.5", "4.1", "7", "27.9", "4.4", "7"],
  ["Fujita 2014", "20.1", "3.6", "9", "26.0", "5.2", "8"],
  ["Gomez 2018", "24.7", "5.0", "10", "25.3", "4.8", "10"],
];
const SETTINGS: Settings = { ...DEFAULT_SETTINGS };

let server: StaticServer;
let session: BrowserSession;
let page: Page;
let work: string;
/** The project file exported in one test and imported in the next. */
let exported: { path: string; name: string; analysisJson: string } | null = null;

beforeAll(async () => {
  server = await serveDist();
  session = await openBrowser(server.origin);
  page = session.page;
  work = await mkdtemp(join(tmpdir(), "pooled-workspace-"));
  await page.goto(`${server.origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  await waitForSaved(page);
});

afterAll(async () => {
  await session?.close();
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function downloadAnalysisJson(p: Page): Promise<string> {
  const [download] = await Promise.all([
    p.waitForEvent("download"),
    p.click('#exports [data-file$="analysis.json"]'),
  ]);
  return await readFile((await download.path())!, "utf8");
}

describe("the grid", () => {
  it("starts as an empty project with the template's columns", async () => {
    const grid = await gridOnPage(page);
    expect(grid.headers).toEqual(HEADERS);
    expect(grid.rows.every((r) => r.every((c) => c === ""))).toBe(true);
    expect(await page.inputValue("#project-name")).toBe("Untitled project");
    expect(await page.textContent("#status")).toContain("type or paste your studies");
    expect(await page.getAttribute("#grid-container table", "role")).toBe("grid");
    expect(session.errors).toEqual([]);
  });

  it("analyses four studies typed into it as the pipeline analyses the same cells", async () => {
    await clickCell(page, 1, 0);
    await typeRows(page, TYPED);
    const shown = await waitForResult(page);
    const expected = referenceGridAnalysis(
      referenceGridTable(typedData(HEADERS, TYPED), "Untitled project.pooled.json"),
      SETTINGS,
    );
    expect(expected.model.k).toBe(4);
    expect(shown).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.textContent('[data-testid="pooled-estimate"]')).toBe(
      formatEstimate(expected.model, SETTINGS.measure),
    );
    const grid = await gridOnPage(page);
    expect(grid.rows.slice(0, 4)).toEqual(TYPED);
    expect(session.errors).toEqual([]);
  });

  it("marks an invalid cell with the CLI's message naming its row and column", async () => {
    const before = Number(
      await page.getAttribute('[data-testid="pooled-estimate"]', "data-estimate"),
    );
    // Row 3 of the sheet (the second study): a negative SD.
    await clickCell(page, 2, 2);
    await page.keyboard.type("-3.1");
    await page.keyboard.press("Enter");
    const cell = page.locator('#grid-container td[data-row="2"][data-col="2"]');
    await expect.poll(() => cell.getAttribute("aria-invalid")).toBe("true");
    const title = (await cell.getAttribute("title")) ?? "";
    expect(title).toMatch(/^Row 3, column “sd1i”: expected .*; found “-3\.1”$/);
    const listed = await page.locator("#problems-list li").allTextContents();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toBe(title);
    expect(await page.textContent("#status")).toContain("correct it there");
    // The message shows under the grid when the cell is focused.
    await clickCell(page, 2, 2);
    expect(await page.textContent("#grid-message")).toBe(title);
    // Undo puts the SD back: the mark goes and the same result returns.
    await page.keyboard.press("Control+z");
    await expect.poll(() => cell.textContent()).toBe("3.1");
    expect(await waitForResult(page)).toBe(before);
    expect(await cell.getAttribute("aria-invalid")).toBeNull();
    // Redo brings the mistake back; undo again.
    await page.keyboard.press("Control+y");
    await expect.poll(() => cell.textContent()).toBe("-3.1");
    await page.keyboard.press("Control+Shift+Z");
    await page.keyboard.press("Control+z");
    await expect.poll(() => cell.textContent()).toBe("3.1");
    expect(await waitForResult(page)).toBe(before);
  });

  it("pastes a block copied from a spreadsheet (tab-separated) below the typed rows", async () => {
    await clickCell(page, 5, 0);
    await pasteIntoGrid(page, `${PASTED.map((r) => r.join("\t")).join("\r\n")}\r\n`);
    const all = [...TYPED, ...PASTED];
    await expect.poll(async () => (await gridOnPage(page)).rows.slice(0, 7)).toEqual(all);
    const expected = referenceGridAnalysis(
      referenceGridTable(typedData(HEADERS, all), "Untitled project.pooled.json"),
      SETTINGS,
    );
    await expect
      .poll(
        async () =>
          Number(await page.getAttribute('[data-testid="pooled-estimate"]', "data-estimate")),
        {
          timeout: 20_000,
        },
      )
      .toBeCloseTo(expected.model.estimate, 12);
    expect(expected.model.k).toBe(7);
  });

  it("keeps the project through a reload: table, name and settings", async () => {
    await page.fill("#project-name", "Rat scores");
    await page.press("#project-name", "Enter");
    const reml = Number(
      await page.getAttribute('[data-testid="pooled-estimate"]', "data-estimate"),
    );
    await page.selectOption("#method", "DL");
    const estimate = await waitForResult(page, reml);
    await waitForSaved(page);
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    expect(await waitForResult(page)).toBe(estimate);
    expect(await page.inputValue("#project-name")).toBe("Rat scores");
    expect(await page.inputValue("#method")).toBe("DL");
    expect((await gridOnPage(page)).rows.slice(0, 7)).toEqual([...TYPED, ...PASTED]);
    expect(await page.textContent("#save-status")).toMatch(/^Restored/);
    expect(session.errors).toEqual([]);
  });

  it("exports a project file the pipeline reads back with the same data and settings", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#project-export"),
    ]);
    const name = download.suggestedFilename();
    expect(name).toBe("Rat scores.pooled.json");
    const path = join(work, name);
    await download.saveAs(path);
    const read = parseProject(await readFile(path, "utf8"), name);
    expect(read.problems).toEqual([]);
    const project = read.project!;
    expect(project.name).toBe("Rat scores");
    expect(project.data.headers).toEqual(HEADERS);
    expect(project.data.rows).toEqual(typedData(HEADERS, [...TYPED, ...PASTED]).rows);
    expect(project.analysis).toMatchObject({ measure: "MD", method: "DL", test: "z", seed: 1 });
    exported = { path, name, analysisJson: await downloadAnalysisJson(page) };
  });

  it("imports the project file into a fresh browser and gives the same analysis.json", async () => {
    expect(exported).not.toBeNull();
    const fresh = await openBrowser(server.origin);
    try {
      await fresh.page.goto(`${server.origin}/`);
      await fresh.page.waitForSelector("body[data-ready=true]");
      await fresh.page.setInputFiles("#project-import", exported!.path);
      await waitForResult(fresh.page);
      expect(await fresh.page.inputValue("#project-name")).toBe("Rat scores");
      expect(await fresh.page.inputValue("#method")).toBe("DL");
      expect(await downloadAnalysisJson(fresh.page)).toBe(exported!.analysisJson);
      expect(fresh.errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it("gives the same analysis.json through the CLI (pooled analyze <project>.pooled.json --out)", async () => {
    const bin = createRequire(import.meta.url).resolve("@pooled/cli/bin");
    expect(existsSync(bin)).toBe(true);
    const out = join(work, "cli-report");
    await run(process.execPath, [bin, "analyze", exported!.path, "--out", out, "--quiet"], {
      timeout: 60_000,
    });
    expect(await readFile(join(out, "analysis.json"), "utf8")).toBe(exported!.analysisJson);
  });

  it("shows a project file's problems like a data file's", async () => {
    const bad = join(work, "bad.pooled.json");
    const text = JSON.parse(await readFile(exported!.path, "utf8")) as Record<string, unknown>;
    (text["analysis"] as Record<string, unknown>)["method"] = "XYZ";
    await writeFile(bad, JSON.stringify(text));
    await page.setInputFiles("#project-import", bad);
    await page.waitForSelector("#problems:not([hidden])");
    const lines = await page.locator("#problems-list li").allTextContents();
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain("analysis.method");
    expect(lines[0]).toContain("XYZ");
    // The open project is untouched.
    expect(await page.inputValue("#project-name")).toBe("Rat scores");
  });
});

describe("projects", () => {
  it("lists, renames, duplicates, opens and (after a confirmation) deletes projects", async () => {
    await page.click("#projects-panel summary");
    const items = page.locator("#projects-list li");
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(1);
    expect(await items.first().locator(".project-open").textContent()).toBe("Rat scores");
    // Duplicate, then rename the copy.
    await items.first().locator('[data-action="duplicate"]').click();
    await expect
      .poll(() => page.locator("#projects-list .project-open").allTextContents())
      .toContain("Rat scores (copy)");
    const copy = page.locator("#projects-list li", { hasText: "Rat scores (copy)" });
    await copy.locator('[data-action="rename"]').click();
    await page.waitForSelector("#project-dialog[open]");
    await page.fill("#project-dialog-input", "Rat scores, second look");
    await page.click("#project-dialog-ok");
    await expect
      .poll(() => page.locator("#projects-list .project-open").allTextContents())
      .toContain("Rat scores, second look");
    // Open it: the same table under the new name.
    await page
      .locator("#projects-list li", { hasText: "second look" })
      .locator(".project-open")
      .click();
    await expect.poll(() => page.inputValue("#project-name")).toBe("Rat scores, second look");
    expect((await gridOnPage(page)).rows.slice(0, 7)).toEqual([...TYPED, ...PASTED]);
    // Delete asks first: Cancel keeps it, Delete removes it and opens another project.
    const doomed = page.locator("#projects-list li", { hasText: "second look" });
    await doomed.locator('[data-action="delete"]').click();
    await page.waitForSelector("#project-dialog[open]");
    expect(await page.textContent("#project-dialog-title")).toBe(
      "Delete “Rat scores, second look”?",
    );
    await page.click("#project-dialog-cancel");
    await page.waitForSelector("#project-dialog:not([open])", { state: "attached" });
    expect(await doomed.count()).toBe(1);
    await doomed.locator('[data-action="delete"]').click();
    await page.waitForSelector("#project-dialog[open]");
    await page.click("#project-dialog-ok");
    await expect.poll(() => doomed.count()).toBe(0);
    await expect.poll(() => page.inputValue("#project-name")).toBe("Rat scores");
  });

  it("starts a new project with the template, and pastes a table with its header row", async () => {
    await page.click("#project-new");
    await expect.poll(() => page.inputValue("#project-name")).toBe("Untitled project");
    const tsv = [["Study", "Mean T", "SD T", "n T", "Mean C", "SD C", "n C"], ...PASTED]
      .map((r) => r.join("\t"))
      .join("\n");
    await clickCell(page, 1, 0);
    await pasteIntoGrid(page, tsv);
    const grid = await gridOnPage(page);
    expect(grid.headers).toEqual(["Study", "Mean T", "SD T", "n T", "Mean C", "SD C", "n C"]);
    expect(grid.rows.slice(0, 3)).toEqual(PASTED);
  });

  it("edits with a spreadsheet's keys and the buttons above the grid", async () => {
    await page.click("#project-new");
    await expect.poll(() => page.inputValue("#project-name")).toBe("Untitled project");
    const column = async (c: number) => (await gridOnPage(page)).rows.map((r) => r[c]);
    await clickCell(page, 1, 0);
    for (const name of ["A", "B", "C"]) {
      await page.keyboard.type(name);
      await page.keyboard.press("Enter");
    }
    expect((await column(0)).slice(0, 4)).toEqual(["A", "B", "C", ""]);
    // F2 edits the cell's own text; Escape cancels.
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowUp");
    await page.keyboard.press("F2");
    await page.keyboard.type("x");
    expect(await page.inputValue(".grid-editor")).toBe("Ax");
    await page.keyboard.press("Escape");
    expect((await column(0))[0]).toBe("A");
    // Delete empties the cell, Ctrl+Z brings it back.
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Delete");
    expect((await column(0))[1]).toBe("");
    await page.keyboard.press("Control+z");
    expect((await column(0))[1]).toBe("B");
    // Alt+Down moves the row; Insert row adds one below; Shift+Space and Delete rows remove it.
    await page.keyboard.press("Alt+ArrowDown");
    expect((await column(0)).slice(0, 3)).toEqual(["A", "C", "B"]);
    await page.click("#grid-insert-row");
    expect((await column(0)).slice(0, 5)).toEqual(["A", "C", "B", "", ""]);
    expect(await page.getAttribute("#grid-container .active", "data-row")).toBe("4");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Shift+ArrowUp");
    await page.keyboard.press("Shift+Space");
    expect(await page.locator("#grid-container td.selected").count()).toBe(14);
    await page.click("#grid-delete-rows");
    expect((await column(0)).slice(0, 2)).toEqual(["A", ""]);
    await page.click("#grid-undo");
    expect((await column(0)).slice(0, 3)).toEqual(["A", "C", "B"]);
    // Add column opens its name; typing on row 1 renames a column.
    await clickCell(page, 1, 0);
    await page.click("#grid-add-column");
    await page.keyboard.type("dose");
    await page.keyboard.press("Enter");
    expect((await gridOnPage(page)).headers.slice(0, 3)).toEqual(["study", "dose", "m1i"]);
    await clickCell(page, 0, 1);
    await page.keyboard.type("dose_mg");
    await page.keyboard.press("Enter");
    expect((await gridOnPage(page)).headers[1]).toBe("dose_mg");
    expect(await page.getAttribute("#grid-container table", "aria-rowcount")).toBe("7");
    expect(session.errors).toEqual([]);
  });

  it("draws 500 rows quickly and takes screenshots at phone and desktop widths", async () => {
    await page.click("#project-new");
    await clickCell(page, 1, 0);
    const rows = Array.from({ length: 500 }, (_, i) => [
      `Study ${i + 1}`,
      String(10 + (i % 7)),
      "2.5",
      "8",
      String(12 + (i % 5)),
      "2.8",
      "8",
    ]);
    await pasteIntoGrid(page, rows.map((r) => r.join("\t")).join("\n"));
    await expect.poll(() => page.locator("#grid-container tbody tr").count()).toBe(500);
    const ms = Number(await page.getAttribute("#grid-container", "data-render-ms"));
    console.log(`grid: 500 rows drawn in ${ms} ms`);
    expect(ms).toBeGreaterThan(0);
    await waitForResult(page);
    // A wrong cell, focused, so the screenshots show a mark and its message.
    await page.evaluate(() => {
      (document.getElementById("projects-panel") as HTMLDetailsElement).open = false;
    });
    await clickCell(page, 2, 3);
    await page.keyboard.type("1.5");
    await page.keyboard.press("Enter");
    await page.waitForSelector(
      '#grid-container td[data-row="2"][data-col="3"][aria-invalid="true"]',
    );
    await clickCell(page, 2, 3);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: "/tmp/workspace-1280.png" });
    await page.screenshot({ path: "/tmp/workspace-1280-full.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => document.getElementById("table-panel")!.scrollIntoView());
    await page.screenshot({ path: "/tmp/workspace-390.png" });
    await page.screenshot({ path: "/tmp/workspace-390-full.png", fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(session.errors).toEqual([]);
  });
});

describe("a browser that cannot keep projects", () => {
  it("says so on the page (no IndexedDB)", async () => {
    const bare = await openBrowser(server.origin);
    try {
      await bare.page.addInitScript(() => {
        Object.defineProperty(window, "indexedDB", { value: undefined, configurable: true });
      });
      await bare.page.goto(`${server.origin}/`);
      await bare.page.waitForSelector("#storage-message:not([hidden])");
      expect(await bare.page.textContent("#storage-message")).toContain("has no IndexedDB");
      expect(await bare.page.textContent("#save-status")).toBe("Not saved");
      expect(await bare.page.getAttribute("#storage-message", "role")).toBe("alert");
    } finally {
      await bare.close();
    }
  });
});
