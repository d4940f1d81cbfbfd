/**
 * What the figures of a report share: the effect axis of the measure (ratios on a log axis,
 * correlations for Fisher's z), the pooled estimate's diamond (the standard model's, or the
 * three-level model's with --model three-level), and which group sizes the studies carry.
 */
import type { EffectScale, PooledEstimate } from "@pooled/plots";
import { measureScale } from "../analysis/scale.js";
import type { Analysis, MultilevelResultJson } from "../analysis/types.js";
import { MEASURE_NAMES } from "./format.js";
import type { PlotLabels } from "./plots.js";
import { effectAxisLabel } from "./reading-scale.js";
import { standardModelLabel } from "./summary-model.js";

/**
 * Short name of the measure in the plots' effect columns, whose numbers the plots print on the
 * axis's scale: ratios for the log-scale measures, correlations for Fisher's z.
 */
export const SHORT_MEASURE: Record<Analysis["settings"]["measure"], string> = {
  MD: "MD",
  SMD: "SMD",
  SMDH: "SMDH",
  ROM: "ROM",
  NMD: "NMD",
  GEN: "Effect",
  OR: "OR",
  RR: "RR",
  RD: "RD",
  PETO: "OR",
  ZCOR: "r",
  COR: "r",
};

/**
 * The effect axis: ratios (ROM, OR, RR, Peto's OR) on a log axis labelled with ratios, Fisher's
 * z on an axis labelled with correlations, everything else linear; the value of no effect is 0
 * on the analysis scale in each case (a ratio of 1, a correlation of 0).
 */
export function effectScale(a: Analysis, labels: PlotLabels): EffectScale {
  const measure = a.settings.measure;
  const scale = measureScale(measure);
  return {
    scale: scale === "identity" ? "linear" : scale,
    effectLabel: labels.effectLabel ?? effectAxisLabel(measure),
  };
}

/**
 * The Galbraith plot's slope is printed on the analysis scale (log ratio, Fisher's z), so it is
 * named by that scale's measure unless the caller named the effect.
 */
export function galbraithLabel(a: Analysis, labels: PlotLabels): string {
  if (labels.effectLabel !== undefined) return labels.effectLabel;
  const measure = a.settings.measure;
  if (measureScale(measure) === "identity") return effectAxisLabel(measure);
  return measure === "ZCOR" ? "Fisher's z" : MEASURE_NAMES[measure];
}

export function pooled(a: Analysis): PooledEstimate {
  const ml = a.multilevel;
  if (a.settings.model === "three-level" && ml !== null) return multilevelPooled(ml);
  const m = a.model;
  return {
    label: standardModelLabel(a),
    estimate: m.estimate,
    ciLower: m.ciLower ?? m.estimate,
    ciUpper: m.ciUpper ?? m.estimate,
    piLower: m.piLower,
    piUpper: m.piUpper,
    heterogeneity: { tau2: m.tau2, I2: m.I2, Q: m.Q, df: m.Qdf, p: m.Qp },
    ...(m.statistic !== null && m.p !== null
      ? {
          test: {
            statistic: m.statistic,
            distribution: m.df === null ? "z" : "t",
            df: m.df,
            p: m.p,
          },
        }
      : {}),
  } as PooledEstimate;
}

/** The three-level model's diamond: its estimate, prediction interval, total I² and QE. */
function multilevelPooled(ml: MultilevelResultJson): PooledEstimate {
  return {
    label: `Three-level model (${ml.method})`,
    estimate: ml.estimate,
    ciLower: ml.ciLower ?? ml.estimate,
    ciUpper: ml.ciUpper ?? ml.estimate,
    piLower: ml.piLower,
    piUpper: ml.piUpper,
    heterogeneity: { I2: ml.I2Total, Q: ml.QE, df: ml.QEdf, p: ml.QEp },
    ...(ml.statistic !== null && ml.p !== null
      ? {
          test: {
            statistic: ml.statistic,
            distribution: ml.df === null ? "z" : "t",
            df: ml.df,
            p: ml.p,
          },
        }
      : {}),
  } as PooledEstimate;
}

/** True for 2×2 tables: every study has its events and group sizes. */
export function hasEvents(a: Analysis): boolean {
  return hasGroupSizes(a) && a.studies.every((s) => s.events1 !== null && s.events2 !== null);
}

/** True when every study has both group sizes (arm data), so n columns and n-based axes apply. */
export function hasGroupSizes(a: Analysis): boolean {
  return a.studies.length > 0 && a.studies.every((s) => s.n1 !== null && s.n2 !== null);
}
