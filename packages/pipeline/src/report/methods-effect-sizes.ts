/**
 * The methods paragraph's sentences on the effect sizes: the measure and its variance, the
 * zero-cell rules of 2×2 tables, arms converted from medians and shared control arms split.
 */
import { type Analysis, TABLE_METHODS } from "../analysis/types.js";
import type { Cite } from "./methods.js";

/** The effect sizes as computed, each measure with its papers, and how their inputs were prepared. */
export function effectSizeSentences(a: Analysis, cite: Cite): string[] {
  const s = a.settings;
  const sentences: string[] = [];
  switch (s.measure) {
    case "MD":
      sentences.push(
        "Effect sizes were mean differences (treatment minus control) with unpooled sampling variances.",
      );
      break;
    case "SMD":
      sentences.push(
        s.vtype === "RevMan"
          ? "Effect sizes were standardised mean differences (Hedges' g) with the Review Manager approximations of the bias correction and variance " +
              cite("hedges1981") +
              "."
          : `Effect sizes were standardised mean differences (${s.correctBias ? "Hedges' g, exact small-sample correction" : "Cohen's d, without the small-sample correction"}; ${s.vtype === "UB" ? "unbiased" : "large-sample"} variance) ${cite("hedges1981")}.`,
      );
      break;
    case "SMDH":
      sentences.push(
        s.legacySmdhVariance
          ? `Effect sizes were standardised mean differences not assuming equal variances ${cite("bonett2008")}, with sampling variances as metafor 3.8 computed them (Bonett's large-sample variance at the corrected estimate, multiplied by the squared correction factor; --legacy-smdh-variance; metafor 4.6 and later, and Pooled by default, leave that factor out).`
          : `Effect sizes were standardised mean differences not assuming equal variances ${cite("bonett2008")}, with sampling variances as metafor 4.6 and later compute them (Bonett's large-sample variance at the corrected estimate; metafor 3.8 multiplied it by the squared correction factor).`,
      );
      break;
    case "ROM":
      sentences.push(
        (s.correctBias
          ? `Effect sizes were log ratios of means ${cite("hedges1999")}, with the small-sample bias correction of the log ratio ${cite("lajeunesse2015")}${s.vtype === "LS2" ? "" : " and the variances of Hedges et al."} (the default of metafor 5 and of Pooled; --no-correct-bias gives metafor 3.8's uncorrected ratio).`
          : `Effect sizes were log ratios of means ${cite("hedges1999")}, without the small-sample bias correction (--no-correct-bias, as metafor 3.8; metafor 5 and Pooled correct it by default).`) +
          (s.vtype === "LS2"
            ? ` Sampling variances were the second-order approximation ${cite("lajeunesse2015")} (--vtype LS2), as metafor 5's escalc computes them.`
            : ""),
      );
      break;
    case "NMD":
      sentences.push(
        `Effect sizes were normalised mean differences, the improvement as a percentage of the injury relative to sham-operated animals ${cite("vesterinen2014")}.`,
      );
      break;
    case "GEN":
      sentences.push("Effect sizes and their sampling variances were used as reported.");
      break;
    case "OR":
    case "RR":
    case "RD":
    case "PETO":
      sentences.push(binaryEffectSentence(a, cite), ...zeroCellSentences(a));
      break;
    case "ZCOR":
      sentences.push(
        `Effect sizes were correlation coefficients transformed to Fisher's z, with sampling variance 1/(n - 3) ${cite("fisher1921")}; pooled estimates and their intervals were transformed back to correlations for reporting.`,
      );
      break;
    case "COR":
      sentences.push(
        "Effect sizes were the raw correlation coefficients, with the large-sample sampling variance (1 - r²)²/(n - 1).",
      );
      break;
  }
  sentences.push(...medianSentences(a, cite));
  if (s.splitSharedControls) {
    sentences.push(
      `Where several treatment groups shared one control group, the control group's size was divided equally among the comparisons so that its animals were counted once ${cite("cochraneHandbook", "vesterinen2014")}.`,
    );
  }
  return sentences;
}

/** The effect size of 2×2 tables, and how it is reported. */
function binaryEffectSentence(a: Analysis, cite: Cite): string {
  switch (a.settings.measure) {
    case "OR":
      return `Effect sizes were log odds ratios computed from the 2×2 tables of events and group sizes, with Woolf's sampling variance ${cite("woolf1955")}; pooled estimates and their intervals were exponentiated to odds ratios for reporting.`;
    case "RR":
      return "Effect sizes were log risk ratios computed from the 2×2 tables of events and group sizes, with their large-sample sampling variance; pooled estimates and their intervals were exponentiated to risk ratios for reporting.";
    case "PETO":
      return `Effect sizes were Peto's log odds ratios, (O - E)/V from the 2×2 tables of events and group sizes ${cite("yusuf1985")}; pooled estimates and their intervals were exponentiated to odds ratios for reporting.`;
    default:
      return "Effect sizes were risk differences (treatment minus control) computed from the 2×2 tables of events and group sizes, with their large-sample sampling variance.";
  }
}

/** The continuity correction and the tables without events, as applied (settings.add, to, drop00). */
function zeroCellSentences(a: Analysis): string[] {
  const s = a.settings;
  if (s.to === null || s.add === null) return [];
  const table = TABLE_METHODS.includes(s.method);
  const add = String(s.add);
  const where: Record<string, string> = {
    only0: `As a continuity correction, ${add} was added to every cell of the tables with a zero cell`,
    all: `As a continuity correction, ${add} was added to every cell of every table`,
    if0all: `As a continuity correction, ${add} was added to every cell of every table when any table had a zero cell`,
    none: "No continuity correction was added to tables with a zero cell",
  };
  const correction =
    s.add === 0 && s.to !== "none"
      ? "No continuity correction was added to tables with a zero cell"
      : (where[s.to] ?? where.only0!);
  const of = table ? " for the study effect sizes" : "";
  const double =
    s.drop00 === true
      ? `tables with no events (or only events) in both groups were left out of the study effect sizes${table ? "" : " and the analyses"}`
      : "tables with no events (or only events) in both groups were kept";
  return [`${correction}${of}; ${double}.`];
}

/**
 * Arms reported as medians (input/parse.ts notes each conversion with its rows): means by Luo et
 * al. (2018), SDs by Wan et al. (2014) from quartiles or a range, by Shi et al. (2020) from all
 * five numbers. Only the estimators used are named.
 */
function medianSentences(a: Analysis, cite: Cite): string[] {
  const notes = a.notes.filter((n) => n.includes("mean and SD from the median"));
  if (notes.length === 0) return [];
  const text = notes.join(" ");
  const sd = [
    ...(text.includes("Wan et al. 2014") ? [`from quartiles or a range ${cite("wan2014")}`] : []),
    ...(text.includes("Shi et al. 2020") ? [`from all five numbers ${cite("shi2020")}`] : []),
  ];
  return [
    `Arms reported as a median with quartiles and/or a range were converted to a mean ${cite("luo2018")} and a standard deviation, ${sd.join(" or ")}; the notes list the rows.`,
  ];
}
