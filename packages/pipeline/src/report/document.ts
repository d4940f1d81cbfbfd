/**
 * The report as a small document model (headings, paragraphs, tables, lists) built once from an
 * Analysis and rendered three ways: plain text (terminal), Markdown and HTML. The three formats
 * then always show the same numbers in the same order.
 */
import { MISSING_IN_REPORT } from "@pooled/contract";
import { SIDE_ANALYSIS } from "../analysis/failures.js";
import { type Analysis, TABLE_METHODS } from "../analysis/types.js";
import { type Block, failedSection, failures, heading, list, paragraph, table } from "./blocks.js";
import {
  dependenceBlocks,
  multilevelHeterogeneitySentence,
  multilevelRegressionBlocks,
  multilevelSubgroupBlocks,
  robustSentence,
} from "./dependence.js";
import {
  digitsFor,
  fmt,
  fmtCi,
  fmtP,
  fmtPercent,
  MEASURE_NAMES,
  METHOD_NAMES,
  pText,
  testName,
} from "./format.js";
import { goshBlocks } from "./gosh.js";
import { influenceBlocks } from "./influence.js";
import { predictionBlocks } from "./predictions.js";
import { type ReadingScale, readingScale } from "./reading-scale.js";
import { biasBlocks } from "./small-study.js";
import { multilevelModelName, summaryModel } from "./summary-model.js";

export type { Block } from "./blocks.js";
export { pText } from "./format.js";

/** One line on the analysis: measure, model, test, k (and publications for the three-level model). */
export function settingsLine(a: Analysis): string {
  const s = a.settings;
  const lead = summaryModel(a);
  if (lead.threeLevel) {
    const ml = a.multilevel!;
    const test =
      ml.test === "t"
        ? `t test (k - p df${s.test === "knha" ? ", for --test knha" : ""})`
        : "z (normal) test";
    return `${ml.k} studies in ${ml.clusters} publications; ${measureText(a)}; ${multilevelModelName(ml.method)}; ${test}; ${s.level}% intervals.`;
  }
  const model =
    s.method === "FE"
      ? "fixed-effect model"
      : s.method === "MH" || s.method === "PETO"
        ? `fixed-effect model, ${METHOD_NAMES[s.method]} method`
        : `random-effects model, tau² by ${METHOD_NAMES[s.method]}`;
  return `${studyCount(a)}; ${measureText(a)}; ${model}; ${testName(s.test)} test; ${s.level}% intervals.`;
}

/**
 * "mean difference", or "odds ratio, pooled on the log scale" for a back-transformed measure; with
 * the variance of the SMD (--vtype) and whether the SMD or ROM was bias-corrected (--correct-bias),
 * since metafor's versions differ in these defaults.
 */
function measureText(a: Analysis): string {
  const r = readingScale(a);
  const name = r.transformed
    ? `${r.name}, pooled ${r.scale === "log" ? "on the log scale" : "as Fisher's z"}`
    : MEASURE_NAMES[a.settings.measure];
  return `${name}${measureVariant(a)}`;
}

/** Names of the sampling variances (--vtype), as metafor's escalc. */
const VTYPE_NAMES: Record<Analysis["settings"]["vtype"], string> = {
  LS: "large-sample variance (LS)",
  UB: "unbiased variance (UB)",
  RevMan: "Review Manager 5 variance (RevMan)",
  LS2: "second-order variance (LS2)",
};

/** ", large-sample variance (LS)" for the SMD; ", bias-corrected" for a corrected ROM; else "". */
function measureVariant(a: Analysis): string {
  const s = a.settings;
  if (s.measure === "SMD")
    return `, ${VTYPE_NAMES[s.vtype]}${s.correctBias ? "" : ", without the small-sample correction"}`;
  if (s.measure === "SMDH")
    return `${s.correctBias ? "" : ", without the small-sample correction"}${s.legacySmdhVariance ? ", metafor 3.8's variance (--legacy-smdh-variance)" : ""}`;
  if (s.measure === "ROM")
    return `${
      s.correctBias
        ? ", bias-corrected (metafor 5's default)"
        : ", not bias-corrected (--no-correct-bias)"
    }${s.vtype === "LS2" ? `, ${VTYPE_NAMES.LS2}` : ""}`;
  return "";
}

/**
 * The pooled estimate in one sentence with its CI, p and the prediction interval. A ratio or a
 * correlation is stated on the reader's scale, with its analysis-scale value and SE in brackets:
 * "Pooled odds ratio: 0.62, 95% CI [0.41, 0.93] (log odds ratio -0.49, SE 0.210), z = …".
 */
export function estimateSentence(a: Analysis): string {
  const d = digitsFor(a.settings.measure);
  const r = readingScale(a);
  const m = summaryModel(a);
  const stat = m.df === null ? `z = ${fmt(m.statistic)}` : `t(${m.df}) = ${fmt(m.statistic)}`;
  const which = m.threeLevel ? " (three-level model)" : "";
  let text = r.transformed
    ? `Pooled ${r.name}${which}: ${r.fmt(m.estimate)}, ${m.level}% CI ${r.fmtCi(m.ciLower, m.ciUpper)} (${r.analysisName} ${fmt(m.estimate, d)}, SE ${fmt(m.se, d + 1)}), ${stat}, p ${pText(m.p)}.`
    : `Pooled ${MEASURE_NAMES[a.settings.measure]}${which}: ${fmt(m.estimate, d)}, ${m.level}% CI ${fmtCi(m.ciLower, m.ciUpper, d)}, ${stat}, p ${pText(m.p)}.`;
  if (a.settings.measure === "ROM") {
    text += ` As a ratio of means: ${fmt(Math.exp(m.estimate), 2)} ${fmtCi(exp(m.ciLower), exp(m.ciUpper), 2)}.`;
  }
  if (m.piLower !== null && m.piUpper !== null) {
    text += ` ${m.level}% prediction interval ${r.fmtCi(m.piLower, m.piUpper)}.`;
  }
  return text;
}

function exp(x: number | null): number | null {
  return x === null ? null : Math.exp(x);
}

export function heterogeneitySentence(a: Analysis): string {
  if (summaryModel(a).threeLevel) return multilevelHeterogeneitySentence(a.multilevel!);
  const m = a.model;
  const parts = [`Q = ${fmt(m.Q)} (df = ${m.Qdf}), p ${pText(m.Qp)}`, `I² = ${fmtPercent(m.I2)}`];
  if (m.I2CiLower !== null && m.I2CiUpper !== null)
    parts[1] += ` ${fmtCi(m.I2CiLower, m.I2CiUpper, 1)}`;
  let h2 = `H² = ${fmt(m.H2)}`;
  if (m.H2CiLower !== null && m.H2CiUpper !== null) h2 += ` ${fmtCi(m.H2CiLower, m.H2CiUpper)}`;
  parts.push(h2);
  if (m.tau2 !== null) {
    let tau = `tau² = ${fmt(m.tau2, 4)}`;
    if (m.tau2CiLower !== null && m.tau2CiUpper !== null)
      tau += ` ${fmtCi(m.tau2CiLower, m.tau2CiUpper, 4)}`;
    // metafor's se.tau2 (its Wald-type SE; the Q-profile CI is the interval to report).
    if (m.seTau2 !== null) tau += ` (SE ${fmt(m.seTau2, 4)})`;
    parts.push(tau);
  }
  return `Heterogeneity: ${parts.join("; ")}.`;
}

/**
 * Mantel-Haenszel's odds ratio: the Cochran-Mantel-Haenszel test of no association and the
 * Breslow-Day test of a common odds ratio with Tarone's correction (metafor's rma.mh); else null.
 */
export function tableTestsSentence(a: Analysis): string | null {
  const t = a.model.tableTests;
  if (t === null) return null;
  const chisq = (x: { statistic: number; df: number; p: number | null }) =>
    `χ² = ${fmt(x.statistic)} (df = ${x.df}), p ${pText(x.p)}`;
  const parts: string[] = [];
  if (t.cochranMantelHaenszel !== null)
    parts.push(`Cochran-Mantel-Haenszel test of no association: ${chisq(t.cochranMantelHaenszel)}`);
  if (t.breslowDay !== null)
    parts.push(`Breslow-Day test of a common odds ratio: ${chisq(t.breslowDay)}`);
  if (t.tarone !== null) parts.push(`with Tarone's correction: ${chisq(t.tarone)}`);
  return parts.length === 0 ? null : `Tests of the 2×2 tables: ${parts.join("; ")}.`;
}

/** The document of the analysis (without plots, lay summary and methods: the HTML adds them). */
export function analysisDocument(a: Analysis): Block[] {
  const d = digitsFor(a.settings.measure);
  const blocks: Block[] = [];
  blocks.push(heading(2, "Summary", "summary"));
  blocks.push(paragraph(settingsLine(a)));
  blocks.push(paragraph(estimateSentence(a)));
  blocks.push(paragraph(heterogeneitySentence(a)));
  const tableTests = tableTestsSentence(a);
  if (tableTests !== null) blocks.push(paragraph(tableTests));
  const robust = robustSentence(a);
  if (robust !== null) blocks.push(paragraph(robust));

  blocks.push(heading(2, "Studies", "studies"));
  blocks.push(studiesTable(a));

  blocks.push(...dependenceBlocks(a, d));
  blocks.push(...subgroupBlocks(a));
  blocks.push(...regressionBlocks(a));
  blocks.push(...biasBlocks(a));
  blocks.push(...leaveOneOutBlocks(a));
  blocks.push(...influenceBlocks(a));
  blocks.push(...goshBlocks(a));
  blocks.push(...cumulativeBlocks(a));
  blocks.push(...permutationBlocks(a));
  blocks.push(...bootstrapBlocks(a, d));

  if (a.excluded.length > 0) {
    blocks.push(heading(2, "Excluded rows", "excluded"));
    blocks.push(list(a.excluded.map((e) => `Row ${e.row}, ${e.study}: ${e.reason}`)));
  }
  if (a.warnings.length > 0) {
    blocks.push(heading(2, "Warnings", "warnings"));
    blocks.push(list([...a.warnings]));
  }
  if (a.notes.length > 0) {
    blocks.push(heading(2, "Notes on the data", "notes"));
    blocks.push(list([...a.notes]));
  }
  return blocks;
}

/**
 * One row per study: its effect with its CI (on the reader's scale: odds ratios, correlations)
 * and weight; the events and group sizes of 2×2 tables, or the sample size of a correlation.
 */
function studiesTable(a: Analysis): Block {
  const r = readingScale(a);
  // With the three-level model leading: each study's publication and its weight in that model.
  const threeLevel = summaryModel(a).threeLevel ? a.multilevel : null;
  const events = a.studies.length > 0 && a.studies.every((s) => s.events1 !== null);
  const correlation = a.settings.measure === "ZCOR" || a.settings.measure === "COR";
  const count = (e: number | null, n: number | null) =>
    `${e ?? MISSING_IN_REPORT}/${n ?? MISSING_IN_REPORT}`;
  return table(
    [
      "Study",
      ...(threeLevel !== null ? ["Publication"] : []),
      ...(events ? ["Events/n (T)", "Events/n (C)"] : []),
      ...(correlation ? ["n"] : []),
      r.short ?? "Effect",
      `${a.model.level}% CI`,
      "Weight",
    ],
    a.studies.map((s, i) => [
      s.study,
      ...(threeLevel !== null ? [s.cluster ?? ""] : []),
      ...(events ? [count(s.events1, s.n1), count(s.events2, s.n2)] : []),
      ...(correlation ? [s.n1 === null ? MISSING_IN_REPORT : String(s.n1)] : []),
      r.fmt(s.yi),
      r.fmtCi(s.ciLower, s.ciUpper),
      fmtPercent(threeLevel?.weights[i] ?? s.weight),
    ]),
    threeLevel !== null ? 2 : 1,
  );
}

/** Header of a column of pooled estimates: "Estimate", or what they are ("OR", "r"). */
function estimateHeader(r: ReadingScale): string {
  return r.short ?? "Estimate";
}

/** Under the meta-regression of a back-transformed measure: the scale of its coefficients. */
function coefficientScale(r: ReadingScale): string {
  if (!r.transformed) return "";
  return r.scale === "log"
    ? ` Coefficients are on the ${r.analysisName} scale: exp(coefficient) is the factor by which the ${r.name.replace(/ \(.*\)$/, "")} changes per unit of a continuous moderator, or against the reference level of a categorical one.`
    : " Coefficients are on Fisher's z scale; tanh() of a fitted value is a correlation.";
}

/** Under refits with Mantel-Haenszel or Peto pooling: which model the rows come from. */
function inverseVarianceNote(a: Analysis): string {
  return `These refits use the inverse-variance fixed-effect model of the study effects, not the ${METHOD_NAMES[a.settings.method]} method.`;
}

/** Said under a table with rows of "—": which refits failed is in the warnings. */
const FAILED_ROWS =
  "A row of dashes is a refit that could not be computed; the Warnings say why (metafor's NA).";

function subgroupBlocks(a: Analysis): Block[] {
  const sub = a.subgroups;
  if (sub === null) {
    const by = a.settings.by ?? "";
    return failedSection(a, `Subgroups by ${by}`, "subgroups", SIDE_ANALYSIS.subgroups);
  }
  const r = readingScale(a);
  const blocks: Block[] = [heading(2, `Subgroups by ${sub.by}`, "subgroups")];
  blocks.push(
    table(
      [
        "Subgroup",
        "k",
        estimateHeader(r),
        `${a.model.level}% CI`,
        "p",
        "tau²",
        `tau² ${a.model.level}% CI`,
        "I²",
        `I² ${a.model.level}% CI`,
      ],
      sub.groups.map((g) => [
        g.level,
        String(g.k),
        r.fmt(g.estimate),
        r.fmtCi(g.ciLower, g.ciUpper),
        fmtP(g.p),
        fmt(g.tau2, 4),
        fmtCi(g.tau2CiLower, g.tau2CiUpper, 4),
        fmtPercent(g.I2),
        fmtCi(g.I2CiLower, g.I2CiUpper, 1),
      ]),
    ),
  );
  blocks.push(
    table(
      ["Test for subgroup differences", "Statistic", "df", "p"],
      sub.tests.map((t) => [
        t.type === "separate-tau2"
          ? TABLE_METHODS.includes(a.settings.method)
            ? `Q of the subgroups' ${METHOD_NAMES[a.settings.method]} estimates (as RevMan)`
            : "separate tau² per subgroup (as RevMan, meta)"
          : `common tau² (metafor's QM${t.distribution === "F" ? ", F test" : ""})`,
        `${t.distribution === "F" ? "F" : "Q"} = ${fmt(t.Q)}`,
        t.df2 === null ? String(t.df) : `${t.df}, ${t.df2}`,
        fmtP(t.p),
      ]),
    ),
  );
  blocks.push(...multilevelSubgroupBlocks(a));
  const why = failures(
    a,
    ...sub.groups.filter((g) => g.estimate === null).map((g) => SIDE_ANALYSIS.subgroup(g.level)),
    ...(sub.tests.some((t) => t.type === "separate-tau2" && t.Q === null)
      ? [SIDE_ANALYSIS.separateTau2Test]
      : []),
    ...(sub.tests.some((t) => t.type === "common-tau2" && t.Q === null)
      ? [SIDE_ANALYSIS.commonTau2Test]
      : []),
  );
  if (why.length > 0) blocks.push(list(why));
  return blocks;
}

function regressionBlocks(a: Analysis): Block[] {
  const reg = a.regression;
  if (reg === null) return [];
  const perm = reg.terms.some((t) => t.permutationP !== null);
  const blocks: Block[] = [heading(2, "Meta-regression", "regression")];
  blocks.push(
    table(
      ["Term", "Estimate", "SE", `${a.model.level}% CI`, "p", ...(perm ? ["Permutation p"] : [])],
      reg.terms.map((t) => [
        t.name,
        fmt(t.estimate, 3),
        fmt(t.se, 3),
        fmtCi(t.ciLower, t.ciUpper, 3),
        fmtP(t.p),
        ...(perm ? [fmtP(t.permutationP)] : []),
      ]),
    ),
  );
  const qm = `${reg.QMdistribution === "F" ? `F(${reg.QMdf}, ${reg.QMdf2})` : `QM (df = ${reg.QMdf})`} = ${fmt(reg.QM)}, p ${pText(reg.QMp)}`;
  const permText =
    reg.permutationQMp === null ? "" : ` (permutation p ${pText(reg.permutationQMp)})`;
  const tau2Ci = reg.tau2CiLower === null ? "" : ` ${fmtCi(reg.tau2CiLower, reg.tau2CiUpper, 4)}`;
  const I2 =
    reg.I2 === null
      ? ""
      : `; I² = ${fmtPercent(reg.I2)}${reg.I2CiLower === null ? "" : ` ${fmtCi(reg.I2CiLower, reg.I2CiUpper, 1)}`}`;
  blocks.push(
    paragraph(
      `Test of moderators: ${qm}${permText}. Residual heterogeneity: QE = ${fmt(reg.QE)} (df = ${reg.QEdf}), p ${pText(reg.QEp)}; tau² = ${fmt(reg.tau2, 4)}${tau2Ci}${I2}; R² = ${fmtPercent(reg.R2)}.${coefficientScale(readingScale(a))}`,
    ),
  );
  blocks.push(...predictionBlocks(a));
  blocks.push(...multilevelRegressionBlocks(a));
  const why = failures(
    a,
    ...(reg.R2 === null ? [SIDE_ANALYSIS.R2] : []),
    ...(a.settings.permutations !== null && reg.permutationQMp === null
      ? [SIDE_ANALYSIS.regressionPermutation]
      : []),
  );
  if (why.length > 0) blocks.push(list(why));
  return blocks;
}

/** Leave-one-out: the model refitted without each study in turn. */
function leaveOneOutBlocks(a: Analysis): Block[] {
  const r = readingScale(a);
  const blocks: Block[] = [];
  if (a.leaveOneOut !== null) {
    blocks.push(heading(2, "Leave-one-out", "leave-one-out"));
    blocks.push(
      table(
        ["Omitted study", estimateHeader(r), `${a.model.level}% CI`, "p", "tau²", "I²"],
        a.leaveOneOut.map((row) => [
          row.study,
          r.fmt(row.estimate),
          r.fmtCi(row.ciLower, row.ciUpper),
          fmtP(row.p),
          fmt(row.tau2, 4),
          fmtPercent(row.I2),
        ]),
      ),
    );
    if (a.leaveOneOut.some((row) => row.estimate === null)) blocks.push(paragraph(FAILED_ROWS));
    if (TABLE_METHODS.includes(a.settings.method)) blocks.push(paragraph(inverseVarianceNote(a)));
  } else {
    blocks.push(...failedSection(a, "Leave-one-out", "leave-one-out", SIDE_ANALYSIS.leaveOneOut));
  }
  return blocks;
}

/** The cumulative meta-analysis by year: the model refitted as studies are added. */
function cumulativeBlocks(a: Analysis): Block[] {
  const r = readingScale(a);
  const blocks: Block[] = [];
  if (a.cumulative !== null) {
    blocks.push(heading(2, "Cumulative meta-analysis", "cumulative"));
    blocks.push(
      table(
        ["Study added", "Year", "k", estimateHeader(r), `${a.model.level}% CI`, "tau²", "I²"],
        a.cumulative.map((row) => [
          row.study,
          String(row.year),
          String(row.k),
          r.fmt(row.estimate),
          r.fmtCi(row.ciLower, row.ciUpper),
          fmt(row.tau2, 4),
          fmtPercent(row.I2),
        ]),
      ),
    );
    if (a.cumulative.some((row) => row.estimate === null)) blocks.push(paragraph(FAILED_ROWS));
  } else {
    blocks.push(
      ...failedSection(a, "Cumulative meta-analysis", "cumulative", SIDE_ANALYSIS.cumulative),
    );
  }
  return blocks;
}

function permutationBlocks(a: Analysis): Block[] {
  const p = a.permutation;
  if (p === null) {
    return failedSection(a, "Permutation test", "permutation", SIDE_ANALYSIS.permutation);
  }
  const left = (failed: number, of: number) =>
    failed === 0 ? "" : `; ${failed} of ${of} could not be refitted and were left out`;
  const regression =
    p.regression === null
      ? ""
      : `; the meta-regression's test of moderators: p ${pText(p.regression.QMp)} (${p.regression.iterations} arrangements${left(p.regression.failed, p.regression.iterations)})`;
  return [
    heading(2, "Permutation test", "permutation"),
    paragraph(
      `${p.exact ? "Exact" : "Random"} permutation test (${p.iterations} arrangements${p.exact ? "" : `, seed ${p.seed}`}${left(p.failed, p.iterations)}): p ${pText(p.p)} for the pooled estimate${regression}.`,
    ),
  ];
}

function bootstrapBlocks(a: Analysis, d: number): Block[] {
  const b = a.bootstrap;
  if (b === null) return failedSection(a, "Bootstrap", "bootstrap", SIDE_ANALYSIS.bootstrap);
  const row = (name: string, s: typeof b.estimate, digits: number) => [
    name,
    fmt(s.estimate, digits),
    fmt(s.se, digits),
    fmtCi(s.percentileLower, s.percentileUpper, digits),
    fmtCi(s.bcaLower, s.bcaUpper, digits),
  ];
  const r = readingScale(a);
  // The bootstrap SE belongs to the analysis scale; the intervals back-transform (monotone).
  const shown = [
    `Pooled ${r.name}`,
    r.fmt(b.estimate.estimate),
    MISSING_IN_REPORT,
    r.fmtCi(b.estimate.percentileLower, b.estimate.percentileUpper),
    r.fmtCi(b.estimate.bcaLower, b.estimate.bcaUpper),
  ];
  return [
    heading(2, "Bootstrap", "bootstrap"),
    paragraph(
      `${b.type === "case" ? "Case" : "Parametric"} bootstrap (${bootstrapKind(b)}), ${b.iterations} replicates (seed ${b.seed}); ${b.failed} failed refits.`,
    ),
    table(
      ["Statistic", "Estimate", "Bootstrap SE", `${b.level}% percentile CI`, `${b.level}% BCa CI`],
      [
        row(
          r.transformed ? `Pooled estimate (${r.analysisName})` : "Pooled estimate",
          b.estimate,
          d,
        ),
        ...(r.transformed ? [shown] : []),
        row("tau²", b.tau2, 4),
        row("I² (%)", b.I2, 1),
      ],
    ),
    // Why an interval is missing (BCa needs case resampling), said under the table.
    ...(b.notes.length > 0 ? [list(b.notes.map((n) => (/[.!?]$/.test(n) ? n : `${n}.`)))] : []),
  ];
}

/** What a bootstrap (--bootstrap-type) resampled or simulated. */
function bootstrapKind(b: { type: "case" | "parametric"; clusters: number | null }): string {
  if (b.type === "parametric")
    return "studies simulated from the fitted model; van den Noortgate & Onghena 2005";
  return b.clusters === null
    ? "studies resampled with replacement"
    : `the ${b.clusters} publications resampled with replacement`;
}

/**
 * "24 studies": Mantel-Haenszel and Peto pool every table (metafor's k), also those left out of the
 * study effects for having no events (or only events) in both arms, which the text then says.
 */
export function studyCount(a: Analysis): string {
  const withoutEffect = a.model.k - a.studies.length;
  const count = `${a.model.k} ${a.model.k === 1 ? "study" : "studies"}`;
  return withoutEffect > 0
    ? `${count} (${withoutEffect} without a study effect: no events, or only events, in both arms)`
    : count;
}
