/**
 * What the page and the worker say to each other. The worker only forwards to @pooled/pipeline
 * (shared/STYLE.md §6, thin targets); these types are the structural subset of the pipeline's
 * Analysis JSON (the `--format json` contract) that the page reads, so extra fields never break the page.
 *
 * Where the page reads a contract type whole, it is the pipeline's own (names, choices, PET-PEESE,
 * fail-safe N, influence, predictions, likelihood-ratio tests). The other views stay subsets: the
 * fields the page does not read are left out, and those an older engine (a cached worker) may
 * not send are optional, so a view is what the page can rely on rather than all the JSON holds.
 */
import type {
  Analysis,
  AnalysisMethod,
  AnalysisModel,
  AnalysisSettings,
  AnalysisVarianceType,
  DataProblem,
  EffectScale,
  EggerPredictorOption,
  FailSafeNJson,
  GoshSummaryJson,
  InfluenceJson,
  InputField,
  InputMeasure,
  LikelihoodRatioTestJson,
  MultilevelRegressionJson,
  PetPeeseJson,
  PrecisionEffectJson,
  PredictionJson,
  PrismaCounts,
  ProjectData,
  ProjectReportSettings,
  StudyTable,
  SyrcleItem,
  TableChisqJson,
  TableTestsJson,
  TransformedInterval,
} from "@pooled/pipeline";
import type { TestType, ZeroCellRule } from "@pooled/stats";
import type { ImportedProject, ProjectDraft } from "./view/project.js";

export type {
  EffectScale,
  EggerPredictorOption,
  ProjectData,
  TableChisqJson,
  TableTestsJson,
  TransformedInterval,
  ZeroCellRule,
};

/** The pipeline's measures (--measure): continuous, event counts (2×2 tables), correlations, GEN. */
export type MeasureName = InputMeasure;
/** FE, a τ² estimator, or for 2×2 tables MH (Mantel-Haenszel) or PETO (--method). */
export type MethodName = AnalysisMethod;
/** The test of the estimate (--test): z, or Knapp-Hartung's t. */
export type TestName = TestType;
/**
 * The model the summary leads with (the CLI's --model): the standard model of the chosen method,
 * or experiments nested in publications (REML or ML only).
 */
export type ModelName = AnalysisModel;
/** Order of the forest plot's studies (the CLI's --forest-sort). */
export type ForestSortName = NonNullable<ProjectReportSettings["forestSort"]>;
/** Trim-and-fill's estimator of the number of missing studies (--trimfill-estimator). */
export type TrimfillEstimatorName = AnalysisSettings["trimfillEstimator"];
/** The side trim-and-fill fills (--trimfill-side); null: estimated from the data, as metafor. */
export type TrimfillSideName = NonNullable<AnalysisSettings["trimfillSide"]>;
/**
 * Sampling variance (--vtype): large-sample, unbiased, or Review Manager 5's (SMD, MD), and ROM's
 * second-order one (LS2).
 */
export type VarianceTypeName = AnalysisVarianceType;
/** The bootstrap (--bootstrap-type): resample studies (case) or simulate from the model. */
export type BootstrapTypeName = AnalysisSettings["bootstrapType"];
/** One prediction point of the meta-regression (--predict): moderator name -> value. */
export type PredictionPoint = AnalysisSettings["predict"][number];

/** The settings a reader chooses; the same names as the CLI flags. */
export interface Settings {
  measure: MeasureName;
  method: MethodName;
  test: TestName;
  /** The summary's model (--model); "standard" by default. */
  model: ModelName;
  /**
   * The publication column (--cluster): undefined for the recognised `cluster` column (the CLI's
   * default), a header for another column, or null for none (the CLI's --map cluster=).
   */
  cluster?: string | null;
  /** Subgroup column (--by), or null. */
  by: string | null;
  /** Moderator columns (--mods), in the order chosen. */
  mods: string[];
  /** Permutation test (--permutations): a count, "exact", or null for none. */
  permutations: number | "exact" | null;
  /** Bootstrap replicates (--bootstrap), or null for none. */
  bootstrap: number | null;
  seed: number;
  /** Order of the studies in the forest plot (--forest-sort); default "input". */
  forestSort?: ForestSortName;
  /** 2×2 tables: the continuity correction (--add), default 0.5; ignored for other measures. */
  add: number;
  /** 2×2 tables: the tables the correction is added to (--to), default "only0". */
  to: ZeroCellRule;
  /**
   * 2×2 tables: leave out tables with no events (or only events) in both arms: true (--drop00),
   * false (--no-drop00), or null for the method's default (dropped with MH and PETO only).
   */
  drop00: boolean | null;
  /** Predictor of Egger's test (--egger-predictor), default "sei". */
  eggerPredictor: EggerPredictorOption;
  /** Trim-and-fill's estimator (--trimfill-estimator), default "L0". */
  trimfillEstimator: TrimfillEstimatorName;
  /** Trim-and-fill's side (--trimfill-side), or null (default) for the side estimated from the data. */
  trimfillSide: TrimfillSideName | null;
  /**
   * Sampling variance (--vtype), default "LS": SMD takes LS, UB or RevMan, MD LS or UB, ROM LS or
   * LS2; sent to the pipeline only for those measures.
   */
  vtype: VarianceTypeName;
  /** ROM's small-sample bias correction (--correct-bias); sent only with ROM. */
  correctBias: boolean;
  /** SMDH: metafor 3.8's sampling variance (--legacy-smdh-variance); sent only with SMDH. */
  legacySmdhVariance?: boolean;
  /** The forest plot's "favours" labels under the axis, left then right (--favours); null: none. */
  favours?: [string, string] | null;
  /** Data columns shown beside the studies in the forest plot (--forest-columns). */
  forestColumns?: string[];
  /** The bootstrap (--bootstrap-type), default "case"; sent only with a bootstrap. */
  bootstrapType: BootstrapTypeName;
  /**
   * GOSH (--gosh N): the model refitted on every subset of studies when there are at most N of
   * them (2^k − 1), else on N random subsets drawn with the seed; null for none. A resampling job.
   */
  gosh: number | null;
  /**
   * Predictions of the meta-regression (--predict), one object per point; sent only with
   * moderators. [] for none.
   */
  predict: PredictionPoint[];
  /** PRISMA 2020 counts; undefined: the example's own counts when the example is loaded. */
  prisma?: PrismaCounts | null;
  /**
   * Analysis options of an opened project file that the page has no control for (e.g. `level`,
   * `vtype: "LS2"`), sent as the file gives them so the page analyses it as the CLI does.
   */
  projectOptions?: Record<string, unknown>;
}

/**
 * Explicit column choices that override auto-detection (field -> header, or null to unmap). The
 * input-only fields (SEM, CI bounds, exclude) are included: the pipeline turns them into SDs and
 * the excluded list.
 */
export type ColumnOverrides = Partial<Record<InputField | SyrcleItem, string | null>>;

/** How to read a file: column choices, number format, sheet, and the measure. */
export interface ParseRequest {
  columns?: ColumnOverrides;
  /** Omitted: the pipeline infers it (MD for arm data, GEN for given effect sizes), as the CLI. */
  measure?: MeasureName;
  /** Numbers written with a decimal comma ("3,5"), as the CLI's --decimal-comma. */
  decimalComma?: boolean;
  /** XLSX sheet by name (as listed in ParseOutcome.sheets), as the CLI's --sheet; default the first. */
  sheet?: string;
}

export interface ModelSummary {
  k: number;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  tau2: number | null;
  I2: number | null;
  H2: number | null;
  Q: number | null;
  Qp: number | null;
  /** Q-profile CIs of τ², I² (percent) and H² (random-effects models with k > 1), else null. */
  tau2CiLower?: number | null;
  tau2CiUpper?: number | null;
  I2CiLower?: number | null;
  I2CiUpper?: number | null;
  H2CiLower?: number | null;
  H2CiUpper?: number | null;
  piLower?: number | null;
  piUpper?: number | null;
  /** CR2 cluster-robust inference clustered by publication, when the file has a publication column. */
  robust?: RobustView | null;
  /** Degrees of freedom of Q (k − 1, or fewer tables with Mantel-Haenszel). */
  Qdf?: number;
  /** The scale of estimate, CI and PI: "log" (ratios), "fisher-z" (correlations) or "identity". */
  scale?: EffectScale;
  /** Estimate, CI and PI on the reader's scale (ratios, correlations); null for "identity". */
  transformed?: TransformedInterval | null;
  /** Mantel-Haenszel with the odds ratio: the CMH, Breslow-Day and Tarone tests; else null. */
  tableTests?: TableTestsJson | null;
}

/** A CR2 cluster-robust test of one estimate, with Satterthwaite degrees of freedom. */
export interface RobustView {
  se: number;
  df: number;
  ciLower: number;
  ciUpper: number;
  p: number;
  /** Number of publications (clusters). */
  clusters?: number;
}

/** A likelihood-ratio test of dropping one variance component. */
export type LikelihoodRatioView = LikelihoodRatioTestJson;

/** The three-level model: experiments nested in publications (the contract's `multilevel`). */
export interface MultilevelView {
  k: number;
  /** Number of publications. */
  clusters: number;
  method: string;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  piLower: number | null;
  piUpper: number | null;
  /** Estimate and intervals on the reader's scale (see model.scale); null for "identity". */
  transformed?: TransformedInterval | null;
  sigma2Between: number;
  sigma2Within: number;
  sigma2BetweenCiLower: number | null;
  sigma2BetweenCiUpper: number | null;
  sigma2WithinCiLower: number | null;
  sigma2WithinCiUpper: number | null;
  I2Between: number | null;
  I2Within: number | null;
  I2Total: number | null;
  lrtBetween: LikelihoodRatioView | null;
  lrtWithin: LikelihoodRatioView | null;
  robust: RobustView | null;
  /** "z", or "t" with k - p degrees of freedom (the Knapp-Hartung choice). */
  test?: "z" | "t";
  QE?: number | null;
  QEdf?: number;
  QEp?: number | null;
  notes?: string[];
}

/** One coefficient of the three-level meta-regression, with its CR2 test. */
export interface MultilevelRegressionTermView {
  name: string;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  robustSe: number | null;
  robustDf: number | null;
  robustP: number | null;
}

/** The meta-regression in the three-level model (--mods with --model three-level). */
export interface MultilevelRegressionView {
  terms: MultilevelRegressionTermView[];
  QM: number | null;
  QMdf: number;
  QMp: number | null;
  /** The HTZ Wald test of the moderators (an F with df1 and Satterthwaite-type df2). */
  robustQM: MultilevelRegressionJson["robustQM"];
  /** "F" under the t test (then with QMdf2 denominator df), else "chisq". */
  QMdistribution?: "chisq" | "F";
  QMdf2?: number | null;
}

/** Subgroups in the three-level model (--by with --model three-level). */
export interface MultilevelSubgroupsView {
  groups: {
    level: string;
    k: number;
    clusters: number;
    estimate: number | null;
    se: number | null;
    ciLower: number | null;
    ciUpper: number | null;
    sigma2Between: number | null;
    sigma2Within: number | null;
    p?: number | null;
  }[];
  test: {
    QM: number;
    df: number;
    p: number;
    distribution?: "chisq" | "F";
    df2?: number | null;
  } | null;
}

export interface StudyResult {
  study: string;
  yi: number;
  vi: number;
  weight: number;
  /** The publication the study comes from (null without a publication column). */
  cluster?: string | null;
  /** The 95% CI of yi, on the scale of the analysis. */
  ciLower?: number;
  ciUpper?: number;
  /** Group sizes behind yi (treatment, control); null when the file gives none. */
  n1?: number | null;
  n2?: number | null;
  /** 2×2 tables: events in the treatment and control arms; else null. */
  events1?: number | null;
  events2?: number | null;
}

export interface SubgroupSummary {
  /** A level whose model could not be fitted has null statistics; `warnings` says why. */
  groups: (Omit<
    ModelSummary,
    "piLower" | "piUpper" | "estimate" | "se" | "transformed" | "tableTests"
  > & {
    level: string;
    estimate: number | null;
    se: number | null;
    /** Estimate and CI on the reader's scale (see model.scale); null for "identity". */
    transformed?: TransformedInterval | null;
  })[];
  tests: {
    type: "separate-tau2" | "common-tau2";
    Q: number | null;
    df: number;
    p: number | null;
  }[];
  /** Subgroups in the three-level model, with --model three-level. */
  multilevel?: MultilevelSubgroupsView | null;
}

export interface RegressionTerm {
  name: string;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  p: number | null;
  permutationP?: number | null;
}

export interface RegressionSummary {
  terms: RegressionTerm[];
  QM: number | null;
  QMdf: number;
  QMp: number | null;
  permutationQMp?: number | null;
  tau2: number | null;
  R2: number | null;
  QE: number | null;
  /** Residual I² (percent). */
  I2?: number | null;
  /** Q-profile CIs of the residual τ² and I², else null. */
  tau2CiLower?: number | null;
  tau2CiUpper?: number | null;
  I2CiLower?: number | null;
  I2CiUpper?: number | null;
  /** The meta-regression in the three-level model, with --model three-level. */
  multilevel?: MultilevelRegressionView | null;
}

export interface LeaveOneOutRow {
  study: string;
  estimate: number | null;
  se: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  tau2: number | null;
  I2: number | null;
}

export interface BiasSummary {
  egger?: {
    z: number;
    p: number;
    limitEstimate?: number | null;
    /** The predictor of the regression (--egger-predictor): "sei", "vi", "ninv" or "sqrtninv". */
    predictor?: string;
    /** "z", or "t" under Knapp-Hartung. */
    distribution?: "z" | "t";
  } | null;
  begg?: { tau: number; p: number } | null;
  trimFill?: {
    k0: number;
    side: "left" | "right";
    estimate: number;
    ciLower: number;
    ciUpper: number;
    /** The estimator of the missing studies (--trimfill-estimator). */
    estimator?: TrimfillEstimatorName;
    /** The adjusted estimate and CI on the reader's scale (see model.scale); else null. */
    transformed?: TransformedInterval | null;
  } | null;
  /** PET-PEESE (Stanley & Doucouliagos 2014). */
  petPeese?: PetPeeseView | null;
  /** Fail-safe N by Rosenthal, Orwin and Rosenberg. */
  failSafeN?: FailSafeNView | null;
}

/** One regression of PET-PEESE: its intercept (the corrected effect), with CI, test and slope. */
export type PrecisionEffectView = PrecisionEffectJson;

/** PET-PEESE: both regressions, the conditional rule and the estimate it chose. */
export type PetPeeseView = PetPeeseJson;

/** Fail-safe N by Rosenthal (1979), Orwin (1983) and Rosenberg (2005). */
export type FailSafeNView = FailSafeNJson;

/** Case-deletion diagnostics of one study (metafor's influence()), input order. */
export type InfluenceView = InfluenceJson;

/** A prediction of the meta-regression at chosen moderator values (--predict). */
export type PredictionView = PredictionJson;

export interface BootstrapIntervalView {
  estimate: number | null;
  percentileLower: number | null;
  percentileUpper: number | null;
  bcaLower: number | null;
  bcaUpper: number | null;
}

export interface BootstrapView {
  seed: number;
  iterations: number;
  /** "case" (studies, or publications) or "parametric" (simulated from the fitted model). */
  type: string;
  /** Publications resampled (case bootstrap of a file with a publication column), else null. */
  clusters?: number | null;
  estimate: BootstrapIntervalView;
  tau2: BootstrapIntervalView;
  I2: BootstrapIntervalView;
  failed: number;
  /** Why an interval is missing (e.g. BCa not defined), and other remarks. */
  notes?: string[];
}

/** Five-number summary (and mean) of a statistic over GOSH's fitted subsets (R's quantile type 7). */
export type GoshSummaryView = GoshSummaryJson;

/** GOSH (the pipeline's GoshJson): the model refitted on subsets of the studies. */
export interface GoshView {
  /** Subsets fitted: every one (2^k − 1) when `exhaustive`, else this many random ones. */
  subsets: number;
  exhaustive: boolean;
  /** Seed of the random subsets; null when every subset was fitted. */
  seed: number | null;
  /** Studies. */
  k: number;
  /** The model's method (the fixed-effect one under MH and Peto). */
  method: string;
  /** Subsets whose fit failed (left out of the summaries and the plot). */
  failed: number;
  /** Over the fitted subsets: the estimate on the analysis scale, I² in percent (and more). */
  summary: { estimate: GoshSummaryView; I2: GoshSummaryView };
}

export interface PermutationView {
  seed: number;
  iterations: number;
  exact: boolean;
  p: number | null;
  QMp?: number | null;
  failed: number;
}

/** The parts of the pipeline's Analysis object the page shows. */
export interface AnalysisView {
  /** The settings as applied, defaults filled in (the pipeline's AnalysisSettings). */
  settings?: {
    measure: string;
    method: string;
    test: string;
    level?: number;
    seed?: number;
    /** "standard" or "three-level" (--model). */
    model?: string;
    /** The publication column as found in the file, or null when there is none. */
    cluster?: string | null;
    /** 2×2 tables: the zero-cell rules as applied (--add, --to, --drop00); null otherwise. */
    add?: number | null;
    to?: ZeroCellRule | null;
    drop00?: boolean | null;
    eggerPredictor?: EggerPredictorOption;
    vtype?: VarianceTypeName;
    correctBias?: boolean;
    /** SMDH: metafor 3.8's sampling variance (--legacy-smdh-variance). */
    legacySmdhVariance?: boolean;
    trimfillEstimator?: TrimfillEstimatorName;
    /** null: the side estimated from the data. */
    trimfillSide?: TrimfillSideName | null;
    bootstrapType?: BootstrapTypeName;
    predict?: PredictionPoint[];
    /** Subsets asked of GOSH (--gosh), or null. */
    gosh?: number | null;
  };
  notes?: string[];
  excluded?: Analysis["excluded"];
  studies: StudyResult[];
  model: ModelSummary;
  /**
   * The three-level model, present with --model three-level and whenever a publication
   * contributes two or more experiments.
   */
  multilevel?: MultilevelView | null;
  subgroups?: SubgroupSummary | null;
  regression?: RegressionSummary | null;
  bias?: BiasSummary | null;
  leaveOneOut?: LeaveOneOutRow[] | null;
  /** Influence diagnostics of the main model (k >= 3), input order; else null. */
  influence?: InfluenceView[] | null;
  /** Predictions of the meta-regression (--predict with --mods), else null. */
  predictions?: PredictionView[] | null;
  permutation?: PermutationView | null;
  bootstrap?: BootstrapView | null;
  /** GOSH (--gosh), else null (absent from older engines). */
  gosh?: GoshView | null;
  warnings?: string[];
}

/** One file of the report, as renderReport gives it (text, or bytes for binary files). */
export interface ReportFile {
  name: string;
  mime: string;
  content: string;
}

export type ParseOutcome = (
  | {
      ok: true;
      table: StudyTable;
      headers: string[];
      fileName: string;
      /** The measure the file implies (the pipeline's inferMeasure, as the CLI without --measure). */
      inferredMeasure: MeasureName;
      /** A file's (or the example's) cells for the grid; absent when typed data were parsed. */
      grid?: ProjectData | null;
      /** The example's PRISMA counts, with the example. */
      prisma?: PrismaCounts | null;
    }
  | {
      ok: false;
      problems: DataProblem[];
      fileName: string;
      /** Headers as written (empty when the file could not be read at all). */
      headers: string[];
      /** The file's cells for the grid, to correct them there; null when it is no table at all. */
      grid?: ProjectData | null;
      prisma?: PrismaCounts | null;
    }
) & {
  /**
   * The column each field takes (the table's own mapping when read, else detection by name, then
   * the reader's choices), the input-only fields (SEM, CI, exclude) included.
   */
  detected: Partial<Record<InputField, string>>;
};

export type AnalyzeOutcome =
  | {
      ok: true;
      /** The pipeline's Analysis object, unchanged (what analysis.json holds). */
      analysis: AnalysisView;
      /** Every file the CLI's --out writes, in memory, for display and export. */
      files: ReportFile[];
      /** The plain-language summary (the report's lay summary), by section. */
      plainLanguage: { heading: string; text: string }[];
      /**
       * Per-study and refit values on the reader's scale (ratios, correlations), back-transformed
       * in the worker by the pipeline's backTransform; null for measures read as analysed.
       */
      reading: ReadingScaleView | null;
      /** Milliseconds spent in the worker (analysis + report). */
      elapsedMs: number;
    }
  | { ok: false; message: string; problems: DataProblem[]; cancelled: boolean };

/** An estimate and its CI on the reader's scale (null where the analysis has none). */
export interface ReadingInterval {
  estimate: number | null;
  ciLower: number | null;
  ciUpper: number | null;
}

/**
 * What the JSON gives on the analysis scale only, back on the reader's scale: each study's effect
 * and CI, each leave-one-out refit, and the CR2 intervals. The JSON's own `transformed` blocks
 * (model, subgroups, three-level model, trim-and-fill) are read from the analysis directly.
 */
export interface ReadingScaleView {
  scale: EffectScale;
  /** One per study, input order. */
  studies: ReadingInterval[];
  /** One per leave-one-out row, in its order; null without leave-one-out. */
  leaveOneOut: ReadingInterval[] | null;
  /** The standard model's CR2 interval (estimate: the model's), or null. */
  robust: ReadingInterval | null;
  /** The three-level model's CR2 interval, or null. */
  multilevelRobust: ReadingInterval | null;
  /** PET's and PEESE's corrected estimates and CIs, or null (older engines: absent). */
  petPeese?: { pet: ReadingInterval; peese: ReadingInterval } | null;
  /**
   * GOSH's five-number summary of the estimate, each value back-transformed by the pipeline's
   * transform; null without GOSH. The transforms are increasing: the minimum and maximum are those
   * of the back-transformed subsets, and each quartile stays between the same two subsets' values
   * (R's type-7 quantiles interpolate on the analysis scale).
   */
  gosh?: GoshReadingView | null;
}

/** The quantiles of GOSH's estimates on the reader's scale (the mean does not transform so). */
export interface GoshReadingView {
  min: number | null;
  q25: number | null;
  median: number | null;
  q75: number | null;
  max: number | null;
}

export interface Progress {
  done: number;
  total: number;
  /**
   * What is running: the pipeline's resampling stage ("permutation", "bootstrap", "gosh", the
   * meta-regression's and the three-level model's own; see view/state.ts STAGE_LABELS).
   */
  task: string;
}

/** A typed table to validate: a project's data under the name its messages give. */
export interface GridSource {
  data: ProjectData;
  /** The name in messages and analysis.json: the data's file, or the project file's. */
  fileName: string;
  /** The settings whose columns must exist (by, mods, publication), as the CLI requires them. */
  settings: Settings | null;
}

export type ProjectExport =
  | { ok: true; text: string; fileName: string }
  | { ok: false; problems: DataProblem[] };

export type ProjectImport =
  | {
      ok: true;
      project: ImportedProject;
      /** Whether the file names a measure (else the page infers it from the data, as the CLI). */
      measureGiven: boolean;
      /** About PRISMA counts that do not add up. */
      warnings: string[];
    }
  | { ok: false; problems: DataProblem[] };

/** The API the worker exposes through comlink. */
export interface EngineApi {
  /** Parse a data file's bytes (CSV, TSV, XLSX, JSON; the name picks the format). */
  parse(bytes: Uint8Array, fileName: string, request?: ParseRequest): Promise<ParseOutcome>;
  /** An XLSX workbook's sheet names in order (the pipeline's numbering); [] for other files. */
  sheetNames(bytes: Uint8Array, fileName: string): Promise<string[]>;
  /** Parse the example bundled at build time. */
  loadExample(request?: ParseRequest): Promise<ParseOutcome>;
  /**
   * Parse a typed table as the CLI reads a project file's data (pipeline's parseStudyGrid with
   * projectParseOptions): the same rules, the same messages, the same row numbers.
   */
  parseGrid(source: GridSource, request?: ParseRequest): Promise<ParseOutcome>;
  /** A project file's text (`.pooled.json`) for a project. */
  exportProject(draft: ProjectDraft): Promise<ProjectExport>;
  /** Reads a project file; its problems name the JSON path, as the CLI reports them. */
  importProject(text: string, fileName: string): Promise<ProjectImport>;
  /** Fast analysis for the current settings, without permutations, bootstrap and GOSH. */
  analyze(table: StudyTable, settings: Settings): Promise<AnalyzeOutcome>;
  /** Full analysis with resampling; reports progress; stops early when cancel(jobId) is called. */
  analyzeAsync(
    table: StudyTable,
    settings: Settings,
    jobId: number,
    onProgress: (progress: Progress) => void,
  ): Promise<AnalyzeOutcome>;
  cancel(jobId: number): Promise<void>;
  /** Reads PRISMA counts from a JSON file's text. */
  readPrisma(
    text: string,
    fileName: string,
  ): Promise<{ counts: PrismaCounts | null; problems: DataProblem[] }>;
  /** Compiles the WASM core and warms the code paths on a tiny table, so the first result is fast. */
  warmUp(): Promise<number>;
}
