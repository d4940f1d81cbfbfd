/**
 * End-to-end tests of experiments nested in publications: the bundled example (29 experiments in
 * 21 publications) shows the Dependence section with the pipeline's numbers, the Model control
 * switches the summary to the three-level model, and no publication column removes the section.
 * Expected values come from @pooled/pipeline run here, in Node, on the same bytes and settings.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisView, MultilevelView, Settings } from "../src/api.js";
import { dependenceView, leadModel } from "../src/view/dependence.js";
import { formatEstimate, formatRobust } from "../src/view/format.js";
import { DEFAULT_SETTINGS, EXAMPLE_SUBGROUP } from "../src/view/settings.js";
import { type BrowserSession, type OpenApp, openApp, screenshotDir } from "./browser.js";
import {
  exampleFile,
  examplePrisma,
  referenceAnalysis,
  referenceParse,
  referenceParseWith,
  referenceReading,
} from "./reference.js";

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

/** The pipeline's analysis of the example as the page runs it (grouped by dose, its PRISMA counts). */
async function expectedFor(settings: Partial<Settings>): Promise<AnalysisView> {
  const example = await exampleFile();
  const full: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, ...settings };
  const table = await referenceParse(example.bytes, example.name, full.measure);
  return referenceAnalysis(table, full, await examplePrisma());
}

/** Waits for a fresh result of `model` ("standard" or "three-level") with `measure`. */
async function waitForResult(measure: string, model: string, previous?: number): Promise<void> {
  await page.waitForFunction(
    ([m, ml, prev]) => {
      const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
      const body = document.getElementById("results-body");
      if (!el || !body || body.hidden || body.classList.contains("stale")) return false;
      return (
        el.dataset["measure"] === m &&
        el.dataset["model"] === ml &&
        (prev === null || Number(el.dataset["estimate"]) !== prev)
      );
    },
    [measure, model, previous ?? null] as const,
    { timeout: 20_000 },
  );
}

async function shownEstimate(): Promise<{ text: string; estimate: number }> {
  const el = page.getByTestId("pooled-estimate");
  return {
    text: (await el.textContent()) ?? "",
    estimate: Number(await el.getAttribute("data-estimate")),
  };
}

/** Every Dependence table on the page: id -> rows of cell texts. */
async function dependenceTables(): Promise<Record<string, string[][]>> {
  return page.$$eval("#dependence table", (tables) =>
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

/** The section's tables as the page builds them (ratios on the reader's scale, as the worker sends them). */
function expectedTables(a: AnalysisView): Record<string, string[][]> {
  return Object.fromEntries(
    dependenceView(a, referenceReading(a))!.tables.map((t) => [t.id, t.rows]),
  );
}

/** The numeric fields of the three-level result (nested tests included), for a close comparison. */
function numbers(ml: MultilevelView): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const walk = (prefix: string, value: unknown): void => {
    if (typeof value === "number" || value === null) {
      out[prefix] = value as number | null;
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(`${prefix}[${i}]`, v);
    } else if (typeof value === "object" && value !== undefined) {
      for (const [k, v] of Object.entries(value as object)) walk(prefix ? `${prefix}.${k}` : k, v);
    }
  };
  walk("", ml);
  return out;
}

describe("experiments nested in publications", () => {
  it("shows the Dependence section of the example with the pipeline's numbers", async () => {
    const expected = await expectedFor({});
    const ml = expected.multilevel!;
    expect(ml.k).toBe(29);
    expect(ml.clusters).toBe(21);

    await page.getByTestId("load-example").click();
    await waitForResult("MD", "standard");
    await page.waitForSelector("#dependence:not([hidden])");
    expect(await page.inputValue("#model")).toBe("standard");
    expect(await page.inputValue("#cluster")).toBe("");
    expect(await page.textContent("#cluster option:checked")).toBe("publication (detected)");

    expect(await page.textContent("#dependence-lead")).toBe(dependenceView(expected)!.lead);
    expect(await page.textContent("#dependence-lead")).toMatch(
      /^29 experiments from 21 publications \(column “publication”\)/,
    );
    expect(await dependenceTables()).toEqual(expectedTables(expected));
    // The standard estimate leads, with its own CR2 interval beside it.
    const shown = await shownEstimate();
    expect(shown.estimate).toBeCloseTo(expected.model.estimate, 12);
    expect(await page.textContent("#robust-line")).toBe(`${formatRobust(expected.model.robust!)}.`);

    // The numbers themselves: the page's analysis.json holds the pipeline's three-level result.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click('#exports [data-file$="analysis.json"]'),
    ]);
    const json = JSON.parse(await readFile((await download.path())!, "utf8")) as AnalysisView;
    const got = numbers(json.multilevel!);
    const want = numbers(ml);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [key, value] of Object.entries(want)) {
      if (value === null) expect(got[key], key).toBeNull();
      else expect(got[key], key).toBeCloseTo(value, 10);
    }
    expect(json.model.robust!.ciLower).toBeCloseTo(expected.model.robust!.ciLower, 10);
    expect(json.model.robust!.df).toBeCloseTo(expected.model.robust!.df, 10);
    expect(session.errors).toEqual([]);
  });

  it("leads with the three-level estimate once the model is switched, estimating σ² by REML or ML", async () => {
    // ROM: the publications' variance is not zero here, so the two models' estimates differ.
    await page.selectOption("#measure", "ROM");
    await waitForResult("ROM", "standard");
    const standard = await expectedFor({ measure: "ROM" });
    const before = await shownEstimate();
    expect(before.estimate).toBeCloseTo(standard.model.estimate, 12);

    // An estimator the three-level model does not take becomes REML, and says so.
    await page.selectOption("#method", "DL");
    await waitForResult("ROM", "standard", before.estimate);
    const dl = await shownEstimate();
    await page.selectOption("#model", "three-level");
    await waitForResult("ROM", "three-level", dl.estimate);
    expect(await page.inputValue("#method")).toBe("REML");
    expect(await page.isDisabled('#method option[value="DL"]')).toBe(true);
    expect(await page.isEnabled('#method option[value="ML"]')).toBe(true);
    expect(await page.textContent("#method-hint")).toMatch(/REML or ML only/);

    const expected = await expectedFor({ measure: "ROM", model: "three-level" });
    const ml = expected.multilevel!;
    expect(ml.estimate).not.toBeCloseTo(expected.model.estimate, 4);
    const shown = await shownEstimate();
    expect(shown.estimate).toBeCloseTo(ml.estimate, 12);
    expect(shown.estimate).not.toBe(before.estimate);
    expect(shown.text).toBe(formatEstimate(leadModel(expected), "ROM"));
    expect(shown.text).toMatch(/\(k = 29 in 21 publications\)$/);
    expect(await page.textContent("#model-line")).toMatch(/^Three-level model/);
    // ROM is pooled as a log ratio: the CR2 interval is shown as a ratio of means.
    expect(await page.textContent("#robust-line")).toBe(
      `${formatRobust(ml.robust!, 2, referenceReading(expected)!.multilevelRobust)}.`,
    );
    // The three-level subgroups (by dose) join the section.
    expect(await dependenceTables()).toEqual(expectedTables(expected));
    expect(Object.keys(await dependenceTables())).toContain("dependence-subgroups");

    await page.locator("#dependence-heading").evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(screenshotDir, "dependence-1280.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator("#dependence-heading").evaluate((e) => e.scrollIntoView({ block: "start" }));
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(screenshotDir, "dependence-390.png") });
    await page.setViewportSize({ width: 1280, height: 800 });

    // Back to the standard model: the reader's estimator returns.
    await page.selectOption("#model", "standard");
    await waitForResult("ROM", "standard", shown.estimate);
    expect(await page.inputValue("#method")).toBe("DL");
    await page.selectOption("#method", "REML");
    await waitForResult("ROM", "standard", dl.estimate);
    expect(session.errors).toEqual([]);
  });

  it("drops the section when no publication column is chosen (as --map cluster=)", async () => {
    const example = await exampleFile();
    const unmapped = await referenceParseWith(example.bytes, example.name, {
      measure: "ROM",
      columns: { cluster: null },
    });
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP, measure: "ROM" };
    const expected = referenceAnalysis(unmapped, settings, await examplePrisma());
    expect(expected.multilevel).toBeNull();

    await page.selectOption("#cluster", "none");
    await page.waitForSelector("#dependence", { state: "hidden" });
    await waitForResult("ROM", "standard");
    expect(await page.isHidden("#robust-line")).toBe(true);
    expect((await shownEstimate()).estimate).toBeCloseTo(expected.model.estimate, 12);
    // Without publications the three-level model cannot be chosen.
    expect(await page.isDisabled('#model option[value="three-level"]')).toBe(true);
    expect(await page.textContent("#model-hint")).toMatch(/needs a publication column/);

    // Another column serves as the publication (here the strain: 3 "publications").
    await page.selectOption("#cluster", "column:strain");
    await page.waitForSelector("#dependence:not([hidden])");
    const byStrain = await expectedFor({ measure: "ROM", cluster: "strain" });
    await expect
      .poll(() => page.textContent("#dependence-lead"))
      .toBe(dependenceView(byStrain)!.lead);
    expect(await dependenceTables()).toEqual(expectedTables(byStrain));
    await page.selectOption("#cluster", "");
    await expect.poll(() => page.textContent("#dependence-lead")).toMatch(/column “publication”/);
    expect(session.errors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
  });
});
