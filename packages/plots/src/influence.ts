/**
 * Influence diagnostics as small multiples, in the layout of metafor's plot(influence(res))
 * (plot.infl.rma.uni): eight panels, two per row, each diagnostic against the study number, the
 * studies metafor flags as influential filled red, and metafor's reference lines.
 */
import { clipPath, type Frame, frameBorder, legend, plotTitle, yAxis, yScale } from "./chart.js";
import { chiSquareQuantile, normalQuantile } from "./distributions.js";
import { fmt, plural } from "./format.js";
import { linearMap, type Scale, type Tick } from "./scale.js";
import { el, group, line, PALETTE, svgDocument, text, tooltip } from "./svg.js";
import { textWidth, truncate } from "./text.js";
import type { InfluenceInput, InfluenceOptions } from "./types.js";

const MARGIN = 14;
const POINT_RADIUS = 3.5;
// Influential studies are drawn larger as well as red, so they stand out without colour vision.
const INFLUENTIAL_RADIUS = 4.5;
// Room (px) between the frame and the outermost points: the larger radius and the stroke.
const POINT_ROOM = INFLUENTIAL_RADIUS + 1.5;
const COLUMN_GAP = 24;
// Beyond this many studies the key under the plot names only the influential ones.
const MAX_KEYED_STUDIES = 60;
const DASHES = { dashed: "5 3", dotted: "1.5 2.5" } as const;

/** A horizontal reference line of one panel. */
interface Reference {
  value: number;
  style: keyof typeof DASHES;
  /** What it marks, for its tooltip. */
  meaning: string;
}

/** One panel: a diagnostic, its title, its reference lines and what its axis must include. */
interface PanelSpec {
  key: string;
  title: string;
  values: (number | null)[];
  references: Reference[];
  include: number[];
  /** Drawn on a log axis (values given as ratios). */
  log?: boolean;
}

/**
 * The eight panels of metafor's plot.infl.rma.uni, in its order, with its reference lines:
 * rstudent 0 (dashed) and ±z₀.₉₇₅ (dotted; the axis reaches ±2 at least); DFFITS 0 and
 * ±3√(p/(k − p)); Cook's distance the median of χ²ₚ; covariance ratio 1 (log axis); τ² and QE
 * without the study the full model's τ² and QE (dashed); hat values p/k (dashed) and 3p/k
 * (dotted); weights 100/k. The cut-offs are those of metafor's `influential` flag (Viechtbauer &
 * Cheung 2010). Unlike metafor, each axis reaches its reference lines, so that a cut-off is in
 * view even when no study comes near it.
 */
function panelSpecs(input: InfluenceInput): PanelSpec[] {
  const k = input.studies.length;
  const p = input.p ?? 1;
  const z = normalQuantile(0.975);
  const dffitsCut = k > p ? 3 * Math.sqrt(p / (k - p)) : null;
  const specs: PanelSpec[] = [
    {
      key: "rstudent",
      title: "Studentised residuals (rstudent)",
      values: input.rstudent,
      references: [
        { value: 0, style: "dashed", meaning: "0" },
        { value: -z, style: "dotted", meaning: `−${fmt(z, 2)} (2.5% of a standard normal)` },
        { value: z, style: "dotted", meaning: `${fmt(z, 2)} (97.5% of a standard normal)` },
      ],
      include: [-2, 2],
    },
    {
      key: "dffits",
      title: "DFFITS (dffits)",
      values: input.dffits,
      references: [
        { value: 0, style: "dashed", meaning: "0" },
        ...(dffitsCut === null
          ? []
          : [
              { value: -dffitsCut, style: "dotted" as const, meaning: "−3√(p/(k − p))" },
              { value: dffitsCut, style: "dotted" as const, meaning: "3√(p/(k − p))" },
            ]),
      ],
      include: [],
    },
    {
      key: "cooksD",
      title: "Cook's distance (cook.d)",
      values: input.cooksD,
      references: [
        { value: chiSquareQuantile(0.5, p), style: "dotted", meaning: `median of χ² with ${p} df` },
      ],
      include: [],
    },
    {
      key: "covRatio",
      title: "Covariance ratio (cov.r), log axis",
      values: input.covRatio,
      references: [{ value: 1, style: "dashed", meaning: "1" }],
      include: [],
      log: true,
    },
    {
      key: "tau2Deleted",
      title: "τ² without the study (tau2.del)",
      values: input.tau2Deleted,
      references: finite(input.tau2)
        ? [{ value: input.tau2, style: "dashed", meaning: "τ² of the full model" }]
        : [],
      include: [],
    },
    {
      key: "QEDeleted",
      title: "QE without the study (QE.del)",
      values: input.QEDeleted,
      references: finite(input.QE)
        ? [{ value: input.QE, style: "dashed", meaning: "QE of the full model" }]
        : [],
      include: [],
    },
    {
      key: "hat",
      title: "Hat values (hat)",
      values: input.hat,
      references: [
        { value: p / k, style: "dashed", meaning: "p/k (the average)" },
        { value: (3 * p) / k, style: "dotted", meaning: "3p/k" },
      ],
      include: [0],
    },
    {
      key: "weight",
      title: "Weights, % (weight)",
      values: input.weight,
      references: [{ value: 100 / k, style: "dashed", meaning: "100/k (equal weights)" }],
      include: [0],
    },
  ];
  return specs;
}

function finite(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

/** Throws unless every diagnostic has one entry per study. */
function checkLengths(input: InfluenceInput): void {
  const k = input.studies.length;
  if (k === 0) throw new Error("influencePlot: no studies to draw");
  const fields = [
    "rstudent",
    "dffits",
    "cooksD",
    "covRatio",
    "tau2Deleted",
    "QEDeleted",
    "hat",
    "weight",
    "influential",
  ] as const;
  for (const field of fields) {
    if (input[field].length !== k)
      throw new Error(
        `influencePlot: ${field} has ${input[field].length} entries for ${plural(k, "study")}`,
      );
  }
}

/**
 * The study-number axis: studies 1..k at evenly spaced positions, kept POINT_ROOM px inside the
 * frame; every number labelled when they fit, else multiples of a nice step.
 */
function studyScale(k: number, frame: Frame, f: number): Scale {
  const range: [number, number] = [frame.left + POINT_ROOM, frame.left + frame.width - POINT_ROOM];
  const domain: [number, number] = k === 1 ? [0, 2] : [1, k];
  const m = linearMap(domain, range);
  const pxPerStudy = (range[1] - range[0]) / Math.max(1, domain[1] - domain[0]);
  const need = textWidth(String(k), f * 0.9) + 6;
  let step = 1;
  for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000]) {
    step = s;
    if (s * pxPerStudy >= need) break;
  }
  const ticks: Tick[] = [];
  if (step === 1) for (let i = 1; i <= k; i++) ticks.push({ value: i, label: String(i) });
  else {
    if (step >= 5) ticks.push({ value: 1, label: "1" });
    for (let i = step; i <= k; i += step) ticks.push({ value: i, label: String(i) });
  }
  return { domain, range, ticks, map: m.map, invert: m.invert };
}

/** Ticks of the study-number axis under a frame (no title). */
function studyAxis(scale: Scale, frame: Frame, f: number): string {
  const y = frame.top + frame.height;
  const parts = [
    line(frame.left, y, frame.left + frame.width, y, {
      stroke: PALETTE.text,
      class: "axis-line",
    }),
  ];
  for (const t of scale.ticks) {
    const x = scale.map(t.value);
    parts.push(
      group(
        [
          line(x, y, x, y + 4, { stroke: PALETTE.text }),
          text(x, y + 5 + f * 0.9, t.label, { "text-anchor": "middle", "font-size": f * 0.9 }),
        ],
        { class: "axis-tick", "data-value": t.value },
      ),
    );
  }
  return group(parts, { class: "axis x-axis" });
}

/** Where one panel goes: its column's left edge and width, and the top of its title. */
interface PanelSlot {
  x: number;
  width: number;
  top: number;
  frameHeight: number;
}

/** Height of a panel: title, frame, study numbers and the air below. */
function panelHeight(frameHeight: number, f: number): number {
  return f * 1.6 + frameHeight + 5 + f * 0.9 + f * 1.6;
}

/** One panel: title, frame, reference lines, the line through the points, the points, axes. */
function panel(
  spec: PanelSpec,
  input: InfluenceInput,
  slot: PanelSlot,
  index: number,
  idPrefix: string,
  f: number,
): string {
  const k = input.studies.length;
  const toAxis = (v: number) => (spec.log ? Math.log(v) : v);
  const usable = (v: number | null): v is number => finite(v) && (!spec.log || v > 0);
  const data = spec.values.filter(usable).map(toAxis);
  const refs = spec.references.filter((r) => !spec.log || r.value > 0);
  const frameTop = slot.top + f * 1.6;
  const parts: string[] = [];
  const shownTitle = truncate(spec.title, slot.width, f, true);
  parts.push(
    text(
      slot.x,
      slot.top + f,
      shownTitle.text,
      { "font-weight": "bold", class: "panel-title" },
      shownTitle.truncated ? spec.title : undefined,
    ),
  );
  const probe: Frame = { left: 0, top: frameTop, width: 1, height: slot.frameHeight };
  if (data.length === 0) {
    const frame: Frame = { ...probe, left: slot.x, width: slot.width };
    parts.push(frameBorder(frame));
    parts.push(
      text(frame.left + frame.width / 2, frameTop + slot.frameHeight / 2, "not available", {
        "text-anchor": "middle",
        fill: PALETTE.grey,
        class: "not-available",
      }),
    );
    return group(parts, { class: `panel panel-${spec.key}`, "data-panel": spec.key });
  }
  const axisValues = [...data, ...refs.map((r) => toAxis(r.value)), ...spec.include.map(toAxis)];
  const yFor = (fr: Frame) =>
    yScale(axisValues, fr, f * 0.9, {
      inset: POINT_ROOM,
      ...(spec.log ? { scale: "log" as const } : {}),
    });
  const widest = Math.max(0, ...yFor(probe).ticks.map((t) => textWidth(t.label, f * 0.9)));
  const left = slot.x + widest + 10;
  const frame: Frame = {
    left,
    top: frameTop,
    width: slot.x + slot.width - left,
    height: slot.frameHeight,
  };
  const ys = yFor(frame);
  const xs = studyScale(k, frame, f);
  const clipId = `${idPrefix}-clip-${index}`;
  parts.push(clipPath(clipId, frame), frameBorder(frame));

  const under: string[] = refs.map((r) =>
    line(frame.left, ys.map(toAxis(r.value)), frame.left + frame.width, ys.map(toAxis(r.value)), {
      stroke: PALETTE.grey,
      "stroke-dasharray": DASHES[r.style],
      class: `reference-line reference-${r.style}`,
      "data-value": String(r.value),
    }),
  );
  under.push(
    ...connectingLines(
      spec.values.map((v) => (usable(v) ? toAxis(v) : null)),
      xs,
      ys,
    ),
  );
  parts.push(group(under, { "clip-path": `url(#${clipId})`, class: "lines" }));

  parts.push(
    group(
      panelPoints(spec, input, xs, (v) => ys.map(toAxis(v)), usable),
      { class: "points" },
    ),
  );
  parts.push(yAxisSmall(ys, frame, f));
  parts.push(studyAxis(xs, frame, f));
  return group(parts, { class: `panel panel-${spec.key}`, "data-panel": spec.key });
}

/** A panel's points, one per study with a usable value; influential studies red and larger. */
function panelPoints(
  spec: PanelSpec,
  input: InfluenceInput,
  xs: Scale,
  yOf: (v: number) => number,
  usable: (v: number | null) => v is number,
): string[] {
  const points: string[] = [];
  spec.values.forEach((v, i) => {
    if (!usable(v)) return;
    const infl = input.influential[i] === true;
    points.push(
      el(
        "circle",
        {
          cx: xs.map(i + 1),
          cy: yOf(v),
          r: infl ? INFLUENTIAL_RADIUS : POINT_RADIUS,
          fill: infl ? PALETTE.vermillion : PALETTE.text,
          stroke: infl ? PALETTE.text : "#FFFFFF",
          "stroke-width": infl ? 0.8 : 0.5,
          class: infl ? "study influential" : "study",
          "data-study": i + 1,
        },
        [
          tooltip(
            `${i + 1} ${input.studies[i]}: ${spec.title.replace(/ \(.*$/, "")} ${fmt(v, 3)}${infl ? " (influential)" : ""}`,
          ),
        ],
      ),
    );
  });
  return points;
}

/** The y axis of a panel, its tick labels a little smaller than the text. */
function yAxisSmall(scale: Scale, frame: Frame, f: number): string {
  return el("g", { "font-size": f * 0.9 }, [yAxis(scale, frame, f * 0.9, "")]);
}

/**
 * As metafor: a light line through every drawn point (across studies whose value is missing),
 * and a dark line through each run of consecutive studies with values.
 */
function connectingLines(values: (number | null)[], xs: Scale, ys: Scale): string[] {
  const pts = values.map((v, i) =>
    v === null ? null : `${xs.map(i + 1).toFixed(2)},${ys.map(v).toFixed(2)}`,
  );
  const out: string[] = [];
  const all = pts.filter((p): p is string => p !== null);
  if (values.some((v) => v === null) && all.length >= 2)
    out.push(
      el("polyline", {
        points: all.join(" "),
        fill: "none",
        stroke: PALETTE.lightGrey,
        class: "line-across-missing",
      }),
    );
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 2)
      out.push(
        el("polyline", {
          points: run.join(" "),
          fill: "none",
          stroke: PALETTE.grey,
          "stroke-width": 1,
          class: "line",
        }),
      );
    run = [];
  };
  for (const p of pts) {
    if (p === null) flush();
    else run.push(p);
  }
  flush();
  return out;
}

/**
 * Lines of text flowing into `maxWidth`: entries separated by 14 px, each shortened to a line at
 * most (full text as a tooltip). Returns the markup and the last baseline.
 */
function flowText(
  entries: { text: string; bold?: boolean; className: string }[],
  x: number,
  firstBaseline: number,
  maxWidth: number,
  f: number,
): { markup: string[]; lastBaseline: number } {
  const markup: string[] = [];
  let cx = x;
  let y = firstBaseline;
  for (const e of entries) {
    const t = truncate(e.text, maxWidth, f, e.bold);
    const w = textWidth(t.text, f, e.bold);
    if (cx > x && cx + w > x + maxWidth) {
      cx = x;
      y += f * 1.4;
    }
    markup.push(
      text(
        cx,
        y,
        t.text,
        { class: e.className, "font-weight": e.bold ? "bold" : undefined, "font-size": f },
        t.truncated ? e.text : undefined,
      ),
    );
    cx += w + 14;
  }
  return { markup, lastBaseline: y };
}

/**
 * Influence plot in the style of metafor's plot(influence(res)): small multiples of the
 * externally studentised residuals, DFFITS, Cook's distances, covariance ratios, τ² and QE with
 * each study left out, hat values and weights against the study number (two panels per row), the
 * studies flagged influential by metafor's rule filled red (and larger), with metafor's reference
 * lines (dashed: the null or average value; dotted: the cut-offs). A key under the panels gives
 * the study behind each number.
 *
 * @example influencePlot({ studies, rstudent, dffits, cooksD, covRatio, tau2Deleted, QEDeleted,
 *   hat, weight, influential, p: 1, tau2: res.tau2, QE: res.QE })
 * @throws Error when there are no studies or a diagnostic's length is not the number of studies
 */
export function influencePlot(input: InfluenceInput, options: InfluenceOptions = {}): string {
  checkLengths(input);
  const f = options.fontSize ?? 12;
  const width = options.width ?? 720;
  const frameHeight = options.panelHeight ?? 120;
  const idPrefix = options.idPrefix ?? "pooled-influence";
  const k = input.studies.length;
  const body: string[] = [];
  let y = MARGIN;
  if (input.title) {
    body.push(plotTitle(input.title, width, MARGIN, f));
    y += f * 1.25 + 12;
  }
  const colWidth = (width - 2 * MARGIN - COLUMN_GAP) / 2;
  const rowHeight = panelHeight(frameHeight, f);
  panelSpecs(input).forEach((spec, i) => {
    const slot: PanelSlot = {
      x: MARGIN + (i % 2) * (colWidth + COLUMN_GAP),
      width: colWidth,
      top: y + Math.floor(i / 2) * rowHeight,
      frameHeight,
    };
    body.push(panel(spec, input, slot, i, idPrefix, f));
  });
  y += 4 * rowHeight;
  const lg = influenceLegend(y + f, width, f);
  body.push(lg.markup);
  y += f + (lg.lines - 1) * f * 1.6;
  const keys = studyKeys(input, y, width, f);
  body.push(...keys.markup);
  const names = input.studies.filter((_, i) => input.influential[i] === true);
  return svgDocument({
    width,
    height: keys.lastBaseline + MARGIN,
    title: input.title ?? `Influence diagnostics (${plural(k, "study")})`,
    desc:
      `Influence diagnostics of ${plural(k, "study")} as metafor's influence(): studentised residuals, DFFITS, Cook's distances, covariance ratios, τ² and QE with each study left out, hat values and weights, each against the study number, with metafor's reference lines. ` +
      (names.length
        ? `${plural(names.length, "study")} influential by metafor's criteria (drawn red): ${names.join(", ")}.`
        : "No study is influential by metafor's criteria."),
    idPrefix,
    fontSize: f,
    body,
  });
}

/** The legend under the panels: a study, an influential study, a reference line, a cut-off. */
function influenceLegend(baseline: number, width: number, f: number): ReturnType<typeof legend> {
  return legend(
    [
      {
        label: "Study",
        symbol: (x, sy) =>
          el("circle", { cx: x + 7, cy: sy + 7, r: POINT_RADIUS, fill: PALETTE.text }),
      },
      {
        label: "Influential (metafor's criteria)",
        symbol: (x, sy) =>
          el("circle", {
            cx: x + 7,
            cy: sy + 7,
            r: INFLUENTIAL_RADIUS,
            fill: PALETTE.vermillion,
            stroke: PALETTE.text,
            "stroke-width": 0.8,
          }),
      },
      {
        label: "Reference value",
        symbol: (x, sy) =>
          line(x, sy + 7, x + 14, sy + 7, {
            stroke: PALETTE.grey,
            "stroke-dasharray": DASHES.dashed,
          }),
      },
      {
        label: "Cut-off",
        symbol: (x, sy) =>
          line(x, sy + 7, x + 14, sy + 7, {
            stroke: PALETTE.grey,
            "stroke-dasharray": DASHES.dotted,
          }),
      },
    ],
    MARGIN,
    baseline,
    f,
    width - 2 * MARGIN,
  );
}

/**
 * The keys under the legend, below `y`: the influential studies by number and name, then every
 * study's number and name (or, beyond MAX_KEYED_STUDIES, how they are numbered).
 */
function studyKeys(
  input: InfluenceInput,
  y: number,
  width: number,
  f: number,
): { markup: string[]; lastBaseline: number } {
  const small = f * 0.9;
  const k = input.studies.length;
  const influential = input.studies
    .map((s, i) => ({ s, i }))
    .filter(({ i }) => input.influential[i] === true);
  const keyEntries: { text: string; bold?: boolean; className: string }[] = [
    {
      text: influential.length ? "Influential:" : "No study is influential by metafor's criteria.",
      bold: true,
      className: "key-heading",
    },
    ...influential.map(({ s, i }) => ({ text: `${i + 1} ${s}`, className: "key-influential" })),
  ];
  const inf = flowText(keyEntries, MARGIN, y + f * 1.6, width - 2 * MARGIN, small);
  const studyEntries =
    k <= MAX_KEYED_STUDIES
      ? [
          { text: "Studies:", bold: true, className: "key-heading" },
          ...input.studies.map((s, i) => ({ text: `${i + 1} ${s}`, className: "key-study" })),
        ]
      : [
          {
            text: `Studies are numbered 1 to ${k} in the order of the data.`,
            className: "key-heading",
          },
        ];
  const key = flowText(studyEntries, MARGIN, inf.lastBaseline + f * 1.5, width - 2 * MARGIN, small);
  return {
    markup: [
      group(inf.markup, { class: "influential-key" }),
      group(key.markup, { class: "study-key" }),
    ],
    lastBaseline: key.lastBaseline,
  };
}
