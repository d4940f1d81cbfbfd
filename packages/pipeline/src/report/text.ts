/**
 * Plain-text and Markdown renderings of an analysis (`pooled analyze --format text|markdown`).
 */
import type { Analysis } from "../analysis/types.js";
import { analysisDocument, type Block } from "./document.js";
import { type LaySummaryOptions, laySummary } from "./lay-summary.js";
import { methodsParagraph } from "./methods.js";

/** Display width of a string (code points; every character here is one column wide). */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function pad(text: string, n: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, n - width(text)));
  return align === "left" ? text + fill : fill + text;
}

function textTable(block: Extract<Block, { kind: "table" }>): string[] {
  // Loops, not Math.max(...rows) or push(...lines): a table or a list may be as long as the data,
  // and an argument list that long overflows the stack.
  const widths = block.header.map((h, j) =>
    block.rows.reduce((w, r) => Math.max(w, width(r[j] ?? "")), width(h)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, j) => pad(c, widths[j]!, block.align[j]!))
      .join("  ")
      .trimEnd();
  const lines = [line(block.header), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of block.rows) lines.push(line(row));
  return lines;
}

/** `target.push(...items)` for lists of any length. */
function append(target: string[], items: Iterable<string>): void {
  for (const item of items) target.push(item);
}

/** Wraps a paragraph at `columns` characters (words are never split). */
export function wrap(text: string, columns = 100, indent = ""): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (current !== "" && width(current) + 1 + width(word) > columns - width(indent)) {
      lines.push(indent + current);
      current = word;
    } else {
      current = current === "" ? word : `${current} ${word}`;
    }
  }
  if (current !== "") lines.push(indent + current);
  return lines;
}

/**
 * The analysis as plain text for a terminal: summary, tables, small-study tests, warnings.
 * @example process.stdout.write(renderText(analysis))
 */
export function renderText(analysis: Analysis): string {
  const out: string[] = [
    `Pooled analysis of ${analysis.source}`,
    "=".repeat(width(`Pooled analysis of ${analysis.source}`)),
  ];
  let previous: Block["kind"] | null = null;
  for (const block of analysisDocument(analysis)) {
    switch (block.kind) {
      case "heading":
        out.push("", block.text, (block.level === 2 ? "-" : "~").repeat(width(block.text)));
        break;
      case "paragraph":
        append(out, wrap(block.text));
        break;
      case "list":
        // A list under a table (e.g. what could not be computed) is set off from its last row.
        if (previous === "table") out.push("");
        for (const item of block.items) {
          const lines = wrap(item, 98);
          for (const [i, l] of lines.entries()) out.push(i === 0 ? `- ${l}` : `  ${l}`);
        }
        break;
      case "table":
        out.push("");
        append(out, textTable(block));
        break;
    }
    previous = block.kind;
  }
  return out.join("\n") + "\n";
}

/**
 * Text as Markdown that renders as the same text: what renderers would read as markup is escaped.
 * HTML (`<script>`, `<img onerror=...>`, entities) is written as entities, so no renderer turns
 * it into elements; CommonMark's punctuation escapes cover emphasis, code, links, images,
 * strike-through (GFM), tables (`|`) and block markers at the start of a line (`#`, `>`, `-`, `+`,
 * `1.`); a line break (or any control character) becomes a space, so a label never ends its
 * table row, list item or paragraph. Every text of the Markdown goes through it (labels, column
 * names, levels and the reasons of excluded rows come from the data).
 * @example md("<b>A|B</b>") === "&lt;b&gt;A\\|B&lt;/b&gt;"
 */
export function md(text: string): string {
  return (
    oneLine(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_[\]|~!#]/g, "\\$&")
      // A list marker, heading underline or thematic break where a block starts ("-", "+", "=",
      // "1." or "1)"); the same characters mid-text mean nothing.
      .replace(/^(\s*)([-+=])/, "$1\\$2")
      .replace(/^(\s*\d+)([.)])/, "$1\\$2")
  );
}

/** Control characters (NUL to US, DEL, C1) and line and paragraph separators become spaces. */
function oneLine(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 ? " " : ch;
  }
  return out;
}

/**
 * The analysis as Markdown: the same sections as the text, with the plain-language summary and the
 * methods paragraph, for pasting into a report or a README.
 */
export function renderMarkdown(
  analysis: Analysis,
  options: { lay?: LaySummaryOptions } = {},
): string {
  const out: string[] = [`# Pooled analysis of ${md(analysis.source)}`, ""];
  out.push("## Plain-language summary", "");
  for (const s of laySummary(analysis, options.lay ?? {}).sections)
    out.push(`### ${md(s.heading)}`, "", md(s.text), "");
  for (const block of analysisDocument(analysis)) {
    switch (block.kind) {
      case "heading":
        out.push(`${"#".repeat(block.level)} ${md(block.text)}`, "");
        break;
      case "paragraph":
        out.push(md(block.text), "");
        break;
      case "list":
        for (const item of block.items) out.push(`- ${md(item)}`);
        out.push("");
        break;
      case "table":
        out.push(
          `| ${block.header.map(md).join(" | ")} |`,
          `| ${block.align.map((a) => (a === "left" ? ":--" : "--:")).join(" | ")} |`,
        );
        for (const r of block.rows) out.push(`| ${r.map(md).join(" | ")} |`);
        out.push("");
        break;
    }
  }
  const methods = methodsParagraph(analysis);
  out.push("## Methods", "", md(methods.text), "", "### References", "");
  out.push(...methods.references.map((r) => `- ${md(r)}`), "");
  return out.join("\n");
}
