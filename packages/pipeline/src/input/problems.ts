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
  return `${where.join(":")}: expected ${problem.expected}${found}`;
}
