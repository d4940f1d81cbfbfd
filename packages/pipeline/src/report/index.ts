// Public exports of report/: pure renderers from an Analysis to report files held in memory.

export type { CsvValue } from "./csv.js";
export {
  csvCell,
  cumulativeCsv,
  influenceCsv,
  leaveOneOutCsv,
  modelCsv,
  neutraliseFormula,
  predictionsCsv,
  regressionCsv,
  studiesCsv,
  subgroupsCsv,
  toCsv,
} from "./csv.js";
export { analysisDocument, type Block } from "./document.js";
export { FIGURE_LIMITS, thinPoints } from "./figure-limits.js";
export { escapeHtml, type HtmlParts, renderHtml } from "./html.js";
export { type LaySummary, type LaySummaryOptions, laySummary } from "./lay-summary.js";
export { methodsParagraph, REFERENCES } from "./methods.js";
export { forestInput, type PlotLabels, type RenderedPlot, renderPlots } from "./plots.js";
export { renderRScript, rName, rNumber, rString } from "./r-script.js";
export { type ReportFile, type ReportOptions, renderReport } from "./render.js";
export { renderMarkdown, renderText } from "./text.js";
