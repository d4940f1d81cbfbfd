/**
 * Number and label formatting shared by the text, Markdown and HTML renderers. Formatting lives
 * here, never in the fits (shared/STYLE.md §1).
 */
import { formatFixed, formatPValue, MISSING_IN_REPORT } from "@pooled/contract";
import type { Measure } from "@pooled/stats";
import type { AnalysisMethod } from "../analysis/types.js";

/** Fixed decimals; an em dash for a statistic that does not exist. */
export function fmt(x: number | null | undefined, digits = 2): string {
  return formatFixed(x, digits, MISSING_IN_REPORT);
}

/** p-values: "< 0.001" below a thousandth, three decimals otherwise. */
export function fmtP(p: number | null | undefined): string {
  return formatPValue(p, MISSING_IN_REPORT);
}

/** "= 0.012" or "< 0.001", to follow "p " in a sentence. */
export function pText(p: number | null): string {
  const t = fmtP(p);
  return t.startsWith("<") ? t : `= ${t}`;
}

/** "[lower, upper]" with the same decimals. */
export function fmtCi(
  lower: number | null | undefined,
  upper: number | null | undefined,
  digits = 2,
): string {
  if (lower === null || lower === undefined || upper === null || upper === undefined)
    return MISSING_IN_REPORT;
  return `[${fmt(lower, digits)}, ${fmt(upper, digits)}]`;
}

export function fmtPercent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? MISSING_IN_REPORT
    : `${fmt(x, digits)}%`;
}

/** Full names of the effect-size measures. */
export const MEASURE_NAMES: Record<Measure, string> = {
  MD: "mean difference",
  SMD: "standardised mean difference (Hedges' g)",
  SMDH: "heteroscedastic standardised mean difference (Bonett)",
  ROM: "log ratio of means",
  NMD: "normalised mean difference (%)",
  GEN: "effect size as given",
  OR: "log odds ratio",
  RR: "log risk ratio",
  RD: "risk difference",
  PETO: "log odds ratio (Peto)",
  ZCOR: "Fisher's z-transformed correlation",
  COR: "correlation coefficient",
};

/** Full names of the tau² estimators. */
export const METHOD_NAMES: Record<AnalysisMethod, string> = {
  MH: "Mantel-Haenszel",
  PETO: "Peto",
  FE: "fixed (common) effect, inverse-variance",
  DL: "DerSimonian-Laird",
  HE: "Hedges (variance components)",
  HS: "Hunter-Schmidt",
  SJ: "Sidik-Jonkman",
  ML: "maximum likelihood",
  REML: "restricted maximum likelihood (REML)",
  EB: "empirical Bayes",
  PM: "Paule-Mandel",
};

export function testName(test: "z" | "knha"): string {
  return test === "knha" ? "Knapp-Hartung (t and F)" : "z (normal)";
}

/** Decimals suited to a measure's scale (NMD is in percent). */
export function digitsFor(measure: Measure): number {
  return measure === "NMD" ? 1 : 2;
}

/**
 * True for data files named as simulated (the bundled examples: "*.simulated.csv"). The report
 * then says so plainly; the convention is on the name's ending only, so a folder or file merely
 * called "example" or "demo" is never labelled simulated.
 */
export function isSimulatedSource(source: string): boolean {
  return /\.simulated\.[a-z0-9]+$/i.test(source);
}
