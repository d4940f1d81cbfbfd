/**
 * The methods paragraph of the report: what was done, in the words a journal expects, with the
 * papers behind each method. Only the methods actually used are named and cited.
 */
import type { Method } from "@pooled/stats";
import { type Analysis, type BiasResult, TABLE_METHODS } from "../analysis/types.js";
import { effectSizeSentences } from "./methods-effect-sizes.js";

/** The reference list, keyed; each entry is cited as "(Author year)" in the text. */
export const REFERENCES = {
  viechtbauer2010:
    "Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. Journal of Statistical Software 36(3):1-48. doi:10.18637/jss.v036.i03",
  viechtbauer2005:
    "Viechtbauer W (2005). Bias and efficiency of meta-analytic variance estimators in the random-effects model. Journal of Educational and Behavioral Statistics 30(3):261-293.",
  viechtbauer2007:
    "Viechtbauer W (2007). Confidence intervals for the amount of heterogeneity in meta-analysis. Statistics in Medicine 26(1):37-52.",
  dersimonian1986:
    "DerSimonian R, Laird N (1986). Meta-analysis in clinical trials. Controlled Clinical Trials 7(3):177-188.",
  hedges1985: "Hedges LV, Olkin I (1985). Statistical Methods for Meta-Analysis. Academic Press.",
  hunter2004:
    "Hunter JE, Schmidt FL (2004). Methods of Meta-Analysis: Correcting Error and Bias in Research Findings, 2nd ed. Sage.",
  sidik2005:
    "Sidik K, Jonkman JN (2005). Simple heterogeneity variance estimation for meta-analysis. Journal of the Royal Statistical Society C 54(2):367-384.",
  morris1983:
    "Morris CN (1983). Parametric empirical Bayes inference: theory and applications. Journal of the American Statistical Association 78(381):47-55.",
  paule1982:
    "Paule RC, Mandel J (1982). Consensus values and weighting factors. Journal of Research of the National Bureau of Standards 87(5):377-385.",
  knapp2003:
    "Knapp G, Hartung J (2003). Improved tests for a random effects meta-regression with a single covariate. Statistics in Medicine 22(17):2693-2710.",
  higgins2002:
    "Higgins JPT, Thompson SG (2002). Quantifying heterogeneity in a meta-analysis. Statistics in Medicine 21(11):1539-1558.",
  cochran1954:
    "Cochran WG (1954). The combination of estimates from different experiments. Biometrics 10(1):101-129.",
  riley2011:
    "Riley RD, Higgins JPT, Deeks JJ (2011). Interpretation of random effects meta-analyses. BMJ 342:d549.",
  hedges1981:
    "Hedges LV (1981). Distribution theory for Glass's estimator of effect size and related estimators. Journal of Educational Statistics 6(2):107-128.",
  bonett2008:
    "Bonett DG (2008). Confidence intervals for standardized linear contrasts of means. Psychological Methods 13(2):99-109.",
  hedges1999:
    "Hedges LV, Gurevitch J, Curtis PS (1999). The meta-analysis of response ratios in experimental ecology. Ecology 80(4):1150-1156.",
  lajeunesse2015:
    "Lajeunesse MJ (2015). Bias and correction for the log response ratio in ecological meta-analysis. Ecology 96(8):2056-2063.",
  vesterinen2014:
    "Vesterinen HM, Sena ES, Egan KJ, et al. (2014). Meta-analysis of data from animal studies: a practical guide. Journal of Neuroscience Methods 221:92-102.",
  cochraneHandbook:
    "Higgins JPT, Thomas J, Chandler J, et al., eds (2023). Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, section 23.3.4. Cochrane.",
  borenstein2009:
    "Borenstein M, Hedges LV, Higgins JPT, Rothstein HR (2009). Introduction to Meta-Analysis, chapter 19. Wiley.",
  thompson2002:
    "Thompson SG, Higgins JPT (2002). How should meta-regression analyses be undertaken and interpreted? Statistics in Medicine 21(11):1559-1573.",
  raudenbush2009:
    "Raudenbush SW (2009). Analyzing effect sizes: random-effects models. In: Cooper H, Hedges LV, Valentine JC, eds. The Handbook of Research Synthesis and Meta-Analysis, 2nd ed. Russell Sage Foundation, 295-315.",
  higgins2004:
    "Higgins JPT, Thompson SG (2004). Controlling the risk of spurious findings from meta-regression. Statistics in Medicine 23(11):1663-1682.",
  egger1997:
    "Egger M, Davey Smith G, Schneider M, Minder C (1997). Bias in meta-analysis detected by a simple, graphical test. BMJ 315(7109):629-634.",
  sterne2005:
    "Sterne JAC, Egger M (2005). Regression methods to detect publication and other bias in meta-analysis. In: Rothstein HR, Sutton AJ, Borenstein M, eds. Publication Bias in Meta-Analysis. Wiley, 99-110.",
  pustejovsky2019:
    "Pustejovsky JE, Rodgers MA (2019). Testing for funnel plot asymmetry of standardized mean differences. Research Synthesis Methods 10(1):57-71.",
  begg1994:
    "Begg CB, Mazumdar M (1994). Operating characteristics of a rank correlation test for publication bias. Biometrics 50(4):1088-1101.",
  duval2000:
    "Duval S, Tweedie R (2000). Trim and fill: a simple funnel-plot-based method of testing and adjusting for publication bias in meta-analysis. Biometrics 56(2):455-463.",
  viechtbauer2010b:
    "Viechtbauer W, Cheung MWL (2010). Outlier and influence diagnostics for meta-analysis. Research Synthesis Methods 1(2):112-125.",
  olkin2012:
    "Olkin I, Dahabreh IJ, Trikalinos TA (2012). GOSH – a graphical display of study heterogeneity. Research Synthesis Methods 3(3):214-223.",
  efron1993: "Efron B, Tibshirani RJ (1993). An Introduction to the Bootstrap. Chapman & Hall.",
  hooijmans2014:
    "Hooijmans CR, Rovers MM, de Vries RBM, et al. (2014). SYRCLE's risk of bias tool for animal studies. BMC Medical Research Methodology 14:43.",
  page2021:
    "Page MJ, McKenzie JE, Bossuyt PM, et al. (2021). The PRISMA 2020 statement: an updated guideline for reporting systematic reviews. BMJ 372:n71.",
  galbraith1988:
    "Galbraith RF (1988). A note on graphical presentation of estimated odds ratios from several clinical trials. Statistics in Medicine 7(8):889-894.",
  baujat2002:
    "Baujat B, Mahé C, Pignon JP, Hill C (2002). A graphical method for exploring heterogeneity in meta-analyses: application to a meta-analysis of 65 trials. Statistics in Medicine 21(18):2641-2652.",
  peters2008:
    "Peters JL, Sutton AJ, Jones DR, Abrams KR, Rushton L (2008). Contour-enhanced meta-analysis funnel plots help distinguish publication bias from other causes of asymmetry. Journal of Clinical Epidemiology 61(10):991-996.",
  zwetsloot2017:
    "Zwetsloot PP, Van Der Naald M, Sena ES, et al. (2017). Standardized mean differences cause funnel plot distortion in publication bias assessments. eLife 6:e24260.",
  lau1992:
    "Lau J, Antman EM, Jimenez-Silva J, Kupelnick B, Mosteller F, Chalmers TC (1992). Cumulative meta-analysis of therapeutic trials for myocardial infarction. New England Journal of Medicine 327(4):248-254.",
  konstantopoulos2011:
    "Konstantopoulos S (2011). Fixed effects and variance components estimation in three-level meta-analysis. Research Synthesis Methods 2(1):61-76.",
  cheung2014:
    "Cheung MWL (2014). Modeling dependent effect sizes with three-level meta-analyses: a structural equation modeling approach. Psychological Methods 19(2):211-229.",
  pustejovsky2018:
    "Pustejovsky JE, Tipton E (2018). Small-sample methods for cluster-robust variance estimation and hypothesis testing in fixed effects models. Journal of Business & Economic Statistics 36(4):672-683.",
  woolf1955:
    "Woolf B (1955). On estimating the relation between blood group and disease. Annals of Human Genetics 19(4):251-253.",
  yusuf1985:
    "Yusuf S, Peto R, Lewis J, Collins R, Sleight P (1985). Beta blockade during and after myocardial infarction: an overview of the randomized trials. Progress in Cardiovascular Diseases 27(5):335-371.",
  fisher1921:
    'Fisher RA (1921). On the "probable error" of a coefficient of correlation deduced from a small sample. Metron 1:3-32.',
  mantel1959:
    "Mantel N, Haenszel W (1959). Statistical aspects of the analysis of data from retrospective studies of disease. Journal of the National Cancer Institute 22(4):719-748.",
  robins1986:
    "Robins J, Breslow N, Greenland S (1986). Estimators of the Mantel-Haenszel variance consistent in both sparse data and large-strata limiting models. Biometrics 42(2):311-323.",
  greenland1985:
    "Greenland S, Robins JM (1985). Estimation of a common effect parameter from sparse follow-up data. Biometrics 41(1):55-68.",
  sato1989:
    "Sato T, Greenland S, Robins JM (1989). On the variance estimator for the Mantel-Haenszel risk difference. Biometrics 45(4):1323-1324.",
  breslow1980:
    "Breslow NE, Day NE (1980). Statistical Methods in Cancer Research, Volume 1: The Analysis of Case-Control Studies. IARC Scientific Publications No. 32. International Agency for Research on Cancer.",
  tarone1985:
    "Tarone RE (1985). On heterogeneity tests based on efficient scores. Biometrika 72(1):91-95.",
  peters2006:
    "Peters JL, Sutton AJ, Jones DR, Abrams KR, Rushton L (2006). Comparison of two methods to detect publication bias in meta-analysis. JAMA 295(6):676-680.",
  stanley2014:
    "Stanley TD, Doucouliagos H (2014). Meta-regression approximations to reduce publication selection bias. Research Synthesis Methods 5(1):60-78.",
  rosenthal1979:
    "Rosenthal R (1979). The file drawer problem and tolerance for null results. Psychological Bulletin 86(3):638-641.",
  orwin1983:
    "Orwin RG (1983). A fail-safe N for effect size in meta-analysis. Journal of Educational Statistics 8(2):157-159.",
  rosenberg2005:
    "Rosenberg MS (2005). The file-drawer problem revisited: a general weighted method for calculating fail-safe numbers in meta-analysis. Evolution 59(2):464-468.",
  vandennoortgate2005:
    "Van den Noortgate W, Onghena P (2005). Parametric and nonparametric bootstrap methods for meta-analysis. Behavior Research Methods 37(1):11-22.",
  luo2018:
    "Luo D, Wan X, Liu J, Tong T (2018). Optimally estimating the sample mean from the sample size, median, mid-range, and/or mid-quartile range. Statistical Methods in Medical Research 27(6):1785-1805.",
  wan2014:
    "Wan X, Wang W, Liu J, Tong T (2014). Estimating the sample mean and standard deviation from the sample size, median, range and/or interquartile range. BMC Medical Research Methodology 14:135.",
  shi2020:
    "Shi J, Luo D, Weng H, et al. (2020). Optimally estimating the sample standard deviation from the five-number summary. Research Synthesis Methods 11(5):641-654.",
} as const;

export type ReferenceKey = keyof typeof REFERENCES;

/** In-text citation of each reference. */
const CITE: Record<ReferenceKey, string> = {
  viechtbauer2010: "Viechtbauer 2010",
  viechtbauer2005: "Viechtbauer 2005",
  viechtbauer2007: "Viechtbauer 2007",
  dersimonian1986: "DerSimonian & Laird 1986",
  hedges1985: "Hedges & Olkin 1985",
  hunter2004: "Hunter & Schmidt 2004",
  sidik2005: "Sidik & Jonkman 2005",
  morris1983: "Morris 1983",
  paule1982: "Paule & Mandel 1982",
  knapp2003: "Knapp & Hartung 2003",
  higgins2002: "Higgins & Thompson 2002",
  cochran1954: "Cochran 1954",
  riley2011: "Riley et al. 2011",
  hedges1981: "Hedges 1981",
  bonett2008: "Bonett 2008",
  hedges1999: "Hedges et al. 1999",
  lajeunesse2015: "Lajeunesse 2015",
  vesterinen2014: "Vesterinen et al. 2014",
  cochraneHandbook: "Cochrane Handbook, section 23.3.4",
  borenstein2009: "Borenstein et al. 2009",
  thompson2002: "Thompson & Higgins 2002",
  raudenbush2009: "Raudenbush 2009",
  higgins2004: "Higgins & Thompson 2004",
  egger1997: "Egger et al. 1997",
  sterne2005: "Sterne & Egger 2005",
  pustejovsky2019: "Pustejovsky & Rodgers 2019",
  begg1994: "Begg & Mazumdar 1994",
  duval2000: "Duval & Tweedie 2000",
  viechtbauer2010b: "Viechtbauer & Cheung 2010",
  olkin2012: "Olkin et al. 2012",
  efron1993: "Efron & Tibshirani 1993",
  hooijmans2014: "Hooijmans et al. 2014",
  page2021: "Page et al. 2021",
  galbraith1988: "Galbraith 1988",
  baujat2002: "Baujat et al. 2002",
  peters2008: "Peters et al. 2008",
  zwetsloot2017: "Zwetsloot et al. 2017",
  lau1992: "Lau et al. 1992",
  konstantopoulos2011: "Konstantopoulos 2011",
  cheung2014: "Cheung 2014",
  pustejovsky2018: "Pustejovsky & Tipton 2018",
  woolf1955: "Woolf 1955",
  yusuf1985: "Yusuf et al. 1985",
  fisher1921: "Fisher 1921",
  mantel1959: "Mantel & Haenszel 1959",
  robins1986: "Robins et al. 1986",
  greenland1985: "Greenland & Robins 1985",
  sato1989: "Sato et al. 1989",
  breslow1980: "Breslow & Day 1980",
  tarone1985: "Tarone 1985",
  peters2006: "Peters et al. 2006",
  stanley2014: "Stanley & Doucouliagos 2014",
  rosenthal1979: "Rosenthal 1979",
  orwin1983: "Orwin 1983",
  rosenberg2005: "Rosenberg 2005",
  vandennoortgate2005: "van den Noortgate & Onghena 2005",
  luo2018: "Luo et al. 2018",
  wan2014: "Wan et al. 2014",
  shi2020: "Shi et al. 2020",
};

const ESTIMATOR: Record<Exclude<Method, "FE">, { name: string; refs: ReferenceKey[] }> = {
  DL: { name: "the DerSimonian-Laird method of moments", refs: ["dersimonian1986"] },
  HE: { name: "the Hedges (variance components) estimator", refs: ["hedges1985"] },
  HS: { name: "the Hunter-Schmidt estimator", refs: ["hunter2004"] },
  SJ: { name: "the Sidik-Jonkman estimator", refs: ["sidik2005"] },
  ML: { name: "maximum likelihood", refs: ["viechtbauer2005"] },
  REML: { name: "restricted maximum likelihood (REML)", refs: ["viechtbauer2005"] },
  EB: { name: "the empirical Bayes estimator", refs: ["morris1983"] },
  PM: { name: "the Paule-Mandel estimator", refs: ["paule1982"] },
};

/**
 * The methods paragraph and the references it cites, in order of first citation.
 * @example const { text, references } = methodsParagraph(analysis);
 */
export function methodsParagraph(a: Analysis): { text: string; references: string[] } {
  const used: ReferenceKey[] = [];
  const cite = (...keys: ReferenceKey[]) => {
    for (const k of keys) if (!used.includes(k)) used.push(k);
    return `(${keys.map((k) => CITE[k]).join("; ")})`;
  };
  // The sentences in the order a methods section tells them; a reference is numbered by the
  // sentence that first cites it.
  const sentences = [
    ...effectSizeSentences(a, cite),
    ...modelSentences(a, cite),
    ...furtherAnalysisSentences(a, cite),
    ...smallStudySentences(a, cite),
    ...sensitivitySentences(a, cite),
    ...reviewSentences(a, cite),
    `Analyses were run with Pooled, whose statistics are tested against R's metafor package ${cite("viechtbauer2010")}; the script analysis.R reproduces the main analysis in metafor.`,
  ];
  return { text: sentences.join(" "), references: used.map((k) => REFERENCES[k]) };
}

/** An in-text citation of the keys, "(Author year; ...)", noting each as cited. */
export type Cite = (...keys: ReferenceKey[]) => string;

/** How the results were pooled and tested, heterogeneity, and experiments nested in publications. */
function modelSentences(a: Analysis, cite: Cite): string[] {
  const s = a.settings;
  const sentences: string[] = [];
  if (s.method === "FE") {
    sentences.push(
      "Results were pooled with a fixed (common) effect, inverse-variance weighted model.",
    );
  } else if (s.method === "MH" || s.method === "PETO") {
    sentences.push(...tableMethodSentences(a, cite));
  } else {
    const est = ESTIMATOR[s.method];
    sentences.push(
      `Results were pooled with a random-effects model; the between-study variance (tau²) was estimated by ${est.name} ${cite(...est.refs)}, with Q-profile confidence intervals for tau², I² and H² ${cite("viechtbauer2007")}${qProfileAlso(a)}.`,
    );
  }
  sentences.push(
    s.test === "knha"
      ? `Tests and confidence intervals used the Knapp-Hartung adjustment with t and F distributions ${cite("knapp2003")}.`
      : "Tests and confidence intervals used the normal distribution (z).",
  );
  sentences.push(
    `Heterogeneity was assessed with Cochran's Q ${cite("cochran1954")} and quantified with I² and H² ${cite("higgins2002")}` +
      (s.method === "FE" || s.method === "MH" || s.method === "PETO"
        ? "."
        : `; a ${s.level}% prediction interval gives the range of effects expected in a new study ${cite("riley2011")}.`),
  );
  sentences.push(...dependenceSentences(a, cite));
  return sentences;
}

/** Subgroups, meta-regression, permutation tests and the bootstrap, when run. */
function furtherAnalysisSentences(a: Analysis, cite: Cite): string[] {
  const s = a.settings;
  const sentences: string[] = [];
  if (a.subgroups !== null && TABLE_METHODS.includes(s.method)) {
    sentences.push(
      `Subgroups defined by ${a.subgroups.by} were each pooled by the same method, and differences between subgroups tested with Cochran's Q of the subgroup estimates ${cite("borenstein2009")}.`,
    );
  } else if (a.subgroups !== null) {
    sentences.push(
      `Subgroups defined by ${a.subgroups.by} were analysed separately, and differences between subgroups tested both with a separate tau² per subgroup ${cite("borenstein2009")} and with a common tau² (the omnibus test of a meta-regression on the subgroup).`,
    );
  }
  if (a.regression !== null) {
    const mods = a.regression.moderators.map(
      (m) => `${m.name} (${m.type}${m.levels ? `, reference level ${m.levels[0]}` : ""})`,
    );
    sentences.push(
      `A meta-regression on ${mods.join(" and ")} was fitted by the same method ${cite("thompson2002")}; R² is the proportional reduction in tau² ${cite("raudenbush2009")}.`,
    );
  }
  if (a.permutation !== null) {
    sentences.push(
      `P-values were also obtained by ${a.permutation.exact ? "exact" : `random (${a.permutation.iterations} arrangements, seed ${a.permutation.seed})`} permutation tests ${cite("higgins2004")}.`,
    );
  }
  if (a.bootstrap !== null) {
    const b = a.bootstrap;
    sentences.push(
      b.type === "parametric"
        ? `As a sensitivity analysis, a parametric bootstrap, each replicate's studies simulated from the fitted model ${cite("vandennoortgate2005")} (${b.iterations} replicates, seed ${b.seed}), gave percentile intervals ${cite("efron1993")}; BCa intervals need case resampling.`
        : `As a sensitivity analysis, a case bootstrap${b.clusters === null ? " of studies" : " of publications"} (${b.iterations} replicates, seed ${b.seed}) gave percentile and BCa intervals ${cite("efron1993")}.`,
    );
  }
  return sentences;
}

/** The small-study methods that gave results (funnel plots, regression and rank tests, ...). */
function smallStudySentences(a: Analysis, cite: Cite): string[] {
  const s = a.settings;
  const sentences: string[] = [];
  if (a.bias !== null) {
    const parts: string[] = [];
    if (a.bias.egger !== null) parts.push(eggerText(a.bias.egger.predictor, cite));
    if (a.bias.eggerSampleSize !== null)
      parts.push(
        `its sample-size variant suited to standardised mean differences ${cite("pustejovsky2019")}`,
      );
    if (a.bias.begg !== null) parts.push(`Begg's rank correlation test ${cite("begg1994")}`);
    if (a.bias.trimFill !== null)
      parts.push(
        `trim-and-fill (${a.bias.trimFill.estimator} estimator, missing studies sought on the ${s.trimfillSide === null ? "side estimated from the data" : `${s.trimfillSide} side`}) ${cite("duval2000")}`,
      );
    if (a.bias.petPeese !== null)
      parts.push(
        `PET-PEESE, reporting PEESE's corrected estimate when PET's differs from zero at p < ${a.bias.petPeese.alpha} and PET's otherwise ${cite("stanley2014")}`,
      );
    if (a.bias.failSafeN !== null) parts.push(failSafeNText(a.bias.failSafeN, cite));
    if (parts.length > 0)
      sentences.push(
        `Small-study effects were examined with funnel plots, contour-enhanced ${cite("peters2008")}${a.bias.eggerSampleSize !== null ? ` and against sample size for standardised mean differences ${cite("zwetsloot2017")}` : ""}, radial plots ${cite("galbraith1988")}, ${andList(parts)}.`,
      );
  }
  return sentences;
}

/** Leave-one-out, influence diagnostics, GOSH, predictions and the cumulative analysis. */
function sensitivitySentences(a: Analysis, cite: Cite): string[] {
  const sentences: string[] = [];
  if (a.leaveOneOut !== null) {
    sentences.push(
      `Influence was examined by leaving out one study at a time ${cite("viechtbauer2010b")}${a.baujat !== null ? ` and with a Baujat plot ${cite("baujat2002")}` : ""}.`,
    );
  }
  if (a.influence !== null) {
    sentences.push(
      `Case-deletion diagnostics (externally standardised residuals, DFFITS, Cook's distances, covariance ratios, hat values and DFBETAS) flagged influential studies by the criteria of metafor's influence() ${cite("viechtbauer2010b")}.`,
    );
  }
  if (a.gosh !== null) {
    sentences.push(
      `A GOSH plot shows the model refitted on ${a.gosh.exhaustive ? "every subset of the studies" : `${a.gosh.subsets.toLocaleString("en-US")} random subsets of the studies`} ${cite("olkin2012")}.`,
    );
  }
  if (a.predictions !== null) {
    sentences.push(
      "The meta-regression's average effect was predicted at chosen moderator values, with confidence and prediction intervals.",
    );
  }
  if (a.cumulative !== null) {
    sentences.push(
      `A cumulative meta-analysis added the studies in order of publication year ${cite("lau1992")}.`,
    );
  }
  return sentences;
}

/** Risk of bias and the PRISMA flow diagram, when the review gave them. */
function reviewSentences(a: Analysis, cite: Cite): string[] {
  const sentences: string[] = [];
  if (a.riskOfBias !== null) {
    sentences.push(
      `Risk of bias was judged with SYRCLE's tool for animal studies ${cite("hooijmans2014")}; judgements are shown per item and not summed into a score.`,
    );
  }
  if (a.prisma !== null) {
    sentences.push(
      `The selection of studies is reported in a PRISMA 2020 flow diagram ${cite("page2021")}.`,
    );
  }
  return sentences;
}

/**
 * Mantel-Haenszel or Peto pooling, its variance and tests, and the model of the other analyses
 * (the inverse-variance fixed-effect model of the same study effects).
 */
function tableMethodSentences(a: Analysis, cite: Cite): string[] {
  const s = a.settings;
  const mh = s.method === "MH";
  const variance: Partial<Record<string, [string, ReferenceKey]>> = {
    OR: ["Robins, Breslow and Greenland", "robins1986"],
    RR: ["Greenland and Robins", "greenland1985"],
    RD: ["Sato, Greenland and Robins", "sato1989"],
  };
  const v = mh ? variance[s.measure] : undefined;
  const out = [
    mh
      ? `Results were pooled with the Mantel-Haenszel fixed (common) effect method ${cite("mantel1959")}${v === undefined ? "" : `, with the variance of ${v[0]} ${cite(v[1])}`}.`
      : `Results were pooled with Peto's fixed (common) effect method for odds ratios ${cite("yusuf1985")}.`,
    // metafor's rma.mh and rma.peto: add = c(1/2, 0), to = c("only0", "none"), drop00 = c(TRUE, FALSE)
    `The ${mh ? "Mantel-Haenszel" : "Peto"} estimate used the counts as reported, without continuity correction and with every table.`,
  ];
  if (a.model.tableTests !== null) {
    out.push(
      `The Cochran-Mantel-Haenszel test assessed the association ${cite("mantel1959")}, and the Breslow-Day test ${cite("breslow1980")} with Tarone's correction ${cite("tarone1985")} the homogeneity of the odds ratios.`,
    );
  }
  out.push(
    "The meta-regression, small-study tests and sensitivity analyses used the inverse-variance fixed-effect model of the same study effect sizes.",
  );
  return out;
}

/** Egger's regression test by its predictor (--egger-predictor), with its papers. */
function eggerText(predictor: string, cite: Cite): string {
  switch (predictor) {
    case "ninv":
      return `Peters' regression test on the inverse of the total sample size ${cite("peters2006")}`;
    case "sqrtninv":
      return `Egger's regression test with the inverse square root of the total sample size as predictor ${cite("egger1997", "sterne2005")}`;
    case "vi":
      return `Egger's regression test with the sampling variance as predictor ${cite("egger1997", "sterne2005")}`;
    default:
      return `Egger's regression test with the standard error as predictor ${cite("egger1997", "sterne2005")}`;
  }
}

/**
 * What was done about experiments nested in publications: the three-level model (when fitted) and
 * cluster-robust inference (whenever the file has a publication column).
 */
function dependenceSentences(a: Analysis, cite: (...keys: ReferenceKey[]) => string): string[] {
  const out: string[] = [];
  const ml = a.multilevel;
  if (ml !== null) {
    const lead = a.settings.model === "three-level";
    out.push(
      `${lead ? "The main results come from" : "Because experiments of one publication are not independent, results were also pooled with"} a three-level model, experiments nested in publications ${cite("konstantopoulos2011")}, its variance components estimated by ${ml.method === "REML" ? "restricted maximum likelihood" : "maximum likelihood"} with profile-likelihood confidence intervals and each level tested with a likelihood-ratio test; I² was computed per level ${cite("cheung2014")}.` +
        (ml.test === "t" ? " Its tests used t distributions with k - p degrees of freedom." : ""),
    );
    if (a.subgroups?.multilevel) {
      out.push(
        "In the three-level model, each subgroup was fitted separately and differences between subgroups were tested with the subgroup as moderator.",
      );
    }
  }
  if (a.model.robust !== null || ml?.robust) {
    out.push(
      `Cluster-robust standard errors, clustered by publication, used the bias-reduced (CR2) estimator with Satterthwaite degrees of freedom${a.regression?.multilevel ? " and the HTZ test for moderators" : ""} ${cite("pustejovsky2018")}.`,
    );
  }
  return out;
}

/** Where else the Q-profile CIs were computed: per subgroup, for the meta-regression's residual. */
function qProfileAlso(a: Analysis): string {
  const where = [
    ...(a.subgroups?.groups.some((g) => g.tau2CiLower !== null) ? ["within each subgroup"] : []),
    ...(a.regression?.tau2CiLower != null
      ? ["for the residual heterogeneity of the meta-regression"]
      : []),
  ];
  return where.length === 0 ? "" : `, also ${where.join(" and ")}`;
}

/** The fail-safe Ns computed, each with its paper. */
function failSafeNText(f: NonNullable<BiasResult["failSafeN"]>, cite: Cite): string {
  const who = [
    ...(f.rosenthal !== null ? [`Rosenthal's method ${cite("rosenthal1979")}`] : []),
    ...(f.orwin !== null
      ? [
          `Orwin's, with the mean effect weighted by inverse variance as in metafor 5 ${cite("orwin1983")}`,
        ]
      : []),
    ...(f.rosenberg !== null ? [`Rosenberg's ${cite("rosenberg2005")}`] : []),
  ];
  return `the fail-safe N by ${andList(who)}`;
}

/** "a, b and c". */
function andList(items: readonly string[]): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`
    : (items[0] ?? "");
}
