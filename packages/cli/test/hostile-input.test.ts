/**
 * The built command (dist/bin.js) against hostile and careless input files (oversized, zip
 * bombs, endless lines, too many columns or cells): each ends at once with exit 2 and one line naming the file, the row or column
 * and the limit, never a stack trace, an endless read or gigabytes of memory.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sheetOfSpaces, workbookWithSheet } from "@pooled/test-utils/xlsx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/exit-codes.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "packages/cli/dist/bin.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function pooled(args: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

let dir: string;
const write = (name: string, content: string | Uint8Array) => {
  writeFileSync(join(dir, name), content);
  return name;
};

const GOOD = "study,yi,vi\na,0.1,0.2\nb,0.3,0.1\nc,0.2,0.3\n";

beforeAll(() => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run "npm run build" first (turbo's test task builds it)`);
  dir = mkdtempSync(join(tmpdir(), "pooled-hostile-input-"));
  write("ok.csv", GOOD);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Exit 2 with exactly these problem lines, no stack trace, no report. */
function expectRefused(run: Run, lines: string[]) {
  expect(run.stderr).toBe(
    `${lines.join("\n")}\n${lines.length} problem${lines.length === 1 ? "" : "s"} found; no analysis was run and no report was written.\n`,
  );
  expect(run.code).toBe(EXIT.BAD_INPUT);
  expect(run.stdout).toBe("");
}

describe("files that never end: the size limit holds while reading", () => {
  it.each(["/dev/zero", "/dev/urandom"])("%s as the data file", async (device) => {
    const run = await pooled(["analyze", device]);
    expectRefused(run, [
      `${device}: expected a file of at most 128 MB (Pooled's limit), found more than 128 MB (reading stopped there)`,
    ]);
  });

  it.each([
    ["--config", "/dev/zero"],
    ["--prisma", "/dev/urandom"],
  ])("%s %s", async (flag, device) => {
    const run = await pooled(["analyze", "ok.csv", flag, device]);
    expectRefused(run, [
      `${device}: expected a file of at most 1 MB (Pooled's limit), found more than 1 MB (reading stopped there)`,
    ]);
  });
});

describe("files past a limit, refused before the work", () => {
  it("100,000 nested JSON brackets: expected an array of objects", async () => {
    const name = write("nested.json", "[".repeat(100_000) + "]".repeat(100_000));
    const run = await pooled(["analyze", name]);
    expectRefused(run, [
      'nested.json:1: expected an array of objects, one per comparison, such as [{"study": ..., "yi": ...}], found brackets nested more than 64 deep (a table needs 2: the array and its objects)',
    ]);
  });

  it("a 4 MB workbook that unpacks to 4,000 MB, within a second of reading it", async () => {
    const declaredSize = 4000 * 1024 * 1024 + 300;
    const name = write(
      "bomb.xlsx",
      workbookWithSheet({ deflated: sheetOfSpaces(4000), declaredSize }),
    );
    const run = await pooled(["analyze", name]);
    expectRefused(run, [
      "bomb.xlsx: expected a workbook whose parts unpack to at most 128 MB (Pooled's limit), found parts that unpack to 4,000.0 MB (xl/worksheets/sheet1.xml alone 4,000.0 MB)",
    ]);
    // Node and the engine start in about 0.3 s of it.
    expect(run.ms).toBeLessThan(3000);
  });

  it("100,001 rows, at the first row past the limit", async () => {
    const lines = ["study,yi,vi"];
    for (let i = 0; i <= 100_000; i++) lines.push(`s${i},0.${i % 10},0.2`);
    const run = await pooled(["analyze", write("rows.csv", lines.join("\n"))]);
    expectRefused(run, [
      "rows.csv:100002: expected at most 100,000 rows of data (Pooled's limit), found more rows (reading stopped here)",
    ]);
  });

  it("a 50 MB study label, naming row, column and limit", async () => {
    const name = write("label.csv", `${GOOD}${"x".repeat(50 * 1024 * 1024)},0.3,0.2\n`);
    const run = await pooled(["analyze", name]);
    expectRefused(run, [
      "label.csv:5:study: expected a study label of at most 1,000 characters (Pooled's limit: labels are drawn in the report's figures and tables), found 52,428,800 characters",
    ]);
    expect(run.ms).toBeLessThan(10_000);
  });
});

describe("encodings", () => {
  it("UTF-16 without a byte-order mark is read as UTF-16", async () => {
    const run = await pooled(["analyze", write("u16.csv", Buffer.from(GOOD, "utf16le"))]);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain("3 studies");
  });

  it("a file of NUL bytes is named as such, not printed", async () => {
    const run = await pooled(["analyze", write("zeros.csv", new Uint8Array(1000))]);
    expectRefused(run, [
      'zeros.csv:1: expected UTF-8 text (save the file as "CSV UTF-8"), found a NUL byte (0x00), which text files do not hold: is this a binary file?',
    ]);
  });
});

describe("--mods naming one column twice", () => {
  // The check is the pipeline's (ParseOptions.moderators, see hostile-input.test.ts there); it
  // runs once commands/analyze.ts passes `moderators: flags.mods` in its parse options.
  it("is bad input naming the duplicate", async () => {
    const name = write(
      "dose.csv",
      "study,yi,vi,dose\na,0.1,0.2,1\nb,0.3,0.1,2\nc,0.2,0.3,3\nd,0.5,0.2,5\n",
    );
    const run = await pooled(["analyze", name, "--mods", "dose,dose"]);
    expectRefused(run, [
      '--mods: expected each moderator column once (the same column twice makes the moderator matrix singular), found "dose" twice',
    ]);
  });
});
