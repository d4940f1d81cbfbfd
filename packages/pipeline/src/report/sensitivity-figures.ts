/**
 * The figures of the sensitivity analyses: leave-one-out and cumulative forest plots (the pooled
 * estimate refitted without each study, or as studies are added by year; Lau et al. 1992) and the
 * Baujat plot (Baujat et al. 2002). Each is a figure to draw, or null when the analysis has none.
 */
import { baujatPlot, cumulativePlot, type EffectScale, leaveOneOutPlot } from "@pooled/plots";
import type { Analysis, LeaveOneOutResultRow } from "../analysis/types.js";
import {
  FIGURE_LIMITS,
  pointsCaption,
  pointsTitle,
  rowsCaption,
  thinPoints,
} from "./figure-limits.js";
import { METHOD_NAMES } from "./format.js";
import { pooled, SHORT_MEASURE } from "./plot-adapters.js";
import type { Figure } from "./plots.js";

/** The leave-one-out forest plot, when leave-one-out was run. */
export function leaveOneOutFigure(a: Analysis, scale: EffectScale): Figure | null {
  if (a.leaveOneOut === null) return null;
  const rows = a.leaveOneOut;
  return () => ({
    file: "leave-one-out.svg",
    title: "Leave-one-out",
    caption: `The pooled estimate recomputed without each study in turn.${inverseVarianceRefits(a)}${rowsCaption(rows.length, "rows", "leave-one-out.csv")}`,
    svg: leaveOneOutPlot(
      { ...sensitivityInput(a, scale, rows, (r) => r.study), title: "Leave-one-out analysis" },
      { idPrefix: "loo", maxRows: FIGURE_LIMITS.rows },
    ),
  });
}

/** The cumulative meta-analysis by publication year, when it was run. */
export function cumulativeFigure(a: Analysis, scale: EffectScale): Figure | null {
  if (a.cumulative === null) return null;
  const steps = a.cumulative;
  return () => ({
    file: "cumulative.svg",
    title: "Cumulative meta-analysis",
    caption: `The pooled estimate recomputed as the studies are added one at a time in order of publication year; a drifting estimate can reveal early studies that overstated the effect.${inverseVarianceRefits(a)}${rowsCaption(steps.length, "steps", "cumulative.csv")}`,
    svg: cumulativePlot(
      {
        // "Kim 2018 (100 µg)" already says its year; other labels get it appended.
        ...sensitivityInput(a, scale, steps, (r) =>
          r.study.includes(String(r.year)) ? r.study : `${r.study} (${r.year})`,
        ),
        orderedBy: "publication year",
        title: "Cumulative meta-analysis",
      },
      { idPrefix: "cumulative", maxRows: FIGURE_LIMITS.rows },
    ),
  });
}

/** The Baujat plot, when it was computed (its points thinned as every scatter plot's). */
export function baujatFigure(a: Analysis): Figure | null {
  if (a.baujat === null) return null;
  const baujatPoints = thinPoints(
    a.baujat
      .filter((p) => p.influence !== null)
      .map((p) => ({ label: p.study, x: p.heterogeneity, y: p.influence! })),
    [(p) => p.x, (p) => p.y],
  );
  return () => ({
    file: "baujat.svg",
    title: "Baujat plot",
    caption:
      "Each study's contribution to heterogeneity (horizontal) against its influence on the pooled estimate (vertical)." +
      pointsCaption(baujatPoints),
    svg: baujatPlot(
      {
        studies: baujatPoints.points,
        title: `Baujat plot${pointsTitle(baujatPoints)}`,
      },
      { idPrefix: "baujat" },
    ),
  });
}

/**
 * Input of a leave-one-out or cumulative forest plot: one row per refit that could be fitted
 * (a failed refit has no interval to draw), and the model with every study.
 */
function sensitivityInput<Row extends LeaveOneOutResultRow>(
  a: Analysis,
  scale: EffectScale,
  rows: readonly Row[],
  label: (row: Row) => string,
) {
  return {
    ...scale,
    rows: rows
      .filter((r) => r.estimate !== null && r.ciLower !== null && r.ciUpper !== null)
      .map((r) => ({
        label: label(r),
        estimate: r.estimate!,
        ciLower: r.ciLower!,
        ciUpper: r.ciUpper!,
        tau2: r.tau2,
        I2: r.I2,
      })),
    full: { ...pooled(a), tau2: a.model.tau2, I2: a.model.I2 },
    measure: SHORT_MEASURE[a.settings.measure],
    level: a.settings.level,
  };
}

/**
 * Under Mantel-Haenszel or Peto pooling the refits use the inverse-variance fixed-effect model of
 * the study effects (analysis notes), so their rows need not meet the pooled estimate at the foot.
 */
function inverseVarianceRefits(a: Analysis): string {
  const method = a.settings.method;
  if (method !== "MH" && method !== "PETO") return "";
  return ` The refits use the inverse-variance fixed-effect model of the study effects; the row at the foot is the ${METHOD_NAMES[method]} estimate with every study.`;
}
