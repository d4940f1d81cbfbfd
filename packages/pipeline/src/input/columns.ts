/**
 * Deciding which header feeds which field: explicit choices first (`--map field=column`, a config
 * file, the web page's column pickers), then the alias table of aliases.ts. Every conflict is a
 * problem on the header row; nothing is guessed silently.
 */
import { FIELD_ALIASES, INPUT_FIELDS, matchHeader, normaliseHeader } from "./aliases.js";
import { jsonPreview } from "./json-preview.js";
import {
  type ColumnOverrides,
  type DataProblem,
  type InputField,
  SYRCLE_ITEMS,
  type SyrcleItem,
} from "./types.js";

/** Column index per field and per SYRCLE item. */
export interface ColumnIndex {
  fields: Partial<Record<InputField, number>>;
  riskOfBias: Partial<Record<SyrcleItem, number>>;
}

/** The index of a header as written, else the one header equal after normalisation, else -1. */
export function findHeader(headers: readonly string[], name: string): number {
  const exact = headers.indexOf(name);
  if (exact >= 0) return exact;
  const key = normaliseHeader(name);
  const matches = headers.flatMap((h, i) => (normaliseHeader(h) === key ? [i] : []));
  return matches.length === 1 ? matches[0]! : -1;
}

function isSyrcleItem(key: string): key is SyrcleItem {
  return (SYRCLE_ITEMS as readonly string[]).includes(key);
}

/** Header-row problems (empty or duplicate names) and the column index after detection. */
export function resolveColumns(
  headers: readonly string[],
  overrides: ColumnOverrides,
  file: string,
  columnHasData: (index: number) => boolean,
): { index: ColumnIndex; ambiguous: Set<string>; problems: DataProblem[] } {
  const problems: DataProblem[] = [];
  const index: ColumnIndex = { fields: {}, riskOfBias: {} };

  headers.forEach((header, i) => {
    if (header === "" && columnHasData(i)) {
      problems.push({
        file,
        row: 1,
        column: `column ${i + 1}`,
        expected: "a column name in the header row",
        found: "an empty header above data",
      });
    }
    const first = headers.indexOf(header);
    if (header !== "" && first < i) {
      problems.push({
        file,
        row: 1,
        column: header,
        expected: "unique column names",
        found: `"${header}" in columns ${first + 1} and ${i + 1}`,
      });
    }
  });

  // 1. Explicit choices.
  const claimed = new Set<number>();
  const explicit = new Set<string>();
  for (const [key, header] of Object.entries(overrides)) {
    if (!(INPUT_FIELDS as string[]).includes(key) && !isSyrcleItem(key)) {
      problems.push({
        file,
        row: null,
        column: null,
        expected: `a field name in a column mapping (one of ${[...INPUT_FIELDS, ...SYRCLE_ITEMS].join(", ")})`,
        found: jsonPreview(key),
      });
      continue;
    }
    explicit.add(key);
    if (header === null || header === undefined) continue;
    const at = findHeader(headers, header);
    if (at < 0) {
      problems.push({
        file,
        row: 1,
        column: header,
        expected: `a column named "${header}" (mapped to ${key}); the columns are: ${headers.join(", ")}`,
        found: "no such column",
      });
      continue;
    }
    claimed.add(at);
    if (isSyrcleItem(key)) index.riskOfBias[key] = at;
    else index.fields[key as InputField] = at;
  }

  // 2. Detection by name, for what was not chosen explicitly.
  const detected = new Map<string, number[]>();
  const ambiguous = new Set<string>();
  headers.forEach((header, i) => {
    if (claimed.has(i) || header === "") return;
    const match = matchHeader(header);
    if (match === null) return;
    const key = match.kind === "field" ? match.field : match.item;
    if (explicit.has(key)) return;
    const columns = detected.get(key);
    if (columns === undefined) detected.set(key, [i]);
    else columns.push(i);
  });
  for (const [key, at] of detected) {
    if (at.length > 1) {
      ambiguous.add(key);
      const names = at.map((i) => `"${headers[i]}"`).join(" and ");
      problems.push({
        file,
        row: 1,
        column: headers[at[1]!]!,
        expected: `one column for ${key}, or an explicit choice (--map ${key}=<column>)`,
        found: `${names} both name it`,
      });
      // Reading goes on with the first of them, so the field is not also reported as missing.
    }
    if (isSyrcleItem(key)) index.riskOfBias[key] = at[0]!;
    else index.fields[key as InputField] = at[0]!;
  }
  return { index, ambiguous, problems };
}

/** "m1i (or mean_treatment, treatment_mean, ...)" for messages about a missing column. */
export function describeField(field: InputField): string {
  const aliases = FIELD_ALIASES[field];
  return `${field} (or ${aliases
    .filter((a) => a !== field)
    .slice(0, 3)
    .join(", ")})`;
}
