/**
 * Loader for the sensitivity-analysis tests (fixtures/diagnostics.json, written by
 * fixtures/r/diagnostics.R with metafor 3.8).
 */
import { readFileSync } from "node:fs";
import { rma } from "../../src/models/index.js";
import type { RmaResult } from "../../src/models/types.js";
import type { BackendName, Method, TestType } from "../../src/types.js";
import { fixtureControl } from "./bias-fixture.js";
import { fixtureUrl } from "./fixtures.js";

export interface DiagnosticsDataset {
  source: string;
  call: string;
  k: number;
  labels: string[];
  yi: number[];
  vi: number[];
  year?: number[];
  mod?: number[];
  modName?: string;
}

interface CaseBase {
  dataset: string;
  method: Method;
  test: TestType;
  call: string;
  mods?: string | null;
}

export interface SummaryCase extends CaseBase {
  estimate: number[];
  se: number[];
  statistic: number[];
  p: number[];
  ciLower: number[];
  ciUpper: number[];
  Q: number[];
  Qp: number[];
  tau2: number[];
  I2: number[];
  H2: number[];
  order?: number[];
  orderBy?: "year" | "input";
}

export interface InfluenceCase extends CaseBase {
  rstudent: number[];
  dffits: number[];
  cookD: number[];
  covRatio: number[];
  tau2Deleted: number[];
  QEDeleted: number[];
  hat: number[];
  weight: number[];
  dfbetas: Record<string, number[]>;
  influential: boolean[];
}

export interface BaujatCase extends CaseBase {
  x: number[];
  y: number[];
}

export interface DiagnosticsFixture {
  datasets: Record<string, DiagnosticsDataset>;
  leave1out: SummaryCase[];
  influence: InfluenceCase[];
  cumul: SummaryCase[];
  baujat: BaujatCase[];
}

export const diagnosticsFixture = JSON.parse(
  readFileSync(fixtureUrl("diagnostics.json"), "utf8"),
) as DiagnosticsFixture;

/** The model a case was computed from, fitted on the given backend. */
export function fitCase(c: CaseBase, backend: BackendName): RmaResult {
  const ds = diagnosticsFixture.datasets[c.dataset]!;
  return rma(
    { yi: ds.yi, vi: ds.vi },
    {
      method: c.method,
      test: c.test,
      control: fixtureControl,
      backend,
      labels: ds.labels,
      mods: c.mods ? [{ name: c.mods, values: ds.mod! }] : undefined,
    },
  );
}
