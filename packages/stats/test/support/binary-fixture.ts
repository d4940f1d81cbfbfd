/**
 * Loader and shared helpers for the binary and correlation tests
 * (fixtures/binary.metafor-<version>.json, written by fixtures/r/binary.R with metafor 3.8.1 and
 * 5.1.12): the effect sizes of 2×2 tables and correlations
 * (test/effect-sizes/binary-effects.test.ts) and the models that pool them
 * (test/models/binary/mantel-haenszel-peto.test.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, expect } from "vitest";
import type { EscalcData, MantelHaenszelMeasure, ZeroCellRule } from "../../src/index.js";
import type { Measure, Method } from "../../src/types.js";
import { fixtureDir } from "./fixtures.js";
import { expectClose, reportWorstErrors, worstErrors } from "./tolerance.js";

export type Num = number | null;

export interface TableSet {
  source: string;
  labels: string[];
  ai: number[];
  bi: number[];
  ci: number[];
  di: number[];
  n1i: number[];
  n2i: number[];
}

export interface CorrelationSet {
  source: string;
  labels: string[];
  ri: number[];
  ni: number[];
}

export interface EscalcCase {
  dataset: string;
  measure: Measure;
  add?: number;
  to?: ZeroCellRule;
  drop00?: boolean;
  call: string;
  yi: Num[];
  vi: Num[];
}

export interface RmaCase {
  dataset: string;
  measure: Measure;
  method: Method;
  call: string;
  k: number;
  beta: number;
  se: number;
  zval: number;
  pval: number;
  "ci.lb": number;
  "ci.ub": number;
  tau2: number;
  I2: number;
  H2: number;
  QE: number;
  QEp: number;
}

/** rma.mh / rma.peto arguments as the fixture records them (an empty R list is []). */
export interface TableArgs {
  add?: number | number[];
  to?: ZeroCellRule | ZeroCellRule[];
  drop00?: boolean | boolean[];
  correct?: boolean;
  level?: number;
}

export interface PooledCase {
  dataset: string;
  args: TableArgs | [];
  call: string;
  error?: string;
  k: number;
  "k.yi": number;
  "k.pos": Num;
  beta: Num;
  se: Num;
  zval: Num;
  pval: Num;
  "ci.lb": Num;
  "ci.ub": Num;
  QE: Num;
  QEp: Num;
  I2: Num;
  H2: Num;
  /** weights(res) per input table, in percent; null (NA) for tables the second stage dropped. */
  weights: Num[];
}

export interface MhCase extends PooledCase {
  measure: MantelHaenszelMeasure;
  CO: Num;
  COp: Num;
  MH: Num;
  MHp: Num;
  BD: Num;
  BDp: Num;
  TA: Num;
  TAp: Num;
  /** Length-1 vectors arrive unboxed (jsonlite auto_unbox). */
  yi: number | number[];
  vi: number | number[];
}

export interface BinaryFixture {
  metafor: string;
  tables: Record<string, TableSet>;
  correlations: Record<string, CorrelationSet>;
  hackshaw1998: { source: string; labels: string[]; yi: number[]; vi: number[] };
  escalc: EscalcCase[];
  rma: RmaCase[];
  mh: MhCase[];
  peto: PooledCase[];
}

/** Every binary.metafor-<version>.json, oldest metafor first. */
export const binaryFixtures: BinaryFixture[] = readdirSync(fixtureDir)
  .filter((name) => name.startsWith("binary.metafor-") && name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(readFileSync(new URL(name, fixtureDir), "utf8")) as BinaryFixture);

/** Logs the worst errors of one section (describe block) and starts the next from zero. */
export function reportSection(label: string): void {
  afterAll(() => {
    console.info(reportWorstErrors(label));
    for (const worst of Object.values(worstErrors))
      Object.assign(worst, { error: 0, what: "", count: 0 });
  });
}

export function fourCells(t: TableSet): EscalcData {
  return { labels: t.labels, ai: t.ai, bi: t.bi, ci: t.ci, di: t.di };
}

export function eventsAndTotals(t: TableSet): EscalcData {
  return { labels: t.labels, ai: t.ai, n1i: t.n1i, ci: t.ci, n2i: t.n2i };
}

/** Runs fn, expects it to throw, returns what it threw. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.fail("expected an error");
}

export function compareEffects(
  yi: number[],
  vi: number[],
  expectedYi: number[],
  expectedVi: number[],
  where: string,
): void {
  expect(yi.length, where).toBe(expectedYi.length);
  for (let i = 0; i < yi.length; i++) {
    expectClose(yi[i], expectedYi[i], "closed", `${where} yi[${i}]`, Math.sqrt(expectedVi[i]!));
    expectClose(vi[i], expectedVi[i], "closed", `${where} vi[${i}]`);
  }
}
