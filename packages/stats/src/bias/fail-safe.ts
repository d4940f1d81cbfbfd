/**
 * Fail-safe N: how many unpublished null studies would overturn a result (metafor's fsn): Rosenthal
 * (1979), Orwin (1983) and Rosenberg (2005).
 */
import { normalTwoSidedP, normalUpperP, qnorm } from "../distributions/index.js";
import { PooledInputError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { checkStudies, type StudyData } from "./data.js";

/** Options of {@link failSafeN}. */
export interface FailSafeOptions {
  /** "Rosenthal" (default), "Orwin" or "Rosenberg". */
  type?: FailSafeType;
  /**
   * Significance level; default 0.05. Rosenthal: one-sided (Stouffer's combined z); Rosenberg:
   * two-sided (the fixed-effect z test).
   */
  alpha?: number;
  /** Orwin: the effect size to be reached; default half the mean effect. */
  target?: number;
  /** Orwin: inverse-variance weighted mean effect instead of the unweighted mean; default false. */
  weighted?: boolean;
}

/** The fail-safe N methods of {@link failSafeN} (metafor's fsn types). */
export type FailSafeType = "Rosenthal" | "Orwin" | "Rosenberg";

/** Result of {@link failSafeN}. */
export interface FailSafeResult {
  kind: "fail-safe-n";
  type: FailSafeType;
  k: number;
  /** Number of null studies, rounded up to a whole study; null when the Orwin target is 0 (never reached). */
  n: number | null;
  /**
   * Rosenthal: one-sided p-value of Stouffer's combined z; Rosenberg: two-sided p-value of the
   * fixed-effect model's z test; Orwin: null.
   */
  p: number | null;
  /** Rosenthal, Rosenberg: the significance level; Orwin: null. */
  alpha: number | null;
  /**
   * Orwin: the (weighted) mean effect; Rosenberg: the fixed-effect (inverse-variance weighted)
   * mean; Rosenthal: null.
   */
  meanEffect: number | null;
  /** Orwin: the target effect (with the sign of the mean effect); Rosenthal, Rosenberg: null. */
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
 * - Rosenberg (2005, Evolution 59:464): with wᵢ = 1/vᵢ, the fixed-effect mean has
 *   z = Σwᵢyᵢ/√Σwᵢ and two-sided p = 2·P(Z > |z|). N added studies with effect 0 and the average
 *   weight w̄ = Σwᵢ/k leave Σwᵢyᵢ unchanged and raise the total weight to Σwᵢ + N·w̄, so
 *   z = Σwᵢyᵢ/√(Σwᵢ + N·w̄); the result stops being significant at α (two-sided) when
 *   |z| = z₁₋α/₂: N = max(0, ((Σwᵢyᵢ/z₁₋α/₂)² - Σwᵢ)/w̄) (metafor's fsn writes 1/w̄ as
 *   1/mean(1/vᵢ)).
 *
 * All three are rounded up to a whole number of studies, as metafor's fsn.
 *
 * @param input - a fitted model (rma) or { yi, vi }
 * @throws TooFewStudiesError when k < 1
 * @example failSafeN({ yi: [0.4, 0.5, 0.2], vi: [0.01, 0.02, 0.015] }) // { n: ..., p: ... }
 * @example failSafeN(model, { type: "Orwin", target: 0.1 })
 * @example failSafeN(model, { type: "Rosenberg", alpha: 0.01 }) // { n, p: FE model's p, alpha }
 */
export function failSafeN(
  input: RmaResult | StudyData,
  options: FailSafeOptions = {},
): FailSafeResult {
  const type = options.type ?? "Rosenthal";
  const { yi, vi } = checkStudies(input, 1, "a fail-safe N");
  const k = yi.length;
  if (type !== "Rosenthal" && type !== "Orwin" && type !== "Rosenberg") {
    throw new PooledInputError(
      { field: "type", value: type },
      '"Rosenthal", "Orwin" or "Rosenberg"',
    );
  }
  if (type === "Rosenberg") return rosenberg(yi, vi, checkAlpha(options.alpha));
  if (type === "Rosenthal") {
    const alpha = checkAlpha(options.alpha);
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

/** Rosenberg's weighted fail-safe N (see {@link failSafeN}). */
function rosenberg(yi: number[], vi: number[], alpha: number): FailSafeResult {
  const k = yi.length;
  let sumW = 0;
  let sumWy = 0;
  for (let i = 0; i < k; i++) {
    sumW += 1 / vi[i]!;
    sumWy += yi[i]! / vi[i]!;
  }
  const z = sumWy / Math.sqrt(sumW);
  const zCrit = qnorm(alpha / 2, false);
  // 1/w̄ = k/Σw: the variance of each added study
  const raw = Math.max(0, ((sumWy / zCrit) ** 2 - sumW) * (k / sumW));
  return {
    kind: "fail-safe-n",
    type: "Rosenberg",
    k,
    n: roundUp(raw),
    p: normalTwoSidedP(z),
    alpha,
    meanEffect: sumWy / sumW,
    target: null,
  };
}

/** The significance level, default 0.05, in (0, 1). */
function checkAlpha(alpha = 0.05): number {
  if (!(alpha > 0 && alpha < 1)) {
    throw new PooledInputError({ field: "alpha", value: alpha }, "a significance level in (0, 1)");
  }
  return alpha;
}

function roundUp(value: number): number {
  return Math.abs(value - Math.round(value)) >= WHOLE_NUMBER_TOLERANCE
    ? Math.ceil(value)
    : Math.round(value);
}
