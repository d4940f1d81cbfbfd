/** PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71) from counts. */

import { checkPrismaCounts, fmtCount, type PrismaFlow, resolveFlow } from "@pooled/contract";
import { plural } from "./format.js";
import { group, line, PALETTE, polygon, rect, svgDocument, text } from "./svg.js";
import { textWidth, wrapText } from "./text.js";
import type { PlotOptions, PrismaInput } from "./types.js";

const MARGIN = 14;
// Widths (px) of the phases' column, the main boxes (the flow down) and the side boxes (removals
// and exclusions), and where the boxes start.
const PHASE_WIDTH = 26;
const MAIN_WIDTH = 270;
const SIDE_WIDTH = 300;
const MAIN_X = MARGIN + PHASE_WIDTH + 16;
const SIDE_X = MAIN_X + MAIN_WIDTH + 50;
// Padding (px) inside a box, and the vertical gap between stages.
const PAD = 9;
const STAGE_GAP = 30;

/** A box's text: lines (bold, or indented as a bullet) and the box's class. */
interface BoxSpec {
  lines: { text: string; bold?: boolean; indent?: boolean }[];
  className: string;
}

/** A row of the diagram: its phase (Identification, Screening, Included), main and side boxes. */
interface Stage {
  phase: string;
  main: BoxSpec;
  side?: BoxSpec;
}

/** A box's lines wrapped to its width, each with its indent, and the box's height. */
interface BoxLayout {
  wrapped: { text: string; bold?: boolean; x: number }[];
  height: number;
}

/**
 * PRISMA 2020 flow diagram for new systematic reviews (databases and registers only; Page et al.
 * 2021, BMJ 372:n71, figure 1): records identified (optionally split into databases and
 * registers), removed before screening (duplicates; automation tools and other reasons when
 * given), screened and excluded, reports sought and not retrieved (always drawn; 0 is a count),
 * reports assessed and excluded with reasons, studies included. Counts that do not add up
 * ({@link checkPrismaCounts}) are drawn as given, with the problems printed under the diagram
 * and in the description, never silently.
 */
export function prismaPlot(input: PrismaInput, options: PlotOptions = {}): string {
  const f = options.fontSize ?? 12;
  const flow = resolveFlow(input);
  const problems = checkPrismaCounts(input);
  const title = input.title ?? "PRISMA 2020 flow diagram";
  let y = MARGIN;
  const body: string[] = [
    text(MARGIN, y + f * 1.2, title, {
      "font-size": f * 1.25,
      "font-weight": "bold",
      class: "plot-title",
    }),
  ];
  y += f * 1.25 + 16;
  const stages = drawStages(prismaStages(input, flow), y, f);
  body.push(...stages.boxes, group(stages.arrows, { class: "arrows" }));
  body.push(...stages.phases.map((p) => phaseLabel(p, f)));
  y = stages.bottom;
  const width = SIDE_X + SIDE_WIDTH + MARGIN;
  if (problems.length) {
    const note = countWarnings(problems, y, width, f);
    body.push(note.markup);
    y = note.bottom;
  }
  return svgDocument({
    width,
    height: y - STAGE_GAP + MARGIN,
    title,
    desc: prismaDescription(input, flow, problems),
    idPrefix: options.idPrefix ?? "pooled-prisma",
    fontSize: f,
    body,
  });
}

/** The diagram's rows, top to bottom, with their counts written out. */
function prismaStages(input: PrismaInput, flow: PrismaFlow): Stage[] {
  const includedLines = [
    { text: `Studies included in review (n = ${fmtCount(flow.included)})`, bold: true },
  ];
  if (flow.includedReports !== null) {
    includedLines.push({
      text: `Reports of included studies (n = ${fmtCount(flow.includedReports)})`,
      bold: false,
    });
  }
  const single = (s: string, className: string): BoxSpec => ({ lines: [{ text: s }], className });
  return [
    {
      phase: "Identification",
      main: { lines: identifiedLines(flow), className: "box-identified" },
      side: { lines: removedLines(flow), className: "box-duplicates box-removed" },
    },
    {
      phase: "Screening",
      main: single(`Records screened (n = ${fmtCount(flow.screened)})`, "box-screened"),
      side: single(
        `Records excluded (n = ${fmtCount(flow.excludedScreening)})`,
        "box-excluded-screening",
      ),
    },
    {
      phase: "Screening",
      main: single(`Reports sought for retrieval (n = ${fmtCount(flow.sought)})`, "box-sought"),
      side: single(
        `Reports not retrieved (n = ${fmtCount(flow.notRetrieved)})`,
        "box-not-retrieved",
      ),
    },
    {
      phase: "Screening",
      main: single(
        `Reports assessed for eligibility (n = ${fmtCount(flow.assessed)})`,
        "box-assessed",
      ),
      side: {
        lines: [
          {
            text: `Reports excluded (n = ${fmtCount(flow.excludedTotal)})${input.fullTextExcluded.length ? ":" : ""}`,
          },
          ...input.fullTextExcluded.map((r) => ({
            text: `${r.reason} (n = ${fmtCount(r.n)})`,
            indent: true,
          })),
        ],
        className: "box-excluded-fulltext",
      },
    },
    { phase: "Included", main: { lines: includedLines, className: "box-included" } },
  ];
}

/** Records identified, split into databases and registers when both counts are known. */
function identifiedLines(flow: PrismaFlow): BoxSpec["lines"] {
  return flow.databases !== null && flow.registers !== null
    ? [
        { text: `Records identified from (n = ${fmtCount(flow.identified)}):` },
        { text: `Databases (n = ${fmtCount(flow.databases)})`, indent: true },
        { text: `Registers (n = ${fmtCount(flow.registers)})`, indent: true },
      ]
    : [
        {
          text: `Records identified from databases and registers (n = ${fmtCount(flow.identified)})`,
        },
      ];
}

/** Records removed before screening: duplicates, and automation and other reasons when given. */
function removedLines(flow: PrismaFlow): BoxSpec["lines"] {
  const lines: BoxSpec["lines"] = [
    { text: "Records removed before screening:" },
    { text: `Duplicate records removed (n = ${fmtCount(flow.duplicatesRemoved)})`, indent: true },
  ];
  if (flow.automationRemoved !== null)
    lines.push({
      text: `Records marked as ineligible by automation tools (n = ${fmtCount(flow.automationRemoved)})`,
      indent: true,
    });
  if (flow.otherRemoved !== null)
    lines.push({
      text: `Records removed for other reasons (n = ${fmtCount(flow.otherRemoved)})`,
      indent: true,
    });
  return lines;
}

/**
 * The stages from `top` down: each stage as tall as its tallest box (or its phase's rotated name,
 * when the phase has that stage alone), boxes centred in it, arrows down the main column and
 * across to the side boxes; the spans of the phases, and the bottom (one gap below the last).
 */
function drawStages(
  stages: Stage[],
  top: number,
  f: number,
): {
  boxes: string[];
  arrows: string[];
  phases: { phase: string; top: number; bottom: number }[];
  bottom: number;
} {
  const boxes: string[] = [];
  const arrows: string[] = [];
  const phases: { phase: string; top: number; bottom: number }[] = [];
  let y = top;
  let prevMainBottom: number | null = null;
  for (const st of stages) {
    const m = layoutBox(st.main, MAIN_WIDTH, f);
    const s = st.side ? layoutBox(st.side, SIDE_WIDTH, f) : null;
    // A phase with a single stage needs room for its rotated name.
    const alone = stages.filter((o) => o.phase === st.phase).length === 1;
    const phaseMin = alone ? textWidth(st.phase, f, true) + 18 : 0;
    const rowH = Math.max(m.height, s?.height ?? 0, phaseMin);
    const mainY = y + (rowH - m.height) / 2;
    boxes.push(drawBox(MAIN_X, mainY, MAIN_WIDTH, m, st.main.className, f));
    if (s && st.side) {
      const sideY = y + (rowH - s.height) / 2;
      boxes.push(drawBox(SIDE_X, sideY, SIDE_WIDTH, s, st.side.className, f));
      const ay = y + rowH / 2;
      arrows.push(arrow(MAIN_X + MAIN_WIDTH, ay, SIDE_X, ay));
    }
    if (prevMainBottom !== null)
      arrows.push(arrow(MAIN_X + MAIN_WIDTH / 2, prevMainBottom, MAIN_X + MAIN_WIDTH / 2, mainY));
    prevMainBottom = mainY + m.height;
    const last = phases[phases.length - 1];
    if (last && last.phase === st.phase) last.bottom = y + rowH;
    else phases.push({ phase: st.phase, top: y, bottom: y + rowH });
    y += rowH + STAGE_GAP;
  }
  return { boxes, arrows, phases, bottom: y };
}

/** A box's lines wrapped to `width` less its padding; indented lines become bullets. */
function layoutBox(spec: BoxSpec, width: number, f: number): BoxLayout {
  const lineH = f * 1.35;
  const wrapped: BoxLayout["wrapped"] = [];
  for (const l of spec.lines) {
    const indent = l.indent ? 12 : 0;
    const parts = wrapText(l.text, width - 2 * PAD - indent - (l.indent ? 8 : 0), f, l.bold);
    for (const [i, p] of parts.entries()) {
      wrapped.push({
        text: (l.indent && i === 0 ? "• " : "") + p,
        bold: l.bold,
        x: indent + (l.indent && i > 0 ? 9 : 0),
      });
    }
  }
  return { wrapped, height: wrapped.length * lineH + 2 * PAD };
}

/** A rounded box at (x, y), `w` wide, with its wrapped lines. */
function drawBox(
  x: number,
  y: number,
  w: number,
  box: BoxLayout,
  className: string,
  f: number,
): string {
  const lineH = f * 1.35;
  const parts = [
    rect(x, y, w, box.height, {
      fill: "#FFFFFF",
      stroke: PALETTE.text,
      "stroke-width": 1,
      rx: 3,
      class: "box",
    }),
  ];
  box.wrapped.forEach((l, i) => {
    parts.push(
      text(x + PAD + l.x, y + PAD + lineH * i + f * 0.95, l.text, {
        "font-weight": l.bold ? "bold" : undefined,
      }),
    );
  });
  return group(parts, { class: `prisma-box ${className}` });
}

/** A phase's name, rotated, in a bar as tall as its stages. */
function phaseLabel(p: { phase: string; top: number; bottom: number }, f: number): string {
  const cx = MARGIN + PHASE_WIDTH / 2;
  const cy = (p.top + p.bottom) / 2;
  return group(
    [
      rect(MARGIN, p.top, PHASE_WIDTH, p.bottom - p.top, {
        fill: "#CFE3F1",
        stroke: PALETTE.blue,
        "stroke-width": 0.8,
        rx: 4,
      }),
      text(cx + f * 0.35, cy, p.phase, {
        "text-anchor": "middle",
        "font-weight": "bold",
        transform: `rotate(-90 ${(cx + f * 0.35).toFixed(2)} ${cy.toFixed(2)})`,
      }),
    ],
    { class: "phase" },
  );
}

/**
 * Inconsistent counts are drawn as given, with the problems in plain sight under the diagram:
 * a bold warning, then each problem as a bullet wrapped to the figure's width.
 */
function countWarnings(
  problems: string[],
  y: number,
  width: number,
  f: number,
): { markup: string; bottom: number } {
  const lines: { text: string; bold: boolean }[] = [
    { text: "Warning: these counts do not add up.", bold: true },
  ];
  for (const p of problems) {
    for (const [i, part] of wrapText(p, width - 2 * MARGIN - 12, f * 0.95).entries())
      lines.push({ text: `${i === 0 ? "• " : "   "}${part}`, bold: false });
  }
  const note = lines.map((l, i) =>
    text(MARGIN, y + f * 0.95 * (1 + 1.4 * i), l.text, {
      "font-weight": l.bold ? "bold" : undefined,
    }),
  );
  return {
    markup: group(note, {
      class: "prisma-warnings",
      fill: PALETTE.vermillion,
      "font-size": f * 0.95,
    }),
    bottom: y + f * 0.95 * 1.4 * lines.length + STAGE_GAP / 2,
  };
}

/** The SVG's description: the flow in one sentence, and the problems with the counts. */
function prismaDescription(input: PrismaInput, flow: PrismaFlow, problems: string[]): string {
  const reasons = input.fullTextExcluded.map((r) => `${r.reason} (${fmtCount(r.n)})`).join(", ");
  const removedExtra = [
    flow.automationRemoved === null
      ? ""
      : `, ${fmtCount(flow.automationRemoved)} marked as ineligible by automation tools`,
    flow.otherRemoved === null ? "" : `, ${fmtCount(flow.otherRemoved)} removed for other reasons`,
  ].join("");
  const split =
    flow.databases !== null && flow.registers !== null
      ? ` (${fmtCount(flow.databases)} from databases, ${fmtCount(flow.registers)} from registers)`
      : "";
  return (
    `PRISMA 2020 flow: ${plural(flow.identified, "record")} identified${split}, ` +
    `${plural(flow.duplicatesRemoved, "duplicate")} removed${removedExtra}, ` +
    `${fmtCount(flow.screened)} screened, ${fmtCount(flow.excludedScreening)} excluded, ` +
    `${flow.sought === null ? "? reports" : plural(flow.sought, "report")} sought for retrieval, ` +
    `${fmtCount(flow.notRetrieved)} not retrieved, ${fmtCount(flow.assessed)} assessed for eligibility, ` +
    `${fmtCount(flow.excludedTotal)} excluded${reasons ? ` (${reasons})` : ""}, ` +
    `${plural(flow.included, "study")} included.` +
    (problems.length ? ` Warning: the counts do not add up. ${problems.join(" ")}` : "")
  );
}

/** An arrow from (x1, y1) to (x2, y2): a line and an 8 px head. */
function arrow(x1: number, y1: number, x2: number, y2: number): string {
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  const ux = (x2 - x1) / len;
  const uy = (y2 - y1) / len;
  const hx = x2 - ux * 8;
  const hy = y2 - uy * 8;
  return (
    line(x1, y1, hx, hy, { stroke: PALETTE.text, "stroke-width": 1.2 }) +
    polygon(
      [
        [x2, y2],
        [hx - uy * 4, hy + ux * 4],
        [hx + uy * 4, hy - ux * 4],
      ],
      { fill: PALETTE.text },
    )
  );
}
