/** PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71) from counts. */
import { group, line, PALETTE, polygon, rect, svgDocument, text } from "./svg.js";
import { textWidth, wrapText } from "./text.js";
import type { PlotOptions, PrismaInput } from "./types.js";

const MARGIN = 14;

interface BoxSpec {
  lines: { text: string; bold?: boolean; indent?: boolean }[];
  className: string;
}

/** Thousands separators keep large counts readable. */
function n(x: number): string {
  return x.toLocaleString("en-US");
}

/**
 * PRISMA 2020 flow diagram for new systematic reviews (databases and registers only): records
 * identified, removed before screening, screened and excluded, reports assessed and excluded
 * with reasons, studies included.
 */
export function prismaPlot(input: PrismaInput, options: PlotOptions = {}): string {
  const f = options.fontSize ?? 12;
  const idPrefix = options.idPrefix ?? "pooled-prisma";
  const phaseW = 26;
  const mainW = 270;
  const sideW = 300;
  const mainX = MARGIN + phaseW + 16;
  const sideX = mainX + mainW + 50;
  const lineH = f * 1.35;
  const pad = 9;
  const excludedTotal = input.fullTextExcluded.reduce((a, r) => a + r.n, 0);

  const stages: { phase: string; main: BoxSpec; side?: BoxSpec }[] = [
    {
      phase: "Identification",
      main: {
        lines: [
          { text: `Records identified from databases and registers (n = ${n(input.identified)})` },
        ],
        className: "box-identified",
      },
      side: {
        lines: [
          { text: "Records removed before screening:" },
          { text: `Duplicate records removed (n = ${n(input.duplicatesRemoved)})`, indent: true },
        ],
        className: "box-duplicates",
      },
    },
    {
      phase: "Screening",
      main: {
        lines: [{ text: `Records screened (n = ${n(input.screened)})` }],
        className: "box-screened",
      },
      side: {
        lines: [{ text: `Records excluded (n = ${n(input.excludedScreening)})` }],
        className: "box-excluded-screening",
      },
    },
  ];
  if (input.notRetrieved !== null && input.notRetrieved !== undefined) {
    stages.push({
      phase: "Screening",
      main: {
        lines: [
          {
            text: `Reports sought for retrieval (n = ${n(input.fullTextAssessed + input.notRetrieved)})`,
          },
        ],
        className: "box-sought",
      },
      side: {
        lines: [{ text: `Reports not retrieved (n = ${n(input.notRetrieved)})` }],
        className: "box-not-retrieved",
      },
    });
  }
  stages.push({
    phase: "Screening",
    main: {
      lines: [{ text: `Reports assessed for eligibility (n = ${n(input.fullTextAssessed)})` }],
      className: "box-assessed",
    },
    side: {
      lines: [
        {
          text: `Reports excluded (n = ${n(excludedTotal)})${input.fullTextExcluded.length ? ":" : ""}`,
        },
        ...input.fullTextExcluded.map((r) => ({
          text: `${r.reason} (n = ${n(r.n)})`,
          indent: true,
        })),
      ],
      className: "box-excluded-fulltext",
    },
  });
  const includedLines = [
    { text: `Studies included in review (n = ${n(input.included)})`, bold: true },
  ];
  if (input.includedReports !== null && input.includedReports !== undefined) {
    includedLines.push({
      text: `Reports of included studies (n = ${n(input.includedReports)})`,
      bold: false,
    });
  }
  stages.push({ phase: "Included", main: { lines: includedLines, className: "box-included" } });

  const layoutBox = (spec: BoxSpec, width: number) => {
    const wrapped: { text: string; bold?: boolean; x: number }[] = [];
    for (const l of spec.lines) {
      const indent = l.indent ? 12 : 0;
      const parts = wrapText(l.text, width - 2 * pad - indent - (l.indent ? 8 : 0), f, l.bold);
      for (const [i, p] of parts.entries()) {
        wrapped.push({
          text: (l.indent && i === 0 ? "• " : "") + p,
          bold: l.bold,
          x: indent + (l.indent && i > 0 ? 9 : 0),
        });
      }
    }
    return { wrapped, height: wrapped.length * lineH + 2 * pad };
  };
  const drawBox = (
    x: number,
    y: number,
    w: number,
    h: number,
    box: ReturnType<typeof layoutBox>,
    className: string,
  ) => {
    const parts = [
      rect(x, y, w, h, {
        fill: "#FFFFFF",
        stroke: PALETTE.text,
        "stroke-width": 1,
        rx: 3,
        class: "box",
      }),
    ];
    box.wrapped.forEach((l, i) => {
      parts.push(
        text(x + pad + l.x, y + pad + lineH * i + f * 0.95, l.text, {
          "font-weight": l.bold ? "bold" : undefined,
        }),
      );
    });
    return group(parts, { class: `prisma-box ${className}` });
  };

  const body: string[] = [];
  let y = MARGIN;
  const title = input.title ?? "PRISMA 2020 flow diagram";
  body.push(
    text(MARGIN, y + f * 1.2, title, {
      "font-size": f * 1.25,
      "font-weight": "bold",
      class: "plot-title",
    }),
  );
  y += f * 1.25 + 16;
  const phaseSpans: { phase: string; top: number; bottom: number }[] = [];
  const gap = 30;
  let prevMainBottom: number | null = null;
  const arrowsDown: string[] = [];
  for (const st of stages) {
    const m = layoutBox(st.main, mainW);
    const s = st.side ? layoutBox(st.side, sideW) : null;
    // A phase with a single stage needs room for its rotated name.
    const alone = stages.filter((o) => o.phase === st.phase).length === 1;
    const phaseMin = alone ? textWidth(st.phase, f, true) + 18 : 0;
    const rowH = Math.max(m.height, s?.height ?? 0, phaseMin);
    const mainY = y + (rowH - m.height) / 2;
    body.push(drawBox(mainX, mainY, mainW, m.height, m, st.main.className));
    if (s && st.side) {
      const sideY = y + (rowH - s.height) / 2;
      body.push(drawBox(sideX, sideY, sideW, s.height, s, st.side.className));
      const ay = y + rowH / 2;
      arrowsDown.push(arrow(mainX + mainW, ay, sideX, ay));
    }
    if (prevMainBottom !== null)
      arrowsDown.push(arrow(mainX + mainW / 2, prevMainBottom, mainX + mainW / 2, mainY));
    prevMainBottom = mainY + m.height;
    const last = phaseSpans[phaseSpans.length - 1];
    if (last && last.phase === st.phase) last.bottom = y + rowH;
    else phaseSpans.push({ phase: st.phase, top: y, bottom: y + rowH });
    y += rowH + gap;
  }
  body.push(group(arrowsDown, { class: "arrows" }));
  for (const p of phaseSpans) {
    const cx = MARGIN + phaseW / 2;
    const cy = (p.top + p.bottom) / 2;
    body.push(
      group(
        [
          rect(MARGIN, p.top, phaseW, p.bottom - p.top, {
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
      ),
    );
  }
  const width = sideX + sideW + MARGIN;
  const height = y - gap + MARGIN;
  const reasons = input.fullTextExcluded.map((r) => `${r.reason} (${r.n})`).join(", ");
  return svgDocument({
    width,
    height,
    title,
    desc: `PRISMA 2020 flow: ${n(input.identified)} records identified, ${n(input.duplicatesRemoved)} duplicates removed, ${n(input.screened)} screened, ${n(input.excludedScreening)} excluded, ${n(input.fullTextAssessed)} full-text reports assessed, ${n(excludedTotal)} excluded${reasons ? ` (${reasons})` : ""}, ${n(input.included)} studies included.`,
    idPrefix,
    fontSize: f,
    body,
  });
}

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
