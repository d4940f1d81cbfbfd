/**
 * Writing a report folder completely or not at all: every file goes into a hidden temporary
 * sibling folder, which is renamed into place at the end. An interruption (Ctrl-C, SIGTERM, an
 * error) removes the temporary folder and leaves any earlier report untouched. A run killed
 * outright (SIGKILL, a second Ctrl-C) cannot clean up: the next report written beside it removes
 * what that run left, found by its name (`.<folder>.partial-<pid>-<hex>`, made only here) and a
 * process id that no longer runs.
 *
 * A file Pooled did not write is never deleted: each report folder holds a manifest of the files
 * Pooled wrote there, and a non-empty folder is replaced only when the manifest lists every entry
 * in it. A folder without a manifest (an analysis.json written by `--format json >`, a report
 * with a file added by hand, the folder holding the data) is refused.
 */
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { ReportFile } from "../engine-protocol.js";

/** The --out folder may not be replaced (it holds other files, or is the working folder). */
export class ReportFolderError extends Error {}

/** The file system refused a write: the message says what could not be written and why. */
export class ReportWriteError extends Error {}

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
  for (const f of files) {
    const path = resolve(target, f.name);
    if (!path.startsWith(target + sep))
      throw new ReportFolderError(
        `report file name ${JSON.stringify(f.name)} points outside the report folder`,
      );
  }
  await clearStaleFolders(parent, basename(target));
  let state: "absent" | "replace" = "absent";
  try {
    state = await replaceable(target);
    await makeFolders(parent);
    // node:crypto loads twenty internal modules (about 5 ms); only runs that write a report need it.
    const { randomBytes } = await import("node:crypto");
    const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
    const temp = join(parent, `.${basename(target)}.partial-${tag}`);
    const old = join(parent, `.${basename(target)}.old-${tag}`);
    await mkdir(temp);
    try {
      await fill(temp, files, signal);
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
  } catch (error) {
    if (signal?.aborted || error instanceof ReportFolderError) throw error;
    throw new ReportWriteError(
      `could not write the report to ${target}: ${writeFailure(error as NodeJS.ErrnoException)}; no report was written${state === "replace" ? " and the earlier report there is unchanged" : ""}`,
    );
  }
  return target;
}

/** Every file, then the manifest, into the temporary folder. */
async function fill(temp: string, files: readonly ReportFile[], signal?: AbortSignal) {
  for (const f of files) {
    signal?.throwIfAborted();
    const path = join(temp, ...f.name.split("/"));
    await makeFolders(dirname(path));
    await writeFile(path, f.content);
  }
  const entries = [...new Set(files.map((f) => f.name.split("/")[0]!))].sort();
  await writeFile(
    join(temp, REPORT_MANIFEST),
    `${JSON.stringify({ tool: "pooled", entries }, null, 2)}\n`,
  );
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdir loops forever where mkdir answers ENOENT
 * for a folder whose parent exists (e.g. anything under /proc); here that is an error.
 */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    try {
      if ((await stat(at)).isDirectory()) break;
      const error: NodeJS.ErrnoException = new Error(`${at} is not a folder`);
      Object.assign(error, { code: "ENOTDIR", path: at, syscall: "mkdir" });
      throw error;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      missing.push(at);
      if (dirname(at) === at) break;
    }
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      // Made meanwhile by another process: fine if it is a folder.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !(await stat(folder)).isDirectory())
        throw error;
    }
  }
}

/** Why a write failed, in words, with the system's code and the path it concerns. */
export function writeFailure(error: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ENOENT: "a folder on the way does not exist and cannot be created",
    EACCES: "permission denied",
    EPERM: "the operation is not permitted",
    EROFS: "the file system is read-only",
    ENOSPC: "no space left on the disk",
    EDQUOT: "the disk quota is used up",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "a folder stands where a file should be written",
    ENAMETOOLONG: "the path is too long",
    ENOTEMPTY: "another program put files into the folder while the report was written",
    EEXIST: "another program created the folder while the report was written",
    EXDEV: "the temporary folder and the report folder are on different file systems",
    EMFILE: "too many files are open",
    EIO: "the disk reported an input/output error",
  };
  const reason = error.code !== undefined ? reasons[error.code] : undefined;
  if (reason === undefined) return error.message;
  const where = [error.syscall, error.path].filter((x) => x !== undefined).join(" ");
  return `${reason} (${where === "" ? "" : `${where}: `}${error.code})`;
}

/** What a report run that was killed left beside `base`: its name says which run and what it is. */
function staleName(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.(partial|old)-(\\d+)-[0-9a-f]{8}$`);
}

/**
 * Removes what earlier runs writing `base` left when they were killed before they could clean up:
 * a temporary folder (`.partial-`) is removed; an earlier report set aside (`.old-`) is put back
 * when the new one never arrived, else removed. Only folders with Pooled's naming whose process
 * no longer runs are touched; nothing here makes a run fail.
 */
export async function clearStaleFolders(parent: string, base: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const pattern = staleName(base);
  for (const entry of entries) {
    const match = pattern.exec(entry);
    if (match === null || processRuns(Number(match[2]))) continue;
    const path = join(parent, entry);
    try {
      if (!(await lstat(path)).isDirectory()) continue;
      if (match[1] === "old" && !(await exists(join(parent, base))))
        await rename(path, join(parent, base));
      else await rm(path, { recursive: true, force: true });
    } catch {
      // Left for a later run; the report being written does not depend on it.
    }
  }
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
