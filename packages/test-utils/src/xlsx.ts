/**
 * Builds small .xlsx workbooks at test time (no binary fixture committed): the minimal
 * SpreadsheetML parts (ECMA-376) in an uncompressed ("stored") zip archive; and zip bombs, a
 * few MB whose sheet inflates to gigabytes.
 */
import { constants, deflateRawSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip entry: stored as it is, or already deflated (raw DEFLATE) with the size it declares. */
export type ZipEntry =
  | { name: string; data: Uint8Array }
  | { name: string; deflated: Uint8Array; declaredSize: number; crc?: number };

/** A zip archive with every entry stored uncompressed (APPNOTE.TXT, sections 4.3.7, 4.3.12, 4.3.16). */
export function zipStored(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  return zipArchive(entries);
}

/**
 * A zip archive of stored or deflated entries (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16). A deflated
 * entry's declared size is written as given, so a test can make it lie.
 */
export function zipArchive(entries: ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const stored = "data" in entry;
    const body = stored ? entry.data : entry.deflated;
    const size = stored ? entry.data.length : entry.declaredSize;
    const crc = stored ? crc32(entry.data) : (entry.crc ?? 0);
    const method = stored ? 0 : 8;
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, method, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, body.length, true);
    local.setUint32(22, size, true);
    local.setUint16(26, name.length, true);
    chunks.push(new Uint8Array(local.buffer), name, body);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(10, method, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, body.length, true);
    dir.setUint32(24, size, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + body.length;
  }
  const centralSize = central.reduce((s, c) => s + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  const parts = [...chunks, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function columnLetter(index: number): string {
  let s = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** A workbook with one sheet per entry; strings go to the shared-strings table, numbers stay numbers. */
export function buildXlsx(
  sheets: { name: string; rows: (string | number | null)[][] }[],
): Uint8Array {
  const encoder = new TextEncoder();
  return zipStored(xlsxParts(sheets).map((f) => ({ name: f.name, data: encoder.encode(f.text) })));
}

/** The parts (file names and XML text) of the workbook {@link buildXlsx} zips. */
export function xlsxParts(
  sheets: { name: string; rows: (string | number | null)[][] }[],
): { name: string; text: string }[] {
  const strings: string[] = [];
  const stringIndex = (s: string) => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const sheetXml = sheets.map(({ rows }) => {
    const body = rows
      .map((row, r) => {
        const cells = row
          .map((value, c) => {
            const ref = `${columnLetter(c)}${r + 1}`;
            if (value === null) return "";
            if (typeof value === "number") return `<c r="${ref}"><v>${value}</v></c>`;
            return `<c r="${ref}" t="s"><v>${stringIndex(value)}</v></c>`;
          })
          .join("");
        return `<row r="${r + 1}">${cells}</row>`;
      })
      .join("");
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${body}</sheetData></worksheet>`;
  });
  const ns = "http://schemas.openxmlformats.org";
  const files: { name: string; text: string }[] = [
    {
      name: "[Content_Types].xml",
      text: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="${ns}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("")}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    },
    {
      name: "_rels/.rels",
      text: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      text: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${ns}/spreadsheetml/2006/main" xmlns:r="${ns}/officeDocument/2006/relationships"><sheets>${sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      text: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${ns}/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("")}<Relationship Id="rId${sheets.length + 1}" Type="${ns}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    },
    ...sheetXml.map((text, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, text })),
    {
      name: "xl/sharedStrings.xml",
      text: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${ns}/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${escapeXml(s)}</t></si>`).join("")}</sst>`,
    },
  ];
  return files;
}

/** The start of a sheet part with one cell (A1, shared string 0), and its end. */
export const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>';
export const SHEET_TAIL = "</sheetData></worksheet>";

/**
 * A raw DEFLATE stream of SHEET_HEAD, `megabytes` MiB of spaces and SHEET_TAIL, about 1 kB per
 * MiB (DEFLATE's best ratio is 1,032:1): each piece ends with a sync flush (an empty stored
 * block), so the next starts on a byte boundary and one compressed MiB of spaces can be
 * repeated as it is.
 */
export function sheetOfSpaces(megabytes: number): Uint8Array {
  const flush = { finishFlush: constants.Z_SYNC_FLUSH, level: 9 };
  const head = deflateRawSync(SHEET_HEAD, flush);
  const spaces = deflateRawSync(new Uint8Array(1024 * 1024).fill(0x20), flush);
  const tail = deflateRawSync(SHEET_TAIL);
  const out = new Uint8Array(head.length + megabytes * spaces.length + tail.length);
  out.set(head, 0);
  for (let i = 0; i < megabytes; i++) out.set(spaces, head.length + i * spaces.length);
  out.set(tail, head.length + megabytes * spaces.length);
  return out;
}

/** A one-sheet workbook whose sheet part is given already deflated, with the size it declares. */
export function workbookWithSheet(sheet: {
  deflated: Uint8Array;
  declaredSize: number;
}): Uint8Array {
  const encoder = new TextEncoder();
  return zipArchive(
    xlsxParts([{ name: "Data", rows: [["study"]] }]).map((p) =>
      p.name === "xl/worksheets/sheet1.xml"
        ? { name: p.name, ...sheet }
        : { name: p.name, data: encoder.encode(p.text) },
    ),
  );
}
