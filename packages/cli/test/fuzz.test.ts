/**
 * Seeded fuzzing of the BUILT command (dist/bin.js):
 * mutated and generated CSV, TSV and JSON files through `pooled analyze --out`. Every run ends
 * within a time bound with exit 0, 1 or 2, no stack trace on stderr, and a report folder that is
 * either complete (analysis.json in it) or absent. The pipeline's own fuzz suite
 * (pipeline/test/end-to-end/fuzz.test.ts) covers many more cases in-process; this one is kept small.
 *
 * FC_SEED=<n> replays or varies the seed (fixed by default), as the pipeline's suite.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  exampleCells,
  generatedTable,
  mutate,
  mutations,
  toCsv,
  toJson,
  toTsv,
} from "@pooled/test-utils/fuzz";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "packages/cli/dist/bin.js");
const requested = process.env["FC_SEED"];
const seed = requested === undefined ? 20261130 : Number(requested);

/** Longest one run may take: start-up, parse, analysis and the full report of up to 500 rows. */
const RUN_MS = 20_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

/** Runs the command with a time limit; a run past it is killed and reported by its signal. */
function pooled(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
      timeout: RUN_MS,
      killSignal: "SIGKILL",
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("close", (code, signal) =>
      resolve({ code, signal, stderr, ms: performance.now() - start }),
    );
  });
}

let dir: string;

beforeAll(() => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run "npm run build" first (turbo's test task builds it)`);
  dir = mkdtempSync(join(tmpdir(), "pooled-fuzz-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const file = fc.oneof(
  fc
    .tuple(exampleCells, mutations, fc.constantFrom("csv", "tsv", "json"))
    .map(([rows, ms, ext]) => {
      const text = ext === "csv" ? toCsv(rows) : ext === "tsv" ? toTsv(rows) : toJson(rows);
      return { text: ms.reduce(mutate, text), ext };
    }),
  fc.tuple(generatedTable, fc.constantFrom("csv", "tsv", "json")).map(([rows, ext]) => ({
    text: ext === "csv" ? toCsv(rows) : ext === "tsv" ? toTsv(rows) : toJson(rows),
    ext,
  })),
);

const flags = fc.constantFrom<string[]>(
  [],
  ["--method", "DL"],
  ["--measure", "SMD"],
  ["--by", "route"],
  ["--model", "three-level"],
  ["--bootstrap", "100", "--seed", "1"],
);

describe("fuzz: the built command on hostile files", () => {
  let n = 0;
  it("exit 0, 1 or 2 in time, no stack trace, and --out complete or absent", async () => {
    await fc.assert(
      fc.asyncProperty(file, flags, async ({ text, ext }, extra) => {
        const name = `case-${++n}.${ext}`;
        const out = `report-${n}`;
        writeFileSync(join(dir, name), text);
        const run = await pooled(["analyze", name, "--out", out, "--quiet", ...extra], dir);
        expect(run.signal, `${name} was killed after ${Math.round(run.ms)} ms`).toBeNull();
        expect([0, 1, 2]).toContain(run.code);
        expect(run.stderr).not.toMatch(/^ {4}at /m);
        expect(run.stderr).not.toMatch(/\b(TypeError|RangeError|ReferenceError)\b/);
        const folder = join(dir, out);
        if (run.code === 0) expect(existsSync(join(folder, "analysis.json"))).toBe(true);
        else if (existsSync(folder)) expect(existsSync(join(folder, "analysis.json"))).toBe(true);
        else expect(run.stderr.trim().length).toBeGreaterThan(0);
        rmSync(folder, { recursive: true, force: true });
        rmSync(join(dir, name), { force: true });
      }),
      { seed, numRuns: 20 },
    );
  });
});
