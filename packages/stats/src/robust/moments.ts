/**
 * Moments of the CR2 covariance of contrasts C·β̂ under the working model, from which the
 * Satterthwaite degrees of freedom (Pustejovsky & Tipton 2018, eq. 11; Bell & McCaffrey 2002) and
 * the Hotelling T² degrees of freedom of the HTZ test (P&T 2018, eq. 13; Tipton & Pustejovsky 2015,
 * J Educ Behav Stat 40:604) follow.
 *
 * For contrast rows s, t and clusters i, j let P[s,t,i,j] = p_si'Φp_tj. From the per-cluster
 * terms (adjustments.ts), P[s,t,i,j] = [i = j]·Γ_i[s,t] - h_si·h_tj, so every double sum over
 * clusters reduces to single sums and p×p matrices S_ab = Σ_j h_aj h_bj':
 *   Σ_ij P[s,t,i,j]·P[u,v,i,j] = Σ_j D_j[s,t]·D_j[u,v] - Σ_j K_j[s,t]·K_j[u,v] + <S_tv, S_su>_F
 * with K_j = H_j H_j' and D_j = Γ_j - K_j = P[·,·,j,j]. Nothing of size k×k or J×J is formed.
 */

import type { ClusterTerms } from "./adjustments.js";
import { multiply, rowProducts, sandwich } from "./linalg.js";

/** The terms of one cluster for q contrasts: Γ_j (q×q) and H_j (q×p). */
export interface ContrastTerms {
  gram: Float64Array;
  leverage: Float64Array;
}

/** C·Γ_j·C' and C·H_j for a q×p contrast matrix C, or T·Γ_j·T' and T·H_j for a q×q transform T. */
export function applyContrast(
  terms: readonly (ClusterTerms | ContrastTerms)[],
  C: Float64Array,
  q: number,
  from: number,
  p: number,
): ContrastTerms[] {
  return terms.map((t) => ({
    gram: sandwich(C, t.gram, q, from),
    leverage: multiply(C, t.leverage, q, from, p),
  }));
}

/**
 * Ω = Σ_j P[·,·,j,j]: the expectation of C·V^CR2·C' under the working model (clubSandwich's Omega,
 * the trace of P over clusters), q×q.
 */
export function workingExpectation(terms: readonly ContrastTerms[], q: number, p: number) {
  const omega = new Float64Array(q * q);
  for (const t of terms) {
    const K = rowProducts(t.leverage, q, p);
    for (let a = 0; a < q * q; a++) omega[a]! += t.gram[a]! - K[a]!;
  }
  return omega;
}

/**
 * Σ over cluster pairs (i, j) of P[s,t,i,j]·P[u,v,i,j], as a function of (s, t, u, v).
 */
export function crossMoments(
  terms: readonly ContrastTerms[],
  q: number,
  p: number,
): (s: number, t: number, u: number, v: number) => number {
  const diag = terms.map((t) => {
    const K = rowProducts(t.leverage, q, p);
    const D = t.gram.map((g, a) => g - K[a]!);
    return { K, D };
  });
  // S[a][b] = Σ_j h_aj h_bj' (p×p).
  const S: Float64Array[][] = [];
  for (let a = 0; a < q; a++) {
    S.push([]);
    for (let b = 0; b < q; b++) S[a]!.push(new Float64Array(p * p));
  }
  for (const t of terms) {
    const h = t.leverage;
    for (let a = 0; a < q; a++) {
      for (let b = 0; b < q; b++) {
        const sab = S[a]![b]!;
        for (let x = 0; x < p; x++) {
          const hax = h[a * p + x]!;
          for (let y = 0; y < p; y++) sab[x * p + y]! += hax * h[b * p + y]!;
        }
      }
    }
  }
  return (s, t, u, v) => {
    let sum = 0;
    for (const { K, D } of diag) {
      sum += D[s * q + t]! * D[u * q + v]! - K[s * q + t]! * K[u * q + v]!;
    }
    const Stv = S[t]![v]!;
    const Ssu = S[s]![u]!;
    for (let a = 0; a < p * p; a++) sum += Stv[a]! * Ssu[a]!;
    return sum;
  };
}

/**
 * Satterthwaite degrees of freedom of one coefficient (P&T 2018, eq. 11; clubSandwich's df_Satt):
 * ν = (Σ_j p_j'Φp_j)² / Σ_ij (p_i'Φp_j)², with c the unit vector of the coefficient.
 */
export function satterthwaiteDf(terms: readonly ClusterTerms[], index: number, p: number): number {
  const c = new Float64Array(p);
  c[index] = 1;
  const ct = applyContrast(terms, c, 1, p, p);
  const expectation = workingExpectation(ct, 1, p)[0]!;
  const sumSquares = crossMoments(ct, 1, p)(0, 0, 0, 0);
  return (expectation * expectation) / sumSquares;
}
