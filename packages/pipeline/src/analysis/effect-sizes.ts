/**
 * The study effects of a table (metafor's escalc): each row's effect size and sampling variance,
 * after shared control arms are split; tables without an effect (--drop00) leave the later steps.
 * The engine's input errors become data problems naming the file's row and column.
 */
import {
  type EscalcData,
  type EscalcResult,
  escalc,
  qnorm,
  splitSharedControls,
} from "@pooled/stats";
import { engineInputErrors } from "../input/problems.js";
import type { DataProblem, StudyField, StudyRow, StudyTable } from "../input/types.js";
import { AnalysisInputError } from "./columns.js";
import type { AnalysisSettings, StudyResult } from "./types.js";

/** The escalc input of a study table (arm summaries, or given effect sizes for GEN). */
export function escalcData(table: StudyTable): EscalcData {
  const col = <
    K extends
      | "m1i"
      | "sd1i"
      | "n1i"
      | "m2i"
      | "sd2i"
      | "n2i"
      | "msham"
      | "ai"
      | "bi"
      | "ci"
      | "di"
      | "ri"
      | "ni"
      | "yi"
      | "vi"
      | "sei",
  >(
    key: K,
  ) =>
    // A field counts when a column feeds it directly, or when the reader derived it for some row
    // (an SD computed from an SEM or CI column has no SD column behind it).
    table.columns.fields[key] === undefined && table.rows.every((r) => r[key] === undefined)
      ? undefined
      : table.rows.map((r) => r[key] ?? null);
  const data: EscalcData = { labels: table.rows.map((r) => r.study) };
  const assign = (name: keyof EscalcData, values: (number | null)[] | undefined) => {
    if (values !== undefined) (data as Record<string, unknown>)[name] = values;
  };
  assign("m1i", col("m1i"));
  assign("sd1i", col("sd1i"));
  assign("n1i", col("n1i"));
  assign("m2i", col("m2i"));
  assign("sd2i", col("sd2i"));
  assign("n2i", col("n2i"));
  assign("msi", col("msham"));
  for (const f of ["ai", "bi", "ci", "di", "ri", "ni"] as const) assign(f, col(f));
  assign("yi", col("yi"));
  assign("vi", col("vi"));
  assign("sei", col("sei"));
  return data;
}

/** The study effects, and the rows and data they come from. */
export interface StudyEffects {
  /** escalc's result: yi, vi and labels of the studies with an effect, and the rows left out. */
  es: EscalcResult;
  /** The table of the studies with an effect (the input, unless --drop00 left tables out). */
  table: StudyTable;
  /** The escalc input of those rows, for their group sizes. */
  data: EscalcData;
  /** The tables as read (shared controls split), for Mantel-Haenszel and Peto, which pool every table, double zeros too. */
  allTables: EscalcData;
}

/**
 * Effect sizes, after splitting shared control arms (their notes, then escalc's, go to `notes`).
 *
 * @throws AnalysisInputError when the engine rejects a row, or every table was left out
 */
export function studyEffects(
  input: StudyTable,
  settings: AnalysisSettings,
  notes: string[],
): StudyEffects {
  let table = input;
  let data = escalcData(table);
  const es = asDataProblems(table, () => {
    if (settings.splitSharedControls) {
      const split = splitSharedControls(
        data,
        table.rows.map((r) => r.controlGroup ?? null),
      );
      data = split.data;
      notes.push(...split.notes);
    }
    return escalc(settings.measure, data, {
      vtype: settings.vtype,
      correctBias: settings.correctBias,
      ...(settings.legacySmdhVariance ? { legacySmdhVariance: true } : {}),
      ...(settings.add === null ? {} : { add: settings.add }),
      ...(settings.to === null ? {} : { to: settings.to }),
      ...(settings.drop00 === null ? {} : { drop00: settings.drop00 }),
    });
  });
  notes.push(...es.notes);
  const allTables = data;
  if (es.yi.length === 0) {
    // Only double-zero tables, all left out (--drop00, the default of MH and Peto).
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected:
          "at least one table with events in an arm (and not only events): tables with no events, or only events, in both arms say nothing about a ratio and are left out (--drop00)",
        found: `${es.omitted.length} such table${es.omitted.length === 1 ? "" : "s"}, rows ${es.omitted.map((o) => table.rows[o.index]!.row).join(", ")}`,
      },
    ]);
  }
  if (es.omitted.length > 0) {
    // Studies without an effect (double-zero tables under --drop00) leave every later step.
    notes.push(
      `Rows left out with --drop00 (no events, or only events, in both arms): ${es.omitted
        .map((o) => `row ${table.rows[o.index]!.row} (${o.label})`)
        .join(", ")}.`,
    );
    table = { ...table, rows: es.indices.map((i) => table.rows[i]!) };
    data = escalcData(table);
  }
  return { es, table, data, allTables };
}

/**
 * Each study's row of analysis.json: its effect with a normal-theory interval at the level, its
 * weight in the summary model, group sizes, year, publication and events.
 */
export function studyResults(
  effects: StudyEffects,
  weights: readonly number[],
  clusters: readonly string[] | null,
  level: number,
): StudyResult[] {
  const { es, table, data } = effects;
  const { yi, vi, labels } = es;
  const crit = qnorm((1 - level / 100) / 2, false);
  return table.rows.map((row, i) => {
    const sei = Math.sqrt(vi[i]!);
    const [n1, n2] = groupSizes(row, data, i);
    return {
      study: labels[i]!,
      yi: yi[i]!,
      vi: vi[i]!,
      weight: weights[i]!,
      row: row.row,
      sei,
      ciLower: yi[i]! - crit * sei,
      ciUpper: yi[i]! + crit * sei,
      n1,
      n2,
      year: row.year ?? null,
      cluster: clusters?.[i] ?? null,
      events1: row.ai ?? null,
      events2: row.ci ?? null,
    };
  });
}

/**
 * The group sizes behind a study's effect (treatment, control), or null where the file gives
 * none: the arm sizes (after a shared control arm was split), events plus non-events for a 2×2
 * table given as cells, and for a correlation its sample size (as the first).
 */
function groupSizes(row: StudyRow, data: EscalcData, i: number): [number | null, number | null] {
  const size = (values: readonly (number | null | undefined)[] | undefined) => {
    const n = values?.[i];
    return typeof n === "number" && Number.isFinite(n) ? n : null;
  };
  const cells = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? a + b : null;
  if (row.ri !== undefined) return [size(data.ni), null];
  return [size(data.n1i) ?? cells(row.ai, row.bi), size(data.n2i) ?? cells(row.ci, row.di)];
}

/** Fields of the stats engine's messages, as the study table names them. */
const ENGINE_FIELD: Record<string, StudyField> = { msi: "msham", controlGroupIds: "controlGroup" };

/**
 * Runs an effect-size step; its input errors become data problems that name the row and the column
 * of the file (as validation's do), so the CLI and the web app show them the same way.
 */
export function asDataProblems<T>(table: StudyTable, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const list = engineInputErrors(error);
    if (list === null) throw error;
    throw new AnalysisInputError(
      list.map((e) => {
        const field = ENGINE_FIELD[e.location.field] ?? (e.location.field as StudyField);
        const index = e.location.index;
        const problem: DataProblem = {
          file: table.source,
          row: index === undefined ? null : (table.rows[index]?.row ?? null),
          column: table.columns.fields[field] ?? e.location.field,
          expected: e.expected,
        };
        if (e.location.value !== undefined) problem.found = String(e.location.value);
        return problem;
      }),
    );
  }
}
