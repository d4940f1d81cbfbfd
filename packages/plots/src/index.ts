/**
 * @pooled/plots: pure functions from analysis results (plain data, see types.ts) to standalone
 * SVG documents. Shared by the CLI report and the web app.
 */

export { checkPrismaCounts } from "@pooled/contract";
export { baujatPlot } from "./baujat.js";
export { bubblePlot } from "./bubble.js";
export { normalQuantile } from "./distributions.js";
export { forestPlot, sortStudies } from "./forest.js";
export { fmt, fmtHeterogeneity, fmtP, percentagesToTotal, plural } from "./format.js";
export { funnelPlot } from "./funnel.js";
export { galbraithPlot } from "./galbraith.js";
export { type GoshInput, type GoshOptions, goshPlot } from "./gosh.js";
export { influencePlot } from "./influence.js";
export { cumulativePlot, leaveOneOutPlot } from "./leave-one-out.js";
export { prismaPlot } from "./prisma.js";
export {
  JUDGEMENT_STYLE,
  type Judgement,
  parseJudgement,
  riskOfBiasPlot,
} from "./risk-of-bias.js";
export {
  correlationTicks,
  logTicks,
  makeScale,
  niceTicks,
  type Scale,
  type Tick,
  toReportingScale,
} from "./scale.js";
export { escapeXml, FONT_FAMILY, PALETTE } from "./svg.js";
export { textWidth, truncate, wrapText } from "./text.js";
export * from "./types.js";
