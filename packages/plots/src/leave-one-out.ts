/**
 * Leave-one-out forest plot (the pooled estimate with each study omitted in turn) and its twin, the
 * cumulative forest plot (the pooled estimate as studies are added one by one in a given order).
 */

import { capRows, type LayoutRow, renderForestLayout } from "./forest-layout.js";
import { fmt, fmtEstimateCi, plural, scalePhrase } from "./format.js";
import type { ForestOptions, LeaveOneOutInput } from "./types.js";

/**
 * One row per omitted study (estimate and CI of the model without it, with τ² and I²), the full
 * model as a diamond and as a dashed guide line through the rows.
 */
export function leaveOneOutPlot(input: LeaveOneOutInput, options: ForestOptions = {}): string {
  if (input.rows.length === 0) throw new Error("leaveOneOutPlot: no rows to draw");
  const digits = options.digits ?? 2;
  const scale = input.scale ?? "linear";
  const level = input.level ?? 95;
  const measure = input.measure ?? "Effect";
  const hasTau2 = input.rows.some((r) => r.tau2 !== null && r.tau2 !== undefined);
  const hasI2 = input.rows.some((r) => r.I2 !== null && r.I2 !== undefined);
  const right = (est: number, lo: number, hi: number, tau2?: number | null, I2?: number | null) => [
    fmtEstimateCi(est, lo, hi, digits, scale),
    ...(hasTau2 ? [tau2 === null || tau2 === undefined ? "" : fmt(tau2, Math.max(2, digits))] : []),
    ...(hasI2 ? [I2 === null || I2 === undefined ? "" : fmt(I2, 1)] : []),
  ];
  const drawn = capRows([input.rows], options.maxRows);
  const rows: LayoutRow[] = drawn.rows[0]!.map((r) => ({
    kind: "interval",
    marker: "point",
    left: [r.label],
    right: right(r.estimate, r.ciLower, r.ciUpper, r.tau2, r.I2),
    estimate: r.estimate,
    lower: r.ciLower,
    upper: r.ciUpper,
    className: "study-row",
  }));
  rows.push({ kind: "spacer" });
  const full = input.full;
  rows.push({
    kind: "diamond",
    left: [full.label],
    right: right(full.estimate, full.ciLower, full.ciUpper, full.tau2, full.I2),
    estimate: full.estimate,
    lower: full.ciLower,
    upper: full.ciUpper,
    className: "overall-pooled",
  });
  const k = input.rows.length;
  const cumulative = input.kind === "cumulative";
  const fullText = fmtEstimateCi(full.estimate, full.ciLower, full.ciUpper, digits, scale);
  const order = input.orderedBy === undefined ? "in the given order" : `by ${input.orderedBy}`;
  const cut =
    drawn.shown < k
      ? `${drawn.shown} of ${k} ${cumulative ? "steps" : "rows"} shown (the first in the order drawn).`
      : null;
  return renderForestLayout({
    title:
      input.title ??
      (cumulative
        ? `Cumulative meta-analysis (${plural(k, "step")})`
        : `Leave-one-out analysis (${plural(k, "study")})`),
    showTitle: Boolean(input.title),
    desc:
      (cumulative
        ? `Cumulative forest plot: the pooled ${measure} recomputed ${plural(k, "time")} as the studies are added one at a time ${order}, each row including every study above it; the dashed line marks the estimate with every study, ${fullText}.`
        : `Leave-one-out forest plot: the pooled ${measure} recomputed ${plural(k, "time")}, each time without one study; the dashed line marks the estimate with every study, ${fullText}.`) +
      (scale === "linear" ? "" : ` Estimates are shown${scalePhrase(scale)}.`) +
      (cut === null ? "" : ` ${cut}`),
    idPrefix: options.idPrefix ?? (cumulative ? "pooled-cumulative" : "pooled-leave-one-out"),
    fontSize: options.fontSize ?? 12,
    leftColumns: [{ header: cumulative ? "Study added" : "Omitted study", align: "left" }],
    rightColumns: [
      { header: `${measure} [${level}% CI]`, align: "right" },
      ...(hasTau2 ? [{ header: "τ²", align: "right" as const }] : []),
      ...(hasI2 ? [{ header: "I² (%)", align: "right" as const }] : []),
    ],
    rows,
    scale,
    xlim: input.xlim,
    nullValue: input.nullValue ?? 0,
    effectLabel: input.effectLabel,
    favours: input.favours,
    plotWidth: options.plotWidth ?? 300,
    maxLabelWidth: options.maxLabelWidth ?? 220,
    guides: [{ value: full.estimate, className: "full-estimate-line" }],
    ...(cut !== null ? { notes: [cut] } : {}),
  });
}

/**
 * Cumulative forest plot: row i is the model of the first i studies in the given order.
 * @example cumulativePlot({ rows, full, measure: "MD", orderedBy: "publication year" })
 */
export function cumulativePlot(
  input: Omit<LeaveOneOutInput, "kind">,
  options: ForestOptions = {},
): string {
  return leaveOneOutPlot({ ...input, kind: "cumulative" }, options);
}
