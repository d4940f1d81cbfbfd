/**
 * analysis.R: the script text has the right escalc and rma calls; and, where Rscript is installed,
 * running it reproduces the Analysis numbers (metafor against Pooled, through the script's
 * "POOLED-JSON" line). Without Rscript that one test is skipped and says why.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { analyze, analyzeAsync } from "../../src/analysis/index.js";
import type { Analysis } from "../../src/analysis/types.js";
import { parseStudyText, type StudyTable } from "../../src/input/index.js";
import { renderRScript, rName, rString } from "../../src/report/r-script.js";
import { exampleTable, expectAllClose, expectClose } from "../support/analysis-helpers.js";
import { repoUrl } from "../support/repo.js";

const bbb = exampleTable();
/** The script with line breaks inside vectors removed, for matching data literals. */
const flat = (script: string) => script.replace(/\(\s+/g, "(").replace(/\s+/g, " ");
const il1b = exampleTable("sci-exosomes-il1b.simulated.csv");

/** A study table from CSV text, parsed as the CLI parses a file. */
function csvTable(text: string, name: string): StudyTable {
  const result = parseStudyText(text, name);
  expect(result.problems).toEqual([]);
  return result.table!;
}
/** The bundled mortality example: deaths and animals per arm (ai, n1i, ci, n2i), publications, years. */
const mortality = csvTable(
  readFileSync(repoUrl("examples/sci-exosomes-mortality.simulated.csv"), "utf8"),
  "sci-exosomes-mortality.simulated.csv",
);
/** metadat's dat.bcg as the four cells of each 2×2 table (tpos, tneg, cpos, cneg), with ablat and alloc. */
const bcg = csvTable(
  `study,ai,bi,ci,di,ablat,alloc
Aronson 1948,4,119,11,128,44,random
Ferguson & Simes 1949,6,300,29,274,55,random
Rosenthal et al 1960,3,228,11,209,42,random
Hart & Sutherland 1977,62,13536,248,12619,52,random
Frimodt-Moller et al 1973,33,5036,47,5761,13,alternate
Stein & Aronson 1953,180,1361,372,1079,44,alternate
Vandiviere et al 1973,8,2537,10,619,19,random
TPT Madras 1980,505,87886,499,87892,13,random
Coetzee & Berjak 1968,29,7470,45,7232,27,random
Rosenthal et al 1961,17,1699,65,1600,42,systematic
Comstock et al 1974,186,50448,141,27197,18,systematic
Comstock & Webster 1969,5,2493,3,2338,33,systematic
Comstock et al 1976,27,16886,29,17825,33,systematic
`,
  "bcg.csv",
);
/** metadat's dat.molloy2014: correlations of conscientiousness with medication adherence (ri, ni). */
const molloy = csvTable(
  `study,ri,ni
Axelsson et al. 2009,0.187,109
Axelsson et al. 2011,0.162,749
Bruce et al. 2010,0.34,55
Christensen et al. 1999,0.32,107
Christensen & Smith 1995,0.27,72
Cohen et al. 2004,0,65
Dobbels et al. 2005,0.175,174
Ediger et al. 2007,0.05,326
Insel et al. 2006,0.26,58
Jerant et al. 2011,0.01,771
Moran et al. 1997,-0.09,56
O'Cleirigh et al. 2007,0.37,91
Penedo et al. 2003,0,116
Quine et al. 2012,0.15,537
Stilley et al. 2004,0.24,158
Wiebe & Christensen 1997,0.04,65
`,
  "molloy2014.csv",
);

describe("the script text", () => {
  test("MD with shared controls, subgroups and moderators: data embedded, split in R, escalc and rma calls", () => {
    const a = analyze(bbb, { by: "dose", mods: ["dose", "year"], test: "knha" });
    const script = renderRScript(a, bbb);
    expect(script).toContain("library(metafor)");
    expect(script).toContain("dat <- data.frame(");
    expect(script).toContain(
      'escalc(measure = "MD", m1i = m1i, sd1i = sd1i, n1i = n1i, m2i = m2i, sd2i = sd2i, n2i = n2i',
    );
    expect(script).toContain(
      'res <- rma(yi, vi, data = dat, method = "REML", test = "knha", level = 95, control = ctl, slab = study)',
    );
    expect(script).toContain(
      "dat$n2i[shared] <- dat$n2i[shared] / as.numeric(n_sharing[dat$control_group[shared]])",
    );
    expect(script).toContain(
      'reg <- rma(yi, vi, mods = ~ dose + year, data = dat, method = "REML", test = "knha"',
    );
    // Categorical moderators keep Pooled's reference level, whatever R's locale sorts first.
    expect(script).toContain(
      'levels = c("100 \\u00b5g", "120 \\u00b5g", "200 \\u00b5g", "not reported")',
    );
    expect(script).toContain('separate <- rma(sub_est, sei = sub_se, method = "FE")');
    expect(script).toContain("regtest(res)");
    expect(script).toContain("trimfill(res)");
    // Excluded rows are listed, the original (unsplit) control n is embedded.
    expect(script).toMatch(/# Rows the reviewers excluded[^\n]*\n# {3}row \d+/);
    expect(flat(script)).toContain(
      `n2i = c(${bbb.rows
        .slice(0, 8)
        .map((r) => r.n2i)
        .join(", ")}`,
    );
    // Plain ASCII, so any R locale reads it.
    const nonAscii = [...script].filter(
      (ch) => ch !== "\n" && ch !== "\t" && (ch < " " || ch > "~"),
    );
    expect(nonAscii).toEqual([]);
  });

  test("permutation tests are reproduced with permutest", async () => {
    const a = await analyzeAsync(bbb, { mods: ["year"], permutations: 500, seed: 9 });
    const script = renderRScript(a, bbb);
    expect(script).toContain("set.seed(9)");
    expect(script).toContain("print(permutest(res, iter = 500, progbar = FALSE))");
    expect(script).toContain("print(permutest(reg, iter = 500, progbar = FALSE))");
  });

  test("SMD with vtype UB, FE model", () => {
    const a = analyze(il1b, { measure: "SMD", vtype: "UB", method: "FE" });
    const script = renderRScript(a, il1b);
    expect(script).toContain('escalc(measure = "SMD"');
    expect(script).toContain('vtype = "UB"');
    expect(script).toContain('method = "FE", test = "z"');
    expect(script).not.toContain("control_group");
  });

  test("measures metafor 3.8 lacks (NMD) embed Pooled's yi and vi and say so", () => {
    const a = analyze(bbb, { measure: "NMD" });
    const script = renderRScript(a, bbb);
    expect(script).not.toContain("escalc(");
    expect(script).toContain("metafor 3.8 does not compute this measure (NMD)");
    expect(flat(script)).toContain(
      `yi = c(${a.studies
        .slice(0, 8)
        .map((s) => String(s.yi))
        .join(", ")}`,
    );
  });

  test("2x2 tables, Mantel-Haenszel: escalc with explicit zero-cell rules, rma.mh, the fixed-effect companion for the rest", () => {
    const a = analyze(mortality, { measure: "OR", method: "MH", by: "route", mods: ["year"] });
    const script = renderRScript(a, mortality);
    expect(script).toContain(
      'dat <- escalc(measure = "OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat,\n              add = 0.5, to = "only0", drop00 = TRUE, slab = study)',
    );
    expect(script).toContain(
      'res <- rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = "OR", data = dat,\n              add = c(0.5, 0), to = c("only0", "none"), drop00 = c(TRUE, FALSE), level = 95, slab = study)',
    );
    expect(script).toContain("pred_t <- predict(res, transf = exp)");
    // The double-zero table: in the data for rma.mh, out of the study effects afterwards.
    expect(a.studies).toHaveLength(mortality.rows.length - 1);
    expect(script).toMatch(/# Left out of the study effects[^\n]*row 24 \(Silva 2016/);
    expect(script).toContain("res_weights <- weights(res)[!is.na(dat$yi)]");
    expect(script.indexOf("dat <- dat[!is.na(dat$yi), ]")).toBeGreaterThan(
      script.indexOf("res <- rma.mh("),
    );
    expect(script).toContain(
      'res_fe <- rma(yi, vi, data = dat, method = "FE", test = "z", level = 95, control = ctl, slab = study)',
    );
    // Subgroups by Mantel-Haenszel on every table of the level (the double zero too), with the
    // test for subgroup differences only; every other analysis on the fixed-effect companion.
    expect(script).toContain("dat_all <- dat\ndat <- dat[!is.na(dat$yi), ]");
    expect(script).toContain(
      'rma.mh(ai = ai, n1i = n1i, ci = ci, n2i = n2i, measure = "OR", data = dat_all, subset = route == level,',
    );
    expect(script).not.toContain("common <-");
    // The double zero (Silva 2016, 120 µg) keeps its route, for its subgroup's Mantel-Haenszel.
    expect(flat(script)).toContain('"local", "intravenous", "intravenous", "intravenous" )');
    expect(script).toContain('reg <- rma(yi, vi, mods = ~ year, data = dat, method = "FE"');
    for (const call of ["regtest", "ranktest", "trimfill", "leave1out"])
      expect(script).toContain(`${call}(res_fe)`);
    expect(script).toContain('res_cr2 <- cr2(res_fe, "Standard model")');
    expect(script).not.toMatch(/(regtest|ranktest|trimfill|leave1out|cr2)\(res\b/);
    expect(script).toContain("out$model$tableTests");
  });

  test("Peto's method with Peters' test; given cells; mixed arm sizes and non-events", () => {
    const a = analyze(mortality, { method: "PETO", eggerPredictor: "ninv", drop00: false });
    const script = renderRScript(a, mortality);
    expect(script).toContain('escalc(measure = "PETO"');
    expect(script).toContain("drop00 = FALSE, slab = study)");
    expect(script).toContain(
      'res <- rma.peto(ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat,\n              add = c(0.5, 0), to = c("only0", "none"), drop00 = c(FALSE, FALSE), level = 95, slab = study)',
    );
    expect(script).toContain('eg <- regtest(res_fe, predictor = "ninv")');
    expect(script).not.toContain("dat[!is.na(dat$yi), ]");
    expect(script).toContain("res_weights <- weights(res)\n");

    const cells = renderRScript(analyze(bcg, { measure: "RR", to: "all", add: 1 }), bcg);
    expect(cells).toContain(
      'escalc(measure = "RR", ai = ai, bi = bi, ci = ci, di = di, data = dat,\n              add = 1, to = "all", drop00 = FALSE',
    );
    expect(cells).toContain('res <- rma(yi, vi, data = dat, method = "REML"');
    expect(cells).not.toContain("rma.mh");

    const mixed = csvTable(
      "study,ai,bi,n1i,ci,n2i\nA,2,8,,3,10\nB,1,,12,4,11\nC,5,9,,2,12\n",
      "mixed.csv",
    );
    const m = renderRScript(analyze(mixed, { measure: "OR" }), mixed);
    expect(m).toContain("dat$bi <- ifelse(is.na(dat$bi), dat$n1i - dat$ai, dat$bi)");
    expect(m).toContain('escalc(measure = "OR", ai = ai, bi = bi, ci = ci, n2i = n2i, data = dat,');
  });

  test("correlations: escalc ZCOR from ri and ni, results back as correlations", () => {
    const a = analyze(molloy, { measure: "ZCOR" });
    const script = renderRScript(a, molloy);
    expect(script).toContain(
      'dat <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat, slab = study)',
    );
    expect(script).toContain("pred_t <- predict(res, transf = transf.ztor)");
    expect(script).toContain("tf_t <- predict(tf, transf = transf.ztor)");
    expect(script).not.toContain("add = ");
    const cor = renderRScript(analyze(molloy, { measure: "COR" }), molloy);
    expect(cor).toContain('escalc(measure = "COR", ri = ri, ni = ni');
    expect(cor).not.toContain("transf");
  });

  test("experiments in publications: rma.mv with cluster/experiment, clubSandwich's CR2 and HTZ, in tryCatch", () => {
    const a = analyze(bbb, { model: "three-level", by: "dose", mods: ["year"], test: "knha" });
    const script = renderRScript(a, bbb);
    expect(flat(script)).toContain('cluster = c("Zhang 2019", "Zhang 2019", "Li 2024"');
    expect(script).toContain(
      'ml <- tryCatch(rma.mv(yi, vi, random = ~ 1 | cluster/experiment, sigma2 = ml_s2, data = dat, method = "REML", test = "t", level = 95, control = mlctl, slab = study),',
    );
    expect(script).toContain(
      'clubSandwich::coef_test(fit, vcov = "CR2", cluster = dat$cluster, test = "Satterthwaite")',
    );
    expect(script).toContain('res_cr2 <- cr2(res, "Standard model")');
    expect(script).toContain("confint(ml, sigma2 = j");
    expect(script).toContain(
      "anova(ml, rma.mv(yi, vi, random = ~ 1 | cluster/experiment, sigma2 = s2",
    );
    expect(script).toContain(
      "ml_common <- tryCatch(rma.mv(yi, vi, mods = ~ factor(dose, levels = by_levels)",
    );
    expect(script).toContain(
      "ml_reg <- rma.mv(yi, vi, mods = ~ year, random = ~ 1 | cluster/experiment,",
    );
    expect(script).toContain('test = "HTZ"');
    // Without a publication column there is none of it.
    const plain = renderRScript(analyze(il1b, { measure: "SMD", cluster: "study" }), il1b);
    expect(plain).toContain("res_cr2");
    expect(plain).not.toContain("rma.mv");
  });

  test("further methods: Q-profile CIs, PET-PEESE, fail-safe N, influence, trim-and-fill's options", () => {
    const a = analyze(bbb, {
      by: "dose",
      mods: ["year"],
      trimfillEstimator: "R0",
      trimfillSide: "left",
    });
    const script = renderRScript(a, bbb);
    expect(script).toContain(
      'res_ci <- confint(res, level = 95, type = "QP", control = list(tol = 1e-12))',
    );
    expect(script).toContain("sub_ci <- lapply(sub, function(r)");
    expect(script).toContain(
      'reg_ci <- confint(reg, level = 95, type = "QP", control = list(tol = 1e-12))',
    );
    expect(script).toContain('tf <- trimfill(res, estimator = "R0", side = "left")');
    expect(script).toContain("pet <- lm(yi ~ sqrt(vi), weights = 1 / vi, data = dat)");
    expect(script).toContain("peese <- lm(yi ~ vi, weights = 1 / vi, data = dat)");
    expect(script).toContain('pp_chosen <- if (pp["PET", "p"] < 0.1) "PEESE" else "PET"');
    expect(script).toContain(
      'fsn_orwin <- fsn(yi, vi, data = dat, type = "Orwin", weighted = TRUE)',
    );
    expect(script).toContain("infl <- influence(res)");
    for (const field of ["intervals", "petPeese", "failSafeN", "influence"])
      expect(script).toContain(`$${field} <- `);
    // metafor's defaults are not spelled out (the script of a default analysis is unchanged).
    expect(renderRScript(analyze(bbb), bbb)).toContain("tf <- trimfill(res)\n");
    // A model without tau² has no Q-profile CIs.
    const fe = renderRScript(analyze(bbb, { method: "FE", by: "dose" }), bbb);
    expect(fe).not.toContain("res_ci");
    expect(fe).not.toContain("sub_ci");
    expect(fe).toContain("infl <- influence(res)");
  });

  test("predictions at moderator values: newmods in the model's coefficient order, dummies against the first level", () => {
    const a = analyze(bbb, {
      mods: ["dose", "year"],
      predict: [
        { dose: "200 µg", year: 2018 },
        { year: 2020, dose: "100 µg" },
      ],
    });
    const script = renderRScript(a, bbb);
    expect(script).toContain("newmods <- rbind(\n  c(0, 1, 0, 2018),");
    expect(script).toContain("  c(0, 0, 0, 2020)  # year = 2020, dose = 100 ?g\n)");
    expect(script).toContain("pr <- predict(reg, newmods = newmods)");
    expect(script).toContain("out$predictions <- list(");
    // A point that is not one of the model's is said, not run.
    a.settings.predict = [{ dose: "300 µg", year: 2018 }];
    const bad = renderRScript(a, bbb);
    expect(bad).toContain("# Predictions at the moderator values asked for: not run");
    expect(bad).toContain("(dose has no level 300 ?g)");
    expect(bad).not.toContain("predict(reg");
    expect(bad).not.toContain("out$predictions");
  });

  test("SMD with vtype RevMan (not in metafor) embeds Pooled's yi and vi and says so; MD with vtype UB", () => {
    const a = analyze(il1b, { measure: "SMD", vtype: "RevMan" });
    const script = renderRScript(a, il1b);
    expect(script).not.toContain("escalc(");
    expect(script).toContain("# metafor (3.8 or 5.x) has no RevMan variant of the SMD");
    expect(script).toContain("# the effect sizes and sampling variances above are Pooled's.");
    expect(flat(script)).toContain(`yi = c(${a.studies[0]!.yi}, ${a.studies[1]!.yi}`);
    const md = renderRScript(analyze(bbb, { vtype: "UB" }), bbb);
    expect(md).toContain('data = dat, vtype = "UB", slab = study)');
  });

  test("ROM, bias-corrected by default: escalc's correction in metafor 5, the same added by hand before", () => {
    const script = renderRScript(analyze(bbb, { measure: "ROM" }), bbb);
    expect(script).toContain('if (packageVersion("metafor") >= "5.0") {');
    expect(script).toContain("data = dat, slab = study, correct = TRUE)");
    expect(script).toContain("dat$yi[] <- dat$yi + (rom_a1 - rom_a2) / 2");
    // The correction moves yi only: the variance stays escalc's vtype LS in every version.
    expect(script).not.toContain("vtype =");
    expect(script).not.toContain("dat$vi[]");
    expect(script).not.toContain("correct = FALSE");
    const plain = renderRScript(analyze(bbb, { measure: "ROM", correctBias: false }), bbb);
    expect(plain).toContain("data = dat, slab = study, correct = FALSE)");
    expect(plain).not.toContain("rom_a1");
  });

  test("SMDH: metafor 4.6's variance from escalc, computed from the arms on earlier versions", () => {
    const script = renderRScript(analyze(il1b, { measure: "SMDH" }), il1b);
    expect(script).toContain('dat <- escalc(measure = "SMDH", m1i = m1i,');
    expect(script).toContain('if (packageVersion("metafor") < "4.6") {');
    expect(script).toContain("smdh_s <- sqrt((dat$sd1i^2 + dat$sd2i^2) / 2)");
    expect(script).toContain(
      "dat$vi[] <- dat$yi^2 * (dat$sd1i^4 / (dat$n1i - 1) + dat$sd2i^4 / (dat$n2i - 1)) / (8 * smdh_s^4) +",
    );
    // Computed, not embedded: no literal yi or vi column.
    expect(flat(script)).not.toMatch(/\bvi = c\(/);
  });

  test("a parametric bootstrap is explained (boot with simulate()), not reproduced", async () => {
    const a = await analyzeAsync(bbb, { bootstrap: 50, bootstrapType: "parametric", seed: 4 });
    const script = renderRScript(a, bbb);
    const start = script.indexOf("# Parametric bootstrap:");
    expect(start).toBeGreaterThan(0);
    const block = script.slice(start, script.indexOf("\n\n", start)).split("\n");
    expect(block.every((line) => line.startsWith("#"))).toBe(true);
    expect(block.join("\n")).toContain("simulate(fit)");
    expect(block.join("\n")).toContain('sim = "parametric"');
    expect(block.join("\n")).toContain("R = 50");
    const cases = await analyzeAsync(bbb, { bootstrap: 50, seed: 4 });
    expect(renderRScript(cases, bbb)).not.toContain("bootstrap");
  });

  test("R literals: strings escaped, names made syntactic and unique", () => {
    expect(rString('say "hi"\\ µ\n')).toBe('"say \\"hi\\"\\\\ \\u00b5\\n"');
    const taken = new Set<string>();
    expect(rName("Dose (µg)", taken)).toBe("Dose_g");
    expect(rName("Dose (µg)", taken)).toBe("Dose_g_2");
    expect(rName("2nd dose", taken)).toBe("x2nd_dose");
    expect(rName("if", taken)).toBe("if_");
  });
});

const rscript = spawnSync("Rscript", ["--version"], { encoding: "utf8" });
const hasMetafor =
  rscript.status === 0 &&
  spawnSync("Rscript", ["-e", "library(metafor); library(jsonlite)"], { encoding: "utf8" })
    .status === 0;
if (!hasMetafor) {
  console.warn(
    "report/r-script.test.ts: skipping the run of analysis.R: Rscript with metafor and jsonlite is not installed " +
      "(apt-get install r-base-core r-cran-metafor r-cran-jsonlite to run it).",
  );
}

/** The script's POOLED-JSON output: untyped JSON written by R. */
// biome-ignore lint/suspicious/noExplicitAny: untyped JSON written by R
type RJson = Record<string, any>;

/** Runs the script in a temporary folder and returns its POOLED-JSON line, parsed. */
function runScript(script: string): RJson {
  const dir = mkdtempSync(join(tmpdir(), "pooled-r-"));
  try {
    writeFileSync(join(dir, "analysis.R"), script);
    const out = execFileSync("Rscript", ["analysis.R"], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    const line = out.split("\n").find((l) => l.startsWith("POOLED-JSON "));
    expect(line, "the script prints its POOLED-JSON line").toBeDefined();
    return JSON.parse(line!.slice("POOLED-JSON ".length));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Tolerance of the analyses by publication: rma.mv maximises the likelihood with nlminb from
 * function values, which places the maximiser only to about 1e-8 relative, and a variance
 * component at 0 comes out as a tiny positive number (fixtures/r/multilevel.R).
 */
const MULTILEVEL_TOLERANCE = 1e-5;

function expectNear(actual: number | null | undefined, expected: number, what: string): void {
  expect(actual, what).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected) / Math.max(1, Math.abs(expected));
  expect(error, `${what}: ${actual} vs R ${expected}`).toBeLessThanOrEqual(MULTILEVEL_TOLERANCE);
}

/** model.robust, multilevel, and the three-level subgroups and meta-regression against R. */
function compareDependence(a: Analysis, r: RJson): void {
  if (a.model.robust !== null) {
    for (const key of ["se", "df", "ciLower", "ciUpper", "p"] as const)
      expectClose(a.model.robust[key], r.model.robust[key], `model.robust ${key}`);
  }
  const ml = a.multilevel;
  if (ml === null) return;
  expect(r.multilevel.k).toBe(ml.k);
  expect(r.multilevel.clusters).toBe(ml.clusters);
  for (const key of [
    "estimate",
    "se",
    "ciLower",
    "ciUpper",
    "p",
    "piLower",
    "piUpper",
    "sigma2Between",
    "sigma2Within",
    "sigma2BetweenCiLower",
    "sigma2BetweenCiUpper",
    "sigma2WithinCiLower",
    "sigma2WithinCiUpper",
    "I2Between",
    "I2Within",
    "I2Total",
  ] as const) {
    // I² as a proportion: in percent, the tolerance would be 100 times that of the sigma² it is made of.
    const scale = key.startsWith("I2") ? 100 : 1;
    if (ml[key] === null) expect(r.multilevel[key], `multilevel ${key}`).toBeNull();
    else expectNear(ml[key] / scale, r.multilevel[key] / scale, `multilevel ${key}`);
  }
  for (const key of ["lrtBetween", "lrtWithin"] as const) {
    const t = ml[key];
    if (t === null) continue;
    expectNear(t.statistic, r.multilevel[key].statistic, `${key} statistic`);
    expectNear(t.p, r.multilevel[key].p, `${key} p`);
  }
  for (const key of ["se", "df", "ciLower", "ciUpper", "p"] as const)
    expectNear(ml.robust![key], r.multilevel.robust[key], `multilevel.robust ${key}`);
  ml.weights.forEach((w, i) => {
    expectNear(w, r.multilevel.weights[i], `multilevel weight ${i}`);
  });
  const sub = a.subgroups?.multilevel ?? null;
  if (sub !== null) {
    const groups = Object.values(r.multilevelSubgroups.groups) as RJson[];
    sub.groups.forEach((g, i) => {
      for (const key of ["estimate", "se", "sigma2Between", "sigma2Within"] as const)
        expectNear(g[key], groups[i]![key], `subgroup ${g.level} ${key}`);
    });
    expectNear(sub.test!.QM, r.multilevelSubgroups.test.QM, "three-level subgroup QM");
    expectNear(sub.test!.p, r.multilevelSubgroups.test.p, "three-level subgroup p");
  }
  const reg = a.regression?.multilevel ?? null;
  if (reg !== null) {
    const rr = r.multilevelRegression;
    reg.terms.forEach((t, j) => {
      expectNear(t.estimate, rr.estimate[j], `three-level ${t.name} estimate`);
      expectNear(t.se, rr.se[j], `three-level ${t.name} se`);
      expectNear(t.p, rr.p[j], `three-level ${t.name} p`);
      expectNear(t.robustSe, rr.robustSe[j], `three-level ${t.name} CR2 se`);
      expectNear(t.robustDf, rr.robustDf[j], `three-level ${t.name} CR2 df`);
      expectNear(t.robustP, rr.robustP[j], `three-level ${t.name} CR2 p`);
    });
    expectNear(reg.QM, rr.QM, "three-level QM");
    expectNear(reg.QMp, rr.QMp, "three-level QMp");
    for (const key of ["statistic", "df1", "df2", "p"] as const)
      expectNear(reg.robustQM![key], rr.robustQM[key], `HTZ ${key}`);
  }
}

/** Pooled's numbers against R's where Pooled has them (null: not defined, e.g. tau² without tau²). */
function expectCloseWhereDefined(
  pooled: readonly (number | null)[],
  fromR: readonly (number | null)[],
  what: string,
): void {
  // e.g. the prediction interval of a fixed-effect model, which neither has.
  if (pooled.every((x) => x === null)) return;
  expect(fromR, `${what}: R's values`).toHaveLength(pooled.length);
  pooled.forEach((x, i) => {
    if (x !== null) expectClose(x, fromR[i] as number, `${what}[${i}]`);
  });
}

type IntervalFields = Pick<
  Analysis["model"],
  "tau2CiLower" | "tau2CiUpper" | "I2CiLower" | "I2CiUpper"
> &
  Partial<Pick<Analysis["model"], "H2CiLower" | "H2CiUpper">>;

/** The Q-profile CIs of tau², I² (and H²) against confint's. */
function compareIntervals(pooled: IntervalFields, r: RJson | null | undefined, what: string): void {
  if (pooled.tau2CiLower === null && (pooled.H2CiLower ?? null) === null) return;
  expect(r, `${what}: R's confint`).toBeTruthy();
  for (const key of [
    "tau2CiLower",
    "tau2CiUpper",
    "I2CiLower",
    "I2CiUpper",
    "H2CiLower",
    "H2CiUpper",
  ] as const) {
    const x = pooled[key];
    if (x !== null && x !== undefined) expectClose(x, r![key], `${what} ${key}`);
  }
}

/**
 * The row of the meta-regression's design at a --predict point (intercept first; a categorical
 * moderator's dummies against its first level), built from the JSON's moderators.
 */
function designRowOf(a: Analysis, point: Record<string, number | string>): number[] {
  const row = [1];
  for (const m of a.regression!.moderators) {
    const value = point[m.name]!;
    if (m.type === "continuous") row.push(Number(value));
    else for (const level of m.levels!.slice(1)) row.push(level === String(value) ? 1 : 0);
  }
  return row;
}

/** The predictions of the meta-regression at the --predict points. */
function comparePredictions(a: Analysis, r: RJson): void {
  const points = a.settings.predict;
  if (points.length === 0 || a.regression === null) return;
  expect(r.predictions.estimate, "R's predictions").toHaveLength(points.length);
  if (a.predictions === null) {
    // Not faked: the JSON's predictions are not wired yet. R's predict(newmods) is checked against
    // Pooled's own coefficients and their covariance instead: x'b and sqrt(x'Vx) at each point.
    console.warn(
      "report/r-script.test.ts: analysis.json has no predictions (null) although --predict was given: " +
        "the comparison of predictions is skipped; R's predict(reg, newmods) is checked against Pooled's " +
        "regression coefficients and vcov (x'b, sqrt(x'Vx)) only.",
    );
    const b = a.regression.terms.map((t) => t.estimate);
    const V = a.regression.vcov;
    points.forEach((point, i) => {
      const x = designRowOf(a, point);
      expect(x).toHaveLength(b.length);
      const estimate = x.reduce((sum, xj, j) => sum + xj * b[j]!, 0);
      const variance = x.reduce(
        (sum, xj, j) => sum + xj * x.reduce((s2, xl, l) => s2 + V[j]![l]! * xl, 0),
        0,
      );
      expectClose(estimate, r.predictions.estimate[i], `x'b at point ${i}`);
      expectClose(Math.sqrt(variance), r.predictions.se[i], `sqrt(x'Vx) at point ${i}`);
    });
    return;
  }
  expect(a.predictions).toHaveLength(points.length);
  for (const key of ["estimate", "se", "ciLower", "ciUpper", "piLower", "piUpper"] as const)
    expectCloseWhereDefined(
      a.predictions.map((p) => p[key]),
      r.predictions[key],
      `prediction ${key}`,
    );
}

/** The further methods' numbers: CIs, influence, PET-PEESE, the fail-safe Ns and the predictions. */
function compareMethods(a: Analysis, r: RJson): void {
  compareIntervals(a.model, r.model.intervals, "model");
  a.subgroups?.groups.forEach((g, i) => {
    compareIntervals(g, r.subgroups.intervals?.[i], `subgroup ${g.level}`);
  });
  if (a.regression !== null) compareIntervals(a.regression, r.regression.intervals, "regression");
  if (a.influence !== null) {
    for (const key of [
      "rstudent",
      "dffits",
      "cooksD",
      "covRatio",
      "tau2Deleted",
      "QEDeleted",
      "hat",
      "weight",
    ] as const)
      expectCloseWhereDefined(
        a.influence.map((x) => x[key]),
        r.influence[key],
        `influence ${key}`,
      );
    expect(a.influence.map((x) => x.influential)).toEqual(r.influence.influential);
  }
  const pp = a.bias?.petPeese ?? null;
  if (pp !== null) {
    for (const which of ["pet", "peese"] as const)
      for (const key of ["estimate", "se", "p", "ciLower", "ciUpper", "slope", "slopeP"] as const)
        expectClose(pp[which][key], r.bias.petPeese[which][key], `${which} ${key}`);
    expect(pp.chosen).toBe(r.bias.petPeese.chosen);
  }
  const f = a.bias?.failSafeN ?? null;
  if (f !== null) {
    for (const key of ["rosenthal", "rosenberg"] as const) {
      if (f[key] === null) continue;
      expect(f[key]!.n, `${key} fail-safe N`).toBe(r.bias.failSafeN[key].n);
      if (f[key]!.p !== null) expectClose(f[key]!.p, r.bias.failSafeN[key].p, `${key} p`);
    }
    if (f.orwin !== null) {
      expect(f.orwin.n, "Orwin's fail-safe N").toBe(r.bias.failSafeN.orwin.n);
      expectClose(f.orwin.meanEffect, r.bias.failSafeN.orwin.meanEffect, "Orwin mean effect");
      expectClose(f.orwin.target, r.bias.failSafeN.orwin.target, "Orwin target");
    }
  }
  comparePredictions(a, r);
}

function compare(a: Analysis, r: RJson): void {
  compareDependence(a, r);
  compareMethods(a, r);
  expect(r.studies.study).toEqual(a.studies.map((s) => s.study));
  expectAllClose(
    a.studies.map((s) => s.yi),
    r.studies.yi,
    "yi",
  );
  expectAllClose(
    a.studies.map((s) => s.vi),
    r.studies.vi,
    "vi",
  );
  expectAllClose(
    a.studies.map((s) => s.weight),
    r.studies.weight,
    "weight",
  );
  expect(a.model.k).toBe(r.model.k);
  for (const key of ["estimate", "se", "ciLower", "ciUpper", "p", "I2", "H2", "Q", "Qp"] as const) {
    expectClose(a.model[key], r.model[key], `model ${key}`);
  }
  if (a.model.tau2 !== null) {
    expectClose(a.model.tau2, r.model.tau2, "tau2");
    expectClose(a.model.piLower, r.model.piLower, "piLower");
    expectClose(a.model.piUpper, r.model.piUpper, "piUpper");
  }
  if (a.subgroups !== null) {
    const groups = Object.values(r.subgroups.groups) as {
      k: number;
      estimate: number;
      se: number;
      tau2: number;
    }[];
    expectAllClose(
      a.subgroups.groups.map((g) => g.estimate),
      groups.map((g) => g.estimate),
      "subgroup estimate",
    );
    expectAllClose(
      a.subgroups.groups.map((g) => g.se),
      groups.map((g) => g.se),
      "subgroup se",
    );
    a.subgroups.tests.forEach((t, i) => {
      expect(r.subgroups.tests[i].type).toBe(t.type);
      expectClose(t.Q, r.subgroups.tests[i].Q, `${t.type} Q`);
      expectClose(t.p, r.subgroups.tests[i].p, `${t.type} p`);
    });
  }
  if (a.regression !== null) {
    const reg = a.regression;
    expectAllClose(
      reg.terms.map((t) => t.estimate),
      r.regression.estimate,
      "regression estimate",
    );
    expectAllClose(
      reg.terms.map((t) => t.se),
      r.regression.se,
      "regression se",
    );
    expectAllClose(
      reg.terms.map((t) => t.p),
      r.regression.p,
      "regression p",
    );
    for (const key of ["QM", "QMp", "tau2", "R2", "QE"] as const) {
      // The fixed-effect model has neither tau² nor R² (metafor: tau2 0, R2 NULL).
      if (reg[key] === null && (key === "tau2" || key === "R2")) continue;
      expectClose(reg[key], r.regression[key], `regression ${key}`);
    }
  }
  const transformed = a.model.transformed;
  if (transformed !== null) {
    for (const key of ["estimate", "ciLower", "ciUpper", "piLower", "piUpper"] as const) {
      if (transformed[key] === null)
        expect(r.model.transformed[key], `transformed ${key}`).toBeNull();
      else expectClose(transformed[key], r.model.transformed[key], `transformed ${key}`);
    }
  }
  const tableTests = a.model.tableTests;
  if (tableTests !== null) {
    for (const key of ["cochranMantelHaenszel", "breslowDay", "tarone"] as const) {
      const t = tableTests[key];
      if (t === null) continue;
      expectClose(t.statistic, r.model.tableTests[key].statistic, `${key} statistic`);
      expectClose(t.p, r.model.tableTests[key].p, `${key} p`);
    }
  }
  if (a.bias !== null) {
    expectClose(a.bias.egger!.z, r.bias.egger.z, "egger z");
    expectClose(a.bias.egger!.p, r.bias.egger.p, "egger p");
    expectClose(a.bias.begg!.tau, r.bias.begg.tau, "begg tau");
    expectClose(a.bias.begg!.p, r.bias.begg.p, "begg p");
    expect(a.bias.trimFill!.k0).toBe(r.bias.trimFill.k0);
    expect(a.bias.trimFill!.side).toBe(r.bias.trimFill.side);
    expectClose(a.bias.trimFill!.estimate, r.bias.trimFill.estimate, "trim-and-fill estimate");
    if (a.bias.trimFill!.transformed !== null)
      expectClose(
        a.bias.trimFill!.transformed.estimate,
        r.bias.trimFill.transformed,
        "trim-and-fill estimate, back-transformed",
      );
    expectAllClose(
      a.leaveOneOut!.map((x) => x.estimate),
      r.leaveOneOut.estimate,
      "leave-one-out estimate",
    );
  }
}

describe.runIf(hasMetafor)("running analysis.R under Rscript reproduces the analysis", () => {
  const cases: [string, StudyTable, Parameters<typeof analyze>[1]][] = [
    ["BBB, MD, REML, z, by dose, mods dose + year", bbb, { by: "dose", mods: ["dose", "year"] }],
    ["BBB, MD, DL, Knapp-Hartung, by route", bbb, { method: "DL", test: "knha", by: "route" }],
    ["IL-1beta, SMD (SDs from SEMs), REML", il1b, { measure: "SMD" }],
    ["BBB, NMD (Pooled's yi and vi), PM", bbb, { measure: "NMD", method: "PM" }],
    [
      "BBB, three-level, REML, by dose, mods year + route",
      bbb,
      { model: "three-level", by: "dose", mods: ["year", "route"] },
    ],
    [
      "BBB, three-level, ML, Knapp-Hartung (t)",
      bbb,
      { model: "three-level", method: "ML", test: "knha" },
    ],
    [
      "BBB, ROM bias-corrected (default; log scale, back-transformed), REML",
      bbb,
      { measure: "ROM" },
    ],
    ["IL-1beta, SMDH (metafor 4.6's variance), REML", il1b, { measure: "SMDH" }],
    [
      "BBB, SMDH, DL, Knapp-Hartung, by dose, mods year",
      bbb,
      { measure: "SMDH", method: "DL", test: "knha", by: "dose", mods: ["year"] },
    ],
    [
      "mortality, OR, REML, by dose, mods year",
      mortality,
      { measure: "OR", by: "dose", mods: ["year"] },
    ],
    [
      "mortality, OR, Mantel-Haenszel (double zero left out of the study effects), by route, mods year",
      mortality,
      { measure: "OR", method: "MH", by: "route", mods: ["year"] },
    ],
    ["mortality, Peto, Peters' test (ninv)", mortality, { method: "PETO", eggerPredictor: "ninv" }],
    [
      "mortality, RR, Mantel-Haenszel, double zero kept, Egger on 1/sqrt(n)",
      mortality,
      { measure: "RR", method: "MH", drop00: false, eggerPredictor: "sqrtninv" },
    ],
    [
      "mortality, RR, REML, Peters' test (ninv)",
      mortality,
      { measure: "RR", eggerPredictor: "ninv" },
    ],
    ["mortality, RD, Mantel-Haenszel", mortality, { measure: "RD", method: "MH" }],
    ["mortality, RD, DL", mortality, { measure: "RD", method: "DL" }],
    [
      "mortality, OR, REML, drop00, add 1/4 if any table has a zero, by dose",
      mortality,
      { measure: "OR", drop00: true, add: 0.25, to: "if0all", by: "dose" },
    ],
    [
      "mortality, Peto, double zero kept, by dose, mods dose",
      mortality,
      { method: "PETO", drop00: false, by: "dose", mods: ["dose"] },
    ],
    [
      "dat.bcg (cells), OR, DL, Knapp-Hartung, by alloc, mods ablat",
      bcg,
      { measure: "OR", method: "DL", test: "knha", by: "alloc", mods: ["ablat"] },
    ],
    [
      "dat.bcg (cells), OR, Mantel-Haenszel, Peters' test",
      bcg,
      { measure: "OR", method: "MH", eggerPredictor: "ninv" },
    ],
    [
      "dat.molloy2014, ZCOR, REML, Peters' test",
      molloy,
      { measure: "ZCOR", eggerPredictor: "ninv" },
    ],
    ["dat.molloy2014, COR, FE", molloy, { measure: "COR", method: "FE" }],
    ["BBB, NMD, Egger on 1/n (ni embedded)", bbb, { measure: "NMD", eggerPredictor: "ninv" }],
    [
      "BBB, MD, REML, mods dose + year, predictions, trim-and-fill R0",
      bbb,
      {
        mods: ["dose", "year"],
        trimfillEstimator: "R0",
        predict: [
          { dose: "200 µg", year: 2018 },
          { dose: "100 µg", year: 2020 },
          { dose: "not reported", year: 2016 },
        ],
      },
    ],
    [
      "BBB, MD, DL, Knapp-Hartung, by route, mods year, predictions, trim-and-fill on the left",
      bbb,
      {
        method: "DL",
        test: "knha",
        by: "route",
        mods: ["year"],
        predict: [{ year: 2015 }, { year: 2022 }],
        trimfillSide: "left",
      },
    ],
    [
      "mortality, OR, REML, trim-and-fill R0 on the right",
      mortality,
      { measure: "OR", trimfillEstimator: "R0", trimfillSide: "right" },
    ],
    ["IL-1beta, SMD, vtype UB, by year", il1b, { measure: "SMD", vtype: "UB", by: "year" }],
    ["IL-1beta, SMD, vtype RevMan (Pooled's yi and vi)", il1b, { measure: "SMD", vtype: "RevMan" }],
    [
      "BBB, MD, vtype UB, FE, by dose, mods year, one prediction",
      bbb,
      { vtype: "UB", method: "FE", by: "dose", mods: ["year"], predict: [{ year: 2019 }] },
    ],
    [
      "BBB, ROM not bias-corrected (metafor 3.8's), REML, by dose, mods year, predictions back-transformed",
      bbb,
      {
        measure: "ROM",
        correctBias: false,
        by: "dose",
        mods: ["year"],
        predict: [{ year: 2017 }, { year: 2023 }],
      },
    ],
    [
      "BBB, ROM bias-corrected, second-order variance (--vtype LS2), REML, by dose",
      bbb,
      { measure: "ROM", vtype: "LS2", by: "dose" },
    ],
    [
      "BBB, ROM not bias-corrected, vtype LS2, DL",
      bbb,
      { measure: "ROM", vtype: "LS2", correctBias: false, method: "DL" },
    ],
    [
      "IL-1beta, SMDH with metafor 3.8's variance (--legacy-smdh-variance), REML",
      il1b,
      { measure: "SMDH", legacySmdhVariance: true },
    ],
  ];
  for (const [name, table, options] of cases) {
    test(name, () => {
      const a = analyze(table, options);
      compare(a, runScript(renderRScript(a, table)));
    });
  }
});
