#!/usr/bin/env node
// The layering rule of the monorepo, run by `npm run lint`: code in one workspace (packages/*,
// bench) reaches another only through that package's name and its `exports` (e.g.
// "@pooled/stats/kernels"), never by a relative path into its files (src/, dist/, test/ or any
// other).
// A path import couples two packages to each other's file layout and skips the build order turbo
// derives from the dependencies, so a fresh clone can fail where a warm one passes.
//
// Checked: every static or dynamic import/export/require specifier in .ts/.mts/.js/.mjs sources,
// and string literals that build such a path at run time (join(here, "../../stats/dist/...")).
// Generated and installed folders (dist, node_modules, build) are not read.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SKIPPED_DIRS = new Set(["node_modules", "dist", "build", ".turbo", "coverage", "dist-maps"]);
const SOURCE = /\.(ts|mts|js|mjs)$/;

/** The workspaces: each folder under packages/, and bench/. */
function workspaces() {
  const packages = readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => statSync(dir).isDirectory());
  return [...packages, join(root, "bench")];
}

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(join(dir, entry.name));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      yield join(dir, entry.name);
    }
  }
}

/** Module specifiers, and relative string literals that climb out of the file's folder. */
function specifiers(text) {
  const found = new Map();
  const patterns = [
    /\b(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    // Paths assembled at run time: any literal starting with ../ (checked like an import).
    /["'`](\.\.\/[^"'`$]*)["'`]/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split("\n").length;
      found.set(`${line}:${match[1]}`, { specifier: match[1], line });
    }
  }
  return [...found.values()];
}

/** The workspace folder a path lies in, or null outside every workspace. */
function workspaceOf(path, all) {
  return all.find((ws) => path === ws || path.startsWith(ws + sep)) ?? null;
}

const all = workspaces();
const problems = [];
for (const ws of all) {
  for (const file of sourceFiles(ws)) {
    const text = readFileSync(file, "utf8");
    for (const { specifier, line } of specifiers(text)) {
      if (!specifier.startsWith(".")) continue;
      const target = resolve(dirname(file), specifier);
      const owner = workspaceOf(target, all);
      if (owner === null || owner === ws) continue;
      problems.push(
        `${relative(root, file)}:${line}: "${specifier}" reaches into ${relative(root, target)}, a file of ${relative(root, owner)}; import the package by name (add an "exports" entry if it needs one)`,
      );
    }
  }
}

if (problems.length > 0) {
  console.error(`Layering: ${problems.length} import(s) into another package's files:\n`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log("Layering: no workspace reaches into another's files by path.");
