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
  const digits = options.digits ?? 2;
  const scale = input.scale ?? "linear";
  const level = input.level ?? 95;
  const blocks = input.subgroups?.length
    ? input.subgroups.map((g) => ({
        ...g,
        studies: sortStudies(g.studies, options.sort, options.descending),
      }))
    : [
        {
          label: "",
          studies: sortStudies(input.studies ?? [], options.sort, options.descending),
          pooled: undefined,
        },
      ];
  const all = blocks.flatMap((b) => b.studies);
  if (all.length === 0) throw new Error("forestPlot: no studies to draw");
  // The rows drawn: the first maxRows studies in the order drawn (a block beyond keeps its heading
  // and diamond, so every subgroup's estimate stays in the figure).
  const drawn = capRows(
    blocks.map((b) => b.studies),
    options.maxRows,
  );
  const hasWeights = all.some((s) => s.weight !== undefined && s.weight !== null);
  const weights = hasWeights
    ? percentagesToTotal(
        all.map((s) => Math.max(0, s.weight ?? 0)),
        1,
      )
    : [];
  const weightOf = new Map<ForestStudy, number>();
  for (const [i, s] of all.entries()) weightOf.set(s, weights[i] ?? 0);
  const maxWeight = all.reduce((m, s) => Math.max(m, s.weight ?? 0), 0);

  const extra = input.columns ?? [];
  const leftColumns: LayoutColumn[] = [
    { header: input.studyHeader ?? "Study", align: "left" },
    ...extra.map((c) => ({ header: c.header, align: c.align ?? columnAlign(all, c.key) })),
  ];
  const measure = input.measure ?? "Effect";
  const rightColumns: LayoutColumn[] = [{ header: `${measure} [${level}% CI]`, align: "right" }];
  if (hasWeights) rightColumns.push({ header: "Weight (%)", align: "right" });

  const rows: LayoutRow[] = [];
  const studyRow = (s: ForestStudy, indent = false): LayoutRow => ({
    kind: "interval",
    ...(indent ? { indent } : {}),
    marker: hasWeights ? "square" : "point",
    relativeArea: hasWeights && maxWeight > 0 ? (s.weight ?? 0) / maxWeight : 1,
    left: [s.label, ...extra.map((c) => cellText(s.columns?.[c.key]))],
    right: [
      fmtEstimateCi(s.yi, s.ciLower, s.ciUpper, digits, scale),
      ...(hasWeights ? [fmtWeight(weightOf.get(s) ?? 0)] : []),
    ],
    estimate: s.yi,
    lower: s.ciLower,
    upper: s.ciUpper,
    className: "study-row",
    ...(input.riskOfBias ? { judgements: s.riskOfBias ?? [] } : {}),
  });
  const pooledRows = (
    p: PooledEstimate,
    weightText: string | null,
    className: string,
    withNotes: boolean,
  ) => {
    rows.push({
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
    });
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
  };

  const grouped = Boolean(input.subgroups?.length);
  for (const [j, b] of blocks.entries()) {
    const shown = drawn.rows[j]!;
    if (grouped) rows.push({ kind: "heading", text: b.label });
    if (input.groupByCluster) {
      for (const run of clusterRuns(shown)) {
        const together = run.label !== null && run.studies.length >= 2;
        if (together) rows.push({ kind: "subheading", text: run.label! });
        for (const s of run.studies) rows.push(studyRow(s, together));
      }
    } else for (const s of shown) rows.push(studyRow(s));
    if (grouped && b.pooled) {
      const subtotal = hasWeights
        ? b.studies.reduce((a, s) => a + (weightOf.get(s) ?? 0), 0)
        : null;
      pooledRows(b.pooled, subtotal === null ? null : fmtWeight(subtotal), "subgroup-pooled", true);
    }
    if (grouped) rows.push({ kind: "spacer" });
  }
  if (!grouped && input.pooled?.length) rows.push({ kind: "spacer" });
  for (const [i, p] of (input.pooled ?? []).entries()) {
    pooledRows(
      p,
      hasWeights ? fmtWeight(100) : null,
      i === 0 ? "overall-pooled" : "overall-pooled secondary-pooled",
      false,
    );
  }
  const withNotes = (input.pooled ?? []).filter((p) => p.heterogeneity || p.test);
  for (const p of withNotes) {
    const h = p.heterogeneity ? fmtHeterogeneity(p.heterogeneity, digits) : "";
    const prefix = withNotes.length > 1 ? `${p.label}: ` : "";
    if (h) rows.push({ kind: "note", text: `${prefix}Heterogeneity: ${h}` });
    if (p.test)
      rows.push({ kind: "note", text: `${prefix}Test for overall effect: ${fmtTest(p.test)}` });
  }
  for (const t of input.subgroupTests ?? []) {
    rows.push({ kind: "note", text: `${t.label}: ${fmtGroupTest(t.Q, t.df, t.df2, t.p)}` });
  }

  const k = all.length;
  const title = input.title ?? `Forest plot (${measure}, ${plural(k, "study")})`;
  const robItems = input.riskOfBias?.items.length ?? 0;
  const descParts = [
    `Forest plot of ${plural(k, "study")}${grouped ? ` in ${plural(blocks.length, "subgroup")}` : ""}${input.groupByCluster ? `, grouped by ${plural(new Set(all.map((s) => s.cluster ?? s.label)).size, "cluster")}` : ""}, ${measure} with ${level}% confidence intervals${scalePhrase(scale)}.`,
  ];
  if (robItems > 0)
    descParts.push(
      `${input.riskOfBias?.label ?? "Risk of bias"} of each study on ${plural(robItems, "item")} (low, high or unclear risk) beside its row.`,
    );
  const notes = [...(input.notes ?? [])];
  if (drawn.shown < k) {
    const cut = `${drawn.shown} of ${k} studies shown (the first in the order drawn); the pooled estimates and weights include all ${k}.`;
    notes.unshift(cut);
    descParts.push(cut);
  }
  for (const p of input.pooled ?? []) {
    descParts.push(
      `${p.label}: ${fmtEstimateCi(p.estimate, p.ciLower, p.ciUpper, digits, scale)}.`,
    );
  }
  return renderForestLayout({
    title,
    showTitle: Boolean(input.title),
    desc: descParts.join(" "),
    idPrefix: options.idPrefix ?? "pooled-forest",
    fontSize: options.fontSize ?? 12,
    leftColumns,
    rightColumns,
    rows,
    scale,
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
