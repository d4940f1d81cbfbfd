/**
 * Cumulative meta-analysis, as metafor's cumul.
 */
import { PooledInputError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { type LeaveOneOutRow, summaryRow } from "./leave-one-out.js";
import { type RefitOptions, refitSubsets } from "./refit.js";

/** Options of {@link cumulative}. */
export interface CumulativeOptions extends RefitOptions {
  /**
   * Sort key per study (e.g. publication year); studies enter in increasing order of the key, ties
   * in input order (R's order()). Default: input order.
   */
  order?: ArrayLike<number> | ArrayLike<string>;
  /** Enter studies in decreasing order of the key instead; default false. */
  decreasing?: boolean;
}

/** One step: the model of the studies entered so far; `study` is the study added at this step. */
export type CumulativeRow = LeaveOneOutRow;

/** Result of {@link cumulative}: one row per step, in the order of entry. */
export interface CumulativeResult {
  kind: "cumulative";
  method: RmaResult["method"];
  test: RmaResult["test"];
  /** Input indices of the studies in the order they enter. */
  order: number[];
  steps: CumulativeRow[];
  notes: string[];
}

/**
 * Cumulative meta-analysis (Lau et al. 1992, N Engl J Med 327:248): the model refitted to the first
 * 1, 2, ..., k studies in a given order (e.g. by year), same method, test and level. A step whose
 * fit is impossible (e.g. Knapp-Hartung with one study) has null statistics, as metafor's NA.
 *
 * @param model - a fitted model without moderators (rma)
 * @throws PooledInputError when the model has moderators or the order has the wrong length
 * @example cumulative(rma({ yi, vi }), { order: years }).steps.map((s) => [s.study, s.estimate])
 */
export function cumulative(model: RmaResult, options: CumulativeOptions = {}): CumulativeResult {
  if (model.p !== 1) {
    throw new PooledInputError(
      { field: "mods", value: model.termNames.slice(1).join(", ") },
      "a model without moderators (cumulative meta-analysis)",
    );
  }
  const k = model.k;
  const order = entryOrder(k, options.order, options.decreasing ?? false);
  const { fits, failures } = refitSubsets(model, { kind: "prefixes", order }, options);
  const steps = fits.map((fit, step) => summaryRow(fit, model.labels[order[step]!]!, order[step]!));
  const notes = failures.map(
    (f) => `Step ${f.index + 1}: the model could not be fitted (${f.message}).`,
  );
  return { kind: "cumulative", method: model.method, test: model.test, order, steps, notes };
}

/** Stable ordering of the studies by the key (R's order(key, decreasing)). */
function entryOrder(k: number, key: CumulativeOptions["order"], decreasing: boolean): number[] {
  const idx = Array.from({ length: k }, (_, i) => i);
  if (key === undefined) return idx;
  if (key.length !== k) {
    throw new PooledInputError(
      { field: "order", value: `${key.length} values` },
      `${k} values, one per study`,
    );
  }
  const keys = Array.from(key as ArrayLike<number | string>);
  keys.forEach((v, i) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      throw new PooledInputError({ index: i, field: "order", value: v }, "a finite number");
    }
  });
  const sign = decreasing ? -1 : 1;
  idx.sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    const c =
      typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x) < String(y)
          ? -1
          : String(x) > String(y)
            ? 1
            : 0;
    return sign * c || a - b;
  });
  return idx;
}
