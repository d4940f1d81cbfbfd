/**
 * parseStudyFile: a data file's bytes and name in, a validated {@link StudyTable} (or every
 * problem found) out. No file system: the CLI reads files, the web app reads File objects.
 */
import { meanSdFromMedian, sdFromCi } from "@pooled/stats";
import { normaliseHeader } from "./aliases.js";
import { describeField, findHeader, resolveColumns } from "./columns.js";
import {
  type Cell,
  decodeText,
  detectDelimiter,
  formatOf,
  type Grid,
  type GridResult,
  type GridRow,
  gridFromDelimited,
  gridFromJson,
  gridFromXlsx,
} from "./grid.js";
import { jsonPreview } from "./json-preview.js";
import { formatCount, formatMegabytes, INPUT_LIMITS } from "./limits.js";
import { engineInputErrors } from "./problems.js";
import {
  CORRELATION_MEASURES,
  type ColumnMapping,
  type DataProblem,
  type InputField,
  type ParseOptions,
  type ParseResult,
  type RiskJudgement,
  type StudyField,
  type StudyRow,
  type StudyTable,
  SYRCLE_ITEMS,
  type SyrcleItem,
  TABLE_MEASURES,
} from "./types.js";
import {
  emptyCellText,
  isEmptyCell,
  numberHint,
  readExclusion,
  readJudgement,
  readNumber,
} from "./values.js";

type Measure = NonNullable<ParseOptions["measure"]>;
const ARM_MEASURES: readonly Measure[] = ["MD", "SMD", "SMDH", "ROM", "NMD"];

/** What a numeric field must hold, in words and as a test. */
interface Rule {
  expected: string;
  ok: (x: number) => boolean;
}
const FINITE: Rule = { expected: "a number", ok: Number.isFinite };
const POSITIVE: Rule = { expected: "a number greater than 0", ok: (x) => x > 0 };
const ARM_SIZE: Rule = {
  expected: "a whole number of animals, 2 or more",
  ok: (x) => Number.isInteger(x) && x >= 2,
};
/**
 * Counts are whole numbers of animals. How cells relate (events within the arm) and the range of
 * a correlation (|r| < 1) are checked by the effect-size step, which names the row and column the
 * same way.
 */
const COUNT: Rule = {
  expected: "a count of animals: a whole number, 0 or more",
  ok: (x) => Number.isInteger(x) && x >= 0,
};
const SAMPLE_SIZE: Rule = { expected: "a sample size: a number greater than 0", ok: (x) => x > 0 };
const YEAR: Rule = {
  expected: "a year such as 2015",
  ok: (x) => Number.isInteger(x) && x >= 1000 && x <= 9999,
};
const RATIO_MEAN: Rule = {
  expected: "a mean greater than 0 (ROM takes the log of the ratio of means)",
  ok: (x) => x > 0,
};

/** Plain-language names of the fields, for messages and notes. */
const FIELD_LABEL: Partial<Record<InputField, string>> = {
  m1i: "treatment mean",
  sd1i: "treatment SD",
  n1i: "treatment n",
  m2i: "control mean",
  sd2i: "control SD",
  n2i: "control n",
  msham: "sham mean",
  ai: "treatment events",
  bi: "treatment non-events",
  ci: "control events",
  di: "control non-events",
  ri: "correlation",
  ni: "sample size",
  yi: "effect size",
  vi: "sampling variance",
  sei: "standard error",
};

/**
 * Reads a CSV, TSV, XLSX or JSON study file into a validated study table.
 *
 * - CSV/TSV: UTF-8 with or without a BOM (UTF-16 with a BOM too); comma, semicolon or tab
 *   delimiters detected from the header line; decimal commas with `decimalComma`.
 * - XLSX: the first sheet, or `sheet` (name or 1-based number).
 * - JSON: an array of objects, one per comparison.
 *
 * Columns are found by metafor's names or the aliases in aliases.ts (case, spaces, underscores
 * and hyphens ignored), or chosen with `columns`. Every problem is collected; the table is
 * returned only when there are none. A file past {@link INPUT_LIMITS} (size, rows, columns,
 * cells, label length) is refused with one problem naming the limit, before it is parsed whole.
 *
 * @example
 * const { table, problems } = await parseStudyFile(bytes, "bbb.csv", { measure: "MD" });
 */
export async function parseStudyFile(
  bytes: Uint8Array,
  fileName: string,
  options: ParseOptions = {},
): Promise<ParseResult> {
  if (bytes.length > INPUT_LIMITS.fileBytes)
    return { problems: [tooLarge(fileName, bytes.length)], headers: [] };
  const format = formatOf(fileName, bytes);
  let read: GridResult;
  if (format === "xlsx") {
    read = await gridFromXlsx(bytes, fileName, options.sheet);
  } else {
    const decoded = decodeText(bytes, fileName);
    if ("problem" in decoded) return { problems: [decoded.problem], headers: [] };
    read = parseText(decoded.text, fileName, format);
  }
  return validateRead(read, fileName, options);
}

/** Text formats only, synchronously (CSV, TSV, JSON); the same rules as {@link parseStudyFile}. */
export function parseStudyText(
  text: string,
  fileName: string,
  options: ParseOptions = {},
): ParseResult {
  // A character takes at least one byte in UTF-8.
  if (text.length > INPUT_LIMITS.fileBytes)
    return { problems: [tooLarge(fileName, text.length)], headers: [] };
  const format = formatOf(fileName, new Uint8Array(0));
  const read = parseText(
    text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    fileName,
    format === "xlsx" ? "csv" : format,
  );
  return validateRead(read, fileName, options);
}

/**
 * A grid already in memory (a project file's data, a table typed in the web page), validated as
 * {@link parseStudyFile} validates a file's grid: the same limits (columns, rows, cells, header
 * length; checked before any cell is read), blank rows skipped as the readers skip them, the same
 * checks and messages. Row numbers are the grid's own (header = 1).
 *
 * @example
 * const { table, problems } = parseStudyGrid(gridFromProjectData(project.data), "review.pooled.json");
 */
export function parseStudyGrid(
  grid: Grid,
  fileName: string,
  options: ParseOptions = {},
): ParseResult {
  return validateRead(readGrid(grid, fileName), fileName, options);
}

/** A reader's grid validated into a study table, or every problem found, sorted. */
function validateRead(read: GridResult, fileName: string, options: ParseOptions): ParseResult {
  if (read.grid === null) return { problems: read.problems, headers: [] };
  const { grid } = read;
  const problems = [...read.problems];
  const table = validateGrid(grid.headers, grid.rows, fileName, options, problems);
  if (problems.length > 0)
    return { problems: sortProblems(problems, grid.headers), headers: grid.headers };
  return { table, problems: [], headers: grid.headers };
}

/**
 * An in-memory grid as a reader would give it: {@link INPUT_LIMITS} checked row by row in the
 * order of the grid, the same way and with the same words as the file readers, then the header
 * length; blank rows (every cell null or blank text) left out, their numbers skipped.
 */
function readGrid(grid: Grid, file: string): GridResult {
  const { columns, rows: maxRows, records, cells: maxCells, labelChars } = INPUT_LIMITS;
  const problem = (row: number | null, expected: string, found: string): GridResult => ({
    grid: null,
    problems: [{ file, row, column: null, expected: `${expected} (Pooled's limit)`, found }],
  });
  const width = grid.headers.length;
  if (width === 0)
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "a header row and at least one row of data",
          found: "no column headers",
        },
      ],
    };
  if (width > columns)
    return problem(1, `at most ${formatCount(columns)} columns`, `${formatCount(width)} fields`);
  if (grid.rows.length > records)
    return problem(
      null,
      `at most ${formatCount(records)} lines, blank ones included`,
      `${formatCount(grid.rows.length)} rows`,
    );
  const kept: GridRow[] = [];
  for (const gridRow of grid.rows) {
    let used = gridRow.cells.length;
    while (used > 0 && isBlankCell(gridRow.cells[used - 1]!)) used--;
    if (used === 0) continue;
    if (used > columns)
      return problem(
        gridRow.row,
        `at most ${formatCount(columns)} columns`,
        `${formatCount(used)} fields`,
      );
    kept.push(gridRow);
    if (kept.length > maxRows)
      return problem(
        gridRow.row,
        `at most ${formatCount(maxRows)} rows of data`,
        "more rows (reading stopped here)",
      );
    if (kept.length * width > maxCells)
      return problem(
        gridRow.row,
        `at most ${formatCount(maxCells)} cells, rows x columns`,
        `${formatCount(kept.length)} rows of ${formatCount(width)} columns (reading stopped here)`,
      );
  }
  const long = grid.headers.findIndex((h) => h.length > labelChars);
  if (long >= 0)
    return {
      grid: null,
      problems: [
        {
          file,
          row: 1,
          column: `column ${long + 1}`,
          expected: `a column name of at most ${formatCount(labelChars)} characters (Pooled's limit)`,
          found: `${formatCount(grid.headers[long]!.length)} characters`,
        },
      ],
    };
  const problems: DataProblem[] =
    kept.length > 0
      ? []
      : [
          {
            file,
            row: null,
            column: null,
            expected: "at least one row of data below the header",
            found: "the header row only",
          },
        ];
  return { grid: { headers: grid.headers, rows: kept }, problems };
}

/** A cell a reader counts as nothing: null, or text of nothing but spaces ("NA" is a value). */
const isBlankCell = (cell: Cell) =>
  cell === null || (typeof cell === "string" && cell.trim() === "");

/** A file past {@link INPUT_LIMITS}.fileBytes (`size` in bytes, or characters of text). */
export function tooLarge(file: string, size: number): DataProblem {
  return {
    file,
    row: null,
    column: null,
    expected: `a file of at most ${formatMegabytes(INPUT_LIMITS.fileBytes)} (Pooled's limit)`,
    found: formatMegabytes(size),
  };
}

/** File-level problems first, then by row, and within a row from left to right (stable otherwise). */
function sortProblems(problems: DataProblem[], headers: readonly string[]): DataProblem[] {
  const columnOrder = (p: DataProblem) => {
    if (p.column === null) return -1;
    const at = headers.indexOf(p.column);
    const unnamed = /^column (\d+)$/.exec(p.column);
    return at >= 0 ? at : unnamed !== null ? Number(unnamed[1]) - 1 : headers.length;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        (a.p.row ?? 0) - (b.p.row ?? 0) ||
        (a.p.row === null ? 0 : columnOrder(a.p) - columnOrder(b.p)) ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}

function parseText(text: string, file: string, format: "csv" | "tsv" | "json"): GridResult {
  if (format === "json") return gridFromJson(text, file);
  if (text.trim() === "") {
    return {
      grid: null,
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "a header row and at least one row of data",
          found: "an empty file",
        },
      ],
    };
  }
  return gridFromDelimited(text, file, format === "tsv" ? "\t" : detectDelimiter(text));
}

/** The measure a table is for when none is given: MD for arm data, GEN for given effect sizes. */
export function inferMeasure(
  fields: ColumnMapping["fields"] | Partial<Record<InputField, unknown>>,
): Measure {
  const has = (f: string) => (fields as Record<string, unknown>)[f] !== undefined;
  if (has("m1i") || has("m2i")) return "MD";
  // Counts: the odds ratio, metafor's first binary measure and the one of Peters' test.
  if (has("ai") && has("ci")) return "OR";
  if (has("ri")) return "ZCOR";
  if (has("yi")) return "GEN";
  return "MD";
}

function validateGrid(
  headers: string[],
  rows: { row: number; cells: Cell[] }[],
  file: string,
  options: ParseOptions,
  problems: DataProblem[],
): StudyTable {
  const decimalComma = options.decimalComma ?? false;
  const columnHasData = (i: number) => rows.some((r) => !isEmptyCell(r.cells[i]));
  const { index, problems: headerProblems } = resolveColumns(
    headers,
    options.columns ?? {},
    file,
    columnHasData,
  );
  for (const p of headerProblems) problems.push(p);
  const col = index.fields;
  const measure = options.measure ?? inferMeasure(col);
  const notes: string[] = [];

  // Required columns, reported once each on the header row.
  const missingColumn = (what: string) =>
    problems.push({
      file,
      row: 1,
      column: null,
      expected: `a column for ${what}`,
      found: `none among: ${headers.join(", ")}`,
    });
  if (ARM_MEASURES.includes(measure)) {
    for (const f of ["n1i", "n2i"] as const)
      if (col[f] === undefined) missingColumn(`the ${FIELD_LABEL[f]}: ${describeField(f)}`);
    if (col.m1i === undefined && col.median1i === undefined)
      missingColumn(`the treatment mean: ${describeField("m1i")}, or a median (median1i)`);
    if (col.m2i === undefined && col.median2i === undefined)
      missingColumn(`the control mean: ${describeField("m2i")}, or a median (median2i)`);
    if (
      col.sd1i === undefined &&
      col.sem1i === undefined &&
      (col.ci1lb === undefined || col.ci1ub === undefined) &&
      col.median1i === undefined
    ) {
      missingColumn(
        `the treatment SD: ${describeField("sd1i")}, or an SEM (sem1i, sem_treatment) or CI (ci_lower_treatment and ci_upper_treatment)`,
      );
    }
    if (
      col.sd2i === undefined &&
      col.sem2i === undefined &&
      (col.ci2lb === undefined || col.ci2ub === undefined) &&
      col.median2i === undefined
    ) {
      missingColumn(
        `the control SD: ${describeField("sd2i")}, or an SEM (sem2i, sem_control) or CI (ci_lower_control and ci_upper_control)`,
      );
    }
    if (measure === "NMD" && col.msham === undefined)
      missingColumn(`the sham mean (NMD needs it): ${describeField("msham")}`);
  } else if (TABLE_MEASURES.includes(measure)) {
    for (const [events, nonEvents, total, arm] of [
      ["ai", "bi", "n1i", "treatment"],
      ["ci", "di", "n2i", "control"],
    ] as const) {
      if (col[events] === undefined)
        missingColumn(`the ${arm} events (${measure} needs them): ${describeField(events)}`);
      if (col[nonEvents] === undefined && col[total] === undefined)
        missingColumn(
          `the ${arm} arm size or non-events (${measure} needs one): ${describeField(total)} or ${describeField(nonEvents)}`,
        );
    }
  } else if (CORRELATION_MEASURES.includes(measure)) {
    if (col.ri === undefined)
      missingColumn(`the correlation (${measure} needs it): ${describeField("ri")}`);
    if (col.ni === undefined)
      missingColumn(`the sample size of each correlation: ${describeField("ni")}`);
  } else {
    if (col.yi === undefined) missingColumn(`the effect size (GEN): ${describeField("yi")}`);
    if (col.vi === undefined && col.sei === undefined)
      missingColumn(
        `the sampling variance or standard error (GEN): ${describeField("vi")} or ${describeField("sei")}`,
      );
  }
  const mappedNames = new Set(
    [...Object.keys(col), ...Object.keys(index.riskOfBias)].map((k) => normaliseHeader(k)),
  );
  const required = new Set([...(options.requireColumns ?? []), ...(options.moderators ?? [])]);
  for (const name of required) {
    // A header as written, or the name of a field the file feeds (e.g. --by cluster).
    if (findHeader(headers, name) < 0 && !mappedNames.has(normaliseHeader(name))) {
      problems.push({
        file,
        row: 1,
        column: name,
        expected: `a column named "${name}"; the columns are: ${headers.join(", ")}`,
        found: "no such column",
      });
    }
  }

  const twice = repeatedModerator(headers, options.moderators ?? []);
  if (twice !== null) problems.push(twice);

  const header = (i: number) => headers[i] || `column ${i + 1}`;
  const fieldColumns = new Set(Object.values(col));
  const extraColumns = headers.flatMap((h, i) =>
    h !== "" && !fieldColumns.has(i) && headers.indexOf(h) === i ? [i] : [],
  );
  const studyRows: StudyRow[] = [];
  const excluded: StudyTable["excluded"] = [];
  const converted: Record<string, number[]> = {};
  const noteConversion = (what: string, at: number) => {
    const rows = converted[what];
    if (rows === undefined) converted[what] = [at];
    else rows.push(at);
  };
  const headerCount = headers.length;

  // Per-row state, shared by the helpers below (hoisted out of the loop: large files have
  // hundreds of thousands of rows, and per-row closures cost time and garbage collection).
  let row = 0;
  let cells: Cell[] = [];
  let out: StudyRow = { row: 0, study: "", extra: {} };
  let complete = true;
  const text = (i: number | undefined) =>
    i === undefined || isEmptyCell(cells[i]) ? undefined : String(cells[i]).trim();
  const num = (field: InputField, rule: Rule, required: boolean): number | undefined => {
    const at = col[field];
    if (at === undefined) return undefined;
    const cell = readNumber(cells[at], decimalComma);
    if (cell === null) {
      if (required)
        problems.push({
          file,
          row,
          column: header(at),
          expected: `${rule.expected} (the ${FIELD_LABEL[field] ?? field})`,
          found: emptyCellText(cells[at]),
        });
      return undefined;
    }
    if (typeof cell !== "number") {
      problems.push({
        file,
        row,
        column: header(at),
        expected: rule.expected + numberHint(cell.bad, decimalComma),
        found: jsonPreview(cell.bad),
      });
      return undefined;
    }
    if (!rule.ok(cell)) {
      problems.push({
        file,
        row,
        column: header(at),
        expected: rule.expected,
        found: String(cell),
      });
      return undefined;
    }
    return cell;
  };
  const setNum = (field: StudyField & keyof StudyRow, value: number | undefined) => {
    if (value === undefined) complete = false;
    else (out as unknown as Record<string, number>)[field] = value;
  };

  // SD from SEM or CI when the SD cell is empty (an SD, when given, always wins).
  function deriveSd(arm: 1 | 2): number | undefined {
    const sdField = arm === 1 ? "sd1i" : "sd2i";
    const semField = arm === 1 ? "sem1i" : "sem2i";
    const lbField = arm === 1 ? "ci1lb" : "ci2lb";
    const ubField = arm === 1 ? "ci1ub" : "ci2ub";
    const armName = arm === 1 ? "treatment" : "control";
    const sdAt = col[sdField];
    if (sdAt !== undefined && !isEmptyCell(cells[sdAt])) return num(sdField, POSITIVE, true);
    const n = arm === 1 ? out.n1i : out.n2i; // already checked (and reported) above
    const semAt = col[semField];
    if (semAt !== undefined && !isEmptyCell(cells[semAt])) {
      const sem = num(semField, POSITIVE, true);
      if (sem === undefined || n === undefined) return undefined;
      noteConversion(`${armName} SD from the SEM (SD = SEM·√n)`, row);
      return sem * Math.sqrt(n);
    }
    const lbAt = col[lbField];
    const ubAt = col[ubField];
    if (
      lbAt !== undefined &&
      ubAt !== undefined &&
      !(isEmptyCell(cells[lbAt]) && isEmptyCell(cells[ubAt]))
    ) {
      const lb = num(lbField, FINITE, true);
      const ub = num(ubField, FINITE, true);
      if (lb === undefined || ub === undefined || n === undefined) return undefined;
      if (!(ub > lb)) {
        problems.push({
          file,
          row,
          column: header(ubAt),
          expected: `an upper CI bound greater than the lower bound ${lb}`,
          found: String(ub),
        });
        return undefined;
      }
      noteConversion(
        `${armName} SD from the 95% CI of the mean (SD = √n·(upper − lower)/(2·t(0.975, n − 1)))`,
        row,
      );
      return sdFromCi(lb, ub, n, { level: 0.95, method: "t" });
    }
    const where = [sdAt, semAt, lbAt].find((i) => i !== undefined);
    if (where === undefined) return undefined; // the missing column is reported once, on the header row
    problems.push({
      file,
      row,
      column: where === undefined ? null : header(where),
      expected: `the ${armName} SD (or its SEM or 95% CI)`,
      found: emptyCellText(cells[where]),
    });
    return undefined;
  }

  /**
   * One arm of a 2×2 table: the events, and the arm size or the non-events (either will do; when
   * both are given the effect-size step checks that they add up).
   */
  function readTableRow(): void {
    for (const [events, nonEvents, total] of [
      ["ai", "bi", "n1i"],
      ["ci", "di", "n2i"],
    ] as const) {
      setNum(events, num(events, COUNT, true));
      const totalAt = col[total];
      const nonEventsAt = col[nonEvents];
      const given = (at: number | undefined) => at !== undefined && !isEmptyCell(cells[at]);
      if (!given(totalAt) && !given(nonEventsAt)) {
        const at = (totalAt ?? nonEventsAt)!;
        problems.push({
          file,
          row,
          column: header(at),
          expected: `the ${FIELD_LABEL[total]} (or the ${FIELD_LABEL[nonEvents]})`,
          found: emptyCellText(cells[at]),
        });
        complete = false;
        continue;
      }
      if (given(totalAt)) setNum(total, num(total, COUNT, true));
      if (given(nonEventsAt)) setNum(nonEvents, num(nonEvents, COUNT, true));
    }
  }

  /**
   * An arm's mean and SD from its median with quartiles and/or range, when its mean cell is empty
   * and its median cell is not: "no median" when that does not apply, undefined when a value is
   * bad (reported here, naming the cell). The estimators, per what is given (Luo et al. 2018, Stat
   * Methods Med Res 27:1785, for means; Wan et al. 2014, BMC Med Res Methodol 14:135, and Shi et
   * al. 2020, Res Synth Methods 11:641, for SDs), are in @pooled/stats' meanSdFromMedian.
   */
  function medianArm(arm: 1 | 2): { mean: number; sd: number } | "no median" | undefined {
    const fields = {
      median: arm === 1 ? "median1i" : "median2i",
      q1: arm === 1 ? "q1_1i" : "q1_2i",
      q3: arm === 1 ? "q3_1i" : "q3_2i",
      min: arm === 1 ? "min1i" : "min2i",
      max: arm === 1 ? "max1i" : "max2i",
    } as const;
    const meanAt = col[arm === 1 ? "m1i" : "m2i"];
    const medianAt = col[fields.median];
    if (medianAt === undefined || isEmptyCell(cells[medianAt])) return "no median";
    if (meanAt !== undefined && !isEmptyCell(cells[meanAt])) return "no median";
    const n = arm === 1 ? out.n1i : out.n2i;
    const value = (key: keyof typeof fields) => {
      const at = col[fields[key]];
      return at === undefined || isEmptyCell(cells[at])
        ? undefined
        : num(fields[key], FINITE, true);
    };
    const summary = {
      median: value("median"),
      q1: value("q1"),
      q3: value("q3"),
      min: value("min"),
      max: value("max"),
    };
    if (summary.median === undefined || n === undefined) return undefined;
    // Half a pair, or no pair at all, is named here: the conversion needs whole pairs.
    const armName = arm === 1 ? "treatment" : "control";
    let whole = 0;
    for (const [lo, hi, what] of [
      ["q1", "q3", "quartiles"],
      ["min", "max", "range (minimum and maximum)"],
    ] as const) {
      const loGiven = summary[lo] !== undefined;
      const hiGiven = summary[hi] !== undefined;
      if (loGiven && hiGiven) whole++;
      else if (loGiven !== hiGiven) {
        const missing = loGiven ? hi : lo;
        problems.push({
          file,
          row,
          column: header(col[fields[missing]] ?? col[fields[loGiven ? lo : hi]]!),
          expected: `both ${what} of the ${armName} median, or neither`,
          found: emptyCellText(cells[col[fields[missing]] ?? -1]),
        });
        return undefined;
      }
    }
    if (whole === 0) {
      problems.push({
        file,
        row,
        column: header(medianAt),
        expected: `the quartiles or the range with the ${armName} median (to estimate its SD), or the mean and SD`,
        found: "a median alone",
      });
      return undefined;
    }
    try {
      const estimate = meanSdFromMedian({ ...summary, median: summary.median, n });
      const given =
        estimate.scenario === "S1"
          ? "median and range (mean: Luo et al. 2018; SD: Wan et al. 2014)"
          : estimate.scenario === "S2"
            ? "median and quartiles (mean: Luo et al. 2018; SD: Wan et al. 2014)"
            : "median, quartiles and range (mean: Luo et al. 2018; SD: Shi et al. 2020)";
      noteConversion(`${armName} mean and SD from the ${given}`, row);
      return { mean: estimate.mean, sd: estimate.sd };
    } catch (error) {
      const list = engineInputErrors(error);
      if (list === null) throw error;
      for (const e of list) {
        const field = fields[e.location.field as keyof typeof fields];
        const at = field === undefined ? medianAt : (col[field] ?? medianAt);
        problems.push({
          file,
          row,
          column: header(at),
          expected: e.expected,
          ...(e.location.value === undefined ? {} : { found: String(e.location.value) }),
        });
      }
      return undefined;
    }
  }

  const labelColumns = longLabelChecks(headers, col, [...required]);
  const hasRob = Object.keys(index.riskOfBias).length > 0;
  for (const gridRow of rows) {
    row = gridRow.row;
    cells = gridRow.cells;
    // Ragged rows: too few fields, or extra fields holding data.
    if (
      cells.length < headerCount ||
      (cells.length > headerCount && cells.slice(headerCount).some((c) => !isEmptyCell(c)))
    ) {
      problems.push({
        file,
        row,
        column: null,
        expected: `${headerCount} fields, as in the header row`,
        found: `${cells.length} fields`,
      });
      continue;
    }
    // A label past the limit is reported and its row goes no further, so that no later message
    // (a shared control group, a repeated label) repeats it.
    let longLabel = false;
    for (const [at, what] of labelColumns) {
      const length = cells[at] === null ? 0 : String(cells[at]).length;
      if (length <= INPUT_LIMITS.labelChars) continue;
      longLabel = true;
      problems.push({
        file,
        row,
        column: header(at),
        expected: `${what} of at most ${formatCount(INPUT_LIMITS.labelChars)} characters (Pooled's limit: labels are drawn in the report's figures and tables)`,
        found: `${formatCount(length)} characters`,
      });
    }
    if (longLabel) continue;
    const study = col.study === undefined ? `row ${row}` : text(col.study);
    if (col.exclude !== undefined) {
      const exclusion = readExclusion(cells[col.exclude] ?? null, header(col.exclude));
      if (exclusion.excluded) {
        excluded.push({ row, study: study ?? `row ${row}`, reason: exclusion.reason });
        continue;
      }
    }
    if (study === undefined) {
      problems.push({
        file,
        row,
        column: header(col.study!),
        expected: "a study label",
        found: emptyCellText(cells[col.study!]),
      });
    }

    out = { row, study: study ?? `row ${row}`, extra: {} };
    complete = true;

    if (ARM_MEASURES.includes(measure)) {
      const meanRule = measure === "ROM" ? RATIO_MEAN : FINITE;
      setNum("n1i", num("n1i", ARM_SIZE, true));
      setNum("n2i", num("n2i", ARM_SIZE, true));
      for (const arm of [1, 2] as const) {
        const fromMedian = medianArm(arm);
        if (fromMedian === "no median") {
          setNum(arm === 1 ? "m1i" : "m2i", num(arm === 1 ? "m1i" : "m2i", meanRule, true));
          setNum(arm === 1 ? "sd1i" : "sd2i", deriveSd(arm));
        } else {
          setNum(arm === 1 ? "m1i" : "m2i", fromMedian?.mean);
          setNum(arm === 1 ? "sd1i" : "sd2i", fromMedian?.sd);
        }
      }
      if (measure === "NMD") {
        const sham = num("msham", FINITE, true);
        setNum("msham", sham);
        if (sham !== undefined && out.m2i !== undefined && sham === out.m2i) {
          problems.push({
            file,
            row,
            column: header(col.msham!),
            expected:
              "a sham mean different from the control mean (NMD divides by their difference)",
            found: String(sham),
          });
        }
      } else if (col.msham !== undefined) {
        const sham = num("msham", FINITE, false);
        if (sham !== undefined) out.msham = sham;
      }
    } else if (TABLE_MEASURES.includes(measure)) {
      readTableRow();
    } else if (CORRELATION_MEASURES.includes(measure)) {
      setNum("ri", num("ri", FINITE, true));
      setNum("ni", num("ni", SAMPLE_SIZE, true));
    } else {
      setNum("yi", num("yi", FINITE, true));
      const vi = num("vi", POSITIVE, false);
      const sei = num("sei", POSITIVE, false);
      if (vi !== undefined) out.vi = vi;
      if (sei !== undefined) out.sei = sei;
      const viCell = col.vi === undefined ? undefined : cells[col.vi];
      const seiCell = col.sei === undefined ? undefined : cells[col.sei];
      if (isEmptyCell(viCell) && isEmptyCell(seiCell)) {
        problems.push({
          file,
          row,
          column: header((col.vi ?? col.sei)!),
          expected: "a sampling variance (vi) or a standard error (sei)",
          found: emptyCellText(viCell ?? seiCell),
        });
        complete = false;
      }
    }
    // Optional arm data alongside GEN, and the other way round, are kept when valid.
    if (measure === "GEN") {
      for (const f of ["m1i", "m2i"] as const) {
        const v = num(f, FINITE, false);
        if (v !== undefined) out[f] = v;
      }
      for (const f of ["n1i", "n2i"] as const) {
        const v = num(f, ARM_SIZE, false);
        if (v !== undefined) out[f] = v;
      }
      for (const f of ["sd1i", "sd2i"] as const) {
        const v = num(f, POSITIVE, false);
        if (v !== undefined) out[f] = v;
      }
    } else {
      const yi = num("yi", FINITE, false);
      if (yi !== undefined) out.yi = yi;
    }

    const year = num("year", YEAR, false);
    if (year !== undefined) out.year = year;
    const cluster = text(col.cluster);
    if (cluster !== undefined) out.cluster = cluster;
    const controlGroup = text(col.controlGroup);
    if (controlGroup !== undefined) out.controlGroup = controlGroup;

    // SYRCLE judgements.
    const rob: Partial<Record<SyrcleItem, RiskJudgement>> = {};
    for (const item of hasRob ? SYRCLE_ITEMS : []) {
      const at = index.riskOfBias[item];
      if (at === undefined) continue;
      const judgement = readJudgement(cells[at]);
      if (judgement === null) {
        const found = isEmptyCell(cells[at])
          ? emptyCellText(cells[at])
          : jsonPreview(String(cells[at]));
        problems.push({
          file,
          row,
          column: header(at),
          expected: "a SYRCLE judgement: yes (low risk), no (high risk) or unclear",
          found,
        });
      } else rob[item] = judgement;
    }
    if (hasRob) out.riskOfBias = rob;

    for (const i of extraColumns) out.extra[headers[i]!] = extraValue(cells[i], decimalComma);
    if (complete) studyRows.push(out);
    // else: the problems above already name this row; no table is returned.
  }

  checkSharedControls(studyRows, file, headers, col.controlGroup, problems);

  for (const [what, at] of Object.entries(converted)) {
    notes.push(`The ${what} in ${at.length} row${at.length === 1 ? "" : "s"}: ${listRows(at)}.`);
  }
  if (col.study === undefined)
    notes.push("The file has no study column; comparisons are labelled by their row number.");
  if (excluded.length > 0) {
    notes.push(
      `${excluded.length} row${excluded.length === 1 ? " was" : "s were"} excluded by the user: ${listRows(excluded.map((e) => e.row))}.`,
    );
  }
  const labels = new Map<string, number>();
  for (const r of studyRows) labels.set(r.study, (labels.get(r.study) ?? 0) + 1);
  const repeated = [...labels].filter(([, n]) => n > 1).map(([label]) => `"${label}"`);
  if (repeated.length > 0)
    notes.push(
      `Study labels used more than once: ${repeated.slice(0, 10).join(", ")}${repeated.length > 10 ? ", ..." : ""}.`,
    );

  const fields: ColumnMapping["fields"] = {};
  for (const [field, at] of Object.entries(col) as [InputField, number][]) {
    if (isStudyField(field)) fields[field] = headers[at]!;
  }
  const riskOfBias: ColumnMapping["riskOfBias"] = {};
  for (const [item, at] of Object.entries(index.riskOfBias) as [SyrcleItem, number][])
    riskOfBias[item] = headers[at]!;
  return { source: file, rows: studyRows, columns: { fields, riskOfBias }, excluded, notes };
}

/**
 * The first --mods column named twice, as written or through two spellings of one header
 * ("dose" and "Dose" when the file has only "dose"), as a problem of the flag.
 */
function repeatedModerator(
  headers: readonly string[],
  moderators: readonly string[],
): DataProblem | null {
  const seen = new Map<string | number, string>();
  for (const name of moderators) {
    const at = findHeader(headers, name);
    const key = at >= 0 ? at : name;
    const first = seen.get(key);
    if (first !== undefined)
      return {
        file: "--mods",
        row: null,
        column: null,
        expected:
          "each moderator column once (the same column twice makes the moderator matrix singular)",
        found:
          first === name
            ? `"${name}" twice`
            : `"${first}" and "${name}", which both name the column "${headers[at]}"`,
      };
    seen.set(key, name);
  }
  return null;
}

/** The columns whose values become labels, with what each holds in words. */
function longLabelChecks(
  headers: readonly string[],
  col: Partial<Record<InputField, number>>,
  requireColumns: readonly string[],
): Map<number, string> {
  const labels = new Map<number, string>();
  if (col.study !== undefined) labels.set(col.study, "a study label");
  if (col.cluster !== undefined) labels.set(col.cluster, "a publication (cluster) name");
  if (col.controlGroup !== undefined) labels.set(col.controlGroup, "a control-group name");
  for (const name of requireColumns) {
    const at = findHeader(headers, name);
    if (at >= 0 && !labels.has(at))
      labels.set(at, `a value of "${name}" (a --by, --mods or --cluster column)`);
  }
  return labels;
}

const STUDY_FIELDS: readonly string[] = [
  "study",
  "m1i",
  "sd1i",
  "n1i",
  "m2i",
  "sd2i",
  "n2i",
  "msham",
  "ai",
  "bi",
  "ci",
  "di",
  "ri",
  "ni",
  "yi",
  "vi",
  "sei",
  "controlGroup",
  "cluster",
  "year",
];
function isStudyField(field: string): field is StudyField {
  return STUDY_FIELDS.includes(field);
}

function extraValue(cell: Cell | undefined, decimalComma: boolean): string | number | null {
  if (isEmptyCell(cell)) return null;
  const n = readNumber(cell, decimalComma);
  if (typeof n === "number") return n;
  return String(cell).trim();
}

function listRows(rows: number[]): string {
  return rows.length <= 20
    ? rows.join(", ")
    : `${rows.slice(0, 20).join(", ")} and ${rows.length - 20} more`;
}

/** Rows naming one control group must carry the same control arm (analysis/ splits its n and says so). */
function checkSharedControls(
  rows: StudyRow[],
  file: string,
  headers: string[],
  controlGroupAt: number | undefined,
  problems: DataProblem[],
): void {
  if (controlGroupAt === undefined) return;
  const groups = new Map<string, StudyRow[]>();
  for (const r of rows) {
    if (r.controlGroup === undefined) continue;
    const members = groups.get(r.controlGroup);
    if (members === undefined) groups.set(r.controlGroup, [r]);
    else members.push(r);
  }
  for (const [id, members] of groups) {
    if (members.length < 2) continue;
    const first = members[0]!;
    for (const other of members.slice(1)) {
      for (const f of ["m2i", "sd2i", "n2i"] as const) {
        if (
          first[f] !== undefined &&
          other[f] !== undefined &&
          Math.abs(first[f]! - other[f]!) > 1e-9 * Math.max(1, Math.abs(first[f]!))
        ) {
          problems.push({
            file,
            row: other.row,
            column: headers[controlGroupAt]!,
            expected: `the same control arm as row ${first.row}, which shares control group "${id}" (${f} ${first[f]})`,
            found: `${f} ${other[f]}`,
          });
        }
      }
    }
  }
}
