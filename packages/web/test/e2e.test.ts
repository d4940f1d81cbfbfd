/**
 * End-to-end tests of the built app (dist/) in headless Chromium. Expected numbers are computed
 * here, in Node, by calling @pooled/pipeline on the same bytes with the same settings (what the
 * CLI does), never typed in by hand.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../src/api.js";
import { formatEstimate } from "../src/view/format.js";
import { resamplingTables } from "../src/view/results.js";
import { DEFAULT_SETTINGS, EXAMPLE_SUBGROUP } from "../src/view/settings.js";
import {
  type BrowserSession,
  openBrowser,
  type StaticServer,
  screenshotDir,
  serveDist,
} from "./browser.js";
import {
  exampleFile,
  examplePrisma,
  referenceAnalysis,
  referenceAnalysisAsync,
  referenceParse,
  referenceProblems,
  referenceReport,
} from "./reference.js";

let server: StaticServer;
let session: BrowserSession;
let page: Page;
const timings: Record<string, number> = {};

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  server = await serveDist();
  session = await openBrowser(server.origin);
  page = session.page;
});

afterAll(async () => {
  console.log(
    `web timings (reported, not asserted): ${Object.entries(timings)
      .map(([name, ms]) => `${name} ${ms} ms`)
      .join(", ")}`,
  );
  await writeFile(
    join(screenshotDir, "timings.txt"),
    `${Object.entries(timings)
      .map(([name, ms]) => `${name} ${ms}`)
      .join("\n")}\n`,
  ).catch(() => undefined);
  await session?.close();
  await server?.close();
});

async function estimateOnPage(): Promise<{ text: string; estimate: number; measure: string }> {
  const el = page.getByTestId("pooled-estimate");
  return {
    text: (await el.textContent()) ?? "",
    estimate: Number(await el.getAttribute("data-estimate")),
    measure: (await el.getAttribute("data-measure")) ?? "",
  };
}

/** Waits until the page shows a result for `measure` that differs from `previous` (if given). */
async function waitForEstimate(measure: string, previous?: number): Promise<void> {
  await page.waitForFunction(
    ([m, prev]) => {
      const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
      const body = document.getElementById("results-body");
      if (!el || !body || body.hidden || body.classList.contains("stale")) return false;
      return (
        el.dataset["measure"] === m &&
        el.dataset["estimate"] !== undefined &&
        (prev === null || Number(el.dataset["estimate"]) !== prev)
      );
    },
    [measure, previous ?? null] as const,
    { timeout: 20_000 },
  );
}

describe("the static page", () => {
  it("loads its own files only, under a Content-Security-Policy", async () => {
    await page.goto(`${server.origin}/`);
    await page.waitForSelector("body[data-ready=true]");
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    // Nothing inline may run or style the page; only WebAssembly compilation is allowed beyond 'self'.
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).toContain("style-src 'self';");
    expect(await page.getByTestId("load-example").isVisible()).toBe(true);
    expect(session.foreignRequests).toEqual([]);
    expect(session.errors).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, "empty-1280.png") });
  });

  it("loads the example and shows the pipeline's pooled estimate (first result under a second)", async () => {
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP };
    const expected = referenceAnalysis(
      await referenceParse(example.bytes, example.name, settings.measure),
      settings,
      await examplePrisma(),
    );

    const started = Date.now();
    await page.getByTestId("load-example").click();
    await waitForEstimate(settings.measure);
    timings["firstResultWallMs"] = Date.now() - started;
    timings["firstResultPageMs"] = Number(await page.getAttribute("body", "data-first-result-ms"));

    const shown = await estimateOnPage();
    expect(shown.measure).toBe(settings.measure);
    // Same engine, same bytes, same settings: the same double (WASM in Node and in Chromium).
    expect(shown.estimate).toBeCloseTo(expected.model.estimate, 12);
    expect(shown.text).toBe(formatEstimate(expected.model, settings.measure));
    await expect.poll(() => page.locator('svg[data-testid="forest-plot"]').isVisible()).toBe(true);
    // Speed is reported (timings.txt, printed below), not asserted: a loaded machine must not
    // turn a correct page red. The benchmark and the note carry the figure.
    expect(timings["firstResultPageMs"]).toBeGreaterThan(0);
    expect(session.errors).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, "example-1280.png") });
    await page.screenshot({ path: join(screenshotDir, "example-1280-full.png"), fullPage: true });
  });

  it("changes the measure and shows the new estimate", async () => {
    const before = await estimateOnPage();
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, measure: "SMD" };
    const expected = referenceAnalysis(
      await referenceParse(example.bytes, example.name, settings.measure),
      settings,
      await examplePrisma(),
    );
    await page.selectOption("#measure", "SMD");
    await waitForEstimate("SMD", before.estimate);
    const shown = await estimateOnPage();
    expect(shown.estimate).not.toBe(before.estimate);
    expect(shown.estimate).toBeCloseTo(expected.model.estimate, 12);
    expect(shown.text).toBe(formatEstimate(expected.model, "SMD"));
  });

  it("orders the forest plot by effect when asked (as the CLI's --forest-sort)", async () => {
    const forest = 'svg[data-testid="forest-plot"]';
    const markerCentres = () =>
      page.$$eval(`${forest} .study-row .marker`, (markers) =>
        markers.map((m) => Number(m.getAttribute("x")) + Number(m.getAttribute("width")) / 2),
      );
    await page.selectOption("#by", "");
    await expect.poll(async () => (await markerCentres()).length).toBe(29);
    const asGiven = await markerCentres();
    const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]! - 1e-6);
    expect(ascending(asGiven)).toBe(false);
    await page.selectOption("#forest-sort", "effect");
    await expect.poll(async () => ascending(await markerCentres())).toBe(true);
    expect([...(await markerCentres())].sort((a, b) => a - b)).toEqual(
      [...asGiven].sort((a, b) => a - b),
    );
    await page.selectOption("#forest-sort", "input");
    await page.selectOption("#by", EXAMPLE_SUBGROUP);
    // Let the re-analysis these changes start finish before the next test runs its own job.
    await page.waitForFunction(() => {
      const body = document.getElementById("results-body");
      const forest = document.querySelector('svg[data-testid="forest-plot"]');
      return (
        body !== null &&
        !body.classList.contains("stale") &&
        forest !== null &&
        (forest.textContent ?? "").includes("dose: ")
      );
    });
  });

  it("runs a bootstrap in the worker with a moving progress bar, stays responsive, and cancels", async () => {
    await page.fill("#bootstrap", "100000");
    await page.click("#run-resampling");
    const progress = page.getByTestId("progress");
    const seen = new Set<number>();
    const latencies: number[] = [];
    const until = Date.now() + 20_000;
    while (seen.size < 3 && Date.now() < until) {
      const t = Date.now();
      const value = await progress.evaluate((el) => (el as HTMLProgressElement).value);
      latencies.push(Date.now() - t);
      if (value > 0) seen.add(value);
      await page.waitForTimeout(100);
    }
    const max = await progress.evaluate((el) => (el as HTMLProgressElement).max);
    expect(max).toBe(100000);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(Math.max(...seen)).toBeLessThan(100000);
    // The page answers while the worker computes: a main thread blocked by the bootstrap would
    // answer only when it ends (seconds); the latency itself is reported, not asserted.
    timings["pageLatencyDuringBootstrapMaxMs"] = Math.max(...latencies);
    expect(Math.max(...seen)).toBeLessThan(max);
    await page.screenshot({ path: join(screenshotDir, "bootstrap-progress-1280.png") });
    await page.click("#cancel");
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 5000 })
      .toBe("Cancelled.");
    expect(await page.isEnabled("#run-resampling")).toBe(true);
  });

  it("finishes a small bootstrap with the pipeline's intervals for the same seed", async () => {
    const example = await exampleFile();
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      by: EXAMPLE_SUBGROUP,
      measure: "SMD",
      bootstrap: 200,
      seed: 7,
    };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const expected = await referenceAnalysisAsync(table, settings, await examplePrisma());
    await page.fill("#bootstrap", "200");
    await page.fill("#seed", "7");
    const started = Date.now();
    await page.click("#run-resampling");
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
      .toMatch(/^Bootstrap finished/);
    timings["bootstrap200Ms"] = Date.now() - started;
    expect(await progressValue()).toBe(await progressMax());
    const rows = await page.$$eval("#table-bootstrap tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.children).map((c) => c.textContent ?? "")),
    );
    expect(rows).toEqual(resamplingTables(expected)[0]!.rows);
    expect(expected.bootstrap?.iterations).toBe(200);
    await page.fill("#bootstrap", "");
    await page.fill("#seed", "1");
  });

  it("keeps a job started right after a settings change; drops one whose settings change while it runs", async () => {
    // Run pressed within the debounce of a settings change: the analysis that follows is of the
    // very settings the job started with, so the job's result stands.
    await page.fill("#bootstrap", "200");
    // In one task, so Run lands inside the 60 ms debounce of the change (before its analysis).
    await page.evaluate(() => {
      const method = document.getElementById("method") as HTMLSelectElement;
      method.value = "DL";
      method.dispatchEvent(new Event("change", { bubbles: true }));
      (document.getElementById("run-resampling") as HTMLButtonElement).click();
    });
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
      .toMatch(/^Bootstrap finished in/);
    // A setting changed while the job runs: its result belongs to the old settings.
    await page.fill("#bootstrap", "20000");
    await page.click("#run-resampling");
    await page.selectOption("#method", "REML");
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
      .toMatch(/changed meanwhile/);
    await page.fill("#bootstrap", "");
  });

  it("exports the forest plot as SVG (the report's file) and as PNG", async () => {
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, measure: "SMD" };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const files = referenceReport(table, referenceAnalysis(table, settings, await examplePrisma()));
    const forest = files.find((f) => /forest/i.test(f.name) && f.name.endsWith(".svg"));
    expect(forest).toBeDefined();

    await page.click('[role=tab][data-plot="forest"]');
    const [svgDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#export-svg"),
    ]);
    expect(svgDownload.suggestedFilename()).toMatch(/forest.*\.svg$/);
    const svgText = await readFile((await svgDownload.path())!, "utf8");
    expect(svgText).toBe(forest!.content);

    const [pngDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#export-png"),
    ]);
    expect(pngDownload.suggestedFilename()).toMatch(/forest.*\.png$/);
    const png = await readFile((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBeGreaterThan(200);
    expect(height).toBeGreaterThan(100);
  });

  it("exports analysis.json with the same model as the pipeline", async () => {
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, measure: "SMD" };
    const analysis = referenceAnalysis(
      await referenceParse(example.bytes, example.name, settings.measure),
      settings,
      await examplePrisma(),
    );
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('#exports [data-file$="analysis.json"]'),
    ]);
    const json = JSON.parse(await readFile((await download.path())!, "utf8")) as {
      model: { estimate: number; tau2: number };
    };
    expect(json.model.estimate).toBeCloseTo(analysis.model.estimate, 12);
    expect(json.model.tau2).toBeCloseTo(analysis.model.tau2 ?? Number.NaN, 12);
  });

  it("lists every problem of a bad file with its row and column", async () => {
    const bad = [
      "study,m1i,sd1i,n1i,m2i,sd2i,n2i",
      "A,10.1,2.0,8,7.9,2.1,8",
      "B,eleven,2.2,8,8.1,1.9,8",
      "C,9.8,-1.5,8,8.0,2.0,8",
      "D,10.4,1.8,8,8.3,2.2,8",
    ].join("\n");
    const bytes = new TextEncoder().encode(bad);
    const expected = await referenceProblems(bytes, "bad.csv");
    await page.setInputFiles("#file-input", {
      name: "bad.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(bytes),
    });
    await page.waitForSelector("#problems:not([hidden])");
    const items = await page.$$eval("#problems-list li", (lis) =>
      lis.map((li) => ({
        row: li.getAttribute("data-row"),
        column: li.getAttribute("data-column"),
        text: li.textContent ?? "",
      })),
    );
    // Text in a number field (row 3, m1i) and a negative SD (row 4, sd1i), as the pipeline finds them.
    expect(items.length).toBe(expected.length);
    expect(items).toContainEqual(expect.objectContaining({ row: "3", column: "m1i" }));
    expect(items).toContainEqual(expect.objectContaining({ row: "4", column: "sd1i" }));
    for (const item of items.filter((i) => i.row !== ""))
      expect(item.text).toMatch(/^Row \d+(, column “[^”]+”)?: /);
    expect(await page.isHidden("#results-body")).toBe(true);
    expect(await page.textContent("#problems-heading")).toMatch(/bad\.csv/);
    await page.screenshot({ path: join(screenshotDir, "bad-file-1280.png") });
  });

  it("is readable at phone width, and shows the results after loading", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId("load-example").click();
    await waitForEstimate("SMD");
    // The page scrolls the results into view: the estimate is on screen without scrolling.
    const onScreen = async () => {
      const box = await page.getByTestId("pooled-estimate").boundingBox();
      return box !== null && box.y >= 0 && box.y + box.height <= 844;
    };
    await expect.poll(onScreen, { timeout: 5000 }).toBe(true);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshotDir, "example-390.png") });
    await page.screenshot({ path: join(screenshotDir, "example-390-full.png"), fullPage: true });
    expect(session.foreignRequests).toEqual([]);
  });

  it("fits every plot to a phone's width, with actual size and a full-size tab on offer", async () => {
    // Still 390 x 844, the example loaded.
    const width = (selector: string) =>
      page.locator(selector).evaluate((e) => e.getBoundingClientRect().width);
    const right = (selector: string) =>
      page.locator(selector).evaluate((e) => e.getBoundingClientRect().right);
    const forest = 'svg[data-testid="forest-plot"]';
    expect(await width(forest)).toBeLessThanOrEqual(390);
    expect(await right(forest)).toBeLessThanOrEqual(390);
    // Drawn wider than the phone, shrunk with its aspect ratio kept (nothing cut off).
    const drawn = await page
      .locator(forest)
      .evaluate((e) => [Number(e.getAttribute("width")), Number(e.getAttribute("height"))]);
    expect(drawn[0]!).toBeGreaterThan(390);
    const box = (await page.locator(forest).boundingBox())!;
    expect(box.height / box.width).toBeCloseTo(drawn[1]! / drawn[0]!, 2);
    await page.click('[role=tab][data-plot="rob"]');
    expect(await right("#panel-rob svg")).toBeLessThanOrEqual(390);
    await page.locator("#plots-heading").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, "rob-fit-390.png") });

    // Actual size: the drawn width, scrolling sideways inside the (focusable) panel.
    await page.focus("#plot-size");
    await page.keyboard.press("Enter");
    expect(await page.getAttribute("#plot-size", "aria-pressed")).toBe("true");
    expect(await width("#panel-rob svg")).toBeGreaterThan(390);
    const panelScrolls = await page
      .locator("#panel-rob")
      .evaluate((e) => e.scrollWidth > e.clientWidth);
    expect(panelScrolls).toBe(true);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.keyboard.press("Enter");
    expect(await page.getAttribute("#plot-size", "aria-pressed")).toBe("false");

    // Open full size: the active plot's SVG in a tab of its own (a blob: URL, so no request).
    const href = (await page.getAttribute("#plot-open", "href")) ?? "";
    expect(href).toMatch(/^blob:/);
    expect(await page.getAttribute("#plot-open", "data-plot")).toBe("rob");
    const [tab] = await Promise.all([
      session.context.waitForEvent("page"),
      page.click("#plot-open"),
    ]);
    await tab.waitForLoadState();
    expect(await tab.evaluate(() => document.documentElement.nodeName.toLowerCase())).toBe("svg");
    await tab.close();
    await page.click('[role=tab][data-plot="forest"]');
    expect(await page.getAttribute("#plot-open", "data-plot")).toBe("forest");
    expect(session.foreignRequests).toEqual([]);
    expect(session.errors).toEqual([]);
  });
});

async function progressValue(): Promise<number> {
  return page.getByTestId("progress").evaluate((el) => (el as HTMLProgressElement).value);
}
async function progressMax(): Promise<number> {
  return page.getByTestId("progress").evaluate((el) => (el as HTMLProgressElement).max);
}
