/**
 * The one refit loop of the sensitivity analyses: leave-one-out, influence, cumulative and Baujat
 * all refit a model on subsets of its studies. Keeping the loop in this single function lets a
 * faster implementation (e.g. inside the WASM core, beside the permutation loop) replace it whole.
 */
import type { FitControl } from "../defaults.js";
import { PooledError } from "../errors.js";
import { rma } from "../models/rma.js";
import type { RmaResult } from "../models/types.js";
import type { Moderator } from "../types.js";

/** Options shared by the refitting analyses. */
export interface RefitOptions {
  /** Control of every refit (threshold, maxIter...); default the engine's fitDefaults.control. */
  control?: Partial<FitControl>;
}

/** A failed refit: the error that stopped it (e.g. too few studies, non-convergence). */
export interface RefitFailure {
  index: number;
  message: string;
}

/**
 * Refits `model` (same method, test, level, design columns and backend) on each subset of its
 * studies, given as lists of study indices. A subset whose fit fails with a PooledError (too few
 * studies, a singular design, non-convergence) gives null, as metafor records NA for a failed
 * refit; the failures are returned beside the fits so callers can say why.
 *
 * @example refitSubsets(model, [[1, 2, 3], [0, 2, 3]]) // two fits, each without one study
 */
export function refitSubsets(
  model: RmaResult,
  subsets: number[][],
  options: RefitOptions = {},
): { fits: (RmaResult | null)[]; failures: RefitFailure[] } {
  const fits: (RmaResult | null)[] = [];
  const failures: RefitFailure[] = [];
  subsets.forEach((subset, s) => {
    const mods: Moderator[] = [];
    for (let j = 1; j < model.p; j++) {
      mods.push({ name: model.termNames[j]!, values: subset.map((i) => model.X[i]![j]!) });
    }
    try {
      fits.push(
        rma(
          { yi: subset.map((i) => model.yi[i]!), vi: subset.map((i) => model.vi[i]!) },
          {
            method: model.method,
            test: model.test,
            level: model.level,
            mods: mods.length > 0 ? mods : undefined,
            labels: subset.map((i) => model.labels[i]!),
            control: options.control,
            backend: model.backend,
            // No sensitivity analysis reads the refits' Q-profile CIs; skipping them is most of
            // the cost of a refit.
            heterogeneityIntervals: false,
          },
        ),
      );
    } catch (error) {
      if (!(error instanceof PooledError)) throw error;
      fits.push(null);
      failures.push({ index: s, message: error.message });
    }
  });
  return { fits, failures };
}

/** The indices 0..k-1 without `i`. */
export function allBut(k: number, i: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < k; j++) if (j !== i) out.push(j);
  return out;
}
