/**
 * Profile-likelihood CIs of the variance components and likelihood-ratio tests per level, as
 * metafor's confint.rma.mv and anova.rma (Viechtbauer 2010 §3.5; Hardy & Thompson 1996). The CI of
 * a component is the set of values x whose profile (restricted) log-likelihood, with the other
 * component re-estimated at each x, is within qchisq(level, 1)/2 of the maximum.
 */
import { chisqUpperP, qchisq } from "../distributions/index.js";
import { KernelStatus } from "../errors.js";
import type { StatsBackend } from "../kernels/backend.js";
import { fitThreeLevel, type GroupedData } from "./fit.js";
import { brentRoot } from "./root.js";
import type { LikelihoodRatioTest, MultilevelControl, MultilevelMethod } from "./types.js";

export type Component = "between" | "within";

/** Doublings of the upper search interval before the bound is reported missing. */
const MAX_EXPANSIONS = 60;

export interface ProfileContext {
  backend: StatsBackend;
  data: GroupedData;
  method: MultilevelMethod;
  control: MultilevelControl;
  /** Maximised log-likelihood of the full model. */
  logLik: number;
  /** Its estimates: where each profile fit starts. */
  sigma2Between: number;
  sigma2Within: number;
}

/** The control with `component` fixed at x (the other as the caller's control says). */
function fixedAt(ctx: ProfileContext, component: Component, x: number): MultilevelControl {
  const start = {
    ...ctx.control,
    sigma2BetweenInit: ctx.sigma2Between,
    sigma2WithinInit: ctx.sigma2Within,
  };
  return component === "between"
    ? { ...start, sigma2BetweenFixed: x }
    : { ...start, sigma2WithinFixed: x };
}

/** Profile log-likelihood at component = x; NaN when that fit fails. */
function profileLogLik(ctx: ProfileContext, component: Component, x: number): number {
  const fit = fitThreeLevel(ctx.backend, ctx.data, ctx.method, fixedAt(ctx, component, x), true);
  return fit.status === KernelStatus.OK ? fit.logLik : Number.NaN;
}

/**
 * The profile-likelihood CI of one component at its estimate.
 *
 * @returns the bounds; a bound is null when the search fails (a note says so)
 */
export function profileInterval(
  ctx: ProfileContext,
  component: Component,
  estimate: number,
  level: number,
  scale: number,
): { lower: number | null; upper: number | null; note?: string } {
  const target = ctx.logLik - qchisq(level / 100, 1) / 2;
  const g = (x: number) => profileLogLik(ctx, component, x) - target;
  const tol = 1e-12 * Math.max(scale, estimate);
  const name = component === "between" ? "sigma²_between" : "sigma²_within";
  let lower: number | null = 0;
  if (estimate > 0) {
    const g0 = g(0);
    if (Number.isNaN(g0)) lower = null;
    else if (g0 < 0) {
      const root = brentRoot(g, 0, estimate, g0, g(estimate), tol);
      lower = Number.isNaN(root) ? null : root;
    }
  }
  // expand until the profile falls below the target
  let lo = estimate;
  let glo = g(estimate);
  let hi = Math.max(2 * estimate, estimate + scale);
  let ghi = g(hi);
  let expansions = 0;
  while (ghi > 0 && expansions < MAX_EXPANSIONS) {
    lo = hi;
    glo = ghi;
    hi *= 2;
    ghi = g(hi);
    expansions++;
  }
  let upper: number | null = null;
  if (ghi <= 0 && !Number.isNaN(glo)) {
    const root = brentRoot(g, lo, hi, glo, ghi, tol);
    upper = Number.isNaN(root) ? null : root;
  }
  const missing = lower === null || upper === null;
  return missing
    ? {
        lower,
        upper,
        note: `The profile-likelihood CI of ${name} could not be completed (the profile likelihood did not ${upper === null ? "fall below its cut-off" : "reach its cut-off"}).`,
      }
    : { lower, upper };
}

/**
 * LRT of the full model against the model with `component` fixed at 0 (same method; df 1), as
 * metafor's anova(full, reduced): p from χ²(1), without a boundary correction.
 *
 * @returns null when the reduced model cannot be fitted
 */
export function likelihoodRatioTest(
  ctx: ProfileContext,
  component: Component,
): LikelihoodRatioTest | null {
  const ll0 = profileLogLik(ctx, component, 0);
  if (Number.isNaN(ll0)) return null;
  const statistic = Math.max(0, 2 * (ctx.logLik - ll0));
  return { statistic, df: 1, p: chisqUpperP(statistic, 1) };
}
