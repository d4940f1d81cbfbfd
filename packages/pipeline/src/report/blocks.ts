/**
 * The small document model of the report (headings, paragraphs, tables, lists) and its
 * constructors, shared by the sections that build it (document.ts, dependence.ts).
 */
import { failureOf } from "../analysis/failures.js";
import type { Analysis } from "../analysis/types.js";

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string; id?: string }
  | { kind: "paragraph"; text: string }
  | {
      kind: "table";
      header: string[];
      rows: string[][];
      align: ("left" | "right")[];
      caption?: string;
    }
  | { kind: "list"; items: string[] };

export const heading = (level: 1 | 2 | 3, text: string, id?: string): Block =>
  id === undefined ? { kind: "heading", level, text } : { kind: "heading", level, text, id };
export const paragraph = (text: string): Block => ({ kind: "paragraph", text });
export const list = (items: string[]): Block => ({ kind: "list", items });

/** A table whose first `firstLeft` columns are left-aligned and the rest right-aligned. */
export function table(header: string[], rows: string[][], firstLeft = 1, caption?: string): Block {
  const align = header.map((_, i) => (i < firstLeft ? "left" : "right")) as ("left" | "right")[];
  return caption === undefined
    ? { kind: "table", header, rows, align }
    : { kind: "table", header, rows, align, caption };
}

/**
 * The sentences saying why each of `what` could not be computed (from the warnings), so a section
 * shows them where its numbers would have been; the Warnings section lists them too.
 */
export function failures(a: Analysis, ...what: string[]): string[] {
  return what.flatMap((w) => failureOf(a.warnings, w) ?? []);
}

/** A section that was asked for but could not be computed: its heading and why. */
export function failedSection(a: Analysis, title: string, id: string, what: string): Block[] {
  const why = failures(a, what);
  return why.length === 0 ? [] : [heading(2, title, id), paragraph(why[0]!)];
}
