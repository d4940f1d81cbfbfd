/**
 * The engine's answers about an analysis: its report files, plain-language summary and reading
 * scale when it ran, its problems when it did not; and the PRISMA counts a report draws.
 */
import type { DataProblem, PrismaCounts, StudyTable } from "@pooled/pipeline";
import type { AnalysisView, AnalyzeOutcome, EngineApi, ReportFile, Settings } from "../api.js";
import { errorToProblems } from "../view/problems.js";
import type { EngineContext } from "./context.js";

export function reportMethods({ pipeline }: EngineContext): Pick<EngineApi, "readPrisma"> {
  return {
    async readPrisma(text, fileName) {
      try {
        return pipeline.prisma(text, fileName);
      } catch (error) {
        return { counts: null, problems: errorToProblems(error, fileName) };
      }
    },
  };
}

/** PRISMA counts: the reader's own file when given, else the example's with the example. */
export function prismaOf(
  { example, examplePrisma }: EngineContext,
  table: StudyTable,
  settings: Settings,
): PrismaCounts | null {
  return settings.prisma !== undefined
    ? settings.prisma
    : example && table.source === example.name
      ? examplePrisma
      : null;
}

/** An analysis that ran, with every file of its report, as the page shows it. */
export function finishedAnalysis(
  { pipeline }: EngineContext,
  analysis: unknown,
  table: StudyTable,
  started: number,
  settings: Settings,
): AnalyzeOutcome {
  const files: ReportFile[] = pipeline.renderReport(analysis, table, {
    ...(settings.forestSort !== undefined ? { forestSort: settings.forestSort } : {}),
    ...(settings.forestColumns !== undefined ? { forestColumns: settings.forestColumns } : {}),
    ...(settings.favours !== undefined ? { favours: settings.favours } : {}),
  });
  return {
    ok: true,
    // Structured clone drops nothing JSON-able; the view reads the contract's subset.
    analysis: analysis as AnalysisView,
    files,
    plainLanguage: pipeline.plainLanguage(analysis),
    reading: pipeline.readingScale(analysis),
    elapsedMs: performance.now() - started,
  };
}

/** An analysis that stopped: its problems, or none when the reader cancelled it. */
export function failedAnalysis(
  error: unknown,
  table: StudyTable,
  cancelled: boolean,
): AnalyzeOutcome {
  const problems: DataProblem[] = cancelled ? [] : errorToProblems(error, table.source);
  const message = cancelled
    ? "Cancelled"
    : error instanceof Error
      ? error.message
      : typeof error === "string"
        ? error
        : "the analysis failed";
  return { ok: false, message, problems, cancelled };
}
