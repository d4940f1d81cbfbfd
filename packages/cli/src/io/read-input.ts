/** Reading input files (never modifying them), with a size limit reported as bad input. */
import { open } from "node:fs/promises";
import { type DataProblem, decodeText, formatMegabytes, INPUT_LIMITS } from "@pooled/pipeline";

/** Larger data files are refused with a clear message rather than exhausting memory. */
export const MAX_INPUT_BYTES = INPUT_LIMITS.fileBytes;

export type ReadResult = { bytes: Uint8Array } | { problem: DataProblem };

/** Bytes read at a time from a file whose size is not known in advance (a pipe, /dev/zero). */
const READ_CHUNK = 1024 * 1024;

/**
 * Reads a whole file read-only; a missing, unreadable or oversized file is a problem, not a
 * crash. The limit holds while reading, not only against the size the file system reports:
 * devices and pipes (/dev/zero, /dev/urandom, `<(command)`) report 0 bytes and never end.
 */
export async function readInputFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<ReadResult> {
  const problem = (expected: string, found: string): ReadResult => ({
    problem: { file: path, row: null, column: null, expected, found },
  });
  const limit = `a file of at most ${formatMegabytes(maxBytes)} (Pooled's limit)`;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const stat = await handle.stat();
    if (stat.isDirectory()) return problem("a data file", "a folder");
    if (stat.size > maxBytes) return problem(limit, formatMegabytes(stat.size));
    // One byte more than the limit is asked for, to tell "exactly the limit" from "more".
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(
        stat.size > total ? stat.size - total : READ_CHUNK,
        maxBytes + 1 - total,
      );
      const chunk = new Uint8Array(want);
      const { bytesRead } = await handle.read(chunk, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes)
        return problem(limit, `more than ${formatMegabytes(maxBytes)} (reading stopped there)`);
    }
    return { bytes: concat(chunks, total) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const found =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "a file that cannot be read (permission denied)"
          : (error as Error).message;
    return problem("a readable data file", found);
  } finally {
    await handle?.close();
  }
}

/**
 * A --config or --prisma JSON file as text, up to {@link INPUT_LIMITS}.settingsFileBytes: UTF-8,
 * or UTF-16 with or without a byte-order mark, as the data file.
 */
export async function readSettingsFile(
  path: string,
): Promise<{ text: string } | { problem: DataProblem }> {
  const read = await readInputFile(path, INPUT_LIMITS.settingsFileBytes);
  if ("problem" in read) return read;
  return decodeText(read.bytes, path);
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
