/**
 * Text width estimation without a browser. Advance widths of Helvetica/Arial (Liberation Sans is
 * metric-compatible) in 1/1000 em; other characters get a wide default. A safety factor covers
 * wider fallback faces (DejaVu Sans is about 8% wider than Arial).
 */

// Advance widths of printable ASCII 32..126 (Helvetica AFM metrics).
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
  556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
  611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
  667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
  222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

// Some frequent non-ASCII characters in reviews and in Pooled's own text.
const OTHER_WIDTHS: Record<string, number> = {
  µ: 556,
  τ: 556,
  "²": 333,
  χ: 556,
  "−": 584,
  "–": 556,
  "—": 1000,
  "…": 1000,
  "±": 584,
  "≥": 584,
  "≤": 584,
  "·": 278,
  "√": 549,
  "₁": 333,
  "₂": 333,
  é: 556,
  è: 556,
  ü: 556,
  ö: 556,
  ä: 556,
  ß: 611,
  // Arrows of the favours labels: 1000 in Arial/Liberation Sans, 838 in DejaVu Sans.
  "←": 1000,
  "→": 1000,
};

/** Multiplier applied to every estimate, so that wider fallback fonts still fit. */
export const WIDTH_SAFETY = 1.08;

/** Estimated width in px of `s` at `fontSize`, optionally bold (bold Helvetica is about 6% wider). */
export function textWidth(s: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 32 && code <= 126) units += ASCII_WIDTHS[code - 32];
    else units += OTHER_WIDTHS[ch] ?? (code >= 0x2e80 ? 1000 : 600);
  }
  return (units / 1000) * fontSize * WIDTH_SAFETY * (bold ? 1.06 : 1);
}

/**
 * Shortens `s` with an ellipsis so that its estimated width is at most `maxWidth`.
 * Returns the text and whether it was shortened.
 */
export function truncate(
  s: string,
  maxWidth: number,
  fontSize: number,
  bold = false,
): { text: string; truncated: boolean } {
  if (textWidth(s, fontSize, bold) <= maxWidth) return { text: s, truncated: false };
  const chars = Array.from(s);
  let lo = 0;
  let hi = chars.length;
  // Longest prefix that fits with the ellipsis (binary search on the prefix length).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const candidate = chars.slice(0, mid).join("").trimEnd() + "…";
    if (textWidth(candidate, fontSize, bold) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return { text: chars.slice(0, lo).join("").trimEnd() + "…", truncated: true };
}

/** Greedy word wrap to lines no wider than `maxWidth`; words longer than a line are truncated. */
export function wrapText(s: string, maxWidth: number, fontSize: number, bold = false): string[] {
  const words = s.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    const candidate = current ? `${current} ${word}` : word;
    if (textWidth(candidate, fontSize, bold) <= maxWidth) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    current = truncate(word, maxWidth, fontSize, bold).text;
  }
  if (current) lines.push(current);
  return lines.length ? lines : [""];
}
