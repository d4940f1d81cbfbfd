/**
 * The small-study block of an analysis with metafor's defaults: Egger's test (regtest), Begg's
 * test (ranktest) and trim-and-fill (trimfill), as the CLI's JSON `bias` block reports them.
 */
import type { RmaResult } from "../models/types.js";
import type { Measure } from "../types.js";
import { type BeggResult, begg } from "./begg.js";
import { type EggerResult, egger } from "./egger.js";
import { type TrimFillResult, trimFill } from "./trim-fill.js";

/** Result of {@link smallStudyEffects}: the three default tests (field names of the CLI contract). */
export interface SmallStudyEffects {
  kind: "small-study-effects";
  egger: EggerResult;
  begg: BeggResult;
  trimFill: TrimFillResult;
}

/**
 * Egger's regression test (meta-regression on sei under the model's method), Begg's rank
 * correlation and L0 trim-and-fill with the side estimated, each as metafor's default.
 *
 * @param model - a fitted model without moderators (rma), k >= 3
 * @param options - measure: the effect-size measure, for the advice Egger's test carries (SMD, MD)
 * @throws TooFewStudiesError when k < 3
 * @throws ConstantPredictorError when all standard errors are equal
 * @example const { egger, begg, trimFill } = smallStudyEffects(rma({ yi, vi }), { measure: "SMD" });
 */
export function smallStudyEffects(
  model: RmaResult,
  options: { measure?: Measure } = {},
): SmallStudyEffects {
  return {
    kind: "small-study-effects",
    egger: egger(model, { measure: options.measure }),
    begg: begg(model),
    trimFill: trimFill(model),
  };
}
