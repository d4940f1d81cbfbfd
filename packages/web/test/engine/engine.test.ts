/**
 * The worker's engine run in Node against the real pipeline: what crosses postMessage must be
 * structured-cloneable, the example must be bundled as the build bundles it, and bad input must
 * come back as problems with row and column rather than as a thrown error.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { backTransform, parseStudyFile } from "@pooled/pipeline";
import { buildXlsx } from "@pooled/test-utils/xlsx";
import { describe, expect, it } from "vitest";
import type { Progress, Settings } from "../../src/api.js";
import { createEngine, type ExampleBundle } from "../../src/engine/engine.js";
import { bindPipeline } from "../../src/engine/pipeline-binding.js";
import { DEFAULT_SETTINGS } from "../../src/view/settings.js";
import { webRoot } from "../browser.js";
import {
  exampleFile,
  examplePrisma,
  mortalityFile,
  pooledVersion,
  referenceAnalysis,
  referenceParseWith,
} from "../reference.js";

async function bundle(): Promise<ExampleBundle> {
  const example = await exampleFile();
  const prismaText = await readFile(resolve(webRoot, "../../examples/prisma.json"), "utf8");
  return {
    name: example.name,
    text: new TextDecoder().decode(example.bytes),
    prisma: { name: "prisma.json", text: prismaText },
  };
}

describe("engine (the worker's API, in Node)", () => {
  it("reads the bundled example into a table that survives structured clone", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), await bundle());
    const outcome = await engine.loadExample();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const example = await exampleFile();
    const direct = await parseStudyFile(example.bytes, example.name);
    expect(outcome.table.rows.length).toBe(direct.table?.rows.length);
    expect(outcome.headers).toEqual(
      new TextDecoder().decode(example.bytes).split(/\r?\n/)[0]!.split(","),
    );
    expect(structuredClone(outcome)).toEqual(outcome);
  });

  it("analyses with the same numbers as the pipeline, including the example's PRISMA counts", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), await bundle());
    const parsed = await engine.loadExample();
    if (!parsed.ok) throw new Error("example did not parse");
    const settings: Settings = { ...DEFAULT_SETTINGS, method: "DL", test: "knha" };
    const outcome = await engine.analyze(parsed.table, settings);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const expected = referenceAnalysis(parsed.table, settings, await examplePrisma());
    expect(outcome.analysis.model).toEqual(expected.model);
    expect(outcome.analysis.settings).toMatchObject({ measure: "MD", method: "DL", test: "knha" });
    expect((outcome.analysis as unknown as { prisma: unknown }).prisma).toEqual(
      await examplePrisma(),
    );
    expect(structuredClone(outcome)).toEqual(outcome);
  });

  it("reads event counts for the measure they imply and sends the odds ratios on the reader's scale", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), await bundle());
    const file = await mortalityFile();
    const parsed = await engine.parse(file.bytes, file.name);
    if (!parsed.ok) throw new Error("the mortality example did not parse");
    expect(parsed.inferredMeasure).toBe("OR");
    expect(parsed.detected).toMatchObject({ ai: "deaths_treatment", ci: "deaths_control" });
    const settings: Settings = { ...DEFAULT_SETTINGS, measure: "OR", method: "MH" };
    const outcome = await engine.analyze(parsed.table, settings);
    if (!outcome.ok) throw new Error(outcome.message);
    const expected = referenceAnalysis(parsed.table, settings);
    expect(outcome.analysis.model).toEqual(expected.model);
    const reading = outcome.reading!;
    expect(reading.scale).toBe("log");
    expect(reading.studies.length).toBe(expected.studies.length);
    // The pipeline's own back-transform, study by study.
    expect(reading.studies[0]!.estimate).toBe(backTransform("log", expected.studies[0]!.yi));
    expect(reading.robust?.estimate).toBe(expected.model.transformed?.estimate);
    expect(structuredClone(outcome)).toEqual(outcome);
    // Measures read as analysed have nothing to back-transform.
    const md = await engine.loadExample();
    if (!md.ok) throw new Error("example did not parse");
    expect(md.inferredMeasure).toBe("MD");
    const mdOutcome = await engine.analyze(md.table, DEFAULT_SETTINGS);
    expect(mdOutcome.ok && mdOutcome.reading).toBeNull();
  });

  it("analyses by publication: the three-level model, another column, or none (--map cluster=)", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), await bundle());
    const parsed = await engine.loadExample();
    if (!parsed.ok) throw new Error("example did not parse");
    const example = await exampleFile();
    const prisma = await examplePrisma();
    const run = async (settings: Settings) => {
      const outcome = await engine.analyze(parsed.table, settings);
      if (!outcome.ok) throw new Error(outcome.message);
      return outcome.analysis;
    };
    const threeLevel: Settings = { ...DEFAULT_SETTINGS, model: "three-level" };
    const shown = await run(threeLevel);
    expect(shown.multilevel).toEqual(
      referenceAnalysis(parsed.table, threeLevel, prisma).multilevel,
    );
    expect(shown.settings).toMatchObject({ model: "three-level", cluster: "publication" });
    const byStrain: Settings = { ...DEFAULT_SETTINGS, cluster: "strain" };
    expect((await run(byStrain)).settings?.cluster).toBe("strain");
    // None: the analysis of the file read without its publication column, as the CLI's --map.
    const none = await run({ ...DEFAULT_SETTINGS, cluster: null });
    const unmapped = await referenceParseWith(example.bytes, example.name, {
      columns: { cluster: null },
    });
    const expected = referenceAnalysis(unmapped, DEFAULT_SETTINGS, prisma);
    expect(none.multilevel).toBeNull();
    expect(none.model.robust).toBeNull();
    expect(none.model).toEqual(expected.model);
    expect(none.settings?.cluster).toBeNull();
  });

  it("returns every problem of a bad file with row and column, without throwing", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), null);
    const text = "study,m1i,sd1i,n1i,m2i,sd2i,n2i\nA,1,1,1,0,1,8\nB,1,0,8,x,1,8\n";
    const outcome = await engine.parse(new TextEncoder().encode(text), "bad.csv");
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    const where = outcome.problems.map((p) => `${p.row}:${p.column}`).sort();
    expect(where).toEqual(["2:n1i", "3:m2i", "3:sd1i"]);
    expect(structuredClone(outcome)).toEqual(outcome);
  });

  it("lists a workbook's sheets and reads the one chosen, as --sheet does", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), null);
    const xlsx = buildXlsx([
      { name: "notes", rows: [["notes"], ["extracted by two reviewers"]] },
      {
        name: "data",
        rows: [
          ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"],
          ["A", 10, 2, 8, 8, 2, 8],
          ["B", 11, 2.5, 10, 8.5, 2, 10],
        ],
      },
    ]);
    expect(await engine.sheetNames(xlsx, "two.xlsx")).toEqual(["notes", "data"]);
    expect(await engine.sheetNames(new TextEncoder().encode("study,yi"), "a.csv")).toEqual([]);
    expect(await engine.sheetNames(new Uint8Array([0x50, 0x4b, 3, 4, 0]), "x.xlsx")).toEqual([]);
    const first = await engine.parse(xlsx, "two.xlsx");
    expect(first.ok).toBe(false);
    const chosen = await engine.parse(xlsx, "two.xlsx", { sheet: "data" });
    expect(chosen.ok && chosen.table.rows.map((r) => r.study)).toEqual(["A", "B"]);
  });

  it("reads decimal commas when asked, as --decimal-comma does", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), null);
    const bytes = new TextEncoder().encode(
      "study;m1i;sd1i;n1i;m2i;sd2i;n2i\nA;10,5;2;8;8,25;2;8\nB;11;2,5;10;8;2;10\n",
    );
    expect((await engine.parse(bytes, "komma.csv")).ok).toBe(false);
    const read = await engine.parse(bytes, "komma.csv", { decimalComma: true });
    expect(read.ok && read.table.rows.map((r) => [r.m1i, r.m2i, r.sd1i])).toEqual([
      [10.5, 8.25, 2],
      [11, 8, 2.5],
    ]);
  });

  it("reports the SEM, CI and exclude columns it uses, for the Columns panel", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), null);
    const csv = [
      "study,m1i,sem_treatment,n1i,m2i,ci_lower_control,ci_upper_control,n2i,exclude",
      "A,10,1,9,8,6.5,9.5,9,",
      "B,11,0.8,10,8.5,7,10,10,",
      "C,9,1.2,6,8,6,10,6,duplicate of A",
    ].join("\n");
    const read = await engine.parse(new TextEncoder().encode(csv), "sem.csv");
    expect(read.ok).toBe(true);
    expect(read.detected).toMatchObject({
      m1i: "m1i",
      sem1i: "sem_treatment",
      ci2lb: "ci_lower_control",
      ci2ub: "ci_upper_control",
      exclude: "exclude",
    });
    // Mapped by hand under other names, the same columns read the same table.
    const renamed = csv
      .replace("sem_treatment", "se_T")
      .replace("ci_lower_control", "lo_C")
      .replace("ci_upper_control", "hi_C");
    const mapped = await engine.parse(new TextEncoder().encode(renamed), "sem.csv", {
      columns: { sem1i: "se_T", ci2lb: "lo_C", ci2ub: "hi_C" },
    });
    expect(mapped.ok && read.ok && mapped.table.rows).toEqual(read.ok && read.table.rows);
    expect(mapped.detected).toMatchObject({ sem1i: "se_T", ci2lb: "lo_C", ci2ub: "hi_C" });
  });

  it("says plainly that a build without the example has none", async () => {
    const outcome = await createEngine(bindPipeline(pooledVersion), null).loadExample();
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.problems[0]!.expected).toMatch(/without one/);
  });

  it("turns an analysis error into problems (a subgroup column that does not exist)", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), await bundle());
    const parsed = await engine.loadExample();
    if (!parsed.ok) throw new Error("example did not parse");
    const outcome = await engine.analyze(parsed.table, {
      ...DEFAULT_SETTINGS,
      by: "no_such_column",
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.cancelled).toBe(false);
    expect(outcome.problems.length).toBeGreaterThan(0);
    expect(outcome.problems.map((p) => `${p.column ?? ""} ${p.expected}`).join(" ")).toMatch(
      /no_such_column/,
    );
  });

  it("reports bootstrap progress (throttled, forward only) and stops when cancelled", async () => {
    const engine = createEngine(bindPipeline(pooledVersion), await bundle());
    const parsed = await engine.loadExample();
    if (!parsed.ok) throw new Error("example did not parse");
    const reports: Progress[] = [];
    const outcome = await engine.analyzeAsync(
      parsed.table,
      { ...DEFAULT_SETTINGS, bootstrap: 50_000 },
      42,
      (p) => {
        reports.push(p);
        if (reports.length === 2) void engine.cancel(42);
      },
    );
    expect(outcome).toEqual({ ok: false, message: "Cancelled", problems: [], cancelled: true });
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.every((p) => p.task === "bootstrap" && p.total === 50_000)).toBe(true);
    const done = reports.map((p) => p.done);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(done.at(-1)!).toBeLessThan(50_000);
  });
});
