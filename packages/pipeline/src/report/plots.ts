/**
 * The plots of a report: adapters from the Analysis to the input types of @pooled/plots, and the
 * list of SVGs (file name, title, markup) that the HTML inlines and the report folder holds. The
 * funnel plots are drawn in funnel-figures.ts, the sensitivity analyses' in sensitivity-figures.ts,
 * influence and GOSH in influence.ts and gosh.ts; what they share is in plot-adapters.ts.
 */
import { MISSING_IN_REPORT } from "@pooled/contract";
import {
  bubblePlot,
  type EffectScale,
  type ForestInput,
  type ForestSort,
  type ForestStudy,
  forestPlot,
  galbraithPlot,
  prismaPlot,
  riskOfBiasPlot,
} from "@pooled/plots";
import { linearPredictions } from "@pooled/stats";
import { backTransform, measureScale } from "../analysis/scale.js";
import {
  type Analysis,
  type MultilevelResultJson,
  type StudyResult,
  TABLE_METHODS,
} from "../analysis/types.js";
import type { StudyTable } from "../input/types.js";
import {
  FIGURE_LIMITS,
  pointsCaption,
  pointsTitle,
  rowsCaption,
  thinPoints,
} from "./figure-limits.js";
import { forestExtras } from "./forest-columns.js";
import { digitsFor, METHOD_NAMES } from "./format.js";
import { contourFunnelFigure, funnelFigure, sampleSizeFunnelFigure } from "./funnel-figures.js";
import { goshFigure } from "./gosh.js";
import { influenceFigure } from "./influence.js";
import {
  effectScale,
  galbraithLabel,
  hasEvents,
  hasGroupSizes,
  pooled,
  SHORT_MEASURE,
} from "./plot-adapters.js";
import { baujatFigure, cumulativeFigure, leaveOneOutFigure } from "./sensitivity-figures.js";

// The limits lived here first: importers of plots.js keep finding them.
export { FIGURE_LIMITS, thinPoints } from "./figure-limits.js";

/** One rendered plot. */
export interface RenderedPlot {
  /** File name in the report folder, e.g. "forest.svg"; also the id stem in the HTML. */
  file: string;
  title: string;
  /** What the plot shows, one sentence (the figure caption). */
  caption: string;
  svg: string;
}

/** Labels that make the plots speak the reader's language (all optional). */
export interface PlotLabels {
  /** Axis title, e.g. "Mean difference (BBB points)". */
  effectLabel?: string;
  /** Under the axis, e.g. { left: "Favours control", right: "Favours treatment" }. */
  favours?: { left: string; right: string };
  /**
   * Order of the studies in the forest plot (within each subgroup): as in the file (default), by
   * effect, by year or by weight (largest first).
   */
  forestSort?: ForestSort;
  /**
   * Columns of the data file drawn as descriptor columns of the forest plot, in this order (headers
   * as written, matched as --by matches them), e.g. ["dose", "sex"] (--forest-columns dose,sex).
   */
  forestColumns?: string[];
}

/**
 * Lines under the three-level forest plot: the variance split and the cluster-robust interval,
 * the interval on the axis's scale as the plot's other numbers (ratios, correlations).
 */
function multilevelNotes(ml: MultilevelResultJson, a: Analysis): string[] {
  const level = a.settings.level;
  const f = (x: number | null, d = digitsFor(a.settings.measure)) =>
    x === null ? MISSING_IN_REPORT : x.toFixed(d);
  const onAxis = (x: number) => f(backTransform(measureScale(a.settings.measure), x));
  const notes = [
    `Rows grouped by publication (${ml.k} experiments in ${ml.clusters} publications). σ² between publications = ${f(ml.sigma2Between, 3)}, within = ${f(ml.sigma2Within, 3)}; I² between = ${f(ml.I2Between, 1)}%, within = ${f(ml.I2Within, 1)}%.`,
  ];
  const r = ml.robust;
  if (r !== null) {
    notes.push(
      `Cluster-robust (CR2) ${level}% CI: [${onAxis(r.ciLower)}, ${onAxis(r.ciUpper)}], t(${r.df.toFixed(1)}), p ${r.p < 0.001 ? "< 0.001" : `= ${r.p.toFixed(3)}`}.`,
    );
  }
  return notes;
}

/** A group size as a forest column shows it: whole, or one decimal after a shared-control split. */
function groupSizeText(n: number | null): string | null {
  if (n === null) return null;
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** "2/19": events out of the group size, for 2×2 tables. */
function eventsText(events: number | null, n: number | null): string | null {
  return events === null || n === null ? null : `${events}/${groupSizeText(n)}`;
}

function forestStudy(
  s: StudyResult,
  weight: number,
  byPublication: boolean,
  extras: { values: ForestStudy["columns"]; riskOfBias: ForestStudy["riskOfBias"] | null },
): ForestStudy {
  return {
    label: s.study,
    yi: s.yi,
    ciLower: s.ciLower,
    ciUpper: s.ciUpper,
    weight,
    ...(byPublication && s.cluster !== null ? { cluster: s.cluster } : {}),
    ...(s.year === null ? {} : { year: s.year }),
    columns: {
      ...extras.values,
      n1: groupSizeText(s.n1),
      n2: groupSizeText(s.n2),
      events1: eventsText(s.events1, s.n1),
      events2: eventsText(s.events2, s.n2),
    },
    ...(extras.riskOfBias === null ? {} : { riskOfBias: extras.riskOfBias }),
  };
}

/**
 * Forest plot input: studies (by subgroup when --by was given), the pooled estimate, tests; the
 * descriptor columns of `labels.forestColumns` read from `table`, and the SYRCLE dots when the
 * file has risk-of-bias columns.
 *
 * @throws Error when a column of `labels.forestColumns` is not in `table`
 */
export function forestInput(a: Analysis, labels: PlotLabels = {}, table?: StudyTable): ForestInput {
  // With --model three-level: rows grouped by publication, the three-level weights and diamonds.
  const ml = a.settings.model === "three-level" ? a.multilevel : null;
  const extras = forestExtras(a, labels.forestColumns ?? [], table);
  const study = (i: number) =>
    forestStudy(a.studies[i]!, ml?.weights[i] ?? a.studies[i]!.weight, ml !== null, {
      values: extras.values(i),
      riskOfBias: extras.riskOfBias === null ? null : extras.judgements(i),
    });
  // Animals per arm, as preclinical forest plots show them (split shared controls as fractions);
  // events out of animals for 2×2 tables, as RevMan shows them.
  const counts: ForestInput["columns"] = hasEvents(a)
    ? [
        { key: "events1", header: "Events/n (T)" },
        { key: "events2", header: "Events/n (C)" },
      ]
    : hasGroupSizes(a)
      ? [
          { key: "n1", header: "n (T)" },
          { key: "n2", header: "n (C)" },
        ]
      : [];
  const columns = [...extras.columns, ...counts];
  const input: ForestInput = {
    ...effectScale(a, labels),
    pooled: [pooled(a)],
    measure: SHORT_MEASURE[a.settings.measure],
    level: a.settings.level,
    title: "Forest plot",
    ...(labels.favours ? { favours: labels.favours } : {}),
    ...(columns.length > 0 ? { columns } : {}),
    ...(extras.riskOfBias === null ? {} : { riskOfBias: extras.riskOfBias }),
    ...(ml !== null
      ? {
          groupByCluster: true,
          notes: multilevelNotes(ml, a),
        }
      : {}),
  };
  const multilevelGroups = ml === null ? null : (a.subgroups?.multilevel ?? null);
  if (a.subgroups !== null && multilevelGroups !== null) {
    input.subgroups = a.subgroups.groups.map((g, j) => {
      const mg = multilevelGroups.groups[j]!;
      return {
        label: `${a.subgroups!.by}: ${g.level}`,
        studies: g.indices.map(study),
        // A level whose three-level model could not be fitted shows its studies without a diamond.
        ...(mg.estimate === null
          ? {}
          : {
              pooled: {
                label: `Subtotal (k = ${mg.k}, ${mg.clusters} publications)`,
                estimate: mg.estimate,
                ciLower: mg.ciLower ?? mg.estimate,
                ciUpper: mg.ciUpper ?? mg.estimate,
              },
            }),
      };
    });
    const t = multilevelGroups.test;
    input.subgroupTests =
      t === null
        ? []
        : [
            {
              label: "Test for subgroup differences (three-level model)",
              Q: t.QM,
              df: t.df,
              df2: t.df2,
              p: t.p,
            },
          ];
  } else if (a.subgroups !== null) {
    input.subgroups = a.subgroups.groups.map((g) => ({
      label: `${a.subgroups!.by}: ${g.level}`,
      studies: g.indices.map(study),
      // A level whose model could not be fitted shows its studies without a subtotal diamond.
      ...(g.estimate === null
        ? {}
        : {
            pooled: {
              label: `Subtotal (k = ${g.k})`,
              estimate: g.estimate,
              ciLower: g.ciLower ?? g.estimate,
              ciUpper: g.ciUpper ?? g.estimate,
              piLower: g.piLower,
              piUpper: g.piUpper,
              heterogeneity: { tau2: g.tau2, I2: g.I2, Q: g.Q, df: g.k - 1, p: g.Qp },
            },
          }),
    }));
    input.subgroupTests = a.subgroups.tests
      .filter((t) => t.Q !== null && t.p !== null)
      .map((t) => ({
        label: TABLE_METHODS.includes(a.settings.method)
          ? "Test for subgroup differences"
          : `Test for subgroup differences (${t.type === "separate-tau2" ? "separate τ²" : "common τ²"})`,
        Q: t.Q!,
        df: t.df,
        df2: t.df2,
        p: t.p!,
      }));
  } else {
    input.studies = a.studies.map((_, i) => study(i));
  }
  return input;
}

/** A figure to draw: run by {@link renderPlots}, which keeps the report when one fails. */
export type Figure = () => RenderedPlot | RenderedPlot[];

/**
 * Every plot the analysis supports, rendered to SVG. A plot that fails to draw is left out and the
 * reason is returned in `failures` (shown in the report), so one drawing bug cannot cost the whole
 * report.
 */
export function renderPlots(
  a: Analysis,
  labels: PlotLabels = {},
  table?: StudyTable,
): { plots: RenderedPlot[]; failures: string[] } {
  const plots: RenderedPlot[] = [];
  const failures: string[] = [];
  const draw = (figure: Figure | null) => {
    if (figure === null) return;
    try {
      const out = figure();
      for (const p of Array.isArray(out) ? out : [out]) plots.push(p);
    } catch (error) {
      failures.push(`A plot could not be drawn: ${(error as Error).message}`);
    }
  };
  const scale = effectScale(a, labels);
  // In the order of the report; each figure's own data (e.g. thinned points) is prepared as it is
  // reached, so a figure that fails costs only itself.
  draw(forestFigure(a, labels, table));
  draw(funnelFigure(a, scale));
  draw(contourFunnelFigure(a, scale));
  draw(sampleSizeFunnelFigure(a, scale));
  draw(galbraithFigure(a, labels));
  draw(bubbleFigure(a, scale));
  draw(leaveOneOutFigure(a, scale));
  draw(cumulativeFigure(a, scale));
  draw(baujatFigure(a));
  if (a.influence !== null) draw(() => influenceFigure(a, a.influence!));
  if (a.gosh !== null) draw(() => goshFigure(a, a.gosh!, effectScale(a, labels)));
  draw(riskOfBiasFigure(a));
  draw(prismaFigure(a));
  return { plots, failures };
}

/** The forest plot: each study, the subgroups' and the pooled diamonds (see {@link forestInput}). */
function forestFigure(a: Analysis, labels: PlotLabels, table: StudyTable | undefined): Figure {
  const method =
    a.settings.method === "FE"
      ? "fixed-effect model"
      : a.settings.method === "MH" || a.settings.method === "PETO"
        ? `fixed-effect model, ${METHOD_NAMES[a.settings.method]} method`
        : `random-effects model, ${METHOD_NAMES[a.settings.method]}`;
  return () => ({
    file: "forest.svg",
    title: "Forest plot",
    caption:
      a.settings.model === "three-level" && a.multilevel !== null
        ? `Each experiment's effect with its ${a.settings.level}% confidence interval (squares sized by weight in the three-level model), experiments of one publication together under its name, and the pooled estimate of the three-level model (${a.multilevel.method}).${forestColumnsCaption(a, labels)}${rowsCaption(a.studies.length, "studies")}`
        : `Each study's effect with its ${a.settings.level}% confidence interval (squares sized by weight) and the pooled estimate (${method}).${forestColumnsCaption(a, labels)}${rowsCaption(a.studies.length, "studies")}`,
    svg: forestPlot(withNote(forestInput(a, labels, table), rowsLeftOut(a.studies.length)), {
      idPrefix: "forest",
      maxRows: FIGURE_LIMITS.rows,
      ...(labels.forestSort ? { sort: labels.forestSort } : {}),
    }),
  });
}

/** The Galbraith (radial) plot (Galbraith 1988). */
function galbraithFigure(a: Analysis, labels: PlotLabels): Figure {
  const tau2 = a.model.tau2 ?? 0;
  const galbraithPoints = thinPoints(
    a.studies.map((s) => ({ label: s.study, yi: s.yi, vi: s.vi })),
    // The axes of the radial plot: precision 1/√(vi + tau²) and the standardised effect.
    [(p) => 1 / Math.sqrt(p.vi + tau2), (p) => p.yi / Math.sqrt(p.vi + tau2)],
  );
  return () => ({
    file: "galbraith.svg",
    title: "Galbraith (radial) plot",
    caption:
      "Standardised effects against precision; the line's slope is the pooled estimate and most studies should fall within the band of ±2." +
      pointsCaption(galbraithPoints),
    svg: galbraithPlot(
      {
        studies: galbraithPoints.points,
        estimate: a.model.estimate,
        tau2,
        effectLabel: galbraithLabel(a, labels),
        title: `Galbraith plot${pointsTitle(galbraithPoints)}`,
      },
      { idPrefix: "galbraith" },
    ),
  });
}

/** The bubble plot of the meta-regression, when it has a continuous moderator. */
function bubbleFigure(a: Analysis, scale: EffectScale): Figure | null {
  const bubble = bubbleInput(a, scale);
  if (bubble === null) return null;
  const bubblePoints = thinPoints(bubble.studies, [(p) => p.x, (p) => p.yi]);
  return () => ({
    file: "bubble.svg",
    title: `Bubble plot: ${bubble.xLabel}`,
    caption:
      "Each study's effect against the moderator, bubbles sized by weight, with the meta-regression line and its confidence band." +
      pointsCaption(bubblePoints),
    svg: bubblePlot(
      {
        ...bubble,
        studies: bubblePoints.points,
        ...(bubble.title !== undefined
          ? { title: `${bubble.title}${pointsTitle(bubblePoints)}` }
          : {}),
      },
      { idPrefix: "bubble" },
    ),
  });
}

/** SYRCLE's judgements per study and item, and their shares, when the file has them. */
function riskOfBiasFigure(a: Analysis): Figure | null {
  const rob = a.riskOfBias;
  if (rob === null) return null;
  // Above the row limit the per-study grid is left out; the summary bars count every study.
  const gridShown = rob.studies.length <= FIGURE_LIMITS.rows;
  return () => ({
    file: "risk-of-bias.svg",
    title: "Risk of bias (SYRCLE)",
    caption: gridShown
      ? "SYRCLE's ten items per study (green: low risk, red: high risk, yellow: unclear) and the share of judgements per item."
      : `The share of judgements per SYRCLE item over all ${rob.studies.length} studies (green: low risk, red: high risk, yellow: unclear); the grid of judgements per study is left out above ${FIGURE_LIMITS.rows} studies, see the risk-of-bias table.`,
    svg: riskOfBiasPlot(
      {
        studies: rob.studies,
        title: gridShown
          ? "Risk of bias (SYRCLE)"
          : `Risk of bias (SYRCLE), all ${rob.studies.length} studies; per-study grid left out above ${FIGURE_LIMITS.rows}`,
      },
      { idPrefix: "rob", ...(gridShown ? {} : { panels: "summary" as const }) },
    ),
  });
}

/** The PRISMA 2020 flow diagram (Page et al. 2021), when the counts were given. */
function prismaFigure(a: Analysis): Figure | null {
  const prisma = a.prisma;
  if (prisma === null) return null;
  return () => ({
    file: "prisma.svg",
    title: "PRISMA 2020 flow diagram",
    caption: "How the included studies were found and selected.",
    svg: prismaPlot({ ...prisma, title: "PRISMA 2020 flow diagram" }, { idPrefix: "prisma" }),
  });
}

/**
 * Bubble plot of the first continuous moderator, with the fitted line and its confidence band
 * (other moderators at their means); null without one. Exported for the tests against metafor.
 */
export function bubbleInput(a: Analysis, scale: EffectScale) {
  const reg = a.regression;
  if (reg === null) return null;
  const index = reg.moderators.findIndex((m) => m.type === "continuous");
  if (index < 0) return null;
  const mod = reg.moderators[index]!;
  const x = mod.values as number[];
  const tau2 = reg.tau2 ?? 0;
  const weights = a.studies.map((s) => 1 / (s.vi + tau2));
  const total = weights.reduce((s, w) => s + w, 0);
  const input: Parameters<typeof bubblePlot>[0] = {
    studies: a.studies.map((s, i) => ({
      label: s.study,
      x: x[i]!,
      yi: s.yi,
      weight: (100 * weights[i]!) / total,
    })),
    xLabel: mod.name,
    ...(scale.effectLabel ? { effectLabel: scale.effectLabel } : {}),
    ...(scale.scale ? { scale: scale.scale } : {}),
    title: `Meta-regression on ${mod.name}`,
  };
  // The fitted line of the chosen moderator with every other design column held at its mean
  // (a categorical moderator's dummies at the share of each level), as metafor's regplot draws it.
  const means = designMeans(reg);
  const column = termIndex(reg, index);
  const slope = reg.terms[column];
  if (means !== null && slope !== undefined) {
    // No Math.min(...x): an argument list as long as the data overflows the stack.
    const lo = x.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
    const hi = x.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
    const rows = Array.from({ length: 21 }, (_, j) => {
      const row = [...means];
      row[column] = lo + ((hi - lo) * j) / 20;
      return row;
    });
    const fitted = linearPredictions(
      reg.terms.map((t) => t.estimate),
      reg.vcov,
      rows,
      a.settings.level,
      reg.df,
    );
    input.fit = fitted.map((f, j) => ({
      x: rows[j]![column]!,
      estimate: f.estimate,
      ciLower: f.ciLower,
      ciUpper: f.ciUpper,
    }));
    const others = reg.moderators.length > 1 ? "; other moderators at their means" : "";
    input.note = `slope ${slope.estimate.toFixed(3)} (p ${slope.p !== null && slope.p < 0.001 ? "< 0.001" : `= ${slope.p?.toFixed(3)}`}); R² = ${reg.R2 === null ? MISSING_IN_REPORT : `${reg.R2.toFixed(0)}%`}${others}`;
  }
  return input;
}

type Regression = NonNullable<Analysis["regression"]>;

/** Column of the design (term index) of moderator `index`: its first column. */
function termIndex(reg: Regression, index: number): number {
  let column = 1;
  for (let m = 0; m < index; m++) {
    const mod = reg.moderators[m]!;
    column += mod.type === "continuous" ? 1 : (mod.levels?.length ?? 1) - 1;
  }
  return column;
}

/**
 * Mean of every design column: 1 for the intercept, the mean of a continuous moderator, the share
 * of each non-reference level for a categorical one. null when the layout does not match the
 * terms (then no line is drawn rather than a wrong one).
 */
function designMeans(reg: Regression): number[] | null {
  const means = [1];
  for (const mod of reg.moderators) {
    const values = mod.values;
    if (mod.type === "continuous") {
      const numbers = values as number[];
      means.push(numbers.reduce((sum, v) => sum + v, 0) / numbers.length);
    } else {
      for (const level of (mod.levels ?? []).slice(1))
        means.push(values.filter((v) => v === level).length / values.length);
    }
  }
  return means.length === reg.terms.length ? means : null;
}

/** The forest caption's sentences on the columns from the data and the SYRCLE dots. */
function forestColumnsCaption(a: Analysis, labels: PlotLabels): string {
  const columns = labels.forestColumns ?? [];
  return (
    (columns.length === 0 ? "" : ` Beside each study: ${columns.join(", ")}, from the data file.`) +
    (a.riskOfBias === null
      ? ""
      : " Dots: each study's SYRCLE risk-of-bias judgements, item by item (green +: low risk, yellow ?: unclear, red −: high risk; numbered as in the key).")
  );
}

/** The forest plot's note on where the studies it leaves out are listed. */
function rowsLeftOut(k: number): string | null {
  return k > FIGURE_LIMITS.rows ? `All ${k} studies are listed in studies.csv.` : null;
}

function withNote(input: ForestInput, note: string | null): ForestInput {
  return note === null ? input : { ...input, notes: [...(input.notes ?? []), note] };
}
