/**
 * Checking the shape of parsed JSON, one field at a time, with every problem naming the file
 * and the JSON path (`analysis.method`, `data.rows[3][5]`, `columns["Mean T"]`).
 */
import { jsonPreview } from "../input/json-preview.js";
import type { DataProblem } from "../input/types.js";

/** A JSON object as parsed (not an array, not null). */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `parent.key`, or `parent["key"]` when the key is not a plain name. */
export function childPath(parent: string, key: string): string {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (parent === "") return name;
  return name.startsWith('"') ? `${parent}[${name}]` : `${parent}.${name}`;
}

/** The problems of one file, each at a JSON path. */
export class ShapeProblems {
  readonly list: DataProblem[] = [];
  constructor(readonly file: string) {}

  /**
   * A value that is not what `path` holds: `found` is the value as JSON, or "nothing" when it
   * is missing. `row` is the data row a cell belongs to (header = 1), else null.
   */
  add(path: string, expected: string, value: unknown, row: number | null = null): void {
    this.list.push({
      file: this.file,
      row,
      column: path,
      expected,
      found: value === undefined ? "nothing" : jsonPreview(value, 80),
    });
  }

  /**
   * Every key of `object` not among `known` is a problem: a misspelt setting is never silently
   * ignored. Returns whether there were none.
   */
  unknownKeys(object: JsonObject, path: string, known: readonly string[], what: string): boolean {
    let clean = true;
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      clean = false;
      this.list.push({
        file: this.file,
        row: null,
        column: childPath(path, key),
        expected: `one of ${what}: ${known.join(", ")}`,
        found: `an unknown name ${JSON.stringify(key)}`,
      });
    }
    return clean;
  }
}

/**
 * How deep a project nests: the object, `data`, `rows`, a row (or `analysis`, `predict`, a
 * point); a cell or a value is never an array or an object. Deeper text is refused before
 * JSON.parse, with room to spare for the problem to name where.
 */
export const MAX_PROJECT_DEPTH = 16;

export { nestedTooDeep } from "../input/grid.js";
