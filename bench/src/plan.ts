/**
 * What the suite times: the sizes, replicate counts and seeds, in one place so the Node
 * suite, the Chromium worker and the metafor script run the same work.
 */

export interface Plan {
  /** Study counts of the single REML fits. */
  remlSizes: number[];
  /** Moderator counts of the REML fits (continuous x1..x3). */
  remlModerators: number[];
  /** k of the resampling runs (with the 4-level categorical moderator). */
  resamplingK: number;
  permutations: number;
  bootstrapReplicates: number;
  /** k of leave-one-out and influence. */
  diagnosticsK: number;
  /** Seed of the permutation and bootstrap draws. */
  seed: number;
  /** A quick plan times less work: for debugging the harness, never for figures. */
  quick: boolean;
}

/** The plan behind bench/results.json and bench/README.md. */
export const fullPlan: Plan = {
  remlSizes: [10, 30, 100, 1000, 100_000],
  remlModerators: [0, 3],
  resamplingK: 30,
  permutations: 10_000,
  bootstrapReplicates: 100_000,
  diagnosticsK: 1000,
  seed: 1,
  quick: false,
};

/** `--quick`: a few seconds, to check the harness works; written to bench/dist/ only. */
export const quickPlan: Plan = {
  remlSizes: [10, 1000],
  remlModerators: [0, 3],
  resamplingK: 30,
  permutations: 500,
  bootstrapReplicates: 1000,
  diagnosticsK: 100,
  seed: 1,
  quick: true,
};

/** 10000 -> "1e4"; other counts as they are. */
export function countName(n: number): string {
  const e = Math.log10(n);
  return Number.isInteger(e) && e >= 3 ? `1e${e}` : String(n);
}

/** Kernel names of results.json (they contain "reml", "permutation", "bootstrap", "leave-one-out"). */
export const kernelName = {
  reml: (moderators: number) =>
    moderators === 0 ? "reml-fit" : `reml-fit-${moderators}-moderators`,
  rma: (moderators: number) =>
    moderators === 0 ? "reml-rma" : `reml-rma-${moderators}-moderators`,
  permutation: (plan: Plan) => `permutation-${countName(plan.permutations)}`,
  bootstrap: (plan: Plan) => `bootstrap-${countName(plan.bootstrapReplicates)}`,
  leaveOneOut: "leave-one-out",
  influence: "leave-one-out-influence",
  browser: (plan: Plan) => `permutation-${countName(plan.permutations)}-chromium-worker`,
};
