/**
 * Small helpers that write SVG markup as strings: escaping, elements, the document wrapper,
 * the font stack and the colour palette shared by every plot.
 */

/** Sans-serif stack: metric-compatible Helvetica/Arial faces first, then common fallbacks. */
export const FONT_FAMILY =
  "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', 'DejaVu Sans', sans-serif";

/** Okabe & Ito (2008) colour-blind-safe palette, plus neutral greys. */
export const PALETTE = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
  grey: "#767676",
  lightGrey: "#D9D9D9",
  paleGrey: "#F2F2F2",
  text: "#1A1A1A",
} as const;

/** Characters XML 1.0 allows: tab, newline, carriage return, and U+0020 upwards except U+FFFE/FFFF. */
function isXmlChar(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
}

/** Escapes text and attribute values (XML entities); drops characters XML 1.0 forbids. */
export function escapeXml(value: string): string {
  return Array.from(value)
    .filter(isXmlChar)
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export type AttrValue = string | number | null | undefined | false;

/** Numbers in coordinates: two decimals are plenty and keep files small. */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`non-finite coordinate ${x}`);
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

function attrs(a: Record<string, AttrValue>): string {
  let out = "";
  for (const [key, value] of Object.entries(a)) {
    if (value === null || value === undefined || value === false) continue;
    const text = typeof value === "number" ? num(value) : escapeXml(value);
    out += ` ${key}="${text}"`;
  }
  return out;
}

/** An element; `children` are markup strings already built (never raw text: use {@link text}). */
export function el(
  name: string,
  a: Record<string, AttrValue> = {},
  children: string[] = [],
): string {
  if (children.length === 0) return `<${name}${attrs(a)}/>`;
  return `<${name}${attrs(a)}>${children.join("")}</${name}>`;
}

/**
 * A <text> element. `tooltip` adds a <title> child (shown on hover), used when a label was
 * shortened so that the full text stays available.
 */
export function text(
  x: number,
  y: number,
  content: string,
  a: Record<string, AttrValue> = {},
  tooltip?: string,
): string {
  const title = tooltip ? `<title>${escapeXml(tooltip)}</title>` : "";
  return `<text${attrs({ x, y, ...a })}>${title}${escapeXml(content)}</text>`;
}

export function line(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  a: Record<string, AttrValue> = {},
) {
  return el("line", { x1, y1, x2, y2, ...a });
}

export function rect(
  x: number,
  y: number,
  width: number,
  height: number,
  a: Record<string, AttrValue> = {},
) {
  return el("rect", { x, y, width, height, ...a });
}

export function polygon(
  points: [number, number][],
  a: Record<string, AttrValue> = {},
  children: string[] = [],
) {
  return el(
    "polygon",
    { points: points.map(([x, y]) => `${num(x)},${num(y)}`).join(" "), ...a },
    children,
  );
}

export function group(children: string[], a: Record<string, AttrValue> = {}) {
  return el("g", a, children.length ? children : [""]);
}

export interface SvgDocument {
  width: number;
  height: number;
  /** Short accessible name (the SVG <title>). */
  title: string;
  /** Longer description of what the plot shows (the SVG <desc>). */
  desc: string;
  idPrefix: string;
  fontSize: number;
  body: string[];
}

/** A complete standalone SVG document with <title>, <desc>, a white background and the font. */
export function svgDocument(doc: SvgDocument): string {
  const w = Math.ceil(doc.width);
  const h = Math.ceil(doc.height);
  const titleId = `${doc.idPrefix}-title`;
  const descId = `${doc.idPrefix}-desc`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${w}" height="${h}" ` +
    `viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${escapeXml(titleId)} ${escapeXml(descId)}" ` +
    `font-family="${escapeXml(FONT_FAMILY)}" font-size="${num(doc.fontSize)}" fill="${PALETTE.text}">\n` +
    `<title id="${escapeXml(titleId)}">${escapeXml(doc.title)}</title>\n` +
    `<desc id="${escapeXml(descId)}">${escapeXml(doc.desc)}</desc>\n` +
    `${rect(0, 0, w, h, { fill: "#FFFFFF", class: "background" })}\n` +
    doc.body.join("\n") +
    `\n</svg>\n`
  );
}

/** A <title> child (tooltip) for any element. */
export function tooltip(s: string): string {
  return `<title>${escapeXml(s)}</title>`;
}
