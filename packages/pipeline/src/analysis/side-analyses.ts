/**
 * The engine calls behind the side analyses, in one object. The analysis fits its main model with
 * @pooled/stats' rma directly (if that fails there is no analysis, and the engine's error names
 * the remedies); every other fit goes through this object, and a failure there costs only its own
 * block (see failures.ts). Tests pass a copy with one call made to fail, to show that the rest of
 * the analysis still stands.
 *
 * The meta-regression asked for with --mods is the one exception: like the main model it stops the
 * run when it cannot be fitted (e.g. collinear moderators, whose remedy the error names); only the
 * model without moderators behind its R² is a side fit (R² null, with a note). Likewise the
 * three-level model asked for with --model three-level (and its meta-regression) stops the run;
 * when it is only fitted because a publication has several experiments, it is a side fit.
 */
import {
  baujat,
  begg,
  bootstrap,
  cumulative,
  egger,
  failSafeN,
  gosh,
  influence,
  leaveOneOut,
  multilevelBootstrap,
  multilevelPermutationTest,
  permutationTest,
  petPeese,
  rma,
  rmaMultilevel,
  robustCR2,
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
  petPeese: typeof petPeese;
  failSafeN: typeof failSafeN;
  influence: typeof influence;
  /** GOSH: the main model on subsets of the studies (--gosh), in workers. */
  gosh: typeof gosh;
  leaveOneOut: typeof leaveOneOut;
  cumulative: typeof cumulative;
  baujat: typeof baujat;
  permutationTest: typeof permutationTest;
  bootstrap: typeof bootstrap;
  /** The three-level model: its subgroup models, and itself when it is not the model asked for. */
  multilevel: typeof rmaMultilevel;
  /** CR2 cluster-robust inference for the standard model, clustered by publication. */
  robustCR2: typeof robustCR2;
  /** Resampling of the three-level model (--model three-level with --permutations, --bootstrap). */
  multilevelPermutationTest: typeof multilevelPermutationTest;
  multilevelBootstrap: typeof multilevelBootstrap;
}

/** The engine's own functions: what every caller but a test wants. */
export const statsSideAnalyses: SideAnalyses = {
  regression: rma,
  subgroups,
  egger,
  begg,
  trimFill,
  petPeese,
  failSafeN,
  influence,
  gosh,
  leaveOneOut,
  cumulative,
  baujat,
  permutationTest,
  bootstrap,
  multilevel: rmaMultilevel,
  robustCR2,
  multilevelPermutationTest,
  multilevelBootstrap,
};
