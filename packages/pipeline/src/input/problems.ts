import { PooledInputError, PooledInputErrors } from "@pooled/stats";
import type { DataProblem } from "./types.js";

/**
 * One problem as one line, the form compilers use so editors can jump to it:
 * `file:row:column: expected ..., found ...` (row and column left out when the problem is about
 * the whole file, or a whole row).
 */
export function formatProblem(problem: DataProblem): string {
  const where = [problem.file];
  if (problem.row !== null) where.push(String(problem.row));
  if (problem.column !== null) where.push(problem.column);
  const found = problem.found === undefined ? "" : `, found ${problem.found}`;
  return oneLine(`${where.join(":")}: expected ${problem.expected}${found}`);
}

/**
 * Control characters (line breaks included) written as JSON escapes: a problem stays on one line,
 * and bytes of the file (a header with a line break, V8's message quoting invalid JSON, a terminal
 * escape sequence) never reach the terminal raw.
 */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => {
    if (ch === "\n") return "\\n";
    if (ch === "\r") return "\\r";
    if (ch === "\t") return "\\t";
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * The engine's input errors carried by `error` (one, or several at once), or null when it is
 * some other error: the steps that turn them into problems naming a row and a column rethrow that.
 */
export function engineInputErrors(error: unknown): PooledInputError[] | null {
  if (error instanceof PooledInputErrors) return error.errors;
  if (error instanceof PooledInputError) return [error];
  return null;
}
