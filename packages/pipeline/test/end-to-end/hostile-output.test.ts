/**
 * The report's side of careless and hostile input: labels that Markdown would read as
 * markup, labels that R cannot hold, tests Pooled skipped that analysis.R must not call, figures
 * of thousands of studies, lists as long as the data, values that overflow, and the wording of
 * what could not be computed or was run with too few replicates.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { couldNotCompute, SIDE_ANALYSIS } from "../../src/analysis/failures.js";
import { AnalysisInputError, analyze } from "../../src/analysis/index.js";
import { BOOTSTRAP_REPLICATES, fewReplicatesWarning } from "../../src/analysis/resampling.js";
import type { Analysis, StudyResult } from "../../src/analysis/types.js";
import { parseStudyText, type StudyTable } from "../../src/input/index.js";
import { FIGURE_LIMITS, renderPlots, thinPoints } from "../../src/report/plots.js";
import { renderRScript } from "../../src/report/r-script.js";
import { renderReport } from "../../src/report/render.js";
import { md, renderMarkdown, renderText } from "../../src/report/text.js";

function table(csv: string, name = "hostile.csv"): StudyTable {
  const result = parseStudyText(csv, name);
  expect(result.problems).toEqual([]);
  return result.table!;
}

/** k studies of given effect sizes, labelled s0, s1, ... */
function studiesCsv(k: number, variance: (i: number) => number): string {
  const rows = ["study,yi,vi"];
  for (let i = 0; i < k; i++) rows.push(`s${i},${(Math.sin(i) * 0.5).toFixed(4)},${variance(i)}`);
  return `${rows.join("\n")}\n`;
}

const HOSTILE_LABELS = [
  "<script>alert(1)</script>",
  'two\nlines | and a "pipe"',
  "*bold* _under_ `code` ~strike~",
  "[click](javascript:alert(1)) ![img](x.png)",
  "R&D &amp; <b>",
  "# heading",
  "1. item",
  "- item",
];

describe("summary.md: labels are text, never markup", () => {
  const csv = `study,yi,vi\n${HOSTILE_LABELS.map((l, i) => `"${l.replace(/"/g, '""')}",${0.1 * i},0.0${i + 1}`).join("\n")}\n`;
  const t = table(csv);
  const a = analyze(t);
  const markdown = renderMarkdown(a);

  test("the labels arrive intact in the analysis (the escaping is the report's)", () => {
    expect(a.studies.map((s) => s.study)).toEqual(HOSTILE_LABELS);
  });

  test("no raw HTML, link or emphasis: <, > and & as entities, Markdown punctuation escaped", () => {
    expect(markdown).not.toContain("<script>");
    expect(markdown).not.toContain("<b>");
    expect(markdown).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markdown).toContain("R&amp;D &amp;amp; &lt;b&gt;");
    expect(markdown).toContain("\\[click\\](javascript:alert(1)) \\!\\[img\\](x.png)");
    expect(markdown).toContain("\\*bold\\* \\_under\\_ \\`code\\` \\~strike\\~");
    expect(markdown).not.toMatch(/[^\\]\[click\]/);
  });

  test("every study is one table row with as many cells as the header (a newline or | cannot split it)", () => {
    const lines = markdown.split("\n");
    const header = lines.findIndex((l) => l.startsWith("| Study |"));
    expect(header).toBeGreaterThan(0);
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    const rows = lines.slice(header + 2, header + 2 + HOSTILE_LABELS.length);
    for (const row of rows) expect(cells(row), row).toBe(cells(lines[header]!));
    expect(rows[1]).toMatch(/^\| two lines \\\| and a "pipe" \|/);
    expect(lines[header + 2 + HOSTILE_LABELS.length]).toBe("");
  });

  test("md(): block markers at the start, control characters and separators", () => {
    expect(md("# heading")).toBe("\\# heading");
    expect(md("1. item")).toBe("1\\. item");
    expect(md("- item")).toBe("\\- item");
    expect(md("a\u0000b\u2028c\r\nd")).toBe("a b c  d");
    expect(md("plain text, 95% CI 0.1 to 0.2")).toBe("plain text, 95% CI 0.1 to 0.2");
  });
});

/** Runs an R script; null when Rscript with metafor is not installed. */
function runR(script: string): { status: number | null; stdout: string; stderr: string } | null {
  const probe = spawnSync("Rscript", [
    "-e",
    "quit(status = !requireNamespace('metafor', quietly = TRUE))",
  ]);
  if (probe.error || probe.status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), "pooled-r-"));
  try {
    writeFileSync(join(dir, "analysis.R"), script);
    const run = spawnSync("Rscript", ["analysis.R"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("analysis.R runs whatever the labels and whatever Pooled skipped", () => {
  test("a label with U+0000 (and a lone surrogate) becomes U+FFFD in the R string", () => {
    const t = table(studiesCsv(5, (i) => 0.02 * (i + 1)));
    t.rows[0]!.study = "nul\u0000here";
    t.rows[1]!.study = "lone\ud800surrogate";
    const a = analyze(t);
    const script = renderRScript(a, t);
    expect(script).toContain('"nul\\ufffdhere"');
    expect(script).toContain('"lone\\ufffdsurrogate"');
    expect(script).not.toContain("\\x00");
    const run = runR(script);
    if (run === null) {
      console.info("Rscript with metafor not found: the script was checked as text only");
      return;
    }
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("POOLED-JSON ");
  }, 120_000);

  test("one variance for every study: Egger, Begg and trim-and-fill are not called, and it says why", () => {
    const t = table(studiesCsv(6, () => 0.1));
    const a = analyze(t);
    expect(a.bias).toMatchObject({ egger: null, begg: null, trimFill: null });
    const script = renderRScript(a, t);
    expect(script).not.toMatch(/regtest\(|ranktest\(|trimfill\(/);
    // Only the fail-safe Ns, which need no spread of standard errors, fill out$bias.
    expect(script).not.toMatch(/out\$bias <- /);
    expect(script).toContain("leave1out(res)");
    expect(script).toMatch(
      /# Egger's regression test: not run, as Pooled did not compute it \(the predictor "sei" has the same value in every study/,
    );
    const run = runR(script);
    if (run === null) return;
    expect(run.status, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout.split("POOLED-JSON ")[1]!);
    expect(json.model.estimate).toBeCloseTo(a.model.estimate, 8);
    expect(Object.keys(json.bias ?? {})).toEqual(["failSafeN"]);
  }, 120_000);
});

describe("figures of many studies are capped, and say so", () => {
  const k = FIGURE_LIMITS.rows + 200;
  const t = table(studiesCsv(k, (i) => 0.05 + (i % 13) / 50));
  const a = analyze(t);
  const { plots } = renderPlots(a);
  const plot = (file: string) => plots.find((p) => p.file === file)!;

  test(`the forest plot draws the first ${FIGURE_LIMITS.rows} of ${k} studies, with a note and the caption`, () => {
    const forest = plot("forest.svg");
    expect(forest.svg.match(/class="row study-row"/g)).toHaveLength(FIGURE_LIMITS.rows);
    expect(forest.svg).toContain(
      `${FIGURE_LIMITS.rows} of ${k} studies shown (the first in the order drawn); the pooled estimates and weights include all ${k}.`,
    );
    expect(forest.svg).toContain(`All ${k} studies are listed in studies.csv.`);
    expect(forest.caption).toContain(`The first ${FIGURE_LIMITS.rows} of ${k} studies are drawn`);
    // The last study drawn is the 1000th of the file; the 1001st is not in the figure.
    expect(forest.svg).toContain(`>s${FIGURE_LIMITS.rows - 1}<`);
    expect(forest.svg).not.toContain(`>s${FIGURE_LIMITS.rows}<`);
  });

  test("the leave-one-out plot likewise; the report's caption and its CSV keep every row", () => {
    const loo = plot("leave-one-out.svg");
    expect(loo.svg.match(/class="row study-row"/g)).toHaveLength(FIGURE_LIMITS.rows);
    expect(loo.svg).toContain(`${FIGURE_LIMITS.rows} of ${k} rows shown`);
    const files = renderReport(a, t);
    const html = files.find((f) => f.path === "report.html")!.content as string;
    expect(html).toContain(`The first ${FIGURE_LIMITS.rows} of ${k} rows are drawn`);
    const csv = files.find((f) => f.path === "leave-one-out.csv")!.content as string;
    expect(csv.trim().split("\n")).toHaveLength(k + 1);
  });

  test(`scatter plots keep all ${k} points (under ${FIGURE_LIMITS.points})`, () => {
    expect(plot("funnel.svg").svg).not.toContain("studies drawn");
  });

  test("thinPoints: an even thinning in order plus the ends of each axis", () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ x: i % 997, y: -i }));
    const thinned = thinPoints(items, [(p) => p.x, (p) => p.y], 100);
    expect(thinned.total).toBe(10_000);
    expect(thinned.points.length).toBeGreaterThanOrEqual(100);
    expect(thinned.points.length).toBeLessThanOrEqual(104);
    expect(thinned.points).toContain(items[9999]); // the smallest y
    expect(thinned.points.some((p) => p.x === 996)).toBe(true); // the largest x
    const order = thinned.points.map((p) => items.indexOf(p));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(thinPoints(items.slice(0, 50), [(p) => p.x], 100).points).toHaveLength(50);
  });
});

describe("lists and tables as long as the data are rendered without argument spreads", () => {
  test("200,000 studies: text, Markdown and every plot render (no 'Maximum call stack size exceeded')", () => {
    const small = analyze(table(studiesCsv(5, (i) => 0.02 * (i + 1))));
    const n = 200_000;
    const model = small.studies[0]!;
    const studies: StudyResult[] = Array.from({ length: n }, (_, i) => ({
      ...model,
      study: `s${i}`,
      yi: Math.sin(i),
      row: i + 2,
      weight: 100 / n,
    }));
    const big: Analysis = {
      ...small,
      studies,
      leaveOneOut: null,
      excluded: Array.from({ length: n }, (_, i) => ({
        row: i + 2,
        study: `x${i}`,
        reason: "yes",
      })),
    };
    expect(renderText(big).split("\n").length).toBeGreaterThan(2 * n);
    expect(renderMarkdown(big).split("\n").length).toBeGreaterThan(2 * n);
    const { plots, failures } = renderPlots(big);
    expect(failures).toEqual([]);
    const funnel = plots.find((p) => p.file === "funnel.svg")!;
    expect(funnel.svg).toMatch(/Funnel plot \(\d+ of 200000 studies drawn\)/);
    expect(funnel.caption).toContain("Of the 200000 studies");
    expect(funnel.svg.length).toBeLessThan(2_000_000);
  }, 120_000);
});

describe("values and messages", () => {
  test("effect sizes of 1e308 (and a variance of 1e-320): values that overflow, as bad input naming the rows", () => {
    for (const [csv, rows] of [
      ["study,yi,vi\nA,1e308,1\nB,-1e308,1\nC,1,1\n", [2, 3]],
      ["study,yi,vi\nA,1e154,1\nB,-1e154,1\nC,1,1\n", [2, 3]],
      ["study,yi,vi\nA,1,1e-320\nB,2,1\nC,1,1\n", [2]],
    ] as const) {
      let error: unknown;
      try {
        analyze(table(csv));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AnalysisInputError);
      const problems = (error as AnalysisInputError).problems;
      expect(problems.map((p) => p.row)).toEqual(rows);
      expect(problems[0]!.found).toMatch(/the values overflow double precision$/);
      expect((error as Error).message).not.toMatch(/moderator/);
    }
  });

  test("a failed test says 'could not be computed' once, whatever the engine named", () => {
    const egger = new Error(
      'Egger\'s regression test cannot be computed: the predictor "sqrtinvn1n2" has the same value in every study (for example, all standard errors are equal), so there is no small-study effect to test',
    );
    expect(couldNotCompute(SIDE_ANALYSIS.eggerSampleSize, egger)).toBe(
      'Egger\'s test on sample size could not be computed: the predictor "sqrtinvn1n2" has the same value in every study (for example, all standard errors are equal), so there is no small-study effect to test',
    );
    const side = new Error(
      'The side of trim-and-fill cannot be computed: the predictor "sei" has the same value in every study',
    );
    expect(couldNotCompute(SIDE_ANALYSIS.trimFill, side)).toBe(
      'Trim-and-fill could not be computed: the predictor "sei" has the same value in every study',
    );
    expect(couldNotCompute(SIDE_ANALYSIS.begg, new Error("no: reason"))).toBe(
      "Begg's rank correlation test could not be computed: no: reason",
    );
  });

  test("a bootstrap of fewer than 1000 replicates is warned about, more strongly below 100", () => {
    expect(BOOTSTRAP_REPLICATES).toEqual({ minimum: 100, recommended: 1000 });
    expect(fewReplicatesWarning(null)).toBeNull();
    expect(fewReplicatesWarning(1000)).toBeNull();
    expect(fewReplicatesWarning(999)).toMatch(/^The bootstrap ran 999 replicates: .* rough/);
    expect(fewReplicatesWarning(1)).toMatch(
      /^The bootstrap ran only 1 replicate: .*not reliable \(they may not even contain the estimate\)/,
    );
  });
});
