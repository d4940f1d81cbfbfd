/**
 * The literals of analysis.R: strings, numbers, names and vectors as R reads them, and text made
 * safe for an R comment. The script is plain ASCII, so that R reads it the same in any locale.
 */

/**
 * An R string literal; non-ASCII characters as \u escapes so the script is plain ASCII. R strings
 * cannot hold NUL ("nul character not allowed") and warn on a lone surrogate, so both become
 * U+FFFD, the replacement character, as a decoder would write them.
 */
export function rString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code === 0 || (code >= 0xd800 && code <= 0xdfff)) out += "\\ufffd";
    else if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code > 0x7e)
      out +=
        code > 0xffff ? `\\U{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** An R number literal in full (round-trip) precision; NA for a missing value. */
export function rNumber(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "NA" : String(x);
}

/** A syntactic, ASCII R name for a column header ("Dose (µg)" -> "Dose_g"), unique among `taken`. */
export function rName(header: string, taken: Set<string>): string {
  let name = header
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_.]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (name === "" || /^[0-9_.]/.test(name)) name = `x${name}`;
  const reserved = new Set([
    "if",
    "else",
    "repeat",
    "while",
    "function",
    "for",
    "next",
    "break",
    "TRUE",
    "FALSE",
    "NULL",
    "Inf",
    "NaN",
    "NA",
    "in",
    "yi",
    "vi",
    "study",
  ]);
  let candidate = reserved.has(name) ? `${name}_` : name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}_${i}`;
  taken.add(candidate);
  return candidate;
}

/** An R vector literal c(...), `perLine` items a line when it is long. */
export function vec(items: string[], perLine = 8): string {
  if (items.length <= perLine) return `c(${items.join(", ")})`;
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine)
    lines.push(items.slice(i, i + perLine).join(", "));
  return `c(\n    ${lines.join(",\n    ")}\n  )`;
}

/** The text with its first letter upper-cased. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Text for an R comment: ASCII only, one line. */
export function ascii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[^\x20-\x7e]/g, "?")
    .replace(/\s+/g, " ");
}
