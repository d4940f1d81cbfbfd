/**
 * End-to-end tests of event counts and correlations in the built app (dist/, headless Chromium):
 * the bundled simulated mortality example read for the odds ratio, then pooled by
 * Mantel-Haenszel, and a small correlation file pooled as Fisher's z and read as r. Expected
 * values come from @pooled/pipeline run here, in Node, on the same bytes and settings.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisView, Settings } from "../src/api.js";
import { resultTables } from "../src/view/results.js";
import { DEFAULT_SETTINGS } from "../src/view/settings.js";
import { summaryView } from "../src/view/summary.js";
import { type BrowserSession, type OpenApp, openApp, screenshotDir } from "./browser.js";
import { mortalityFile, referenceAnalysis, referenceParse, referenceReading } from "./reference.js";

let app: OpenApp;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  ({ session, page } = app);
});

afterAll(async () => {
  await app?.close();
});

/** The pipeline's analysis of the mortality example with the page's settings. */
async function expectedMortality(settings: Partial<Settings>): Promise<AnalysisView> {
  const file = await mortalityFile();
  const full: Settings = { ...DEFAULT_SETTINGS, measure: "OR", ...settings };
  return referenceAnalysis(await referenceParse(file.bytes, file.name, full.measure), full);
}

/** Waits for a fresh result of `measure` analysed by `method` (the model line names it). */
async function waitForResult(measure: string, method: RegExp): Promise<void> {
  await page.waitForFunction(
    ([m, source]) => {
      const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
      const body = document.getElementById("results-body");
      const model = document.getElementById("model-line")?.textContent ?? "";
      if (!el || !body || body.hidden || body.classList.contains("stale")) return false;
      return el.dataset["measure"] === m && new RegExp(source).test(model);
    },
    [measure, method.source] as const,
    { timeout: 20_000 },
  );
}

/** What the summary shows, line by line. */
async function summaryOnPage(): Promise<Record<string, string | null>> {
  const text = async (id: string) =>
    (await page.isHidden(`#${id}`)) ? null : ((await page.textContent(`#${id}`)) ?? "");
  return {
    estimate: await text("pooled-estimate"),
    analysed: await text("estimate-analysed"),
    model: await text("model-line"),
    heterogeneity: await text("heterogeneity-line"),
    tableTests: await text("table-tests-line"),
    robust: await text("robust-line"),
  };
}

/** The summary the page should show for an analysis (the view's own function, the pipeline's numbers). */
function expectedSummary(a: AnalysisView): Record<string, string | null> {
  const s = summaryView(a, referenceReading(a));
  return {
    estimate: s.estimate,
    analysed: s.analysed,
    model: s.model,
    heterogeneity: s.heterogeneity,
    tableTests: s.tableTests,
    robust: s.robust,
  };
}

/** Every results table on the page: id -> rows of cell texts. */
async function tablesOnPage(): Promise<Record<string, string[][]>> {
  return page.$$eval("#tables table", (tables) =>
    Object.fromEntries(
      tables.map((t) => [
        t.id.replace(/^table-/, ""),
        Array.from(t.querySelectorAll("tbody tr")).map((tr) =>
          Array.from(tr.children).map((c) => c.textContent ?? ""),
        ),
      ]),
    ),
  );
}

describe("event counts", () => {
  it("reads the mortality example for the odds ratio, the measure its columns imply", async () => {
    const file = await mortalityFile();
    const expected = await expectedMortality({});
    await page.setInputFiles("#file-input", {
      name: file.name,
      mimeType: "text/csv",
      buffer: Buffer.from(file.bytes),
    });
    await waitForResult("OR", /^Random-effects model, τ² by REML/);
    expect(await page.inputValue("#measure")).toBe("OR");
    // Measures the file has no columns for cannot be chosen.
    expect(await page.isDisabled('#measure option[value="MD"]')).toBe(true);
    expect(await page.isDisabled('#measure option[value="RR"]')).toBe(false);
    expect(await page.isVisible("#zero-cells")).toBe(true);
    expect(await page.isDisabled('#method option[value="MH"]')).toBe(false);
    expect(await summaryOnPage()).toEqual(expectedSummary(expected));
    expect(await page.textContent("#pooled-estimate")).toMatch(/^Odds ratio 0\.\d\d \[/);
    const shown = Number(await page.getAttribute("#pooled-estimate", "data-estimate"));
    expect(shown).toBeCloseTo(expected.model.estimate, 12);
    expect(session.errors).toEqual([]);
  });

  it("pools the tables by Mantel-Haenszel with the pipeline's numbers and tests", async () => {
    const expected = await expectedMortality({ method: "MH" });
    await page.selectOption("#method", "MH");
    await waitForResult("OR", /^Mantel-Haenszel/);
    const summary = await summaryOnPage();
    expect(summary).toEqual(expectedSummary(expected));
    expect(summary["heterogeneity"]).not.toMatch(/τ²/);
    expect(summary["model"]).not.toMatch(/prediction/);
    expect(summary["tableTests"]).toMatch(/^Cochran-Mantel-Haenszel test χ²\(1\) = .*Breslow-Day/);
    // Mantel-Haenszel has a z test only.
    expect(await page.isDisabled('#test option[value="knha"]')).toBe(true);
    expect(await page.textContent("#method-hint")).toMatch(/no τ² and no prediction interval/);

    // The tables are the view's, built from the pipeline's analysis.
    const want = Object.fromEntries(
      resultTables(expected, referenceReading(expected)).map((t) => [t.id, t.rows]),
    );
    expect(await tablesOnPage()).toEqual(want);
    expect(Object.keys(want)).toContain("table-tests");

    // The exported analysis.json is the pipeline's, number for number.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('#exports [data-file$="analysis.json"]'),
    ]);
    const json = JSON.parse(await readFile((await download.path())!, "utf8")) as AnalysisView;
    expect(json.settings).toMatchObject({ measure: "OR", method: "MH", drop00: true, add: 0.5 });
    const m = json.model;
    const e = expected.model;
    for (const key of ["estimate", "se", "ciLower", "ciUpper", "p", "Q", "Qp", "I2"] as const)
      expect(m[key], key).toBeCloseTo(e[key] as number, 12);
    expect(m.tau2).toBeNull();
    expect(m.piLower).toBeNull();
    expect(m.transformed!.estimate).toBeCloseTo(e.transformed!.estimate!, 12);
    expect(m.tableTests!.breslowDay!.statistic).toBeCloseTo(
      e.tableTests!.breslowDay!.statistic,
      10,
    );
    expect(m.tableTests!.tarone!.p!).toBeCloseTo(e.tableTests!.tarone!.p!, 10);
    await page.screenshot({ path: join(screenshotDir, "mortality-mh-1280.png") });
    expect(session.errors).toEqual([]);
  });

  it("applies the zero-cell rules as the CLI's --add and --no-drop00, and refuses a negative correction", async () => {
    const expected = await expectedMortality({ method: "MH", add: 0.25, drop00: false });
    const before = (await tablesOnPage())["studies"];
    await page.fill("#add", "0.25");
    await page.selectOption("#drop00", "keep");
    await page.locator("#add").dispatchEvent("change");
    // The study effects change (the Mantel-Haenszel estimate pools the raw tables).
    const want = Object.fromEntries(
      resultTables(expected, referenceReading(expected)).map((t) => [t.id, t.rows]),
    );
    await expect.poll(() => tablesOnPage(), { timeout: 20_000 }).toEqual(want);
    expect(want["studies"]).not.toEqual(before);
    expect(await summaryOnPage()).toEqual(expectedSummary(expected));

    await page.fill("#add", "-1");
    await page.locator("#add").dispatchEvent("change");
    await expect
      .poll(() => page.textContent("#zero-cell-errors"))
      .toBe("continuity correction: a number of 0 or more, e.g. 0.5");
    expect(await page.getAttribute("#add", "aria-invalid")).toBe("true");
    // Corrected: the message goes and the analysis runs again (back to the defaults).
    await page.fill("#add", "0.5");
    await page.selectOption("#drop00", "");
    await expect.poll(() => page.textContent("#zero-cell-errors")).toBe("");
    const defaults = await expectedMortality({ method: "MH" });
    await expect
      .poll(() => summaryOnPage(), { timeout: 20_000 })
      .toEqual(expectedSummary(defaults));
  });
});

describe("correlations", () => {
  it("pools Fisher's z and shows the correlation r", async () => {
    const csv = "study,ri,ni\nA,0.30,40\nB,0.45,25\nC,0.10,60\nD,0.52,30\nE,0.38,50\n";
    const bytes = new TextEncoder().encode(csv);
    const settings: Settings = { ...DEFAULT_SETTINGS, measure: "ZCOR" };
    const expected = referenceAnalysis(await referenceParse(bytes, "r.csv", "ZCOR"), settings);
    await page.setInputFiles("#file-input", {
      name: "r.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(bytes),
    });
    // The method chosen for the mortality file (MH) pools tables only: REML takes over.
    await waitForResult("ZCOR", /^Random-effects model, τ² by REML/);
    expect(await page.inputValue("#measure")).toBe("ZCOR");
    expect(await page.isDisabled('#method option[value="MH"]')).toBe(true);
    expect(await page.isHidden("#zero-cells")).toBe(true);
    const summary = await summaryOnPage();
    expect(summary).toEqual(expectedSummary(expected));
    const t = expected.model.transformed!;
    expect(summary["estimate"]).toMatch(/^Correlation r 0\.\d\d \[/);
    expect(Number(await page.getAttribute("#pooled-estimate", "data-transformed-estimate"))).toBe(
      t.estimate,
    );
    const studies = (await tablesOnPage())["studies"]!;
    expect(studies.length).toBe(5);
    expect(
      await page.$$eval("#table-studies thead th", (ths) => ths.map((th) => th.textContent)),
    ).toEqual(["Study", "r", "95% CI", "z", "Weight"]);
    expect(session.errors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
  });
});
