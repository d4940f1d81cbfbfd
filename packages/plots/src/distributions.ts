/**
 * The few distribution functions the plots need for reference lines and regions (the plots
 * package does not depend on the statistics engine): the normal quantile behind the funnel's
 * pseudo-confidence region and contours and the influence plot's ±1.96 lines, and the chi-square
 * quantile behind the Cook's distance cut-off.
 */

/** ln Γ(x) for x > 0 (Lanczos 1964, g = 7, n = 9; relative error below 1e-14). */
export function lnGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularised lower incomplete gamma P(a, x): its series for x < a + 1, else 1 − Q(a, x) from
 * Legendre's continued fraction by the modified Lentz method (Press et al. 2007, Numerical
 * Recipes, 3rd ed., §6.2).
 */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(logPrefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefix) * h;
}

/**
 * Quantile of the chi-square distribution with `df` degrees of freedom: the x with
 * P(df/2, x/2) = p, found by bisection to a relative width of 1e-13.
 * @example chiSquareQuantile(0.5, 1) // 0.4549364 (R: qchisq(0.5, 1))
 */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new Error("chiSquareQuantile: p in (0, 1), df > 0");
  let lo = 0;
  let hi = Math.max(1, df);
  while (regularizedGammaP(df / 2, hi / 2) < p) hi *= 2;
  while (hi - lo > 1e-13 * hi) {
    const mid = (lo + hi) / 2;
    if (regularizedGammaP(df / 2, mid / 2) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9):
 * a central rational function for 0.02425 ≤ p ≤ 0.97575, a tail one in √(−2 ln p) below it, and
 * the symmetry Φ⁻¹(p) = −Φ⁻¹(1 − p) above it.
 * @example normalQuantile(0.975) // 1.9599639861 (R: qnorm(0.975) = 1.9599639845)
 */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new Error("normalQuantile: p must be in (0, 1)");
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
