/**
 * Shared control arms: one control group compared with K treatment groups would otherwise be
 * counted K times, giving it K-fold weight and correlated effect sizes ("unit-of-analysis error").
 */
import type { EscalcData } from "./types.js";
import { checkValue, InputProblems, resolveLabels } from "./validate.js";

/** What {@link splitSharedControls} did to one shared control arm, for reports. */
export interface SharedControlSplit {
  /** The control-group id as given. */
  controlGroupId: string;
  /** Number of comparisons sharing the control arm. */
  k: number;
  /** Labels of those comparisons, in input order. */
  studies: string[];
  /** Their zero-based positions in the input. */
  indices: number[];
  /** Control arm size before splitting. */
  originalN: number;
  /** Control arm size each comparison now uses: originalN / k (not rounded). */
  newN: number;
}

/** Result of {@link splitSharedControls}. */
export interface SharedControlResult {
  /** A copy of the input with n2i split (other columns unchanged, arrays copied). */
  data: EscalcData;
  /** One record per control arm that was split (groups of one comparison are left alone). */
  splits: SharedControlSplit[];
  /** Plain-language sentences for reports. */
  notes: string[];
}

/**
 * Splits a control arm shared by K comparisons into K parts of n2i/K animals each, keeping its
 * mean and SD, so that the control animals are counted once in total
 * (Cochrane Handbook for Systematic Reviews of Interventions v6.4, section 23.3.4; the CAMARADES
 * practice, Vesterinen et al. 2014, J Neurosci Methods 221:92).
 *
 * Non-integer sizes are kept as they are (10/3 = 3.33...): rounding would change the total
 * number of control animals and make the result depend on which comparison gets the remainder.
 * Every effect-size formula here (and metafor's) accepts non-integer n.
 *
 * Checks, all reported together: one id per study; within a group, the same n2i (and the same m2i
 * and sd2i where given), since they describe one arm; and n2i/K >= 2, else the split leaves too
 * few animals to estimate a variance (combine the treatment arms instead, Handbook 23.3.4).
 *
 * @param data - the study columns (n2i is required; labels name studies in errors and records)
 * @param controlGroupIds - per study, the id of its control arm; null, undefined or "" = not shared
 * @returns { data, splits, notes }: the data to pass to {@link escalc}, and what was done
 * @throws PooledInputErrors naming each study and field at fault
 * @example
 * splitSharedControls({ n2i: [12, 12, 8] }, ["C1", "C1", null])
 * // data.n2i = [6, 6, 8]; splits = [{ controlGroupId: "C1", k: 2, studies: ["Study 1", "Study 2"], originalN: 12, newN: 6, ... }]
 */
export function splitSharedControls(
  data: EscalcData,
  controlGroupIds: readonly (string | number | null | undefined)[],
): SharedControlResult {
  const n2 = data.n2i;
  const k = n2?.length ?? controlGroupIds.length;
  const labels = resolveLabels(data.labels, k);
  const problems = new InputProblems(labels);
  if (n2 === undefined || n2 === null) {
    problems.add(undefined, "n2i", `a column of ${k} control arm sizes`);
    problems.throwIfAny();
  }
  if (controlGroupIds.length !== k) {
    problems.add(
      undefined,
      "controlGroupIds",
      `${k} values, one per study`,
      `${controlGroupIds.length} values`,
    );
    problems.throwIfAny();
  }

  // Group studies by control id, in order of first appearance.
  const groups = new Map<string, number[]>();
  for (let i = 0; i < k; i++) {
    const id = controlGroupIds[i];
    if (id === null || id === undefined || String(id) === "") continue;
    const key = String(id);
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  }

  const newN2 = n2!.slice();
  const splits: SharedControlSplit[] = [];
  for (const [id, members] of groups) {
    if (members.length < 2) continue;
    const first = members[0];
    let valid = true;
    for (const i of members) {
      const problem = checkValue(n2![i], "n");
      if (problem !== null) {
        problems.add(i, "n2i", problem, n2![i]);
        valid = false;
      }
    }
    for (const field of ["n2i", "m2i", "sd2i"] as const) {
      const column = data[field];
      if (column === undefined || column === null) continue;
      for (const i of members.slice(1)) {
        const a = column[first];
        const b = column[i];
        if (a !== null && a !== undefined && b !== null && b !== undefined && a !== b) {
          problems.add(
            i,
            field,
            `the same ${field} as "${labels[first]}" (${a}), which shares control group "${id}"`,
            b,
          );
          valid = false;
        }
      }
    }
    if (!valid) continue;
    const originalN = n2![first] as number;
    const newN = originalN / members.length;
    if (newN < 2) {
      for (const i of members) {
        problems.add(
          i,
          "n2i",
          `a shared control arm of at least ${2 * members.length} animals to split among ${members.length} comparisons (control group "${id}"); combine the treatment arms instead`,
          originalN,
        );
      }
      continue;
    }
    for (const i of members) newN2[i] = newN;
    splits.push({
      controlGroupId: id,
      k: members.length,
      studies: members.map((i) => labels[i]),
      indices: members,
      originalN,
      newN,
    });
  }
  problems.throwIfAny();

  const notes = splits.map(
    (s) =>
      `Control group "${s.controlGroupId}" (n = ${s.originalN}) is shared by ${s.k} comparisons (${s.studies.join(", ")}); ` +
      `its n was split to ${formatN(s.newN)} each (Cochrane Handbook 23.3.4).`,
  );
  return { data: { ...data, n2i: newN2 }, splits, notes };
}

function formatN(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
