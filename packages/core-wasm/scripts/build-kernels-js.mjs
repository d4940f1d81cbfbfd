// The JS build of the one kernel source (kernels/*.ts -> dist/kernels/): tsc emits JS and
// declarations; the kernels import each other as "./x.ts" (the spelling asc resolves), which tsc
// rewrites to "./x.js" in the JS but not in the declarations, so this script rewrites those, and
// ships the declarations of the AssemblyScript value types (kernels/portable.d.ts) beside them.
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "kernels");
rmSync(out, { recursive: true, force: true });
const tsc = join(root, "..", "..", "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "kernels", "tsconfig.json")], {
  stdio: "inherit",
});
copyFileSync(join(root, "kernels", "portable.d.ts"), join(out, "portable.d.ts"));
for (const name of readdirSync(out)) {
  if (!name.endsWith(".d.ts") || name === "portable.d.ts") continue;

  const file = join(out, name);
  const text = readFileSync(file, "utf8")
    .replace(/from "(\.\/[a-z-]+)\.ts"/g, 'from "$1.js"')
    .replace(/<reference path="[^"]*portable\.d\.ts"/, '<reference path="./portable.d.ts"');
  writeFileSync(file, text);
}
console.log("core-wasm: wrote dist/kernels (JS build of kernels/)");
