/**
 * Hostile and careless input files: each is refused at once with one problem that names the file,
 * the row or column and the limit (INPUT_LIMITS), never a stack overflow, an endless read or
 * gigabytes of memory. Each case reproduces a reported failure.
 */
import { deflateRawSync } from "node:zlib";
import {
  crc32,
  SHEET_HEAD,
  SHEET_TAIL,
  sheetOfSpaces,
  workbookWithSheet,
  xlsxParts,
  type ZipEntry,
  zipArchive,
  zipStored,
} from "@pooled/test-utils/xlsx";
import fc from "fast-check";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  type DataProblem,
  formatProblem,
  INPUT_LIMITS,
  parseColumnMap,
  parsePrisma,
  parseStudyFile,
} from "../../src/input/index.js";
import { jsonPreview } from "../../src/input/json-preview.js";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const brief = (problems: DataProblem[]) =>
  problems.map((p) => [p.row, p.column, p.expected, p.found]);

/** Milliseconds a promise takes, with its value. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** `study,yi,vi` rows s0, s1, ... */
function genRows(count: number): string {
  const lines = ["study,yi,vi"];
  for (let i = 0; i < count; i++) lines.push(`s${i},0.${i % 10},0.2`);
  return `${lines.join("\n")}\n`;
}

describe("JSON nested deeper than any call stack", () => {
  const depth = 100_000;

  const SHAPE = 'an array of objects, one per comparison, such as [{"study": ..., "yi": ...}]';
  const DEEP = "brackets nested more than 64 deep (a table needs 2: the array and its objects)";

  it("100,000 nested brackets or objects: one problem asking for an array of objects", async () => {
    for (const [name, text] of [
      ["nested.json", "[".repeat(depth) + "]".repeat(depth)],
      ["objects.json", `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`],
    ] as const) {
      const { problems, table } = await parseStudyFile(bytes(text), name);
      expect(table).toBeUndefined();
      expect(problems.map(formatProblem)).toEqual([`${name}:1: expected ${SHAPE}, found ${DEEP}`]);
    }
  });

  it("120 MB of brackets (50 s and 6 GB for JSON.parse) are refused before parsing", async () => {
    const deep = 60_000_000;
    const text = bytes("[".repeat(deep) + "]".repeat(deep));
    const { value, ms } = await timed(() => parseStudyFile(text, "deep.json"));
    expect(brief(value.problems)).toEqual([[1, null, SHAPE, DEEP]]);
    expect(ms).toBeLessThan(5_000);
  });

  it("other shapes are named in a short preview; nesting inside a cell is a cell's problem", async () => {
    const shape = async (text: string) =>
      (await parseStudyFile(bytes(text), "s.json")).problems.map((p) => p.found);
    expect(await shape("[[1],[2]]")).toEqual(["an array of arrays: [[1],[2]]"]);
    expect(await shape('{"a":{"b":1}}')).toEqual(['an object: {"a":{"b":1}}']);
    expect(await shape(`[${"1,".repeat(1000)}1]`)).toEqual([
      `an array of numbers: [${"1,".repeat(29)}1...`,
    ]);
    const inCell = await parseStudyFile(
      bytes(`[{"study":"A","yi":${"[".repeat(60)}${"]".repeat(60)},"vi":0.1}]`),
      "cell.json",
    );
    expect(inCell.problems).toHaveLength(1);
    expect(inCell.problems[0]).toMatchObject({ row: 2, column: "yi", expected: "a number" });
  });

  it("nested --config and --prisma files are problems too", () => {
    const nested = `{"columns":${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const config = parseColumnMap([], { text: nested, file: "columns.json" });
    expect(config.problems).toHaveLength(1);
    expect(config.problems[0]!.found!.length).toBeLessThan(300);
    const prisma = parsePrisma(nested.replace("columns", "identified"), "prisma.json");
    expect(prisma.problems.length).toBeGreaterThan(0);
    for (const p of prisma.problems) expect(formatProblem(p).length).toBeLessThan(500);
  });

  it("jsonPreview writes JSON.stringify's text when it fits, and stops at the cut", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonPreview(value, 1_000_000)).toBe(JSON.stringify(value));
      }),
    );
    expect(
      jsonPreview(
        Array.from({ length: 1_000_000 }, (_, i) => i),
        20,
      ),
    ).toBe("[0,1,2,3,4,5,6,7,8,9...");
    expect(jsonPreview("x".repeat(50_000_000), 5)).toBe('"xxxx...');
  });
});

describe("XLSX zip bombs", () => {
  const MiB = 1024 * 1024;

  it("the bomb is real: a small one unpacks to its head, MiBs of spaces and its tail", () => {
    const size = SHEET_HEAD.length + 3 * MiB + SHEET_TAIL.length;
    const unpacked = unzipSync(
      zipArchive([{ name: "s.xml", deflated: sheetOfSpaces(3), declaredSize: size }]),
    );
    const text = new TextDecoder().decode(unpacked["s.xml"]);
    // Compared piece by piece: a failing 3 MB string comparison would take vitest minutes to diff.
    expect(text.length).toBe(size);
    expect(text.startsWith(SHEET_HEAD) && text.endsWith(SHEET_TAIL)).toBe(true);
    expect(text.slice(SHEET_HEAD.length, -SHEET_TAIL.length).trim()).toBe("");
  });

  it("a 4 MB workbook whose sheet unpacks to 4,000 MB is refused within a second, unread", async () => {
    const deflated = sheetOfSpaces(4000);
    const declaredSize = SHEET_HEAD.length + 4000 * MiB + SHEET_TAIL.length;
    const workbook = workbookWithSheet({ deflated, declaredSize });
    expect(workbook.length).toBeLessThan(5 * MiB);
    const { value, ms } = await timed(() => parseStudyFile(workbook, "bomb.xlsx"));
    expect(ms).toBeLessThan(1000);
    expect(value.problems).toHaveLength(1);
    expect(formatProblem(value.problems[0]!)).toBe(
      "bomb.xlsx: expected a workbook whose parts unpack to at most 128 MB (Pooled's limit), found parts that unpack to 4,000.0 MB (xl/worksheets/sheet1.xml alone 4,000.0 MB)",
    );
  });

  it("a part that lies about its size is stopped as soon as it passes it", async () => {
    const workbook = workbookWithSheet({ deflated: sheetOfSpaces(4000), declaredSize: MiB });
    const { value, ms } = await timed(() => parseStudyFile(workbook, "liar.xlsx"));
    expect(ms).toBeLessThan(1000);
    expect(brief(value.problems)).toEqual([
      [
        null,
        null,
        "a workbook whose parts unpack to at most 128 MB (Pooled's limit)",
        "a part, xl/worksheets/sheet1.xml, that unpacks to more than the 1,048,576 bytes its zip header declares (a damaged or hostile file)",
      ],
    ]);
  });

  it("an honest deflated workbook is read as before", async () => {
    const rows = [
      ["study", "yi", "vi"],
      ...Array.from({ length: 50 }, (_, i) => [`s${i}`, i / 10, 0.2]),
    ];
    const parts: ZipEntry[] = xlsxParts([{ name: "Data", rows }]).map((p) => {
      const data = bytes(p.text);
      return {
        name: p.name,
        deflated: deflateRawSync(data),
        declaredSize: data.length,
        crc: crc32(data),
      };
    });
    const { table, problems } = await parseStudyFile(zipArchive(parts), "honest.xlsx");
    expect(problems).toEqual([]);
    expect(table!.rows).toHaveLength(50);
  });

  /** A stored workbook whose sheet has a cell in A1 and one more at `far`. */
  function sparse(far: string) {
    const row = far.replace(/^[A-Z]+/, "");
    return zipStored(
      xlsxParts([{ name: "Data", rows: [["study"]] }]).map((p) => ({
        name: p.name,
        data: bytes(
          p.name === "xl/worksheets/sheet1.xml"
            ? `${SHEET_HEAD}<row r="${row}"><c r="${far}"><v>1</v></c></row>${SHEET_TAIL}`
            : p.text,
        ),
      })),
    );
  }

  it("two cells far apart (17 billion once filled in) are refused before the sheet is read", async () => {
    const { value, ms } = await timed(() => parseStudyFile(sparse("XFD1048576"), "sparse.xlsx"));
    expect(ms).toBeLessThan(1000);
    expect(brief(value.problems)).toEqual([
      [
        1048576,
        null,
        "at most 100,000 rows of data (Pooled's limit)",
        "a sheet, xl/worksheets/sheet1.xml (every sheet of a workbook is read), that reaches row 1,048,576",
      ],
    ]);
    const wide = await parseStudyFile(sparse("XFD2"), "wide.xlsx");
    expect(brief(wide.problems)).toEqual([
      [
        null,
        null,
        "at most 1,000 columns (Pooled's limit)",
        "a sheet, xl/worksheets/sheet1.xml (every sheet of a workbook is read), that reaches column XFD (column 16,384)",
      ],
    ]);
    const spread = await parseStudyFile(sparse("SF50000"), "spread.xlsx");
    expect(brief(spread.problems)).toEqual([
      [
        null,
        null,
        "at most 10,000,000 cells, rows x columns (Pooled's limit)",
        "a sheet, xl/worksheets/sheet1.xml (every sheet of a workbook is read), that spans 50,000 rows by 500 columns from A1",
      ],
    ]);
  });
});

describe("row, column, cell and label limits", () => {
  it("the limits are the documented numbers", () => {
    expect(INPUT_LIMITS).toMatchObject({
      fileBytes: 128 * 1024 * 1024,
      rows: 100_000,
      records: 1_000_000,
      columns: 1_000,
      cells: 10_000_000,
      labelChars: 1_000,
    });
  });

  it("100,000 rows are read; one more is refused at that row", async () => {
    const atLimit = await parseStudyFile(bytes(genRows(100_000)), "limit.csv");
    expect(atLimit.problems).toEqual([]);
    expect(atLimit.table!.rows).toHaveLength(100_000);
    const over = await parseStudyFile(bytes(genRows(100_001)), "over.csv");
    expect(over.problems.map(formatProblem)).toEqual([
      "over.csv:100002: expected at most 100,000 rows of data (Pooled's limit), found more rows (reading stopped here)",
    ]);
  });

  it("a 50 MB file of 1.56 million rows stops being read at the limit", async () => {
    const line = "Experiment 00000,0.5,0.2\n";
    const text = `study,yi,vi\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}`;
    const { value, ms } = await timed(() => parseStudyFile(bytes(text), "huge.csv"));
    expect(brief(value.problems)).toEqual([
      [
        100_002,
        null,
        "at most 100,000 rows of data (Pooled's limit)",
        "more rows (reading stopped here)",
      ],
    ]);
    expect(ms).toBeLessThan(10_000);
  });

  it("a million blank lines are a limit too: papaparse would spend minutes on 128 MB of them", async () => {
    const text = `study,yi,vi\na,0.1,0.2${"\n".repeat(1_000_000)}b,0.2,0.2\n`;
    const { value, ms } = await timed(() => parseStudyFile(bytes(text), "blank.csv"));
    expect(value.problems.map(formatProblem)).toEqual([
      "blank.csv:1000001: expected at most 1,000,000 lines, blank ones included (Pooled's limit), found more lines (reading stopped here)",
    ]);
    expect(ms).toBeLessThan(5_000);
    const fewer = await parseStudyFile(
      bytes(`study,yi,vi\n${"\n".repeat(1000)}a,0.1,0.2\n`),
      "f.csv",
    );
    expect(fewer.table!.rows.map((r) => r.row)).toEqual([1002]);
  });

  it("JSON: too many objects, too many keys, too many cells", async () => {
    const many = `[${Array.from({ length: 100_001 }, () => "{}").join(",")}]`;
    expect(brief((await parseStudyFile(bytes(many), "many.json")).problems)).toEqual([
      [100_002, null, "at most 100,000 rows of data (Pooled's limit)", "100,001 objects"],
    ]);
    const keys = (n: number) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1])));
    expect(brief((await parseStudyFile(bytes(`[${keys(1001)}]`), "wide.json")).problems)).toEqual([
      [
        1,
        null,
        "at most 1,000 columns, distinct keys (Pooled's limit)",
        "more than 1,000 distinct keys",
      ],
    ]);
    const dense = `[${keys(1000)}${",{}".repeat(10_000)}]`;
    expect(brief((await parseStudyFile(bytes(dense), "dense.json")).problems)).toEqual([
      [
        null,
        null,
        "at most 10,000,000 cells, rows x columns (Pooled's limit)",
        "10,001 objects with 1,000 distinct keys",
      ],
    ]);
  });

  it("CSV: more than 1,000 columns is refused; trailing empty fields are not counted", async () => {
    const wide = `${Array.from({ length: 1001 }, (_, i) => `c${i}`).join(",")}\n`;
    expect(brief((await parseStudyFile(bytes(wide), "wide.csv")).problems)).toEqual([
      [1, null, "at most 1,000 columns (Pooled's limit)", "1,001 fields"],
    ]);
    const trailing = `study,yi,vi${",".repeat(5000)}\na,0.1,0.2${",".repeat(5000)}\n`;
    const { table } = await parseStudyFile(bytes(trailing), "trailing.csv");
    expect(table!.rows).toHaveLength(1);
  });

  it("a 50 MB study label is refused at once, naming row, column and limit", async () => {
    const text = `study,yi,vi\na,0.1,0.2\n${"x".repeat(50 * 1024 * 1024)},0.3,0.2\n`;
    const { value, ms } = await timed(() => parseStudyFile(bytes(text), "label.csv"));
    expect(value.problems.map(formatProblem)).toEqual([
      "label.csv:3:study: expected a study label of at most 1,000 characters (Pooled's limit: labels are drawn in the report's figures and tables), found 52,428,800 characters",
    ]);
    expect(ms).toBeLessThan(10_000);
  });

  it("labels of publications, control groups and --by/--mods columns; column names", async () => {
    const long = "y".repeat(1001);
    const text = `study,yi,vi,publication,route\na,0.1,0.2,${long},iv\nb,0.2,0.2,P2,${long}\n`;
    const { problems } = await parseStudyFile(bytes(text), "labels.csv", {
      requireColumns: ["route"],
    });
    expect(
      brief(problems).map(([row, column, expected]) => [
        row,
        column,
        String(expected).split(" of at most")[0],
      ]),
    ).toEqual([
      [2, "publication", "a publication (cluster) name"],
      [3, "route", 'a value of "route" (a --by, --mods or --cluster column)'],
    ]);
    const exactly = await parseStudyFile(
      bytes(`study,yi,vi\n${"z".repeat(1000)},0.1,0.2\n`),
      "ok.csv",
    );
    expect(exactly.problems).toEqual([]);
    const header = await parseStudyFile(bytes(`study,yi,vi,${long}\na,0.1,0.2,1\n`), "header.csv");
    expect(brief(header.problems)).toEqual([
      [
        1,
        "column 4",
        "a column name of at most 1,000 characters (Pooled's limit)",
        "1,001 characters",
      ],
    ]);
  });

  it("a file past 128 MB is refused before it is decoded", async () => {
    const big = new Uint8Array(INPUT_LIMITS.fileBytes + 1);
    const { problems } = await parseStudyFile(big, "big.csv");
    expect(problems.map(formatProblem)).toEqual([
      "big.csv: expected a file of at most 128 MB (Pooled's limit), found 128.0 MB",
    ]);
  });

  it("100,000 rows sharing one control group are checked in linear time", async () => {
    const lines = ["study,m1i,sd1i,n1i,m2i,sd2i,n2i,control_group"];
    for (let i = 0; i < 100_000; i++) lines.push(`s${i},10,2,8,7,2.5,8,C`);
    const { value, ms } = await timed(() => parseStudyFile(bytes(lines.join("\n")), "shared.csv"));
    expect(value.problems).toEqual([]);
    expect(ms).toBeLessThan(10_000);
  });
});

describe("text encodings: UTF-16 without a byte-order mark, NUL bytes", () => {
  const csv = "study,yi,vi\na,0.1,0.2\nb,0.3,0.1\n";
  const utf16 = (text: string, bigEndian: boolean) => {
    const out = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      out[2 * i + (bigEndian ? 1 : 0)] = code & 0xff;
      out[2 * i + (bigEndian ? 0 : 1)] = code >> 8;
    }
    return out;
  };

  it("reads UTF-16 (little- and big-endian) without a BOM as UTF-16", async () => {
    for (const bigEndian of [false, true]) {
      const { table, problems } = await parseStudyFile(utf16(csv, bigEndian), "u16.csv");
      expect(problems).toEqual([]);
      expect(table!.rows.map((r) => r.study)).toEqual(["a", "b"]);
    }
  });

  it("says the file looks like UTF-16 when it does not decode as such", async () => {
    const odd = new Uint8Array([...utf16(csv, false), 0x41]); // an odd number of bytes
    expect((await parseStudyFile(odd, "odd.csv")).problems.map(formatProblem)).toEqual([
      'odd.csv: expected UTF-8 text: the file looks like UTF-16 (little-endian); save it as "CSV UTF-8", found bytes that are not valid UTF-16 either',
    ]);
  });

  it("NUL bytes (a binary file, or zeros) are named, never printed", async () => {
    const zeros = await parseStudyFile(new Uint8Array(4096), "zeros.csv");
    expect(zeros.problems.map(formatProblem)).toEqual([
      'zeros.csv:1: expected UTF-8 text (save the file as "CSV UTF-8"), found a NUL byte (0x00), which text files do not hold: is this a binary file?',
    ]);
    const late = await parseStudyFile(bytes(`${csv}c,0.1\u0000,0.2\n`), "late.json");
    expect(brief(late.problems)).toEqual([
      [
        4,
        null,
        "UTF-8 text (save the file as UTF-8)",
        "a NUL byte (0x00), which text files do not hold: is this a binary file?",
      ],
    ]);
  });
});

describe("--mods naming one column twice", () => {
  const text = "study,yi,vi,dose\na,0.1,0.2,1\nb,0.3,0.1,2\nc,0.2,0.3,3\n";

  it("is refused as bad input naming the duplicate, as written or as two spellings", async () => {
    const same = await parseStudyFile(bytes(text), "m.csv", { moderators: ["dose", "dose"] });
    expect(same.problems.map(formatProblem)).toEqual([
      '--mods: expected each moderator column once (the same column twice makes the moderator matrix singular), found "dose" twice',
    ]);
    const spelled = await parseStudyFile(bytes(text), "m.csv", { moderators: ["dose", "Dose"] });
    expect(spelled.problems.map((p) => p.found)).toEqual([
      '"dose" and "Dose", which both name the column "dose"',
    ]);
  });

  it("different columns, and --by on a --mods column, are fine; missing ones are named once", async () => {
    const ok = await parseStudyFile(bytes(text), "m.csv", {
      moderators: ["dose", "yi"],
      requireColumns: ["dose", "dose"],
    });
    expect(ok.problems).toEqual([]);
    const missing = await parseStudyFile(bytes(text), "m.csv", {
      moderators: ["route"],
      requireColumns: ["route"],
    });
    expect(missing.problems.map((p) => p.found)).toEqual(["no such column"]);
  });
});
