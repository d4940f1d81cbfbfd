/**
 * GOSH on the page, without a browser: the "GOSH plot" control read as the CLI's --gosh [N] (and
 * refused where the pipeline refuses it), the options sent, the job's stages and progress line,
 * the summary table from the pipeline's own JSON (ratios back-transformed by the pipeline's
 * transform in the worker), the plot tab, and the engine's progress and cancellation of the stage.
 */
import { backTransform, parseStudyText, resolveSettings, type StudyTable } from "@pooled/pipeline";
import { describe, expect, it } from "vitest";
import type { AnalysisView, Progress, ReportFile, Settings } from "../../src/api.js";
import { createEngine } from "../../src/engine/engine.js";
import { bindPipeline, toAnalysisOptions } from "../../src/engine/pipeline-binding.js";
import { formatNumber, formatPercent } from "../../src/view/format.js";
import { goshTable, plotTabs, resultTables } from "../../src/view/results.js";
import {
  DEFAULT_GOSH_SUBSETS,
  DEFAULT_SETTINGS,
  MIN_GOSH_SUBSETS,
  NO_RESAMPLING_MESSAGE,
  needsResampling,
  readSettings,
  type SettingsForm,
  settingsErrors,
  withoutResampling,
} from "../../src/view/settings.js";
import {
  type AppState,
  applyProgress,
  INITIAL_STATE,
  progressView,
  resamplingJob,
  STAGE_LABELS,
} from "../../src/view/state.js";
import {
  mortalityFile,
  pooledVersion,
  referenceAnalysisAsync,
  referenceParse,
  referenceReading,
} from "../reference.js";

const form = (over: Partial<SettingsForm> = {}): SettingsForm => ({
  measure: "MD",
  method: "REML",
  test: "z",
  by: "",
  mods: [],
  permutations: "",
  bootstrap: "",
  seed: "1",
  ...over,
});

/** Ten experiments: 2^10 − 1 = 1,023 subsets, so every subset is fitted up to that many. */
const CSV = [
  "study,mean_treatment,sd_treatment,n_treatment,mean_control,sd_control,n_control",
  "Ames 2015,10.2,2.1,8,8.1,2.0,8",
  "Baker 2016,11.0,2.5,10,8.4,2.2,10",
  "Chen 2017,12.9,3.0,6,8.0,2.6,6",
  "Diaz 2018,10.8,1.9,12,8.6,2.0,12",
  "Evans 2018,13.5,2.8,5,8.2,2.5,5",
  "Fox 2019,11.9,2.2,9,8.8,2.4,9",
  "Gupta 2019,24.0,2.6,7,8.3,2.2,7",
  "Hall 2020,12.4,2.4,11,8.5,2.1,11",
  "Ito 2021,13.8,3.1,6,8.1,2.7,6",
  "Jones 2022,12.1,2.0,14,8.9,2.2,14",
].join("\n");

function table(): StudyTable {
  const read = parseStudyText(CSV, "ten.csv");
  if (!read.table) throw new Error(read.problems.map((p) => p.expected).join("; "));
  return read.table;
}

const five = (s: {
  min: number | null;
  q25: number | null;
  median: number | null;
  q75: number | null;
  max: number | null;
}) => [s.min, s.q25, s.median, s.q75, s.max];

describe("the GOSH control, read as the CLI's --gosh [N]", () => {
  it("is off by default, and its count is read only when the box is ticked", () => {
    expect(DEFAULT_SETTINGS.gosh).toBeNull();
    expect(DEFAULT_GOSH_SUBSETS).toBe(1_000_000);
    const off = readSettings(form({ gosh: false, goshSubsets: "lots" }));
    expect(off.ok && off.settings.gosh).toBeNull();
    for (const [text, n] of [
      ["", 1_000_000],
      ["1,000,000", 1_000_000],
      ["5000", 5000],
      ["5 000", 5000],
      ["2", 2],
    ] as const) {
      const read = readSettings(form({ gosh: true, goshSubsets: text }));
      expect(read.ok && read.settings.gosh).toBe(n);
    }
  });

  it("refuses counts outside 2 to 1,000,000 in the page's words, under the resampling fields", () => {
    for (const text of ["1", "0", "1000001", "2.5", "many", "-3"]) {
      const read = readSettings(form({ gosh: true, goshSubsets: text }));
      expect(read).toEqual({
        ok: false,
        errors: [
          { field: "goshSubsets", message: "GOSH: a whole number of subsets from 2 to 1,000,000" },
        ],
      });
    }
    const shown = settingsErrors(form({ gosh: true, goshSubsets: "1", seed: "-1" }));
    expect(shown.invalid).toEqual(["goshSubsets", "seed"]);
    expect(shown.message).toBe(
      "GOSH: a whole number of subsets from 2 to 1,000,000. seed: a whole number of 0 or more",
    );
  });

  it("makes Run a resampling job on its own, and leaves the fast analysis without it", () => {
    const read = readSettings(form({ gosh: true, goshSubsets: "5000" }));
    if (!read.ok) throw new Error("not read");
    expect(needsResampling(read.settings)).toBe(true);
    expect(settingsErrors(form({ gosh: true }), { forRun: true }).message).toBe("");
    expect(settingsErrors(form({ gosh: false }), { forRun: true }).message).toBe(
      NO_RESAMPLING_MESSAGE,
    );
    expect(NO_RESAMPLING_MESSAGE).toMatch(/GOSH/);
    expect(withoutResampling(read.settings).gosh).toBeNull();
    expect(needsResampling(withoutResampling(read.settings))).toBe(false);
  });

  it("sends --gosh only when ticked, and the pipeline takes the page's limits", () => {
    expect(toAnalysisOptions(DEFAULT_SETTINGS)).not.toHaveProperty("gosh");
    expect(toAnalysisOptions({ ...DEFAULT_SETTINGS, gosh: 5000 })).toMatchObject({
      gosh: 5000,
      seed: 1,
    });
    const t = table();
    for (const n of [MIN_GOSH_SUBSETS, 5000, DEFAULT_GOSH_SUBSETS])
      expect(resolveSettings(t, toAnalysisOptions({ ...DEFAULT_SETTINGS, gosh: n })).gosh).toBe(n);
    // Below the page's least, the pipeline refuses too (its most, 10^7, is beyond the CLI's 10^6,
    // which the page keeps).
    expect(() =>
      resolveSettings(t, toAnalysisOptions({ ...DEFAULT_SETTINGS, gosh: MIN_GOSH_SUBSETS - 1 })),
    ).toThrow();
  });
});

describe("the GOSH job's progress", () => {
  it("starts at the first stage the pipeline runs and is named after what it runs", () => {
    expect(resamplingJob({ ...DEFAULT_SETTINGS, gosh: 5000 })).toEqual({
      task: "gosh",
      total: 0,
      name: "GOSH",
    });
    expect(resamplingJob({ ...DEFAULT_SETTINGS, bootstrap: 200, gosh: 5000 })).toEqual({
      task: "bootstrap",
      total: 200,
      name: "Bootstrap and GOSH",
    });
    expect(
      resamplingJob({ ...DEFAULT_SETTINGS, permutations: 100, bootstrap: 200, gosh: 10 }),
    ).toEqual({ task: "permutation", total: 100, name: "Permutation test, bootstrap and GOSH" });
    expect(resamplingJob({ ...DEFAULT_SETTINGS, bootstrap: 200 }).name).toBe("Bootstrap");
    expect(resamplingJob({ ...DEFAULT_SETTINGS, permutations: "exact" })).toEqual({
      task: "permutation",
      total: 0,
      name: "Permutation test",
    });
  });

  it("labels the GOSH stage, and counts it from its own start after the bootstrap", () => {
    expect(STAGE_LABELS["gosh"]).toBe("GOSH subsets");
    let state: AppState = {
      ...INITIAL_STATE,
      phase: { kind: "ready", fileName: "d" },
      job: { id: 4, task: "bootstrap", done: 0, total: 200, startedAt: 0 },
    };
    state = applyProgress(state, 4, { task: "bootstrap", done: 200, total: 200 });
    state = applyProgress(state, 4, { task: "gosh", done: 1000, total: 5000 });
    expect(state.job).toMatchObject({ task: "gosh", done: 1000, total: 5000 });
    expect(progressView(state.job, null)).toEqual({
      visible: true,
      fraction: 0.2,
      value: 1000,
      max: 5000,
      label: "GOSH subsets: 1,000 of 5,000 (20%)",
    });
    // Within the stage, forward only.
    expect(applyProgress(state, 4, { task: "gosh", done: 400, total: 5000 }).job?.done).toBe(1000);
    const starting = { id: 5, task: "gosh", done: 0, total: 0, startedAt: 0 };
    expect(progressView(starting, null).label).toBe("GOSH subsets: starting…");
  });
});

describe("the GOSH results, from the pipeline's analysis", () => {
  it("summarises every subset when there are at most as many as asked, on the measure's scale", async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, gosh: 5000 };
    const a = await referenceAnalysisAsync(table(), settings);
    const g = a.gosh!;
    expect(g).toMatchObject({ exhaustive: true, subsets: 1023, k: 10, seed: null });
    const view = goshTable(a, referenceReading(a))!;
    expect(view.caption).toBe("GOSH (every subset of the 10 studies: 1,023 subsets)");
    expect(view.headers).toEqual([
      "Statistic",
      "Minimum",
      "25th pct.",
      "Median",
      "75th pct.",
      "Maximum",
    ]);
    expect(view.rows).toEqual([
      ["Estimate (MD)", ...five(g.summary.estimate).map((x) => formatNumber(x))],
      ["I²", ...five(g.summary.I2).map((x) => formatPercent(x))],
    ]);
    expect(view.note).toBe(
      `Each subset refitted with the main model (REML); all 1,023 subsets were fitted.`,
    );
    // After the resampling tables, before the subgroups.
    const ids = resultTables(a, referenceReading(a)).map((t) => t.id);
    expect(ids.indexOf("gosh")).toBe(ids.indexOf("heterogeneity") + 1);
    expect(goshTable({ ...a, gosh: null })).toBeNull();
  });

  it("reads random subsets of odds ratios as odds ratios, the log odds ratios under them", async () => {
    const file = await mortalityFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, measure: "OR", gosh: 2000, seed: 5 };
    const t = await referenceParse(file.bytes, file.name, "OR");
    const a = await referenceAnalysisAsync(t, settings);
    const g = a.gosh!;
    expect(g).toMatchObject({ exhaustive: false, subsets: 2000, seed: 5, k: 24 });
    const reading = referenceReading(a);
    // The pipeline's own transform, value by value.
    expect(five(reading!.gosh!)).toEqual(
      five(g.summary.estimate).map((x) => (x === null ? null : backTransform("log", x))),
    );
    const view = goshTable(a, reading)!;
    expect(view.caption).toBe("GOSH (2,000 random subsets of the 24 studies, seed 5)");
    expect(view.rows.map((r) => r[0])).toEqual([
      "Odds ratio",
      "Log odds ratio (as analysed)",
      "I²",
    ]);
    expect(view.rows[0]).toEqual([
      "Odds ratio",
      ...five(g.summary.estimate).map((x) => formatNumber(backTransform("log", x!))),
    ]);
    // Without the worker's reading (an older engine), the analysis scale, named.
    expect(goshTable(a, null)!.rows[0]![0]).toBe("Estimate (log odds ratio)");
  });

  it("counts the subsets that could not be fitted", () => {
    const summary = { min: 1, q25: 2, median: 3, q75: 4, max: 5, mean: 3 };
    const a: AnalysisView = {
      settings: { measure: "MD", method: "REML", test: "z" },
      studies: [],
      model: {
        k: 3,
        estimate: 3,
        se: 1,
        ciLower: 1,
        ciUpper: 5,
        p: 0.01,
        tau2: 0,
        I2: 0,
        H2: 1,
        Q: 1,
        Qp: 0.5,
      },
      gosh: {
        subsets: 7,
        exhaustive: true,
        seed: null,
        k: 3,
        method: "REML",
        failed: 2,
        summary: { estimate: summary, I2: summary },
      },
    };
    expect(goshTable(a)!.note).toBe(
      "Each subset refitted with the main model (REML); 2 of 7 subsets could not be fitted and are left out of these summaries.",
    );
  });

  it("gives the report's GOSH figure a tab titled GOSH", () => {
    const files: ReportFile[] = ["forest.svg", "gosh.svg", "funnel.svg", "influence.svg"].map(
      (name) => ({ name, mime: "image/svg+xml", content: "" }),
    );
    expect(plotTabs(files).map((t) => [t.id, t.label, t.file])).toEqual([
      ["forest", "Forest", "forest.svg"],
      ["funnel", "Funnel", "funnel.svg"],
      ["influence", "Influence", "influence.svg"],
      ["gosh", "GOSH", "gosh.svg"],
    ]);
  });
});

describe("the engine's GOSH stage", () => {
  it("runs GOSH only in the resampling job, with the pipeline's numbers and progress", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), null);
    const t = table();
    const settings: Settings = { ...DEFAULT_SETTINGS, gosh: 500, seed: 3 };
    // The fast analysis leaves GOSH out (the pipeline's synchronous analyze refuses it).
    const fast = await engine.analyze(t, settings);
    if (!fast.ok) throw new Error(fast.message);
    expect(fast.analysis.gosh).toBeNull();
    const reports: Progress[] = [];
    const outcome = await engine.analyzeAsync(t, settings, 1, (p) => {
      reports.push(p);
    });
    if (!outcome.ok) throw new Error(outcome.message);
    const expected = await referenceAnalysisAsync(t, settings);
    expect(outcome.analysis.gosh).toEqual(expected.gosh);
    expect(outcome.analysis.settings?.gosh).toBe(500);
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.every((p) => p.task === "gosh" && p.total === 500)).toBe(true);
    expect(reports.at(-1)?.done).toBe(500);
    expect(structuredClone(outcome)).toEqual(outcome);
  });

  it("stops GOSH when cancelled", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), null);
    const file = await mortalityFile();
    const t = await referenceParse(file.bytes, file.name, "OR");
    const reports: Progress[] = [];
    let cancelledAt = 0;
    const outcome = await engine.analyzeAsync(
      t,
      { ...DEFAULT_SETTINGS, measure: "OR", gosh: 1_000_000 },
      9,
      (p) => {
        reports.push(p);
        if (reports.length === 2) {
          cancelledAt = performance.now();
          void engine.cancel(9);
        }
      },
    );
    const stoppedAfter = performance.now() - cancelledAt;
    expect(outcome).toEqual({ ok: false, message: "Cancelled", problems: [], cancelled: true });
    expect(reports.every((p) => p.task === "gosh" && p.total === 1_000_000)).toBe(true);
    expect(reports.at(-1)!.done).toBeLessThan(1_000_000);
    // Long before a million fits (tens of seconds on one thread).
    expect(stoppedAfter).toBeLessThan(5000);
  });
});
