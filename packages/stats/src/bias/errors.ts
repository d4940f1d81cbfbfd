/**
 * Typed errors specific to the small-study tests. They extend the engine's PooledError (errors.ts)
 * so callers can catch every deliberate failure with one `instanceof`.
 */
import { PooledError } from "../errors.js";

/**
 * A regression test's predictor is the same for every study (e.g. all standard errors equal), so
 * its slope cannot be told apart from the intercept, or a rank correlation is undefined.
 */
export class ConstantPredictorError extends PooledError {
  constructor(
    readonly predictor: string,
    what: string,
    consequence = "so there is no small-study effect to test",
  ) {
    super(
      "CONSTANT_PREDICTOR",
      `${what} cannot be computed: the predictor "${predictor}" has the same value in every study ` +
        `(for example, all standard errors are equal), ${consequence}`,
    );
  }
}

/** A predictor that needs sample sizes (ni, or n1i and n2i) was asked for without them. */
export class MissingSampleSizesError extends PooledError {
  constructor(
    readonly predictor: string,
    needed: string,
  ) {
    super(
      "MISSING_SAMPLE_SIZES",
      `the predictor "${predictor}" needs the sample sizes ${needed}, one per study`,
    );
  }
}
