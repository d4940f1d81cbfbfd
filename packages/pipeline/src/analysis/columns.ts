/**
 * Reading the --by and --mods columns out of a study table. A column is found by its header as
 * written (or equal after the input layer's normalisation: case, spaces, underscores), among the
 * free columns, the recognised fields (e.g. year) and the SYRCLE items (so a risk-of-bias item can
 * serve as a subgroup or moderator, as METHODS.md suggests).
 */
import { PooledError } from "@pooled/stats";
import { normaliseHeader } from "../input/aliases.js";
import { findHeader } from "../input/columns.js";
import type { DataProblem, StudyField, StudyTable, SyrcleItem } from "../input/types.js";
import { SYRCLE_ITEMS } from "../input/types.js";

/** Problems with the analysis columns, each naming the row and column, reported together. */
export class AnalysisInputError extends PooledError {
  readonly problems: DataProblem[];
  constructor(problems: DataProblem[]) {
    super(
      "INPUT",
      `${problems.length} problem(s) with the analysis columns:\n` +
        problems
          .map(
            (p) =>
              `  - ${p.file}${p.row === null ? "" : `, row ${p.row}`}${p.column === null ? "" : `, column "${p.column}"`}: expected ${p.expected}${p.found === undefined ? "" : ` (found ${p.found})`}`,
          )
          .join("\n"),
    );
    this.problems = problems;
  }
}

/** One column's values, in table order, with the header it was found under. */
export interface ColumnValues {
  header: string;
  values: (string | number | null)[];
}

const NUMERIC_FIELDS: readonly StudyField[] = [
  "year",
  "m1i",
  "sd1i",
  "n1i",
  "m2i",
  "sd2i",
  "n2i",
  "msham",
];
const TEXT_FIELDS: readonly StudyField[] = ["cluster", "controlGroup", "study"];

/** Finds a column by name; null when the table has no such column. */
export function readColumn(table: StudyTable, name: string): ColumnValues | null {
  const key = normaliseHeader(name);
  // SYRCLE items first, read as judgements (low / high / unclear) rather than as written.
  for (const item of SYRCLE_ITEMS) {
    const header = table.columns.riskOfBias[item];
    if (
      header !== undefined &&
      (normaliseHeader(header) === key || normaliseHeader(item) === key)
    ) {
      return { header, values: table.rows.map((row) => judgement(row.riskOfBias, item)) };
    }
  }
  const extraHeaders = new Set<string>();
  for (const row of table.rows) for (const key of Object.keys(row.extra)) extraHeaders.add(key);
  const headers = [...extraHeaders];
  const index = findHeader(headers, name);
  if (index >= 0) {
    const header = headers[index]!;
    return { header, values: table.rows.map((row) => row.extra[header] ?? null) };
  }
  for (const field of [...NUMERIC_FIELDS, ...TEXT_FIELDS]) {
    const header = table.columns.fields[field];
    if (
      header !== undefined &&
      (normaliseHeader(header) === key || normaliseHeader(field) === key)
    ) {
      return {
        header,
        values: table.rows.map((row) => {
          const v = row[field as keyof typeof row];
          return typeof v === "number" || typeof v === "string" ? v : null;
        }),
      };
    }
  }
  return null;
}

function judgement(
  rob: Partial<Record<SyrcleItem, string>> | undefined,
  item: SyrcleItem,
): string | null {
  return rob?.[item] ?? null;
}

/** A grouping or moderator column checked for the analysis. */
export type AnalysisColumn =
  | { name: string; header: string; type: "continuous"; values: number[] }
  | { name: string; header: string; type: "categorical"; values: string[] };

/**
 * Reads a column for --by (always categorical) or --mods (continuous when every value is a number,
 * categorical otherwise). Empty cells are problems, reported with their rows: a study is never
 * dropped from an analysis without the user knowing.
 */
export function analysisColumn(
  table: StudyTable,
  name: string,
  role: "by" | "mods",
  problems: DataProblem[],
): AnalysisColumn | null {
  const column = readColumn(table, name);
  if (column === null) {
    problems.push({
      file: table.source,
      row: null,
      column: name,
      expected: `a column named "${name}" for --${role}`,
      found: "no such column",
    });
    return null;
  }
  let missing = false;
  column.values.forEach((v, i) => {
    if (v === null || (typeof v === "string" && v.trim() === "")) {
      missing = true;
      problems.push({
        file: table.source,
        row: table.rows[i]!.row,
        column: column.header,
        expected: `a value for --${role} (an empty cell would drop the study from the ${role === "by" ? "subgroup analysis" : "meta-regression"}; fill it, e.g. "not reported", or exclude the row)`,
        found: "an empty cell",
      });
    }
  });
  if (missing) return null;
  const values = column.values as (string | number)[];
  const result: AnalysisColumn =
    role === "mods" && values.every((v) => typeof v === "number")
      ? {
          name: column.header,
          header: column.header,
          type: "continuous",
          values: values as number[],
        }
      : {
          name: column.header,
          header: column.header,
          type: "categorical",
          values: values.map((v) => String(v).trim()),
        };
  // A column with one value cannot define subgroups or explain anything: say so by name.
  const distinct = new Set<string | number>(result.values);
  if (distinct.size < 2) {
    problems.push({
      file: table.source,
      row: null,
      column: column.header,
      expected: `at least two different values for --${role} (${role === "by" ? "subgroups to compare" : "a moderator that varies"})`,
      found: `only ${JSON.stringify(String(result.values[0] ?? ""))}`,
    });
    return null;
  }
  return result;
}

/** The publication (cluster) of each study, read from the column that holds it. */
export interface ClusterColumn {
  header: string;
  values: string[];
  /**
   * Labels that differ only in case or spacing ("Smith 2019", "smith  2019"): kept apart, as
   * written, but worth a warning (one entry per group of such labels).
   */
  nearDuplicates: string[][];
}

/**
 * Reads the publication (cluster) column: the one named by --cluster, else the recognised
 * `cluster` column (publication, paper, ...); null when there is neither. Every experiment needs
 * its publication: an empty cell is a problem naming its row (as --by's are), never a guess.
 */
export function clusterColumn(
  table: StudyTable,
  name: string | null,
  problems: DataProblem[],
): ClusterColumn | null {
  const column =
    name === null
      ? table.columns.fields.cluster === undefined
        ? null
        : readColumn(table, table.columns.fields.cluster)
      : readColumn(table, name);
  if (column === null) {
    const field =
      name === null
        ? undefined
        : Object.entries(table.columns.fields).find(
            ([, header]) => header?.toLowerCase() === name.toLowerCase(),
          );
    if (name !== null && field !== undefined) {
      problems.push({
        file: table.source,
        row: null,
        column: name,
        expected: `a column of publication labels for --cluster, not one the analysis already reads`,
        found: `the column "${name}", which holds ${field[0]}`,
      });
    } else if (name !== null) {
      problems.push({
        file: table.source,
        row: null,
        column: name,
        expected: `a column named "${name}" for --cluster; the columns are: ${tableHeaders(table).join(", ")}`,
        found: "no such column",
      });
    }
    return null;
  }
  const values: string[] = [];
  column.values.forEach((v, i) => {
    const text = v === null ? "" : String(v).trim();
    if (text === "") {
      problems.push({
        file: table.source,
        row: table.rows[i]!.row,
        column: column.header,
        expected:
          "the publication this experiment comes from (every row needs one for the analyses by publication; fill it in, or give each experiment of an unknown publication its own label)",
        found: "an empty cell",
      });
    }
    values.push(text);
  });
  return { header: column.header, values, nearDuplicates: nearDuplicateLabels(values) };
}

/** Groups of distinct labels that are equal once case and runs of spaces are ignored. */
function nearDuplicateLabels(values: readonly string[]): string[][] {
  const byKey = new Map<string, Set<string>>();
  for (const v of values) {
    const key = v.toLowerCase().replace(/\s+/g, " ");
    let set = byKey.get(key);
    if (set === undefined) {
      set = new Set();
      byKey.set(key, set);
    }
    set.add(v);
  }
  return [...byKey.values()].filter((s) => s.size > 1).map((s) => [...s]);
}

/** The headers of a study table: its recognised fields, SYRCLE items and other columns. */
function tableHeaders(table: StudyTable): string[] {
  const headers = new Set<string>([
    ...Object.values(table.columns.fields),
    ...Object.values(table.columns.riskOfBias),
  ]);
  for (const row of table.rows) for (const key of Object.keys(row.extra)) headers.add(key);
  return [...headers].filter((h): h is string => typeof h === "string");
}
