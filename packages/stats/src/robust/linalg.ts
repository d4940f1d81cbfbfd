/**
 * Small dense matrices for cluster-robust inference: the n_j×n_j blocks of one cluster and the
 * p×p matrices of the coefficients, never the k×k covariance of all rows. Matrices are row-major
 * Float64Arrays; `a[i * cols + j]` is row i, column j.
 */

/** Product of an (n×m) and an (m×l) matrix. */
export function multiply(a: Float64Array, b: Float64Array, n: number, m: number, l: number) {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < m; r++) {
      const air = a[i * m + r]!;
      if (air === 0) continue;
      for (let j = 0; j < l; j++) out[i * l + j]! += air * b[r * l + j]!;
    }
  }
  return out;
}

/** Transpose of an (n×m) matrix. */
export function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]!;
  return out;
}

/** a·b·a' for an (n×m) matrix a and a symmetric (m×m) matrix b; the result is symmetrised. */
export function sandwich(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const out = multiply(multiply(a, b, n, m, m), transpose(a, n, m), n, m, n);
  symmetrize(out, n);
  return out;
}

/** a·a' for an (n×m) matrix a: the inner products of its rows, n×n. */
export function rowProducts(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let r = 0; r < m; r++) sum += a[i * m + r]! * a[j * m + r]!;
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/** Replaces a square matrix by (a + a')/2, removing the asymmetry that rounding leaves. */
export function symmetrize(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      a[i * n + j] = mean;
      a[j * n + i] = mean;
    }
  }
}

/**
 * Cholesky factor L (lower triangular, a = L·L') of a symmetric positive definite matrix, or null
 * when a pivot is not positive (as R's chol(), which stops there).
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = a[j * n + j]!;
    for (let r = 0; r < j; r++) pivot -= l[j * n + r]! * l[j * n + r]!;
    if (!(pivot > 0) || !Number.isFinite(pivot)) return null;
    const ljj = Math.sqrt(pivot);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let sum = a[i * n + j]!;
      for (let r = 0; r < j; r++) sum -= l[i * n + r]! * l[j * n + r]!;
      l[i * n + j] = sum / ljj;
    }
  }
  return l;
}

/** Inverse of a = L·L' from its Cholesky factor (R's chol2inv), symmetric. */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // L⁻¹ by forward substitution, then a⁻¹ = L⁻ᵀ·L⁻¹.
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let sum = 0;
      for (let r = j; r < i; r++) sum -= l[i * n + r]! * li[r * n + j]!;
      li[i * n + j] = sum / l[i * n + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let r = i; r < n; r++) sum += li[r * n + i]! * li[r * n + j]!;
      inv[i * n + j] = sum;
      inv[j * n + i] = sum;
    }
  }
  return inv;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan 2013,
 * §8.5): accurate to rounding in every eigenvalue, and simple for the small blocks met here.
 *
 * @returns eigenvalues and the eigenvectors as the columns of an n×n row-major matrix
 */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  symmetrize(m, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = m[i * n + j]! * m[i * n + j]!;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off === 0 || off <= 1e-32 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) rotate(m, v, n, p, q);
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i]!;
  return { values, vectors: v };
}

/** One Jacobi rotation annihilating m[p][q] (m symmetric), accumulated into the eigenvectors v. */
function rotate(m: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = m[p * n + q]!;
  if (apq === 0) return;
  const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let r = 0; r < n; r++) {
    // columns p and q
    const mrp = m[r * n + p]!;
    const mrq = m[r * n + q]!;
    m[r * n + p] = c * mrp - s * mrq;
    m[r * n + q] = s * mrp + c * mrq;
  }
  for (let r = 0; r < n; r++) {
    // rows p and q
    const mpr = m[p * n + r]!;
    const mqr = m[q * n + r]!;
    m[p * n + r] = c * mpr - s * mqr;
    m[q * n + r] = s * mpr + c * mqr;
  }
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let r = 0; r < n; r++) {
    const vrp = v[r * n + p]!;
    const vrq = v[r * n + q]!;
    v[r * n + p] = c * vrp - s * vrq;
    v[r * n + q] = s * vrp + c * vrq;
  }
}

/**
 * Power of a symmetric positive semi-definite matrix through its eigen-decomposition, with
 * eigenvalues at most `tolerance` treated as 0 (so power -1/2 gives the symmetric square root of
 * the Moore-Penrose inverse). This is clubSandwich's matrix_power(x, p), whose cut-off is the
 * absolute 10^-12.
 *
 * @returns the matrix power and the number of eigenvalues above the cut-off (the rank)
 */
export function symmetricPower(
  a: Float64Array,
  n: number,
  power: number,
  tolerance: number,
): { matrix: Float64Array; rank: number } {
  const { values, vectors } = symmetricEigen(a, n);
  const scaled = new Float64Array(n);
  let rank = 0;
  for (let i = 0; i < n; i++) {
    if (values[i]! > tolerance) {
      scaled[i] = values[i]! ** power;
      rank++;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += vectors[i * n + r]! * scaled[r]! * vectors[j * n + r]!;
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return { matrix: out, rank };
}
