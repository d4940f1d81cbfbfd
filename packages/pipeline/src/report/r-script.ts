/**
 * analysis.R: an R script that reproduces the analysis with metafor (Viechtbauer 2010), so that a
 * reviewer or a journal can check Pooled's numbers. It runs standalone: the data are embedded as a
 * data.frame literal, shared controls are split in R (not before), and the effect sizes come from
 * metafor's escalc wherever metafor 3.8 offers the measure. At the end it prints one line
 * "POOLED-JSON {...}" with the main numbers, for a machine comparison with analysis.json.
 */
import { failureOf, SIDE_ANALYSIS } from "../analysis/failures.js";
import type { Analysis } from "../analysis/types.js";
import type { StudyTable } from "../input/types.js";
import { dependenceRJsonLines, dependenceRLines } from "./r-script-dependence.js";

/**
 * An R string literal; non-ASCII characters as \u escapes so the script is plain ASCII. R strings
 * cannot hold NUL ("nul character not allowed") and warn on a lone surrogate, so both become
 * U+FFFD, the replacement character, as a decoder would write them.
 */
export function rString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) out += "\\ufffd";
    else if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code > 0x7e)
      out +=
        code > 0xffff ? `\\U{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** An R number literal in full (round-trip) precision; NA for a missing value. */
export function rNumber(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "NA" : String(x);
}

/** A syntactic, ASCII R name for a column header ("Dose (µg)" -> "Dose_g"), unique among `taken`. */
export function rName(header: string, taken: Set<string>): string {
  let name = header
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_.]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (name === "" || /^[0-9_.]/.test(name)) name = `x${name}`;
  const reserved = new Set([
    "if",
    "else",
    "repeat",
    "while",
    "function",
    "for",
    "next",
    "break",
    "TRUE",
    "FALSE",
    "NULL",
    "Inf",
    "NaN",
    "NA",
    "in",
    "yi",
    "vi",
    "study",
  ]);
  let candidate = reserved.has(name) ? `${name}_` : name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}_${i}`;
  taken.add(candidate);
  return candidate;
}

const vec = (items: string[], perLine = 8): string => {
  if (items.length <= perLine) return `c(${items.join(", ")})`;
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine)
    lines.push(items.slice(i, i + perLine).join(", "));
  return `c(\n    ${lines.join(",\n    ")}\n  )`;
};

/** Which measures metafor 3.8's escalc computes exactly as Pooled does. */
function metaforMeasure(a: Analysis): string | null {
  const s = a.settings;
  switch (s.measure) {
    case "MD":
    case "SMDH":
      return s.measure;
    case "SMD":
      return s.vtype === "RevMan" ? null : "SMD";
    case "ROM":
      return s.correctBias ? null : "ROM";
    default:
      return null;
  }
}

/**
 * The R script reproducing the analysis.
 * @param table - the study table the analysis was run on (for the arm data and the columns)
 * @example files.push({ path: "analysis.R", content: renderRScript(analysis, table) })
 */
export function renderRScript(a: Analysis, table: StudyTable): string {
  const s = a.settings;
  const L: string[] = [];
  L.push(
    "# analysis.R: reproduces Pooled's analysis with R's metafor package (Viechtbauer 2010).",
    `# Data: ${ascii(a.source)} (${a.studies.length} studies), embedded below so the script runs on its own.`,
    "# Run:   Rscript analysis.R",
    "# Needs: metafor, and jsonlite for the comparison line printed at the end",
    "#        (and clubSandwich for the cluster-robust results, when the data name publications):",
    '#        install.packages(c("metafor", "jsonlite"))  or  apt-get install r-cran-metafor r-cran-jsonlite',
  );
  if (a.excluded.length > 0) {
    L.push("# Rows the reviewers excluded (not in the data below):");
    for (const e of a.excluded) L.push(`#   row ${e.row}, ${ascii(e.study)}: ${ascii(e.reason)}`);
  }
  for (const note of table.notes) L.push(`# Note: ${ascii(note)}`);
  L.push("", "suppressPackageStartupMessages(library(metafor))", "");

  // The data.
  // dat$cluster and dat$experiment are the analyses by publication's.
  const taken = new Set<string>(["cluster", "experiment"]);
  const columns: string[] = [
    `  study = ${vec(
      a.studies.map((x) => rString(x.study)),
      4,
    )}`,
  ];
  const measure = metaforMeasure(a);
  const num = (values: (number | null | undefined)[]) => vec(values.map(rNumber));
  if (measure !== null) {
    const rows = table.rows;
    columns.push(`  m1i = ${num(rows.map((r) => r.m1i))}`);
    columns.push(`  sd1i = ${num(rows.map((r) => r.sd1i))}`);
    columns.push(`  n1i = ${num(rows.map((r) => r.n1i))}`);
    columns.push(`  m2i = ${num(rows.map((r) => r.m2i))}`);
    columns.push(`  sd2i = ${num(rows.map((r) => r.sd2i))}`);
    columns.push(`  n2i = ${num(rows.map((r) => r.n2i))}`);
    if (s.splitSharedControls) {
      columns.push(
        `  control_group = ${vec(
          rows.map((r) => (r.controlGroup ? rString(r.controlGroup) : "NA")),
          4,
        )}`,
      );
    }
  } else {
    columns.push(`  yi = ${num(a.studies.map((x) => x.yi))}`);
    columns.push(`  vi = ${num(a.studies.map((x) => x.vi))}`);
  }
  if (s.cluster !== null) {
    columns.push(
      `  cluster = ${vec(
        a.studies.map((x) => rString(x.cluster ?? "")),
        4,
      )}`,
    );
  }
  let byName: string | null = null;
  let byLevels: string[] = [];
  const modNames: string[] = [];
  const moderators = a.regression?.moderators ?? [];
  // A categorical moderator that is also the --by column is one factor column in R.
  const shared =
    a.subgroups !== null
      ? moderators.find((m) => m.name === a.subgroups!.by && m.type === "categorical")
      : undefined;
  if (a.subgroups !== null) {
    byName = rName(a.subgroups.by, taken);
    byLevels = a.subgroups.groups.map((g) => g.level);
    if (shared === undefined) {
      const values = new Array<string>(a.studies.length);
      for (const g of a.subgroups.groups) for (const i of g.indices) values[i] = g.level;
      columns.push(`  ${byName} = ${vec(values.map(rString), 6)}`);
    }
  }
  for (const m of moderators) {
    if (m === shared) {
      modNames.push(byName!);
      columns.push(
        `  ${byName} = factor(${vec((m.values as string[]).map(rString), 6)}, levels = ${vec(m.levels!.map(rString), 6)})`,
      );
      continue;
    }
    const name = rName(m.name, taken);
    modNames.push(name);
    if (m.type === "continuous") columns.push(`  ${name} = ${num(m.values as number[])}`);
    else {
      columns.push(
        `  ${name} = factor(${vec((m.values as string[]).map(rString), 6)}, levels = ${vec(m.levels!.map(rString), 6)})`,
      );
    }
  }
  L.push("dat <- data.frame(", `${columns.join(",\n")},`, "  stringsAsFactors = FALSE", ")");
  for (const [header, name] of renamed(a, byName, modNames))
    L.push(`# column "${ascii(header)}" of the data file is ${name} here`);
  L.push("");

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
  if (measure !== null) {
    const vtype = s.measure === "SMD" && s.vtype === "UB" ? ', vtype = "UB"' : "";
    L.push(
      `dat <- escalc(measure = "${measure}", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i,`,
      `              data = dat${vtype}, slab = study)`,
    );
  } else {
    L.push(
      `# metafor 3.8 does not compute this measure (${s.measure}${s.measure === "SMD" ? `, vtype ${s.vtype}` : ""}${s.measure === "ROM" ? ", bias-corrected" : ""}):`,
      "# the effect sizes and sampling variances above are Pooled's.",
    );
  }
  const fit = `method = "${s.method}", test = "${s.test}", level = ${s.level}, control = ctl`;
  L.push(
    "",
    "# Main model. A tight convergence threshold, as Pooled iterates to 1e-10.",
    "ctl <- list(threshold = 1e-10, maxiter = 1000)",
    `res <- rma(yi, vi, data = dat, ${fit}, slab = study)`,
    "print(res)",
    `pred <- predict(res)`,
    "print(pred)",
  );

  if (byName !== null) {
    L.push(
      "",
      `# Subgroups by ${ascii(a.subgroups!.by)}: one model per level (own tau2), then the test for differences`,
      "# with a separate tau2 (fixed-effect meta-analysis of the subgroup estimates) and a common tau2.",
      `by_levels <- ${vec(byLevels.map(rString), 6)}`,
      "sub <- lapply(by_levels, function(level) {",
      `  one <- sum(dat$${byName} == level) == 1`,
      `  rma(yi, vi, data = dat, subset = ${byName} == level, method = "${s.method}",`,
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
    );
  }
  if (modNames.length > 0) {
    L.push(
      "",
      "# Meta-regression: categorical moderators are factors whose first level is the reference.",
      `reg <- rma(yi, vi, mods = ~ ${modNames.join(" + ")}, data = dat, ${fit})`,
      "print(reg)",
    );
  }
  const dependence = { byName, modNames, clusterHeader: ascii(s.cluster ?? "") };
  L.push(...dependenceRLines(a, dependence));
  if (a.permutation !== null) {
    const exact = a.permutation.requested === "exact";
    const iter = exact ? "exact = TRUE" : `iter = ${a.permutation.requested}`;
    L.push(
      "",
      "# Permutation tests (Higgins & Thompson 2004). Exact tests match Pooled's; random ones differ within",
      "# Monte Carlo error, as R and Pooled draw different random arrangements.",
      `set.seed(${a.permutation.seed})`,
      `print(permutest(res, ${iter}, progbar = FALSE))`,
    );
    if (modNames.length > 0) L.push(`print(permutest(reg, ${iter}, progbar = FALSE))`);
  }
  // Only what Pooled computed: a test it could not compute (e.g. Egger's when every study has the
  // same variance) would stop the script with metafor's error, so it is left out with the reason.
  const bias = a.bias;
  const sensitivity = {
    egger: bias?.egger != null,
    begg: bias?.begg != null,
    trimFill: bias?.trimFill != null,
    leaveOneOut: a.leaveOneOut !== null,
  };
  if (bias !== null || a.model.k >= 3) {
    L.push("", "# Small-study effects and leave-one-out, with metafor's defaults.");
    const step = (done: boolean, what: string, lines: string[]) => {
      if (done) L.push(...lines);
      else L.push(`# ${what}: not run, as Pooled did not compute it (${skippedWhy(a, what)}).`);
    };
    step(sensitivity.egger, SIDE_ANALYSIS.egger, ["eg <- regtest(res)", "print(eg)"]);
    step(sensitivity.begg, SIDE_ANALYSIS.begg, ["rk <- ranktest(res)", "print(rk)"]);
    step(sensitivity.trimFill, SIDE_ANALYSIS.trimFill, ["tf <- trimfill(res)", "print(tf)"]);
    step(sensitivity.leaveOneOut, SIDE_ANALYSIS.leaveOneOut, ["l1 <- leave1out(res)", "print(l1)"]);
  }

  // The comparison line.
  L.push(
    "",
    "# One line of JSON with the main numbers, to compare with Pooled's analysis.json.",
    'if (requireNamespace("jsonlite", quietly = TRUE)) {',
    "  n <- function(x) unname(as.vector(x))",
    "  out <- list(",
    "    studies = list(study = dat$study, yi = n(dat$yi), vi = n(dat$vi), weight = n(weights(res))),",
    "    model = list(k = res$k, estimate = n(res$b), se = n(res$se), ciLower = n(res$ci.lb),",
    "                 ciUpper = n(res$ci.ub), p = n(res$pval), tau2 = n(res$tau2), I2 = n(res$I2),",
    "                 H2 = n(res$H2), Q = n(res$QE), Qp = n(res$QEp), piLower = n(pred$pi.lb),",
    "                 piUpper = n(pred$pi.ub))",
    "  )",
  );
  if (byName !== null) {
    L.push(
      "  out$subgroups <- list(",
      "    groups = lapply(sub, function(r) list(k = r$k, estimate = n(r$b), se = n(r$se), tau2 = n(r$tau2))),",
      '    tests = list(list(type = "separate-tau2", Q = n(separate$QE), df = separate$k - 1, p = n(separate$QEp)),',
      '                 list(type = "common-tau2", Q = n(common$QM), df = n(common$QMdf[1]), p = n(common$QMp)))',
      "  )",
    );
  }
  if (modNames.length > 0) {
    L.push(
      "  out$regression <- list(estimate = n(reg$b), se = n(reg$se), p = n(reg$pval), QM = n(reg$QM),",
      "                         QMp = n(reg$QMp), tau2 = n(reg$tau2), R2 = n(reg$R2), QE = n(reg$QE))",
    );
  }
  const biasJson = [
    sensitivity.egger
      ? "egger = list(z = n(eg$zval), p = n(eg$pval), limitEstimate = n(eg$est))"
      : null,
    sensitivity.begg ? "begg = list(tau = n(rk$tau), p = n(rk$pval))" : null,
    sensitivity.trimFill
      ? "trimFill = list(k0 = n(tf$k0), side = tf$side, estimate = n(tf$b))"
      : null,
  ].filter((x) => x !== null);
  if (biasJson.length > 0) L.push(`  out$bias <- list(${biasJson.join(",\n                   ")})`);
  if (sensitivity.leaveOneOut)
    L.push("  out$leaveOneOut <- list(estimate = n(l1$estimate), tau2 = n(l1$tau2))");
  L.push(...dependenceRJsonLines(a, dependence));
  L.push(
    '  cat("POOLED-JSON ", jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null"), "\\n", sep = "")',
    "}",
    "",
  );
  return L.join("\n");
}

function renamed(a: Analysis, byName: string | null, modNames: string[]): [string, string][] {
  const out: [string, string][] = [];
  if (byName !== null && byName !== a.subgroups!.by) out.push([a.subgroups!.by, byName]);
  (a.regression?.moderators ?? []).forEach((m, j) => {
    if (modNames[j] !== m.name) out.push([m.name, modNames[j]!]);
  });
  return out;
}

/** Text for an R comment: ASCII only, one line. */
function ascii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/\s+/g, " ");
}

/** Why Pooled has no result for `what` (a side analysis named as in its warnings), for a comment. */
function skippedWhy(a: Analysis, what: string): string {
  const failure = failureOf(a.warnings, what);
  if (failure !== null) return ascii(failure.slice(`${what} could not be computed: `.length));
  if (a.model.k < 3) return `only ${a.model.k} studies`;
  return "see the Warnings of the report";
}
