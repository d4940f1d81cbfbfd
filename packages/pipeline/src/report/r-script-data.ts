/**
 * What the parts of analysis.R share: the data frame `dat` embedded in the script (one row per
 * study, or per 2×2 table; the arm data metafor's escalc needs, the cluster, the --by and --mods
 * columns under syntactic R names) and the calls and names the later parts refer to (the model's
 * name, rma's arguments, the call of Mantel-Haenszel or Peto, the back-transformation).
 */
import { analysisColumn, clusterColumn } from "../analysis/columns.js";
import { type Analysis, TABLE_METHODS } from "../analysis/types.js";
import {
  CORRELATION_MEASURES,
  type InputMeasure,
  type StudyRow,
  type StudyTable,
  TABLE_MEASURES,
} from "../input/types.js";
import { ascii, rName, rNumber, rString, vec } from "./r-literals.js";

/** The analysis, the data frame of the script and the names and calls its parts share. */
export interface RScriptContext {
  a: Analysis;
  table: StudyTable;
  /** escalc's measure, or null when the script embeds Pooled's effect sizes (see metaforMeasure). */
  measure: string | null;
  /** The effect sizes come from 2×2 tables, or from correlations. */
  tables: boolean;
  correlations: boolean;
  /** Mantel-Haenszel or Peto pools the tables. */
  tableMethod: boolean;
  /** The R name of the inverse-variance model of the study effects: `res`, or `res_fe`. */
  fitVar: string;
  /** rma's method for that model: FE under Mantel-Haenszel or Peto, else the tau² estimator. */
  ivMethod: string;
  /** The arguments of rma after `data = dat, ` (method, test, level, control). */
  fit: string;
  /** The call of Mantel-Haenszel or Peto on the tables, up to its data argument. */
  tableCall: string;
  /** Their zero-cell arguments: the study effects' rule first, then none for the pooled tables. */
  tableZeroCells: string;
  /** metafor's transf for the reader's scale (exp, transf.ztor), or null on the identity scale. */
  transf: string | null;
  /** predict(model, transf = exp or transf.ztor) as `into`, printed; nothing on the identity scale. */
  printTransformed: (model: string, into: string) => string[];
  /** The data frame: `dat <- data.frame(...)` and the columns renamed for R. */
  dataLines: string[];
  /** escalc's (and rma.mh's, rma.peto's) cell arguments of the 2×2 tables, e.g. "ai = ai". */
  cellArgs: string[];
  /** Lines that fill in non-events where the file gives arm sizes instead. */
  fills: string[];
  /** dat holds each study's total n (ni), for Egger's test on sample size. */
  embedNi: boolean;
  /** Rows of dat that have no study effect (tables left out by --drop00). */
  omitted: DatRow[];
  /** The R name of the --by column, and its levels in the analysis's order. */
  byName: string | null;
  byLevels: string[];
  /** The R names of the --mods columns, in the model's order. */
  modNames: string[];
}

/** A row of dat: the study label and the file's row number. */
interface DatRow {
  study: string;
  row: number;
}

/** What a back-transformed estimate is (metafor's transf), by measure. */
const TRANSFORMED_NAME: Partial<Record<string, string>> = {
  OR: "odds ratios",
  RR: "risk ratios",
  PETO: "odds ratios",
  ROM: "ratios of means",
  ZCOR: "correlations",
};

/** The context of the script of `a` on `table`: the data frame and the calls its parts share. */
export function scriptContext(a: Analysis, table: StudyTable): RScriptContext {
  const s = a.settings;
  const measure = metaforMeasure(a);
  const tables = TABLE_MEASURES.includes(s.measure as InputMeasure);
  const correlations = CORRELATION_MEASURES.includes(s.measure as InputMeasure);
  const tableMethod = TABLE_METHODS.includes(s.method);
  const data = dataFrame(a, table, measure, tables, correlations);
  const transf =
    a.model.scale === "log" ? "exp" : a.model.scale === "fisher-z" ? "transf.ztor" : null;
  return {
    a,
    table,
    measure,
    tables,
    correlations,
    tableMethod,
    // Mantel-Haenszel and Peto pool the tables; everything else is fitted on the inverse-variance
    // fixed-effect model of the same study effects (res_fe), as Pooled does.
    fitVar: tableMethod ? "res_fe" : "res",
    ivMethod: tableMethod ? "FE" : s.method,
    fit: `method = "${tableMethod ? "FE" : s.method}", test = "${s.test}", level = ${s.level}, control = ctl`,
    tableCall:
      s.method === "MH"
        ? `rma.mh(${data.cellArgs.join(", ")}, measure = "${s.measure}"`
        : `rma.peto(${data.cellArgs.join(", ")}`,
    tableZeroCells: [
      `add = c(${rNumber(s.add)}, 0)`,
      `to = c(${rString(s.to ?? "only0")}, "none")`,
      `drop00 = c(${s.drop00 ? "TRUE" : "FALSE"}, FALSE)`,
    ].join(", "),
    transf,
    printTransformed: (model, into) =>
      transf === null
        ? []
        : [
            `# The same as ${TRANSFORMED_NAME[s.measure] ?? "on the measure's scale"} (transf = ${transf}).`,
            `${into} <- predict(${model}, transf = ${transf})`,
            `print(${into})`,
          ],
    ...data,
  };
}

/**
 * Which measures metafor's escalc (3.8 and 5.x) computes as Pooled does. ROM and SMDH changed
 * definitions after 3.8 (the correction of ROM, the variance of SMDH): their escalc calls say
 * which one, and the script completes them by hand on the versions without it (romLines, smdhLines).
 */
function metaforMeasure(a: Analysis): string | null {
  const s = a.settings;
  switch (s.measure) {
    case "MD":
    case "SMDH":
    case "ROM":
      return s.measure;
    case "SMD":
      return s.vtype === "RevMan" ? null : "SMD";
    case "OR":
    case "RR":
    case "RD":
    case "PETO":
    case "ZCOR":
    case "COR":
      return s.measure;
    default:
      return null;
  }
}

type DataFrame = Pick<
  RScriptContext,
  "dataLines" | "cellArgs" | "fills" | "embedNi" | "omitted" | "byName" | "byLevels" | "modNames"
>;

/** The data frame dat: the study labels, the effect columns, then cluster, --by and --mods. */
function dataFrame(
  a: Analysis,
  table: StudyTable,
  measure: string | null,
  tables: boolean,
  correlations: boolean,
): DataFrame {
  const s = a.settings;
  // dat$cluster and dat$experiment are the analyses by publication's.
  const taken = new Set<string>(["cluster", "experiment"]);
  const rows = datRows(a, table, tables);
  const predictor = s.eggerPredictor;
  // Egger's test on sample size needs each study's total n: escalc's ni, or given here.
  const embedNi =
    measure === null &&
    (predictor === "ninv" || predictor === "sqrtninv") &&
    a.studies.every((x) => x.n1 !== null);
  const effects = effectColumns(a, table, { measure, tables, correlations, embedNi }, taken);
  const grouping = groupingColumns(a, table, rows, taken);
  const columns = [
    `  study = ${vec(
      rows.rows.map((x) => rString(x.study)),
      4,
    )}`,
    ...effects.columns,
    ...grouping.columns,
  ];
  const dataLines = [
    "dat <- data.frame(",
    `${columns.join(",\n")},`,
    "  stringsAsFactors = FALSE",
    ")",
  ];
  for (const [header, name] of renamed(a, grouping.byName, grouping.modNames))
    dataLines.push(`# column "${ascii(header)}" of the data file is ${name} here`);
  dataLines.push("");
  return {
    dataLines,
    cellArgs: effects.cellArgs,
    fills: effects.fills,
    embedNi,
    omitted: rows.omitted,
    byName: grouping.byName,
    byLevels: grouping.byLevels,
    modNames: grouping.modNames,
  };
}

/** The rows of dat, and study-aligned values laid onto them. */
interface DatRows {
  rows: DatRow[];
  omitted: DatRow[];
  /**
   * Study-aligned R literals on the rows of dat. A table without a study effect takes its value
   * from the file's column (`all`, one per table): Mantel-Haenszel and Peto pool it in its
   * subgroup; the other analyses leave it out.
   */
  perRow: (values: readonly string[], all?: readonly string[] | null) => string[];
  /** A column of the file over every table, as R literals; null when no table was left out. */
  fullColumn: (name: string, role: "by" | "mods") => string[] | null;
}

/**
 * The rows of dat: one per study, or for 2×2 tables one per table, tables that the study effects
 * leave out (--drop00) included, as rma.mh and rma.peto pool them.
 */
function datRows(a: Analysis, table: StudyTable, tables: boolean): DatRows {
  const rows: DatRow[] =
    tables && table.rows.length !== a.studies.length
      ? table.rows.map((r) => ({ study: r.study, row: r.row }))
      : a.studies.map((x) => ({ study: x.study, row: x.row }));
  const studyOfRow = new Map(a.studies.map((x, i) => [x.row, i]));
  // atRow[j] is the study of row j.
  const atRow = rows.map((r) => studyOfRow.get(r.row) ?? null);
  const omitted = rows.filter((_, j) => atRow[j] === null);
  return {
    rows,
    omitted,
    perRow: (values, all = null) =>
      atRow.map((i, j) => (i === null ? (all?.[j] ?? "NA") : values[i]!)),
    fullColumn: (name, role) => {
      if (omitted.length === 0) return null;
      const column = analysisColumn(table, name, role, []);
      if (column === null) return null;
      return column.type === "continuous"
        ? column.values.map(rNumber)
        : column.values.map((v) => rString(String(v)));
    },
  };
}

/**
 * The columns escalc reads: the 2×2 tables' cells, the correlations and sample sizes, the arm
 * means, SDs and sizes (and the shared control groups, split in R), or Pooled's effect sizes
 * when escalc does not compute the measure. Names used are added to `taken`.
 */
function effectColumns(
  a: Analysis,
  table: StudyTable,
  kind: { measure: string | null; tables: boolean; correlations: boolean; embedNi: boolean },
  taken: Set<string>,
): { columns: string[]; cellArgs: string[]; fills: string[] } {
  const s = a.settings;
  const columns: string[] = [];
  const num = (values: (number | null | undefined)[]) => vec(values.map(rNumber));
  const cellArgs: string[] = [];
  const fills: string[] = [];
  if (kind.tables) {
    const rows = table.rows;
    const arm1 = armColumns(rows, "ai", "bi", "n1i");
    const arm2 = armColumns(rows, "ci", "di", "n2i");
    for (const [events, arm] of [
      ["ai", arm1],
      ["ci", arm2],
    ] as const) {
      for (const field of [events, ...arm.columns]) {
        taken.add(field);
        columns.push(`  ${field} = ${num(rows.map((r) => r[field]))}`);
      }
      cellArgs.push(`${events} = ${events}`, `${arm.arg} = ${arm.arg}`);
      if (arm.fill !== null) fills.push(arm.fill);
    }
  } else if (kind.correlations) {
    for (const field of ["ri", "ni"] as const) {
      taken.add(field);
      columns.push(`  ${field} = ${num(table.rows.map((r) => r[field]))}`);
    }
  } else if (kind.measure !== null) {
    const rows = table.rows;
    columns.push(`  m1i = ${num(rows.map((r) => r.m1i))}`);
    columns.push(`  sd1i = ${num(rows.map((r) => r.sd1i))}`);
    columns.push(`  n1i = ${num(rows.map((r) => r.n1i))}`);
    columns.push(`  m2i = ${num(rows.map((r) => r.m2i))}`);
    columns.push(`  sd2i = ${num(rows.map((r) => r.sd2i))}`);
    columns.push(`  n2i = ${num(rows.map((r) => r.n2i))}`);
    if (s.splitSharedControls) {
      columns.push(
        `  control_group = ${vec(
          rows.map((r) => (r.controlGroup ? rString(r.controlGroup) : "NA")),
          4,
        )}`,
      );
    }
  } else {
    columns.push(`  yi = ${num(a.studies.map((x) => x.yi))}`);
    columns.push(`  vi = ${num(a.studies.map((x) => x.vi))}`);
    if (kind.embedNi) {
      taken.add("ni");
      columns.push(`  ni = ${num(a.studies.map((x) => x.n1! + (x.n2 ?? 0)))}`);
    }
  }
  return { columns, cellArgs, fills };
}

/**
 * One arm of the 2×2 tables: the events and, as the file gives them, the non-events or the arm
 * size (metafor's escalc, rma.mh and rma.peto take either). A file that gives the non-events in
 * some rows and the arm size in others has both embedded, and the non-events filled in in R.
 */
function armColumns(
  rows: readonly StudyRow[],
  events: "ai" | "ci",
  nonEvents: "bi" | "di",
  total: "n1i" | "n2i",
): { columns: ("bi" | "di" | "n1i" | "n2i")[]; arg: string; fill: string | null } {
  if (rows.every((r) => r[nonEvents] !== undefined))
    return { columns: [nonEvents], arg: nonEvents, fill: null };
  if (rows.every((r) => r[total] !== undefined))
    return { columns: [total], arg: total, fill: null };
  return {
    columns: [nonEvents, total],
    arg: nonEvents,
    fill: `dat$${nonEvents} <- ifelse(is.na(dat$${nonEvents}), dat$${total} - dat$${events}, dat$${nonEvents})`,
  };
}

/**
 * The cluster, the --by column and the --mods columns under syntactic R names (added to
 * `taken`); a categorical moderator that is also the --by column is one factor column in R.
 */
function groupingColumns(
  a: Analysis,
  table: StudyTable,
  rows: DatRows,
  taken: Set<string>,
): Pick<DataFrame, "byName" | "byLevels" | "modNames"> & { columns: string[] } {
  const s = a.settings;
  const { perRow, fullColumn } = rows;
  const columns: string[] = [];
  if (s.cluster !== null) {
    columns.push(
      `  cluster = ${vec(
        perRow(
          a.studies.map((x) => rString(x.cluster ?? "")),
          rows.omitted.length === 0
            ? null
            : (clusterColumn(table, s.cluster, [])?.values.map(rString) ?? null),
        ),
        4,
      )}`,
    );
  }
  let byName: string | null = null;
  let byLevels: string[] = [];
  const modNames: string[] = [];
  const moderators = a.regression?.moderators ?? [];
  const shared =
    a.subgroups !== null
      ? moderators.find((m) => m.name === a.subgroups!.by && m.type === "categorical")
      : undefined;
  if (a.subgroups !== null) {
    byName = rName(a.subgroups.by, taken);
    byLevels = a.subgroups.groups.map((g) => g.level);
    if (shared === undefined) {
      const values = new Array<string>(a.studies.length);
      for (const g of a.subgroups.groups) for (const i of g.indices) values[i] = g.level;
      columns.push(
        `  ${byName} = ${vec(perRow(values.map(rString), fullColumn(a.subgroups.by, "by")), 6)}`,
      );
    }
  }
  for (const m of moderators) {
    if (m === shared) {
      modNames.push(byName!);
      columns.push(
        `  ${byName} = factor(${vec(perRow((m.values as string[]).map(rString), fullColumn(m.name, "by")), 6)}, levels = ${vec(m.levels!.map(rString), 6)})`,
      );
      continue;
    }
    const name = rName(m.name, taken);
    modNames.push(name);
    const all = fullColumn(m.name, "mods");
    if (m.type === "continuous")
      columns.push(`  ${name} = ${vec(perRow((m.values as number[]).map(rNumber), all))}`);
    else {
      columns.push(
        `  ${name} = factor(${vec(perRow((m.values as string[]).map(rString), all), 6)}, levels = ${vec(m.levels!.map(rString), 6)})`,
      );
    }
  }
  return { columns, byName, byLevels, modNames };
}

/** The data file's headers that have another name in R (--by, --mods), with that name. */
function renamed(a: Analysis, byName: string | null, modNames: string[]): [string, string][] {
  const out: [string, string][] = [];
  if (byName !== null && byName !== a.subgroups!.by) out.push([a.subgroups!.by, byName]);
  (a.regression?.moderators ?? []).forEach((m, j) => {
    if (modNames[j] !== m.name) out.push([m.name, modNames[j]!]);
  });
  return out;
}
