/**
 * What the cells of a study file must hold: the rule of each kind of number, in words and as a
 * test, and the plain-language name of each field, for the messages of validation.
 */
import type { InputField, ParseOptions } from "./types.js";

/** The effect-size measures a table can be read for. */
export type Measure = NonNullable<ParseOptions["measure"]>;
/** The measures computed from each arm's mean, SD and size. */
export const ARM_MEASURES: readonly Measure[] = ["MD", "SMD", "SMDH", "ROM", "NMD"];

/** What a numeric field must hold, in words and as a test. */
export interface Rule {
  expected: string;
  ok: (x: number) => boolean;
}
export const FINITE: Rule = { expected: "a number", ok: Number.isFinite };
export const POSITIVE: Rule = { expected: "a number greater than 0", ok: (x) => x > 0 };
export const ARM_SIZE: Rule = {
  expected: "a whole number of animals, 2 or more",
  ok: (x) => Number.isInteger(x) && x >= 2,
};
/**
 * Counts are whole numbers of animals. How cells relate (events within the arm) and the range of
 * a correlation (|r| < 1) are checked by the effect-size step, which names the row and column the
 * same way.
 */
export const COUNT: Rule = {
  expected: "a count of animals: a whole number, 0 or more",
  ok: (x) => Number.isInteger(x) && x >= 0,
};
export const SAMPLE_SIZE: Rule = {
  expected: "a sample size: a number greater than 0",
  ok: (x) => x > 0,
};
export const YEAR: Rule = {
  expected: "a year such as 2015",
  ok: (x) => Number.isInteger(x) && x >= 1000 && x <= 9999,
};
export const RATIO_MEAN: Rule = {
  expected: "a mean greater than 0 (ROM takes the log of the ratio of means)",
  ok: (x) => x > 0,
};

/** Plain-language names of the fields, for messages and notes. */
export const FIELD_LABEL: Partial<Record<InputField, string>> = {
  m1i: "treatment mean",
  sd1i: "treatment SD",
  n1i: "treatment n",
  m2i: "control mean",
  sd2i: "control SD",
  n2i: "control n",
  msham: "sham mean",
  ai: "treatment events",
  bi: "treatment non-events",
  ci: "control events",
  di: "control non-events",
  ri: "correlation",
  ni: "sample size",
  yi: "effect size",
  vi: "sampling variance",
  sei: "standard error",
};
