/**
 * Funnel plots coloured by subgroup (--by): each level of the subgroup column in its own colour
 * and marker shape, so that asymmetry confined to one level (one dose, one route) shows; studies
 * imputed by trim-and-fill belong to no level and stay hollow.
 */
import type { FunnelGroup, FunnelStudy } from "@pooled/plots";
import type { Analysis } from "../analysis/types.js";

/** A funnel point and the study it draws (index into `Analysis.studies`), none for an imputed one. */
export type IndexedFunnelPoint = FunnelStudy & { study?: number };

/**
 * The subgroups of `points` (the points as drawn, after any thinning): for each level of --by,
 * the positions in `points` of its studies; undefined without --by.
 *
 * @example funnelGroups(a, [{ label: "A", yi: 1, se: 0.5, study: 0 }]) // [{ level: "dose: 100 µg", indices: [0] }, ...]
 */
export function funnelGroups(
  a: Analysis,
  points: readonly IndexedFunnelPoint[],
): FunnelGroup[] | undefined {
  const sub = a.subgroups;
  if (sub === null) return undefined;
  const levelOf = new Map<number, number>();
  sub.groups.forEach((g, j) => {
    for (const i of g.indices) levelOf.set(i, j);
  });
  const groups: FunnelGroup[] = sub.groups.map((g) => ({
    level: `${sub.by}: ${g.level}`,
    indices: [],
  }));
  points.forEach((p, position) => {
    const j = p.study === undefined ? undefined : levelOf.get(p.study);
    if (j !== undefined) groups[j]!.indices.push(position);
  });
  return groups;
}

/** The points without their study index, as the plots package takes them. */
export function funnelStudies(points: readonly IndexedFunnelPoint[]): FunnelStudy[] {
  return points.map(({ study: _study, ...p }) => p);
}

/** The caption's sentence on the colours, with --by. */
export function groupsCaption(a: Analysis): string {
  return a.subgroups === null
    ? ""
    : ` Colours and marker shapes mark the levels of ${a.subgroups.by}.`;
}
