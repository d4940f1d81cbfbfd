/**
 * Lists the functions of packages/plots/src by length in lines, from the first line of the
 * signature to the closing brace (doc comments not counted), longest first. Nested functions are
 * listed on their own and also count towards the function that holds them.
 *
 *   node packages/plots/scripts/function-lengths.mjs [--min 60] [dir]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

const args = process.argv.slice(2);
const minArg = args.indexOf("--min");
const min = minArg >= 0 ? Number(args[minArg + 1]) : 60;
const rest = args.filter((_, i) => i !== minArg && i !== minArg + 1);
const dir = resolve(rest[0] ?? new URL("../src", import.meta.url).pathname);

function nameOf(node) {
  if (node.name) return node.name.getText();
  // An arrow function or function expression takes the name of what it is assigned to.
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText();
  if (p && ts.isPropertyAssignment(p)) return p.name.getText();
  return "(anonymous)";
}

const rows = [];
for (const file of readdirSync(dir, { recursive: true })) {
  if (!String(file).endsWith(".ts")) continue;
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
        file: relative(dir, path),
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
const shown = rows.filter((r) => r.lines >= min);
for (const r of shown)
  console.log(`${String(r.lines).padStart(4)}  ${r.file}:${r.line}  ${r.name}`);
console.log(
  `${shown.length} of ${rows.length} functions have ${min} lines or more; longest ${rows[0]?.lines ?? 0}.`,
);
