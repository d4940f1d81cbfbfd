/**
 * The one place that knows the pipeline's analysis and report functions. Everything else in the
 * CLI talks to {@link Engine}, so wiring a new pipeline function is a change here only.
 */
import { availableParallelism } from "node:os";
import {
  type Analysis,
  analyzeAsync,
  type PlotLabels,
  type PrismaCounts,
  renderMarkdown,
  renderReport,
  renderText,
  type StudyTable,
} from "@pooled/pipeline";
import { cliVersion } from "./paths.js";

/** The options of `pooled analyze`, as the pipeline's `analyze` takes them. */
export interface AnalyzeSettings {
  measure: "MD" | "SMD" | "SMDH" | "ROM" | "NMD" | "GEN";
  method: "FE" | "DL" | "HE" | "HS" | "SJ" | "ML" | "REML" | "EB" | "PM";
  test: "z" | "knha";
  /** --model: "standard" or "three-level" (experiments nested in publications). */
  model?: "standard" | "three-level";
  /** --cluster: the publication column. */
  cluster?: string;
  by?: string;
  mods?: string[];
  permutations?: number | "exact";
  bootstrap?: number;
  seed?: number;
  prisma?: PrismaCounts;
}

export interface Progress {
  stage: string;
  done: number;
  total: number;
}

/** One report file, held in memory until the whole folder is written. */
export interface ReportFile {
  /** Path inside the report folder, "/"-separated (e.g. "plots/forest.svg"). */
  name: string;
  content: string | Uint8Array;
}

export type Format = "text" | "json" | "markdown";

export interface Engine {
  analyze(
    table: StudyTable,
    settings: AnalyzeSettings,
    control: { signal: AbortSignal; onProgress: (p: Progress) => void },
  ): Promise<Analysis>;
  /** What --format prints on stdout. */
  summary(analysis: Analysis, format: Format): string;
  /** Every file of the report folder (--out). */
  reportFiles(analysis: Analysis, table: StudyTable, plots?: PlotLabels): ReportFile[];
}

export const engine: Engine = {
  // Permutations and bootstrap run on every core (worker_threads); results depend only on the seed.
  analyze: (table, settings, control) =>
    analyzeAsync(table, {
      ...settings,
      workers: availableParallelism(),
      signal: control.signal,
      onProgress: control.onProgress,
    }),
  summary(analysis, format) {
    const text =
      format === "json"
        ? JSON.stringify(analysis, null, 2)
        : format === "markdown"
          ? renderMarkdown(analysis)
          : renderText(analysis);
    return text.endsWith("\n") ? text : `${text}\n`;
  },
  reportFiles: (analysis, table, plots = {}) =>
    normaliseFiles(renderReport(analysis, table, { version: cliVersion(), plots })),
};

/** Accepts what a renderer may return: an array of { name | path, content }, a Map, or a plain object. */
export function normaliseFiles(files: unknown): ReportFile[] {
  const out: ReportFile[] = [];
  const push = (name: unknown, content: unknown) => {
    if (typeof name !== "string" || name === "")
      throw new Error("the report renderer returned a file without a name");
    if (typeof content !== "string" && !(content instanceof Uint8Array))
      throw new Error(`the report renderer returned no content for ${name}`);
    out.push({ name, content });
  };
  if (files instanceof Map) for (const [name, content] of files) push(name, content);
  else if (Array.isArray(files))
    for (const f of files as Record<string, unknown>[])
      push(f["name"] ?? f["path"], f["content"] ?? f["contents"]);
  else if (files !== null && typeof files === "object") {
    const record = files as Record<string, unknown>;
    if ("files" in record) return normaliseFiles(record["files"]);
    for (const [name, content] of Object.entries(record)) push(name, content);
  } else throw new Error("the report renderer returned no files");
  return out;
}
