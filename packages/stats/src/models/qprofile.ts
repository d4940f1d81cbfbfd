/**
 * Q-profile confidence interval for tau² (Viechtbauer 2007, Stat Med 26:37), with the bounds of I²
 * and H² derived from it, as metafor 3.8's confint.rma.uni (type "QP").
 *
 * The generalised Q statistic Q(τ²) = Σ wᵢ(yᵢ - xᵢ'β̂(τ²))², wᵢ = 1/(vᵢ + τ²), follows a χ² with
 * k - p df at the true τ². The interval collects the τ² with χ²_{α/2} <= Q(τ²) <= χ²_{1-α/2}: the
 * lower bound solves Q(τ²) = χ²_{1-α/2}, the upper bound Q(τ²) = χ²_{α/2}. Q is convex and
 * decreasing in τ² (dQ/dτ² = -y'PPy), so Newton's method from 0 climbs monotonically to each root.
 * The search interval is metafor's: [0, max(100, 10·τ̂²)]; a bound beyond it is reported as the
 * edge with a ">" sign, a Q(0) below the lower critical value gives the null set {0}.
 */

import { FitWorkspace, generalizedQ } from "@pooled/core-wasm/kernels";
import { qchisq } from "../distributions/index.js";
import { KernelStatus } from "../errors.js";
import type { HeterogeneityIntervals } from "./types.js";

/** Newton stops when a step is below this fraction of the current value (or 1e-300 absolute). */
const RELATIVE_STEP_TOLERANCE = 1e-15;
const MAX_NEWTON_STEPS = 500;

export interface QProfileInput {
  yi: Float64Array;
  vi: Float64Array;
  X: Float64Array;
  k: number;
  p: number;
  tau2: number;
  /** ṽ, the typical within-study variance of I² and H². */
  typicalVariance: number;
  I2: number;
  H2: number;
  /** Confidence level in percent. */
  level: number;
}

/**
 * Q-profile CIs for tau², tau, I² and H².
 *
 * @example qProfileIntervals({ yi, vi, X, k, p: 1, tau2, typicalVariance, I2, H2, level: 95 }).tau2
 */
export function qProfileIntervals(input: QProfileInput): HeterogeneityIntervals {
  const { yi, vi, X, k, p, tau2, typicalVariance, level } = input;
  const ws = new FitWorkspace(k, p);
  const q = new Float64Array(4);
  const Q = (t: number): number => {
    const status = generalizedQ(ws, yi, vi, X, k, p, t, q);
    return status === KernelStatus.OK ? q[0]! : Number.NaN;
  };
  // Newton from 0 towards the root of Q(τ²) = target, which lies in (0, upper).
  const solve = (target: number): number => {
    let t = 0;
    for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
      const status = generalizedQ(ws, yi, vi, X, k, p, t, q);
      if (status !== KernelStatus.OK || !(q[1]! > 0)) return Number.NaN;
      const delta = (q[0]! - target) / q[1]!;
      t += delta;
      if (Math.abs(delta) <= Math.max(RELATIVE_STEP_TOLERANCE * t, 1e-300)) return t;
    }
    return t;
  };
  const alpha = 1 - level / 100;
  const df = k - p;
  const critUpper = qchisq(alpha / 2, df, false);
  const critLower = qchisq(alpha / 2, df, true);
  const tau2Min = 0;
  const tau2Max = Math.max(100, 10 * tau2);
  const qAtMax = Q(tau2Max);
  const qAtMin = Q(tau2Min);
  let lower: number | null = null;
  let upper: number | null = null;
  let lowerSign: "" | "<" | ">" = "";
  let upperSign: "" | "<" | ">" = "";
  let ciNull = false;
  if (qAtMin < critLower) {
    lower = tau2Min;
    upper = tau2Min;
    lowerSign = "<";
    upperSign = "<";
    ciNull = true;
  } else if (qAtMax > critLower) {
    upper = tau2Max;
    upperSign = ">";
  } else {
    upper = finiteOrNull(solve(critLower));
  }
  if (qAtMax > critUpper) {
    lower = tau2Max;
    upper = tau2Max;
    lowerSign = ">";
    upperSign = ">";
  } else if (qAtMin < critUpper) {
    lower = tau2Min;
  } else {
    lower = finiteOrNull(solve(critUpper));
  }
  const vt = typicalVariance;
  const i2 = (t: number | null) => (t === null ? null : (100 * t) / (vt + t));
  const h2 = (t: number | null) => (t === null ? null : t / vt + 1);
  const sqrtOrNull = (t: number | null) => (t === null || t < 0 ? null : Math.sqrt(t));
  return {
    tau2: { estimate: tau2, lower, upper },
    tau: { estimate: Math.sqrt(tau2), lower: sqrtOrNull(lower), upper: sqrtOrNull(upper) },
    I2: { estimate: input.I2, lower: i2(lower), upper: i2(upper) },
    H2: { estimate: input.H2, lower: h2(lower), upper: h2(upper) },
    ciNull,
    lowerSign,
    upperSign,
  };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
