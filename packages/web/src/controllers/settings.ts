/**
 * The Settings panel: fills its controls, adapts them to a newly read table and to each other
 * (the model, method, test and measure rules of view/settings.ts), reads them into Settings, says
 * what is wrong with them, and puts an opened project's settings into them.
 */
import type { StudyTable } from "@pooled/pipeline";
import type {
  MeasureName,
  MethodName,
  ModelName,
  Settings,
  TestName,
  VarianceTypeName,
} from "../api.js";
import { byId, fillSelect, h } from "../dom.js";
import { store } from "../store.js";
import { MEASURE_LABELS } from "../view/format.js";
import type { WorkspaceProject } from "../view/project.js";
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
  VTYPE_LABELS,
  VTYPES,
  ZERO_CELL_RULE_LABELS,
  ZERO_CELL_RULES,
} from "../view/settings.js";
import { el } from "./elements.js";
import { analyseSoon, analysisBlocked } from "./results.js";
import { workspace } from "./workspace.js";

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

export function initSettingsControls(): void {
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
export function adaptSettingsToTable(t: StudyTable, inferred: MeasureName): void {
  const available = new Set(availableMeasures(t));
  for (const option of Array.from(el.measure.options)) {
    option.disabled = !available.has(option.value as Settings["measure"]);
  }
  el.measure.value = chooseMeasure(t, el.measure.value as Settings["measure"], inferred);
  // An opened project's choices of columns, which have options only now that its table is read.
  const wanted = store.get().pendingSettings;
  store.update({ pendingSettings: null });

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
export function updatePredictField(): void {
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
export function updateModelControls(): void {
  const { table } = store.get();
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

export function settingsForm(): SettingsForm {
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

/** What the settings know of the table: its columns' kinds and levels (to check predictions). */
export function settingsContext(): SettingsContext {
  const { table } = store.get();
  return table ? { columns: describeExtraColumns(table) } : {};
}

/** Shows what is wrong with the resampling inputs (or nothing), marking the controls concerned. */
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

/**
 * The settings as the controls read now, with what is wrong shown under them (a Run press also
 * asks for a count); null when a value cannot be read.
 */
export function currentSettings(options: { forRun: boolean } = { forRun: false }): Settings | null {
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
  const { source, userPrisma } = store.get();
  if (source?.kind === "grid") return { ...out, prisma: workspace.prisma };
  return userPrisma ? { ...out, prisma: userPrisma } : out;
}

/** The settings as the controls read now, without marking errors (for saving, validation). */
export function quietSettings(): Settings | null {
  const { pendingSettings } = store.get();
  if (pendingSettings) return pendingSettings;
  const read = readSettings(settingsForm(), settingsContext());
  return read.ok ? withProject(read.settings) : null;
}

/**
 * Typing in a resampling field re-checks the form while a message is on screen, so a corrected
 * value clears it at once (and a new mistake replaces it); a clean form is not nagged while typed.
 */
export function revalidateSettings(): void {
  if (
    el.settingsErrors.textContent === "" &&
    el.zeroCellErrors.textContent === "" &&
    el.predictErrors.textContent === ""
  )
    return;
  const form = settingsForm();
  showSettingsErrors(form, { forRun: settingsErrorsForRun });
  // An analysis the bad value held back runs once the form reads again.
  if (analysisBlocked() && readSettings(form, settingsContext()).ok) analyseSoon();
}

/** Puts an opened project's settings into the controls (its columns' ones once its table reads). */
export function showProjectSettings(project: WorkspaceProject, measureGiven: boolean): void {
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
  store.update({ userPrisma: project.prisma ?? undefined });
  byId("prisma-status").textContent = project.prisma ? "Using the project's PRISMA counts." : "";
  store.update({ pendingSettings: s, shownSource: null });
  updateBootstrapTypeField();
  updateGoshField();
}

/** The Settings panel's events: a change of the analysis re-analyses, a resampling field re-checks. */
export function wireSettingsPanel(): void {
  wireAnalysisControls();
  wireFieldChecks();
}

/** Controls that change the analysis: it runs again shortly after (see analyseSoon). */
function wireAnalysisControls(): void {
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
}

/**
 * Typing in a field that can hold a wrong value re-checks the form (see revalidateSettings); the
 * GOSH box changes what Run will do.
 */
function wireFieldChecks(): void {
  for (const input of [el.bootstrap, el.permutations, el.goshSubsets, el.seed, el.add, el.predict])
    input.addEventListener("input", revalidateSettings);
  // GOSH is a resampling job: ticking it changes no analysis, only what Run will do.
  el.gosh.addEventListener("change", () => {
    updateGoshField();
    revalidateSettings();
  });
}
