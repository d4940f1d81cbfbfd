/**
 * Subgroup analysis: a model per level of a grouping variable, and the test for differences
 * between levels done two ways (shared/METHODS.md, "Subgroups and meta-regression"):
 * - "separate-tau2": each subgroup keeps its own tau²; the subgroup estimates are pooled by a
 *   fixed-effect (inverse-variance) meta-analysis with their SEs and its Q is the between-levels
 *   test, df = G - 1 (Borenstein et al. 2009, ch. 19; meta's and RevMan's test for subgroup
 *   differences);
 * - "common-tau2": one tau² for all studies, the omnibus QM of the meta-regression on the group
 *   dummies (metafor's rma(yi, vi, mods = ~ factor(group))).
 */
import { chisqUpperP } from "../distributions/index.js";
import { EmptySubgroupError, PooledError, PooledInputError, PooledInputErrors } from "../errors.js";
import { sortedLevels } from "./design.js";
import { rma } from "./rma.js";
import type {
  RmaData,
  RmaResult,
  SubgroupModel,
  SubgroupOptions,
  SubgroupsResult,
  SubgroupTest,
} from "./types.js";

/**
 * Fits one model per subgroup and tests the differences between subgroups with a separate and with
 * a common tau².
 *
 * Separate tau²: Q_between = Σ_g w_g (μ̂_g - μ̄)², w_g = 1/SE_g², μ̄ = Σ w_g μ̂_g / Σ w_g, on G - 1 df.
 * Common tau²: QM of yᵢ = β₀ + Σ_g β_g·[groupᵢ = g] + uᵢ + εᵢ (χ²(G - 1), or F(G - 1, k - G) under
 * Knapp-Hartung).
 *
 * A level with a single study gets metafor's k = 1 fit: estimate yᵢ, SE √vᵢ, tau² = 0. Under
 * Knapp-Hartung such a level has no degrees of freedom, so it is fitted with the z test instead
 * (and a note says so); metafor would report a zero SE there.
 *
 * A level whose model cannot be fitted (no convergence, too few studies for the test) gets
 * `model: null` with the reason in `unavailable`; the other levels and the common-tau² test stand,
 * and the separate-tau² test, which needs every level's estimate, is null with its reason.
 *
 * @param data - yi with vi or sei
 * @param groups - the level of each study
 * @param options - rma options (method, test, level, control, backend); `levels` lists the levels
 *   expected, so that one without studies is reported instead of silently missing
 * @throws EmptySubgroupError when a level in options.levels has no studies
 * @throws PooledInputError when groups has a missing label, the wrong length, or fewer than 2 levels
 * @example
 * subgroups({ yi, vi }, ["rat", "rat", "mouse", "mouse"], { method: "REML" }).tests[0].p
 */
export function subgroups(
  data: RmaData,
  groups: ArrayLike<string>,
  options: SubgroupOptions & { levels?: string[] } = {},
): SubgroupsResult {
  const k = data.yi.length;
  const labels = options.labels ? Array.from(options.labels, String) : undefined;
  if (groups.length !== k) {
    throw new PooledInputError(
      { field: "groups", value: `${groups.length} values` },
      `${k} values, one per study`,
    );
  }
  const problems: PooledInputError[] = [];
  for (let i = 0; i < k; i++) {
    if (typeof groups[i] !== "string" || groups[i] === "") {
      problems.push(
        new PooledInputError(
          { ...(labels ? { study: labels[i]! } : {}), index: i, field: "groups", value: groups[i] },
          "a subgroup label",
        ),
      );
    }
  }
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new PooledInputErrors(problems);
  const present = sortedLevels(groups);
  let levels = present;
  if (options.levels !== undefined) {
    levels = [...options.levels];
    for (const level of levels) if (!present.includes(level)) throw new EmptySubgroupError(level);
    for (let i = 0; i < k; i++) {
      if (!levels.includes(groups[i]!)) {
        throw new PooledInputError(
          { ...(labels ? { study: labels[i]! } : {}), index: i, field: "groups", value: groups[i] },
          `one of the levels ${levels.map((l) => `"${l}"`).join(", ")}`,
        );
      }
    }
  }
  if (levels.length < 2) {
    throw new PooledInputError(
      { field: "groups", value: levels[0] },
      "at least two subgroups to compare",
    );
  }

  const { levels: _levels, ...rmaOptions } = options;
  const groupModels = levels.map((level) =>
    fitLevel(data, groups, level, labels, rmaOptions, options.test ?? "z"),
  );
  const separate = separateTau2Test(groupModels);

  // Common tau²: meta-regression on the group dummies. It needs more studies than subgroups (and a
  // converging fit); when it cannot be had, say why and keep everything else.
  let commonTest: SubgroupTest;
  try {
    const common = rma(data, {
      ...rmaOptions,
      mods: [{ name: "group", type: "categorical", values: Array.from(groups) }],
    });
    const qm = common.QM;
    commonTest = {
      type: "common-tau2",
      distribution: qm.distribution,
      statistic: qm.statistic,
      df: qm.df,
      df2: qm.distribution === "F" ? qm.df2 : null,
      p: qm.p,
      tau2: common.tau2,
    };
  } catch (error) {
    if (!isModelFailure(error)) throw error;
    const knha = (options.test ?? "z") === "knha";
    commonTest = {
      type: "common-tau2",
      distribution: knha ? "F" : "chisq",
      statistic: null,
      df: levels.length - 1,
      df2: null,
      p: null,
      tau2: null,
      unavailable: `The test with a common tau² could not be computed: ${error.message}`,
    };
  }

  return { kind: "subgroups", levels, groups: groupModels, tests: [separate, commonTest] };
}

/**
 * A failure of the model on these data (too few studies, no convergence, a singular design), as
 * opposed to bad input or a bug: only the former leaves one part missing while the rest stands.
 */
function isModelFailure(error: unknown): error is PooledError {
  const inputError = error instanceof PooledInputError || error instanceof PooledInputErrors;
  return error instanceof PooledError && !inputError;
}

/**
 * One level's own model. A level whose model cannot be fitted gets model null and the reason, so
 * one awkward level (e.g. a non-converging tau²) never costs the other levels.
 */
function fitLevel(
  data: RmaData,
  groups: ArrayLike<string>,
  level: string,
  labels: string[] | undefined,
  rmaOptions: SubgroupOptions,
  test: "z" | "knha",
): SubgroupModel {
  const indices: number[] = [];
  for (let i = 0; i < data.yi.length; i++) if (groups[i] === level) indices.push(i);
  const yi = indices.map((i) => data.yi[i]!);
  const useSe = data.vi === undefined;
  const spread = useSe ? data.sei! : data.vi!;
  const s = indices.map((i) => spread[i]!);
  const sub: RmaData = useSe ? { yi, sei: s } : { yi, vi: s };
  const singleKnha = indices.length === 1 && test === "knha";
  let model: RmaResult;
  try {
    model = rma(sub, {
      ...rmaOptions,
      ...(singleKnha ? { test: "z" as const } : {}),
      labels: labels ? indices.map((i) => labels[i]!) : indices.map((i) => String(i + 1)),
    });
  } catch (error) {
    if (!isModelFailure(error)) throw error;
    return {
      level,
      k: indices.length,
      indices,
      model: null,
      unavailable: `Subgroup "${level}" could not be computed: ${error.message}`,
    };
  }
  if (singleKnha) {
    model.notes.push(
      `Subgroup "${level}" has one study: fitted with the z test (Knapp-Hartung needs k > 1).`,
    );
  }
  return { level, k: indices.length, indices, model };
}

/**
 * Separate tau²: fixed-effect meta-analysis of the subgroup estimates, Q_between on G - 1 df
 * (Borenstein et al. 2009, ch. 19). Undefined when a level has no model: dropping that level
 * would silently test the other levels only.
 */
function separateTau2Test(groupModels: SubgroupModel[]): SubgroupTest {
  const df = groupModels.length - 1;
  const missing = groupModels.filter((g) => g.model === null).map((g) => `"${g.level}"`);
  if (missing.length > 0) {
    return {
      type: "separate-tau2",
      distribution: "chisq",
      statistic: null,
      df,
      p: null,
      unavailable: `The test with a separate tau² per subgroup could not be computed: it compares every subgroup's estimate, and subgroup${missing.length === 1 ? "" : "s"} ${missing.join(", ")} could not be fitted.`,
    };
  }
  let sumW = 0;
  let sumWY = 0;
  for (const g of groupModels) {
    const c = g.model!.coefficients[0]!;
    const w = 1 / (c.se * c.se);
    sumW += w;
    sumWY += w * c.estimate;
  }
  const pooled = sumWY / sumW;
  let qBetween = 0;
  for (const g of groupModels) {
    const c = g.model!.coefficients[0]!;
    qBetween += (c.estimate - pooled) ** 2 / (c.se * c.se);
  }
  return {
    type: "separate-tau2",
    distribution: "chisq",
    statistic: qBetween,
    df,
    p: chisqUpperP(qBetween, df),
  };
}
