/**
 * Loader and shared helpers for the small-study tests (fixtures/bias.json, written by
 * fixtures/r/bias.R with metafor 3.8).
 */
import { readFileSync } from "node:fs";
import type { Method, TestType } from "../../src/types.js";
import { fixtureUrl } from "./fixtures.js";
import type { QuantityKind } from "./tolerance.js";

export type Num = number | null;

export interface BiasDataset {
  source: string;
  call: string;
  measure: string;
  k: number;
  labels: string[];
  yi: number[];
  vi: number[];
  ni?: number[];
  n1i?: number[];
  n2i?: number[];
  year?: number[];
}

export interface RegtestCase {
  dataset: string;
  model: "rma" | "lm";
  predictor: string;
  method: Method;
  test?: TestType;
  call: string;
  statistic: number;
  p: number;
  df: Num;
  limitEstimate: Num;
  limitCiLower: Num;
  limitCiUpper: Num;
  beta: number[];
  se: number[];
  tau2?: number;
}

export interface RanktestCase {
  dataset: string;
  call: string;
  tau: number;
  p: number;
  exact: boolean;
}

export interface TrimfillCase {
  dataset: string;
  method: Method;
  estimator: "L0" | "R0";
  sideGiven: "left" | "right" | null;
  call: string;
  k0: number;
  seK0: number;
  side: "left" | "right";
  pK0: Num;
  k: number;
  estimate: number;
  se: number;
  statistic: number;
  p: number;
  ciLower: number;
  ciUpper: number;
  tau2: number;
  filledYi: number | number[];
  filledVi: number | number[];
}

export interface RadialCase {
  dataset: string;
  method: Method;
  call: string;
  x: number[];
  y: number[];
  slope: number;
  ciLower: number;
  ciUpper: number;
  tau2: number;
  zcrit: number;
}

export interface FsnCase {
  dataset: string;
  type: "Rosenthal" | "Orwin";
  call: string;
  alpha: number;
  targetGiven: Num;
  weighted: boolean;
  fsnum: number;
  p: Num;
  meanEffect: Num;
  target: Num;
}

export interface PetPeeseFit {
  call: string;
  estimate: number;
  se: number;
  statistic: number;
  p: number;
  df: Num;
  ciLower: number;
  ciUpper: number;
  slope: number;
  slopeSe: number;
  slopeP: number;
  tau2?: number;
}

export interface PetPeeseCase {
  dataset: string;
  model: "lm" | "rma";
  method: Method | null;
  pet: PetPeeseFit;
  peese: PetPeeseFit;
  chosen: "PET" | "PEESE";
}

export interface BiasFixture {
  metafor: string;
  datasets: Record<string, BiasDataset>;
  regtest: RegtestCase[];
  regtestSmdPredictor: RegtestCase[];
  ranktest: RanktestCase[];
  trimfill: TrimfillCase[];
  radial: RadialCase[];
  fsn: FsnCase[];
  petpeese: PetPeeseCase[];
  errors: { dataset: string; what: string; error: string }[];
}

export const biasFixture = JSON.parse(readFileSync(fixtureUrl("bias.json"), "utf8")) as BiasFixture;

/** R writes length-1 vectors as scalars (auto_unbox); this undoes it. */
export const arr = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Iterated tau² estimators: their results are compared with the "iterative" tolerance. */
const ITERATIVE: ReadonlySet<string> = new Set(["ML", "REML", "EB", "PM"]);

/** Tolerance kinds for a fit by `method`: values and p-values. */
export function kindsFor(method: Method | null | undefined): {
  value: QuantityKind;
  p: QuantityKind;
} {
  return method && ITERATIVE.has(method)
    ? { value: "iterative", p: "iterative" }
    : { value: "closed", p: "pvalue" };
}

/** Control matching the fixtures' control = list(threshold = 1e-10, maxiter = 1000). */
export const fixtureControl = { threshold: 1e-10, maxIter: 1000 };
