/**
 * fast-check arbitraries of hostile study files for the fuzz suites (packages/pipeline/test/end-to-end/fuzz.test.ts
 * and packages/cli/test/fuzz.test.ts): the bundled example mutated (cells replaced by numeric extremes,
 * characters deleted, duplicated, swapped or inserted) and generated tables of 1 to 500 studies.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";

/** The bundled example: 30 comparisons with arms, a control-group column and SYRCLE items. */
export const EXAMPLE = readFileSync(
  new URL("../../../examples/sci-exosomes-bbb.simulated.csv", import.meta.url),
  "utf8",
);
export const EXAMPLE_ROWS = EXAMPLE.trimEnd()
  .split("\n")
  .map((line) => line.split(","));

/** Numbers at and past the edges of a double, and the texts people type for missing values. */
export const EXTREMES = [
  "1e-300",
  "1e300",
  "-1e300",
  "1e308",
  "1.7976931348623157e308",
  "-1.7976931348623157e308",
  "1e309",
  "2.2250738585072014e-308",
  "5e-324",
  "4.9e-324",
  "-5e-324",
  "1e-320",
  "0",
  "-0",
  "NaN",
  "nan",
  "Inf",
  "-Inf",
  "Infinity",
  "-Infinity",
  "",
  " ",
  "NA",
  "1,5",
  "0x10",
  "1e",
  "--1",
  "١٢",
] as const;

export const extreme = fc.constantFrom(...EXTREMES);
const ordinary = fc.double({ min: -50, max: 50, noNaN: true }).map(String);
const ordinarySpread = fc.double({ min: 0.001, max: 10, noNaN: true }).map(String);
/** Numbers a file may legitimately hold, at the edges of a double. */
const edgeNumber = fc.constantFrom(
  "1e-300",
  "1e300",
  "-1e300",
  "1.7976931348623157e308",
  "5e-324",
  "-5e-324",
  "2.2250738585072014e-308",
  "0",
  "-0",
);
/** Variances and SDs a file may legitimately hold: huge, tiny, subnormal. */
const edgeSpread = fc.constantFrom("1e-300", "5e-324", "1e-20", "1e20", "1e300", "1e308");

/** A value of a cell: mostly ordinary numbers, often valid extremes; wild ones also invalid text. */
export const numberText = (wild: boolean) =>
  fc.oneof(
    { weight: 3, arbitrary: ordinary },
    { weight: 2, arbitrary: edgeNumber },
    { weight: wild ? 2 : 0, arbitrary: extreme },
    { weight: wild ? 1 : 0, arbitrary: fc.double().map(String) },
  );
/** A variance or SD: huge, tiny, subnormal or ordinary (wild: also zero, negative or text). */
export const spreadText = (wild: boolean) =>
  fc.oneof(
    { weight: 6, arbitrary: ordinarySpread },
    { weight: 2, arbitrary: edgeSpread },
    { weight: wild ? 2 : 0, arbitrary: fc.constantFrom("0", "-1", "-5e-324") },
    { weight: wild ? 2 : 0, arbitrary: extreme },
  );
/** Group sizes (wild: including nonsense). */
export const sizeText = (wild: boolean) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 2, max: 60 }).map(String) },
    {
      weight: wild ? 1 : 0,
      arbitrary: fc.constantFrom("1", "0", "-3", "2.5", "1e300", "5e-324", "NaN", ""),
    },
  );
/** One table in four wild (cells that must be refused), the others valid but extreme. */
export const wildness = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, fc.constant(true));
/** k from 1 to 500, mostly small so that the suite stays fast. */
export const studyCount = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 12 }) },
  { weight: 4, arbitrary: fc.integer({ min: 13, max: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 61, max: 500 }) },
);

/** Characters that break a delimited file: delimiters, quotes, line breaks, NUL, a BOM. */
export const hostile = fc.constantFrom(
  ",",
  '"',
  "\n",
  "\r\n",
  "\r",
  "\0",
  "\t",
  ";",
  "\uFEFF",
  '""',
  "\\",
);

export type Mutation =
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number }
  | { kind: "swap"; at: number; other: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "number"; nth: number; text: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(hostile, fc.string({ maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant("number" as const), nth: fc.nat(), text: extreme }),
);

/** Applies one mutation to a text (positions taken modulo its length). */
export function mutate(text: string, m: Mutation): string {
  const n = Math.max(text.length, 1);
  switch (m.kind) {
    case "delete": {
      const at = m.at % n;
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case "duplicate": {
      const at = m.at % n;
      const piece = text.slice(at, at + m.length);
      return text.slice(0, at) + piece + text.slice(at);
    }
    case "swap": {
      const chars = [...text];
      if (chars.length < 2) return text;
      const a = m.at % chars.length;
      const b = m.other % chars.length;
      [chars[a], chars[b]] = [chars[b] as string, chars[a] as string];
      return chars.join("");
    }
    case "insert": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "number": {
      const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi)];
      const found = numbers[m.nth % Math.max(numbers.length, 1)];
      if (found === undefined) return text;
      const at = found.index;
      return text.slice(0, at) + m.text + text.slice(at + found[0].length);
    }
  }
}

/** No mutation in about a third of the cases, so that many reach the analysis. */
export const mutations = fc.oneof(
  fc.constant([] as Mutation[]),
  fc.array(mutation, { minLength: 1, maxLength: 2 }),
  fc.array(mutation, { minLength: 1, maxLength: 6 }),
);

/** The example's numeric columns, each with the values it may take. */
const column = (name: string) => (EXAMPLE_ROWS[0] as string[]).indexOf(name);
const exampleEdit = (wild: boolean) =>
  fc.oneof(
    fc.record({
      column: fc.constantFrom(column("n_treatment"), column("n_control")),
      text: sizeText(wild),
    }),
    fc.record({
      column: fc.constantFrom(column("mean_treatment"), column("mean_control")),
      text: numberText(wild),
    }),
    fc.record({
      column: fc.constantFrom(column("sd_treatment"), column("sd_control")),
      text: spreadText(wild),
    }),
    wild
      ? fc.record({ column: fc.nat(), text: numberText(true) })
      : fc.record({
          column: fc.constant(column("year")),
          text: fc.integer({ min: 1900, max: 2100 }).map(String),
        }),
  );

/** The example as rows of cells with some cells replaced by extremes (before any text mutation). */
export const exampleCells = wildness.chain((wild) =>
  fc.array(fc.tuple(fc.nat(), exampleEdit(wild)), { maxLength: 8 }).map((edits) => {
    const rows = EXAMPLE_ROWS.map((row) => [...row]);
    for (const [row, { column, text }] of edits) {
      const r = rows[1 + (row % (rows.length - 1))] as string[];
      r[column % r.length] = text;
    }
    return rows;
  }),
);

/** A generated table: yi/vi or two arms, k rows of random or extreme values. */
export const generatedTable = fc.oneof(
  fc
    .tuple(studyCount, wildness)
    .chain(([k, wild]) =>
      fc
        .array(fc.tuple(numberText(wild), spreadText(wild)), { minLength: k, maxLength: k })
        .map((rows) => [["study", "yi", "vi"], ...rows.map(([yi, vi], i) => [`s${i}`, yi, vi])]),
    ),
  fc.tuple(studyCount, wildness).chain(([k, wild]) =>
    fc
      .array(
        fc.tuple(
          sizeText(wild),
          numberText(wild),
          spreadText(wild),
          sizeText(wild),
          numberText(wild),
          spreadText(wild),
        ),
        {
          minLength: k,
          maxLength: k,
        },
      )
      .map((rows) => [
        ["study", "n1i", "m1i", "sd1i", "n2i", "m2i", "sd2i"],
        ...rows.map((cells, i) => [`s${i}`, ...cells]),
      ]),
  ),
);

/** CSV with every cell quoted when it needs it (RFC 4180). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
  return `${rows.map((r) => r.map(cell).join(",")).join("\n")}\n`;
}

export function toTsv(rows: readonly (readonly string[])[]): string {
  return `${rows.map((r) => r.map((c) => c.replace(/[\t\r\n]/g, " ")).join("\t")).join("\n")}\n`;
}

/** JSON rows, with numeric-looking cells written as JSON numbers where JSON allows it. */
export function toJson(rows: readonly (readonly string[])[]): string {
  const [header = [], ...body] = rows;
  const value = (c: string): unknown => {
    const n = Number(c);
    return c.trim() !== "" && Number.isFinite(n) && /^-?\d/.test(c) ? n : c;
  };
  const objects = body.map((r) => Object.fromEntries(header.map((h, i) => [h, value(r[i] ?? "")])));
  // 1e309 and friends as bare JSON numbers, which JSON.stringify cannot write.
  return JSON.stringify(objects).replace(/"(-?1e309|-?1e400)"/g, "$1");
}
