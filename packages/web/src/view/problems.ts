/**
 * Data problems as a reader sees them: one line per problem naming the row and column of the
 * spreadsheet, sorted as they appear in the file. Errors that are not DataProblems (a thrown
 * error from the engine, a worker crash) become one readable line too, never a blank page.
 */
import type { DataProblem } from "@pooled/pipeline";

export interface ProblemLine {
  /** "Row 5, column “sd_control”", "Column “n_control”", "Row 7" or "File". */
  where: string;
  /** "expected a number greater than 0; found “-3”". */
  what: string;
  row: number | null;
  column: string | null;
}

export interface ProblemList {
  /** "3 problems in spinal.csv" */
  heading: string;
  lines: ProblemLine[];
}

function quote(s: string): string {
  return `“${s}”`;
}

/** Short, printable version of a found value (long cells and control characters shortened). */
export function shortValue(found: string): string {
  let flat = found.replace(/[\r\n\t]+/g, " ");
  // The pipeline may already quote text it found: do not quote twice.
  const quoted = /^"(.*)"$/.exec(flat) ?? /^“(.*)”$/.exec(flat);
  if (quoted) flat = quoted[1] ?? "";
  if (flat.length === 0) return "an empty cell";
  return quote(flat.length > 160 ? `${flat.slice(0, 157)}…` : flat);
}

export function describeLocation(row: number | null, column: string | null): string {
  if (row !== null && column !== null) return `Row ${row}, column ${quote(column)}`;
  if (row === 1) return "Header row";
  if (row !== null) return `Row ${row}`;
  if (column !== null) return `Column ${quote(column)}`;
  return "File";
}

/** A flag's argument as a message writes it: `m1i="Mean T"`, `2`, `<column>`. */
const ARG = String.raw`(?: (?:[^\s,;)"]|"[^"]*")+)?`;

/**
 * The pipeline's messages are shared with the CLI and name its flags; on the page the same advice
 * points at the control that does it. Most specific first; applied to what was expected only
 * (what was found is the reader's data, shown as written).
 */
const WEB_WORDING: readonly [RegExp, string][] = [
  [/\buse --decimal-comma\b/g, "tick “Decimal comma (3,5)” in the Data panel"],
  [/--decimal-comma is on\b/g, "“Decimal comma (3,5)” is ticked"],
  [/--decimal-comma\b/g, "“Decimal comma (3,5)” in the Data panel"],
  [/\b(an explicit choice )\(--map ([A-Za-z0-9_]+)=<column>\)/g, "$1for $2 in the Columns panel"],
  [/\((?:e\.g\. )?--map [^)]*\)/g, "(in the Columns panel)"],
  [/\buse --map\b/g, "use the Columns panel"],
  [new RegExp(`--map${ARG}`, "g"), "the Columns panel"],
  [new RegExp(String.raw`\buse --sheet${ARG}`, "g"), "choose the sheet"],
  [new RegExp(`--sheet${ARG}`, "g"), "the Sheet choice in the Data panel"],
  [/--measure\b/g, "the Effect measure setting"],
  [/\bname it with --cluster <column>/g, "choose it under “Publication column” in the Settings"],
  [/--cluster\b/g, "the Publication column setting"],
  [
    /--method (\w+ or \w+) with --model three-level\b/g,
    "$1 as the Method of the three-level model",
  ],
  [/--model three-level\b/g, "the three-level model"],
  [/--model\b/g, "the Model setting"],
  [/--method\b/g, "the Method setting"],
  [/--test\b/g, "the Test setting"],
  [/--add\b/g, "the Continuity correction"],
  [/--to\b/g, "“Correction added to”"],
  [/--drop00\b/g, "“Tables without events in either arm”"],
  [/--egger-predictor\b/g, "the Egger's test predictor setting"],
  [/--by\b/g, "Subgroups by"],
  [/--mods\b/g, "Moderators"],
];

/** A pipeline message reworded for the page: CLI flags become the controls that do the same. */
export function webWording(text: string): string {
  let out = text;
  for (const [pattern, replacement] of WEB_WORDING) out = out.replace(pattern, replacement);
  return out;
}

export function problemLine(problem: DataProblem): ProblemLine {
  const expected = webWording(problem.expected.trim());
  // The contract's `expected` reads "a number greater than 0"; engine errors passed through
  // errorToProblems are whole sentences about the file, shown as written.
  const fileLevel = problem.row === null && problem.column === null;
  const sentence =
    /^expected\b/i.test(expected) || (fileLevel && !/^(a|an|at least|one|some)\b/i.test(expected));
  const what = sentence ? expected : `expected ${expected}`;
  const found = problem.found !== undefined ? `; found ${shortValue(problem.found)}` : "";
  return {
    where: describeLocation(problem.row, problem.column),
    what: `${what}${found}`,
    row: problem.row,
    column: problem.column,
  };
}

/** File-level problems first, then by row, then by column name; stable otherwise. */
export function sortProblems(problems: readonly DataProblem[]): DataProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const ra = a.p.row ?? -1;
      const rb = b.p.row ?? -1;
      if (ra !== rb) return ra - rb;
      const ca = a.p.column ?? "";
      const cb = b.p.column ?? "";
      if (ca !== cb) return ca < cb ? -1 : 1;
      return a.i - b.i;
    })
    .map(({ p }) => p);
}

export function problemList(problems: readonly DataProblem[], fileName: string): ProblemList {
  const n = problems.length;
  const heading =
    n === 0
      ? `No problems in ${fileName}`
      : `${n} ${n === 1 ? "problem" : "problems"} in ${fileName}: nothing was analysed`;
  return { heading, lines: sortProblems(problems).map(problemLine) };
}

/** Anything thrown (Error, string, structured-cloned error) as a problem list for the page. */
export function errorToProblems(error: unknown, fileName: string): DataProblem[] {
  if (isProblemArray(error)) return error;
  if (typeof error === "object" && error !== null) {
    const e = error as { problems?: unknown; errors?: unknown; message?: unknown };
    if (isProblemArray(e.problems)) return e.problems;
    // stats' PooledInputErrors: [{ location: { study, field, value }, expected }]
    if (Array.isArray(e.errors)) {
      const mapped = e.errors.map((inner: unknown) => fromStatsInputError(inner, fileName));
      if (mapped.length > 0 && mapped.every((x) => x !== null)) return mapped as DataProblem[];
    }
    const single = fromStatsInputError(error, fileName);
    if (single) return [single];
    if (typeof e.message === "string" && e.message.length > 0) {
      return [{ file: fileName, row: null, column: null, expected: e.message }];
    }
  }
  const text = typeof error === "string" && error.length > 0 ? error : "the analysis failed";
  return [{ file: fileName, row: null, column: null, expected: text }];
}

function isProblemArray(x: unknown): x is DataProblem[] {
  return (
    Array.isArray(x) &&
    x.every(
      (p) =>
        typeof p === "object" &&
        p !== null &&
        "expected" in p &&
        "row" in p &&
        "column" in p &&
        typeof (p as DataProblem).expected === "string",
    )
  );
}

function fromStatsInputError(x: unknown, fileName: string): DataProblem | null {
  if (typeof x !== "object" || x === null) return null;
  const e = x as {
    location?: { study?: string; field?: string; value?: unknown };
    expected?: unknown;
  };
  if (!e.location || typeof e.expected !== "string") return null;
  const study = e.location.study !== undefined ? `study ${quote(e.location.study)}: ` : "";
  return {
    file: fileName,
    row: null,
    column: e.location.field ?? null,
    expected: `${study}expected ${e.expected}`,
    ...(e.location.value !== undefined ? { found: String(e.location.value) } : {}),
  };
}
