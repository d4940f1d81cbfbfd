/**
 * Pieces of the x-y charts (funnel, Galbraith, bubble, Baujat, GOSH, influence panels): the
 * plotting frame's geometry, axes with nice ticks, a clip path, legends, marker shapes and point
 * labels placed without collisions. scatter-frame.ts lays them out as one frame the plots share.
 */
import { extent, makeScale, type Scale, type Tick } from "./scale.js";
import { type AttrValue, el, group, line, PALETTE, polygon, rect, text } from "./svg.js";
import { textWidth, truncate } from "./text.js";
import type { EffectScaleKind } from "./types.js";

export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Scale for a horizontal axis spanning the frame; `inset` keeps points off the frame's edges
 * (ticks and points share the inset range, the axis line spans the whole frame).
 */
export function xScale(
  values: number[],
  frame: Frame,
  f: number,
  opts: {
    scale?: EffectScaleKind;
    include?: number[];
    xlim?: [number, number];
    inset?: number;
  } = {},
): Scale {
  const inset = opts.inset ?? 0;
  return makeScale(values, [frame.left + inset, frame.left + frame.width - inset], {
    ...opts,
    labelWidth: (s) => textWidth(s, f),
  });
}

/** Scale for a vertical axis: larger values up, unless `inverted` (funnel: SE 0 at the top). */
export function yScale(
  values: number[],
  frame: Frame,
  f: number,
  opts: { scale?: EffectScaleKind; include?: number[]; inverted?: boolean; inset?: number } = {},
): Scale {
  const inset = opts.inset ?? 0;
  const bottom = frame.top + frame.height - inset;
  const top = frame.top + inset;
  const range: [number, number] = opts.inverted ? [top, bottom] : [bottom, top];
  return makeScale(values, range, {
    scale: opts.scale,
    include: opts.include,
    labelWidth: () => f * 1.6,
  });
}

/**
 * Rebuilds a scale until the extreme data values sit at least `room` px inside its range, so that
 * points of that radius are drawn whole by a frame that clips them. Nice ticks end the axis
 * exactly at the largest value when it is a round number (max SE 0.15 gives an axis 0-0.15),
 * which would cut that point in half; the extra room pushes the axis to the next tick.
 * `build(extra)` makes the scale with `extra` added to the values it must cover; `sides` says
 * which ends need the room ("high" for the funnel's SE axis, whose low end is SE = 0).
 */
export function scaleWithRoom(
  build: (extra: number[]) => Scale,
  values: number[],
  room: number,
  sides: "both" | "high" = "both",
): Scale {
  const [lo, hi] = extent(values);
  let scale = build([]);
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return scale;
  for (let i = 0; i < 4; i++) {
    const [d0, d1] = scale.domain;
    const pxPerUnit = Math.abs(scale.range[1] - scale.range[0]) / (d1 - d0 || 1);
    const roomLow = (lo - d0) * pxPerUnit;
    const roomHigh = (d1 - hi) * pxPerUnit;
    if (roomHigh >= room - 1e-9 && (sides === "high" || roomLow >= room - 1e-9)) return scale;
    // Padding in data units at the current density; a wider domain only lowers the density, so
    // the next round asks for a little more and the loop ends within a round or two.
    const pad = (room / pxPerUnit) * 1.05;
    scale = build(sides === "high" ? [hi + pad] : [lo - pad, hi + pad]);
  }
  return scale;
}

/** Width needed left of the frame for the y tick labels and the rotated title. */
export function yAxisWidth(scale: Scale, f: number): number {
  const widest = Math.max(0, ...scale.ticks.map((t) => textWidth(t.label, f)));
  return widest + 8 + f * 1.8;
}

/**
 * Fits a frame to its x axis: the first and last tick labels are centred on their ticks, so a wide
 * label at an end of the axis would stick out of the SVG. The frame is narrowed until both lie
 * at least `margin` px inside [0, svgWidth]; `build` makes the x scale for a frame.
 */
export function fitFrameToXTicks(
  frame: Frame,
  build: (frame: Frame) => Scale,
  f: number,
  svgWidth: number,
  margin: number,
): { frame: Frame; scale: Scale } {
  let fr = { ...frame };
  let scale = build(fr);
  for (let round = 0; round < 4; round++) {
    const ticks = scale.ticks;
    if (ticks.length === 0) break;
    const half = (t: Tick) => textWidth(t.label, f) / 2;
    const first = ticks.reduce((a, b) => (scale.map(b.value) < scale.map(a.value) ? b : a));
    const last = ticks.reduce((a, b) => (scale.map(b.value) > scale.map(a.value) ? b : a));
    const overLeft = margin - (scale.map(first.value) - half(first));
    const overRight = scale.map(last.value) + half(last) - (svgWidth - margin);
    if (overLeft <= 0.01 && overRight <= 0.01) break;
    const shiftLeft = Math.max(0, overLeft) * 1.05;
    fr = {
      ...fr,
      left: fr.left + shiftLeft,
      width: fr.width - shiftLeft - Math.max(0, overRight) * 1.05,
    };
    scale = build(fr);
  }
  return { frame: fr, scale };
}

/** A plot's title at the top left, shortened to the SVG's width (full text as a tooltip). */
export function plotTitle(title: string, svgWidth: number, margin: number, f: number): string {
  const t = truncate(title, svgWidth - 2 * margin, f * 1.25, true);
  return text(
    margin,
    margin + f * 1.2,
    t.text,
    { "font-size": f * 1.25, "font-weight": "bold", class: "plot-title" },
    t.truncated ? title : undefined,
  );
}

export function xAxis(scale: Scale, frame: Frame, f: number, title: string): string {
  const y = frame.top + frame.height;
  const parts = [
    line(frame.left, y, frame.left + frame.width, y, { stroke: PALETTE.text, class: "axis-line" }),
  ];
  for (const t of scale.ticks) {
    const x = scale.map(t.value);
    parts.push(
      group(
        [
          line(x, y, x, y + 5, { stroke: PALETTE.text }),
          text(x, y + 6 + f, t.label, { "text-anchor": "middle" }),
        ],
        {
          class: "axis-tick",
          "data-value": t.value,
        },
      ),
    );
  }
  if (title) {
    // Centred under the frame and no wider than it, so it never runs out of the SVG.
    const shown = truncate(title, frame.width, f);
    parts.push(
      text(
        frame.left + frame.width / 2,
        y + 6 + f + f * 1.6,
        shown.text,
        { "text-anchor": "middle", class: "axis-title" },
        shown.truncated ? title : undefined,
      ),
    );
  }
  return group(parts, { class: "axis x-axis" });
}

export function yAxis(scale: Scale, frame: Frame, f: number, title: string): string {
  const x = frame.left;
  const parts = [
    line(x, frame.top, x, frame.top + frame.height, { stroke: PALETTE.text, class: "axis-line" }),
  ];
  let widest = 0;
  for (const t of scale.ticks) {
    const y = scale.map(t.value);
    widest = Math.max(widest, textWidth(t.label, f));
    parts.push(
      group(
        [
          line(x - 5, y, x, y, { stroke: PALETTE.text }),
          text(x - 8, y + f * 0.35, t.label, { "text-anchor": "end" }),
        ],
        {
          class: "axis-tick",
          "data-value": t.value,
        },
      ),
    );
  }
  if (!title) return group(parts, { class: "axis y-axis" });
  const tx = x - 8 - widest - f * 0.8;
  const ty = frame.top + frame.height / 2;
  const shown = truncate(title, frame.height, f);
  parts.push(
    text(
      tx,
      ty,
      shown.text,
      {
        "text-anchor": "middle",
        transform: `rotate(-90 ${tx.toFixed(2)} ${ty.toFixed(2)})`,
        class: "axis-title",
      },
      shown.truncated ? title : undefined,
    ),
  );
  return group(parts, { class: "axis y-axis" });
}

/** A <clipPath> for the frame; use `clip-path="url(#id)"` on the data layer. */
export function clipPath(id: string, frame: Frame): string {
  return el("defs", {}, [
    el("clipPath", { id }, [rect(frame.left, frame.top, frame.width, frame.height)]),
  ]);
}

export function frameBorder(frame: Frame): string {
  return rect(frame.left, frame.top, frame.width, frame.height, {
    fill: "none",
    stroke: PALETTE.lightGrey,
    class: "frame",
  });
}

export interface LegendItem {
  /** Shortened with an ellipsis beyond `maxLabelWidth` of {@link legend} (full text as a tooltip). */
  label: string;
  /** Markup of the symbol, drawn in a 14×14 box whose top-left corner is (0, 0). */
  symbol: (x: number, y: number) => string;
}

/**
 * A legend starting at (x, y) (baseline of the first line), wrapping to new lines at `maxWidth`.
 * Returns the markup, the width used and the number of lines.
 */
export function legend(
  items: LegendItem[],
  x: number,
  y: number,
  f: number,
  maxWidth = Number.POSITIVE_INFINITY,
  maxLabelWidth = 260,
): { markup: string; width: number; lines: number } {
  const parts: string[] = [];
  let cx = x;
  let cy = y;
  let lines = 1;
  let widest = 0;
  for (const item of items) {
    const label = truncate(item.label, Math.min(maxLabelWidth, maxWidth - 18), f);
    const w = 18 + textWidth(label.text, f);
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      cy += f * 1.6;
      lines += 1;
    }
    parts.push(item.symbol(cx, cy - f * 0.85));
    parts.push(
      text(
        cx + 18,
        cy,
        label.text,
        { class: "legend-label" },
        label.truncated ? item.label : undefined,
      ),
    );
    widest = Math.max(widest, cx + w - x);
    cx += w + 16;
  }
  return { markup: group(parts, { class: "legend" }), width: widest, lines };
}

/** Number of lines {@link legend} needs for `items` within `maxWidth`. */
export function legendLines(items: LegendItem[], f: number, maxWidth: number): number {
  return legend(items, 0, 0, f, maxWidth).lines;
}

/** Marker shapes that tell groups apart without colour, in the order groups get them. */
export const MARKER_SHAPES = ["circle", "square", "triangle", "diamond", "triangle-down"] as const;
export type MarkerShape = (typeof MARKER_SHAPES)[number];

/**
 * How far a marker of size `r` reaches from its centre, in units of r: the triangles' vertices
 * (1.3r) reach furthest. Room kept between points and the frame scales with it.
 */
export const MARKER_REACH = 1.3;

/**
 * A point marker of size `r` centred at (cx, cy): a circle of radius r, a square and a diamond of
 * about the circle's area, triangles with their vertices 1.3r from the centre (their centroid).
 */
export function marker(
  shape: MarkerShape,
  cx: number,
  cy: number,
  r: number,
  a: Record<string, AttrValue> = {},
  children: string[] = [],
): string {
  if (shape === "circle") return el("circle", { cx, cy, r, ...a }, children);
  if (shape === "square") {
    const h = r * 0.886; // side √π·r: the circle's area
    return el("rect", { x: cx - h, y: cy - h, width: 2 * h, height: 2 * h, ...a }, children);
  }
  const pts: [number, number][] =
    shape === "diamond"
      ? [
          [cx, cy - 1.25 * r],
          [cx + 1.25 * r, cy],
          [cx, cy + 1.25 * r],
          [cx - 1.25 * r, cy],
        ]
      : triangle(cx, cy, MARKER_REACH * r, shape === "triangle" ? 1 : -1);
  return polygon(pts, a, children);
}

/** An equilateral triangle with circumradius R about (cx, cy), apex up (1) or down (−1). */
function triangle(cx: number, cy: number, R: number, up: 1 | -1): [number, number][] {
  const half = (R * Math.sqrt(3)) / 2;
  return [
    [cx, cy - up * R],
    [cx + half, cy + (up * R) / 2],
    [cx - half, cy + (up * R) / 2],
  ];
}

export interface LabelledPoint {
  x: number;
  y: number;
  r: number;
  label: string;
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Places labels next to points (right, left, above, below; diagonally at the top and bottom
 * edges) so that no label covers another label or any point, inside `bounds`. Points are tried
 * in the order given; a label with no free place is left out (its point keeps its tooltip).
 */
export function placeLabels(
  points: LabelledPoint[],
  allPoints: LabelledPoint[],
  bounds: Box,
  f: number,
  maxWidth = 140,
): string[] {
  const placed: Box[] = [];
  const pointBoxes: Box[] = allPoints.map((p) => ({
    x: p.x - p.r,
    y: p.y - p.r,
    width: 2 * p.r,
    height: 2 * p.r,
  }));
  const out: string[] = [];
  for (const p of points) {
    const t = truncate(p.label, maxWidth, f);
    const w = textWidth(t.text, f);
    const h = f * 1.15;
    const candidates: { box: Box; anchor: "start" | "end" | "middle" }[] = [
      { box: { x: p.x + p.r + 3, y: p.y - h / 2, width: w, height: h }, anchor: "start" },
      { box: { x: p.x - p.r - 3 - w, y: p.y - h / 2, width: w, height: h }, anchor: "end" },
      { box: { x: p.x - w / 2, y: p.y - p.r - 2 - h, width: w, height: h }, anchor: "middle" },
      { box: { x: p.x - w / 2, y: p.y + p.r + 2, width: w, height: h }, anchor: "middle" },
    ];
    // A point at the frame's top or bottom edge (a corner, say) has no room for a label beside
    // it: its label may go diagonally below or above. Elsewhere a diagonal label would be read as
    // a neighbour's, so it is left out.
    const atEdge = p.y - h / 2 < bounds.y || p.y + h / 2 > bounds.y + bounds.height;
    if (atEdge)
      candidates.push(
        { box: { x: p.x + p.r, y: p.y - p.r - h, width: w, height: h }, anchor: "start" },
        { box: { x: p.x + p.r, y: p.y + p.r, width: w, height: h }, anchor: "start" },
        { box: { x: p.x - p.r - w, y: p.y - p.r - h, width: w, height: h }, anchor: "end" },
        { box: { x: p.x - p.r - w, y: p.y + p.r, width: w, height: h }, anchor: "end" },
      );
    for (const c of candidates) {
      const b = c.box;
      const inside =
        b.x >= bounds.x &&
        b.y >= bounds.y &&
        b.x + b.width <= bounds.x + bounds.width &&
        b.y + b.height <= bounds.y + bounds.height;
      if (!inside) continue;
      if (placed.some((o) => intersects(o, b))) continue;
      if (pointBoxes.some((o) => intersects(o, b))) continue;
      placed.push(b);
      const tx =
        c.anchor === "start" ? b.x : c.anchor === "end" ? b.x + b.width : b.x + b.width / 2;
      out.push(
        text(
          tx,
          b.y + h * 0.78,
          t.text,
          { "text-anchor": c.anchor, class: "point-label", fill: PALETTE.text },
          t.truncated ? p.label : undefined,
        ),
      );
      break;
    }
  }
  return out;
}
