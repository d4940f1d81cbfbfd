/**
 * Pooled's typed errors. One error policy per layer (shared/STYLE.md §9):
 * - input validation throws {@link PooledInputError} naming the study (or row) and the field;
 * - kernels never throw: they return a {@link KernelStatus} and {@link errorFromStatus} maps it here;
 * - model-level failures throw the specific subclasses below, each naming what the user can do.
 */

import { KernelStatus } from "@pooled/core-wasm/kernels";

/** Base class: every error Pooled throws on purpose is an instance of this. */
export class PooledError extends Error {
  /** Stable machine-readable code, e.g. "INPUT", "NOT_CONVERGED". */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where a bad value sits, so a reader can find it in their spreadsheet. */
export interface InputLocation {
  /** Study label (or identifier) when known. */
  study?: string;
  /** Zero-based index of the study in the input arrays. */
  index?: number;
  /** Field (column) name, e.g. "sd1i". */
  field: string;
  /** The offending value as given. */
  value?: unknown;
}

/** A value that cannot be analysed: n < 2, SD <= 0, vi <= 0, non-finite numbers, ... */
export class PooledInputError extends PooledError {
  readonly location: InputLocation;
  readonly expected: string;
  constructor(location: InputLocation, expected: string) {
    const where =
      location.study !== undefined
        ? `study "${location.study}"`
        : location.index !== undefined
          ? `study #${location.index + 1}`
          : "input";
    const got = location.value === undefined ? "" : ` (got ${formatValue(location.value)})`;
    super("INPUT", `${where}, field "${location.field}": expected ${expected}${got}`);
    this.location = location;
    this.expected = expected;
  }
}

/** Several input problems reported at once (validation never stops at the first). */
export class PooledInputErrors extends PooledError {
  readonly errors: PooledInputError[];
  constructor(errors: PooledInputError[]) {
    super(
      "INPUT",
      `${errors.length} input problem(s):\n${errors.map((e) => `  - ${e.message}`).join("\n")}`,
    );
    this.errors = errors;
  }
}

/** Fewer studies than the model has parameters (or than a method needs). */
export class TooFewStudiesError extends PooledError {
  constructor(
    readonly k: number,
    readonly needed: number,
    what: string,
  ) {
    super("TOO_FEW_STUDIES", `${what} needs at least ${needed} studies; got ${k}`);
  }
}

/** The moderator matrix is not of full column rank (e.g. a constant or duplicated moderator). */
export class SingularMatrixError extends PooledError {
  constructor(
    detail = "the moderator matrix is singular (a moderator is constant or a copy of others)",
  ) {
    super("SINGULAR", `${detail}; remove or recode the redundant moderator(s)`);
  }
}

/** An iterative tau² estimator (REML, ML, EB, PM) did not converge. */
export class NotConvergedError extends PooledError {
  constructor(
    readonly method: string,
    readonly iterations: number,
  ) {
    super(
      "NOT_CONVERGED",
      `${method} estimation of tau² did not converge after ${iterations} iterations. ` +
        "Remedies: raise control.maxIter, lower control.stepAdj (step halving, e.g. 0.5), " +
        "loosen control.threshold, or use a non-iterative estimator such as DL or HE.",
    );
  }
}

/** A subgroup level with no studies, or a grouping that leaves nothing to compare. */
export class EmptySubgroupError extends PooledError {
  constructor(readonly level: string) {
    super("EMPTY_SUBGROUP", `subgroup "${level}" has no studies`);
  }
}

/** Status codes returned by kernels (TS and WASM alike, kernels/contract.ts). Kernels never throw. */
export { KernelStatus };

/** Maps a non-OK kernel status to the typed error of this layer (the only place that does). */
export function errorFromStatus(
  status: number,
  context: { method: string; iterations?: number; k?: number; p?: number },
): PooledError {
  switch (status) {
    case KernelStatus.NOT_CONVERGED:
      return new NotConvergedError(context.method, context.iterations ?? 0);
    case KernelStatus.SINGULAR:
      return new SingularMatrixError();
    case KernelStatus.TOO_FEW_STUDIES:
      return new TooFewStudiesError(
        context.k ?? 0,
        (context.p ?? 0) + 1,
        `the ${context.method} model`,
      );
    case KernelStatus.CANCELLED:
      return new PooledError("CANCELLED", "the computation was cancelled");
    default:
      return new PooledError("BAD_INPUT", `kernel rejected its input (status ${status})`);
  }
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
