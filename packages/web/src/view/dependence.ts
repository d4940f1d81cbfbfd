/**
 * Experiments nested in publications, as plain data for the DOM layer: which model the summary
 * leads with, and the Dependence section (the three-level model beside the standard one, the
 * variance split with its profile-likelihood intervals, I² per level, the likelihood-ratio tests,
 * the CR2 cluster-robust intervals, and the three-level subgroups and meta-regression). The
 * numbers are the pipeline's; only the rounding is done here. Missing values print as "–"; a cell
 * that does not apply to its row is left empty.
 */
import type {
  AnalysisView,
  LikelihoodRatioView,
  MultilevelView,
  ReadingInterval,
  ReadingScaleView,
  RobustView,
  TransformedInterval,
} from "../api.js";
import {
  type EstimateLine,
  formatInterval,
  formatNumber,
  formatP,
  formatPercent,
  formatTDf,
  scaleNames,
} from "./format.js";
import type { TableView } from "./results.js";

/** The model the summary shows: the three-level one with --model three-level, else the standard. */
export interface LeadModel extends EstimateLine {
  threeLevel: boolean;
  se: number;
  piLower: number | null;
  piUpper: number | null;
  /** Its CR2 cluster-robust interval, when the file has a publication column. */
  robust: RobustView | null;
}

/**
 * The model the page leads with. The same rule as the report's summary: the three-level model
 * when it was asked for (and fitted), so the estimate line, the forest plot's diamond and the
 * plain-language summary agree.
 */
export function leadModel(a: AnalysisView): LeadModel {
  const ml = a.multilevel;
  const scale = a.model.scale ?? "identity";
  if (a.settings?.model === "three-level" && ml) {
    return {
      scale,
      transformed: ml.transformed ?? null,
      threeLevel: true,
      k: ml.k,
      clusters: ml.clusters,
      estimate: ml.estimate,
      se: ml.se,
      ciLower: ml.ciLower,
      ciUpper: ml.ciUpper,
      p: ml.p,
      piLower: ml.piLower,
      piUpper: ml.piUpper,
      robust: ml.robust ?? null,
    };
  }
  const m = a.model;
  return {
    scale,
    transformed: m.transformed ?? null,
    threeLevel: false,
    k: m.k,
    estimate: m.estimate,
    se: m.se,
    ciLower: m.ciLower,
    ciUpper: m.ciUpper,
    p: m.p,
    piLower: m.piLower ?? null,
    piUpper: m.piUpper ?? null,
    robust: m.robust ?? null,
  };
}

/** The three-level model's heterogeneity in one line: σ² per level and I² per level and in total. */
export function formatMultilevelHeterogeneity(ml: MultilevelView): string {
  return [
    `σ² between publications = ${formatNumber(ml.sigma2Between, 3)}`,
    `σ² within = ${formatNumber(ml.sigma2Within, 3)}`,
    `I² = ${formatPercent(ml.I2Total)} (between ${formatPercent(ml.I2Between)}, within ${formatPercent(ml.I2Within)})`,
  ].join("; ");
}

/** How the experiments spread over publications, from each study's publication. */
export function publicationCounts(a: AnalysisView): {
  experiments: number;
  publications: number;
  /** Publications with two or more experiments. */
  repeated: number;
  largest: number;
} {
  const sizes = new Map<string, number>();
  for (const s of a.studies) {
    if (s.cluster !== null && s.cluster !== undefined)
      sizes.set(s.cluster, (sizes.get(s.cluster) ?? 0) + 1);
  }
  const counts = [...sizes.values()];
  return {
    experiments: a.studies.length,
    publications: sizes.size,
    repeated: counts.filter((n) => n >= 2).length,
    largest: Math.max(0, ...counts),
  };
}

export interface DependenceView {
  /** One sentence: how many experiments in how many publications, and the column read. */
  lead: string;
  tables: TableView[];
  /** The model's own remarks (e.g. a variance component fixed at 0), in words. */
  notes: string[];
}

/** The Dependence section, whenever the analysis has the three-level model; else null. */
export function dependenceView(
  a: AnalysisView,
  reading: ReadingScaleView | null = null,
): DependenceView | null {
  const ml = a.multilevel;
  if (!ml) return null;
  const counts = publicationCounts(a);
  const column = a.settings?.cluster ? ` (column “${a.settings.cluster}”)` : "";
  const repeated =
    counts.publications > 0
      ? `; ${counts.repeated} ${counts.repeated === 1 ? "publication reports" : "publications report"} two or more (up to ${counts.largest})`
      : "";
  const lead = `${ml.k} experiments from ${ml.clusters} publications${column}${repeated}. Experiments of one publication share a laboratory, animals and often a control group, so they are not independent: the three-level model splits the heterogeneity between and within publications, and the cluster-robust (CR2) intervals allow for any dependence within a publication.`;
  return {
    lead,
    tables: [
      dependenceModelsTable(a, ml, reading),
      varianceComponentsTable(ml),
      ...multilevelSubgroupTables(a),
      ...multilevelRegressionTables(a),
    ],
    notes: [...(ml.notes ?? [])],
  };
}

/** Methods of a fixed-effect standard model (no τ², no prediction interval). */
const FIXED_EFFECT_METHODS: readonly string[] = ["FE", "MH", "PETO"];

/** The standard model by its method: fixed effect, Mantel-Haenszel, Peto or random effects. */
export function standardModelName(method: string): string {
  if (method === "FE") return "Standard: fixed effect";
  if (method === "MH") return "Standard: Mantel-Haenszel (fixed effect)";
  if (method === "PETO") return "Standard: Peto (fixed effect)";
  return `Standard: random effects (${method})`;
}

/**
 * A CR2 row under its model: the same estimate, the robust SE, CI and p (no prediction interval);
 * `reading` is its CI on the reader's scale for ratios and correlations.
 */
function robustRow(
  model: string,
  r: RobustView | null | undefined,
  estimate: number | null,
  reading: ReadingInterval | null,
): string[] {
  if (!r) return [`${model}, cluster-robust (CR2)`, "–", "–", "–", "", "–"];
  return [
    `${model}, cluster-robust (CR2, ${formatTDf(r.df)})`,
    formatNumber(estimate),
    reading
      ? formatInterval(reading.ciLower, reading.ciUpper)
      : formatInterval(r.ciLower, r.ciUpper),
    formatP(r.p),
    "",
    formatNumber(r.se, 3),
  ];
}

/** A model's row: estimate, CI and PI on the reader's scale when `t` is given, SE as analysed. */
function modelRow(
  label: string,
  m: {
    estimate: number;
    se: number;
    ciLower: number | null;
    ciUpper: number | null;
    p: number | null;
    piLower?: number | null;
    piUpper?: number | null;
  },
  t: TransformedInterval | null,
  /** A fixed-effect model has no prediction interval: its cell stays empty. */
  hasPrediction = true,
): string[] {
  const shown = t ?? m;
  return [
    label,
    formatNumber(shown.estimate),
    formatInterval(shown.ciLower, shown.ciUpper),
    formatP(m.p),
    hasPrediction ? formatInterval(shown.piLower, shown.piUpper) : "",
    formatNumber(m.se, 3),
  ];
}

/**
 * The standard and three-level estimates side by side, each with its CR2 interval. Ratios and
 * correlations are shown on the reader's scale (the JSON's `transformed`, and the CR2 intervals
 * back-transformed by the pipeline), their SEs on the scale of the analysis.
 */
export function dependenceModelsTable(
  a: AnalysisView,
  ml: MultilevelView,
  reading: ReadingScaleView | null = null,
): TableView {
  const m = a.model;
  const method = a.settings?.method ?? "REML";
  const threeLevel = `Three-level (${ml.method}${ml.test === "t" ? ", t test" : ""})`;
  const names = scaleNames(a.settings?.measure ?? "", m.scale);
  const onReadingScale = names !== null && m.transformed != null && reading !== null;
  const standardT = onReadingScale ? (m.transformed ?? null) : null;
  const threeLevelT = onReadingScale ? (ml.transformed ?? null) : null;
  return {
    id: "dependence-models",
    caption: "Standard and three-level estimates",
    // The interval next to the estimate, so both stay in view on a phone (the table scrolls).
    headers: [
      "Model",
      onReadingScale && names ? names.readingShort : "Estimate",
      "95% CI",
      "p",
      "95% prediction interval",
      onReadingScale && names ? `SE (${names.analysedShort})` : "SE",
    ],
    rows: [
      modelRow(standardModelName(method), m, standardT, !FIXED_EFFECT_METHODS.includes(method)),
      robustRow(
        "Standard",
        m.robust,
        standardT ? standardT.estimate : m.estimate,
        onReadingScale ? (reading?.robust ?? null) : null,
      ),
      modelRow(threeLevel, ml, threeLevelT),
      robustRow(
        "Three-level",
        ml.robust,
        threeLevelT ? threeLevelT.estimate : ml.estimate,
        onReadingScale ? (reading?.multilevelRobust ?? null) : null,
      ),
    ],
  };
}

function lrtCell(t: LikelihoodRatioView | null): string {
  return t ? `χ²(${t.df}) = ${formatNumber(t.statistic, 2)}` : "–";
}

/**
 * The variance split: σ² per level with its profile-likelihood CI, multilevel I² (Cheung 2014)
 * and the likelihood-ratio test of dropping that level.
 */
export function varianceComponentsTable(ml: MultilevelView): TableView {
  return {
    id: "dependence-variance",
    caption: "Variance components of the three-level model",
    headers: [
      "Level",
      "σ²",
      "95% CI (profile likelihood)",
      "I²",
      "LR test (level dropped)",
      "p (LR test)",
    ],
    rows: [
      [
        "Between publications",
        formatNumber(ml.sigma2Between, 4),
        formatInterval(ml.sigma2BetweenCiLower, ml.sigma2BetweenCiUpper, 4),
        formatPercent(ml.I2Between),
        lrtCell(ml.lrtBetween),
        formatP(ml.lrtBetween?.p),
      ],
      [
        "Within publications (between experiments)",
        formatNumber(ml.sigma2Within, 4),
        formatInterval(ml.sigma2WithinCiLower, ml.sigma2WithinCiUpper, 4),
        formatPercent(ml.I2Within),
        lrtCell(ml.lrtWithin),
        formatP(ml.lrtWithin?.p),
      ],
      [
        "Total",
        formatNumber(ml.sigma2Between + ml.sigma2Within, 4),
        "",
        formatPercent(ml.I2Total),
        "",
        "",
      ],
    ],
  };
}

/** Subgroups in the three-level model (--by with --model three-level), and their moderator test. */
export function multilevelSubgroupTables(a: AnalysisView): TableView[] {
  const s = a.subgroups?.multilevel;
  if (!s) return [];
  const out: TableView[] = [
    {
      id: "dependence-subgroups",
      caption: "Subgroups in the three-level model",
      headers: ["Level", "k", "Publications", "Estimate", "95% CI", "p", "σ² between", "σ² within"],
      rows: s.groups.map((g) => [
        g.level,
        String(g.k),
        String(g.clusters),
        formatNumber(g.estimate),
        formatInterval(g.ciLower, g.ciUpper),
        formatP(g.p),
        formatNumber(g.sigma2Between, 4),
        formatNumber(g.sigma2Within, 4),
      ]),
    },
  ];
  if (s.test) {
    const t = s.test;
    const name =
      t.distribution === "F" ? `F(${t.df}, ${formatNumber(t.df2, 1)})` : `QM (df = ${t.df})`;
    out.push({
      id: "dependence-subgroup-test",
      caption: "Subgroup differences (three-level model)",
      headers: ["Test", "Statistic", "p"],
      rows: [[name, formatNumber(t.QM, 2), formatP(t.p)]],
    });
  }
  return out;
}

/** The three-level meta-regression: coefficients with their CR2 tests, QM and the HTZ test. */
export function multilevelRegressionTables(a: AnalysisView): TableView[] {
  const r = a.regression?.multilevel;
  if (!r) return [];
  const terms: TableView = {
    id: "dependence-regression",
    caption: "Meta-regression in the three-level model",
    headers: ["Term", "Estimate", "SE", "95% CI", "p", "CR2 SE", "CR2 df", "CR2 p"],
    rows: r.terms.map((t) => [
      t.name,
      formatNumber(t.estimate, 3),
      formatNumber(t.se, 3),
      formatInterval(t.ciLower, t.ciUpper, 3),
      formatP(t.p),
      formatNumber(t.robustSe, 3),
      formatNumber(t.robustDf, 1),
      formatP(t.robustP),
    ]),
  };
  const qm =
    r.QMdistribution === "F" ? `F(${r.QMdf}, ${formatNumber(r.QMdf2, 1)})` : `QM (df = ${r.QMdf})`;
  const htz = r.robustQM;
  const overall: TableView = {
    id: "dependence-regression-tests",
    caption: "Moderator tests (three-level model)",
    headers: ["Test", "Statistic", "p"],
    rows: [
      [qm, formatNumber(r.QM, 2), formatP(r.QMp)],
      htz
        ? [
            `Cluster-robust HTZ F(${formatNumber(htz.df1, 0)}, ${formatNumber(htz.df2, 1)})`,
            formatNumber(htz.statistic, 2),
            formatP(htz.p),
          ]
        : ["Cluster-robust HTZ F", "–", "–"],
    ],
  };
  return [terms, overall];
}
