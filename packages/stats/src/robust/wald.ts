/**
 * The HTZ test: a cluster-robust Wald test of q coefficients referred to Hotelling's T²
 * distribution with degrees of freedom matched to the working model (Tipton & Pustejovsky 2015,
 * J Educ Behav Stat 40:604; Pustejovsky & Tipton 2018, eqs. 10, 12, 13), as clubSandwich's
 * Wald_test(fit, constraints, vcov = "CR2", test = "HTZ").
 */
import { fUpperP } from "../distributions/index.js";
import { type ClusterTerms, GENERALIZED_INVERSE_TOLERANCE } from "./adjustments.js";
import { cholesky, inverseFromCholesky, sandwich, symmetricPower } from "./linalg.js";
import { applyContrast, crossMoments, workingExpectation } from "./moments.js";
import type { RobustWaldTest } from "./types.js";

/**
 * HTZ test that the given coefficients are all 0.
 *
 * - Q = (Cβ̂)'(C·V^CR2·C')⁻¹(Cβ̂) (eq. 10), C the rows of the identity for the coefficients;
 * - Ω = E(C·V^CR2·C') under the working model, and the contrasts are standardised by Ω^{-1/2};
 * - η = q(q + 1) / Σ_{s,t} Var(Ω̂_st) (eq. 13, total variance of the standardised estimate);
 * - F = (η - q + 1)/(η q)·Q ~ F(q, η - q + 1) (eq. 12). When η - q + 1 <= 0 the approximation is
 *   undefined: as clubSandwich, F is reported as 0 (its multiplier is truncated at 0) and p as NaN.
 *
 * @returns the test, or null with a reason when C·V^CR2·C' is not positive definite (e.g. fewer
 *   clusters than constraints), where clubSandwich stops with an error
 */
export function htzTest(
  terms: readonly ClusterTerms[],
  beta: Float64Array,
  vcov: Float64Array,
  coefficients: readonly number[],
  p: number,
): { test: RobustWaldTest | null; note?: string } {
  const q = coefficients.length;
  const C = new Float64Array(q * p);
  coefficients.forEach((c, s) => {
    C[s * p + c] = 1;
  });
  const cvc = sandwich(C, vcov, q, p);
  const chol = cholesky(cvc, q);
  if (chol === null) {
    return {
      test: null,
      note:
        `HTZ test not computed: the CR2 covariance of the ${q} tested coefficients is singular ` +
        `(it has rank at most the number of clusters); test fewer coefficients or add clusters.`,
    };
  }
  const inv = inverseFromCholesky(chol, q);
  const Cbeta = coefficients.map((c) => beta[c]!);
  let Q = 0;
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) Q += Cbeta[s]! * inv[s * q + t]! * Cbeta[t]!;
  }
  const eta = hotellingDf(terms, C, q, p);
  const df2 = eta - q + 1;
  const multiplier = Math.max(df2 / eta, 0);
  const statistic = (multiplier * Q) / q;
  const test: RobustWaldTest = {
    test: "HTZ",
    statistic,
    df1: q,
    df2,
    p: df2 > 0 ? fUpperP(statistic, q, df2) : Number.NaN,
    coefficients: [...coefficients],
  };
  if (df2 > 0) return { test };
  return {
    test,
    note:
      `HTZ test undefined: its denominator degrees of freedom are ${df2.toPrecision(3)} <= 0 ` +
      `(too few clusters carry information on the ${q} tested coefficients); no p-value.`,
  };
}

/** η of the Hotelling approximation (P&T 2018, eq. 13; clubSandwich's nu_Z). */
function hotellingDf(terms: readonly ClusterTerms[], C: Float64Array, q: number, p: number) {
  const contrastTerms = applyContrast(terms, C, q, p, p);
  const omega = workingExpectation(contrastTerms, q, p);
  const { matrix: omegaNegSqrt } = symmetricPower(omega, q, -0.5, GENERALIZED_INVERSE_TOLERANCE);
  const standardised = applyContrast(contrastTerms, omegaNegSqrt, q, q, p);
  const moment = crossMoments(standardised, q, p);
  let totalVariance = 0;
  for (let s = 0; s < q; s++) {
    for (let t = 0; t < q; t++) totalVariance += moment(s, t, t, s) + moment(s, s, t, t);
  }
  return (q * (q + 1)) / totalVariance;
}
