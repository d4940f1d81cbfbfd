/**
 * Peto's one-step odds ratio for 2×2 tables, as metafor's rma.peto (Yusuf, Peto, Lewis, Collins &
 * Sleight 1985, Prog Cardiovasc Dis 27:335).
 */
import { fitDefaults } from "../../defaults.js";
import { normalTwoSidedP } from "../../distributions/index.js";
import { PooledError } from "../../errors.js";
import { criticalValue } from "../statistics.js";
import {
  heterogeneityFromQ,
  percentWeights,
  prepareTables,
  tableMargins,
  zeroCellStageNotes,
} from "./prepare.js";
import type { PetoOptions, PetoResult, TableHeterogeneity, TwoByTwoData } from "./types.js";

const METHOD = "Peto";

/**
 * Pools 2×2 tables with Peto's method, as metafor's rma.peto. Per table, the observed events in
 * the treatment arm O = a, their expectation E = xt·n1/N and hypergeometric variance
 * V = xt·yt·(n1/N)(n2/N)/(N − 1) under no effect (xt events, yt non-events, N subjects); then
 *
 *   ln ψ = Σ(O − E)/ΣV,   SE = 1/√ΣV,
 *   Q = Σ(O − E)²/V − (Σ(O − E))²/ΣV over the tables with V > 0, on (studies with an effect − 1) df,
 *
 * with I² = 100·max(0, (Q − df)/Q) and H² = Q/df. Q is Cochran's Q of the per-study Peto log odds
 * ratios (O − E)/V with weights V. Tables with no events, or only events, in both arms have V = 0
 * and add nothing. Zero cells as rma.peto: the study effects of the heterogeneity test use
 * escalc's correction and drop the double zeros (add 1/2, to "only0", drop00 true); the pooled
 * estimate uses the tables as observed; pairs change either stage (TwoStageZeroCellOptions).
 *
 * Weights, as metafor's weights() of an rma.peto fit: ln ψ is the V-weighted mean of the per-table
 * Peto log odds ratios (O − E)/V, so table i weighs 100·Vᵢ/ΣV percent (Yusuf et al. 1985), reported
 * per input study with 0 for tables not pooled; tables with V = 0 weigh 0.
 *
 * Peto's method is accurate for rare events, balanced arms and moderate effects, and biased
 * otherwise (Bradburn, Deeks, Berlin & Localio 2007, Stat Med 26:53).
 *
 * @param data - 2×2 tables: ai, ci and bi or n1i, di or n2i (and labels)
 * @param options - { level (95), add, to, drop00 }
 * @returns log odds ratio with se, z, p, CI, the exponentiated values, Q, I², H², kPos, per-study
 * weights (percent), notes
 * @throws PooledInputErrors for bad tables or options
 * @throws TooFewStudiesError when no table is left to pool
 * @throws PooledError ("NO_EVENTS") when no table has both events and non-events (ΣV = 0)
 * @example
 * const fit = peto({ ai: [4, 6, 3], n1i: [123, 306, 231], ci: [11, 29, 11], n2i: [139, 303, 220] });
 * fit.exponentiated.estimate; fit.QE.p; fit.weights // percent, sum 100
 */
export function peto(data: TwoByTwoData, options: PetoOptions = {}): PetoResult {
  const level = options.level ?? fitDefaults.level;
  const prepared = prepareTables("PETO", data, options, `${METHOD}'s method`);
  const { ai: a, bi: b, ci: c, di: d } = prepared;
  const k = a.length;
  const deviation = new Array<number>(k);
  const variance = new Array<number>(k);
  let sumDeviation = 0;
  let sumVariance = 0;
  for (let i = 0; i < k; i++) {
    const { n1, n2, N, xt, yt } = tableMargins(a, b, c, d, i);
    deviation[i] = a[i]! - (xt * n1) / N;
    variance[i] = (xt * yt * (n1 / N) * (n2 / N)) / (N - 1);
    sumDeviation += deviation[i]!;
    sumVariance += variance[i]!;
  }
  if (sumVariance === 0) {
    throw new PooledError(
      "NO_EVENTS",
      "Peto's method needs a table with both events and non-events; in every table one of the two " +
        "outcomes never occurred. Remedies: a continuity correction of the pooled tables " +
        '(add: [0.5, 0.5], to: ["only0", "only0"]), or a measure that does not need events (RD).',
    );
  }
  const estimate = sumDeviation / sumVariance;
  const se = Math.sqrt(1 / sumVariance);
  const statistic = estimate / se;
  const crit = criticalValue(level, null);
  const ciLower = estimate - crit * se;
  const ciUpper = estimate + crit * se;

  // 100·Vᵢ/ΣV for the pooled tables (Yusuf et al. 1985), 0 for studies whose table was not pooled.
  const weights = percentWeights(variance, prepared.rows, prepared.labels.length);

  let kPos = 0;
  let weighted = 0;
  let positiveVariance = 0;
  for (let i = 0; i < k; i++) {
    if (!(variance[i]! > 0)) continue;
    kPos++;
    weighted += deviation[i]! ** 2 / variance[i]!;
    positiveVariance += variance[i]!;
  }
  const q = Math.max(0, weighted - sumDeviation ** 2 / positiveVariance);
  const kYi = prepared.studyEffects.yi.length;
  const notes = [
    "Peto's one-step odds ratio Σ(O − E)/ΣV with SE 1/√ΣV (Yusuf et al. 1985), as metafor's rma.peto; heterogeneity: Σ(O − E)²/V − (Σ(O − E))²/ΣV.",
    "Peto's method suits rare events with balanced arms and moderate effects; it is biased with unbalanced arms or large effects (Bradburn et al. 2007).",
    ...zeroCellStageNotes(prepared.labels, prepared.zeroCells, "PETO", METHOD),
  ];
  let heterogeneity: TableHeterogeneity;
  if (kPos > 1 && kYi > 1) {
    heterogeneity = heterogeneityFromQ(q, kYi - 1);
  } else {
    // metafor: p = 1, I² = 0, H² = 1 unless two tables have V > 0. When they do but fewer than two
    // studies have an effect (different zero-cell rules in the two stages), metafor's df is <= 0
    // and its I² meaningless; Pooled reports the test as uninformative instead.
    heterogeneity = {
      QE: { distribution: "chisq", statistic: q, df: Math.max(kYi - 1, 0), p: 1 },
      I2: 0,
      H2: 1,
    };
    if (kPos > 1) {
      notes.push(
        `Heterogeneity test not available: fewer than two studies have a Peto log odds ratio under the first-stage zero-cell rule (to = "${prepared.zeroCells.studies.to}", drop00 = ${prepared.zeroCells.studies.drop00}).`,
      );
    }
  }
  return {
    kind: "peto",
    measure: "PETO",
    scale: "log",
    level,
    labels: prepared.labels,
    k,
    tables: prepared.rows,
    estimate,
    se,
    statistic,
    p: normalTwoSidedP(statistic),
    ciLower,
    ciUpper,
    exponentiated: {
      estimate: Math.exp(estimate),
      ciLower: Math.exp(ciLower),
      ciUpper: Math.exp(ciUpper),
    },
    ...heterogeneity,
    studyEffects: prepared.studyEffects,
    weights,
    kPos,
    zeroCells: prepared.zeroCells,
    notes,
  };
}
