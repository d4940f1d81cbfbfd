/**
 * Port of packages/stats/src/kernels/js/linalg.ts: weighted thin QR by modified Gram-Schmidt with
 * one re-orthogonalisation pass (Björck 1994; Giraud et al. 2005, "twice is enough") and the inverse
 * of an upper triangular matrix. Every sum is taken over the same terms in the same order as in
 * the TS reference, so results are bit-identical.
 *
 * Memory layout (the one deliberate difference): q is stored column-major (column j at q + j·k
 * doubles) so that the inner loops over studies walk contiguous memory with a moving pointer.
 * X stays row-major k×p as given; r and rinv are row-major p×p as in TS.
 */
import { ld, st } from "./memory";

/** A column whose norm drops below this fraction of its original norm is linearly dependent. */
export const RANK_TOLERANCE: f64 = 1e-9;

/** Pointer of column j of a column-major k-row matrix. */
export function column(q: usize, k: i32, j: i32): usize {
  return q + ((<usize>(j * k)) << 3);
}

/** Σ_i a[i]·b[i] over i = 0..k-1, in order. */
export function dot(a: usize, b: usize, k: i32): f64 {
  let s: f64 = 0;
  const end = a + ((<usize>k) << 3);
  for (let pa = a, pb = b; pa < end; pa += 8, pb += 8) s += load<f64>(pa) * load<f64>(pb);
  return s;
}

/** Thin QR of diag(sw)·X (X row-major k×p) into q (column-major k×p) and r (row-major p×p). */
export function weightedQR(X: usize, sw: usize, k: i32, p: i32, q: usize, r: usize): bool {
  for (let a = 0; a < p * p; a++) st(r, a, 0);
  for (let j = 0; j < p; j++) {
    const qj = column(q, k, j);
    let norm0: f64 = 0;
    // d: the first dot product of the steps below, q_0'q_j (for j = 0, q_j'q_j = norm0²)
    let d: f64 = 0;
    for (let i = 0; i < k; i++) {
      const v = ld(sw, i) * ld(X, i * p + j);
      st(qj, i, v);
      norm0 += v * v;
      d += ld(q, i) * v;
    }
    if (j == 0) d = norm0;
    norm0 = Math.sqrt(norm0);
    const end = qj + ((<usize>k) << 3);
    // Two passes of modified Gram-Schmidt against the previous columns: step s projects out
    // column s mod j; each update of column j is fused with the next step's dot product (after the
    // last step, with the squared norm): the same operations in the same order as separate loops.
    for (let s = 0; s < 2 * j; s++) {
      const l = s < j ? s : s - j;
      const ql = column(q, k, l);
      st(r, l * p + j, ld(r, l * p + j) + d);
      const qn = s + 1 < 2 * j ? column(q, k, s + 1 < j ? s + 1 : s + 1 - j) : qj;
      let nd: f64 = 0;
      for (let pa = ql, pb = qj, pn = qn; pb < end; pa += 8, pb += 8, pn += 8) {
        const v = load<f64>(pb) - d * load<f64>(pa);
        store<f64>(pb, v);
        nd += load<f64>(pn) * v;
      }
      d = nd;
    }
    const norm = Math.sqrt(d);
    if (!(norm0 > 0) || !(norm > RANK_TOLERANCE * norm0) || !isFinite<f64>(norm)) return false;
    st(r, j * p + j, norm);
    const inv = 1 / norm;
    for (let pb = qj; pb < end; pb += 8) store<f64>(pb, load<f64>(pb) * inv);
  }
  return true;
}

/** c = q'z and resid = z - q·c, with a second pass (q orthonormal, column-major k×p). */
export function projectOut(q: usize, z: usize, k: i32, p: i32, c: usize, resid: usize): void {
  for (let i = 0; i < k; i++) st(resid, i, ld(z, i));
  for (let j = 0; j < p; j++) st(c, j, 0);
  const end = resid + ((<usize>k) << 3);
  // two passes; step s projects out column s mod p, its update fused with the next dot product
  let d = dot(q, resid, k);
  for (let s = 0; s < 2 * p; s++) {
    const j = s < p ? s : s - p;
    const qj = column(q, k, j);
    st(c, j, ld(c, j) + d);
    if (s + 1 < 2 * p) {
      const qn = column(q, k, s + 1 < p ? s + 1 : s + 1 - p);
      let nd: f64 = 0;
      for (let pa = qj, pb = resid, pn = qn; pb < end; pa += 8, pb += 8, pn += 8) {
        const v = load<f64>(pb) - d * load<f64>(pa);
        store<f64>(pb, v);
        nd += load<f64>(pn) * v;
      }
      d = nd;
    } else {
      for (let pa = qj, pb = resid; pb < end; pa += 8, pb += 8) {
        store<f64>(pb, load<f64>(pb) - d * load<f64>(pa));
      }
    }
  }
}

/** rinv = r⁻¹ for an upper triangular p×p r with nonzero diagonal. */
export function invertUpper(r: usize, p: i32, rinv: usize): void {
  for (let a = 0; a < p * p; a++) st(rinv, a, 0);
  for (let j = 0; j < p; j++) {
    st(rinv, j * p + j, 1 / ld(r, j * p + j));
    for (let i = j - 1; i >= 0; i--) {
      let s: f64 = 0;
      for (let l = i + 1; l <= j; l++) s += ld(r, i * p + l) * ld(rinv, l * p + j);
      st(rinv, i * p + j, -s / ld(r, i * p + i));
    }
  }
}
