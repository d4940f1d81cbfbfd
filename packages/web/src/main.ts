/**
 * The page: wires the DOM to the engine worker. All decisions about what to show live in view/
 * (pure, unit-tested); this file only reads controls, calls the worker and writes the DOM.
 */
import type { InputField, PrismaCounts, StudyTable } from "@pooled/pipeline";
import * as Comlink from "comlink";
import type {
  AnalysisView,
  AnalyzeOutcome,
  ColumnOverrides,
  EngineApi,
  MeasureName,
  MethodName,
  ModelName,
  ParseOutcome,
  ParseRequest,
  Progress,
  ProjectExport,
  ProjectImport,
  ReadingScaleView,
  ReportFile,
  Settings,
  TestName,
  VarianceTypeName,
} from "./api.js";
import { byId, downloadBlob, downloadText, h, parseSvg, svgToPng } from "./dom.js";
// The engine worker starts from a blob: URL of code the page carries, so the same build works from
// disk (file://) and served (offline/engine-worker.ts).
import { engineWorkerUrl } from "./offline/engine-worker.js";
import {
  fileSizeProblem,
  isWorkbook,
  MAPPABLE_FIELDS,
  sheetHint,
  sheetOptions,
} from "./view/columns.js";
import { dependenceView } from "./view/dependence.js";
import { formatDuration, MEASURE_LABELS } from "./view/format.js";
import { errorToProblems, problemList } from "./view/problems.js";
import type { WorkspaceProject } from "./view/project.js";
import {
  baseName,
  dataNotes,
  exportGroups,
  nextSort,
  type PlotTab,
  plotTabs,
  resultTables,
  type SortDirection,
  sortedRows,
  type TableView,
} from "./view/results.js";
import {
  availableMeasures,
  BOOTSTRAP_TYPE_LABELS,
  BOOTSTRAP_TYPES,
  chooseMeasure,
  DEFAULT_GOSH_SUBSETS,
  DEFAULT_SETTINGS,
  DROP00_CHOICES,
  describeExtraColumns,
  drop00Value,
  EGGER_PREDICTOR_LABELS,
  EGGER_PREDICTORS,
  EXAMPLE_SUBGROUP,
  effectSizeControls,
  FOREST_SORT_LABELS,
  FOREST_SORTS,
  hasPublicationColumn,
  MEASURE_GROUPS,
  METHOD_LABELS,
  METHODS,
  MODEL_LABELS,
  MODELS,
  modelControls,
  moderatorCandidates,
  needsResampling,
  predictionsText,
  publicationOptions,
  publicationValue,
  readPublication,
  readSettings,
  type SettingsContext,
  type SettingsForm,
  settingsErrors,
  subgroupCandidates,
  TEST_LABELS,
  TESTS,
  TRIMFILL_ESTIMATOR_LABELS,
  TRIMFILL_ESTIMATORS,
  TRIMFILL_SIDE_CHOICES,
  tableHeaders,
  VTYPE_LABELS,
  VTYPES,
  withoutResampling,
  ZERO_CELL_RULE_LABELS,
  ZERO_CELL_RULES,
} from "./view/settings.js";
import {
  type AppState,
  applyProgress,
  INITIAL_STATE,
  pageView,
  resamplingJob,
} from "./view/state.js";
import { summaryView } from "./view/summary.js";
import { Workspace } from "./workspace/workspace.js";

type Source =
  | { kind: "example" }
  /** The table in the grid (typed, corrected, or a project opened). */
  | { kind: "grid" }
  | {
      kind: "bytes";
      bytes: Uint8Array;
      name: string;
      /** The workbook's sheet names for an XLSX file (empty otherwise). */
      sheets: string[];
    };

// ---- the engine workers -------------------------------------------------------------------------

function startWorker(): { worker: Worker; api: Comlink.Remote<EngineApi> } {
  // ?workers=N sets the number of resampling shard workers (tests check N does not change results);
  // it travels in the worker's name, since a blob: URL carries no query.
  const workers = new URLSearchParams(location.search).get("workers");
  const worker = new Worker(engineWorkerUrl(), {
    name:
      workers !== null && /^[1-8]$/.test(workers)
        ? `pooled-engine workers=${workers}`
        : "pooled-engine",
  });
  return { worker, api: Comlink.wrap<EngineApi>(worker) };
}

/**
 * The interactive engine: parsing and the fast analysis on every settings change. A worker stuck
 * in a long synchronous computation (a huge file, an analysis that does not end) answers nothing
 * else, and Comlink has no way to interrupt it: Cancel, or a new file or setting while it has been
 * busy for {@link STUCK_MS}, ends it and starts a fresh one (see {@link interactive}).
 */
let engine = startWorker();
/** Calls to the interactive engine not answered yet, each with when it was made. */
const pending = new Set<{ since: number }>();
/** Rejects every pending call when its worker is ended (a terminated worker never answers). */
let abandon: (reason: Error) => void = () => undefined;
let abandoned = new Promise<never>((_, reject) => {
  abandon = reject;
});
// A pending call's rejection is handled where the call is awaited.
abandoned.catch(() => undefined);
/** A call pending this long means the worker is busy with something that is no longer wanted. */
const STUCK_MS = 1000;

/** Thrown into the calls pending when the interactive engine is ended. */
class EngineRestarted extends Error {}

/** Ends the interactive engine, whatever it is doing, and starts a fresh one. */
function restartEngine(): void {
  engine.worker.terminate();
  abandon(new EngineRestarted("the engine was restarted"));
  abandoned = new Promise<never>((_, reject) => {
    abandon = reject;
  });
  abandoned.catch(() => undefined);
  pending.clear();
  engine = startWorker();
  watchEngine(engine.worker);
}

/**
 * A call to the interactive engine. A new call while an earlier one has been pending for
 * {@link STUCK_MS} restarts the engine first: every call here replaces the earlier ones (a newer
 * read or analysis), so the busy worker computes what nobody waits for.
 */
async function interactive<T>(call: (api: Comlink.Remote<EngineApi>) => Promise<T>): Promise<T> {
  const now = performance.now();
  for (const p of pending) {
    if (now - p.since >= STUCK_MS) {
      restartEngine();
      break;
    }
  }
  const entry = { since: now };
  pending.add(entry);
  try {
    return await Promise.race([call(engine.api), abandoned]);
  } finally {
    pending.delete(entry);
  }
}
/** Resampling runs in its own worker, so the page and fast analyses stay responsive, and a cancel
 * that the computation does not notice in time can end the worker outright. */
let jobEngine: ReturnType<typeof startWorker> | null = null;

// ---- page state ---------------------------------------------------------------------------------

let state: AppState = INITIAL_STATE;
let source: Source | null = null;
let table: StudyTable | null = null;
let headers: string[] = [];
let analysisSeq = 0;
let loadSeq = 0;
let jobSeq = 0;
let activePlot = "forest";
let loadClickedAt: number | null = null;
let scrollToResults = false;
/** PRISMA counts from the reader's own file (undefined: none given). */
let userPrisma: PrismaCounts | undefined;

const el = {
  status: byId("status"),
  problems: byId("problems"),
  problemsHeading: byId("problems-heading"),
  problemsList: byId("problems-list"),
  problemsHint: byId("problems-hint"),
  columnsPanel: byId<HTMLDetailsElement>("columns-panel"),
  decimalComma: byId<HTMLInputElement>("decimal-comma"),
  sheetField: byId("sheet-field"),
  sheet: byId<HTMLSelectElement>("sheet"),
  columnsGrid: byId("columns-grid"),
  form: byId<HTMLFormElement>("settings-form"),
  measure: byId<HTMLSelectElement>("measure"),
  method: byId<HTMLSelectElement>("method"),
  methodHint: byId("method-hint"),
  model: byId<HTMLSelectElement>("model"),
  modelHint: byId("model-hint"),
  cluster: byId<HTMLSelectElement>("cluster"),
  test: byId<HTMLSelectElement>("test"),
  testHint: byId("test-hint"),
  zeroCells: byId<HTMLFieldSetElement>("zero-cells"),
  add: byId<HTMLInputElement>("add"),
  to: byId<HTMLSelectElement>("to"),
  drop00: byId<HTMLSelectElement>("drop00"),
  zeroCellErrors: byId("zero-cell-errors"),
  eggerPredictor: byId<HTMLSelectElement>("egger-predictor"),
  trimfillEstimator: byId<HTMLSelectElement>("trimfill-estimator"),
  trimfillSide: byId<HTMLSelectElement>("trimfill-side"),
  vtypeField: byId("vtype-field"),
  vtype: byId<HTMLSelectElement>("vtype"),
  vtypeHint: byId("vtype-hint"),
  correctBiasField: byId("correct-bias-field"),
  correctBias: byId<HTMLInputElement>("correct-bias"),
  legacySmdhField: byId("legacy-smdh-field"),
  legacySmdh: byId<HTMLInputElement>("legacy-smdh"),
  forestColumns: byId<HTMLInputElement>("forest-columns"),
  favoursLeft: byId<HTMLInputElement>("favours-left"),
  favoursRight: byId<HTMLInputElement>("favours-right"),
  predictField: byId("predict-field"),
  predict: byId<HTMLInputElement>("predict"),
  predictErrors: byId("predict-errors"),
  bootstrapTypeField: byId("bootstrap-type-field"),
  bootstrapType: byId<HTMLSelectElement>("bootstrap-type"),
  forestSort: byId<HTMLSelectElement>("forest-sort"),
  by: byId<HTMLSelectElement>("by"),
  modsList: byId("mods-list"),
  bootstrap: byId<HTMLInputElement>("bootstrap"),
  permutations: byId<HTMLInputElement>("permutations"),
  gosh: byId<HTMLInputElement>("gosh"),
  goshSubsets: byId<HTMLInputElement>("gosh-subsets"),
  seed: byId<HTMLInputElement>("seed"),
  settingsErrors: byId("settings-errors"),
  run: byId<HTMLButtonElement>("run-resampling"),
  cancel: byId<HTMLButtonElement>("cancel"),
  progress: byId<HTMLProgressElement>("progress"),
  progressLabel: byId("progress-label"),
  progressRow: byId("progress-row"),
  resultsEmpty: byId("results-empty"),
  resultsBody: byId("results-body"),
  estimate: byId("pooled-estimate"),
  estimateAnalysed: byId("estimate-analysed"),
  modelLine: byId("model-line"),
  heterogeneityLine: byId("heterogeneity-line"),
  tableTestsLine: byId("table-tests-line"),
  robustLine: byId("robust-line"),
  dependence: byId("dependence"),
  dependenceLead: byId("dependence-lead"),
  dependenceNotes: byId("dependence-notes"),
  dependenceTables: byId("dependence-tables"),
  warnings: byId("warnings"),
  notesPanel: byId<HTMLDetailsElement>("notes-panel"),
  notesSummary: byId("notes-summary"),
  notes: byId("notes"),
  plain: byId("plain-text"),
  plotTabs: byId("plot-tabs"),
  plotPanels: byId("plot-panels"),
  plotSize: byId<HTMLButtonElement>("plot-size"),
  /** "Open full size": a link (new tab, middle-click), made here as it has no href until a plot. */
  plotOpen: h(
    "a",
    { class: "button", id: "plot-open", target: "_blank", rel: "noopener", hidden: true },
    "Open full size",
    h("span", { class: "visually-hidden" }, " (opens a new tab)"),
  ),
  exportSvg: byId<HTMLButtonElement>("export-svg"),
  exportPng: byId<HTMLButtonElement>("export-png"),
  tables: byId("tables"),
  exports: byId("exports"),
  results: byId("results"),
};

function setState(next: Partial<AppState>): void {
  state = { ...state, ...next };
  render();
}

// ---- settings controls --------------------------------------------------------------------------

function fillSelect(
  select: HTMLSelectElement,
  options: { value: string; label: string }[],
  value: string,
): void {
  select.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = options.some((o) => o.value === value) ? value : (options[0]?.value ?? "");
}

/** The Effect measure control: the measures grouped by what the file holds. */
function fillMeasures(select: HTMLSelectElement, value: string): void {
  select.replaceChildren(
    ...MEASURE_GROUPS.map((g) =>
      h(
        "optgroup",
        { label: g.label },
        ...g.measures.map((m) => h("option", { value: m }, `${m}: ${MEASURE_LABELS[m]}`)),
      ),
    ),
  );
  select.value = value;
}

function initSettingsControls(): void {
  fillMeasures(el.measure, DEFAULT_SETTINGS.measure);
  fillSelect(
    el.method,
    METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] })),
    DEFAULT_SETTINGS.method,
  );
  fillSelect(
    el.test,
    TESTS.map((t) => ({ value: t, label: TEST_LABELS[t] })),
    DEFAULT_SETTINGS.test,
  );
  fillSelect(
    el.model,
    MODELS.map((m) => ({ value: m, label: MODEL_LABELS[m] })),
    DEFAULT_SETTINGS.model,
  );
  fillSelect(
    el.forestSort,
    FOREST_SORTS.map((f) => ({ value: f, label: FOREST_SORT_LABELS[f] })),
    DEFAULT_SETTINGS.forestSort ?? "input",
  );
  el.add.value = String(DEFAULT_SETTINGS.add);
  fillSelect(
    el.to,
    ZERO_CELL_RULES.map((r) => ({ value: r, label: ZERO_CELL_RULE_LABELS[r] })),
    DEFAULT_SETTINGS.to,
  );
  fillSelect(el.drop00, [...DROP00_CHOICES], drop00Value(DEFAULT_SETTINGS.drop00));
  fillSelect(
    el.eggerPredictor,
    EGGER_PREDICTORS.map((p) => ({ value: p, label: EGGER_PREDICTOR_LABELS[p] })),
    DEFAULT_SETTINGS.eggerPredictor,
  );
  fillSelect(
    el.trimfillEstimator,
    TRIMFILL_ESTIMATORS.map((e) => ({ value: e, label: TRIMFILL_ESTIMATOR_LABELS[e] })),
    DEFAULT_SETTINGS.trimfillEstimator,
  );
  fillSelect(el.trimfillSide, [...TRIMFILL_SIDE_CHOICES], DEFAULT_SETTINGS.trimfillSide ?? "");
  fillSelect(
    el.vtype,
    VTYPES.map((v) => ({ value: v, label: VTYPE_LABELS[v] })),
    DEFAULT_SETTINGS.vtype,
  );
  el.correctBias.checked = DEFAULT_SETTINGS.correctBias;
  fillSelect(
    el.bootstrapType,
    BOOTSTRAP_TYPES.map((t) => ({ value: t, label: BOOTSTRAP_TYPE_LABELS[t] })),
    DEFAULT_SETTINGS.bootstrapType,
  );
  el.seed.value = String(DEFAULT_SETTINGS.seed);
  el.goshSubsets.value = DEFAULT_GOSH_SUBSETS.toLocaleString("en");
  updateBootstrapTypeField();
  updateGoshField();
}

/**
 * Adapts the settings controls to a newly loaded table (measures it supports, its columns): the
 * reader's measure when the table allows it, else the one the file implies (`inferred`).
 */
function adaptSettingsToTable(t: StudyTable, inferred: MeasureName): void {
  const available = new Set(availableMeasures(t));
  for (const option of Array.from(el.measure.options)) {
    option.disabled = !available.has(option.value as Settings["measure"]);
  }
  el.measure.value = chooseMeasure(t, el.measure.value as Settings["measure"], inferred);
  // An opened project's choices of columns, which have options only now that its table is read.
  const wanted = pendingSettings;
  pendingSettings = null;

  // The publication column: a choice the new table still has is kept, else the detected column.
  fillSelect(
    el.cluster,
    publicationOptions(t),
    wanted ? publicationValue(wanted.cluster) : el.cluster.value,
  );
  updateModelControls();

  const by = wanted ? (wanted.by ?? "") : el.by.value;
  fillSelect(
    el.by,
    [{ value: "", label: "(none)" }, ...subgroupCandidates(t).map((c) => ({ value: c, label: c }))],
    by,
  );

  const checked = new Set(wanted ? wanted.mods : selectedMods());
  const mods = moderatorCandidates(t);
  el.modsList.replaceChildren(
    ...(mods.length === 0
      ? [h("span", { class: "hint" }, "No extra columns to use as moderators.")]
      : mods.map((name, i) => {
          const id = `mod-${i}`;
          return h(
            "div",
            { class: "check" },
            h("input", {
              type: "checkbox",
              id,
              name: "mods",
              value: name,
              checked: checked.has(name),
            }),
            h("label", { for: id }, name),
          );
        })),
  );
  updatePredictField();
}

/** The Sampling variance control's own hint, as the page gives it. */
const VTYPE_HINT = el.vtypeHint.textContent ?? "";

/** The variance type the measure replaced (RevMan with MD), restored with the SMD. */
let vtypeBeforeReplaced: VarianceTypeName | null = null;

/**
 * The effect-size options of the measure: the sampling variance for SMD (LS, UB, RevMan) and MD
 * (LS, UB), the bias correction for ROM; hidden for the others (the defaults then stand).
 */
function updateEffectSizeControls(): void {
  const next = effectSizeControls({
    measure: el.measure.value as MeasureName,
    vtype: el.vtype.value as VarianceTypeName,
    vtypeBefore: vtypeBeforeReplaced,
  });
  vtypeBeforeReplaced = next.vtypeBefore;
  el.vtypeField.hidden = !next.vtypeShown;
  for (const option of Array.from(el.vtype.options))
    option.disabled = next.disabledVtypes.includes(option.value as VarianceTypeName);
  el.vtype.value = next.vtype;
  // The hint says why the type changed, else what the choices are (the page's own text).
  el.vtypeHint.textContent = next.vtypeHint || VTYPE_HINT;
  el.correctBiasField.hidden = !next.correctBiasShown;
  el.legacySmdhField.hidden = !next.legacySmdhShown;
}

/** The Predictions field shows once a moderator is chosen (the CLI's --predict needs --mods). */
function updatePredictField(): void {
  const by = el.by.value;
  el.predictField.hidden = !selectedMods().some((m) => m !== by);
}

/** The Bootstrap type shows once a number of replicates is entered. */
function updateBootstrapTypeField(): void {
  const text = el.bootstrap.value.trim();
  el.bootstrapTypeField.hidden = text === "" || text === "0";
}

/** GOSH's number of subsets is read (and editable) while its box is ticked. */
function updateGoshField(): void {
  el.goshSubsets.disabled = !el.gosh.checked;
}

/** The method the reader had before the model or measure replaced it (see modelControls). */
let methodBeforeReplaced: MethodName | null = null;

/**
 * Keeps the Model, Publication column, Method and Test controls consistent: the three-level model
 * needs a publication column and takes REML or ML only; Mantel-Haenszel and Peto take event
 * counts and the z test only; the zero-cell controls show for event counts. The hints say why a
 * choice changed.
 */
function updateModelControls(): void {
  const hasPublications =
    table !== null && hasPublicationColumn(table, readPublication(el.cluster.value));
  const next = modelControls({
    model: el.model.value as ModelName,
    method: el.method.value as MethodName,
    hasPublications,
    methodBefore: methodBeforeReplaced,
    ...(table !== null ? { measure: el.measure.value as MeasureName } : {}),
    test: el.test.value as TestName,
  });
  methodBeforeReplaced = next.methodBefore;
  for (const option of Array.from(el.model.options))
    option.disabled = option.value === "three-level" && !next.threeLevelAvailable;
  el.model.value = next.model;
  for (const option of Array.from(el.method.options))
    option.disabled = next.disabledMethods.includes(option.value as MethodName);
  el.method.value = next.method;
  el.modelHint.textContent = next.modelHint;
  el.modelHint.hidden = next.modelHint === "";
  el.methodHint.textContent = next.methodHint;
  el.methodHint.hidden = next.methodHint === "";
  for (const option of Array.from(el.test.options))
    option.disabled = next.disabledTests.includes(option.value as TestName);
  el.test.value = next.test;
  // A hint about a replaced test stays until the next change of these controls.
  if (next.testHint !== "" || next.disabledTests.length === 0) {
    el.testHint.textContent = next.testHint;
    el.testHint.hidden = next.testHint === "";
  }
  el.zeroCells.hidden = !next.zeroCells;
  updateEffectSizeControls();
}

function selectedMods(): string[] {
  return Array.from(el.modsList.querySelectorAll<HTMLInputElement>("input[name=mods]:checked")).map(
    (i) => i.value,
  );
}

function settingsForm(): SettingsForm {
  return {
    measure: el.measure.value,
    method: el.method.value,
    test: el.test.value,
    model: el.model.value,
    cluster: el.cluster.value,
    forestSort: el.forestSort.value,
    add: el.add.value,
    to: el.to.value,
    drop00: el.drop00.value,
    eggerPredictor: el.eggerPredictor.value,
    trimfillEstimator: el.trimfillEstimator.value,
    trimfillSide: el.trimfillSide.value,
    vtype: el.vtype.value,
    correctBias: el.correctBias.checked,
    legacySmdhVariance: el.legacySmdh.checked,
    forestColumns: el.forestColumns.value,
    favoursLeft: el.favoursLeft.value,
    favoursRight: el.favoursRight.value,
    bootstrapType: el.bootstrapType.value,
    predict: el.predict.value,
    by: el.by.value,
    mods: selectedMods(),
    permutations: el.permutations.value,
    bootstrap: el.bootstrap.value,
    gosh: el.gosh.checked,
    goshSubsets: el.goshSubsets.value,
    seed: el.seed.value,
  };
}

/** Shows what is wrong with the resampling inputs (or nothing), marking the controls concerned. */
/** What the settings know of the table: its columns' kinds and levels (to check predictions). */
function settingsContext(): SettingsContext {
  return table ? { columns: describeExtraColumns(table) } : {};
}

function showSettingsErrors(form: SettingsForm, options: { forRun: boolean }): void {
  const shown = settingsErrors(form, options, settingsContext());
  el.settingsErrors.textContent = shown.message;
  el.zeroCellErrors.textContent = shown.zeroCellMessage;
  el.predictErrors.textContent = shown.predictMessage;
  for (const input of [
    el.bootstrap,
    el.permutations,
    el.goshSubsets,
    el.seed,
    el.add,
    el.predict,
    el.forestColumns,
    el.favoursLeft,
    el.favoursRight,
  ]) {
    if (shown.invalid.includes(input.name as keyof SettingsForm))
      input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

/** Whether the message on screen came from a Run press (it then also asks for a count). */
let settingsErrorsForRun = false;
/** The last analysis did not run because a settings value could not be read. */
let analysisBlocked = false;

function currentSettings(options: { forRun: boolean } = { forRun: false }): Settings | null {
  const form = settingsForm();
  settingsErrorsForRun = options.forRun;
  showSettingsErrors(form, options);
  const read = readSettings(form, settingsContext());
  if (!read.ok) return null;
  return withProject(read.settings);
}

/**
 * The settings with what the open project adds: its PRISMA counts (a typed table has no example
 * to take them from) and the options of its project file that have no control here.
 */
function withProject(settings: Settings): Settings {
  const kept = workspace.current.kept.analysis;
  const out = Object.keys(kept).length > 0 ? { ...settings, projectOptions: kept } : settings;
  if (source?.kind === "grid") return { ...out, prisma: workspace.prisma };
  return userPrisma ? { ...out, prisma: userPrisma } : out;
}

/** The settings as the controls read now, without marking errors (for saving, validation). */
function quietSettings(): Settings | null {
  if (pendingSettings) return pendingSettings;
  const read = readSettings(settingsForm(), settingsContext());
  return read.ok ? withProject(read.settings) : null;
}

/**
 * Typing in a resampling field re-checks the form while a message is on screen, so a corrected
 * value clears it at once (and a new mistake replaces it); a clean form is not nagged while typed.
 */
function revalidateSettings(): void {
  if (
    el.settingsErrors.textContent === "" &&
    el.zeroCellErrors.textContent === "" &&
    el.predictErrors.textContent === ""
  )
    return;
  const form = settingsForm();
  showSettingsErrors(form, { forRun: settingsErrorsForRun });
  // An analysis the bad value held back runs once the form reads again.
  if (analysisBlocked && readSettings(form, settingsContext()).ok) analyseSoon();
}

// ---- column mapping -----------------------------------------------------------------------------

function renderColumns(mapping: Partial<Record<InputField, string>>): void {
  const options = [
    { value: "", label: "(not used)" },
    ...headers.map((c) => ({ value: c, label: c })),
  ];
  el.columnsGrid.replaceChildren(
    ...MAPPABLE_FIELDS.map(({ field, label }) => {
      const id = `col-${field}`;
      const select = h("select", { id, "data-field": field });
      fillSelect(select, options, mapping[field] ?? "");
      return h("div", { class: "field" }, h("label", { for: id }, label), select);
    }),
  );
  el.columnsPanel.hidden = false;
}

function columnOverrides(): ColumnOverrides {
  const out: ColumnOverrides = {};
  for (const select of Array.from(
    el.columnsGrid.querySelectorAll<HTMLSelectElement>("select[data-field]"),
  )) {
    out[select.dataset["field"] as InputField] = select.value === "" ? null : select.value;
  }
  return out;
}

// ---- loading data -------------------------------------------------------------------------------

/**
 * Reads a source. A new source is read with the measure the pipeline infers (as the CLI without
 * --measure); if the reader has chosen another measure the table supports, it is read again with
 * that one, since the measure decides which columns and values are required.
 */
async function load(next: Source, columns?: ColumnOverrides, measure?: MeasureName): Promise<void> {
  // A file read replaces a read of the typed table still waiting for typing to pause.
  if (next.kind !== "grid") clearTimeout(readTimer);
  source = next;
  const seq = ++loadSeq;
  const name =
    next.kind === "example"
      ? "the example"
      : next.kind === "grid"
        ? workspace.gridSource(null).fileName
        : next.name;
  setState({ phase: { kind: "parsing", fileName: name } });
  // The reading options as the controls show them now (the CLI's --decimal-comma and --sheet).
  const decimalComma = el.decimalComma.checked;
  const sheet = next.kind === "bytes" && next.sheets.length > 0 ? el.sheet.value : "";
  const read = async (m: MeasureName | undefined): Promise<ParseOutcome> => {
    const request: ParseRequest = {
      ...(columns ? { columns } : {}),
      ...(m ? { measure: m } : {}),
      ...(decimalComma ? { decimalComma } : {}),
      ...(sheet !== "" ? { sheet } : {}),
    };
    try {
      if (next.kind === "grid") {
        // The reader's own column choices only: the rest is detected, as columns come and go.
        const typed: ParseRequest = { ...request, columns: workspace.columns };
        const grid = workspace.gridSource(quietSettings());
        return await interactive<ParseOutcome>((api) => api.parseGrid(grid, typed));
      }
      return next.kind === "example"
        ? await interactive<ParseOutcome>((api) => api.loadExample(request))
        : await interactive<ParseOutcome>((api) => api.parse(next.bytes, next.name, request));
    } catch (error) {
      return {
        ok: false,
        fileName: name,
        problems: errorToProblems(error, name),
        headers: [],
        detected: {},
      };
    }
  };
  let outcome = await read(measure);
  if (outcome.ok && measure === undefined) {
    const inferred = outcome.inferredMeasure;
    const wanted = chooseMeasure(outcome.table, el.measure.value as MeasureName, inferred);
    if (wanted !== inferred) outcome = await read(wanted);
  }
  if (seq !== loadSeq) return; // a newer read (another file, option or column) replaced this one
  // A file's cells go to the grid, where they can be corrected (a re-read replaces them).
  if (next.kind !== "grid" && outcome.grid) {
    workspace.showFile(outcome.grid, {
      reread: next === shownSource,
      prisma: outcome.prisma ?? userPrisma ?? null,
      decimalComma,
    });
    shownSource = next;
  }
  if (!outcome.ok) {
    table = null;
    const hint = next.kind === "bytes" ? sheetHint(next.sheets, sheet) : null;
    setState({
      phase: {
        kind: "problems",
        fileName: outcome.fileName,
        problems: outcome.problems,
        ...(hint ? { hint } : {}),
        ...(next.kind === "grid" ? { typed: true } : {}),
      },
      result: null,
    });
    // The column choices stay editable: a header the reader's file names differently can be mapped.
    if (outcome.headers.length > 0) {
      headers = outcome.headers;
      renderColumns(outcome.detected);
    } else {
      el.columnsPanel.hidden = true;
    }
    // Typing in the grid keeps the keyboard there: the marked cell and the list say what is wrong.
    if (next.kind !== "grid") el.problems.focus();
    return;
  }
  const fresh = table === null || table.source !== outcome.table.source;
  table = outcome.table;
  headers = outcome.headers.length > 0 ? outcome.headers : tableHeaders(outcome.table);
  renderColumns(outcome.detected);
  adaptSettingsToTable(outcome.table, outcome.inferredMeasure);
  // A load the reader asked for (not a re-read after a settings change) brings the results into view.
  if (columns === undefined && measure === undefined && next.kind !== "grid")
    scrollToResults = true;
  if (
    fresh &&
    next.kind === "example" &&
    subgroupCandidates(outcome.table).includes(EXAMPLE_SUBGROUP)
  ) {
    el.by.value = EXAMPLE_SUBGROUP;
  }
  await analyse();
}

/** Re-reads the current source with the chosen columns and measure. */
function reload(): void {
  if (source) void load(source, columnOverrides(), el.measure.value as MeasureName);
}

/** Reads new bytes: lists a workbook's sheets first (the selector starts at the first sheet). */
async function loadBytes(bytes: Uint8Array, name: string): Promise<void> {
  // Counts as a read for load()'s sequence: a slow sheet lookup must not overwrite a newer load.
  const seq = ++loadSeq;
  let sheets: string[] = [];
  if (isWorkbook(name, bytes)) {
    try {
      sheets = await interactive((api) => api.sheetNames(bytes, name));
    } catch {
      sheets = []; // the parse that follows reports an unreadable workbook
    }
  }
  if (seq !== loadSeq) return; // another read started meanwhile
  fillSelect(el.sheet, sheetOptions(sheets), sheets[0] ?? "");
  el.sheetField.hidden = sheets.length === 0;
  await load({ kind: "bytes", bytes, name, sheets });
}

async function loadFile(file: File): Promise<void> {
  // A project file (dropped or chosen as data) opens as a project.
  if (/\.pooled\.json$/i.test(file.name)) {
    await workspace.importFile(file);
    return;
  }
  // Refused from its size, before reading: a file past the pipeline's limit is never parsed.
  const tooLarge = fileSizeProblem(file.name, file.size);
  if (tooLarge) {
    ++loadSeq; // replaces any read under way
    source = null;
    table = null;
    setState({
      phase: { kind: "problems", fileName: file.name, problems: [tooLarge] },
      result: null,
    });
    el.columnsPanel.hidden = true;
    el.problems.focus();
    return;
  }
  await loadBytes(new Uint8Array(await file.arrayBuffer()), file.name);
}

async function analyse(): Promise<void> {
  // A typed table that did not read may read with the new settings (a --by column renamed back).
  if (!table && source?.kind === "grid") {
    readTableSoon();
    return;
  }
  if (!table) return;
  workspace.scheduleSave();
  const settings = currentSettings();
  analysisBlocked = settings === null;
  if (!settings) return;
  const seq = ++analysisSeq;
  const fileName = table.source;
  // A new analysis replaces any resampling result, so its message goes too.
  setState({
    phase: { kind: "analysing", fileName },
    jobMessage: state.job ? state.jobMessage : null,
  });
  let outcome: AnalyzeOutcome;
  try {
    const current = table;
    outcome = await interactive<AnalyzeOutcome>((api) =>
      api.analyze(current, withoutResampling(settings)),
    );
  } catch (error) {
    outcome = {
      ok: false,
      message: String(error),
      problems: errorToProblems(error, fileName),
      cancelled: false,
    };
  }
  if (seq !== analysisSeq) return;
  if (!outcome.ok) {
    setState({ phase: { kind: "failed", fileName, problems: outcome.problems }, result: null });
    return;
  }
  setState({ phase: { kind: "ready", fileName }, result: outcome });
  if (scrollToResults) {
    scrollToResults = false;
    // On a phone the results sit below data and settings: show them once a new table is in.
    if (window.matchMedia("(max-width: 800px)").matches) {
      el.results.scrollIntoView({ block: "start" });
    }
  }
  if (loadClickedAt !== null) {
    const ms = performance.now() - loadClickedAt;
    loadClickedAt = null;
    document.body.dataset["firstResultMs"] = String(Math.round(ms));
  }
}

let analyseTimer: ReturnType<typeof setTimeout> | undefined;
function analyseSoon(): void {
  clearTimeout(analyseTimer);
  analyseTimer = setTimeout(() => void analyse(), 60);
}

// ---- resampling ---------------------------------------------------------------------------------

/**
 * What the analysis shown depends on, the resampling fields aside (they describe the job itself):
 * a finished job belongs to the page while this is unchanged. Comparing settings rather than
 * counting analyses keeps a job whose settings were re-analysed unchanged (a debounced analysis
 * of the very settings the job started with).
 */
function analysisKey(s: Settings): string {
  return JSON.stringify({
    ...s,
    permutations: null,
    bootstrap: null,
    gosh: null,
    seed: null,
    // The bootstrap's kind describes the job, as its seed.
    bootstrapType: null,
    prisma: userPrisma ?? null,
  });
}

async function runResampling(): Promise<void> {
  if (!table || state.job) return;
  const settings = currentSettings({ forRun: true });
  if (!settings) return;
  if (!needsResampling(settings)) {
    el.bootstrap.focus();
    return;
  }
  jobEngine ??= startWorker();
  const id = ++jobSeq;
  const keyAtStart = analysisKey(settings);
  const tableAtStart = table;
  const { task, total, name } = resamplingJob(settings);
  delete document.body.dataset["jobCancel"];
  setState({ job: { id, task, done: 0, total, startedAt: performance.now() }, jobMessage: null });
  const onProgress = Comlink.proxy((p: Progress) => {
    const next = applyProgress(state, id, p);
    if (next !== state) setState(next);
  });
  let outcome: AnalyzeOutcome;
  try {
    outcome = await jobEngine.api.analyzeAsync(table, settings, id, onProgress);
  } catch (error) {
    outcome = {
      ok: false,
      message: String(error),
      problems: errorToProblems(error, table.source),
      cancelled: false,
    };
  }
  // state changed while awaiting (TS cannot see that through setState).
  const job = state.job as AppState["job"];
  if (job?.id !== id) return; // cancelled (and possibly the worker ended) meanwhile
  const elapsed = performance.now() - job.startedAt;
  const now = readSettings(settingsForm(), settingsContext());
  const changed = !now.ok || analysisKey(now.settings) !== keyAtStart || table !== tableAtStart;
  if (outcome.ok && changed) {
    // The reader changed the data or settings meanwhile: this result belongs to the old ones.
    setState({
      job: null,
      jobMessage: `${name} finished, but the data or settings changed meanwhile: run it again for the current ones.`,
    });
  } else if (outcome.ok) {
    setState({
      job: null,
      result: outcome,
      jobMessage: `${name} finished in ${formatDuration(elapsed)}.`,
    });
  } else if (outcome.cancelled) {
    // The engine stopped the computation itself (the stage honoured the cancel).
    document.body.dataset["jobCancel"] = "engine";
    setState({ job: null, jobMessage: "Cancelled." });
  } else {
    setState({
      job: null,
      jobMessage: `Stopped: ${outcome.problems.map((p) => p.expected).join("; ") || outcome.message}`,
    });
  }
}

/**
 * Cancel, at any moment: a resampling job stops (its worker ended if it does not stop at once),
 * and reading or analysing a file stops by ending the interactive engine (a fresh one starts).
 */
function cancel(): void {
  if (state.job) cancelResampling();
  const p = state.phase;
  if (p.kind !== "parsing" && p.kind !== "analysing") return;
  // The answers of what was cancelled are not wanted any more.
  loadSeq++;
  analysisSeq++;
  clearTimeout(analyseTimer);
  restartEngine();
  setState({
    phase: {
      kind: "cancelled",
      fileName: p.fileName,
      stage: p.kind === "parsing" ? "reading" : "analysis",
    },
    result: null,
  });
}

function cancelResampling(): void {
  const job = state.job;
  if (!job || !jobEngine) return;
  const running = jobEngine;
  void running.api.cancel(job.id).catch(() => undefined);
  // If the computation does not stop within a moment, end its worker: the page must not wait.
  setTimeout(() => {
    if (state.job?.id === job.id) {
      running.worker.terminate();
      if (jobEngine === running) jobEngine = null;
      document.body.dataset["jobCancel"] = "worker-ended";
      setState({ job: null, jobMessage: "Cancelled." });
    }
  }, 400);
}

// ---- rendering ----------------------------------------------------------------------------------

function render(): void {
  const view = pageView(state);
  el.status.textContent = view.status;
  document.body.classList.toggle("busy", view.busy);

  const p = state.phase;
  if (view.showProblems && (p.kind === "problems" || p.kind === "failed")) {
    const list = problemList(p.problems, p.fileName);
    el.problemsHeading.textContent =
      p.kind === "failed" ? `The analysis could not run (${p.fileName})` : list.heading;
    el.problemsList.replaceChildren(
      ...list.lines.map((line) =>
        h(
          "li",
          { "data-row": line.row ?? "", "data-column": line.column ?? "" },
          h("strong", {}, `${line.where}: `),
          line.what,
        ),
      ),
    );
    const hint = p.kind === "problems" ? (p.hint ?? "") : "";
    el.problemsHint.textContent = hint;
    el.problemsHint.hidden = hint === "";
    el.problems.hidden = false;
  } else {
    el.problems.hidden = true;
  }

  el.resultsEmpty.hidden = view.showResults || view.showProblems;
  el.resultsBody.hidden = !view.showResults;
  el.resultsBody.classList.toggle("stale", view.stale);
  el.resultsBody.setAttribute("aria-busy", String(view.stale));

  el.run.disabled = !view.canRunResampling;
  el.cancel.disabled = !view.canCancel;
  el.progressRow.classList.toggle("active", view.progress.visible);
  el.progress.max = view.progress.max;
  if (view.progress.fraction === null) el.progress.removeAttribute("value");
  else el.progress.value = state.job ? view.progress.value : view.progress.max;
  el.progress.dataset["done"] = String(state.job?.done ?? 0);
  el.progressLabel.textContent = view.progress.label;

  if (state.result && state.result !== renderedResult) renderResult(state.result);
  // The grid marks the cells of the last read's problems; a read under way leaves them.
  if (p.kind === "problems" || p.kind === "failed") workspace.markProblems(p.problems);
  else if (p.kind === "ready" || p.kind === "empty") workspace.markProblems(NO_PROBLEMS);
}

/** No problems to mark (one array, so that unchanged marks are recognised). */
const NO_PROBLEMS: never[] = [];

let renderedResult: AppState["result"] = null;
let plotFiles = new Map<string, ReportFile>();

function renderResult(result: NonNullable<AppState["result"]>): void {
  renderedResult = result;
  const a = result.analysis;
  // Older engines (a cached worker) may not send the reading scale.
  const reading: ReadingScaleView | null = result.reading ?? null;
  // The three-level model leads when it was asked for (as in the report); else the standard one.
  const summary = summaryView(a, reading, el.measure.value);
  const lead = summary.lead;
  el.estimate.textContent = summary.estimate;
  el.estimate.dataset["estimate"] = String(lead.estimate);
  el.estimate.dataset["ciLower"] = String(lead.ciLower);
  el.estimate.dataset["ciUpper"] = String(lead.ciUpper);
  el.estimate.dataset["measure"] = summary.measure;
  el.estimate.dataset["scale"] = lead.scale ?? "identity";
  el.estimate.dataset["transformedEstimate"] = String(lead.transformed?.estimate ?? "");
  el.estimate.dataset["model"] = lead.threeLevel ? "three-level" : "standard";
  el.estimateAnalysed.textContent = summary.analysed ?? "";
  el.estimateAnalysed.hidden = summary.analysed === null;
  el.modelLine.textContent = summary.model;
  el.heterogeneityLine.replaceChildren(...unbrokenParts(summary.heterogeneity));
  el.tableTestsLine.textContent = summary.tableTests ?? "";
  el.tableTestsLine.hidden = summary.tableTests === null;
  el.robustLine.textContent = summary.robust ?? "";
  el.robustLine.hidden = summary.robust === null;
  el.warnings.replaceChildren(...(a.warnings ?? []).map((w) => h("li", {}, w)));
  const notes = dataNotes(a);
  el.notesPanel.hidden = notes.length === 0;
  el.notesSummary.textContent = `Notes on the data (${notes.length})`;
  el.notes.replaceChildren(...notes.map((n) => h("li", {}, n)));
  el.plain.replaceChildren(
    ...(result.plainLanguage.length > 0
      ? result.plainLanguage.flatMap((section) => [
          h("h4", {}, section.heading),
          h("p", {}, section.text),
        ])
      : [h("p", { class: "hint" }, "The plain-language summary is not available in this build.")]),
  );
  renderPlots(result.files);
  renderDependence(a, reading);
  renderTables(resultTables(a, reading));
  renderExports(result.files);
}

/**
 * A "Lead: a = 1 [0, 2]; b = 3" line as text whose parts ("a = 1 [0, 2]") do not break inside, so
 * a statistic and its interval wrap together; the text is unchanged.
 */
function unbrokenParts(line: string): (Node | string)[] {
  const colon = line.indexOf(": ");
  const lead = colon >= 0 ? line.slice(0, colon + 2) : "";
  const rest = colon >= 0 ? line.slice(colon + 2) : line;
  const out: (Node | string)[] = lead === "" ? [] : [lead];
  rest.split("; ").forEach((part, i) => {
    if (i > 0) out.push("; ");
    out.push(h("span", { class: "nowrap" }, part));
  });
  return out;
}

function renderPlots(files: ReportFile[]): void {
  const tabs = plotTabs(files);
  plotFiles = new Map(tabs.map((t) => [t.id, files.find((f) => f.name === t.file)!]));
  if (!tabs.some((t) => t.id === activePlot)) activePlot = tabs[0]?.id ?? "forest";
  el.plotTabs.replaceChildren(
    ...tabs.map((t) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `tab-${t.id}`,
          "aria-controls": `panel-${t.id}`,
          "aria-selected": String(t.id === activePlot),
          tabindex: t.id === activePlot ? 0 : -1,
          "data-plot": t.id,
        },
        t.label,
      ),
    ),
  );
  el.plotPanels.replaceChildren(...tabs.map((t) => plotPanel(t)));
  const hasPlots = tabs.length > 0;
  el.exportSvg.disabled = !hasPlots;
  el.exportPng.disabled = !hasPlots;
  el.plotSize.disabled = !hasPlots;
  if (!hasPlots)
    el.plotPanels.replaceChildren(h("p", { class: "hint" }, "No plots in this build."));
  updatePlotLink();
}

/** The object URL behind "Open full size" (the active plot's SVG), revoked when replaced. */
let plotUrl: string | null = null;

/**
 * Points "Open full size" at the active plot's SVG as a blob: URL, which the browser shows in a
 * tab of its own at its drawn size (the page's CSP allows blob: images; the SVG has no scripts).
 */
function updatePlotLink(): void {
  if (plotUrl) URL.revokeObjectURL(plotUrl);
  plotUrl = null;
  const file = plotFiles.get(activePlot);
  if (!file) {
    el.plotOpen.removeAttribute("href");
    el.plotOpen.hidden = true;
    return;
  }
  plotUrl = URL.createObjectURL(new Blob([file.content], { type: "image/svg+xml" }));
  el.plotOpen.href = plotUrl;
  el.plotOpen.hidden = false;
  el.plotOpen.dataset["plot"] = activePlot;
}

/** Fit to the panel (default) or the drawn size, scrolling sideways: one toggle for all plots. */
function setPlotSize(actual: boolean): void {
  el.plotSize.setAttribute("aria-pressed", String(actual));
  el.plotPanels.classList.toggle("actual", actual);
  el.plotPanels.classList.toggle("fit", !actual);
}

function plotPanel(tab: PlotTab): HTMLElement {
  const file = plotFiles.get(tab.id);
  const panel = h("div", {
    role: "tabpanel",
    id: `panel-${tab.id}`,
    "aria-labelledby": `tab-${tab.id}`,
    class: "plot-panel",
    hidden: tab.id !== activePlot,
    tabindex: 0,
  });
  const svg = file ? parseSvg(file.content) : null;
  if (svg) {
    if (tab.id === "forest") svg.setAttribute("data-testid", "forest-plot");
    if (!svg.getAttribute("role")) svg.setAttribute("role", "img");
    if (!svg.getAttribute("aria-label") && !svg.querySelector("title"))
      svg.setAttribute("aria-label", `${tab.label} plot`);
    panel.append(svg);
  } else {
    panel.append(
      h("p", { class: "problems" }, `The ${tab.label.toLowerCase()} plot could not be shown.`),
    );
  }
  return panel;
}

function selectPlot(id: string, focus: boolean): void {
  activePlot = id;
  for (const tab of Array.from(el.plotTabs.querySelectorAll<HTMLButtonElement>("[role=tab]"))) {
    const selected = tab.dataset["plot"] === id;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    if (selected && focus) tab.focus();
  }
  for (const panel of Array.from(el.plotPanels.querySelectorAll<HTMLElement>("[role=tabpanel]"))) {
    panel.hidden = panel.id !== `panel-${id}`;
  }
  updatePlotLink();
}

function tableElement(t: TableView): HTMLElement {
  const sortable = t.sortValues !== undefined;
  const bodyRows = t.rows.map((r, ri) =>
    h(
      "tr",
      { ...(t.rowAttributes?.[ri] ?? {}), "data-index": sortable ? ri : null },
      ...r.map((c, i) =>
        i === 0
          ? h("th", { scope: "row" }, c)
          : h("td", { class: t.textColumns?.includes(i) ? "text" : null }, c),
      ),
    ),
  );
  const tbody = h("tbody", {}, ...bodyRows);
  const headerCells = t.headers.map((c, i) =>
    sortable
      ? h(
          "th",
          {
            scope: "col",
            "aria-sort": "none",
            class: t.textColumns?.includes(i) ? "text" : null,
          },
          h("button", { type: "button", class: "sort", "data-column": i }, c),
        )
      : h("th", { scope: "col", class: t.textColumns?.includes(i) ? "text" : null }, c),
  );
  const table = h(
    "table",
    { id: `table-${t.id}`, class: t.compact ? "compact" : null },
    h("caption", {}, t.caption),
    h("thead", {}, h("tr", {}, ...headerCells)),
    tbody,
  );
  if (sortable && t.sortValues) {
    const values = t.sortValues;
    let column = -1;
    let direction: SortDirection = "none";
    table.tHead?.addEventListener("click", (e) => {
      const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-column]");
      if (!button) return;
      const clicked = Number(button.dataset["column"]);
      direction = nextSort(values, clicked, clicked === column ? direction : "none");
      column = clicked;
      headerCells.forEach((th, i) => {
        th.setAttribute("aria-sort", i === column ? direction : "none");
      });
      tbody.replaceChildren(...sortedRows(values, column, direction).map((i) => bodyRows[i]!));
    });
  }
  const wrap = h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": t.caption },
    table,
  );
  const note = t.note ? h("p", { class: "table-note", id: `note-${t.id}` }, t.note) : null;
  if (!t.collapsed) {
    if (!note) return wrap;
    return h("div", { class: "table-block" }, wrap, note);
  }
  return h(
    "details",
    { class: "table-details" },
    h("summary", {}, `${t.caption} (${t.rows.length} rows)`),
    wrap,
    note,
  );
}

/** The Dependence section: shown whenever the analysis has the three-level model. */
function renderDependence(a: AnalysisView, reading: ReadingScaleView | null): void {
  const view = dependenceView(a, reading);
  el.dependence.hidden = view === null;
  if (!view) {
    el.dependenceLead.textContent = "";
    el.dependenceNotes.replaceChildren();
    el.dependenceTables.replaceChildren();
    return;
  }
  el.dependenceLead.textContent = view.lead;
  el.dependenceNotes.replaceChildren(...view.notes.map((n) => h("li", {}, n)));
  el.dependenceTables.replaceChildren(...view.tables.map(tableElement));
}

function renderTables(tables: TableView[]): void {
  el.tables.replaceChildren(...tables.map(tableElement));
}

function renderExports(files: ReportFile[]): void {
  el.exports.replaceChildren(
    ...exportGroups(files).map((g) =>
      h(
        "div",
        { class: "export-group" },
        h("span", { class: "export-label" }, g.label),
        ...g.files.map((f) =>
          h(
            "button",
            { type: "button", class: "button small", "data-file": f.name },
            baseName(f.name),
          ),
        ),
      ),
    ),
  );
}

function exportFile(name: string): void {
  const file = state.result?.files.find((f) => f.name === name);
  if (file) downloadText(file.content, baseName(file.name), file.mime);
}

async function exportPlot(kind: "svg" | "png"): Promise<void> {
  const file = plotFiles.get(activePlot);
  if (!file) return;
  const name = baseName(file.name).replace(/\.svg$/i, "");
  if (kind === "svg") {
    downloadText(file.content, `${name}.svg`, "image/svg+xml");
    return;
  }
  try {
    downloadBlob(await svgToPng(file.content), `${name}.png`);
  } catch (error) {
    el.status.textContent = `PNG export failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

// ---- events -------------------------------------------------------------------------------------

function wireEvents(): void {
  el.plotSize.after(el.plotOpen);
  byId("load-example").addEventListener("click", () => {
    loadClickedAt = performance.now();
    el.sheetField.hidden = true;
    void load({ kind: "example" });
  });
  // A reading option re-reads the current source: the decimal mark keeps the column choices; a
  // new sheet has headers of its own, so its columns are detected afresh.
  el.decimalComma.addEventListener("change", () => {
    if (source) void load(source, el.columnsPanel.hidden ? undefined : columnOverrides());
  });
  el.sheet.addEventListener("change", () => {
    if (source?.kind === "bytes") void load(source);
  });
  const fileInput = byId<HTMLInputElement>("file-input");
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) void loadFile(file);
    fileInput.value = "";
  });
  const drop = byId("drop-zone");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    const file = e.dataTransfer?.files[0];
    if (file) void loadFile(file);
  });
  // Dropping anywhere on the page should not navigate away from it.
  window.addEventListener("dragover", (e) => e.preventDefault());
  window.addEventListener("drop", (e) => e.preventDefault());

  const prismaInput = byId<HTMLInputElement>("prisma-input");
  prismaInput.addEventListener("change", async () => {
    const file = prismaInput.files?.[0];
    const status = byId("prisma-status");
    if (!file) return;
    const text = await file.text();
    const read = await interactive((api) => api.readPrisma(text, file.name));
    if (read.counts) {
      userPrisma = read.counts;
      workspace.setPrisma(read.counts);
      status.replaceChildren(`Using the counts in ${file.name}.`);
      analyseSoon();
    } else {
      const list = problemList(read.problems, file.name);
      status.replaceChildren(
        h("strong", {}, list.heading.replace(": nothing was analysed", "")),
        h("ul", {}, ...list.lines.map((l) => h("li", {}, `${l.where}: ${l.what}`))),
      );
    }
  });

  byId("paste-go").addEventListener("click", () => {
    const text = byId<HTMLTextAreaElement>("paste-area").value;
    if (text.trim() === "") return;
    const name = text.includes("\t") ? "pasted.tsv" : "pasted.csv";
    void loadBytes(new TextEncoder().encode(text), name);
  });

  for (const select of [
    el.test,
    el.forestSort,
    el.to,
    el.drop00,
    el.eggerPredictor,
    el.trimfillEstimator,
    el.trimfillSide,
    el.vtype,
  ])
    select.addEventListener("change", analyseSoon);
  el.by.addEventListener("change", () => {
    updatePredictField();
    analyseSoon();
  });
  // A type the reader chooses replaces any note about one the measure replaced.
  el.vtype.addEventListener("change", () => {
    el.vtypeHint.textContent = VTYPE_HINT;
  });
  for (const control of [
    el.correctBias,
    el.legacySmdh,
    el.forestColumns,
    el.favoursLeft,
    el.favoursRight,
  ])
    control.addEventListener("change", analyseSoon);
  el.add.addEventListener("change", analyseSoon);
  el.predict.addEventListener("change", analyseSoon);
  // Enter in a text field analyses with it (rather than submitting the form: Run resampling).
  for (const field of [el.predict, el.forestColumns, el.favoursLeft, el.favoursRight])
    field.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      analyseSoon();
    });
  el.bootstrap.addEventListener("input", updateBootstrapTypeField);
  for (const select of [el.model, el.cluster, el.measure, el.method]) {
    select.addEventListener("change", () => {
      updateModelControls();
      analyseSoon();
    });
  }
  el.modsList.addEventListener("change", () => {
    updatePredictField();
    analyseSoon();
  });
  el.columnsGrid.addEventListener("change", reload);
  for (const input of [el.bootstrap, el.permutations, el.goshSubsets, el.seed, el.add, el.predict])
    input.addEventListener("input", revalidateSettings);
  // GOSH is a resampling job: ticking it changes no analysis, only what Run will do.
  el.gosh.addEventListener("change", () => {
    updateGoshField();
    revalidateSettings();
  });
  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    void runResampling();
  });
  el.cancel.addEventListener("click", cancel);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && pageView(state).canCancel) cancel();
  });

  el.plotTabs.addEventListener("click", (e) => {
    const tab = (e.target as HTMLElement).closest<HTMLElement>("[role=tab]");
    if (tab?.dataset["plot"]) selectPlot(tab.dataset["plot"], false);
  });
  el.plotTabs.addEventListener("keydown", (e) => {
    const tabs = Array.from(el.plotTabs.querySelectorAll<HTMLElement>("[role=tab]"));
    const i = tabs.findIndex((t) => t.dataset["plot"] === activePlot);
    let j = i;
    if (e.key === "ArrowRight") j = (i + 1) % tabs.length;
    else if (e.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = tabs.length - 1;
    else return;
    e.preventDefault();
    const id = tabs[j]?.dataset["plot"];
    if (id) selectPlot(id, true);
  });
  el.plotSize.addEventListener("click", () =>
    setPlotSize(el.plotSize.getAttribute("aria-pressed") !== "true"),
  );
  el.exportSvg.addEventListener("click", () => void exportPlot("svg"));
  el.exportPng.addEventListener("click", () => void exportPlot("png"));
  el.exports.addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest<HTMLElement>("[data-file]");
    if (button?.dataset["file"]) exportFile(button.dataset["file"]);
  });
}

/** A worker that fails to start (e.g. a broken build) must show on the page, not only in the console. */
function watchEngine(worker: Worker): void {
  worker.addEventListener("error", (e) => {
    setState({
      phase: {
        kind: "failed",
        fileName: "the page",
        problems: [
          {
            file: "the page",
            row: null,
            column: null,
            expected: `the statistics engine to start, but it failed: ${e.message || "unknown error"}`,
          },
        ],
      },
    });
  });
}

// ---- the workspace: the grid, the project kept in the browser ----------------------------------

/** An opened project's settings, waiting for its table (by, mods, publication need its columns). */
let pendingSettings: Settings | null = null;
/** The file whose cells the grid shows: a re-read of it (sheet, decimal comma) replaces them. */
let shownSource: Source | null = null;
let readTimer: ReturnType<typeof setTimeout> | undefined;

/** Reads the typed table once typing pauses (each edit restarts the wait). */
function readTableSoon(): void {
  clearTimeout(readTimer);
  readTimer = setTimeout(readTable, 250);
}

/** Reads and analyses the grid's table; an empty table empties the page instead. */
function readTable(): void {
  clearTimeout(readTimer);
  if (!workspace.hasData()) {
    loadSeq++;
    analysisSeq++;
    source = null;
    table = null;
    el.columnsPanel.hidden = true;
    setState({ phase: { kind: "empty" }, result: null });
    return;
  }
  source = { kind: "grid" };
  el.sheetField.hidden = true;
  const measure = el.measure.value === "" ? undefined : (el.measure.value as MeasureName);
  void load(source, undefined, measure);
}

/** Puts an opened project's settings into the controls (its columns' ones once its table reads). */
function showProjectSettings(project: WorkspaceProject, measureGiven: boolean): void {
  const s = project.settings ?? DEFAULT_SETTINGS;
  // No measure named: the one the table implies, as the CLI infers it.
  el.measure.value = project.settings && measureGiven ? s.measure : "";
  el.method.value = s.method;
  el.test.value = s.test;
  el.model.value = s.model;
  el.forestSort.value = s.forestSort ?? "input";
  el.add.value = String(s.add);
  el.to.value = s.to;
  el.drop00.value = drop00Value(s.drop00);
  el.eggerPredictor.value = s.eggerPredictor;
  el.trimfillEstimator.value = s.trimfillEstimator;
  el.trimfillSide.value = s.trimfillSide ?? "";
  el.vtype.value = s.vtype;
  el.correctBias.checked = s.correctBias;
  el.legacySmdh.checked = s.legacySmdhVariance === true;
  el.forestColumns.value = (s.forestColumns ?? []).join(", ");
  el.favoursLeft.value = s.favours?.[0] ?? "";
  el.favoursRight.value = s.favours?.[1] ?? "";
  el.bootstrapType.value = s.bootstrapType;
  el.predict.value = predictionsText(s.predict);
  el.permutations.value = s.permutations === null ? "" : String(s.permutations);
  el.bootstrap.value = s.bootstrap === null ? "" : String(s.bootstrap);
  el.gosh.checked = s.gosh !== null;
  el.goshSubsets.value = (s.gosh ?? DEFAULT_GOSH_SUBSETS).toLocaleString("en");
  el.seed.value = String(s.seed);
  el.decimalComma.checked = project.decimalComma;
  userPrisma = project.prisma ?? undefined;
  byId("prisma-status").textContent = project.prisma ? "Using the project's PRISMA counts." : "";
  pendingSettings = s;
  shownSource = null;
  updateBootstrapTypeField();
  updateGoshField();
}

const workspace = new Workspace({
  readSettings: quietSettings,
  showSettings: showProjectSettings,
  tableChanged: readTableSoon,
  projectOpened: readTable,
  untouchedPage: () => source === null,
  showProblems(fileName, problems) {
    loadSeq++;
    setState({ phase: { kind: "problems", fileName, problems }, result: null });
    el.problems.focus();
  },
  exportProject: (draft) => interactive<ProjectExport>((api) => api.exportProject(draft)),
  importProject: (text, fileName) =>
    interactive<ProjectImport>((api) => api.importProject(text, fileName)),
});

// The reader's own choices are the project's: captured before the re-read they start.
el.columnsGrid.addEventListener(
  "change",
  (e) => {
    const select = e.target as HTMLSelectElement;
    const field = select.dataset["field"];
    if (field) workspace.setColumn(field, select.value === "" ? null : select.value);
  },
  { capture: true },
);
el.decimalComma.addEventListener("change", () =>
  workspace.setDecimalComma(el.decimalComma.checked),
);
// Every settings control saves the project (a count typed for a later run included).
el.form.addEventListener("input", () => workspace.scheduleSave());
el.form.addEventListener("change", () => workspace.scheduleSave());
// A problem in the list takes the reader to its cell.
el.problemsList.addEventListener("click", (e) => {
  const item = (e.target as HTMLElement).closest<HTMLElement>("li[data-row]");
  if (!item) return;
  const row = item.dataset["row"] === "" ? null : Number(item.dataset["row"]);
  workspace.goToProblem(row, item.dataset["column"] || null);
});

watchEngine(engine.worker);

initSettingsControls();
wireEvents();
render();
void workspace.start();
// Compile the WASM core while the reader looks at the page.
void engine.api.warmUp().then((ms) => {
  document.body.dataset["warmUpMs"] = String(Math.round(ms));
});
document.body.dataset["ready"] = "true";
