/**
 * Writing a project: createProject fills in the file's own fields, serializeProject writes the
 * text a project file holds. The text depends only on the project's content (never on the order
 * in which its properties were set), so saving an unchanged project changes no byte.
 */
import type { ColumnOverrides, PrismaCounts } from "../input/types.js";
import { COLUMN_KEYS, DATA_FIELDS, PROJECT_FIELDS } from "./parse.js";
import { ANALYSIS_RULES, REPORT_RULES } from "./settings.js";
import { isObject } from "./shape.js";
import {
  type PooledProject,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  type ProjectAnalysisSettings,
  type ProjectData,
  type ProjectReportSettings,
} from "./types.js";

/** What {@link createProject} needs; settings left out are the defaults (none chosen). */
export interface ProjectFields {
  name: string;
  data: ProjectData;
  columns?: ColumnOverrides;
  decimalComma?: boolean;
  analysis?: ProjectAnalysisSettings;
  report?: ProjectReportSettings;
  prisma?: PrismaCounts | null;
  /** ISO 8601 time of the last change; default now. */
  savedAt?: string;
}

/**
 * A project of this version from its fields.
 *
 * @example
 * const project = createProject({ name: "BBB", data: { source: "bbb.csv", headers, rows } });
 */
export function createProject(fields: ProjectFields): PooledProject {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    name: fields.name,
    savedAt: fields.savedAt ?? new Date().toISOString(),
    data: fields.data,
    columns: fields.columns ?? {},
    decimalComma: fields.decimalComma ?? false,
    analysis: fields.analysis ?? {},
    report: fields.report ?? {},
    prisma: fields.prisma ?? null,
  };
}

/** PRISMA counts in the order of the diagram's boxes. */
const PRISMA_ORDER = [
  "identified",
  "identifiedDatabases",
  "identifiedRegisters",
  "duplicatesRemoved",
  "automationRemoved",
  "otherRemoved",
  "screened",
  "excludedScreening",
  "reportsSought",
  "notRetrieved",
  "fullTextAssessed",
  "fullTextExcluded",
  "included",
  "includedReports",
] as const satisfies readonly (keyof PrismaCounts)[];

/**
 * The text of a project file: fields in a fixed order, two-space indents, a final newline. A row
 * of cells (and any other list of plain values) takes one line, so a table of 100,000 rows is
 * 100,000 lines rather than millions, and a changed cell is a one-line difference.
 * `parseProject(serializeProject(p), name).project` deep-equals `p` for every valid project;
 * only the fields of the format are written.
 */
export function serializeProject(project: PooledProject): string {
  const ordered = {
    ...inOrder(project, PROJECT_FIELDS),
    data: inOrder(project.data, DATA_FIELDS),
    columns: inOrder(project.columns, COLUMN_KEYS),
    analysis: inOrder(project.analysis, Object.keys(ANALYSIS_RULES)),
    report: inOrder(project.report, Object.keys(REPORT_RULES)),
    prisma:
      project.prisma === null
        ? null
        : {
            ...inOrder(project.prisma, PRISMA_ORDER),
            fullTextExcluded: project.prisma.fullTextExcluded.map(({ reason, n }) => ({
              reason,
              n,
            })),
          },
  };
  return `${pretty(ordered, "")}\n`;
}

/** The properties of `object` named in `keys`, in that order (undefined ones left out). */
function inOrder(object: object, keys: readonly string[]): Record<string, unknown> {
  const record = object as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key];
  return out;
}

const isPlain = (value: unknown) => !Array.isArray(value) && !isObject(value);

/**
 * JSON with two-space indents; a list of plain values on one line, and so is an item of a list
 * that is an object of plain values (a PRISMA reason with its count, a --predict point).
 */
function pretty(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every(isPlain)) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    const items = value.map(
      (v) => inner + ((isObject(v) ? flatObject(v) : null) ?? pretty(v, inner)),
    );
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`);
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** An object of plain values on one line, or null when it holds lists or objects. */
function flatObject(object: Record<string, unknown>): string | null {
  const entries = Object.entries(object).filter(([, v]) => v !== undefined);
  if (entries.length === 0 || !entries.every(([, v]) => isPlain(v))) return null;
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
}
