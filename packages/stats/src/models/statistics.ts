/**
 * The statistics rma derives from a kernel fit (τ², β, (X'WX)⁻¹, Q at τ̂² and at 0, tr P at 0),
 * written once and shared by rma and the refit loop of the sensitivity analyses
 * (diagnostics/refit.ts), so a refit reports exactly what rma would.
 */
import {
  chisqUpperP,
  fUpperP,
  normalTwoSidedP,
  qnorm,
  qt,
  tTwoSidedP,
} from "../distributions/index.js";
import { TooFewStudiesError } from "../errors.js";
import type { Coefficient, Method, TestType } from "../types.js";
import type { ChisqTest, FTest } from "./types.js";

/** metafor sets s² = 0 when the Knapp-Hartung residual sum of squares is below machine epsilon. */
const DOUBLE_EPS = 2.220446049250313e-16;

/**
 * rma's rules on the number of studies once the design is known: k >= p; k > p to estimate τ² with
 * moderators (unless τ² is fixed); k > p for Knapp-Hartung (k - p degrees of freedom).
 *
 * @returns the error rma throws, or null
 */
export function studyCountError(
  k: number,
  p: number,
  method: Method,
  test: TestType,
  tau2Fixed: boolean,
): TooFewStudiesError | null {
  if (k < p) return new TooFewStudiesError(k, p, `a model with ${p} coefficients`);
  if (k === p && p > 1 && method !== "FE" && !tau2Fixed) {
    return new TooFewStudiesError(k, p + 1, `estimating tau² in a model with ${p} coefficients`);
  }
  if (k === p && test === "knha") {
    return new TooFewStudiesError(k, p + 1, "the Knapp-Hartung test (k - p degrees of freedom)");
  }
  return null;
}

/**
 * Knapp-Hartung scale factor s² = Σwᵢ(yᵢ - xᵢ'β̂)²/(k - p) at τ̂² (Knapp & Hartung 2003, eq. 7), from
 * the weighted residual sum of squares `rss` = Q(τ̂²); 0 below machine epsilon, as metafor.
 */
export function knappHartungScale(rss: number, dfResid: number): number {
  return rss <= DOUBLE_EPS ? 0 : rss / dfResid;
}

/** vb = s²·(X'WX)⁻¹ as rows, from the kernel's row-major p×p block starting at `from`. */
export function scaledCovariance(
  unscaled: ArrayLike<number>,
  from: number,
  p: number,
  s2w: number,
): number[][] {
  const vb: number[][] = [];
  for (let i = 0; i < p; i++) {
    const row: number[] = [];
    for (let j = 0; j < p; j++) row.push(s2w * unscaled[from + i * p + j]!);
    vb.push(row);
  }
  return vb;
}

/**
 * Critical value of the two-sided intervals at `level` percent: z, or t(df) under Knapp-Hartung
 * (df = k - p; null under the z test).
 */
export function criticalValue(level: number, df: number | null): number {
  return df === null ? qnorm((1 - level / 100) / 2, false) : qt((1 - level / 100) / 2, df, false);
}

/**
 * Wald tests and CIs of the coefficients: SE = √vb_jj, statistic = β/SE against N(0, 1) or t(df),
 * CI β ± crit·SE.
 */
export function coefficientTable(
  beta: number[],
  vb: number[][],
  termNames: string[],
  df: number | null,
  crit: number,
): Coefficient[] {
  return beta.map((estimate, j) => {
    const se = Math.sqrt(vb[j]![j]!);
    const statistic = estimate / se;
    return {
      name: termNames[j]!,
      estimate,
      se,
      statistic,
      p: df === null ? normalTwoSidedP(statistic) : tTwoSidedP(statistic, df),
      ciLower: estimate - crit * se,
      ciUpper: estimate + crit * se,
    };
  });
}

/** from, from + 1, ..., to - 1. */
export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** Heterogeneity statistics of {@link heterogeneityStatistics}. */
export interface HeterogeneityStatistics {
  QE: ChisqTest;
  typicalVariance: number;
  I2: number;
  H2: number;
}

/**
 * Heterogeneity with fixed-effect weights 1/vᵢ, from Q(0) = Σ(yᵢ - xᵢ'β̂₀)²/vᵢ and tr(P) at τ² = 0:
 * QE = max(0, Q(0)) on k - p df; ṽ = (k - p)/tr(P); I² = 100·τ²/(ṽ + τ²), H² = τ²/ṽ + 1 (Higgins &
 * Thompson 2002, metafor's generalisation to meta-regression); for FE, I² = 100·max(0, (QE - df)/QE)
 * and H² = QE/df. With k = p (no residual df): QE = 0, p = 1, ṽ = 0, I² = 0, H² = 1.
 */
export function heterogeneityStatistics(
  method: Method,
  tau2: number,
  q0: number,
  trP0: number,
  k: number,
  p: number,
): HeterogeneityStatistics {
  const dfResid = k - p;
  let QEstat = 0;
  let QEp = 1;
  let typicalVariance = 0;
  let I2 = 0;
  let H2 = 1;
  if (k > p) {
    QEstat = Math.max(0, q0);
    QEp = chisqUpperP(QEstat, dfResid);
    typicalVariance = dfResid / trP0;
    if (method === "FE") {
      I2 = Math.max(0, (100 * (QEstat - dfResid)) / QEstat);
      H2 = QEstat / dfResid;
    } else {
      I2 = (100 * tau2) / (typicalVariance + tau2);
      H2 = tau2 / typicalVariance + 1;
    }
  }
  return {
    QE: { distribution: "chisq", statistic: QEstat, df: dfResid, p: QEp },
    typicalVariance,
    I2,
    H2,
  };
}

/**
 * Wald-type omnibus test of the coefficients `idx`: QM = b'V⁻¹b, χ²(m) under z; under Knapp-Hartung
 * QM/m against F(m, k - p) (metafor's rma.uni).
 */
export function omnibusTest(
  beta: number[],
  vb: number[][],
  idx: number[],
  df: number | null,
): ChisqTest | FTest {
  const m = idx.length;
  // Cholesky of the m×m block, then QM = ‖L⁻¹b‖².
  const L = new Float64Array(m * m);
  let ok = true;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = vb[idx[i]!]![idx[j]!]!;
      for (let l = 0; l < j; l++) s -= L[i * m + l]! * L[j * m + l]!;
      if (i === j) {
        if (!(s > 0)) ok = false;
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j]!;
      }
    }
  }
  let QM = Number.NaN;
  if (ok) {
    const u = new Float64Array(m);
    QM = 0;
    for (let i = 0; i < m; i++) {
      let s = beta[idx[i]!]!;
      for (let l = 0; l < i; l++) s -= L[i * m + l]! * u[l]!;
      u[i] = s / L[i * m + i]!;
      QM += u[i]! * u[i]!;
    }
  }
  if (df === null) {
    return { distribution: "chisq", statistic: QM, df: m, p: chisqUpperP(QM, m) };
  }
  const F = QM / m;
  return { distribution: "F", statistic: F, df: m, df2: df, p: df > 0 ? fUpperP(F, m, df) : null };
}

/** The coefficients' Wald tests: the critical value, the table of tests and CIs, and QM. */
export interface WaldTests {
  /** Critical value of the CIs: z, or t(df). */
  crit: number;
  coefficients: Coefficient[];
  /** The coefficients QM tests: all but the intercept, or the intercept alone. */
  QMCoefficients: number[];
  QM: ChisqTest | FTest;
}

/**
 * Wald tests and CIs of the coefficients β̂ with covariance `vb` (z when df is null, else t(df)),
 * and the omnibus test QM of every coefficient but the intercept (the intercept alone when it is
 * the only one), as metafor's rma.uni and rma.mv.
 */
export function waldTests(
  beta: number[],
  vb: number[][],
  df: number | null,
  level: number,
  termNames: string[],
): WaldTests {
  const p = beta.length;
  const crit = criticalValue(level, df);
  const coefficients = coefficientTable(beta, vb, termNames, df, crit);
  const QMCoefficients = p > 1 ? range(1, p) : [0];
  const QM = omnibusTest(beta, vb, QMCoefficients, df);
  return { crit, coefficients, QMCoefficients, QM };
}
