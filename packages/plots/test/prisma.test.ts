/**
 * PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71, figure 1): the boxes the statement
 * asks for, the optional ones, and the arithmetic between the counts.
 */
import { describe, expect, it } from "vitest";
import * as ex from "../scripts/example-data.js";
import { checkPrismaCounts, type PrismaInput, prismaPlot } from "../src/index.js";
import { findAll, hasClass, parseXml, textOf } from "./xml.js";

const example = ex.prismaExample();
const boxText = (svgText: string, cls: string) => {
  const found = findAll(parseXml(svgText), hasClass(cls));
  if (!found.length) return null;
  // One <text> per wrapped line: join them back with spaces.
  return findAll(found[0], (n) => n.name === "text")
    .map(textOf)
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
};
const warnings = (svgText: string) => findAll(parseXml(svgText), hasClass("prisma-warnings"));
const desc = (svgText: string) => parseXml(svgText).children[1].text;

describe("prismaPlot boxes", () => {
  it("always draws reports sought and not retrieved, deriving them from the other counts", () => {
    expect(example.notRetrieved).toBeUndefined();
    const svg = prismaPlot(example);
    const sought = example.screened - example.excludedScreening;
    expect(boxText(svg, "box-sought")).toBe(`Reports sought for retrieval (n = ${sought})`);
    expect(boxText(svg, "box-not-retrieved")).toBe(
      `Reports not retrieved (n = ${sought - example.fullTextAssessed})`,
    );
    expect(boxText(svg, "box-not-retrieved")).toContain("(n = 0)");
    expect(warnings(svg)).toHaveLength(0);
    expect(desc(svg)).toContain("68 reports sought for retrieval, 0 not retrieved");
  });

  it("uses the given reports sought and not retrieved", () => {
    const svg = prismaPlot({
      ...example,
      excludedScreening: example.excludedScreening - 5,
      reportsSought: 73,
      notRetrieved: 5,
    });
    expect(boxText(svg, "box-sought")).toContain("(n = 73)");
    expect(boxText(svg, "box-not-retrieved")).toContain("(n = 5)");
    expect(warnings(svg)).toHaveLength(0);
  });

  it("draws the databases/registers split and the other removals when given", () => {
    const input = ex.prismaFullExample();
    expect(checkPrismaCounts(input)).toEqual([]);
    const svg = prismaPlot(input);
    const identified = boxText(svg, "box-identified") ?? "";
    expect(identified).toContain(`Databases (n = ${input.identifiedDatabases})`);
    expect(identified).toContain(`Registers (n = ${input.identifiedRegisters})`);
    const removed = boxText(svg, "box-removed") ?? "";
    expect(removed).toContain(`Duplicate records removed (n = ${input.duplicatesRemoved})`);
    expect(removed).toContain(
      `Records marked as ineligible by automation tools (n = ${input.automationRemoved})`,
    );
    expect(removed).toContain(`Records removed for other reasons (n = ${input.otherRemoved})`);
    expect(boxText(svg, "box-included")).toContain(
      `Reports of included studies (n = ${input.includedReports})`,
    );
    expect(warnings(svg)).toHaveLength(0);
  });

  it("leaves the optional lines out when not given", () => {
    const svg = prismaPlot(example);
    const removed = boxText(svg, "box-removed") ?? "";
    expect(removed).not.toMatch(/automation|other reasons/);
    expect(boxText(svg, "box-identified")).not.toMatch(/Registers \(n/);
  });
});

describe("checkPrismaCounts", () => {
  it("accepts the bundled example", () => {
    expect(checkPrismaCounts(example)).toEqual([]);
  });

  const cases: [string, Partial<PrismaInput>, RegExp][] = [
    [
      "more records screened than identified minus removed",
      { screened: example.screened + 1 },
      /Records screened \(356\) exceed records identified minus records removed before screening \(486 − 131 = 355\)/,
    ],
    [
      "automation and other removals count as removed",
      { automationRemoved: 4, otherRemoved: 1 },
      /486 − 136 = 350/,
    ],
    [
      "assessed ≠ sought − not retrieved",
      { notRetrieved: 3 },
      /Reports assessed for eligibility \(68\) should equal reports sought minus reports not retrieved \(68 − 3 = 65\)/,
    ],
    [
      "assessed more than sought (derived)",
      { fullTextAssessed: 70 },
      /Reports assessed for eligibility \(70\) exceed reports sought for retrieval \(68, records screened minus records excluded\)/,
    ],
    [
      "more studies included than reports left",
      { included: 23 },
      /Studies included \(23\) exceed reports assessed minus reports excluded \(68 − 46 = 22\)/,
    ],
    [
      "excluded at screening more than screened",
      { excludedScreening: 400 },
      /Records excluded at screening \(400\) exceed records screened \(355\)/,
    ],
    [
      "databases + registers ≠ identified",
      { identifiedDatabases: 400, identifiedRegisters: 50 },
      /400 \+ 50 = 450\) differ from records identified \(486\)/,
    ],
    [
      "more studies than reports of included studies",
      { includedReports: 20 },
      /Studies included \(22\) exceed reports of included studies \(20\)/,
    ],
    [
      "a count that is not a whole number",
      { duplicatesRemoved: -1 },
      /Duplicate records removed must be a whole number, 0 or more \(got -1\)/,
    ],
  ];
  for (const [name, change, message] of cases) {
    it(`flags ${name}, in the list and under the diagram`, () => {
      const input = { ...example, ...change };
      const problems = checkPrismaCounts(input);
      expect(problems.join("\n")).toMatch(message);
      const svg = prismaPlot(input);
      const note = warnings(svg);
      expect(note).toHaveLength(1);
      const shown = textOf(note[0]);
      expect(shown).toContain("these counts do not add up");
      // Wrapped lines are joined back before comparing with the sentences.
      const flat = shown.replace(/\s+/g, " ");
      for (const p of problems) expect(flat).toContain(p.replace(/\s+/g, " "));
      expect(desc(svg)).toContain("the counts do not add up");
      expect(desc(svg)).toContain(problems[0]);
    });
  }

  it("still draws the counts as given", () => {
    const svg = prismaPlot({ ...example, screened: 999 });
    expect(boxText(svg, "box-screened")).toBe("Records screened (n = 999)");
  });
});
