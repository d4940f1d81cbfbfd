/**
 * PET-PEESE (Stanley & Doucouliagos 2014): precision-effect estimates of the effect corrected for
 * small-study effects. metafor has no function for it; both regressions are fitted with rma.
 */

import { type FitControl, fitDefaults } from "../defaults.js";
import { PooledInputError } from "../errors.js";
import { rma } from "../models/rma.js";
import type { RmaResult } from "../models/types.js";
import type { BackendName } from "../types.js";
import { extent } from "../util/extent.js";
import { checkStudies, isModel, type StudyData } from "./data.js";
import { ConstantPredictorError } from "./errors.js";

/** Options of {@link petPeese}. */
export interface PetPeeseOptions {
  /**
   * "lm" (default, Stanley & Doucouliagos): weighted least squares with weights 1/vi and a
   * multiplicative residual variance, t with k - 2 df; "rma": meta-regressions under the model's
   * method and test (for bare data: REML, z).
   */
  model?: "lm" | "rma";
  /**
   * Two-sided significance level of PET's test of the intercept for the conditional rule; default
   * 0.10, i.e. a one-tailed 5% test as Stanley & Doucouliagos (2014).
   */
  alpha?: number;
  control?: Partial<FitControl>;
  backend?: BackendName;
}

/** One of the two regressions: the intercept (the corrected effect) and the slope. */
export interface PrecisionEffectFit {
  /** Intercept: the effect of a study with standard error 0. */
  estimate: number;
  se: number;
  /** t (model "lm", or knha) or z statistic of the intercept, with its two-sided p-value. */
  statistic: number;
  p: number;
  df: number | null;
  ciLower: number;
  ciUpper: number;
  /** Slope on sei (PET) or vi (PEESE), with SE and p-value. */
  slope: number;
  slopeSe: number;
  slopeP: number;
  /** Residual tau² (model "rma"), else null. */
  tau2: number | null;
}

/** Result of {@link petPeese}. */
export interface PetPeeseResult {
  kind: "pet-peese";
  model: "lm" | "rma";
  k: number;
  /** Precision-effect test: yᵢ = β₀ + β₁·seᵢ. */
  pet: PrecisionEffectFit;
  /** Precision-effect estimate with standard error: yᵢ = β₀ + β₁·vᵢ. */
  peese: PrecisionEffectFit;
  /** Which estimate the conditional rule reports. */
  chosen: "PET" | "PEESE";
  /** The chosen estimate (= pet or peese). */
  estimate: number;
  ciLower: number;
  ciUpper: number;
  alpha: number;
  notes: string[];
}

/**
 * PET-PEESE (Stanley & Doucouliagos 2014, Res Synth Methods 5:60).
 *
 * PET regresses the effects on their standard errors, yᵢ = β₀ + β₁·seᵢ + εᵢ; PEESE on their
 * variances, yᵢ = β₀ + β₁·vᵢ + εᵢ; both weighted by 1/vᵢ. β₀ estimates the effect of an infinitely
 * precise study. Conditional rule: when PET's β₀ differs from 0 (two-sided p < alpha = 0.10, i.e.
 * one-tailed 5%), a genuine effect is likely and PEESE's β₀ (less biased then) is reported; else
 * PET's. The test is two-sided whatever the sign of β₀, as most published applications use it; a
 * reader who wants the directional one-tailed rule compares `pet.estimate`'s sign with the
 * expected direction before reading `chosen`. With model "lm" PET is the classical Egger regression (egger(..., { model: "lm" })).
 *
 * @param input - a fitted model (rma) or { yi, vi }
 * @throws TooFewStudiesError when k < 3
 * @throws ConstantPredictorError when all standard errors are equal
 * @example petPeese(rma({ yi, vi })) // { chosen: "PET" | "PEESE", estimate, ciLower, ciUpper, ... }
 */
export function petPeese(
  input: RmaResult | StudyData,
  options: PetPeeseOptions = {},
): PetPeeseResult {
  const { yi, vi, labels } = checkStudies(input, 3, "PET-PEESE");
  if (isModel(input) && input.p !== 1) {
    throw new PooledInputError(
      { field: "mods", value: input.termNames.slice(1).join(", ") },
      "a model without moderators (PET-PEESE)",
    );
  }
  const regression = options.model ?? "lm";
  const alpha = options.alpha ?? 0.1;
  if (!(alpha > 0 && alpha < 1))
    throw new PooledInputError({ field: "alpha", value: alpha }, "a level in (0, 1)");
  const sei = vi.map(Math.sqrt);
  const { min: lo, max: hi } = extent(sei);
  if (!(hi - lo > 1e-10 * hi)) throw new ConstantPredictorError("sei", "PET-PEESE");
  const fromModel = isModel(input);
  const fitOptions = {
    method: regression === "lm" ? ("FE" as const) : fromModel ? input.method : fitDefaults.method,
    // Knapp-Hartung on a fixed-effect model is weighted least squares with a multiplicative
    // residual variance (R's lm with weights 1/vi).
    test: regression === "lm" ? ("knha" as const) : fromModel ? input.test : fitDefaults.test,
    level: fromModel ? input.level : fitDefaults.level,
    labels,
    control: options.control,
    backend: options.backend ?? (fromModel ? input.backend : undefined),
  };
  const one = (name: string, x: number[]): PrecisionEffectFit => {
    const fit = rma({ yi, vi }, { ...fitOptions, mods: [{ name, values: x }] });
    const b0 = fit.coefficients[0]!;
    const b1 = fit.coefficients[1]!;
    return {
      estimate: b0.estimate,
      se: b0.se,
      statistic: b0.statistic,
      p: b0.p,
      df: fit.df,
      ciLower: b0.ciLower,
      ciUpper: b0.ciUpper,
      slope: b1.estimate,
      slopeSe: b1.se,
      slopeP: b1.p,
      tau2: regression === "rma" ? fit.tau2 : null,
    };
  };
  const pet = one("sei", sei);
  const peese = one("vi", vi);
  const chosen = pet.p < alpha ? "PEESE" : "PET";
  const best = chosen === "PET" ? pet : peese;
  const notes: string[] = [];
  if (yi.length < 10)
    notes.push(
      `Only ${yi.length} studies: PET-PEESE estimates are very imprecise with fewer than 10.`,
    );
  return {
    kind: "pet-peese",
    model: regression,
    k: yi.length,
    pet,
    peese,
    chosen,
    estimate: best.estimate,
    ciLower: best.ciLower,
    ciUpper: best.ciUpper,
    alpha,
    notes,
  };
}
