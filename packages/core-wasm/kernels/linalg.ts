/**
 * Small dense linear algebra for the fit kernel: a weighted thin QR decomposition by modified
 * Gram-Schmidt with one re-orthogonalisation pass (Björck 1994, "Numerics of Gram-Schmidt
 * orthogonalization"; Giraud et al. 2005: "twice is enough"), and triangular inverses.
 *
 * Everything works in place on caller-provided Float64Arrays, allocates nothing and never throws.
 * Cost O(k·p²). Layout: X is row-major k×p as the caller gives it; q is column-major (column j at
 * q[j·k ..]), so the inner loops over studies walk contiguous memory; r and rinv are row-major p×p.
 *
 * Why QR and not Cholesky of X'WX: metafor solves through qr.solve(sqrt(W) X), and the normal
 * equations square the condition number (a moderator such as a publication year makes X'WX
 * ill-conditioned enough to lose 1e-9 relative agreement).
 */

import { F64s } from "#kernel-arrays";

/** A column whose norm drops below this fraction of its original norm is linearly dependent. */
export const RANK_TOLERANCE: f64 = 1e-9;

/**
 * Thin QR of A = diag(sw)·X: on return q (column-major k×p) has orthonormal columns and r
 * (row-major p×p) is upper triangular with A = q·r and r[j][j] > 0.
 *
 * @returns true on success, false when A is rank deficient (singular X'WX)
 */
export function weightedQR(X: F64s, sw: F64s, k: i32, p: i32, q: F64s, r: F64s): bool {
  for (let a = 0; a < p * p; a++) r[a] = 0;
  for (let j = 0; j < p; j++) {
    const qj = j * k;
    let norm0: f64 = 0;
    // d: the first dot product of the steps below, q_0'q_j (for j = 0, q_j'q_j = norm0²)
    let d: f64 = 0;
    for (let i = 0; i < k; i++) {
      const v: f64 = sw[i] * X[i * p + j];
      q[qj + i] = v;
      norm0 += v * v;
      d += q[i] * v;
    }
    if (j === 0) d = norm0;
    norm0 = Math.sqrt(norm0);
    // Two passes of modified Gram-Schmidt against the previous columns: step s projects out
    // column s mod j; each update of column j is fused with the next step's dot product (after the
    // last step, with the squared norm): the same operations in the same order as separate loops.
    for (let s = 0; s < 2 * j; s++) {
      const l = s < j ? s : s - j;
      const ql = l * k;
      r[l * p + j] += d;
      const n = s + 1 < 2 * j ? (s + 1 < j ? s + 1 : s + 1 - j) : j;
      const qn = n * k;
      let next: f64 = 0;
      for (let i = 0; i < k; i++) {
        const v: f64 = q[qj + i] - d * q[ql + i];
        q[qj + i] = v;
        next += q[qn + i] * v;
      }
      d = next;
    }
    const norm = Math.sqrt(d);
    if (!(norm0 > 0) || !(norm > RANK_TOLERANCE * norm0) || !isFinite(norm)) return false;
    r[j * p + j] = norm;
    const inv: f64 = 1 / norm;
    for (let i = 0; i < k; i++) q[qj + i] *= inv;
  }
  return true;
}

/**
 * Projects z on the column space of q (orthonormal, column-major k×p): c = q'z and
 * resid = z - q·c, with a second pass that removes what rounding left of the projection.
 */
export function projectOut(q: F64s, z: F64s, k: i32, p: i32, c: F64s, resid: F64s): void {
  for (let i = 0; i < k; i++) resid[i] = z[i];
  for (let j = 0; j < p; j++) c[j] = 0;
  // two passes; step s projects out column s mod p, its update fused with the next dot product
  let d: f64 = 0;
  for (let i = 0; i < k; i++) d += q[i] * resid[i];
  for (let s = 0; s < 2 * p; s++) {
    const j = s < p ? s : s - p;
    const qj = j * k;
    c[j] += d;
    if (s + 1 < 2 * p) {
      const qn = (s + 1 < p ? s + 1 : s + 1 - p) * k;
      let next: f64 = 0;
      for (let i = 0; i < k; i++) {
        const v: f64 = resid[i] - d * q[qj + i];
        resid[i] = v;
        next += q[qn + i] * v;
      }
      d = next;
    } else {
      for (let i = 0; i < k; i++) resid[i] -= d * q[qj + i];
    }
  }
}

/** rinv = r⁻¹ for an upper triangular p×p r with nonzero diagonal (row-major). */
export function invertUpper(r: F64s, p: i32, rinv: F64s): void {
  for (let a = 0; a < p * p; a++) rinv[a] = 0;
  for (let j = 0; j < p; j++) {
    rinv[j * p + j] = 1 / r[j * p + j];
    for (let i = j - 1; i >= 0; i--) {
      let s: f64 = 0;
      for (let l = i + 1; l <= j; l++) s += r[i * p + l] * rinv[l * p + j];
      rinv[i * p + j] = -s / r[i * p + i];
    }
  }
}
