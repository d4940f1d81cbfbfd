/** PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71) from counts. */
import { plural } from "./format.js";
import { group, line, PALETTE, polygon, rect, svgDocument, text } from "./svg.js";
import { textWidth, wrapText } from "./text.js";
import type { PlotOptions, PrismaInput } from "./types.js";

const MARGIN = 14;

interface BoxSpec {
  lines: { text: string; bold?: boolean; indent?: boolean }[];
  className: string;
}

/** Thousands separators keep large counts readable; an unknown count prints as "?". */
function n(x: number | null): string {
  return x === null ? "?" : x.toLocaleString("en-US");
}

const given = (x: number | null | undefined): x is number => x !== null && x !== undefined;

/** The counts of the diagram, the optional ones resolved (null when unknown). */
interface PrismaFlow {
  identified: number;
  databases: number | null;
  registers: number | null;
  duplicatesRemoved: number;
  automationRemoved: number | null;
  otherRemoved: number | null;
  /** All records removed before screening. */
  removed: number;
  screened: number;
  excludedScreening: number;
  sought: number | null;
  soughtDerived: boolean;
  notRetrieved: number | null;
  notRetrievedDerived: boolean;
  assessed: number;
  excludedTotal: number;
  included: number;
  includedReports: number | null;
}

/**
 * Fills in what PRISMA 2020's flow implies when it is not given (Page et al. 2021, BMJ 372:n71,
 * figure 1): reports sought = records screened − records excluded; reports not retrieved =
 * reports sought − reports assessed; one of databases/registers from the other and the total.
 * A derivation that would give a negative count is left unknown (checkPrismaCounts says why).
 */
function resolveFlow(input: PrismaInput): PrismaFlow {
  const nonNegative = (x: number) => (Number.isFinite(x) && x >= 0 ? x : null);
  let databases = input.identifiedDatabases ?? null;
  let registers = input.identifiedRegisters ?? null;
  if (databases !== null && registers === null)
    registers = nonNegative(input.identified - databases);
  if (registers !== null && databases === null)
    databases = nonNegative(input.identified - registers);
  const removed =
    input.duplicatesRemoved + (input.automationRemoved ?? 0) + (input.otherRemoved ?? 0);
  const soughtDerived = !given(input.reportsSought);
  const sought = given(input.reportsSought)
    ? input.reportsSought
    : nonNegative(input.screened - input.excludedScreening);
  const notRetrievedDerived = !given(input.notRetrieved);
  const notRetrieved = given(input.notRetrieved)
    ? input.notRetrieved
    : sought === null
      ? null
      : nonNegative(sought - input.fullTextAssessed);
  return {
    identified: input.identified,
    databases,
    registers,
    duplicatesRemoved: input.duplicatesRemoved,
    automationRemoved: input.automationRemoved ?? null,
    otherRemoved: input.otherRemoved ?? null,
    removed,
    screened: input.screened,
    excludedScreening: input.excludedScreening,
    sought,
    soughtDerived,
    notRetrieved,
    notRetrievedDerived,
    assessed: input.fullTextAssessed,
    excludedTotal: input.fullTextExcluded.reduce((a, r) => a + r.n, 0),
    included: input.included,
    includedReports: input.includedReports ?? null,
  };
}

/**
 * Where the counts of a PRISMA 2020 flow do not add up, one sentence per problem (an empty list
 * when they are consistent). The flow of Page et al. 2021 (BMJ 372:n71, figure 1) implies:
 *
 * - every count is a whole number, 0 or more;
 * - databases + registers = records identified (when the split is given);
 * - records screened ≤ records identified − records removed before screening (duplicates,
 *   automation, other reasons);
 * - records excluded at screening ≤ records screened;
 * - reports assessed = reports sought − reports not retrieved;
 * - reports excluded with reasons ≤ reports assessed;
 * - studies included ≤ reports assessed − reports excluded (each included study has at least
 *   one report), and ≤ reports of included studies when that is given.
 *
 * @example
 * checkPrismaCounts({ identified: 100, duplicatesRemoved: 10, screened: 95, ... })
 * // ["Records screened (95) exceed records identified minus records removed before screening (100 − 10 = 90)."]
 */
export function checkPrismaCounts(input: PrismaInput): string[] {
  const problems: string[] = [];
  const counts: [string, number | null | undefined][] = [
    ["Records identified", input.identified],
    ["Records from databases", input.identifiedDatabases],
    ["Records from registers", input.identifiedRegisters],
    ["Duplicate records removed", input.duplicatesRemoved],
    ["Records marked as ineligible by automation tools", input.automationRemoved],
    ["Records removed for other reasons", input.otherRemoved],
    ["Records screened", input.screened],
    ["Records excluded", input.excludedScreening],
    ["Reports sought for retrieval", input.reportsSought],
    ["Reports not retrieved", input.notRetrieved],
    ["Reports assessed for eligibility", input.fullTextAssessed],
    ...input.fullTextExcluded.map(
      (r) => [`Reports excluded (${r.reason})`, r.n] as [string, number],
    ),
    ["Studies included", input.included],
    ["Reports of included studies", input.includedReports],
  ];
  let wellFormed = true;
  for (const [name, x] of counts) {
    if (x === null || x === undefined) continue;
    if (!(Number.isInteger(x) && x >= 0)) {
      problems.push(`${name} must be a whole number, 0 or more (got ${x}).`);
      wellFormed = false;
    }
  }
  // Arithmetic on malformed counts would only repeat the problem in other words.
  if (!wellFormed) return problems;

  const flow = resolveFlow(input);
  if (given(input.identifiedDatabases) && given(input.identifiedRegisters)) {
    const sum = input.identifiedDatabases + input.identifiedRegisters;
    if (sum !== flow.identified)
      problems.push(
        `Records from databases and registers (${n(input.identifiedDatabases)} + ${n(input.identifiedRegisters)} = ${n(sum)}) differ from records identified (${n(flow.identified)}).`,
      );
  } else if (
    (given(input.identifiedDatabases) || given(input.identifiedRegisters)) &&
    (flow.databases === null || flow.registers === null)
  ) {
    const part = input.identifiedDatabases ?? input.identifiedRegisters ?? 0;
    problems.push(
      `Records from ${given(input.identifiedDatabases) ? "databases" : "registers"} (${n(part)}) exceed records identified (${n(flow.identified)}).`,
    );
  }
  const removedParts = [
    flow.duplicatesRemoved,
    ...(flow.automationRemoved === null ? [] : [flow.automationRemoved]),
    ...(flow.otherRemoved === null ? [] : [flow.otherRemoved]),
  ];
  const removedText =
    removedParts.length > 1 ? `${removedParts.map(n).join(" + ")} = ${n(flow.removed)}` : "";
  const left = flow.identified - flow.removed;
  if (left < 0) {
    problems.push(
      `Records removed before screening (${removedText || n(flow.removed)}) exceed records identified (${n(flow.identified)}).`,
    );
  } else if (flow.screened > left) {
    problems.push(
      `Records screened (${n(flow.screened)}) exceed records identified minus records removed before screening (${n(flow.identified)} − ${n(flow.removed)} = ${n(left)}).`,
    );
  }
  if (flow.excludedScreening > flow.screened)
    problems.push(
      `Records excluded at screening (${n(flow.excludedScreening)}) exceed records screened (${n(flow.screened)}).`,
    );
  if (flow.sought !== null) {
    const soughtText = flow.soughtDerived
      ? `${n(flow.sought)}, records screened minus records excluded`
      : n(flow.sought);
    if (!flow.notRetrievedDerived && flow.notRetrieved !== null) {
      const expected = flow.sought - flow.notRetrieved;
      if (flow.assessed !== expected)
        problems.push(
          `Reports assessed for eligibility (${n(flow.assessed)}) should equal reports sought minus reports not retrieved (${n(flow.sought)} − ${n(flow.notRetrieved)} = ${n(expected)}).`,
        );
    } else if (flow.assessed > flow.sought) {
      problems.push(
        `Reports assessed for eligibility (${n(flow.assessed)}) exceed reports sought for retrieval (${soughtText}).`,
      );
    }
  }
  if (flow.excludedTotal > flow.assessed) {
    problems.push(
      `Reports excluded with reasons (${n(flow.excludedTotal)}) exceed reports assessed for eligibility (${n(flow.assessed)}).`,
    );
  } else {
    const remaining = flow.assessed - flow.excludedTotal;
    if (flow.included > remaining)
      problems.push(
        `Studies included (${n(flow.included)}) exceed reports assessed minus reports excluded (${n(flow.assessed)} − ${n(flow.excludedTotal)} = ${n(remaining)}).`,
      );
    if (flow.includedReports !== null && flow.includedReports > remaining)
      problems.push(
        `Reports of included studies (${n(flow.includedReports)}) exceed reports assessed minus reports excluded (${n(flow.assessed)} − ${n(flow.excludedTotal)} = ${n(remaining)}).`,
      );
  }
  if (flow.includedReports !== null && flow.included > flow.includedReports)
    problems.push(
      `Studies included (${n(flow.included)}) exceed reports of included studies (${n(flow.includedReports)}); every study has at least one report.`,
    );
  return problems;
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
  const idPrefix = options.idPrefix ?? "pooled-prisma";
  const phaseW = 26;
  const mainW = 270;
  const sideW = 300;
  const mainX = MARGIN + phaseW + 16;
  const sideX = mainX + mainW + 50;
  const lineH = f * 1.35;
  const pad = 9;
  const flow = resolveFlow(input);
  const problems = checkPrismaCounts(input);

  const identifiedLines: BoxSpec["lines"] =
    flow.databases !== null && flow.registers !== null
      ? [
          { text: `Records identified from (n = ${n(flow.identified)}):` },
          { text: `Databases (n = ${n(flow.databases)})`, indent: true },
          { text: `Registers (n = ${n(flow.registers)})`, indent: true },
        ]
      : [{ text: `Records identified from databases and registers (n = ${n(flow.identified)})` }];
  const removedLines: BoxSpec["lines"] = [
    { text: "Records removed before screening:" },
    { text: `Duplicate records removed (n = ${n(flow.duplicatesRemoved)})`, indent: true },
  ];
  if (flow.automationRemoved !== null)
    removedLines.push({
      text: `Records marked as ineligible by automation tools (n = ${n(flow.automationRemoved)})`,
      indent: true,
    });
  if (flow.otherRemoved !== null)
    removedLines.push({
      text: `Records removed for other reasons (n = ${n(flow.otherRemoved)})`,
      indent: true,
    });

  const stages: { phase: string; main: BoxSpec; side?: BoxSpec }[] = [
    {
      phase: "Identification",
      main: { lines: identifiedLines, className: "box-identified" },
      side: { lines: removedLines, className: "box-duplicates box-removed" },
    },
    {
      phase: "Screening",
      main: {
        lines: [{ text: `Records screened (n = ${n(flow.screened)})` }],
        className: "box-screened",
      },
      side: {
        lines: [{ text: `Records excluded (n = ${n(flow.excludedScreening)})` }],
        className: "box-excluded-screening",
      },
    },
    {
      phase: "Screening",
      main: {
        lines: [{ text: `Reports sought for retrieval (n = ${n(flow.sought)})` }],
        className: "box-sought",
      },
      side: {
        lines: [{ text: `Reports not retrieved (n = ${n(flow.notRetrieved)})` }],
        className: "box-not-retrieved",
      },
    },
  ];
  stages.push({
    phase: "Screening",
    main: {
      lines: [{ text: `Reports assessed for eligibility (n = ${n(flow.assessed)})` }],
      className: "box-assessed",
    },
    side: {
      lines: [
        {
          text: `Reports excluded (n = ${n(flow.excludedTotal)})${input.fullTextExcluded.length ? ":" : ""}`,
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
    { text: `Studies included in review (n = ${n(flow.included)})`, bold: true },
  ];
  if (flow.includedReports !== null) {
    includedLines.push({
      text: `Reports of included studies (n = ${n(flow.includedReports)})`,
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
  if (problems.length) {
    // Inconsistent counts are drawn as given, with the problems in plain sight under the diagram.
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
    body.push(
      group(note, {
        class: "prisma-warnings",
        fill: PALETTE.vermillion,
        "font-size": f * 0.95,
      }),
    );
    y += f * 0.95 * 1.4 * lines.length + gap / 2;
  }
  const height = y - gap + MARGIN;
  const reasons = input.fullTextExcluded.map((r) => `${r.reason} (${n(r.n)})`).join(", ");
  const removedExtra = [
    flow.automationRemoved === null
      ? ""
      : `, ${n(flow.automationRemoved)} marked as ineligible by automation tools`,
    flow.otherRemoved === null ? "" : `, ${n(flow.otherRemoved)} removed for other reasons`,
  ].join("");
  const split =
    flow.databases !== null && flow.registers !== null
      ? ` (${n(flow.databases)} from databases, ${n(flow.registers)} from registers)`
      : "";
  return svgDocument({
    width,
    height,
    title,
    desc:
      `PRISMA 2020 flow: ${plural(flow.identified, "record")} identified${split}, ` +
      `${plural(flow.duplicatesRemoved, "duplicate")} removed${removedExtra}, ` +
      `${n(flow.screened)} screened, ${n(flow.excludedScreening)} excluded, ` +
      `${flow.sought === null ? "? reports" : plural(flow.sought, "report")} sought for retrieval, ` +
      `${n(flow.notRetrieved)} not retrieved, ${n(flow.assessed)} assessed for eligibility, ` +
      `${n(flow.excludedTotal)} excluded${reasons ? ` (${reasons})` : ""}, ` +
      `${plural(flow.included, "study")} included.` +
      (problems.length ? ` Warning: the counts do not add up. ${problems.join(" ")}` : ""),
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
