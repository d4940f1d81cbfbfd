/**
 * Resampling (permutations, bootstrap, GOSH) on a worker of its own: Run starts a job, its
 * progress shows under the form, and Cancel (or Escape) stops it, or stops reading or analysing
 * a file by ending the interactive engine.
 */
import * as Comlink from "comlink";
import type { AnalyzeOutcome, Progress, Settings } from "../api.js";
import { store } from "../store.js";
import { formatDuration } from "../view/format.js";
import { errorToProblems } from "../view/problems.js";
import { needsResampling, readSettings } from "../view/settings.js";
import { applyProgress, type PageView, pageView, resamplingJob } from "../view/state.js";
import { supersedeLoads } from "./data.js";
import { el } from "./elements.js";
import { type EngineWorker, restartEngine, startWorker } from "./engines.js";
import { dropPendingAnalysis, supersedeAnalyses } from "./results.js";
import { currentSettings, settingsContext, settingsForm } from "./settings.js";

/** Resampling runs in its own worker, so the page and fast analyses stay responsive, and a cancel
 * that the computation does not notice in time can end the worker outright. */
let jobEngine: EngineWorker | null = null;
/** Counts jobs: progress and answers of a job that is no longer current are ignored. */
let jobSeq = 0;

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
    prisma: store.get().userPrisma ?? null,
  });
}

/**
 * Run: the resampling job of the settings as the controls read now, on the job worker. Its
 * result replaces the one shown only while the data and settings are those it started with.
 */
async function runResampling(): Promise<void> {
  const { table, job: current } = store.get();
  if (!table || current) return;
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
  store.update({
    job: { id, task, done: 0, total, startedAt: performance.now() },
    jobMessage: null,
  });
  const onProgress = Comlink.proxy((p: Progress) => {
    const state = store.get();
    const next = applyProgress(state, id, p);
    if (next !== state) store.update({ job: next.job });
  });
  let outcome: AnalyzeOutcome;
  try {
    outcome = await jobEngine.api.analyzeAsync(table, settings, id, onProgress);
  } catch (error) {
    outcome = {
      ok: false,
      message: String(error),
      // The table now (the reader may have read another meanwhile), as the messages name it.
      problems: errorToProblems(error, store.get().table!.source),
      cancelled: false,
    };
  }
  const { job } = store.get();
  if (job?.id !== id) return; // cancelled (and possibly the worker ended) meanwhile
  const elapsed = performance.now() - job.startedAt;
  const now = readSettings(settingsForm(), settingsContext());
  const changed =
    !now.ok || analysisKey(now.settings) !== keyAtStart || store.get().table !== tableAtStart;
  if (outcome.ok && changed) {
    // The reader changed the data or settings meanwhile: this result belongs to the old ones.
    store.update({
      job: null,
      jobMessage: `${name} finished, but the data or settings changed meanwhile: run it again for the current ones.`,
    });
  } else if (outcome.ok) {
    store.update({
      job: null,
      result: outcome,
      jobMessage: `${name} finished in ${formatDuration(elapsed)}.`,
    });
  } else if (outcome.cancelled) {
    // The engine stopped the computation itself (the stage honoured the cancel).
    document.body.dataset["jobCancel"] = "engine";
    store.update({ job: null, jobMessage: "Cancelled." });
  } else {
    store.update({
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
  const { job, phase: p } = store.get();
  if (job) cancelResampling();
  if (p.kind !== "parsing" && p.kind !== "analysing") return;
  // The answers of what was cancelled are not wanted any more.
  supersedeLoads();
  supersedeAnalyses();
  dropPendingAnalysis();
  restartEngine();
  store.update({
    phase: {
      kind: "cancelled",
      fileName: p.fileName,
      stage: p.kind === "parsing" ? "reading" : "analysis",
    },
    result: null,
  });
}

function cancelResampling(): void {
  const { job } = store.get();
  if (!job || !jobEngine) return;
  const running = jobEngine;
  void running.api.cancel(job.id).catch(() => undefined);
  // If the computation does not stop within a moment, end its worker: the page must not wait.
  setTimeout(() => {
    if (store.get().job?.id === job.id) {
      running.worker.terminate();
      if (jobEngine === running) jobEngine = null;
      document.body.dataset["jobCancel"] = "worker-ended";
      store.update({ job: null, jobMessage: "Cancelled." });
    }
  }, 400);
}

/** Run and Cancel, and the progress bar with its line. */
export function renderProgress(view: PageView): void {
  const { job } = store.get();
  el.run.disabled = !view.canRunResampling;
  el.cancel.disabled = !view.canCancel;
  el.progressRow.classList.toggle("active", view.progress.visible);
  el.progress.max = view.progress.max;
  if (view.progress.fraction === null) el.progress.removeAttribute("value");
  else el.progress.value = job ? view.progress.value : view.progress.max;
  el.progress.dataset["done"] = String(job?.done ?? 0);
  el.progressLabel.textContent = view.progress.label;
}

export function wireResamplingPanel(): void {
  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    void runResampling();
  });
  el.cancel.addEventListener("click", cancel);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && pageView(store.get()).canCancel) cancel();
  });
}
