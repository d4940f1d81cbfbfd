/** Files that ship beside the CLI: its package.json and the bundled example. */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The CLI's version, from its package.json. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/**
 * The bundled example's folder: examples/ at the repository root (this file is
 * packages/cli/dist/paths.js), or a copy beside the package when installed on its own.
 */
export function examplesDir(): string | null {
  for (const relative of ["../../../examples/", "../examples/"]) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(new URL("sci-exosomes-bbb.simulated.csv", url))) return fileURLToPath(url);
  }
  return null;
}
