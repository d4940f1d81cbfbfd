/**
 * CSV tables of an analysis, safe to open in a spreadsheet. A cell whose text starts with = + - @
 * a tab or a carriage return can be read as a formula by Excel, LibreOffice or Google Sheets
 * (CSV / formula injection, OWASP); such cells get a leading single quote, which spreadsheets
 * show as text. Plain numbers ("-1.5", "2e-3") are left as they are, so they stay numbers.
 */
import type { Analysis } from "../analysis/types.js";

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

/** studies.csv: per-study effect sizes and weights, in input order. */
export function studiesCsv(a: Analysis): string {
  return toCsv(
    ["study", "row", "yi", "vi", "sei", "ci_lower", "ci_upper", "weight_percent"],
    a.studies.map((s) => [s.study, s.row, s.yi, s.vi, s.sei, s.ciLower, s.ciUpper, s.weight]),
  );
}

/** model.csv: the main model, one row. */
export function modelCsv(a: Analysis): string {
  const m = a.model;
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
      ],
    ],
  );
}

/** subgroups.csv: one row per level, then the two tests for differences between levels. */
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
    ["omitted_study", "estimate", "se", "ci_lower", "ci_upper", "p", "tau2", "I2_percent", "Q"],
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
    ]),
  );
}
