/**
 * What the resampling functions need from a model: flat inputs for the kernels. They accept either
 * a fitted model (the result of rma) or data plus rma options, which they fit first.
 */
import { type FitControl, fitDefaults } from "../defaults.js";
import { errorFromStatus, KernelStatus } from "../errors.js";
import { MethodCode, packControl } from "../kernels/contract.js";
import { rma } from "../models/rma.js";
import type { RmaData, RmaOptions, RmaResult } from "../models/types.js";
import type { BackendName, Method, TestType } from "../types.js";

/** A fitted model, or data to fit with the rma options given alongside. */
export type ModelOrData = RmaResult | RmaData;

/** Options of the model when data (not a fitted model) is given. */
export type ModelOptions = Pick<RmaOptions, "method" | "test" | "mods" | "labels" | "level"> & {
  /** Fitting control for every refit (default: defaults.ts, fitDefaults.control). */
  control?: Partial<FitControl>;
};

export interface FlatModel {
  model: RmaResult;
  yi: Float64Array;
  vi: Float64Array;
  /** row-major k×p */
  X: Float64Array;
  k: number;
  p: number;
  method: Method;
  methodCode: number;
  test: TestType;
  control: Float64Array;
}

function isModel(x: ModelOrData): x is RmaResult {
  return (x as RmaResult).kind === "rma";
}

/** Fits the data when needed and flattens the model for the kernels. */
export function flattenModel(
  input: ModelOrData,
  options: ModelOptions & { backend?: BackendName },
): FlatModel {
  const model = isModel(input)
    ? input
    : rma(input, {
        ...(options.method ? { method: options.method } : {}),
        ...(options.test ? { test: options.test } : {}),
        ...(options.mods ? { mods: options.mods } : {}),
        ...(options.labels ? { labels: options.labels } : {}),
        ...(options.level ? { level: options.level } : {}),
        ...(options.control ? { control: options.control } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
      });
  const { k, p } = model;
  const X = new Float64Array(k * p);
  for (let i = 0; i < k; i++) for (let j = 0; j < p; j++) X[i * p + j] = model.X[i]![j]!;
  const control: FitControl = { ...fitDefaults.control, ...options.control };
  if (control.tau2Fixed === undefined) delete control.tau2Fixed;
  return {
    model,
    yi: Float64Array.from(model.yi),
    vi: Float64Array.from(model.vi),
    X,
    k,
    p,
    method: model.method,
    methodCode: MethodCode[model.method],
    test: model.test,
    control: packControl(control),
  };
}

/** Throws the typed error of a failed kernel status (the fit of the observed data). */
export function throwOnStatus(status: number, flat: FlatModel): void {
  if (status === KernelStatus.OK) return;
  throw errorFromStatus(status, { method: flat.method, k: flat.k, p: flat.p });
}
