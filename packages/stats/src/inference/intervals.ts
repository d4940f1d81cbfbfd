/**
 * Bootstrap confidence intervals, as R's boot package computes them (boot.ci), so the two can be
 * compared on the same replicates:
 * - percentile: order statistics of the replicates, interpolated on the normal quantile scale
 *   when (R + 1)α is not an integer (Davison & Hinkley 1997, eq. 5.8; boot's norm.inter);
 * - BCa (Efron 1987): bias correction w = Φ⁻¹(#{θ* < θ̂}/R) and acceleration
 *   a = ΣL³/(6(ΣL²)^{3/2}) from jackknife influence values L_i = (n - 1)(θ̄₍.₎ - θ₍ᵢ₎)
 *   (Efron & Tibshirani 1993, eq. 14.15); endpoints at the percentiles
 *   Φ(w + (w + z_α)/(1 - a(w + z_α))).
 * Non-finite replicates (failed refits) are left out, as boot does; the caller reports them.
 */
import { normalLowerP, qnorm } from "../distributions/normal.js";

/** Finite values of t, sorted ascending. */
export function sortedFinite(t: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) n++;
  const out = new Float64Array(n);
  n = 0;
  for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]!)) out[n++] = t[i]!;
  return out.sort();
}

/**
 * The α quantile of sorted replicates as boot's norm.inter: with r = (R + 1)α and k = ⌊r⌋,
 * t₍ₖ₎ when r is an integer, the extreme order statistic when k = 0 or k = R, else linear
 * interpolation between t₍ₖ₎ and t₍ₖ₊₁₎ on the scale of Φ⁻¹(k/(R + 1)).
 */
export function normInter(sorted: Float64Array, alpha: number): number {
  const R = sorted.length;
  if (R === 0 || !Number.isFinite(alpha)) return Number.NaN;
  const rk = (R + 1) * alpha;
  const k = Math.trunc(rk);
  if (k === rk && k >= 1 && k <= R) return sorted[k - 1]!;
  if (k <= 0) return sorted[0]!;
  if (k >= R) return sorted[R - 1]!;
  const z = qnorm(alpha);
  const zk = qnorm(k / (R + 1));
  const zk1 = qnorm((k + 1) / (R + 1));
  const tk = sorted[k - 1]!;
  const tk1 = sorted[k]!;
  return tk + ((z - zk) / (zk1 - zk)) * (tk1 - tk);
}

export interface BootstrapInterval {
  lower: number;
  upper: number;
}

/** Percentile interval at `level` percent (e.g. 95). */
export function percentileInterval(t: ArrayLike<number>, level: number): BootstrapInterval | null {
  const sorted = sortedFinite(t);
  if (sorted.length === 0) return null;
  const conf = level / 100;
  return { lower: normInter(sorted, (1 - conf) / 2), upper: normInter(sorted, (1 + conf) / 2) };
}

export interface BcaInterval extends BootstrapInterval {
  /** Bias correction w (z₀). */
  biasCorrection: number;
  /** Acceleration a. */
  acceleration: number;
}

/**
 * BCa interval at `level` percent from the replicates t, the estimate t0 and the jackknife
 * (leave-one-out) estimates. Null when w or a is not finite (every replicate on one side of t0, or
 * no spread in the jackknife): boot.ci stops there too.
 */
export function bcaInterval(
  t: ArrayLike<number>,
  t0: number,
  jackknife: ArrayLike<number>,
  level: number,
): BcaInterval | null {
  const sorted = sortedFinite(t);
  const R = sorted.length;
  if (R === 0) return null;
  let below = 0;
  for (let i = 0; i < R; i++) if (sorted[i]! < t0) below++;
  const w = qnorm(below / R);
  if (!Number.isFinite(w)) return null;
  const n = jackknife.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += jackknife[i]!;
  mean /= n;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const L = (n - 1) * (mean - jackknife[i]!);
    s2 += L * L;
    s3 += L * L * L;
  }
  const a = s3 / (6 * s2 ** 1.5);
  if (!Number.isFinite(a)) return null;
  const conf = level / 100;
  const ends = [(1 - conf) / 2, (1 + conf) / 2].map((alpha) => {
    const z = qnorm(alpha);
    return normInter(sorted, normalLowerP(w + (w + z) / (1 - a * (w + z))));
  });
  return { lower: ends[0]!, upper: ends[1]!, biasCorrection: w, acceleration: a };
}
