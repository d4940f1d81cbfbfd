/**
 * Predictions of the meta-regression at the moderator values of --predict (metafor's
 * predict(res, newmods = ...)): the table under the meta-regression and the moderators it names.
 */
import { MISSING_IN_REPORT } from "@pooled/contract";
import { SIDE_ANALYSIS } from "../analysis/failures.js";
import type { Analysis, PredictionJson } from "../analysis/types.js";
import { type Block, failures, heading, list, paragraph, table } from "./blocks.js";
import { digitsFor, fmt } from "./format.js";
import { readingScale } from "./reading-scale.js";

/** The moderators the points name, in order of first mention (a point may leave one out). */
export function predictionModerators(predictions: readonly PredictionJson[]): string[] {
  const names: string[] = [];
  for (const p of predictions)
    for (const name of Object.keys(p.at)) if (!names.includes(name)) names.push(name);
  return names;
}

/**
 * A sub-section of the meta-regression: one row per point, its moderator values, the predicted
 * effect with CI and prediction interval on the reader's scale (and, for a back-transformed
 * measure, the value and SE on the analysis scale, as the table of models shows them).
 */
export function predictionBlocks(a: Analysis): Block[] {
  if (a.settings.predict.length === 0 || a.regression === null) return [];
  const predictions = a.predictions;
  if (predictions === null) {
    const why = failures(a, SIDE_ANALYSIS.predictions);
    return why.length === 0 ? [] : [heading(3, "Predictions"), list(why)];
  }
  const r = readingScale(a);
  const d = digitsFor(a.settings.measure);
  const level = a.settings.level;
  const mods = predictionModerators(predictions);
  const value = (v: number | string | undefined) =>
    v === undefined ? MISSING_IN_REPORT : String(v);
  return [
    heading(3, "Predictions"),
    paragraph(
      `The meta-regression's average effect at chosen moderator values (metafor's predict(newmods = ...)), with its ${level}% confidence interval and the ${level}% prediction interval for a new study.`,
    ),
    table(
      [
        ...mods,
        r.short ?? "Estimate",
        `${level}% CI`,
        `${level}% prediction interval`,
        ...(r.transformed ? [r.analysisShort] : []),
        "SE",
      ],
      predictions.map((p) => [
        ...mods.map((m) => value(p.at[m])),
        r.fmt(p.estimate),
        r.fmtCi(p.ciLower, p.ciUpper),
        r.fmtCi(p.piLower, p.piUpper),
        ...(r.transformed ? [fmt(p.estimate, d)] : []),
        fmt(p.se, d + 1),
      ]),
      mods.length,
    ),
  ];
}
