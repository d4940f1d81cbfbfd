/**
 * Plot inputs as plain data.
 *
 * The plots package does not depend on the statistics engine: any caller (CLI report, web app,
 * a test) adapts its results to these shapes. Effects are always given on the analysis scale:
 * for ratio measures (ROM, OR, RR) that is the log scale, for correlations pooled as Fisher's z
 * (ZCOR) the z scale; `scale: "log"` or `scale: "fisher-z"` makes the axis and the printed numbers
 * show the back-transformed ratio or correlation.
 */

/**
 * How effects given on the analysis scale are shown:
 * - "linear": as given (MD, SMD, NMD, RD...);
 * - "log": values are natural logs of ratios (ROM, OR, RR); shown as ratios exp(value), axis ticks
 *   at nice ratios (0.1, 0.5, 1, 2, 10...) placed at their logs;
 * - "fisher-z": values are Fisher's z = atanh(r) (ZCOR); shown as correlations r = tanh(value),
 *   axis ticks at nice correlations (−0.5, 0, 0.5, 0.9...) placed at atanh(r) (Fisher 1921).
 */
export type EffectScaleKind = "linear" | "log" | "fisher-z";

/** How the effect axis is drawn. */
export interface EffectScale {
  /** See {@link EffectScaleKind}; default "linear". */
  scale?: EffectScaleKind;
  /** Axis title, e.g. "Mean difference (BBB points)" or "Ratio of means". */
  effectLabel?: string;
  /**
   * Fixed axis limits on the analysis scale (log scale: natural logs; fisher-z: z values); data
   * outside get arrows.
   */
  xlim?: [number, number];
  /**
   * Value of no effect on the analysis scale; default 0 (a ratio of 1 on the log scale, a
   * correlation of 0 on the fisher-z scale).
   */
  nullValue?: number;
}

/** Text under each side of the axis, e.g. { left: "Favours control", right: "Favours exosomes" }. */
export interface FavoursLabels {
  left: string;
  right: string;
}

/** Heterogeneity of one model: printed as "τ² = …; I² = …%; Q = … (df = …), p = …". */
export interface Heterogeneity {
  /** Between-study variance; null or absent for a fixed-effect model. */
  tau2?: number | null;
  /** Percent (0-100). */
  I2?: number | null;
  Q?: number | null;
  df?: number | null;
  p?: number | null;
}

/** Test of the average effect: "z = 4.10, p < 0.001" or "t(29) = 4.10, p < 0.001". */
export interface EffectTest {
  statistic: number;
  /** "z" or "t". */
  distribution: "z" | "t";
  df?: number | null;
  p: number;
}

/** A test for differences between subgroups (one line under the plot). */
export interface SubgroupDifferenceTest {
  /** Printed before the statistic, e.g. "Test for subgroup differences (separate τ²)". */
  label: string;
  /** Chi-square statistic, or F (then give `df2`). */
  Q: number;
  df: number;
  /** Denominator df of an F statistic. */
  df2?: number | null;
  p: number;
}

/** One study (comparison) row of a forest plot. */
export interface ForestStudy {
  label: string;
  /** Effect on the analysis scale (natural log for ROM, OR, RR; Fisher's z for ZCOR). */
  yi: number;
  ciLower: number;
  ciUpper: number;
  /**
   * Weight in the model (any non-negative scale; printed as a percent of the total of the plotted
   * studies, rounded so that the printed numbers add to exactly 100.0). Omit to draw equal squares
   * and no weight column.
   */
  weight?: number;
  /** Publication year, for `sort: "year"`. */
  year?: number;
  /** Extra columns by key (see {@link ForestColumn}), e.g. { dose: "200 µg", n1: 10, n2: 8 }. */
  columns?: Record<string, string | number | null | undefined>;
  /**
   * The cluster the study belongs to, e.g. its publication; with `groupByCluster` the studies of
   * one cluster are drawn together.
   */
  cluster?: string;
  /**
   * Risk-of-bias judgements, one per item of {@link ForestInput.riskOfBias} in its order (an entry
   * left out or null: not assessed). Drawn only when the input has `riskOfBias`.
   */
  riskOfBias?: RiskOfBiasJudgement[];
}

/** A risk-of-bias judgement as drawn: low, high or unclear risk; null when not assessed. */
export type RiskOfBiasJudgement = "low" | "high" | "unclear" | null;

/**
 * The risk-of-bias column of a forest plot: a dot per item beside each study (green "+" low,
 * red "−" high, yellow "?" unclear, empty grey not assessed), item numbers 1..n as headers and a
 * legend naming the items under the plot. Judgements travel with each study
 * ({@link ForestStudy.riskOfBias}), so sorting and subgroups keep them on their row.
 */
export interface ForestRiskOfBias {
  /** Item names in column order, e.g. the ten SYRCLE items (SYRCLE_ITEM_NAMES). */
  items: string[];
  /** Name of the tool in the header and the legend; default "Risk of bias". */
  label?: string;
}

/**
 * An extra text column of a forest plot, drawn between the study label and the plot, as wide as
 * its widest text (up to 150 px, then shortened with an ellipsis and a tooltip): descriptors
 * (dose, sex, strain), group sizes or events/n of 2×2 tables. Each study's value is
 * `ForestStudy.columns[key]`.
 */
export interface ForestColumn {
  key: string;
  /** Column header, e.g. "Dose" or "n (T)". */
  header: string;
  /** Alignment; numbers default to right, text to left. */
  align?: "left" | "right" | "center";
}

/** A pooled estimate: drawn as a diamond, with an optional prediction interval row. */
export interface PooledEstimate {
  /** e.g. "Random-effects model (REML)". */
  label: string;
  estimate: number;
  ciLower: number;
  ciUpper: number;
  /** Prediction interval (random-effects models). */
  piLower?: number | null;
  piUpper?: number | null;
  heterogeneity?: Heterogeneity;
  test?: EffectTest;
}

/** One subgroup: its studies, its own pooled estimate and heterogeneity. */
export interface ForestSubgroup {
  /** Printed as the block header, e.g. "200 µg". */
  label: string;
  studies: ForestStudy[];
  pooled?: PooledEstimate;
}

export type ForestSort = "input" | "effect" | "year" | "weight";

export interface ForestInput extends EffectScale {
  /** Plain list of studies; or give `subgroups` (then `studies` is ignored). */
  studies?: ForestStudy[];
  subgroups?: ForestSubgroup[];
  /** The overall pooled estimate(s): e.g. random-effects and common-effect. */
  pooled?: PooledEstimate[];
  /** Tests for differences between subgroups (under the overall estimate). */
  subgroupTests?: SubgroupDifferenceTest[];
  columns?: ForestColumn[];
  /**
   * Under the axis, either side of the null line: the left label right-aligned before it with
   * "←", the right one after it with "→" (RevMan's "Favours treatment / Favours control"). Both
   * stay under the axis; a long label wraps to two lines, then ends with an ellipsis (the full
   * text as a tooltip).
   */
  favours?: FavoursLabels;
  /** A risk-of-bias column right of the weights; see {@link ForestRiskOfBias}. */
  riskOfBias?: ForestRiskOfBias;
  /** Header of the label column; default "Study". */
  studyHeader?: string;
  /** Short name of the measure for the effect column header, e.g. "MD" or "ROM". */
  measure?: string;
  /** Plot title drawn at the top (also the SVG <title>). */
  title?: string;
  /** Confidence level in percent for the column header; default 95. */
  level?: number;
  /** Text lines printed under the plot (notes). */
  notes?: string[];
  /**
   * Draw the studies of one cluster (ForestStudy.cluster, e.g. experiments of one publication)
   * together, within each block: a cluster of two or more studies gets its label as a row above
   * its studies, which are indented; clusters keep the order of their first study after sorting.
   */
  groupByCluster?: boolean;
}

export interface ForestOptions {
  /** Row order within each block; default "input". */
  sort?: ForestSort;
  /** Default: ascending for effect and year, descending for weight. */
  descending?: boolean;
  /** Decimals of the printed effects; default 2. */
  digits?: number;
  /** Width of the plotting region in px; default 300. */
  plotWidth?: number;
  /** Longest study label before truncation with an ellipsis, in px; default 220. */
  maxLabelWidth?: number;
  /** Prefix of the SVG ids (several plots inline in one page need different ones). */
  idPrefix?: string;
  fontSize?: number;
  /**
   * Most study rows drawn (forest plot) or rows (leave-one-out and cumulative plots), in the order
   * drawn; the rest are left out and a note under the plot says how many are shown. Weights,
   * subtotals and pooled rows still cover every study. Default: all.
   */
  maxRows?: number;
}

/** Funnel plot: effect against its standard error (or a sample-size precision). */
export interface FunnelStudy {
  label: string;
  yi: number;
  /** Standard error, or the precision quantity named by `yAxis`. */
  se: number;
  /** True for studies imputed by trim-and-fill (drawn hollow). */
  filled?: boolean;
}

/** Studies of one subgroup in a funnel plot: drawn in one colour and one marker shape. */
export interface FunnelGroup {
  /** Legend text, e.g. "route: intravenous". */
  level: string;
  /** Positions in `FunnelInput.studies` (0-based). */
  indices: number[];
}

export interface FunnelInput extends EffectScale {
  studies: FunnelStudy[];
  /**
   * Subgroups (e.g. the levels of --by): each drawn in its own colour of the Okabe-Ito palette
   * and its own marker shape, with a legend entry. Observed studies in no group are grey circles;
   * trim-and-fill studies stay hollow.
   */
  groups?: FunnelGroup[];
  /** Pooled estimate (the funnel's centre line). */
  estimate: number;
  /** Trim-and-fill adjusted estimate, drawn as a dashed line when given. */
  adjustedEstimate?: number | null;
  /**
   * What the vertical axis holds: "se" (default) or "sample-size" (√(1/n₁ + 1/n₂), for SMD,
   * Pustejovsky & Rodgers 2019). Only the axis title changes.
   */
  yAxis?: "se" | "sample-size";
  /** Custom vertical axis title. */
  yLabel?: string;
  title?: string;
}

export interface FunnelOptions {
  /**
   * Contour-enhanced funnel: shade where a study would be significant at these levels (percent)
   * around the null value, e.g. [90, 95, 99]. Default: none (pseudo 95% region around the estimate).
   */
  contours?: number[];
  /** Draw the pseudo-confidence region around the estimate; default true. */
  pseudoRegion?: boolean;
  /** Level of the pseudo-confidence region in percent; default 95. */
  level?: number;
  width?: number;
  height?: number;
  idPrefix?: string;
  fontSize?: number;
}

/** Galbraith (radial) plot: yᵢ/√(vᵢ + τ²) against 1/√(vᵢ + τ²). */
export interface GalbraithInput {
  studies: { label: string; yi: number; vi: number }[];
  /** Pooled estimate of the model (slope of the line through the origin). */
  estimate: number;
  /** Between-study variance of the model; 0 or absent for a fixed-effect model. */
  tau2?: number | null;
  effectLabel?: string;
  title?: string;
}

export interface ScatterOptions {
  width?: number;
  height?: number;
  idPrefix?: string;
  fontSize?: number;
  /** Label at most this many points (the most extreme); default: all when ≤ 30 points, else 10. */
  maxLabels?: number;
}

/** Bubble plot of a meta-regression on one continuous moderator. */
export interface BubbleInput {
  studies: { label: string; x: number; yi: number; weight: number }[];
  /** The fitted line and its confidence band, as points along x (at least two). */
  fit?: { x: number; estimate: number; ciLower: number; ciUpper: number }[];
  /** Moderator axis title, e.g. "Dose (µg)". */
  xLabel: string;
  effectLabel?: string;
  /** How the effect (vertical) axis shows the effects; see {@link EffectScaleKind}. */
  scale?: EffectScaleKind;
  nullValue?: number;
  title?: string;
  /** Note under the plot, e.g. "slope 0.012 (p = 0.03); R² = 35%". */
  note?: string;
}

/** Baujat plot: contribution to Q against influence on the pooled estimate. */
export interface BaujatInput {
  studies: { label: string; x: number; y: number }[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/**
 * Case-deletion diagnostics of a fitted model, one entry per study in the model's order (metafor's
 * influence(): Viechtbauer & Cheung 2010). null where the model without the study could not be
 * fitted (metafor: NA); such a point is not drawn.
 */
export interface InfluenceInput {
  /** Study labels; the panels number the studies 1..k in this order. */
  studies: string[];
  /** Externally studentised residuals. */
  rstudent: (number | null)[];
  dffits: (number | null)[];
  cooksD: (number | null)[];
  /** det Var(β̂₍₋ᵢ₎) / det Var(β̂); drawn on a log axis, as metafor does. */
  covRatio: (number | null)[];
  /** τ² of the model without the study. */
  tau2Deleted: (number | null)[];
  /** Residual heterogeneity QE of the model without the study. */
  QEDeleted: (number | null)[];
  /** Hat values (leverage) in the full model. */
  hat: (number | null)[];
  /** Weights in percent in the full model. */
  weight: (number | null)[];
  /** metafor's flag for an influential study; drawn filled red. */
  influential: boolean[];
  /** Number of model coefficients (1 without moderators; default 1): the DFFITS, Cook's and hat lines. */
  p?: number;
  /** τ² of the full model: the dashed line of the τ²-deleted panel (left out when absent). */
  tau2?: number | null;
  /** QE of the full model: the dashed line of the QE-deleted panel (left out when absent). */
  QE?: number | null;
  title?: string;
}

export interface InfluenceOptions extends PlotOptions {
  /** Width of the whole figure in px; default 720. */
  width?: number;
  /** Height of one panel's plotting frame in px; default 120. */
  panelHeight?: number;
}

/** Leave-one-out forest plot. */
export interface LeaveOneOutInput extends EffectScale {
  rows: {
    /** The omitted study (leave-one-out), or the study added at this step (cumulative). */
    label: string;
    estimate: number;
    ciLower: number;
    ciUpper: number;
    tau2?: number | null;
    I2?: number | null;
  }[];
  /** The model with every study. */
  full: PooledEstimate & { tau2?: number | null; I2?: number | null };
  measure?: string;
  favours?: FavoursLabels;
  title?: string;
  level?: number;
  /**
   * What the rows are: each study omitted in turn (default), or the studies entered one by one in
   * a given order, e.g. by year (cumulative meta-analysis, Lau et al. 1992).
   */
  kind?: "leave-one-out" | "cumulative";
  /** Cumulative only: what the order is, for the description, e.g. "publication year". */
  orderedBy?: string;
}

import type { SyrcleItem } from "@pooled/contract";

export { SYRCLE_ITEM_NAMES, SYRCLE_ITEMS, type SyrcleItem } from "@pooled/contract";

/**
 * A judgement as written by the reviewer: "yes"/"low" (low risk), "no"/"high" (high risk),
 * "unclear"; anything empty means not assessed. Case-insensitive.
 */
export type RiskInput = string | null | undefined;

export interface RiskOfBiasInput {
  studies: { study: string; judgements: Partial<Record<SyrcleItem, RiskInput>> }[];
  title?: string;
}

export interface RiskOfBiasOptions {
  /** "both" (default): traffic-light grid and summary bars; or one of them. */
  panels?: "both" | "grid" | "summary";
  idPrefix?: string;
  fontSize?: number;
  maxLabelWidth?: number;
}

export type { PrismaInput } from "@pooled/contract";

export interface PlotOptions {
  idPrefix?: string;
  fontSize?: number;
}
