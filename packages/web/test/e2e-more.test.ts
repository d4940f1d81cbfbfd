/**
 * More end-to-end tests of the built app: resampling on several shard workers gives the
 * single-thread pipeline's numbers, the permutation test, paste and drag-and-drop input, keyboard
 * use, and report exports identical to what the CLI writes for the same data and settings.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildXlsx } from "@pooled/test-utils/xlsx";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../src/api.js";
import { formatEstimate } from "../src/view/format.js";
import { regressionTables, resamplingTables } from "../src/view/results.js";
import { DEFAULT_SETTINGS, EXAMPLE_SUBGROUP } from "../src/view/settings.js";
import {
  type BrowserSession,
  type OpenApp,
  openApp,
  screenshotDir,
  shardWorkersStarted,
} from "./browser.js";
import {
  exampleFile,
  examplePrisma,
  referenceAnalysis,
  referenceAnalysisAsync,
  referenceParse,
  referenceParseWith,
  referenceReport,
} from "./reference.js";

let app: OpenApp;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  // Three shard workers for resampling, whatever this machine's core count.
  app = await openApp("?workers=3");
  ({ session, page } = app);
});

afterAll(async () => {
  await app?.close();
});

async function shownEstimate(): Promise<number> {
  return Number(await page.getByTestId("pooled-estimate").getAttribute("data-estimate"));
}

async function waitForResult(): Promise<void> {
  await page.waitForFunction(() => {
    const body = document.getElementById("results-body");
    const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
    return body && !body.hidden && !body.classList.contains("stale") && el?.dataset["estimate"];
  });
}

async function download(selector: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return readFile((await file.path())!, "utf8");
}

describe("the app, further", () => {
  it("is usable from the keyboard: Tab to Load example, Enter, arrow keys between plots", async () => {
    await page.focus("body");
    let focused = "";
    for (let i = 0; i < 15 && focused !== "load-example"; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => document.activeElement?.id ?? "");
    }
    expect(focused).toBe("load-example");
    await page.keyboard.press("Enter");
    await waitForResult();
    await page.focus('[role=tab][data-plot="forest"]');
    await page.keyboard.press("ArrowRight");
    expect(await page.getAttribute('[role=tab][data-plot="funnel"]', "aria-selected")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-plot"))).toBe(
      "funnel",
    );
    expect(await page.isVisible("#panel-funnel svg")).toBe(true);
    expect(await page.isHidden("#panel-forest")).toBe(true);
    await page.keyboard.press("Home");
    expect(await page.getAttribute('[role=tab][data-plot="forest"]', "aria-selected")).toBe("true");
    // Every form control has a label.
    const unlabelled = await page.$$eval("select, input, textarea", (els) =>
      els
        .filter(
          (e) => e.id && !document.querySelector(`label[for="${e.id}"]`) && !e.closest("label"),
        )
        .map((e) => e.id),
    );
    expect(unlabelled).toEqual([]);
  });

  it("exports report.html, analysis.R and the CSV tables exactly as the CLI renders them", async () => {
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const files = referenceReport(table, referenceAnalysis(table, settings, await examplePrisma()));
    const byName = (name: string) => files.find((f) => f.name === name)!.content;
    expect(await download('#exports [data-file="report.html"]')).toBe(byName("report.html"));
    expect(await download('#exports [data-file="analysis.R"]')).toBe(byName("analysis.R"));
    expect(await download('#exports [data-file="subgroups.csv"]')).toBe(byName("subgroups.csv"));
    const offered = await page.$$eval("#exports [data-file]", (bs) =>
      bs.map((b) => b.getAttribute("data-file")),
    );
    expect(offered.sort()).toEqual(
      files
        .filter((f) => !f.name.endsWith(".svg"))
        .map((f) => f.name)
        .sort(),
    );
  });

  it("gives the single-thread pipeline's bootstrap on three shard workers", async () => {
    const example = await exampleFile();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      by: EXAMPLE_SUBGROUP,
      bootstrap: 2500,
      seed: 11,
    };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const expected = await referenceAnalysisAsync(table, settings, await examplePrisma());
    await page.fill("#bootstrap", "2500");
    await page.fill("#seed", "11");
    await page.click("#run-resampling");
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
      .toMatch(/^Bootstrap finished/);
    // Shard workers start from a blob: URL of the engine's code (no request to the server).
    expect(shardWorkersStarted(session)).toBeGreaterThan(0);
    const json = JSON.parse(await download('#exports [data-file="analysis.json"]')) as {
      bootstrap: unknown;
    };
    expect(json.bootstrap).toEqual(expected.bootstrap);
    const rows = await page.$$eval("#table-bootstrap tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? "")),
    );
    expect(rows).toEqual(resamplingTables(expected)[0]!.rows);
    await page.fill("#bootstrap", "");
  });

  it("runs a permutation test with the pipeline's p-value", async () => {
    const example = await exampleFile();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      by: EXAMPLE_SUBGROUP,
      permutations: 200,
      seed: 11,
    };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const expected = await referenceAnalysisAsync(table, settings, await examplePrisma());
    await page.fill("#permutations", "200");
    await page.click("#run-resampling");
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
      .toMatch(/^Permutation test finished/);
    const rows = await page.$$eval("#table-permutation tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? "")),
    );
    const permutationTable = resamplingTables(expected).find((t) => t.id === "permutation");
    expect(rows).toEqual(permutationTable!.rows);
    expect(expected.permutation?.iterations).toBe(200);
    await page.fill("#permutations", "");
  });

  it("analyses a table pasted from a spreadsheet (tab-separated)", async () => {
    const example = await exampleFile();
    const lines = new TextDecoder().decode(example.bytes).trim().split(/\r?\n/).slice(0, 9);
    // Spreadsheets copy cells as tab-separated text; the example has no commas inside cells.
    const tsv = lines.map((l) => l.split(",").join("\t")).join("\n");
    const table = await referenceParse(new TextEncoder().encode(tsv), "pasted.tsv", "MD");
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP });
    await page.click("details.paste summary");
    await page.fill("#paste-area", tsv);
    await page.click("#paste-go");
    await page.waitForFunction(
      (k) =>
        document
          .querySelector('[data-testid="pooled-estimate"]')
          ?.textContent?.includes(`(k = ${k})`),
      expected.model.k,
    );
    await waitForResult();
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.textContent('[data-testid="pooled-estimate"]')).toBe(
      formatEstimate(expected.model, "MD"),
    );
  });

  it("reads a file dropped on the drop zone", async () => {
    const csv =
      "study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,10,2,8,8,2,8\nB,11,2.5,10,8.5,2,10\nC,9,3,6,8,2.5,6\n";
    const table = await referenceParse(new TextEncoder().encode(csv), "dropped.csv", "MD");
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS });
    const transfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], "dropped.csv", { type: "text/csv" }));
      return dt;
    }, csv);
    await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: transfer });
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("dropped.csv: 3 studies"),
    );
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    expect(session.errors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
  });

  it("lets the reader change the detected columns (and says what is then missing)", async () => {
    await page.getByTestId("load-example").click();
    await waitForResult();
    await page.click("#columns-panel summary");
    expect(await page.inputValue("#col-sd1i")).toBe("sd_treatment");
    await page.selectOption("#col-sd1i", "");
    await page.waitForSelector("#problems:not([hidden])");
    const problems = await page.textContent("#problems-list");
    expect(problems).toMatch(/treatment SD/);
    await page.screenshot({ path: join(screenshotDir, "columns-unmapped-1280.png") });
    // Choosing the column again restores the analysis.
    await page.selectOption("#col-sd1i", "sd_treatment");
    await waitForResult();
    expect(await page.isHidden("#problems")).toBe(true);
  });

  it("maps the columns of a file whose headers it does not recognise", async () => {
    const csv = [
      "study,treated_avg,treated_spread,treated_count,ctrl_avg,ctrl_spread,ctrl_count",
      "A,10,2,8,8,2,8",
      "B,11,2.5,10,8.5,2,10",
      "C,9,3,6,8,2.5,6",
      "D,12,2.2,9,8.8,2.4,9",
    ].join("\n");
    const columns = {
      m1i: "treated_avg",
      sd1i: "treated_spread",
      n1i: "treated_count",
      m2i: "ctrl_avg",
      sd2i: "ctrl_spread",
      n2i: "ctrl_count",
    } as const;
    const bytes = new TextEncoder().encode(csv);
    const table = await referenceParseWith(bytes, "odd-headers.csv", { columns, measure: "MD" });
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS });
    await page.selectOption("#measure", "MD");
    await page.setInputFiles("#file-input", {
      name: "odd-headers.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(bytes),
    });
    await page.waitForSelector("#problems:not([hidden])");
    expect(await page.textContent("#problems-list")).toMatch(/Header row/);
    await page.evaluate(() => {
      (document.getElementById("columns-panel") as HTMLDetailsElement).open = true;
    });
    for (const [field, header] of Object.entries(columns)) {
      await page.selectOption(`#col-${field}`, header);
    }
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("odd-headers.csv: 4 studies"),
    );
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.isHidden("#problems")).toBe(true);
  });

  it("reads an XLSX workbook chosen with the file picker", async () => {
    // The pipeline's own test helper writes a minimal workbook (no binary fixture committed).
    const xlsx = buildXlsx([
      {
        name: "Data",
        rows: [
          ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"],
          ["A", 10, 2, 8, 8, 2, 8],
          ["B", 11, 2.5, 10, 8.5, 2, 10],
          ["C", 9, 3, 6, 8, 2.5, 6],
          ["D", 12.5, 2.1, 7, 8.2, 2.3, 7],
          ["E", 10.2, 1.9, 9, 8.9, 2.1, 9],
        ],
      },
    ]);
    const table = await referenceParse(xlsx, "bbb.xlsx", "MD");
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS });
    await page.setInputFiles("#file-input", {
      name: "bbb.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(xlsx),
    });
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("bbb.xlsx: 5 studies"),
    );
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.textContent('[data-testid="pooled-estimate"]')).toBe(
      formatEstimate(expected.model, "MD"),
    );
  });

  it("reads a semicolon file with decimal commas once “Decimal comma (3,5)” is ticked", async () => {
    const csv = [
      "study;m1i;sd1i;n1i;m2i;sd2i;n2i",
      "A;10,5;2,1;8;8,2;2;8",
      "B;11;2,5;10;8,5;2;10",
      "C;9,3;3;6;8;2,5;6",
      "D;12,4;2,2;9;8,8;2,4;9",
    ].join("\n");
    const bytes = new TextEncoder().encode(csv);
    const table = await referenceParseWith(bytes, "komma.csv", {
      decimalComma: true,
      measure: "MD",
    });
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS });
    await page.selectOption("#measure", "MD");
    await page.setInputFiles("#file-input", {
      name: "komma.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(bytes),
    });
    await page.waitForFunction(() =>
      document.getElementById("problems-heading")?.textContent?.includes("komma.csv"),
    );
    // The advice names the page's control, not the CLI's flag.
    const problems = (await page.textContent("#problems-list")) ?? "";
    expect(problems).toMatch(/tick “Decimal comma \(3,5\)” in the Data panel/);
    expect(problems).not.toMatch(/--decimal-comma/);
    // The box is labelled and reachable from the keyboard.
    await page.focus("#decimal-comma");
    await page.keyboard.press("Space");
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("komma.csv: 4 studies"),
    );
    expect(await page.isChecked("#decimal-comma")).toBe(true);
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.isHidden("#problems")).toBe(true);
    // Unticked, the same file is read as before (points only) and its problems return.
    await page.uncheck("#decimal-comma");
    await page.waitForSelector("#problems:not([hidden])");
    expect(session.errors).toEqual([]);
  });

  it("reads a workbook whose studies are on sheet 2 once that sheet is chosen", async () => {
    const xlsx = buildXlsx([
      { name: "notes", rows: [["notes"], ["Extracted by two reviewers, 2024"]] },
      {
        name: "studies",
        rows: [
          ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"],
          ["A", 10, 2, 8, 8, 2, 8],
          ["B", 11, 2.5, 10, 8.5, 2, 10],
          ["C", 9, 3, 6, 8, 2.5, 6],
          ["D", 12.5, 2.1, 7, 8.2, 2.3, 7],
        ],
      },
    ]);
    const table = await referenceParseWith(xlsx, "two-sheets.xlsx", {
      sheet: "studies",
      measure: "MD",
    });
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS });
    await page.selectOption("#measure", "MD");
    await page.setInputFiles("#file-input", {
      name: "two-sheets.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      buffer: Buffer.from(xlsx),
    });
    await page.waitForFunction(() =>
      document.getElementById("problems-heading")?.textContent?.includes("two-sheets.xlsx"),
    );
    expect(await page.isVisible("#sheet")).toBe(true);
    expect(await page.$$eval("#sheet option", (os) => os.map((o) => o.textContent))).toEqual([
      "1. notes",
      "2. studies",
    ]);
    expect(await page.textContent("#problems-hint")).toMatch(/2 sheets .*sheet “notes” was read/);
    await page.screenshot({ path: join(screenshotDir, "sheet-problems-1280.png") });
    await page.selectOption("#sheet", "studies");
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("two-sheets.xlsx: 4 studies"),
    );
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.isHidden("#problems")).toBe(true);
    // A CSV has no sheets: the selector goes away.
    await page.setInputFiles("#file-input", {
      name: "own.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(
        "study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,10,2,8,8,2,8\nB,11,2.5,10,8.5,2,10\n",
      ),
    });
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("own.csv: 2 studies"),
    );
    expect(await page.isHidden("#sheet-field")).toBe(true);
  });

  it("maps SEM columns in the Columns panel (the pipeline turns them into SDs)", async () => {
    // Study B reports SEMs only; its SDs come from them (SD = SEM·√n) once the columns are mapped.
    // (An SD column stays: the pipeline's analysis does not yet take a table whose SDs all come
    // from SEMs, whatever the page does.)
    const csv = [
      "study,m1i,sd1i,err_T,n1i,m2i,sd2i,err_C,n2i",
      "A,10,2,,8,8,2,,8",
      "B,11,,0.8,10,8.5,,0.6,10",
      "C,9,3,,6,8,2.5,,6",
    ].join("\n");
    const bytes = new TextEncoder().encode(csv);
    const columns = { sem1i: "err_T", sem2i: "err_C" } as const;
    const table = await referenceParseWith(bytes, "sem.csv", { columns, measure: "MD" });
    const expected = referenceAnalysis(table, { ...DEFAULT_SETTINGS });
    await page.setInputFiles("#file-input", {
      name: "sem.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(bytes),
    });
    await page.waitForFunction(() =>
      document.getElementById("problems-heading")?.textContent?.includes("sem.csv"),
    );
    await page.evaluate(() => {
      (document.getElementById("columns-panel") as HTMLDetailsElement).open = true;
    });
    for (const id of ["sem1i", "sem2i", "ci1lb", "ci1ub", "ci2lb", "ci2ub", "exclude"])
      expect(await page.isVisible(`#col-${id}`)).toBe(true);
    await page.selectOption("#col-sem1i", "err_T");
    await page.selectOption("#col-sem2i", "err_C");
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("sem.csv: 3 studies"),
    );
    expect(await shownEstimate()).toBeCloseTo(expected.model.estimate, 12);
    // After the re-read the panel still shows the choices.
    expect(await page.inputValue("#col-sem1i")).toBe("err_T");
  });

  it("clears a resampling error as soon as the value is corrected", async () => {
    await page.getByTestId("load-example").click();
    await waitForResult();
    await page.fill("#bootstrap", "lots");
    await page.click("#run-resampling");
    await expect.poll(() => page.textContent("#settings-errors")).toMatch(/bootstrap: a whole/);
    expect(await page.getAttribute("#bootstrap", "aria-invalid")).toBe("true");
    await page.fill("#bootstrap", "200");
    await expect.poll(() => page.textContent("#settings-errors")).toBe("");
    expect(await page.getAttribute("#bootstrap", "aria-invalid")).toBeNull();
    // A new mistake while the message is on screen replaces it at once.
    await page.fill("#seed", "-4");
    await page.click("#run-resampling");
    await expect.poll(() => page.textContent("#settings-errors")).toMatch(/^seed:/);
    await page.fill("#seed", "x");
    expect(await page.textContent("#settings-errors")).toMatch(/^seed:/);
    await page.fill("#seed", "1");
    await expect.poll(() => page.textContent("#settings-errors")).toBe("");
    // Run with nothing to resample asks for a count; typing one clears that too.
    await page.fill("#bootstrap", "");
    await page.click("#run-resampling");
    await expect.poll(() => page.textContent("#settings-errors")).toMatch(/Enter a number/);
    await page.fill("#permutations", "100");
    await expect.poll(() => page.textContent("#settings-errors")).toBe("");
    await page.fill("#permutations", "");
  });

  it("fits a meta-regression when a moderator is ticked, with a bubble plot", async () => {
    await page.selectOption("#measure", "MD");
    await page.getByTestId("load-example").click();
    await waitForResult();
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, mods: ["year"] };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const expected = referenceAnalysis(table, settings, await examplePrisma());
    await page.check('#mods-list input[value="year"]');
    await page.waitForSelector("#table-regression");
    await waitForResult();
    const rows = await page.$$eval("#table-regression tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? "")),
    );
    expect(rows).toEqual(regressionTables(expected)[0]!.rows);
    expect(rows.map((r) => r[0])).toEqual(["intrcpt", "year"]);
    expect(await page.isVisible('[role=tab][data-plot="bubble"]')).toBe(true);
    await page.uncheck('#mods-list input[value="year"]');
    await page.waitForSelector("#table-regression", { state: "detached" });
  });

  it("takes PRISMA counts from a JSON file for the reader's own data, and lists problems in a bad one", async () => {
    const csv =
      "study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,10,2,8,8,2,8\nB,11,2.5,10,8.5,2,10\nC,9,3,6,8,2.5,6\n";
    await page.setInputFiles("#file-input", {
      name: "own.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.waitForFunction(() =>
      document.getElementById("status")?.textContent?.startsWith("own.csv: 3 studies"),
    );
    expect(await page.isVisible('[role=tab][data-plot="prisma"]')).toBe(false);
    await page.evaluate(() => {
      for (const d of document.querySelectorAll("details.paste"))
        (d as HTMLDetailsElement).open = true;
    });
    const bad = JSON.stringify({ identified: 10, duplicatesRemoved: -1 });
    await page.setInputFiles("#prisma-input", {
      name: "bad-prisma.json",
      mimeType: "application/json",
      buffer: Buffer.from(bad),
    });
    await expect
      .poll(() => page.textContent("#prisma-status"))
      .toMatch(/Column “duplicatesRemoved”: expected a whole number/);
    const prisma = await readFile(
      new URL("../../../examples/prisma.json", import.meta.url),
      "utf8",
    );
    await page.setInputFiles("#prisma-input", {
      name: "prisma.json",
      mimeType: "application/json",
      buffer: Buffer.from(prisma),
    });
    await page.waitForSelector('[role=tab][data-plot="prisma"]');
    expect(await page.textContent("#prisma-status")).toBe("Using the counts in prisma.json.");
  });
});
