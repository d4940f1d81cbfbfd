/**
 * The engine's project files (`.pooled.json`): written from the page's project, and read back
 * into one, as the CLI writes and reads them.
 */
import type { EngineApi } from "../api.js";
import { normaliseGrid } from "../view/grid/model.js";
import { errorToProblems } from "../view/problems.js";
import { projectFileName } from "../view/project.js";
import type { EngineContext } from "./context.js";
import { projectAnalysis, projectReport, settingsFromAnalysisOptions } from "./pipeline-binding.js";

export function projectMethods({
  pipeline,
}: EngineContext): Pick<EngineApi, "exportProject" | "importProject"> {
  return {
    async exportProject(draft) {
      const fileName = projectFileName(draft.name);
      try {
        const analysis = {
          ...draft.kept.analysis,
          ...(draft.settings ? projectAnalysis(draft.settings) : {}),
        };
        const report = { ...draft.kept.report, ...projectReport(draft.settings) };
        const text = pipeline.writeProject({
          name: draft.name,
          savedAt: draft.savedAt,
          data: { source: draft.source, headers: draft.data.headers, rows: draft.data.rows },
          columns: draft.columns,
          decimalComma: draft.decimalComma,
          analysis,
          report,
          prisma: draft.prisma,
        });
        return { ok: true, text, fileName };
      } catch (error) {
        return { ok: false, problems: errorToProblems(error, fileName) };
      }
    },

    async importProject(text, fileName) {
      try {
        const read = pipeline.readProject(text, fileName);
        if (!read.project) return { ok: false, problems: read.problems };
        const p = read.project;
        const { forestSort, forestColumns, favours, ...report } = p.report;
        const { settings, kept, measureGiven } = settingsFromAnalysisOptions(p.analysis, {
          ...(forestSort !== undefined ? { forestSort } : {}),
          ...(forestColumns !== undefined ? { forestColumns } : {}),
          ...(favours !== undefined ? { favours } : {}),
        });
        return {
          ok: true,
          measureGiven,
          warnings: read.warnings,
          project: {
            name: p.name,
            savedAt: p.savedAt,
            data: normaliseGrid(p.data.headers, p.data.rows),
            source: p.data.source,
            columns: p.columns,
            decimalComma: p.decimalComma,
            settings,
            prisma: p.prisma,
            kept: { analysis: kept, report: { ...report } },
          },
        };
      } catch (error) {
        return { ok: false, problems: errorToProblems(error, fileName) };
      }
    },
  };
}
