/**
 * Expected values for the end-to-end tests, computed in Node by the pipeline itself on the same
 * bytes and settings the page uses (what the CLI does for the same data).
 */
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type { Analysis, DataProblem, PrismaCounts, StudyTable } from "@pooled/pipeline";
import type {
  AnalysisView,
  MeasureName,
  ParseRequest,
  ReadingScaleView,
  ReportFile,
  Settings,
} from "../src/api.js";
import {
  bindPipeline,
  type ForestOptions,
  readingScale,
  toAnalysisOptions,
} from "../src/engine/pipeline-binding.js";
import { webRoot } from "./browser.js";

/** The version the CLI prints in reports (the build gives the worker the same one). */
export const pooledVersion = (
  JSON.parse(
    readFileSync(createRequire(import.meta.url).resolve("@pooled/cli/package.json"), "utf8"),
  ) as { version: string }
).version;

const pipeline = bindPipeline(pooledVersion);

/** The example CSV the build bundles (build.mjs picks the same file). */
export async function exampleFile(): Promise<{ name: string; bytes: Uint8Array }> {
  const dir = resolve(webRoot, "../../examples");
  const names = (await readdir(dir)).filter((n) => /\.(csv|tsv)$/i.test(n)).sort();
  const name =
    names.find((n) => /bbb/i.test(n)) ??
    names.find((n) => /example|demo|spinal/i.test(n) && !/cytokine|il1b|prisma/i.test(n)) ??
    names[0];
  if (!name) throw new Error("examples/ holds no CSV yet");
  return { name, bytes: new Uint8Array(await readFile(join(dir, name))) };
}

/** The bundled simulated mortality example (event counts per arm: deaths and animals). */
export async function mortalityFile(): Promise<{ name: string; bytes: Uint8Array }> {
  const name = "sci-exosomes-mortality.simulated.csv";
  const bytes = new Uint8Array(await readFile(join(resolve(webRoot, "../../examples"), name)));
  return { name, bytes };
}

/** Values on the reader's scale, as the worker sends them with an analysis. */
export function referenceReading(analysis: AnalysisView): ReadingScaleView | null {
  return readingScale(analysis as unknown as Analysis);
}

export async function referenceParse(
  bytes: Uint8Array,
  fileName: string,
  measure?: MeasureName,
): Promise<StudyTable> {
  const result = await pipeline.parse(bytes, fileName, measure ? { measure } : {});
  if (!result.ok) {
    throw new Error(`${fileName}: ${result.problems.map((p) => p.expected).join("; ")}`);
  }
  return result.table;
}

export async function referenceProblems(
  bytes: Uint8Array,
  fileName: string,
): Promise<DataProblem[]> {
  const result = await pipeline.parse(bytes, fileName);
  if (result.ok) throw new Error(`${fileName}: the pipeline found no problem`);
  return result.problems;
}

/** The example's PRISMA counts (the page analyses the example with them, as `pooled demo`). */
export async function examplePrisma(): Promise<PrismaCounts> {
  const dir = resolve(webRoot, "../../examples");
  const name = (await readdir(dir)).find((n) => /prisma.*\.json$/i.test(n));
  if (!name) throw new Error("examples/ holds no PRISMA counts");
  const read = pipeline.prisma(await readFile(join(dir, name), "utf8"), name);
  if (!read.counts) throw new Error(`${name}: ${read.problems.map((p) => p.expected).join("; ")}`);
  return read.counts;
}

export function referenceAnalysis(
  table: StudyTable,
  settings: Settings,
  prisma?: PrismaCounts,
): AnalysisView {
  return pipeline.analyze(table, toAnalysisOptions(settings, prisma)) as AnalysisView;
}

export function referenceReport(
  table: StudyTable,
  analysis: AnalysisView,
  forest?: ForestOptions,
): ReportFile[] {
  return pipeline.renderReport(analysis, table, forest);
}

/** With resampling (bootstrap, permutations), in this thread, as the CLI with one worker. */
export async function referenceAnalysisAsync(
  table: StudyTable,
  settings: Settings,
  prisma?: PrismaCounts,
): Promise<AnalysisView> {
  const noop = () => undefined;
  return (await pipeline.analyzeAsync(table, toAnalysisOptions(settings, prisma), {
    signal: new AbortController().signal,
    onProgress: noop,
  })) as AnalysisView;
}

/** Parse with explicit column choices (the page's column panel, the CLI's column map). */
export async function referenceParseWith(
  bytes: Uint8Array,
  fileName: string,
  request: ParseRequest,
): Promise<StudyTable> {
  const result = await pipeline.parse(bytes, fileName, request);
  if (!result.ok) {
    throw new Error(`${fileName}: ${result.problems.map((p) => p.expected).join("; ")}`);
  }
  return result.table;
}
