/**
 * GOSH on the built page (dist/, headless Chromium): the "GOSH plot" box with 5,000 subsets of
 * the bundled example (k = 29, so 5,000 random subsets drawn with the seed) runs in the job
 * worker on three shard workers, and the page's table and exported JSON are the pipeline's for
 * the same options, computed here in Node on one thread (analyzeAsync(table, { gosh: 5000, seed })).
 * A run of 1,000,000 subsets shows the stage's progress and stops on Cancel; the page goes on.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { analyzeAsync, type StudyTable } from "@pooled/pipeline";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisView, Settings } from "../src/api.js";
import { goshTable } from "../src/view/results.js";
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
  referenceAnalysisAsync,
  referenceParse,
  referenceReading,
  referenceReport,
} from "./reference.js";

let app: OpenApp;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  // Three shard workers whatever this machine's core count: GOSH's blocks run in Web Workers.
  app = await openApp("?workers=3");
  ({ session, page } = app);
});

afterAll(async () => {
  await app?.close();
});

async function waitForResult(): Promise<void> {
  await page.waitForFunction(
    () => {
      const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
      const body = document.getElementById("results-body");
      return (
        !!el?.dataset["estimate"] && !!body && !body.hidden && !body.classList.contains("stale")
      );
    },
    undefined,
    { timeout: 30_000 },
  );
}

async function download(selector: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return readFile((await file.path())!, "utf8");
}

const label = () => page.textContent("#progress-label");

async function tableOnPage(id: string): Promise<{ caption: string; rows: string[][] }> {
  return page.$eval(`#table-${id}`, (t) => ({
    caption: t.querySelector("caption")?.textContent ?? "",
    rows: Array.from(t.querySelectorAll("tbody tr")).map((tr) =>
      Array.from(tr.children).map((c) => c.textContent ?? ""),
    ),
  }));
}

let exampleTable: StudyTable;

describe("GOSH on the page", () => {
  it("fits 5,000 random subsets of the example with the pipeline's numbers", async () => {
    const example = await exampleFile();
    exampleTable = await referenceParse(example.bytes, example.name, "MD");
    // The pipeline itself, as the brief's contract: the same options on one thread in Node.
    const direct = await analyzeAsync(exampleTable, { gosh: 5000, seed: 1 });
    expect(direct.gosh).toMatchObject({ subsets: 5000, exhaustive: false, seed: 1, k: 29 });
    // The page's whole settings (the example grouped by dose, its PRISMA counts).
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, gosh: 5000, seed: 1 };
    const expected = await referenceAnalysisAsync(exampleTable, settings, await examplePrisma());
    expect(expected.gosh).toEqual(direct.gosh);

    await page.getByTestId("load-example").click();
    await waitForResult();
    // Off by default, its count read only once ticked (metafor's default shown).
    expect(await page.isChecked("#gosh")).toBe(false);
    expect(await page.isDisabled("#gosh-subsets")).toBe(true);
    expect(await page.inputValue("#gosh-subsets")).toBe("1,000,000");
    expect(await page.isHidden("#table-gosh")).toBe(true);

    // A count the CLI refuses is refused in the page's words.
    await page.check("#gosh");
    expect(await page.isEnabled("#gosh-subsets")).toBe(true);
    await page.fill("#gosh-subsets", "1");
    await page.click("#run-resampling");
    await expect
      .poll(() => page.textContent("#settings-errors"))
      .toBe("GOSH: a whole number of subsets from 2 to 1,000,000");
    expect(await page.getAttribute("#gosh-subsets", "aria-invalid")).toBe("true");
    await page.fill("#gosh-subsets", "5000");
    await expect.poll(() => page.textContent("#settings-errors")).toBe("");

    await page.click("#run-resampling");
    await expect.poll(label, { timeout: 60_000 }).toMatch(/^GOSH finished in /);
    // Shard workers start from a blob: URL of the engine's code (no request to the server).
    expect(shardWorkersStarted(session)).toBeGreaterThan(0);

    // The page's table is the view of the pipeline's JSON.
    const want = goshTable(expected, referenceReading(expected))!;
    const shown = await tableOnPage("gosh");
    expect(shown.caption).toBe("GOSH (5,000 random subsets of the 29 studies, seed 1)");
    expect(shown.caption).toBe(want.caption);
    expect(shown.rows).toEqual(want.rows);
    expect(shown.rows.map((r) => r[0])).toEqual(["Estimate (MD)", "I²"]);
    expect(await page.textContent("#note-gosh")).toBe(want.note);

    // The exported JSON is the pipeline's.
    const json = JSON.parse(await download('#exports [data-file="analysis.json"]')) as AnalysisView;
    expect(json.settings?.gosh).toBe(5000);
    expect(json.gosh).toEqual(expected.gosh);

    // The report's GOSH figure, once the report has one, gets a tab titled GOSH.
    const figures = referenceReport(exampleTable, expected).filter((f) =>
      /gosh[^/]*\.svg$/i.test(f.name),
    );
    const tabs = await page.$$eval("#plot-tabs [role=tab]", (ts) => ts.map((t) => t.textContent));
    if (figures.length > 0) {
      expect(tabs).toContain("GOSH");
      await page.click("#tab-gosh");
      expect(await page.isVisible("#panel-gosh svg")).toBe(true);
    } else {
      expect(tabs).not.toContain("GOSH");
    }
    await page.locator("#table-gosh").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, "gosh-table-1280.png") });
    expect(session.errors).toEqual([]);
  });

  it("shows a 1,000,000-subset run's progress, stops it on Cancel, and goes on", async () => {
    await page.fill("#gosh-subsets", "1,000,000");
    await page.click("#run-resampling");
    expect(await page.isEnabled("#cancel")).toBe(true);
    await expect
      .poll(label, { timeout: 30_000 })
      .toMatch(/^GOSH subsets: [1-9][\d,]* of 1,000,000 \(\d+%\)$/);
    const progress = page.getByTestId("progress");
    expect(await progress.evaluate((el) => (el as HTMLProgressElement).max)).toBe(1_000_000);
    await page.screenshot({ path: join(screenshotDir, "gosh-progress-1280.png") });
    const before = await progress.evaluate((el) => (el as HTMLProgressElement).value);
    expect(before).toBeLessThan(1_000_000);

    const clicked = Date.now();
    await page.click("#cancel");
    await expect.poll(label, { timeout: 5000 }).toBe("Cancelled.");
    expect(Date.now() - clicked).toBeLessThan(5000);
    // The engine stopped the stage itself (it honours the cancel), or ended its worker; either
    // way the job is over and Run is back.
    const how = await page.getAttribute("body", "data-job-cancel");
    expect(["engine", "worker-ended"]).toContain(how);
    console.log(`GOSH cancel: ${how} after ${Date.now() - clicked} ms (progress ${before})`);
    expect(await page.isDisabled("#cancel")).toBe(true);
    expect(await page.isEnabled("#run-resampling")).toBe(true);
    // Nothing of the cancelled run arrives later.
    await page.waitForTimeout(1500);
    expect(await label()).toBe("Cancelled.");

    // The page goes on: a new analysis of another setting, then another GOSH run.
    await page.selectOption("#method", "DL");
    await expect.poll(() => page.textContent("#model-line")).toMatch(/τ² by DL;/);
    await waitForResult();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      by: EXAMPLE_SUBGROUP,
      method: "DL",
      gosh: 300,
      seed: 2,
    };
    const expected = await referenceAnalysisAsync(exampleTable, settings, await examplePrisma());
    await page.fill("#gosh-subsets", "300");
    await page.fill("#seed", "2");
    await page.click("#run-resampling");
    await expect.poll(label, { timeout: 60_000 }).toMatch(/^GOSH finished in /);
    const shown = await tableOnPage("gosh");
    const want = goshTable(expected, referenceReading(expected))!;
    expect(shown).toEqual({ caption: want.caption, rows: want.rows });
    expect(session.errors).toEqual([]);
    // Back to the defaults for any test after this one.
    await page.uncheck("#gosh");
    await page.fill("#seed", "1");
    await page.selectOption("#method", "REML");
  });
});
