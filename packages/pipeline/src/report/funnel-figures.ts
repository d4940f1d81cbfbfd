/**
 * The funnel plots of a report, each coloured by subgroup when --by was given: the plain funnel
 * with trim-and-fill's imputed studies, the contour-enhanced funnel, and for standardised mean
 * differences the funnel against sample-size precision.
 */
import { type EffectScale, type FunnelGroup, funnelPlot } from "@pooled/plots";
import type { Analysis } from "../analysis/types.js";
import { pointsCaption, pointsTitle, thinPoints } from "./figure-limits.js";
import {
  funnelGroups,
  funnelStudies,
  groupsCaption,
  type IndexedFunnelPoint,
} from "./funnel-groups.js";
import { hasGroupSizes } from "./plot-adapters.js";
import type { Figure } from "./plots.js";

/** Effects against their standard errors, with the studies trim-and-fill imputed (hollow). */
export function funnelFigure(a: Analysis, scale: EffectScale): Figure {
  const tf = a.bias?.trimFill ?? null;
  const funnelPoints = thinPoints<IndexedFunnelPoint>(
    [
      ...a.studies.map((s, i) => ({ label: s.study, yi: s.yi, se: s.sei, study: i })),
      ...(tf?.filled ?? []).map((f) => ({
        label: f.study,
        yi: f.yi,
        se: Math.sqrt(f.vi),
        filled: true,
      })),
    ],
    [(p) => p.yi, (p) => p.se],
  );
  return () => ({
    file: "funnel.svg",
    title: "Funnel plot",
    caption:
      "Effects against their standard errors; without small-study effects the points scatter symmetrically inside the funnel." +
      (tf !== null && tf.k0 > 0
        ? ` Hollow points: ${tf.k0} ${tf.k0 === 1 ? "study" : "studies"} imputed by trim-and-fill; dashed line: the adjusted estimate.`
        : "") +
      groupsCaption(a) +
      pointsCaption(funnelPoints),
    svg: funnelPlot(
      {
        ...scale,
        studies: funnelStudies(funnelPoints.points),
        ...withGroups(funnelGroups(a, funnelPoints.points)),
        estimate: a.model.estimate,
        adjustedEstimate: tf !== null && tf.k0 > 0 ? tf.estimate : null,
        title: `Funnel plot${pointsTitle(funnelPoints)}`,
      },
      { idPrefix: "funnel", level: a.settings.level },
    ),
  });
}

/**
 * Contour-enhanced funnel (Peters et al. 2008, J Clin Epidemiol 61:991): shading marks where a
 * study would be significant at 10%, 5% and 1% around the null, so missing studies in the
 * non-significant region point to publication bias rather than other small-study effects.
 */
export function contourFunnelFigure(a: Analysis, scale: EffectScale): Figure {
  const contourPoints = thinPoints<IndexedFunnelPoint>(
    a.studies.map((s, i) => ({ label: s.study, yi: s.yi, se: s.sei, study: i })),
    [(p) => p.yi, (p) => p.se],
  );
  return () => ({
    file: "funnel-contour.svg",
    title: "Contour-enhanced funnel plot",
    caption:
      "Effects against their standard errors, shaded where a study would be significant at the 10%, 5% and 1% levels; studies missing only from the unshaded region suggest publication bias." +
      groupsCaption(a) +
      pointsCaption(contourPoints),
    svg: funnelPlot(
      {
        ...scale,
        studies: funnelStudies(contourPoints.points),
        ...withGroups(funnelGroups(a, contourPoints.points)),
        estimate: a.model.estimate,
        title: `Contour-enhanced funnel plot${pointsTitle(contourPoints)}`,
      },
      { idPrefix: "funnel-contour", contours: [90, 95, 99], pseudoRegion: false },
    ),
  });
}

/**
 * For SMD the SE contains g itself, which bends the funnel; the sample-size precision
 * √(1/n₁ + 1/n₂) does not (Zwetsloot et al. 2017, eLife 6:e24260; Pustejovsky & Rodgers 2019):
 * the funnel against it, for SMD and SMDH with both group sizes of every study; null otherwise.
 */
export function sampleSizeFunnelFigure(a: Analysis, scale: EffectScale): Figure | null {
  const smd = a.settings.measure === "SMD" || a.settings.measure === "SMDH";
  if (!(smd && hasGroupSizes(a))) return null;
  const sizePoints = thinPoints<IndexedFunnelPoint>(
    a.studies.map((s, i) => ({
      label: s.study,
      yi: s.yi,
      se: Math.sqrt(1 / s.n1! + 1 / s.n2!),
      study: i,
    })),
    [(p) => p.yi, (p) => p.se],
  );
  return () => ({
    file: "funnel-sample-size.svg",
    title: "Funnel plot (sample-size precision)",
    caption:
      "Standardised mean differences against √(1/n₁ + 1/n₂), which, unlike the SE of an SMD, does not depend on the effect itself; the preferred funnel for SMDs." +
      groupsCaption(a) +
      pointsCaption(sizePoints),
    svg: funnelPlot(
      {
        ...scale,
        studies: funnelStudies(sizePoints.points),
        ...withGroups(funnelGroups(a, sizePoints.points)),
        estimate: a.model.estimate,
        yAxis: "sample-size",
        title: `Funnel plot (sample-size precision)${pointsTitle(sizePoints)}`,
      },
      { idPrefix: "funnel-n", level: a.settings.level },
    ),
  });
}

/** `{ groups }` when there are subgroups, else nothing (the funnel's input leaves it out). */
function withGroups(groups: FunnelGroup[] | undefined): { groups?: FunnelGroup[] } {
  return groups === undefined ? {} : { groups };
}
