/** Forest plot as reviewers publish it. */

import {
  capRows,
  fmtWeight,
  type LayoutColumn,
  type LayoutRow,
  renderForestLayout,
} from "./forest-layout.js";
import {
  fmt,
  fmtEffect,
  fmtEstimateCi,
  fmtGroupTest,
  fmtHeterogeneity,
  fmtTest,
  percentagesToTotal,
  plural,
  scalePhrase,
} from "./format.js";
import type {
  EffectScaleKind,
  ForestColumn,
  ForestInput,
  ForestOptions,
  ForestSort,
  ForestStudy,
  PooledEstimate,
} from "./types.js";

/** Orders studies for display; ties keep their input order. */
export function sortStudies(
  studies: ForestStudy[],
  sort: ForestSort = "input",
  descending?: boolean,
): ForestStudy[] {
  if (sort === "input") return descending ? [...studies].reverse() : [...studies];
  const key = (s: ForestStudy): number => {
    if (sort === "effect") return s.yi;
    if (sort === "year") return s.year ?? Number.POSITIVE_INFINITY;
    return s.weight ?? 0;
  };
  const desc = descending ?? sort === "weight";
  return studies
    .map((s, i) => ({ s, i }))
    .sort((a, b) => {
      const ka = key(a.s);
      const kb = key(b.s);
      if (ka === kb) return a.i - b.i;
      return desc ? kb - ka : ka - kb;
    })
    .map((x) => x.s);
}

/**
 * Forest plot: one row per study (square sized by weight, CI line, effect and CI as text, weight
 * in percent), subgroup blocks with their own diamond and heterogeneity line, the pooled diamond(s),
 * prediction interval, heterogeneity and tests, a reference line at no effect, a nice axis and the
 * labels for the side favouring each arm.
 *
 * @example forestPlot({ studies: [{ label: "Zhang 2019", yi: 2.6, ciLower: 0.3, ciUpper: 4.9, weight: 3 }],
 *   pooled: [{ label: "Random-effects model", estimate: 3.1, ciLower: 2.4, ciUpper: 3.8 }], measure: "MD" })
 */
export function forestPlot(input: ForestInput, options: ForestOptions = {}): string {
  const blocks = forestBlocks(input, options);
  const all = blocks.flatMap((b) => b.studies);
  if (all.length === 0) throw new Error("forestPlot: no studies to draw");
  // The rows drawn: the first maxRows studies in the order drawn (a block beyond keeps its heading
  // and diamond, so every subgroup's estimate stays in the figure).
  const drawn = capRows(
    blocks.map((b) => b.studies),
    options.maxRows,
  );
  const ctx = forestContext(input, options, all);
  const k = all.length;
  const notes = [...(input.notes ?? [])];
  const cut =
    drawn.shown < k
      ? `${drawn.shown} of ${k} studies shown (the first in the order drawn); the pooled estimates and weights include all ${k}.`
      : null;
  if (cut !== null) notes.unshift(cut);
  return renderForestLayout({
    title: input.title ?? `Forest plot (${ctx.measure}, ${plural(k, "study")})`,
    showTitle: Boolean(input.title),
    desc: forestDescription(input, ctx, blocks, all, cut),
    idPrefix: options.idPrefix ?? "pooled-forest",
    fontSize: options.fontSize ?? 12,
    ...forestColumns(input, ctx, all),
    rows: forestRows(input, ctx, blocks, drawn.rows),
    scale: ctx.scale,
    xlim: input.xlim,
    nullValue: input.nullValue ?? 0,
    effectLabel: input.effectLabel,
    favours: input.favours,
    ...(input.riskOfBias
      ? {
          riskOfBias: {
            items: input.riskOfBias.items,
            label: input.riskOfBias.label ?? "Risk of bias",
          },
        }
      : {}),
    plotWidth: options.plotWidth ?? 300,
    maxLabelWidth: options.maxLabelWidth ?? 220,
    notes,
  });
}

/** A block of studies: a subgroup (heading, studies, diamond) or, without subgroups, all. */
interface ForestBlock {
  label: string;
  studies: ForestStudy[];
  pooled?: PooledEstimate;
}

/** What every row of a forest plot is written with: scale, digits, weights in percent. */
interface ForestContext {
  digits: number;
  scale: EffectScaleKind;
  level: number;
  measure: string;
  /** Descriptor columns left of the intervals (dose, sex, n...). */
  extra: ForestColumn[];
  hasWeights: boolean;
  /** Each study's weight in percent, rounded so that the column adds to 100.0. */
  weightOf: Map<ForestStudy, number>;
  maxWeight: number;
}

/** The blocks drawn, each block's studies in the order asked for. */
function forestBlocks(input: ForestInput, options: ForestOptions): ForestBlock[] {
  if (input.subgroups?.length)
    return input.subgroups.map((g) => ({
      ...g,
      studies: sortStudies(g.studies, options.sort, options.descending),
    }));
  return [
    {
      label: "",
      studies: sortStudies(input.studies ?? [], options.sort, options.descending),
      pooled: undefined,
    },
  ];
}

function forestContext(
  input: ForestInput,
  options: ForestOptions,
  all: ForestStudy[],
): ForestContext {
  const hasWeights = all.some((s) => s.weight !== undefined && s.weight !== null);
  const weights = hasWeights
    ? percentagesToTotal(
        all.map((s) => Math.max(0, s.weight ?? 0)),
        1,
      )
    : [];
  const weightOf = new Map<ForestStudy, number>();
  for (const [i, s] of all.entries()) weightOf.set(s, weights[i] ?? 0);
  return {
    digits: options.digits ?? 2,
    scale: input.scale ?? "linear",
    level: input.level ?? 95,
    measure: input.measure ?? "Effect",
    extra: input.columns ?? [],
    hasWeights,
    weightOf,
    maxWeight: all.reduce((m, s) => Math.max(m, s.weight ?? 0), 0),
  };
}

/** Study label and descriptor columns at the left; effect [CI] and weight at the right. */
function forestColumns(
  input: ForestInput,
  ctx: ForestContext,
  all: ForestStudy[],
): { leftColumns: LayoutColumn[]; rightColumns: LayoutColumn[] } {
  const leftColumns: LayoutColumn[] = [
    { header: input.studyHeader ?? "Study", align: "left" },
    ...ctx.extra.map((c) => ({ header: c.header, align: c.align ?? columnAlign(all, c.key) })),
  ];
  const rightColumns: LayoutColumn[] = [
    { header: `${ctx.measure} [${ctx.level}% CI]`, align: "right" },
  ];
  if (ctx.hasWeights) rightColumns.push({ header: "Weight (%)", align: "right" });
  return { leftColumns, rightColumns };
}

/**
 * The rows, top to bottom: each block's heading, studies (gathered by cluster when asked), its
 * diamond with subtotal weight and notes; the overall diamonds; their heterogeneity and tests;
 * the tests for subgroup differences.
 */
function forestRows(
  input: ForestInput,
  ctx: ForestContext,
  blocks: ForestBlock[],
  shownRows: ForestStudy[][],
): LayoutRow[] {
  const rows: LayoutRow[] = [];
  const grouped = Boolean(input.subgroups?.length);
  for (const [j, b] of blocks.entries()) {
    const shown = shownRows[j]!;
    if (grouped) rows.push({ kind: "heading", text: b.label });
    if (input.groupByCluster) {
      for (const run of clusterRuns(shown)) {
        const together = run.label !== null && run.studies.length >= 2;
        if (together) rows.push({ kind: "subheading", text: run.label! });
        for (const s of run.studies) rows.push(studyRow(input, ctx, s, together));
      }
    } else for (const s of shown) rows.push(studyRow(input, ctx, s));
    if (grouped && b.pooled) {
      const subtotal = ctx.hasWeights
        ? b.studies.reduce((a, s) => a + (ctx.weightOf.get(s) ?? 0), 0)
        : null;
      const weightText = subtotal === null ? null : fmtWeight(subtotal);
      rows.push(...pooledRows(ctx, b.pooled, weightText, "subgroup-pooled", true));
    }
    if (grouped) rows.push({ kind: "spacer" });
  }
  if (!grouped && input.pooled?.length) rows.push({ kind: "spacer" });
  for (const [i, p] of (input.pooled ?? []).entries()) {
    const className = i === 0 ? "overall-pooled" : "overall-pooled secondary-pooled";
    rows.push(...pooledRows(ctx, p, ctx.hasWeights ? fmtWeight(100) : null, className, false));
  }
  rows.push(...overallNotes(input, ctx));
  return rows;
}

/** A study's row: label, descriptor cells, effect [CI], weight, risk-of-bias judgements. */
function studyRow(
  input: ForestInput,
  ctx: ForestContext,
  s: ForestStudy,
  indent = false,
): LayoutRow {
  return {
    kind: "interval",
    ...(indent ? { indent } : {}),
    marker: ctx.hasWeights ? "square" : "point",
    relativeArea: ctx.hasWeights && ctx.maxWeight > 0 ? (s.weight ?? 0) / ctx.maxWeight : 1,
    left: [s.label, ...ctx.extra.map((c) => cellText(s.columns?.[c.key]))],
    right: [
      fmtEstimateCi(s.yi, s.ciLower, s.ciUpper, ctx.digits, ctx.scale),
      ...(ctx.hasWeights ? [fmtWeight(ctx.weightOf.get(s) ?? 0)] : []),
    ],
    estimate: s.yi,
    lower: s.ciLower,
    upper: s.ciUpper,
    className: "study-row",
    ...(input.riskOfBias ? { judgements: s.riskOfBias ?? [] } : {}),
  };
}

/**
 * A pooled estimate's diamond, its prediction interval when given and, `withNotes` (a subgroup's),
 * its heterogeneity and test under it.
 */
function pooledRows(
  ctx: ForestContext,
  p: PooledEstimate,
  weightText: string | null,
  className: string,
  withNotes: boolean,
): LayoutRow[] {
  const { digits, scale } = ctx;
  const rows: LayoutRow[] = [
    {
      kind: "diamond",
      left: [p.label],
      right: [
        fmtEstimateCi(p.estimate, p.ciLower, p.ciUpper, digits, scale),
        ...(weightText !== null ? [weightText] : []),
      ],
      estimate: p.estimate,
      lower: p.ciLower,
      upper: p.ciUpper,
      className,
    },
  ];
  if (isNum(p.piLower) && isNum(p.piUpper)) {
    rows.push({
      kind: "prediction",
      left: ["Prediction interval"],
      right: [`[${fmtEffect(p.piLower, digits, scale)}, ${fmtEffect(p.piUpper, digits, scale)}]`],
      lower: p.piLower,
      upper: p.piUpper,
    });
  }
  if (withNotes && p.heterogeneity) {
    const h = fmtHeterogeneity(p.heterogeneity, digits);
    if (h) rows.push({ kind: "note", text: `Heterogeneity: ${h}` });
  }
  if (withNotes && p.test)
    rows.push({ kind: "note", text: `Test for overall effect: ${fmtTest(p.test)}` });
  return rows;
}

/**
 * Under the overall diamonds: each model's heterogeneity and test (named when there are several),
 * then the tests for subgroup differences.
 */
function overallNotes(input: ForestInput, ctx: ForestContext): LayoutRow[] {
  const rows: LayoutRow[] = [];
  const withNotes = (input.pooled ?? []).filter((p) => p.heterogeneity || p.test);
  for (const p of withNotes) {
    const h = p.heterogeneity ? fmtHeterogeneity(p.heterogeneity, ctx.digits) : "";
    const prefix = withNotes.length > 1 ? `${p.label}: ` : "";
    if (h) rows.push({ kind: "note", text: `${prefix}Heterogeneity: ${h}` });
    if (p.test)
      rows.push({ kind: "note", text: `${prefix}Test for overall effect: ${fmtTest(p.test)}` });
  }
  for (const t of input.subgroupTests ?? []) {
    rows.push({ kind: "note", text: `${t.label}: ${fmtGroupTest(t.Q, t.df, t.df2, t.p)}` });
  }
  return rows;
}

/** The SVG's description: studies, subgroups, clusters, risk of bias, the cut, the estimates. */
function forestDescription(
  input: ForestInput,
  ctx: ForestContext,
  blocks: ForestBlock[],
  all: ForestStudy[],
  cut: string | null,
): string {
  const k = all.length;
  const grouped = Boolean(input.subgroups?.length);
  const robItems = input.riskOfBias?.items.length ?? 0;
  const descParts = [
    `Forest plot of ${plural(k, "study")}${grouped ? ` in ${plural(blocks.length, "subgroup")}` : ""}${input.groupByCluster ? `, grouped by ${plural(new Set(all.map((s) => s.cluster ?? s.label)).size, "cluster")}` : ""}, ${ctx.measure} with ${ctx.level}% confidence intervals${scalePhrase(ctx.scale)}.`,
  ];
  if (robItems > 0)
    descParts.push(
      `${input.riskOfBias?.label ?? "Risk of bias"} of each study on ${plural(robItems, "item")} (low, high or unclear risk) beside its row.`,
    );
  if (cut !== null) descParts.push(cut);
  for (const p of input.pooled ?? []) {
    descParts.push(
      `${p.label}: ${fmtEstimateCi(p.estimate, p.ciLower, p.ciUpper, ctx.digits, ctx.scale)}.`,
    );
  }
  return descParts.join(" ");
}

/**
 * Studies gathered by cluster: clusters in the order of their first study, studies in their order
 * within it; a study without a cluster stands alone.
 */
export function clusterRuns(
  studies: ForestStudy[],
): { label: string | null; studies: ForestStudy[] }[] {
  const runs: { label: string | null; studies: ForestStudy[] }[] = [];
  const byLabel = new Map<string, ForestStudy[]>();
  for (const s of studies) {
    if (s.cluster === undefined) {
      runs.push({ label: null, studies: [s] });
      continue;
    }
    const run = byLabel.get(s.cluster);
    if (run !== undefined) run.push(s);
    else {
      const fresh = [s];
      byLabel.set(s.cluster, fresh);
      runs.push({ label: s.cluster, studies: fresh });
    }
  }
  return runs;
}

function isNum(x: number | null | undefined): x is number {
  return typeof x === "number" && Number.isFinite(x);
}

function cellText(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  return typeof v === "number" ? fmtCellNumber(v) : v;
}

function fmtCellNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : fmt(v, 2);
}

function columnAlign(studies: ForestStudy[], key: string): "left" | "right" {
  return studies.every((s) => {
    const v = s.columns?.[key];
    return v === null || v === undefined || typeof v === "number";
  })
    ? "right"
    : "left";
}
