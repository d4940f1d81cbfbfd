/**
 * Bounding boxes read from the SVG alone, for tests that keep points and labels inside the frame
 * and the figure: shapes from their attributes, text from the package's width estimate (the same
 * metrics the layout uses; render.test.ts checks the real glyph boxes in Chromium).
 */
import { textWidth } from "../src/text.js";
import { findAll, hasClass, textOf, type XmlNode } from "./xml.js";

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An attribute looked up on the node, then on its ancestors (as SVG inherits presentation). */
export function inherited(n: XmlNode, name: string): string | undefined {
  for (let at: XmlNode | null = n; at; at = at.parent) {
    const v = at.attrs[name];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The box of a circle, rect or polygon (stroke not included); null for other elements. */
export function shapeBox(n: XmlNode): Box | null {
  const a = (k: string) => Number(n.attrs[k]);
  if (n.name === "circle")
    return { x: a("cx") - a("r"), y: a("cy") - a("r"), width: 2 * a("r"), height: 2 * a("r") };
  if (n.name === "rect") return { x: a("x"), y: a("y"), width: a("width"), height: a("height") };
  if (n.name === "polygon") {
    const pts = n.attrs.points
      .trim()
      .split(/\s+/)
      .map((p) => p.split(",").map(Number));
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
  }
  return null;
}

/**
 * The estimated box of a <text>: width from the text metrics at its font size and weight, placed
 * by its text-anchor; 0.8 em above the baseline and 0.25 em below. A rotate(−90) turns it upright.
 */
export function textBox(n: XmlNode): Box {
  const f = Number(inherited(n, "font-size") ?? 12);
  const bold = inherited(n, "font-weight") === "bold";
  const w = textWidth(textOf(n), f, bold);
  const anchor = inherited(n, "text-anchor") ?? "start";
  const x = Number(n.attrs.x);
  const y = Number(n.attrs.y);
  const start = anchor === "end" ? x - w : anchor === "middle" ? x - w / 2 : x;
  const box = { x: start, y: y - 0.8 * f, width: w, height: 1.05 * f };
  const rotate = /rotate\(-90 ([\d.-]+) ([\d.-]+)\)/.exec(n.attrs.transform ?? "");
  if (!rotate) return box;
  // (x, y) → (cx + (y − cy), cy − (x − cx)) for a quarter turn anticlockwise about (cx, cy).
  const cx = Number(rotate[1]);
  const cy = Number(rotate[2]);
  return {
    x: cx + (box.y - cy),
    y: cy - (box.x + box.width - cx),
    width: box.height,
    height: box.width,
  };
}

export function inside(inner: Box, outer: Box, tolerance = 0.01): boolean {
  return (
    inner.x >= outer.x - tolerance &&
    inner.y >= outer.y - tolerance &&
    inner.x + inner.width <= outer.x + outer.width + tolerance &&
    inner.y + inner.height <= outer.y + outer.height + tolerance
  );
}

export function viewBox(svg: XmlNode): Box {
  const [x, y, width, height] = svg.attrs.viewBox.split(/\s+/).map(Number);
  return { x, y, width, height };
}

/**
 * Every shape and every non-empty text, with its box; not the background, nothing in <defs>, and
 * nothing under a clip path (the frame trims it; points under one are checked against the frame).
 */
export function drawnBoxes(svg: XmlNode): { what: string; box: Box }[] {
  const trimmed = (n: XmlNode) => {
    for (let at: XmlNode | null = n; at; at = at.parent)
      if (at.name === "defs" || at.attrs["clip-path"] !== undefined) return true;
    return false;
  };
  const out: { what: string; box: Box }[] = [];
  for (const n of findAll(svg, () => true)) {
    if (trimmed(n) || hasClass("background")(n)) continue;
    if (n.name === "text") {
      if (textOf(n).trim() !== "") out.push({ what: `text "${textOf(n)}"`, box: textBox(n) });
      continue;
    }
    const box = shapeBox(n);
    if (box) out.push({ what: `${n.name}.${n.attrs.class ?? ""}`, box });
  }
  return out;
}

/** What lies (partly) outside the SVG's viewBox: a list for toEqual([]). */
export function outsideViewBox(svg: XmlNode): string[] {
  const vb = viewBox(svg);
  return drawnBoxes(svg)
    .filter((d) => !inside(d.box, vb))
    .map((d) => d.what);
}

/** The plotting frames (rect.frame) of a figure. */
export function frames(svg: XmlNode): Box[] {
  return findAll(svg, hasClass("frame")).map((n) => shapeBox(n) as Box);
}
