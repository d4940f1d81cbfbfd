/**
 * The built command (dist/bin.js) against careless and hostile runs: signals at any
 * moment, report folders that cannot be written, what killed runs leave behind, resampling
 * counts, data whose values overflow, and the wording of what could not be computed.
 */
import { execFile, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BOOTSTRAP_REPLICATES } from "@pooled/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { clearStaleFolders, writeFailure } from "../src/io/write-report.js";
import { MIN_BOOTSTRAP } from "../src/program.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "packages/cli/dist/bin.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function pooled(args: string[], cwd: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

let dir: string;
const write = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return name;
};

/** k studies of given effect sizes: no year column, so no cumulative analysis. */
function studies(k: number): string {
  const rows = ["study,yi,vi"];
  for (let i = 0; i < k; i++)
    rows.push(`s${i},${(Math.sin(i) * 0.5).toFixed(4)},${(0.05 + ((i * 7) % 13) / 50).toFixed(4)}`);
  return `${rows.join("\n")}\n`;
}

/** Hidden folders a report run leaves beside `base` (there should be none). */
const leftovers = (base: string) =>
  readdirSync(dir).filter(
    (f) => f.startsWith(`.${base}.partial-`) || f.startsWith(`.${base}.old-`),
  );

beforeAll(() => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run "npm run build" first (turbo's test task builds it)`);
  dir = mkdtempSync(join(tmpdir(), "pooled-hostile-"));
  // 20,000 studies: the analysis and the report take seconds of synchronous work.
  write("large.csv", studies(20_000));
  write(
    "huge-variance.csv",
    "study,yi,vi\ns0,0.564,0.2\ns1,0.3,0.2\ns2,0.45,0.2\ns3,0.1,0.2\ns4,0.7,0.2\ns5,0.34,0.2\nhuge,5,1e+200\n",
  );
  write("small.csv", "study,yi,vi\nA,0.1,0.04\nB,0.5,0.09\nC,0.3,0.05\nD,0.9,0.2\nE,0.2,0.03\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether the process catches `signal` yet (Linux: its bit in SigCgt of /proc/<pid>/status). */
function catches(pid: number, signal: "SIGINT" | "SIGTERM"): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const mask = /SigCgt:\s*([0-9a-f]+)/.exec(status)?.[1];
    const bit = signal === "SIGINT" ? 2n : 1n << 14n; // signals 2 and 15, bit (n - 1)
    return mask !== undefined && (BigInt(`0x${mask}`) & bit) !== 0n;
  } catch {
    return false;
  }
}

/** Starts the command; resolves when it exits, with its code, stderr and when it exited. */
function start(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; stderr: string; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr, at: Date.now() })),
  );
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  void exited.then(() => clearTimeout(killer));
  return { child, exited };
}

async function untilCatching(pid: number, signal: "SIGINT" | "SIGTERM"): Promise<void> {
  while (!catches(pid, signal)) await new Promise((r) => setTimeout(r, 20));
}

describe("a signal stops the run at any moment, even inside the synchronous analysis", () => {
  for (const [signal, code, word] of [
    ["SIGINT", EXIT.INTERRUPTED, "interrupted"],
    ["SIGTERM", EXIT.TERMINATED, "terminated"],
  ] as const) {
    it(`${signal} a second into 20,000 studies: exit ${code} at once, one line, no report`, async () => {
      const { child, exited } = start(["analyze", "large.csv", "--out", `report-${signal}`]);
      await untilCatching(child.pid!, signal);
      // The engine thread is now parsing, fitting or drawing: seconds of work that never yields.
      await new Promise((r) => setTimeout(r, 1000));
      const sent = Date.now();
      child.kill(signal);
      const result = await exited;
      expect(result.code, result.stderr).toBe(code);
      expect(result.at - sent).toBeLessThan(2000);
      expect(result.stderr.trim()).toBe(`${word}; no report was written.`);
      expect(existsSync(join(dir, `report-${signal}`))).toBe(false);
      expect(leftovers(`report-${signal}`)).toEqual([]);
    }, 60_000);
  }

  it("SIGTERM while the report folder is written leaves no hidden temporary folder", async () => {
    // 12,000 studies (leave-one-out skipped above 10,000): a report of tens of MB, written in
    // many steps. The signal goes as soon as the temporary folder appears.
    write("write.csv", studies(12_000));
    const { child, exited } = start(["analyze", "write.csv", "--out", "written"]);
    let sent = false;
    const watcher = watch(dir, (_, name) => {
      if (!sent && String(name).startsWith(".written.partial-")) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    const result = await exited;
    watcher.close();
    expect(sent).toBe(true);
    expect(leftovers("written")).toEqual([]);
    console.info(`SIGTERM as the report folder was being written: exit ${result.code}`);
    if (result.code === EXIT.TERMINATED) {
      expect(result.stderr.trim()).toBe("terminated; no report was written.");
      expect(existsSync(join(dir, "written"))).toBe(false);
    } else {
      // The signal came after the last file: the report is whole (never half-written).
      expect(result.code, result.stderr).toBe(0);
      expect(readdirSync(join(dir, "written"))).toContain("report.html");
    }
  }, 90_000);
});

describe("killed runs: what they left is cleared, and only that", () => {
  /** The id of a process that has ended. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((r) => child.on("exit", r));
    return child.pid!;
  }

  it("the next report beside them removes temporary folders of ended runs, and restores a set-aside report", async () => {
    const dead = await deadPid();
    const folder = (name: string, files: Record<string, string> = { "report.html": "x" }) => {
      mkdirSync(join(dir, name));
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, name, file), text);
    };
    folder(`.stale.partial-${dead}-deadbeef`);
    folder(`.stale.partial-${process.pid}-cafebabe`); // a run still going (this one)
    folder(`.stale.partial-${dead}-nothex!!`); // not Pooled's naming
    folder(`.other.partial-${dead}-deadbeef`); // beside another report
    writeFileSync(join(dir, `.stale.partial-${dead}-0badf00d`), "a file, not a folder");
    const run = await pooled(["analyze", "small.csv", "--out", "stale", "--quiet"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith(".stale.") || f.startsWith(".other."))
        .sort(),
    ).toEqual(
      [
        `.other.partial-${dead}-deadbeef`,
        `.stale.partial-${dead}-0badf00d`,
        `.stale.partial-${dead}-nothex!!`,
        `.stale.partial-${process.pid}-cafebabe`,
      ].sort(),
    );

    // A run killed between setting the earlier report aside and moving the new one in.
    const report = readdirSync(join(dir, "stale"));
    rmSync(join(dir, `.stale.partial-${process.pid}-cafebabe`), { recursive: true });
    const aside = join(dir, `.stale.old-${dead}-12345678`);
    renameSync(join(dir, "stale"), aside);
    await clearStaleFolders(dir, "stale");
    expect(readdirSync(join(dir, "stale")).sort()).toEqual(report.sort());
    expect(existsSync(aside)).toBe(false);
  }, 60_000);
});

describe("a report folder that cannot be written: what and why, exit 1, never a hang", () => {
  it("a folder that mkdir cannot make (under /proc: Node's recursive mkdir loops forever there)", async () => {
    const run = await pooled(["analyze", "small.csv", "--out", "/proc/pooled-nope/report"], dir);
    expect(run.code).toBe(EXIT.FAILURE);
    expect(run.stderr).toMatch(
      /^pooled: could not write the report to \/proc\/pooled-nope\/report: a folder on the way does not exist and cannot be created \(mkdir \/proc\/pooled-nope: ENOENT\); no report was written\n$/,
    );
    expect(run.stderr).not.toMatch(/analysis failed/);
  }, 30_000);

  it("a path through a file", async () => {
    write("plain.txt", "not a folder");
    const run = await pooled(["analyze", "small.csv", "--out", "plain.txt/report"], dir);
    expect(run.code).toBe(EXIT.FAILURE);
    expect(run.stderr).toMatch(/could not write the report to .*plain\.txt\/report: /);
    expect(run.stderr).toMatch(/ENOTDIR|EEXIST/);
    expect(run.stderr).not.toMatch(/analysis failed/);
  }, 30_000);

  it("each system error in words, with the call and the path", () => {
    const error = (code: string, syscall: string, path: string) =>
      Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
    expect(writeFailure(error("EACCES", "mkdir", "/srv/r"))).toBe(
      "permission denied (mkdir /srv/r: EACCES)",
    );
    expect(writeFailure(error("ENOTEMPTY", "rename", "/srv/r"))).toBe(
      "another program put files into the folder while the report was written (rename /srv/r: ENOTEMPTY)",
    );
    expect(writeFailure(error("ENOSPC", "write", "/srv/r/report.html"))).toMatch(
      /^no space left on the disk/,
    );
    expect(writeFailure(new Error("something else"))).toBe("something else");
  });
});

describe("resampling counts", () => {
  it("--bootstrap 99999999999 is refused at once (exit 2), with the limit the web app has too", async () => {
    const run = await pooled(["analyze", "small.csv", "--bootstrap", "99999999999"], dir);
    expect(run.code).toBe(EXIT.BAD_INPUT);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.stderr).toMatch(/--bootstrap expects a whole number from 100 to 1000000/);
  });

  it("--bootstrap 1 is refused; a count below 1000 runs with a warning; --help says both", async () => {
    expect(MIN_BOOTSTRAP).toBe(BOOTSTRAP_REPLICATES.minimum);
    const one = await pooled(["analyze", "small.csv", "--bootstrap", "1"], dir);
    expect(one.code).toBe(EXIT.BAD_INPUT);
    expect(one.stderr).toMatch(/fewer than 100 replicates cannot place a 95% interval/);
    const few = await pooled(
      ["analyze", "small.csv", "--bootstrap", "200", "--format", "json"],
      dir,
    );
    expect(few.code, few.stderr).toBe(0);
    expect(JSON.parse(few.stdout).warnings).toContain(
      "The bootstrap ran 200 replicates: its percentile and BCa intervals are rough below about 1000 (Efron & Tibshirani 1993); run 1000 or more for intervals to report.",
    );
    const help = await pooled(["analyze", "--help"], dir);
    expect(help.stdout.replace(/\s+/g, " ")).toMatch(
      /at least 100, 1000 or more recommended \(fewer give a warning\)/,
    );
  }, 60_000);
});

describe("values and messages", () => {
  it("a variance of 1e200 ends (REML and ML): the fits are bounded", async () => {
    for (const method of ["REML", "ML"]) {
      const run = await pooled(["analyze", "huge-variance.csv", "--method", method], dir);
      expect(run.code, run.stderr).toBe(0);
      expect(run.ms).toBeLessThan(20_000);
    }
  }, 60_000);

  it("means of 1e308 are values that overflow, not a singular moderator matrix (exit 2)", async () => {
    write("overflow.csv", "study,yi,vi\nA,1e308,1\nB,-1e308,1\nC,1,1\n");
    const run = await pooled(["analyze", "overflow.csv"], dir);
    expect(run.code).toBe(EXIT.BAD_INPUT);
    expect(run.stderr).toMatch(
      /^overflow\.csv:2:yi: expected .*found yi = 1e\+308, vi = 1: the values overflow/m,
    );
    expect(run.stderr).not.toMatch(/moderator/);
  });

  it("a test that could not be computed says so once", async () => {
    // Every SMD study of the same size: the sample-size Egger test's predictor is constant, and
    // equal variances stop Egger's test, Begg's and trim-and-fill.
    const rows = ["study,m1i,sd1i,n1i,m2i,sd2i,n2i"];
    for (let i = 0; i < 6; i++) rows.push(`S${i},${10 + i},2,10,8,2,10`);
    write("equal-n.csv", `${rows.join("\n")}\n`);
    const run = await pooled(
      ["analyze", "equal-n.csv", "--measure", "SMD", "--format", "json"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const failures = (JSON.parse(run.stdout).warnings as string[]).filter((w) =>
      w.includes("could not be computed"),
    );
    expect(failures.length).toBeGreaterThan(0);
    for (const w of failures) expect(w).not.toMatch(/cannot be computed/);
    expect(
      failures.some((w) =>
        w.startsWith("Egger's test on sample size could not be computed: the predictor"),
      ),
    ).toBe(true);
  });
});
