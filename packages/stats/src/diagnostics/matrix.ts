/** Small dense symmetric-matrix helpers for the influence diagnostics (p×p, p small). */

/**
 * Inverse and determinant of a square matrix by Gauss-Jordan elimination with partial pivoting.
 * Returns null when the matrix is singular (a zero pivot).
 */
export function invertWithDet(a: number[][]): { inverse: number[][]; det: number } | null {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    const pv = m[pivot]![c]!;
    if (pv === 0 || !Number.isFinite(pv)) return null;
    if (pivot !== c) {
      [m[pivot], m[c]] = [m[c]!, m[pivot]!];
      det = -det;
    }
    det *= pv;
    const row = m[c]!;
    for (let j = 0; j < 2 * n; j++) row[j] = row[j]! / pv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f === 0) continue;
      const target = m[r]!;
      for (let j = 0; j < 2 * n; j++) target[j] = target[j]! - f * row[j]!;
    }
  }
  return { inverse: m.map((row) => row.slice(n)), det };
}

/** (X'WX)⁻¹ for rows X (k×p) and weights w. */
export function weightedCrossInverse(X: number[][], w: number[]): number[][] | null {
  const p = X[0]!.length;
  const xtwx: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  X.forEach((row, i) => {
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) xtwx[a]![b]! += w[i]! * row[a]! * row[b]!;
  });
  return invertWithDet(xtwx)?.inverse ?? null;
}

/** x'·A·x for a vector x and a square matrix A. */
export function quadraticForm(x: number[], a: number[][]): number {
  let s = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = 0; j < x.length; j++) s += x[i]! * a[i]![j]! * x[j]!;
  return s;
}
