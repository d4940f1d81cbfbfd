/**
 * Scales and axis ticks. Linear ticks use "nice numbers" (steps of 1, 2, 2.5 or 5 times a power
 * of ten, after Heckbert 1990, Graphics Gems); ratio axes (log scale) put ticks at nice ratios;
 * correlation axes (Fisher's z scale) put ticks at nice correlations r, at atanh(r).
 */
import type { EffectScaleKind } from "./types.js";

/**
 * An effect on the analysis scale as readers see it: exp(value) for a log ratio, tanh(value)
 * for Fisher's z (the correlation r; Fisher 1921), the value itself on a linear scale.
 */
export function toReportingScale(value: number, scale: EffectScaleKind = "linear"): number {
  if (scale === "log") return Math.exp(value);
  if (scale === "fisher-z") return Math.tanh(value);
  return value;
}

export interface Tick {
  /**
   * Position on the analysis scale (natural log on a ratio axis, Fisher's z on a correlation
   * axis).
   */
  value: number;
  /** Text printed under the tick. */
  label: string;
}

export interface Scale {
  /** Domain on the analysis scale. */
  domain: [number, number];
  /** Pixel range matching the domain. */
  range: [number, number];
  ticks: Tick[];
  map(value: number): number;
  /** Inverse of map. */
  invert(px: number): number;
}

export function linearMap(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return {
    map: (v: number) => r0 + (v - d0) * k,
    invert: (px: number) => (k === 0 ? d0 : d0 + (px - r0) / k),
  };
}

const NICE_MANTISSAS = [1, 2, 2.5, 5, 10];

/** Decimals needed to print every multiple of `step` exactly. */
export function stepDecimals(step: number): number {
  for (let d = 0; d <= 12; d++) {
    if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  }
  return 12;
}

/** Typographic minus instead of the hyphen. */
export function withMinus(s: string): string {
  return s.startsWith("-") ? `\u2212${s.slice(1)}` : s;
}

/**
 * Nice ticks covering [min, max]: the smallest nice step giving at most `maxIntervals`
 * intervals; the domain is widened to the outer ticks.
 */
export function niceTicks(
  min: number,
  max: number,
  maxIntervals = 6,
): { domain: [number, number]; ticks: Tick[]; step: number } {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error("axis limits must be finite");
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / maxIntervals;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = magnitude * 10;
  for (const m of NICE_MANTISSAS) {
    const s = m * magnitude;
    const first = Math.floor(lo / s + 1e-9);
    const last = Math.ceil(hi / s - 1e-9);
    if (last - first <= maxIntervals) {
      step = s;
      break;
    }
  }
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const decimals = stepDecimals(step);
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const value = Number((i * step).toFixed(decimals));
    ticks.push({ value: value === 0 ? 0 : value, label: withMinus(value.toFixed(decimals)) });
  }
  return { domain: [first * step, last * step], ticks, step };
}

// Mantissa sets for ratio ticks, from sparse to dense.
const RATIO_SETS = [[1], [1, 2, 5], [1, 1.5, 2, 3, 5, 7], [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8]];

/**
 * Prints a ratio with up to three significant digits and no trailing zeros. Below 0.0001 or from
 * a million up ("0.00001" and "1e-7" read badly), or for every tick of an axis that reaches
 * there (`powers`), as a power of ten: "10⁻⁶", "2×10⁻⁵", "10⁴" (1 stays "1").
 */
export function formatRatio(r: number, powers = false): string {
  if (r > 0 && r !== 1 && (powers || r < 1e-4 || r >= 1e6)) return formatPowerOfTen(r);
  if (r >= 1000) return String(Math.round(r));
  return String(Number(r.toPrecision(3)));
}

const SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/** "10⁻⁵", "2×10⁻⁵", "10⁶": three significant digits at most. */
function formatPowerOfTen(r: number): string {
  let exponent = Math.floor(Math.log10(r));
  let mantissa = Number((r / 10 ** exponent).toPrecision(3));
  if (mantissa >= 10) {
    mantissa /= 10;
    exponent += 1;
  }
  const digits = [...String(Math.abs(exponent))].map((d) => SUPERSCRIPT_DIGITS[Number(d)]);
  const power = `10${exponent < 0 ? "⁻" : ""}${digits.join("")}`;
  return mantissa === 1 ? power : `${mantissa}×${power}`;
}

/**
 * Candidate tick sets for a ratio axis, best first. `min` and `max` are natural logs; ticks sit
 * at nice ratios (0.5, 1, 2...) and each candidate's domain is widened to its outer ticks. The
 * tightest domain wins; very narrow ranges fall back to linear nice ticks on the ratio scale.
 */
export function logTickCandidates(
  min: number,
  max: number,
  maxTicks = 8,
): { domain: [number, number]; ticks: Tick[] }[] {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi - lo < 1e-9) {
    lo -= 0.1;
    hi += 0.1;
  }
  const r0 = Math.exp(lo);
  const r1 = Math.exp(hi);
  const e0 = Math.floor(Math.log10(r0)) - 1;
  const e1 = Math.ceil(Math.log10(r1)) + 1;
  const found: { domain: [number, number]; ticks: Tick[]; span: number }[] = [];
  for (const set of RATIO_SETS) {
    const candidates: number[] = [];
    for (let e = e0; e <= e1; e++) {
      for (const m of set) candidates.push(Number((m * 10 ** e).toPrecision(6)));
    }
    const below = candidates.filter((c) => c <= r0 * (1 + 1e-9));
    const above = candidates.filter((c) => c >= r1 * (1 - 1e-9));
    if (!below.length || !above.length) continue;
    let a = below[below.length - 1];
    let b = above[0];
    let inside = candidates.filter((c) => c >= a && c <= b);
    if (inside.length > maxTicks && set.length === 1) {
      // Many decades: every n-th decade, anchored at 1 so the null value keeps its tick; the
      // domain goes out to the next kept decade on each side, so the ticks stay evenly spaced
      // (0.0001, 0.01, 1, 100, 10000 rather than 0.001, 0.01, 1, 100, 1000).
      const firstDecade = Math.round(Math.log10(a));
      const lastDecade = Math.round(Math.log10(b));
      let every = 2;
      const count = (n: number) => Math.ceil(lastDecade / n) - Math.floor(firstDecade / n) + 1;
      while (count(every) > maxTicks) every++;
      inside = [];
      for (let e = Math.floor(firstDecade / every) * every; e <= lastDecade + every - 1; e += every)
        inside.push(Number(`1e${e}`));
      a = inside[0];
      b = inside[inside.length - 1];
    }
    if (inside.length < 3 || inside.length > maxTicks) continue;
    // One notation per axis: all powers of ten when the ends need them.
    const powers = inside[0] < 1e-4 || inside[inside.length - 1] >= 1e6;
    found.push({
      domain: [Math.log(a), Math.log(b)],
      ticks: inside.map((c) => ({ value: Math.log(c), label: formatRatio(c, powers) })),
      span: Math.log(b) - Math.log(a),
    });
  }
  found.sort((x, y) => x.span - y.span || x.ticks.length - y.ticks.length);
  const out: { domain: [number, number]; ticks: Tick[] }[] = found.map(({ domain, ticks }) => ({
    domain,
    ticks,
  }));
  if (out.length === 0 || hi - lo < Math.log(1.5)) {
    const lin = niceTicks(r0, r1, 5);
    const ticks = lin.ticks.filter((t) => t.value > 0);
    if (ticks.length >= 2) {
      out.unshift({
        domain: [
          Math.log(Math.min(ticks[0].value, r0)),
          Math.log(Math.max(ticks[ticks.length - 1].value, r1)),
        ],
        ticks: ticks.map((t) => ({ value: Math.log(t.value), label: t.label })),
      });
    }
  }
  return out;
}

/** The best ratio-axis ticks (see {@link logTickCandidates}). */
export function logTicks(
  min: number,
  max: number,
  maxTicks = 8,
): { domain: [number, number]; ticks: Tick[] } {
  const c = logTickCandidates(min, max, maxTicks);
  if (c.length) return c[0];
  return { domain: [min, max], ticks: [] };
}

// Past 0.99 the correlation tick sets go on one nine at a time (0.999, 0.9999...):
// atanh(1 − 10⁻ᵏ) ≈ (ln 2 + k·ln 10)/2, ticks about 1.15 apart on the z axis. The last,
// 1 − 10⁻⁷, is z ≈ 8.4.
const NINES = [0.999, 0.9999, 0.99999, 0.999999, 0.9999999];
// Positive halves of the correlation tick sets, from sparse to dense; each is mirrored about 0.
// On the z axis correlations near ±1 spread out (atanh(0.9) = 1.47, atanh(0.99) = 2.65), so the
// sets differ in the middle and share the values towards ±1.
const CORRELATION_SETS = [
  // Correlations all over (−1, 1): every other nine.
  [0.9, 0.999, 0.99999, 0.9999999],
  [0.5, 0.9, 0.99, ...NINES],
  [0.5, 0.8, 0.95, 0.99, ...NINES],
  [0.25, 0.5, 0.75, 0.9, 0.95, 0.99, ...NINES],
  [0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99, ...NINES],
  [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, ...NINES],
  // 0.05, 0.1 ... 0.95 (n/20 is the double nearest to each decimal).
  [...Array.from({ length: 19 }, (_, i) => (i + 1) / 20), 0.98, 0.99, ...NINES],
];
// Among tick sets with the same domain, the one with the number of ticks closest to this.
const PREFERRED_TICKS = 6;

/** Prints a correlation with the decimals it needs and a typographic minus: "−0.25", "0", "0.9". */
export function formatCorrelation(r: number): string {
  const s = String(Number(r.toFixed(10)));
  return withMinus(s === "-0" ? "0" : s);
}

/**
 * Candidate tick sets for a correlation axis on Fisher's z scale, best first. `min` and `max` are
 * z values; ticks sit at nice correlations r (0, ±0.25, ±0.5, ±0.9, ±0.99...) at z = atanh(r),
 * labelled with r, and each candidate's domain is widened to its outer ticks. The tightest domain
 * wins, then the number of ticks closest to six (more rather than fewer); ranges narrower than
 * 0.15 in r get linear nice ticks on the r scale first.
 */
export function correlationTickCandidates(
  min: number,
  max: number,
  maxTicks = 9,
): { domain: [number, number]; ticks: Tick[] }[] {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi - lo < 1e-9) {
    lo -= 0.05;
    hi += 0.05;
  }
  const r0 = Math.tanh(lo);
  const r1 = Math.tanh(hi);
  const found: { domain: [number, number]; ticks: Tick[]; span: number }[] = [];
  for (const positive of CORRELATION_SETS) {
    const values = [...positive.map((v) => -v).reverse(), 0, ...positive];
    const below = values.filter((c) => c <= r0 + 1e-12);
    const above = values.filter((c) => c >= r1 - 1e-12);
    if (!below.length || !above.length) continue;
    const a = below[below.length - 1];
    const b = above[0];
    const inside = values.filter((c) => c >= a && c <= b);
    if (inside.length < 3 || inside.length > maxTicks) continue;
    found.push({
      domain: [Math.atanh(a), Math.atanh(b)],
      ticks: inside.map((c) => ({ value: Math.atanh(c), label: formatCorrelation(c) })),
      span: Math.atanh(b) - Math.atanh(a),
    });
  }
  const off = (n: number) => Math.abs(n - PREFERRED_TICKS);
  found.sort((x, y) =>
    Math.abs(x.span - y.span) > 1e-9
      ? x.span - y.span
      : off(x.ticks.length) - off(y.ticks.length) || y.ticks.length - x.ticks.length,
  );
  const out: { domain: [number, number]; ticks: Tick[] }[] = found.map(({ domain, ticks }) => ({
    domain,
    ticks,
  }));
  if (r1 - r0 < 0.15) {
    const lin = niceTicks(r0, r1, 5);
    const ticks = lin.ticks.filter((t) => Math.abs(t.value) < 1);
    if (ticks.length >= 2) {
      out.unshift({
        domain: [
          Math.atanh(Math.min(ticks[0].value, r0)),
          Math.atanh(Math.max(ticks[ticks.length - 1].value, r1)),
        ],
        ticks: ticks.map((t) => ({ value: Math.atanh(t.value), label: t.label })),
      });
    }
  }
  return out;
}

/**
 * The best correlation-axis ticks (see {@link correlationTickCandidates}); beyond r = ±(1 − 10⁻⁷)
 * the domain is the data's, with the sparsest set's ticks inside it.
 */
export function correlationTicks(
  min: number,
  max: number,
  maxTicks = 9,
): { domain: [number, number]; ticks: Tick[] } {
  const c = correlationTickCandidates(min, max, maxTicks);
  if (c.length) return c[0];
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  const sparse = CORRELATION_SETS[0];
  const ticks = [...sparse.map((v) => -v).reverse(), 0, ...sparse]
    .map((r) => ({ value: Math.atanh(r), label: formatCorrelation(r) }))
    .filter((t) => t.value >= lo && t.value <= hi);
  return { domain: [lo, hi], ticks };
}

/**
 * Builds a scale from the data extent, with ticks (linear or ratio) and an optional fixed domain.
 * With `labelWidth`, tick sets whose labels would collide on the pixel range are skipped.
 */
export function makeScale(
  values: number[],
  range: [number, number],
  opts: {
    scale?: EffectScaleKind;
    xlim?: [number, number];
    include?: number[];
    maxIntervals?: number;
    labelWidth?: (label: string) => number;
  } = {},
): Scale {
  const finite = [...values, ...(opts.include ?? [])].filter((v) => Number.isFinite(v));
  let [lo, hi] = finite.length ? extent(finite) : [-1, 1];
  if (opts.xlim) [lo, hi] = opts.xlim;
  const candidates: { domain: [number, number]; ticks: Tick[] }[] = [];
  if (opts.scale === "log") {
    candidates.push(...logTickCandidates(lo, hi));
    if (!candidates.length) candidates.push(logTicks(lo, hi));
  } else if (opts.scale === "fisher-z") {
    candidates.push(...correlationTickCandidates(lo, hi));
    if (!candidates.length) candidates.push(correlationTicks(lo, hi));
  } else {
    for (let m = opts.maxIntervals ?? 6; m >= 1; m--) candidates.push(niceTicks(lo, hi, m));
  }
  const fits = (c: { domain: [number, number]; ticks: Tick[] }) => {
    if (!opts.labelWidth) return true;
    const dom = opts.xlim
      ? ([Math.min(...opts.xlim), Math.max(...opts.xlim)] as [number, number])
      : c.domain;
    const m = linearMap(dom, range);
    for (let i = 1; i < c.ticks.length; i++) {
      const gap = Math.abs(m.map(c.ticks[i].value) - m.map(c.ticks[i - 1].value));
      const need =
        (opts.labelWidth(c.ticks[i].label) + opts.labelWidth(c.ticks[i - 1].label)) / 2 + 6;
      if (gap < need) return false;
    }
    return true;
  };
  let chosen = candidates.find(fits) ?? candidates[candidates.length - 1];
  if ((opts.scale === "log" || opts.scale === "fisher-z") && !candidates.find(fits)) {
    // Nothing fits: keep the tightest domain but thin its ticks to every other one, keeping the
    // tick at 0 (a ratio of 1, a correlation of 0) when there is one.
    const { domain, ticks } = candidates[0];
    const zero = Math.max(
      0,
      ticks.findIndex((t) => Math.abs(t.value) < 1e-12),
    );
    chosen = { domain, ticks: ticks.filter((_, i) => (i - zero) % 2 === 0) };
  }
  let { domain, ticks } = chosen;
  if (opts.xlim) {
    // A fixed domain is kept as given; only ticks inside it are drawn.
    domain = [Math.min(...opts.xlim), Math.max(...opts.xlim)];
    ticks = ticks.filter((t) => t.value >= domain[0] - 1e-9 && t.value <= domain[1] + 1e-9);
  }
  const m = linearMap(domain, range);
  return { domain, range, ticks, map: m.map, invert: m.invert };
}

/** Min and max of many numbers without spreading them onto the call stack. */
export function extent(values: number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
