/**
 * Egger-type regression tests for funnel-plot asymmetry, as metafor's regtest, plus the
 * sample-size predictor for standardised mean differences of Pustejovsky & Rodgers (2019).
 */

import { type FitControl, fitDefaults } from "../defaults.js";
import { rma } from "../models/rma.js";
import type { RmaResult } from "../models/types.js";
import type { BackendName, Measure, Method, Moderator, TestType } from "../types.js";
import { extent } from "../util/extent.js";
import { checkPositiveColumn, checkStudies, isModel, type StudyData } from "./data.js";
import { ConstantPredictorError, MissingSampleSizesError } from "./errors.js";

/**
 * Predictor of the regression: the standard error ("sei", Egger's test), the variance ("vi"), the
 * total sample size ("ni"), its inverse ("ninv"), 1/√ni ("sqrtninv", Zwetsloot et al. 2017) or
 * √(1/n1i + 1/n2i) ("sqrtinvn1n2", Pustejovsky & Rodgers 2019).
 */
export type EggerPredictor = "sei" | "vi" | "ni" | "ninv" | "sqrtninv" | "sqrtinvn1n2";

/** Options of {@link egger}. */
export interface EggerOptions {
  /**
   * "rma" (default, metafor's): a meta-regression on the predictor under the model's method and
   * test; "lm": the classical weighted least-squares regression with weights 1/vi and a
   * multiplicative residual variance, t with k - p - 1 df (Egger et al. 1997 in its weighted form).
   */
  model?: "rma" | "lm";
  /** Default "sei". */
  predictor?: EggerPredictor;
  /** Total sample size per study (predictors "ni", "ninv", "sqrtninv"); defaults to n1i + n2i. */
  ni?: ArrayLike<number>;
  /** Group sample sizes (predictor "sqrtinvn1n2"). */
  n1i?: ArrayLike<number>;
  n2i?: ArrayLike<number>;
  /** Effect-size measure of the outcomes, for the advice in `notes` (SMD, MD). */
  measure?: Measure;
  /** Method and test when the input is bare data (a model's own are used otherwise); REML and z. */
  method?: Method;
  test?: TestType;
  /** Confidence level in percent of the limit estimate's CI; default the model's (95). */
  level?: number;
  control?: Partial<FitControl>;
  backend?: BackendName;
}

/** Result of {@link egger}. `z`, `p` and `limitEstimate` are the CLI's JSON contract names. */
export interface EggerResult {
  kind: "egger";
  model: "rma" | "lm";
  predictor: EggerPredictor;
  /** Method and test of the regression ("lm" is reported as method "FE" with a t test). */
  method: Method;
  test: TestType | "t";
  k: number;
  /** Test statistic of the predictor's slope: z (model "rma" with test "z") or t (otherwise). */
  z: number;
  /** Distribution of `z`: "z" or "t". */
  distribution: "z" | "t";
  /** Degrees of freedom of the t distribution, else null. */
  df: number | null;
  /** Two-sided p-value of the slope. */
  p: number;
  slope: number;
  slopeSe: number;
  /**
   * Intercept: the effect expected in a study of infinite precision (predictor = 0), for the
   * predictors that vanish as n grows (sei, vi, ninv, sqrtninv, sqrtinvn1n2) in models without
   * moderators; null otherwise.
   */
  limitEstimate: number | null;
  limitCiLower: number | null;
  limitCiUpper: number | null;
  /** Residual tau² of the regression (model "rma"), else null. */
  tau2: number | null;
  notes: string[];
}

const LIMIT_PREDICTORS: ReadonlySet<EggerPredictor> = new Set([
  "sei",
  "vi",
  "ninv",
  "sqrtninv",
  "sqrtinvn1n2",
]);

/** Advice for standardised mean differences (the CLI and report show it with the test). */
export const SMD_PREDICTOR_NOTE =
  "For standardised mean differences the standard error contains the effect itself " +
  "(vi = 1/n1 + 1/n2 + g²/(2(n1 + n2))), so sei and g are correlated without any small-study effect " +
  "and Egger's test on sei rejects too often; the sample-size predictor sqrt(1/n1 + 1/n2) is " +
  'preferred (predictor "sqrtinvn1n2"; Pustejovsky & Rodgers 2019, Res Synth Methods 10:57), or ' +
  'sqrt(1/N) (predictor "sqrtninv"; Zwetsloot et al. 2017, eLife 6:e24260).';

/** Advice for mean differences (shared/METHODS.md). */
export const MD_BASELINE_NOTE =
  "For mean differences, asymmetry can come from baseline dependence of the effect rather than " +
  "from small-study effects; consider regressing on the control-group mean first " +
  "(Doleman et al. 2020, Res Synth Methods 11:522).";

/**
 * Egger's regression test and its variants (metafor's regtest).
 *
 * Model "rma" (default): yᵢ = β₀ + β₁·xᵢ + uᵢ + εᵢ, uᵢ ~ N(0, τ²), εᵢ ~ N(0, vᵢ), fitted by rma with
 * the model's method and test; the test of H₀: β₁ = 0 is the asymmetry test (Sterne & Egger 2005,
 * in Publication Bias in Meta-Analysis, ch. 6). Model "lm": the same regression by weighted least
 * squares with weights 1/vᵢ and residual variance σ²·vᵢ, t with k - 2 df — with xᵢ = sei this is
 * Egger et al. (1997, BMJ 315:629), whose regression of yᵢ/seᵢ on 1/seᵢ it equals.
 * The intercept β₀ is the limit estimate (Rücker et al. 2011, Biostatistics 12:122).
 *
 * @param input - a fitted model (its method, test, level and moderators are used) or { yi, vi }
 * @param options - model, predictor, sample sizes, measure (for advice)
 * @throws TooFewStudiesError when k < 3 (k < p + 2 with moderators)
 * @throws ConstantPredictorError when the predictor has one value (e.g. all SEs equal)
 * @throws MissingSampleSizesError when a sample-size predictor lacks ni (or n1i and n2i)
 * @example
 * const fit = rma({ yi, vi }, { method: "REML" });
 * egger(fit); // { z, p, limitEstimate, ... } as regtest(fit)
 * egger(fit, { model: "lm" }); // classical Egger test, t with k - 2 df
 * egger(fit, { predictor: "sqrtinvn1n2", n1i, n2i, measure: "SMD" });
 */
export function egger(input: RmaResult | StudyData, options: EggerOptions = {}): EggerResult {
  const regression = options.model ?? "rma";
  const predictor = options.predictor ?? "sei";
  const fromModel = isModel(input);
  const extraTerms = fromModel ? input.p - 1 : 0;
  const { yi, vi, labels } = checkStudies(input, 3 + extraTerms, "Egger's regression test");
  const k = yi.length;
  const method: Method = fromModel ? input.method : (options.method ?? fitDefaults.method);
  const test: TestType = fromModel ? input.test : (options.test ?? fitDefaults.test);
  const level = options.level ?? (fromModel ? input.level : fitDefaults.level);

  const x = predictorValues(predictor, vi, labels, options);
  const { min, max } = extent(x);
  if (!(max - min > 1e-10 * Math.max(Math.abs(min), Math.abs(max)))) {
    throw new ConstantPredictorError(predictor, "Egger's regression test");
  }

  const mods: Moderator[] = [];
  if (fromModel) {
    for (let j = 1; j < input.p; j++) {
      mods.push({ name: input.termNames[j]!, values: input.X.map((row) => row[j]!) });
    }
  }
  mods.push({ name: predictor, values: x });
  const fit = rma(
    { yi, vi },
    {
      method: regression === "lm" ? "FE" : method,
      // Knapp-Hartung on a fixed-effect model is exactly weighted least squares with a
      // multiplicative residual variance (R's lm with weights 1/vi): s² = Σwᵢeᵢ²/(k - p).
      test: regression === "lm" ? "knha" : test,
      level,
      mods,
      labels,
      control: options.control,
      backend: options.backend ?? (fromModel ? input.backend : undefined),
    },
  );
  const slope = fit.coefficients[fit.p - 1]!;
  const intercept = fit.coefficients[0]!;
  const hasLimit = LIMIT_PREDICTORS.has(predictor) && extraTerms === 0;
  const distribution = fit.df === null ? "z" : "t";

  const notes: string[] = [];
  if (options.measure === "SMD" || options.measure === "SMDH") {
    notes.push(SMD_PREDICTOR_NOTE);
  } else if (options.measure === "MD") {
    notes.push(MD_BASELINE_NOTE);
  }
  if (k < 10)
    notes.push(
      `Only ${k} studies: tests for funnel-plot asymmetry have little power with fewer than 10.`,
    );

  return {
    kind: "egger",
    model: regression,
    predictor,
    method: fit.method,
    test: regression === "lm" ? "t" : test,
    k,
    z: slope.statistic,
    distribution,
    df: fit.df,
    p: slope.p,
    slope: slope.estimate,
    slopeSe: slope.se,
    limitEstimate: hasLimit ? intercept.estimate : null,
    limitCiLower: hasLimit ? intercept.ciLower : null,
    limitCiUpper: hasLimit ? intercept.ciUpper : null,
    tau2: regression === "rma" ? fit.tau2 : null,
    notes,
  };
}

/** The predictor column for each study. */
function predictorValues(
  predictor: EggerPredictor,
  vi: number[],
  labels: string[],
  options: EggerOptions,
): number[] {
  const k = vi.length;
  switch (predictor) {
    case "sei":
      return vi.map(Math.sqrt);
    case "vi":
      return vi.slice();
    case "sqrtinvn1n2": {
      if (options.n1i === undefined || options.n2i === undefined) {
        throw new MissingSampleSizesError(predictor, "n1i and n2i");
      }
      const n1 = checkPositiveColumn(options.n1i, k, "n1i", labels);
      const n2 = checkPositiveColumn(options.n2i, k, "n2i", labels);
      return n1.map((a, i) => Math.sqrt(1 / a + 1 / n2[i]!));
    }
    default: {
      const ni = totalSampleSizes(options, k, labels);
      if (ni === null) throw new MissingSampleSizesError(predictor, "ni (or n1i and n2i)");
      if (predictor === "ni") return ni;
      if (predictor === "ninv") return ni.map((n) => 1 / n);
      return ni.map((n) => 1 / Math.sqrt(n));
    }
  }
}

function totalSampleSizes(options: EggerOptions, k: number, labels: string[]): number[] | null {
  if (options.ni !== undefined) return checkPositiveColumn(options.ni, k, "ni", labels);
  if (options.n1i !== undefined && options.n2i !== undefined) {
    const n1 = checkPositiveColumn(options.n1i, k, "n1i", labels);
    const n2 = checkPositiveColumn(options.n2i, k, "n2i", labels);
    return n1.map((a, i) => a + n2[i]!);
  }
  return null;
}
