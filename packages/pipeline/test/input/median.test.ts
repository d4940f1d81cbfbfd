/**
 * Arms reported as a median with quartiles and/or range: converted to mean
 * and SD on reading, as metafor 5.1's conv.fivenum (fixtures/r/pipeline-median.R), and listed in
 * the notes with their rows.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { analyze } from "../../src/analysis/index.js";
import { parseStudyText } from "../../src/input/index.js";
import { expectAllClose, expectClose } from "../support/analysis-helpers.js";
import { repoUrl } from "../support/repo.js";

const read = (path: string) => readFileSync(repoUrl(path), "utf8");

describe("medians, quartiles and ranges", () => {
  const reference = JSON.parse(read("fixtures/pipeline-median.metafor-5.1.12.json"));
  const parsed = parseStudyText(read("fixtures/data/medians.csv"), "medians.csv");

  test("are converted to means and SDs as metafor's conv.fivenum", () => {
    expect(parsed.problems).toEqual([]);
    const rows = parsed.table!.rows;
    for (const field of ["m1i", "sd1i", "m2i", "sd2i"] as const)
      expectAllClose(
        rows.map((r) => r[field] ?? null),
        reference[field],
        field,
      );
    const a = analyze(parsed.table!);
    expectClose(a.model.estimate, reference.model.estimate, "estimate");
    expectClose(a.model.se, reference.model.se, "se");
  });

  test("each conversion is a note naming its rows", () => {
    const notes = parsed.table!.notes.join("\n");
    expect(notes).toMatch(/treatment mean and SD from the median and quartiles[^\n]*in 1 row: 3\./);
    expect(notes).toMatch(/control mean and SD from the median and range[^\n]*in 1 row: 4\./);
    expect(notes).toMatch(
      /control mean and SD from the median, quartiles and range[^\n]*rows: 5, 6\./,
    );
  });

  test("a median with half a pair, or out of order, is named by row and column", () => {
    const text =
      "study,n_treatment,median_treatment,q1_treatment,q3_treatment,mean_control,sd_control,n_control\n" +
      "A,10,12,9,,8,2,10\n" +
      "B,10,12,13,15,8,2,10\n";
    const { problems } = parseStudyText(text, "bad.csv");
    expect(problems.map((p) => [p.row, p.column])).toEqual([
      [2, "q3_treatment"],
      [3, "median_treatment"],
    ]);
    expect(problems[0]!.expected).toBe("both quartiles of the treatment median, or neither");
    expect(problems[1]).toMatchObject({ expected: "a value >= q1 (13)", found: "12" });
  });
});
