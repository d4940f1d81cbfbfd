/** Unit tests of the CLI's own pieces: atomic report writing, the progress bar, the documented aliases. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIELD_ALIASES, SYRCLE_ITEMS } from "@pooled/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseFiles } from "../src/engine.js";
import { createProgressBar } from "../src/io/progress.js";
import { writeReportFolder } from "../src/io/write-report.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pooled-units-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeReportFolder", () => {
  const files = [
    { name: "analysis.json", content: "{}\n" },
    { name: "plots/forest.svg", content: "<svg/>" },
    { name: "bytes.bin", content: new Uint8Array([1, 2, 3]) },
  ];

  it("writes every file, in sub-folders too, and leaves no temporary folder", async () => {
    const out = join(dir, "a", "report");
    await writeReportFolder(out, files);
    expect(readFileSync(join(out, "plots", "forest.svg"), "utf8")).toBe("<svg/>");
    expect([...readFileSync(join(out, "bytes.bin"))]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, "a"))).toEqual(["report"]);
  });

  it("replaces an earlier report as a whole", async () => {
    const out = join(dir, "a", "report");
    await writeReportFolder(out, [{ name: "analysis.json", content: '{"new":1}' }]);
    // the earlier report's plots/ and bytes.bin are gone; the manifest lists what is there now
    expect(readdirSync(out).sort()).toEqual([".pooled-report.json", "analysis.json"]);
    expect(JSON.parse(readFileSync(join(out, ".pooled-report.json"), "utf8"))).toEqual({
      tool: "pooled",
      entries: ["analysis.json"],
    });
    expect(readdirSync(join(dir, "a"))).toEqual(["report"]);
  });

  it("an abort leaves neither the report nor a temporary folder", async () => {
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(
      writeReportFolder(join(dir, "b", "report"), files, controller.signal),
    ).rejects.toThrow("interrupted");
    expect(readdirSync(join(dir, "b"))).toEqual([]);
  });

  it("an abort keeps an earlier report untouched", async () => {
    const out = join(dir, "a", "report");
    const controller = new AbortController();
    controller.abort(new Error("interrupted"));
    await expect(writeReportFolder(out, files, controller.signal)).rejects.toThrow("interrupted");
    expect(readFileSync(join(out, "analysis.json"), "utf8")).toBe('{"new":1}');
  });

  it("refuses folders that are not reports, files in the way, and names escaping the folder", async () => {
    mkdirSync(join(dir, "mine"));
    writeFileSync(join(dir, "mine", "thesis.docx"), "x");
    await expect(writeReportFolder(join(dir, "mine"), files)).rejects.toThrow(
      /does not hold a Pooled report/,
    );
    writeFileSync(join(dir, "file"), "x");
    await expect(writeReportFolder(join(dir, "file"), files)).rejects.toThrow(/is not a folder/);
    await expect(
      writeReportFolder(join(dir, "c"), [{ name: "../evil.txt", content: "x" }]),
    ).rejects.toThrow(/outside the report folder/);
    expect(existsSync(join(dir, "evil.txt"))).toBe(false);
    expect(existsSync(join(dir, "c"))).toBe(false);
  });
});

describe("progress bar", () => {
  const fakeStream = (isTTY: boolean) => {
    const writes: string[] = [];
    return {
      writes,
      stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream,
    };
  };

  it("draws on a terminal and clears the line at the end", () => {
    const { writes, stream } = fakeStream(true);
    const bar = createProgressBar(stream, true);
    bar.update({ stage: "bootstrap", done: 500, total: 1000 });
    bar.update({ stage: "bootstrap", done: 1000, total: 1000 });
    bar.done();
    expect(writes[0]).toMatch(/^\rbootstrap +\[#{15}-{15}\] {2}50% 500\/1000$/);
    expect(writes[1]).toMatch(/100% 1000\/1000$/);
    expect(writes.at(-1)).toBe("\r\x1b[K");
  });

  it("is silent when stderr is not a terminal, or when disabled (--quiet)", () => {
    for (const [tty, enabled] of [
      [false, true],
      [true, false],
    ] as const) {
      const { writes, stream } = fakeStream(tty);
      const bar = createProgressBar(stream, enabled);
      bar.update({ stage: "permutation", done: 1, total: 2 });
      bar.done();
      expect(writes).toEqual([]);
    }
  });
});

describe("report files from the renderer", () => {
  it("accepts { path | name, content } arrays and maps, and rejects nameless files", () => {
    expect(normaliseFiles([{ path: "a.txt", content: "x" }])).toEqual([
      { name: "a.txt", content: "x" },
    ]);
    expect(normaliseFiles(new Map([["b.txt", "y"]]))).toEqual([{ name: "b.txt", content: "y" }]);
    expect(() => normaliseFiles([{ content: "x" }])).toThrow(/without a name/);
  });
});

describe("packages/cli/README.md", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  it("documents every recognised column name and SYRCLE item", () => {
    for (const [field, aliases] of Object.entries(FIELD_ALIASES)) {
      for (const alias of aliases) expect(readme, `${field}: ${alias}`).toContain(alias);
    }
    for (const item of SYRCLE_ITEMS) expect(readme).toMatch(new RegExp(`\\|\\s*${item}\\s*\\|`));
  });
  it("documents every flag of analyze", () => {
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
      "--config",
      "--prisma",
      "--quiet",
    ]) {
      expect(readme).toContain(`\`${flag}`);
    }
  });
});
