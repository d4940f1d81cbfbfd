/**
 * predict: the average effect a fitted meta-regression predicts at chosen moderator values, with
 * its confidence and prediction intervals, as metafor's predict(res, newmods = ...) (predict.rma).
 */
import { PooledInputError, PooledInputErrors } from "../errors.js";
import { criticalValue } from "./statistics.js";
import type {
  ModelModerator,
  ModeratorValues,
  PredictedEffect,
  PredictOptions,
  RmaResult,
} from "./types.js";

/**
 * Predicted average effects of a fitted model at new moderator values.
 *
 * Each row of `newmods` gives every moderator of the model by name: a number for a continuous
 * moderator, a level name for a categorical one. The row is coded as the model's own design
 * (design.ts): an intercept 1, continuous values as they are, a categorical level as one dummy per
 * non-reference level (the first level in sorted order is the reference, all dummies 0). With
 * x that row, V = Var(β̂) (times Knapp-Hartung's s² under test "knha") and crit the two-sided
 * critical value at `level` (normal under "z"; t with k - p df under "knha"):
 *   estimate = x'β̂, se = √(x'Vx), CI = estimate ± crit·se,
 *   PI = estimate ± crit·√(se² + τ̂²)   (Riley, Higgins & Deeks 2011, BMJ 342:d549; metafor's
 *   default pi.type: the same crit as the CI).
 * For FE models the PI is null: metafor's predict drops pi.lb/pi.ub for FE models (there is no τ²
 * to predict with), and this mirrors it rather than returning PI = CI.
 * An intercept-only model takes rows without moderators ({}), each giving model.prediction.
 *
 * @param model - a fitted rma model
 * @param newmods - one object per prediction, moderator name → value
 * @throws PooledInputError(s) naming the moderator and what was expected: a name that is not a
 *   moderator of the model, a moderator left out, a level not in the data, a continuous value that
 *   is not a finite number; or a level outside (0, 100)
 * @example
 * const res = rma({ yi, vi }, { mods: [{ name: "ablat", values: ablat }] });
 * predict(res, [{ ablat: 10 }, { ablat: 50 }])[1].piUpper
 * @example
 * const res2 = rma({ yi, vi }, { mods: [{ name: "alloc", type: "categorical", values: alloc }] });
 * predict(res2, [{ alloc: "random" }], { level: 90 })
 */
export function predict(
  model: RmaResult,
  newmods: ModeratorValues[],
  options: PredictOptions = {},
): PredictedEffect[] {
  const level = options.level ?? model.level;
  if (!(level > 0 && level < 100)) {
    throw new PooledInputError(
      { field: "level", value: level },
      "a confidence level in percent, in (0, 100)",
    );
  }
  const rows = codeRows(model, newmods);
  const crit = criticalValue(level, model.df);
  const withPi = model.method !== "FE";
  return rows.map(({ at, x }) => {
    const { estimate, variance } = linearPredictor(x, model.beta, model.vb);
    if (!(variance >= 0)) {
      return { at, estimate, se: null, ciLower: null, ciUpper: null, piLower: null, piUpper: null };
    }
    const se = Math.sqrt(variance);
    const halfPi = crit * Math.sqrt(variance + model.tau2);
    return {
      at,
      estimate,
      se,
      ciLower: estimate - crit * se,
      ciUpper: estimate + crit * se,
      piLower: withPi ? estimate - halfPi : null,
      piUpper: withPi ? estimate + halfPi : null,
    };
  });
}

/** x'β and its variance x'Vx (Raudenbush 2009), summed in the design's column order. */
function linearPredictor(
  x: readonly number[],
  beta: readonly number[],
  vb: readonly (readonly number[])[],
): { estimate: number; variance: number } {
  let estimate = 0;
  let variance = 0;
  for (let a = 0; a < x.length; a++) {
    estimate += x[a]! * beta[a]!;
    for (let b = 0; b < x.length; b++) variance += x[a]! * vb[a]![b]! * x[b]!;
  }
  return { estimate, variance };
}

/**
 * The fitted values of a meta-regression at rows of its design (β and its covariance V as the
 * model or its JSON gives them): x'β with the Wald interval x'β ± crit·√(x'Vx), crit from the
 * confidence level and the test's df (normal when df is null), as {@link predict} without the
 * prediction interval. The report's bubble plot draws its fitted line and band with it.
 *
 * @example linearPredictions([0.1, 0.02], [[0.01, 0], [0, 0.0001]], [[1, 10]], 95, null)
 */
export function linearPredictions(
  beta: readonly number[],
  vb: readonly (readonly number[])[],
  rows: readonly (readonly number[])[],
  level: number,
  df: number | null,
): { estimate: number; se: number; ciLower: number; ciUpper: number }[] {
  const crit = criticalValue(level, df);
  return rows.map((x) => {
    const { estimate, variance } = linearPredictor(x, beta, vb);
    const se = Math.sqrt(variance);
    return { estimate, se, ciLower: estimate - crit * se, ciUpper: estimate + crit * se };
  });
}

/**
 * Validates every row (collecting all problems) and codes it as a row of the model's X.
 *
 * @throws PooledInputError / PooledInputErrors
 */
function codeRows(
  model: RmaResult,
  newmods: ModeratorValues[],
): { at: ModeratorValues; x: number[] }[] {
  if (!Array.isArray(newmods)) {
    throw new PooledInputError(
      { field: "newmods", value: newmods },
      "an array with one object of moderator values per prediction",
    );
  }
  const moderators = model.moderators;
  const names = moderators.map((m) => m.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new PooledInputError(
      { field: duplicate },
      "distinct moderator names in the model, to give the values of a prediction by name",
    );
  }
  const errors: PooledInputError[] = [];
  const coded: { at: ModeratorValues; x: number[] }[] = [];
  newmods.forEach((row, i) => {
    // which prediction, when there are several
    const where = newmods.length > 1 ? ` (prediction #${i + 1})` : "";
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      errors.push(
        new PooledInputError(
          { field: "newmods", value: row },
          `an object of moderator values${where}`,
        ),
      );
      return;
    }
    for (const key of Object.keys(row)) {
      if (!names.includes(key)) {
        const known =
          names.length > 0
            ? `one of the model's moderators (${names.join(", ")})`
            : "no moderators: the model has none";
        errors.push(new PooledInputError({ field: key, value: row[key] }, `${known}${where}`));
      }
    }
    const at: ModeratorValues = {};
    const x = [1];
    for (const mod of moderators) {
      const value = row[mod.name];
      const problem = checkValue(mod, value);
      if (problem !== null) {
        errors.push(new PooledInputError({ field: mod.name, value }, `${problem}${where}`));
        continue;
      }
      at[mod.name] = value as number | string;
      if (mod.type === "continuous") {
        x.push(value as number);
      } else {
        for (const level of mod.levels.slice(1)) x.push(value === level ? 1 : 0);
      }
    }
    coded.push({ at, x });
  });
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new PooledInputErrors(errors);
  return coded;
}

/** What is wrong with `value` for moderator `mod`, or null when it can be coded. */
function checkValue(mod: ModelModerator, value: unknown): string | null {
  if (mod.type === "continuous") {
    if (typeof value === "number" && Number.isFinite(value)) return null;
    return value === undefined
      ? "a value for every moderator of the model: a finite number for this continuous moderator"
      : "a finite number (a continuous moderator)";
  }
  if (typeof value === "string" && mod.levels.includes(value)) return null;
  const levels = mod.levels.map((l) => JSON.stringify(l)).join(", ");
  return value === undefined
    ? `a value for every moderator of the model: one of this categorical moderator's levels (${levels})`
    : `one of the levels of this categorical moderator in the data (${levels})`;
}
