/**
 * Settings logic: which choices make sense for the loaded table, and reading the form's raw
 * strings into a Settings object (the CLI's flags, issue 6). Pure functions, no DOM.
 */
import type { StudyField, StudyRow, StudyTable, SyrcleItem } from "@pooled/pipeline";
import type { ForestSortName, MeasureName, MethodName, Settings, TestName } from "../api.js";

export const MEASURES: MeasureName[] = ["MD", "SMD", "SMDH", "ROM", "NMD", "GEN"];
export const METHODS: MethodName[] = ["REML", "FE", "DL", "HE", "HS", "SJ", "ML", "EB", "PM"];
export const TESTS: TestName[] = ["z", "knha"];

export const METHOD_LABELS: Record<MethodName, string> = {
  REML: "REML (restricted ML)",
  FE: "Fixed (common) effect",
  DL: "DerSimonian-Laird",
  HE: "Hedges",
  HS: "Hunter-Schmidt",
  SJ: "Sidik-Jonkman",
  ML: "Maximum likelihood",
  EB: "Empirical Bayes",
  PM: "Paule-Mandel",
};

export const TEST_LABELS: Record<TestName, string> = {
  z: "z (normal)",
  knha: "Knapp-Hartung (t / F)",
};

/** The CLI's defaults (issue 6): REML, z test, seed fixed so reruns agree. */
export const DEFAULT_SETTINGS: Settings = {
  measure: "MD",
  method: "REML",
  test: "z",
  by: null,
  mods: [],
  permutations: null,
  bootstrap: null,
  seed: 1,
  forestSort: "input",
};

export const FOREST_SORTS: ForestSortName[] = ["input", "effect", "year", "weight"];
export const FOREST_SORT_LABELS: Record<ForestSortName, string> = {
  input: "As in the file",
  effect: "By effect",
  year: "By year",
  weight: "By weight (largest first)",
};

/** Loading the example also groups it by dose, as `pooled demo` does (--by dose). */
export const EXAMPLE_SUBGROUP = "dose";

const ARMS: StudyField[] = ["m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"];

/** Measures the table has the columns for. */
export function availableMeasures(table: StudyTable): MeasureName[] {
  const has = (f: StudyField) => table.columns.fields[f] !== undefined;
  const arms = ARMS.every(has);
  const out: MeasureName[] = [];
  if (arms) out.push("MD", "SMD", "SMDH", "ROM");
  if (arms && has("msham")) out.push("NMD");
  if (has("yi") && (has("vi") || has("sei"))) out.push("GEN");
  return out;
}

/** The measure the pipeline assumes without one (as the CLI without --measure): MD, or GEN. */
export function inferredMeasure(table: StudyTable): MeasureName {
  const f = table.columns.fields;
  if (f.m1i === undefined && f.m2i === undefined && f.yi !== undefined) return "GEN";
  return "MD";
}

/** The measure to start with: keep the current one when possible, else the first available. */
export function chooseMeasure(table: StudyTable, current: MeasureName): MeasureName {
  const available = availableMeasures(table);
  if (available.includes(current)) return current;
  return available[0] ?? current;
}

export interface ColumnInfo {
  name: string;
  kind: "numeric" | "categorical";
  /** Distinct non-empty values. */
  levels: number;
  /** Rows with a value. */
  filled: number;
}

/** The extra (unmapped) columns, with what kind of moderator each could be. */
export function describeExtraColumns(table: StudyTable): ColumnInfo[] {
  // Free columns, then the year and the SYRCLE items: the pipeline reads --by and --mods from
  // all of these (a risk-of-bias item can be a subgroup or moderator, METHODS.md).
  const readers = new Map<string, (row: StudyRow) => unknown>();
  for (const row of table.rows) {
    for (const name of Object.keys(row.extra)) {
      if (!readers.has(name)) readers.set(name, (r) => r.extra[name]);
    }
  }
  const year = table.columns.fields.year;
  if (year !== undefined && !readers.has(year)) readers.set(year, (r) => r.year);
  for (const [item, header] of Object.entries(table.columns.riskOfBias)) {
    if (header !== undefined && !readers.has(header)) {
      readers.set(header, (r) => r.riskOfBias?.[item as SyrcleItem]);
    }
  }
  return [...readers].map(([name, read]) => {
    const values = table.rows.map(read).filter((v) => v !== null && v !== undefined && v !== "");
    const numeric = values.length > 0 && values.every((v) => typeof v === "number");
    return {
      name,
      kind: numeric ? "numeric" : "categorical",
      levels: new Set(values.map(String)).size,
      filled: values.length,
    };
  });
}

/**
 * Columns that can split studies into subgroups: categorical (or few-valued numbers) with at least
 * two levels and fewer levels than rows; risk-of-bias items can serve too (METHODS.md).
 */
export function subgroupCandidates(table: StudyTable): string[] {
  const k = table.rows.length;
  return describeExtraColumns(table)
    .filter((c) => c.levels >= 2 && c.levels < k && (c.kind === "categorical" || c.levels <= 6))
    .map((c) => c.name);
}

/** Columns usable as moderators: at least two distinct values. */
export function moderatorCandidates(table: StudyTable): string[] {
  return describeExtraColumns(table)
    .filter((c) => c.levels >= 2)
    .map((c) => c.name);
}

/** Every header of the table, for the column-mapping controls (mapped first, in field order). */
export function tableHeaders(table: StudyTable): string[] {
  const out: string[] = [];
  const add = (h: string | undefined) => {
    if (h !== undefined && !out.includes(h)) out.push(h);
  };
  for (const h of Object.values(table.columns.fields)) add(h);
  for (const h of Object.values(table.columns.riskOfBias)) add(h);
  for (const c of describeExtraColumns(table)) add(c.name);
  return out;
}

/** The raw strings of the settings form. */
export interface SettingsForm {
  measure: string;
  method: string;
  test: string;
  by: string;
  mods: string[];
  permutations: string;
  bootstrap: string;
  seed: string;
  /** Optional: forms without the control read as the default order. */
  forestSort?: string;
}

export type SettingsResult =
  | { ok: true; settings: Settings }
  | { ok: false; errors: { field: keyof SettingsForm; message: string }[] };

/** Reads the form; every bad value is reported at once with the control it belongs to. */
export function readSettings(form: SettingsForm): SettingsResult {
  const errors: { field: keyof SettingsForm; message: string }[] = [];
  const measure = MEASURES.find((m) => m === form.measure);
  if (!measure) errors.push({ field: "measure", message: `unknown measure “${form.measure}”` });
  const method = METHODS.find((m) => m === form.method);
  if (!method) errors.push({ field: "method", message: `unknown method “${form.method}”` });
  const test = TESTS.find((t) => t === form.test);
  if (!test) errors.push({ field: "test", message: `unknown test “${form.test}”` });

  let permutations: number | "exact" | null = null;
  const perm = form.permutations.trim().toLowerCase();
  if (perm === "exact") permutations = "exact";
  else if (perm !== "" && perm !== "0") {
    const n = parseCount(perm);
    if (n === null)
      errors.push({
        field: "permutations",
        message: "permutations: a whole number from 1 to 1,000,000, or “exact”",
      });
    else permutations = n;
  }
  let bootstrap: number | null = null;
  const boot = form.bootstrap.trim();
  if (boot !== "" && boot !== "0") {
    const n = parseCount(boot);
    if (n === null)
      errors.push({
        field: "bootstrap",
        message: "bootstrap: a whole number of replicates from 1 to 1,000,000",
      });
    else bootstrap = n;
  }
  const seedText = form.seed.trim();
  const seed = seedText === "" ? DEFAULT_SETTINGS.seed : Number(seedText);
  if (!Number.isSafeInteger(seed) || seed < 0)
    errors.push({ field: "seed", message: "seed: a whole number of 0 or more" });

  const forestSort = FOREST_SORTS.find((f) => f === (form.forestSort ?? "input"));
  if (!forestSort)
    errors.push({ field: "forestSort", message: `unknown forest plot order “${form.forestSort}”` });

  if (errors.length > 0 || !measure || !method || !test || !forestSort)
    return { ok: false, errors };
  const by = form.by === "" ? null : form.by;
  return {
    ok: true,
    settings: {
      measure,
      method,
      test,
      by,
      mods: form.mods.filter((m) => m !== "" && m !== by),
      permutations,
      bootstrap,
      seed,
      forestSort,
    },
  };
}

/** What Run says when no resampling was asked for. */
export const NO_RESAMPLING_MESSAGE =
  "Enter a number of bootstrap replicates or permutations first.";

export interface SettingsErrorView {
  /** The message under the resampling fields; "" when there is nothing to say. */
  message: string;
  /** The controls to mark aria-invalid. */
  invalid: (keyof SettingsForm)[];
}

/**
 * What the settings form says about itself: every bad value, or, for a Run press, that there is
 * nothing to resample. Re-checked as the reader types, so a corrected value clears its message.
 */
export function settingsErrors(
  form: SettingsForm,
  options: { forRun: boolean } = { forRun: false },
): SettingsErrorView {
  const read = readSettings(form);
  if (!read.ok) {
    return {
      message: read.errors.map((e) => e.message).join(". "),
      invalid: read.errors.map((e) => e.field),
    };
  }
  if (options.forRun && !needsResampling(read.settings))
    return { message: NO_RESAMPLING_MESSAGE, invalid: [] };
  return { message: "", invalid: [] };
}

/** "10000", "10,000", "1e4" and "10 000" all read as 10000. */
export function parseCount(text: string): number | null {
  const cleaned = text.replace(/[,_\s]/g, "");
  if (!/^\d+(\.\d+)?(e\d+)?$/i.test(cleaned)) return null;
  const n = Number(cleaned);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return null;
  return n;
}

/** Whether a run needs the resampling path (progress bar, cancel button). */
export function needsResampling(settings: Settings): boolean {
  return settings.bootstrap !== null || settings.permutations !== null;
}

/** The fast settings: the same without resampling (what runs on every change). */
export function withoutResampling(settings: Settings): Settings {
  return { ...settings, permutations: null, bootstrap: null };
}
