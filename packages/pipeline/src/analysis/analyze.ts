/**
 * analyze: a validated study table in, the whole analysis out as one plain JSON-able object
 * (the `--format json` contract). Pure: no file system, no DOM, no process; the CLI and the web app call it
 * with the same table and options and get the same object.
 */
import {
  type EscalcData,
  escalc,
  fitDefaults,
  MAX_RESAMPLES,
  type MantelHaenszelResult,
  type Measure,
  type Method,
  type Moderator,
  type MultilevelResult,
  mantelHaenszel,
  type PetoResult,
  peto,
  predict,
  qnorm,
  type RmaOptions,
  type RmaResult,
  rma,
  sortedLevels,
  splitSharedControls,
} from "@pooled/stats";
import { inferMeasure } from "../input/parse.js";
import { engineInputErrors } from "../input/problems.js";
import {
  CORRELATION_MEASURES,
  type DataProblem,
  type StudyField,
  type StudyRow,
  type StudyTable,
  SYRCLE_ITEMS,
  TABLE_MEASURES,
} from "../input/types.js";
import {
  type AnalysisColumn,
  AnalysisInputError,
  analysisColumn,
  clusterColumn,
} from "./columns.js";
import {
  beggResult,
  cumulativeRows,
  eggerResult,
  failSafeNResult,
  finite,
  influenceResult,
  leaveOneOutRows,
  modelResult,
  petPeeseResult,
  regressionResult,
  subgroupsResult,
  tableModelResult,
  trimFillResult,
} from "./convert.js";
import {
  type ClusteredData,
  fitMultilevel,
  hasRepeatedClusters,
  MULTILEVEL_METHODS,
  multilevelFitOptions,
  multilevelRegressionResult,
  multilevelResult,
  multilevelSubgroups,
  standardModelRobust,
} from "./dependence.js";
import { attempt, SIDE_ANALYSIS } from "./failures.js";
import { type EffectScale, measureScale, transformedInterval } from "./scale.js";
import { type SideAnalyses, statsSideAnalyses } from "./side-analyses.js";
import { tableSubgroups } from "./table-subgroups.js";
import {
  type Analysis,
  type AnalysisMethod,
  type AnalysisModel,
  type AnalysisOptions,
  type AnalysisSettings,
  type AnalysisVarianceType,
  type BiasResult,
  type EggerPredictorOption,
  type MultilevelRegressionJson,
  type MultilevelResultJson,
  type MultilevelSubgroupsJson,
  type PredictionJson,
  type RiskOfBiasSummary,
  type StudyResult,
  TABLE_METHODS,
} from "./types.js";

/** Bias tests and leave-one-out need at least this many studies. */
export const MIN_STUDIES_SENSITIVITY = 3;
/**
 * Leave-one-out, Baujat and the cumulative analysis refit the model once per study, so their cost
 * grows with k² (leave-one-out: about 0.2 s at k = 1000, 20 s at k = 10,000 on one core). The
 * extras (Baujat, cumulative) stop at MAX_STUDIES_REFITS studies and leave-one-out, part of the
 * JSON contract, at MAX_STUDIES_LEAVE_ONE_OUT; whatever is skipped is named in a warning.
 */
export const MAX_STUDIES_REFITS = 2000;
export const MAX_STUDIES_LEAVE_ONE_OUT = 10_000;

/** What the resampling stage needs from the deterministic stage. */
export interface PreparedAnalysis {
  analysis: Analysis;
  /** The main intercept-only model. */
  model: RmaResult;
  /** The meta-regression model, when --mods was given. */
  regressionModel: RmaResult | null;
  /** Moderators as passed to rma (for refits). */
  mods: Moderator[];
  yi: number[];
  vi: number[];
  labels: string[];
  /** Publication (cluster) of each study, when the table has one. */
  clusters: string[] | null;
  /** The three-level model and its meta-regression, with --model three-level (for resampling). */
  multilevelModel: MultilevelResult | null;
  multilevelRegressionModel: MultilevelResult | null;
}

/** The values of --model. */
export const ANALYSIS_MODELS: readonly AnalysisModel[] = ["standard", "three-level"];

/** The values of --egger-predictor. */
export const EGGER_PREDICTORS: readonly EggerPredictorOption[] = ["sei", "vi", "ninv", "sqrtninv"];

/**
 * The sampling variances --vtype offers beyond LS, by measure (metafor's escalc: UB for the SMD,
 * and for the MD, where it is the same formula; RevMan 5's SMD; ROM's second-order LS2).
 */
const VTYPES_OF: Partial<Record<string, readonly AnalysisVarianceType[]>> = {
  SMD: ["LS", "UB", "RevMan"],
  MD: ["LS", "UB"],
  ROM: ["LS", "LS2"],
};

/** The zero-cell rules of --to (metafor's escalc `to`). */
const ZERO_CELL_RULES = ["only0", "all", "if0all", "none"] as const;

/**
 * Fills in the defaults of the options and checks them.
 *
 * @param warnings - receives what the settings imply and the user should know (e.g. shared
 *   control arms that are not split)
 */
export function resolveSettings(
  table: StudyTable,
  options: AnalysisOptions,
  warnings: string[] = [],
): AnalysisSettings {
  const settingProblem = (expected: string, found: string) =>
    new AnalysisInputError([{ file: table.source, row: null, column: null, expected, found }]);
  let measure: Measure = options.measure ?? inferMeasure(table.columns.fields);
  const method: AnalysisMethod = options.method ?? fitDefaults.method;
  if (method === "MH" && !["OR", "RR", "RD"].includes(measure))
    throw settingProblem(
      "--measure OR, RR or RD with --method MH (Mantel-Haenszel pools 2×2 tables)",
      `--measure ${measure}`,
    );
  if (method === "PETO") {
    if (measure !== "OR" && measure !== "PETO")
      throw settingProblem(
        "--measure OR or PETO with --method PETO (Peto's method pools odds ratios of 2×2 tables)",
        `--measure ${measure}`,
      );
    // Peto's method pools Peto's odds ratios: the study effects shown are those (metafor's rma.peto).
    measure = "PETO";
  }
  const tables = TABLE_MEASURES.includes(measure);
  if (TABLE_METHODS.includes(method) && (options.test ?? "z") !== "z")
    throw settingProblem(
      `--test z with --method ${method} (its estimate has a normal-theory test only)`,
      `--test ${options.test}`,
    );
  for (const [flag, given] of [
    ["--add", options.add],
    ["--to", options.to],
    ["--drop00", options.drop00],
  ] as const) {
    if (given !== undefined && !tables)
      throw settingProblem(
        `${flag} only with counts (--measure OR, RR, RD or PETO): it sets the zero-cell correction of 2×2 tables`,
        `${flag} with --measure ${measure}`,
      );
  }
  const add = options.add ?? 0.5;
  if (!(Number.isFinite(add) && add >= 0 && add <= 1e6))
    throw settingProblem("--add: a continuity correction, a number from 0 (e.g. 0.5)", String(add));
  const to = options.to ?? "only0";
  if (!(ZERO_CELL_RULES as readonly string[]).includes(to))
    throw settingProblem(`--to ${ZERO_CELL_RULES.join(", ")}`, String(to));
  const eggerPredictor = options.eggerPredictor ?? "sei";
  if (!EGGER_PREDICTORS.includes(eggerPredictor))
    throw settingProblem(
      `--egger-predictor ${EGGER_PREDICTORS.join(", ")}`,
      String(eggerPredictor),
    );
  const trimfillEstimator = options.trimfillEstimator ?? "L0";
  if (trimfillEstimator !== "L0" && trimfillEstimator !== "R0")
    throw settingProblem("--trimfill-estimator L0 or R0", String(trimfillEstimator));
  const trimfillSide = options.trimfillSide ?? null;
  if (trimfillSide !== null && trimfillSide !== "left" && trimfillSide !== "right")
    throw settingProblem("--trimfill-side left or right", String(trimfillSide));
  const bootstrapType = options.bootstrapType ?? "case";
  if (bootstrapType !== "case" && bootstrapType !== "parametric")
    throw settingProblem("--bootstrap-type case or parametric", String(bootstrapType));
  const vtype = options.vtype ?? "LS";
  if (!VTYPES_OF[measure]?.includes(vtype) && vtype !== "LS")
    throw settingProblem(
      "--vtype UB or RevMan with --measure SMD, LS2 with --measure ROM (the other measures have one variance, LS)",
      `--vtype ${String(vtype)} with --measure ${measure}`,
    );
  const legacySmdhVariance = options.legacySmdhVariance ?? false;
  if (typeof legacySmdhVariance !== "boolean")
    throw settingProblem("--legacy-smdh-variance: true or false", String(legacySmdhVariance));
  if (legacySmdhVariance && measure !== "SMDH")
    throw settingProblem(
      "--legacy-smdh-variance with --measure SMDH (metafor 3.8's variance of Bonett's SMD)",
      `--legacy-smdh-variance with --measure ${measure}`,
    );
  // ROM is bias-corrected by default (metafor 5); SMD and SMDH always are (metafor has no option).
  if (options.correctBias === true && !["ROM", "SMD", "SMDH"].includes(measure))
    throw settingProblem(
      "a bias correction only with --measure ROM (SMD and SMDH are always bias-corrected)",
      `correctBias with --measure ${measure}`,
    );
  if (options.correctBias === false && measure !== "ROM")
    throw settingProblem(
      "--no-correct-bias with --measure ROM (SMD and SMDH are always bias-corrected; other measures have no correction)",
      `--no-correct-bias with --measure ${measure}`,
    );
  const gosh = options.gosh ?? null;
  if (gosh !== null && !(Number.isInteger(gosh) && gosh >= 2 && gosh <= MAX_RESAMPLES))
    throw settingProblem(
      `--gosh: a whole number of subsets from 2 to ${MAX_RESAMPLES.toLocaleString("en-US")}`,
      String(gosh),
    );
  const predict = options.predict ?? [];
  if (predict.length > 0 && (options.mods ?? []).length === 0)
    throw settingProblem(
      "--predict with --mods: predictions are of the meta-regression at chosen moderator values",
      "--predict without --mods",
    );
  const hasControlGroups = table.rows.some(
    (r) => r.controlGroup !== undefined && r.controlGroup !== "",
  );
  const permutations = options.permutations ?? null;
  if (
    permutations !== null &&
    permutations !== "exact" &&
    !(Number.isInteger(permutations) && permutations > 0)
  ) {
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected: 'a positive whole number of permutations, or "exact"',
        found: String(permutations),
      },
    ]);
  }
  const bootstrap = options.bootstrap ?? null;
  if (bootstrap !== null && !(Number.isInteger(bootstrap) && bootstrap > 0)) {
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected: "a positive whole number of bootstrap replicates",
        found: String(bootstrap),
      },
    ]);
  }
  const model = options.model ?? "standard";
  if (!ANALYSIS_MODELS.includes(model)) {
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected: `--model ${ANALYSIS_MODELS.join(" or ")}`,
        found: String(model),
      },
    ]);
  }
  if (model === "three-level" && !(MULTILEVEL_METHODS as readonly string[]).includes(method)) {
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected: `--method ${MULTILEVEL_METHODS.join(" or ")} with --model three-level (its variance components are estimated by restricted or full maximum likelihood, as metafor's rma.mv)`,
        found: `--method ${method}`,
      },
    ]);
  }
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected: "a seed: a whole number from 0 to 4294967295",
        found: String(seed),
      },
    ]);
  }
  const armMeasure = !tables && !CORRELATION_MEASURES.includes(measure) && measure !== "GEN";
  if (hasControlGroups && !armMeasure && (options.splitSharedControls ?? true)) {
    warnings.push(
      `Shared control arms are split only for means and SDs; with ${measure} each comparison keeps its control arm whole, so comparisons sharing one are not independent (a publication column and --model three-level, or CR2, allow for it).`,
    );
  }
  return {
    measure,
    method,
    test: options.test ?? fitDefaults.test,
    level: options.level ?? fitDefaults.level,
    by: options.by ?? null,
    mods: options.mods ?? [],
    vtype,
    legacySmdhVariance,
    // metafor 5.1's escalc defaults: SMD, SMDH and ROM bias-corrected (ROM uncorrected in 3.8).
    correctBias:
      options.correctBias ?? (measure === "SMD" || measure === "SMDH" || measure === "ROM"),
    splitSharedControls: (options.splitSharedControls ?? true) && hasControlGroups && armMeasure,
    permutations,
    bootstrap,
    seed,
    // The header as found in the file replaces the name given once the column is read.
    cluster: options.cluster ?? null,
    model,
    add: tables ? add : null,
    to: tables ? to : null,
    // metafor's rma.mh and rma.peto leave double-zero tables out of the study effects; escalc keeps them.
    drop00: tables ? (options.drop00 ?? TABLE_METHODS.includes(method)) : null,
    eggerPredictor,
    trimfillEstimator,
    trimfillSide,
    bootstrapType,
    predict: predict.map((point) => ({ ...point })),
    gosh,
  };
}

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

/**
 * Runs every deterministic part of the analysis (everything but permutations and bootstrap).
 * Exposed for the async variant and for tests; most callers want {@link analyze}.
 *
 * @param side - the engine calls of the side analyses; tests pass one made to fail
 * @throws as {@link analyze}; a failed side analysis is a null block and a warning instead
 */
export function prepareAnalysis(
  input: StudyTable,
  options: AnalysisOptions,
  side: SideAnalyses = statsSideAnalyses,
): PreparedAnalysis {
  let table = input;
  const warnings: string[] = [];
  const settings = resolveSettings(table, options, warnings);
  const notes: string[] = [...table.notes];
  const scale = measureScale(settings.measure);

  // The analysis columns first, so that every problem with them is reported before any fitting.
  const problems: DataProblem[] = [];
  let byColumn = settings.by === null ? null : analysisColumn(table, settings.by, "by", problems);
  let modColumns = settings.mods.map((m) => analysisColumn(table, m, "mods", problems));
  let publications = clusterColumn(table, settings.cluster, problems);
  if (publications === null && settings.model === "three-level" && settings.cluster === null) {
    problems.push({
      file: table.source,
      row: null,
      column: null,
      expected:
        "a publication column for --model three-level: name it with --cluster <column>, or call it publication (or cluster, paper, article)",
      found: "none",
    });
  }
  if (problems.length > 0) throw new AnalysisInputError(problems);
  settings.cluster = publications?.header ?? null;
  for (const group of publications?.nearDuplicates ?? []) {
    warnings.push(
      `Publications ${group.map((g) => `"${g}"`).join(" and ")} differ only in case or spacing; they are treated as different publications (correct the labels if they are one).`,
    );
  }

  // Effect sizes, after splitting shared control arms.
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
  const { yi, vi, labels } = es;
  const k = yi.length;
  // The tables as read, for Mantel-Haenszel and Peto (they pool every table, double zeros too).
  const allTables = data;
  const allByColumn = byColumn;
  if (k === 0) {
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
    // Studies without an effect (double-zero tables under --drop00) leave every later step; the
    // columns are read again from the rows that remain.
    notes.push(
      `Rows left out with --drop00 (no events, or only events, in both arms): ${es.omitted
        .map((o) => `row ${table.rows[o.index]!.row} (${o.label})`)
        .join(", ")}.`,
    );
    table = { ...table, rows: es.indices.map((i) => table.rows[i]!) };
    data = escalcData(table);
    byColumn = settings.by === null ? null : analysisColumn(table, settings.by, "by", problems);
    modColumns = settings.mods.map((m) => analysisColumn(table, m, "mods", problems));
    publications = clusterColumn(table, settings.cluster, problems);
    if (problems.length > 0) throw new AnalysisInputError(problems);
  }

  // The model of the summary. Mantel-Haenszel and Peto pool the tables; the analyses that need an
  // inverse-variance model (subgroups, meta-regression, small-study tests, leave-one-out, ...) use
  // the fixed-effect one of the same study effects, as metafor's regtest, trimfill and rma do.
  const tableMethod = TABLE_METHODS.includes(settings.method);
  const fitOptions = {
    method: tableMethod ? "FE" : (settings.method as Method),
    test: settings.test,
    level: settings.level,
  } satisfies Pick<RmaOptions, "method" | "test" | "level">;
  const model = fitMainModel(table, { yi, vi }, { ...fitOptions, labels });
  warnings.push(...model.notes);
  const fitTables = (tables: EscalcData) => fitTableModel(input, tables, settings);
  const tableModel = tableMethod ? fitTables(allTables) : null;
  if (tableModel !== null) warnings.push(...tableModel.notes.filter((n) => n.startsWith("Only ")));
  if (tableModel !== null) {
    notes.push(
      `${settings.method === "MH" ? "Mantel-Haenszel" : "Peto's"} method gives the pooled estimate, its heterogeneity test and the subgroups' estimates; the other analyses (meta-regression, small-study tests, leave-one-out, cumulative, Baujat, resampling) use the inverse-variance fixed-effect model of the same study effects.`,
    );
  }
  const weights =
    tableModel === null ? model.weights : es.indices.map((i) => tableModel.weights[i] ?? 0);

  const crit = qnorm((1 - settings.level / 100) / 2, false);
  const studies: StudyResult[] = table.rows.map((row, i) => {
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
      cluster: publications?.values[i] ?? null,
      events1: row.ai ?? null,
      events2: row.ci ?? null,
    };
  });

  // Subgroups (--by): by Mantel-Haenszel or Peto when they pool the tables.
  const studyIndex = new Array<number>(input.rows.length).fill(-1);
  es.indices.forEach((row, position) => {
    studyIndex[row] = position;
  });
  const subgroupBlock =
    byColumn === null
      ? null
      : tableMethod
        ? tableSubgroups(allTables, allByColumn!, studyIndex, fitTables, scale, warnings)
        : subgroupAnalysis(side, { yi, vi, labels }, byColumn, fitOptions, model, scale, warnings);

  // Meta-regression (--mods), moderators in the order given.
  const mods: Moderator[] = (modColumns as AnalysisColumn[]).map((c) =>
    c.type === "continuous"
      ? { name: c.name, type: "continuous", values: c.values }
      : { name: c.name, type: "categorical", values: c.values },
  );
  let regressionBlock: Analysis["regression"] = null;
  let regressionModel: RmaResult | null = null;
  if (mods.length > 0) {
    regressionModel = side.regression({ yi, vi }, { ...fitOptions, labels, mods });
    // Its own notes (e.g. R² missing and why); those that repeat the main model's are said once.
    for (const note of regressionModel.notes)
      if (!model.notes.includes(note)) warnings.push(`Meta-regression: ${note}`);
    regressionBlock = regressionResult(
      regressionModel,
      (modColumns as AnalysisColumn[]).map((c) => ({
        name: c.name,
        type: c.type,
        levels:
          // The engine's own level order (reference first), which the design columns follow.
          c.type === "categorical" ? sortedLevels(c.values as string[]) : null,
        values: [...c.values],
      })),
    );
  }

  // Predictions of the meta-regression at the --predict points (metafor's predict(newmods = ...)).
  const predictions =
    regressionModel === null || settings.predict.length === 0
      ? null
      : regressionPredictions(regressionModel, settings.predict, scale);

  // Experiments nested in publications: CR2 for the standard model, the three-level model and, with
  // --model three-level, its subgroups and meta-regression.
  const clustered: ClusteredData | null =
    publications === null ? null : { yi, vi, labels, cluster: publications.values };
  const dependence = dependenceAnalyses(side, clustered, settings, model, scale, warnings, {
    byColumn,
    mods,
  });
  if (subgroupBlock !== null) subgroupBlock.multilevel = dependence.subgroups;
  if (regressionBlock !== null) regressionBlock.multilevel = dependence.regression;

  // Small-study effects and leave-one-out (k >= 3), each with metafor's defaults.
  let bias: BiasResult | null = null;
  let loo: Analysis["leaveOneOut"] = null;
  let baujatPoints: Analysis["baujat"] = null;
  let cumulativeSteps: Analysis["cumulative"] = null;
  let influenceRows: Analysis["influence"] = null;
  if (k >= MIN_STUDIES_SENSITIVITY) {
    bias = smallStudyTests(side, model, settings, scale, studies, warnings);
    const skipped: string[] = [];
    if (k <= MAX_STUDIES_LEAVE_ONE_OUT) {
      loo = attempt(SIDE_ANALYSIS.leaveOneOut, warnings, () => {
        const result = side.leaveOneOut(model);
        warnings.push(...result.notes);
        return leaveOneOutRows(result);
      });
    } else skipped.push(`leave-one-out (run up to ${MAX_STUDIES_LEAVE_ONE_OUT} studies)`);
    if (k <= MAX_STUDIES_REFITS) {
      influenceRows = attempt(SIDE_ANALYSIS.influence, warnings, () =>
        influenceResult(side.influence(model)),
      );
    } else skipped.push(`the influence diagnostics (run up to ${MAX_STUDIES_REFITS} studies)`);
    if (k <= MAX_STUDIES_REFITS) {
      cumulativeSteps = cumulativeByYear(side, table, model, warnings);
      baujatPoints = attempt(SIDE_ANALYSIS.baujat, warnings, () =>
        side.baujat(model).points.map((p) => ({
          study: p.study,
          heterogeneity: p.heterogeneity,
          influence: finite(p.influence),
        })),
      );
    } else {
      skipped.push(`the Baujat plot (run up to ${MAX_STUDIES_REFITS} studies)`);
      if (table.columns.fields.year !== undefined)
        skipped.push(`the cumulative analysis (run up to ${MAX_STUDIES_REFITS} studies)`);
    }
    if (skipped.length > 0) {
      warnings.push(
        `${k} studies: skipped ${skipped.join(", ")}, as each refits the model ${k} times.`,
      );
    }
  } else {
    warnings.push(
      `Only ${k} studies: small-study tests and leave-one-out need at least ${MIN_STUDIES_SENSITIVITY}.`,
    );
  }

  const analysis: Analysis = {
    tool: "pooled",
    schemaVersion: 1,
    source: baseName(table.source),
    settings,
    studies,
    model: {
      ...(tableModel === null ? modelResult(model, scale) : tableModelResult(tableModel, scale)),
      robust: dependence.robust,
    },
    multilevel: dependence.multilevel,
    subgroups: subgroupBlock,
    regression: regressionBlock,
    bias,
    leaveOneOut: loo,
    cumulative: cumulativeSteps,
    influence: influenceRows,
    gosh: null,
    predictions,
    baujat: baujatPoints,
    permutation: null,
    bootstrap: null,
    // Every study of the review, also one left out of the study effects (--drop00).
    riskOfBias: riskOfBiasSummary(input),
    prisma: options.prisma ?? null,
    excluded: table.excluded.map((e) => ({ ...e })),
    notes,
    warnings,
  };
  return {
    analysis,
    model,
    regressionModel,
    mods,
    yi,
    vi,
    labels,
    clusters: publications?.values ?? null,
    multilevelModel: dependence.fitted,
    multilevelRegressionModel: dependence.fittedRegression,
  };
}

/**
 * The analyses by publication, when the table has a publication column: CR2 inference for the
 * standard model's estimate; the three-level model when asked for (--model three-level: it stops
 * the run if it cannot be fitted, as the main model does) or when a publication has several
 * experiments (a side analysis then); with --model three-level, its subgroups and its
 * meta-regression (which, like the standard one, stops the run if it cannot be fitted).
 */
function dependenceAnalyses(
  side: SideAnalyses,
  data: ClusteredData | null,
  settings: AnalysisSettings,
  model: RmaResult,
  scale: EffectScale,
  warnings: string[],
  extras: { byColumn: AnalysisColumn | null; mods: Moderator[] },
): {
  robust: Analysis["model"]["robust"];
  multilevel: MultilevelResultJson | null;
  subgroups: MultilevelSubgroupsJson | null;
  regression: MultilevelRegressionJson | null;
  /** The fitted three-level models behind `multilevel` and `regression` (--model three-level). */
  fitted: MultilevelResult | null;
  fittedRegression: MultilevelResult | null;
} {
  const none = {
    robust: null,
    multilevel: null,
    subgroups: null,
    regression: null,
    fitted: null,
    fittedRegression: null,
  };
  if (data === null) return none;
  const robust = standardModelRobust(side, model, data.cluster, warnings);
  const options = multilevelFitOptions(settings);
  const asked = settings.model === "three-level";
  let multilevel: MultilevelResultJson | null = null;
  let fitted: MultilevelResult | null = null;
  if (asked) {
    fitted = fitMultilevel(side, data, options);
    multilevel = multilevelResult(fitted, scale);
    warnings.push(...fitted.notes.map((n) => `Three-level model: ${n}`));
  } else if (hasRepeatedClusters(data.cluster)) {
    multilevel = attempt(SIDE_ANALYSIS.multilevel, warnings, () =>
      multilevelResult(fitMultilevel(side, data, options), scale),
    );
  }
  if (!asked) return { ...none, robust, multilevel };
  const subgroups =
    extras.byColumn === null
      ? null
      : multilevelSubgroups(side, data, extras.byColumn, options, warnings);
  const fittedRegression =
    extras.mods.length === 0
      ? null
      : fitMultilevel(side, data, options, { mods: extras.mods, intervals: false });
  const regression =
    fittedRegression === null ? null : multilevelRegressionResult(fittedRegression);
  return { robust, multilevel, subgroups, regression, fitted, fittedRegression };
}

/**
 * Largest weight 1/vi and weighted square yi²/vi of one study that the fit can sum: even 10^7
 * such terms stay below the largest double (1.8e308).
 */
const LARGEST_TERM = 1e300;

/**
 * The main model. Without moderators its design is a column of ones, so the engine's "singular"
 * (or, for the closed-form estimators, "kernel rejected its input") can only mean that the weighted sums overflowed (effect sizes near 1e154 and beyond, variances
 * below 1e-300): said as such, naming the rows, as bad input rather than a moderator problem.
 */
function fitMainModel(
  table: StudyTable,
  data: { yi: number[]; vi: number[] },
  options: RmaOptions,
): RmaResult {
  try {
    return rma(data, options);
  } catch (error) {
    // SINGULAR (REML, ML: the weighted sums overflowed) or BAD_INPUT (DL and the other
    // closed-form estimators: their sums came out non-finite)
    const code = (error as { code?: unknown }).code;
    if (code !== "SINGULAR" && code !== "BAD_INPUT") throw error;
    const problems: DataProblem[] = [];
    data.yi.forEach((y, i) => {
      const v = data.vi[i]!;
      if (1 / v <= LARGEST_TERM && (y * y) / v <= LARGEST_TERM) return;
      problems.push({
        file: table.source,
        row: table.rows[i]?.row ?? null,
        column: table.columns.fields.yi ?? "yi",
        expected: `an effect size and sampling variance that the fit can weight and sum (|yi|/√vi up to 1e150, vi from 1e-300)`,
        found: `yi = ${y}, vi = ${v}: the values overflow double precision`,
      });
    });
    if (problems.length === 0) throw error;
    throw new AnalysisInputError(problems);
  }
}

/**
 * Mantel-Haenszel or Peto on the tables as read, with the zero-cell rules of the study effects for
 * the heterogeneity test and metafor's second-stage defaults for the pooled tables (as observed).
 */
function fitTableModel(
  table: StudyTable,
  tables: EscalcData,
  settings: AnalysisSettings,
): MantelHaenszelResult | PetoResult {
  const zeroCells = {
    add: [settings.add ?? 0.5, 0] as const,
    to: [settings.to ?? "only0", "none"] as const,
    drop00: [settings.drop00 ?? true, false] as const,
  };
  return asDataProblems(table, () =>
    settings.method === "MH"
      ? mantelHaenszel(tables, {
          ...zeroCells,
          measure: settings.measure as "OR" | "RR" | "RD",
          level: settings.level,
        })
      : peto(tables, { ...zeroCells, level: settings.level }),
  );
}

/**
 * The meta-regression's predictions at the --predict points; a point that names no moderator of
 * the model, leaves one out or gives a level the data do not have is bad input of the flag.
 */
function regressionPredictions(
  model: RmaResult,
  points: Record<string, number | string>[],
  scale: EffectScale,
): PredictionJson[] {
  try {
    return predict(model, points).map((p) => ({
      at: { ...p.at },
      estimate: p.estimate,
      se: finite(p.se),
      ciLower: finite(p.ciLower),
      ciUpper: finite(p.ciUpper),
      piLower: finite(p.piLower),
      piUpper: finite(p.piUpper),
      transformed: transformedInterval(scale, p),
    }));
  } catch (error) {
    const list = engineInputErrors(error);
    if (list === null) throw error;
    throw new AnalysisInputError(
      list.map((e) => ({
        file: "--predict",
        row: null,
        column: null,
        expected: e.expected,
        found: `${e.location.field}${e.location.value === undefined ? "" : ` = ${String(e.location.value)}`}`,
      })),
    );
  }
}

/** Fields of the stats engine's messages, as the study table names them. */
const ENGINE_FIELD: Record<string, StudyField> = { msi: "msham", controlGroupIds: "controlGroup" };

/**
 * Runs an effect-size step; its input errors become data problems that name the row and the column
 * of the file (as validation's do), so the CLI and the web app show them the same way.
 */
function asDataProblems<T>(table: StudyTable, run: () => T): T {
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

/** Per-study SYRCLE judgements and per-item counts; null when the table has no item columns. */
export function riskOfBiasSummary(table: StudyTable): RiskOfBiasSummary | null {
  const items = SYRCLE_ITEMS.filter((item) => table.columns.riskOfBias[item] !== undefined);
  if (items.length === 0) return null;
  const counts: RiskOfBiasSummary["counts"] = {};
  for (const item of items) {
    const c = { low: 0, high: 0, unclear: 0, missing: 0 };
    for (const row of table.rows) {
      const j = row.riskOfBias?.[item];
      if (j === undefined) c.missing++;
      else c[j]++;
    }
    counts[item] = c;
  }
  return {
    items: [...items],
    studies: table.rows.map((row) => {
      const judgements: RiskOfBiasSummary["studies"][number]["judgements"] = {};
      for (const item of items) {
        const j = row.riskOfBias?.[item];
        if (j !== undefined) judgements[item] = j;
      }
      return { study: row.study, row: row.row, judgements };
    }),
    counts,
  };
}

/**
 * The whole analysis, synchronously: effect sizes (shared controls split), the main model,
 * subgroups (--by), meta-regression (--mods), small-study tests and leave-one-out (k >= 3).
 * Permutation tests and the bootstrap run in workers and need {@link analyzeAsync}.
 *
 * @throws AnalysisInputError for problems with the --by / --mods columns or the options, and when
 *   permutations or bootstrap are asked of this synchronous variant
 * @throws the stats engine's typed errors (PooledInputErrors, NotConvergedError, ...)
 * @example
 * const { table } = parseStudyText(csv, "data.csv");
 * const analysis = analyze(table!, { measure: "SMD", method: "REML", by: "route" });
 * analysis.model.estimate; analysis.subgroups?.tests
 */
export function analyze(table: StudyTable, options: AnalysisOptions = {}): Analysis {
  if (
    (options.permutations ?? null) !== null ||
    (options.bootstrap ?? null) !== null ||
    (options.gosh ?? null) !== null
  ) {
    throw new AnalysisInputError([
      {
        file: table.source,
        row: null,
        column: null,
        expected:
          "no permutations, bootstrap or GOSH in the synchronous analyze(); use analyzeAsync() for them",
      },
    ]);
  }
  return prepareAnalysis(table, options).analysis;
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

/** "C:\data\bbb.csv" or "/home/me/bbb.csv" -> "bbb.csv". */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1) || path;
}

/**
 * Cumulative meta-analysis by year when the file has a year column (ties in file order). A study
 * without a year makes the order undefined, so the analysis is skipped with a warning naming the
 * rows rather than guessing where they belong.
 */
function cumulativeByYear(
  side: SideAnalyses,
  table: StudyTable,
  model: RmaResult,
  warnings: string[],
): Analysis["cumulative"] {
  if (table.columns.fields.year === undefined) return null;
  const missing = table.rows.filter((r) => r.year === undefined).map((r) => r.row);
  if (missing.length > 0) {
    warnings.push(
      `Cumulative meta-analysis by year skipped: no year in row${missing.length === 1 ? "" : "s"} ${missing.join(", ")}.`,
    );
    return null;
  }
  const years = table.rows.map((r) => r.year!);
  return attempt(SIDE_ANALYSIS.cumulative, warnings, () => {
    const result = side.cumulative(model, { order: years });
    warnings.push(...result.notes);
    return cumulativeRows(result, years);
  });
}

/**
 * Subgroups (--by): a model per level and the two tests for differences. A level whose model
 * fails keeps its row with null statistics, a test that cannot be had is null, each with a warning
 * saying why; should the whole analysis fail, the block is null with a warning.
 */
function subgroupAnalysis(
  side: SideAnalyses,
  data: { yi: number[]; vi: number[]; labels: string[] },
  byColumn: AnalysisColumn,
  fitOptions: Pick<RmaOptions, "method" | "test" | "level">,
  model: RmaResult,
  scale: EffectScale,
  warnings: string[],
): Analysis["subgroups"] {
  const result = attempt(SIDE_ANALYSIS.subgroups, warnings, () =>
    side.subgroups({ yi: data.yi, vi: data.vi }, byColumn.values as string[], {
      ...fitOptions,
      labels: data.labels,
    }),
  );
  if (result === null) return null;
  for (const g of result.groups) {
    if (g.unavailable !== undefined) warnings.push(g.unavailable);
    // "Only k studies..." repeats per level what the main model's note already says.
    for (const note of g.model?.notes ?? [])
      if (!note.startsWith("Only ")) warnings.push(`Subgroup "${g.level}": ${note}`);
  }
  for (const t of result.tests) if (t.unavailable !== undefined) warnings.push(t.unavailable);
  return subgroupsResult(byColumn.header, result, data.labels, model.method, scale);
}

/**
 * Egger's and Begg's tests and trim-and-fill (and for the SMD, Egger's test on sample size), each
 * on its own: one that fails on these data is null with a warning, the others stand. Egger's
 * predictor is --egger-predictor's; the sample-size predictors (1/n: Peters et al. 2006, JAMA
 * 295:676, for odds ratios; 1/√n) use each study's total n.
 */
function smallStudyTests(
  side: SideAnalyses,
  model: RmaResult,
  settings: AnalysisSettings,
  scale: EffectScale,
  studies: readonly StudyResult[],
  warnings: string[],
): BiasResult {
  const { measure, eggerPredictor: predictor } = settings;
  const bias: BiasResult = {
    egger: null,
    begg: null,
    trimFill: null,
    eggerSampleSize: null,
    petPeese: null,
    failSafeN: null,
  };
  const totals = studies.map((s) => (s.n1 ?? Number.NaN) + (s.n2 ?? 0));
  // Without a total n for every study the engine says that the predictor needs sample sizes.
  const ni = totals.every(Number.isFinite) ? { ni: totals } : {};
  bias.egger = attempt(SIDE_ANALYSIS.egger, warnings, () =>
    eggerResult(side.egger(model, { measure, predictor, ...ni })),
  );
  bias.begg = attempt(SIDE_ANALYSIS.begg, warnings, () => beggResult(side.begg(model)));
  bias.trimFill = attempt(SIDE_ANALYSIS.trimFill, warnings, () =>
    trimFillResult(
      side.trimFill(model, {
        estimator: settings.trimfillEstimator,
        ...(settings.trimfillSide === null ? {} : { side: settings.trimfillSide }),
      }),
      scale,
    ),
  );
  bias.petPeese = attempt(SIDE_ANALYSIS.petPeese, warnings, () =>
    petPeeseResult(side.petPeese(model), scale),
  );
  bias.failSafeN = attempt(SIDE_ANALYSIS.failSafeN, warnings, () =>
    failSafeNResult(
      side.failSafeN(model, { type: "Rosenthal" }),
      // The mean effect weighted by 1/vi, as metafor 5 (3.8 weighted it only when asked).
      side.failSafeN(model, { type: "Orwin", weighted: true }),
      side.failSafeN(model, { type: "Rosenberg" }),
    ),
  );
  if (measure === "SMD" || measure === "SMDH") {
    const n1i = studies.map((s) => s.n1 ?? Number.NaN);
    const n2i = studies.map((s) => s.n2 ?? Number.NaN);
    bias.eggerSampleSize = attempt(SIDE_ANALYSIS.eggerSampleSize, warnings, () => {
      const e = side.egger(model, { predictor: "sqrtinvn1n2", n1i, n2i });
      return { z: e.z, p: e.p, predictor: e.predictor };
    });
  }
  return bias;
}
