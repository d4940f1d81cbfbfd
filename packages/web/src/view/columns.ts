/**
 * The Columns panel and the reading options (decimal comma, XLSX sheet): which fields a reader can
 * map, what each control currently shows, and how a file name announces a workbook. Pure, no DOM.
 */
import type { DataProblem, InputField, StudyField } from "@pooled/pipeline";
import type { ColumnOverrides } from "../api.js";

/**
 * Fields shown in the column-mapping panel, with what each means, in reading order: each arm's
 * mean, then its spread given as an SD, an SEM or a 95% CI (the pipeline derives an SD from the
 * SEM or CI where the SD cell is empty), then its n, then its median with quartiles and/or range
 * (converted to a mean and SD where the mean cell is empty: Luo et al. 2018, Wan et al. 2014, Shi
 * et al. 2020); event counts (events per arm with the arm's
 * n, or the four cells of the 2×2 table); a correlation and its sample size; `exclude` marks rows
 * left out, its text the reason. Every InputField of the pipeline is here, as the CLI's --map
 * takes them (view.test.ts checks).
 */
export const MAPPABLE_FIELDS: readonly { field: InputField; label: string }[] = [
  { field: "study", label: "Study label" },
  { field: "m1i", label: "Treatment mean" },
  { field: "sd1i", label: "Treatment SD" },
  { field: "sem1i", label: "Treatment SEM" },
  { field: "ci1lb", label: "Treatment 95% CI lower" },
  { field: "ci1ub", label: "Treatment 95% CI upper" },
  { field: "n1i", label: "Treatment n" },
  { field: "median1i", label: "Treatment median" },
  { field: "q1_1i", label: "Treatment lower quartile" },
  { field: "q3_1i", label: "Treatment upper quartile" },
  { field: "min1i", label: "Treatment minimum" },
  { field: "max1i", label: "Treatment maximum" },
  { field: "m2i", label: "Control mean" },
  { field: "sd2i", label: "Control SD" },
  { field: "sem2i", label: "Control SEM" },
  { field: "ci2lb", label: "Control 95% CI lower" },
  { field: "ci2ub", label: "Control 95% CI upper" },
  { field: "n2i", label: "Control n" },
  { field: "median2i", label: "Control median" },
  { field: "q1_2i", label: "Control lower quartile" },
  { field: "q3_2i", label: "Control upper quartile" },
  { field: "min2i", label: "Control minimum" },
  { field: "max2i", label: "Control maximum" },
  { field: "msham", label: "Sham mean (NMD)" },
  { field: "ai", label: "Treatment events" },
  { field: "bi", label: "Treatment non-events" },
  { field: "ci", label: "Control events" },
  { field: "di", label: "Control non-events" },
  { field: "ri", label: "Correlation (r)" },
  { field: "ni", label: "Correlation sample size" },
  { field: "yi", label: "Effect size (yi)" },
  { field: "vi", label: "Sampling variance (vi)" },
  { field: "sei", label: "Standard error (sei)" },
  { field: "controlGroup", label: "Shared control id" },
  { field: "cluster", label: "Publication id" },
  { field: "year", label: "Year" },
  { field: "exclude", label: "Exclude (reason)" },
];

/**
 * The column each field takes, as the pipeline decides it: detection by name, then the reader's
 * explicit choices (null un-maps a field; a header chosen for one field is no longer detected for
 * another), then, once the file is read, the table's own mapping of the study fields.
 */
export function columnChoices(
  detected: Partial<Record<InputField, string>>,
  overrides: ColumnOverrides = {},
  tableFields: Partial<Record<StudyField, string>> = {},
): Partial<Record<InputField, string>> {
  const out: Partial<Record<InputField, string>> = { ...detected };
  const chosen = Object.entries(overrides) as [InputField, string | null | undefined][];
  const claimed = new Set(chosen.flatMap(([, header]) => (header ? [header] : [])));
  const explicit = new Set(chosen.map(([field]) => field));
  for (const [field, header] of Object.entries(out) as [InputField, string][]) {
    if (!explicit.has(field) && claimed.has(header)) delete out[field];
  }
  for (const [field, header] of chosen) {
    if (header === null) delete out[field];
    else if (header !== undefined) out[field] = header;
  }
  for (const [field, header] of Object.entries(tableFields) as [StudyField, string][]) {
    out[field] = header;
  }
  return out;
}

/**
 * Whether the pipeline reads the file as an XLSX workbook (its formatOf: the .xlsx/.xlsm
 * extension, or zip bytes under any name but .tsv/.tab/.json).
 */
export function isWorkbook(fileName: string, bytes: Uint8Array): boolean {
  if (/\.(xlsx|xlsm)$/i.test(fileName)) return true;
  if (/\.(tsv|tab|json)$/i.test(fileName)) return false;
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Largest data file the page reads: @pooled/pipeline's INPUT_LIMITS.fileBytes (128 MB), restated
 * so that the main thread need not load the pipeline (view.test.ts checks the two agree). A file
 * past it is refused from its size, before it is read into memory.
 */
export const MAX_FILE_BYTES = 128 * 1024 * 1024;

/** "128 MB", "300.5 MB": binary megabytes, as the pipeline states its limits. */
function megabytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  const digits = Number.isInteger(mb) ? 0 : 1;
  return `${mb.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} MB`;
}

/**
 * The problem of a dropped or opened file too large to read (worded as the pipeline's own size
 * check), or null when its size is within {@link MAX_FILE_BYTES}.
 */
export function fileSizeProblem(fileName: string, size: number): DataProblem | null {
  if (size <= MAX_FILE_BYTES) return null;
  return {
    file: fileName,
    row: null,
    column: null,
    expected: `a file of at most ${megabytes(MAX_FILE_BYTES)} (Pooled's limit)`,
    found: megabytes(size),
  };
}

/** The options of the sheet selector: every sheet by name, numbered as a spreadsheet shows them. */
export function sheetOptions(sheets: readonly string[]): { value: string; label: string }[] {
  return sheets.map((name, i) => ({ value: name, label: `${i + 1}. ${name}` }));
}

/**
 * A workbook of several sheets that could not be read: which sheet was read and where to choose
 * another (the pipeline's messages name only that sheet's headers). Null for one sheet or none.
 */
export function sheetHint(sheets: readonly string[], chosen: string): string | null {
  if (sheets.length < 2) return null;
  const read = sheets.includes(chosen) ? chosen : sheets[0]!;
  const list = sheets.map((name, i) => `${i + 1}. “${name}”`).join(", ");
  return `This workbook has ${sheets.length} sheets (${list}); sheet “${read}” was read. If the studies are on another sheet, choose it under “Sheet” in the Data panel.`;
}
