/**
 * CSV tables of an analysis, safe to open in a spreadsheet. A cell whose text starts with = + - @
 * a tab or a carriage return can be read as a formula by Excel, LibreOffice or Google Sheets
 * (CSV / formula injection, OWASP); such cells get a leading single quote, which spreadsheets
 * show as text. Plain numbers ("-1.5", "2e-3") are left as they are, so they stay numbers.
 */
import { measureScale, transformedInterval } from "../analysis/scale.js";
import type { Analysis } from "../analysis/types.js";
import { predictionModerators } from "./predictions.js";

/** A cell value: numbers are written in full precision, null and undefined as an empty cell. */
export type CsvValue = string | number | boolean | null | undefined;

const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises spreadsheet formulas: prefixes a quote unless the text is a plain number. */
export function neutraliseFormula(text: string): string {
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) return `'${text}`;
  return text;
}

/** One CSV cell (RFC 4180 quoting after formula neutralisation). */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = neutraliseFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document from a header row and data rows (CRLF line ends, as RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/**
 * The columns a measure read back-transformed adds at the end of a table (the columns before them
 * are a contract and never move): the estimate and its bounds on the reader's scale, named by what
 * they are, e.g. "or", "or_ci_lower", "or_ci_upper" (odds ratios), "r" (correlations from
 * Fisher's z). None for a measure read as analysed.
 */
function readerColumns(a: Analysis, bounds: readonly ("ci" | "pi")[]): string[] {
  const stem = READER_STEM[a.settings.measure];
  if (stem === undefined) return [];
  return [stem, ...bounds.flatMap((b) => [`${stem}_${b}_lower`, `${stem}_${b}_upper`])];
}

/** Column stems of the back-transformed measures (analysis/scale.ts). */
const READER_STEM: Partial<Record<Analysis["settings"]["measure"], string>> = {
  OR: "or",
  PETO: "or",
  RR: "rr",
  ROM: "rom",
  ZCOR: "r",
};

/** The values of {@link readerColumns}: estimate, then each interval's bounds, back-transformed. */
function readerValues(
  a: Analysis,
  bounds: readonly ("ci" | "pi")[],
  values: {
    estimate: number | null;
    ciLower: number | null;
    ciUpper: number | null;
    piLower?: number | null;
    piUpper?: number | null;
  },
): CsvValue[] {
  if (READER_STEM[a.settings.measure] === undefined) return [];
  const t = transformedInterval(measureScale(a.settings.measure), values);
  if (t === null) return [];
  return [
    t.estimate,
    ...bounds.flatMap((b) => (b === "ci" ? [t.ciLower, t.ciUpper] : [t.piLower, t.piUpper])),
  ];
}

/** True for 2×2 tables: every study has its events. */
function hasEvents(a: Analysis): boolean {
  return a.studies.length > 0 && a.studies.every((s) => s.events1 !== null && s.events2 !== null);
}

/**
 * studies.csv: per-study effect sizes and weights, in input order; then, where they apply, the
 * effect on the reader's scale (e.g. "or", "or_ci_lower", "or_ci_upper") and the 2×2 counts.
 */
export function studiesCsv(a: Analysis): string {
  const events = hasEvents(a);
  return toCsv(
    [
      "study",
      "row",
      "yi",
      "vi",
      "sei",
      "ci_lower",
      "ci_upper",
      "weight_percent",
      ...readerColumns(a, ["ci"]),
      ...(events ? ["events_treatment", "n_treatment", "events_control", "n_control"] : []),
    ],
    a.studies.map((s) => [
      s.study,
      s.row,
      s.yi,
      s.vi,
      s.sei,
      s.ciLower,
      s.ciUpper,
      s.weight,
      ...readerValues(a, ["ci"], { estimate: s.yi, ciLower: s.ciLower, ciUpper: s.ciUpper }),
      ...(events ? [s.events1, s.n1, s.events2, s.n2] : []),
    ]),
  );
}

/** The Mantel-Haenszel tests of model.csv (MH with the odds ratio). */
const TABLE_TEST_COLUMNS = [
  "cmh_statistic",
  "cmh_p",
  "breslow_day_statistic",
  "breslow_day_df",
  "breslow_day_p",
  "tarone_statistic",
  "tarone_df",
  "tarone_p",
];

/**
 * The heterogeneity intervals of model.csv, after every other column: metafor's se.tau2 and the
 * Q-profile CIs of tau², I² (percent) and H² (Viechtbauer 2007).
 */
const HETEROGENEITY_CI_COLUMNS = [
  "se_tau2",
  "tau2_ci_lower",
  "tau2_ci_upper",
  "I2_ci_lower",
  "I2_ci_upper",
  "H2_ci_lower",
  "H2_ci_upper",
];

/** model.csv: the main model, one row. */
export function modelCsv(a: Analysis): string {
  const m = a.model;
  const tests = m.tableTests;
  return toCsv(
    [
      "measure",
      "method",
      "test",
      "k",
      "estimate",
      "se",
      "ci_lower",
      "ci_upper",
      "p",
      "tau2",
      "I2_percent",
      "H2",
      "Q",
      "Q_df",
      "Q_p",
      "pi_lower",
      "pi_upper",
      ...(READER_STEM[a.settings.measure] === undefined ? [] : ["scale"]),
      ...readerColumns(a, ["ci", "pi"]),
      ...(tests === null ? [] : TABLE_TEST_COLUMNS),
      ...HETEROGENEITY_CI_COLUMNS,
    ],
    [
      [
        a.settings.measure,
        m.method,
        m.test,
        m.k,
        m.estimate,
        m.se,
        m.ciLower,
        m.ciUpper,
        m.p,
        m.tau2,
        m.I2,
        m.H2,
        m.Q,
        m.Qdf,
        m.Qp,
        m.piLower,
        m.piUpper,
        ...(READER_STEM[a.settings.measure] === undefined ? [] : [m.scale]),
        ...readerValues(a, ["ci", "pi"], m),
        ...(tests === null
          ? []
          : [
              tests.cochranMantelHaenszel?.statistic,
              tests.cochranMantelHaenszel?.p,
              tests.breslowDay?.statistic,
              tests.breslowDay?.df,
              tests.breslowDay?.p,
              tests.tarone?.statistic,
              tests.tarone?.df,
              tests.tarone?.p,
            ]),
        m.seTau2,
        m.tau2CiLower,
        m.tau2CiUpper,
        m.I2CiLower,
        m.I2CiUpper,
        m.H2CiLower,
        m.H2CiUpper,
      ],
    ],
  );
}

/**
 * subgroups.csv: one row per level, then the two tests for differences between levels; each
 * level's Q-profile CIs of tau² and I² at the end.
 */
export function subgroupsCsv(a: Analysis): string | null {
  const sub = a.subgroups;
  if (sub === null) return null;
  const rows: CsvValue[][] = sub.groups.map((g) => [
    "subgroup",
    g.level,
    g.k,
    g.estimate,
    g.se,
    g.ciLower,
    g.ciUpper,
    g.p,
    g.tau2,
    g.I2,
    g.H2,
    g.Q,
    g.Qp,
    null,
    null,
    ...readerValues(a, ["ci", "pi"], g),
    g.tau2CiLower,
    g.tau2CiUpper,
    g.I2CiLower,
    g.I2CiUpper,
  ]);
  for (const t of sub.tests) {
    rows.push([
      `test: ${t.type}`,
      null,
      null,
      null,
      null,
      null,
      null,
      t.p,
      t.tau2,
      null,
      null,
      t.Q,
      null,
      t.df,
      t.distribution,
      ...readerColumns(a, ["ci", "pi"]).map(() => null),
      null,
      null,
      null,
      null,
    ]);
  }
  return toCsv(
    [
      "row_type",
      sub.by,
      "k",
      "estimate",
      "se",
      "ci_lower",
      "ci_upper",
      "p",
      "tau2",
      "I2_percent",
      "H2",
      "Q",
      "Q_p",
      "df",
      "distribution",
      ...readerColumns(a, ["ci", "pi"]),
      "tau2_ci_lower",
      "tau2_ci_upper",
      "I2_ci_lower",
      "I2_ci_upper",
    ],
    rows,
  );
}

/** regression.csv: one row per coefficient, intercept first. */
export function regressionCsv(a: Analysis): string | null {
  const reg = a.regression;
  if (reg === null) return null;
  return toCsv(
    ["term", "estimate", "se", "statistic", "ci_lower", "ci_upper", "p", "permutation_p"],
    reg.terms.map((t) => [
      t.name,
      t.estimate,
      t.se,
      t.statistic,
      t.ciLower,
      t.ciUpper,
      t.p,
      t.permutationP,
    ]),
  );
}

/** leave-one-out.csv: the model without each study in turn. */
export function leaveOneOutCsv(a: Analysis): string | null {
  if (a.leaveOneOut === null) return null;
  return toCsv(
    [
      "omitted_study",
      "estimate",
      "se",
      "ci_lower",
      "ci_upper",
      "p",
      "tau2",
      "I2_percent",
      "Q",
      ...readerColumns(a, ["ci"]),
    ],
    a.leaveOneOut.map((r) => [
      r.study,
      r.estimate,
      r.se,
      r.ciLower,
      r.ciUpper,
      r.p,
      r.tau2,
      r.I2,
      r.Q,
      ...readerValues(a, ["ci"], r),
    ]),
  );
}

/** Cumulative meta-analysis by year: one row per step, the study added and the model so far. */
export function cumulativeCsv(a: Analysis): string | null {
  if (a.cumulative === null) return null;
  return toCsv(
    [
      "step",
      "study_added",
      "year",
      "k",
      "estimate",
      "se",
      "ci_lower",
      "ci_upper",
      "p",
      "tau2",
      "I2_percent",
      "Q",
      ...readerColumns(a, ["ci"]),
    ],
    a.cumulative.map((r, i) => [
      i + 1,
      r.study,
      r.year,
      r.k,
      r.estimate,
      r.se,
      r.ciLower,
      r.ciUpper,
      r.p,
      r.tau2,
      r.I2,
      r.Q,
      ...readerValues(a, ["ci"], r),
    ]),
  );
}

/**
 * influence.csv: the case-deletion diagnostics of the main model, one row per study in input
 * order (metafor's influence(): rstudent, dffits, cook.d, cov.r, tau2.del, QE.del, hat, weight,
 * inf), and the study's file row.
 */
export function influenceCsv(a: Analysis): string | null {
  if (a.influence === null) return null;
  return toCsv(
    [
      "study",
      "row",
      "rstudent",
      "dffits",
      "cooks_distance",
      "cov_ratio",
      "tau2_deleted",
      "QE_deleted",
      "hat",
      "weight_percent",
      "influential",
    ],
    a.influence.map((r, i) => [
      r.study,
      a.studies[i]?.row,
      r.rstudent,
      r.dffits,
      r.cooksD,
      r.covRatio,
      r.tau2Deleted,
      r.QEDeleted,
      r.hat,
      r.weight,
      r.influential,
    ]),
  );
}

/**
 * predictions.csv (--predict): one row per point, a column per moderator it names (by its name,
 * as --mods gives it), the predicted effect with its SE, CI and prediction interval (metafor's
 * predict(newmods = ...)); for a back-transformed measure those on the reader's scale at the end.
 */
export function predictionsCsv(a: Analysis): string | null {
  const predictions = a.predictions;
  if (predictions === null) return null;
  const mods = predictionModerators(predictions);
  return toCsv(
    [
      ...mods,
      "estimate",
      "se",
      "ci_lower",
      "ci_upper",
      "pi_lower",
      "pi_upper",
      ...readerColumns(a, ["ci", "pi"]),
    ],
    predictions.map((p) => [
      ...mods.map((m) => p.at[m]),
      p.estimate,
      p.se,
      p.ciLower,
      p.ciUpper,
      p.piLower,
      p.piUpper,
      ...readerValues(a, ["ci", "pi"], p),
    ]),
  );
}
