/** Number formatting shared by the plots: effects, intervals, p-values, heterogeneity lines. */
import { formatFixed } from "@pooled/contract";
import { toReportingScale, withMinus } from "./scale.js";
import type { EffectScaleKind, EffectTest, Heterogeneity } from "./types.js";

/** Fixed decimals with a typographic minus; never prints "−0.00". */
export function fmt(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return x > 0 ? "∞" : x < 0 ? "−∞" : "NA";
  return withMinus(formatFixed(x, digits, "NA"));
}

// Most decimals added to a back-transformed effect that would print as its bound.
const MAX_EXTRA_DECIMALS = 4;

/**
 * An effect on the analysis scale printed on the reporting scale: exp for log ratios, tanh for
 * Fisher's z (the correlation r). A ratio never prints as 0.00 nor a correlation as 1.00, values
 * the back-transform cannot reach: such a value gets the decimals it needs, up to four more
 * (ratio 0.0033, r 0.996).
 */
export function fmtEffect(x: number, digits: number, scale?: EffectScaleKind): string {
  const v = toReportingScale(x, scale);
  const atBound = (d: number) => {
    const printed = Math.abs(Number(v.toFixed(d)));
    return (scale === "log" && printed === 0) || (scale === "fisher-z" && printed === 1);
  };
  if (!Number.isFinite(v) || !atBound(digits)) return fmt(v, digits);
  for (let d = digits + 1; d <= digits + MAX_EXTRA_DECIMALS; d++) if (!atBound(d)) return fmt(v, d);
  return fmt(v, digits);
}

/**
 * How a description says what the axis shows, after "... confidence intervals": nothing for a
 * linear axis.
 */
export function scalePhrase(scale?: EffectScaleKind): string {
  if (scale === "log") return " on a ratio (log) scale";
  if (scale === "fisher-z") return " on the correlation scale (Fisher's z axis)";
  return "";
}

/**
 * A count with its noun in the right number: plural(1, "study") = "1 study",
 * plural(3, "study") = "3 studies", plural(2, "record") = "2 records". Nouns ending in a
 * consonant + "y" take "ies"; pass `pluralForm` for anything irregular.
 */
export function plural(n: number, singular: string, pluralForm?: string): string {
  const many =
    pluralForm ?? (/[^aeiou]y$/i.test(singular) ? `${singular.slice(0, -1)}ies` : `${singular}s`);
  return `${n.toLocaleString("en-US")} ${n === 1 ? singular : many}`;
}

/** "3.12 [2.41, 3.83]", on the reporting scale (see {@link fmtEffect}). */
export function fmtEstimateCi(
  est: number,
  lo: number,
  hi: number,
  digits: number,
  scale?: EffectScaleKind,
): string {
  return `${fmtEffect(est, digits, scale)} [${fmtEffect(lo, digits, scale)}, ${fmtEffect(hi, digits, scale)}]`;
}

/** "p < 0.001" or "p = 0.034". */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return "p = NA";
  if (p < 0.001) return "p < 0.001";
  if (p > 0.999) return "p > 0.999";
  return `p = ${p.toFixed(3)}`;
}

/** Degrees of freedom: integers as such, else two decimals. */
function fmtDf(df: number): string {
  return Number.isInteger(df) ? String(df) : df.toFixed(2);
}

/** "τ² = 1.23; I² = 45.6%; Q = 30.12 (df = 29), p = 0.410". Missing parts are left out. */
export function fmtHeterogeneity(h: Heterogeneity, digits = 2): string {
  const parts: string[] = [];
  if (h.tau2 !== null && h.tau2 !== undefined)
    parts.push(`τ² = ${fmt(h.tau2, Math.max(digits, 2))}`);
  if (h.I2 !== null && h.I2 !== undefined) parts.push(`I² = ${fmt(h.I2, 1)}%`);
  if (h.Q !== null && h.Q !== undefined) {
    let q = `Q = ${fmt(h.Q, 2)}`;
    if (h.df !== null && h.df !== undefined) q += ` (df = ${fmtDf(h.df)})`;
    if (h.p !== null && h.p !== undefined) q += `, ${fmtP(h.p)}`;
    parts.push(q);
  }
  return parts.join("; ");
}

/** "z = 4.10, p < 0.001" or "t(29) = 4.10, p < 0.001". */
export function fmtTest(t: EffectTest): string {
  const name = t.distribution === "t" && t.df != null ? `t(${fmtDf(t.df)})` : t.distribution;
  return `${name} = ${fmt(t.statistic, 2)}, ${fmtP(t.p)}`;
}

/** "Q = 4.12 (df = 2), p = 0.127" or "F(2, 27) = 1.90, p = 0.169". */
export function fmtGroupTest(
  Q: number,
  df: number,
  df2: number | null | undefined,
  p: number,
): string {
  if (df2 !== null && df2 !== undefined)
    return `F(${fmtDf(df)}, ${fmtDf(df2)}) = ${fmt(Q, 2)}, ${fmtP(p)}`;
  return `Q = ${fmt(Q, 2)} (df = ${fmtDf(df)}), ${fmtP(p)}`;
}

/**
 * Percentages of `values` rounded to `decimals` so that they add to exactly 100 (largest
 * remainder method): printed weights never sum to 99.9 or 100.1.
 */
export function percentagesToTotal(values: number[], decimals = 1): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return values.map(() => 0);
  const unit = 10 ** decimals;
  const scaled = values.map((v) => (v / total) * 100 * unit);
  const floors = scaled.map((s) => Math.floor(s));
  let missing = 100 * unit - floors.reduce((a, b) => a + b, 0);
  const order = scaled
    .map((s, i) => ({ i, rem: s - Math.floor(s) }))
    .sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i] += 1;
    missing -= 1;
  }
  return floors.map((f) => f / unit);
}
