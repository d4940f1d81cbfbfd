/**
 * Small dense linear algebra for the fit kernel: a weighted thin QR decomposition by modified
 * Gram-Schmidt with one re-orthogonalisation pass (Björck 1994, "Numerics of Gram-Schmidt
 * orthogonalization"; Giraud et al. 2005: "twice is enough"), and triangular inverses.
 *
 * Everything works in place on caller-provided Float64Arrays (row-major), allocates nothing and
 * never throws, so it ports line by line to AssemblyScript. Cost O(k·p²).
 *
 * Why QR and not Cholesky of X'WX: metafor solves through qr.solve(sqrt(W) X), and the normal
 * equations square the condition number (a moderator such as a publication year makes X'WX
 * ill-conditioned enough to lose 1e-9 relative agreement).
 */

/** A column whose norm drops below this fraction of its original norm is linearly dependent. */
export const RANK_TOLERANCE = 1e-9;

/**
 * Thin QR of A = diag(sw)·X, X row-major k×p: on return q (row-major k×p) has orthonormal columns
 * and r (row-major p×p) is upper triangular with A = q·r and r[j][j] > 0.
 *
 * @returns true on success, false when A is rank deficient (singular X'WX)
 */
export function weightedQR(
  X: Float64Array,
  sw: Float64Array,
  k: number,
  p: number,
  q: Float64Array,
  r: Float64Array,
): boolean {
  for (let a = 0; a < p * p; a++) r[a] = 0;
  for (let j = 0; j < p; j++) {
    let norm0 = 0;
    // dot: the first dot product of the steps below, q_0'q_j (for j = 0, q_j'q_j = norm0²)
    let dot = 0;
    for (let i = 0; i < k; i++) {
      const v = sw[i]! * X[i * p + j]!;
      q[i * p + j] = v;
      norm0 += v * v;
      dot += q[i * p]! * v;
    }
    if (j === 0) dot = norm0;
    norm0 = Math.sqrt(norm0);
    // Two passes of modified Gram-Schmidt against the previous columns: step s projects out
    // column s mod j; each update of column j is fused with the next step's dot product (after the
    // last step, with the squared norm): the same operations in the same order as separate loops.
    for (let s = 0; s < 2 * j; s++) {
      const l = s < j ? s : s - j;
      r[l * p + j] = r[l * p + j]! + dot;
      const n = s + 1 < 2 * j ? (s + 1 < j ? s + 1 : s + 1 - j) : j;
      let next = 0;
      for (let i = 0; i < k; i++) {
        const v = q[i * p + j]! - dot * q[i * p + l]!;
        q[i * p + j] = v;
        next += q[i * p + n]! * v;
      }
      dot = next;
    }
    const norm = Math.sqrt(dot);
    if (!(norm0 > 0) || !(norm > RANK_TOLERANCE * norm0) || !Number.isFinite(norm)) return false;
    r[j * p + j] = norm;
    const inv = 1 / norm;
    for (let i = 0; i < k; i++) q[i * p + j] = q[i * p + j]! * inv;
  }
  return true;
}

/**
 * Projects z on the column space of q (orthonormal k×p): c = q'z and resid = z - q·c, with a
 * second pass that removes what rounding left of the projection.
 */
export function projectOut(
  q: Float64Array,
  z: Float64Array,
  k: number,
  p: number,
  c: Float64Array,
  resid: Float64Array,
): void {
  for (let i = 0; i < k; i++) resid[i] = z[i]!;
  for (let j = 0; j < p; j++) c[j] = 0;
  // two passes; step s projects out column s mod p, its update fused with the next dot product
  let dot = 0;
  for (let i = 0; i < k; i++) dot += q[i * p]! * resid[i]!;
  for (let s = 0; s < 2 * p; s++) {
    const j = s < p ? s : s - p;
    c[j] = c[j]! + dot;
    if (s + 1 < 2 * p) {
      const n = s + 1 < p ? s + 1 : s + 1 - p;
      let next = 0;
      for (let i = 0; i < k; i++) {
        const v = resid[i]! - dot * q[i * p + j]!;
        resid[i] = v;
        next += q[i * p + n]! * v;
      }
      dot = next;
    } else {
      for (let i = 0; i < k; i++) resid[i] = resid[i]! - dot * q[i * p + j]!;
    }
  }
}

/** rinv = r⁻¹ for an upper triangular p×p r with nonzero diagonal (row-major). */
export function invertUpper(r: Float64Array, p: number, rinv: Float64Array): void {
  for (let a = 0; a < p * p; a++) rinv[a] = 0;
  for (let j = 0; j < p; j++) {
    rinv[j * p + j] = 1 / r[j * p + j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let l = i + 1; l <= j; l++) s += r[i * p + l]! * rinv[l * p + j]!;
      rinv[i * p + j] = -s / r[i * p + i]!;
    }
  }
}
