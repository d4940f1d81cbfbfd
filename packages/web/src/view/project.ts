/**
 * A project as the page keeps it: the study table as typed, the reading options (column choices,
 * decimal comma), the settings and the PRISMA counts, under a name. It is what IndexedDB stores and
 * what the worker turns into a `.pooled.json` project file (and back). Pure, no DOM.
 */
import type { PrismaCounts } from "@pooled/pipeline";
import type { ColumnOverrides, Settings } from "../api.js";
import {
  emptyGrid,
  type GridData,
  TEMPLATE_HEADERS,
  TEMPLATE_ROWS,
  withoutTrailingBlankRows,
} from "./grid/model.js";

/** The record's layout; a change of it needs an upgrade of stored records. */
export const PROJECT_RECORD_SCHEMA = 1;

export interface WorkspaceProject {
  schema: typeof PROJECT_RECORD_SCHEMA;
  id: string;
  name: string;
  /** ISO 8601 times. */
  createdAt: string;
  savedAt: string;
  data: GridData;
  /**
   * The file the data were read from (e.g. "bbb.csv"), or null when typed in: the analysis goes by
   * that name, as the CLI names a project's analysis (projectSourceName).
   */
  source: string | null;
  /** Column choices the reader made (the Columns panel; the CLI's --map); {}: detected. */
  columns: ColumnOverrides;
  decimalComma: boolean;
  /** The settings as last read from the controls; null until the project is first analysed. */
  settings: Settings | null;
  prisma: PrismaCounts | null;
  /**
   * Fields of an imported project file that the page has no control for (an analysis option such
   * as `level`, a report option), given back unchanged on export.
   */
  kept: { analysis: Record<string, unknown>; report: Record<string, unknown> };
}

/**
 * A project's content, everything but the page's own id and times: what the worker writes to a
 * project file, and what it reads back from one.
 */
export type ProjectDraft = Omit<WorkspaceProject, "schema" | "id" | "createdAt">;

/** A project file read back (the same fields as a draft). */
export type ImportedProject = ProjectDraft;

/** The name a new project takes. */
export const UNTITLED = "Untitled project";

export function newProject(
  id: string,
  now: Date,
  fields: Partial<Omit<WorkspaceProject, "schema" | "id" | "createdAt" | "savedAt">> = {},
): WorkspaceProject {
  const time = now.toISOString();
  return {
    schema: PROJECT_RECORD_SCHEMA,
    id,
    name: fields.name ?? UNTITLED,
    createdAt: time,
    savedAt: time,
    data: fields.data ?? emptyGrid(TEMPLATE_HEADERS, TEMPLATE_ROWS),
    source: fields.source ?? null,
    columns: fields.columns ?? {},
    decimalComma: fields.decimalComma ?? false,
    settings: fields.settings ?? null,
    prisma: fields.prisma ?? null,
    kept: fields.kept ?? { analysis: {}, report: {} },
  };
}

/** The project as the worker writes it to a file (blank rows left to type into dropped). */
export function projectDraft(project: WorkspaceProject): ProjectDraft {
  return {
    name: project.name,
    savedAt: project.savedAt,
    data: withoutTrailingBlankRows(project.data),
    source: project.source,
    columns: project.columns,
    decimalComma: project.decimalComma,
    settings: project.settings,
    prisma: project.prisma,
    kept: project.kept,
  };
}

/**
 * The name the project's data go by in messages and in analysis.json: the file they came from,
 * else the project file's name (as the CLI's projectSourceName names them).
 */
export function dataName(project: Pick<WorkspaceProject, "name" | "source">): string {
  return project.source ?? projectFileName(project.name);
}

/** A project's name from a file's: without the extension(s) a data or project file has. */
export function nameFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, "");
  const name = base.replace(/\.pooled\.json$/i, "").replace(/\.[a-z0-9]{1,5}$/i, "");
  return name.trim() === "" ? UNTITLED : name;
}

/**
 * The file a project is exported to, and the name its data carry in messages and in
 * analysis.json (the CLI names the project file it reads the same way): the project's name with
 * characters that file systems refuse replaced.
 */
export function projectFileName(name: string): string {
  const printable = Array.from(name, (c) => (c.charCodeAt(0) < 32 ? "-" : c)).join("");
  const safe = printable
    .trim()
    .replace(/[\\/:*?"<>|]+/g, "-")
    .replace(/\s+/g, " ")
    .slice(0, 100)
    .replace(/^[.\s-]+|[.\s]+$/g, "");
  return `${safe === "" ? "project" : safe}.pooled.json`;
}

/** A name for a copy: "Name (copy)", then "Name (copy 2)"... not among `taken`. */
export function copyName(name: string, taken: readonly string[]): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, "");
  const names = new Set(taken);
  if (!names.has(`${base} (copy)`)) return `${base} (copy)`;
  for (let i = 2; ; i++) if (!names.has(`${base} (copy ${i})`)) return `${base} (copy ${i})`;
}

/** "2 minutes ago", "yesterday, 14:05": when a project was saved, for the projects list. */
export function savedWhen(savedAt: string, now: Date): string {
  const then = new Date(savedAt);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 60) return "just now";
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    return `${m} minute${m === 1 ? "" : "s"} ago`;
  }
  const time = then.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  if (then.toDateString() === now.toDateString()) return `today, ${time}`;
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (then.toDateString() === yesterday.toDateString()) return `yesterday, ${time}`;
  return `${then.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })}, ${time}`;
}
