/**
 * renderReport: the report folder of `pooled analyze --out`, as files in memory. Pure: the CLI
 * writes them (all or nothing), the web app offers them as downloads, and both get the same bytes
 * for the same analysis.
 */
import type { Analysis } from "../analysis/types.js";
import type { StudyTable } from "../input/types.js";
import {
  cumulativeCsv,
  influenceCsv,
  leaveOneOutCsv,
  modelCsv,
  predictionsCsv,
  regressionCsv,
  studiesCsv,
  subgroupsCsv,
} from "./csv.js";
import { renderHtml } from "./html.js";
import { type LaySummaryOptions, laySummary } from "./lay-summary.js";
import { methodsParagraph } from "./methods.js";
import { type PlotLabels, renderPlots } from "./plots.js";
import { renderRScript } from "./r-script.js";
import { renderMarkdown, renderText } from "./text.js";

/** One file of the report: a path relative to the report folder and its content. */
export interface ReportFile {
  path: string;
  content: string | Uint8Array;
}

export interface ReportOptions {
  /**
   * Plot labels: effect axis title, "favours" labels (--favours; default from the direction of
   * benefit), the forest plot's order (--forest-sort) and descriptor columns (--forest-columns).
   */
  plots?: PlotLabels;
  /** What the plain-language summary may say about the question. */
  lay?: LaySummaryOptions;
  /** Pooled's version, printed in the report. */
  version?: string;
}

/**
 * Renders the whole report: report.html (self-contained), the plots as SVG files, CSV tables,
 * analysis.json, analysis.R, summary.txt and summary.md.
 *
 * @param analysis - the result of analyze / analyzeAsync
 * @param table - the study table it was computed from (the R script embeds its data; the forest
 *   plot's descriptor columns are read from it)
 * @example
 * for (const f of renderReport(analysis, table)) writeFileSync(join(dir, f.path), f.content);
 */
export function renderReport(
  analysis: Analysis,
  table: StudyTable,
  options: ReportOptions = {},
): ReportFile[] {
  const { plots, failures } = renderPlots(analysis, plotLabels(analysis, options), table);
  // Plot failures are reported in the page, never silently: copy the analysis so the caller's is untouched.
  const shown: Analysis =
    failures.length > 0 ? { ...analysis, warnings: [...analysis.warnings, ...failures] } : analysis;
  const tables: [string, string | null][] = [
    ["studies.csv", studiesCsv(analysis)],
    ["model.csv", modelCsv(analysis)],
    ["subgroups.csv", subgroupsCsv(analysis)],
    ["regression.csv", regressionCsv(analysis)],
    ["leave-one-out.csv", leaveOneOutCsv(analysis)],
    ["cumulative.csv", cumulativeCsv(analysis)],
    ["influence.csv", influenceCsv(analysis)],
    ["predictions.csv", predictionsCsv(analysis)],
  ];
  const csvFiles: ReportFile[] = tables.flatMap(([path, content]) =>
    content === null ? [] : [{ path, content }],
  );
  const other: ReportFile[] = [
    { path: "analysis.json", content: `${JSON.stringify(analysis, null, 2)}\n` },
    { path: "analysis.R", content: renderRScript(analysis, table) },
    { path: "summary.txt", content: renderText(shown) },
    { path: "summary.md", content: renderMarkdown(shown, { lay: options.lay ?? {} }) },
  ];
  const svgFiles: ReportFile[] = plots.map((p) => ({ path: p.file, content: p.svg }));
  const html = renderHtml(shown, {
    plots,
    lay: laySummary(analysis, options.lay ?? {}),
    methods: methodsParagraph(analysis),
    files: [...svgFiles, ...csvFiles, ...other].map((f) => f.path),
    ...(options.version !== undefined ? { version: options.version } : {}),
  });
  return [{ path: "report.html", content: html }, ...svgFiles, ...csvFiles, ...other];
}

/**
 * Plot labels: as given, else "favours" labels when the direction of benefit is known (NMD is
 * oriented so that improvement is positive; otherwise from lay.higherIsBetter).
 */
function plotLabels(a: Analysis, options: ReportOptions): PlotLabels {
  const labels: PlotLabels = { ...options.plots };
  if (labels.favours === undefined) {
    const higherIsBetter = a.settings.measure === "NMD" ? true : options.lay?.higherIsBetter;
    if (higherIsBetter !== undefined) {
      labels.favours = higherIsBetter
        ? { left: "Favours control", right: "Favours treatment" }
        : { left: "Favours treatment", right: "Favours control" };
    }
  }
  return labels;
}
