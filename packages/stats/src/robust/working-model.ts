/**
 * The working model of cluster-robust inference and its GLS fit, one cluster at a time.
 *
 * Cluster j has the marginal covariance V_j = diag(v_ij + sigma2Within) + sigma2Between·11'
 * (metafor's rma.mv(random = ~ 1 | cluster/row); rma.uni is sigma2Between = 0, sigma2Within = tau²)
 * and the weights W_j = V_j⁻¹. As clubSandwich does for rma.uni fits (weightMatrix.rma.uni), the
 * working covariance is scaled to Φ_j = w̄·V_j with w̄ the mean of 1/diag(V): every CR2 quantity is
 * invariant to this scale except the absolute 1e-12 cut-off of the generalized inverses, which
 * therefore acts on unit-free matrices.
 */
import { PooledInputError, SingularMatrixError } from "../errors.js";
import { cholesky, inverseFromCholesky, multiply, transpose } from "./linalg.js";
import type { ValidatedRobustInput } from "./validate.js";

/** One cluster's rows and working-model matrices (n = rows of the cluster). */
export interface ClusterBlock {
  n: number;
  /** X_j, n×p. */
  X: Float64Array;
  y: Float64Array;
  /** Φ_j = w̄·V_j, n×n. */
  phi: Float64Array;
  /** Lower Cholesky factor of Φ_j (D_j = L_j' in Pustejovsky & Tipton 2018, eq. 7). */
  phiChol: Float64Array;
  /** W_j = Φ_j⁻¹, n×n. */
  W: Float64Array;
}

export interface WorkingModelFit {
  blocks: ClusterBlock[];
  /** w̄: the working covariance is Φ = w̄·V. */
  scale: number;
  /** β̂ = M·Σ X_j'W_j y_j (P&T 2018, eq. 2). */
  beta: Float64Array;
  /** M = (Σ X_j'W_j X_j)⁻¹ in units of Φ, p×p; the model-based covariance of β̂ is M/w̄. */
  M: Float64Array;
}

/**
 * GLS fit of the working model.
 *
 * @throws SingularMatrixError when X'WX is singular (a moderator constant or a copy of others)
 */
export function fitWorkingModel(input: ValidatedRobustInput): WorkingModelFit {
  const { p, vi, sigma2Between, sigma2Within } = input;
  let sumWeights = 0;
  for (let i = 0; i < input.k; i++) sumWeights += 1 / (vi[i]! + sigma2Within + sigma2Between);
  const scale = sumWeights / input.k;

  const XWX = new Float64Array(p * p);
  const XWy = new Float64Array(p);
  const blocks = input.clusterRows.map((rows) => {
    const block = clusterBlock(input, rows, scale);
    const XtW = multiply(transpose(block.X, block.n, p), block.W, p, block.n, block.n);
    const xwx = multiply(XtW, block.X, p, block.n, p);
    const xwy = multiply(XtW, block.y, p, block.n, 1);
    for (let a = 0; a < p * p; a++) XWX[a]! += xwx[a]!;
    for (let a = 0; a < p; a++) XWy[a]! += xwy[a]!;
    return block;
  });
  const chol = cholesky(XWX, p);
  if (chol === null) throw new SingularMatrixError();
  const M = inverseFromCholesky(chol, p);
  const beta = multiply(M, XWy, p, p, 1);
  return { blocks, scale, beta, M };
}

function clusterBlock(input: ValidatedRobustInput, rows: number[], scale: number): ClusterBlock {
  const { p, sigma2Between, sigma2Within } = input;
  const n = rows.length;
  const X = new Float64Array(n * p);
  const y = new Float64Array(n);
  const phi = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const i = rows[a]!;
    y[a] = input.yi[i]!;
    for (let c = 0; c < p; c++) X[a * p + c] = input.X[i * p + c]!;
    for (let b = 0; b < n; b++) phi[a * n + b] = scale * sigma2Between;
    phi[a * n + a]! += scale * (input.vi[i]! + sigma2Within);
  }
  // Positive definite by validation (vi + sigma2Within > 0, sigma2Between >= 0), unless rounding
  // loses the diagonal next to a huge sigma2Between.
  const phiChol = cholesky(phi, n);
  if (phiChol === null) {
    throw new PooledInputError(
      { index: rows[0]!, field: "sigma2Between", value: sigma2Between },
      "a between-cluster variance that leaves the cluster's covariance numerically positive definite",
    );
  }
  return { n, X, y, phi, phiChol, W: inverseFromCholesky(phiChol, n) };
}
