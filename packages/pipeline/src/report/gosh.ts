/**
 * The GOSH figure (Olkin, Dahabreh & Trikalinos 2012): the estimate of each fitted subset of
 * studies against its I², drawn from the analysis's even sample of the subsets (a density above
 * 5,000 points), with a caption saying how many subsets were fitted and how.
 */
import { type EffectScaleKind, goshPlot } from "@pooled/plots";
import { SIDE_ANALYSIS } from "../analysis/failures.js";
import type { Analysis, GoshJson, GoshSummaryJson } from "../analysis/types.js";
import { type Block, failures, heading, paragraph, table } from "./blocks.js";
import { digitsFor, fmt } from "./format.js";
import type { RenderedPlot } from "./plots.js";

export function goshFigure(
  a: Analysis,
  gosh: GoshJson,
  axis: { scale?: EffectScaleKind; effectLabel?: string },
): RenderedPlot {
  const how = gosh.exhaustive
    ? `every one of the ${gosh.subsets.toLocaleString("en-US")} subsets of the ${gosh.k} studies`
    : `${gosh.subsets.toLocaleString("en-US")} random subsets of the ${gosh.k} studies (seed ${gosh.seed})`;
  const sampled = gosh.sample.estimate.length;
  return {
    file: "gosh.svg",
    title: "GOSH plot",
    caption:
      `The pooled estimate (horizontal) against I² (vertical) of ${how}, each fitted by the model's method (${gosh.method}${a.settings.method === "MH" || a.settings.method === "PETO" ? ", the inverse-variance fixed-effect model of the study effects" : ""}); separate clusters point at studies that pull the result or the heterogeneity apart (Olkin, Dahabreh & Trikalinos 2012).` +
      (sampled < gosh.subsets
        ? ` Drawn from an even sample of ${sampled.toLocaleString("en-US")} of the subsets.`
        : "") +
      (gosh.failed > 0 ? ` ${gosh.failed} subsets could not be fitted and are not drawn.` : ""),
    svg: goshPlot(
      {
        estimate: gosh.sample.estimate,
        I2: gosh.sample.I2,
        k: gosh.k,
        exhaustive: gosh.exhaustive,
        ...(axis.scale === undefined ? {} : { scale: axis.scale }),
        ...(axis.effectLabel === undefined ? {} : { xLabel: axis.effectLabel }),
      },
      { idPrefix: "gosh" },
    ),
  };
}

/** The GOSH section: how many subsets were fitted and how, and the spread of their results. */
export function goshBlocks(a: Analysis): Block[] {
  const g = a.gosh;
  const why = failures(a, SIDE_ANALYSIS.gosh);
  if (g === null) {
    if (a.settings.gosh === null) return [];
    return [heading(2, "GOSH", "gosh"), paragraph(why.join(" ") || "GOSH could not be run.")];
  }
  const d = digitsFor(a.settings.measure);
  const range = (s: GoshSummaryJson, digits: number) =>
    [s.min, s.q25, s.median, s.q75, s.max].map((x) => fmt(x, digits));
  return [
    heading(2, "GOSH", "gosh"),
    paragraph(
      `The ${a.settings.method === "MH" || a.settings.method === "PETO" ? "inverse-variance fixed-effect" : g.method} model was refitted on ${g.exhaustive ? `every one of the ${g.subsets.toLocaleString("en-US")} non-empty subsets of the ${g.k} studies` : `${g.subsets.toLocaleString("en-US")} random subsets of the ${g.k} studies (each study in or out with probability 1/2; seed ${g.seed})`} (Olkin, Dahabreh & Trikalinos 2012).${g.failed > 0 ? ` ${g.failed} subsets could not be fitted.` : ""}`,
    ),
    table(
      ["over the subsets", "minimum", "25%", "median", "75%", "maximum"],
      [
        ["Pooled estimate", ...range(g.summary.estimate, d)],
        ["I² (%)", ...range(g.summary.I2, 1)],
        ["tau²", ...range(g.summary.tau2, 4)],
      ],
    ),
  ];
}
