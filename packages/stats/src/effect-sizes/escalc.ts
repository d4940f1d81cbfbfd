/**
 * escalc: per-study effect sizes and sampling variances from per-arm summaries, as metafor's
 * escalc() (Viechtbauer 2010, J Stat Softw 36(3)). One verb: it computes yi and vi and nothing else.
 */
import type { BinaryMeasure, CorrelationMeasure, Measure } from "../types.js";
import { escalcTwoByTwo } from "./binary-effects.js";
import { escalcCorrelation } from "./correlation.js";
import type { EffectEstimate } from "./mean-difference.js";
import { meanDifference } from "./mean-difference.js";
import { normalisedMeanDifference } from "./normalised-mean-difference.js";
import { ratioOfMeans } from "./ratio-of-means.js";
import {
  standardizedMeanDifference,
  standardizedMeanDifferenceHetero,
} from "./standardized-mean-difference.js";
import type {
  EscalcData,
  EscalcOptions,
  EscalcResult,
  EscalcVarianceType,
  VarianceType,
} from "./types.js";
import { checkValue, InputProblems, readColumn, resolveLabels, studyCount } from "./validate.js";
import {
  checkZeroCellSettings,
  escalcZeroCellDefaults,
  type ZeroCellSettings,
} from "./zero-cells.js";

const MEASURES: readonly Measure[] = [
  "MD",
  "SMD",
  "SMDH",
  "ROM",
  "NMD",
  "GEN",
  "OR",
  "RR",
  "RD",
  "PETO",
  "ZCOR",
  "COR",
];
const BINARY_MEASURES: readonly Measure[] = ["OR", "RR", "RD", "PETO"];
const VTYPES: readonly EscalcVarianceType[] = ["LS", "UB", "RevMan", "LS2"];

/** Which variance estimators each measure offers (metafor's, plus RevMan's for SMD). */
const allowedVtypes: Record<Measure, readonly EscalcVarianceType[]> = {
  MD: ["LS", "UB"], // identical formulas for MD, as in metafor
  SMD: ["LS", "UB", "RevMan"],
  SMDH: ["LS"],
  ROM: ["LS", "LS2"],
  NMD: ["LS"],
  GEN: ["LS"],
  OR: ["LS"],
  RR: ["LS"],
  RD: ["LS"],
  PETO: ["LS"],
  ZCOR: ["LS"],
  COR: ["LS"],
};

const ARM_FIELDS = ["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"] as const;

/**
 * Computes effect sizes yi and sampling variances vi for k studies.
 *
 * Measures (group 1 = treatment, group 2 = control; formulas and references in the per-measure
 * functions):
 * - "MD": m1 − m2, unpooled variance ({@link meanDifference}),
 * - "SMD": Hedges' g with the exact correction; vtype "LS" (default, metafor), "UB" or "RevMan"
 *   ({@link standardizedMeanDifference}),
 * - "SMDH": Bonett's heteroscedastic SMD with metafor 5.1's variance; `legacySmdhVariance` gives
 *   metafor 3.8's, c(m)² times it ({@link standardizedMeanDifferenceHetero}),
 * - "ROM": log ratio of means, means > 0; bias-corrected (Lajeunesse 2015, eq. 8) unless
 *   `correctBias` is false, as metafor 5.1 (3.8 does not correct); vtype "LS" (default) or "LS2"
 *   (Lajeunesse 2015, eq. 9) ({@link ratioOfMeans}),
 * - "NMD": normalised mean difference with the sham mean msi ({@link normalisedMeanDifference}),
 * - "GEN": effect sizes given as yi with vi or sei (vi = sei²),
 * - "OR", "RR", "RD", "PETO": log odds ratio, log risk ratio, risk difference, Peto's log odds
 *   ratio from 2×2 tables (ai, bi, ci, di, or ai/n1i and ci/n2i), with metafor's zero-cell
 *   handling: `add` (default 1/2) added to every cell of the tables chosen by `to` ("only0",
 *   default: tables with a zero cell; "all"; "if0all"; "none"); `drop00` (default false) leaves
 *   out the tables with no events, or only events, in both arms ({@link oddsRatio},
 *   {@link riskRatio}, {@link riskDifference}, {@link petoOddsRatio}),
 * - "ZCOR", "COR": Fisher's z or raw r from correlations ri and sample sizes ni ({@link fisherZ},
 *   {@link rawCorrelation}).
 *
 * Validation reports every problem at once: a missing column, a missing or non-finite value,
 * n < 2, SD <= 0, a mean <= 0 for ROM, msi equal to m2i for NMD, vi (or sei) <= 0 for GEN; for
 * tables a negative or fractional count, events greater than the arm size, n1i ≠ ai + bi, an
 * effect undefined for lack of a continuity correction; for correlations r outside (−1, 1) and
 * ni <= 3; and an option the measure does not offer. Nothing is silently dropped: a study that
 * cannot be computed is an error, never a NaN in the output. The one exception is asked for:
 * drop00 leaves out double-zero tables, listed in `omitted` and `notes`.
 *
 * Defaults are metafor 5.1's: SMD, SMDH and ROM bias-corrected, SMDH with 5.1's variance.
 *
 * @param measure - effect-size measure
 * @param data - columns of per-study values (metafor's names: m1i, sd1i, n1i, m2i, sd2i, n2i, msi, yi, vi, sei, ai, bi, ci, di, ri, ni, labels)
 * @param options - { vtype, correctBias, legacySmdhVariance, add, to, drop00 }
 * @returns { measure, yi, vi, labels, indices, omitted, options, zeroCells, notes }
 * @throws PooledInputErrors listing every bad value by study and field
 * @example
 * escalc("SMD", { m1i: [55], sd1i: [47], n1i: [155], m2i: [75], sd2i: [64], n2i: [156] })
 * // { measure: "SMD", yi: [-0.355169...], vi: [0.0130646...], labels: ["Study 1"], ... }
 * escalc("OR", { ai: [4, 0], n1i: [123, 20], ci: [11, 3], n2i: [139, 20] })
 * // yi: [-0.938694..., -2.104134...] (1/2 added to the cells of study 2, which the notes name)
 */
export function escalc(
  measure: Measure,
  data: EscalcData,
  options: EscalcOptions = {},
): EscalcResult {
  const settings = checkedOptions(measure, options);
  if (measure === "GEN") return generic(data);
  if (settings.zeroCells !== null) {
    return escalcTwoByTwo(measure as BinaryMeasure, data, settings.zeroCells);
  }
  if (measure === "ZCOR" || measure === "COR") {
    return escalcCorrelation(measure as CorrelationMeasure, data);
  }
  return escalcArms(measure, data, settings);
}

/** escalc's options with their defaults, checked against the measure. */
interface EscalcSettings {
  vtype: EscalcVarianceType;
  correctBias: boolean;
  legacySmdhVariance: boolean;
  /** The zero-cell options of the 2×2 measures; null for the others. */
  zeroCells: ZeroCellSettings | null;
}

/**
 * The measure and options with their defaults; every option the measure does not offer is a
 * problem, and all of them are thrown at once.
 *
 * @throws PooledInputErrors naming each bad option and what the measure accepts
 */
function checkedOptions(measure: Measure, options: EscalcOptions): EscalcSettings {
  const optionProblems = new InputProblems([]);
  if (!MEASURES.includes(measure)) {
    optionProblems.add(undefined, "measure", `one of ${MEASURES.join(", ")}`, measure);
    optionProblems.throwIfAny();
  }
  const vtype = options.vtype ?? "LS";
  // metafor 5.1's escalc: correct = TRUE (it applies to SMD, SMDH and, since 5.0, ROM).
  const correctBias =
    options.correctBias ?? (measure === "SMD" || measure === "SMDH" || measure === "ROM");
  const legacySmdhVariance = options.legacySmdhVariance ?? false;
  if (!VTYPES.includes(vtype)) {
    optionProblems.add(undefined, "options.vtype", `one of ${VTYPES.join(", ")}`, vtype);
  } else if (!allowedVtypes[measure].includes(vtype)) {
    optionProblems.add(
      undefined,
      "options.vtype",
      `for ${measure}: ${allowedVtypes[measure].join(" or ")}`,
      vtype,
    );
  }
  if ((measure === "SMD" || measure === "SMDH") && !correctBias) {
    optionProblems.add(
      undefined,
      "options.correctBias",
      `true for ${measure} (Hedges' correction is always applied, as in metafor)`,
      false,
    );
  }
  if (correctBias && !(measure === "ROM" || measure === "SMD" || measure === "SMDH")) {
    optionProblems.add(
      undefined,
      "options.correctBias",
      `false or absent for ${measure} (a bias correction exists for SMD, SMDH and ROM only)`,
      true,
    );
  }
  if (legacySmdhVariance !== false && measure !== "SMDH") {
    optionProblems.add(
      undefined,
      "options.legacySmdhVariance",
      `false or absent for ${measure} (it chooses metafor 3.8's sampling variance of SMDH)`,
      legacySmdhVariance,
    );
  }
  const zeroCells = zeroCellSettings(measure, options, optionProblems);
  optionProblems.throwIfAny();
  return { vtype, correctBias, legacySmdhVariance, zeroCells };
}

/** The per-arm summaries of the continuous measures, one value per study in each column. */
interface ArmColumns {
  m1: number[];
  sd1: number[];
  n1: number[];
  m2: number[];
  sd2: number[];
  n2: number[];
  /** NMD's sham means (empty for the other measures). */
  ms: number[];
}

/** MD, SMD, SMDH, ROM and NMD: yi and vi from the arms' means, SDs and sizes. */
function escalcArms(measure: Measure, data: EscalcData, settings: EscalcSettings): EscalcResult {
  const k = studyCount(data, ARM_FIELDS);
  const labels = resolveLabels(data.labels, k);
  const problems = new InputProblems(labels);
  const arms = readArms(measure, data, k, problems);
  problems.throwIfAny();

  const yi = new Array<number>(k);
  const vi = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const est = armEffect(measure, arms, i, settings);
    yi[i] = est.yi;
    vi[i] = est.vi;
  }
  checkOutputs(yi, vi, problems);

  const { vtype, correctBias, legacySmdhVariance } = settings;
  return {
    measure,
    yi,
    vi,
    labels,
    indices: allIndices(k),
    omitted: [],
    options:
      measure === "SMDH" ? { vtype, correctBias, legacySmdhVariance } : { vtype, correctBias },
    notes: notesFor(measure, vtype, correctBias, legacySmdhVariance),
  };
}

/** Reads and checks the arm columns the measure needs, recording every problem. */
function readArms(
  measure: Measure,
  data: EscalcData,
  k: number,
  problems: InputProblems,
): ArmColumns {
  const why = `needed for ${measure}`;
  // ROM needs means on a ratio scale; the other measures take any finite mean.
  const meanRule = measure === "ROM" ? "positive" : "finite";
  const m1 = readColumn(data, "m1i", k, meanRule, problems, why);
  const sd1 = readColumn(data, "sd1i", k, "positive", problems, why);
  const n1 = readColumn(data, "n1i", k, "n", problems, why);
  const m2 = readColumn(data, "m2i", k, meanRule, problems, why);
  const sd2 = readColumn(data, "sd2i", k, "positive", problems, why);
  const n2 = readColumn(data, "n2i", k, "n", problems, why);
  const ms = measure === "NMD" ? readColumn(data, "msi", k, "finite", problems, why) : [];
  if (measure === "NMD") {
    for (let i = 0; i < k; i++) {
      if (Number.isFinite(ms[i]) && Number.isFinite(m2[i]) && ms[i] === m2[i]) {
        problems.add(
          i,
          "msi",
          "a sham mean different from the control mean m2i (NMD divides by m2i − msi)",
          ms[i],
        );
      }
    }
  }
  return { m1, sd1, n1, m2, sd2, n2, ms };
}

/** The effect size of study i under a continuous measure (formulas in the per-measure files). */
function armEffect(
  measure: Measure,
  arms: ArmColumns,
  i: number,
  settings: EscalcSettings,
): EffectEstimate {
  const { m1, sd1, n1, m2, sd2, n2, ms } = arms;
  switch (measure) {
    case "MD":
      return meanDifference(m1[i], sd1[i], n1[i], m2[i], sd2[i], n2[i]);
    case "SMD":
      // vtype is one of SMD's (LS, UB, RevMan): checkedOptions checked it against allowedVtypes.
      return standardizedMeanDifference(
        m1[i],
        sd1[i],
        n1[i],
        m2[i],
        sd2[i],
        n2[i],
        settings.vtype as VarianceType,
      );
    case "SMDH":
      return standardizedMeanDifferenceHetero(
        m1[i],
        sd1[i],
        n1[i],
        m2[i],
        sd2[i],
        n2[i],
        settings.legacySmdhVariance,
      );
    case "ROM":
      return ratioOfMeans(
        m1[i],
        sd1[i],
        n1[i],
        m2[i],
        sd2[i],
        n2[i],
        settings.correctBias,
        settings.vtype === "LS2" ? "LS2" : "LS",
      );
    default:
      return normalisedMeanDifference(m1[i], sd1[i], n1[i], m2[i], sd2[i], n2[i], ms[i]);
  }
}

function allIndices(k: number): number[] {
  return Array.from({ length: k }, (_, i) => i);
}

/**
 * The zero-cell options (add, to, drop00) with escalc's defaults for 2×2 measures; null for the
 * other measures, which must not be given them.
 */
function zeroCellSettings(
  measure: Measure,
  options: EscalcOptions,
  problems: InputProblems,
): ZeroCellSettings | null {
  if (!BINARY_MEASURES.includes(measure)) {
    for (const name of ["add", "to", "drop00"] as const) {
      if (options[name] !== undefined) {
        problems.add(
          undefined,
          `options.${name}`,
          `absent for ${measure} (zero-cell options apply to 2×2 tables: OR, RR, RD, PETO)`,
          options[name],
        );
      }
    }
    return null;
  }
  const settings = {
    add: options.add ?? escalcZeroCellDefaults.add,
    to: options.to ?? escalcZeroCellDefaults.to,
    drop00: options.drop00 ?? escalcZeroCellDefaults.drop00,
  };
  checkZeroCellSettings(settings, (option) => `options.${option}`, problems);
  return settings;
}

/** GEN: yi given with vi or sei per study. */
function generic(data: EscalcData): EscalcResult {
  const k = studyCount(data, ["yi", "vi", "sei"]);
  const labels = resolveLabels(data.labels, k);
  const problems = new InputProblems(labels);
  const yi = readColumn(data, "yi", k, "finite", problems, "needed for GEN");
  if (data.vi == null && data.sei == null) {
    problems.add(undefined, "vi", `a column of ${k} sampling variances vi, or standard errors sei`);
    problems.throwIfAny();
  }
  for (const field of ["vi", "sei"] as const) {
    const column = data[field];
    if (column != null && column.length !== k) {
      problems.add(undefined, field, `${k} values, one per study`, `${column.length} values`);
    }
  }
  const vi = new Array<number>(k);
  let fromSe = 0;
  for (let i = 0; i < k; i++) {
    const v = data.vi?.[i];
    const se = data.sei?.[i];
    const hasV = v !== null && v !== undefined;
    const hasSe = se !== null && se !== undefined;
    if (!hasV && !hasSe) {
      problems.add(i, "vi", "a sampling variance vi or a standard error sei (both are missing)");
      vi[i] = Number.NaN;
      continue;
    }
    const vProblem = hasV ? checkValue(v, "positive") : null;
    const seProblem = hasSe ? checkValue(se, "positive") : null;
    if (vProblem) problems.add(i, "vi", vProblem, v);
    if (seProblem) problems.add(i, "sei", seProblem, se);
    if (vProblem || seProblem) {
      vi[i] = Number.NaN;
      continue;
    }
    const fromSei = hasSe ? (se as number) * (se as number) : Number.NaN;
    if (hasV && hasSe && Math.abs((v as number) - fromSei) > 1e-8 * (v as number)) {
      problems.add(i, "sei", `sei² equal to vi = ${v} when both are given`, se);
    }
    vi[i] = hasV ? (v as number) : fromSei;
    if (!hasV) fromSe++;
  }
  problems.throwIfAny();
  const notes = ["GEN: effect sizes and sampling variances as given."];
  if (fromSe > 0) notes.push(`GEN: vi = sei² for ${fromSe} of ${k} studies.`);
  return {
    measure: "GEN",
    yi,
    vi,
    labels,
    indices: allIndices(k),
    omitted: [],
    options: { vtype: "LS", correctBias: false },
    notes,
  };
}

/** Guard against overflow or underflow on extreme inputs: results never hide NaN, vi is > 0. */
function checkOutputs(yi: number[], vi: number[], problems: InputProblems): void {
  for (let i = 0; i < yi.length; i++) {
    if (!Number.isFinite(yi[i])) {
      problems.add(i, "yi", "a finite effect size (the inputs overflow)", yi[i]);
    }
    if (!(Number.isFinite(vi[i]) && vi[i] > 0)) {
      problems.add(
        i,
        "vi",
        "a finite sampling variance > 0 (the inputs overflow or underflow)",
        vi[i],
      );
    }
  }
  problems.throwIfAny();
}

function notesFor(
  measure: Measure,
  vtype: EscalcVarianceType,
  correctBias: boolean,
  legacySmdhVariance: boolean,
): string[] {
  switch (measure) {
    case "MD":
      return [
        "MD: mean difference (treatment − control) with unpooled variance sd1²/n1 + sd2²/n2, as metafor.",
      ];
    case "SMD":
      if (vtype === "RevMan") {
        return [
          "SMD: Hedges' g with RevMan 5's approximate correction 1 − 3/(4N − 9) and variance N/(n1·n2) + g²/(2(N − 3.94)) (Deeks & Higgins 2010).",
        ];
      }
      return [
        `SMD: Hedges' g with the exact correction c(m), m = n1 + n2 − 2 (Hedges 1981); ${
          vtype === "LS"
            ? "large-sample variance (metafor's default, vtype LS)"
            : "unbiased variance (vtype UB)"
        }.`,
      ];
    case "SMDH":
      return [
        `SMDH: Bonett's SMD standardised by √((sd1² + sd2²)/2), without assuming equal variances, Hedges-corrected (Bonett 2008, 2009); ${
          legacySmdhVariance
            ? "sampling variance as metafor before 4.6 (e.g. 3.8), c(m)² times Bonett's large-sample variance"
            : "Bonett's large-sample sampling variance, as metafor 4.6 and later (5.1)"
        }.`,
      ];
    case "ROM": {
      const variance =
        vtype === "LS2"
          ? "second-order variance (Lajeunesse 2015, eq. 9; metafor's vtype LS2)"
          : "large-sample variance sd1²/(n1·m1²) + sd2²/(n2·m2²) (Hedges et al. 1999; metafor's vtype LS)";
      return [
        correctBias
          ? `ROM: log ratio of means with the small-sample bias correction of Lajeunesse (2015, eq. 8), as metafor 5.1's default; ${variance}.`
          : `ROM: log ratio of means ln(m1/m2), not bias-corrected (as metafor 3.8 and meta); ${variance}.`,
      ];
    }
    default:
      return [
        "NMD: 100·(mC − mT)/(mC − mS), the treatment effect as a percentage of the injury (Vesterinen et al. 2014); positive values are improvements, whichever way the injury moved the outcome.",
      ];
  }
}
