/**
 * Effect sizes of one 2×2 table: log odds ratio, log risk ratio, risk difference and Peto's log
 * odds ratio, as metafor's escalc (measures "OR", "RR", "RD", "PETO", variance type "LS").
 *
 * Cells, metafor's notation: a = events and b = non-events in the treatment arm (n1 = a + b),
 * c = events and d = non-events in the control arm (n2 = c + d), N = n1 + n2. Counts may carry a
 * continuity correction (see zero-cells.ts). With a zero cell and no correction the log ratios are
 * infinite or undefined; these functions return the IEEE value (±Infinity, NaN) and leave it to the
 * caller to report it (escalc throws; the Mantel-Haenszel and Peto heterogeneity tests skip the
 * study, as metafor).
 */
import type { BinaryMeasure } from "../types.js";
import type { EffectEstimate } from "./mean-difference.js";

/**
 * Log odds ratio and its large-sample variance (Woolf 1955, Ann Hum Genet 19:251; Fleiss & Berlin
 * 2009, "Effect sizes for dichotomous data", in The Handbook of Research Synthesis and
 * Meta-Analysis, 2nd ed., ch. 13):
 *
 *   yi = ln[(p1/(1 − p1)) / (p2/(1 − p2))] = ln(a·d/(b·c)),   vi = 1/a + 1/b + 1/c + 1/d
 *
 * with p1 = a/n1, p2 = c/n2, computed in metafor's order (logit(p1) − logit(p2)).
 *
 * @returns yi on the log scale (exp(yi) is the odds ratio) and vi
 * @example oddsRatio(4, 119, 11, 128) // { yi: -0.938694..., vi: 0.357124... } (dat.bcg, Aronson 1948)
 */
export function oddsRatio(a: number, b: number, c: number, d: number): EffectEstimate {
  const p1 = a / (a + b);
  const p2 = c / (c + d);
  return {
    yi: Math.log(p1 / (1 - p1)) - Math.log(p2 / (1 - p2)),
    vi: 1 / a + 1 / b + 1 / c + 1 / d,
  };
}

/**
 * Log risk ratio and its large-sample variance (Katz et al. 1978, Biometrics 34:469; Fleiss &
 * Berlin 2009):
 *
 *   yi = ln(p1) − ln(p2),   vi = 1/a − 1/n1 + 1/c − 1/n2
 *
 * @returns yi on the log scale (exp(yi) is the risk ratio) and vi
 * @example riskRatio(4, 119, 11, 128) // { yi: -0.889311..., vi: 0.325585... } (dat.bcg, Aronson 1948)
 */
export function riskRatio(a: number, b: number, c: number, d: number): EffectEstimate {
  const n1 = a + b;
  const n2 = c + d;
  return {
    yi: Math.log(a / n1) - Math.log(c / n2),
    vi: 1 / a - 1 / n1 + 1 / c - 1 / n2,
  };
}

/**
 * Risk difference and its large-sample variance (metafor's vtype "LS"; Fleiss & Berlin 2009):
 *
 *   yi = p1 − p2,   vi = p1(1 − p1)/n1 + p2(1 − p2)/n2
 *
 * @returns yi (a difference of proportions) and vi
 * @example riskDifference(4, 119, 11, 128) // { yi: -0.046616..., vi: 0.000780068... }
 */
export function riskDifference(a: number, b: number, c: number, d: number): EffectEstimate {
  const n1 = a + b;
  const n2 = c + d;
  const p1 = a / n1;
  const p2 = c / n2;
  return { yi: p1 - p2, vi: (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2 };
}

/**
 * Peto's one-step log odds ratio (Yusuf, Peto, Lewis, Collins & Sleight 1985, Prog Cardiovasc Dis
 * 27:335): observed minus expected events in the treatment arm under the null, divided by the
 * hypergeometric variance V of a:
 *
 *   E = (a + c)·n1/N,   V = (a + c)(b + d)(n1/N)(n2/N)/(N − 1),   yi = (a − E)/V,   vi = 1/V
 *
 * V = 0 (no events, or only events, in both arms) leaves yi undefined.
 *
 * @returns yi on the log scale and vi
 * @example petoOddsRatio(4, 119, 11, 128) // { yi: -0.860383..., vi: 0.282836... }
 */
export function petoOddsRatio(a: number, b: number, c: number, d: number): EffectEstimate {
  const n1 = a + b;
  const n2 = c + d;
  const N = n1 + n2;
  const xt = a + c;
  const yt = b + d;
  const expected = (xt * n1) / N;
  const V = (xt * yt * (n1 / N) * (n2 / N)) / (N - 1);
  return { yi: (a - expected) / V, vi: 1 / V };
}

/** The formula of `measure` applied to one table. */
export function twoByTwoEffect(
  measure: BinaryMeasure,
  a: number,
  b: number,
  c: number,
  d: number,
): EffectEstimate {
  switch (measure) {
    case "OR":
      return oddsRatio(a, b, c, d);
    case "RR":
      return riskRatio(a, b, c, d);
    case "RD":
      return riskDifference(a, b, c, d);
    default:
      return petoOddsRatio(a, b, c, d);
  }
}
