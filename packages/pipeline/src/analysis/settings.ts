/**
 * The analysis's settings: the options given, checked against each other and the data, with
 * metafor's defaults filled in (analysis.json's `settings`). A setting that cannot apply (a
 * zero-cell rule without 2×2 tables, --vtype LS2 with the SMD, ...) is bad input naming the flag.
 */
import { fitDefaults, MAX_RESAMPLES, type Measure } from "@pooled/stats";
import { inferMeasure } from "../input/parse.js";
import { CORRELATION_MEASURES, type StudyTable, TABLE_MEASURES } from "../input/types.js";
import { AnalysisInputError } from "./columns.js";
import { MULTILEVEL_METHODS } from "./dependence.js";
import {
  type AnalysisMethod,
  type AnalysisModel,
  type AnalysisOptions,
  type AnalysisSettings,
  type AnalysisVarianceType,
  type EggerPredictorOption,
  TABLE_METHODS,
} from "./types.js";

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

/** A setting that cannot be used, as a problem of the file's analysis (no row, no column). */
type SettingProblem = (expected: string, found: string) => AnalysisInputError;

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
  const settingProblem: SettingProblem = (expected, found) =>
    new AnalysisInputError([{ file: table.source, row: null, column: null, expected, found }]);
  const method: AnalysisMethod = options.method ?? fitDefaults.method;
  const measure = tableMethodMeasure(
    options.measure ?? inferMeasure(table.columns.fields),
    method,
    settingProblem,
  );
  const tables = TABLE_MEASURES.includes(measure);
  const { add, to } = zeroCellSettings(options, measure, method, settingProblem);
  const side = sideAnalysisSettings(options, measure, settingProblem);
  const hasControlGroups = table.rows.some(
    (r) => r.controlGroup !== undefined && r.controlGroup !== "",
  );
  const { permutations, bootstrap, model, seed } = resamplingSettings(table, options, method);
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
    vtype: side.vtype,
    legacySmdhVariance: side.legacySmdhVariance,
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
    eggerPredictor: side.eggerPredictor,
    trimfillEstimator: side.trimfillEstimator,
    trimfillSide: side.trimfillSide,
    bootstrapType: side.bootstrapType,
    predict: side.predict.map((point) => ({ ...point })),
    gosh: side.gosh,
  };
}

/** The measure, checked against Mantel-Haenszel's and Peto's (which pool 2×2 tables). */
function tableMethodMeasure(
  given: Measure,
  method: AnalysisMethod,
  settingProblem: SettingProblem,
): Measure {
  let measure = given;
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
  return measure;
}

/**
 * The test of a table method, and the zero-cell correction (--add, --to, --drop00), which only
 * counts take.
 */
function zeroCellSettings(
  options: AnalysisOptions,
  measure: Measure,
  method: AnalysisMethod,
  settingProblem: SettingProblem,
) {
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
  return { add, to };
}

/**
 * The settings of the small-study methods, the effect sizes' variance and bias correction, GOSH
 * and the predictions, each checked against the measure.
 */
function sideAnalysisSettings(
  options: AnalysisOptions,
  measure: Measure,
  settingProblem: SettingProblem,
) {
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
  return {
    eggerPredictor,
    trimfillEstimator,
    trimfillSide,
    bootstrapType,
    vtype,
    legacySmdhVariance,
    gosh,
    predict,
  };
}

/** The resampling counts and seed, and the model (three-level: REML or ML only). */
function resamplingSettings(table: StudyTable, options: AnalysisOptions, method: AnalysisMethod) {
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
  return { permutations, bootstrap, model, seed };
}
