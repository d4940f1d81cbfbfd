/**
 * Explicit column choices from the command line (`--map field=column`, repeatable) or from a
 * small JSON config file (`{ "columns": { "m1i": "Mean T", "sd1i": "SD T" } }`, or the same map
 * without the "columns" wrapper). The left side is a field name (m1i, sd_control, ...: any alias
 * of the alias table works) or a SYRCLE item; the right side is the header as written.
 */
import { INPUT_FIELDS, matchHeader } from "./aliases.js";
import { jsonPreview } from "./json-preview.js";
import {
  type ColumnOverrides,
  type DataProblem,
  type InputField,
  SYRCLE_ITEMS,
  type SyrcleItem,
} from "./types.js";

function fieldFor(name: string): InputField | SyrcleItem | null {
  if (
    (INPUT_FIELDS as string[]).includes(name) ||
    (SYRCLE_ITEMS as readonly string[]).includes(name)
  )
    return name as InputField | SyrcleItem;
  const match = matchHeader(name);
  if (match === null) return null;
  return match.kind === "field" ? match.field : match.item;
}

/**
 * Reads `field=column` pairs and/or a JSON config's text into column overrides. An empty right
 * side (`--map sei=`) un-maps a detected column. `source` names the origin in problems.
 */
export function parseColumnMap(
  pairs: readonly string[],
  config?: { text: string; file: string },
): { columns: ColumnOverrides; problems: DataProblem[] } {
  const columns: ColumnOverrides = {};
  const problems: DataProblem[] = [];
  const known = [...INPUT_FIELDS, ...SYRCLE_ITEMS].join(", ");
  const add = (name: string, header: string | null, file: string) => {
    const field = fieldFor(name.trim());
    if (field === null) {
      problems.push({
        file,
        row: null,
        column: null,
        expected: `a field name (one of ${known})`,
        found: jsonPreview(name),
      });
      return;
    }
    columns[field] = header === null || header.trim() === "" ? null : header.trim();
  };
  if (config !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(config.text);
    } catch (error) {
      problems.push({
        file: config.file,
        row: null,
        column: null,
        expected: "valid JSON",
        found: (error as Error).message,
      });
      data = {};
    }
    const record =
      data !== null && typeof data === "object" && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : null;
    const map =
      record !== null && typeof record["columns"] === "object"
        ? (record["columns"] as Record<string, unknown>)
        : record;
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
      problems.push({
        file: config.file,
        row: null,
        column: null,
        expected: 'an object such as {"columns": {"m1i": "Mean T"}}',
        found: jsonPreview(data),
      });
    } else {
      for (const [name, header] of Object.entries(map)) {
        if (header !== null && typeof header !== "string") {
          problems.push({
            file: config.file,
            row: null,
            column: name,
            expected: "a column header (text) or null",
            found: jsonPreview(header),
          });
        } else add(name, header, config.file);
      }
    }
  }
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      problems.push({
        file: "--map",
        row: null,
        column: null,
        expected: 'field=column, e.g. --map m1i="Mean T"',
        found: jsonPreview(pair),
      });
      continue;
    }
    add(pair.slice(0, eq), pair.slice(eq + 1), "--map");
  }
  return { columns, problems };
}
