/**
 * CR2 adjustment matrices and the per-cluster pieces of the CR2 covariance and of its moments
 * under the working model (Pustejovsky & Tipton 2018, J Bus Econ Stat 36:672, §3; Bell &
 * McCaffrey 2002). With W = Φ⁻¹ (inverse-variance weights), the residual projection satisfies
 * (I - H)Φ(I - H)' = Φ - X·M·X', so its diagonal block of cluster j is Φ_j - X_j·M·X_j'.
 */
import { SingularMatrixError } from "../errors.js";
import { cholesky, multiply, sandwich, symmetricPower, symmetrize, transpose } from "./linalg.js";
import type { ClusterBlock, WorkingModelFit } from "./working-model.js";

/** Eigenvalues of B_j at most this are 0 in its generalized inverse (clubSandwich's 10^-12). */
export const GENERALIZED_INVERSE_TOLERANCE = 1e-12;

/** What the CR2 estimator and its Satterthwaite/HTZ moments need from one cluster (p×p each). */
export interface ClusterTerms {
  /** u_j = X_j'W_j A_j e_j: the cluster's adjusted score, p. */
  score: Float64Array;
  /**
   * Γ_j = Y_j Φ_j Y_j' with Y_j = (M/w̄)·X_j'W_j A_j: the within-cluster part of p_i'Φp_j
   * (P&T 2018, eq. 11), p×p.
   */
  gram: Float64Array;
  /** Y_j X_j L_M with L_M the Cholesky factor of M: the leverage part of p_i'Φp_j, p×p. */
  leverage: Float64Array;
  /** Rank of B_j below its size: the generalized inverse dropped this many directions. */
  rankDeficiency: number;
}

/**
 * A_j = D_j' B_j^{+1/2} D_j with B_j = D_j (I - H)_j Φ (I - H)_j' D_j' (P&T 2018, eqs. 7-8), where
 * D_j is the upper Cholesky factor of Φ_j (D_j = L_j') and B_j^{+1/2} the symmetric square root of
 * the Moore-Penrose inverse of B_j. A_j does not depend on which square root of Φ_j is used.
 */
export function cr2Adjustment(
  block: ClusterBlock,
  M: Float64Array,
  p: number,
): { A: Float64Array; rank: number } {
  const { n, X, phi, phiChol: L } = block;
  const residualBlock = sandwich(X, M, n, p); // X_j M X_j'
  for (let a = 0; a < n * n; a++) residualBlock[a] = phi[a]! - residualBlock[a]!;
  const B = sandwich(transpose(L, n, n), residualBlock, n, n); // L' (Φ_j - X_j M X_j') L
  const { matrix: Bnsqrt, rank } = symmetricPower(B, n, -0.5, GENERALIZED_INVERSE_TOLERANCE);
  const A = sandwich(L, Bnsqrt, n, n);
  symmetrize(A, n);
  return { A, rank };
}

/**
 * The CR2 terms of every cluster: the adjusted scores whose outer products make the meat of the
 * sandwich (P&T 2018, eq. 4), and the matrices from which p_i'Φp_j (eq. 11) is formed for any
 * contrast without building the k-vectors p_i: for contrasts c and d,
 *   p_ci'Φp_dj = [i = j]·c'Γ_j d - (c'H_i)·(d'H_j)
 * with H_j = `leverage` (clubSandwich's get_GH: G_j G_j' = Γ_j, H_j = H).
 */
export function clusterTerms(fit: WorkingModelFit, p: number): ClusterTerms[] {
  const { M, beta, scale } = fit;
  const Mmodel = M.map((m) => m / scale); // model-based covariance of β̂, (X'V⁻¹X)⁻¹
  // M = (X'WX)⁻¹ came from a Cholesky factorisation, so it is positive definite.
  const LM = cholesky(M, p);
  if (LM === null) throw new SingularMatrixError();
  return fit.blocks.map((block) => {
    const { n, X, y, W, phi } = block;
    const { A, rank } = cr2Adjustment(block, M, p);
    const E = multiply(multiply(transpose(X, n, p), W, p, n, n), A, p, n, n); // X_j'W_j A_j
    const residuals = multiply(X, beta, n, p, 1);
    for (let a = 0; a < n; a++) residuals[a] = y[a]! - residuals[a]!;
    const Y = multiply(Mmodel, E, p, p, n);
    return {
      score: multiply(E, residuals, p, n, 1),
      gram: sandwich(Y, phi, p, n),
      leverage: multiply(multiply(Y, X, p, n, p), LM, p, p, p),
      rankDeficiency: n - rank,
    };
  });
}
