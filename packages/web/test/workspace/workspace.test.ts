/**
 * The workspace's pure parts: the grid's edits and undo, the clipboard, the keys, problems placed
 * on cells, the project record, the settings <-> project file mapping (both ways), a data file's
 * cells read for the grid (validated, they give the file's own table), and the store's errors.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type DataProblem,
  gridFromProjectData,
  parseProject,
  parseStudyFile,
  parseStudyGrid,
  SYRCLE_ITEMS,
} from "@pooled/pipeline";
import { describe, expect, it } from "vitest";
import type { Settings } from "../../src/api.js";
import { createEngine } from "../../src/engine/engine.js";
import {
  bindPipeline,
  settingsFromAnalysisOptions,
  toAnalysisOptions,
} from "../../src/engine/pipeline-binding.js";
import { storeError } from "../../src/storage/project-store.js";
import {
  blockToTsv,
  parseClipboard,
  splitDelimited,
  startsWithHeaders,
} from "../../src/view/grid/clipboard.js";
import { keyAction, moveTarget, tabTarget } from "../../src/view/grid/keys.js";
import {
  clearRange,
  deleteColumn,
  deleteRows,
  emptyGrid,
  fillRange,
  type GridData,
  GridHistory,
  hasData,
  insertColumn,
  insertRows,
  moveRows,
  normaliseGrid,
  renameColumn,
  setBlock,
  setCell,
  TEMPLATE_HEADERS,
  uniqueColumnName,
  withoutTrailingBlankRows,
} from "../../src/view/grid/model.js";
import { columnIndex, placeProblems } from "../../src/view/grid/problems.js";
import {
  copyName,
  dataName,
  nameFromFile,
  newProject,
  projectDraft,
  projectFileName,
} from "../../src/view/project.js";
import { DEFAULT_SETTINGS } from "../../src/view/settings.js";
import { COLUMN_SUGGESTIONS } from "../../src/workspace/workspace.js";
import { webRoot } from "../browser.js";

const examples = resolve(webRoot, "../../examples");
const grid = (rows: (string | null)[][]): GridData => ({ headers: ["a", "b", "c"], rows });

describe("grid edits", () => {
  const base = grid([
    ["1", "2", "3"],
    ["4", "5", "6"],
    ["7", "8", "9"],
  ]);

  it("sets a cell, sharing the rows it does not touch", () => {
    const next = setCell(base, { row: 2, col: 1 }, "x");
    expect(next.rows[1]).toEqual(["4", "x", "6"]);
    expect(next.rows[0]).toBe(base.rows[0]);
    expect(next.rows[2]).toBe(base.rows[2]);
    expect(base.rows[1]).toEqual(["4", "5", "6"]);
    expect(setCell(base, { row: 1, col: 0 }, "1")).toBe(base);
    // Row 0 is the header row: setting it renames the column.
    expect(setCell(base, { row: 0, col: 2 }, " dose ").headers).toEqual(["a", "b", "dose"]);
  });

  it("inserts, deletes and moves rows", () => {
    expect(insertRows(base, 2).rows).toEqual([
      ["1", "2", "3"],
      [null, null, null],
      ["4", "5", "6"],
      ["7", "8", "9"],
    ]);
    expect(insertRows(base, 99).rows).toHaveLength(4);
    expect(deleteRows(base, 3, 2).rows).toEqual([["1", "2", "3"]]);
    expect(moveRows(base, 2, 3, -1)!.rows.map((r) => r[0])).toEqual(["4", "7", "1"]);
    expect(moveRows(base, 1, 1, 1)!.rows.map((r) => r[0])).toEqual(["4", "1", "7"]);
    expect(moveRows(base, 1, 2, -1)).toBeNull();
    expect(moveRows(base, 3, 3, 1)).toBeNull();
  });

  it("adds, renames and deletes columns (a table keeps one)", () => {
    const added = insertColumn(base, 1, "dose");
    expect(added.headers).toEqual(["a", "dose", "b", "c"]);
    expect(added.rows[0]).toEqual(["1", null, "2", "3"]);
    expect(deleteColumn(added, 1)).toEqual(base);
    expect(renameColumn(base, 0, "study").headers).toEqual(["study", "b", "c"]);
    const one: GridData = { headers: ["a"], rows: [["1"]] };
    expect(deleteColumn(one, 0)).toBe(one);
    expect(uniqueColumnName(["column", "Column 2"])).toBe("column 3");
  });

  it("clears and fills ranges, header names left alone", () => {
    const cleared = clearRange(base, { anchor: { row: 0, col: 0 }, focus: { row: 2, col: 1 } });
    expect(cleared.headers).toEqual(base.headers);
    expect(cleared.rows).toEqual([
      [null, null, "3"],
      [null, null, "6"],
      ["7", "8", "9"],
    ]);
    const filled = fillRange(base, { anchor: { row: 3, col: 2 }, focus: { row: 2, col: 1 } }, "0");
    expect(filled.rows.slice(1)).toEqual([
      ["4", "0", "0"],
      ["7", "0", "0"],
    ]);
  });

  it("pastes a block past the table's edges, adding rows and named columns", () => {
    const next = setBlock(base, { row: 3, col: 2 }, [
      ["x", "y"],
      ["z", null],
    ]);
    expect(next.headers).toEqual(["a", "b", "c", "column"]);
    expect(next.rows).toEqual([
      ["1", "2", "3", null],
      ["4", "5", "6", null],
      ["7", "8", "x", "y"],
      [null, null, "z", null],
    ]);
    // On the header row, the first line names the columns and the rest is data from row 2.
    const headed = setBlock(emptyGrid(["a", "b"], 1), { row: 0, col: 0 }, [
      ["study", "yi"],
      ["A", "0.5"],
    ]);
    expect(headed).toEqual({ headers: ["study", "yi"], rows: [["A", "0.5"]] });
  });

  it("keeps blank rows between data and drops those at the end", () => {
    const data = grid([
      ["1", null, null],
      [null, " ", null],
      ["2", null, null],
      [null, null, null],
    ]);
    expect(withoutTrailingBlankRows(data).rows).toHaveLength(3);
    expect(hasData(emptyGrid(TEMPLATE_HEADERS, 5))).toBe(false);
    expect(hasData(data)).toBe(true);
    expect(normaliseGrid(["a"], [["1", "2"], []])).toEqual({
      headers: ["a", ""],
      rows: [
        ["1", "2"],
        [null, null],
      ],
    });
  });

  it("undoes and redoes whole states, the cursor returning to each edit", () => {
    const history = new GridHistory({ data: base, cursor: { row: 1, col: 0 } });
    const a = setCell(base, { row: 1, col: 0 }, "a");
    history.record({ data: a, cursor: { row: 1, col: 0 } });
    const b = setCell(a, { row: 3, col: 2 }, "b");
    history.record({ data: b, cursor: { row: 3, col: 2 } });
    expect(history.undo()).toEqual({ data: a, cursor: { row: 3, col: 2 } });
    expect(history.undo()).toEqual({ data: base, cursor: { row: 1, col: 0 } });
    expect(history.undo()).toBeNull();
    expect(history.redo()?.data).toBe(a);
    // A new edit after an undo drops what was undone.
    history.record({ data: setCell(a, { row: 2, col: 0 }, "c"), cursor: { row: 2, col: 0 } });
    expect(history.canRedo).toBe(false);
    const capped = new GridHistory({ data: base, cursor: { row: 1, col: 0 } }, 3);
    for (let i = 0; i < 5; i++)
      capped.record({
        data: setCell(base, { row: 1, col: 0 }, String(i)),
        cursor: { row: 1, col: 0 },
      });
    let undos = 0;
    while (capped.undo()) undos++;
    expect(undos).toBe(2);
  });
});

describe("the clipboard", () => {
  it("reads cells copied from a spreadsheet: tabs, quoted cells, CRLF", () => {
    expect(parseClipboard('A\t1,5\t"two\nlines"\r\nB\t\t"say ""hi"""\r\n')).toEqual([
      ["A", "1,5", "two\nlines"],
      ["B", null, 'say "hi"'],
    ]);
  });

  it("reads CSV when a delimiter splits every line alike, else one cell per line", () => {
    expect(parseClipboard("study,yi\nA,0.5\n")).toEqual([
      ["study", "yi"],
      ["A", "0.5"],
    ]);
    expect(parseClipboard("a;b\n1,5;2")).toEqual([
      ["a", "b"],
      ["1,5", "2"],
    ]);
    // A single value with a decimal comma stays one cell.
    expect(parseClipboard("3,5")).toEqual([["3,5"]]);
    expect(parseClipboard("x\ny, z")).toEqual([["x"], ["y, z"]]);
    expect(splitDelimited('a,"b,c"', ",")).toEqual([["a", "b,c"]]);
  });

  it("writes cells as a spreadsheet reads them back", () => {
    const block = [
      ["A", "x\ty", null],
      [1.5, true, 'q"'],
    ];
    const text = blockToTsv(block);
    expect(text).toBe('A\t"x\ty"\t\n1.5\ttrue\t"q"""');
    expect(parseClipboard(text)).toEqual([
      ["A", "x\ty", null],
      ["1.5", "true", 'q"'],
    ]);
  });

  it("recognises a header row pasted with its data", () => {
    expect(
      startsWithHeaders([
        ["study", "m1i"],
        ["A", "12,5"],
      ]),
    ).toBe(true);
    expect(
      startsWithHeaders([
        ["A", "12"],
        ["B", "13"],
      ]),
    ).toBe(false);
    expect(startsWithHeaders([["study", "m1i"]])).toBe(false);
  });
});

describe("the keys", () => {
  const press = (key: string, mods: Partial<Record<"ctrl" | "shift" | "alt", boolean>> = {}) =>
    keyAction({
      key,
      ctrlKey: mods.ctrl ?? false,
      metaKey: false,
      shiftKey: mods.shift ?? false,
      altKey: mods.alt ?? false,
    });

  it("maps keys as a spreadsheet does", () => {
    expect(press("z", { ctrl: true })).toEqual({ kind: "undo" });
    expect(press("Z", { ctrl: true, shift: true })).toEqual({ kind: "redo" });
    expect(press("y", { ctrl: true })).toEqual({ kind: "redo" });
    expect(press("F2")).toEqual({ kind: "edit" });
    expect(press("Enter")).toEqual({ kind: "edit" });
    expect(press("Delete")).toEqual({ kind: "clear" });
    expect(press("7")).toEqual({ kind: "type", text: "7" });
    expect(press(" ", { shift: true })).toEqual({ kind: "selectRows" });
    expect(press("ArrowDown", { alt: true })).toEqual({ kind: "moveRows", delta: 1 });
    expect(press("ArrowLeft", { shift: true })).toEqual({
      kind: "move",
      key: "ArrowLeft",
      jump: false,
      extend: true,
    });
    expect(press("Tab", { shift: true })).toEqual({ kind: "tab", back: true });
    expect(press("Shift")).toBeNull();
    expect(press("c", { ctrl: true })).toBeNull();
  });

  it("moves within the sheet and Tab leaves it at either end", () => {
    expect(moveTarget({ row: 2, col: 1 }, "ArrowUp", true, 10, 4)).toEqual({ row: 0, col: 1 });
    expect(moveTarget({ row: 2, col: 1 }, "End", false, 10, 4)).toEqual({ row: 2, col: 3 });
    expect(moveTarget({ row: 2, col: 1 }, "PageDown", false, 10, 4)).toEqual({ row: 9, col: 1 });
    expect(moveTarget({ row: 0, col: 0 }, "ArrowLeft", false, 10, 4)).toEqual({ row: 0, col: 0 });
    expect(tabTarget({ row: 1, col: 3 }, false, 3, 4)).toEqual({ row: 2, col: 0 });
    expect(tabTarget({ row: 2, col: 3 }, false, 3, 4)).toBeNull();
    expect(tabTarget({ row: 1, col: 0 }, true, 3, 4)).toEqual({ row: 0, col: 3 });
    expect(tabTarget({ row: 0, col: 0 }, true, 3, 4)).toBeNull();
  });
});

describe("problems on the grid", () => {
  it("marks the cells, rows and headers the pipeline names", () => {
    const data = {
      source: null,
      headers: ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"],
      rows: [
        ["A", "10", "2", "8", "7", "2", "8"],
        ["B", "11", "-2", "8", "7", "2", "8"],
        [null, null, null, null, null, null, null],
        ["C", "12", "2", "1.5", "7", "2", "8"],
      ],
    };
    const read = parseStudyGrid(gridFromProjectData(data), "typed.pooled.json", {});
    expect(read.table).toBeUndefined();
    const placed = placeProblems(read.problems, data.headers, data.rows.length);
    // Sheet row 3 (grid row 2) and sheet row 5 (grid row 4): the blank row keeps its number.
    expect([...placed.cells.keys()].sort()).toEqual(["2,2", "4,3"]);
    expect(placed.cells.get("2,2")).toMatch(/^Row 3, column “sd1i”: expected /);
    expect(placed.cells.get("4,3")).toMatch(/^Row 5, column “n1i”: expected /);
    const made: DataProblem[] = [
      { file: "f", row: 4, column: null, expected: "a row" },
      { file: "f", row: null, column: "M1I", expected: "a column" },
      { file: "f", row: null, column: null, expected: "the file" },
      { file: "f", row: 1, column: "column 3", expected: "a name" },
    ];
    const more = placeProblems(made, data.headers, data.rows.length);
    expect([...more.rows.keys()]).toEqual([3]);
    expect([...more.columns.keys()]).toEqual([1]);
    expect([...more.cells.keys()]).toEqual(["0,2"]);
    expect(more.unplaced).toBe(1);
    expect(columnIndex(data.headers, " N2I ")).toBe(6);
  });
});

describe("column names offered", () => {
  it("include every field a column can feed and SYRCLE's items, as the pipeline names them", () => {
    for (const item of SYRCLE_ITEMS) expect(COLUMN_SUGGESTIONS).toContain(item);
    for (const field of TEMPLATE_HEADERS) expect(COLUMN_SUGGESTIONS).toContain(field);
    expect(new Set(COLUMN_SUGGESTIONS).size).toBe(COLUMN_SUGGESTIONS.length);
  });
});

describe("the project record", () => {
  it("names files and copies", () => {
    expect(projectFileName("Rat scores")).toBe("Rat scores.pooled.json");
    expect(projectFileName('a/b: "c"\u0007')).toBe("a-b- -c--.pooled.json");
    expect(projectFileName("  ")).toBe("project.pooled.json");
    expect(nameFromFile("C:\\data\\bbb.simulated.csv")).toBe("bbb.simulated");
    expect(nameFromFile("review.pooled.json")).toBe("review");
    expect(copyName("X", ["X (copy)"])).toBe("X (copy 2)");
    expect(copyName("X (copy 2)", [])).toBe("X (copy)");
    const p = newProject("id", new Date("2025-01-02T03:04:05Z"));
    expect(p.data.headers).toEqual(TEMPLATE_HEADERS);
    expect(dataName(p)).toBe("Untitled project.pooled.json");
    expect(dataName({ ...p, source: "bbb.csv" })).toBe("bbb.csv");
    expect(projectDraft(p).data.rows).toEqual([]);
  });
});

describe("settings and the project file's analysis block", () => {
  const variants: Settings[] = [
    DEFAULT_SETTINGS,
    { ...DEFAULT_SETTINGS, method: "DL", test: "knha", by: "dose", mods: ["year"], seed: 7 },
    { ...DEFAULT_SETTINGS, measure: "SMD", vtype: "RevMan", forestSort: "effect" },
    { ...DEFAULT_SETTINGS, measure: "ROM", correctBias: false, trimfillSide: "left" },
    {
      ...DEFAULT_SETTINGS,
      measure: "OR",
      method: "MH",
      add: 0.25,
      to: "all",
      drop00: true,
      eggerPredictor: "ninv",
    },
    {
      ...DEFAULT_SETTINGS,
      model: "three-level",
      cluster: "paper",
      permutations: "exact",
      bootstrap: 2000,
      bootstrapType: "parametric",
      gosh: 5000,
      trimfillEstimator: "R0",
    },
    { ...DEFAULT_SETTINGS, mods: ["dose"], predict: [{ dose: 100 }, { dose: 200 }] },
  ];

  it("reads back the settings it wrote (settings -> options -> settings)", () => {
    for (const settings of variants) {
      const options = toAnalysisOptions(settings);
      const back = settingsFromAnalysisOptions(options, { forestSort: settings.forestSort });
      expect(back.kept).toEqual({});
      expect(back.measureGiven).toBe(true);
      expect(back.settings).toEqual({ ...settings, forestSort: settings.forestSort ?? "input" });
    }
  });

  it("gives every option of a project back, those without a control kept (options -> settings -> options)", () => {
    const projects: Record<string, unknown>[] = [
      {},
      { measure: "MD", method: "REML", test: "z", by: "dose" },
      { measure: "ROM", vtype: "LS2", level: 90, splitSharedControls: false },
      { measure: "SMDH", legacySmdhVariance: true, correctBias: false },
      { measure: "SMD", vtype: "UB", seed: 3, permutations: 1000 },
    ];
    for (const options of projects) {
      const { settings, kept } = settingsFromAnalysisOptions(options);
      const back = toAnalysisOptions({ ...settings, projectOptions: kept });
      for (const [key, value] of Object.entries(options)) expect(back[key]).toEqual(value);
    }
    // ROM's LS2 and SMDH's metafor 3.8 variance have controls; the confidence level has none.
    const rom = settingsFromAnalysisOptions({ measure: "ROM", vtype: "LS2", level: 90 });
    expect(rom.kept).toEqual({ level: 90 });
    expect(rom.settings.vtype).toBe("LS2");
    const smdh = settingsFromAnalysisOptions({ measure: "SMDH", legacySmdhVariance: true });
    expect(smdh.kept).toEqual({});
    expect(smdh.settings.legacySmdhVariance).toBe(true);
    expect(settingsFromAnalysisOptions({}).measureGiven).toBe(false);
  });

  it("imports the bundled project example and exports it again, field for field", async () => {
    const engine = createEngine(bindPipeline("test"), null);
    const name = "sci-exosomes-bbb.pooled.json";
    const text = await readFile(join(examples, name), "utf8");
    const imported = await engine.importProject(text, name);
    if (!imported.ok) throw new Error(imported.problems.map((p) => p.expected).join("; "));
    expect(imported.project.settings?.by).toBe("dose");
    expect(imported.project.source).toBe("sci-exosomes-bbb.simulated.csv");
    const exported = await engine.exportProject(
      projectDraft({ ...newProject("id", new Date()), ...imported.project }),
    );
    if (!exported.ok) throw new Error("export failed");
    const again = parseProject(exported.text, exported.fileName);
    const original = parseProject(text, name);
    // The page writes the options it always sends (seed) beside the file's own.
    expect(again.project).toEqual({
      ...original.project,
      analysis: { ...original.project!.analysis, seed: 1 },
    });
  });

  it("reports a project file's problems with their JSON path", async () => {
    const engine = createEngine(bindPipeline("test"), null);
    const read = await engine.importProject(
      '{"format": "pooled-project", "version": 1}',
      "x.pooled.json",
    );
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problems.length).toBeGreaterThan(0);
  });
});

describe("a data file's cells for the grid", () => {
  it("validate to the file's own table (every example, CSV and JSON)", async () => {
    const pipeline = bindPipeline("test");
    const csv = ["sci-exosomes-bbb.simulated.csv", "sci-exosomes-mortality.simulated.csv"];
    const files: { name: string; bytes: Uint8Array }[] = [];
    for (const name of csv)
      files.push({ name, bytes: new Uint8Array(await readFile(join(examples, name))) });
    // The same rows as JSON, and as a TSV with a blank line and a quoted cell.
    files.push({
      name: "small.json",
      bytes: new TextEncoder().encode(
        JSON.stringify([
          { study: "A", yi: 0.5, vi: 0.1 },
          { study: "B", yi: 1.2, vi: 0.2 },
        ]),
      ),
    });
    files.push({
      name: "small.tsv",
      bytes: new TextEncoder().encode('study\tyi\tvi\n"A, 2001"\t0.5\t0.1\n\nB\t1.2\t0.2\n'),
    });
    for (const file of files) {
      const data = await pipeline.dataGrid(file.bytes, file.name);
      expect(data).not.toBeNull();
      const fromGrid = parseStudyGrid(gridFromProjectData(data!), file.name, {});
      const fromFile = await parseStudyFile(file.bytes, file.name, {});
      expect(fromGrid.problems).toEqual([]);
      expect(fromGrid.table).toEqual(fromFile.table);
    }
  });

  it("keeps a bad file's row numbers, so its problems land on their cells", async () => {
    const pipeline = bindPipeline("test");
    const bytes = new TextEncoder().encode("study,yi,vi\n\nA,0.5,0.1\nB,x,0.2\n");
    const data = (await pipeline.dataGrid(bytes, "bad.csv"))!;
    const fromFile = await parseStudyFile(bytes, "bad.csv", {});
    expect(fromFile.problems.map((p) => [p.row, p.column])).toEqual([[4, "yi"]]);
    const placed = placeProblems(fromFile.problems, data.headers, data.rows.length);
    expect(data.rows[2]).toEqual(["B", "x", "0.2"]);
    expect([...placed.cells.keys()]).toEqual(["3,1"]);
  });
});

describe("the project store's errors", () => {
  it("names a full disk and a refused store in words a reader can act on", () => {
    const quota = storeError(new DOMException("quota", "QuotaExceededError"));
    expect(quota.kind).toBe("quota");
    expect(quota.message).toContain("storage for this page is full");
    const refused = storeError(new DOMException("no", "SecurityError"));
    expect(refused.kind).toBe("unavailable");
    expect(storeError(new Error("disk on fire")).message).toContain("disk on fire");
  });
});
