/**
 * The models of analysis.R: the effect sizes (metafor's escalc, with the zero-cell rules and the
 * split of shared control arms made explicit), the main model (rma, or Mantel-Haenszel's rma.mh
 * and Peto's rma.peto on the tables), the subgroups, the meta-regression and the permutation tests.
 */
import { ascii, capitalized, rNumber, rString, vec } from "./r-literals.js";
import type { RScriptContext } from "./r-script-data.js";
import {
  type MethodsRContext,
  modelIntervalLines,
  regressionMethodLines,
  romLines,
  smdhLines,
  subgroupIntervalLines,
} from "./r-script-methods.js";

/** What the effect sizes of 2×2 tables and correlations are called in the script's comments. */
const MEASURE_NAME: Partial<Record<string, string>> = {
  OR: "log odds ratios",
  RR: "log risk ratios",
  RD: "risk differences",
  PETO: "Peto's log odds ratios",
  ZCOR: "Fisher's z-transformed correlations",
  COR: "correlation coefficients",
};

/**
 * The study effects: shared control arms split (Cochrane Handbook 23.3.4), then escalc on the
 * tables, correlations or arms, or a comment saying that the effect sizes embedded are Pooled's.
 */
export function effectSizeLines(c: RScriptContext): string[] {
  const { a, measure, tables, correlations, cellArgs, fills, embedNi } = c;
  const s = a.settings;
  const L: string[] = [];
  if (measure !== null && s.splitSharedControls) {
    L.push(
      "# A control group shared by K comparisons is split into K parts of n/K animals each, so its",
      "# animals are counted once (Cochrane Handbook 23.3.4).",
      'shared <- !is.na(dat$control_group) & dat$control_group != ""',
      "n_sharing <- table(dat$control_group[shared])",
      "dat$n2i[shared] <- dat$n2i[shared] / as.numeric(n_sharing[dat$control_group[shared]])",
      "",
    );
  }
  if (tables) {
    const zeroCells = `add = ${rNumber(s.add)}, to = ${rString(s.to ?? "only0")}, drop00 = ${s.drop00 ? "TRUE" : "FALSE"}`;
    if (fills.length > 0)
      L.push("# Non-events where the file gives the arm size instead: n - events.", ...fills, "");
    L.push(
      `# ${capitalized(MEASURE_NAME[s.measure]!)} of the 2x2 tables (events ai, ci; non-events bi, di; arm sizes n1i, n2i).`,
      "# The zero-cell rules are given explicitly (add, to, drop00), so that every metafor version",
      "# computes the study effects Pooled did.",
      `dat <- escalc(measure = "${measure}", ${cellArgs.join(", ")}, data = dat,`,
      `              ${zeroCells}, slab = study)`,
    );
  } else if (correlations) {
    L.push(
      `# ${capitalized(MEASURE_NAME[s.measure]!)} from the correlations (ri) and sample sizes (ni).`,
      `dat <- escalc(measure = "${measure}", ri = ri, ni = ni, data = dat, slab = study)`,
    );
  } else if (measure === "ROM") {
    L.push(...romLines(s.correctBias, s.vtype === "LS2" ? "LS2" : "LS"));
  } else if (measure === "SMDH") {
    L.push(...smdhLines(s.legacySmdhVariance));
  } else if (measure !== null) {
    // UB is metafor's name for the MD's variance too (the same formula as LS).
    const vtype = s.vtype === "UB" ? ', vtype = "UB"' : "";
    L.push(
      `dat <- escalc(measure = "${measure}", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,`,
      `              data = dat${vtype}, slab = study)`,
    );
  } else {
    L.push(
      ...(s.measure === "SMD" && s.vtype === "RevMan"
        ? [
            "# metafor (3.8 or 5.x) has no RevMan variant of the SMD (RevMan 5's g = d(1 - 3/(4N - 9)) and",
            "# vi = N/(n1 n2) + g^2/(2(N - 3.94)); Deeks & Higgins 2010), so escalc cannot recompute it:",
          ]
        : [
            `# metafor 3.8 does not compute this measure (${s.measure}${s.measure === "SMD" ? `, vtype ${s.vtype}` : ""}):`,
          ]),
      "# the effect sizes and sampling variances above are Pooled's.",
    );
    if (embedNi) L.push("# ni is each study's total sample size, for Egger's test on sample size.");
  }
  return L;
}

/** The main model, and under Mantel-Haenszel or Peto the inverse-variance model of the others. */
export function mainModelLines(c: RScriptContext): string[] {
  const { a, tableMethod, tableCall, tableZeroCells, printTransformed, omitted, fit, embedNi } = c;
  const s = a.settings;
  const dropOmitted = dropOmittedLines(c);
  const L: string[] = [];
  if (tableMethod) {
    L.push(
      "",
      `# Main model: ${s.method === "MH" ? "Mantel-Haenszel (metafor's rma.mh)" : "Peto's method (metafor's rma.peto)"} on the 2x2 tables.`,
      "# The first element of add, to and drop00 is the zero-cell rule of the study effects (and of",
      "# the heterogeneity test), the second that of the tables pooled, which need no correction.",
      `res <- ${tableCall}, data = dat,`,
      `              ${tableZeroCells}, level = ${s.level}, slab = study)`,
      "print(res)",
      "pred <- predict(res)",
      ...printTransformed("res", "pred_t"),
      `res_weights <- weights(res)${omitted.length === 0 ? "" : "[!is.na(dat$yi)]"}`,
      ...dropOmitted,
      "",
      "# The other analyses (meta-regression, small-study tests, leave-one-out) use the inverse-variance",
      "# fixed-effect model of the same study effects, as Pooled does.",
      "ctl <- list(threshold = 1e-10, maxiter = 1000)",
      `res_fe <- rma(yi, vi, data = dat, ${fit}, slab = study)`,
      "print(res_fe)",
    );
  } else {
    if (dropOmitted.length > 0) L.push(...dropOmitted);
    L.push(
      "",
      "# Main model. A tight convergence threshold, as Pooled iterates to 1e-10.",
      "ctl <- list(threshold = 1e-10, maxiter = 1000)",
      `res <- rma(yi, vi, data = dat, ${embedNi ? "ni = ni, " : ""}${fit}, slab = study)`,
      "print(res)",
      `pred <- predict(res)`,
      "print(pred)",
      ...printTransformed("res", "pred_t"),
      ...modelIntervalLines(a),
    );
  }
  return L;
}

/** Tables without a study effect (--drop00) leave dat once the tables are pooled. */
function dropOmittedLines(c: RScriptContext): string[] {
  const { omitted, tableMethod, byName } = c;
  return omitted.length === 0
    ? []
    : [
        `# Left out of the study effects (no events, or only events, in both arms; drop00 = TRUE): ${omitted
          .map((o) => `row ${o.row} (${ascii(o.study)})`)
          .join(", ")}.`,
        ...(tableMethod
          ? [
              `# The pooled estimate above includes ${omitted.length === 1 ? "its table" : "their tables"}${byName === null ? "" : ", and so do the subgroups' (dat_all)"}; the other analyses do not.`,
            ]
          : []),
        ...(tableMethod && byName !== null ? ["dat_all <- dat"] : []),
        "dat <- dat[!is.na(dat$yi), ]",
      ];
}

/** The subgroups (--by): their models and the test for subgroup differences. */
export function subgroupLines(c: RScriptContext): string[] {
  if (c.byName === null) return [];
  return c.tableMethod ? tableSubgroupLines(c) : inverseVarianceSubgroupLines(c);
}

/** Mantel-Haenszel or Peto per level, and Cochran's Q of the subgroup estimates. */
function tableSubgroupLines(c: RScriptContext): string[] {
  const { a, omitted, byLevels, tableCall, byName, tableZeroCells } = c;
  const s = a.settings;
  const data = omitted.length > 0 ? "dat_all" : "dat";
  return [
    "",
    `# Subgroups by ${ascii(a.subgroups!.by)}: ${s.method === "MH" ? "Mantel-Haenszel" : "Peto's method"} on the tables of each level, then the test for`,
    "# subgroup differences (Cochrane Handbook 10.11.3, as RevMan): Cochran's Q of the subgroup",
    "# estimates, from a fixed-effect meta-analysis of them.",
    `by_levels <- ${vec(byLevels.map(rString), 6)}`,
    "sub <- lapply(by_levels, function(level) tryCatch(",
    `  ${tableCall}, data = ${data}, subset = ${byName} == level,`,
    `    ${tableZeroCells}, level = ${s.level}),`,
    '  error = function(e) { message("Subgroup ", level, " not available: ", conditionMessage(e)); NULL }))',
    "names(sub) <- by_levels",
    "print(sub)",
    "sub_ok <- Filter(Negate(is.null), sub)",
    "sub_est <- sapply(sub_ok, function(r) as.numeric(coef(r)[1]))",
    "sub_se <- sapply(sub_ok, function(r) r$se)",
    'separate <- rma(sub_est, sei = sub_se, method = "FE")',
    'cat("Test for subgroup differences: Q =", separate$QE, "df =", separate$k - 1, "p =", separate$QEp, "\n")',
  ];
}

/** One model per level, and the tests with a separate and with a common tau². */
function inverseVarianceSubgroupLines(c: RScriptContext): string[] {
  const { a, byLevels, byName, ivMethod, fit } = c;
  const s = a.settings;
  return [
    "",
    `# Subgroups by ${ascii(a.subgroups!.by)}: one model per level (own tau2), then the test for differences`,
    "# with a separate tau2 (fixed-effect meta-analysis of the subgroup estimates) and a common tau2.",
    `by_levels <- ${vec(byLevels.map(rString), 6)}`,
    "sub <- lapply(by_levels, function(level) {",
    `  one <- sum(dat$${byName} == level) == 1`,
    `  rma(yi, vi, data = dat, subset = ${byName} == level, method = "${ivMethod}",`,
    `      test = if (one) "z" else "${s.test}", level = ${s.level}, control = ctl)`,
    "})",
    "names(sub) <- by_levels",
    "print(sub)",
    "sub_est <- sapply(sub, function(r) as.numeric(coef(r)[1]))",
    "sub_se <- sapply(sub, function(r) r$se)",
    'separate <- rma(sub_est, sei = sub_se, method = "FE")',
    "# The common-tau2 model needs more studies than subgroups; without them its test is NA.",
    `common <- tryCatch(rma(yi, vi, mods = ~ factor(${byName}, levels = by_levels), data = dat, ${fit}),`,
    '  error = function(e) { message("Common tau2 test not available: ", conditionMessage(e));',
    "    list(QM = NA, QMdf = c(NA, NA), QMp = NA) })",
    'cat("Separate tau2: Q =", separate$QE, "df =", separate$k - 1, "p =", separate$QEp, "\\n")',
    'cat("Common tau2:   QM =", common$QM, "df =", common$QMdf[1], "p =", common$QMp, "\\n")',
    ...subgroupIntervalLines(a),
  ];
}

/** The meta-regression (--mods) and its further methods. */
export function regressionLines(c: RScriptContext, methods: MethodsRContext): string[] {
  const { a, modNames, fit } = c;
  const L: string[] = [];
  if (modNames.length > 0) {
    L.push(
      "",
      "# Meta-regression: categorical moderators are factors whose first level is the reference.",
      `reg <- rma(yi, vi, mods = ~ ${modNames.join(" + ")}, data = dat, ${fit})`,
      "print(reg)",
      ...regressionMethodLines(a, methods),
    );
  }
  return L;
}

/** The permutation tests of the model and the meta-regression, when Pooled ran them. */
export function permutationLines(c: RScriptContext): string[] {
  const { a, fitVar, modNames } = c;
  const L: string[] = [];
  if (a.permutation !== null) {
    const exact = a.permutation.requested === "exact";
    const iter = exact ? "exact = TRUE" : `iter = ${a.permutation.requested}`;
    L.push(
      "",
      "# Permutation tests (Higgins & Thompson 2004). Exact tests match Pooled's; random ones differ within",
      "# Monte Carlo error, as R and Pooled draw different random arrangements.",
      `set.seed(${a.permutation.seed})`,
      `print(permutest(${fitVar}, ${iter}, progbar = FALSE))`,
    );
    if (modNames.length > 0) L.push(`print(permutest(reg, ${iter}, progbar = FALSE))`);
  }
  return L;
}
