/**
 * The validated study table: what input/ produces and analysis/ consumes.
 * Row numbers are kept so every later message can point at the spreadsheet.
 */

/** Canonical fields a column can feed (metafor's names where they exist). */
export type StudyField =
  | "study"
  | "m1i"
  | "sd1i"
  | "n1i"
  | "m2i"
  | "sd2i"
  | "n2i"
  /** Sham / normal-animal mean for NMD. */
  | "msham"
  /** 2×2 tables (metafor's names): events and non-events, treatment (ai, bi) and control (ci, di). */
  | "ai"
  | "bi"
  | "ci"
  | "di"
  /** Correlations: the coefficient and its sample size. */
  | "ri"
  | "ni"
  | "yi"
  | "vi"
  | "sei"
  /** Control-group id: rows sharing one control arm. */
  | "controlGroup"
  /** Publication id: experiments nested in publications (bootstrap clusters). */
  | "cluster"
  | "year";

// The SYRCLE items and the PRISMA counts are shared with the plots and the web page.
import type { RiskJudgement, SyrcleItem } from "@pooled/contract";

export {
  type PrismaCounts,
  type RiskJudgement,
  SYRCLE_ITEMS,
  type SyrcleItem,
} from "@pooled/contract";

/** One comparison (treatment arm vs control arm) after validation. */
export interface StudyRow {
  /** 1-based line number in the source file (the header is row 1). */
  row: number;
  study: string;
  m1i?: number;
  sd1i?: number;
  n1i?: number;
  m2i?: number;
  sd2i?: number;
  n2i?: number;
  msham?: number;
  ai?: number;
  bi?: number;
  ci?: number;
  di?: number;
  ri?: number;
  ni?: number;
  yi?: number;
  vi?: number;
  sei?: number;
  controlGroup?: string;
  cluster?: string;
  year?: number;
  /** Judgements for the SYRCLE items present in the file. */
  riskOfBias?: Partial<Record<SyrcleItem, RiskJudgement>>;
  /**
   * Every other column, by its header as written, for --by and --mods. Empty cells are null;
   * numbers are numbers. The SYRCLE columns are kept here too, as written ("yes", "unclear").
   */
  extra: Record<string, string | number | null>;
}

/** Which header fed which field, and how values were transformed. */
export interface ColumnMapping {
  fields: Partial<Record<StudyField, string>>;
  riskOfBias: Partial<Record<SyrcleItem, string>>;
}

export interface StudyTable {
  /** File name as given by the user (for messages). */
  source: string;
  rows: StudyRow[];
  columns: ColumnMapping;
  /** Rows the user excluded (e.g. an `exclude` column), listed in the report, never silently dropped. */
  excluded: { row: number; study: string; reason: string }[];
  /** What was done to the data: SD derived from SEM or CI, shared controls split, ... */
  notes: string[];
}

/** One problem in an input file; validation collects all of them before failing. */
export interface DataProblem {
  file: string;
  /** 1-based row (header = 1); null for file-level problems such as an empty file. */
  row: number | null;
  /** Column header as written in the file; null when the problem is not about one column. */
  column: string | null;
  /** What was expected, in words: "a number greater than 0". */
  expected: string;
  /** The value found, as text, when there is one. */
  found?: string;
}

/**
 * Every column role the reader recognises: the study-table fields plus input-only columns that
 * are turned into study-table fields (SEM and 95% CI bounds of an arm's mean become SDs) or into
 * the `excluded` list.
 */
export type InputField =
  | StudyField
  /** Standard error of the treatment / control mean (converted: SD = SEM·√n). */
  | "sem1i"
  | "sem2i"
  /** 95% CI bounds of the treatment / control mean (converted: SD = √n·(ub − lb)/(2·t(0.975, n − 1))). */
  | "ci1lb"
  | "ci1ub"
  | "ci2lb"
  | "ci2ub"
  /**
   * Median with quartiles and/or range of the treatment / control arm, used when the mean cell is
   * empty (converted to mean and SD: Luo et al. 2018; Wan et al. 2014; Shi et al. 2020).
   */
  | "median1i"
  | "q1_1i"
  | "q3_1i"
  | "min1i"
  | "max1i"
  | "median2i"
  | "q1_2i"
  | "q3_2i"
  | "min2i"
  | "max2i"
  /** Non-empty (other than no/false/0) marks a row the user excluded; free text is kept as the reason. */
  | "exclude";

/** Explicit column choices: field (or SYRCLE item) -> header as written; null un-maps a detected column. */
export type ColumnOverrides = Partial<Record<InputField | SyrcleItem, string | null>>;

/** The effect-size measures a study file can be read for (metafor's escalc names). */
export type InputMeasure =
  | "MD"
  | "SMD"
  | "SMDH"
  | "ROM"
  | "NMD"
  | "GEN"
  | "OR"
  | "RR"
  | "RD"
  | "PETO"
  | "ZCOR"
  | "COR";

/** Measures computed from 2×2 tables (events and non-events, or events and totals, per arm). */
export const TABLE_MEASURES: readonly InputMeasure[] = ["OR", "RR", "RD", "PETO"];
/** Measures computed from correlation coefficients and sample sizes. */
export const CORRELATION_MEASURES: readonly InputMeasure[] = ["ZCOR", "COR"];

/** Options of {@link parseStudyFile}. */
export interface ParseOptions {
  /** Explicit column mapping; wins over detection by name. */
  columns?: ColumnOverrides;
  /** XLSX sheet, by name or 1-based number (default: the first sheet). */
  sheet?: string | number;
  /** Numbers are written with a decimal comma ("3,5"); a point is then an error. */
  decimalComma?: boolean;
  /**
   * Effect-size measure the table is for; decides the required columns. Default: MD when the
   * arm columns are present, OR when event counts are, ZCOR when correlations are, GEN when only
   * yi is.
   */
  measure?: InputMeasure;
  /** Columns that must exist (e.g. the --by and --mods columns), by header as written. */
  requireColumns?: string[];
  /**
   * The --mods columns, in order: each must exist (as `requireColumns`) and name a different
   * column; the same column twice would make the moderator matrix singular.
   */
  moderators?: string[];
}

/** Outcome of reading one file: a table when there are no problems, else every problem found. */
export interface ParseResult {
  /** The study table; undefined when `problems` is not empty. */
  table?: StudyTable;
  problems: DataProblem[];
  /** Headers as written in the file, in file order (empty when the file could not be read). */
  headers: string[];
}
