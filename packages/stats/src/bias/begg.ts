/**
 * Begg & Mazumdar's rank correlation test for funnel-plot asymmetry, as metafor's ranktest.
 */
import { PooledInputError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { checkStudies, type StudyData } from "./data.js";
import { ConstantPredictorError } from "./errors.js";
import { kendallTau } from "./kendall.js";

/** Result of {@link begg}. Field names `tau` and `p` are those of the CLI's JSON contract. */
export interface BeggResult {
  kind: "begg";
  k: number;
  /** Kendall's tau between the standardised effects and the sampling variances. */
  tau: number;
  /** Two-sided p-value. */
  p: number;
  /** True: exact p-value (no ties); false: normal approximation with the tie correction. */
  exact: boolean;
  notes: string[];
}

/**
 * Begg & Mazumdar (1994, Biometrics 50:1088) rank correlation test.
 *
 * With the fixed-effect estimate θ̂ = Σwᵢyᵢ/Σwᵢ (wᵢ = 1/vᵢ, whatever the model's method, as
 * metafor) and its variance v̂ = 1/Σwᵢ, the standardised effects are yᵢ* = (yᵢ - θ̂)/√(vᵢ - v̂);
 * the test is Kendall's tau between yᵢ* and vᵢ with the exact p-value when there are no ties
 * (see {@link kendallTau}).
 *
 * @param input - a fitted model (rma) or { yi, vi }
 * @throws TooFewStudiesError when k < 3
 * @throws ConstantPredictorError when all vi are equal (tau undefined)
 * @example begg({ yi: [0.1, 0.3, 0.35, 0.6, 0.2], vi: [0.01, 0.02, 0.015, 0.03, 0.012] }) // { tau, p }
 */
export function begg(input: RmaResult | StudyData): BeggResult {
  const { yi, vi } = checkStudies(input, 3, "Begg's rank correlation test");
  const k = yi.length;
  let sumW = 0;
  let sumWY = 0;
  for (let i = 0; i < k; i++) {
    sumW += 1 / vi[i]!;
    sumWY += yi[i]! / vi[i]!;
  }
  const theta = sumWY / sumW;
  const vTheta = 1 / sumW;
  const standardised = yi.map((y, i) => (y - theta) / Math.sqrt(vi[i]! - vTheta));
  let result: ReturnType<typeof kendallTau>;
  try {
    result = kendallTau(standardised, vi);
  } catch (error) {
    if (error instanceof PooledInputError)
      throw new ConstantPredictorError("vi", "Begg's rank correlation test");
    throw error;
  }
  const notes: string[] = [];
  if (!result.exact)
    notes.push("Tied values: the p-value is the normal approximation with the tie correction.");
  if (k < 10) notes.push(`Only ${k} studies: the rank correlation test has little power.`);
  return { kind: "begg", k, tau: result.tau, p: result.p, exact: result.exact, notes };
}
