/**
 * Seeded fuzzing of the pipeline as the CLI drives it ("A fuzzing suite that keeps it
 * so"): random and mutated CSV, TSV and JSON text, and study tables of 1 to 500 rows full of
 * numeric extremes, go through parseStudyFile -> analyzeAsync -> renderText. Every case ends in a
 * study table and an analysis, or in problems / a typed PooledError whose lines are one line each
 * (what the CLI prints), within a time bound: never an untyped TypeError or RangeError.
 *
 * The seed is fixed (test/support/fast-check-setup.ts); FC_SEED=random explores, FC_SEED=<n> replays.
 */
import { PooledError } from "@pooled/stats";
import {
  EXAMPLE,
  exampleCells,
  extreme,
  generatedTable,
  hostile,
  mutate,
  mutations,
  toCsv,
  toJson,
  toTsv,
} from "@pooled/test-utils/fuzz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AnalysisOptions,
  analyzeAsync,
  formatProblem,
  inferMeasure,
  parseStudyFile,
  renderText,
} from "../../src/index.js";

/** Slowest a single case may take (parse + analysis + text summary) before it counts as a hang. */
const CASE_MS = 5_000;

const encoder = new TextEncoder();

const analysisOptions: fc.Arbitrary<AnalysisOptions> = fc.record(
  {
    method: fc.constantFrom("REML", "DL", "FE", "PM", "ML", "HE", "SJ", "EB", "HS"),
    test: fc.constantFrom("z", "knha"),
    by: fc.constantFrom("route", "sex", "nonexistent"),
    mods: fc.constantFrom(["year"], ["dose"], ["year", "n_control"]),
    model: fc.constantFrom("standard", "three-level"),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<AnalysisOptions>;

/** What a case ended in. */
type Outcome =
  | { kind: "problems"; lines: string[] }
  | { kind: "analysis" }
  | { kind: "error"; lines: string[] };

/**
 * The CLI's engine (packages/cli/src/engine.ts) on a file held in memory: parse, analyse with the
 * measure inferred from the columns, render the summary. Anything thrown that is not a
 * PooledError is rethrown, failing the property with its stack.
 */
async function runLikeCli(
  bytes: Uint8Array,
  fileName: string,
  options: AnalysisOptions = {},
): Promise<Outcome> {
  const start = performance.now();
  try {
    const parsed = await parseStudyFile(bytes, fileName);
    if (parsed.table === undefined || parsed.problems.length > 0)
      return { kind: "problems", lines: parsed.problems.map(formatProblem) };
    const table = parsed.table;
    const analysis = await analyzeAsync(table, {
      ...options,
      measure: options.measure ?? inferMeasure(table.columns.fields),
    });
    const text = renderText(analysis);
    expect(typeof text).toBe("string");
    JSON.stringify(analysis);
    return { kind: "analysis" };
  } catch (error) {
    if (!(error instanceof PooledError)) throw error;
    return { kind: "error", lines: errorLines(error) };
  } finally {
    expect(performance.now() - start, `${fileName} took too long`).toBeLessThan(CASE_MS);
  }
}

/** The lines the CLI prints for a typed error: its problems, its input errors, or its message. */
function errorLines(error: PooledError): string[] {
  const e = error as PooledError & { problems?: unknown; errors?: unknown };
  if (Array.isArray(e.problems)) return e.problems.map(formatProblem);
  if (Array.isArray(e.errors)) return e.errors.map((x: Error) => x.message);
  return [error.message];
}

function expectTidy(outcome: Outcome): void {
  if (outcome.kind === "analysis") return;
  expect(outcome.lines.length).toBeGreaterThan(0);
  for (const line of outcome.lines) {
    expect(line.trim().length).toBeGreaterThan(0);
    expect(line, "one line per problem").not.toMatch(/[\r\n]/);
    expect(line).not.toMatch(/^\s+at /m);
  }
}

describe("fuzz: the pipeline ends every file in an analysis or typed problems", () => {
  it("the example, unmutated, analyses", async () => {
    expect((await runLikeCli(encoder.encode(EXAMPLE), "bbb.csv")).kind).toBe("analysis");
  });

  it("the example with cells replaced by extremes and characters deleted, duplicated, swapped or inserted (CSV)", async () => {
    await fc.assert(
      fc.asyncProperty(exampleCells, mutations, analysisOptions, async (rows, ms, options) => {
        const text = ms.reduce(mutate, toCsv(rows));
        expectTidy(await runLikeCli(encoder.encode(text), "bbb.csv", options));
      }),
      { numRuns: 400 },
    );
  });

  it("the example as TSV and as JSON, mutated", async () => {
    await fc.assert(
      fc.asyncProperty(
        exampleCells,
        mutations,
        fc.constantFrom("tsv", "json"),
        async (rows, ms, format) => {
          const text = ms.reduce(mutate, format === "tsv" ? toTsv(rows) : toJson(rows));
          expectTidy(await runLikeCli(encoder.encode(text), `bbb.${format}`));
        },
      ),
      { numRuns: 250 },
    );
  });

  it("generated tables of 1 to 500 studies with extreme values, huge and tiny variances", async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedTable,
        fc.constantFrom("csv", "tsv", "json"),
        fc.constantFrom("REML", "DL", "FE", "PM"),
        async (rows, format, method) => {
          const text =
            format === "csv" ? toCsv(rows) : format === "tsv" ? toTsv(rows) : toJson(rows);
          expectTidy(await runLikeCli(encoder.encode(text), `gen.${format}`, { method }));
        },
      ),
      { numRuns: 250 },
    );
  });

  it("random text and bytes under any extension", async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 300, unit: "binary" }).map((s) => encoder.encode(s)),
      fc.uint8Array({ maxLength: 300 }),
      fc
        .array(
          fc.oneof(hostile, extreme, fc.constantFrom("yi", "vi", "study", "[", "{", "}", "]", ":")),
          {
            maxLength: 60,
          },
        )
        .map((parts) => encoder.encode(parts.join(""))),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("csv", "tsv", "json", "txt"), async (bytes, ext) => {
        expectTidy(await runLikeCli(bytes, `random.${ext}`));
      }),
      { numRuns: 400 },
    );
  });
});

/** What the suite found, fixed: each reproduction kept as a regression test. */
describe("fuzz findings", () => {
  const oneLine = async (bytes: Uint8Array, name: string) => {
    const { problems } = await parseStudyFile(bytes, name);
    for (const line of problems.map(formatProblem)) expect(line).not.toMatch(/[\r\n]/);
  };

  it("a header cell with a quoted line break is echoed on one line (\\n)", async () => {
    await oneLine(encoder.encode('"",\n1e-300'), "random.tsv");
  });

  it("invalid JSON: V8's message quoting the file's line breaks and control bytes stays on one line", async () => {
    await oneLine(Uint8Array.from([10, 1]), "random.json");
    // a terminal escape sequence in the file is written as \u001b, never sent raw
    const { problems } = await parseStudyFile(encoder.encode("\n\u001b]0;pwned\u0007"), "t.json");
    const line = problems.map(formatProblem).join(" ");
    expect(line.includes("\u001b") || line.includes("\u0007")).toBe(false);
    expect(line).toContain("\\u001b");
  });

  it("arms at the edge of a double with DL: the row is named, as with REML", async () => {
    const text =
      "study,n1i,m1i,sd1i,n2i,m2i,sd2i\ns0,10,0,1,10,0,1\ns1,10,1.7976931348623157e308,1,10,0,1\n";
    const outcome = await runLikeCli(encoder.encode(text), "arms.csv", { method: "DL" });
    expect(outcome.kind).not.toBe("analysis");
    if (outcome.kind === "analysis") return;
    expect(outcome.lines.join(" ")).toMatch(/arms\.csv:3:.*overflow double precision/);
  });
});

describe("fuzz: event counts", () => {
  /** One 2×2 table: arm sizes 0 to 40 (and a huge one now and then), events 0 to n. */
  const arm = fc
    .oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 40 }) },
      fc.constantFrom(1, 1_000_000_000),
    )
    .chain((n) =>
      fc.tuple(fc.oneof(fc.constantFrom(0, n), fc.integer({ min: 0, max: n })), fc.constant(n)),
    );
  const tables = fc.array(fc.tuple(arm, arm, fc.constantFrom("a", "b")), {
    minLength: 1,
    maxLength: 60,
  });
  const options = fc.record(
    {
      measure: fc.constantFrom("OR", "RR", "RD", "PETO"),
      method: fc.constantFrom("REML", "DL", "FE", "MH", "PETO"),
      add: fc.constantFrom(0, 0.5, 1),
      to: fc.constantFrom("only0", "all", "if0all", "none"),
      drop00: fc.boolean(),
      by: fc.constant("group"),
      eggerPredictor: fc.constantFrom("sei", "ninv"),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<AnalysisOptions>;

  it("tables with zero cells, double zeros, empty and huge arms end in an analysis or typed problems", async () => {
    await fc.assert(
      fc.asyncProperty(tables, options, async (rows, opts) => {
        const csv = [
          "study,events_treatment,n_treatment,events_control,n_control,group",
          ...rows.map(([[a, n1], [c, n2], g], i) => `S${i + 1},${a},${n1},${c},${n2},${g}`),
        ].join("\n");
        expectTidy(await runLikeCli(encoder.encode(csv), "counts.csv", opts));
      }),
      { numRuns: 300 },
    );
  });
});
