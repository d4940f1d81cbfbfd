/**
 * Cluster-robust inference for a fitted meta-analytic model: the CR2 ("bias-reduced
 * linearization") sandwich covariance, t tests with Satterthwaite degrees of freedom and the HTZ
 * Wald test (Pustejovsky & Tipton 2018, J Bus Econ Stat 36:672; Tipton & Pustejovsky 2015, J Educ
 * Behav Stat 40:604; Bell & McCaffrey 2002, Surv Methodol 28:169). Matches R's clubSandwich
 * (vcovCR(fit, cluster, type = "CR2"), coef_test, conf_int, Wald_test(test = "HTZ")) for metafor's
 * rma.uni and rma.mv fits, whose working covariance is the model's own V and whose weights are V⁻¹.
 */
import { qt, tTwoSidedP } from "../distributions/index.js";
import { type ClusterTerms, clusterTerms } from "./adjustments.js";
import { satterthwaiteDf } from "./moments.js";
import type { RobustCoefficient, RobustInput, RobustResult } from "./types.js";
import { validateRobustInput } from "./validate.js";
import { htzTest } from "./wald.js";
import { fitWorkingModel } from "./working-model.js";

/** Satterthwaite df below which t tests of CR2 can over-reject (Tipton & Pustejovsky 2015). */
const SMALL_DF = 4;

/**
 * CR2 cluster-robust inference for the GLS fit of a meta-analytic model.
 *
 * The working model of cluster j is V_j = diag(v_ij + sigma2Within) + sigma2Between·11' (the
 * three-level model; rma.uni's random-effects model is sigma2Between = 0, sigma2Within = tau²),
 * with weights W_j = V_j⁻¹. Given the variance components everything is closed form:
 * - β̂ = (X'WX)⁻¹X'Wy (GLS, recomputed here);
 * - V^CR2 = M (Σ_j X_j'W_j A_j e_j e_j' A_j W_j X_j) M, M = (X'WX)⁻¹ (P&T 2018, eq. 4), with the
 *   CR2 adjustments A_j = D_j' B_j^{+1/2} D_j (eqs. 7-8; generalized inverse when B_j is singular);
 * - t = β̂/se with Satterthwaite df (eq. 11), CI = β̂ ± qt(1 - α/2, df)·se;
 * - the HTZ test of `waldCoefficients` (eqs. 10, 12, 13).
 * Work is done cluster by cluster: no k×k matrix is formed.
 *
 * @param input - data, design matrix, clusters and the fitted variance components
 * @returns coefficients with CR2 SEs, Satterthwaite t tests and CIs, the CR2 covariance, the HTZ
 *   test, and notes (small df, generalized inverses, undefined tests)
 * @throws PooledInputError(s) for wrong lengths, non-finite values, negative variances, fewer than
 *   2 clusters, a bad level or Wald coefficient; SingularMatrixError when X'WX is singular;
 *   PooledError "CLUSTER_TOO_LARGE" when a cluster has more than MAX_CLUSTER_SIZE rows
 * @example
 * // Five rows in three publications, three-level model with fixed variance components
 * // (clubSandwich: coef_test(rma.mv(..., sigma2 = c(0.01, 0.02)), vcov = "CR2", cluster = cl)).
 * robustCR2({
 *   yi: [0.1, 0.3, 0.2, 0.5, 0.4], vi: [0.02, 0.03, 0.02, 0.04, 0.03],
 *   X: [1, 1, 1, 1, 1], k: 5, p: 1, cluster: ["a", "a", "b", "c", "c"],
 *   sigma2Between: 0.01, sigma2Within: 0.02, termNames: ["intrcpt"],
 * }).coefficients[0];
 * // { estimate: 0.28015, se: 0.087657, df: 1.9294, statistic: 3.1959, p: 0.089596, ... }
 */
export function robustCR2(input: RobustInput): RobustResult {
  const data = validateRobustInput(input);
  const { p } = data;
  const fit = fitWorkingModel(data);
  const terms = clusterTerms(fit, p);
  const vcov = cr2Covariance(fit.M, terms, p);
  const crit = (df: number) => qt(1 - (1 - data.level / 100) / 2, df);
  const coefficients: RobustCoefficient[] = [];
  for (let i = 0; i < p; i++) {
    const estimate = fit.beta[i]!;
    const se = Math.sqrt(vcov[i * p + i]!);
    const df = satterthwaiteDf(terms, i, p);
    const statistic = estimate / se;
    const halfWidth = crit(df) * se;
    coefficients.push({
      name: input.termNames[i]!,
      estimate,
      se,
      df,
      statistic,
      p: tTwoSidedP(statistic, df),
      ciLower: estimate - halfWidth,
      ciUpper: estimate + halfWidth,
    });
  }
  const wald = htzTest(terms, fit.beta, vcov, data.waldCoefficients, p);
  const notes = buildNotes(coefficients, terms);
  if (wald.note !== undefined) notes.push(wald.note);
  return {
    type: "CR2",
    clusters: terms.length,
    coefficients,
    vcov: Array.from({ length: p }, (_, i) => Array.from(vcov.subarray(i * p, (i + 1) * p))),
    wald: wald.test,
    notes,
  };
}

/** V^CR2 = M (Σ_j u_j u_j') M with the adjusted scores u_j = X_j'W_j A_j e_j (P&T 2018, eq. 4). */
function cr2Covariance(M: Float64Array, terms: readonly ClusterTerms[], p: number): Float64Array {
  const meat = new Float64Array(p * p);
  for (const { score } of terms) {
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) meat[a * p + b]! += score[a]! * score[b]!;
    }
  }
  const vcov = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let sum = 0;
      for (let r = 0; r < p; r++) {
        for (let s = 0; s < p; s++) sum += M[a * p + r]! * meat[r * p + s]! * M[s * p + b]!;
      }
      vcov[a * p + b] = sum;
      vcov[b * p + a] = sum;
    }
  }
  return vcov;
}

function buildNotes(coefficients: RobustCoefficient[], terms: readonly ClusterTerms[]): string[] {
  const notes: string[] = [];
  const small = coefficients.filter((c) => c.df < SMALL_DF).map((c) => c.name);
  if (small.length > 0) {
    notes.push(
      `Satterthwaite df below ${SMALL_DF} for ${small.join(", ")}: CR2 t tests can be unreliable ` +
        "there (Tipton & Pustejovsky 2015); read their p-values and CIs with caution.",
    );
  }
  const deficient = terms.filter((t) => t.rankDeficiency > 0).length;
  if (deficient > 0) {
    notes.push(
      `${deficient} cluster(s) determine some coefficient on their own (singular B_j); their CR2 ` +
        "adjustment uses the Moore-Penrose inverse (Pustejovsky & Tipton 2018, eq. 7).",
    );
  }
  return notes;
}
