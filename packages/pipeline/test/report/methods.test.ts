/**
 * The report of the further methods, with the numbers of the analysis itself: PET-PEESE and
 * fail-safe N (small-study effects), trim-and-fill's estimator, the influence diagnostics (section,
 * influence.csv, influence.svg), predictions (--predict: table and predictions.csv), se(tau²) and
 * the Q-profile CIs (summary, subgroups, meta-regression, model.csv, subgroups.csv), the bootstrap
 * type, --vtype and --correct-bias, and the methods paragraph's citations.
 */
import { readFileSync } from "node:fs";
import { PALETTE } from "@pooled/plots";
import { describe, expect, test } from "vitest";
import { analyze, analyzeAsync } from "../../src/analysis/index.js";
import { parseStudyText, type StudyTable } from "../../src/input/index.js";
import { analysisDocument, type Block } from "../../src/report/document.js";
import { fmt, fmtP } from "../../src/report/format.js";
import { methodsParagraph } from "../../src/report/methods.js";
import { renderReport } from "../../src/report/render.js";
import { renderText } from "../../src/report/text.js";
import { exampleTable, givenEffects } from "../support/analysis-helpers.js";
import { repoUrl } from "../support/repo.js";

const read = (path: string) => readFileSync(repoUrl(path), "utf8");
const table = (path: string): StudyTable => {
  const { table: t, problems } = parseStudyText(read(path), path.split("/").pop()!);
  expect(problems).toEqual([]);
  return t!;
};

const bbb = exampleTable();
const PREDICT = [{ dose: "200 µg", year: 2018 }];
const a = analyze(bbb, { by: "dose", mods: ["dose", "year"], predict: PREDICT });
const files = new Map(
  renderReport(a, bbb, {
    plots: {
      forestColumns: ["dose", "sex"],
      favours: { left: "Favours saline", right: "Favours exosomes" },
    },
  }).map((f) => [f.path, f.content as string]),
);
/** The text summary, line breaks as spaces (paragraphs are wrapped). */
const flat = (x: Parameters<typeof renderText>[0]) => renderText(x).replace(/\s+/g, " ");
const text = flat(a);

function tableOf(x: typeof a, first: string): Extract<Block, { kind: "table" }> {
  const found = analysisDocument(x).find(
    (b): b is Extract<Block, { kind: "table" }> => b.kind === "table" && b.header[0] === first,
  );
  if (found === undefined) throw new Error(`no table starting with ${first}`);
  return found;
}

/** The HTML of one section of report.html (from its h2 to the next section). */
function section(html: string, id: string): string {
  const start = html.indexOf(`<h2 id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThan(0);
  const end = html.indexOf("</section>", start);
  return html.slice(start, end);
}

/** RFC 4180 rows (the cells here hold no commas or quotes). */
const csvRows = (csv: string) =>
  csv
    .trimEnd()
    .split("\r\n")
    .map((l) => l.split(","));

/** Ten studies around 0.3 and one far out, which metafor's influence() flags. */
const outlier = givenEffects([
  ...[0.21, 0.35, 0.28, 0.4, 0.25, 0.33, 0.3, 0.38, 0.22, 0.31].map((yi, i) => ({
    study: `S${i + 1}`,
    yi,
    vi: 0.02 + 0.004 * i,
  })),
  { study: "Far out", yi: 2.4, vi: 0.02 },
]);
const far = analyze(outlier, {});

describe("the small-study section", () => {
  const b = a.bias!;

  test("PET-PEESE: both estimates with CIs, the rule and the chosen estimate", () => {
    const pp = b.petPeese!;
    expect(pp.chosen).toBe("PEESE");
    expect(text).toContain(
      `PET ${fmt(pp.pet.estimate)} [${fmt(pp.pet.ciLower)}, ${fmt(pp.pet.ciUpper)}], p = ${fmtP(pp.pet.p)}`,
    );
    expect(text).toContain(
      `PEESE ${fmt(pp.peese.estimate)} [${fmt(pp.peese.ciLower)}, ${fmt(pp.peese.ciUpper)}], p < 0.001`,
    );
    expect(text).toContain(
      `Rule: ${pp.rule}; chosen: PEESE, corrected estimate 2.80 [1.56, 4.04].`,
    );
  });

  test("fail-safe N: Rosenthal, Orwin (weighted mean and target) and Rosenberg", () => {
    const f = b.failSafeN!;
    expect(text).toContain(`Fail-safe N: Rosenthal ${f.rosenthal!.n} (studies averaging z = 0`);
    expect(text).toContain(
      `Orwin ${f.orwin!.n} (studies of effect 0 that would bring the mean effect weighted by 1/vi, ${fmt(f.orwin!.meanEffect, 3)}, down to ${fmt(f.orwin!.target, 3)})`,
    );
    expect(text).toContain(`Rosenberg ${f.rosenberg!.n} (studies of effect 0 and average weight`);
    expect([f.rosenthal!.n, f.orwin!.n, f.rosenberg!.n]).toEqual([3429, 29, 2499]);
  });

  test("trim-and-fill names its estimator and how its side was chosen", () => {
    expect(text).toContain("Trim-and-fill (L0 estimator, side estimated from the data): 1 study");
    const r0 = analyze(bbb, { trimfillEstimator: "R0", trimfillSide: "left" });
    expect(flat(r0)).toContain(
      `Trim-and-fill (R0 estimator, side as chosen): ${r0.bias!.trimFill!.k0} `,
    );
    expect(methodsParagraph(r0).text).toContain(
      "trim-and-fill (R0 estimator, missing studies sought on the left side) (Duval & Tweedie 2000)",
    );
  });

  test("odds ratios: PET-PEESE back-transformed, Orwin's mean on the log scale", () => {
    const mortality = table("examples/sci-exosomes-mortality.simulated.csv");
    const or = analyze(mortality, { measure: "OR" });
    const pp = or.bias!.petPeese!;
    const t = pp.transformed!;
    expect(t.estimate).toBeCloseTo(Math.exp(pp.estimate), 12);
    const out = flat(or);
    expect(out).toContain(
      `corrected odds ratio ${fmt(t.estimate)} [${fmt(t.ciLower)}, ${fmt(t.ciUpper)}]`,
    );
    expect(out).toContain(
      `mean effect weighted by 1/vi, ${fmt(or.bias!.failSafeN!.orwin!.meanEffect, 3)} (log odds ratio)`,
    );
  });
});

describe("heterogeneity intervals", () => {
  const m = a.model;

  test("the summary gives the H² CI and the SE of tau²", () => {
    expect(text).toContain(
      `H² = ${fmt(m.H2)} [${fmt(m.H2CiLower)}, ${fmt(m.H2CiUpper)}]; tau² = ${fmt(m.tau2, 4)} [${fmt(m.tau2CiLower, 4)}, ${fmt(m.tau2CiUpper, 4)}] (SE ${fmt(m.seTau2, 4)}).`,
    );
    expect(text).toContain("H² = 2.96 [1.88, 6.26]");
  });

  test("each subgroup's tau² and I² CIs", () => {
    const sub = tableOf(a, "Subgroup");
    expect(sub.header).toEqual([
      "Subgroup",
      "k",
      "Estimate",
      "95% CI",
      "p",
      "tau²",
      "tau² 95% CI",
      "I²",
      "I² 95% CI",
    ]);
    a.subgroups!.groups.forEach((g, i) => {
      expect(sub.rows[i]![6]).toBe(`[${fmt(g.tau2CiLower, 4)}, ${fmt(g.tau2CiUpper, 4)}]`);
      expect(sub.rows[i]![8]).toBe(`[${fmt(g.I2CiLower, 1)}, ${fmt(g.I2CiUpper, 1)}]`);
    });
    expect(sub.rows[0]!.slice(6)).toEqual(["[0.5619, 18.8153]", "73.7%", "[37.2, 95.2]"]);
  });

  test("the meta-regression's residual tau² and I² with their CIs", () => {
    const reg = a.regression!;
    expect(text).toContain(
      `tau² = ${fmt(reg.tau2, 4)} [${fmt(reg.tau2CiLower, 4)}, ${fmt(reg.tau2CiUpper, 4)}]; I² = ${fmt(reg.I2, 1)}% [${fmt(reg.I2CiLower, 1)}, ${fmt(reg.I2CiUpper, 1)}]; R² =`,
    );
  });

  test("model.csv and subgroups.csv add them after every other column", () => {
    const [header, row] = csvRows(files.get("model.csv")!);
    expect(header!.slice(17)).toEqual([
      "se_tau2",
      "tau2_ci_lower",
      "tau2_ci_upper",
      "I2_ci_lower",
      "I2_ci_upper",
      "H2_ci_lower",
      "H2_ci_upper",
    ]);
    expect(row!.slice(17).map(Number)).toEqual([
      m.seTau2,
      m.tau2CiLower,
      m.tau2CiUpper,
      m.I2CiLower,
      m.I2CiUpper,
      m.H2CiLower,
      m.H2CiUpper,
    ]);
    const sub = csvRows(files.get("subgroups.csv")!);
    expect(sub[0]!.slice(15)).toEqual([
      "tau2_ci_lower",
      "tau2_ci_upper",
      "I2_ci_lower",
      "I2_ci_upper",
    ]);
    const g = a.subgroups!.groups[1]!;
    expect(sub[2]!.slice(15).map(Number)).toEqual([
      g.tau2CiLower,
      g.tau2CiUpper,
      g.I2CiLower,
      g.I2CiUpper,
    ]);
  });
});

describe("predictions (--predict)", () => {
  const p = a.predictions![0]!;

  test("a table under the meta-regression: the moderator values, estimate, CI, PI and SE", () => {
    const t = tableOf(a, "dose");
    expect(t.header).toEqual([
      "dose",
      "year",
      "Estimate",
      "95% CI",
      "95% prediction interval",
      "SE",
    ]);
    expect(t.rows).toEqual([
      [
        "200 µg",
        "2018",
        fmt(p.estimate),
        `[${fmt(p.ciLower)}, ${fmt(p.ciUpper)}]`,
        `[${fmt(p.piLower)}, ${fmt(p.piUpper)}]`,
        fmt(p.se, 3),
      ],
    ]);
    expect(t.rows[0]!.slice(2, 5)).toEqual(["4.86", "[3.64, 6.07]", "[2.34, 7.37]"]);
    expect(section(files.get("report.html")!, "regression")).toContain("<h3>Predictions</h3>");
  });

  test("predictions.csv: one row per point, in full precision", () => {
    expect(files.get("predictions.csv")).toBe(
      `dose,year,estimate,se,ci_lower,ci_upper,pi_lower,pi_upper\r\n200 µg,2018,${p.estimate},${p.se},${p.ciLower},${p.ciUpper},${p.piLower},${p.piUpper}\r\n`,
    );
    expect(renderReport(analyze(bbb, { mods: ["year"] }), bbb).map((f) => f.path)).not.toContain(
      "predictions.csv",
    );
  });

  test("odds ratios: the predicted odds ratio first, the log OR and its SE after", () => {
    const mortality = table("examples/sci-exosomes-mortality.simulated.csv");
    const or = analyze(mortality, { measure: "OR", mods: ["year"], predict: [{ year: 2020 }] });
    const q = or.predictions![0]!;
    const t = tableOf(or, "year");
    expect(t.header).toEqual(["year", "OR", "95% CI", "95% prediction interval", "log OR", "SE"]);
    expect(t.rows[0]!.slice(0, 2)).toEqual(["2020", fmt(Math.exp(q.estimate))]);
    expect(t.rows[0]![4]).toBe(fmt(q.estimate));
    const csv = renderReport(or, mortality).find((f) => f.path === "predictions.csv")!;
    const [header, row] = csvRows(csv.content as string);
    expect(header!.slice(-5)).toEqual([
      "or",
      "or_ci_lower",
      "or_ci_upper",
      "or_pi_lower",
      "or_pi_upper",
    ]);
    expect(Number(row![header!.indexOf("or")])).toBeCloseTo(q.transformed!.estimate!, 12);
  });
});

describe("influence diagnostics", () => {
  test("a section with one row per study, the influential ones marked", () => {
    const rows = far.influence!;
    expect(rows.filter((r) => r.influential).map((r) => r.study)).toEqual(["Far out"]);
    const t = tableOf(far, "Study");
    // The first table starting with "Study" is the studies table: find the influence one.
    const infl = analysisDocument(far).find(
      (b): b is Extract<Block, { kind: "table" }> =>
        b.kind === "table" && b.header.includes("Cook's D"),
    )!;
    expect(t.header).not.toContain("Cook's D");
    expect(infl.header).toEqual([
      "Study",
      "rstudent",
      "DFFITS",
      "Cook's D",
      "Cov. ratio",
      "tau² deleted",
      "QE deleted",
      "Hat",
      "Weight",
      "Influential",
    ]);
    const last = rows.at(-1)!;
    expect(infl.rows.at(-1)).toEqual([
      "Far out",
      fmt(last.rstudent, 2),
      fmt(last.dffits, 3),
      fmt(last.cooksD, 3),
      fmt(last.covRatio, 3),
      fmt(last.tau2Deleted, 4),
      fmt(last.QEDeleted, 2),
      fmt(last.hat, 3),
      `${fmt(last.weight, 1)}%`,
      "yes",
    ]);
    expect(infl.rows.filter((r) => r.at(-1) === "yes")).toHaveLength(1);
    expect(flat(far)).toContain(
      "1 of 11 studies is influential by metafor's criteria (|DFFITS| > 3√(p/(k − p))",
    );
    expect(flat(far)).toMatch(/p = 1 coefficient\): Far out\./);
  });

  test("the example: no study is influential, and the section says so", () => {
    expect(a.influence!.some((r) => r.influential)).toBe(false);
    const html = section(files.get("report.html")!, "influence");
    expect(html).toContain("No study is influential by metafor&#39;s criteria");
    expect(html).toContain('<figure id="figure-influence">');
  });

  test("influence.csv: every diagnostic in full precision, with the file row", () => {
    const [header, ...rows] = csvRows(
      renderReport(far, outlier).find((f) => f.path === "influence.csv")!.content as string,
    );
    expect(header).toEqual([
      "study",
      "row",
      "rstudent",
      "dffits",
      "cooks_distance",
      "cov_ratio",
      "tau2_deleted",
      "QE_deleted",
      "hat",
      "weight_percent",
      "influential",
    ]);
    far.influence!.forEach((r, i) => {
      expect(rows[i]!.slice(0, 2)).toEqual([r.study, String(far.studies[i]!.row)]);
      expect(rows[i]!.slice(2, 10).map(Number)).toEqual([
        r.rstudent,
        r.dffits,
        r.cooksD,
        r.covRatio,
        r.tau2Deleted,
        r.QEDeleted,
        r.hat,
        r.weight,
      ]);
      expect(rows[i]![10]).toBe(String(r.influential));
    });
  });

  test("influence.svg: eight panels, the influential study filled red in each", () => {
    const svg = renderReport(far, outlier).find((f) => f.path === "influence.svg")!
      .content as string;
    expect(svg.match(/data-panel="/g)).toHaveLength(8);
    const red = [...svg.matchAll(/<circle [^>]*class="study influential"[^>]*>/g)].map((m) => m[0]);
    expect(red).toHaveLength(8);
    for (const c of red) expect(c).toContain(`fill="${PALETTE.vermillion}"`);
    expect(red.every((c) => c.includes('data-study="11"'))).toBe(true);
    expect(svg.match(/class="study"/g)).toHaveLength(8 * 10);
  });

  test("the figure's caption names the influential study; the file sits in the Influence section", () => {
    const html = renderReport(far, outlier).find((f) => f.path === "report.html")!
      .content as string;
    const infl = section(html, "influence");
    expect(infl).toContain('<figure id="figure-influence">');
    expect(infl).toContain(
      "Filled red: the study influential by metafor&#39;s criteria (Far out).",
    );
  });
});

describe("figures", () => {
  const forest = files.get("forest.svg")!;

  test("the forest plot: descriptor columns from the data, in the order asked", () => {
    const dose = forest.indexOf(">Dose<");
    const sex = forest.indexOf(">Sex<");
    expect(dose).toBeGreaterThan(0);
    expect(sex).toBeGreaterThan(dose);
    // Each study's own values (joined by row): Wang 2016 is the only "both" in dose 200 µg.
    for (const level of ["female", "male", "both", "not reported"])
      expect(forest).toContain(`>${level}<`);
    expect(forest.match(/>both</g)).toHaveLength(
      bbb.rows.filter((r) => r.extra.sex === "both").length,
    );
  });

  test("the forest plot: a SYRCLE dot per item beside every study", () => {
    const rob = a.riskOfBias!;
    expect(rob.items).toHaveLength(10);
    const rows = [...forest.matchAll(/<g class="rob-dots">(.*?)<\/g>/g)].map((m) => m[1]!);
    expect(rows).toHaveLength(a.studies.length);
    for (const r of rows) expect(r.match(/<circle /g)).toHaveLength(10);
    // The first study drawn (dose 100 µg: Liu 2023 (100 µg)) has its own judgements, item by item.
    const liu = rob.studies.find((s) => s.study === "Liu 2023 (100 µg)")!;
    const drawn = [...rows[0]!.matchAll(/class="judgement judgement-(\w+)"/g)].map((m) => m[1]);
    expect(drawn).toEqual(rob.items.map((i) => liu.judgements[i] ?? "missing"));
    expect(forest).toContain(">SYRCLE<");
  });

  test("--drop00: the dots of a study follow its row, not its position", () => {
    const mortality = table("examples/sci-exosomes-mortality.simulated.csv");
    const mh = analyze(mortality, { measure: "OR", method: "MH" });
    const rob = mh.riskOfBias!;
    expect(rob.studies.length).toBe(mh.studies.length + 1); // Silva 2016 left out (no events)
    const svg = renderReport(mh, mortality).find((f) => f.path === "forest.svg")!.content as string;
    const rows = [...svg.matchAll(/<g class="rob-dots">(.*?)<\/g>/g)].map((m) => m[1]!);
    expect(rows).toHaveLength(mh.studies.length);
    mh.studies.forEach((s, i) => {
      const own = rob.studies.find((r) => r.row === s.row)!;
      const drawn = [...rows[i]!.matchAll(/class="judgement judgement-(\w+)"/g)].map((m) => m[1]);
      expect(drawn, s.study).toEqual(rob.items.map((item) => own.judgements[item] ?? "missing"));
    });
  });

  test("a column the data do not have: the forest plot is left out and the report says why", () => {
    const out = renderReport(a, bbb, { plots: { forestColumns: ["strian"] } });
    expect(out.map((f) => f.path)).not.toContain("forest.svg");
    expect(out.find((f) => f.path === "summary.txt")!.content).toContain(
      'A plot could not be drawn: --forest-columns: the data have no column named "strian"',
    );
    // A header matched as --by matches it, and a column feeding a field (year).
    const ok = renderReport(a, bbb, { plots: { forestColumns: ["STRAIN", "year"] } });
    const svg = ok.find((f) => f.path === "forest.svg")!.content as string;
    expect(svg).toContain(">Strain<");
    expect(svg).toContain(">Wistar<");
    expect(svg).toContain(">Year<");
  });

  test("--favours replaces the default labels under the axis", () => {
    expect(forest).toContain("Favours saline");
    expect(forest).toContain("Favours exosomes");
    expect(forest).not.toContain("Favours treatment");
  });

  test("funnel plots coloured by subgroup; trim-and-fill's study in no group", () => {
    for (const file of ["funnel.svg", "funnel-contour.svg"]) {
      const svg = files.get(file)!;
      a.subgroups!.groups.forEach((g, j) => {
        expect(svg.match(new RegExp(`data-group="${j}"`, "g")), `${file} ${g.level}`).toHaveLength(
          g.k,
        );
        expect(svg).toContain(`dose: ${g.level}`);
      });
      expect(svg).not.toContain("ungrouped-study");
    }
    const filled = files.get("funnel.svg")!.match(/class="study filled-study"/g) ?? [];
    expect(filled).toHaveLength(a.bias!.trimFill!.k0);
    expect(files.get("report.html")).toContain(
      "Colours and marker shapes mark the levels of dose.",
    );
    const plain = renderReport(analyze(bbb, {}), bbb).find((f) => f.path === "funnel.svg")!;
    expect(plain.content as string).not.toContain("group-study");
  });
});

describe("settings, bootstrap and methods", () => {
  test("the settings line names the SMD's variance and ROM's bias correction", () => {
    const il1b = exampleTable("sci-exosomes-il1b.simulated.csv");
    expect(flat(analyze(il1b, { measure: "SMD", vtype: "UB" }))).toContain(
      "standardised mean difference (Hedges' g), unbiased variance (UB); random-effects model",
    );
    expect(flat(analyze(il1b, { measure: "SMD" }))).toContain("large-sample variance (LS);");
    // metafor 5's default: ROM bias-corrected; --no-correct-bias gives metafor 3.8's.
    const rom = analyze(bbb, { measure: "ROM" });
    expect(flat(rom)).toContain("log ratio of means, bias-corrected (metafor 5's default);");
    expect(methodsParagraph(rom).text).toContain("--no-correct-bias gives metafor 3.8's");
    const uncorrected = analyze(bbb, { measure: "ROM", correctBias: false });
    expect(flat(uncorrected)).toContain(
      "log ratio of means, not bias-corrected (--no-correct-bias);",
    );
    expect(methodsParagraph(uncorrected).text).toContain(
      "metafor 5 and Pooled correct it by default",
    );
  });

  test("a parametric bootstrap says what it simulated and why BCa is missing", async () => {
    const boot = await analyzeAsync(bbb, { bootstrap: 200, bootstrapType: "parametric", seed: 7 });
    expect(boot.bootstrap!.type).toBe("parametric");
    const out = flat(boot);
    expect(out).toContain(
      "Parametric bootstrap (studies simulated from the fitted model; van den Noortgate & Onghena 2005), 200 replicates (seed 7)",
    );
    expect(out).toContain(`- ${boot.bootstrap!.notes[0]}`);
    const { text, references } = methodsParagraph(boot);
    expect(text).toContain("(van den Noortgate & Onghena 2005)");
    expect(references.some((r) => r.startsWith("Van den Noortgate W, Onghena P (2005)"))).toBe(
      true,
    );
  });

  test("the methods cite PET-PEESE, the fail-safe Ns, influence, Q-profile and R0 papers", () => {
    const { text, references } = methodsParagraph(a);
    for (const cite of [
      "(Stanley & Doucouliagos 2014)",
      "Rosenthal's method (Rosenthal 1979)",
      "as in metafor 5 (Orwin 1983)",
      "Rosenberg's (Rosenberg 2005)",
      "flagged influential studies by the criteria of metafor's influence() (Viechtbauer & Cheung 2010)",
      "Q-profile confidence intervals for tau², I² and H² (Viechtbauer 2007), also within each subgroup and for the residual heterogeneity of the meta-regression",
      "predicted at chosen moderator values",
    ])
      expect(text).toContain(cite);
    for (const start of ["Stanley TD", "Rosenthal R (1979)", "Orwin RG (1983)", "Rosenberg MS"])
      expect(
        references.some((r) => r.startsWith(start)),
        start,
      ).toBe(true);
    expect(references.length).toBe(new Set(references).size);
    expect(text).not.toContain("Luo et al.");
  });

  test("arms given as medians: Luo 2018 for means, Wan 2014 and Shi 2020 for SDs", () => {
    const medians = analyze(table("fixtures/data/medians.csv"), {});
    const { text, references } = methodsParagraph(medians);
    expect(text).toContain(
      "converted to a mean (Luo et al. 2018) and a standard deviation, from quartiles or a range (Wan et al. 2014) or from all five numbers (Shi et al. 2020); the notes list the rows.",
    );
    for (const start of ["Luo D", "Wan X", "Shi J"])
      expect(
        references.some((r) => r.startsWith(start)),
        start,
      ).toBe(true);
  });
});
