/**
 * PRISMA 2020 flow counts (Page et al. 2021, BMJ 372:n71) from a small JSON file:
 *
 * ```json
 * { "identified": 412, "duplicatesRemoved": 97, "screened": 315, "excludedScreening": 251,
 *   "fullTextAssessed": 64, "fullTextExcluded": { "no control group": 12, "outcome not BBB": 9 },
 *   "included": 14 }
 * ```
 * `fullTextExcluded` is an object reason -> count, or an array of { reason, n }.
 */
import type { DataProblem, PrismaCounts } from "./types.js";

const COUNT_FIELDS = [
  "identified",
  "duplicatesRemoved",
  "screened",
  "excludedScreening",
  "fullTextAssessed",
  "included",
] as const;

/** Validated PRISMA counts, every problem at once; `warnings` when the counts do not add up. */
export function parsePrisma(
  text: string,
  file: string,
): { counts?: PrismaCounts; problems: DataProblem[]; warnings: string[] } {
  const problems: DataProblem[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return {
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "valid JSON with PRISMA counts",
          found: (error as Error).message,
        },
      ],
      warnings: [],
    };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return {
      problems: [
        {
          file,
          row: null,
          column: null,
          expected: "a JSON object with PRISMA counts",
          found: JSON.stringify(data),
        },
      ],
      warnings: [],
    };
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(COUNT_FIELDS as readonly string[]).includes(key) && key !== "fullTextExcluded") {
      problems.push({
        file,
        row: null,
        column: key,
        expected: `one of the PRISMA counts: ${[...COUNT_FIELDS, "fullTextExcluded"].join(", ")}`,
        found: `an unknown name "${key}"`,
      });
    }
  }
  const isCount = (v: unknown): v is number =>
    typeof v === "number" && Number.isInteger(v) && v >= 0;
  const counts: Record<string, number> = {};
  for (const key of COUNT_FIELDS) {
    const v = record[key];
    if (!isCount(v))
      problems.push({
        file,
        row: null,
        column: key,
        expected: "a whole number, 0 or more",
        found: v === undefined ? "nothing" : JSON.stringify(v),
      });
    else counts[key] = v;
  }
  const excluded: { reason: string; n: number }[] = [];
  const raw = record["fullTextExcluded"];
  if (Array.isArray(raw)) {
    raw.forEach((entry, i) => {
      const e = entry as { reason?: unknown; n?: unknown } | null;
      if (e === null || typeof e !== "object" || typeof e.reason !== "string" || !isCount(e.n)) {
        problems.push({
          file,
          row: null,
          column: `fullTextExcluded[${i}]`,
          expected: '{"reason": text, "n": a whole number}',
          found: JSON.stringify(entry),
        });
      } else excluded.push({ reason: e.reason, n: e.n });
    });
  } else if (raw !== null && typeof raw === "object") {
    for (const [reason, n] of Object.entries(raw as Record<string, unknown>)) {
      if (!isCount(n))
        problems.push({
          file,
          row: null,
          column: `fullTextExcluded.${reason}`,
          expected: "a whole number, 0 or more",
          found: JSON.stringify(n),
        });
      else excluded.push({ reason, n });
    }
  } else if (raw !== undefined) {
    problems.push({
      file,
      row: null,
      column: "fullTextExcluded",
      expected: "an object reason -> count, or an array of {reason, n}",
      found: JSON.stringify(raw),
    });
  }
  if (problems.length > 0) return { problems, warnings: [] };
  const result: PrismaCounts = {
    identified: counts["identified"]!,
    duplicatesRemoved: counts["duplicatesRemoved"]!,
    screened: counts["screened"]!,
    excludedScreening: counts["excludedScreening"]!,
    fullTextAssessed: counts["fullTextAssessed"]!,
    fullTextExcluded: excluded,
    included: counts["included"]!,
  };
  const warnings: string[] = [];
  if (result.identified - result.duplicatesRemoved !== result.screened) {
    warnings.push(
      `PRISMA: identified (${result.identified}) minus duplicates removed (${result.duplicatesRemoved}) is not the number screened (${result.screened}).`,
    );
  }
  if (result.screened - result.excludedScreening !== result.fullTextAssessed) {
    warnings.push(
      `PRISMA: screened (${result.screened}) minus excluded at screening (${result.excludedScreening}) is not the number of full texts assessed (${result.fullTextAssessed}).`,
    );
  }
  const excludedTotal = excluded.reduce((s, e) => s + e.n, 0);
  if (excluded.length > 0 && result.fullTextAssessed - excludedTotal !== result.included) {
    warnings.push(
      `PRISMA: full texts assessed (${result.fullTextAssessed}) minus those excluded (${excludedTotal}) is not the number included (${result.included}).`,
    );
  }
  return { counts: result, problems: [], warnings };
}

/**
 * PRISMA counts written inline, for the command line:
 * `identified=486,duplicatesRemoved=131,screened=355,excludedScreening=287,fullTextAssessed=68,
 * fullTextExcluded.no control group=17,included=22`. Read with the same checks as the JSON form.
 */
export function parsePrismaPairs(
  text: string,
  source = "--prisma",
): ReturnType<typeof parsePrisma> {
  const record: Record<string, unknown> = {};
  const excluded: Record<string, unknown> = {};
  const problems: DataProblem[] = [];
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (eq <= 0 || raw === "") {
      problems.push({
        file: source,
        row: null,
        column: null,
        expected: "name=count pairs separated by commas, e.g. identified=486,screened=355",
        found: JSON.stringify(pair),
      });
      continue;
    }
    const value = /^\d+$/.test(raw) ? Number(raw) : raw;
    if (key.startsWith("fullTextExcluded."))
      excluded[key.slice("fullTextExcluded.".length)] = value;
    else record[key] = value;
  }
  if (problems.length > 0) return { problems, warnings: [] };
  if (Object.keys(excluded).length > 0) record["fullTextExcluded"] = excluded;
  return parsePrisma(JSON.stringify(record), source);
}
