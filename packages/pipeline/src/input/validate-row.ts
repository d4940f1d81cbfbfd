/**
 * Reading the rows of a study file into study rows: each cell checked against its rule, SDs
 * derived from SEMs or CIs, means and SDs estimated from medians, 2×2 tables from events and arm
 * sizes or non-events, SYRCLE judgements, the other columns kept as they are. Every problem is
 * reported with its row and column; a row with a problem is not kept.
 */
import { meanSdFromMedian, sdFromCi } from "@pooled/stats";
import type { ColumnIndex } from "./columns.js";
import type { Cell, GridRow } from "./grid.js";
import { jsonPreview } from "./json-preview.js";
import { formatCount, INPUT_LIMITS } from "./limits.js";
import { engineInputErrors } from "./problems.js";
import {
  CORRELATION_MEASURES,
  type DataProblem,
  type InputField,
  type RiskJudgement,
  type StudyField,
  type StudyRow,
  type StudyTable,
  SYRCLE_ITEMS,
  type SyrcleItem,
  TABLE_MEASURES,
} from "./types.js";
import {
  ARM_MEASURES,
  ARM_SIZE,
  COUNT,
  FIELD_LABEL,
  FINITE,
  type Measure,
  POSITIVE,
  RATIO_MEAN,
  type Rule,
  SAMPLE_SIZE,
  YEAR,
} from "./validate-rules.js";
import {
  emptyCellText,
  isEmptyCell,
  numberHint,
  readExclusion,
  readJudgement,
  readNumber,
} from "./values.js";

/** What the reader needs to know about the file, once for all rows. */
export interface RowReaderSetup {
  file: string;
  headers: readonly string[];
  index: ColumnIndex;
  measure: Measure;
  decimalComma: boolean;
  /** The columns whose values become labels, with what each holds in words (their length is limited). */
  labelColumns: ReadonlyMap<number, string>;
  /** Receives every problem found. */
  problems: DataProblem[];
}

/**
 * Reads the rows of a file one by one ({@link RowReader.read}), collecting the complete study rows,
 * the rows the reviewers excluded and the rows whose values were converted. The per-row state lives
 * on the reader, and its helpers are methods rather than closures made per row: large files have
 * hundreds of thousands of rows, and per-row closures cost time and garbage collection.
 */
export class RowReader {
  /** The rows read without a problem. */
  readonly studyRows: StudyRow[] = [];
  readonly excluded: StudyTable["excluded"] = [];
  /** Rows whose values were converted (SD from an SEM, ...), by what was converted. */
  readonly converted: Record<string, number[]> = {};

  private readonly file: string;
  private readonly headers: readonly string[];
  private readonly col: ColumnIndex["fields"];
  private readonly riskOfBias: ColumnIndex["riskOfBias"];
  private readonly hasRob: boolean;
  private readonly measure: Measure;
  private readonly decimalComma: boolean;
  private readonly labelColumns: ReadonlyMap<number, string>;
  private readonly problems: DataProblem[];
  /** Columns that feed no field, kept in each row's `extra` (the first of a repeated header). */
  private readonly extraColumns: number[];

  // The row being read.
  private row = 0;
  private cells: Cell[] = [];
  private out: StudyRow = { row: 0, study: "", extra: {} };
  private complete = true;

  constructor(setup: RowReaderSetup) {
    this.file = setup.file;
    this.headers = setup.headers;
    this.col = setup.index.fields;
    this.riskOfBias = setup.index.riskOfBias;
    this.hasRob = Object.keys(setup.index.riskOfBias).length > 0;
    this.measure = setup.measure;
    this.decimalComma = setup.decimalComma;
    this.labelColumns = setup.labelColumns;
    this.problems = setup.problems;
    const fieldColumns = new Set(Object.values(this.col));
    const headers = setup.headers;
    this.extraColumns = headers.flatMap((h, i) =>
      h !== "" && !fieldColumns.has(i) && headers.indexOf(h) === i ? [i] : [],
    );
  }

  /** Reads one row: kept in {@link studyRows} when complete, else its problems are reported. */
  read(gridRow: GridRow): void {
    const { col, measure } = this;
    const row = gridRow.row;
    this.row = row;
    this.cells = gridRow.cells;
    if (this.isRagged() || this.hasLongLabel()) return;
    const study = col.study === undefined ? `row ${row}` : this.text(col.study);
    if (col.exclude !== undefined) {
      const exclusion = readExclusion(this.cells[col.exclude] ?? null, this.header(col.exclude));
      if (exclusion.excluded) {
        this.excluded.push({ row, study: study ?? `row ${row}`, reason: exclusion.reason });
        return;
      }
    }
    if (study === undefined) {
      this.problem(col.study!, "a study label", emptyCellText(this.cells[col.study!]));
    }

    this.out = { row, study: study ?? `row ${row}`, extra: {} };
    this.complete = true;
    if (ARM_MEASURES.includes(measure)) this.readArms();
    else if (TABLE_MEASURES.includes(measure)) this.readTables();
    else if (CORRELATION_MEASURES.includes(measure)) {
      this.setNum("ri", this.num("ri", FINITE, true));
      this.setNum("ni", this.num("ni", SAMPLE_SIZE, true));
    } else this.readGivenEffect();
    this.readOptionalValues();
    this.readRiskOfBias();
    for (const i of this.extraColumns)
      this.out.extra[this.headers[i]!] = extraValue(this.cells[i], this.decimalComma);
    if (this.complete) this.studyRows.push(this.out);
    // else: the problems above already name this row; no table is returned.
  }

  /** Ragged rows: too few fields, or extra fields holding data. */
  private isRagged(): boolean {
    const { cells } = this;
    const headerCount = this.headers.length;
    if (
      cells.length < headerCount ||
      (cells.length > headerCount && cells.slice(headerCount).some((c) => !isEmptyCell(c)))
    ) {
      this.problems.push({
        file: this.file,
        row: this.row,
        column: null,
        expected: `${headerCount} fields, as in the header row`,
        found: `${cells.length} fields`,
      });
      return true;
    }
    return false;
  }

  /**
   * A label past the limit is reported and its row goes no further, so that no later message
   * (a shared control group, a repeated label) repeats it.
   */
  private hasLongLabel(): boolean {
    let longLabel = false;
    for (const [at, what] of this.labelColumns) {
      const length = this.cells[at] === null ? 0 : String(this.cells[at]).length;
      if (length <= INPUT_LIMITS.labelChars) continue;
      longLabel = true;
      this.problem(
        at,
        `${what} of at most ${formatCount(INPUT_LIMITS.labelChars)} characters (Pooled's limit: labels are drawn in the report's figures and tables)`,
        `${formatCount(length)} characters`,
      );
    }
    return longLabel;
  }

  /** Arm means, SDs (or their SEM, CI or median) and sizes; the sham mean for NMD. */
  private readArms(): void {
    const { measure, col } = this;
    const meanRule = measure === "ROM" ? RATIO_MEAN : FINITE;
    this.setNum("n1i", this.num("n1i", ARM_SIZE, true));
    this.setNum("n2i", this.num("n2i", ARM_SIZE, true));
    for (const arm of [1, 2] as const) {
      const fromMedian = this.medianArm(arm);
      if (fromMedian === "no median") {
        this.setNum(arm === 1 ? "m1i" : "m2i", this.num(arm === 1 ? "m1i" : "m2i", meanRule, true));
        this.setNum(arm === 1 ? "sd1i" : "sd2i", this.deriveSd(arm));
      } else {
        this.setNum(arm === 1 ? "m1i" : "m2i", fromMedian?.mean);
        this.setNum(arm === 1 ? "sd1i" : "sd2i", fromMedian?.sd);
      }
    }
    if (measure === "NMD") {
      const sham = this.num("msham", FINITE, true);
      this.setNum("msham", sham);
      if (sham !== undefined && this.out.m2i !== undefined && sham === this.out.m2i) {
        this.problem(
          col.msham!,
          "a sham mean different from the control mean (NMD divides by their difference)",
          String(sham),
        );
      }
    } else if (col.msham !== undefined) {
      const sham = this.num("msham", FINITE, false);
      if (sham !== undefined) this.out.msham = sham;
    }
  }

  /** A given effect size (GEN) with its sampling variance or standard error (either will do). */
  private readGivenEffect(): void {
    const { col, cells, out } = this;
    this.setNum("yi", this.num("yi", FINITE, true));
    const vi = this.num("vi", POSITIVE, false);
    const sei = this.num("sei", POSITIVE, false);
    if (vi !== undefined) out.vi = vi;
    if (sei !== undefined) out.sei = sei;
    const viCell = col.vi === undefined ? undefined : cells[col.vi];
    const seiCell = col.sei === undefined ? undefined : cells[col.sei];
    if (isEmptyCell(viCell) && isEmptyCell(seiCell)) {
      this.problem(
        (col.vi ?? col.sei)!,
        "a sampling variance (vi) or a standard error (sei)",
        emptyCellText(viCell ?? seiCell),
      );
      this.complete = false;
    }
  }

  /**
   * What a row may carry besides its effect, kept when valid: arm data alongside GEN, a given
   * effect size alongside arm data or tables, the year, the publication and the control group.
   */
  private readOptionalValues(): void {
    const { out } = this;
    if (this.measure === "GEN") {
      for (const f of ["m1i", "m2i"] as const) {
        const v = this.num(f, FINITE, false);
        if (v !== undefined) out[f] = v;
      }
      for (const f of ["n1i", "n2i"] as const) {
        const v = this.num(f, ARM_SIZE, false);
        if (v !== undefined) out[f] = v;
      }
      for (const f of ["sd1i", "sd2i"] as const) {
        const v = this.num(f, POSITIVE, false);
        if (v !== undefined) out[f] = v;
      }
    } else {
      const yi = this.num("yi", FINITE, false);
      if (yi !== undefined) out.yi = yi;
    }
    const year = this.num("year", YEAR, false);
    if (year !== undefined) out.year = year;
    const cluster = this.text(this.col.cluster);
    if (cluster !== undefined) out.cluster = cluster;
    const controlGroup = this.text(this.col.controlGroup);
    if (controlGroup !== undefined) out.controlGroup = controlGroup;
  }

  /** SYRCLE judgements, when the file has item columns. */
  private readRiskOfBias(): void {
    if (!this.hasRob) return;
    const { cells } = this;
    const rob: Partial<Record<SyrcleItem, RiskJudgement>> = {};
    for (const item of SYRCLE_ITEMS) {
      const at = this.riskOfBias[item];
      if (at === undefined) continue;
      const judgement = readJudgement(cells[at]);
      if (judgement === null) {
        const found = isEmptyCell(cells[at])
          ? emptyCellText(cells[at])
          : jsonPreview(String(cells[at]));
        this.problem(at, "a SYRCLE judgement: yes (low risk), no (high risk) or unclear", found);
      } else rob[item] = judgement;
    }
    this.out.riskOfBias = rob;
  }

  /** A problem of the current row, in the column at `at`. */
  private problem(at: number, expected: string, found: string): void {
    this.problems.push({
      file: this.file,
      row: this.row,
      column: this.header(at),
      expected,
      found,
    });
  }

  private header(i: number): string {
    return this.headers[i] || `column ${i + 1}`;
  }

  private text(i: number | undefined): string | undefined {
    return i === undefined || isEmptyCell(this.cells[i]) ? undefined : String(this.cells[i]).trim();
  }

  /**
   * The number of `field` in the current row, checked against `rule`: undefined when the column is
   * absent, the cell empty or the value bad (bad values, and empty required cells, are reported).
   */
  private num(field: InputField, rule: Rule, required: boolean): number | undefined {
    const at = this.col[field];
    if (at === undefined) return undefined;
    const cells = this.cells;
    const cell = readNumber(cells[at], this.decimalComma);
    if (cell === null) {
      if (required)
        this.problem(
          at,
          `${rule.expected} (the ${FIELD_LABEL[field] ?? field})`,
          emptyCellText(cells[at]),
        );
      return undefined;
    }
    if (typeof cell !== "number") {
      this.problem(
        at,
        rule.expected + numberHint(cell.bad, this.decimalComma),
        jsonPreview(cell.bad),
      );
      return undefined;
    }
    if (!rule.ok(cell)) {
      this.problem(at, rule.expected, String(cell));
      return undefined;
    }
    return cell;
  }

  /** Sets a field of the row, or marks the row incomplete when its value is missing or bad. */
  private setNum(field: StudyField & keyof StudyRow, value: number | undefined): void {
    if (value === undefined) this.complete = false;
    else (this.out as unknown as Record<string, number>)[field] = value;
  }

  private noteConversion(what: string): void {
    const rows = this.converted[what];
    if (rows === undefined) this.converted[what] = [this.row];
    else rows.push(this.row);
  }

  /** SD from SEM or CI when the SD cell is empty (an SD, when given, always wins). */
  private deriveSd(arm: 1 | 2): number | undefined {
    const { col, cells } = this;
    const sdField = arm === 1 ? "sd1i" : "sd2i";
    const semField = arm === 1 ? "sem1i" : "sem2i";
    const lbField = arm === 1 ? "ci1lb" : "ci2lb";
    const ubField = arm === 1 ? "ci1ub" : "ci2ub";
    const armName = arm === 1 ? "treatment" : "control";
    const sdAt = col[sdField];
    if (sdAt !== undefined && !isEmptyCell(cells[sdAt])) return this.num(sdField, POSITIVE, true);
    const n = arm === 1 ? this.out.n1i : this.out.n2i; // already checked (and reported) above
    const semAt = col[semField];
    if (semAt !== undefined && !isEmptyCell(cells[semAt])) {
      const sem = this.num(semField, POSITIVE, true);
      if (sem === undefined || n === undefined) return undefined;
      this.noteConversion(`${armName} SD from the SEM (SD = SEM·√n)`);
      return sem * Math.sqrt(n);
    }
    const lbAt = col[lbField];
    const ubAt = col[ubField];
    if (
      lbAt !== undefined &&
      ubAt !== undefined &&
      !(isEmptyCell(cells[lbAt]) && isEmptyCell(cells[ubAt]))
    ) {
      const lb = this.num(lbField, FINITE, true);
      const ub = this.num(ubField, FINITE, true);
      if (lb === undefined || ub === undefined || n === undefined) return undefined;
      if (!(ub > lb)) {
        this.problem(ubAt, `an upper CI bound greater than the lower bound ${lb}`, String(ub));
        return undefined;
      }
      this.noteConversion(
        `${armName} SD from the 95% CI of the mean (SD = √n·(upper − lower)/(2·t(0.975, n − 1)))`,
      );
      return sdFromCi(lb, ub, n, { level: 0.95, method: "t" });
    }
    const where = [sdAt, semAt, lbAt].find((i) => i !== undefined);
    if (where === undefined) return undefined; // the missing column is reported once, on the header row
    this.problem(where, `the ${armName} SD (or its SEM or 95% CI)`, emptyCellText(cells[where]));
    return undefined;
  }

  /**
   * One arm of a 2×2 table: the events, and the arm size or the non-events (either will do; when
   * both are given the effect-size step checks that they add up).
   */
  private readTables(): void {
    const { col, cells } = this;
    for (const [events, nonEvents, total] of [
      ["ai", "bi", "n1i"],
      ["ci", "di", "n2i"],
    ] as const) {
      this.setNum(events, this.num(events, COUNT, true));
      const totalAt = col[total];
      const nonEventsAt = col[nonEvents];
      const given = (at: number | undefined) => at !== undefined && !isEmptyCell(cells[at]);
      if (!given(totalAt) && !given(nonEventsAt)) {
        const at = (totalAt ?? nonEventsAt)!;
        this.problem(
          at,
          `the ${FIELD_LABEL[total]} (or the ${FIELD_LABEL[nonEvents]})`,
          emptyCellText(cells[at]),
        );
        this.complete = false;
        continue;
      }
      if (given(totalAt)) this.setNum(total, this.num(total, COUNT, true));
      if (given(nonEventsAt)) this.setNum(nonEvents, this.num(nonEvents, COUNT, true));
    }
  }

  /**
   * An arm's mean and SD from its median with quartiles and/or range, when its mean cell is empty
   * and its median cell is not: "no median" when that does not apply, undefined when a value is
   * bad (reported here, naming the cell). The estimators, per what is given (Luo et al. 2018, Stat
   * Methods Med Res 27:1785, for means; Wan et al. 2014, BMC Med Res Methodol 14:135, and Shi et
   * al. 2020, Res Synth Methods 11:641, for SDs), are in @pooled/stats' meanSdFromMedian.
   */
  private medianArm(arm: 1 | 2): { mean: number; sd: number } | "no median" | undefined {
    const { col, cells } = this;
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
    const n = arm === 1 ? this.out.n1i : this.out.n2i;
    const value = (key: keyof typeof fields) => {
      const at = col[fields[key]];
      return at === undefined || isEmptyCell(cells[at])
        ? undefined
        : this.num(fields[key], FINITE, true);
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
        this.problem(
          col[fields[missing]] ?? col[fields[loGiven ? lo : hi]]!,
          `both ${what} of the ${armName} median, or neither`,
          emptyCellText(cells[col[fields[missing]] ?? -1]),
        );
        return undefined;
      }
    }
    if (whole === 0) {
      this.problem(
        medianAt,
        `the quartiles or the range with the ${armName} median (to estimate its SD), or the mean and SD`,
        "a median alone",
      );
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
      this.noteConversion(`${armName} mean and SD from the ${given}`);
      return { mean: estimate.mean, sd: estimate.sd };
    } catch (error) {
      const list = engineInputErrors(error);
      if (list === null) throw error;
      for (const e of list) {
        const field = fields[e.location.field as keyof typeof fields];
        const at = field === undefined ? medianAt : (col[field] ?? medianAt);
        this.problems.push({
          file: this.file,
          row: this.row,
          column: this.header(at),
          expected: e.expected,
          ...(e.location.value === undefined ? {} : { found: String(e.location.value) }),
        });
      }
      return undefined;
    }
  }
}

function extraValue(cell: Cell | undefined, decimalComma: boolean): string | number | null {
  if (isEmptyCell(cell)) return null;
  const n = readNumber(cell, decimalComma);
  if (typeof n === "number") return n;
  return String(cell).trim();
}
