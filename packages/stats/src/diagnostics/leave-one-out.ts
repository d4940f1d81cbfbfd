/**
 * Leave-one-out sensitivity analysis, as metafor's leave1out.
 */
import { PooledInputError, TooFewStudiesError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { type RefitFit, type RefitOptions, refitSubsets } from "./refit.js";

/**
 * The model without one study. `study`, `estimate`, `se`, `ciLower`, `ciUpper`, `tau2` and `I2` are
 * the CLI's JSON contract names. Statistics are null when the refit failed (metafor: NA).
 */
export interface LeaveOneOutRow {
  /** Label of the omitted study. */
  study: string;
  /** Index of the omitted study in the model's input. */
  index: number;
  estimate: number | null;
  se: number | null;
  /** z (or t under Knapp-Hartung) statistic and its p-value. */
  statistic: number | null;
  p: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  /** Heterogeneity Q of the remaining studies, with its p-value. */
  Q: number | null;
  Qp: number | null;
  /** tau² of the remaining studies (0 for FE). */
  tau2: number | null;
  /** I² in percent. */
  I2: number | null;
  H2: number | null;
}

/** Result of {@link leaveOneOut}: one row per omitted study, in input order. */
export interface LeaveOneOutResult {
  kind: "leave-one-out";
  method: RmaResult["method"];
  test: RmaResult["test"];
  studies: LeaveOneOutRow[];
  /** Why a refit failed, when one did. */
  notes: string[];
}

/**
 * Leave-one-out analysis: the model refitted k times, each time without one study (same method,
 * test and level). Shows whether one study drives the pooled estimate or the heterogeneity
 * (Viechtbauer & Cheung 2010, Res Synth Methods 1:112).
 *
 * @param model - a fitted model without moderators (rma) with k >= 3
 * @throws PooledInputError when the model has moderators
 * @throws TooFewStudiesError when k < 3 (each refit would pool fewer than 2 studies)
 * @example
 * leaveOneOut(rma({ yi, vi })).studies.map((r) => [r.study, r.estimate, r.ciLower, r.ciUpper])
 */
export function leaveOneOut(model: RmaResult, options: RefitOptions = {}): LeaveOneOutResult {
  if (model.p !== 1) {
    throw new PooledInputError(
      { field: "mods", value: model.termNames.slice(1).join(", ") },
      "a model without moderators (leave-one-out)",
    );
  }
  const k = model.k;
  if (k < 3) throw new TooFewStudiesError(k, 3, "a leave-one-out analysis");
  const { fits, failures } = refitSubsets(model, { kind: "leave-one-out" }, options);
  const studies = fits.map((fit, i) => summaryRow(fit, model.labels[i]!, i));
  const notes = failures.map(
    (f) => `Without ${model.labels[f.index]}: the model could not be fitted (${f.message}).`,
  );
  return { kind: "leave-one-out", method: model.method, test: model.test, studies, notes };
}

/** The pooled-estimate summary of one refit (shared with the cumulative analysis). */
export function summaryRow(fit: RefitFit | null, study: string, index: number): LeaveOneOutRow {
  if (fit === null) {
    return {
      study,
      index,
      estimate: null,
      se: null,
      statistic: null,
      p: null,
      ciLower: null,
      ciUpper: null,
      Q: null,
      Qp: null,
      tau2: null,
      I2: null,
      H2: null,
    };
  }
  const c = fit.coefficients[0]!;
  return {
    study,
    index,
    estimate: c.estimate,
    se: c.se,
    statistic: c.statistic,
    p: c.p,
    ciLower: c.ciLower,
    ciUpper: c.ciUpper,
    Q: fit.QE.statistic,
    Qp: fit.QE.p,
    tau2: fit.tau2,
    I2: fit.I2,
    H2: fit.H2,
  };
}
