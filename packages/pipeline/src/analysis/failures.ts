/**
 * How a failed side analysis is recorded: its block (or value) becomes null and one sentence in the
 * analysis's `warnings` says what could not be computed and why, always worded
 * "<what> could not be computed: <reason>". The reason is the engine's error message, which names
 * the remedy. The report finds the sentence again by its <what> to show it where the block would
 * have been, so `warnings` stays the one place a failure is written down.
 */

/** The <what> of each side analysis, as its warning names it. */
export const SIDE_ANALYSIS = {
  subgroups: "Subgroup analysis",
  /** One level of the subgroup analysis (the engine's wording, see @pooled/stats subgroups). */
  subgroup: (level: string) => `Subgroup "${level}"`,
  separateTau2Test: "The test with a separate tau² per subgroup",
  commonTau2Test: "The test with a common tau²",
  /** R² of the meta-regression (its model without moderators failed). */
  R2: "Meta-regression: R²",
  egger: "Egger's regression test",
  eggerSampleSize: "Egger's test on sample size",
  begg: "Begg's rank correlation test",
  trimFill: "Trim-and-fill",
  petPeese: "PET-PEESE",
  failSafeN: "The fail-safe N",
  influence: "The influence diagnostics",
  predictions: "The predictions of the meta-regression",
  gosh: "GOSH",
  leaveOneOut: "Leave-one-out analysis",
  cumulative: "Cumulative meta-analysis",
  baujat: "Baujat plot data",
  permutation: "The permutation test",
  regressionPermutation: "The meta-regression's permutation test",
  bootstrap: "The bootstrap",
  /** CR2 cluster-robust inference for the standard model's estimate (model.robust). */
  robust: "Cluster-robust (CR2) inference",
  /** The three-level model when it is not the model asked for (a publication has 2+ rows). */
  multilevel: "The three-level model",
  /** One level of the subgroup analysis in the three-level model. */
  multilevelSubgroup: (level: string) => `Three-level model of subgroup "${level}"`,
  multilevelSubgroupTest: "The subgroup test in the three-level model",
  multilevelPermutation: "The permutation test of the three-level model",
  multilevelRegressionPermutation: "The permutation test of the three-level meta-regression",
  multilevelBootstrap: "The bootstrap of the three-level model",
} as const;

/** The warning of a side analysis that failed with `error`. */
export function couldNotCompute(what: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // The engine's bias tests name what failed ("Egger's regression test cannot be computed: ...",
  // "The side of trim-and-fill cannot be computed: ..."), which may not be the <what> here (the
  // sample-size test is Egger's test): one "could not be computed" is said, with the reason.
  const reason = message.replace(/^[^:]*? cannot be computed: /, "");
  return `${what} could not be computed: ${reason}`;
}

/** The warning saying why `what` could not be computed, or null when it was (or was not asked). */
export function failureOf(warnings: readonly string[], what: string): string | null {
  return warnings.find((w) => w.startsWith(`${what} could not be computed: `)) ?? null;
}

/**
 * Runs a side analysis that may legitimately fail on some data (e.g. Egger's test when every study
 * has the same SE): the failure becomes null plus a warning saying why, the rest goes on.
 */
export function attempt<T>(what: string, warnings: string[], run: () => T): T | null {
  try {
    return run();
  } catch (error) {
    warnings.push(couldNotCompute(what, error));
    return null;
  }
}

/**
 * {@link attempt} for the resampling stages, which may also be cancelled or refused: a
 * cancellation (the signal, or the engine's CANCELLED) and an exact permutation test too large to
 * run (a problem with what was asked, which the CLI reports as bad input) still stop the run.
 */
export async function attemptAsync<T>(
  what: string,
  warnings: string[],
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (signal?.aborted || code === "CANCELLED" || code === "TOO_MANY_ARRANGEMENTS") throw error;
    warnings.push(couldNotCompute(what, error));
    return null;
  }
}
