/**
 * escalc for 2×2 tables (measures OR, RR, RD, PETO), as metafor's escalc: double zeros dropped on
 * request, the continuity correction applied, then the per-table formulas of two-by-two.ts.
 */
import type { BinaryMeasure } from "../types.js";
import type { TwoByTwoTables } from "./tables.js";
import { readTables } from "./tables.js";
import { twoByTwoEffect } from "./two-by-two.js";
import type { EscalcData, EscalcResult, OmittedStudy } from "./types.js";
import { InputProblems } from "./validate.js";
import { correctZeroCells, isDoubleZero, type ZeroCellSettings } from "./zero-cells.js";

/** Per-study effects of 2×2 tables before any check: undefined ones are ±Infinity, NaN or vi = 0. */
export interface TwoByTwoStudyEffects {
  /** Input indices of the studies kept (all but the double zeros under drop00). */
  indices: number[];
  /** Effect sizes, aligned with `indices`. */
  yi: number[];
  /** Sampling variances, aligned with `indices`. */
  vi: number[];
  /** Input indices of the tables that got the continuity correction. */
  corrected: number[];
  /** Input indices of the double-zero tables (left out when drop00 is set). */
  doubleZero: number[];
}

/**
 * The effect of every table under metafor's zero-cell handling, without judging the results:
 * escalc rejects undefined ones, the Mantel-Haenszel and Peto heterogeneity tests skip them.
 */
export function twoByTwoStudyEffects(
  measure: BinaryMeasure,
  tables: TwoByTwoTables,
  settings: ZeroCellSettings,
): TwoByTwoStudyEffects {
  const k = tables.ai.length;
  const doubleZero: number[] = [];
  const indices: number[] = [];
  for (let i = 0; i < k; i++) {
    const dz = isDoubleZero(tables.ai[i]!, tables.bi[i]!, tables.ci[i]!, tables.di[i]!);
    if (dz) doubleZero.push(i);
    if (!(dz && settings.drop00)) indices.push(i);
  }
  const t = correctZeroCells(tables, indices, settings.add, settings.to);
  const yi: number[] = [];
  const vi: number[] = [];
  for (let j = 0; j < indices.length; j++) {
    const est = twoByTwoEffect(measure, t.ai[j]!, t.bi[j]!, t.ci[j]!, t.di[j]!);
    yi.push(est.yi);
    vi.push(est.vi);
  }
  return { indices, yi, vi, corrected: t.corrected, doubleZero };
}

/** Whether a study's effect can be used: finite yi, finite vi > 0. */
export function isUsableEffect(yi: number, vi: number): boolean {
  return Number.isFinite(yi) && Number.isFinite(vi) && vi > 0;
}

/**
 * escalc for OR, RR, RD and PETO (options already validated by escalc).
 *
 * @throws PooledInputErrors for bad tables (tables.ts) and for tables whose effect is undefined
 * without a continuity correction (a zero cell with to = "none" or add = 0), naming each study
 */
export function escalcTwoByTwo(
  measure: BinaryMeasure,
  data: EscalcData,
  settings: ZeroCellSettings,
): EscalcResult {
  const tables = readTables(data, `needed for ${measure}`);
  const effects = twoByTwoStudyEffects(measure, tables, settings);
  const problems = new InputProblems(tables.labels);
  effects.indices.forEach((i, j) => {
    if (!isUsableEffect(effects.yi[j]!, effects.vi[j]!)) {
      problems.add(i, zeroCellField(tables, i, data), undefinedEffectText(measure, settings));
    }
  });
  problems.throwIfAny();
  const omitted: OmittedStudy[] = settings.drop00
    ? effects.doubleZero.map((index) => ({
        index,
        label: tables.labels[index]!,
        reason: "no events, or only events, in both arms (drop00)",
      }))
    : [];
  return {
    measure,
    yi: effects.yi,
    vi: effects.vi,
    labels: effects.indices.map((i) => tables.labels[i]!),
    indices: effects.indices,
    omitted,
    options: {
      vtype: "LS",
      correctBias: false,
      add: settings.add,
      to: settings.to,
      drop00: settings.drop00,
    },
    zeroCells: { corrected: effects.corrected, doubleZero: effects.doubleZero },
    notes: [
      measureNote(measure),
      ...zeroCellNotes(tables.labels, effects.corrected, effects.doubleZero, settings),
    ],
  };
}

/** The field to name for a table whose effect is undefined: its first zero cell. */
function zeroCellField(tables: TwoByTwoTables, i: number, data: EscalcData): string {
  if (tables.ai[i] === 0) return "ai";
  if (tables.ci[i] === 0) return "ci";
  if (tables.bi[i] === 0) return data.bi?.[i] != null ? "bi" : "n1i";
  if (tables.di[i] === 0) return data.di?.[i] != null ? "di" : "n2i";
  return "ai";
}

function undefinedEffectText(measure: BinaryMeasure, settings: ZeroCellSettings): string {
  const rule =
    settings.add === 0 ? `add = 0` : `to = "${settings.to}" leaves this table uncorrected`;
  return (
    `a table for which ${measure} is defined: it has a zero cell and no continuity correction ` +
    `(${rule}); use to = "only0" with add = 1/2 (metafor's default), or leave the study out`
  );
}

/** Study labels for a note: "A, B, C". */
export function labelList(labels: readonly string[], indices: readonly number[]): string {
  return indices.map((i) => labels[i]).join(", ");
}

/** What was done to zero cells and double zeros, naming the tables. */
export function zeroCellNotes(
  labels: readonly string[],
  corrected: readonly number[],
  doubleZero: readonly number[],
  settings: ZeroCellSettings,
  what = "",
): string[] {
  const notes: string[] = [];
  const prefix = what === "" ? "" : `${what}: `;
  const sentence = (text: string) => {
    const line = `${prefix}${text}`;
    notes.push(line.charAt(0).toUpperCase() + line.slice(1));
  };
  if (corrected.length > 0) {
    const add = `${settings.add} added to every cell`;
    if (settings.to === "all") {
      sentence(`continuity correction (to = "all"): ${add} of every table.`);
    } else if (settings.to === "if0all") {
      sentence(
        `continuity correction (to = "if0all"): ${add} of every table, because at least one has a zero cell.`,
      );
    } else {
      sentence(
        `continuity correction (to = "only0"): ${add} of the ${corrected.length} table(s) with a zero cell: ${labelList(labels, corrected)}.`,
      );
    }
  }
  if (doubleZero.length > 0) {
    const list = labelList(labels, doubleZero);
    sentence(
      settings.drop00
        ? `left out (drop00): ${doubleZero.length} table(s) with no events, or only events, in both arms: ${list}.`
        : `${doubleZero.length} table(s) with no events, or only events, in both arms, kept (drop00 = false): ${list}.`,
    );
  }
  return notes;
}

function measureNote(measure: BinaryMeasure): string {
  switch (measure) {
    case "OR":
      return "OR: log odds ratio ln(ai·di/(bi·ci)), variance 1/ai + 1/bi + 1/ci + 1/di (Woolf 1955), as metafor; exp(yi) is the odds ratio.";
    case "RR":
      return "RR: log risk ratio ln((ai/n1i)/(ci/n2i)), variance 1/ai − 1/n1i + 1/ci − 1/n2i, as metafor; exp(yi) is the risk ratio.";
    case "RD":
      return "RD: risk difference ai/n1i − ci/n2i, variance p1(1 − p1)/n1i + p2(1 − p2)/n2i (metafor's vtype LS).";
    default:
      return "PETO: Peto's log odds ratio (O − E)/V, variance 1/V (Yusuf et al. 1985), as metafor; exp(yi) is the odds ratio.";
  }
}
