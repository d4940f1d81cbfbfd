/**
 * Settings logic: which choices make sense for the loaded table, and reading the form's raw
 * strings into a Settings object (the CLI's flags). Pure functions, no DOM.
 */
import type { StudyField, StudyRow, StudyTable, SyrcleItem } from "@pooled/pipeline";
import type {
  BootstrapTypeName,
  EggerPredictorOption,
  ForestSortName,
  MeasureName,
  MethodName,
  ModelName,
  PredictionPoint,
  Settings,
  TestName,
  TrimfillEstimatorName,
  TrimfillSideName,
  VarianceTypeName,
  ZeroCellRule,
} from "../api.js";

/**
 * The measures by what the file holds, in the order the Effect measure control lists them. The
 * main thread does not load the pipeline, so its lists are restated here (TABLE_MEASURES and
 * CORRELATION_MEASURES of @pooled/pipeline; view.test.ts checks the two agree).
 */
export const MEASURE_GROUPS: readonly { label: string; measures: readonly MeasureName[] }[] = [
  { label: "Continuous (means and SDs)", measures: ["MD", "SMD", "SMDH", "ROM", "NMD"] },
  { label: "Event counts (2×2 tables)", measures: ["OR", "RR", "RD", "PETO"] },
  { label: "Correlations", measures: ["ZCOR", "COR"] },
  { label: "Given effect sizes", measures: ["GEN"] },
];
export const MEASURES: MeasureName[] = MEASURE_GROUPS.flatMap((g) => g.measures);
/** Measures computed from 2×2 tables: events and totals (or non-events) per arm. */
export const TABLE_MEASURES: readonly MeasureName[] = ["OR", "RR", "RD", "PETO"];
/** Measures computed from correlation coefficients and sample sizes. */
export const CORRELATION_MEASURES: readonly MeasureName[] = ["ZCOR", "COR"];

export const METHODS: MethodName[] = [
  "REML",
  "FE",
  "DL",
  "HE",
  "HS",
  "SJ",
  "ML",
  "EB",
  "PM",
  "MH",
  "PETO",
];
export const TESTS: TestName[] = ["z", "knha"];

/**
 * The measures each 2×2-table method pools, as the pipeline's resolveSettings checks them:
 * Mantel-Haenszel the odds ratio, risk ratio and risk difference (metafor's rma.mh), Peto's
 * method odds ratios (rma.peto; with OR the pipeline pools Peto's odds ratios).
 */
export const TABLE_METHOD_MEASURES: Readonly<Partial<Record<MethodName, readonly MeasureName[]>>> =
  {
    MH: ["OR", "RR", "RD"],
    PETO: ["OR", "PETO"],
  };

/** Whether a measure is read from 2×2 tables (events per arm). */
export function isTableMeasure(measure: string): boolean {
  return (TABLE_MEASURES as readonly string[]).includes(measure);
}

/** Whether a method pools 2×2 tables directly (MH, PETO): fixed effect, z test only. */
export function isTableMethod(method: string): boolean {
  return method in TABLE_METHOD_MEASURES;
}

/** Whether a method can pool a measure (MH and PETO only what they pool; the others all). */
export function methodTakesMeasure(method: MethodName, measure: MeasureName): boolean {
  const measures = TABLE_METHOD_MEASURES[method];
  return measures === undefined || measures.includes(measure);
}

/** The zero-cell rules of 2×2 tables (--to, metafor's escalc `to`). */
export const ZERO_CELL_RULES: ZeroCellRule[] = ["only0", "all", "if0all", "none"];
export const ZERO_CELL_RULE_LABELS: Record<ZeroCellRule, string> = {
  only0: "Tables with a zero cell",
  all: "All tables",
  if0all: "All tables, if any has a zero cell",
  none: "No table",
};

/** The Double-zero tables control: the method's default, --drop00 or --no-drop00. */
export const DROP00_CHOICES: readonly { value: string; label: string }[] = [
  { value: "", label: "As the method does" },
  { value: "drop", label: "Left out" },
  { value: "keep", label: "Kept, with the correction" },
];

/** The predictors of Egger's test (--egger-predictor), as metafor's regtest. */
export const EGGER_PREDICTORS: EggerPredictorOption[] = ["sei", "vi", "ninv", "sqrtninv"];
export const EGGER_PREDICTOR_LABELS: Record<EggerPredictorOption, string> = {
  sei: "Standard error (Egger)",
  vi: "Variance",
  ninv: "1/n (Peters' test, for odds ratios)",
  sqrtninv: "1/√n",
};

/** Trim-and-fill's estimators (--trimfill-estimator; Duval & Tweedie 2000). */
export const TRIMFILL_ESTIMATORS: TrimfillEstimatorName[] = ["L0", "R0"];
export const TRIMFILL_ESTIMATOR_LABELS: Record<TrimfillEstimatorName, string> = {
  L0: "L0 (default)",
  R0: "R0",
};

/** The Trim-and-fill side control: "" estimated from the data (the default), left or right. */
export const TRIMFILL_SIDE_CHOICES: readonly { value: "" | TrimfillSideName; label: string }[] = [
  { value: "", label: "Estimated from the data" },
  { value: "left", label: "Left" },
  { value: "right", label: "Right" },
];

/**
 * Sampling variances (--vtype): the SMD takes LS, UB and RevMan, MD LS or UB (the same formula),
 * ROM LS or LS2 (the second-order variance of Lajeunesse 2015, eq. 9).
 */
export const VTYPES: VarianceTypeName[] = ["LS", "UB", "RevMan", "LS2"];
export const VTYPE_LABELS: Record<VarianceTypeName, string> = {
  LS: "Large-sample (LS, default)",
  UB: "Unbiased (UB)",
  RevMan: "Review Manager 5 (RevMan)",
  LS2: "Second-order (LS2)",
};
/** The variance types each measure takes, as the pipeline's resolveSettings allows them. */
export const MEASURE_VTYPES: Readonly<Partial<Record<MeasureName, readonly VarianceTypeName[]>>> = {
  SMD: ["LS", "UB", "RevMan"],
  MD: ["LS", "UB"],
  ROM: ["LS", "LS2"],
};

/** The bootstrap's kinds (--bootstrap-type). */
export const BOOTSTRAP_TYPES: BootstrapTypeName[] = ["case", "parametric"];
export const BOOTSTRAP_TYPE_LABELS: Record<BootstrapTypeName, string> = {
  case: "Case (default)",
  parametric: "Parametric",
};

/** Largest continuity correction the pipeline takes (its resolveSettings). */
const MAX_ADD = 1e6;

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
  MH: "Mantel-Haenszel (event counts)",
  PETO: "Peto (event counts)",
};

export const TEST_LABELS: Record<TestName, string> = {
  z: "z (normal)",
  knha: "Knapp-Hartung (t / F)",
};

export const MODELS: ModelName[] = ["standard", "three-level"];
export const MODEL_LABELS: Record<ModelName, string> = {
  standard: "Standard",
  "three-level": "Three-level (experiments nested in publications)",
};

/**
 * The methods the three-level model takes: its two variance components are estimated by
 * restricted or full maximum likelihood, as metafor's rma.mv (the pipeline refuses the others).
 */
export const THREE_LEVEL_METHODS: readonly MethodName[] = ["REML", "ML"];

/**
 * The CLI's defaults: REML, z test, standard model, seed fixed so reruns agree; for 2×2
 * tables metafor's continuity correction (1/2 added to tables with a zero cell, double-zero
 * tables as the method does); Egger's test on the standard error.
 */
export const DEFAULT_SETTINGS: Settings = {
  measure: "MD",
  method: "REML",
  test: "z",
  model: "standard",
  by: null,
  mods: [],
  permutations: null,
  bootstrap: null,
  seed: 1,
  forestSort: "input",
  add: 0.5,
  to: "only0",
  drop00: null,
  eggerPredictor: "sei",
  trimfillEstimator: "L0",
  trimfillSide: null,
  vtype: "LS",
  // ROM's log ratio is bias-corrected by default, as metafor 5 (untick for metafor 3.8's).
  correctBias: true,
  legacySmdhVariance: false,
  forestColumns: [],
  favours: null,
  bootstrapType: "case",
  predict: [],
  gosh: null,
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

/**
 * Measures the table has the columns for (as the pipeline requires them): arm means, SDs and ns;
 * events and the arm size or non-events per arm; a correlation and its n; or yi with vi or sei.
 */
export function availableMeasures(table: StudyTable): MeasureName[] {
  // A field counts when a column feeds it, or when the reader derived it for some row (an SD from
  // an SEM or CI, a mean and SD from a median), as the pipeline counts it.
  const has = (f: StudyField) =>
    table.columns.fields[f] !== undefined || table.rows.some((r) => r[f] !== undefined);
  const arms = ARMS.every(has);
  const counts = has("ai") && has("ci") && (has("bi") || has("n1i")) && (has("di") || has("n2i"));
  const out: MeasureName[] = [];
  if (arms) out.push("MD", "SMD", "SMDH", "ROM");
  if (arms && has("msham")) out.push("NMD");
  if (counts) out.push(...TABLE_MEASURES);
  if (has("ri") && has("ni")) out.push(...CORRELATION_MEASURES);
  if (has("yi") && (has("vi") || has("sei"))) out.push("GEN");
  return out;
}

/**
 * The measure to analyse a table with: the reader's current choice when the table allows it (a
 * choice carries over to the next file), else the measure the file implies (the pipeline's
 * inferMeasure, as the CLI without --measure), else the first the table allows.
 */
export function chooseMeasure(
  table: StudyTable,
  current: MeasureName,
  inferred?: MeasureName,
): MeasureName {
  const available = availableMeasures(table);
  if (available.includes(current)) return current;
  if (inferred !== undefined && available.includes(inferred)) return inferred;
  return available[0] ?? inferred ?? current;
}

export interface ColumnInfo {
  name: string;
  kind: "numeric" | "categorical";
  /** Distinct non-empty values. */
  levels: number;
  /** Rows with a value. */
  filled: number;
  /**
   * Categorical columns: the distinct values as the pipeline reads a categorical moderator's
   * levels (text, trimmed), in order of appearance.
   */
  values?: string[];
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
      ...(numeric ? {} : { values: [...new Set(values.map((v) => String(v).trim()))] }),
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

/**
 * Columns that can name each experiment's publication (--cluster): the recognised publication
 * column first, then the shared-control column and the free columns holding text or whole numbers
 * (publication ids). Measurements, the year and risk-of-bias judgements are left out.
 */
export function publicationCandidates(table: StudyTable): string[] {
  const out: string[] = [];
  const add = (h: string | undefined) => {
    if (h !== undefined && !out.includes(h)) out.push(h);
  };
  add(table.columns.fields.cluster);
  add(table.columns.fields.controlGroup);
  const free = new Set<string>();
  for (const row of table.rows) for (const name of Object.keys(row.extra)) free.add(name);
  for (const name of free) {
    const values = table.rows
      .map((r) => r.extra[name])
      .filter((v) => v !== null && v !== undefined && v !== "");
    if (values.length === 0) continue;
    if (values.every((v) => typeof v !== "number" || Number.isInteger(v))) add(name);
  }
  return out;
}

/** The Publication column control's values: the detected column, another column, or none. */
export const PUBLICATION_DETECTED = "";
export const PUBLICATION_NONE = "none";
const PUBLICATION_COLUMN_PREFIX = "column:";

/**
 * The choices of the Publication column control: the recognised column (the CLI's default, marked
 * as detected), every other candidate, and "none" (experiments treated as independent).
 */
export function publicationOptions(table: StudyTable): { value: string; label: string }[] {
  const detected = table.columns.fields.cluster;
  const options = [
    {
      value: PUBLICATION_DETECTED,
      label: detected === undefined ? "(none detected)" : `${detected} (detected)`,
    },
  ];
  for (const name of publicationCandidates(table)) {
    if (name !== detected) options.push({ value: PUBLICATION_COLUMN_PREFIX + name, label: name });
  }
  if (detected !== undefined)
    options.push({ value: PUBLICATION_NONE, label: "(none: experiments independent)" });
  return options;
}

/** The control's value for a column (the inverse of reading the form). */
export function publicationValue(cluster: string | null | undefined): string {
  if (cluster === undefined) return PUBLICATION_DETECTED;
  if (cluster === null) return PUBLICATION_NONE;
  return PUBLICATION_COLUMN_PREFIX + cluster;
}

/** Whether the settings give the analysis a publication column (the three-level model needs one). */
export function hasPublicationColumn(
  table: StudyTable,
  cluster: string | null | undefined,
): boolean {
  if (cluster === null) return false;
  return cluster !== undefined || table.columns.fields.cluster !== undefined;
}

/**
 * The method to use under a model: the three-level model takes REML or ML only, so another
 * method becomes REML there (`changed` says so, for the hint under the control).
 */
export function methodForModel(
  model: ModelName,
  method: MethodName,
): { method: MethodName; changed: boolean } {
  if (model === "three-level" && !THREE_LEVEL_METHODS.includes(method))
    return { method: "REML", changed: true };
  return { method, changed: false };
}

/** Methods the model and measure do not take (the three-level model: REML or ML; MH and PETO: their measures). */
export function disabledMethods(model: ModelName, measure?: MeasureName): MethodName[] {
  return METHODS.filter(
    (m) =>
      (model === "three-level" && !THREE_LEVEL_METHODS.includes(m)) ||
      (measure !== undefined && !methodTakesMeasure(m, measure)),
  );
}

/** What the Model, Method and Test controls show, and what they say about each other. */
export interface ModelControls {
  /** The model to select: standard when the three-level model has no publication column. */
  model: ModelName;
  /** The estimator to select. */
  method: MethodName;
  /** The three-level choice needs a publication column. */
  threeLevelAvailable: boolean;
  /** Estimators the model or measure does not take (shown disabled). */
  disabledMethods: MethodName[];
  /** The estimator chosen before the model or measure replaced it, restored on the way back. */
  methodBefore: MethodName | null;
  modelHint: string;
  methodHint: string;
  /** The test to select: z with MH and PETO (a normal-theory test only), else the current one. */
  test: TestName;
  disabledTests: TestName[];
  testHint: string;
  /** The zero-cell controls (--add, --to, --drop00) apply: the measure is read from 2×2 tables. */
  zeroCells: boolean;
}

/**
 * The Model, Method and Test controls after a change. The three-level model takes REML or ML
 * only; Mantel-Haenszel and Peto pool event counts only (MH: OR, RR, RD; Peto: OR, PETO) and have
 * a z test only, as the pipeline requires. A method the model or measure does not take becomes
 * REML and comes back once allowed again, unless the reader chose another meanwhile. The
 * three-level model needs a publication column (without one the model is standard).
 */
export function modelControls(current: {
  model: ModelName;
  method: MethodName;
  hasPublications: boolean;
  methodBefore: MethodName | null;
  /** Omitted: no measure restricts the methods (as before any file is read). */
  measure?: MeasureName;
  test?: TestName;
}): ModelControls {
  const threeLevelAvailable = current.hasPublications;
  const model =
    current.model === "three-level" && !threeLevelAvailable ? "standard" : current.model;
  const modelHint = !threeLevelAvailable
    ? "Three-level needs a publication column."
    : model === "three-level"
      ? "The summary, the forest plot and the plain-language summary use the three-level model."
      : "";
  const disabled = disabledMethods(model, current.measure);
  let method = current.method;
  let methodBefore = current.methodBefore;
  let replaced = false;
  if (disabled.includes(method)) {
    methodBefore = method;
    method = "REML";
    replaced = true;
  } else if (methodBefore !== null && !disabled.includes(methodBefore)) {
    // Allowed again: the reader's method comes back, unless another was chosen meanwhile.
    if (method === "REML") method = methodBefore;
    methodBefore = null;
  }
  const tableMethod = isTableMethod(method);
  const test: TestName = tableMethod ? "z" : (current.test ?? "z");
  return {
    model,
    method,
    threeLevelAvailable,
    disabledMethods: disabled,
    methodBefore,
    modelHint,
    methodHint: methodHint(model, method, replaced ? current.method : null, current.measure),
    test,
    disabledTests: tableMethod ? ["knha"] : [],
    testHint:
      tableMethod && current.test === "knha"
        ? `${METHOD_LABELS[method].replace(/ \(.*\)$/, "")} has a z test only, so the test is now z.`
        : "",
    zeroCells: current.measure !== undefined && isTableMeasure(current.measure),
  };
}

/** The line under the Method control: why it changed, or what the chosen method implies. */
function methodHint(
  model: ModelName,
  method: MethodName,
  replaced: MethodName | null,
  measure: MeasureName | undefined,
): string {
  if (model === "three-level") {
    return replaced !== null
      ? `The three-level model estimates σ² by REML or ML only, so the estimator is now REML (it was ${METHOD_LABELS[replaced]}).`
      : "The three-level model estimates σ² by REML or ML only.";
  }
  if (replaced !== null) {
    const takes = TABLE_METHOD_MEASURES[replaced]?.join(", ") ?? "";
    return `${METHOD_LABELS[replaced]} pools ${takes} only, not ${measure}, so the estimator is now REML.`;
  }
  if (method === "MH")
    return "A fixed-effect model of the 2×2 tables: no τ² and no prediction interval.";
  if (method === "PETO")
    return measure === "OR"
      ? "A fixed-effect model of Peto's odds ratios (the study effects are Peto's, PETO): no τ² and no prediction interval."
      : "A fixed-effect model of Peto's odds ratios: no τ² and no prediction interval.";
  return "";
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
  /** Optional: forms without the control read as the standard model. */
  model?: string;
  /** Optional: "" the detected publication column, "none", or "column:<header>". */
  cluster?: string;
  /** Optional (2×2 tables): the continuity correction; "" reads as the default 0.5. */
  add?: string;
  /** Optional (2×2 tables): only0, all, if0all or none. */
  to?: string;
  /** Optional (2×2 tables): "" the method's default, "drop" or "keep". */
  drop00?: string;
  /** Optional: sei, vi, ninv or sqrtninv. */
  eggerPredictor?: string;
  /** Optional: L0 or R0. */
  trimfillEstimator?: string;
  /** Optional: "" (estimated), left or right. */
  trimfillSide?: string;
  /** Optional (SMD, MD): LS, UB or RevMan. */
  vtype?: string;
  /** Optional (ROM): the bias-correction box is ticked. */
  correctBias?: boolean;
  /** Optional (SMDH): metafor 3.8's variance box is ticked. */
  legacySmdhVariance?: boolean;
  /** Optional: the forest plot's descriptor columns, comma-separated (--forest-columns). */
  forestColumns?: string;
  /** Optional: the forest plot's "favours" labels, left and right (--favours); both or neither. */
  favoursLeft?: string;
  favoursRight?: string;
  /** Optional: case or parametric (read only with a bootstrap). */
  bootstrapType?: string;
  /** Optional (with moderators): the CLI's --predict text, e.g. "dose=100;dose=200". */
  predict?: string;
  /** Optional: the GOSH plot box is ticked (--gosh). */
  gosh?: boolean;
  /** Optional: GOSH's number of subsets, read when the box is ticked; "" the default 10⁶. */
  goshSubsets?: string;
}

/**
 * What the page knows of the moderator columns (describeExtraColumns), to check a prediction's
 * values before the analysis: a number for a numeric column, one of its levels for another.
 */
export interface SettingsContext {
  columns?: readonly ColumnInfo[];
}

export type SettingsResult =
  | { ok: true; settings: Settings }
  | { ok: false; errors: { field: keyof SettingsForm; message: string }[] };

/** Reads the form; every bad value is reported at once with the control it belongs to. */
export function readSettings(form: SettingsForm, context: SettingsContext = {}): SettingsResult {
  const errors: FieldErrors = [];
  const choices = readMethodChoices(form);
  errors.push(...choices.errors);
  const { measure, method, test } = choices;
  const resampling = readResamplingCounts(form);
  errors.push(...resampling.errors);

  const forestSort = FOREST_SORTS.find((f) => f === (form.forestSort ?? "input"));
  if (!forestSort)
    errors.push({ field: "forestSort", message: `unknown forest plot order “${form.forestSort}”` });

  const { model, cluster, ...modelRead } = readModel(form, method);
  errors.push(...modelRead.errors);
  const zeroCells = readTableMethods(form, measure, method, test);
  errors.push(...zeroCells.errors);
  const smallStudy = readSmallStudyOptions(form);
  errors.push(...smallStudy.errors);
  const { eggerPredictor, trimfillEstimator, trimfillSide } = smallStudy;
  const variance = readVariance(form, measure);
  errors.push(...variance.errors);
  const forest = readForestOptions(form, context);
  errors.push(...forest.errors);
  const bootstrapType = BOOTSTRAP_TYPES.find(
    (t) => t === (form.bootstrapType ?? DEFAULT_SETTINGS.bootstrapType),
  );
  if (!bootstrapType)
    errors.push({
      field: "bootstrapType",
      message: `unknown bootstrap type “${form.bootstrapType}”`,
    });
  const moderators = readModerators(form, context);
  errors.push(...moderators.errors);
  const { by, mods, predict } = moderators;

  if (
    errors.length > 0 ||
    !measure ||
    !method ||
    !test ||
    !forestSort ||
    !model ||
    !eggerPredictor ||
    !trimfillEstimator ||
    trimfillSide === "" ||
    !bootstrapType
  )
    return { ok: false, errors };
  return {
    ok: true,
    settings: {
      measure,
      method,
      test,
      by,
      mods,
      permutations: resampling.permutations,
      bootstrap: resampling.bootstrap,
      seed: resampling.seed,
      forestSort,
      model,
      ...(cluster !== undefined ? { cluster } : {}),
      add: zeroCells.add,
      to: zeroCells.to,
      drop00: zeroCells.drop00,
      eggerPredictor,
      trimfillEstimator,
      trimfillSide,
      vtype: variance.vtype,
      correctBias: variance.correctBias,
      legacySmdhVariance: variance.legacySmdhVariance,
      forestColumns: forest.forestColumns,
      favours: forest.favours,
      bootstrapType,
      predict,
      gosh: resampling.gosh,
    },
  };
}

type FieldErrors = { field: keyof SettingsForm; message: string }[];

/** The effect measure, the method and the test: undefined (with an error) when unknown. */
function readMethodChoices(form: SettingsForm): {
  measure: MeasureName | undefined;
  method: MethodName | undefined;
  test: TestName | undefined;
  errors: FieldErrors;
} {
  const errors: FieldErrors = [];
  const measure = MEASURES.find((m) => m === form.measure);
  if (!measure) errors.push({ field: "measure", message: `unknown measure “${form.measure}”` });
  const method = METHODS.find((m) => m === form.method);
  if (!method) errors.push({ field: "method", message: `unknown method “${form.method}”` });
  const test = TESTS.find((t) => t === form.test);
  if (!test) errors.push({ field: "test", message: `unknown test “${form.test}”` });
  return { measure, method, test, errors };
}

/**
 * The resampling counts (--permutations, --bootstrap, --gosh N) and the seed. An empty field or 0
 * is no permutation test or bootstrap; GOSH's count is read only when its box is ticked.
 */
function readResamplingCounts(
  form: SettingsForm,
): Pick<Settings, "permutations" | "bootstrap" | "gosh" | "seed"> & { errors: FieldErrors } {
  const errors: FieldErrors = [];
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
    const n = parseCount(boot, MIN_BOOTSTRAP);
    if (n === null)
      errors.push({
        field: "bootstrap",
        message: `bootstrap: a whole number of replicates from ${MIN_BOOTSTRAP} to 1,000,000 (fewer than ${MIN_BOOTSTRAP} replicates cannot place a 95% interval; 1000 or more are recommended)`,
      });
    else bootstrap = n;
  }
  // GOSH's count is read only when its box is ticked (the field is disabled otherwise).
  let gosh: number | null = null;
  if (form.gosh === true) {
    const text = (form.goshSubsets ?? "").trim();
    const n = text === "" ? DEFAULT_GOSH_SUBSETS : parseCount(text, MIN_GOSH_SUBSETS);
    if (n === null)
      errors.push({
        field: "goshSubsets",
        message: `GOSH: a whole number of subsets from ${MIN_GOSH_SUBSETS} to 1,000,000`,
      });
    else gosh = n;
  }
  const seedText = form.seed.trim();
  const seed = seedText === "" ? DEFAULT_SETTINGS.seed : Number(seedText);
  if (!Number.isSafeInteger(seed) || seed < 0)
    errors.push({ field: "seed", message: "seed: a whole number of 0 or more" });
  return { permutations, bootstrap, gosh, seed, errors };
}

/**
 * The summary's model (--model) and the publication column (--cluster): the three-level model
 * takes REML or ML only and needs a publication column.
 */
function readModel(
  form: SettingsForm,
  method: MethodName | undefined,
): { model: ModelName | undefined; cluster: string | null | undefined; errors: FieldErrors } {
  const errors: FieldErrors = [];
  const model = MODELS.find((m) => m === (form.model ?? DEFAULT_SETTINGS.model));
  if (!model) errors.push({ field: "model", message: `unknown model “${form.model}”` });
  const cluster = readPublication(form.cluster ?? PUBLICATION_DETECTED);
  if (model === "three-level" && method && !THREE_LEVEL_METHODS.includes(method))
    errors.push({
      field: "method",
      message: `the three-level model takes ${THREE_LEVEL_METHODS.join(" or ")}, not ${METHOD_LABELS[method]}`,
    });
  if (model === "three-level" && cluster === null)
    errors.push({
      field: "cluster",
      message: "the three-level model needs a publication column",
    });
  return { model, cluster, errors };
}

/**
 * What 2×2 tables take: Mantel-Haenszel and Peto pool their own measures with the z test only
 * (the pipeline's resolveSettings), and the zero-cell controls apply to table measures.
 */
function readTableMethods(
  form: SettingsForm,
  measure: MeasureName | undefined,
  method: MethodName | undefined,
  test: TestName | undefined,
): Pick<Settings, "add" | "to" | "drop00"> & { errors: FieldErrors } {
  const errors: FieldErrors = [];
  if (method && measure && !methodTakesMeasure(method, measure))
    errors.push({
      field: "method",
      message: `${METHOD_LABELS[method]} pools ${TABLE_METHOD_MEASURES[method]?.join(", ")} only, not ${measure}`,
    });
  if (method && isTableMethod(method) && test === "knha")
    errors.push({
      field: "test",
      message: `${METHOD_LABELS[method]} has a z test only, not Knapp-Hartung`,
    });
  const zeroCells = readZeroCells(form, measure !== undefined && isTableMeasure(measure));
  errors.push(...zeroCells.errors);
  return { add: zeroCells.add, to: zeroCells.to, drop00: zeroCells.drop00, errors };
}

/**
 * The small-study options: Egger's predictor (--egger-predictor) and trim-and-fill's estimator
 * and side (--trimfill-estimator, --trimfill-side). An unknown side reads as "" (with an error).
 */
function readSmallStudyOptions(form: SettingsForm): {
  eggerPredictor: EggerPredictorOption | undefined;
  trimfillEstimator: TrimfillEstimatorName | undefined;
  trimfillSide: TrimfillSideName | null | "";
  errors: FieldErrors;
} {
  const errors: FieldErrors = [];
  const eggerPredictor = EGGER_PREDICTORS.find(
    (p) => p === (form.eggerPredictor ?? DEFAULT_SETTINGS.eggerPredictor),
  );
  if (!eggerPredictor)
    errors.push({
      field: "eggerPredictor",
      message: `unknown Egger predictor “${form.eggerPredictor}”`,
    });

  const trimfillEstimator = TRIMFILL_ESTIMATORS.find(
    (e) => e === (form.trimfillEstimator ?? DEFAULT_SETTINGS.trimfillEstimator),
  );
  if (!trimfillEstimator)
    errors.push({
      field: "trimfillEstimator",
      message: `unknown trim-and-fill estimator “${form.trimfillEstimator}”`,
    });
  const sideText = form.trimfillSide ?? "";
  const trimfillSide =
    sideText === "" ? null : (TRIMFILL_SIDE_CHOICES.find((c) => c.value === sideText)?.value ?? "");
  if (trimfillSide === "")
    errors.push({ field: "trimfillSide", message: `unknown trim-and-fill side “${sideText}”` });
  return { eggerPredictor, trimfillEstimator, trimfillSide, errors };
}

/**
 * The subgroup column (--by), the moderators (--mods; the subgroup column is not one) and the
 * predictions at chosen moderator values (--predict), read only with moderators.
 */
function readModerators(
  form: SettingsForm,
  context: SettingsContext,
): Pick<Settings, "by" | "mods" | "predict"> & { errors: FieldErrors } {
  const errors: FieldErrors = [];
  const by = form.by === "" ? null : form.by;
  const mods = form.mods.filter((m) => m !== "" && m !== by);
  // Predictions need moderators: without them the field is hidden and read as empty.
  let predict: PredictionPoint[] = [];
  if (mods.length > 0) {
    const read = readPredictions(form.predict ?? "", mods, context.columns);
    if (read.ok) predict = read.points;
    else errors.push({ field: "predict", message: read.message });
  }
  return { by, mods, predict, errors };
}

/**
 * The sampling variance (--vtype), ROM's bias correction and SMDH's metafor 3.8 variance: each
 * applies to its measures only (hidden otherwise, and the defaults stand), as the pipeline takes
 * them.
 */
function readVariance(
  form: SettingsForm,
  measure: MeasureName | undefined,
): Pick<Settings, "vtype" | "correctBias"> & { legacySmdhVariance: boolean; errors: FieldErrors } {
  const errors: FieldErrors = [];
  const vtypeText = form.vtype ?? DEFAULT_SETTINGS.vtype;
  let vtype: VarianceTypeName = DEFAULT_SETTINGS.vtype;
  const vtypes = measure ? MEASURE_VTYPES[measure] : undefined;
  if (vtypes) {
    const found = vtypes.find((v) => v === vtypeText);
    if (found) vtype = found;
    else
      errors.push({
        field: "vtype",
        message: VTYPES.includes(vtypeText as VarianceTypeName)
          ? `${VTYPE_LABELS[vtypeText as VarianceTypeName]} is not a variance of ${measure} (it takes ${vtypes.join(", ")})`
          : `unknown variance type “${vtypeText}”`,
      });
  }
  return {
    vtype,
    // The checkbox's state (ticked by default); toAnalysisOptions sends it for ROM only.
    correctBias: form.correctBias ?? DEFAULT_SETTINGS.correctBias,
    // Read with SMDH only: the box is hidden with the other measures.
    legacySmdhVariance: measure === "SMDH" && form.legacySmdhVariance === true,
    errors,
  };
}

/**
 * The forest plot's descriptor columns (--forest-columns: names separated by commas, each a
 * column of the data when the page knows them) and its "favours" labels (--favours: both or
 * neither, as the CLI takes them).
 */
function readForestOptions(
  form: SettingsForm,
  context: SettingsContext,
): { forestColumns: string[]; favours: [string, string] | null; errors: FieldErrors } {
  const errors: FieldErrors = [];
  const names = (form.forestColumns ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  const known = context.columns?.map((c) => c.name);
  const forestColumns: string[] = [];
  for (const name of names) {
    const match = known?.find((k) => k.toLowerCase() === name.toLowerCase());
    if (known !== undefined && match === undefined)
      errors.push({
        field: "forestColumns",
        message: `Forest plot columns: “${name}” is not a column of the data${known.length > 0 ? ` (${known.map((k) => `“${k}”`).join(", ")})` : ""}`,
      });
    else if (!forestColumns.includes(match ?? name)) forestColumns.push(match ?? name);
  }
  const left = (form.favoursLeft ?? "").trim();
  const right = (form.favoursRight ?? "").trim();
  if ((left === "") !== (right === ""))
    errors.push({
      field: left === "" ? "favoursLeft" : "favoursRight",
      message: "Favours labels: both sides, or neither (the default labels)",
    });
  return { forestColumns, favours: left !== "" && right !== "" ? [left, right] : null, errors };
}

/** How a prediction is written, for the messages (the CLI's --predict syntax). */
export const PREDICT_EXAMPLE = "dose=100;dose=200";

/**
 * Reads the Predictions field as the CLI reads --predict: points separated by ";", moderators in a
 * point by ",", each a moderator=value pair, a moderator once per point; a value that reads as a
 * finite number is a number, anything else a level. Beyond the CLI's syntax check, it checks what
 * the page can check before the analysis (the pipeline's predict refuses the same): every name is
 * a chosen moderator, every point gives each of them, a numeric moderator gets a number and a
 * categorical one a level of its column (then sent as that level's text). Empty: no predictions.
 */
export function readPredictions(
  text: string,
  mods: readonly string[],
  columns?: readonly ColumnInfo[],
): { ok: true; points: PredictionPoint[] } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, points: [] };
  const fail = (message: string) => ({ ok: false as const, message: `Predictions: ${message}` });
  const syntax = (found: string) =>
    fail(
      `moderator=value pairs, points separated by “;” and moderators within a point by “,” (e.g. ${PREDICT_EXAMPLE}); found “${found}”`,
    );
  const points: PredictionPoint[] = [];
  const rawPoints = text.split(";");
  for (const [i, rawPoint] of rawPoints.entries()) {
    const where = rawPoints.length > 1 ? `point ${i + 1} ` : "";
    const point: PredictionPoint = {};
    for (const pair of rawPoint.split(",")) {
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const raw = pair.slice(eq + 1).trim();
      if (eq < 1 || name === "" || raw === "") return syntax(pair.trim());
      const mod =
        mods.find((m) => m === name) ?? mods.find((m) => m.toLowerCase() === name.toLowerCase());
      if (mod === undefined)
        return fail(
          `“${name}” is not a chosen moderator (${mods.map((m) => `“${m}”`).join(", ")}); tick it under Moderators, or predict at ${mods.length === 1 ? "it" : "those"}`,
        );
      if (mod in point) return fail(`${where}names “${mod}” twice`);
      const n = Number(raw);
      const column = columns?.find((c) => c.name === mod);
      if (column?.kind === "numeric") {
        if (!Number.isFinite(n)) return fail(`“${mod}” is numeric: give a number, not “${raw}”`);
        point[mod] = n;
      } else if (column?.kind === "categorical") {
        const level =
          column.values?.find((v) => v === raw) ??
          column.values?.find((v) => v.toLowerCase() === raw.toLowerCase());
        if (column.values && level === undefined)
          return fail(
            `“${raw}” is not a level of “${mod}” (its levels: ${column.values.map((v) => `“${v}”`).join(", ")})`,
          );
        point[mod] = level ?? raw;
      } else {
        point[mod] = Number.isFinite(n) ? n : raw;
      }
    }
    const missing = mods.filter((m) => !(m in point));
    if (missing.length > 0)
      return fail(
        `${where}gives no value for ${missing.map((m) => `“${m}”`).join(", ")}: a prediction sets every moderator of the model`,
      );
    points.push(point);
  }
  return { ok: true, points };
}

/** The Predictions field's text for points (the inverse of {@link readPredictions}). */
export function predictionsText(points: readonly PredictionPoint[]): string {
  return points
    .map((p) =>
      Object.entries(p)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    )
    .join(";");
}

/** What the effect-size options show for a measure: the variance type and ROM's bias correction. */
export interface EffectSizeControls {
  /** The Variance control shows (SMD and MD). */
  vtypeShown: boolean;
  /** Variance types the measure does not take (shown disabled). */
  disabledVtypes: VarianceTypeName[];
  /** The variance type to select. */
  vtype: VarianceTypeName;
  /** The variance type chosen before the measure replaced it, restored on the way back. */
  vtypeBefore: VarianceTypeName | null;
  vtypeHint: string;
  /** The bias-correction box shows (ROM). */
  correctBiasShown: boolean;
  /** The metafor 3.8 variance box shows (SMDH). */
  legacySmdhShown: boolean;
}

/**
 * The variance type and bias-correction controls after a change of measure: the SMD takes LS, UB
 * or RevMan, MD takes LS or UB (RevMan's formula is the SMD's), the others LS only (the control
 * hides); the bias correction is ROM's (SMD and SMDH are always corrected). A type the measure does
 * not take becomes LS, and comes back with a measure that takes it.
 */
export function effectSizeControls(current: {
  measure: MeasureName;
  vtype: VarianceTypeName;
  vtypeBefore: VarianceTypeName | null;
}): EffectSizeControls {
  const takes = MEASURE_VTYPES[current.measure];
  const shown = takes !== undefined;
  let vtype = current.vtype;
  let vtypeBefore = current.vtypeBefore;
  let hint = "";
  if (shown && !takes.includes(vtype)) {
    hint =
      vtype === "RevMan"
        ? `RevMan’s variance is the SMD’s only, so ${current.measure} uses the large-sample one (LS).`
        : `${VTYPE_LABELS[vtype]} is not a variance of ${current.measure}, so it uses the large-sample one (LS).`;
    vtypeBefore = vtype;
    vtype = "LS";
  } else if (shown && vtypeBefore !== null && takes.includes(vtypeBefore)) {
    if (vtype === "LS") vtype = vtypeBefore;
    vtypeBefore = null;
  }
  return {
    vtypeShown: shown,
    disabledVtypes: VTYPES.filter((v) => !(takes ?? ["LS"]).includes(v)),
    vtype,
    vtypeBefore,
    vtypeHint: hint,
    correctBiasShown: current.measure === "ROM",
    legacySmdhShown: current.measure === "SMDH",
  };
}

/**
 * The zero-cell controls (--add, --to, --drop00), read only when the measure uses 2×2 tables
 * (they are hidden otherwise, and the defaults stand). The correction is a number of 0 or more,
 * as the CLI's --add (and at most 10⁶, as the pipeline).
 */
function readZeroCells(
  form: SettingsForm,
  tables: boolean,
): Pick<Settings, "add" | "to" | "drop00"> & {
  errors: { field: keyof SettingsForm; message: string }[];
} {
  const defaults = {
    add: DEFAULT_SETTINGS.add,
    to: DEFAULT_SETTINGS.to,
    drop00: DEFAULT_SETTINGS.drop00,
  };
  if (!tables) return { ...defaults, errors: [] };
  const errors: { field: keyof SettingsForm; message: string }[] = [];
  const addText = (form.add ?? "").trim();
  const add = addText === "" ? DEFAULT_SETTINGS.add : Number(addText);
  if (!Number.isFinite(add) || add < 0 || add > MAX_ADD)
    errors.push({
      field: "add",
      message: "continuity correction: a number of 0 or more, e.g. 0.5",
    });
  const to = ZERO_CELL_RULES.find((r) => r === (form.to ?? DEFAULT_SETTINGS.to));
  if (!to) errors.push({ field: "to", message: `unknown zero-cell rule “${form.to}”` });
  const drop = form.drop00 ?? "";
  const drop00 = drop === "drop" ? true : drop === "keep" ? false : null;
  if (drop !== "" && drop00 === null)
    errors.push({ field: "drop00", message: `unknown choice for double-zero tables “${drop}”` });
  return { add, to: to ?? DEFAULT_SETTINGS.to, drop00, errors };
}

/** The Double-zero tables control's value for a setting (the inverse of reading the form). */
export function drop00Value(drop00: boolean | null): string {
  return drop00 === null ? "" : drop00 ? "drop" : "keep";
}

/** The Publication column control's value as a setting: undefined detected, null none, a header. */
export function readPublication(value: string): string | null | undefined {
  if (value === PUBLICATION_DETECTED) return undefined;
  if (value === PUBLICATION_NONE) return null;
  return value.startsWith(PUBLICATION_COLUMN_PREFIX)
    ? value.slice(PUBLICATION_COLUMN_PREFIX.length)
    : value;
}

/** What Run says when no resampling was asked for. */
export const NO_RESAMPLING_MESSAGE =
  "Enter a number of bootstrap replicates or permutations, or tick GOSH plot, first.";

export interface SettingsErrorView {
  /** The message under the resampling fields; "" when there is nothing to say. */
  message: string;
  /** The message under the zero-cell controls (the continuity correction); "" when none. */
  zeroCellMessage: string;
  /** The message under the Predictions field; "" when none. */
  predictMessage: string;
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
  context: SettingsContext = {},
): SettingsErrorView {
  const read = readSettings(form, context);
  if (!read.ok) {
    const zeroCell = (f: keyof SettingsForm) => f === "add" || f === "to" || f === "drop00";
    const own = (f: keyof SettingsForm) => zeroCell(f) || f === "predict";
    return {
      message: read.errors
        .filter((e) => !own(e.field))
        .map((e) => e.message)
        .join(". "),
      zeroCellMessage: read.errors
        .filter((e) => zeroCell(e.field))
        .map((e) => e.message)
        .join(". "),
      predictMessage: read.errors
        .filter((e) => e.field === "predict")
        .map((e) => e.message)
        .join(". "),
      invalid: read.errors.map((e) => e.field),
    };
  }
  if (options.forRun && !needsResampling(read.settings))
    return { message: NO_RESAMPLING_MESSAGE, zeroCellMessage: "", predictMessage: "", invalid: [] };
  return { message: "", zeroCellMessage: "", predictMessage: "", invalid: [] };
}

/**
 * Fewest bootstrap replicates, as the CLI's MIN_BOOTSTRAP (packages/cli/src/program.ts, --bootstrap
 * 100..1,000,000): with fewer than 100 the 2.5th and 97.5th percentiles of a 95% interval are
 * among the two or three most extreme replicates.
 */
export const MIN_BOOTSTRAP = 100;

/**
 * GOSH's number of subsets, as the CLI's --gosh [N]: from 2 (the pipeline's least) to 1,000,000,
 * default 1,000,000 as metafor's gosh (every subset of up to 19 studies, else that many random
 * ones).
 */
export const MIN_GOSH_SUBSETS = 2;
export const DEFAULT_GOSH_SUBSETS = 1_000_000;

/**
 * "10000", "10,000", "1e4" and "10 000" all read as 10000; null for anything but a whole number
 * from `min` (default 1) to 1,000,000.
 */
export function parseCount(text: string, min = 1): number | null {
  const cleaned = text.replace(/[,_\s]/g, "");
  if (!/^\d+(\.\d+)?(e\d+)?$/i.test(cleaned)) return null;
  const n = Number(cleaned);
  if (!Number.isInteger(n) || n < min || n > 1_000_000) return null;
  return n;
}

/** Whether a run needs the resampling path (progress bar, cancel button). */
export function needsResampling(settings: Settings): boolean {
  return settings.bootstrap !== null || settings.permutations !== null || settings.gosh !== null;
}

/** The fast settings: the same without resampling (what runs on every change). */
export function withoutResampling(settings: Settings): Settings {
  return { ...settings, permutations: null, bootstrap: null, gosh: null };
}
