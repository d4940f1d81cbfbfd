/**
 * 2×2 tables from per-study columns: the four cells (ai, bi, ci, di) or events and arm sizes
 * (ai/n1i, ci/n2i), as metafor's escalc accepts them, validated study by study.
 */
import type { EscalcData } from "./types.js";
import { checkValue, InputProblems, readColumn, resolveLabels, studyCount } from "./validate.js";

/** Validated 2×2 tables, one entry per study: whole-number cells, arms of at least one subject. */
export interface TwoByTwoTables {
  labels: string[];
  /** Events, treatment arm. */
  ai: number[];
  /** Non-events, treatment arm. */
  bi: number[];
  /** Events, control arm. */
  ci: number[];
  /** Non-events, control arm. */
  di: number[];
}

/** The columns of one arm: events, non-events, arm size. */
interface ArmFields {
  events: "ai" | "ci";
  nonEvents: "bi" | "di";
  total: "n1i" | "n2i";
  arm: string;
}

const TREATMENT: ArmFields = { events: "ai", nonEvents: "bi", total: "n1i", arm: "treatment" };
const CONTROL: ArmFields = { events: "ci", nonEvents: "di", total: "n2i", arm: "control" };

/**
 * Reads the 2×2 table of every study. Each arm is given by its events and either its non-events
 * (bi, di) or its size (n1i, n2i), study by study (a missing bi is taken from n1i − ai, as
 * metafor). Every problem is collected before throwing: a missing column or value, a negative or
 * fractional count, events greater than the arm size, an arm size that disagrees with events +
 * non-events, an empty arm.
 *
 * @param data - columns ai, ci and bi or n1i, di or n2i (and labels)
 * @param why - what the tables are for, for messages (e.g. "needed for OR")
 * @throws PooledInputErrors naming every bad value by study and field
 * @example readTables({ ai: [4], n1i: [123], ci: [11], n2i: [139] }, "needed for OR")
 * // { labels: ["Study 1"], ai: [4], bi: [119], ci: [11], di: [128] }
 */
export function readTables(data: EscalcData, why: string): TwoByTwoTables {
  const k = studyCount(data, ["ai", "ci", "bi", "di", "n1i", "n2i"]);
  const labels = resolveLabels(data.labels, k);
  const problems = new InputProblems(labels);
  const ai = readColumn(data, "ai", k, "count", problems, why);
  const ci = readColumn(data, "ci", k, "count", problems, why);
  const bi = readArm(data, TREATMENT, ai, k, problems, why);
  const di = readArm(data, CONTROL, ci, k, problems, why);
  problems.throwIfAny();
  return { labels, ai, bi, ci, di };
}

/** Non-events of one arm, from its non-events column or from its size minus its events. */
function readArm(
  data: EscalcData,
  fields: ArmFields,
  events: number[],
  k: number,
  problems: InputProblems,
  why: string,
): number[] {
  const nonEventsColumn = data[fields.nonEvents];
  const totalColumn = data[fields.total];
  const out = new Array<number>(k).fill(Number.NaN);
  if (nonEventsColumn == null && totalColumn == null) {
    problems.add(
      undefined,
      fields.nonEvents,
      `a column of non-events ${fields.nonEvents} or of ${fields.arm} arm sizes ${fields.total} (${why})`,
    );
    return out;
  }
  for (const [field, column] of [
    [fields.nonEvents, nonEventsColumn],
    [fields.total, totalColumn],
  ] as const) {
    if (column != null && column.length !== k) {
      problems.add(undefined, field, `${k} values, one per study`, `${column.length} values`);
    }
  }
  for (let i = 0; i < k; i++) {
    const nonEvents = nonEventsColumn?.[i];
    const total = totalColumn?.[i];
    const hasNonEvents = nonEvents !== null && nonEvents !== undefined;
    const hasTotal = total !== null && total !== undefined;
    if (!hasNonEvents && !hasTotal) {
      problems.add(
        i,
        nonEventsColumn != null ? fields.nonEvents : fields.total,
        `the ${fields.arm} arm's non-events ${fields.nonEvents} or size ${fields.total} (value is missing)`,
      );
      continue;
    }
    const nonEventsProblem = hasNonEvents ? checkValue(nonEvents, "count") : null;
    const totalProblem = hasTotal ? checkValue(total, "total") : null;
    if (nonEventsProblem) problems.add(i, fields.nonEvents, nonEventsProblem, nonEvents);
    if (totalProblem) problems.add(i, fields.total, totalProblem, total);
    const e = events[i]!;
    if (nonEventsProblem || totalProblem || !Number.isFinite(e)) continue;
    if (hasTotal && e > (total as number)) {
      problems.add(
        i,
        fields.events,
        `at most ${fields.total} = ${total} events (events cannot exceed the ${fields.arm} arm size)`,
        e,
      );
      continue;
    }
    if (hasTotal && hasNonEvents && e + (nonEvents as number) !== total) {
      problems.add(
        i,
        fields.total,
        `${fields.events} + ${fields.nonEvents} = ${e + (nonEvents as number)} (the arm size is events + non-events)`,
        total,
      );
      continue;
    }
    const b = hasNonEvents ? (nonEvents as number) : (total as number) - e;
    if (e + b < 1) {
      problems.add(
        i,
        fields.nonEvents,
        `a ${fields.arm} arm of at least one subject (${fields.events} + ${fields.nonEvents} = 0)`,
        b,
      );
      continue;
    }
    out[i] = b;
  }
  return out;
}
