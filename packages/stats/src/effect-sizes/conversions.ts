/**
 * Conversions reviewers need before computing effect sizes: standard deviations from standard
 * errors or confidence intervals of a mean, and means and SDs from medians with quartiles and/or
 * ranges. Each is a small pure function of one arm's summaries; each throws a
 * {@link PooledInputErrors} listing every bad argument.
 */
import { qnorm } from "../distributions/normal.js";
import { qt } from "../distributions/t.js";
import type { MaybeNumber } from "./types.js";
import { checkValue, InputProblems, type Rule } from "./validate.js";

/** Where a conversion's inputs came from, for error messages. */
export interface ConversionContext {
  /** Study label to name in errors. */
  study?: string;
}

function check(
  context: ConversionContext | undefined,
  values: Record<string, [MaybeNumber, Rule]>,
): InputProblems {
  const problems = new InputProblems(context?.study === undefined ? [] : [context.study]);
  const index = context?.study === undefined ? undefined : 0;
  for (const [field, [value, rule]] of Object.entries(values)) {
    const problem = checkValue(value, rule);
    if (problem !== null) problems.add(index, field, problem, value);
  }
  return problems;
}

/**
 * Standard deviation from the standard error of a mean: SD = SEM·√n
 * (Cochrane Handbook for Systematic Reviews of Interventions, v6.4, section 6.5.2.2).
 *
 * @param sem - standard error of the mean (> 0)
 * @param n - arm size (>= 2)
 * @returns the SD, in the outcome's units
 * @example sdFromSem(1.2, 8) // 3.394112549695428
 */
export function sdFromSem(sem: number, n: number, context?: ConversionContext): number {
  const problems = check(context, { sem: [sem, "positive"], n: [n, "n"] });
  problems.throwIfAny();
  return sem * Math.sqrt(n);
}

/** How {@link sdFromCi} turns the width of an interval into SDs. */
export interface SdFromCiOptions {
  /** Confidence level of the interval, in (0, 1) (default 0.95). */
  level?: number;
  /**
   * "t" (default): the interval was t-based, width = 2·t(1 − α/2, n − 1)·SD/√n; right for the
   * small arms of animal studies. "normal": width = 2·z(1 − α/2)·SD/√n (the Handbook's 3.92 at
   * 95%, which it advises only for large samples).
   */
  method?: "t" | "normal";
}

/**
 * Standard deviation from a confidence interval of one arm's mean
 * (Cochrane Handbook v6.4, section 6.5.2.2):
 *
 *   SD = √n · (upper − lower) / (2·t(1 − α/2, n − 1))   (method "t", the default)
 *   SD = √n · (upper − lower) / (2·z(1 − α/2))          (method "normal"; 2·z = 3.92 at 95%)
 *
 * The t version is the default because preclinical arms are small (the Handbook uses 3.92 only
 * for large samples, e.g. n > 60 per arm, and t otherwise).
 *
 * @param lower - lower bound of the interval for the mean
 * @param upper - upper bound (> lower)
 * @param n - arm size (>= 2)
 * @param options - { level = 0.95, method = "t" }
 * @returns the SD
 * @example sdFromCi(10, 14, 6) // 1.905786... (t quantile with 5 df: 2.5706)
 */
export function sdFromCi(
  lower: number,
  upper: number,
  n: number,
  options: SdFromCiOptions = {},
  context?: ConversionContext,
): number {
  const level = options.level ?? 0.95;
  const method = options.method ?? "t";
  const problems = check(context, {
    lower: [lower, "finite"],
    upper: [upper, "finite"],
    n: [n, "n"],
  });
  const index = context?.study === undefined ? undefined : 0;
  if (Number.isFinite(lower) && Number.isFinite(upper) && !(upper > lower)) {
    problems.add(index, "upper", `an upper bound greater than the lower bound ${lower}`, upper);
  }
  if (!(level > 0 && level < 1))
    problems.add(index, "level", "a confidence level in (0, 1)", level);
  if (method !== "t" && method !== "normal")
    problems.add(index, "method", '"t" or "normal"', method);
  problems.throwIfAny();
  const p = 1 - (1 - level) / 2;
  const quantile = method === "t" ? qt(p, n - 1) : qnorm(p);
  return (Math.sqrt(n) * (upper - lower)) / (2 * quantile);
}

/**
 * A median-based summary of one arm. Give the median with the range (min, max: scenario S1), the
 * quartiles (q1, q3: S2), or both (S3).
 */
export interface MedianSummary {
  median: number;
  n: number;
  min?: number;
  max?: number;
  q1?: number;
  q3?: number;
}

/** Estimated mean and SD, with the scenario and the methods used, for reports. */
export interface MeanSdEstimate {
  mean: number;
  sd: number;
  /** "S1": min/median/max, "S2": q1/median/q3, "S3": all five. */
  scenario: "S1" | "S2" | "S3";
  /** Plain-language statement of the methods, e.g. "mean by Luo et al. 2018, SD by Wan et al. 2014". */
  method: string;
}

/** ξ(n) = 2·Φ⁻¹((n − 0.375)/(n + 0.25)), the expected range of n standard normals (Wan et al. 2014, eq. 7). */
function xi(n: number): number {
  return 2 * qnorm((n - 0.375) / (n + 0.25));
}

/** η(n) = 2·Φ⁻¹((0.75n − 0.125)/(n + 0.25)), the expected IQR of n standard normals (Wan et al. 2014, eq. 13). */
function eta(n: number): number {
  return 2 * qnorm((0.75 * n - 0.125) / (n + 0.25));
}

/**
 * Mean and SD from a median with range and/or quartiles, assuming roughly normal data
 * (a = min, b = max, m = median; weights depend on n):
 *
 * Mean (Luo et al. 2018, Stat Methods Med Res 27:1785, eqs. 7, 11 and 15):
 *   S1: w = 4/(4 + n^0.75);            mean = w·(a + b)/2 + (1 − w)·m
 *   S2: w = 0.7 + 0.39/n;              mean = w·(q1 + q3)/2 + (1 − w)·m
 *   S3: w1 = 2.2/(2.2 + n^0.75), w2 = 0.7 − 0.72/n^0.55;
 *                                      mean = w1·(a + b)/2 + w2·(q1 + q3)/2 + (1 − w1 − w2)·m
 * SD:
 *   S1: (b − a)/ξ(n)                  (Wan et al. 2014, BMC Med Res Methodol 14:135, eq. 7)
 *   S2: (q3 − q1)/η(n)                (Wan et al. 2014, eq. 13)
 *   S3: w·(b − a)/ξ(n) + (1 − w)·(q3 − q1)/η(n), w = 1/(1 + 0.07·n^0.6)
 *                                     (Shi et al. 2020, Res Synth Methods 11:641)
 *
 * Skewed data break the normality these rest on; reviewers should say when they were used.
 *
 * @param summary - { median, n, min?, max?, q1?, q3? }
 * @returns { mean, sd, scenario, method }
 * @example meanSdFromMedian({ median: 22, q1: 18, q3: 27, n: 20 }) // { mean: 22.35975, sd: 7.18061..., scenario: "S2", ... }
 */
export function meanSdFromMedian(
  summary: MedianSummary,
  context?: ConversionContext,
): MeanSdEstimate {
  const { median, n, min, max, q1, q3 } = summary;
  const hasRange = min !== undefined && min !== null && max !== undefined && max !== null;
  const hasQuartiles = q1 !== undefined && q1 !== null && q3 !== undefined && q3 !== null;
  const values: Record<string, [MaybeNumber, Rule]> = {
    median: [median, "finite"],
    n: [n, "n"],
  };
  if (hasRange || !hasQuartiles) {
    values.min = [min, "finite"];
    values.max = [max, "finite"];
  }
  if (hasQuartiles || !hasRange) {
    values.q1 = [q1, "finite"];
    values.q3 = [q3, "finite"];
  }
  const problems = check(context, values);
  const index = context?.study === undefined ? undefined : 0;
  // Half a pair would be silently ignored: ask for the other half instead.
  const given = (x: number | undefined) => x !== undefined && x !== null;
  if (given(min) !== given(max)) {
    problems.add(index, given(min) ? "max" : "min", "both min and max, or neither");
  }
  if (given(q1) !== given(q3)) {
    problems.add(index, given(q1) ? "q3" : "q1", "both q1 and q3, or neither");
  }
  // The summary must be ordered: min <= q1 <= median <= q3 <= max, with some spread.
  const ordered: [string, number | undefined][] = [
    ["min", min],
    ["q1", q1],
    ["median", median],
    ["q3", q3],
    ["max", max],
  ];
  let previous: [string, number] | null = null;
  for (const [name, value] of ordered) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    if (previous !== null && value < previous[1]) {
      problems.add(index, name, `a value >= ${previous[0]} (${previous[1]})`, value);
    }
    previous = [name, value];
  }
  if (hasRange && (max as number) === (min as number))
    problems.add(index, "max", "a value > min", max);
  if (hasQuartiles && (q3 as number) === (q1 as number))
    problems.add(index, "q3", "a value > q1", q3);
  problems.throwIfAny();

  if (hasRange && hasQuartiles) {
    const a = min as number;
    const b = max as number;
    const w1 = 2.2 / (2.2 + n ** 0.75);
    const w2 = 0.7 - 0.72 / n ** 0.55;
    const w = 1 / (1 + 0.07 * n ** 0.6);
    return {
      mean:
        (w1 * (a + b)) / 2 + (w2 * ((q1 as number) + (q3 as number))) / 2 + (1 - w1 - w2) * median,
      sd: (w * (b - a)) / xi(n) + ((1 - w) * ((q3 as number) - (q1 as number))) / eta(n),
      scenario: "S3",
      method: "mean by Luo et al. 2018, SD by Shi et al. 2020 (from min, q1, median, q3, max)",
    };
  }
  if (hasRange) {
    const a = min as number;
    const b = max as number;
    const w = 4 / (4 + n ** 0.75);
    return {
      mean: (w * (a + b)) / 2 + (1 - w) * median,
      sd: (b - a) / xi(n),
      scenario: "S1",
      method: "mean by Luo et al. 2018, SD by Wan et al. 2014 (from min, median, max)",
    };
  }
  const w = 0.7 + 0.39 / n;
  return {
    mean: (w * ((q1 as number) + (q3 as number))) / 2 + (1 - w) * median,
    sd: ((q3 as number) - (q1 as number)) / eta(n),
    scenario: "S2",
    method: "mean by Luo et al. 2018, SD by Wan et al. 2014 (from q1, median, q3)",
  };
}
