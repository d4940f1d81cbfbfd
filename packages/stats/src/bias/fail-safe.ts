/**
 * Fail-safe N: how many unpublished null studies would overturn a result (metafor's fsn).
 */
import { normalUpperP, qnorm } from "../distributions/index.js";
import { PooledInputError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { checkStudies, type StudyData } from "./data.js";

/** Options of {@link failSafeN}. */
export interface FailSafeOptions {
  /** "Rosenthal" (default) or "Orwin". */
  type?: "Rosenthal" | "Orwin";
  /** One-sided significance level for Rosenthal's method; default 0.05. */
  alpha?: number;
  /** Orwin: the effect size to be reached; default half the mean effect. */
  target?: number;
  /** Orwin: inverse-variance weighted mean effect instead of the unweighted mean; default false. */
  weighted?: boolean;
}

/** Result of {@link failSafeN}. */
export interface FailSafeResult {
  kind: "fail-safe-n";
  type: "Rosenthal" | "Orwin";
  k: number;
  /** Number of null studies, rounded up to a whole study; null when the Orwin target is 0 (never reached). */
  n: number | null;
  /** Rosenthal: one-sided p-value of Stouffer's combined z; Orwin: null. */
  p: number | null;
  /** Rosenthal: the significance level; Orwin: null. */
  alpha: number | null;
  /** Orwin: the (weighted) mean effect; Rosenthal: null. */
  meanEffect: number | null;
  /** Orwin: the target effect (with the sign of the mean effect); Rosenthal: null. */
  target: number | null;
}

/** metafor rounds up unless the value is within sqrt(machine epsilon) of a whole number. */
const WHOLE_NUMBER_TOLERANCE = Math.sqrt(2.220446049250313e-16);

/**
 * Fail-safe N.
 *
 * - Rosenthal (1979, Psychol Bull 86:638): with zᵢ = yᵢ/√vᵢ and Stouffer's z̄ = |Σzᵢ|/√k,
 *   N = max(0, k·(z̄/z₁₋α)² - k), the number of studies with z = 0 that bring the combined
 *   one-sided p-value up to α; p = P(Z > z̄).
 * - Orwin (1983, J Educ Stat 8:157): with the mean effect ȳ (weighted by 1/vᵢ on request) and a
 *   target effect t (default ȳ/2, given the sign of ȳ), N = max(0, k·(ȳ - t)/t), the number of
 *   studies with effect 0 that bring the mean down to t.
 *
 * Both are rounded up to a whole number of studies, as metafor's fsn.
 *
 * @param input - a fitted model (rma) or { yi, vi }
 * @throws TooFewStudiesError when k < 1
 * @example failSafeN({ yi: [0.4, 0.5, 0.2], vi: [0.01, 0.02, 0.015] }) // { n: ..., p: ... }
 * @example failSafeN(model, { type: "Orwin", target: 0.1 })
 */
export function failSafeN(
  input: RmaResult | StudyData,
  options: FailSafeOptions = {},
): FailSafeResult {
  const type = options.type ?? "Rosenthal";
  const { yi, vi } = checkStudies(input, 1, "a fail-safe N");
  const k = yi.length;
  if (type === "Rosenthal") {
    const alpha = options.alpha ?? 0.05;
    if (!(alpha > 0 && alpha < 1)) {
      throw new PooledInputError(
        { field: "alpha", value: alpha },
        "a significance level in (0, 1)",
      );
    }
    let sumZ = 0;
    for (let i = 0; i < k; i++) sumZ += yi[i]! / Math.sqrt(vi[i]!);
    const zMean = Math.abs(sumZ / Math.sqrt(k));
    const zCrit = qnorm(alpha, false);
    const raw = Math.max(0, k * (zMean / zCrit) ** 2 - k);
    return {
      kind: "fail-safe-n",
      type,
      k,
      n: roundUp(raw),
      p: normalUpperP(zMean),
      alpha,
      meanEffect: null,
      target: null,
    };
  }
  let meanEffect: number;
  if (options.weighted) {
    let sw = 0;
    let swy = 0;
    for (let i = 0; i < k; i++) {
      sw += 1 / vi[i]!;
      swy += yi[i]! / vi[i]!;
    }
    meanEffect = swy / sw;
  } else {
    meanEffect = yi.reduce((a, b) => a + b, 0) / k;
  }
  let target = options.target ?? meanEffect / 2;
  if (!Number.isFinite(target))
    throw new PooledInputError({ field: "target", value: target }, "a finite number");
  let n: number | null;
  if (target === 0) {
    n = null;
  } else {
    if (Math.sign(target) !== Math.sign(meanEffect)) target = -target;
    n = roundUp(Math.max(0, (k * (meanEffect - target)) / target));
  }
  return { kind: "fail-safe-n", type, k, n, p: null, alpha: null, meanEffect, target };
}

function roundUp(value: number): number {
  return Math.abs(value - Math.round(value)) >= WHOLE_NUMBER_TOLERANCE
    ? Math.ceil(value)
    : Math.round(value);
}
