/**
 * Scales and axis ticks. Linear ticks use "nice numbers" (steps of 1, 2, 2.5 or 5 times a power
 * of ten, after Heckbert 1990, Graphics Gems); ratio axes (log scale) put ticks at nice ratios.
 */

export interface Tick {
  /** Position on the analysis scale (natural log for a log axis). */
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

/** Prints a ratio with up to three significant digits and no trailing zeros. */
export function formatRatio(r: number): string {
  if (r >= 1000) return String(Math.round(r));
  return String(Number(r.toPrecision(3)));
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
    const a = below[below.length - 1];
    const b = above[0];
    let inside = candidates.filter((c) => c >= a && c <= b);
    if (inside.length > maxTicks && set.length === 1) {
      // Many decades: keep every n-th decade, anchored at 1 so the null value keeps its tick.
      const every = Math.ceil(inside.length / maxTicks);
      inside = inside.filter((c) => Math.round(Math.log10(c)) % every === 0 || c === a || c === b);
    }
    if (inside.length < 3 || inside.length > maxTicks) continue;
    found.push({
      domain: [Math.log(a), Math.log(b)],
      ticks: inside.map((c) => ({ value: Math.log(c), label: formatRatio(c) })),
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

/**
 * Builds a scale from the data extent, with ticks (linear or ratio) and an optional fixed domain.
 * With `labelWidth`, tick sets whose labels would collide on the pixel range are skipped.
 */
export function makeScale(
  values: number[],
  range: [number, number],
  opts: {
    scale?: "linear" | "log";
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
  if (opts.scale === "log" && !candidates.find(fits)) {
    // Nothing fits: keep the tightest domain but thin its ticks to every other one.
    chosen = {
      domain: candidates[0].domain,
      ticks: candidates[0].ticks.filter((_, i) => i % 2 === 0),
    };
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
