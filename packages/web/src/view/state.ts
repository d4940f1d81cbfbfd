/**
 * The page's state and what follows from it: which panels show, the status line, the progress bar.
 * Pure functions so the rules can be unit-tested without a browser.
 */
import type { DataProblem } from "@pooled/pipeline";
import type { AnalyzeOutcome, Progress, Settings } from "../api.js";
import { formatDuration } from "./format.js";

export type Phase =
  | { kind: "empty" }
  | { kind: "parsing"; fileName: string }
  | {
      kind: "problems";
      fileName: string;
      problems: DataProblem[];
      /** Advice about the reading options (e.g. another sheet), shown above the list. */
      hint?: string;
      /** The problems are in the table typed on the page (fixed there, not by loading a file). */
      typed?: boolean;
    }
  | { kind: "analysing"; fileName: string }
  | { kind: "ready"; fileName: string }
  | { kind: "failed"; fileName: string; problems: DataProblem[] }
  /** The reader cancelled reading or analysing a file (its engine worker was ended). */
  | { kind: "cancelled"; fileName: string; stage: "reading" | "analysis" };

export interface JobState {
  id: number;
  task: string;
  done: number;
  total: number;
  startedAt: number;
}

export interface AppState {
  phase: Phase;
  /** The last successful analysis (kept while a new one runs, so the page never blanks). */
  result: Extract<AnalyzeOutcome, { ok: true }> | null;
  /** A running permutation or bootstrap job. */
  job: JobState | null;
  /** The last resampling run's outcome message ("Bootstrap finished", "Cancelled"). */
  jobMessage: string | null;
}

export const INITIAL_STATE: AppState = {
  phase: { kind: "empty" },
  result: null,
  job: null,
  jobMessage: null,
};

export interface ProgressView {
  visible: boolean;
  /** 0..1, or null when the total is not known yet. */
  fraction: number | null;
  value: number;
  max: number;
  label: string;
}

export interface PageView {
  status: string;
  busy: boolean;
  showProblems: boolean;
  showResults: boolean;
  /** Results on screen belong to settings that are being recomputed. */
  stale: boolean;
  canExport: boolean;
  canRunResampling: boolean;
  /** Cancel works at any moment something runs: reading, the analysis, a resampling job. */
  canCancel: boolean;
  progress: ProgressView;
}

export function progressView(job: JobState | null, message: string | null): ProgressView {
  if (!job) {
    return {
      visible: message !== null,
      fraction: message ? 1 : null,
      value: 0,
      max: 1,
      label: message ?? "",
    };
  }
  const known = job.total > 0;
  const fraction = known ? Math.min(1, job.done / job.total) : null;
  const stage = stageLabel(job.task);
  const label = known
    ? `${stage}: ${job.done.toLocaleString("en")} of ${job.total.toLocaleString("en")} (${Math.floor((fraction ?? 0) * 100)}%)`
    : `${stage}: starting…`;
  return {
    visible: true,
    fraction,
    value: known ? job.done : 0,
    max: known ? job.total : 1,
    label,
  };
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/**
 * The progress line's name of each resampling stage the pipeline reports (its
 * AnalysisProgress stages); a stage not listed shows as reported, capitalised.
 */
export const STAGE_LABELS: Readonly<Record<string, string>> = {
  permutation: "Permutations",
  "regression-permutation": "Permutations (meta-regression)",
  bootstrap: "Bootstrap",
  "multilevel-permutation": "Permutations (three-level model)",
  "multilevel-regression-permutation": "Permutations (three-level meta-regression)",
  "multilevel-bootstrap": "Bootstrap (three-level model)",
  gosh: "GOSH subsets",
};

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? capitalise(stage);
}

/**
 * A resampling job as it starts: its first stage in the pipeline's order (permutations, the
 * bootstrap, GOSH) with that stage's total when known (GOSH's comes with its first report: every
 * subset may be fewer than asked), and its name for the message when it ends.
 */
export function resamplingJob(settings: Settings): { task: string; total: number; name: string } {
  const parts: string[] = [];
  if (settings.permutations !== null) parts.push("permutation test");
  if (settings.bootstrap !== null) parts.push("bootstrap");
  if (settings.gosh !== null) parts.push("GOSH");
  const list =
    parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  const name = capitalise(list);
  if (settings.permutations !== null)
    return {
      task: "permutation",
      total: typeof settings.permutations === "number" ? settings.permutations : 0,
      name,
    };
  if (settings.bootstrap !== null) return { task: "bootstrap", total: settings.bootstrap, name };
  return { task: "gosh", total: 0, name };
}

export function pageView(state: AppState): PageView {
  const p = state.phase;
  const hasResult = state.result !== null;
  let status: string;
  switch (p.kind) {
    case "empty":
      status =
        "Load a data file, type or paste your studies into the table, or load the example to start.";
      break;
    case "parsing":
      status = `Reading ${p.fileName}…`;
      break;
    case "problems": {
      const n = p.problems.length;
      const it = n === 1 ? "it" : "them";
      status = `${p.fileName} has ${n} ${n === 1 ? "problem" : "problems"}; ${p.typed ? `the cells are marked in the table: correct ${it} there` : `see the list under Results, fix ${it} and load the file again`}.`;
      break;
    }
    case "analysing":
      status = `Analysing ${p.fileName}…`;
      break;
    case "ready":
      status = state.result
        ? `${p.fileName}: ${state.result.analysis.model.k} studies analysed in ${formatDuration(state.result.elapsedMs)}.`
        : `${p.fileName} loaded.`;
      break;
    case "failed":
      status = `The analysis of ${p.fileName} stopped: see the problems listed.`;
      break;
    case "cancelled":
      status = `Cancelled ${p.stage === "reading" ? "reading" : "the analysis of"} ${p.fileName}. Load a file, or change a setting to analyse it again.`;
      break;
  }
  // A re-read or re-analysis keeps the previous result on screen (marked stale): no blank flash.
  const recomputing = p.kind === "parsing" || p.kind === "analysing";
  const showResults = hasResult && (p.kind === "ready" || recomputing);
  return {
    status,
    busy: p.kind === "parsing" || p.kind === "analysing",
    showProblems: p.kind === "problems" || p.kind === "failed",
    showResults,
    stale: recomputing && hasResult,
    canExport: showResults && p.kind === "ready",
    canRunResampling: p.kind === "ready" && state.job === null,
    canCancel: state.job !== null || recomputing,
    progress: progressView(state.job, state.jobMessage),
  };
}

/** Applies a progress report, ignoring reports from a job that is no longer current. */
export function applyProgress(state: AppState, jobId: number, progress: Progress): AppState {
  if (!state.job || state.job.id !== jobId) return state;
  // Progress only moves forward within a stage (reports from parallel shards may arrive out of
  // order); the next stage (e.g. GOSH after the bootstrap) starts from its own count.
  const done =
    progress.task === state.job.task ? Math.max(state.job.done, progress.done) : progress.done;
  return { ...state, job: { ...state.job, task: progress.task, done, total: progress.total } };
}
