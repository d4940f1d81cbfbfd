/**
 * `pooled analyze <project>.pooled.json` through the BUILT command (packages/cli/dist/bin.js, as
 * cli.test.ts runs it): a project gives byte for byte the analysis.json and report of its data
 * file with the equivalent flags, flags typed override the project's settings (commander's
 * defaults do not), a malformed project is bad input naming file and JSON path, and the limits
 * hold. Also the settings merge itself, and the flag choices against the project's.
 */
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Cell,
  createProject,
  type PooledProject,
  type ProjectFields,
  parsePrisma,
  SETTING_CHOICES,
  SETTING_LIMITS,
  serializeProject,
} from "@pooled/pipeline";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineRequest } from "../src/engine-protocol.js";
import { MAX_RESAMPLES, MIN_BOOTSTRAP } from "../src/program.js";
import { NO_SETTINGS, runSettings } from "../src/run-settings.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "packages/cli/dist/bin.js");
const examples = (name: string) => join(root, "examples", name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function pooled(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
const write = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return name;
};

beforeAll(() => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run "npm run build" first (turbo's test task builds it)`);
  dir = mkdtempSync(join(tmpdir(), "pooled-project-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CSV's cells as its reader sees them: text, "" for an empty field. */
function csvCells(text: string): { headers: string[]; rows: Cell[][] } {
  const [headers = [], ...rows] = Papa.parse<string[]>(text, {
    delimiter: ",",
    skipEmptyLines: true,
  }).data;
  return { headers, rows };
}

const EXAMPLE_CSV = "sci-exosomes-bbb.simulated.csv";
const exampleCells = () => csvCells(readFileSync(examples(EXAMPLE_CSV), "utf8"));
const examplePrisma = () =>
  parsePrisma(readFileSync(examples("prisma.json"), "utf8"), "prisma.json").counts!;

/** A project of the example's data with `fields` (saved at a fixed time). */
function exampleProject(fields: Partial<ProjectFields> = {}): PooledProject {
  return createProject({
    name: "test",
    savedAt: "2025-06-01T00:00:00.000Z",
    data: { source: EXAMPLE_CSV, ...exampleCells() },
    ...fields,
  });
}

/** Every file of a report folder, by path, as bytes (the manifest too). */
function folder(name: string): Map<string, Buffer> {
  const files = readdirSync(join(dir, name), { recursive: true, withFileTypes: true });
  return new Map(
    files
      .filter((f) => f.isFile())
      .map((f) => {
        const path = join(f.parentPath, f.name);
        return [path.slice(join(dir, name).length + 1), readFileSync(path)] as const;
      }),
  );
}

describe("a project analyses as its data file with the equivalent flags", () => {
  it("the bundled example project: the demo's analysis.json, byte for byte", async () => {
    const fromProject = await pooled([
      "analyze",
      examples("sci-exosomes-bbb.pooled.json"),
      "--format",
      "json",
    ]);
    const fromCsv = await pooled([
      "analyze",
      examples(EXAMPLE_CSV),
      "--measure",
      "MD",
      "--method",
      "REML",
      "--by",
      "dose",
      "--prisma",
      examples("prisma.json"),
      "--format",
      "json",
    ]);
    expect(fromProject.code, fromProject.stderr).toBe(0);
    expect(fromCsv.code, fromCsv.stderr).toBe(0);
    expect(fromProject.stdout).toBe(fromCsv.stdout);
    expect(JSON.parse(fromProject.stdout)).toMatchObject({
      source: EXAMPLE_CSV,
      settings: { measure: "MD", method: "REML", by: "dose" },
      prisma: { identified: 486, included: 22 },
    });
    expect(fromProject.stderr).toBe(fromCsv.stderr);
  });

  it("every setting and report label: the same report folder, file for file, byte for byte", async () => {
    write("bbb.csv", readFileSync(examples(EXAMPLE_CSV), "utf8"));
    write(
      "review.pooled.json",
      serializeProject(
        exampleProject({
          data: { source: "bbb.csv", ...exampleCells() },
          columns: { cluster: "publication" },
          analysis: {
            measure: "SMD",
            method: "DL",
            test: "knha",
            vtype: "UB",
            mods: ["dose", "year"],
            predict: [{ dose: "200 µg", year: 2018 }],
            permutations: 200,
            seed: 7,
            trimfillEstimator: "R0",
            eggerPredictor: "vi",
          },
          report: {
            forestSort: "effect",
            forestColumns: ["dose", "route"],
            favours: ["Favours control", "Favours exosomes"],
          },
          prisma: examplePrisma(),
        }),
      ),
    );
    const project = await pooled(["analyze", "review.pooled.json", "--out", "from-project"]);
    const csv = await pooled([
      ...["analyze", "bbb.csv", "--map", "cluster=publication", "--measure", "SMD"],
      ...["--method", "DL", "--test", "knha", "--vtype", "UB", "--mods", "dose,year"],
      ...["--predict", "dose=200 µg,year=2018", "--permutations", "200", "--seed", "7"],
      ...["--trimfill-estimator", "R0", "--egger-predictor", "vi", "--forest-sort", "effect"],
      ...["--forest-columns", "dose,route", "--favours", "Favours control,Favours exosomes"],
      ...["--prisma", examples("prisma.json"), "--out", "from-csv"],
    ]);
    expect(project.code, project.stderr).toBe(0);
    expect(csv.code, csv.stderr).toBe(0);
    expect(project.stdout).toBe(csv.stdout);
    const fromProject = folder("from-project");
    const fromCsv = folder("from-csv");
    expect([...fromProject.keys()].sort()).toEqual([...fromCsv.keys()].sort());
    for (const [name, bytes] of fromCsv)
      expect(fromProject.get(name)?.equals(bytes), `${name} differs`).toBe(true);
    const analysis = JSON.parse(fromProject.get("analysis.json")!.toString("utf8"));
    expect(analysis.settings).toMatchObject({
      measure: "SMD",
      method: "DL",
      test: "knha",
      permutations: 200,
      seed: 7,
    });
    expect(analysis.source).toBe("bbb.csv");
  }, 120_000);

  it("a .json file whose object says it is a project is one; a JSON data file is still data", async () => {
    write("review.json", serializeProject(exampleProject({ analysis: { method: "DL" } })));
    const run = await pooled(["analyze", "review.json", "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).settings.method).toBe("DL");
    write(
      "studies.json",
      JSON.stringify([
        { study: "A", yi: 0.5, vi: 0.1 },
        { study: "B", yi: 0.2, vi: 0.2 },
      ]),
    );
    const data = await pooled(["analyze", "studies.json", "--format", "json"]);
    expect(data.code, data.stderr).toBe(0);
    expect(JSON.parse(data.stdout)).toMatchObject({ source: "studies.json", model: { k: 2 } });
  });
});

describe("flags typed override the project's settings; defaults do not", () => {
  const settingsOf = async (args: string[]) => {
    const run = await pooled(["analyze", "over.pooled.json", "--format", "json", ...args]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it("--method, --test, --by, --prisma, --map over the project's; without them the project's", async () => {
    write(
      "over.pooled.json",
      serializeProject(
        exampleProject({
          columns: { cluster: null },
          analysis: { method: "DL", test: "knha", by: "route", model: "standard" },
          prisma: examplePrisma(),
        }),
      ),
    );
    const own = await settingsOf([]);
    expect(own.settings).toMatchObject({ method: "DL", test: "knha", by: "route", cluster: null });
    expect(own.prisma.identified).toBe(486);
    // --method REML and --test z are commander's defaults: typed, they still win.
    const typed = await settingsOf(["--method", "REML", "--test", "z", "--by", "dose"]);
    expect(typed.settings).toMatchObject({ method: "REML", test: "z", by: "dose" });
    const prisma = await settingsOf([
      "--prisma",
      "identified=10,duplicatesRemoved=0,screened=10,excludedScreening=5,fullTextAssessed=5,included=5",
      "--map",
      "cluster=publication",
    ]);
    expect(prisma.prisma).toMatchObject({ identified: 10, included: 5 });
    expect(prisma.settings).toMatchObject({ method: "DL", cluster: "publication" });
  });

  it("--sheet has no meaning for a project: bad input (exit 2), saying why", async () => {
    const run = await pooled(["analyze", examples("sci-exosomes-bbb.pooled.json"), "--sheet", "2"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `--sheet: expected no --sheet with a project file (${examples("sci-exosomes-bbb.pooled.json")} holds one table, not sheets), found "2"\n1 problem found; no analysis was run and no report was written.\n`,
    );
  });

  it("--decimal-comma reads the project's cells typed with commas", async () => {
    const cells = exampleCells();
    const rows = cells.rows.map((row) =>
      row.map((c) => String(c).replace(/^(\d+)\.(\d+)$/, "$1,$2")),
    );
    write("dots.pooled.json", serializeProject(exampleProject()));
    write(
      "comma.pooled.json",
      serializeProject(
        exampleProject({ data: { source: EXAMPLE_CSV, headers: cells.headers, rows } }),
      ),
    );
    const without = await pooled(["analyze", "comma.pooled.json"]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain(
      'comma.pooled.json:2:mean_treatment: expected a number (this looks like a decimal comma: use --decimal-comma), found "9,45"',
    );
    const commas = await pooled([
      "analyze",
      "comma.pooled.json",
      "--decimal-comma",
      "--format",
      "json",
    ]);
    const dots = await pooled(["analyze", "dots.pooled.json", "--format", "json"]);
    expect(commas.code, commas.stderr).toBe(0);
    expect(commas.stdout).toBe(dots.stdout);
  });
});

describe("bad projects are bad input: exit 2, file and JSON path named, no report", () => {
  it("every problem at once, as file:row:path lines", async () => {
    const project = JSON.parse(serializeProject(exampleProject()));
    project.analysis = { method: "reml", bootstrap: 10, colour: "red" };
    project.data.rows[3][9] = [12.79];
    project.report = { favours: "Favours control" };
    write("bad.pooled.json", JSON.stringify(project));
    const run = await pooled(["analyze", "bad.pooled.json", "--out", "bad-report"]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")).toEqual([
      "bad.pooled.json:5:data.rows[3][9]: expected a cell: text, a number, true, false or null (empty), found [12.79]",
      'bad.pooled.json:analysis.colour: expected one of the analysis settings: measure, method, test, model, cluster, level, by, mods, predict, add, to, drop00, vtype, legacySmdhVariance, correctBias, splitSharedControls, eggerPredictor, trimfillEstimator, trimfillSide, permutations, bootstrap, bootstrapType, gosh, seed, found an unknown name "colour"',
      'bad.pooled.json:analysis.method: expected one of FE, DL, HE, HS, SJ, ML, REML, EB, PM, MH, PETO (the choices of --method), found "reml"',
      "bad.pooled.json:analysis.bootstrap: expected a whole number from 100 to 1000000 (fewer than 100 replicates cannot place a 95% interval; 1000 or more are recommended) (as --bootstrap), e.g. 2000, found 10",
      'bad.pooled.json:report.favours: expected two labels, the left one first (as --favours), e.g. ["Favours control", "Favours treatment"], found "Favours control"',
      "5 problems found; no analysis was run and no report was written.",
      "",
    ]);
    expect(existsSync(join(dir, "bad-report"))).toBe(false);
  });

  it("not JSON, a later version, data that do not validate (row and column of the table)", async () => {
    write("broken.pooled.json", '{"format": "pooled-project", "version": 1,');
    const broken = await pooled(["analyze", "broken.pooled.json"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^broken\.pooled\.json: expected valid JSON \(a Pooled project: a JSON object such as \{"format": "pooled-project", \.\.\.\}\), found /,
    );
    const newer = JSON.parse(serializeProject(exampleProject()));
    newer.version = 2;
    write("newer.pooled.json", JSON.stringify(newer));
    const run = await pooled(["analyze", "newer.pooled.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "newer.pooled.json:version: expected a project of version 1 or earlier, which this Pooled reads, found version 2: the file was made by a newer Pooled; update Pooled to read it",
    );
    const cells = exampleCells();
    cells.rows[0]![8] = "thirteen";
    write(
      "cells.pooled.json",
      serializeProject(exampleProject({ data: { source: "x.csv", ...cells } })),
    );
    const bad = await pooled(["analyze", "cells.pooled.json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'cells.pooled.json:2:n_treatment: expected a whole number of animals, 2 or more, found "thirteen"',
    );
    // The analysis's own checks of the settings name the project file too.
    write("mh.pooled.json", serializeProject(exampleProject({ analysis: { method: "MH" } })));
    const mh = await pooled(["analyze", "mh.pooled.json"]);
    expect(mh.code).toBe(2);
    expect(mh.stderr).toContain("mh.pooled.json: expected --measure OR, RR or RD with --method MH");
  });

  it("limits: a project past the file size limit, or with more rows than the limit", async () => {
    const huge = write("huge.pooled.json", "");
    truncateSync(join(dir, huge), 128 * 1024 * 1024 + 1);
    const big = await pooled(["analyze", huge]);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(
      "huge.pooled.json: expected a file of at most 128 MB (Pooled's limit), found 128.0 MB",
    );
    const rows: Cell[][] = Array.from({ length: 100_001 }, (_, i) => [`S${i}`, "0.5", "0.1"]);
    write(
      "rows.pooled.json",
      serializeProject(
        exampleProject({ data: { source: null, headers: ["study", "yi", "vi"], rows } }),
      ),
    );
    const many = await pooled(["analyze", "rows.pooled.json"]);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain(
      "rows.pooled.json:100002: expected at most 100,000 rows of data (Pooled's limit), found more rows (reading stopped here)",
    );
  });

  it("PRISMA counts that do not add up are a warning, as with --prisma", async () => {
    write(
      "prisma.pooled.json",
      serializeProject(exampleProject({ prisma: { ...examplePrisma(), screened: 354 } })),
    );
    const run = await pooled(["analyze", "prisma.pooled.json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: PRISMA: /m);
  });
});

describe("the settings of a run", () => {
  const request = (over: Partial<EngineRequest> = {}): EngineRequest => ({
    file: "review.pooled.json",
    map: [],
    decimalComma: false,
    settings: { method: "REML", test: "z", model: "standard", by: "dose" },
    labels: { forestSort: "input" },
    defaulted: ["method", "test", "model", "forestSort", "format", "map"],
    format: "text",
    report: null,
    workers: 1,
    ...over,
  });
  const project = {
    columns: { m1i: "Mean T", sd1i: "SD T" },
    decimalComma: true,
    analysis: { method: "DL" as const, test: "knha" as const, by: "route", seed: 3 },
    report: { forestSort: "effect" as const, favours: ["a", "b"] as [string, string] },
    prisma: examplePrisma(),
  };

  it("a project keeps its settings where the flags only hold defaults; typed flags win", () => {
    const settings = runSettings(
      project,
      request(),
      { columns: { sd1i: null }, prisma: null },
      true,
    );
    expect(settings).toEqual({
      columns: { m1i: "Mean T", sd1i: null },
      decimalComma: true,
      analysis: { method: "DL", test: "knha", by: "dose", seed: 3 },
      report: { forestSort: "effect", favours: ["a", "b"] },
      prisma: project.prisma,
    });
  });

  it("a data file takes every flag, defaults included", () => {
    const settings = runSettings(
      NO_SETTINGS,
      request({ decimalComma: true }),
      { columns: {}, prisma: null },
      false,
    );
    expect(settings).toEqual({
      columns: {},
      decimalComma: true,
      analysis: { method: "REML", test: "z", model: "standard", by: "dose" },
      report: { forestSort: "input" },
      prisma: null,
    });
  });
});

describe("--help, the README and the choices", () => {
  it("--help explains project files and that flags override them", async () => {
    const run = await pooled(["analyze", "--help"]);
    expect(run.code).toBe(0);
    const help = run.stdout.replace(/\s+/g, " ");
    expect(help).toContain("review.pooled.json");
    expect(help).toContain("Flags typed override the project's settings");
    expect(help).toContain("--sheet does not apply to a project");
    const readme = readFileSync(join(root, "packages/cli/README.md"), "utf8");
    expect(readme).toContain("pooled analyze review.pooled.json");
    expect(readme).toContain("examples/sci-exosomes-bbb.pooled.json");
  });

  it("every choice of a flag is a value the project's setting takes, and the limits agree", async () => {
    // Commander wraps long lines: one space for every run of white space.
    const help = (await pooled(["analyze", "--help"])).stdout.replace(/\s+/g, " ");
    const choicesOf = (flag: string) => {
      const at = help.indexOf(`${flag} <`);
      const list = /\(choices: ([^)]*)\)/.exec(help.slice(at))![1]!;
      return [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    };
    const flags: Record<keyof typeof SETTING_CHOICES, string> = {
      measure: "--measure",
      method: "--method",
      test: "--test",
      model: "--model",
      to: "--to",
      eggerPredictor: "--egger-predictor",
      vtype: "--vtype",
      trimfillEstimator: "--trimfill-estimator",
      trimfillSide: "--trimfill-side",
      bootstrapType: "--bootstrap-type",
      forestSort: "--forest-sort",
    };
    for (const [setting, flag] of Object.entries(flags)) {
      const offered = choicesOf(flag);
      expect(offered.length, flag).toBeGreaterThan(1);
      // The same values both ways: a project can say what a flag can, and no more.
      expect([...SETTING_CHOICES[setting as keyof typeof SETTING_CHOICES]].sort(), flag).toEqual(
        [...new Set(offered)].sort(),
      );
    }
    expect(SETTING_LIMITS.resamples).toBe(MAX_RESAMPLES);
    expect(SETTING_LIMITS.minBootstrap).toBe(MIN_BOOTSTRAP);
  });
});
