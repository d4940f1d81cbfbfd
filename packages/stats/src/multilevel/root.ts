/**
 * A bracketing root finder for the profile-likelihood CIs: Brent's method (Brent 1973,
 * "Algorithms for Minimization without Derivatives", ch. 4), inverse quadratic interpolation or
 * secant steps kept inside the bracket, bisection when they do not shrink it fast enough. Bounded:
 * at most maxIter evaluations.
 */

/**
 * A root of f in [a, b], where f(a) and f(b) have opposite signs (or one is 0), to |interval| <= tol.
 *
 * @returns the root, or NaN when the bracket is invalid or f returns a non-finite value
 */
export function brentRoot(
  f: (x: number) => number,
  a0: number,
  b0: number,
  fa0: number,
  fb0: number,
  tol: number,
  maxIter = 200,
): number {
  let a = a0;
  let b = b0;
  let fa = fa0;
  let fb = fb0;
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(Number.isFinite(fa) && Number.isFinite(fb)) || fa * fb > 0) return Number.NaN;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const half = 0.5 * (c - b);
    if (Math.abs(half) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      // interpolation: secant when a = c, else inverse quadratic
      const s = fb / fa;
      let pNum: number;
      let qDen: number;
      if (a === c) {
        pNum = 2 * half * s;
        qDen = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        pNum = s * (2 * half * qa * (qa - r) - (b - a) * (r - 1));
        qDen = (qa - 1) * (r - 1) * (s - 1);
      }
      if (pNum > 0) qDen = -qDen;
      else pNum = -pNum;
      if (2 * pNum < Math.min(3 * half * qDen - Math.abs(tol1 * qDen), Math.abs(e * qDen))) {
        e = d;
        d = pNum / qDen;
      } else {
        d = half;
        e = d;
      }
    } else {
      d = half;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : half > 0 ? tol1 : -tol1;
    fb = f(b);
    if (!Number.isFinite(fb)) return Number.NaN;
  }
  return Number.NaN;
}
