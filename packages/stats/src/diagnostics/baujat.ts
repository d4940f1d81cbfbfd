/**
 * Baujat plot coordinates, as metafor's baujat.
 */
import { TooFewStudiesError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { quadraticForm } from "./matrix.js";
import { type RefitOptions, refitSubsets } from "./refit.js";

/** One study on the Baujat plot; `influence` is null when the refit without it failed. */
export interface BaujatPoint {
  study: string;
  index: number;
  /** Contribution to the (residual) heterogeneity: (yᵢ - ŷᵢ)²/(vᵢ + τ̂²). */
  heterogeneity: number;
  /** Influence on the fitted value: (ŷᵢ - ŷᵢ₍₋ᵢ₎)²/Var(ŷᵢ₍₋ᵢ₎). */
  influence: number | null;
}

/** Result of {@link baujat}. */
export interface BaujatResult {
  kind: "baujat";
  method: RmaResult["method"];
  points: BaujatPoint[];
  notes: string[];
}

/**
 * Baujat et al. (2002, Stat Med 21:2641) plot data: for each study, its squared Pearson residual
 * (yᵢ - xᵢβ̂)²/(vᵢ + τ̂²) — under FE its contribution to Q — against the squared change in its
 * fitted value when it is left out, standardised by the variance of the fitted value of the model
 * without it: (xᵢβ̂ - xᵢβ̂₍₋ᵢ₎)²/(xᵢ·Var(β̂₍₋ᵢ₎)·xᵢ'). As metafor's baujat.
 *
 * @param model - a fitted model (rma), with or without moderators, k >= p + 1
 * @throws TooFewStudiesError when k < p + 1
 * @example baujat(rma({ yi, vi })).points // [{ study, heterogeneity, influence }]
 */
export function baujat(model: RmaResult, options: RefitOptions = {}): BaujatResult {
  const { k, p, X, yi, vi, tau2, fitted } = model;
  if (k < p + 1)
    throw new TooFewStudiesError(k, p + 1, `a Baujat plot of a model with ${p} coefficient(s)`);
  const { fits, failures } = refitSubsets(model, { kind: "leave-one-out" }, options);
  const points = fits.map((fit, i): BaujatPoint => {
    const heterogeneity = (yi[i]! - fitted[i]!) ** 2 / (tau2 + vi[i]!);
    let influence: number | null = null;
    if (fit !== null) {
      let delpred = 0;
      for (let j = 0; j < p; j++) delpred += X[i]![j]! * fit.beta[j]!;
      const value = (delpred - fitted[i]!) ** 2 / quadraticForm(X[i]!, fit.vb);
      influence = Number.isFinite(value) ? value : null;
    }
    return { study: model.labels[i]!, index: i, heterogeneity, influence };
  });
  const notes = failures.map(
    (f) => `Without ${model.labels[f.index]}: the model could not be fitted (${f.message}).`,
  );
  return { kind: "baujat", method: model.method, points, notes };
}
