/**
 * The counts of a PRISMA 2020 flow (Page et al. 2021, BMJ 372:n71): the counts a review reports,
 * what the flow implies when a count is not given, and where the counts given do not add up. The
 * pipeline checks a PRISMA file with these rules and the plots package draws the diagram from them.
 */

/** Thousands separators keep large counts readable; an unknown count prints as "?". */
export function fmtCount(x: number | null): string {
  return x === null ? "?" : x.toLocaleString("en-US");
}

/** A count given in the input (not null, not absent). */
const given = (x: number | null | undefined): x is number => x !== null && x !== undefined;

/** The counts of the diagram, the optional ones resolved (null when unknown). */
export interface PrismaFlow {
  identified: number;
  databases: number | null;
  registers: number | null;
  duplicatesRemoved: number;
  automationRemoved: number | null;
  otherRemoved: number | null;
  /** All records removed before screening. */
  removed: number;
  screened: number;
  excludedScreening: number;
  sought: number | null;
  soughtDerived: boolean;
  notRetrieved: number | null;
  notRetrievedDerived: boolean;
  assessed: number;
  excludedTotal: number;
  included: number;
  includedReports: number | null;
}

/**
 * Fills in what PRISMA 2020's flow implies when it is not given (Page et al. 2021, BMJ 372:n71,
 * figure 1): reports sought = records screened − records excluded; reports not retrieved =
 * reports sought − reports assessed; one of databases/registers from the other and the total.
 * A derivation that would give a negative count is left unknown (checkPrismaCounts says why).
 */
export function resolveFlow(input: PrismaInput): PrismaFlow {
  const nonNegative = (x: number) => (Number.isFinite(x) && x >= 0 ? x : null);
  let databases = input.identifiedDatabases ?? null;
  let registers = input.identifiedRegisters ?? null;
  if (databases !== null && registers === null)
    registers = nonNegative(input.identified - databases);
  if (registers !== null && databases === null)
    databases = nonNegative(input.identified - registers);
  const removed =
    input.duplicatesRemoved + (input.automationRemoved ?? 0) + (input.otherRemoved ?? 0);
  const soughtDerived = !given(input.reportsSought);
  const sought = given(input.reportsSought)
    ? input.reportsSought
    : nonNegative(input.screened - input.excludedScreening);
  const notRetrievedDerived = !given(input.notRetrieved);
  const notRetrieved = given(input.notRetrieved)
    ? input.notRetrieved
    : sought === null
      ? null
      : nonNegative(sought - input.fullTextAssessed);
  return {
    identified: input.identified,
    databases,
    registers,
    duplicatesRemoved: input.duplicatesRemoved,
    automationRemoved: input.automationRemoved ?? null,
    otherRemoved: input.otherRemoved ?? null,
    removed,
    screened: input.screened,
    excludedScreening: input.excludedScreening,
    sought,
    soughtDerived,
    notRetrieved,
    notRetrievedDerived,
    assessed: input.fullTextAssessed,
    excludedTotal: input.fullTextExcluded.reduce((a, r) => a + r.n, 0),
    included: input.included,
    includedReports: input.includedReports ?? null,
  };
}

/** Each count that is not a whole number, 0 or more, named as the diagram names it. */
function malformedCounts(input: PrismaInput): string[] {
  const problems: string[] = [];
  const counts: [string, number | null | undefined][] = [
    ["Records identified", input.identified],
    ["Records from databases", input.identifiedDatabases],
    ["Records from registers", input.identifiedRegisters],
    ["Duplicate records removed", input.duplicatesRemoved],
    ["Records marked as ineligible by automation tools", input.automationRemoved],
    ["Records removed for other reasons", input.otherRemoved],
    ["Records screened", input.screened],
    ["Records excluded", input.excludedScreening],
    ["Reports sought for retrieval", input.reportsSought],
    ["Reports not retrieved", input.notRetrieved],
    ["Reports assessed for eligibility", input.fullTextAssessed],
    ...input.fullTextExcluded.map(
      (r) => [`Reports excluded (${r.reason})`, r.n] as [string, number],
    ),
    ["Studies included", input.included],
    ["Reports of included studies", input.includedReports],
  ];
  for (const [name, x] of counts) {
    if (x === null || x === undefined) continue;
    if (!(Number.isInteger(x) && x >= 0))
      problems.push(`${name} must be a whole number, 0 or more (got ${x}).`);
  }
  return problems;
}

/**
 * Where the counts of a PRISMA 2020 flow do not add up, one sentence per problem (an empty list
 * when they are consistent). The flow of Page et al. 2021 (BMJ 372:n71, figure 1) implies:
 *
 * - every count is a whole number, 0 or more;
 * - databases + registers = records identified (when the split is given);
 * - records screened ≤ records identified − records removed before screening (duplicates,
 *   automation, other reasons);
 * - records excluded at screening ≤ records screened;
 * - reports assessed = reports sought − reports not retrieved;
 * - reports excluded with reasons ≤ reports assessed;
 * - studies included ≤ reports assessed − reports excluded (each included study has at least
 *   one report), and ≤ reports of included studies when that is given.
 *
 * @example
 * checkPrismaCounts({ identified: 100, duplicatesRemoved: 10, screened: 95, ... })
 * // ["Records screened (95) exceed records identified minus records removed before screening (100 − 10 = 90)."]
 */
export function checkPrismaCounts(input: PrismaInput): string[] {
  const problems = malformedCounts(input);
  // Arithmetic on malformed counts would only repeat the problem in other words.
  if (problems.length) return problems;

  const flow = resolveFlow(input);
  if (given(input.identifiedDatabases) && given(input.identifiedRegisters)) {
    const sum = input.identifiedDatabases + input.identifiedRegisters;
    if (sum !== flow.identified)
      problems.push(
        `Records from databases and registers (${fmtCount(input.identifiedDatabases)} + ${fmtCount(input.identifiedRegisters)} = ${fmtCount(sum)}) differ from records identified (${fmtCount(flow.identified)}).`,
      );
  } else if (
    (given(input.identifiedDatabases) || given(input.identifiedRegisters)) &&
    (flow.databases === null || flow.registers === null)
  ) {
    const part = input.identifiedDatabases ?? input.identifiedRegisters ?? 0;
    problems.push(
      `Records from ${given(input.identifiedDatabases) ? "databases" : "registers"} (${fmtCount(part)}) exceed records identified (${fmtCount(flow.identified)}).`,
    );
  }
  const removedParts = [
    flow.duplicatesRemoved,
    ...(flow.automationRemoved === null ? [] : [flow.automationRemoved]),
    ...(flow.otherRemoved === null ? [] : [flow.otherRemoved]),
  ];
  const removedText =
    removedParts.length > 1
      ? `${removedParts.map(fmtCount).join(" + ")} = ${fmtCount(flow.removed)}`
      : "";
  const left = flow.identified - flow.removed;
  if (left < 0) {
    problems.push(
      `Records removed before screening (${removedText || fmtCount(flow.removed)}) exceed records identified (${fmtCount(flow.identified)}).`,
    );
  } else if (flow.screened > left) {
    problems.push(
      `Records screened (${fmtCount(flow.screened)}) exceed records identified minus records removed before screening (${fmtCount(flow.identified)} − ${fmtCount(flow.removed)} = ${fmtCount(left)}).`,
    );
  }
  if (flow.excludedScreening > flow.screened)
    problems.push(
      `Records excluded at screening (${fmtCount(flow.excludedScreening)}) exceed records screened (${fmtCount(flow.screened)}).`,
    );
  if (flow.sought !== null) {
    const soughtText = flow.soughtDerived
      ? `${fmtCount(flow.sought)}, records screened minus records excluded`
      : fmtCount(flow.sought);
    if (!flow.notRetrievedDerived && flow.notRetrieved !== null) {
      const expected = flow.sought - flow.notRetrieved;
      if (flow.assessed !== expected)
        problems.push(
          `Reports assessed for eligibility (${fmtCount(flow.assessed)}) should equal reports sought minus reports not retrieved (${fmtCount(flow.sought)} − ${fmtCount(flow.notRetrieved)} = ${fmtCount(expected)}).`,
        );
    } else if (flow.assessed > flow.sought) {
      problems.push(
        `Reports assessed for eligibility (${fmtCount(flow.assessed)}) exceed reports sought for retrieval (${soughtText}).`,
      );
    }
  }
  if (flow.excludedTotal > flow.assessed) {
    problems.push(
      `Reports excluded with reasons (${fmtCount(flow.excludedTotal)}) exceed reports assessed for eligibility (${fmtCount(flow.assessed)}).`,
    );
  } else {
    const remaining = flow.assessed - flow.excludedTotal;
    if (flow.included > remaining)
      problems.push(
        `Studies included (${fmtCount(flow.included)}) exceed reports assessed minus reports excluded (${fmtCount(flow.assessed)} − ${fmtCount(flow.excludedTotal)} = ${fmtCount(remaining)}).`,
      );
    if (flow.includedReports !== null && flow.includedReports > remaining)
      problems.push(
        `Reports of included studies (${fmtCount(flow.includedReports)}) exceed reports assessed minus reports excluded (${fmtCount(flow.assessed)} − ${fmtCount(flow.excludedTotal)} = ${fmtCount(remaining)}).`,
      );
  }
  if (flow.includedReports !== null && flow.included > flow.includedReports)
    problems.push(
      `Studies included (${fmtCount(flow.included)}) exceed reports of included studies (${fmtCount(flow.includedReports)}); every study has at least one report.`,
    );
  return problems;
}

/** PRISMA 2020 flow counts (Page et al. 2021); the optional ones add their boxes when given. */
export interface PrismaCounts {
  identified: number;
  /** Optional split of `identified` into databases and registers. */
  identifiedDatabases?: number;
  identifiedRegisters?: number;
  duplicatesRemoved: number;
  /** Optional: removed before screening as ineligible by automation tools, or for other reasons. */
  automationRemoved?: number;
  otherRemoved?: number;
  screened: number;
  excludedScreening: number;
  /** Optional: reports sought for retrieval (default screened − excluded) and not retrieved. */
  reportsSought?: number;
  notRetrieved?: number;
  fullTextAssessed: number;
  fullTextExcluded: { reason: string; n: number }[];
  included: number;
  /** Optional: reports of included studies, when it differs from the number of studies. */
  includedReports?: number;
}

/**
 * PRISMA 2020 flow counts (Page et al. 2021, BMJ 372:n71, figure 1: new reviews, databases and
 * registers only). Optional counts draw their line when given; `checkPrismaCounts` says where
 * the counts do not add up, and `prismaPlot` prints those problems under the diagram.
 */
export interface PrismaInput {
  /** Records identified from databases and registers (in total). */
  identified: number;
  /** Optional split of `identified`: records from databases... */
  identifiedDatabases?: number | null;
  /** ...and from registers (e.g. trial or preclinical protocol registers). */
  identifiedRegisters?: number | null;
  /** Records removed before screening: duplicates. */
  duplicatesRemoved: number;
  /** Optional: records removed before screening, marked as ineligible by automation tools. */
  automationRemoved?: number | null;
  /** Optional: records removed before screening for other reasons. */
  otherRemoved?: number | null;
  /** Records screened (title and abstract). */
  screened: number;
  /** Records excluded at title/abstract screening. */
  excludedScreening: number;
  /** Reports sought for retrieval; default screened − excludedScreening. */
  reportsSought?: number | null;
  /** Reports not retrieved; default reports sought − fullTextAssessed (0 is a valid count). */
  notRetrieved?: number | null;
  /** Full-text reports assessed for eligibility. */
  fullTextAssessed: number;
  /** Full-text reports excluded, with reasons. */
  fullTextExcluded: { reason: string; n: number }[];
  /** Studies included in the review. */
  included: number;
  /** Optional: reports of included studies, when it differs from the number of studies. */
  includedReports?: number | null;
  title?: string;
}
