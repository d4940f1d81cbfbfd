/**
 * The part of analysis.R that reproduces the analyses by publication: the three-level model with
 * metafor's rma.mv(yi, vi, random = ~ 1 | cluster/experiment) (Konstantopoulos 2011), its
 * profile-likelihood CIs (confint), multilevel I² (Cheung 2014), likelihood-ratio tests (anova),
 * subgroups and meta-regression; and CR2 cluster-robust tests with clubSandwich (Pustejovsky &
 * Tipton 2018): coef_test(fit, vcov = "CR2", cluster = dat$cluster), Wald_test(..., test = "HTZ").
 * Each is wrapped in tryCatch, as the script's other side analyses, so one that fails in R leaves
 * the rest of the script running.
 */
import type { Analysis } from "../analysis/types.js";

/** What the main script already defined: the R names of the --by and --mods columns (by_levels too). */
export interface DependenceRContext {
  byName: string | null;
  modNames: string[];
  /** The publication column's header, as an R comment may show it (ASCII). */
  clusterHeader: string;
  /**
   * The R name of the inverse-variance model of the study effects: `res`, or `res_fe` (the
   * fixed-effect companion) when Mantel-Haenszel or Peto pooled the tables.
   */
  model: string;
}

/**
 * The R lines that fit the analyses by publication (after `res`), or none when the analysis has
 * no publication column. `dat$cluster` holds each study's publication.
 */
export function dependenceRLines(a: Analysis, context: DependenceRContext): string[] {
  if (a.settings.cluster === null) return [];
  const s = a.settings;
  const ml = a.multilevel;
  const L: string[] = [
    "",
    `# Experiments nested in publications (column "${context.clusterHeader}" of the data file is dat$cluster).`,
    '# Cluster-robust (CR2) tests with Satterthwaite df need clubSandwich: install.packages("clubSandwich")',
    "# or apt-get install r-cran-clubsandwich; without it those results are skipped.",
    'has_cs <- requireNamespace("clubSandwich", quietly = TRUE)',
    'if (!has_cs) message("clubSandwich is not installed: the cluster-robust (CR2) results are skipped.")',
    "cr2 <- function(fit, what) {",
    "  if (!has_cs || is.null(fit)) return(NULL)",
    "  tryCatch(list(",
    '    test = clubSandwich::coef_test(fit, vcov = "CR2", cluster = dat$cluster, test = "Satterthwaite"),',
    `    ci = clubSandwich::conf_int(fit, vcov = "CR2", cluster = dat$cluster, level = ${s.level / 100})),`,
    '    error = function(e) { message(what, ": CR2 not available: ", conditionMessage(e)); NULL })',
    "}",
    "# CR2 for the standard model's estimate: its working model is diag(vi + tau2), clustered by publication.",
    `res_cr2 <- cr2(${context.model}, "Standard model")`,
    "print(res_cr2)",
  ];
  if (ml === null) return L;

  // rma.mv's test = "t" (k - p df) is what --test knha maps to.
  const test = ml.test;
  const fit = `method = "${ml.method}", test = "${test}", level = ${s.level}, control = mlctl`;
  L.push(
    "",
    "# The three-level model (Konstantopoulos 2011): experiments (level 2) within publications (level 3).",
    "# A variance component the data cannot identify is fixed at 0, as Pooled does: sigma2 within",
    "# publications when every publication has one experiment, sigma2 between with one publication.",
    "dat$experiment <- seq_len(nrow(dat))",
    "mlctl <- list(rel.tol = 1e-10, iter.max = 10000, eval.max = 10000)",
    "ml_sigma2 <- function(d) c(if (length(unique(d$cluster)) < 2) 0 else NA, if (anyDuplicated(d$cluster) == 0) 0 else NA)",
    "ml_s2 <- ml_sigma2(dat)",
    `ml <- tryCatch(rma.mv(yi, vi, random = ~ 1 | cluster/experiment, sigma2 = ml_s2, data = dat, ${fit}, slab = study),`,
    '  error = function(e) { message("Three-level model not available: ", conditionMessage(e)); NULL })',
    "if (!is.null(ml)) {",
    "  print(ml)",
    "  ml_pred <- predict(ml)",
    "  print(ml_pred)",
    "  # Profile-likelihood CIs of the estimated components (metafor's confint). Its search stops at",
    "  # vc.max, by default 10 for a component estimated at 0: raised here to the scale of the data.",
    "  ml_vc_max <- 100 * max(10, sum(ml$sigma2), max(dat$vi))",
    "  ml_ci <- lapply(1:2, function(j) if (!is.na(ml_s2[j])) NULL else tryCatch(",
    "    confint(ml, sigma2 = j, control = list(tol = 1e-12, maxiter = 1000, vc.max = ml_vc_max))$random[1, ],",
    '    error = function(e) { message("Profile CI of sigma2 ", j, " not available: ", conditionMessage(e)); NULL }))',
    "  print(ml_ci)",
    "  # Multilevel I2 (Cheung 2014; metafor's FAQ): v~ = (k - p)/tr(P), P from W = diag(1/vi).",
    "  X <- model.matrix(ml)",
    "  wv <- 1 / dat$vi",
    "  trP <- sum(wv) - sum(diag(solve(crossprod(X, X * wv), crossprod(X, X * wv^2))))",
    "  ml_I2 <- 100 * ml$sigma2 / (sum(ml$sigma2) + (ml$k - ml$p) / trP)",
    '  cat("I2 between publications:", ml_I2[1], " within:", ml_I2[2], " total:", sum(ml_I2), "\\n")',
    "  # Likelihood-ratio tests of each level: the model with that component fixed at 0.",
    "  ml_lrt <- if (anyNA(ml_s2) && all(is.na(ml_s2))) lapply(list(between = c(0, NA), within = c(NA, 0)),",
    `    function(s2) anova(ml, rma.mv(yi, vi, random = ~ 1 | cluster/experiment, sigma2 = s2, data = dat, ${fit}))) else NULL`,
    "  print(ml_lrt)",
    '  ml_cr2 <- cr2(ml, "Three-level model")',
    "  print(ml_cr2)",
    "}",
  );
  if (a.subgroups?.multilevel && context.byName !== null) {
    const by = context.byName;
    L.push(
      "",
      "# Subgroups in the three-level model: one model per level, and the test with the subgroup as moderator.",
      "ml_sub <- lapply(by_levels, function(level) {",
      `  d <- dat[dat$${by} == level, ]`,
      `  tryCatch(rma.mv(yi, vi, random = ~ 1 | cluster/experiment, sigma2 = ml_sigma2(d), data = d, ${fit}),`,
      '    error = function(e) { message("Three-level model of subgroup ", level, " not available: ", conditionMessage(e)); NULL })',
      "})",
      "names(ml_sub) <- by_levels",
      "print(ml_sub)",
      `ml_common <- tryCatch(rma.mv(yi, vi, mods = ~ factor(${by}, levels = by_levels), random = ~ 1 | cluster/experiment,`,
      `  sigma2 = ml_s2, data = dat, ${fit}),`,
      '  error = function(e) { message("Three-level subgroup test not available: ", conditionMessage(e)); NULL })',
      "print(ml_common)",
    );
  }
  if (a.regression?.multilevel && context.modNames.length > 0) {
    L.push(
      "",
      "# Meta-regression in the three-level model, with CR2 tests and the HTZ test of the moderators.",
      `ml_reg <- rma.mv(yi, vi, mods = ~ ${context.modNames.join(" + ")}, random = ~ 1 | cluster/experiment,`,
      `  sigma2 = ml_s2, data = dat, ${fit})`,
      "print(ml_reg)",
      'ml_reg_cr2 <- cr2(ml_reg, "Three-level meta-regression")',
      "print(ml_reg_cr2)",
      "ml_reg_htz <- if (has_cs) tryCatch(clubSandwich::Wald_test(ml_reg, constraints = clubSandwich::constrain_zero(2:ml_reg$p),",
      '  vcov = "CR2", cluster = dat$cluster, test = "HTZ"),',
      '  error = function(e) { message("HTZ test not available: ", conditionMessage(e)); NULL }) else NULL',
      "print(ml_reg_htz)",
    );
  }
  return L;
}

/** The lines that add the analyses by publication to the script's POOLED-JSON object `out`. */
export function dependenceRJsonLines(a: Analysis, context: DependenceRContext): string[] {
  if (a.settings.cluster === null) return [];
  const L = [
    "  cr2_row <- function(x, i = 1) if (is.null(x)) NULL else list(se = n(x$test$SE[i]), df = n(x$test$df_Satt[i]),",
    "    ciLower = n(x$ci$CI_L[i]), ciUpper = n(x$ci$CI_U[i]), p = n(x$test$p_Satt[i]))",
    "  out$model$robust <- cr2_row(res_cr2)",
  ];
  if (a.multilevel === null) return L;
  L.push(
    "  if (!is.null(ml)) {",
    "    lrt_row <- function(x) if (is.null(x)) NULL else list(statistic = n(x$LRT), df = n(x$parms.f - x$parms.r), p = n(x$pval))",
    "    out$multilevel <- list(k = ml$k, clusters = length(unique(dat$cluster)), estimate = n(ml$b), se = n(ml$se),",
    "      ciLower = n(ml$ci.lb), ciUpper = n(ml$ci.ub), p = n(ml$pval), piLower = n(ml_pred$pi.lb), piUpper = n(ml_pred$pi.ub),",
    "      sigma2Between = n(ml$sigma2[1]), sigma2Within = n(ml$sigma2[2]),",
    '      sigma2BetweenCiLower = n(ml_ci[[1]]["ci.lb"]), sigma2BetweenCiUpper = n(ml_ci[[1]]["ci.ub"]),',
    '      sigma2WithinCiLower = n(ml_ci[[2]]["ci.lb"]), sigma2WithinCiUpper = n(ml_ci[[2]]["ci.ub"]),',
    "      I2Between = n(ml_I2[1]), I2Within = n(ml_I2[2]), I2Total = n(sum(ml_I2)),",
    "      lrtBetween = lrt_row(ml_lrt$between), lrtWithin = lrt_row(ml_lrt$within),",
    "      robust = cr2_row(ml_cr2), weights = n(weights(ml)))",
    "  }",
  );
  if (a.subgroups?.multilevel && context.byName !== null) {
    L.push(
      "  out$multilevelSubgroups <- list(",
      "    groups = lapply(ml_sub, function(r) if (is.null(r)) NULL else list(k = r$k, estimate = n(r$b), se = n(r$se),",
      "      sigma2Between = n(r$sigma2[1]), sigma2Within = n(r$sigma2[2]))),",
      "    test = if (is.null(ml_common)) NULL else list(QM = n(ml_common$QM), df = n(ml_common$QMdf[1]), p = n(ml_common$QMp)))",
    );
  }
  if (a.regression?.multilevel && context.modNames.length > 0) {
    L.push(
      "  out$multilevelRegression <- list(estimate = n(ml_reg$b), se = n(ml_reg$se), p = n(ml_reg$pval),",
      "    QM = n(ml_reg$QM), QMp = n(ml_reg$QMp), sigma2Between = n(ml_reg$sigma2[1]), sigma2Within = n(ml_reg$sigma2[2]),",
      "    robustSe = if (is.null(ml_reg_cr2)) NULL else n(ml_reg_cr2$test$SE),",
      "    robustDf = if (is.null(ml_reg_cr2)) NULL else n(ml_reg_cr2$test$df_Satt),",
      "    robustP = if (is.null(ml_reg_cr2)) NULL else n(ml_reg_cr2$test$p_Satt),",
      "    robustQM = if (is.null(ml_reg_htz)) NULL else list(statistic = n(ml_reg_htz$Fstat), df1 = n(ml_reg_htz$df_num),",
      "      df2 = n(ml_reg_htz$df_denom), p = n(ml_reg_htz$p_val)))",
    );
  }
  return L;
}
