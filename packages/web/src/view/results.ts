/**
 * Results as plain data for the DOM layer: tables as rows of strings, plot tabs from the report's
 * SVG files. The numbers are the pipeline's; only the rounding is done here.
 */
import type {
  AnalysisView,
  BootstrapIntervalView,
  BootstrapView,
  GoshSummaryView,
  ReadingScaleView,
  ReportFile,
  TableChisqJson,
} from "../api.js";
import {
  formatInterval,
  formatNumber,
  formatP,
  formatPEquals,
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
  /** A line under the table (a rule applied, what a mark means, why a value is missing). */
  note?: string;
  /** Many columns: tighter cells, headings that wrap (so it fits the panel at 1280 px). */
  compact?: boolean;
  /** Columns holding text rather than numbers (left-aligned), by index. */
  textColumns?: number[];
  /** Attributes of each body row (e.g. data-influential), in row order; null for none. */
  rowAttributes?: (Record<string, string> | null)[];
  /**
   * The header buttons sort the rows: by these values (one per cell; null last), a second click
   * reverses, a third restores the order given.
   */
  sortValues?: (number | string | null)[][];
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
  // The Q-profile CIs of τ², I² and H², in a column of their own when the model has them.
  const withCi = [m.tau2CiLower, m.I2CiLower, m.H2CiLower].some(
    (x) => x !== null && x !== undefined,
  );
  const ci = (
    lower: number | null | undefined,
    upper: number | null | undefined,
    format: (x: number | null | undefined) => string,
  ) => (lower === null || lower === undefined ? "–" : `[${format(lower)}, ${format(upper)}]`);
  const row = (label: string, value: string, interval?: string) =>
    withCi ? [label, value, interval ?? ""] : [label, value];
  const tau2 = (x: number | null | undefined) => formatNumber(x, 4);
  const h2 = (x: number | null | undefined) => formatNumber(x, 2);
  const rows: string[][] = [row("Studies (k)", String(m.k))];
  // Mantel-Haenszel and Peto are fixed-effect methods: no between-study variance to show.
  if (!(tableMethod(a) && (m.tau2 === null || m.tau2 === undefined)))
    rows.push(
      row("τ² (between-study variance)", tau2(m.tau2), ci(m.tau2CiLower, m.tau2CiUpper, tau2)),
    );
  rows.push(
    row("I²", formatPercent(m.I2), ci(m.I2CiLower, m.I2CiUpper, formatPercent)),
    row("H²", h2(m.H2), ci(m.H2CiLower, m.H2CiUpper, h2)),
    row(m.Qdf !== undefined ? `Q (df = ${m.Qdf})` : "Q", formatNumber(m.Q, 2)),
    row("p (Q)", formatP(m.Qp)),
  );
  const t = m.transformed;
  const names = namesOf(a);
  if (t && names && t.piLower !== null && t.piUpper !== null) {
    rows.push(
      row(`95% prediction interval (${names.readingShort})`, formatInterval(t.piLower, t.piUpper)),
    );
  } else if (m.piLower !== null && m.piLower !== undefined) {
    rows.push(row("95% prediction interval", formatInterval(m.piLower, m.piUpper)));
  }
  // With the three-level model leading, this table is the standard model's (the Dependence section
  // has the three-level one).
  const caption =
    a.settings?.model === "three-level" ? "Heterogeneity (standard model)" : "Heterogeneity";
  return {
    id: "heterogeneity",
    caption,
    headers: withCi ? ["Statistic", "Value", "95% CI (Q-profile)"] : ["Statistic", "Value"],
    rows,
  };
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
  // Each level's Q-profile CIs of τ² and I², in columns of their own when the levels have them.
  const withCi = a.subgroups.groups.some(
    (g) =>
      (g.tau2CiLower !== null && g.tau2CiLower !== undefined) ||
      (g.I2CiLower !== null && g.I2CiLower !== undefined),
  );
  const headers = ["Level", "k", names ? names.readingShort : "Estimate", "95% CI", "p", "τ²"];
  if (withCi) headers.push("τ² 95% CI");
  headers.push("I²");
  if (withCi) headers.push("I² 95% CI");
  const groups: TableView = {
    id: "subgroups",
    caption: "Subgroups",
    headers,
    rows: a.subgroups.groups.map((g) => {
      const t = names ? g.transformed : null;
      const shown = t ?? g;
      const row = [
        g.level,
        String(g.k),
        formatNumber(shown.estimate),
        formatInterval(shown.ciLower, shown.ciUpper),
        formatP(g.p),
        formatNumber(g.tau2, 4),
      ];
      if (withCi)
        row.push(
          g.tau2CiLower === null || g.tau2CiLower === undefined
            ? "–"
            : formatInterval(g.tau2CiLower, g.tau2CiUpper, 4),
        );
      row.push(formatPercent(g.I2));
      if (withCi)
        row.push(
          g.I2CiLower === null || g.I2CiLower === undefined
            ? "–"
            : `[${formatPercent(g.I2CiLower)}, ${formatPercent(g.I2CiUpper)}]`,
        );
      return row;
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
  // The residual τ² and I² with their Q-profile CIs, when the fit has them.
  const tau2Ci =
    r.tau2CiLower === null || r.tau2CiLower === undefined
      ? ""
      : ` ${formatInterval(r.tau2CiLower, r.tau2CiUpper, 4)}`;
  const I2Ci =
    r.I2CiLower === null || r.I2CiLower === undefined
      ? ""
      : ` [${formatPercent(r.I2CiLower)}, ${formatPercent(r.I2CiUpper)}]`;
  const withCi = tau2Ci !== "" || I2Ci !== "";
  overall.push([`Residual τ²${withCi ? " (95% CI)" : ""}`, `${formatNumber(r.tau2, 4)}${tau2Ci}`]);
  if (r.I2 !== undefined)
    overall.push([`Residual I²${withCi ? " (95% CI)" : ""}`, `${formatPercent(r.I2)}${I2Ci}`]);
  overall.push(["R² (pseudo)", formatPercent(r.R2)], ["QE", formatNumber(r.QE, 2)]);
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
    // The estimator, and whether the side was chosen (--trimfill-side) or estimated (the default).
    const estimator = b.trimFill.estimator ? `${b.trimFill.estimator}, ` : "";
    const sideChosen = a.settings?.trimfillSide;
    const side =
      sideChosen === undefined
        ? b.trimFill.side
        : `${b.trimFill.side} side${sideChosen === null ? ", estimated" : ", as chosen"}`;
    rows.push([
      `Trim-and-fill (${estimator}${b.trimFill.k0} filled, ${side})`,
      `${t && names ? `${names.readingShort} ` : ""}${formatNumber(shown.estimate)} ${formatInterval(shown.ciLower, shown.ciUpper)}`,
      "",
    ]);
  }
  if (rows.length === 0) return null;
  return { id: "bias", caption: "Small-study effects", headers: ["Test", "Result", "p"], rows };
}

/**
 * PET-PEESE (Stanley & Doucouliagos 2014): PET's and PEESE's corrected estimates (the intercepts
 * of the regressions on the standard error and on the variance) with their CIs, tests and slopes,
 * then the estimate the conditional rule chose. Ratios and correlations on the reader's scale (the
 * chosen one from the JSON's `transformed`, PET and PEESE back-transformed in the worker), with the
 * analysed value beside them.
 */
export function petPeeseTable(
  a: AnalysisView,
  reading: ReadingScaleView | null = null,
): TableView | null {
  const pp = a.bias?.petPeese;
  if (!pp) return null;
  const names = namesOf(a);
  const back = names !== null;
  const headers = [
    "Regression",
    back && names ? names.readingShort : "Corrected estimate",
    "95% CI",
  ];
  if (back && names) headers.push(names.analysedShort);
  headers.push("p", "Slope", "p (slope)");
  const row = (
    label: string,
    fit: { estimate: number; ciLower: number; ciUpper: number; p: number | null },
    shown: { estimate: number | null; ciLower: number | null; ciUpper: number | null } | null,
    slope: { slope: number; slopeP: number } | null,
  ) => {
    const r = [label];
    if (back) {
      r.push(
        formatNumber(shown?.estimate ?? null),
        formatInterval(shown?.ciLower ?? null, shown?.ciUpper ?? null),
        formatNumber(fit.estimate),
      );
    } else {
      r.push(formatNumber(fit.estimate), formatInterval(fit.ciLower, fit.ciUpper));
    }
    r.push(
      formatP(fit.p),
      slope ? formatNumber(slope.slope, 3) : "",
      slope ? formatP(slope.slopeP) : "",
    );
    return r;
  };
  const chosenFit = pp.chosen === "PET" ? pp.pet : pp.peese;
  return {
    id: "pet-peese",
    caption: `PET-PEESE: ${pp.chosen} chosen`,
    headers,
    rows: [
      row("PET (on the standard error)", pp.pet, reading?.petPeese?.pet ?? null, pp.pet),
      row("PEESE (on the variance)", pp.peese, reading?.petPeese?.peese ?? null, pp.peese),
      row(
        `Chosen: ${pp.chosen}`,
        { estimate: pp.estimate, ciLower: pp.ciLower, ciUpper: pp.ciUpper, p: chosenFit.p },
        pp.transformed ?? null,
        null,
      ),
    ],
    note: `Rule: ${pp.rule}.`,
  };
}

/**
 * Fail-safe N: Rosenthal's (studies averaging z = 0 that make the combined p reach alpha), Orwin's
 * (studies with effect 0 that halve the mean effect) and Rosenberg's (studies with effect 0 that
 * make the fixed-effect mean non-significant).
 */
export function failSafeTable(a: AnalysisView): TableView | null {
  const f = a.bias?.failSafeN;
  if (!f) return null;
  const n = (x: number | null | undefined) =>
    x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toLocaleString("en");
  const alpha = (x: number | null) => (x === null ? "" : `, α = ${formatNumber(x, 2)}`);
  const names = namesOf(a);
  const scale = names ? ` (${names.analysed})` : "";
  const rows: string[][] = [];
  if (f.rosenthal)
    rows.push([
      "Rosenthal (1979)",
      n(f.rosenthal.n),
      `Stouffer's combined one-sided ${formatPEquals(f.rosenthal.p)}${alpha(f.rosenthal.alpha)}`,
    ]);
  if (f.orwin)
    rows.push([
      "Orwin (1983)",
      n(f.orwin.n),
      `Mean effect ${formatNumber(f.orwin.meanEffect)} brought down to ${formatNumber(f.orwin.target)}${scale}`,
    ]);
  if (f.rosenberg)
    rows.push([
      "Rosenberg (2005)",
      n(f.rosenberg.n),
      `Fixed-effect ${formatPEquals(f.rosenberg.p)}${alpha(f.rosenberg.alpha)}`,
    ]);
  if (rows.length === 0) return null;
  return {
    id: "fail-safe",
    caption: "Fail-safe N (studies with null results needed to overturn the finding)",
    headers: ["Method", "Fail-safe N", "Criterion"],
    textColumns: [2],
    rows,
  };
}

/**
 * Case-deletion diagnostics of the main model (metafor's influence(); Viechtbauer & Cheung 2010),
 * in input order, sortable; the studies metafor flags as influential are marked.
 */
export function influenceTable(a: AnalysisView): TableView | null {
  const rows = a.influence;
  if (!rows || rows.length === 0) return null;
  const flagged = rows.filter((r) => r.influential).length;
  const withTau2 = rows.some((r) => r.tau2Deleted !== null);
  // The flag right after the study, so it shows without scrolling; metafor's column names.
  const headers = ["Study", "Influential", "rstudent", "DFFITS", "Cook's\u00a0D", "Cov. ratio"];
  if (withTau2) headers.push("τ² deleted");
  headers.push("QE deleted", "Hat", "Weight");
  return {
    id: "influence",
    caption: `Influence diagnostics: ${flagged} of ${rows.length} ${rows.length === 1 ? "study" : "studies"} influential`,
    collapsed: rows.length > 12 && flagged === 0,
    headers,
    compact: true,
    textColumns: [1],
    rows: rows.map((r) => {
      const row = [
        r.study,
        r.influential ? "Yes" : "",
        formatNumber(r.rstudent, 3),
        formatNumber(r.dffits, 3),
        formatNumber(r.cooksD, 3),
        formatNumber(r.covRatio, 3),
      ];
      if (withTau2) row.push(formatNumber(r.tau2Deleted, 4));
      row.push(
        formatNumber(r.QEDeleted, 2),
        formatNumber(r.hat, 3),
        `${formatNumber(r.weight, 1)}%`,
      );
      return row;
    }),
    rowAttributes: rows.map((r) => (r.influential ? { "data-influential": "true" } : null)),
    sortValues: rows.map((r) => {
      const values: (number | string | null)[] = [
        r.study,
        r.influential ? 1 : 0,
        r.rstudent,
        r.dffits,
        r.cooksD,
        r.covRatio,
      ];
      if (withTau2) values.push(r.tau2Deleted);
      values.push(r.QEDeleted, r.hat, r.weight);
      return values;
    }),
    note: "rstudent: externally standardised residual; DFFITS, Cook's distance, covariance ratio; τ² and QE with the study deleted; hat value and weight in the model. “Yes”: influential by metafor’s criteria (|DFFITS|, Cook’s distance, hat value or a DFBETAS beyond its cut-off). Click a column heading to sort.",
  };
}

/** "dose = 100, route = iv": a prediction's moderator values. */
export function predictionLabel(at: Record<string, number | string>): string {
  return Object.entries(at)
    .map(([name, value]) => `${name} = ${value}`)
    .join(", ");
}

/**
 * Predictions of the meta-regression at the reader's moderator values (metafor's predict(newmods =
 * ...)): estimate, CI and PI, on the reader's scale (the JSON's `transformed`) for ratios and
 * correlations with the analysed value beside them.
 */
export function predictionsTable(a: AnalysisView): TableView | null {
  const predictions = a.predictions;
  if (!predictions || predictions.length === 0) return null;
  const names = namesOf(a);
  const headers = ["At", names ? names.readingShort : "Predicted", "95% CI", "95% PI"];
  if (names) headers.push(names.analysedShort);
  headers.push("SE");
  return {
    id: "predictions",
    caption: names
      ? `Predictions of the meta-regression (SE on the ${names.analysed} scale)`
      : "Predictions of the meta-regression",
    headers,
    rows: predictions.map((p) => {
      const t = names ? (p.transformed ?? null) : null;
      const shown = t ?? p;
      const row = [
        predictionLabel(p.at),
        formatNumber(shown.estimate),
        formatInterval(shown.ciLower, shown.ciUpper),
        shown.piLower === null && shown.piUpper === null
          ? "–"
          : formatInterval(shown.piLower, shown.piUpper),
      ];
      if (names) row.push(formatNumber(p.estimate));
      row.push(formatNumber(p.se, 3));
      return row;
    }),
  };
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The bootstrap's kind in words (--bootstrap-type): what was resampled or simulated. */
export function bootstrapKind(b: Pick<BootstrapView, "type" | "clusters">): string {
  if (b.type === "parametric")
    return "parametric bootstrap: studies simulated from the fitted model";
  if (b.type === "case")
    return b.clusters !== null && b.clusters !== undefined
      ? `case bootstrap: the ${b.clusters} publications resampled`
      : "case bootstrap: studies resampled";
  return b.type;
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
    const notes = b.notes ?? [];
    out.push({
      id: "bootstrap",
      caption: `Bootstrap (${b.type}, ${b.iterations.toLocaleString("en")} replicates, seed ${b.seed}${b.failed > 0 ? `, ${b.failed} failed` : ""})`,
      headers: ["Quantity", "Estimate", "95% percentile CI", "95% BCa CI"],
      rows: [row("Pooled effect", b.estimate, 2), row("τ²", b.tau2, 4), row("I²", b.I2, 1, true)],
      note: [
        `${capitalise(bootstrapKind(b))}.`,
        ...notes.map((n) => (/[.!?]$/.test(n) ? n : `${n}.`)),
      ].join(" "),
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

/**
 * GOSH (Olkin, Dahabreh & Trikalinos 2012): the five-number summaries of the pooled estimate and
 * I² over the fitted subsets. Ratios and correlations read on the reader's scale (the quantiles
 * back-transformed in the worker by the pipeline's transform) with the analysed values under
 * them; other measures on the scale of the analysis, named.
 */
export function goshTable(
  a: AnalysisView,
  reading: ReadingScaleView | null = null,
): TableView | null {
  const g = a.gosh;
  if (!g) return null;
  const five = (s: Pick<GoshSummaryView, "min" | "q25" | "median" | "q75" | "max">) => [
    s.min,
    s.q25,
    s.median,
    s.q75,
    s.max,
  ];
  const names = namesOf(a);
  const measure = a.settings?.measure ?? "";
  const rows: string[][] = [];
  const back = names && reading?.gosh ? reading.gosh : null;
  if (back && names) {
    rows.push([names.reading, ...five(back).map((x) => formatNumber(x))]);
    rows.push([
      `${capitalise(names.analysed)} (as analysed)`,
      ...five(g.summary.estimate).map((x) => formatNumber(x)),
    ]);
  } else {
    const scale = names ? names.analysed : measure;
    rows.push([
      scale === "" ? "Estimate" : `Estimate (${scale})`,
      ...five(g.summary.estimate).map((x) => formatNumber(x)),
    ]);
  }
  rows.push(["I²", ...five(g.summary.I2).map((x) => formatPercent(x))]);
  const subsets = g.subsets.toLocaleString("en");
  const caption = g.exhaustive
    ? `GOSH (every subset of the ${g.k} studies: ${subsets} subsets)`
    : `GOSH (${subsets} random subsets of the ${g.k} studies, seed ${g.seed ?? "–"})`;
  const failed =
    g.failed === 0
      ? `all ${subsets} subsets were fitted`
      : `${g.failed.toLocaleString("en")} of ${subsets} subsets could not be fitted and are left out of these summaries`;
  return {
    id: "gosh",
    caption,
    headers: ["Statistic", "Minimum", "25th pct.", "Median", "75th pct.", "Maximum"],
    rows,
    note: `Each subset refitted with the main model (${g.method}); ${failed}.`,
  };
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
  out.push(...resamplingTables(a));
  const gosh = goshTable(a, reading);
  if (gosh) out.push(gosh);
  out.push(...subgroupTables(a), ...regressionTables(a));
  for (const t of [
    predictionsTable(a),
    biasTable(a),
    petPeeseTable(a, reading),
    failSafeTable(a),
    influenceTable(a),
  ])
    if (t) out.push(t);
  const loo = leaveOneOutTable(a, reading);
  if (loo) out.push(loo);
  out.push(studiesTable(a, reading));
  return out;
}

/** How a sortable table is ordered by one column (aria-sort's values; "none": as given). */
export type SortDirection = "ascending" | "descending" | "none";

/**
 * The next order after a click on a column heading: numbers first largest first, text A to Z; a
 * second click reverses; a third gives the order back.
 */
export function nextSort(
  values: readonly (readonly (number | string | null)[])[],
  column: number,
  current: SortDirection,
): SortDirection {
  const numeric = values.some((r) => typeof r[column] === "number");
  const first: SortDirection = numeric ? "descending" : "ascending";
  const second: SortDirection = numeric ? "ascending" : "descending";
  if (current === "none") return first;
  if (current === first) return second;
  return "none";
}

/** Row indices in the order asked for; missing values last, ties in the order given. */
export function sortedRows(
  values: readonly (readonly (number | string | null)[])[],
  column: number,
  direction: SortDirection,
): number[] {
  const order = values.map((_, i) => i);
  if (direction === "none") return order;
  const sign = direction === "ascending" ? 1 : -1;
  const missing = (x: number | string | null | undefined) =>
    x === null || x === undefined || (typeof x === "number" && !Number.isFinite(x));
  return order.sort((i, j) => {
    const a = values[i]?.[column];
    const b = values[j]?.[column];
    if (missing(a) || missing(b)) return missing(a) === missing(b) ? i - j : missing(a) ? 1 : -1;
    const c =
      typeof a === "number" && typeof b === "number"
        ? a - b
        : String(a).localeCompare(String(b), "en", { numeric: true });
    return c === 0 ? i - j : sign * c;
  });
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
  { id: "influence", label: "Influence", pattern: /influence|influential/i },
  { id: "gosh", label: "GOSH", pattern: /gosh/i },
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
