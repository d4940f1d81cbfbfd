/**
 * Subgroups under Mantel-Haenszel or Peto (--by with --method MH|PETO): each level's tables pooled
 * by the same method, and the test for subgroup differences of RevMan and the Cochrane Handbook
 * (Deeks, Higgins & Altman, ch. 10.11.3): Cochran's Q of the subgroup estimates around their
 * inverse-variance weighted mean, on (subgroups − 1) df. In metafor: rma.mh (or rma.peto) per
 * level, then rma(estimates, sei = SEs, method = "FE") and its QE.
 */
import {
  type EscalcData,
  type MantelHaenszelResult,
  type PetoResult,
  rma,
  sortedLevels,
} from "@pooled/stats";
import type { AnalysisColumn } from "./columns.js";
import { finite, tableModelResult } from "./convert.js";
import { attempt, SIDE_ANALYSIS } from "./failures.js";
import type { EffectScale } from "./scale.js";
import type { SubgroupResult, SubgroupsResultJson } from "./types.js";

/** The tables of the studies at `indices` (every column EscalcData has, in that order). */
function tablesAt(tables: EscalcData, indices: readonly number[]): EscalcData {
  const out: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(tables)) {
    if (Array.isArray(values)) out[key] = indices.map((i) => values[i]);
  }
  return out as EscalcData;
}

/**
 * @param tables - every table as read (double zeros too: they count in Mantel-Haenszel's risk
 *   difference)
 * @param byColumn - the --by column over the same rows as `tables`
 * @param studyIndex - position of each table's row in `studies`, or -1 when its study effect was
 *   left out (--drop00)
 * @param fit - Mantel-Haenszel or Peto with the analysis's settings
 */
export function tableSubgroups(
  tables: EscalcData,
  byColumn: AnalysisColumn,
  studyIndex: readonly number[],
  fit: (tables: EscalcData) => MantelHaenszelResult | PetoResult,
  scale: EffectScale,
  warnings: string[],
): SubgroupsResultJson {
  const values = byColumn.values.map(String);
  const groups: SubgroupResult[] = [];
  const pooled: { estimate: number; vi: number }[] = [];
  for (const level of sortedLevels(values)) {
    const members = values.flatMap((v, i) => (v === level ? [i] : []));
    const shown = members.map((i) => studyIndex[i]!).filter((i) => i >= 0);
    const labels = members.map((i) => tables.labels![i]!);
    const result = attempt(SIDE_ANALYSIS.subgroup(level), warnings, () =>
      fit(tablesAt(tables, members)),
    );
    if (result === null) {
      groups.push(unfitted(level, members.length, labels, shown));
      continue;
    }
    const m = tableModelResult(result, scale);
    groups.push({
      level,
      k: m.k,
      estimate: m.estimate,
      se: m.se,
      ciLower: m.ciLower,
      ciUpper: m.ciUpper,
      p: m.p,
      tau2: null,
      I2: m.I2,
      H2: m.H2,
      Q: m.Q,
      Qp: m.Qp,
      piLower: null,
      piUpper: null,
      studies: labels,
      indices: shown,
      transformed: m.transformed,
      tau2CiLower: null,
      tau2CiUpper: null,
      I2CiLower: null,
      I2CiUpper: null,
    });
    pooled.push({ estimate: result.estimate, vi: result.se * result.se });
  }
  const difference =
    pooled.length < 2
      ? null
      : attempt(SIDE_ANALYSIS.separateTau2Test, warnings, () => {
          const between = rma(
            { yi: pooled.map((g) => g.estimate), vi: pooled.map((g) => g.vi) },
            { method: "FE" },
          );
          return between.QE;
        });
  if (pooled.length < 2)
    warnings.push("The test for subgroup differences needs at least two subgroups with a model.");
  return {
    by: byColumn.header,
    groups,
    tests: [
      {
        type: "separate-tau2",
        Q: finite(difference?.statistic),
        df: Math.max(pooled.length - 1, 0),
        p: finite(difference?.p),
        distribution: "chisq",
        df2: null,
        tau2: null,
      },
    ],
    multilevel: null,
  };
}

function unfitted(level: string, k: number, labels: string[], indices: number[]): SubgroupResult {
  return {
    level,
    k,
    estimate: null,
    se: null,
    ciLower: null,
    ciUpper: null,
    p: null,
    tau2: null,
    I2: null,
    H2: null,
    Q: null,
    Qp: null,
    piLower: null,
    piUpper: null,
    studies: labels,
    indices,
    transformed: null,
    tau2CiLower: null,
    tau2CiUpper: null,
    I2CiLower: null,
    I2CiUpper: null,
  };
}
