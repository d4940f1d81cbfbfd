/**
 * Galbraith (radial) plot data, as metafor's radial.
 */
import { qnorm } from "../distributions/index.js";
import { PooledInputError } from "../errors.js";
import type { RmaResult } from "../models/types.js";
import { checkStudies } from "./data.js";

/** Options of {@link galbraith}. */
export interface GalbraithOptions {
  /**
   * Half-width of the band around the fitted line, in standardised units. Default 2, the band
   * Galbraith (1988) drew and reviewers expect; "level" takes the normal quantile of the model's
   * level instead (1.96 at 95%), as metafor's radial() does.
   */
  bandHalfWidth?: number | "level";
}

/** One study on the radial plot. */
export interface GalbraithPoint {
  study: string;
  /** Precision xᵢ = 1/√(vᵢ + τ²). */
  x: number;
  /** Standardised effect zᵢ = yᵢ/√(vᵢ + τ²). */
  z: number;
  /** True when the study lies outside the band: |zᵢ - μ̂·xᵢ| > band half-width. */
  outside: boolean;
}

/** Result of {@link galbraith}: the points, the line through the origin and its band. */
export interface GalbraithResult {
  kind: "galbraith";
  method: RmaResult["method"];
  /** τ² used in the standardisation (0 for FE). */
  tau2: number;
  /** Slope of the line through the origin: the model's estimate μ̂. */
  slope: number;
  /** CI of the slope (the model's CI), drawn as the arc on the radial scale. */
  ciLower: number;
  ciUpper: number;
  /** The band is z = slope·x ± bandHalfWidth. */
  bandHalfWidth: number;
  points: GalbraithPoint[];
  /** Number of studies outside the band. */
  outsideCount: number;
}

/**
 * Galbraith (1988, Stat Med 7:889; 1994, JASA 89:1232) radial plot coordinates.
 *
 * Each study is drawn at xᵢ = 1/√(vᵢ + τ̂²) (precision) and zᵢ = yᵢ/√(vᵢ + τ̂²) (standardised
 * effect). In a model without moderators the weighted least-squares line through the origin of
 * zᵢ on xᵢ has slope μ̂, the pooled estimate; studies with |zᵢ - μ̂·xᵢ| > c (c = 2 by default, or 1.96 at 95% as metafor)
 * are those whose standardised residual is beyond c: the heterogeneity the plot makes visible.
 *
 * @param model - a fitted model without moderators (rma)
 * @throws PooledInputError when the model has moderators
 * @example
 * const g = galbraith(rma({ yi, vi }));
 * g.points.filter((pt) => pt.outside).map((pt) => pt.study)
 */
export function galbraith(model: RmaResult, options: GalbraithOptions = {}): GalbraithResult {
  if (model.p !== 1) {
    throw new PooledInputError(
      { field: "mods", value: model.termNames.slice(1).join(", ") },
      "a model without moderators (radial plot)",
    );
  }
  const { yi, vi, labels } = checkStudies(model, 1, "a radial plot");
  const requested = options.bandHalfWidth ?? 2;
  const band = requested === "level" ? qnorm((1 - model.level / 100) / 2, false) : requested;
  if (!(band > 0 && Number.isFinite(band))) {
    throw new PooledInputError(
      { field: "bandHalfWidth", value: band },
      "a positive, finite number",
    );
  }
  const tau2 = model.tau2;
  const slope = model.beta[0]!;
  const points = yi.map((y, i) => {
    const s = Math.sqrt(vi[i]! + tau2);
    const x = 1 / s;
    const z = y / s;
    return { study: labels[i]!, x, z, outside: Math.abs(z - slope * x) > band };
  });
  const c = model.coefficients[0]!;
  return {
    kind: "galbraith",
    method: model.method,
    tau2,
    slope,
    ciLower: c.ciLower,
    ciUpper: c.ciUpper,
    bandHalfWidth: band,
    points,
    outsideCount: points.filter((pt) => pt.outside).length,
  };
}
