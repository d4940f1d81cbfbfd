/**
 * End-to-end tests of the further methods reachable from the page (small-study options, influence, predictions, variances) (dist/, headless
 * Chromium): trim-and-fill's R0 estimator and side, the parametric bootstrap, predictions of the
 * meta-regression, the SMD's variance type and ROM's bias correction; and the results they bring
 * (PET-PEESE, fail-safe N, influence diagnostics with the influential studies marked, the Q-profile
 * CIs of τ², I² and H², predictions). Expected values come from @pooled/pipeline run here, in Node,
 * on the same bytes and settings (what the CLI computes with the same flags).
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisView, Settings } from "../src/api.js";
import { resultTables } from "../src/view/results.js";
import { DEFAULT_SETTINGS } from "../src/view/settings.js";
import { summaryView } from "../src/view/summary.js";
import { type BrowserSession, type OpenApp, openApp, screenshotDir } from "./browser.js";
import {
  exampleFile,
  examplePrisma,
  referenceAnalysis,
  referenceAnalysisAsync,
  referenceParse,
  referenceReading,
  referenceReport,
} from "./reference.js";

let app: OpenApp;
let session: BrowserSession;
let page: Page;

/**
 * Ten experiments with a numeric dose, one of them (Gupta 2019) far above the others: metafor's
 * influence() flags it, and the meta-regression on dose can predict at chosen doses.
 */
const DOSE_FILE = {
  name: "dose-response.csv",
  text: [
    "study,mean_treatment,sd_treatment,n_treatment,mean_control,sd_control,n_control,dose",
    "Ames 2015,10.2,2.1,8,8.1,2.0,8,50",
    "Baker 2016,11.0,2.5,10,8.4,2.2,10,100",
    "Chen 2017,12.9,3.0,6,8.0,2.6,6,150",
    "Diaz 2018,10.8,1.9,12,8.6,2.0,12,100",
    "Evans 2018,13.5,2.8,5,8.2,2.5,5,200",
    "Fox 2019,11.9,2.2,9,8.8,2.4,9,150",
    "Gupta 2019,24.0,2.6,7,8.3,2.2,7,200",
    "Hall 2020,12.4,2.4,11,8.5,2.1,11,250",
    "Ito 2021,13.8,3.1,6,8.1,2.7,6,300",
    "Jones 2022,12.1,2.0,14,8.9,2.2,14,250",
    "",
  ].join("\n"),
};

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  app = await openApp();
  ({ session, page } = app);
});

afterAll(async () => {
  await app?.close();
});

/**
 * Waits until the page shows a fresh result and, when given: an element matching `selector` whose
 * text matches `text`, the estimate's measure, and a model line matching `model` (regex sources).
 */
async function waitForFresh(
  want: { selector?: string; text?: string; measure?: string; model?: string } = {},
): Promise<void> {
  await page.waitForFunction(
    (w) => {
      const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
      const body = document.getElementById("results-body");
      if (!el || !body || body.hidden || body.classList.contains("stale")) return false;
      if (!el.dataset["estimate"]) return false;
      if (w.measure !== undefined && el.dataset["measure"] !== w.measure) return false;
      if (w.selector !== undefined) {
        const target = document.querySelector(w.selector);
        if (!target) return false;
        if (w.text !== undefined && !new RegExp(w.text).test(target.textContent ?? ""))
          return false;
      }
      const model = document.getElementById("model-line")?.textContent ?? "";
      return w.model === undefined || new RegExp(w.model).test(model);
    },
    want,
    { timeout: 30_000 },
  );
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

/** The tables the page should show for an analysis: the view's own functions on the pipeline's JSON. */
function expectedTables(a: AnalysisView): Record<string, string[][]> {
  return Object.fromEntries(resultTables(a, referenceReading(a)).map((t) => [t.id, t.rows]));
}

async function download(selector: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return readFile((await file.path())!, "utf8");
}

async function loadDoseFile(): Promise<void> {
  await page.setInputFiles("#file-input", {
    name: DOSE_FILE.name,
    mimeType: "text/csv",
    buffer: Buffer.from(DOSE_FILE.text),
  });
  await page.waitForFunction(() =>
    document.getElementById("status")?.textContent?.startsWith("dose-response.csv: 10 studies"),
  );
  await waitForFresh();
}

describe("the further methods on the page", () => {
  it("runs R0, predictions and a parametric bootstrap with the pipeline's numbers, and marks the influential study", async () => {
    const bytes = new TextEncoder().encode(DOSE_FILE.text);
    const table = await referenceParse(bytes, DOSE_FILE.name, "MD");
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      mods: ["dose"],
      trimfillEstimator: "R0",
      trimfillSide: "left",
      predict: [{ dose: 100 }, { dose: 200 }],
      bootstrap: 200,
      bootstrapType: "parametric",
      seed: 3,
    };
    const expected = await referenceAnalysisAsync(table, settings);
    expect(expected.influence?.some((r) => r.influential)).toBe(true);
    expect(expected.bootstrap?.type).toBe("parametric");

    await loadDoseFile();
    // Shown only when they apply: predictions with a moderator, the bootstrap's kind with a count.
    expect(await page.isHidden("#predict-field")).toBe(true);
    expect(await page.isHidden("#bootstrap-type-field")).toBe(true);
    expect(await page.inputValue("#trimfill-estimator")).toBe("L0");
    expect(await page.inputValue("#trimfill-side")).toBe("");
    await page.selectOption("#trimfill-estimator", "R0");
    await page.selectOption("#trimfill-side", "left");
    await page.check('#mods-list input[value="dose"]');
    await page.waitForSelector("#predict-field:not([hidden])");
    await page.fill("#predict", "dose=100;dose=200");
    await page.press("#predict", "Enter");
    await waitForFresh({ selector: "#table-predictions" });
    await waitForFresh({ selector: "#table-bias", text: "R0" });
    await page.fill("#bootstrap", "200");
    await page.waitForSelector("#bootstrap-type-field:not([hidden])");
    await page.selectOption("#bootstrap-type", "parametric");
    await page.fill("#seed", "3");
    await page.screenshot({ path: join(screenshotDir, "methods-settings-1280.png") });
    await page.click("#run-resampling");
    await expect
      .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
      .toMatch(/^Bootstrap finished/);

    // The exported JSON is the pipeline's for the same options (the CLI's flags).
    const json = JSON.parse(await download('#exports [data-file="analysis.json"]')) as AnalysisView;
    expect(json.settings).toEqual(expected.settings);
    expect(json.settings).toMatchObject({
      trimfillEstimator: "R0",
      trimfillSide: "left",
      bootstrapType: "parametric",
      predict: [{ dose: 100 }, { dose: 200 }],
    });
    expect(json.model).toEqual(expected.model);
    expect(json.bias).toEqual(expected.bias);
    expect(json.influence).toEqual(expected.influence);
    expect(json.predictions).toEqual(expected.predictions);
    expect(json.regression).toEqual(expected.regression);
    expect(json.bootstrap).toEqual(expected.bootstrap);

    // The page's tables and summary show those numbers.
    const shown = await tablesOnPage();
    const want = expectedTables(expected);
    for (const id of [
      "heterogeneity",
      "bootstrap",
      "regression",
      "regression-fit",
      "predictions",
      "bias",
      "pet-peese",
      "fail-safe",
      "influence",
      "studies",
    ]) {
      expect(want[id], id).toBeDefined();
      expect(shown[id], id).toEqual(want[id]);
    }
    expect(shown["predictions"]?.map((r) => r[0])).toEqual(["dose = 100", "dose = 200"]);
    expect(
      shown["bias"]?.some((r) =>
        /^Trim-and-fill \(R0, \d+ filled, left side, as chosen\)/.test(r[0]!),
      ),
    ).toBe(true);
    expect(await page.textContent("#table-bootstrap caption")).toBe(
      "Bootstrap (parametric, 200 replicates, seed 3)",
    );
    expect(await page.textContent("#note-bootstrap")).toMatch(
      /^Parametric bootstrap: studies simulated from the fitted model\. BCa/,
    );
    const summary = summaryView(expected, referenceReading(expected));
    expect(await page.textContent("#heterogeneity-line")).toBe(summary.heterogeneity);
    expect(summary.heterogeneity).toMatch(/H² = [\d.]+ \[[\d.]+, [\d.]+\]/);

    // The influence table marks exactly the studies the JSON flags, in input order.
    const flags = await page.$$eval("#table-influence tbody tr", (trs) =>
      trs.map((tr) => [tr.children[0]?.textContent ?? "", tr.dataset["influential"] === "true"]),
    );
    expect(flags).toEqual(expected.influence!.map((r) => [r.study, r.influential]));
    await page.locator("#table-influence").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, "methods-influence-1280.png") });

    // Sorting by Cook's distance puts the influential study first; a third click restores input order.
    const cooks = page.locator('#table-influence th button:has-text("Cook")');
    await cooks.click();
    expect(
      await page.getAttribute('#table-influence th:has(button:has-text("Cook"))', "aria-sort"),
    ).toBe("descending");
    const first = await page.textContent("#table-influence tbody tr:first-child th");
    const largest = [...expected.influence!].sort((a, b) => (b.cooksD ?? 0) - (a.cooksD ?? 0))[0]!;
    expect(first).toBe(largest.study);
    expect(largest.influential).toBe(true);
    await cooks.click();
    await cooks.click();
    const order = await page.$$eval("#table-influence tbody tr th", (ths) =>
      ths.map((th) => th.textContent),
    );
    expect(order).toEqual(expected.influence!.map((r) => r.study));

    await page.locator("#table-pet-peese").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, "methods-bias-1280.png") });
    await page.locator("#table-heterogeneity").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, "methods-tables-1280.png") });
    expect(session.errors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
    await page.fill("#bootstrap", "");
  });

  it("checks predictions as the CLI's --predict does, naming what is wrong", async () => {
    await loadDoseFile();
    const message = () => page.textContent("#predict-errors");
    const tryText = async (text: string) => {
      await page.fill("#predict", text);
      await page.press("#predict", "Enter");
    };
    // The moderator is still ticked from the test before (a new file keeps the choice it allows).
    if (await page.isHidden("#predict-field")) await page.check('#mods-list input[value="dose"]');
    await tryText("dose=100;dose");
    await expect.poll(message).toMatch(/moderator=value pairs.*found “dose”/);
    expect(await page.getAttribute("#predict", "aria-invalid")).toBe("true");
    await tryText("dose=1,dose=2");
    await expect.poll(message).toMatch(/names “dose” twice/);
    await tryText("year=2020");
    await expect.poll(message).toMatch(/“year” is not a chosen moderator/);
    await tryText("dose=high");
    await expect.poll(message).toMatch(/“dose” is numeric: give a number, not “high”/);
    await page.screenshot({ path: join(screenshotDir, "methods-predict-error-1280.png") });
    // Corrected, the message goes and the analysis runs with the prediction.
    await tryText("dose = 120");
    await expect.poll(message).toBe("");
    expect(await page.getAttribute("#predict", "aria-invalid")).toBeNull();
    await waitForFresh({ selector: "#table-predictions", text: "dose = 120" });
    const table = await referenceParse(
      new TextEncoder().encode(DOSE_FILE.text),
      DOSE_FILE.name,
      "MD",
    );
    const expected = referenceAnalysis(table, {
      ...DEFAULT_SETTINGS,
      mods: ["dose"],
      trimfillEstimator: "R0",
      trimfillSide: "left",
      predict: [{ dose: 120 }],
    });
    expect((await tablesOnPage())["predictions"]).toEqual(expectedTables(expected)["predictions"]);
    // Without a moderator the field goes, and nothing is predicted.
    await page.uncheck('#mods-list input[value="dose"]');
    await page.waitForSelector("#predict-field", { state: "hidden" });
    await page.waitForSelector("#table-predictions", { state: "detached" });
    await page.$eval("#predict", (input) => {
      (input as HTMLInputElement).value = "";
    });
  });

  it("offers the SMD's variance types and ROM's bias correction, with the pipeline's estimates", async () => {
    const example = await exampleFile();
    const prisma = await examplePrisma();
    await page.getByTestId("load-example").click();
    await waitForFresh();
    const expectFor = async (over: Partial<Settings>, model: RegExp) => {
      const settings: Settings = { ...DEFAULT_SETTINGS, by: "dose", ...over };
      const table = await referenceParse(example.bytes, example.name, settings.measure);
      const expected = referenceAnalysis(table, settings, prisma);
      await waitForFresh({ measure: settings.measure, model: model.source });
      expect(
        Number(await page.getAttribute('[data-testid="pooled-estimate"]', "data-estimate")),
      ).toBeCloseTo(expected.model.estimate, 12);
      expect(await page.textContent("#model-line")).toBe(summaryView(expected).model);
      return expected;
    };
    // MD: LS or UB (the same formula, as metafor); RevMan is the SMD's only.
    await page.selectOption("#measure", "MD");
    await expectFor({ measure: "MD" }, /^Random-effects/);
    expect(await page.isVisible("#vtype-field")).toBe(true);
    expect(await page.isDisabled('#vtype option[value="RevMan"]')).toBe(true);
    expect(await page.isHidden("#correct-bias-field")).toBe(true);
    await page.selectOption("#measure", "SMD");
    await expectFor({ measure: "SMD" }, /^Random-effects/);
    expect(await page.isDisabled('#vtype option[value="RevMan"]')).toBe(false);
    await page.selectOption("#vtype", "RevMan");
    await expectFor({ measure: "SMD", vtype: "RevMan" }, /Review Manager 5/);
    await page.screenshot({ path: join(screenshotDir, "methods-vtype-1280.png") });
    // Back to MD, RevMan gives way to LS (and says so); the SMD gets it back.
    await page.selectOption("#measure", "MD");
    await expectFor({ measure: "MD" }, /^Random-effects model, τ² by REML; z test; 95% CI/);
    expect(await page.inputValue("#vtype")).toBe("LS");
    expect(await page.textContent("#vtype-hint")).toMatch(/RevMan’s variance is the SMD’s only/);
    await page.selectOption("#vtype", "UB");
    await expectFor({ measure: "MD", vtype: "UB" }, /unbiased sampling variances/);
    await page.selectOption("#measure", "SMD");
    await expectFor({ measure: "SMD", vtype: "UB" }, /unbiased sampling variances/);
    // ROM: the bias correction, and LS or its second-order LS2 (UB gives way to LS).
    await page.selectOption("#measure", "ROM");
    expect(await page.isVisible("#vtype-field")).toBe(true);
    expect(await page.isDisabled('#vtype option[value="UB"]')).toBe(true);
    expect(await page.isDisabled('#vtype option[value="LS2"]')).toBe(false);
    expect(await page.isVisible("#correct-bias-field")).toBe(true);
    expect(await page.isHidden("#legacy-smdh-field")).toBe(true);
    // Corrected by default (metafor 5); unticked gives metafor 3.8's uncorrected ratio.
    expect(await page.isChecked("#correct-bias")).toBe(true);
    await expectFor({ measure: "ROM", correctBias: true }, /bias-corrected/);
    await page.selectOption("#vtype", "LS2");
    await expectFor({ measure: "ROM", correctBias: true, vtype: "LS2" }, /second-order variances/);
    await page.screenshot({ path: join(screenshotDir, "methods-rom-1280.png") });
    await page.uncheck("#correct-bias");
    // SMDH: metafor 3.8's variance behind a box (metafor 5's by default).
    await page.selectOption("#measure", "SMDH");
    expect(await page.isHidden("#vtype-field")).toBe(true);
    expect(await page.isVisible("#legacy-smdh-field")).toBe(true);
    await expectFor({ measure: "SMDH" }, /^Random-effects/);
    await page.check("#legacy-smdh");
    await expectFor(
      { measure: "SMDH", legacySmdhVariance: true },
      /metafor 3\.8's sampling variances/,
    );
    await page.uncheck("#legacy-smdh");
    await page.selectOption("#measure", "MD");
    await page.selectOption("#vtype", "LS");
    expect(session.errors).toEqual([]);
  });

  it("draws the forest plot with descriptor columns and favours labels, as the CLI's report", async () => {
    const example = await exampleFile();
    await page.getByTestId("load-example").click();
    await waitForFresh();
    await page.fill("#forest-columns", "dose, sex");
    await page.fill("#favours-left", "Favours vehicle");
    await page.fill("#favours-right", "Favours exosomes");
    await page.press("#favours-right", "Enter");
    await waitForFresh();
    const by = await page.inputValue("#by");
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      by: by === "" ? null : by,
      forestColumns: ["dose", "sex"],
      favours: ["Favours vehicle", "Favours exosomes"],
    };
    const table = await referenceParse(example.bytes, example.name, settings.measure);
    const files = referenceReport(
      table,
      referenceAnalysis(table, settings, await examplePrisma()),
      settings,
    );
    const forest = files.find((f) => /forest/i.test(f.name) && f.name.endsWith(".svg"));
    expect(forest!.content).toContain("Favours exosomes");
    expect(forest!.content).toContain(">Sex<");
    await page.click('[role=tab][data-plot="forest"]');
    expect(await download("#export-svg")).toBe(forest!.content);
    // One label alone is refused, naming the other.
    await page.fill("#favours-right", "");
    await page.press("#favours-right", "Enter");
    await page.waitForFunction(() =>
      /both sides, or neither/.test(document.querySelector("#settings-errors")?.textContent ?? ""),
    );
    expect(await page.getAttribute("#favours-right", "aria-invalid")).toBe("true");
    for (const id of ["#forest-columns", "#favours-left"]) await page.fill(id, "");
    await page.press("#favours-left", "Enter");
    await waitForFresh();
    expect(session.errors).toEqual([]);
  });
});
