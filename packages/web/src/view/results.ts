/**
 * Results as plain data for the DOM layer: tables as rows of strings, plot tabs from the report's
 * SVG files. The numbers are the pipeline's; only the rounding is done here.
 */
import type {
  AnalysisView,
  BootstrapIntervalView,
  ReadingScaleView,
  ReportFile,
  TableChisqJson,
} from "../api.js";
import {
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  type ScaleNames,
  scaleNames,
} from "./format.js";

export interface TableView {
  id: string;
  caption: string;
  headers: string[];
  rows: string[][];
  /** Long tables start folded (a click or Enter opens them). */
  collapsed?: boolean;
  /** The report's CSV file with the same table, when there is one (for export). */
  csvFile?: string;
}

/** The names of the analysis' measure on its transformed scale (ratios, correlations), else null. */
function namesOf(a: AnalysisView): ScaleNames | null {
  return scaleNames(a.settings?.measure ?? "", a.model.scale);
}

/** "2/19": events out of the arm's size (2×2 tables). */
function eventsCell(events: number | null | undefined, n: number | null | undefined): string {
  if (events === null || events === undefined) return "–";
  return n === null || n === undefined ? String(events) : `${events}/${n}`;
}

/**
 * Each study's effect, CI and weight. Ratios and correlations are shown on the reader's scale
 * (back-transformed in the worker by the pipeline's backTransform) with the analysed value
 * beside them; 2×2 tables add the events per arm.
 */
export function studiesTable(a: AnalysisView, reading: ReadingScaleView | null = null): TableView {
  const names = namesOf(a);
  const onReadingScale = names !== null && reading !== null;
  const events = a.studies.some((s) => s.events1 !== null && s.events1 !== undefined);
  const headers = ["Study"];
  if (events) headers.push("Events, treatment", "Events, control");
  if (onReadingScale && names) headers.push(names.readingShort, "95% CI", names.analysedShort);
  else headers.push("Effect", "95% CI");
  headers.push("Weight");
  return {
    id: "studies",
    caption: "Studies (effect sizes and weights)",
    collapsed: a.studies.length > 12,
    headers,
    rows: a.studies.map((s, i) => {
      const row = [s.study];
      if (events) row.push(eventsCell(s.events1, s.n1), eventsCell(s.events2, s.n2));
      const r = onReadingScale ? reading?.studies[i] : undefined;
      if (r) {
        row.push(
          formatNumber(r.estimate),
          formatInterval(r.ciLower, r.ciUpper),
          formatNumber(s.yi),
        );
      } else {
        const se = Math.sqrt(s.vi);
        row.push(
          formatNumber(s.yi),
          formatInterval(
            s.ciLower ?? s.yi - 1.959963984540054 * se,
            s.ciUpper ?? s.yi + 1.959963984540054 * se,
          ),
        );
        if (onReadingScale) row.push(formatNumber(s.yi));
      }
      row.push(`${formatNumber(s.weight, 1)}%`);
      return row;
    }),
  };
}

/** Whether the main model pools 2×2 tables directly (Mantel-Haenszel, Peto): no τ², no PI. */
function tableMethod(a: AnalysisView): boolean {
  const method = a.settings?.method;
  return method === "MH" || method === "PETO";
}

export function heterogeneityTable(a: AnalysisView): TableView {
  const m = a.model;
  const rows: string[][] = [["Studies (k)", String(m.k)]];
  // Mantel-Haenszel and Peto are fixed-effect methods: no between-study variance to show.
  if (!(tableMethod(a) && (m.tau2 === null || m.tau2 === undefined)))
    rows.push(["τ² (between-study variance)", formatNumber(m.tau2, 4)]);
  rows.push(
    ["I²", formatPercent(m.I2)],
    ["H²", formatNumber(m.H2, 2)],
    [m.Qdf !== undefined ? `Q (df = ${m.Qdf})` : "Q", formatNumber(m.Q, 2)],
    ["p (Q)", formatP(m.Qp)],
  );
  const t = m.transformed;
  const names = namesOf(a);
  if (t && names && t.piLower !== null && t.piUpper !== null) {
    rows.push([
      `95% prediction interval (${names.readingShort})`,
      formatInterval(t.piLower, t.piUpper),
    ]);
  } else if (m.piLower !== null && m.piLower !== undefined) {
    rows.push(["95% prediction interval", formatInterval(m.piLower, m.piUpper)]);
  }
  // With the three-level model leading, this table is the standard model's (the Dependence section
  // has the three-level one).
  const caption =
    a.settings?.model === "three-level" ? "Heterogeneity (standard model)" : "Heterogeneity";
  return { id: "heterogeneity", caption, headers: ["Statistic", "Value"], rows };
}

/**
 * The tests of Mantel-Haenszel's odds ratio (metafor's rma.mh): Cochran-Mantel-Haenszel (no
 * association), Breslow-Day and Tarone (a common odds ratio); null when the analysis has none.
 */
export function tableTestsTable(a: AnalysisView): TableView | null {
  const t = a.model.tableTests;
  if (!t) return null;
  const rows: string[][] = [];
  const add = (label: string, test: TableChisqJson | null) => {
    if (test) rows.push([label, formatNumber(test.statistic, 2), String(test.df), formatP(test.p)]);
  };
  add("Cochran-Mantel-Haenszel (no association)", t.cochranMantelHaenszel);
  add("Breslow-Day (common odds ratio)", t.breslowDay);
  add("Tarone (Breslow-Day, corrected)", t.tarone);
  if (rows.length === 0) return null;
  return {
    id: "table-tests",
    caption: "Tests of the 2×2 tables (Mantel-Haenszel)",
    headers: ["Test", "χ²", "df", "p"],
    rows,
  };
}

export function subgroupTables(a: AnalysisView): TableView[] {
  if (!a.subgroups) return [];
  // Ratios and correlations on the reader's scale, from each level's `transformed`.
  const names = namesOf(a);
  const groups: TableView = {
    id: "subgroups",
    caption: "Subgroups",
    headers: ["Level", "k", names ? names.readingShort : "Estimate", "95% CI", "p", "τ²", "I²"],
    rows: a.subgroups.groups.map((g) => {
      const t = names ? g.transformed : null;
      const shown = t ?? g;
      return [
        g.level,
        String(g.k),
        formatNumber(shown.estimate),
        formatInterval(shown.ciLower, shown.ciUpper),
        formatP(g.p),
        formatNumber(g.tau2, 4),
        formatPercent(g.I2),
      ];
    }),
  };
  const tests: TableView = {
    id: "subgroup-tests",
    caption: "Test for subgroup differences",
    headers: ["Between-level test", "Q", "df", "p"],
    rows: a.subgroups.tests.map((t) => [
      t.type === "separate-tau2"
        ? "Separate τ² per subgroup (meta, RevMan, Stata)"
        : "Common τ² (metafor, mods = ~factor)",
      formatNumber(t.Q, 2),
      String(t.df),
      formatP(t.p),
    ]),
  };
  return [groups, tests];
}

export function regressionTables(a: AnalysisView): TableView[] {
  const r = a.regression;
  if (!r) return [];
  const withPerm = r.terms.some((t) => t.permutationP !== undefined && t.permutationP !== null);
  const headers = ["Term", "Estimate", "SE", "95% CI", "p"];
  if (withPerm) headers.push("Permutation p");
  // Coefficients stay on the scale of the analysis (differences in log ratios or in z).
  const names = namesOf(a);
  const terms: TableView = {
    id: "regression",
    caption: names ? `Meta-regression (on the ${names.analysed} scale)` : "Meta-regression",
    headers,
    rows: r.terms.map((t) => {
      const row = [
        t.name,
        formatNumber(t.estimate, 3),
        formatNumber(t.se, 3),
        formatInterval(t.ciLower, t.ciUpper, 3),
        formatP(t.p),
      ];
      if (withPerm) row.push(formatP(t.permutationP));
      return row;
    }),
  };
  const overall: string[][] = [
    [`QM (df = ${r.QMdf})`, formatNumber(r.QM, 2)],
    ["p (QM)", formatP(r.QMp)],
  ];
  if (r.permutationQMp !== undefined && r.permutationQMp !== null)
    overall.push(["Permutation p (QM)", formatP(r.permutationQMp)]);
  overall.push(
    ["Residual τ²", formatNumber(r.tau2, 4)],
    ["R² (pseudo)", formatPercent(r.R2)],
    ["QE", formatNumber(r.QE, 2)],
  );
  return [
    terms,
    {
      id: "regression-fit",
      caption: "Meta-regression: omnibus test and fit",
      headers: ["Statistic", "Value"],
      rows: overall,
    },
  ];
}

/** Egger's test by its predictor (--egger-predictor), as metafor's regtest names them. */
const EGGER_TEST_NAMES: Record<string, string> = {
  sei: "Egger's regression test",
  vi: "Egger's regression test (predictor: variance)",
  ninv: "Peters' test (Egger's regression on 1/n)",
  sqrtninv: "Egger's regression test (predictor: 1/√n)",
};

export function biasTable(a: AnalysisView): TableView | null {
  const b = a.bias;
  if (!b) return null;
  const rows: string[][] = [];
  if (b.egger) {
    const predictor = EGGER_TEST_NAMES[b.egger.predictor ?? "sei"] ?? "Egger's regression test";
    const statistic = b.egger.distribution === "t" ? "t" : "z";
    rows.push([predictor, `${statistic} = ${formatNumber(b.egger.z, 2)}`, formatP(b.egger.p)]);
  }
  if (b.begg)
    rows.push(["Begg's rank correlation", `τ = ${formatNumber(b.begg.tau, 3)}`, formatP(b.begg.p)]);
  if (b.trimFill) {
    // The adjusted estimate on the reader's scale (its `transformed`) for ratios and correlations.
    const names = namesOf(a);
    const t = names ? b.trimFill.transformed : null;
    const shown = t ?? b.trimFill;
    rows.push([
      `Trim-and-fill (${b.trimFill.k0} filled, ${b.trimFill.side})`,
      `${t && names ? `${names.readingShort} ` : ""}${formatNumber(shown.estimate)} ${formatInterval(shown.ciLower, shown.ciUpper)}`,
      "",
    ]);
  }
  if (rows.length === 0) return null;
  return { id: "bias", caption: "Small-study effects", headers: ["Test", "Result", "p"], rows };
}

/** Each refit without one study; ratios and correlations on the reader's scale. */
export function leaveOneOutTable(
  a: AnalysisView,
  reading: ReadingScaleView | null = null,
): TableView | null {
  if (!a.leaveOneOut || a.leaveOneOut.length === 0) return null;
  const names = namesOf(a);
  const back = names && reading?.leaveOneOut ? reading.leaveOneOut : null;
  return {
    id: "leave-one-out",
    caption: "Leave-one-out (each study omitted in turn)",
    collapsed: a.leaveOneOut.length > 12,
    headers: ["Omitted", back && names ? names.readingShort : "Estimate", "95% CI", "τ²", "I²"],
    rows: a.leaveOneOut.map((r, i) => {
      const shown = back?.[i] ?? r;
      return [
        r.study,
        formatNumber(shown.estimate),
        formatInterval(shown.ciLower, shown.ciUpper),
        formatNumber(r.tau2, 4),
        formatPercent(r.I2),
      ];
    }),
  };
}

export function resamplingTables(a: AnalysisView): TableView[] {
  const out: TableView[] = [];
  const b = a.bootstrap;
  if (b) {
    const row = (label: string, i: BootstrapIntervalView, digits: number, percent = false) => {
      const f = (x: number | null) => (percent ? formatPercent(x) : formatNumber(x, digits));
      return [
        label,
        f(i.estimate),
        `[${f(i.percentileLower)}, ${f(i.percentileUpper)}]`,
        `[${f(i.bcaLower)}, ${f(i.bcaUpper)}]`,
      ];
    };
    out.push({
      id: "bootstrap",
      caption: `Bootstrap (${b.iterations.toLocaleString("en")} ${b.type} replicates, seed ${b.seed}${b.failed > 0 ? `, ${b.failed} failed` : ""})`,
      headers: ["Quantity", "Estimate", "95% percentile CI", "95% BCa CI"],
      rows: [row("Pooled effect", b.estimate, 2), row("τ²", b.tau2, 4), row("I²", b.I2, 1, true)],
    });
  }
  const p = a.permutation;
  if (p) {
    const rows: string[][] = [["Pooled effect (sign flips)", formatP(p.p)]];
    if (p.QMp !== undefined && p.QMp !== null) rows.push(["Moderators (QM)", formatP(p.QMp)]);
    out.push({
      id: "permutation",
      caption: `Permutation test (${p.exact ? "exact, " : ""}${p.iterations.toLocaleString("en")} arrangements, seed ${p.seed}${p.failed > 0 ? `, ${p.failed} failed` : ""})`,
      headers: ["Test", "Permutation p"],
      rows,
    });
  }
  return out;
}

/** What was done to the data and which rows were left out, in words (never silently dropped). */
export function dataNotes(a: AnalysisView): string[] {
  const notes = [...(a.notes ?? [])];
  for (const e of a.excluded ?? []) {
    notes.push(`Row ${e.row} (${e.study}) was excluded by the data file: ${e.reason}.`);
  }
  return notes;
}

/** Every table to show, in reading order. */
export function resultTables(
  a: AnalysisView,
  reading: ReadingScaleView | null = null,
): TableView[] {
  const out: TableView[] = [heterogeneityTable(a)];
  const tableTests = tableTestsTable(a);
  if (tableTests) out.push(tableTests);
  out.push(...resamplingTables(a), ...subgroupTables(a), ...regressionTables(a));
  const bias = biasTable(a);
  if (bias) out.push(bias);
  const loo = leaveOneOutTable(a, reading);
  if (loo) out.push(loo);
  out.push(studiesTable(a, reading));
  return out;
}

/** Table rows as CSV (only for tables the report has no CSV for; cells guarded against formulas). */
export function tableToCsv(t: TableView): string {
  const cell = (s: string) => {
    const guarded = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
  };
  return [t.headers, ...t.rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export interface PlotTab {
  id: string;
  label: string;
  file: string;
}

/** Known plots in the order the tabs show them; matched on the report's SVG file names. */
const PLOT_ORDER: { id: string; label: string; pattern: RegExp }[] = [
  { id: "forest", label: "Forest", pattern: /forest/i },
  { id: "funnel", label: "Funnel", pattern: /^funnel\.svg$/i },
  { id: "funnel-contour", label: "Contour funnel", pattern: /funnel.*contour/i },
  { id: "funnel-sample-size", label: "Funnel (sample size)", pattern: /funnel.*sample/i },
  { id: "funnel-other", label: "Funnel", pattern: /funnel/i },
  { id: "galbraith", label: "Galbraith", pattern: /galbraith|radial/i },
  { id: "bubble", label: "Bubble", pattern: /bubble/i },
  { id: "rob", label: "Risk of bias", pattern: /risk|rob|syrcle/i },
  { id: "prisma", label: "PRISMA", pattern: /prisma/i },
  { id: "leave-one-out", label: "Leave-one-out", pattern: /leave|loo/i },
  { id: "baujat", label: "Baujat", pattern: /baujat/i },
  { id: "cumulative", label: "Cumulative", pattern: /cumul/i },
];

/** Plot tabs from the report files: known plots first in a fixed order, then any others. */
export function plotTabs(files: readonly ReportFile[]): PlotTab[] {
  const svgs = files.filter((f) => f.name.toLowerCase().endsWith(".svg"));
  const used = new Set<string>();
  const tabs: PlotTab[] = [];
  for (const known of PLOT_ORDER) {
    const matches = svgs.filter((f) => !used.has(f.name) && known.pattern.test(baseName(f.name)));
    matches.forEach((f, i) => {
      used.add(f.name);
      const suffix = matches.length > 1 ? ` ${i + 1}` : "";
      tabs.push({
        id: i === 0 ? known.id : `${known.id}-${i + 1}`,
        label: `${known.label}${suffix}`,
        file: f.name,
      });
    });
  }
  for (const f of svgs) {
    if (used.has(f.name)) continue;
    const name = baseName(f.name).replace(/\.svg$/i, "");
    tabs.push({
      id: name.replace(/[^a-z0-9]+/gi, "-").toLowerCase(),
      label: name.replace(/[-_]+/g, " "),
      file: f.name,
    });
  }
  return tabs;
}

export function baseName(path: string): string {
  return path.split("/").pop() ?? path;
}

/** The report's downloadable files, grouped for the export panel. */
export function exportGroups(
  files: readonly ReportFile[],
): { label: string; files: ReportFile[] }[] {
  const by = (re: RegExp) => files.filter((f) => re.test(f.name));
  return [
    { label: "Report", files: by(/\.html?$/i) },
    { label: "Tables (CSV)", files: by(/\.csv$/i) },
    { label: "Analysis", files: by(/\.(json|R|r|md|txt)$/) },
  ].filter((g) => g.files.length > 0);
}
