/**
 * The parts of analysis.R for the further methods: the Q-profile CIs of tau², I² and H² (the
 * model's, each subgroup's and the meta-regression's residual heterogeneity, metafor's confint),
 * trim-and-fill's estimator and side, PET-PEESE as weighted least squares (Stanley & Doucouliagos
 * 2014), the fail-safe Ns (fsn), the influence diagnostics (influence), the predictions of the
 * meta-regression (predict with newmods) and, for a parametric bootstrap, how to run one in R.
 * Each block appears only when Pooled computed its numbers, with explicit arguments so that
 * metafor 3.8 and 5.x give Pooled's numbers.
 */
import type { Analysis } from "../analysis/types.js";

/** What the main script already defined, for these blocks. */
export interface MethodsRContext {
  /** The R name of the inverse-variance model of the study effects: `res`, or `res_fe`. */
  model: string;
  /** The R names of the --mods columns, in the model's order. */
  modNames: string[];
  /** The arguments of rma after `data = dat, ` (method, test, level, control). */
  fit: string;
  /** Lines printing a model's predictions on the reader's scale (none on the identity scale). */
  printTransformed: (model: string, into: string) => string[];
}

/** confint's Q-profile CI, to a tolerance far below Pooled's comparison (metafor's is 1e-4). */
const confint = (model: string, level: number) =>
  `confint(${model}, level = ${level}, type = "QP", control = list(tol = 1e-12))`;

/** The model's Q-profile CIs (after `res`), when Pooled computed them. */
export function modelIntervalLines(a: Analysis): string[] {
  if (a.model.tau2CiLower === null && a.model.H2CiLower === null) return [];
  return [
    "# Q-profile CIs of tau2, I2 and H2 (Viechtbauer 2007; metafor's confint), solved to 1e-12.",
    `res_ci <- ${confint("res", a.settings.level)}`,
    "print(res_ci)",
  ];
}

/** Each subgroup's Q-profile CIs (after `sub`), when Pooled computed any. */
export function subgroupIntervalLines(a: Analysis): string[] {
  if (!a.subgroups?.groups.some((g) => g.tau2CiLower !== null)) return [];
  return [
    "# Q-profile CIs of each level's tau2 and I2 (none for a level with a single study).",
    'sub_ci <- lapply(sub, function(r) if (r$method == "FE" || r$k <= r$p) NULL else tryCatch(',
    `  ${confint("r", a.settings.level)}$random,`,
    '  error = function(e) { message("Q-profile CI not available: ", conditionMessage(e)); NULL }))',
    "print(sub_ci)",
  ];
}

/** The meta-regression's residual Q-profile CIs and its predictions (after `reg`). */
export function regressionMethodLines(a: Analysis, context: MethodsRContext): string[] {
  const L: string[] = [];
  if (a.regression?.tau2CiLower != null) {
    L.push(
      "# Q-profile CIs of the residual tau2 and I2.",
      `reg_ci <- ${confint("reg", a.settings.level)}`,
      "print(reg_ci)",
    );
  }
  L.push(...predictionLines(a, context));
  return L;
}

/** One moderator of the meta-regression as the script's design has it. */
interface DesignModerator {
  name: string;
  rName: string;
  levels: string[] | null;
}

/**
 * The row of newmods for one --predict point, in the model's coefficient order (after the
 * intercept): a continuous moderator's value, or the dummies of a categorical one (its first level
 * the reference). A string saying why when the point cannot be placed.
 */
function designRow(
  point: Record<string, number | string>,
  moderators: readonly DesignModerator[],
): string[] | string {
  const keys = Object.keys(point);
  const row: string[] = [];
  for (const m of moderators) {
    const key =
      keys.find((k) => k === m.name) ?? keys.find((k) => k.toLowerCase() === m.name.toLowerCase());
    if (key === undefined) return `no value of ${m.name}`;
    const value = point[key]!;
    if (m.levels === null) {
      const x = typeof value === "number" ? value : Number(value);
      if (!Number.isFinite(x)) return `${m.name} = ${value} is not a number`;
      row.push(String(x));
      continue;
    }
    const level = m.levels.indexOf(String(value));
    if (level < 0) return `${m.name} has no level ${value}`;
    for (let j = 1; j < m.levels.length; j++) row.push(j === level ? "1" : "0");
  }
  return row;
}

/** The predictions of the meta-regression at the --predict points, as predict(reg, newmods). */
function predictionLines(a: Analysis, context: MethodsRContext): string[] {
  const points = a.settings.predict;
  if (a.regression === null || points.length === 0 || context.modNames.length === 0) return [];
  const moderators = a.regression.moderators.map((m, j) => ({
    name: m.name,
    rName: context.modNames[j]!,
    levels: m.type === "categorical" ? m.levels : null,
  }));
  const rows = points.map((p) => designRow(p, moderators));
  const at = (p: Record<string, number | string>) =>
    ascii(
      Object.entries(p)
        .map(([k, v]) => `${k} = ${v}`)
        .join(", "),
    );
  const failed = rows.findIndex((r) => typeof r === "string");
  if (failed >= 0)
    return [
      `# Predictions at the moderator values asked for: not run, as ${at(points[failed]!)} is not a point of the model (${ascii(rows[failed] as string)}).`,
    ];
  const columns = moderators.flatMap((m) =>
    m.levels === null
      ? [m.rName]
      : m.levels.slice(1).map((level) => `${m.rName} ${ascii(level)} (vs ${ascii(m.levels![0]!)})`),
  );
  return [
    "# Predictions of the meta-regression at the moderator values asked for (metafor's predict with",
    "# newmods): one row per point, one column per coefficient after the intercept, in the model's",
    "# order; a categorical moderator is its dummies, its first level the reference.",
    `# Columns: ${columns.join("; ")}.`,
    "newmods <- rbind(",
    ...rows.map(
      (r, i) =>
        `  c(${(r as string[]).join(", ")})${i < rows.length - 1 ? "," : ""}  # ${at(points[i]!)}`,
    ),
    ")",
    "pr <- predict(reg, newmods = newmods)",
    "print(pr)",
    ...context.printTransformed("reg, newmods = newmods", "pr_t"),
  ];
}

/**
 * Trim-and-fill's call: metafor's defaults (estimator L0, side estimated) say nothing; R0 and a
 * chosen side are passed.
 */
export function trimfillCall(a: Analysis, model: string): string {
  const s = a.settings;
  const args = [
    s.trimfillEstimator === "L0" ? null : `estimator = "${s.trimfillEstimator}"`,
    s.trimfillSide === null ? null : `side = "${s.trimfillSide}"`,
  ].filter((x) => x !== null);
  return `trimfill(${[model, ...args].join(", ")})`;
}

/** A step of the small-study block: its lines when Pooled computed it, else why not. */
export type RStep = (done: boolean, what: string, lines: string[]) => void;

/** PET-PEESE and the fail-safe Ns, in the small-study block. */
export function biasMethodSteps(
  a: Analysis,
  step: RStep,
  what: { petPeese: string; failSafeN: string },
): void {
  const pp = a.bias?.petPeese ?? null;
  step(pp !== null, what.petPeese, [
    "# PET and PEESE (Stanley & Doucouliagos 2014): weighted least squares (weights 1/vi) of yi on its",
    "# standard error (PET) and on its variance (PEESE); the intercept is the corrected estimate.",
    `# PEESE when PET's intercept differs from 0 (two-sided p < ${pp?.alpha ?? 0.1}), else PET.`,
    "pet <- lm(yi ~ sqrt(vi), weights = 1 / vi, data = dat)",
    "peese <- lm(yi ~ vi, weights = 1 / vi, data = dat)",
    "pp_row <- function(fit) {",
    "  co <- summary(fit)$coefficients",
    `  ci <- confint(fit, level = ${a.settings.level / 100})`,
    "  c(estimate = co[1, 1], se = co[1, 2], p = co[1, 4], ciLower = ci[1, 1], ciUpper = ci[1, 2],",
    "    slope = co[2, 1], slopeP = co[2, 4])",
    "}",
    "pp <- rbind(PET = pp_row(pet), PEESE = pp_row(peese))",
    `pp_chosen <- if (pp["PET", "p"] < ${pp?.alpha ?? 0.1}) "PEESE" else "PET"`,
    "print(pp)",
    'cat("PET-PEESE: the conditional rule chooses", pp_chosen, "\\n")',
  ]);
  const f = a.bias?.failSafeN ?? null;
  step(f !== null, what.failSafeN, [
    "# Fail-safe N (Rosenthal 1979, Orwin 1983, Rosenberg 2005). Orwin's mean effect is weighted by",
    "# 1/vi, as metafor 5 does by default: weighted = TRUE makes metafor 3.8 do the same.",
    `fsn_rosenthal <- fsn(yi, vi, data = dat, type = "Rosenthal", alpha = ${f?.rosenthal?.alpha ?? 0.05})`,
    'fsn_orwin <- fsn(yi, vi, data = dat, type = "Orwin", weighted = TRUE)',
    `fsn_rosenberg <- fsn(yi, vi, data = dat, type = "Rosenberg", alpha = ${f?.rosenberg?.alpha ?? 0.05})`,
    "print(fsn_rosenthal)",
    "print(fsn_orwin)",
    "print(fsn_rosenberg)",
  ]);
}

/** The influence diagnostics, in the small-study block. */
export function influenceStep(a: Analysis, model: string, step: RStep, what: string): void {
  step(a.influence !== null, what, [
    "# Influence diagnostics (Viechtbauer & Cheung 2010; metafor's influence): externally standardised",
    "# residuals, DFFITS, Cook's distances, covariance ratios, tau2 and Q without each study, hat values,",
    "# weights (%), and metafor's flag (*) for influential studies.",
    `infl <- influence(${model})`,
    "print(infl)",
  ]);
}

/** For a parametric bootstrap: how to run one in R (no numbers: R cannot redraw Pooled's). */
export function bootstrapLines(a: Analysis, context: MethodsRContext): string[] {
  const s = a.settings;
  if (s.bootstrap === null || s.bootstrapType !== "parametric") return [];
  return [
    "",
    `# Parametric bootstrap: Pooled simulated the study effects ${s.bootstrap} times from the fitted model`,
    "# (yi ~ N(estimate, vi + tau2)) and refitted it each time. R cannot redraw Pooled's random draws,",
    "# so the script gives no numbers for it; to run a parametric bootstrap in R, as metafor's examples",
    '# do with the boot package (install.packages("boot")) and metafor\'s simulate():',
    "#   library(boot)",
    "#   boot_sim <- function(d, fit) { d$yi <- simulate(fit)[[1]]; d }",
    `#   boot_stat <- function(d) { r <- rma(yi, vi, data = d, ${context.fit}); c(coef(r), r$tau2, r$I2) }`,
    `#   set.seed(${s.seed})`,
    `#   b <- boot(dat, boot_stat, R = ${s.bootstrap}, sim = "parametric", ran.gen = boot_sim, mle = ${context.model})`,
    `#   boot.ci(b, type = "perc", conf = ${s.level / 100}, index = 1)  # index 2: tau2, 3: I2`,
    "# (boot gives no BCa interval for a parametric bootstrap; its numbers differ from Pooled's within",
    "# Monte Carlo error.)",
  ];
}

/**
 * With --gosh: metafor's gosh() on the same model, commented out (every subset of 20 studies takes
 * metafor about an hour); random subsets differ from Pooled's draws, so only their spread compares.
 */
export function goshLines(a: Analysis, context: MethodsRContext): string[] {
  const g = a.gosh;
  if (g === null) return [];
  return [
    "",
    `# GOSH (Olkin, Dahabreh & Trikalinos 2012): Pooled refitted the model on ${g.exhaustive ? `every one of the ${g.subsets} subsets` : `${g.subsets} random subsets (seed ${g.seed})`}.`,
    `# metafor's gosh() does the same${g.exhaustive ? "" : " with R's own random subsets, so its numbers match Pooled's only in their spread"}; it is slow`,
    "# (an hour for every subset of 20 studies), so it is left for you to run:",
    `#   sav <- gosh(${context.model}, subsets = ${g.subsets})`,
    '#   summary(sav$res[, c("estimate", "I2", "tau2")])',
    "#   plot(sav, out = NULL)",
  ];
}

/** The lines adding these methods to the script's POOLED-JSON object `out`. */
export function methodsRJsonLines(a: Analysis, context: MethodsRContext): string[] {
  const L: string[] = [];
  const hasModelCi = a.model.tau2CiLower !== null || a.model.H2CiLower !== null;
  const hasSubgroupCi = a.subgroups?.groups.some((g) => g.tau2CiLower !== null) ?? false;
  const hasRegressionCi = a.regression?.tau2CiLower != null;
  if (hasModelCi || hasSubgroupCi || hasRegressionCi) {
    L.push(
      '  qp <- function(ci) if (is.null(ci)) NULL else list(tau2CiLower = n(ci["tau^2", "ci.lb"]),',
      '    tau2CiUpper = n(ci["tau^2", "ci.ub"]), I2CiLower = n(ci["I^2(%)", "ci.lb"]), I2CiUpper = n(ci["I^2(%)", "ci.ub"]),',
      '    H2CiLower = n(ci["H^2", "ci.lb"]), H2CiUpper = n(ci["H^2", "ci.ub"]))',
    );
  }
  if (hasModelCi) L.push("  out$model$intervals <- qp(res_ci$random)");
  if (hasSubgroupCi) L.push("  out$subgroups$intervals <- lapply(unname(sub_ci), qp)");
  if (hasRegressionCi) L.push("  out$regression$intervals <- qp(reg_ci$random)");
  if (a.bias?.petPeese != null)
    L.push(
      '  out$bias$petPeese <- list(pet = as.list(pp["PET", ]), peese = as.list(pp["PEESE", ]), chosen = pp_chosen)',
    );
  if (a.bias?.failSafeN != null)
    L.push(
      "  out$bias$failSafeN <- list(rosenthal = list(n = n(fsn_rosenthal$fsnum), p = n(fsn_rosenthal$pval)),",
      "    orwin = list(n = n(fsn_orwin$fsnum), meanEffect = n(fsn_orwin$meanes), target = n(fsn_orwin$target)),",
      "    rosenberg = list(n = n(fsn_rosenberg$fsnum), p = n(fsn_rosenberg$pval)))",
    );
  if (a.influence !== null)
    L.push(
      "  out$influence <- list(rstudent = n(infl$inf$rstudent), dffits = n(infl$inf$dffits), cooksD = n(infl$inf$cook.d),",
      "    covRatio = n(infl$inf$cov.r), tau2Deleted = n(infl$inf$tau2.del), QEDeleted = n(infl$inf$QE.del),",
      "    hat = n(infl$inf$hat), weight = n(infl$inf$weight), influential = n(infl$is.infl))",
    );
  if (predictionLines(a, context).some((line) => line.startsWith("pr <- ")))
    L.push(
      "  # One value per point, as an array even for one point (I() keeps jsonlite from unboxing it).",
      "  per_point <- function(x) if (is.null(x)) NULL else I(n(x))",
      "  out$predictions <- list(estimate = per_point(pr$pred), se = per_point(pr$se), ciLower = per_point(pr$ci.lb),",
      "    ciUpper = per_point(pr$ci.ub), piLower = per_point(pr$pi.lb), piUpper = per_point(pr$pi.ub))",
    );
  return L;
}

/** Text for an R comment: ASCII only, one line. */
function ascii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/\s+/g, " ");
}

const ARM_ARGS =
  "m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i, data = dat, slab = study";

/**
 * escalc for ROM, with the correction spelled out so that every metafor version computes Pooled's
 * numbers. Bias-corrected (Pooled's default, as metafor 5.0 and later; Lajeunesse 2015, eq. 8):
 * metafor 5.0 and later with correct = TRUE; earlier versions (3.8, and 4.8, whose `correct` does
 * not touch ROM) have no such correction, and the script adds it to escalc's log ratios by hand.
 * Uncorrected (correctBias false, metafor 3.8's): metafor 4.8 and later are told correct = FALSE.
 * The variance is escalc's default, vtype "LS", unless --vtype LS2 chose the second-order variance
 * (Lajeunesse 2015, eq. 9): metafor 5.0 and later compute it (vtype = "LS2"); 3.8 does not, and
 * the script adds the second-order terms by hand there.
 */
export function romLines(correctBias: boolean, vtype: "LS" | "LS2" = "LS"): string[] {
  const ls2 = vtype === "LS2" ? ', vtype = "LS2"' : "";
  const lines = correctBias
    ? [
        "# Log ratios of means with the small-sample bias correction of Lajeunesse (2015, eq. 8), as",
        "# Pooled computed them (its default, and metafor 5.0's): yi = log(m1/m2) + (a1 - a2)/2 with",
        "# a_j = sd_j^2/(n_j m_j^2). metafor 5.0 and later compute it (correct = TRUE); earlier versions",
        "# do not correct ROM, so it is added here.",
        'if (packageVersion("metafor") >= "5.0") {',
        `  dat <- escalc(measure = "ROM", ${ARM_ARGS}, correct = TRUE${ls2})`,
        "} else {",
        `  dat <- escalc(measure = "ROM", ${ARM_ARGS})`,
        "  rom_a1 <- dat$sd1i^2 / (dat$n1i * dat$m1i^2)",
        "  rom_a2 <- dat$sd2i^2 / (dat$n2i * dat$m2i^2)",
        "  dat$yi[] <- dat$yi + (rom_a1 - rom_a2) / 2",
      ]
    : [
        "# Log ratios of means without the small-sample bias correction, as Pooled computed them",
        "# (--no-correct-bias; metafor 3.8's default): metafor 5.0 and later, which correct by default,",
        "# are told not to (correct = FALSE).",
        'if (packageVersion("metafor") >= "5.0") {',
        `  dat <- escalc(measure = "ROM", ${ARM_ARGS}, correct = FALSE${ls2})`,
        "} else {",
        `  dat <- escalc(measure = "ROM", ${ARM_ARGS})`,
        ...(vtype === "LS2"
          ? [
              "  rom_a1 <- dat$sd1i^2 / (dat$n1i * dat$m1i^2)",
              "  rom_a2 <- dat$sd2i^2 / (dat$n2i * dat$m2i^2)",
            ]
          : []),
      ];
  if (vtype === "LS2")
    lines.push(
      "  # The second-order variance (--vtype LS2; Lajeunesse 2015, eq. 9): a1 + a2 + (a1^2 + a2^2)/2.",
      "  dat$vi[] <- dat$vi + (rom_a1^2 + rom_a2^2) / 2",
    );
  lines.push("}");
  return lines;
}

/**
 * escalc for SMDH with metafor 4.6's sampling variance, Pooled's (and metafor 5.1's): Bonett's
 * large-sample variance with the corrected yi plugged in (Bonett 2008, eq. 8; 2009, eq. 5). Earlier
 * versions (3.8) multiply it by c(m)^2, so the script computes it by hand from the arms there: the
 * formula is in the script, and R checks Pooled's numbers instead of repeating them. yi is the
 * same in every version.
 */
export function smdhLines(legacyVariance = false): string[] {
  if (legacyVariance)
    return [
      "# Bonett's heteroscedastic SMD (Hedges-corrected) with metafor 3.8's sampling variance, as",
      "# Pooled computed it (--legacy-smdh-variance): c(m)^2 times Bonett's large-sample variance",
      "# (Bonett 2008, eq. 8). metafor 4.6 and later leave out c(m)^2, so it is put back here:",
      "# c(m) = gamma(m/2) / (sqrt(m/2) gamma((m-1)/2)), m = n1 + n2 - 2 (Hedges 1981).",
      `dat <- escalc(measure = "SMDH", ${ARM_ARGS})`,
      'if (packageVersion("metafor") >= "4.6") {',
      "  smdh_m <- dat$n1i + dat$n2i - 2",
      "  smdh_c <- exp(lgamma(smdh_m / 2) - log(sqrt(smdh_m / 2)) - lgamma((smdh_m - 1) / 2))",
      "  dat$vi[] <- smdh_c^2 * dat$vi",
      "}",
    ];
  return [
    "# Bonett's heteroscedastic SMD (Hedges-corrected) with the sampling variance of metafor 4.6 and",
    "# later, as Pooled computed it: s = sqrt((sd1^2 + sd2^2)/2) and",
    "# vi = yi^2 (sd1^4/(n1-1) + sd2^4/(n2-1))/(8 s^4) + (sd1^2/(n1-1) + sd2^2/(n2-1))/s^2",
    "# (Bonett 2008, eq. 8; Bonett 2009, eq. 5). metafor before 4.6 (e.g. 3.8) multiplies this vi by",
    "# c(m)^2, the square of the Hedges correction, so there it is computed here from the arms.",
    `dat <- escalc(measure = "SMDH", ${ARM_ARGS})`,
    'if (packageVersion("metafor") < "4.6") {',
    "  smdh_s <- sqrt((dat$sd1i^2 + dat$sd2i^2) / 2)",
    "  dat$vi[] <- dat$yi^2 * (dat$sd1i^4 / (dat$n1i - 1) + dat$sd2i^4 / (dat$n2i - 1)) / (8 * smdh_s^4) +",
    "    (dat$sd1i^2 / (dat$n1i - 1) + dat$sd2i^2 / (dat$n2i - 1)) / smdh_s^2",
    "}",
  ];
}
