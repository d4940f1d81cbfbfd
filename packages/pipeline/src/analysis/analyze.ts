/**
 * analyze: a validated study table in, the whole analysis out as one plain JSON-able object
 * (the `--format json` contract). Pure: no file system, no DOM, no process; the CLI and the web app call it
 * with the same table and options and get the same object. The stages live beside it: settings.ts
 * (the options checked), effect-sizes.ts (escalc), dependence.ts (experiments nested in
 * publications), sensitivity.ts (small-study effects and leave-one-out).
 */
import {
  type EscalcData,
  type MantelHaenszelResult,
  type Method,
  type Moderator,
  type MultilevelResult,
  mantelHaenszel,
  type PetoResult,
  peto,
  predict,
  type RmaOptions,
  type RmaResult,
  rma,
  sortedLevels,
} from "@pooled/stats";
import { engineInputErrors } from "../input/problems.js";
import { type DataProblem, type StudyTable, SYRCLE_ITEMS } from "../input/types.js";
import {
  type AnalysisColumn,
  AnalysisInputError,
  analysisColumn,
  clusterColumn,
} from "./columns.js";
import {
  finite,
  modelResult,
  regressionResult,
  subgroupsResult,
  tableModelResult,
} from "./convert.js";
import {
  type ClusteredData,
  fitMultilevel,
  hasRepeatedClusters,
  multilevelFitOptions,
  multilevelRegressionResult,
  multilevelResult,
  multilevelSubgroups,
  standardModelRobust,
} from "./dependence.js";
import { asDataProblems, type StudyEffects, studyEffects, studyResults } from "./effect-sizes.js";
import { attempt, SIDE_ANALYSIS } from "./failures.js";
import { type EffectScale, measureScale, transformedInterval } from "./scale.js";
import { sensitivityAnalyses } from "./sensitivity.js";
import { resolveSettings } from "./settings.js";
import { type SideAnalyses, statsSideAnalyses } from "./side-analyses.js";
import { tableSubgroups } from "./table-subgroups.js";
import {
  type Analysis,
  type AnalysisOptions,
  type AnalysisSettings,
  type MultilevelRegressionJson,
  type MultilevelResultJson,
  type MultilevelSubgroupsJson,
  type PredictionJson,
  type RiskOfBiasSummary,
  TABLE_METHODS,
} from "./types.js";

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
  const warnings: string[] = [];
  const settings = resolveSettings(input, options, warnings);
  const notes: string[] = [...input.notes];
  const scale = measureScale(settings.measure);

  // The analysis columns first, so that every problem with them is reported before any fitting.
  const allColumns = analysisColumns(input, settings);
  settings.cluster = allColumns.publications?.header ?? null;
  for (const group of allColumns.publications?.nearDuplicates ?? []) {
    warnings.push(
      `Publications ${group.map((g) => `"${g}"`).join(" and ")} differ only in case or spacing; they are treated as different publications (correct the labels if they are one).`,
    );
  }

  // Effect sizes, after splitting shared control arms.
  const effects = studyEffects(input, settings, notes);
  const { table, es } = effects;
  const { yi, vi, labels } = es;
  // The columns are read again from the rows that remain when tables were left out (--drop00).
  const { byColumn, modColumns, publications } =
    table === input ? allColumns : analysisColumns(table, settings);

  const fitted = summaryModels(input, effects, settings, { warnings, notes });
  const { fitOptions, model, tableModel, weights } = fitted;
  const studies = studyResults(effects, weights, publications?.values ?? null, settings.level);

  // Subgroups (--by): by Mantel-Haenszel or Peto when they pool the tables.
  const subgroupBlock =
    byColumn === null
      ? null
      : subgroupsOf(side, effects, { read: byColumn, all: allColumns.byColumn! }, fitted, {
          inputRows: input.rows.length,
          scale,
          warnings,
        });

  const regression = metaRegression(side, es, modColumns, fitOptions, model, warnings);
  // Predictions of the meta-regression at the --predict points (metafor's predict(newmods = ...)).
  const predictions =
    regression.model === null || settings.predict.length === 0
      ? null
      : regressionPredictions(regression.model, settings.predict, scale);

  // Experiments nested in publications: CR2 for the standard model, the three-level model and, with
  // --model three-level, its subgroups and meta-regression.
  const clustered: ClusteredData | null =
    publications === null ? null : { yi, vi, labels, cluster: publications.values };
  const dependence = dependenceAnalyses(side, clustered, settings, model, scale, warnings, {
    byColumn,
    mods: regression.mods,
  });
  if (subgroupBlock !== null) subgroupBlock.multilevel = dependence.subgroups;
  if (regression.block !== null) regression.block.multilevel = dependence.regression;

  // Small-study effects and leave-one-out (k >= 3), each with metafor's defaults.
  const sensitivity = sensitivityAnalyses(side, table, model, settings, scale, studies, warnings);

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
    regression: regression.block,
    bias: sensitivity.bias,
    leaveOneOut: sensitivity.leaveOneOut,
    cumulative: sensitivity.cumulative,
    influence: sensitivity.influence,
    gosh: null,
    predictions,
    baujat: sensitivity.baujat,
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
    regressionModel: regression.model,
    mods: regression.mods,
    yi,
    vi,
    labels,
    clusters: publications?.values ?? null,
    multilevelModel: dependence.fitted,
    multilevelRegressionModel: dependence.fittedRegression,
  };
}

/**
 * The model of the summary. Mantel-Haenszel and Peto pool the tables; the analyses that need an
 * inverse-variance model (subgroups, meta-regression, small-study tests, leave-one-out, ...) use
 * the fixed-effect one of the same study effects, as metafor's regtest, trimfill and rma do.
 */
function summaryModels(
  input: StudyTable,
  effects: StudyEffects,
  settings: AnalysisSettings,
  messages: { warnings: string[]; notes: string[] },
) {
  const { table, es } = effects;
  const { yi, vi, labels } = es;
  const { warnings, notes } = messages;
  const tableMethod = TABLE_METHODS.includes(settings.method);
  const fitOptions = {
    method: tableMethod ? "FE" : (settings.method as Method),
    test: settings.test,
    level: settings.level,
  } satisfies Pick<RmaOptions, "method" | "test" | "level">;
  const model = fitMainModel(table, { yi, vi }, { ...fitOptions, labels });
  warnings.push(...model.notes);
  const fitTables = (tables: EscalcData) => fitTableModel(input, tables, settings);
  const tableModel = tableMethod ? fitTables(effects.allTables) : null;
  if (tableModel !== null) warnings.push(...tableModel.notes.filter((n) => n.startsWith("Only ")));
  if (tableModel !== null) {
    notes.push(
      `${settings.method === "MH" ? "Mantel-Haenszel" : "Peto's"} method gives the pooled estimate, its heterogeneity test and the subgroups' estimates; the other analyses (meta-regression, small-study tests, leave-one-out, cumulative, Baujat, resampling) use the inverse-variance fixed-effect model of the same study effects.`,
    );
  }
  // The studies' weights in the summary: the table method's, for the tables with a study effect.
  const weights =
    tableModel === null ? model.weights : es.indices.map((i) => tableModel.weights[i] ?? 0);
  return { tableMethod, fitOptions, model, tableModel, fitTables, weights };
}

/**
 * Subgroups (--by): Mantel-Haenszel or Peto on every table of each level when they pool the
 * tables (double zeros too, as the summary), else a model per level of the study effects.
 */
function subgroupsOf(
  side: SideAnalyses,
  effects: StudyEffects,
  byColumn: { read: AnalysisColumn; all: AnalysisColumn },
  fitted: ReturnType<typeof summaryModels>,
  context: { inputRows: number; scale: EffectScale; warnings: string[] },
): Analysis["subgroups"] {
  const { es } = effects;
  const { scale, warnings } = context;
  if (!fitted.tableMethod)
    return subgroupAnalysis(
      side,
      es,
      byColumn.read,
      fitted.fitOptions,
      fitted.model,
      scale,
      warnings,
    );
  // Position of each table's study among the study effects (-1: left out by --drop00).
  const studyIndex = new Array<number>(context.inputRows).fill(-1);
  es.indices.forEach((row, position) => {
    studyIndex[row] = position;
  });
  return tableSubgroups(
    effects.allTables,
    byColumn.all,
    studyIndex,
    fitted.fitTables,
    scale,
    warnings,
  );
}

/**
 * The columns of --by, --mods and the publication (cluster) column, read from the table.
 *
 * @throws AnalysisInputError naming every problem with them, and a missing publication column
 *   with --model three-level
 */
function analysisColumns(table: StudyTable, settings: AnalysisSettings) {
  const problems: DataProblem[] = [];
  const byColumn = settings.by === null ? null : analysisColumn(table, settings.by, "by", problems);
  const modColumns = settings.mods.map((m) => analysisColumn(table, m, "mods", problems));
  const publications = clusterColumn(table, settings.cluster, problems);
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
  return { byColumn, modColumns: modColumns as AnalysisColumn[], publications };
}

/**
 * The meta-regression (--mods), moderators in the order given: the model, its block of
 * analysis.json and the moderators as passed to rma (for refits); none without --mods.
 */
function metaRegression(
  side: SideAnalyses,
  data: { yi: number[]; vi: number[]; labels: string[] },
  modColumns: readonly AnalysisColumn[],
  fitOptions: Pick<RmaOptions, "method" | "test" | "level">,
  model: RmaResult,
  warnings: string[],
): { mods: Moderator[]; model: RmaResult | null; block: Analysis["regression"] } {
  const { yi, vi, labels } = data;
  const mods: Moderator[] = modColumns.map((c) =>
    c.type === "continuous"
      ? { name: c.name, type: "continuous", values: c.values }
      : { name: c.name, type: "categorical", values: c.values },
  );
  if (mods.length === 0) return { mods, model: null, block: null };
  const regressionModel = side.regression({ yi, vi }, { ...fitOptions, labels, mods });
  // Its own notes (e.g. R² missing and why); those that repeat the main model's are said once.
  for (const note of regressionModel.notes)
    if (!model.notes.includes(note)) warnings.push(`Meta-regression: ${note}`);
  const block = regressionResult(
    regressionModel,
    modColumns.map((c) => ({
      name: c.name,
      type: c.type,
      levels:
        // The engine's own level order (reference first), which the design columns follow.
        c.type === "categorical" ? sortedLevels(c.values as string[]) : null,
      values: [...c.values],
    })),
  );
  return { mods, model: regressionModel, block };
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

/** "C:\data\bbb.csv" or "/home/me/bbb.csv" -> "bbb.csv". */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1) || path;
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
