/**
 * The report's sections on experiments nested in publications: the Dependence section (how many
 * publications report several experiments, the three-level model beside the standard one, the
 * variance split, the likelihood-ratio tests, the cluster-robust intervals), and the three-level
 * rows of the subgroup and meta-regression sections.
 */
import { MISSING_IN_REPORT } from "@pooled/contract";
import { SIDE_ANALYSIS } from "../analysis/failures.js";
import type { Analysis, MultilevelResultJson, RobustEstimate } from "../analysis/types.js";
import { type Block, failedSection, failures, heading, list, paragraph, table } from "./blocks.js";
import { fmt, fmtCi, fmtP, fmtPercent, pText } from "./format.js";
import { type ReadingScale, readingScale } from "./reading-scale.js";
import { standardModelLabel } from "./summary-model.js";

const TITLE = "Dependence: experiments within publications";

/** "t(15.4)": Satterthwaite df with one decimal (they are rarely whole numbers). */
function tDf(df: number): string {
  return `t(${fmt(df, 1)})`;
}

/**
 * The CR2 interval of the standard model in one sentence, for the summary when there is no
 * Dependence section (a publication column, but one experiment per publication); else null.
 */
export function robustSentence(a: Analysis): string | null {
  const r = a.model.robust;
  if (r === null || a.multilevel !== null) return null;
  return `Clustered by publication (${r.clusters} publications), the cluster-robust (CR2) ${a.model.level}% CI is ${readingScale(a).fmtCi(r.ciLower, r.ciUpper)} (${tDf(r.df)} with Satterthwaite df, p ${pText(r.p)}).`;
}

/** Heterogeneity of the three-level model: QE, the two variance components, I² per level. */
export function multilevelHeterogeneitySentence(ml: MultilevelResultJson): string {
  return `Heterogeneity: QE = ${fmt(ml.QE)} (df = ${ml.QEdf}), p ${pText(ml.QEp)}; sigma² between publications = ${fmt(ml.sigma2Between, 4)} ${fmtCi(ml.sigma2BetweenCiLower, ml.sigma2BetweenCiUpper, 4)}; sigma² within publications = ${fmt(ml.sigma2Within, 4)} ${fmtCi(ml.sigma2WithinCiLower, ml.sigma2WithinCiUpper, 4)}; I² = ${fmtPercent(ml.I2Total)} (between publications ${fmtPercent(ml.I2Between)}, within ${fmtPercent(ml.I2Within)}).`;
}

/** How the experiments spread over publications, from the studies' publication labels. */
export function publicationCounts(a: Analysis): {
  experiments: number;
  publications: number;
  repeated: number;
  largest: number;
} {
  const sizes = new Map<string, number>();
  for (const s of a.studies)
    if (s.cluster !== null) sizes.set(s.cluster, (sizes.get(s.cluster) ?? 0) + 1);
  const counts = [...sizes.values()];
  return {
    experiments: a.studies.length,
    publications: sizes.size,
    repeated: counts.filter((n) => n >= 2).length,
    largest: counts.reduce((m, n) => Math.max(m, n), 0),
  };
}

/**
 * A row of the table of models: estimate, SE, CI, p and prediction interval. A back-transformed
 * measure shows the estimate, CI and PI on the reader's scale and keeps the analysis-scale
 * estimate and SE in the last two columns.
 */
function modelRow(
  r: ReadingScale,
  d: number,
  label: string,
  m: {
    estimate: number;
    se: number;
    ciLower: number | null;
    ciUpper: number | null;
    p: number | null;
    piLower: number | null;
    piUpper: number | null;
  },
): string[] {
  return r.transformed
    ? [
        label,
        r.fmt(m.estimate),
        r.fmtCi(m.ciLower, m.ciUpper),
        fmtP(m.p),
        r.fmtCi(m.piLower, m.piUpper),
        fmt(m.estimate, d),
        fmt(m.se, d + 1),
      ]
    : [
        label,
        fmt(m.estimate, d),
        fmt(m.se, d + 1),
        fmtCi(m.ciLower, m.ciUpper, d),
        fmtP(m.p),
        fmtCi(m.piLower, m.piUpper, d),
      ];
}

/** The CR2 row under a model's row: the same estimate, its cluster-robust SE, t CI and p. */
function robustRow(
  r: ReadingScale,
  model: string,
  robust: RobustEstimate | null,
  estimate: number,
  d: number,
): string[] {
  const label = `${model}, cluster-robust (CR2${robust === null ? "" : `, ${tDf(robust.df)}`})`;
  if (robust === null)
    return [label, ...Array<string>(r.transformed ? 6 : 5).fill(MISSING_IN_REPORT)];
  return modelRow(r, d, label, {
    estimate,
    se: robust.se,
    ciLower: robust.ciLower,
    ciUpper: robust.ciUpper,
    p: robust.p,
    piLower: null,
    piUpper: null,
  });
}

function lrtText(t: MultilevelResultJson["lrtBetween"]): string {
  return t === null
    ? MISSING_IN_REPORT
    : `LRT = ${fmt(t.statistic)} (df = ${t.df}), p ${pText(t.p)}`;
}

/** The Dependence section, whenever the analysis has the three-level model. */
export function dependenceBlocks(a: Analysis, d: number): Block[] {
  const ml = a.multilevel;
  if (ml === null) return failedSection(a, TITLE, "dependence", SIDE_ANALYSIS.multilevel);
  const m = a.model;
  const level = a.settings.level;
  const counts = publicationCounts(a);
  const r = readingScale(a);
  const blocks: Block[] = [heading(2, TITLE, "dependence")];
  blocks.push(
    paragraph(
      `${counts.experiments} experiments come from ${counts.publications} ${counts.publications === 1 ? "publication" : "publications"}; ${counts.repeated === 0 ? "each publication reports one experiment" : `${counts.repeated} ${counts.repeated === 1 ? "publication reports" : "publications report"} two or more experiments (up to ${counts.largest})`}. Experiments of one publication share a laboratory, animals and often a control group, so their results are not independent. The three-level model separates the variance between publications from the variance between experiments of one publication; cluster-robust (CR2) intervals hold whatever the form of the dependence within publications.`,
    ),
  );
  const threeLevel = `Three-level model (${ml.method})`;
  blocks.push(
    table(
      r.transformed
        ? [
            "Model",
            r.short ?? "Estimate",
            `${level}% CI`,
            "p",
            `${level}% prediction interval`,
            r.analysisShort,
            "SE",
          ]
        : ["Model", "Estimate", "SE", `${level}% CI`, "p", `${level}% prediction interval`],
      [
        modelRow(r, d, standardModelLabel(a), m),
        robustRow(r, standardModelLabel(a), m.robust, m.estimate, d),
        modelRow(r, d, `Three-level model (${ml.method}${ml.test === "t" ? ", t test" : ""})`, ml),
        robustRow(r, threeLevel, ml.robust, ml.estimate, d),
      ],
    ),
  );
  blocks.push(
    table(
      [
        "Variance component",
        "sigma²",
        `${level}% CI (profile likelihood)`,
        "I²",
        "Test of the level",
      ],
      [
        [
          "Between publications",
          fmt(ml.sigma2Between, 4),
          fmtCi(ml.sigma2BetweenCiLower, ml.sigma2BetweenCiUpper, 4),
          fmtPercent(ml.I2Between),
          lrtText(ml.lrtBetween),
        ],
        [
          "Within publications (between experiments)",
          fmt(ml.sigma2Within, 4),
          fmtCi(ml.sigma2WithinCiLower, ml.sigma2WithinCiUpper, 4),
          fmtPercent(ml.I2Within),
          lrtText(ml.lrtWithin),
        ],
        [
          "Total",
          fmt(ml.sigma2Between + ml.sigma2Within, 4),
          MISSING_IN_REPORT,
          fmtPercent(ml.I2Total),
          MISSING_IN_REPORT,
        ],
      ],
    ),
  );
  blocks.push(
    paragraph(
      `I² per level is the share of the total variance (sampling variance included) at that level (Cheung 2014); each likelihood-ratio test compares the model with one without that level. Residual heterogeneity: QE = ${fmt(ml.QE)} (df = ${ml.QEdf}), p ${pText(ml.QEp)}.`,
    ),
  );
  const resampling = resamplingSentence(ml, r);
  if (resampling !== null) blocks.push(paragraph(resampling));
  const notes = [
    ...ml.notes,
    ...failures(a, SIDE_ANALYSIS.robust),
    ...failures(a, SIDE_ANALYSIS.multilevelPermutation),
    ...failures(a, SIDE_ANALYSIS.multilevelBootstrap),
  ];
  if (notes.length > 0) blocks.push(list(notes));
  return blocks;
}

/** The three-level model's permutation test and publication bootstrap, when they ran. */
function resamplingSentence(ml: MultilevelResultJson, r: ReadingScale): string | null {
  const parts: string[] = [];
  const perm = ml.permutation;
  if (perm !== null) {
    parts.push(
      `A permutation test of the three-level model (${perm.iterations} random arrangements of ${perm.unit === "publications" ? "publications' signs" : "experiments"}, seed ${perm.seed}) gives p ${pText(perm.terms[0]?.p ?? null)}.`,
    );
  }
  const boot = ml.bootstrap;
  if (boot !== null) {
    parts.push(
      `Resampling the ${boot.clusters} publications (${boot.iterations} bootstrap replicates, seed ${boot.seed}) gives a ${boot.level}% percentile interval of ${r.fmtCi(boot.estimate.percentileLower, boot.estimate.percentileUpper)} for the ${r.transformed ? r.name : "estimate"} (BCa ${r.fmtCi(boot.estimate.bcaLower, boot.estimate.bcaUpper)}), sigma² between publications ${fmtCi(boot.sigma2Between.percentileLower, boot.sigma2Between.percentileUpper, 4)} and within ${fmtCi(boot.sigma2Within.percentileLower, boot.sigma2Within.percentileUpper, 4)}.`,
    );
  }
  return parts.length === 0 ? null : parts.join(" ");
}

/** The subgroups in the three-level model (--by with --model three-level), under the standard ones. */
export function multilevelSubgroupBlocks(a: Analysis): Block[] {
  const sub = a.subgroups?.multilevel ?? null;
  if (sub === null) return [];
  const r = readingScale(a);
  const blocks: Block[] = [heading(3, "In the three-level model")];
  blocks.push(
    table(
      [
        "Subgroup",
        "k",
        "Publications",
        r.short ?? "Estimate",
        `${a.settings.level}% CI`,
        "p",
        "sigma² between",
        "sigma² within",
      ],
      sub.groups.map((g) => [
        g.level,
        String(g.k),
        String(g.clusters),
        r.fmt(g.estimate),
        r.fmtCi(g.ciLower, g.ciUpper),
        fmtP(g.p),
        fmt(g.sigma2Between, 4),
        fmt(g.sigma2Within, 4),
      ]),
    ),
  );
  const t = sub.test;
  if (t !== null) {
    const stat = t.distribution === "F" ? `F(${t.df}, ${t.df2})` : `QM (df = ${t.df})`;
    blocks.push(
      paragraph(
        `Test for subgroup differences in the three-level model (the subgroup as moderator): ${stat} = ${fmt(t.QM)}, p ${pText(t.p)}.`,
      ),
    );
  }
  const why = failures(
    a,
    ...sub.groups
      .filter((g) => g.estimate === null)
      .map((g) => SIDE_ANALYSIS.multilevelSubgroup(g.level)),
    ...(t === null ? [SIDE_ANALYSIS.multilevelSubgroupTest] : []),
  );
  if (why.length > 0) blocks.push(list(why));
  return blocks;
}

/** The meta-regression in the three-level model, with CR2 tests (--mods with --model three-level). */
export function multilevelRegressionBlocks(a: Analysis): Block[] {
  const reg = a.regression?.multilevel ?? null;
  if (reg === null) return [];
  const blocks: Block[] = [heading(3, "In the three-level model")];
  blocks.push(
    table(
      [
        "Term",
        "Estimate",
        "SE",
        `${a.settings.level}% CI`,
        "p",
        "CR2 SE",
        "CR2 df",
        `CR2 ${a.settings.level}% CI`,
        "CR2 p",
      ],
      reg.terms.map((t) => [
        t.name,
        fmt(t.estimate, 3),
        fmt(t.se, 3),
        fmtCi(t.ciLower, t.ciUpper, 3),
        fmtP(t.p),
        fmt(t.robustSe, 3),
        fmt(t.robustDf, 1),
        fmtCi(t.robustCiLower, t.robustCiUpper, 3),
        fmtP(t.robustP),
      ]),
    ),
  );
  const qm = `${reg.QMdistribution === "F" ? `F(${reg.QMdf}, ${reg.QMdf2})` : `QM (df = ${reg.QMdf})`} = ${fmt(reg.QM)}, p ${pText(reg.QMp)}`;
  const htz =
    reg.robustQM === null
      ? "not defined for these data"
      : `F(${reg.robustQM.df1}, ${fmt(reg.robustQM.df2, 1)}) = ${fmt(reg.robustQM.statistic)}, p ${pText(reg.robustQM.p)}`;
  blocks.push(
    paragraph(
      `Test of moderators: ${qm}; cluster-robust HTZ test: ${htz}. Residual heterogeneity: QE = ${fmt(reg.QE)} (df = ${reg.QEdf}), p ${pText(reg.QEp)}; sigma² between publications = ${fmt(reg.sigma2Between, 4)}, within = ${fmt(reg.sigma2Within, 4)}.`,
    ),
  );
  return blocks;
}
