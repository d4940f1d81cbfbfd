/**
 * The report's influence diagnostics (metafor's influence(); Viechtbauer & Cheung 2010): the
 * section with one row per study, the studies metafor flags as influential marked, and the figure
 * in the layout of metafor's plot(influence()).
 */
import { influencePlot } from "@pooled/plots";
import { SIDE_ANALYSIS } from "../analysis/failures.js";
import { type Analysis, type InfluenceJson, TABLE_METHODS } from "../analysis/types.js";
import { type Block, failedSection, heading, paragraph, table } from "./blocks.js";
import { pointsCaption, pointsTitle, thinPoints } from "./figure-limits.js";
import { fmt, fmtPercent, METHOD_NAMES } from "./format.js";
import type { RenderedPlot } from "./plots.js";
import { standardModelLabel } from "./summary-model.js";

/**
 * metafor's rule for `influential` (influence.rma.uni), p the number of coefficients and k of
 * studies: |DFFITS| > 3√(p/(k − p)), Cook's distance above the median of χ² with p df, a hat
 * value above 3p/k, or any |DFBETAS| > 1.
 */
const INFLUENTIAL_RULE =
  "|DFFITS| > 3√(p/(k − p)), Cook's distance above the median of χ² with p df, hat value above 3p/k, or |DFBETAS| > 1; p = 1 coefficient";

/** The model the diagnostics refit, in words: "random-effects model (REML)". */
function modelName(a: Analysis): string {
  if (TABLE_METHODS.includes(a.settings.method))
    return `inverse-variance fixed-effect model (the ${METHOD_NAMES[a.settings.method]} estimate has no case-deletion diagnostics)`;
  const label = standardModelLabel(a);
  return label.charAt(0).toLowerCase() + label.slice(1);
}

/** "2 of 29 studies are influential ...: A, B." or "No study is influential ...". */
function influentialSentence(rows: readonly InfluenceJson[]): string {
  const names = rows.filter((r) => r.influential).map((r) => r.study);
  if (names.length === 0)
    return `No study is influential by metafor's criteria (${INFLUENTIAL_RULE}).`;
  return `${names.length} of ${rows.length} studies ${names.length === 1 ? "is" : "are"} influential by metafor's criteria (${INFLUENTIAL_RULE}): ${names.join(", ")}.`;
}

/** The Influence section: what was refitted, which studies are influential, the table. */
export function influenceBlocks(a: Analysis): Block[] {
  const rows = a.influence;
  if (rows === null)
    return failedSection(a, "Influence diagnostics", "influence", SIDE_ANALYSIS.influence);
  // tau² with a study left out exists only for random-effects models.
  const tau2 = rows.some((r) => r.tau2Deleted !== null);
  return [
    heading(2, "Influence diagnostics", "influence"),
    paragraph(
      `Case-deletion diagnostics of the ${modelName(a)}, as metafor's influence() (Viechtbauer & Cheung 2010): externally standardised residuals, DFFITS, Cook's distances, covariance ratios, ${tau2 ? "tau² and " : ""}the residual Q with each study left out ("deleted"), hat values and weights. ${influentialSentence(rows)}`,
    ),
    table(
      [
        "Study",
        "rstudent",
        "DFFITS",
        "Cook's D",
        "Cov. ratio",
        ...(tau2 ? ["tau² deleted"] : []),
        "QE deleted",
        "Hat",
        "Weight",
        "Influential",
      ],
      rows.map((r) => [
        r.study,
        fmt(r.rstudent, 2),
        fmt(r.dffits, 3),
        fmt(r.cooksD, 3),
        fmt(r.covRatio, 3),
        ...(tau2 ? [fmt(r.tau2Deleted, 4)] : []),
        fmt(r.QEDeleted, 2),
        fmt(r.hat, 3),
        fmtPercent(r.weight),
        r.influential ? "yes" : "",
      ]),
    ),
  ];
}

/**
 * The influence figure: eight small multiples against the study number, the influential studies
 * filled red. Above FIGURE_LIMITS.points studies an even thinning is drawn (figure-limits.ts),
 * with the extremes of every diagnostic and every influential study.
 */
export function influenceFigure(a: Analysis, rows: readonly InfluenceJson[]): RenderedPlot {
  const value = (x: number | null) => x ?? Number.NaN;
  const thinned = thinPoints(rows, [
    (r) => value(r.rstudent),
    (r) => value(r.dffits),
    (r) => value(r.cooksD),
    (r) => value(r.covRatio),
    (r) => value(r.tau2Deleted),
    (r) => value(r.QEDeleted),
    (r) => r.hat,
    (r) => r.weight,
  ]);
  const drawn =
    thinned.points.length < rows.length ? withInfluential(rows, thinned.points) : thinned.points;
  const shown = { points: drawn, total: rows.length };
  const names = rows.filter((r) => r.influential).map((r) => r.study);
  const svg = influencePlot(
    {
      studies: drawn.map((r) => r.study),
      rstudent: drawn.map((r) => r.rstudent),
      dffits: drawn.map((r) => r.dffits),
      cooksD: drawn.map((r) => r.cooksD),
      covRatio: drawn.map((r) => r.covRatio),
      tau2Deleted: drawn.map((r) => r.tau2Deleted),
      QEDeleted: drawn.map((r) => r.QEDeleted),
      hat: drawn.map((r) => r.hat),
      weight: drawn.map((r) => r.weight),
      influential: drawn.map((r) => r.influential),
      // The main model has one coefficient (the intercept): metafor's p.
      p: 1,
      tau2: TABLE_METHODS.includes(a.settings.method) ? null : a.model.tau2,
      // Under Mantel-Haenszel and Peto the diagnostics refit the inverse-variance fixed-effect model,
      // whose Q the analysis does not report: the QE panel then has no full-model line.
      QE: TABLE_METHODS.includes(a.settings.method) ? null : a.model.Q,
      title: `Influence diagnostics${pointsTitle(shown)}`,
    },
    { idPrefix: "influence" },
  );
  return {
    file: "influence.svg",
    title: "Influence diagnostics",
    caption:
      `Each study's externally standardised residual, DFFITS, Cook's distance, covariance ratio, τ² and Q with the study left out, hat value and weight in the ${modelName(a)}, against its number in the data, as metafor's plot(influence()); dashed lines mark the full model's value, dotted lines metafor's cut-offs. ` +
      (names.length === 0
        ? "No study is influential by metafor's criteria."
        : `Filled red: ${names.length === 1 ? "the study" : `the ${names.length} studies`} influential by metafor's criteria (${names.join(", ")}).`) +
      pointsCaption(shown),
    svg,
  };
}

/** The thinned rows plus every influential study, in data order. */
function withInfluential(
  rows: readonly InfluenceJson[],
  thinned: readonly InfluenceJson[],
): InfluenceJson[] {
  const keep = new Set(thinned);
  return rows.filter((r) => r.influential || keep.has(r));
}
