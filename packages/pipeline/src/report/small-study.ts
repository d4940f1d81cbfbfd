/**
 * The Small-study effects section: Egger's and Begg's tests, trim-and-fill (its estimator and
 * side named), PET-PEESE (Stanley & Doucouliagos 2014) with the rule it applied, and the fail-safe
 * N of Rosenthal (1979), Orwin (1983) and Rosenberg (2005). Estimates are on the reader's scale
 * (ratios, correlations), as everywhere in the report.
 */
import { MISSING_IN_REPORT } from "@pooled/contract";
import { SIDE_ANALYSIS } from "../analysis/failures.js";
import type { Analysis, FailSafeNJson, PetPeeseJson } from "../analysis/types.js";
import { type Block, failures, heading, list } from "./blocks.js";
import { digitsFor, fmt, pText } from "./format.js";
import { type ReadingScale, readingScale } from "./reading-scale.js";

/** Egger's test by its predictor (--egger-predictor), as metafor's regtest names them. */
const EGGER_TEST: Record<string, string> = {
  sei: "Egger's regression test (predictor: standard error)",
  vi: "Egger's regression test (predictor: sampling variance)",
  ninv: "Peters' regression test (predictor: 1/n, n the total sample size)",
  sqrtninv: "Egger-type regression test (predictor: 1/√n, n the total sample size)",
};

/** The section; empty when the small-study analyses were not run (fewer than 3 studies). */
export function biasBlocks(a: Analysis): Block[] {
  const b = a.bias;
  if (b === null) return [];
  const r = readingScale(a);
  const items: string[] = [];
  if (b.egger !== null) {
    const stat = b.egger.distribution === "t" ? `t(${b.egger.df})` : "z";
    const name = EGGER_TEST[b.egger.predictor] ?? EGGER_TEST.sei!;
    items.push(
      `${name}: ${stat} = ${fmt(b.egger.z)}, p ${pText(b.egger.p)}; limit estimate ${r.fmt(b.egger.limitEstimate)} ${r.fmtCi(b.egger.limitCiLower, b.egger.limitCiUpper)}.`,
    );
  }
  if (b.eggerSampleSize !== null) {
    items.push(
      `Egger-type test on sample size, sqrt(1/n1 + 1/n2) (recommended for SMD): z = ${fmt(b.eggerSampleSize.z)}, p ${pText(b.eggerSampleSize.p)}.`,
    );
  }
  if (b.begg !== null) {
    items.push(
      `Begg's rank correlation: Kendall's tau = ${fmt(b.begg.tau, 3)}, p ${pText(b.begg.p)}.`,
    );
  }
  if (b.trimFill !== null) {
    const tf = b.trimFill;
    const side =
      a.settings.trimfillSide === null ? "side estimated from the data" : "side as chosen";
    items.push(
      `Trim-and-fill (${tf.estimator} estimator, ${side}): ${tf.k0} ${tf.k0 === 1 ? "study" : "studies"} imputed on the ${tf.side}; adjusted ${r.transformed ? r.name : "estimate"} ${r.fmt(tf.estimate)} ${r.fmtCi(tf.ciLower, tf.ciUpper)}.`,
    );
  }
  if (b.petPeese !== null) items.push(petPeeseText(b.petPeese, r));
  if (b.failSafeN !== null) items.push(failSafeNText(b.failSafeN, a, r));
  // A null test here was attempted and failed (eggerSampleSize is only attempted for the SMD).
  items.push(
    ...failures(
      a,
      ...(b.egger === null ? [SIDE_ANALYSIS.egger] : []),
      ...(b.eggerSampleSize === null ? [SIDE_ANALYSIS.eggerSampleSize] : []),
      ...(b.begg === null ? [SIDE_ANALYSIS.begg] : []),
      ...(b.trimFill === null ? [SIDE_ANALYSIS.trimFill] : []),
      ...(b.petPeese === null ? [SIDE_ANALYSIS.petPeese] : []),
      ...(b.failSafeN === null ? [SIDE_ANALYSIS.failSafeN] : []),
    ),
  );
  return [heading(2, "Small-study effects", "bias"), list(items)];
}

/**
 * "PET-PEESE: PET 2.41 [0.18, 4.64], p = 0.035; PEESE 2.80 [1.56, 4.04], p < 0.001; rule: …;
 * chosen PEESE: corrected estimate 2.80 [1.56, 4.04]." The intercepts are back-transformed
 * like every estimate (the JSON keeps them on the analysis scale, with `transformed`).
 */
function petPeeseText(pp: PetPeeseJson, r: ReadingScale): string {
  const one = (name: string, e: PetPeeseJson["pet"]) =>
    `${name} ${r.fmt(e.estimate)} ${r.fmtCi(e.ciLower, e.ciUpper)}, p ${pText(e.p)}`;
  const what = r.transformed ? `corrected ${r.name}` : "corrected estimate";
  return `PET-PEESE (precision-effect test and estimate with standard error): ${one("PET", pp.pet)}; ${one("PEESE", pp.peese)}. Rule: ${pp.rule}; chosen: ${pp.chosen}, ${what} ${r.fmt(pp.estimate)} ${r.fmtCi(pp.ciLower, pp.ciUpper)}.`;
}

/**
 * The three fail-safe Ns in one item, each with what it counts. Orwin's mean effect is on the
 * analysis scale (a log ratio for ratios), where it was averaged.
 */
function failSafeNText(f: FailSafeNJson, a: Analysis, r: ReadingScale): string {
  const n = (x: number | null) => (x === null ? MISSING_IN_REPORT : String(x));
  const parts: string[] = [];
  if (f.rosenthal !== null) {
    const alpha = f.rosenthal.alpha ?? 0.05;
    parts.push(
      `Rosenthal ${n(f.rosenthal.n)} (studies averaging z = 0 that would raise Stouffer's combined one-sided p, observed p ${pText(f.rosenthal.p)}, to ${alpha})`,
    );
  }
  if (f.orwin !== null) {
    const d = digitsFor(a.settings.measure) + 1;
    const scale = r.transformed ? ` (${r.analysisName})` : "";
    parts.push(
      `Orwin ${n(f.orwin.n)} (studies of effect 0 that would bring the mean effect weighted by 1/vi, ${fmt(f.orwin.meanEffect, d)}${scale}, down to ${fmt(f.orwin.target, d)})`,
    );
  }
  if (f.rosenberg !== null) {
    const alpha = f.rosenberg.alpha ?? 0.05;
    parts.push(
      `Rosenberg ${n(f.rosenberg.n)} (studies of effect 0 and average weight that would make the fixed-effect estimate, observed p ${pText(f.rosenberg.p)}, non-significant at ${alpha})`,
    );
  }
  return `Fail-safe N: ${parts.join("; ")}.`;
}
