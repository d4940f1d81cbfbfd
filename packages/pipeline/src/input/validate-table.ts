/**
 * The rows of a study table against each other: shared control arms that must agree, and the
 * notes on the table as read (values converted, rows excluded, labels used twice).
 */
import type { DataProblem, StudyRow } from "./types.js";
import type { RowReader } from "./validate-row.js";

/** The notes on a table as read, in the order the report lists them. */
export function tableNotes(
  reader: Pick<RowReader, "converted" | "excluded" | "studyRows">,
  hasStudyColumn: boolean,
): string[] {
  const { converted, excluded, studyRows } = reader;
  const notes: string[] = [];
  for (const [what, at] of Object.entries(converted)) {
    notes.push(`The ${what} in ${at.length} row${at.length === 1 ? "" : "s"}: ${listRows(at)}.`);
  }
  if (!hasStudyColumn)
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
  return notes;
}

/** "2, 5, 9", or the first 20 and how many more. */
function listRows(rows: number[]): string {
  return rows.length <= 20
    ? rows.join(", ")
    : `${rows.slice(0, 20).join(", ")} and ${rows.length - 20} more`;
}

/** Rows naming one control group must carry the same control arm (analysis/ splits its n and says so). */
export function checkSharedControls(
  rows: StudyRow[],
  file: string,
  headers: readonly string[],
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
