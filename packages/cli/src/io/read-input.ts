/** Reading input files (never modifying them), with a size limit reported as bad input. */
import { open } from "node:fs/promises";
import type { DataProblem } from "@pooled/pipeline";

/** Larger files are refused with a clear message rather than exhausting memory. */
export const MAX_INPUT_BYTES = 512 * 1024 * 1024;

export type ReadResult = { bytes: Uint8Array } | { problem: DataProblem };

/** Reads a whole file read-only; a missing, unreadable or oversized file is a problem, not a crash. */
export async function readInputFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<ReadResult> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (stat.isDirectory())
      return {
        problem: {
          file: path,
          row: null,
          column: null,
          expected: "a data file",
          found: "a folder",
        },
      };
    if (stat.size > maxBytes) {
      return {
        problem: {
          file: path,
          row: null,
          column: null,
          expected: `a file of at most ${Math.round(maxBytes / 1024 / 1024)} MB`,
          found: `${(stat.size / 1024 / 1024).toFixed(1)} MB`,
        },
      };
    }
    const bytes = new Uint8Array(await handle.readFile());
    return { bytes };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const found =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "a file that cannot be read (permission denied)"
          : (error as Error).message;
    return {
      problem: { file: path, row: null, column: null, expected: "a readable data file", found },
    };
  } finally {
    await handle?.close();
  }
}
