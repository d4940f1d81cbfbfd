/**
 * Property tests are reproducible: every run uses the same seed, so CI never turns red on a draw
 * nobody can replay. FC_SEED=<n> replays or varies a run; FC_SEED=random explores with fresh seeds
 * (fast-check prints the seed and path of any counterexample).
 */
import fc from "fast-check";

const requested = process.env["FC_SEED"];
if (requested !== "random") {
  fc.configureGlobal({ seed: requested === undefined ? 20261130 : Number(requested) });
}
