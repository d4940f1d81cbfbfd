/**
 * The engine calls behind the side analyses, in one object. The analysis fits its main model with
 * @pooled/stats' rma directly (if that fails there is no analysis, and the engine's error names
 * the remedies); every other fit goes through this object, and a failure there costs only its own
 * block (see failures.ts). Tests pass a copy with one call made to fail, to show that the rest of
 * the analysis still stands.
 *
 * The meta-regression asked for with --mods is the one exception: like the main model it stops the
 * run when it cannot be fitted (e.g. collinear moderators, whose remedy the error names); only the
 * model without moderators behind its R² is a side fit (R² null, with a note).
 */
import {
  baujat,
  begg,
  bootstrap,
  cumulative,
  egger,
  leaveOneOut,
  permutationTest,
  rma,
  subgroups,
  trimFill,
} from "@pooled/stats";

export interface SideAnalyses {
  /** The meta-regression (--mods), which also fits the model without moderators behind R². */
  regression: typeof rma;
  subgroups: typeof subgroups;
  egger: typeof egger;
  begg: typeof begg;
  trimFill: typeof trimFill;
  leaveOneOut: typeof leaveOneOut;
  cumulative: typeof cumulative;
  baujat: typeof baujat;
  permutationTest: typeof permutationTest;
  bootstrap: typeof bootstrap;
}

/** The engine's own functions: what every caller but a test wants. */
export const statsSideAnalyses: SideAnalyses = {
  regression: rma,
  subgroups,
  egger,
  begg,
  trimFill,
  leaveOneOut,
  cumulative,
  baujat,
  permutationTest,
  bootstrap,
};
