/**
 * End-to-end tests of the BUILT command (packages/cli/dist/bin.js, run as a child process):
 * exit codes and messages for bad input, --help and --version, JSON numbers against the
 * metafor fixtures (fixtures/models.json, fixtures/escalc.json), and the report folder.
 */
import { execFile, spawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// The pipeline's test helper that writes small .xlsx workbooks (no binary file committed).
import { analyze, MAX_RESAMPLES as ENGINE_MAX_RESAMPLES, parseStudyText } from "@pooled/pipeline";
import { buildXlsx } from "@pooled/test-utils/xlsx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_RESAMPLES } from "../src/program.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "packages/cli/dist/bin.js");
const fixture = (name: string) => JSON.parse(readFileSync(join(root, "fixtures", name), "utf8"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function pooled(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let dir: string;
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return name;
};

beforeAll(() => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run "npm run build" first (turbo's test task builds it)`);
  dir = mkdtempSync(join(tmpdir(), "pooled-cli-"));
  writeFileSync(join(dir, "ok.csv"), GOOD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = "study,m1i,sd1i,n1i,m2i,sd2i,n2i";
const GOOD = `${HEADER}\nA,10,2,8,7,2.5,8\nB,11,3,10,7.5,2,9\nC,12,2.5,6,7,3,6\n`;

describe("help and version", () => {
  it("--version prints the package version", async () => {
    const version = JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8"))
      .version as string;
    const run = await pooled(["--version"], dir);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("npx pooled from the repository root runs the built CLI (the linked bin)", async () => {
    const manifest = JSON.parse(readFileSync(join(root, "packages/cli/package.json"), "utf8"));
    expect(manifest.bin).toEqual({ pooled: "bin/pooled.js" });
    const linked = join(root, "node_modules/.bin/pooled");
    expect(existsSync(linked), "npm ci links node_modules/.bin/pooled").toBe(true);
    const run = await new Promise<Run>((resolve) =>
      execFile(linked, ["--version"], { cwd: root }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      ),
    );
    expect(run).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it("--help names the commands with examples; no arguments prints the same", async () => {
    const run = await pooled(["--help"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/analyze \[options\] <file>/);
    expect(run.stdout).toMatch(/demo \[options\]/);
    expect(run.stdout).toMatch(/Examples:/);
    expect((await pooled([], dir)).stdout).toBe(run.stdout);
  });

  it("analyze --help describes every flag of the contract, each with an example", async () => {
    const run = await pooled(["analyze", "--help"], dir);
    expect(run.code).toBe(0);
    for (const flag of [
      "--measure",
      "--method",
      "--test",
      "--by",
      "--mods",
      "--permutations",
      "--bootstrap",
      "--seed",
      "--format",
      "--out",
      "--sheet",
      "--decimal-comma",
      "--map",
      "--prisma",
      "--quiet",
    ]) {
      expect(run.stdout).toContain(flag);
    }
    for (const choice of [
      '"MD", "SMD", "SMDH", "ROM", "NMD", "GEN"',
      '"FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB",',
      '"text", "json", "markdown"',
      'default: "REML"',
    ]) {
      expect(run.stdout.replace(/\s+/g, " ")).toContain(choice.replace(/\s+/g, " "));
    }
    expect(run.stdout.match(/e\.g\./g)!.length).toBeGreaterThanOrEqual(14);
    expect((await pooled(["demo", "--help"], dir)).stdout).toMatch(/pooled-demo-report/);
  });

  it("a wrong flag value is bad input (exit 2)", async () => {
    const run = await pooled(["analyze", "ok.csv", "--measure", "XOR"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/argument 'XOR' is invalid/);
    const add = await pooled(["analyze", "ok.csv", "--add", "-1"], dir);
    expect(add.code).toBe(2);
    expect(add.stderr).toMatch(/--add takes a number of 0 or more/);
    const perm = await pooled(["analyze", "ok.csv", "--permutations", "lots"], dir);
    expect(perm.code).toBe(2);
    expect(perm.stderr).toMatch(/--permutations expects a whole number from 2 to 1000000/);
  });

  it("resampling counts beyond the limit, or below what a test needs, are refused before any work", async () => {
    for (const [flag, value] of [
      ["--bootstrap", "99999999999999999999999"],
      ["--bootstrap", "1000001"],
      ["--bootstrap", "99"],
      ["--permutations", "600000000"],
      ["--permutations", "1"],
    ]) {
      const run = await pooled(["analyze", "ok.csv", flag!, value!], dir);
      expect(run.code, `${flag} ${value}`).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(`${flag} expects a whole number from (2|100) to 1000000`),
      );
    }
    // The web app's limit; within what the engine accepts.
    expect(MAX_RESAMPLES).toBe(1_000_000);
    expect(MAX_RESAMPLES).toBeLessThanOrEqual(ENGINE_MAX_RESAMPLES);
  });

  it("a reader that closes the pipe early ends the run quietly", async () => {
    for (const args of [
      ["--help"],
      ["analyze", "--help"],
      ["analyze", "ok.csv", "--format", "json"],
    ]) {
      const child = spawn(process.execPath, [bin, ...args], { cwd: dir });
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      child.stdout.once("data", () => child.stdout.destroy());
      const code = await new Promise<number | null>((done) => child.on("close", done));
      expect(stderr, args.join(" ")).not.toMatch(/EPIPE|Error/);
      expect(code, args.join(" ")).toBe(0);
    }
  });

  it("--permutations exact with too many arrangements is bad input, with what to ask instead", async () => {
    const rows = Array.from(
      { length: 22 },
      (_, i) => `S${i + 1},${10 + (i % 7) * 0.5},2,${8 + (i % 5)},7,2.5,${8 + (i % 3)}`,
    );
    write("k22.csv", `${HEADER}\n${rows.join("\n")}\n`);
    const run = await pooled(["analyze", "k22.csv", "--permutations", "exact", "--out", "r"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--permutations exact: .*4\.19e\+6 refits.*e\.g\. 10000/);
    expect(existsSync(join(dir, "r"))).toBe(false);
  });
});

describe("bad files: exit 2, every problem as file:row:column, no report", () => {
  const cases: [string, string, string[]][] = [
    [
      "missing-column.csv",
      "study,m1i,sd1i,n1i,m2i,n2i\nA,10,2,8,7,8\n",
      [
        "missing-column.csv:1: expected a column for the control SD: sd2i (or sd_control, control_sd, sd_c), or an SEM (sem2i, sem_control) or CI (ci_lower_control and ci_upper_control), found none among: study, m1i, sd1i, n1i, m2i, n2i",
      ],
    ],
    [
      "text.csv",
      `${HEADER}\nA,10,2,8,seven,2.5,8\n`,
      ['text.csv:2:m2i: expected a number, found "seven"'],
    ],
    [
      "negative-sd.csv",
      `${HEADER}\nA,10,-2,8,7,2.5,8\n`,
      ["negative-sd.csv:2:sd1i: expected a number greater than 0, found -2"],
    ],
    [
      "small-n.csv",
      `${HEADER}\nA,10,2,1,7,2.5,8\n`,
      ["small-n.csv:2:n1i: expected a whole number of animals, 2 or more, found 1"],
    ],
    [
      "ragged.csv",
      `${HEADER}\nA,10,2,8,7,2.5\n`,
      ["ragged.csv:2: expected 7 fields, as in the header row, found 6 fields"],
    ],
    [
      "empty.csv",
      "",
      ["empty.csv: expected a header row and at least one row of data, found an empty file"],
    ],
    [
      "header-only.csv",
      `${HEADER}\n`,
      [
        "header-only.csv: expected at least one row of data below the header, found the header row only",
      ],
    ],
    [
      "nan.csv",
      `${HEADER}\nA,NaN,2,8,7,2.5,8\nB,11,3,10,7.5,Inf,9\n`,
      [
        'nan.csv:2:m1i: expected a number, found "NaN"',
        'nan.csv:3:sd2i: expected a number greater than 0, found "Inf"',
      ],
    ],
  ];
  for (const [name, content, expected] of cases) {
    it(name, async () => {
      write(name, content);
      const run = await pooled(["analyze", name, "--out", `report-${name}`], dir);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines.slice(0, -1)).toEqual(expected);
      expect(lines.at(-1)).toBe(
        `${expected.length} problem${expected.length === 1 ? "" : "s"} found; no analysis was run and no report was written.`,
      );
      expect(existsSync(join(dir, `report-${name}`))).toBe(false);
      expect(readFileSync(join(dir, name), "utf8")).toBe(content); // input never modified
    });
  }

  it("a file that does not exist, and every other problem at once (--prisma, --map, --by)", async () => {
    write("prisma-bad.json", '{"identified": "many"}');
    const run = await pooled(
      ["analyze", "ok.csv", "--prisma", "prisma-bad.json", "--map", "nonsense=x", "--by", "route"],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'prisma-bad.json:identified: expected a whole number, 0 or more, found "many"',
    );
    expect(run.stderr).toContain("--map: expected a field name");
    expect(run.stderr).toContain('ok.csv:1:route: expected a column named "route"');
    const missing = await pooled(["analyze", "no-such-file.csv"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "no-such-file.csv: expected a readable data file, found no such file",
    );
  });

  it("a 50 MB file is read, and its bad cell near the end is reported", async () => {
    // Within the row limit (100,000), so each row carries a long note.
    const note = "Data extracted from figure 3B with WebPlotDigitizer; SD from the SEM. ".repeat(7);
    const line = `Experiment 000000,10.123456,2.123456,12,7.123456,2.523456,11,intravenous,Sprague-Dawley,2019,${note}\n`;
    const count = Math.ceil((50 * 1024 * 1024) / line.length);
    const parts = [`${HEADER},route,strain,year,notes\n`];
    for (let i = 0; i < count; i++)
      parts.push(i === count - 2 ? line.replace(",12,", ",1,") : line);
    write("big.csv", parts.join(""));
    expect(statSync(join(dir, "big.csv")).size).toBeGreaterThan(50 * 1024 * 1024);
    const run = await pooled(["analyze", "big.csv", "--out", "big-report"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(
      `big.csv:${count}:n1i: expected a whole number of animals, 2 or more, found 1`,
    );
    expect(existsSync(join(dir, "big-report"))).toBe(false);
  }, 180_000);
});

describe("input formats through the command", () => {
  it("XLSX: the first sheet, or --sheet by name; a missing sheet is bad input", async () => {
    const header = [
      "Study",
      "Mean treatment",
      "SD treatment",
      "n treatment",
      "Mean control",
      "SD control",
      "n control",
    ];
    write(
      "two-sheets.xlsx",
      buildXlsx([
        { name: "Notes", rows: [["read me"], ["extraction notes"]] },
        {
          name: "BBB week 6",
          rows: [
            header,
            ["A", 10, 2, 8, 7, 2.5, 8],
            ["B", 11, 3, 10, 7.5, 2, 9],
            ["C", 12, 2.5, 6, 7, 3, 6],
          ],
        },
      ]),
    );
    const first = await pooled(["analyze", "two-sheets.xlsx"], dir);
    expect(first.code).toBe(2);
    // One line per missing column (the group sizes first), each naming the file and row.
    expect(first.stderr).toMatch(/^two-sheets\.xlsx:1: expected a column for the treatment mean/m);
    const run = await pooled(
      ["analyze", "two-sheets.xlsx", "--sheet", "BBB week 6", "--method", "FE", "--format", "json"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).studies.map((s: { yi: number }) => s.yi)).toEqual([3, 3.5, 5]);
    const missing = await pooled(["analyze", "two-sheets.xlsx", "--sheet", "Week 8"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'two-sheets.xlsx: expected a sheet named or numbered as one of: 1 "Notes", 2 "BBB week 6", found sheet "Week 8"',
    );
  });

  it("--map and --config choose columns the names do not reveal", async () => {
    write("odd.csv", "label,MT,ST,NT,MC,SC,NC\nA,10,2,8,7,2.5,8\nB,11,3,10,7.5,2,9\n");
    const mapped = [
      "--map",
      "m1i=MT",
      "--map",
      "sd1i=ST",
      "--map",
      "n1i=NT",
      "--map",
      "m2i=MC",
      "--map",
      "sd2i=SC",
      "--map",
      "n2i=NC",
      "--map",
      "study=label",
    ];
    const run = await pooled(
      ["analyze", "odd.csv", ...mapped, "--method", "FE", "--format", "json"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).studies.map((s: { study: string }) => s.study)).toEqual([
      "A",
      "B",
    ]);
    write(
      "columns.json",
      JSON.stringify({
        columns: {
          study: "label",
          m1i: "MT",
          sd1i: "ST",
          n1i: "NT",
          m2i: "MC",
          sd2i: "SC",
          n2i: "NC",
        },
      }),
    );
    const viaConfig = await pooled(
      ["analyze", "odd.csv", "--config", "columns.json", "--method", "FE", "--format", "json"],
      dir,
    );
    expect(viaConfig.code, viaConfig.stderr).toBe(0);
    expect(JSON.parse(viaConfig.stdout).model).toEqual(JSON.parse(run.stdout).model);
  });

  it("semicolons with decimal commas, and a BOM", async () => {
    const text =
      "\ufeffstudy;m1i;sd1i;n1i;m2i;sd2i;n2i\nA;10,5;2;8;7;2,5;8\nB;11;3;10;7,5;2;9\nC;12;2,5;6;7;3;6\n";
    write("euro.csv", text);
    const bad = await pooled(["analyze", "euro.csv", "--format", "json"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'euro.csv:2:m1i: expected a number (this looks like a decimal comma: use --decimal-comma), found "10,5"',
    );
    const run = await pooled(
      ["analyze", "euro.csv", "--decimal-comma", "--format", "json", "--method", "FE"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).studies[0].yi).toBeCloseTo(3.5, 12);
  });
});

/** |actual - expected| <= 1e-4·|expected| (METHODS.md), with a small absolute floor near 0. */
function close(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || expected === undefined) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-4 * Math.abs(expected) + 1e-8,
  );
}

describe("JSON output against metafor", () => {
  const models = fixture("models.json");
  const escalc = fixture("escalc.json");

  it("MD from arm data (dat.normand1999): escalc and every tau² method, z and knha", async () => {
    const md = escalc.cases.find((c: { name: string }) => c.name === "normand1999 MD");
    const { labels, m1i, sd1i, n1i, m2i, sd2i, n2i } = md.input;
    const rows = labels.map((l: string, i: number) =>
      [l, m1i[i], sd1i[i], n1i[i], m2i[i], sd2i[i], n2i[i]].join(","),
    );
    write("normand.csv", `${HEADER}\n${rows.join("\n")}\n`);
    for (const method of ["FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM"]) {
      for (const test of ["z", "knha"]) {
        const run = await pooled(
          [
            "analyze",
            "normand.csv",
            "--measure",
            "MD",
            "--method",
            method,
            "--test",
            test,
            "--format",
            "json",
          ],
          dir,
        );
        expect(run.code, run.stderr).toBe(0);
        const out = JSON.parse(run.stdout);
        const id = `normand_md/${method}/${test}`;
        const e = models.cases.find((c: { id: string }) => c.id === id).expected;
        out.studies.forEach(
          (s: { study: string; yi: number; vi: number; weight: number }, i: number) => {
            expect(s.study).toBe(labels[i]);
            close(s.yi, md.yi[i], `${id} yi[${i}]`);
            close(s.vi, md.vi[i], `${id} vi[${i}]`);
            close(s.weight, e.weights[i], `${id} weight[${i}]`);
          },
        );
        const m = out.model;
        expect(m.k).toBe(9);
        close(m.estimate, e.beta, `${id} estimate`);
        close(m.se, e.se, `${id} se`);
        close(m.ciLower, e["ci.lb"], `${id} ciLower`);
        close(m.ciUpper, e["ci.ub"], `${id} ciUpper`);
        close(m.p, e.pval, `${id} p`);
        close(m.Q, e.QE, `${id} Q`);
        close(m.Qp, e.QEp, `${id} Qp`);
        close(m.I2, e.I2, `${id} I2`);
        close(m.H2, e.H2, `${id} H2`);
        if (method === "FE") {
          expect(m.tau2).toBeNull();
        } else {
          close(m.tau2, e.tau2, `${id} tau2`);
          close(m.piLower, e.predict["pi.lb"], `${id} piLower`);
          close(m.piUpper, e.predict["pi.ub"], `${id} piUpper`);
        }
      }
    }
  }, 120_000);

  it("given effect sizes (GEN, dat.bcg) with subgroups: both between-group tests", async () => {
    for (const id of ["bcg/REML/z", "bcg/DL/knha"]) {
      const c = models.subgroups.find((s: { id: string }) => s.id === id);
      const { yi, vi, groups } = c.input;
      write(
        "bcg.csv",
        `study,yi,vi,alloc\n${yi.map((y: number, i: number) => `S${i + 1},${y},${vi[i]},${groups[i]}`).join("\n")}\n`,
      );
      const [, method, test] = id.split("/");
      const run = await pooled(
        [
          "analyze",
          "bcg.csv",
          "--measure",
          "GEN",
          "--method",
          method!,
          "--test",
          test!,
          "--by",
          "alloc",
          "--format",
          "json",
        ],
        dir,
      );
      expect(run.code, run.stderr).toBe(0);
      const sub = JSON.parse(run.stdout).subgroups;
      expect(sub.groups.map((g: { level: string }) => g.level)).toEqual(c.expected.levels);
      sub.groups.forEach(
        (g: { k: number; estimate: number; se: number; tau2: number | null }, i: number) => {
          const e = c.expected.groups[i].expected;
          expect(g.k).toBe(e.k);
          close(g.estimate, e.beta, `${id} ${c.expected.levels[i]} estimate`);
          close(g.se, e.se, `${id} ${c.expected.levels[i]} se`);
        },
      );
      const separate = sub.tests.find((t: { type: string }) => t.type === "separate-tau2");
      const common = sub.tests.find((t: { type: string }) => t.type === "common-tau2");
      close(separate.Q, c.expected.separate.Q, `${id} separate Q`);
      expect(separate.df).toBe(c.expected.separate.df);
      close(separate.p, c.expected.separate.p, `${id} separate p`);
      close(common.Q, c.expected.common.QM, `${id} common QM`);
      close(common.p, c.expected.common.QMp, `${id} common p`);
    }
  }, 60_000);

  it("meta-regression (--mods): terms in order, QM and R²", async () => {
    const c = models.cases.find((x: { id: string }) => x.id === "bcg/REML/z/cont+categ");
    const { yi, vi, mods } = c.input;
    const [ablat, alloc] = mods;
    write(
      "bcg-mods.csv",
      `study,yi,vi,ablat,alloc\n${yi.map((y: number, i: number) => `S${i + 1},${y},${vi[i]},${ablat.values[i]},${alloc.values[i]}`).join("\n")}\n`,
    );
    const run = await pooled(
      ["analyze", "bcg-mods.csv", "--measure", "GEN", "--mods", "ablat,alloc", "--format", "json"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const reg = JSON.parse(run.stdout).regression;
    const e = c.expected;
    expect(reg.terms).toHaveLength(e.beta.length);
    reg.terms.forEach((t: { estimate: number; se: number; ciLower: number }, i: number) => {
      close(t.estimate, e.beta[i], `beta[${i}]`);
      close(t.se, e.se[i], `se[${i}]`);
      close(t.ciLower, e["ci.lb"][i], `ci.lb[${i}]`);
    });
    close(reg.QM, e.QM, "QM");
    expect(reg.QMdf).toBe(e.QMdf[0]);
    close(reg.QMp, e.QMp, "QMp");
    close(reg.tau2, e.tau2, "tau2");
    close(reg.R2, e.R2, "R2");
    close(reg.QE, e.QE, "QE");
  }, 60_000);
});

describe("small-study tests, leave-one-out, resampling blocks (dat.bcg, GEN, REML)", () => {
  const bias = fixture("bias.json");
  const diagnostics = fixture("diagnostics.json");
  let out: {
    bias: {
      egger: { z: number; p: number; limitEstimate: number };
      begg: { tau: number; p: number };
      trimFill: { k0: number; side: string; estimate: number; ciLower: number; ciUpper: number };
    };
    leaveOneOut: { study: string; estimate: number; se: number; tau2: number; I2: number }[];
  };
  beforeAll(async () => {
    const data = bias.datasets.bcg;
    write(
      "bcg-bias.csv",
      `study,yi,vi\n${data.labels.map((l: string, i: number) => `"${l}",${data.yi[i]},${data.vi[i]}`).join("\n")}\n`,
    );
    const run = await pooled(["analyze", "bcg-bias.csv", "--format", "json"], dir);
    expect(run.code, run.stderr).toBe(0);
    out = JSON.parse(run.stdout);
  });

  it("Egger (regtest, sei, REML), Begg (ranktest) and trim-and-fill (L0) as metafor", () => {
    const egger = bias.regtest.find(
      (r: Record<string, unknown>) =>
        r["dataset"] === "bcg" &&
        r["model"] === "rma" &&
        r["predictor"] === "sei" &&
        r["method"] === "REML" &&
        r["test"] === "z",
    );
    close(out.bias.egger.z, egger.statistic, "egger z");
    close(out.bias.egger.p, egger.p, "egger p");
    close(out.bias.egger.limitEstimate, egger.limitEstimate, "egger limit estimate");
    const begg = bias.ranktest.find((r: Record<string, unknown>) => r["dataset"] === "bcg");
    close(out.bias.begg.tau, begg.tau, "begg tau");
    close(out.bias.begg.p, begg.p, "begg p");
    const tf = bias.trimfill.find(
      (r: Record<string, unknown>) =>
        r["dataset"] === "bcg" &&
        r["method"] === "REML" &&
        r["estimator"] === "L0" &&
        r["sideGiven"] === null,
    );
    expect(out.bias.trimFill.k0).toBe(tf.k0);
    expect(out.bias.trimFill.side).toBe(tf.side);
    close(out.bias.trimFill.estimate, tf.estimate, "trim-fill estimate");
    close(out.bias.trimFill.ciLower, tf.ciLower, "trim-fill ciLower");
    close(out.bias.trimFill.ciUpper, tf.ciUpper, "trim-fill ciUpper");
  });

  it("leave-one-out as metafor's leave1out", () => {
    const l1o = diagnostics.leave1out.find(
      (r: Record<string, unknown>) =>
        r["dataset"] === "bcg" && r["method"] === "REML" && r["test"] === "z",
    );
    expect(out.leaveOneOut.map((r) => r.study)).toEqual(bias.datasets.bcg.labels);
    out.leaveOneOut.forEach((r, i) => {
      close(r.estimate, l1o.estimate[i], `estimate[${i}]`);
      close(r.se, l1o.se[i], `se[${i}]`);
      close(r.tau2, l1o.tau2[i], `tau2[${i}]`);
      close(r.I2, l1o.I2[i], `I2[${i}]`);
    });
  });

  it("permutation and bootstrap blocks echo seed and iterations, and repeat exactly with the same seed", async () => {
    const args = [
      "analyze",
      "bcg-bias.csv",
      "--permutations",
      "200",
      "--bootstrap",
      "100",
      "--seed",
      "7",
      "--format",
      "json",
      "--quiet",
    ];
    const [a, b] = await Promise.all([pooled(args, dir), pooled(args, dir)]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toBe("");
    const first = JSON.parse(a.stdout);
    expect(first.permutation).toMatchObject({ seed: 7, iterations: 200 });
    expect(first.bootstrap).toMatchObject({ seed: 7, iterations: 100 });
    expect(first.permutation.p).toBeGreaterThan(0);
    expect(first.permutation.p).toBeLessThanOrEqual(1);
    expect(JSON.parse(b.stdout).permutation).toEqual(first.permutation);
    expect(JSON.parse(b.stdout).bootstrap).toEqual(first.bootstrap);
  }, 120_000);

  it("resampling of several blocks runs on worker threads started from the bundled CLI", async () => {
    // More than one block of 1024 replicates: with more than one core (availableParallelism), the
    // blocks go to worker threads, whose script (dist/node-worker.js) must resolve in the bundle.
    const rows = Array.from(
      { length: 30 },
      (_, i) => `S${i + 1},${10 + (i % 7) * 0.5},2,${8 + (i % 5)},7,2.5,${8 + (i % 3)}`,
    );
    write("workers.csv", `${HEADER}\n${rows.join("\n")}\n`);
    const run = await pooled(
      [
        "analyze",
        "workers.csv",
        "--permutations",
        "3000",
        "--bootstrap",
        "3000",
        "--seed",
        "3",
        "--format",
        "json",
        "--quiet",
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.permutation).toMatchObject({ seed: 3, iterations: 3000, failed: 0 });
    expect(out.bootstrap).toMatchObject({ seed: 3, iterations: 3000 });
  }, 120_000);
});

describe("a side analysis that fails never costs the analysis; the main model failing does", () => {
  it("equal SEs break the small-study tests, Knapp-Hartung the first cumulative step: exit 0, full report, reasons shown", async () => {
    write(
      "equal-se.csv",
      "study,yi,vi,year\nS1,0.1,0.04,2001\nS2,0.5,0.04,2002\nS3,0.3,0.04,2003\nS4,0.8,0.04,2004\nS5,0.2,0.04,2005\n",
    );
    const run = await pooled(
      ["analyze", "equal-se.csv", "--test", "knha", "--out", "equal-se"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const egger =
      'Egger\'s regression test could not be computed: the predictor "sei" has the same value in every study';
    expect(run.stdout.replace(/\s+/g, " ")).toContain(egger);
    const report = (name: string) => readFileSync(join(dir, "equal-se", name), "utf8");
    const analysis = JSON.parse(report("analysis.json"));
    // Every test on the SE fails (PET regresses on it too); the fail-safe Ns need no predictor.
    expect(analysis.bias).toMatchObject({
      egger: null,
      begg: null,
      trimFill: null,
      eggerSampleSize: null,
      petPeese: null,
    });
    expect(analysis.bias.failSafeN.rosenthal.n).toBeGreaterThan(0);
    expect(analysis.warnings.some((w: string) => w.startsWith(egger))).toBe(true);
    expect(analysis.cumulative[0].estimate).toBeNull();
    expect(analysis.cumulative[4].estimate).toBeCloseTo(analysis.model.estimate, 10);
    expect(analysis.warnings).toContain(
      "Step 1: the model could not be fitted (the Knapp-Hartung test (k - p degrees of freedom) needs at least 2 studies; got 1).",
    );
    expect(analysis.leaveOneOut).toHaveLength(5);
    const html = report("report.html");
    expect(html).toContain("Egger&#39;s regression test could not be computed");
    expect(html).toContain("PET-PEESE could not be computed");
    expect(html).toContain(`Fail-safe N: Rosenthal ${analysis.bias.failSafeN.rosenthal.n} (`);
    expect(html).toContain("Step 1: the model could not be fitted");
    for (const file of ["forest.svg", "leave-one-out.csv", "cumulative.csv", "summary.txt"])
      expect(existsSync(join(dir, "equal-se", file)), file).toBe(true);
  });

  it("the main model failing exits 1 with the engine's reason and writes no report", async () => {
    write("one-study.csv", "study,yi,vi\nS1,0.3,0.02\n");
    const run = await pooled(
      ["analyze", "one-study.csv", "--test", "knha", "--out", "one-study"],
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "pooled: the analysis failed: the Knapp-Hartung test (k - p degrees of freedom) needs at least 2 studies; got 1",
    );
    expect(run.stderr).toContain("no report was written");
    expect(existsSync(join(dir, "one-study"))).toBe(false);
  });
});

describe("experiments nested in publications: --cluster, --model three-level", () => {
  const example = join(root, "examples/sci-exosomes-bbb.simulated.csv");
  const table = () => {
    const parsed = parseStudyText(readFileSync(example, "utf8"), "sci-exosomes-bbb.simulated.csv");
    return parsed.table!;
  };
  const json = async (args: string[]) => {
    const run = await pooled(["analyze", example, "--format", "json", "--quiet", ...args], dir);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it("the example's publication column gives model.robust and the multilevel block, as the pipeline's", async () => {
    const out = await json([]);
    const expected = analyze(table());
    expect(out.settings).toMatchObject({ cluster: "publication", model: "standard" });
    expect(Object.keys(out.model.robust)).toEqual(
      expect.arrayContaining(["se", "df", "ciLower", "ciUpper", "p"]),
    );
    expect(out.model.robust).toEqual(expected.model.robust);
    expect(out.multilevel).toEqual(expected.multilevel);
    expect(out.multilevel).toMatchObject({ k: 29, clusters: 21, method: "REML" });
  });

  it("--model three-level with --mods and --by: regression.multilevel and subgroups.multilevel", async () => {
    const out = await json(["--model", "three-level", "--mods", "year", "--by", "dose"]);
    const expected = analyze(table(), {
      model: "three-level",
      mods: ["year"],
      by: "dose",
    });
    expect(out.regression.multilevel).toEqual(expected.regression!.multilevel);
    expect(Object.keys(out.regression.multilevel)).toEqual(
      expect.arrayContaining(["terms", "QM", "QMdf", "QMp", "robustQM"]),
    );
    expect(Object.keys(out.regression.multilevel.terms[0])).toEqual(
      expect.arrayContaining([
        "name",
        "estimate",
        "se",
        "ciLower",
        "ciUpper",
        "p",
        "robustSe",
        "robustDf",
        "robustP",
      ]),
    );
    expect(out.subgroups.multilevel).toEqual(expected.subgroups!.multilevel);
    expect(Object.keys(out.subgroups.multilevel.groups[0])).toEqual(
      expect.arrayContaining([
        "level",
        "k",
        "clusters",
        "estimate",
        "se",
        "ciLower",
        "ciUpper",
        "sigma2Between",
        "sigma2Within",
      ]),
    );
    expect(Object.keys(out.subgroups.multilevel.test)).toEqual(
      expect.arrayContaining(["QM", "df", "p"]),
    );
    const knha = await json(["--model", "three-level", "--test", "knha"]);
    expect(knha.multilevel).toMatchObject({ test: "t", df: 28 });
  });

  it("--model three-level: the summary, the forest plot (by publication) and the report lead with it", async () => {
    const run = await pooled(
      ["analyze", example, "--model", "three-level", "--out", "three-level"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Pooled mean difference (three-level model): 3.38");
    const forest = readFileSync(join(dir, "three-level", "forest.svg"), "utf8");
    expect(forest.match(/class="row cluster-row"/g)).toHaveLength(6);
    expect(forest).toContain("Three-level model (REML)");
    const html = readFileSync(join(dir, "three-level", "report.html"), "utf8");
    expect(html).toContain("Dependence: experiments within publications");
    expect(readFileSync(join(dir, "three-level", "analysis.R"), "utf8")).toContain(
      "random = ~ 1 | cluster/experiment",
    );
  });

  it("bad input: a missing --cluster column, an empty publication cell, --model and --method refused (exit 2)", async () => {
    const missing = await pooled(["analyze", example, "--cluster", "paper_id"], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'sci-exosomes-bbb.simulated.csv:1:paper_id: expected a column named "paper_id"; the columns are: study, publication, year,',
    );
    const lines = readFileSync(example, "utf8").split("\n");
    lines[3] = lines[3]!.replace(/^([^,]*),[^,]*,/, "$1,,");
    write("empty-publication.csv", lines.join("\n"));
    const empty = await pooled(["analyze", "empty-publication.csv"], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      "empty-publication.csv:4:publication: expected the publication this experiment comes from",
    );
    const model = await pooled(["analyze", example, "--model", "four-level"], dir);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain("Allowed choices are standard, three-level");
    const method = await pooled(
      ["analyze", example, "--model", "three-level", "--method", "DL"],
      dir,
    );
    expect(method.code).toBe(2);
    expect(method.stderr).toContain(
      "expected --method REML or ML with --model three-level (its variance components are estimated by restricted or full maximum likelihood, as metafor's rma.mv), found --method DL",
    );
    const noColumn = await pooled(["analyze", "ok.csv", "--model", "three-level"], dir);
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr).toContain("a publication column for --model three-level");
  });

  it("--help documents --model, --cluster and what --test knha means for the three-level model", async () => {
    const help = (await pooled(["analyze", "--help"], dir)).stdout.replace(/\s+/g, " ");
    expect(help).toContain("--model <model>");
    expect(help).toContain('(choices: "standard", "three-level", default: "standard")');
    expect(help).toContain("--cluster <column>");
    expect(help).toContain('metafor rma.mv\'s test = "t"');
    expect(help).toContain("with --model three-level only REML or ML");
  });
});

describe("report folder", () => {
  it("--forest-sort orders the forest plot's studies; the default keeps the file's order", async () => {
    const labelsIn = (report: string) => {
      const svg = readFileSync(join(dir, report, "forest.svg"), "utf8");
      return [...svg.matchAll(/>([ABC])</g)].map((m) => m[1]);
    };
    // MD: A 3.0, B 3.5, C 5.0; the file lists them B, C, A.
    const [, a, b, c] = GOOD.trim().split("\n");
    write("mixed.csv", `${HEADER}\n${b}\n${c}\n${a}\n`);
    expect((await pooled(["analyze", "mixed.csv", "--out", "sort-input"], dir)).code).toBe(0);
    expect(labelsIn("sort-input")).toEqual(["B", "C", "A"]);
    const byEffect = await pooled(
      ["analyze", "mixed.csv", "--forest-sort", "effect", "--out", "sort-effect"],
      dir,
    );
    expect(byEffect.code, byEffect.stderr).toBe(0);
    expect(labelsIn("sort-effect")).toEqual(["A", "B", "C"]);
    const analysis = JSON.parse(readFileSync(join(dir, "sort-effect", "analysis.json"), "utf8"));
    const byWeight = [...analysis.studies]
      .sort((a: { weight: number }, b: { weight: number }) => b.weight - a.weight)
      .map((s: { study: string }) => s.study);
    await pooled(["analyze", "mixed.csv", "--forest-sort", "weight", "--out", "sort-weight"], dir);
    expect(labelsIn("sort-weight")).toEqual(byWeight);
    const bad = await pooled(["analyze", "ok.csv", "--forest-sort", "size"], dir);
    expect(bad.code).toBe(2);
    const noYear = await pooled(["analyze", "mixed.csv", "--forest-sort", "year"], dir);
    expect(noYear.code).toBe(0);
    expect(noYear.stderr).toContain("warning: --forest-sort year: the file has no year column");
  });

  it("pooled demo writes a complete report and prints the text summary", async () => {
    const run = await pooled(["demo", "--out", "demo-report"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/29/);
    const files = readdirSync(join(dir, "demo-report"), { recursive: true }) as string[];
    expect(files).toContain("analysis.json");
    const analysis = JSON.parse(readFileSync(join(dir, "demo-report", "analysis.json"), "utf8"));
    expect(analysis.model.k).toBe(29);
    expect(analysis.excluded).toHaveLength(1);
    // The example's publications report several experiments: the Dependence section appears.
    expect(analysis.multilevel).toMatchObject({ k: 29, clusters: 21 });
    expect(run.stdout).toContain("Dependence: experiments within publications");
    // no temporary folders left beside it
    expect(readdirSync(dir).filter((f) => f.startsWith(".demo-report"))).toEqual([]);
  }, 120_000);

  const rscript = ["/usr/bin/Rscript", "/usr/local/bin/Rscript"].find((p) => existsSync(p)) ?? null;
  if (rscript === null)
    console.log(
      "analysis.R is not run: Rscript is not installed (apt-get install r-base-core r-cran-metafor r-cran-jsonlite)",
    );
  it.skipIf(rscript === null)(
    "the report's analysis.R runs under Rscript and reproduces the model with metafor",
    async () => {
      const run = await new Promise<Run>((resolve) => {
        execFile(
          rscript!,
          ["analysis.R"],
          { cwd: join(dir, "demo-report"), maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            resolve({
              code: error === null ? 0 : typeof error.code === "number" ? error.code : 1,
              stdout,
              stderr,
            });
          },
        );
      });
      expect(run.code, run.stderr).toBe(0);
      const line = run.stdout.split("\n").find((l) => l.startsWith("POOLED-JSON "));
      expect(line, "analysis.R prints a POOLED-JSON line").toBeDefined();
      const fromR = JSON.parse(line!.slice("POOLED-JSON ".length));
      const ours = JSON.parse(readFileSync(join(dir, "demo-report", "analysis.json"), "utf8"));
      for (const key of ["estimate", "se", "tau2", "I2", "Q"])
        close(ours.model[key], fromR.model[key], `model.${key}`);
    },
    120_000,
  );

  it("never replaces a folder holding files it did not write, nor the working folder", async () => {
    const { mkdirSync, readFileSync: read } = await import("node:fs");
    // the README's `--format json > analysis.json`, then --out . beside the data
    const project = join(dir, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "studies.csv"), readFileSync(join(dir, "ok.csv")));
    const json = await pooled(["analyze", "studies.csv", "--format", "json"], project);
    expect(json.code, json.stderr).toBe(0);
    writeFileSync(join(project, "analysis.json"), json.stdout);
    const here = await pooled(["analyze", "studies.csv", "--out", "."], project);
    expect(here.code).toBe(1);
    expect(here.stderr).toMatch(/working folder/);
    const beside = await pooled(["analyze", "project/studies.csv", "--out", "project"], dir);
    expect(beside.code).toBe(1);
    expect(beside.stderr).toMatch(/does not hold a Pooled report/);
    expect(read(join(project, "studies.csv"), "utf8")).toBe(read(join(dir, "ok.csv"), "utf8"));
    // a report folder with a file added by hand keeps it
    const first = await pooled(["analyze", "ok.csv", "--out", "kept"], dir);
    expect(first.code, first.stderr).toBe(0);
    writeFileSync(join(dir, "kept", "notes.txt"), "mine");
    const second = await pooled(["analyze", "ok.csv", "--out", "kept"], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/holds files Pooled did not write \(notes\.txt\)/);
    expect(read(join(dir, "kept", "notes.txt"), "utf8")).toBe("mine");
  }, 120_000);

  it("replaces an earlier report, but never a folder that is not a report", async () => {
    const again = await pooled(["demo", "--out", "demo-report", "--quiet"], dir);
    expect(again.code, again.stderr).toBe(0);
    write("precious.txt", "keep me");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "mine"), { recursive: true });
    writeFileSync(join(dir, "mine", "notes.txt"), "keep me");
    const run = await pooled(["analyze", "ok.csv", "--out", "mine"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not hold a Pooled report/);
    expect(readdirSync(join(dir, "mine"))).toEqual(["notes.txt"]);
  }, 120_000);
});

describe("Ctrl-C", () => {
  it("SIGINT during a long bootstrap exits 130 and leaves no report and no temporary folder", async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `S${i + 1},${10 + (i % 7) * 0.5},2,${8 + (i % 5)},7,2.5,${8 + (i % 3)}`,
    );
    write("long.csv", `${HEADER}\n${rows.join("\n")}\n`);
    const child = spawn(
      process.execPath,
      [bin, "analyze", "long.csv", "--bootstrap", "1000000", "--seed", "1", "--out", "long-report"],
      { cwd: dir },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    // Piped stderr gets no progress output, so wait until the CLI catches SIGINT (Linux: bit 1
    // of SigCgt in /proc/<pid>/status), then 1.5 s more so the bootstrap is under way (a SIGINT
    // earlier must give the same outcome; the CLI's handler covers the whole run), then Ctrl-C.
    const catchesSigint = (): boolean => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const mask = /SigCgt:\s*([0-9a-f]+)/.exec(status)?.[1];
        return mask !== undefined && (BigInt(`0x${mask}`) & 2n) !== 0n;
      } catch {
        return false;
      }
    };
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (catchesSigint()) {
          clearInterval(poll);
          setTimeout(resolve, 1500);
        }
      }, 50);
    });
    expect(stderr).not.toContain("Running");
    child.kill("SIGINT");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain("interrupted; no report was written.");
    expect(existsSync(join(dir, "long-report"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith(".long-report"))).toEqual([]);
  }, 60_000);
});

describe("event counts: --measure, --method MH|PETO, zero-cell flags, --egger-predictor", () => {
  const example = join(root, "examples/sci-exosomes-mortality.simulated.csv");
  const table = () =>
    parseStudyText(readFileSync(example, "utf8"), "sci-exosomes-mortality.simulated.csv").table!;
  const json = async (args: string[]) => {
    const run = await pooled(["analyze", example, "--format", "json", "--quiet", ...args], dir);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it("the flags reach the analysis: the same JSON as the pipeline's", async () => {
    const out = await json([
      "--method",
      "MH",
      "--measure",
      "RR",
      "--add",
      "0.25",
      "--to",
      "all",
      "--no-drop00",
      "--egger-predictor",
      "ninv",
    ]);
    const expected = analyze(table(), {
      method: "MH",
      measure: "RR",
      add: 0.25,
      to: "all",
      drop00: false,
      eggerPredictor: "ninv",
    });
    expect(out.settings).toMatchObject({
      measure: "RR",
      method: "MH",
      add: 0.25,
      to: "all",
      drop00: false,
      eggerPredictor: "ninv",
    });
    expect(out.model).toEqual(expected.model);
    expect(out.model.scale).toBe("log");
    expect(out.bias.egger.predictor).toBe("ninv");
  });

  it("a method that does not fit the measure is bad input (exit 2)", async () => {
    const run = await pooled(["analyze", example, "--method", "MH", "--measure", "PETO"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--measure OR, RR or RD with --method MH/);
  });
});

describe("the further methods' flags reach the analysis", () => {
  const example = join(root, "examples/sci-exosomes-bbb.simulated.csv");
  const table = () =>
    parseStudyText(readFileSync(example, "utf8"), "sci-exosomes-bbb.simulated.csv").table!;

  it("--predict, --trimfill-estimator, --trimfill-side, --vtype: the same JSON as the pipeline's", async () => {
    const run = await pooled(
      [
        "analyze",
        example,
        "--format",
        "json",
        "--quiet",
        "--measure",
        "SMD",
        "--vtype",
        "UB",
        "--mods",
        "dose,year",
        "--predict",
        "dose=200 µg,year=2018;dose=100 µg,year=2020",
        "--trimfill-estimator",
        "R0",
        "--trimfill-side",
        "left",
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    const expected = analyze(table(), {
      measure: "SMD",
      vtype: "UB",
      mods: ["dose", "year"],
      predict: [
        { dose: "200 µg", year: 2018 },
        { dose: "100 µg", year: 2020 },
      ],
      trimfillEstimator: "R0",
      trimfillSide: "left",
    });
    expect(out.predictions).toEqual(expected.predictions);
    expect(out.bias.trimFill).toEqual(expected.bias!.trimFill);
    expect(out.settings).toMatchObject({
      vtype: "UB",
      trimfillEstimator: "R0",
      trimfillSide: "left",
    });
  });

  it("--forest-columns and --favours reach the forest plot; the report gains its new files", async () => {
    const run = await pooled(
      [
        "analyze",
        example,
        "--quiet",
        "--by",
        "dose",
        "--mods",
        "dose,year",
        "--predict",
        "dose=200 µg,year=2018",
        "--forest-columns",
        "dose,Sex",
        "--favours",
        "Favours saline, Favours exosomes",
        "--out",
        "columns-report",
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const file = (name: string) => readFileSync(join(dir, "columns-report", name), "utf8");
    const forest = file("forest.svg");
    // The descriptor columns in the order given, headers as in the file (capitalised).
    expect(forest.indexOf(">Dose<")).toBeGreaterThan(0);
    expect(forest.indexOf(">Sex<")).toBeGreaterThan(forest.indexOf(">Dose<"));
    expect(forest).toContain(">female<");
    // The labels, trimmed, under the axis; not the defaults.
    expect(forest).toContain("Favours saline");
    expect(forest).toContain("Favours exosomes");
    expect(forest).not.toContain("Favours treatment");
    // The file has SYRCLE columns: ten dots beside each of the 29 studies.
    const dots = [...forest.matchAll(/<g class="rob-dots">(.*?)<\/g>/g)];
    expect(dots).toHaveLength(29);
    for (const d of dots) expect(d[1]!.match(/<circle /g)).toHaveLength(10);
    // --by dose colours the funnel's studies by level.
    expect(file("funnel.svg").match(/class="study group-study"/g)).toHaveLength(29);
    const manifest = JSON.parse(file(".pooled-report.json")).entries as string[];
    for (const name of ["influence.svg", "influence.csv", "predictions.csv"])
      expect(manifest, name).toContain(name);
    expect(file("predictions.csv").split("\r\n")[0]).toBe(
      "dose,year,estimate,se,ci_lower,ci_upper,pi_lower,pi_upper",
    );
    expect(file("report.html")).toContain('<h2 id="influence">Influence diagnostics</h2>');
  });

  it("a --forest-columns column the file does not have is bad input (exit 2) naming it", async () => {
    const run = await pooled(
      ["analyze", example, "--forest-columns", "dose,sexx", "--out", "no-column"],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'sci-exosomes-bbb.simulated.csv:1:sexx: expected a column named "sexx"; the columns are: study, publication, year, strain, sex, dose,',
    );
    expect(run.stderr).toContain("no analysis was run and no report was written");
    expect(existsSync(join(dir, "no-column"))).toBe(false);
    const empty = await pooled(["analyze", example, "--forest-columns", "dose,"], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      "--forest-columns expects column names separated by commas, e.g. --forest-columns dose,sex",
    );
  });

  it("--favours takes exactly two labels separated by a comma (exit 2 otherwise)", async () => {
    for (const [value, found] of [
      ["Favours control", "found 1 label"],
      ["a,b,c", "found 3 labels"],
      [",Favours treatment", "found an empty label"],
    ] as const) {
      const run = await pooled(["analyze", example, "--favours", value], dir);
      expect(run.code, value).toBe(2);
      expect(run.stderr).toContain(
        `--favours expects two labels separated by a comma, the left one first, e.g. --favours "Favours control,Favours treatment"; ${found}`,
      );
    }
  });

  it("--help and the README list --forest-columns and --favours, each with an example", async () => {
    const help = (await pooled(["analyze", "--help"], dir)).stdout.replace(/\s+/g, " ");
    expect(help).toContain("--forest-columns <columns>");
    expect(help).toContain("e.g. --forest-columns dose,sex");
    expect(help).toContain("--favours <left,right>");
    expect(help).toContain('e.g. --favours "Favours control,Favours treatment"');
    expect(help).toContain("--forest-columns dose,sex --favours");
    const readme = readFileSync(join(root, "packages/cli/README.md"), "utf8");
    expect(readme).toMatch(
      /^\| `--forest-columns <col,col,\.\.\.>` +\| .*e\.g\. `--forest-columns dose,sex`/m,
    );
    expect(readme).toMatch(
      /^\| `--favours "<left>,<right>"` +\| .*e\.g\. `--favours "Favours control,Favours treatment"`/m,
    );
  });

  it("a malformed --predict is bad input (exit 2) naming the flag", async () => {
    const run = await pooled(["analyze", example, "--mods", "year", "--predict", "year"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--predict takes moderator=value pairs/);
    const unknown = await pooled(
      ["analyze", example, "--mods", "year", "--predict", "yaer=2015"],
      dir,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--predict/);
  });
});

describe("--gosh", () => {
  const example = join(root, "examples/sci-exosomes-bbb.simulated.csv");

  it("runs GOSH on the number of subsets asked (random subsets of 29 studies, seeded)", async () => {
    const run = await pooled(
      ["analyze", example, "--format", "json", "--quiet", "--gosh", "3000", "--seed", "7"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.settings.gosh).toBe(3000);
    expect(out.gosh).toMatchObject({ subsets: 3000, exhaustive: false, seed: 7, k: 29 });
    expect(out.gosh.sample.estimate).toHaveLength(3000);
  });

  it("a count below 2 is bad input (exit 2)", async () => {
    const run = await pooled(["analyze", example, "--gosh", "1"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--gosh expects a whole number from 2 to 1000000/);
  });
});

describe("ROM's bias correction: --correct-bias (the default) and --no-correct-bias", () => {
  const example = join(root, "examples/sci-exosomes-bbb.simulated.csv");
  const json = async (args: string[]) => {
    const run = await pooled(["analyze", example, "--format", "json", "--quiet", ...args], dir);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it("corrects by default, as metafor 5; --no-correct-bias gives metafor 3.8's ratio", async () => {
    const byDefault = await json(["--measure", "ROM"]);
    const asked = await json(["--measure", "ROM", "--correct-bias"]);
    const off = await json(["--measure", "ROM", "--no-correct-bias"]);
    expect(byDefault.settings.correctBias).toBe(true);
    expect(asked.model).toEqual(byDefault.model);
    expect(off.settings.correctBias).toBe(false);
    expect(off.model.estimate).not.toBe(byDefault.model.estimate);
  });

  it("--no-correct-bias with another measure is bad input (exit 2)", async () => {
    const run = await pooled(["analyze", example, "--no-correct-bias"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--no-correct-bias with --measure ROM/);
  });
});
