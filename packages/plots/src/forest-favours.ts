/**
 * The favours labels of a forest plot: under the effect axis, either side of the null line, the
 * arm or condition each side of the axis favours ("← Favours control", "Favours treatment →").
 */
import { text } from "./svg.js";
import { textWidth, truncate, wrapText } from "./text.js";
import type { FavoursLabels } from "./types.js";

// Gap (px) between the null line and each favours label.
const FAVOURS_GAP = 6;
// Width (px) a favours label may take before wrapping, even on a short side of the axis.
export const FAVOURS_MIN_LINE = 160;
// Most lines of one favours label; the last one ends with an ellipsis when the text goes on.
const FAVOURS_LINES = 2;

/**
 * The favours labels under the axis, either side of the null line: "← left" right-aligned
 * FAVOURS_GAP px before it, "right →" left-aligned after it, each label on its own side whatever
 * the axis' range (a null line near the axis' left end puts the left label under the empty band
 * below the table columns, never right of the null line). Each may fill its side of the axis, or
 * `minLine` px when that side is shorter, within the figure's margins (`bounds`); a longer label
 * wraps to FAVOURS_LINES lines, the last shortened with an ellipsis and the full text kept as a
 * tooltip.
 */
export function favoursLabels(
  favours: FavoursLabels,
  range: [number, number],
  nullX: number,
  bounds: [number, number],
  minLine: number,
  firstBaseline: number,
  f: number,
): { markup: string[]; lastBaseline: number } {
  const axisLeft = Math.min(range[0], range[1]);
  const axisRight = Math.max(range[0], range[1]);
  const at = Math.min(Math.max(nullX, axisLeft), axisRight);
  // Each label may fill its side of the axis, or `minLine` px past the axis' end when that side
  // is short; never past the figure's margins.
  const leftMax = Math.min(
    Math.max(at - axisLeft - FAVOURS_GAP, minLine),
    at - FAVOURS_GAP - bounds[0],
  );
  const rightMax = Math.min(
    Math.max(axisRight - at - FAVOURS_GAP, minLine),
    bounds[1] - at - FAVOURS_GAP,
  );
  const left = favoursLines(favours.left, "left", leftMax, f);
  const right = favoursLines(favours.right, "right", rightMax, f);
  const markup: string[] = [];
  const lineH = f * 1.2;
  const draw = (lines: ReturnType<typeof favoursLines>, side: "left" | "right", full: string) => {
    lines.lines.forEach((content, i) => {
      markup.push(
        text(
          side === "left" ? at - FAVOURS_GAP : at + FAVOURS_GAP,
          firstBaseline + i * lineH,
          content,
          {
            "text-anchor": side === "left" ? "end" : "start",
            class: `favours favours-${side}`,
            "font-style": "italic",
          },
          lines.truncated ? full : undefined,
        ),
      );
    });
  };
  draw(left, "left", favours.left);
  draw(right, "right", favours.right);
  const n = Math.max(left.lines.length, right.lines.length);
  return { markup, lastBaseline: firstBaseline + (n - 1) * lineH };
}

/**
 * One favours label as lines no wider than `maxWidth`, the arrow on the first line pointing away
 * from the null line; whether text was left out, and the widest line.
 */
function favoursLines(
  label: string,
  side: "left" | "right",
  maxWidth: number,
  f: number,
): { lines: string[]; truncated: boolean; width: number } {
  const withArrow = (s: string) => (side === "left" ? `← ${s}` : `${s} →`);
  const budget = Math.max(0, maxWidth - textWidth(withArrow(""), f));
  const words = label.split(/\s+/).filter((w) => w !== "");
  let lines = wrapText(label, budget, f);
  let truncated = lines.join(" ") !== words.join(" ");
  if (lines.length > FAVOURS_LINES) {
    const rest = lines.slice(FAVOURS_LINES - 1).join(" ");
    lines = [...lines.slice(0, FAVOURS_LINES - 1), truncate(rest, budget, f).text];
    truncated = true;
  }
  lines[0] = withArrow(lines[0] ?? "");
  return { lines, truncated, width: Math.max(...lines.map((l) => textWidth(l, f))) };
}
