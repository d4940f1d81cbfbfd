/**
 * analysis.R: an R script that reproduces the analysis with metafor (Viechtbauer 2010), so that a
 * reviewer or a journal can check Pooled's numbers. It runs standalone: the data are embedded as a
 * data.frame literal, shared controls are split in R (not before), and the effect sizes come from
 * metafor's escalc wherever metafor 3.8 offers the measure. At the end it prints one line
 * "POOLED-JSON {...}" with the main numbers, for a machine comparison with analysis.json.
 */
import { analysisColumn, clusterColumn } from "../analysis/columns.js";
import { failureOf, SIDE_ANALYSIS } from "../analysis/failures.js";
import { type Analysis, TABLE_METHODS } from "../analysis/types.js";
import {
  CORRELATION_MEASURES,
  type InputMeasure,
  type StudyRow,
  type StudyTable,
  TABLE_MEASURES,
} from "../input/types.js";
import { dependenceRJsonLines, dependenceRLines } from "./r-script-dependence.js";
import {
  biasMethodSteps,
  bootstrapLines,
  goshLines,
  influenceStep,
  type MethodsRContext,
  methodsRJsonLines,
  modelIntervalLines,
  regressionMethodLines,
  romLines,
  smdhLines,
  subgroupIntervalLines,
  trimfillCall,
} from "./r-script-methods.js";

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

/**
 * Which measures metafor's escalc (3.8 and 5.x) computes as Pooled does. ROM and SMDH changed
 * definitions after 3.8 (the correction of ROM, the variance of SMDH): their escalc calls say
 * which one, and the script completes them by hand on the versions without it (romLines, smdhLines).
 */
function metaforMeasure(a: Analysis): string | null {
  const s = a.settings;
  switch (s.measure) {
    case "MD":
    case "SMDH":
    case "ROM":
      return s.measure;
    case "SMD":
      return s.vtype === "RevMan" ? null : "SMD";
    case "OR":
    case "RR":
    case "RD":
    case "PETO":
    case "ZCOR":
    case "COR":
      return s.measure;
    default:
      return null;
  }
}

/** What the effect sizes of 2×2 tables and correlations are called in the script's comments. */
const MEASURE_NAME: Partial<Record<string, string>> = {
  OR: "log odds ratios",
  RR: "log risk ratios",
  RD: "risk differences",
  PETO: "Peto's log odds ratios",
  ZCOR: "Fisher's z-transformed correlations",
  COR: "correlation coefficients",
};

/** What a back-transformed estimate is (metafor's transf), by measure. */
const TRANSFORMED_NAME: Partial<Record<string, string>> = {
  OR: "odds ratios",
  RR: "risk ratios",
  PETO: "odds ratios",
  ROM: "ratios of means",
  ZCOR: "correlations",
};

/**
 * One arm of the 2×2 tables: the events and, as the file gives them, the non-events or the arm
 * size (metafor's escalc, rma.mh and rma.peto take either). A file that gives the non-events in
 * some rows and the arm size in others has both embedded, and the non-events filled in in R.
 */
function armColumns(
  rows: readonly StudyRow[],
  events: "ai" | "ci",
  nonEvents: "bi" | "di",
  total: "n1i" | "n2i",
): { columns: ("bi" | "di" | "n1i" | "n2i")[]; arg: string; fill: string | null } {
  if (rows.every((r) => r[nonEvents] !== undefined))
    return { columns: [nonEvents], arg: nonEvents, fill: null };
  if (rows.every((r) => r[total] !== undefined))
    return { columns: [total], arg: total, fill: null };
  return {
    columns: [nonEvents, total],
    arg: nonEvents,
    fill: `dat$${nonEvents} <- ifelse(is.na(dat$${nonEvents}), dat$${total} - dat$${events}, dat$${nonEvents})`,
  };
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
  const measure = metaforMeasure(a);
  const tables = TABLE_MEASURES.includes(s.measure as InputMeasure);
  const correlations = CORRELATION_MEASURES.includes(s.measure as InputMeasure);
  const tableMethod = TABLE_METHODS.includes(s.method);
  // Mantel-Haenszel and Peto pool the tables; everything else is fitted on the inverse-variance
  // fixed-effect model of the same study effects (res_fe), as Pooled does.
  const fitVar = tableMethod ? "res_fe" : "res";
  const ivMethod = tableMethod ? "FE" : s.method;
  // The rows of dat: one per study, or for 2×2 tables one per table, tables that the study effects
  // leave out (--drop00) included, as rma.mh and rma.peto pool them. atRow[j] is the study of row j.
  const dataRows: { study: string; row: number }[] =
    tables && table.rows.length !== a.studies.length
      ? table.rows.map((r) => ({ study: r.study, row: r.row }))
      : a.studies.map((x) => ({ study: x.study, row: x.row }));
  const studyOfRow = new Map(a.studies.map((x, i) => [x.row, i]));
  const atRow = dataRows.map((r) => studyOfRow.get(r.row) ?? null);
  const omitted = dataRows.filter((_, j) => atRow[j] === null);
  /**
   * Study-aligned R literals on the rows of dat. A table without a study effect takes its value
   * from the file's column (`all`, one per table): Mantel-Haenszel and Peto pool it in its
   * subgroup; the other analyses leave it out.
   */
  const perRow = (values: readonly string[], all: readonly string[] | null = null) =>
    atRow.map((i, j) => (i === null ? (all?.[j] ?? "NA") : values[i]!));
  /** A column of the file over every table, as R literals; null when no table was left out. */
  const fullColumn = (name: string, role: "by" | "mods"): string[] | null => {
    if (omitted.length === 0) return null;
    const column = analysisColumn(table, name, role, []);
    if (column === null) return null;
    return column.type === "continuous"
      ? column.values.map(rNumber)
      : column.values.map((v) => rString(String(v)));
  };
  const columns: string[] = [
    `  study = ${vec(
      dataRows.map((x) => rString(x.study)),
      4,
    )}`,
  ];
  const num = (values: (number | null | undefined)[]) => vec(values.map(rNumber));
  const cellArgs: string[] = [];
  const fills: string[] = [];
  const predictor = s.eggerPredictor;
  // Egger's test on sample size needs each study's total n: escalc's ni, or given here.
  const embedNi =
    measure === null &&
    (predictor === "ninv" || predictor === "sqrtninv") &&
    a.studies.every((x) => x.n1 !== null);
  if (tables) {
    const rows = table.rows;
    const arm1 = armColumns(rows, "ai", "bi", "n1i");
    const arm2 = armColumns(rows, "ci", "di", "n2i");
    for (const [events, arm] of [
      ["ai", arm1],
      ["ci", arm2],
    ] as const) {
      for (const field of [events, ...arm.columns]) {
        taken.add(field);
        columns.push(`  ${field} = ${num(rows.map((r) => r[field]))}`);
      }
      cellArgs.push(`${events} = ${events}`, `${arm.arg} = ${arm.arg}`);
      if (arm.fill !== null) fills.push(arm.fill);
    }
  } else if (correlations) {
    for (const field of ["ri", "ni"] as const) {
      taken.add(field);
      columns.push(`  ${field} = ${num(table.rows.map((r) => r[field]))}`);
    }
  } else if (measure !== null) {
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
    if (embedNi) {
      taken.add("ni");
      columns.push(`  ni = ${num(a.studies.map((x) => x.n1! + (x.n2 ?? 0)))}`);
    }
  }
  if (s.cluster !== null) {
    columns.push(
      `  cluster = ${vec(
        perRow(
          a.studies.map((x) => rString(x.cluster ?? "")),
          omitted.length === 0
            ? null
            : (clusterColumn(table, s.cluster, [])?.values.map(rString) ?? null),
        ),
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
      columns.push(
        `  ${byName} = ${vec(perRow(values.map(rString), fullColumn(a.subgroups.by, "by")), 6)}`,
      );
    }
  }
  for (const m of moderators) {
    if (m === shared) {
      modNames.push(byName!);
      columns.push(
        `  ${byName} = factor(${vec(perRow((m.values as string[]).map(rString), fullColumn(m.name, "by")), 6)}, levels = ${vec(m.levels!.map(rString), 6)})`,
      );
      continue;
    }
    const name = rName(m.name, taken);
    modNames.push(name);
    const all = fullColumn(m.name, "mods");
    if (m.type === "continuous")
      columns.push(`  ${name} = ${vec(perRow((m.values as number[]).map(rNumber), all))}`);
    else {
      columns.push(
        `  ${name} = factor(${vec(perRow((m.values as string[]).map(rString), all), 6)}, levels = ${vec(m.levels!.map(rString), 6)})`,
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
  // Tables without a study effect (--drop00) leave dat once the tables are pooled.
  const dropOmitted =
    omitted.length === 0
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
  const fit = `method = "${ivMethod}", test = "${s.test}", level = ${s.level}, control = ctl`;
  // The call of Mantel-Haenszel or Peto on the tables, up to its data argument.
  const tableCall =
    s.method === "MH"
      ? `rma.mh(${cellArgs.join(", ")}, measure = "${s.measure}"`
      : `rma.peto(${cellArgs.join(", ")}`;
  const tableZeroCells = [
    `add = c(${rNumber(s.add)}, 0)`,
    `to = c(${rString(s.to ?? "only0")}, "none")`,
    `drop00 = c(${s.drop00 ? "TRUE" : "FALSE"}, FALSE)`,
  ].join(", ");
  const transf =
    a.model.scale === "log" ? "exp" : a.model.scale === "fisher-z" ? "transf.ztor" : null;
  /** predict(model, transf = exp or transf.ztor) as `into`, printed; nothing on the identity scale. */
  const printTransformed = (model: string, into: string) =>
    transf === null
      ? []
      : [
          `# The same as ${TRANSFORMED_NAME[s.measure] ?? "on the measure's scale"} (transf = ${transf}).`,
          `${into} <- predict(${model}, transf = ${transf})`,
          `print(${into})`,
        ];
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
  const methods: MethodsRContext = { model: fitVar, modNames, fit, printTransformed };

  if (byName !== null && tableMethod) {
    const data = omitted.length > 0 ? "dat_all" : "dat";
    L.push(
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
    );
  } else if (byName !== null) {
    L.push(
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
    );
  }
  if (modNames.length > 0) {
    L.push(
      "",
      "# Meta-regression: categorical moderators are factors whose first level is the reference.",
      `reg <- rma(yi, vi, mods = ~ ${modNames.join(" + ")}, data = dat, ${fit})`,
      "print(reg)",
      ...regressionMethodLines(a, methods),
    );
  }
  const dependence = { byName, modNames, clusterHeader: ascii(s.cluster ?? ""), model: fitVar };
  L.push(...dependenceRLines(a, dependence));
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
  L.push(...bootstrapLines(a, methods));
  L.push(...goshLines(a, methods));
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
  }

  // The comparison line.
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

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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
