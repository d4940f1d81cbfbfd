/**
 * Shared by the analysis and report tests: the bundled (simulated) example read through input/,
 * the metafor fixture of fixtures/r/pipeline.R, and one tolerance for comparing with it.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { type SideAnalyses, statsSideAnalyses } from "../../src/analysis/index.js";
import {
  type PrismaCounts,
  parsePrisma,
  parseStudyText,
  type StudyTable,
} from "../../src/input/index.js";
import { repoUrl } from "./repo.js";

/** A study table of the bundled example (examples/), parsed as the CLI parses it. */
export function exampleTable(
  name:
    | "sci-exosomes-bbb.simulated.csv"
    | "sci-exosomes-il1b.simulated.csv" = "sci-exosomes-bbb.simulated.csv",
): StudyTable {
  const text = readFileSync(repoUrl(`examples/${name}`), "utf8");
  const result = parseStudyText(text, name);
  expect(result.problems).toEqual([]);
  return result.table!;
}

export function examplePrisma(): PrismaCounts {
  const result = parsePrisma(readFileSync(repoUrl("examples/prisma.json"), "utf8"), "prisma.json");
  expect(result.problems).toEqual([]);
  return result.counts!;
}

// biome-ignore lint/suspicious/noExplicitAny: the fixture is untyped JSON written by R
export type FixtureCase = { id: string; call: string; [key: string]: any };

/** The cases of fixtures/pipeline.json (metafor 3.8 on the bundled example). */
export function pipelineFixture(id: string): FixtureCase {
  const fixture = JSON.parse(readFileSync(repoUrl("fixtures/pipeline.json"), "utf8")) as {
    cases: FixtureCase[];
  };
  const found = fixture.cases.find((c) => c.id === id);
  if (!found) throw new Error(`no case ${id} in fixtures/pipeline.json`);
  return found;
}

/**
 * Fixture tolerance: 1e-6 relative to max(1, |expected|). The fixture stores 15 significant digits;
 * REML is iterated to 1e-10 on both sides; METHODS.md allows 1e-4.
 */
export const FIXTURE_TOLERANCE = 1e-6;

export function expectClose(
  actual: number | null | undefined,
  expected: number,
  what: string,
): void {
  expect(actual, what).toBeTypeOf("number");
  const error = Math.abs((actual as number) - expected) / Math.max(1, Math.abs(expected));
  expect(error, `${what}: ${actual} vs metafor ${expected}`).toBeLessThanOrEqual(FIXTURE_TOLERANCE);
}

export function expectAllClose(actual: (number | null)[], expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  actual.forEach((a, i) => {
    expectClose(a, expected[i]!, `${what}[${i}]`);
  });
}

/** Every value in a JSON-able object: no NaN, no Infinity, no undefined (JSON would drop or mangle them). */
export function collectBadValues(value: unknown, path = "$", out: string[] = []): string[] {
  if (typeof value === "number" && !Number.isFinite(value)) out.push(`${path} = ${value}`);
  else if (value === undefined) out.push(`${path} is undefined`);
  else if (Array.isArray(value))
    value.forEach((v, i) => {
      collectBadValues(v, `${path}[${i}]`, out);
    });
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) collectBadValues(v, `${path}.${k}`, out);
  }
  return out;
}

/** A small table of given effect sizes (GEN), with any extra columns (a grouping, a year...). */
export function givenEffects(rows: Record<string, string | number>[]): StudyTable {
  const header = Object.keys(rows[0]!);
  const lines = [header, ...rows.map((r) => header.map((h) => r[h]))].map((r) => r.join(","));
  const { table, problems } = parseStudyText(`${lines.join("\n")}\n`, "forced.csv");
  expect(problems).toEqual([]);
  return table!;
}

/** The engine's side-analysis functions with some replaced (e.g. by one made to fail). */
export function sideWith(replaced: Partial<SideAnalyses>): SideAnalyses {
  return { ...statsSideAnalyses, ...replaced };
}

/** What a REML fit stopped at maxIter 1 says, remedies included. */
export const NOT_CONVERGED_1 =
  "REML estimation of tau² did not converge after 1 iterations. Remedies: raise control.maxIter, lower control.stepAdj (step halving, e.g. 0.5), loosen control.threshold, or use a non-iterative estimator such as DL or HE.";

/**
 * Effects in three subgroups of which "b" is heterogeneous and the others are not (one study in
 * "c"): at maxIter 1 only "b"'s model fails to converge.
 */
export function threeSubgroups(): StudyTable {
  const rows: [number, number, string][] = [
    [0.3, 0.04, "a"],
    [0.31, 0.05, "a"],
    [0.29, 0.04, "a"],
    [0.1, 0.02, "b"],
    [0.9, 0.03, "b"],
    [0.2, 0.02, "b"],
    [1.4, 0.03, "b"],
    [0.5, 0.05, "c"],
  ];
  return givenEffects(rows.map(([yi, vi, lab], i) => ({ study: `S${i + 1}`, yi, vi, lab })));
}
