/**
 * The frame every x-y plot shares (funnel, Galbraith, bubble, Baujat, GOSH): the figure's size,
 * room for the title above the frame, room for the x axis and whatever follows it below, room for
 * the y axis' labels at the left, the frame narrowed until the end tick labels of the x axis fit,
 * and the document around the plot's own layers (clip path, title, border, axes).
 */
import {
  clipPath,
  type Frame,
  fitFrameToXTicks,
  frameBorder,
  type LabelledPoint,
  placeLabels,
  plotTitle,
  xAxis,
  yAxis,
  yAxisWidth,
} from "./chart.js";
import type { Scale } from "./scale.js";
import { group, svgDocument } from "./svg.js";
import type { ScatterOptions } from "./types.js";

/** Space (px) between the figure's edges and its content. */
export const SCATTER_MARGIN = 14;
/** Least room (px) between an end tick label of the x axis and the SVG's left or right edge. */
const TICK_LABEL_ROOM = 6;

/** A figure's font size, width, height and the prefix of its element ids. */
export interface ScatterSize {
  f: number;
  width: number;
  height: number;
  idPrefix: string;
}

/** The size an x-y plot is drawn at: the options given, else 600 × 460 px at a 12 px font. */
export function scatterSize(
  options: Omit<ScatterOptions, "maxLabels">,
  defaultIdPrefix: string,
): ScatterSize {
  return {
    f: options.fontSize ?? 12,
    width: options.width ?? 600,
    height: options.height ?? 460,
    idPrefix: options.idPrefix ?? defaultIdPrefix,
  };
}

/** Height (px) the x axis takes under the frame: tick marks, tick labels and the axis title. */
export function xAxisSpace(f: number): number {
  return 6 + f + f * 1.6;
}

/** A laid-out x-y plot: its size, frame, scales and the id of the frame's clip path. */
export interface ScatterFrame extends ScatterSize {
  title?: string;
  frame: Frame;
  xs: Scale;
  ys: Scale;
  clipId: string;
}

export interface ScatterFrameSpec {
  /** The plot's title, drawn above the frame when given. */
  title?: string;
  /** Height (px) from the frame's bottom edge to the SVG's: {@link xAxisSpace} and what follows. */
  bottomSpace: number;
  /**
   * The y scale of a frame. It may use only the frame's top and height, which fitting the x axis
   * keeps, so one scale serves the frame before and after fitting.
   */
  y: (frame: Frame) => Scale;
  /** The x scale of a frame, which may depend on the y scale (the funnel's region at its base). */
  x: (frame: Frame, ys: Scale) => Scale;
}

/**
 * Lays out an x-y plot: the frame starts under the title and ends `bottomSpace` px above the
 * SVG's bottom, its left edge leaves room for the y tick labels and the rotated y title, and it is
 * narrowed until the end tick labels of the x axis lie inside the SVG (see fitFrameToXTicks).
 */
export function scatterFrame(size: ScatterSize, spec: ScatterFrameSpec): ScatterFrame {
  const { f, width, height } = size;
  const top = SCATTER_MARGIN + (spec.title ? f * 1.25 + 12 : 0);
  const frameHeight = height - top - spec.bottomSpace;
  const ys = spec.y({ left: 0, top, width: 1, height: frameHeight });
  const left = SCATTER_MARGIN + yAxisWidth(ys, f);
  const { frame, scale: xs } = fitFrameToXTicks(
    { left, top, width: width - left - SCATTER_MARGIN - TICK_LABEL_ROOM, height: frameHeight },
    (fr) => spec.x(fr, ys),
    f,
    width,
    TICK_LABEL_ROOM,
  );
  return { ...size, title: spec.title, frame, xs, ys, clipId: `${size.idPrefix}-clip` };
}

/** Bottom (px) of the x axis: the baseline of its title, {@link xAxisSpace} under the frame. */
export function xAxisBottom(sc: ScatterFrame): number {
  const { frame, f } = sc;
  return frame.top + frame.height + 6 + f + f * 1.6;
}

/** A layer of the plot clipped to the frame (lines and regions that may run past it). */
export function clippedLayer(sc: ScatterFrame, parts: string[], className: string): string {
  return group(parts, { "clip-path": `url(#${sc.clipId})`, class: className });
}

/**
 * Labels next to the `chosen` points where they fit without covering other labels or any point
 * (see placeLabels), inside the frame less 2 px, at 90% of the font size.
 */
export function pointLabels(
  sc: ScatterFrame,
  chosen: LabelledPoint[],
  all: LabelledPoint[],
): string {
  const { frame, f } = sc;
  return group(
    placeLabels(
      chosen,
      all,
      { x: frame.left + 2, y: frame.top + 2, width: frame.width - 4, height: frame.height - 4 },
      f * 0.9,
    ),
    { class: "labels", "font-size": f * 0.9 },
  );
}

/** What an x-y plot draws in its frame, the titles of its axes and what it says about itself. */
export interface ScatterLayers {
  /** Drawn before the frame's border, e.g. a {@link clippedLayer} of regions and lines. */
  under?: string;
  /** Drawn over the border: points and their labels. */
  points: string[];
  xTitle: string;
  yTitle: string;
  /** Drawn after the axes: a legend or a note under them. */
  after?: string[];
  /** Width of the SVG when something below the axes is wider than the figure. */
  width?: number;
  /** Accessible name and description of the SVG. */
  title: string;
  desc: string;
}

/**
 * The SVG of an x-y plot: the frame's clip path, the title, the plot's layers under the border,
 * the border, the points, the axes and what goes under them, in that order.
 */
export function scatterDocument(sc: ScatterFrame, layers: ScatterLayers): string {
  const body: string[] = [clipPath(sc.clipId, sc.frame)];
  if (sc.title) body.push(plotTitle(sc.title, sc.width, SCATTER_MARGIN, sc.f));
  if (layers.under !== undefined) body.push(layers.under);
  body.push(frameBorder(sc.frame), ...layers.points);
  body.push(xAxis(sc.xs, sc.frame, sc.f, layers.xTitle));
  body.push(yAxis(sc.ys, sc.frame, sc.f, layers.yTitle));
  body.push(...(layers.after ?? []));
  return svgDocument({
    width: layers.width ?? sc.width,
    height: sc.height,
    title: layers.title,
    desc: layers.desc,
    idPrefix: sc.idPrefix,
    fontSize: sc.f,
    body,
  });
}
