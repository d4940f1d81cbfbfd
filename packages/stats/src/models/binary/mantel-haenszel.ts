/**
 * Mantel-Haenszel pooling of 2×2 tables (odds ratio, risk ratio, risk difference), as metafor's
 * rma.mh: closed-form estimates and variances, Cochran's Q of the per-study effects around the MH
 * estimate, and for the odds ratio the Cochran-Mantel-Haenszel and Breslow-Day (Tarone) tests.
 *
 * Notation per table: a, b (events, non-events, treatment), c, d (control), n1 = a + b,
 * n2 = c + d, N = n1 + n2, xt = a + c (events), yt = b + d (non-events). Sums run over tables.
 * Expressions keep metafor's order of operations so that results agree to rounding.
 */
import { fitDefaults } from "../../defaults.js";
import { chisqUpperP, normalTwoSidedP } from "../../distributions/index.js";
import { PooledError, PooledInputError } from "../../errors.js";
import { criticalValue } from "../statistics.js";
import type { ChisqTest } from "../types.js";
import {
  cochranQ,
  type PreparedTables,
  percentWeights,
  prepareTables,
  tableMargins,
  zeroCellStageNotes,
} from "./prepare.js";
import type {
  MantelHaenszelMeasure,
  MantelHaenszelOptions,
  MantelHaenszelResult,
  TableChisqTest,
  TwoByTwoData,
} from "./types.js";

const MEASURES: readonly MantelHaenszelMeasure[] = ["OR", "RR", "RD"];
const METHOD = "Mantel-Haenszel";

/** Cells of the pooled tables. */
interface Cells {
  a: number[];
  b: number[];
  c: number[];
  d: number[];
}

/**
 * Pools 2×2 tables with the Mantel-Haenszel method, as metafor's rma.mh.
 *
 * - OR: ψ = ΣR/ΣS with R = a·d/N, S = b·c/N (Mantel & Haenszel 1959); the variance of ln ψ is that
 *   of Robins, Breslow & Greenland (1986, Biometrics 42:311):
 *   ½·[ΣPR/(ΣR)² + Σ(PS + QR)/(ΣR·ΣS) + ΣQS/(ΣS)²], P = (a + d)/N, Q = (b + c)/N.
 * - RR: ΣR/ΣS with R = a·n2/N, S = c·n1/N; variance of the log (Greenland & Robins 1985, Biometrics
 *   41:55): Σ(n1·n2·(a + c)/N² − a·c/N)/(ΣR·ΣS).
 * - RD: Σ(a·n2 − c·n1)/N / Σ(n1·n2/N) (Greenland & Robins 1985); variance of Sato, Greenland &
 *   Robins (1989, Biometrics 45:1323), as metafor.
 *
 * Weights, as metafor's weights() of an rma.mh fit: each estimate above is the weighted mean
 * Σw·θ/Σw of the table estimates θ, with w = b·c/N and θ = a·d/(b·c) for the OR (Mantel & Haenszel
 * 1959), w = c·n1/N and θ = (a/n1)/(c/n2) for the RR, w = n1·n2/N and θ = a/n1 − c/n2 for the RD
 * (Greenland & Robins 1985); reported per input study as 100·w/Σw, 0 for tables not pooled.
 *
 * Heterogeneity: Cochran's Q of the per-study effects (escalc: log OR, log RR or RD, with the
 * first-stage zero-cell rule) around the MH estimate, weights 1/vi, on (studies with an effect − 1)
 * df, with I² and H², as metafor's QE. For the OR also the Cochran-Mantel-Haenszel test
 * (Mantel & Haenszel 1959; continuity correction unless `correct` is false), Cochran's (1954)
 * version, and the Breslow-Day test of homogeneous odds ratios (Breslow & Day 1980) with Tarone's
 * (1985, Biometrika 72:91) correction, on (tables with positive expected cells − 1) df.
 *
 * Zero cells, as rma.mh: study effects use escalc's correction and drop the double-zero tables
 * (add 1/2, to "only0", drop00 true); the pooled estimate uses the tables as observed (add 0, to
 * "none", drop00 false), where a double zero adds nothing to the odds ratio. Pass pairs to change
 * either stage (types.ts, TwoStageZeroCellOptions). The notes name every table concerned.
 *
 * @param data - 2×2 tables: ai, ci and bi or n1i, di or n2i (and labels)
 * @param options - { measure ("OR"), level (95), correct (true), add, to, drop00 }
 * @returns estimate (log scale for OR and RR), se, z, p, CI, exponentiated values, QE, I², H², the
 * OR tests, the tables and study effects used, per-study weights (percent), notes
 * @throws PooledInputErrors for bad tables or options
 * @throws TooFewStudiesError when no table is left to pool
 * @throws PooledError ("NO_EVENTS") when the estimate does not exist: an odds or risk ratio with no
 * events in one arm of every table (0 or infinite), or a risk difference with no variance
 * @example
 * const mh = mantelHaenszel({ ai: [4, 6, 3], n1i: [123, 306, 231], ci: [11, 29, 11], n2i: [139, 303, 220] });
 * mh.exponentiated?.estimate; mh.breslowDay?.p; mh.QE.p; mh.weights // percent, sum 100
 */
export function mantelHaenszel(
  data: TwoByTwoData,
  options: MantelHaenszelOptions = {},
): MantelHaenszelResult {
  const measure = options.measure ?? "OR";
  if (!MEASURES.includes(measure)) {
    throw new PooledInputError(
      { field: "options.measure", value: measure },
      `one of ${MEASURES.join(", ")} (the Mantel-Haenszel method pools odds ratios, risk ratios or risk differences)`,
    );
  }
  const correct = options.correct ?? true;
  if (typeof correct !== "boolean") {
    throw new PooledInputError({ field: "options.correct", value: correct }, "true or false");
  }
  const level = options.level ?? fitDefaults.level;
  const prepared = prepareTables(measure, data, options, `the ${METHOD} method`);
  const cells: Cells = { a: prepared.ai, b: prepared.bi, c: prepared.ci, d: prepared.di };
  const pooled =
    measure === "OR"
      ? oddsRatioMH(cells)
      : measure === "RR"
        ? riskRatioMH(cells)
        : riskDifferenceMH(cells);
  const { estimate, se } = pooled;
  const statistic = estimate / se;
  const crit = criticalValue(level, null);
  const ciLower = estimate - crit * se;
  const ciUpper = estimate + crit * se;
  // metafor's Breslow-Day test takes ψ = ΣR/ΣS itself, not exp(ln ψ).
  const orTests = measure === "OR" ? oddsRatioTests(cells, pooled.ratio as number, correct) : null;
  return {
    kind: "mantel-haenszel",
    measure,
    scale: measure === "RD" ? "identity" : "log",
    level,
    labels: prepared.labels,
    k: prepared.rows.length,
    tables: prepared.rows,
    estimate,
    se,
    statistic,
    p: normalTwoSidedP(statistic),
    ciLower,
    ciUpper,
    exponentiated:
      measure === "RD"
        ? null
        : { estimate: Math.exp(estimate), ciLower: Math.exp(ciLower), ciUpper: Math.exp(ciUpper) },
    ...cochranQ(prepared.studyEffects, estimate),
    studyEffects: prepared.studyEffects,
    weights: percentWeights(
      mantelHaenszelWeights(measure, cells),
      prepared.rows,
      prepared.labels.length,
    ),
    cochranMantelHaenszel: orTests?.cmh ?? null,
    cochran: orTests?.cochran ?? null,
    breslowDay: orTests?.breslowDay ?? null,
    tarone: orTests?.tarone ?? null,
    kPos: orTests?.kPos ?? null,
    zeroCells: prepared.zeroCells,
    notes: notesFor(measure, prepared, correct),
  };
}

/** The pooled estimate (log scale for ratios), its standard error, and the ratio itself. */
interface Pooled {
  estimate: number;
  se: number;
  /** ψ itself for OR and RR; null for RD. */
  ratio: number | null;
}

/** Mantel-Haenszel odds ratio; variance of Robins, Breslow & Greenland (1986). */
function oddsRatioMH({ a, b, c, d }: Cells): Pooled {
  let R = 0;
  let S = 0;
  let PR = 0;
  let PSQR = 0;
  let QS = 0;
  for (let i = 0; i < a.length; i++) {
    const N = a[i]! + b[i]! + c[i]! + d[i]!;
    const P = a[i]! / N + d[i]! / N;
    const Q = b[i]! / N + c[i]! / N;
    const Ri = (a[i]! / N) * d[i]!;
    const Si = (b[i]! / N) * c[i]!;
    R += Ri;
    S += Si;
    PR += P * Ri;
    PSQR += P * Si + Q * Ri;
    QS += Q * Si;
  }
  if (R === 0 || S === 0) {
    throw noEvents(
      "odds ratio",
      R === 0
        ? "no table has events in the treatment arm and non-events in the control arm (the odds ratio is 0)"
        : "no table has non-events in the treatment arm and events in the control arm (the odds ratio is infinite)",
    );
  }
  const psi = R / S;
  return {
    estimate: Math.log(psi),
    se: Math.sqrt(0.5 * (PR / R ** 2 + PSQR / (R * S) + QS / S ** 2)),
    ratio: psi,
  };
}

/** Mantel-Haenszel risk ratio; variance of Greenland & Robins (1985). */
function riskRatioMH({ a, b, c, d }: Cells): Pooled {
  let R = 0;
  let S = 0;
  let sumA = 0;
  let sumC = 0;
  let V = 0;
  for (let i = 0; i < a.length; i++) {
    const n1 = a[i]! + b[i]!;
    const n2 = c[i]! + d[i]!;
    const N = n1 + n2;
    R += a[i]! * (n2 / N);
    S += c[i]! * (n1 / N);
    sumA += a[i]!;
    sumC += c[i]!;
    V += (n1 / N) * (n2 / N) * (a[i]! + c[i]!) - (a[i]! / N) * c[i]!;
  }
  if (sumA === 0 || sumC === 0) {
    throw noEvents(
      "risk ratio",
      `no events in the ${sumA === 0 ? "treatment" : "control"} arm of any table (the risk ratio is ${sumA === 0 ? "0" : "infinite"})`,
    );
  }
  return { estimate: Math.log(R / S), se: Math.sqrt(V / (R * S)), ratio: R / S };
}

/** Mantel-Haenszel risk difference; variance of Sato, Greenland & Robins (1989), as metafor. */
function riskDifferenceMH({ a, b, c, d }: Cells): Pooled {
  let numerator = 0;
  let W = 0;
  let U = 0;
  let T = 0;
  for (let i = 0; i < a.length; i++) {
    const n1 = a[i]! + b[i]!;
    const n2 = c[i]! + d[i]!;
    const N = n1 + n2;
    numerator += a[i]! * (n2 / N) - c[i]! * (n1 / N);
    W += n1 * (n2 / N);
    U += c[i]! * (n1 / N) ** 2 - a[i]! * (n2 / N) ** 2 + ((n1 / N) * (n2 / N) * (n2 - n1)) / 2;
    T += (a[i]! * (n2 - c[i]!)) / N + (c[i]! * (n1 - a[i]!)) / N;
  }
  const estimate = numerator / W;
  const se = Math.sqrt((estimate * U + T / 2) / W ** 2);
  if (!(se > 0)) {
    throw noEvents(
      "risk difference",
      "every table has no events, or only events, in both arms: the risk difference has no variance",
    );
  }
  return { estimate, se, ratio: null };
}

/**
 * Mantel-Haenszel weight of each pooled table: the weight of the table's own estimate in the
 * weighted mean that the pooled estimate is. OR: b·c/N (Mantel & Haenszel 1959); RR: c·n1/N and
 * RD: n1·n2/N (Greenland & Robins 1985). The cells are those after the second-stage correction.
 */
function mantelHaenszelWeights(measure: MantelHaenszelMeasure, { a, b, c, d }: Cells): number[] {
  return a.map((_, i) => {
    const n1 = a[i]! + b[i]!;
    const n2 = c[i]! + d[i]!;
    const N = n1 + n2;
    if (measure === "OR") return (b[i]! / N) * c[i]!;
    if (measure === "RR") return (c[i]! / N) * n1;
    return (n1 / N) * n2;
  });
}

/** The tests of the odds ratio: CMH, Cochran, Breslow-Day and Tarone. */
interface OddsRatioTests {
  cmh: ChisqTest | null;
  cochran: ChisqTest | null;
  breslowDay: TableChisqTest | null;
  tarone: TableChisqTest | null;
  kPos: number;
}

/**
 * Cochran-Mantel-Haenszel test, (|Σ(a − n1·xt/N)| − ½)²/Σ n1·n2·xt·yt/(N²(N − 1)) on 1 df
 * (Mantel & Haenszel 1959), Cochran's with N in place of N − 1, and the Breslow-Day statistic
 * Σ(a − Ã)²/Var(Ã), Ã the expected count under the common odds ratio ψ (the root in
 * [0, min(n1, xt)] of the quadratic (Ã(n2 − xt + Ã))/((n1 − Ã)(xt − Ã)) = ψ), with Tarone's
 * correction (Σ(a − Ã))²/ΣVar(Ã) subtracted; both on kPos − 1 df over the tables with Ã > 0,
 * events and non-events, as metafor.
 */
function oddsRatioTests({ a, b, c, d }: Cells, psi: number, correct: boolean): OddsRatioTests {
  const k = a.length;
  let deviation = 0;
  let varianceN = 0;
  let varianceN1 = 0;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < k; i++) {
    const { n1, n2, N, xt, yt } = tableMargins(a, b, c, d, i);
    sumX += xt;
    sumY += yt;
    deviation += a[i]! - (n1 / N) * xt;
    varianceN += (n1 / N) * (n2 / N) * (xt * (yt / N));
    varianceN1 += (n1 / N) * (n2 / N) * (xt * (yt / (N - 1)));
  }
  let cmh: ChisqTest | null = null;
  let cochran: ChisqTest | null = null;
  if (sumX !== 0 && sumY !== 0) {
    const top = (Math.abs(deviation) - (correct ? 0.5 : 0)) ** 2;
    cochran = chisq1(top / varianceN);
    cmh = chisq1(top / varianceN1);
  }

  let kPos = 0;
  let bd = 0;
  let taroneDeviation = 0;
  let taroneVariance = 0;
  for (let i = 0; i < k; i++) {
    const { n1, n2, N, xt, yt } = tableMargins(a, b, c, d, i);
    let N11: number;
    if (psi === 1) {
      N11 = (n1 / N) * xt;
    } else {
      const A = psi * (n1 + xt) + (n2 - xt);
      const B = Math.sqrt(A ** 2 - 4 * n1 * xt * psi * (psi - 1));
      N11 = (A - B) / (2 * (psi - 1));
    }
    if (!(N11 > 0 && xt > 0 && yt > 0)) continue;
    kPos++;
    const N12 = n1 - N11;
    const N21 = xt - N11;
    const N22 = N11 - n1 - xt + N;
    const inverseVariance = 1 / N11 + 1 / N12 + 1 / N21 + 1 / N22;
    bd += (a[i]! - N11) ** 2 / inverseVariance ** -1;
    taroneDeviation += a[i]! - N11;
    taroneVariance += inverseVariance ** -1;
  }
  const BD = Math.max(0, bd);
  const TA = Math.max(0, BD - taroneDeviation ** 2 / taroneVariance);
  const df = kPos - 1;
  const test = (statistic: number): TableChisqTest | null =>
    Number.isFinite(statistic)
      ? { distribution: "chisq", statistic, df, p: df >= 1 ? chisqUpperP(statistic, df) : null }
      : null;
  return { cmh, cochran, breslowDay: test(BD), tarone: test(TA), kPos };
}

function chisq1(statistic: number): ChisqTest {
  return { distribution: "chisq", statistic, df: 1, p: chisqUpperP(statistic, 1) };
}

function noEvents(what: string, why: string): PooledError {
  return new PooledError(
    "NO_EVENTS",
    `the ${METHOD} ${what} does not exist: ${why}. Remedies: Peto's method, the inverse-variance model ` +
      "on escalc's continuity-corrected effects, or a continuity correction of the pooled tables " +
      '(e.g. add: [0.5, 0.5], to: ["only0", "only0"]).',
  );
}

function notesFor(
  measure: MantelHaenszelMeasure,
  prepared: PreparedTables,
  correct: boolean,
): string[] {
  const method =
    measure === "OR"
      ? "Mantel-Haenszel odds ratio (Mantel & Haenszel 1959), variance of Robins, Breslow & Greenland (1986)"
      : measure === "RR"
        ? "Mantel-Haenszel risk ratio, variance of Greenland & Robins (1985)"
        : "Mantel-Haenszel risk difference (Greenland & Robins 1985), variance of Sato, Greenland & Robins (1989)";
  const notes = [
    `${method}, as metafor's rma.mh; heterogeneity: Cochran's Q of the per-study ${measure === "RD" ? "risk differences" : `log ${measure === "OR" ? "odds" : "risk"} ratios`} around the pooled estimate (inverse-variance weights).`,
  ];
  if (measure === "OR") {
    notes.push(
      `Cochran-Mantel-Haenszel test ${correct ? "with" : "without"} continuity correction; Breslow-Day test of a common odds ratio with Tarone's correction.`,
    );
  }
  notes.push(...zeroCellStageNotes(prepared.labels, prepared.zeroCells, measure, METHOD));
  return notes;
}
