/**
 * What the Mantel-Haenszel and Peto methods share, as metafor's rma.mh and rma.peto: validated
 * tables, the two-stage zero-cell rules, the per-study effects of the heterogeneity test, the
 * tables to pool, and Cochran's Q with I² and H².
 */

import { fitDefaults } from "../../defaults.js";
import { chisqUpperP } from "../../distributions/index.js";
import {
  isUsableEffect,
  labelList,
  twoByTwoStudyEffects,
  zeroCellNotes,
} from "../../effect-sizes/binary-effects.js";
import { readTables, type TwoByTwoTables } from "../../effect-sizes/tables.js";
import { InputProblems } from "../../effect-sizes/validate.js";
import {
  checkZeroCellSettings,
  correctZeroCells,
  isDoubleZero,
  type ZeroCellSettings,
} from "../../effect-sizes/zero-cells.js";
import { TooFewStudiesError } from "../../errors.js";
import type { BinaryMeasure } from "../../types.js";
import type {
  StudyEffects,
  TableHeterogeneity,
  TwoByTwoData,
  TwoStageZeroCellOptions,
  TwoStageZeroCells,
} from "./types.js";

/** metafor's rma.mh/rma.peto defaults: escalc's correction for study effects, none for pooling. */
const FIRST_STAGE: ZeroCellSettings = { add: 0.5, to: "only0", drop00: true };
const SECOND_STAGE: ZeroCellSettings = { add: 0, to: "none", drop00: false };

/** Tables ready to pool, with the study effects of the heterogeneity test. */
export interface PreparedTables {
  labels: string[];
  /** Input indices of the tables pooled (all but the double zeros under the second-stage drop00). */
  rows: number[];
  /** Cells of the pooled tables after the second-stage correction, aligned with `rows`. */
  ai: number[];
  bi: number[];
  ci: number[];
  di: number[];
  studyEffects: StudyEffects;
  zeroCells: TwoStageZeroCells;
}

/**
 * Validates the options and the tables, then applies metafor's two stages: escalc under the first
 * rule gives the per-study effects of the heterogeneity test (undefined effects are left out of
 * it, as metafor); the second rule picks and corrects the tables to pool.
 *
 * @param what - the method, for messages ("the Mantel-Haenszel method")
 * @throws PooledInputErrors for bad options or tables; TooFewStudiesError when no table is left
 */
export function prepareTables(
  measure: BinaryMeasure,
  data: TwoByTwoData,
  options: TwoStageZeroCellOptions & { level?: number },
  what: string,
): PreparedTables {
  const problems = new InputProblems([]);
  const [studies, tables] = twoStages(options, problems);
  const level = options.level ?? fitDefaults.level;
  if (!(typeof level === "number" && level > 0 && level < 100)) {
    problems.add(undefined, "options.level", "a confidence level in percent, in (0, 100)", level);
  }
  problems.throwIfAny();

  const table = readTables(data, `needed for ${what}`);
  const k = table.ai.length;
  if (k === 0) throw new TooFewStudiesError(0, 1, what);
  const effects = twoByTwoStudyEffects(measure, table, studies);
  const studyEffects: StudyEffects = { indices: [], yi: [], vi: [] };
  const undefinedEffect: number[] = [];
  effects.indices.forEach((i, j) => {
    if (isUsableEffect(effects.yi[j]!, effects.vi[j]!)) {
      studyEffects.indices.push(i);
      studyEffects.yi.push(effects.yi[j]!);
      studyEffects.vi.push(effects.vi[j]!);
    } else {
      undefinedEffect.push(i);
    }
  });
  const withoutEffect = [...(studies.drop00 ? effects.doubleZero : []), ...undefinedEffect].sort(
    (a, b) => a - b,
  );

  const rows = range(k).filter((i) => !(tables.drop00 && isDoubleZero(...cells(table, i))));
  if (rows.length === 0) {
    throw new TooFewStudiesError(
      0,
      1,
      `${what} (every table has no events, or only events, in both arms, and drop00 leaves them out)`,
    );
  }
  const corrected = correctZeroCells(table, rows, tables.add, tables.to);
  return {
    labels: table.labels,
    rows,
    ai: corrected.ai,
    bi: corrected.bi,
    ci: corrected.ci,
    di: corrected.di,
    studyEffects,
    zeroCells: {
      studies,
      tables,
      doubleZero: effects.doubleZero,
      correctedStudies: effects.corrected,
      correctedTables: corrected.corrected,
      withoutEffect,
    },
  };
}

/**
 * Cochran's Q of the study effects around the pooled estimate (1/vi weights) on k − 1 df, with
 * I² = 100·max(0, (Q − df)/Q) and H² = Q/df (Higgins & Thompson 2002); Q = 0, p = 1, I² = 0,
 * H² = 1 with fewer than two studies, as metafor's rma.mh.
 */
export function cochranQ(effects: StudyEffects, estimate: number): TableHeterogeneity {
  const k = effects.yi.length;
  if (k < 2) {
    return {
      QE: { distribution: "chisq", statistic: 0, df: Math.max(k - 1, 0), p: 1 },
      I2: 0,
      H2: 1,
    };
  }
  let q = 0;
  for (let j = 0; j < k; j++) {
    const r = effects.yi[j]! - estimate;
    q += (r * r) / effects.vi[j]!;
  }
  return heterogeneityFromQ(Math.max(0, q), k - 1);
}

/** p-value, I² and H² of a Q statistic on df >= 1 degrees of freedom. */
export function heterogeneityFromQ(q: number, df: number): TableHeterogeneity {
  return {
    QE: { distribution: "chisq", statistic: q, df, p: chisqUpperP(q, df) },
    I2: Math.max(0, (100 * (q - df)) / q),
    H2: q / df,
  };
}

/** Notes on zero cells, double zeros and studies without an effect, naming them. */
export function zeroCellStageNotes(
  labels: readonly string[],
  zeroCells: TwoStageZeroCells,
  measure: BinaryMeasure,
  method: string,
): string[] {
  const { studies, tables, doubleZero, correctedStudies, correctedTables, withoutEffect } =
    zeroCells;
  const notes = [
    ...zeroCellNotes(labels, correctedStudies, [], studies, "study effects (heterogeneity test)"),
    ...zeroCellNotes(labels, correctedTables, [], tables, `${method} tables`),
  ];
  if (doubleZero.length > 0) {
    const list = labelList(labels, doubleZero);
    const inTest = studies.drop00
      ? "left out of the heterogeneity test (drop00)"
      : "kept in the heterogeneity test with the continuity correction (drop00 = false)";
    const inPool = tables.drop00
      ? `left out of the ${method} estimate (drop00)`
      : `kept in the ${method} sums, as metafor, ${doubleZeroContribution(measure)}`;
    notes.push(
      `${doubleZero.length} table(s) with no events, or only events, in both arms: ${list}; ${inTest}; ${inPool}.`,
    );
  }
  const undefinedEffect = withoutEffect.filter((i) => !(studies.drop00 && doubleZero.includes(i)));
  if (undefinedEffect.length > 0) {
    notes.push(
      `No ${measure} for ${labelList(labels, undefinedEffect)} (a zero cell and no continuity correction): left out of the heterogeneity test, as metafor.`,
    );
  }
  return notes;
}

function doubleZeroContribution(measure: BinaryMeasure): string {
  switch (measure) {
    case "OR":
    case "PETO":
      return "where they add nothing to the odds ratio";
    case "RR":
      return "where tables without events add nothing and tables with only events count as a risk ratio of 1";
    default:
      return "where they count as a risk difference of 0 with weight n1·n2/N";
  }
}

/** metafor's two-stage add/to/drop00: a scalar sets the first stage, a pair both. */
function twoStages(
  options: TwoStageZeroCellOptions,
  problems: InputProblems,
): [ZeroCellSettings, ZeroCellSettings] {
  const first = { ...FIRST_STAGE };
  const second = { ...SECOND_STAGE };
  for (const name of ["add", "to", "drop00"] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length !== 2) {
        problems.add(undefined, `options.${name}`, "one value, or two (escalc, pooling)", value);
        continue;
      }
      (first as Record<string, unknown>)[name] = value[0];
      (second as Record<string, unknown>)[name] = value[1];
    } else {
      (first as Record<string, unknown>)[name] = value;
    }
  }
  checkZeroCellSettings(first, (option) => `options.${option}[0] (study effects)`, problems);
  checkZeroCellSettings(second, (option) => `options.${option}[1] (pooled tables)`, problems);
  return [first, second];
}

function cells(t: TwoByTwoTables, i: number): [number, number, number, number] {
  return [t.ai[i]!, t.bi[i]!, t.ci[i]!, t.di[i]!];
}

function range(k: number): number[] {
  return Array.from({ length: k }, (_, i) => i);
}

/** Margins of table i: arm sizes n1 and n2, total N, events xt and non-events yt. */
export function tableMargins(
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
  d: readonly number[],
  i: number,
): { n1: number; n2: number; N: number; xt: number; yt: number } {
  const n1 = a[i]! + b[i]!;
  const n2 = c[i]! + d[i]!;
  return { n1, n2, N: n1 + n2, xt: a[i]! + c[i]!, yt: b[i]! + d[i]! };
}

/**
 * Weights of the pooled tables (aligned with `rows`) as percentages of their sum, spread over the
 * k input studies; studies whose table was not pooled get 0. The estimate exists only when the sum
 * is positive (mantelHaenszel and peto throw otherwise), so the percentages sum to 100.
 */
export function percentWeights(
  tableWeights: readonly number[],
  rows: readonly number[],
  k: number,
): number[] {
  const total = tableWeights.reduce((sum, w) => sum + w, 0);
  const weights = new Array<number>(k).fill(0);
  rows.forEach((row, j) => {
    weights[row] = (tableWeights[j]! / total) * 100;
  });
  return weights;
}
