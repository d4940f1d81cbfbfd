/**
 * checkXlsxLimits: refuses a workbook before read-excel-file unpacks it when its parts would
 * unpack past {@link INPUT_LIMITS}.fileBytes (a zip bomb: a few MB that inflate to gigabytes), or
 * when a sheet spans more rows, columns or cells than the limits (a sparse-sheet bomb: two cells,
 * A1 and XFD1048576, which the reader fills in with 17 billion empty ones).
 *
 * read-excel-file unzips with fflate and reads every part whose name ends in .xml or .xml.rels
 * (its filterZipArchiveEntry), every sheet included, whichever one is asked for. This walks the
 * same zip central directory as fflate's unzip (APPNOTE.TXT 4.3.12 and 4.3.16; zip64 4.3.14,
 * 4.5.3), adds up the sizes those parts declare, and refuses at once when they are too large.
 * Declared sizes can lie, so each part is then inflated as a stream, counting bytes, and refused
 * as soon as it passes its declared size; the same pass finds the last row and column a sheet
 * names. The cost is a second inflation of a workbook that passes (about 0.1 s per 40 MB of XML).
 */
import { Inflate } from "fflate";
import { formatCount, formatMegabytes, INPUT_LIMITS } from "./limits.js";
import type { DataProblem } from "./types.js";

interface ZipPart {
  name: string;
  /** 0 stored, 8 deflate (anything else read-excel-file refuses itself). */
  method: number;
  /** Where the part's data starts, and its compressed and declared sizes. */
  start: number;
  compressedSize: number;
  declaredSize: number;
}

/** Bytes handed to the inflater at a time: one push can write at most ~1,032 times as much. */
const INFLATE_CHUNK = 16 * 1024;

const readsPart = (name: string) => name.endsWith(".xml") || name.endsWith(".xml.rels");

/** What a part becomes: a stored part is copied as it is, a deflated one inflates to its declared size. */
const unpackedSize = (part: ZipPart) =>
  part.method === 0 ? part.compressedSize : part.declaredSize;

/**
 * A problem when the workbook's parts unpack past the size limit, lie about their size, or when
 * a sheet spans more rows, columns or cells than the limits; null when read-excel-file may read
 * it (including archives too damaged to list, which read-excel-file then reports).
 */
export function checkXlsxLimits(
  bytes: Uint8Array,
  file: string,
  limits: Pick<typeof INPUT_LIMITS, "fileBytes" | "rows" | "columns" | "cells"> = INPUT_LIMITS,
): DataProblem | null {
  const problem = (found: string, expected = "an Excel workbook (.xlsx)"): DataProblem => ({
    file,
    row: null,
    column: null,
    expected,
    found,
  });
  const parts = listZipParts(bytes);
  if (parts === "damaged")
    return problem("a damaged zip archive (its directory runs past the end of the file)");
  if (parts === null) return null;
  const unpackLimit = `a workbook whose parts unpack to at most ${formatMegabytes(limits.fileBytes)} (Pooled's limit)`;

  // 1. Declared sizes, before inflating anything.
  let declared = 0;
  let largest = parts[0];
  for (const part of parts) {
    declared += unpackedSize(part);
    if (unpackedSize(part) > unpackedSize(largest!)) largest = part;
  }
  if (declared > limits.fileBytes) {
    return problem(
      `parts that unpack to ${formatMegabytes(declared)} (${largest!.name} alone ${formatMegabytes(unpackedSize(largest!))})`,
      unpackLimit,
    );
  }

  // 2. Each part as it really inflates, and the extent of each sheet.
  for (const part of parts) {
    const extent = new SheetExtent();
    const data = bytes.subarray(part.start, part.start + part.compressedSize);
    if (part.method === 0) extent.scan(data);
    else if (part.method === 8) {
      const inflated = inflateCounting(data, part.declaredSize, (chunk) => extent.scan(chunk));
      if (inflated === "damaged")
        return problem(`a file that cannot be read as one (its part ${part.name} is damaged)`);
      if (inflated === "too large")
        return problem(
          `a part, ${part.name}, that unpacks to more than the ${formatCount(part.declaredSize)} bytes its zip header declares (a damaged or hostile file)`,
          unpackLimit,
        );
    }
    const where = `${part.name} (every sheet of a workbook is read)`;
    if (extent.lastRow - 1 > limits.rows)
      return {
        file,
        row: extent.lastRow,
        column: null,
        expected: `at most ${formatCount(limits.rows)} rows of data (Pooled's limit)`,
        found: `a sheet, ${where}, that reaches row ${formatCount(extent.lastRow)}`,
      };
    if (extent.lastColumn > limits.columns)
      return problem(
        `a sheet, ${where}, that reaches column ${columnName(extent.lastColumn)} (column ${formatCount(extent.lastColumn)})`,
        `at most ${formatCount(limits.columns)} columns (Pooled's limit)`,
      );
    if (extent.lastRow * extent.lastColumn > limits.cells)
      return problem(
        `a sheet, ${where}, that spans ${formatCount(extent.lastRow)} rows by ${formatCount(extent.lastColumn)} columns from A1`,
        `at most ${formatCount(limits.cells)} cells, rows x columns (Pooled's limit)`,
      );
  }
  return null;
}

/**
 * The parts read-excel-file reads, from the zip's central directory, as fflate's unzip finds
 * them; null when there is no end-of-directory record (not a zip: the reader says so),
 * "damaged" when an entry lies outside the file.
 */
function listZipParts(bytes: Uint8Array): ZipPart[] | null | "damaged" {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  // The end-of-central-directory record: its 22 bytes and a comment of at most 65,535 bytes.
  let end = bytes.length - 22;
  while (end >= 0 && u32(end) !== 0x06054b50) {
    if (bytes.length - end > 65557) return null;
    end--;
  }
  if (end < 0) return null;
  try {
    let count = u16(end + 8);
    let offset = u32(end + 16);
    let zip64 = end >= 20 && u32(end - 20) === 0x07064b50;
    if (zip64) {
      const record = u32(end - 12);
      zip64 = u32(record) === 0x06064b50;
      if (zip64) {
        count = u32(record + 32);
        offset = u32(record + 48);
      }
    }
    const parts: ZipPart[] = [];
    const latin1 = new TextDecoder("latin1");
    for (let i = 0; i < count; i++) {
      const method = u16(offset + 10);
      const nameLength = u16(offset + 28);
      const extraLength = u16(offset + 30);
      const commentLength = u16(offset + 32);
      const extra = offset + 46 + nameLength;
      // Names are only compared with ".xml" endings, so their code page does not matter.
      const name = latin1.decode(bytes.subarray(offset + 46, extra));
      let compressedSize = u32(offset + 20);
      let declaredSize = u32(offset + 24);
      let local = u32(offset + 42);
      const FULL = 0xffffffff;
      if (zip64 && (compressedSize === FULL || declaredSize === FULL || local === FULL)) {
        // The zip64 extended-information field (id 1): the sizes and offset that overflowed.
        for (let at = extra; at + 4 < extra + extraLength; at += 4 + u16(at + 2)) {
          if (u16(at) !== 1) continue;
          let field = at + 4;
          const next = () => {
            const value = Number(view.getBigUint64(field, true));
            field += 8;
            return value;
          };
          if (declaredSize === FULL) declaredSize = next();
          if (compressedSize === FULL) compressedSize = next();
          if (local === FULL) local = next();
          break;
        }
      }
      offset = extra + extraLength + commentLength;
      if (!readsPart(name)) continue;
      const start = local + 30 + u16(local + 26) + u16(local + 28);
      if (start + compressedSize > bytes.length) return "damaged";
      parts.push({ name, method, start, compressedSize, declaredSize });
    }
    return parts;
  } catch {
    // A DataView read past the end: an entry outside the file.
    return "damaged";
  }
}

/**
 * Inflates a deflate stream in chunks, handing each output chunk on, and stops as soon as more
 * than `declared` bytes come out. fflate would cut such a part at its declared size, but only
 * after decoding all of it: gigabytes of work from a few megabytes.
 */
function inflateCounting(
  data: Uint8Array,
  declared: number,
  onChunk: (chunk: Uint8Array) => void,
): "ok" | "too large" | "damaged" {
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= declared) onChunk(chunk);
  });
  try {
    for (let at = 0; at < data.length && total <= declared; at += INFLATE_CHUNK) {
      const end = Math.min(at + INFLATE_CHUNK, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
    }
  } catch {
    return "damaged";
  }
  return total > declared ? "too large" : "ok";
}

/**
 * The last row and column a sheet names in its `<row r="…">` and `<c r="…">` tags (any
 * namespace prefix), scanned chunk by chunk; a tag cut between chunks is seen whole because the
 * end of each chunk is scanned again with the next. Taking the largest makes counting twice
 * harmless.
 */
class SheetExtent {
  lastRow = 0;
  lastColumn = 0;
  private carry = "";
  private readonly decoder = new TextDecoder("latin1");
  private static readonly TAG =
    /<(?:[A-Za-z_][\w.-]*:)?(?:row|c)\s[^<>]*?\br="([A-Za-z]{0,3})(\d{1,12})"/g;

  scan(chunk: Uint8Array): void {
    const text = this.carry + this.decoder.decode(chunk);
    for (const match of text.matchAll(SheetExtent.TAG)) {
      const row = Number(match[2]);
      if (row > this.lastRow) this.lastRow = row;
      const column = columnNumber(match[1]!);
      if (column > this.lastColumn) this.lastColumn = column;
    }
    this.carry = text.slice(-1024);
  }
}

/** "A" is 1, "Z" 26, "AA" 27, "XFD" 16,384. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function columnName(n: number): string {
  let s = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26))
    s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}
