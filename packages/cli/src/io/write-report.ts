/**
 * Writing a report folder completely or not at all: every file goes into a hidden temporary
 * sibling folder, which is renamed into place at the end. An interruption (Ctrl-C, an error)
 * removes the temporary folder and leaves any earlier report untouched.
 *
 * A file Pooled did not write is never deleted: each report folder holds a manifest of the files
 * Pooled wrote there, and a non-empty folder is replaced only when the manifest lists every entry
 * in it. A folder without a manifest (an analysis.json written by `--format json >`, a report
 * with a file added by hand, the folder holding the data) is refused.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { ReportFile } from "../engine.js";

export class ReportFolderError extends Error {}

/** The manifest of a report folder: the entries Pooled wrote there. */
export const REPORT_MANIFEST = ".pooled-report.json";

/** The entries a report folder's manifest lists, or null when it has no readable manifest. */
async function manifestEntries(dir: string): Promise<Set<string> | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, REPORT_MANIFEST), "utf8")) as {
      tool?: unknown;
      entries?: unknown;
    };
    if (manifest.tool !== "pooled" || !Array.isArray(manifest.entries)) return null;
    return new Set(manifest.entries.filter((e): e is string => typeof e === "string"));
  } catch {
    return null;
  }
}

/**
 * A folder may be replaced only if it is empty or is a Pooled report folder holding nothing but
 * what Pooled wrote there; never the working folder or one that contains it.
 */
async function replaceable(dir: string): Promise<"absent" | "replace"> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch {
    return "absent";
  }
  if (!info.isDirectory())
    throw new ReportFolderError(`${dir} exists and is not a folder; choose another --out`);
  const fromCwd = relative(dir, process.cwd());
  if (fromCwd === "" || !fromCwd.startsWith("..")) {
    throw new ReportFolderError(
      `${dir} is the working folder or contains it; refusing to replace it, choose another --out`,
    );
  }
  const entries = await readdir(dir);
  if (entries.length === 0) return "replace";
  const written = await manifestEntries(dir);
  if (written === null) {
    throw new ReportFolderError(
      `${dir} is a folder that does not hold a Pooled report (no ${REPORT_MANIFEST}); refusing to replace it, choose another --out`,
    );
  }
  const foreign = entries.filter((e) => e !== REPORT_MANIFEST && !written.has(e));
  if (foreign.length > 0) {
    throw new ReportFolderError(
      `${dir} holds files Pooled did not write (${foreign.slice(0, 5).join(", ")}${foreign.length > 5 ? ", ..." : ""}); refusing to replace it, choose another --out`,
    );
  }
  return "replace";
}

/** Writes `files` into `outDir` atomically; throws an AbortError-like error when `signal` fires. */
export async function writeReportFolder(
  outDir: string,
  files: readonly ReportFile[],
  signal?: AbortSignal,
): Promise<string> {
  const target = resolve(outDir);
  const parent = dirname(target);
  const state = await replaceable(target);
  for (const f of files) {
    const path = resolve(target, f.name);
    if (!path.startsWith(target + sep))
      throw new ReportFolderError(
        `report file name ${JSON.stringify(f.name)} points outside the report folder`,
      );
  }
  await mkdir(parent, { recursive: true });
  // node:crypto loads twenty internal modules (about 5 ms); only runs that write a report need it.
  const { randomBytes } = await import("node:crypto");
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temp = join(parent, `.${basename(target)}.partial-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  await mkdir(temp);
  try {
    for (const f of files) {
      signal?.throwIfAborted();
      const path = join(temp, ...f.name.split("/"));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
    }
    const entries = [...new Set(files.map((f) => f.name.split("/")[0]!))].sort();
    await writeFile(
      join(temp, REPORT_MANIFEST),
      `${JSON.stringify({ tool: "pooled", entries }, null, 2)}\n`,
    );
    signal?.throwIfAborted();
    if (state === "replace") {
      await rename(target, old);
      try {
        await rename(temp, target);
      } catch (error) {
        await rename(old, target); // put the earlier report back
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, target);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
