/**
 * Numbers as every surface prints them: a fixed number of decimals, never "-0.00" (a value that
 * rounds to zero reads as a sign error with its minus), and a placeholder where there is no
 * number. The surfaces keep their own placeholder, chosen for where it is read: the report's
 * tables and prose an em dash (MISSING_IN_REPORT), the web page's tables an en dash
 * (MISSING_ON_PAGE), an SVG plot "NA" (plots' fmt, which also prints ±∞ and a typographic minus).
 */

/** The report's placeholder for a statistic that could not be computed. */
export const MISSING_IN_REPORT = "—";
/** The web page's placeholder for a statistic that could not be computed. */
export const MISSING_ON_PAGE = "–";

/** `x` with `digits` decimals ("-0.00" printed as "0.00"), or `missing` for null, NaN and ±∞. */
export function formatFixed(x: number | null | undefined, digits: number, missing: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return missing;
  const text = x.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A p-value as reviewers write it: "< 0.001" below a thousandth, three decimals otherwise. */
export function formatPValue(p: number | null | undefined, missing: string): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return missing;
  if (p < 0.001) return "< 0.001";
  return p.toFixed(3);
}
