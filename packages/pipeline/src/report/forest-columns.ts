/**
 * The forest plot's columns from the data file: descriptors chosen by the user (--forest-columns
 * dose,sex: the values of those columns, as written) and, whenever the file has SYRCLE columns,
 * a dot per risk-of-bias item beside each study (Hooijmans et al. 2014). Both are joined to the
 * analysed studies by their file row, so a study left out of the analysis (--drop00, excluded
 * rows) never shifts another study's values.
 */
import {
  type ForestColumn,
  type ForestRiskOfBias,
  type RiskOfBiasJudgement,
  SYRCLE_ITEM_NAMES,
} from "@pooled/plots";
import type { Analysis } from "../analysis/types.js";
import { normaliseHeader } from "../input/aliases.js";
import { findHeader } from "../input/columns.js";
import type { StudyField, StudyRow, StudyTable } from "../input/types.js";

/** What the data add to each forest row: descriptor values and risk-of-bias judgements. */
export interface ForestExtras {
  /** Descriptor columns, in the order asked for. */
  columns: ForestColumn[];
  /** The SYRCLE column, or null when the file has no risk-of-bias columns. */
  riskOfBias: ForestRiskOfBias | null;
  /** The descriptor values of study i (index into `Analysis.studies`), by column key. */
  values(i: number): Record<string, string | number | null>;
  /** The judgements of study i in the order of `riskOfBias.items` (null: not assessed). */
  judgements(i: number): RiskOfBiasJudgement[];
}

/** A descriptor column found in the table: its header as written and how to read a row. */
interface Descriptor {
  header: string;
  read: (row: StudyRow) => string | number | null;
}

/**
 * The descriptor columns `names` (headers as written, matched as --by matches them) and the SYRCLE
 * column of the analysis.
 *
 * @throws Error naming the first column the table does not have (or every column, without a table)
 * @example forestExtras(analysis, ["dose", "sex"], table).values(0) // { "data:dose": "120 µg", ... }
 */
export function forestExtras(
  a: Analysis,
  names: readonly string[],
  table: StudyTable | undefined,
): ForestExtras {
  const descriptors = names.map((name) => descriptor(table, name));
  const rowsByNumber = new Map((table?.rows ?? []).map((r) => [r.row, r]));
  const key = (j: number) => `data:${j}`;
  const rob = a.riskOfBias;
  const judgementsByRow = new Map((rob?.studies ?? []).map((s) => [s.row, s.judgements]));
  return {
    // Headers as written, capitalised as the plot's own ("Study", "Weight").
    columns: descriptors.map((d, j) => ({
      key: key(j),
      header: d.header.charAt(0).toUpperCase() + d.header.slice(1),
    })),
    riskOfBias:
      rob === null ? null : { items: rob.items.map((i) => SYRCLE_ITEM_NAMES[i]), label: "SYRCLE" },
    values(i) {
      const row = rowsByNumber.get(a.studies[i]!.row);
      const out: Record<string, string | number | null> = {};
      descriptors.forEach((d, j) => {
        out[key(j)] = row === undefined ? null : d.read(row);
      });
      return out;
    },
    judgements(i) {
      const judgements = judgementsByRow.get(a.studies[i]!.row) ?? {};
      return (rob?.items ?? []).map((item) => judgements[item] ?? null);
    },
  };
}

/** The column `name` of the table: an ordinary column (`extra`), or one feeding a field (year). */
function descriptor(table: StudyTable | undefined, name: string): Descriptor {
  const first = table?.rows[0];
  if (table === undefined || first === undefined)
    throw new Error(`--forest-columns: no data to read the column "${name}" from`);
  const extraHeaders = Object.keys(first.extra);
  const fields = Object.entries(table.columns.fields) as [StudyField, string][];
  const headers = [...extraHeaders, ...fields.map(([, header]) => header)];
  // A header as written, or the name of a field the file feeds (e.g. "cluster"), as --by.
  const byField = fields.findIndex(([field]) => normaliseHeader(field) === normaliseHeader(name));
  const found = findHeader(headers, name);
  const at = found >= 0 ? found : byField >= 0 ? extraHeaders.length + byField : -1;
  if (at < 0)
    throw new Error(
      `--forest-columns: the data have no column named "${name}" (columns: ${headers.join(", ")})`,
    );
  const header = headers[at]!;
  if (at < extraHeaders.length) return { header, read: (row) => row.extra[header] ?? null };
  const field = fields[at - extraHeaders.length]![0];
  return {
    header,
    read: (row) => {
      const value = row[field];
      return typeof value === "string" || typeof value === "number" ? value : null;
    },
  };
}
