/**
 * The largest input Pooled reads. Each limit is checked before the work it protects (while
 * reading, unpacking or parsing), so a file past a limit is refused at once with a message that
 * names the file, the row or column and the limit, never after minutes and gigabytes.
 *
 * Measured on 2 shared cores, Node 20 (the CLI, `pooled analyze --out`): 100,000 studies analyse
 * with the full report in about 30 s and 1.4 GB; 10^6 studies took 86 s and 3.2 GB before failing.
 * read-excel-file unpacks and parses a 100,000 x 10 sheet (39 MB of XML) in 4.5 s and 280 MB.
 */
export const INPUT_LIMITS = {
  /**
   * Bytes of a data file, and of an XLSX workbook's parts once unpacked (all of them together):
   * 128 MiB. 100,000 rows of 100 columns take about 60 MB as CSV and about 120 MB as sheet XML; a
   * larger file either breaks the row limit or is mostly padding. V8's longest string (2^29 - 24
   * characters, about 512 MiB) would be the hard ceiling.
   */
  fileBytes: 128 * 1024 * 1024,
  /** Bytes of a --config or --prisma JSON file: a column map or PRISMA counts take a few kB. */
  settingsFileBytes: 1024 * 1024,
  /**
   * Rows of data (the header row, blank rows and an XLSX sheet's empty rows below the data are
   * not counted): the largest meta-analyses pool tens of thousands of effect sizes.
   */
  rows: 100_000,
  /**
   * Lines of a CSV or TSV file (records: a quoted line break does not start one), blank ones
   * included: blank lines are skipped, but papaparse still spends about 0.4 s on each million.
   */
  records: 1_000_000,
  /** Columns of the header row (or keys of a JSON file); extraction forms have tens. */
  columns: 1_000,
  /**
   * Cells, rows x columns: the grid held in memory (about 300 MB at 30 bytes a cell). Also what
   * an XLSX sheet may span from A1 to its last cell, so that a few cells placed far apart (which
   * the XLSX reader fills in with empty ones) cannot ask for billions.
   */
  cells: 10_000_000,
  /**
   * Characters of a study label, publication (cluster), control-group name, column name and of
   * the --by and --mods columns' values: each is drawn in figures and tables of the report.
   */
  labelChars: 1_000,
} as const;

/** A count as people write it: 100,000. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Bytes in binary megabytes, as the limits are stated: "128 MB". */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  const digits = Number.isInteger(mb) ? 0 : 1;
  return `${mb.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} MB`;
}
