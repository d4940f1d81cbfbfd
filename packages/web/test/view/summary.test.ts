/**
 * The summary and tables of event counts and correlations: the pipeline's analysis of the bundled
 * mortality example (24 experiments, deaths per arm) with Mantel-Haenszel and with REML, and of a
 * small correlation file, shown on the reader's scale (the JSON's `transformed`, and the worker's
 * back-transform by the pipeline for per-study values). Expected strings are built from the
 * pipeline's JSON, never typed in.
 */
import { backTransform, parseStudyText } from "@pooled/pipeline";
import { describe, expect, it } from "vitest";
import type { AnalysisView, Settings } from "../../src/api.js";
import {
  formatChisq,
  formatInterval,
  formatNumber,
  formatPEquals,
  formatPercent,
} from "../../src/view/format.js";
import {
  heterogeneityTable,
  leaveOneOutTable,
  resultTables,
  studiesTable,
  subgroupTables,
  tableTestsTable,
} from "../../src/view/results.js";
import { DEFAULT_SETTINGS } from "../../src/view/settings.js";
import { summaryView } from "../../src/view/summary.js";
import {
  mortalityFile,
  referenceAnalysis,
  referenceParse,
  referenceReading,
} from "../reference.js";

async function mortality(settings: Partial<Settings>): Promise<AnalysisView> {
  const file = await mortalityFile();
  const full: Settings = { ...DEFAULT_SETTINGS, measure: "OR", ...settings };
  return referenceAnalysis(await referenceParse(file.bytes, file.name, full.measure), full);
}

describe("event counts pooled by Mantel-Haenszel", () => {
  it("leads with the odds ratio, the log odds ratio beside it, and no τ² or prediction interval", async () => {
    const a = await mortality({ method: "MH" });
    const m = a.model;
    const t = m.transformed!;
    expect(m.scale).toBe("log");
    expect(m.tau2).toBeNull();
    const s = summaryView(a, referenceReading(a));
    expect(s.measure).toBe("OR");
    expect(s.estimate).toBe(
      `Odds ratio ${formatNumber(t.estimate)} ${formatInterval(t.ciLower, t.ciUpper)}, ${formatPEquals(m.p)} (k = ${m.k})`,
    );
    // Fewer deaths with the treatment in this simulated example: an odds ratio below 1.
    expect(t.estimate!).toBeLessThan(1);
    expect(s.analysed).toBe(
      `As analysed: log odds ratio ${formatNumber(m.estimate)} ${formatInterval(m.ciLower, m.ciUpper)}`,
    );
    expect(s.model).toBe(
      "Mantel-Haenszel method (fixed effect, pooling the 2×2 tables); z test; 95% CI.",
    );
    expect(s.heterogeneity).toBe(
      `Heterogeneity: I² = ${formatPercent(m.I2)}; H² = ${formatNumber(m.H2)}; Q(${m.Qdf}) = ${formatNumber(m.Q)}, ${formatPEquals(m.Qp)}`,
    );
    expect(s.heterogeneity).not.toMatch(/τ²/);
  });

  it("shows the Cochran-Mantel-Haenszel, Breslow-Day and Tarone tests", async () => {
    const a = await mortality({ method: "MH" });
    const tests = a.model.tableTests!;
    const s = summaryView(a, referenceReading(a));
    expect(s.tableTests).toBe(
      `Cochran-Mantel-Haenszel test ${formatChisq(tests.cochranMantelHaenszel!)}; Breslow-Day test ${formatChisq(tests.breslowDay!)}; Tarone's test ${formatChisq(tests.tarone!)}.`,
    );
    const table = tableTestsTable(a)!;
    expect(table.rows.map((r) => r[0])).toEqual([
      "Cochran-Mantel-Haenszel (no association)",
      "Breslow-Day (common odds ratio)",
      "Tarone (Breslow-Day, corrected)",
    ]);
    expect(table.rows[1]).toEqual([
      "Breslow-Day (common odds ratio)",
      formatNumber(tests.breslowDay!.statistic),
      String(tests.breslowDay!.df),
      formatNumber(tests.breslowDay!.p, 3),
    ]);
    const het = heterogeneityTable(a);
    expect(het.rows.map((r) => r[0])).not.toContain("τ² (between-study variance)");
    expect(het.rows.some((r) => /prediction/.test(r[0]!))).toBe(false);
    expect(
      resultTables(a)
        .map((t) => t.id)
        .slice(0, 2),
    ).toEqual(["heterogeneity", "table-tests"]);
  });

  it("lists each study's events and its odds ratio, back-transformed by the pipeline", async () => {
    const a = await mortality({ method: "MH" });
    const reading = referenceReading(a)!;
    const table = studiesTable(a, reading);
    expect(table.headers).toEqual([
      "Study",
      "Events, treatment",
      "Events, control",
      "OR",
      "95% CI",
      "log OR",
      "Weight",
    ]);
    const first = a.studies[0]!;
    expect(table.rows[0]).toEqual([
      first.study,
      `${first.events1}/${first.n1}`,
      `${first.events2}/${first.n2}`,
      formatNumber(backTransform("log", first.yi)),
      formatInterval(backTransform("log", first.ciLower!), backTransform("log", first.ciUpper!)),
      formatNumber(first.yi),
      `${formatNumber(first.weight, 1)}%`,
    ]);
  });

  it("has no Mantel-Haenszel tests with Peto's method, and pools Peto's odds ratios", async () => {
    const a = await mortality({ method: "PETO" });
    expect(a.settings?.measure).toBe("PETO");
    const s = summaryView(a, referenceReading(a));
    expect(s.estimate).toMatch(/^Peto odds ratio /);
    expect(s.tableTests).toBeNull();
    expect(s.model).toMatch(/^Peto's method/);
  });
});

describe("event counts in a random-effects model", () => {
  it("gives the prediction interval, subgroups and leave-one-out as odds ratios", async () => {
    const a = await mortality({ method: "REML", by: "route" });
    const reading = referenceReading(a)!;
    const t = a.model.transformed!;
    const s = summaryView(a, reading);
    expect(s.model).toBe(
      `Random-effects model, τ² by REML; z test; 95% CI. 95% prediction interval ${formatInterval(t.piLower, t.piUpper)}.`,
    );
    const groups = subgroupTables(a)[0]!;
    expect(groups.headers[2]).toBe("OR");
    const g = a.subgroups!.groups[0]!;
    expect(groups.rows[0]![2]).toBe(formatNumber(g.transformed!.estimate));
    const loo = leaveOneOutTable(a, reading)!;
    const r = a.leaveOneOut![0]!;
    expect(loo.rows[0]![1]).toBe(formatNumber(backTransform("log", r.estimate!)));
    // The CR2 interval as odds ratios too.
    expect(s.robust).toContain(
      formatInterval(
        backTransform("log", a.model.robust!.ciLower),
        backTransform("log", a.model.robust!.ciUpper),
      ),
    );
  });
});

describe("correlations", () => {
  const csv = "study,ri,ni\nA,0.30,40\nB,0.45,25\nC,0.10,60\nD,0.52,30\nE,0.38,50\n";

  it("pools Fisher's z and reads the estimate as r", async () => {
    const read = parseStudyText(csv, "r.csv", {});
    expect(read.problems).toEqual([]);
    const a = referenceAnalysis(read.table!, { ...DEFAULT_SETTINGS, measure: "ZCOR" });
    const m = a.model;
    const t = m.transformed!;
    expect(m.scale).toBe("fisher-z");
    const s = summaryView(a, referenceReading(a));
    expect(s.estimate).toBe(
      `Correlation r ${formatNumber(t.estimate)} ${formatInterval(t.ciLower, t.ciUpper)}, ${formatPEquals(m.p)} (k = 5)`,
    );
    expect(s.analysed).toBe(
      `As analysed: Fisher's z ${formatNumber(m.estimate)} ${formatInterval(m.ciLower, m.ciUpper)}`,
    );
    expect(studiesTable(a, referenceReading(a)).headers).toEqual([
      "Study",
      "r",
      "95% CI",
      "z",
      "Weight",
    ]);
  });

  it("reads raw correlations as analysed", () => {
    const read = parseStudyText(csv, "r.csv", {});
    const a = referenceAnalysis(read.table!, { ...DEFAULT_SETTINGS, measure: "COR" });
    expect(a.model.scale).toBe("identity");
    expect(referenceReading(a)).toBeNull();
    const s = summaryView(a, null);
    expect(s.estimate).toMatch(/^COR /);
    expect(s.analysed).toBeNull();
  });
});
