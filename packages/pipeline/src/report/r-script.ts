/**
 * analysis.R: an R script that reproduces the analysis with metafor (Viechtbauer 2010), so that a
 * reviewer or a journal can check Pooled's numbers. It runs standalone: the data are embedded as a
 * data.frame literal, shared controls are split in R (not before), and the effect sizes come from
 * metafor's escalc wherever metafor 3.8 offers the measure. At the end it prints one line
 * "POOLED-JSON {...}" with the main numbers, for a machine comparison with analysis.json.
 *
 * Its parts: the data frame and the names they share (r-script-data.ts), the effect sizes and
 * models (r-script-models.ts), the further methods (r-script-methods.ts) and the analyses by
 * publication (r-script-dependence.ts); R literals are written by r-literals.ts.
 */
import { failureOf, SIDE_ANALYSIS } from "../analysis/failures.js";
import type { Analysis } from "../analysis/types.js";
import type { StudyTable } from "../input/types.js";
import { ascii } from "./r-literals.js";
import { type RScriptContext, scriptContext } from "./r-script-data.js";
import {
  type DependenceRContext,
  dependenceRJsonLines,
  dependenceRLines,
} from "./r-script-dependence.js";
import {
  biasMethodSteps,
  bootstrapLines,
  goshLines,
  influenceStep,
  type MethodsRContext,
  methodsRJsonLines,
  trimfillCall,
} from "./r-script-methods.js";
import {
  effectSizeLines,
  mainModelLines,
  permutationLines,
  regressionLines,
  subgroupLines,
} from "./r-script-models.js";

export { rName, rNumber, rString } from "./r-literals.js";

/**
 * The R script reproducing the analysis.
 * @param table - the study table the analysis was run on (for the arm data and the columns)
 * @example files.push({ path: "analysis.R", content: renderRScript(analysis, table) })
 */
export function renderRScript(a: Analysis, table: StudyTable): string {
  const c = scriptContext(a, table);
  const methods: MethodsRContext = {
    model: c.fitVar,
    modNames: c.modNames,
    fit: c.fit,
    printTransformed: c.printTransformed,
  };
  const dependence: DependenceRContext = {
    byName: c.byName,
    modNames: c.modNames,
    clusterHeader: ascii(a.settings.cluster ?? ""),
    model: c.fitVar,
  };
  return [
    ...headerLines(a, table),
    ...c.dataLines,
    ...effectSizeLines(c),
    ...mainModelLines(c),
    ...subgroupLines(c),
    ...regressionLines(c, methods),
    ...dependenceRLines(a, dependence),
    ...permutationLines(c),
    ...bootstrapLines(a, methods),
    ...goshLines(a, methods),
    ...smallStudyLines(c),
    ...comparisonLines(c, methods, dependence),
  ].join("\n");
}

/** What the script needs to run, where the data come from, and the rows the reviewers excluded. */
function headerLines(a: Analysis, table: StudyTable): string[] {
  const L = [
    "# analysis.R: reproduces Pooled's analysis with R's metafor package (Viechtbauer 2010).",
    `# Data: ${ascii(a.source)} (${a.studies.length} studies), embedded below so the script runs on its own.`,
    "# Run:   Rscript analysis.R",
    "# Needs: metafor, and jsonlite for the comparison line printed at the end",
    "#        (and clubSandwich for the cluster-robust results, when the data name publications):",
    '#        install.packages(c("metafor", "jsonlite"))  or  apt-get install r-cran-metafor r-cran-jsonlite',
  ];
  if (a.excluded.length > 0) {
    L.push("# Rows the reviewers excluded (not in the data below):");
    for (const e of a.excluded) L.push(`#   row ${e.row}, ${ascii(e.study)}: ${ascii(e.reason)}`);
  }
  for (const note of table.notes) L.push(`# Note: ${ascii(note)}`);
  L.push("", "suppressPackageStartupMessages(library(metafor))", "");
  return L;
}

/**
 * Only what Pooled computed: a test it could not compute (e.g. Egger's when every study has the
 * same variance) would stop the script with metafor's error, so it is left out with the reason.
 */
function computed(a: Analysis) {
  const bias = a.bias;
  return {
    egger: bias?.egger != null,
    begg: bias?.begg != null,
    trimFill: bias?.trimFill != null,
    leaveOneOut: a.leaveOneOut !== null,
  };
}

/** Small-study effects and leave-one-out, each run only where Pooled computed it (else why not). */
function smallStudyLines(c: RScriptContext): string[] {
  const { a, fitVar, printTransformed } = c;
  const predictor = a.settings.eggerPredictor;
  const sensitivity = computed(a);
  if (a.bias === null && a.model.k < 3) return [];
  const L: string[] = [];
  L.push(
    "",
    predictor === "sei"
      ? "# Small-study effects and leave-one-out, with metafor's defaults."
      : `# Small-study effects and leave-one-out, with metafor's defaults but Egger's predictor ("${predictor}").`,
  );
  const step = (done: boolean, what: string, lines: string[]) => {
    if (done) L.push(...lines);
    else L.push(`# ${what}: not run, as Pooled did not compute it (${skippedWhy(a, what)}).`);
  };
  // regtest's sample-size predictors take ni from the model, which has it from escalc (or dat$ni).
  const predictorArg = predictor === "sei" ? "" : `, predictor = "${predictor}"`;
  step(sensitivity.egger, SIDE_ANALYSIS.egger, [
    `eg <- regtest(${fitVar}${predictorArg})`,
    "print(eg)",
  ]);
  step(sensitivity.begg, SIDE_ANALYSIS.begg, [`rk <- ranktest(${fitVar})`, "print(rk)"]);
  step(sensitivity.trimFill, SIDE_ANALYSIS.trimFill, [
    `tf <- ${trimfillCall(a, fitVar)}`,
    "print(tf)",
    ...printTransformed("tf", "tf_t"),
  ]);
  biasMethodSteps(a, step, SIDE_ANALYSIS);
  step(sensitivity.leaveOneOut, SIDE_ANALYSIS.leaveOneOut, [
    `l1 <- leave1out(${fitVar})`,
    "print(l1)",
  ]);
  influenceStep(a, fitVar, step, SIDE_ANALYSIS.influence);
  return L;
}

/** The line "POOLED-JSON {...}" with the main numbers, for a machine comparison with analysis.json. */
function comparisonLines(
  c: RScriptContext,
  methods: MethodsRContext,
  dependence: DependenceRContext,
): string[] {
  const { a, tableMethod, transf, byName, modNames } = c;
  const s = a.settings;
  const L: string[] = [];
  L.push(
    "",
    "# One line of JSON with the main numbers, to compare with Pooled's analysis.json.",
    'if (requireNamespace("jsonlite", quietly = TRUE)) {',
    "  n <- function(x) unname(as.vector(x))",
    "  out <- list(",
    `    studies = list(study = dat$study, yi = n(dat$yi), vi = n(dat$vi), weight = n(${tableMethod ? "res_weights" : "weights(res)"})),`,
    "    model = list(k = res$k, estimate = n(res$b), se = n(res$se), ciLower = n(res$ci.lb),",
    "                 ciUpper = n(res$ci.ub), p = n(res$pval), tau2 = n(res$tau2), I2 = n(res$I2),",
    "                 H2 = n(res$H2), Q = n(res$QE), Qp = n(res$QEp), piLower = n(pred$pi.lb),",
    "                 piUpper = n(pred$pi.ub))",
    "  )",
  );
  if (transf !== null) {
    L.push(
      "  out$model$transformed <- list(estimate = n(pred_t$pred), ciLower = n(pred_t$ci.lb), ciUpper = n(pred_t$ci.ub),",
      "                                piLower = n(pred_t$pi.lb), piUpper = n(pred_t$pi.ub))",
    );
  }
  if (s.method === "MH" && s.measure === "OR") {
    L.push(
      "  chisq <- function(x, p) if (is.null(x) || is.na(x)) NULL else list(statistic = n(x), p = n(p))",
      "  out$model$tableTests <- list(cochranMantelHaenszel = chisq(res$MH, res$MHp),",
      "                               breslowDay = chisq(res$BD, res$BDp), tarone = chisq(res$TA, res$TAp))",
    );
  }
  if (byName !== null) {
    const separate =
      'list(type = "separate-tau2", Q = n(separate$QE), df = separate$k - 1, p = n(separate$QEp))';
    L.push(
      "  out$subgroups <- list(",
      "    groups = lapply(sub, function(r) list(k = r$k, estimate = n(r$b), se = n(r$se), tau2 = n(r$tau2))),",
      ...(tableMethod
        ? [`    tests = list(${separate})`]
        : [
            `    tests = list(${separate},`,
            '                 list(type = "common-tau2", Q = n(common$QM), df = n(common$QMdf[1]), p = n(common$QMp)))',
          ]),
      "  )",
    );
  }
  if (modNames.length > 0) {
    L.push(
      "  out$regression <- list(estimate = n(reg$b), se = n(reg$se), p = n(reg$pval), QM = n(reg$QM),",
      "                         QMp = n(reg$QMp), tau2 = n(reg$tau2), R2 = n(reg$R2), QE = n(reg$QE))",
    );
  }
  const sensitivity = computed(a);
  const biasJson = [
    sensitivity.egger
      ? "egger = list(z = n(eg$zval), p = n(eg$pval), limitEstimate = n(eg$est))"
      : null,
    sensitivity.begg ? "begg = list(tau = n(rk$tau), p = n(rk$pval))" : null,
    sensitivity.trimFill
      ? `trimFill = list(k0 = n(tf$k0), side = tf$side, estimate = n(tf$b)${transf === null ? "" : ", transformed = n(tf_t$pred)"})`
      : null,
  ].filter((x) => x !== null);
  if (biasJson.length > 0) L.push(`  out$bias <- list(${biasJson.join(",\n                   ")})`);
  if (sensitivity.leaveOneOut)
    L.push("  out$leaveOneOut <- list(estimate = n(l1$estimate), tau2 = n(l1$tau2))");
  L.push(...methodsRJsonLines(a, methods));
  L.push(...dependenceRJsonLines(a, dependence));
  L.push(
    '  cat("POOLED-JSON ", jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null"), "\\n", sep = "")',
    "}",
    "",
  );
  return L;
}
/** Why Pooled has no result for `what` (a side analysis named as in its warnings), for a comment. */
function skippedWhy(a: Analysis, what: string): string {
  const failure = failureOf(a.warnings, what);
  if (failure !== null) return ascii(failure.slice(`${what} could not be computed: `.length));
  if (a.model.k < 3) return `only ${a.model.k} studies`;
  return "see the Warnings of the report";
}
