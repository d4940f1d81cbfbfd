/**
 * Writing a report folder completely or not at all: every file goes into a hidden temporary
 * sibling folder, which is renamed into place at the end. An interruption (Ctrl-C, an error)
 * removes the temporary folder and leaves any earlier report untouched.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import type { ReportFile } from "../engine.js";

export class ReportFolderError extends Error {}

/** A folder may be replaced only if it is empty or holds an earlier Pooled report. */
async function replaceable(dir: string): Promise<"absent" | "replace"> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch {
    return "absent";
  }
  if (!info.isDirectory())
    throw new ReportFolderError(`${dir} exists and is not a folder; choose another --out`);
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes("analysis.json")) {
    throw new ReportFolderError(
      `${dir} is a folder that does not hold a Pooled report (no analysis.json); refusing to replace it, choose another --out`,
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
