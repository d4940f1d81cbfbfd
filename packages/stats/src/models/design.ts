/**
 * Design matrix for meta-regression: an intercept, continuous moderators as they are, categorical
 * moderators dummy-coded against their first level in sorted order (treatment contrasts, as R's
 * factor() with its default contr.treatment).
 */

import { weightedQR } from "@pooled/core-wasm/kernels";
import { PooledInputError, PooledInputErrors, SingularMatrixError } from "../errors.js";
import type { Moderator } from "../types.js";

export interface DesignMatrix {
  /** Row-major k×p, intercept in column 0. */
  X: Float64Array;
  k: number;
  p: number;
  /** "intrcpt", "<moderator>", "<moderator>:<level>". */
  termNames: string[];
}

/**
 * Levels of a categorical moderator in sorted order. Sorting is by UTF-16 code units, so it is the
 * same on every machine (R sorts by the locale's collation; the two agree for lower-case ASCII
 * labels, and for labels differing only in digits).
 */
export function sortedLevels(values: ArrayLike<string>): string[] {
  const set = new Set<string>();
  for (let i = 0; i < values.length; i++) set.add(values[i]!);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Builds X from the moderators, validating every value (non-finite numbers, missing labels, wrong
 * lengths) and checking that X has full column rank.
 *
 * @throws PooledInputError / PooledInputErrors naming the study and the moderator
 * @throws SingularMatrixError when a moderator is constant or a combination of others
 * @example buildDesign(3, [{ name: "dose", values: [1, 2, 4] }]).termNames // ["intrcpt", "dose"]
 */
export function buildDesign(k: number, mods: Moderator[] = [], labels?: string[]): DesignMatrix {
  const errors: PooledInputError[] = [];
  const where = (index: number) => (labels ? { study: labels[index]!, index } : { index });
  const columns: Float64Array[] = [];
  const termNames = ["intrcpt"];
  columns.push(new Float64Array(k).fill(1));
  for (const mod of mods) {
    if (mod.values.length !== k) {
      errors.push(
        new PooledInputError(
          { field: mod.name, value: `${mod.values.length} values` },
          `${k} values, one per study`,
        ),
      );
      continue;
    }
    if (mod.type === "categorical") {
      const values = mod.values;
      let ok = true;
      for (let i = 0; i < k; i++) {
        if (typeof values[i] !== "string" || values[i] === "") {
          errors.push(
            new PooledInputError(
              { ...where(i), field: mod.name, value: values[i] },
              "a non-empty level",
            ),
          );
          ok = false;
        }
      }
      if (!ok) continue;
      const levels = sortedLevels(values);
      if (levels.length < 2) {
        throw new SingularMatrixError(
          `the categorical moderator "${mod.name}" has a single level ("${levels[0]}")`,
        );
      }
      for (const level of levels.slice(1)) {
        const col = new Float64Array(k);
        for (let i = 0; i < k; i++) col[i] = values[i] === level ? 1 : 0;
        columns.push(col);
        termNames.push(`${mod.name}:${level}`);
      }
    } else {
      const values = mod.values;
      const col = new Float64Array(k);
      for (let i = 0; i < k; i++) {
        const v = values[i];
        if (typeof v !== "number" || !Number.isFinite(v)) {
          errors.push(
            new PooledInputError({ ...where(i), field: mod.name, value: v }, "a finite number"),
          );
        }
        col[i] = v as number;
      }
      columns.push(col);
      termNames.push(mod.name);
    }
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PooledInputErrors(errors);
  const p = columns.length;
  const X = new Float64Array(k * p);
  for (let j = 0; j < p; j++) {
    const col = columns[j]!;
    for (let i = 0; i < k; i++) X[i * p + j] = col[i]!;
  }
  if (k >= p) {
    const ones = new Float64Array(k).fill(1);
    if (!weightedQR(X, ones, k, p, new Float64Array(k * p), new Float64Array(p * p))) {
      throw singularDesignError(termNames);
    }
  }
  return { X, k, p, termNames };
}

/** The rows of a row-major k×p design matrix, as results carry it. */
export function designRows(X: Float64Array, k: number, p: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < k; i++) rows.push(Array.from(X.subarray(i * p, (i + 1) * p)));
  return rows;
}

/** The error of a design matrix without full column rank (also used by the refit loop). */
export function singularDesignError(termNames: string[]): SingularMatrixError {
  return new SingularMatrixError(
    `the moderator matrix (${termNames.join(", ")}) is singular: a moderator is constant or a combination of others`,
  );
}
