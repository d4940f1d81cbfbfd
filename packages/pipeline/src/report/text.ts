/**
 * Plain-text and Markdown renderings of an analysis (`pooled analyze --format text|markdown`).
 */
import type { Analysis } from "../analysis/types.js";
import { analysisDocument, type Block } from "./document.js";
import { type LaySummaryOptions, laySummary } from "./lay-summary.js";
import { methodsParagraph } from "./methods.js";

/** Display width of a string (code points; every character here is one column wide). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, n: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, n - width(text)));
  return align === "left" ? text + fill : fill + text;
}

function textTable(block: Extract<Block, { kind: "table" }>): string[] {
  const widths = block.header.map((h, j) =>
    Math.max(width(h), ...block.rows.map((r) => width(r[j] ?? ""))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, j) => pad(c, widths[j]!, block.align[j]!))
      .join("  ")
      .trimEnd();
  return [line(block.header), widths.map((w) => "-".repeat(w)).join("  "), ...block.rows.map(line)];
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
        out.push(...wrap(block.text));
        break;
      case "list":
        // A list under a table (e.g. what could not be computed) is set off from its last row.
        if (previous === "table") out.push("");
        for (const item of block.items) {
          const [first, ...rest] = wrap(item, 98);
          out.push(`- ${first}`, ...rest.map((l) => `  ${l}`));
        }
        break;
      case "table":
        out.push("", ...textTable(block));
        break;
    }
    previous = block.kind;
  }
  return out.join("\n") + "\n";
}

/** Escapes the characters that Markdown tables and inline text would interpret as markup. */
function md(text: string): string {
  return text.replace(/([\\|*_`])/g, "\\$1").replace(/\[([^\]]*)\]\(/g, "\\[$1\\](");
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
        out.push(...block.items.map((i) => `- ${md(i)}`), "");
        break;
      case "table":
        out.push(
          `| ${block.header.map(md).join(" | ")} |`,
          `| ${block.align.map((a) => (a === "left" ? ":--" : "--:")).join(" | ")} |`,
          ...block.rows.map((r) => `| ${r.map(md).join(" | ")} |`),
          "",
        );
        break;
    }
  }
  const methods = methodsParagraph(analysis);
  out.push("## Methods", "", md(methods.text), "", "### References", "");
  out.push(...methods.references.map((r) => `- ${md(r)}`), "");
  return out.join("\n");
}
