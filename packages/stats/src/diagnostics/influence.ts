/**
 * Case-deletion influence diagnostics, as metafor's influence.rma.uni (with rstudent and dfbetas).
 */
import { chisqLowerP } from "../distributions/index.js";
import { TooFewStudiesError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { invertWithDet, quadraticForm, weightedCrossInverse } from "./matrix.js";
import { type RefitOptions, refitSubsets } from "./refit.js";

/** Diagnostics of one study; null where the model without it could not be fitted (metafor: NA). */
export interface InfluenceRow {
  study: string;
  index: number;
  /** Externally studentized residual. */
  rstudent: number | null;
  /** DFFITS: change in the fitted value, standardised. */
  dffits: number | null;
  /** Cook's distance. */
  cookD: number | null;
  /** Covariance ratio det(Var β̂₍₋ᵢ₎)/det(Var β̂). */
  covRatio: number | null;
  /** tau² without the study. */
  tau2Deleted: number | null;
  /** Residual heterogeneity Q without the study. */
  QEDeleted: number | null;
  /** Hat value (leverage) in the full model. */
  hat: number;
  /** Weight in percent in the full model. */
  weight: number;
  /** DFBETAS, one per coefficient (in the model's termNames order). */
  dfbetas: (number | null)[];
  /** metafor's flag for an influential study (see {@link influence}). */
  influential: boolean;
}

/** Result of {@link influence}. */
export interface InfluenceResult {
  kind: "influence";
  method: RmaResult["method"];
  test: RmaResult["test"];
  termNames: string[];
  studies: InfluenceRow[];
  /** The cut-offs behind `influential`. */
  thresholds: {
    /** |DFFITS| > 3·√(p/(k - p)). */
    dffits: number;
    /** Cook's distance above the median of χ²(m), m = p (all coefficients). */
    cookDChisqDf: number;
    /** hat > 3·p/k. */
    hat: number;
    /** |DFBETAS| > 1. */
    dfbetas: number;
  };
  notes: string[];
}

/** metafor sets residuals below 100 machine epsilons to exactly 0. */
const TINY_RESIDUAL = 100 * 2.220446049250313e-16;

/**
 * Case-deletion diagnostics (Viechtbauer & Cheung 2010, Res Synth Methods 1:112), computed from k
 * refits without study i (same method, test and moderators):
 * - rstudent: eᵢ = yᵢ - xᵢβ̂₍₋ᵢ₎ over √(s²₍₋ᵢ₎·(vᵢ + τ̂²₍₋ᵢ₎) + xᵢ·Var(β̂₍₋ᵢ₎)·xᵢ');
 * - DFFITS: (xᵢβ̂ - xᵢβ̂₍₋ᵢ₎)/√(s²₍₋ᵢ₎·hᵢ·(τ̂²₍₋ᵢ₎ + vᵢ));
 * - Cook's distance: (β̂ - β̂₍₋ᵢ₎)'·Var(β̂)⁻¹·(β̂ - β̂₍₋ᵢ₎), all p coefficients;
 * - covariance ratio det Var(β̂₍₋ᵢ₎)/det Var(β̂); τ̂²₍₋ᵢ₎ and QE₍₋ᵢ₎;
 * - hat values hᵢ = wᵢ·xᵢ(X'WX)⁻¹xᵢ' and weights 100·wᵢ/Σw, wᵢ = 1/(vᵢ + τ̂²);
 * - DFBETAS: (β̂ - β̂₍₋ᵢ₎)/√(s²₍₋ᵢ₎·diag((X'W₍₋ᵢ₎X)⁻¹)), W₍₋ᵢ₎ = diag(1/(v + τ̂²₍₋ᵢ₎)) over all k studies.
 * s² is the Knapp-Hartung factor (1 under the z test). As metafor, a study is flagged influential when
 * |DFFITS| > 3√(p/(k - p)), or P(χ²ₚ <= D) > 0.5, or h > 3p/k, or some |DFBETAS| > 1.
 *
 * @param model - a fitted model (rma), with or without moderators, with k >= p + 2
 * @throws TooFewStudiesError when k < p + 2
 * @example influence(rma({ yi, vi })).studies.filter((s) => s.influential).map((s) => s.study)
 */
export function influence(model: RmaResult, options: RefitOptions = {}): InfluenceResult {
  const { k, p, X, yi, vi, beta, tau2 } = model;
  if (k < p + 2)
    throw new TooFewStudiesError(
      k,
      p + 2,
      `influence diagnostics of a model with ${p} coefficient(s)`,
    );
  // Cook's distance and the covariance ratio use all p coefficients, intercept included (metafor's
  // influence sets btt with int.incl = FALSE, i.e. 1:p).
  const fullInv = invertWithDet(model.vb);

  const w = vi.map((v) => 1 / (v + tau2));
  const xtwxInv = weightedCrossInverse(X, w);
  const hat = X.map((row, i) =>
    xtwxInv === null ? Number.NaN : w[i]! * quadraticForm(row, xtwxInv),
  );

  const { fits, failures } = refitSubsets(model, { kind: "leave-one-out" }, options);

  const dffitsCut = 3 * Math.sqrt(p / (k - p));
  const hatCut = (3 * p) / k;
  const studies: InfluenceRow[] = fits.map((fit, i) => {
    const xi = X[i]!;
    const row: InfluenceRow = {
      study: model.labels[i]!,
      index: i,
      rstudent: null,
      dffits: null,
      cookD: null,
      covRatio: null,
      tau2Deleted: null,
      QEDeleted: null,
      hat: hat[i]!,
      weight: model.weights[i]!,
      dfbetas: new Array<number | null>(p).fill(null),
      influential: false,
    };
    if (fit === null) {
      row.influential = hat[i]! > hatCut;
      return row;
    }
    const tau2Del = fit.tau2;
    const s2 = fit.s2w;
    let delpred = 0;
    for (let j = 0; j < p; j++) delpred += xi[j]! * fit.beta[j]!;
    const vdelpred = quadraticForm(xi, fit.vb);
    let resid = yi[i]! - delpred;
    if (Math.abs(resid) < TINY_RESIDUAL) resid = 0;
    row.rstudent = resid / Math.sqrt(vi[i]! * s2 + vdelpred + tau2Del * s2);
    row.dffits = (model.fitted[i]! - delpred) / Math.sqrt(s2 * hat[i]! * (tau2Del + vi[i]!));
    const dfb = beta.map((b, j) => b - fit.beta[j]!);
    const vbDel = weightedCrossInverse(
      X,
      vi.map((v) => 1 / (v + tau2Del)),
    );
    row.dfbetas = dfb.map((d, j) => (vbDel === null ? null : d / Math.sqrt(s2 * vbDel[j]![j]!)));
    row.cookD = fullInv === null ? null : quadraticForm(dfb, fullInv.inverse);
    const delDet = invertWithDet(fit.vb);
    row.covRatio = fullInv === null || delDet === null ? null : delDet.det / fullInv.det;
    row.tau2Deleted = tau2Del;
    row.QEDeleted = fit.QE.statistic;
    row.influential =
      Math.abs(row.dffits) > dffitsCut ||
      (row.cookD !== null && chisqLowerP(row.cookD, p) > 0.5) ||
      hat[i]! > hatCut ||
      row.dfbetas.some((d) => d !== null && Math.abs(d) > 1);
    return row;
  });
  for (const row of studies) {
    for (const key of ["rstudent", "dffits", "cookD", "covRatio"] as const) {
      const v = row[key];
      if (v !== null && !Number.isFinite(v)) row[key] = null;
    }
    row.dfbetas = row.dfbetas.map((d) => (d !== null && Number.isFinite(d) ? d : null));
  }
  const notes = failures.map(
    (f) => `Without ${model.labels[f.index]}: the model could not be fitted (${f.message}).`,
  );
  return {
    kind: "influence",
    method: model.method,
    test: model.test,
    termNames: model.termNames.slice(),
    studies,
    thresholds: { dffits: dffitsCut, cookDChisqDf: p, hat: hatCut, dfbetas: 1 },
    notes,
  };
}
