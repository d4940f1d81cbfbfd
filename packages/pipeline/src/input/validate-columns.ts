/**
 * The columns of a study file as a whole: those the measure needs and those the options name
 * (--by, --mods, --cluster), each missing one reported once on the header row; a --mods column
 * named twice; the label columns whose length is limited; and the columns as the table records
 * them.
 */
import { normaliseHeader } from "./aliases.js";
import { type ColumnIndex, describeField, findHeader } from "./columns.js";
import {
  CORRELATION_MEASURES,
  type ColumnMapping,
  type DataProblem,
  type InputField,
  type StudyField,
  type SyrcleItem,
  TABLE_MEASURES,
} from "./types.js";
import { ARM_MEASURES, FIELD_LABEL, type Measure } from "./validate-rules.js";

/** The columns the measure needs, each missing one reported once on the header row. */
export function checkRequiredColumns(
  headers: readonly string[],
  col: ColumnIndex["fields"],
  measure: Measure,
  file: string,
  problems: DataProblem[],
): void {
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
}

/**
 * The columns named by the options (--by, --mods, --cluster and the like), each as a header of
 * the file or the name of a field the file feeds (e.g. --by cluster).
 */
export function checkNamedColumns(
  headers: readonly string[],
  index: ColumnIndex,
  required: ReadonlySet<string>,
  file: string,
  problems: DataProblem[],
): void {
  const col = index.fields;
  const mappedNames = new Set(
    [...Object.keys(col), ...Object.keys(index.riskOfBias)].map((k) => normaliseHeader(k)),
  );
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
}

/**
 * The first --mods column named twice, as written or through two spellings of one header
 * ("dose" and "Dose" when the file has only "dose"), as a problem of the flag.
 */
export function repeatedModerator(
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
export function longLabelChecks(
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

/** The columns of the table, by field and SYRCLE item, under their headers in the file. */
export function columnMapping(headers: readonly string[], index: ColumnIndex): ColumnMapping {
  const fields: ColumnMapping["fields"] = {};
  for (const [field, at] of Object.entries(index.fields) as [InputField, number][]) {
    if (isStudyField(field)) fields[field] = headers[at]!;
  }
  const riskOfBias: ColumnMapping["riskOfBias"] = {};
  for (const [item, at] of Object.entries(index.riskOfBias) as [SyrcleItem, number][])
    riskOfBias[item] = headers[at]!;
  return { fields, riskOfBias };
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
