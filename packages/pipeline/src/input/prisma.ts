/**
 * PRISMA 2020 flow counts (Page et al. 2021, BMJ 372:n71) from a small JSON file:
 *
 * ```json
 * { "identified": 412, "duplicatesRemoved": 97, "screened": 315, "excludedScreening": 251,
 *   "fullTextAssessed": 64, "fullTextExcluded": { "no control group": 12, "outcome not BBB": 9 },
 *   "included": 14 }
 * ```
 * `fullTextExcluded` is an object reason -> count, or an array of { reason, n }. Optional counts
 * (identifiedDatabases, identifiedRegisters, automationRemoved, otherRemoved, reportsSought,
 * notRetrieved, includedReports) add their boxes to the diagram.
 */
import { checkPrismaCounts } from "@pooled/contract";
import { jsonPreview } from "./json-preview.js";
import type { DataProblem, PrismaCounts } from "./types.js";

const COUNT_FIELDS = [
  "identified",
  "duplicatesRemoved",
  "screened",
  "excludedScreening",
  "fullTextAssessed",
  "included",
] as const;

/** Counts a PRISMA 2020 diagram shows only when they are given. */
const OPTIONAL_COUNT_FIELDS = [
  "identifiedDatabases",
  "identifiedRegisters",
  "automationRemoved",
  "otherRemoved",
  "reportsSought",
  "notRetrieved",
  "includedReports",
] as const;
const KNOWN_FIELDS: readonly string[] = [
  ...COUNT_FIELDS,
  ...OPTIONAL_COUNT_FIELDS,
  "fullTextExcluded",
];

/** Validated PRISMA counts, every problem at once; `warnings` when the counts do not add up. */
export function parsePrisma(
  text: string,
  file: string,
): { counts?: PrismaCounts; problems: DataProblem[]; warnings: string[] } {
  const read = prismaObject(text, file);
  if ("problem" in read) return { problems: [read.problem], warnings: [] };
  const record = read.record;
  const problems: DataProblem[] = [];
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.includes(key)) {
      problems.push({
        file,
        row: null,
        column: key,
        expected: `one of the PRISMA counts: ${KNOWN_FIELDS.join(", ")}`,
        found: `an unknown name "${key}"`,
      });
    }
  }
  const counts = prismaCounts(record, file, problems);
  const excluded = fullTextExclusions(record["fullTextExcluded"], file, problems);
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
  for (const key of OPTIONAL_COUNT_FIELDS) if (key in counts) result[key] = counts[key]!;
  // One set of PRISMA arithmetic checks, shared with the diagram (which also shows them).
  const warnings = checkPrismaCounts(result).map((problem) => `PRISMA: ${problem}`);
  return { counts: result, problems: [], warnings };
}

/** The file's JSON object, or the one problem that it is not valid JSON or not an object. */
function prismaObject(
  text: string,
  file: string,
): { record: Record<string, unknown> } | { problem: DataProblem } {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return {
      problem: {
        file,
        row: null,
        column: null,
        expected: "valid JSON with PRISMA counts",
        found: (error as Error).message,
      },
    };
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return {
      problem: {
        file,
        row: null,
        column: null,
        expected: "a JSON object with PRISMA counts",
        found: jsonPreview(data),
      },
    };
  }
  return { record: data as Record<string, unknown> };
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/** The required counts and those optional counts given, by name; each bad one is a problem. */
function prismaCounts(
  record: Record<string, unknown>,
  file: string,
  problems: DataProblem[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of COUNT_FIELDS) {
    const v = record[key];
    if (!isCount(v))
      problems.push({
        file,
        row: null,
        column: key,
        expected: "a whole number, 0 or more",
        found: v === undefined ? "nothing" : jsonPreview(v),
      });
    else counts[key] = v;
  }
  for (const key of OPTIONAL_COUNT_FIELDS) {
    const v = record[key];
    if (v === undefined || v === null) continue;
    if (!isCount(v))
      problems.push({
        file,
        row: null,
        column: key,
        expected: "a whole number, 0 or more (or leave it out)",
        found: jsonPreview(v),
      });
    else counts[key] = v;
  }
  return counts;
}

/**
 * The reports excluded at full text, with their reasons: an array of { reason, n } or an object
 * reason -> count (absent: none); each bad entry is a problem.
 */
function fullTextExclusions(
  raw: unknown,
  file: string,
  problems: DataProblem[],
): { reason: string; n: number }[] {
  const excluded: { reason: string; n: number }[] = [];
  if (Array.isArray(raw)) {
    raw.forEach((entry, i) => {
      const e = entry as { reason?: unknown; n?: unknown } | null;
      if (e === null || typeof e !== "object" || typeof e.reason !== "string" || !isCount(e.n)) {
        problems.push({
          file,
          row: null,
          column: `fullTextExcluded[${i}]`,
          expected: '{"reason": text, "n": a whole number}',
          found: jsonPreview(entry),
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
          found: jsonPreview(n),
        });
      else excluded.push({ reason, n });
    }
  } else if (raw !== undefined) {
    problems.push({
      file,
      row: null,
      column: "fullTextExcluded",
      expected: "an object reason -> count, or an array of {reason, n}",
      found: jsonPreview(raw),
    });
  }
  return excluded;
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
        found: jsonPreview(pair),
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
