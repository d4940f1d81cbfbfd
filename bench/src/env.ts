/** Settings of the bench scripts read from the environment. */
import { spawnSync } from "node:child_process";

/** The whole number >= 2 in environment variable `name`, or `fallback` when it is unset or empty. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) throw new Error(`${name} must be an integer >= 2; got ${raw}`);
  return n;
}

/**
 * Why metafor cannot be timed, or null when Rscript finds it: the metafor that METAFOR_LIB=<dir>
 * names when set (as bench/metafor/gosh.R and multilevel.R load it), else the installed one.
 */
export function metaforMissing(): string | null {
  const r = spawnSync(
    "Rscript",
    [
      "-e",
      'lib <- Sys.getenv("METAFOR_LIB"); if (nzchar(lib)) .libPaths(c(lib, .libPaths())); quit(status = if (requireNamespace("metafor", quietly = TRUE)) 0 else 1)',
    ],
    { stdio: "ignore" },
  );
  if (r.error) return "Rscript was not found";
  if (r.status !== 0) return "R's metafor package was not found";
  return null;
}

/**
 * Runs the metafor side of a benchmark when asked for and possible: `run` after printing what it
 * times, or the reason it is skipped (asked not to, R or metafor missing, or the run failing, which
 * also sets a failing exit code). The Pooled side's figures stand either way.
 */
export async function optionalMetaforRun<T>(
  withMetafor: boolean,
  what: () => string,
  run: () => Promise<T>,
): Promise<{ result: T | null; skipped: string | null }> {
  let skipped: string | null = withMetafor ? metaforMissing() : "--no-metafor";
  if (skipped === null) {
    console.log(`\nmetafor: ${what()}`);
    try {
      return { result: await run(), skipped: null };
    } catch (error) {
      skipped = String(error);
      console.error(`metafor run failed: ${skipped}`);
      process.exitCode = 1;
    }
  } else if (withMetafor) {
    console.log(
      `\nmetafor skipped: ${skipped}. On Debian or Ubuntu: sudo apt-get install -y r-base-core r-cran-metafor`,
    );
  }
  return { result: null, skipped };
}
