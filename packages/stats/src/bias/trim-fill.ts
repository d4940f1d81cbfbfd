/**
 * Duval & Tweedie's trim-and-fill method, as metafor's trimfill.
 */
import type { FitControl } from "../defaults.js";
import { PooledError, PooledInputError } from "../errors.js";
import { rma } from "../models/rma.js";
import type { RmaOptions, RmaResult } from "../models/types.js";
import { checkStudies } from "./data.js";
import { ConstantPredictorError } from "./errors.js";

/** Options of {@link trimFill}. */
export interface TrimFillOptions {
  /** "L0" (default) or "R0" (Duval & Tweedie 2000). */
  estimator?: "L0" | "R0";
  /**
   * Side on which studies are missing; default as metafor: "right" when the slope of a regression
   * of yi on sei (under the model's method) is negative, else "left".
   */
  side?: "left" | "right";
  /** Maximum number of trim-and-fill iterations (metafor: 100). */
  maxIter?: number;
  /** Control of the refits (threshold, maxIter of the tau² iterations...). */
  control?: Partial<FitControl>;
}

/** A study imputed by trim-and-fill: the mirror image of a trimmed study. */
export interface FilledStudy {
  study: string;
  yi: number;
  vi: number;
}

/**
 * Result of {@link trimFill}. `k0`, `side`, `estimate`, `ciLower` and `ciUpper` are the CLI's JSON
 * contract names; the estimate and CI are those of the model refitted with the filled studies.
 */
export interface TrimFillResult {
  kind: "trim-fill";
  estimator: "L0" | "R0";
  side: "left" | "right";
  /** True when the side was given, false when it was estimated. */
  sideGiven: boolean;
  /** Estimated number of missing studies. */
  k0: number;
  /** Standard error of k0 (Duval & Tweedie 2000). */
  seK0: number;
  /** R0 only: P(R0 >= k0) under H₀ of no missing studies, 0.5^(k0 + 1); null for L0. */
  pK0: number | null;
  /** Number of trim-and-fill iterations. */
  iterations: number;
  /** Studies after filling (k + k0). */
  k: number;
  method: RmaResult["method"];
  test: RmaResult["test"];
  estimate: number;
  se: number;
  /** z (or t) statistic and p-value of the adjusted estimate. */
  statistic: number;
  p: number;
  ciLower: number;
  ciUpper: number;
  tau2: number;
  I2: number;
  filled: FilledStudy[];
  notes: string[];
}

/**
 * Trim-and-fill (Duval & Tweedie 2000, Biometrics 56:455 and JASA 95:89).
 *
 * With the effects flipped so the missing studies are on the left, sorted, and k0 = 0:
 * 1. fit the model (the model's method) to the k - k0 smallest effects, giving μ̂;
 * 2. rank |yᵢ - μ̂| over all k studies (ties by position), signed by yᵢ - μ̂;
 * 3. L0 = (4·Sᵣ - k(k + 1))/(2k - 1), Sᵣ the sum of the positive ranks; or
 *    R0 = γ* - 1, γ* the length of the rightmost run of positive ranks (k minus the largest
 *    negative rank); k0 = max(0, round(·)); repeat until k0 no longer changes.
 * The k0 most extreme studies are mirrored about μ̂ (yᵢ' = 2μ̂ - yᵢ, same vᵢ) and the model is
 * refitted to the k + k0 studies. As metafor 3.8's trimfill, the refits use the model's method with
 * the z test (a model with test "knha" keeps it only when k0 = 0).
 * var(L0) = 16·var(Sᵣ)/(2k - 1)² with var(Sᵣ) = [k(k+1)(2k+1) + 10k0³ + 27k0² + 17k0 - 18k·k0²
 * - 18k·k0 + 6k²·k0]/24; sd(R0) = √(2·k0 + 2).
 *
 * @param model - a fitted model without moderators (rma)
 * @throws PooledInputError when the model has moderators
 * @throws TooFewStudiesError when k < 3
 * @throws PooledError ("NOT_CONVERGED") when k0 does not settle within maxIter iterations
 * @example
 * const tf = trimFill(rma({ yi, vi }));
 * tf.k0; tf.side; tf.estimate; tf.ciLower; tf.filled
 */
export function trimFill(model: RmaResult, options: TrimFillOptions = {}): TrimFillResult {
  if (model.p !== 1) {
    throw new PooledInputError(
      { field: "mods", value: model.termNames.slice(1).join(", ") },
      "a model without moderators (trim-and-fill)",
    );
  }
  const { yi: yiIn, vi: viIn, labels } = checkStudies(model, 3, "trim-and-fill");
  const k = yiIn.length;
  const estimator = options.estimator ?? "L0";
  const refitOptions: RmaOptions = {
    method: model.method,
    level: model.level,
    control: options.control,
    backend: model.backend,
  };
  const side = options.side !== undefined ? options.side : estimatedSide(yiIn, viIn, refitOptions);
  const flip = side === "right" ? -1 : 1;

  // Sort the (flipped) effects ascending; a stable sort, as R's sort(..., index.return = TRUE).
  const order = yiIn.map((_, i) => i);
  const flipped = yiIn.map((y) => flip * y);
  order.sort((a, b) => flipped[a]! - flipped[b]! || a - b);
  const yi = order.map((i) => flipped[i]!);
  const vi = order.map((i) => viIn[i]!);

  const trimmed = trimUntilStable(yi, vi, estimator, options.maxIter ?? 100, refitOptions);
  const { k0 } = trimmed;
  const settled = {
    estimator,
    side,
    sideGiven: options.side !== undefined,
    k0,
    seK0: trimmed.seK0,
    pK0: estimator === "R0" ? 0.5 ** (k0 + 1) : null,
    iterations: trimmed.iterations,
  };
  if (k0 === 0) return trimFillResult(settled, k, model, [], []);

  // Mirror the k0 most extreme studies about μ̂, back on the original scale.
  const filled: FilledStudy[] = [];
  for (let j = k - k0; j < k; j++) {
    const mirrored = -(trimmed.centred[j]! - trimmed.mu);
    filled.push({ study: `Filled ${filled.length + 1}`, yi: flip * mirrored, vi: vi[j]! });
  }
  const refit = rma(
    { yi: [...yiIn, ...filled.map((f) => f.yi)], vi: [...viIn, ...filled.map((f) => f.vi)] },
    { ...refitOptions, test: "z", labels: [...labels, ...filled.map((f) => f.study)] },
  );
  const notes: string[] = [];
  if (model.test !== "z") {
    notes.push(
      "As metafor's trimfill, the model with the filled studies is fitted with the z test.",
    );
  }
  return trimFillResult(settled, refit.k, refit, filled, notes);
}

/**
 * The side on which studies are missing, as metafor estimates it: "right" when the slope of a
 * regression of yi on sei (under the model's method) is negative, else "left".
 *
 * @throws ConstantPredictorError when every SE is the same (that regression is singular)
 */
function estimatedSide(yi: number[], vi: number[], refitOptions: RmaOptions): "left" | "right" {
  const sei = vi.map(Math.sqrt);
  // metafor estimates the side from the sign of the slope on sei (a regression Egger test);
  // with equal SEs that regression is singular, so say what to do instead.
  if (sei.every((s) => s === sei[0])) {
    throw new ConstantPredictorError(
      "sei",
      "The side of trim-and-fill",
      'so the side cannot be estimated: give it (side "left" or "right")',
    );
  }
  const reg = rma({ yi, vi }, { ...refitOptions, mods: [{ name: "sei", values: sei }] });
  return reg.beta[1]! < 0 ? "right" : "left";
}

/** Where the iteration of trim-and-fill settles. */
interface TrimmedFit {
  k0: number;
  seK0: number;
  iterations: number;
  /** μ̂ of the model fitted to the k - k0 smallest effects. */
  mu: number;
  /** yᵢ - μ̂ over all k (flipped, sorted) studies. */
  centred: number[];
}

/**
 * Steps 1-3 of trim-and-fill on the flipped, sorted effects, from k0 = 0 until k0 no longer
 * changes: fit the k - k0 smallest effects, rank |yᵢ - μ̂|, estimate k0 ({@link l0Estimate} or
 * {@link r0Estimate}), k0 = max(0, round(·)).
 *
 * @throws PooledError ("NOT_CONVERGED") when k0 does not settle within maxIter iterations
 */
function trimUntilStable(
  yi: number[],
  vi: number[],
  estimator: "L0" | "R0",
  maxIter: number,
  refitOptions: RmaOptions,
): TrimmedFit {
  const k = yi.length;
  let k0 = 0;
  let previous = -1;
  let seK0 = 0;
  let iterations = 0;
  let mu = 0;
  let centred: number[] = [];
  while (k0 !== previous) {
    previous = k0;
    iterations++;
    if (iterations > maxIter) {
      throw new PooledError(
        "NOT_CONVERGED",
        `trim-and-fill did not converge in ${maxIter} iterations (the estimate of k0 keeps changing); ` +
          "try the other estimator or give the side",
      );
    }
    const trimmed = rma({ yi: yi.slice(0, k - k0), vi: vi.slice(0, k - k0) }, refitOptions);
    mu = trimmed.beta[0]!;
    centred = yi.map((y) => y - mu);
    const signedRanks = signedRanksOfAbs(centred);
    const estimate = estimator === "R0" ? r0Estimate(signedRanks) : l0Estimate(signedRanks);
    k0 = Math.max(0, roundHalfEven(estimate.raw));
    seK0 = Math.max(0, estimate.se);
  }
  return { k0, seK0, iterations, mu, centred };
}

/** An unrounded estimate of k0 with its standard error (Duval & Tweedie 2000). */
interface K0Estimate {
  raw: number;
  se: number;
}

/**
 * L0 = (4·Sᵣ - k(k + 1))/(2k - 1), Sᵣ the sum of the positive ranks, with
 * var(L0) = 16·var(Sᵣ)/(2k - 1)², var(Sᵣ) = [k(k+1)(2k+1) + 10k0³ + 27k0² + 17k0 - 18k·k0²
 * - 18k·k0 + 6k²·k0]/24 at k0 = L0.
 */
function l0Estimate(signedRanks: number[]): K0Estimate {
  const k = signedRanks.length;
  let sr = 0;
  for (const r of signedRanks) if (r > 0) sr += r;
  const raw = (4 * sr - k * (k + 1)) / (2 * k - 1);
  const varSr =
    (k * (k + 1) * (2 * k + 1) +
      10 * raw ** 3 +
      27 * raw ** 2 +
      17 * raw -
      18 * k * raw ** 2 -
      18 * k * raw +
      6 * k ** 2 * raw) /
    24;
  return { raw, se: (4 * Math.sqrt(varSr)) / (2 * k - 1) };
}

/**
 * R0 = γ* - 1, γ* the length of the rightmost run of positive ranks (k minus the largest negative
 * rank), with sd(R0) = √(2·max(0, R0) + 2).
 */
function r0Estimate(signedRanks: number[]): K0Estimate {
  const k = signedRanks.length;
  let largestNegative = 0;
  for (const r of signedRanks) if (r < 0) largestNegative = Math.max(largestNegative, -r);
  const raw = k - largestNegative - 1;
  return { raw, se: Math.sqrt(2 * Math.max(0, raw) + 2) };
}

/** The result: the settled iteration, and the estimate of `fit` (the model, or its refit). */
function trimFillResult(
  settled: Pick<
    TrimFillResult,
    "estimator" | "side" | "sideGiven" | "k0" | "seK0" | "pK0" | "iterations"
  >,
  k: number,
  fit: RmaResult,
  filled: FilledStudy[],
  notes: string[],
): TrimFillResult {
  const c = fit.coefficients[0]!;
  return {
    kind: "trim-fill",
    ...settled,
    k,
    method: fit.method,
    test: fit.test,
    estimate: c.estimate,
    se: c.se,
    statistic: c.statistic,
    p: c.p,
    ciLower: c.ciLower,
    ciUpper: c.ciUpper,
    tau2: fit.tau2,
    I2: fit.I2,
    filled,
    notes,
  };
}

/** Ranks of |x| (1 = smallest; ties by position, R's ties.method = "first"), signed by x. */
function signedRanksOfAbs(x: number[]): number[] {
  const idx = x.map((_, i) => i);
  idx.sort((a, b) => Math.abs(x[a]!) - Math.abs(x[b]!) || a - b);
  const ranks = new Array<number>(x.length);
  idx.forEach((i, r) => {
    ranks[i] = Math.sign(x[i]!) * (r + 1);
  });
  return ranks;
}

/** R's round(): halves go to the even neighbour (IEC 60559). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
