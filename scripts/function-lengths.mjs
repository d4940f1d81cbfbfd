/**
 * Lists functions by length in lines, from the first line of the signature to the closing brace
 * (doc comments not counted), longest first. Nested functions are listed on their own and also
 * count towards the function that holds them.
 *
 *   node scripts/function-lengths.mjs [--min 60] [dir]     one folder (default: every package's src)
 *   node scripts/function-lengths.mjs --max 120            fails when a function is longer (lint)
 *
 * The kernels (packages/core-wasm: AssemblyScript, one loop per kernel, kept whole so the WASM and
 * JS builds stay line-for-line the same) and generated code (dist) are not counted.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const max = option("--max", null);
const min = option("--min", max ?? 60);
const rest = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const root = new URL("..", import.meta.url).pathname;
/** Every workspace's source folder except the kernels' (packages/core-wasm). */
function sourceDirs() {
  const packages = readdirSync(join(root, "packages"))
    .filter((name) => name !== "core-wasm")
    .map((name) => join(root, "packages", name, "src"));
  return [...packages, join(root, "bench", "src")].filter((dir) => existsSync(dir));
}
const dirs = rest.length > 0 ? rest.map((d) => resolve(d)) : sourceDirs();

function nameOf(node) {
  if (node.name) return node.name.getText();
  // An arrow function or function expression takes the name of what it is assigned to.
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText();
  if (p && ts.isPropertyAssignment(p)) return p.name.getText();
  return "(anonymous)";
}

const rows = [];
for (const dir of dirs)
  for (const file of readdirSync(dir, { recursive: true })) {
    if (!String(file).endsWith(".ts") || String(file).endsWith(".d.ts")) continue;
    const path = join(dir, String(file));
    const source = ts.createSourceFile(
      path,
      readFileSync(path, "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    const visit = (node) => {
      if (ts.isFunctionLike(node) && "body" in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        rows.push({
          file: relative(root, path),
          name: nameOf(node),
          line: start + 1,
          lines: end - start + 1,
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
rows.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
const shown = rows.filter((r) => (max !== null ? r.lines > max : r.lines >= min));
for (const r of shown)
  console.log(`${String(r.lines).padStart(4)}  ${r.file}:${r.line}  ${r.name}`);
if (max !== null) {
  if (shown.length > 0) {
    console.error(
      `Function length: ${shown.length} function(s) over ${max} lines (above); split them.`,
    );
    process.exit(1);
  }
  console.log(`Function length: none of ${rows.length} functions is over ${max} lines.`);
} else {
  console.log(
    `${shown.length} of ${rows.length} functions have ${min} lines or more; longest ${rows[0]?.lines ?? 0}.`,
  );
}
