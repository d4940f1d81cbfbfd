/**
 * Subgroups of a funnel plot: each subgroup's colour and marker shape, and which subgroup each
 * study belongs to. Colour and shape both tell groups apart, so the plot reads without colour
 * vision and in greyscale.
 */
import { MARKER_SHAPES, type MarkerShape } from "./chart.js";
import { PALETTE } from "./svg.js";
import type { FunnelInput } from "./types.js";

/**
 * Colours of subgroups, Okabe & Ito (2008) in an order that keeps neighbours apart; vermillion,
 * the colour of trim-and-fill studies, and yellow, faint on white, come last.
 */
const GROUP_COLOURS = [
  PALETTE.blue,
  PALETTE.orange,
  PALETTE.green,
  PALETTE.purple,
  PALETTE.skyBlue,
  PALETTE.black,
  PALETTE.vermillion,
  PALETTE.yellow,
];
/** Observed studies in no subgroup. */
export const UNGROUPED_COLOUR = PALETTE.grey;

/** Colour and shape of subgroup `g`: both cycle, so 40 groups get distinct pairs. */
export function groupStyle(g: number): { colour: string; shape: MarkerShape } {
  return {
    colour: GROUP_COLOURS[g % GROUP_COLOURS.length],
    shape: MARKER_SHAPES[g % MARKER_SHAPES.length],
  };
}

/** Fill of a subgroup's markers, with a thin dark outline so that yellow shows on white. */
export function groupMarkStyle(colour: string): Record<string, string | number> {
  return { fill: colour, stroke: PALETTE.text, "stroke-width": 0.6 };
}

/**
 * Each study's subgroup (index into `groups`), or −1: the first group listing a study wins.
 * @throws Error when an index is not a study's position
 */
export function groupOfStudies(input: FunnelInput): number[] {
  const of = input.studies.map(() => -1);
  (input.groups ?? []).forEach((g, j) => {
    for (const i of g.indices) {
      if (!Number.isInteger(i) || i < 0 || i >= input.studies.length)
        throw new Error(
          `funnelPlot: group "${g.level}" lists study ${i}, not one of 0..${input.studies.length - 1}`,
        );
      if (of[i] === -1) of[i] = j;
    }
  });
  return of;
}
