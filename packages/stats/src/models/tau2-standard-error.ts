/**
 * Standard error of τ̂², as metafor's rma.uni reports it (res$se.tau2, the same definitions in 3.8
 * and 5.1): for each estimator, the large-sample SD of the estimator evaluated at τ̂².
 *
 * The moment estimators are quadratic forms in y: with y ~ N(Xβ, Σ), Σ = V + τ²I, V = diag(vᵢ),
 * Var(y'Ay) = 2·tr(AΣAΣ) for any A with AX = 0, so an estimator τ̂² = (y'Ay - c)/d has
 * Var = 2·tr(AΣAΣ)/d² (the moment variances of Viechtbauer 2005, J Educ Behav Stat 30:261). Expanding Σ:
 *   tr(AΣAΣ) = tr(AVAV) + 2τ²·tr(AVA) + τ⁴·tr(AA).
 * Every P below is P(w) = W - WX(X'WX)⁻¹X'W for weights w, never formed: with the thin QR
 * W^½X = QR and hᵢ = Σⱼ Qᵢⱼ² (see {@link WeightedProjection}),
 *   tr(P·D)       = Σ wᵢdᵢ(1 - hᵢ)
 *   tr(P·D₁·P·D₂) = Σ wᵢ²d₁ᵢd₂ᵢ(1 - 2hᵢ) + tr(C₁C₂),  Cⱼ = Q'·diag(w∘dⱼ)·Q
 * (P = W^½(I - QQ')W^½; expand and use Q'Q = I), O(k·p²) instead of metafor's k×k matrices.
 */
import { weightedQR } from "@pooled/core-wasm/kernels";
import type { Method } from "../types.js";

/** What {@link tau2StandardError} needs of a fit. */
export interface Tau2StandardErrorInput {
  yi: Float64Array;
  vi: Float64Array;
  /** Design matrix, row-major k×p, intercept in column 0. */
  X: Float64Array;
  k: number;
  p: number;
  method: Method;
  /** The estimate (or the fixed value), >= 0. */
  tau2: number;
  /** control.tau2Init: the Sidik-Jonkman starting value τ₀² when given. */
  tau2Init?: number | undefined;
}

/**
 * SE of τ̂² for each estimator (dfResid = k - p; τ² the estimate; "P at w" as in the file comment):
 * - FE: null (no τ² is estimated; metafor: NA).
 * - DL (DerSimonian & Laird 1986), P at wᵢ = 1/vᵢ (where PVP = P):
 *   √(2·dfResid + 4τ²·tr P + 2τ⁴·tr PP) / tr P.
 * - HS (Hunter & Schmidt 2004), the same quadratic form divided by Σ1/vᵢ instead of tr P:
 *   √(2·dfResid + 4τ²·tr P + 2τ⁴·tr PP) / Σ(1/vᵢ).
 * - HE (Hedges 1983; Hedges & Olkin 1985), P at wᵢ = 1 (the OLS residual projection, PP = P):
 *   √(2·tr(PVPV) + 4τ²·tr(PV) + 2τ⁴·dfResid) / dfResid.
 * - SJ (Sidik & Jonkman 2005), P at wᵢ = 1/(vᵢ + τ₀²), τ₀² = Σ(yᵢ - ȳ)²/k (or control.tau2Init):
 *   τ₀²·√(2·tr(PVPV) + 4τ²·tr(PVP) + 2τ⁴·tr PP) / dfResid.
 * - ML: √(2/Σwᵢ²), wᵢ = 1/(vᵢ + τ̂²) (inverse Fisher information; Viechtbauer 2005).
 * - REML: √(2/tr PP), P at τ̂² (inverse expected information of the restricted likelihood).
 * - EB (Morris 1983) and PM (Paule & Mandel 1982): √(2k²/dfResid) / Σwᵢ, wᵢ = 1/(vᵢ + τ̂²)
 *   (metafor's simplification of the quadratic-form variance scaled by k/dfResid).
 *
 * Also with a fixed τ² (control.tau2Fixed) metafor reports the formula at that value; so does this.
 * Under Knapp-Hartung nothing changes (the test does not touch τ̂²).
 *
 * @returns the SE, or null for FE, for k = 1 (metafor estimates nothing: NA), and where the formula
 *   has no finite value (no residual degrees of freedom with a fixed τ²; a singular design)
 * @example tau2StandardError({ yi, vi, X: ones, k, p: 1, method: "REML", tau2: 0.31 }) // 0.166...
 */
export function tau2StandardError(input: Tau2StandardErrorInput): number | null {
  const { yi, vi, X, k, p, method } = input;
  if (method === "FE" || k === 1) return null;
  const tau2 = Math.max(0, input.tau2);
  const dfResid = k - p;
  const ones = new Float64Array(k).fill(1);
  const sum = (w: Float64Array) => w.reduce((a, b) => a + b, 0);
  let se: number;
  switch (method) {
    case "DL":
    case "HS": {
      const proj = WeightedProjection.at(X, k, p, weightsAt(vi, 0));
      if (proj === null) return null;
      const trP = proj.trace(ones);
      const quadratic =
        2 * dfResid + 4 * tau2 * trP + 2 * tau2 * tau2 * proj.traceProduct(ones, ones);
      se = Math.sqrt(quadratic) / (method === "DL" ? trP : sum(proj.w));
      break;
    }
    case "HE": {
      const proj = WeightedProjection.at(X, k, p, ones);
      if (proj === null) return null;
      const quadratic =
        2 * proj.traceProduct(vi, vi) + 4 * tau2 * proj.trace(vi) + 2 * tau2 * tau2 * dfResid;
      se = Math.sqrt(quadratic) / dfResid;
      break;
    }
    case "SJ": {
      const tau20 = input.tau2Init ?? meanSquaredDeviation(yi);
      const proj = WeightedProjection.at(X, k, p, weightsAt(vi, tau20));
      if (proj === null) return null;
      const quadratic =
        2 * proj.traceProduct(vi, vi) +
        4 * tau2 * proj.traceProduct(vi, ones) +
        2 * tau2 * tau2 * proj.traceProduct(ones, ones);
      se = (tau20 * Math.sqrt(quadratic)) / dfResid;
      break;
    }
    case "ML": {
      const w = weightsAt(vi, tau2);
      se = Math.sqrt(2 / w.reduce((a, b) => a + b * b, 0));
      break;
    }
    case "REML": {
      const proj = WeightedProjection.at(X, k, p, weightsAt(vi, tau2));
      if (proj === null) return null;
      se = Math.sqrt(2 / proj.traceProduct(ones, ones));
      break;
    }
    case "EB":
    case "PM":
      se = Math.sqrt((2 * k * k) / dfResid) / sum(weightsAt(vi, tau2));
      break;
  }
  return Number.isFinite(se) ? se : null;
}

/** wᵢ = 1/(vᵢ + τ²). */
function weightsAt(vi: Float64Array, tau2: number): Float64Array {
  return vi.map((v) => 1 / (v + tau2));
}

/** Σ(yᵢ - ȳ)²/k: metafor's var(yi)·(k - 1)/k, the Sidik-Jonkman starting value. */
function meanSquaredDeviation(yi: Float64Array): number {
  const mean = yi.reduce((a, b) => a + b, 0) / yi.length;
  return yi.reduce((a, y) => a + (y - mean) * (y - mean), 0) / yi.length;
}

/**
 * P = W - WX(X'WX)⁻¹X'W for one weight vector, through the thin QR of W^½X (weightedQR, modified
 * Gram-Schmidt twice: stable where X'WX is ill-conditioned, e.g. a moderator such as a year).
 */
class WeightedProjection {
  private constructor(
    readonly w: Float64Array,
    /** Q, column-major k×p. */
    private readonly q: Float64Array,
    /** Leverages hᵢ = Σⱼ Qᵢⱼ². */
    private readonly h: Float64Array,
    private readonly k: number,
    private readonly p: number,
  ) {}

  /** The projection at weights w, or null when W^½X is rank deficient. */
  static at(X: Float64Array, k: number, p: number, w: Float64Array): WeightedProjection | null {
    const q = new Float64Array(k * p);
    const sw = w.map(Math.sqrt);
    if (!weightedQR(X, sw, k, p, q, new Float64Array(p * p))) return null;
    const h = new Float64Array(k);
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < k; i++) h[i] = h[i]! + q[j * k + i]! ** 2;
    }
    return new WeightedProjection(w, q, h, k, p);
  }

  /** tr(P·diag(d)) = Σ wᵢdᵢ(1 - hᵢ). */
  trace(d: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < this.k; i++) s += this.w[i]! * d[i]! * (1 - this.h[i]!);
    return s;
  }

  /** tr(P·diag(d₁)·P·diag(d₂)) = Σ wᵢ²d₁ᵢd₂ᵢ(1 - 2hᵢ) + tr(C₁C₂), Cⱼ = Q'diag(w∘dⱼ)Q. */
  traceProduct(d1: ArrayLike<number>, d2: ArrayLike<number>): number {
    const { k, w, h } = this;
    let s = 0;
    for (let i = 0; i < k; i++) s += w[i]! * w[i]! * d1[i]! * d2[i]! * (1 - 2 * h[i]!);
    const c1 = this.congruence(d1);
    const c2 = d2 === d1 ? c1 : this.congruence(d2);
    // both symmetric: tr(C₁C₂) = Σ C₁ₐᵦC₂ₐᵦ
    for (let a = 0; a < c1.length; a++) s += c1[a]! * c2[a]!;
    return s;
  }

  /** C = Q'·diag(w∘d)·Q, p×p row-major. */
  private congruence(d: ArrayLike<number>): Float64Array {
    const { k, p, q, w } = this;
    const c = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += q[a * k + i]! * w[i]! * d[i]! * q[b * k + i]!;
        c[a * p + b] = s;
        c[b * p + a] = s;
      }
    }
    return c;
  }
}
