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
  | "yi"
  | "vi"
  | "sei"
  /** Control-group id: rows sharing one control arm. */
  | "controlGroup"
  /** Publication id: experiments nested in publications (bootstrap clusters). */
  | "cluster"
  | "year";

/** SYRCLE risk-of-bias items (Hooijmans et al. 2014), in the tool's order. */
export const SYRCLE_ITEMS = [
  "sequence_generation",
  "baseline_characteristics",
  "allocation_concealment",
  "random_housing",
  "blinding_caregivers",
  "random_outcome_assessment",
  "blinding_assessor",
  "incomplete_outcome_data",
  "selective_reporting",
  "other_bias",
] as const;
export type SyrcleItem = (typeof SYRCLE_ITEMS)[number];
export type RiskJudgement = "low" | "high" | "unclear";

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
  yi?: number;
  vi?: number;
  sei?: number;
  controlGroup?: string;
  cluster?: string;
  year?: number;
  /** Judgements for the SYRCLE items present in the file. */
  riskOfBias?: Partial<Record<SyrcleItem, RiskJudgement>>;
  /** Every other column, by its header as written, for --by and --mods. Empty cells are null. */
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

/** PRISMA 2020 flow counts (Page et al. 2021). */
export interface PrismaCounts {
  identified: number;
  duplicatesRemoved: number;
  screened: number;
  excludedScreening: number;
  fullTextAssessed: number;
  fullTextExcluded: { reason: string; n: number }[];
  included: number;
}
