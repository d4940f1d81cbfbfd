/**
 * The scale the report prints estimates on. Ratios (odds and risk ratios) are pooled as natural
 * logs and correlations as Fisher's z (Fisher 1921), but readers expect an odds ratio of 0.62 or a
 * correlation of 0.15: every estimate, interval and per-study effect in the report's prose and
 * tables is printed back-transformed (analysis/scale.ts), and the analysis-scale value and its SE
 * stay beside the pooled estimate and in the CSV tables and analysis.json for methodologists. The
 * ratio of means keeps its existing report (log ratio, with the ratio in the summary sentence).
 */
import { MISSING_IN_REPORT } from "@pooled/contract";
import type { Measure } from "@pooled/stats";
import { backTransform, type EffectScale, measureScale } from "../analysis/scale.js";
import type { Analysis } from "../analysis/types.js";
import { digitsFor, fmt, MEASURE_NAMES } from "./format.js";

/** How one analysis prints its estimates. */
export interface ReadingScale {
  /** The analysis scale of the measure ("identity", "log", "fisher-z"). */
  scale: EffectScale;
  /** True when the report prints the estimates back-transformed (OR, RR, PETO, ZCOR). */
  transformed: boolean;
  /** What a printed estimate is: "odds ratio", "correlation", "mean difference". */
  name: string;
  /** Column header of a printed estimate: "OR", "r"; "Effect" or "Estimate" as before for the
   * measures the report had before binary and correlation outcomes. */
  short: string | null;
  /** The analysis-scale measure: "log odds ratio", "Fisher's z". */
  analysisName: string;
  /** Its column header: "log OR", "z". */
  analysisShort: string;
  /** Decimals of a printed estimate. */
  digits: number;
  /** A value of the analysis scale as printed (back-transformed when `transformed`). */
  show(x: number | null | undefined): number | null;
  /** A value of the analysis scale printed on the reader's scale. */
  fmt(x: number | null | undefined): string;
  /** "[lower, upper]" of analysis-scale bounds, printed on the reader's scale. */
  fmtCi(lower: number | null | undefined, upper: number | null | undefined): string;
}

/** Names of the measures read back-transformed: the printed estimate, its short name. */
const READER_NAMES: Partial<Record<Measure, { name: string; short: string }>> = {
  OR: { name: "odds ratio", short: "OR" },
  PETO: { name: "Peto odds ratio", short: "OR" },
  RR: { name: "risk ratio", short: "RR" },
  ZCOR: { name: "correlation", short: "r" },
};

/** Column headers of the measures added with binary and correlation outcomes, read as analysed. */
const NEW_SHORT: Partial<Record<Measure, string>> = { RD: "RD", COR: "r" };

/** Names of the analysis-scale values kept beside the reader's, where MEASURE_NAMES differs. */
const ANALYSIS_NAMES: Partial<Record<Measure, string>> = {
  PETO: "log odds ratio",
  ZCOR: "Fisher's z",
};

/** Short names of the analysis scales, for the values kept beside the reader's. */
const ANALYSIS_SHORT: Partial<Record<Measure, string>> = {
  OR: "log OR",
  PETO: "log OR",
  RR: "log RR",
  ROM: "log ROM",
  ZCOR: "z",
};

/**
 * How the report prints the estimates of an analysis.
 * @example readingScale(analysis).fmt(analysis.model.estimate) // "0.62" for a log OR of -0.49
 */
export function readingScale(a: Analysis): ReadingScale {
  const measure = a.settings.measure;
  const scale = measureScale(measure);
  const reader = READER_NAMES[measure];
  const transformed = reader !== undefined && scale !== "identity";
  const digits = digitsFor(measure);
  const show = (x: number | null | undefined): number | null => {
    if (x === null || x === undefined || !Number.isFinite(x)) return null;
    return transformed ? backTransform(scale, x) : x;
  };
  const format = (x: number | null | undefined) => fmtReading(show(x), digits, scale, transformed);
  return {
    scale,
    transformed,
    name: reader?.name ?? MEASURE_NAMES[measure],
    short: reader?.short ?? NEW_SHORT[measure] ?? null,
    analysisName: ANALYSIS_NAMES[measure] ?? MEASURE_NAMES[measure],
    analysisShort: ANALYSIS_SHORT[measure] ?? NEW_SHORT[measure] ?? measure,
    digits,
    show,
    fmt: format,
    fmtCi: (lower, upper) =>
      lower === null || lower === undefined || upper === null || upper === undefined
        ? MISSING_IN_REPORT
        : `[${format(lower)}, ${format(upper)}]`,
  };
}

/**
 * A back-transformed value never prints as a bound it cannot reach: a ratio as 0.00 or a
 * correlation as ±1.00 gets the decimals it needs (up to four more), as the plots print them.
 */
function fmtReading(
  x: number | null,
  digits: number,
  scale: EffectScale,
  transformed: boolean,
): string {
  if (x === null || !transformed) return fmt(x, digits);
  const atBound = (d: number) => {
    const printed = Math.abs(Number(x.toFixed(d)));
    return (scale === "log" && printed === 0) || (scale === "fisher-z" && printed === 1);
  };
  let d = digits;
  while (atBound(d) && d < digits + 4) d++;
  return fmt(x, d);
}

/** The effect axis title of the plots: "Odds ratio", "Correlation (r)", "Mean difference". */
export function effectAxisLabel(measure: Measure): string {
  const name = AXIS_NAMES[measure] ?? MEASURE_NAMES[measure];
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Axis titles where the plots draw another scale than MEASURE_NAMES names (ratios, r). */
const AXIS_NAMES: Partial<Record<Measure, string>> = {
  ROM: "ratio of means",
  OR: "odds ratio",
  PETO: "Peto odds ratio",
  RR: "risk ratio",
  ZCOR: "correlation (r)",
  COR: "correlation (r)",
};
