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
    for (let i = 0; i < k; i++) {
      const v = sw[i]! * X[i * p + j]!;
      q[i * p + j] = v;
      norm0 += v * v;
    }
    norm0 = Math.sqrt(norm0);
    // Two passes of modified Gram-Schmidt against the previous columns.
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < j; l++) {
        let dot = 0;
        for (let i = 0; i < k; i++) dot += q[i * p + l]! * q[i * p + j]!;
        r[l * p + j] = r[l * p + j]! + dot;
        for (let i = 0; i < k; i++) q[i * p + j] = q[i * p + j]! - dot * q[i * p + l]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < k; i++) norm += q[i * p + j]! * q[i * p + j]!;
    norm = Math.sqrt(norm);
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
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < p; j++) {
      let dot = 0;
      for (let i = 0; i < k; i++) dot += q[i * p + j]! * resid[i]!;
      c[j] = c[j]! + dot;
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
