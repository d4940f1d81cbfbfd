/**
 * A plain-language summary for patients and carers, in the manner of a lay research summary:
 * what was compared, what was found and how sure we can be, how consistent the studies were, and
 * what to bear in mind. Short sentences, everyday words, numbers rounded; no statistical terms.
 */
import { backTransform, measureScale } from "../analysis/scale.js";
import type { Analysis } from "../analysis/types.js";
import { publicationCounts } from "./dependence.js";
import { isSimulatedSource } from "./format.js";
import { summaryModel } from "./summary-model.js";

/** What the report knows about the question, in the reader's words (all optional). */
export interface LaySummaryOptions {
  /**
   * What was measured, e.g. "walking ability (BBB score, 0 to 21)"; for counts of events (odds
   * ratios, risk ratios, risk differences), the event as a noun, e.g. "death"; for correlations,
   * the two measurements, e.g. "lesion size and walking ability".
   */
  outcome?: string;
  /** true: higher values are better; false: lower values are better; undefined: not known. */
  higherIsBetter?: boolean;
  /** The treatment, e.g. "stem-cell-derived exosomes". */
  intervention?: string;
  /** Whether the studies were done in animals (default: when SYRCLE risk-of-bias columns exist). */
  animalStudies?: boolean;
}

export interface LaySummary {
  /** Sections; a text may hold several paragraphs separated by a blank line ("\n\n"). */
  sections: { heading: string; text: string }[];
  /** The same text as paragraphs (heading first), for plain renderers. */
  paragraphs: string[];
}

/**
 * A number for lay readers: whole numbers from 10 up, else one decimal, kept even when it is 0 so
 * the two ends of a range read alike ("between 2.7 and 4.0").
 */
function round(x: number, decimals = 1): string {
  const text = Math.abs(x) >= 10 ? x.toFixed(0) : x.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Writes the lay summary of an analysis.
 * @example laySummary(analysis, { outcome: "walking ability", higherIsBetter: true }).paragraphs
 */
export function laySummary(a: Analysis, options: LaySummaryOptions = {}): LaySummary {
  const sections: { heading: string; text: string }[] = [];
  // Mantel-Haenszel and Peto count every table, also those without a study effect (--drop00).
  const k = a.model.k;
  const outcome = options.outcome ?? "the outcome";
  const treatment = options.intervention ?? "the treatment";
  const animals = options.animalStudies ?? a.riskOfBias !== null;
  const subjects = animals ? "animals" : "participants";

  // What was compared.
  let compared = comparedText(a, k, subjects, treatment, options.outcome);
  if (isSimulatedSource(a.source)) {
    compared +=
      " The data in this example are simulated (made up to show how the method works): they are not real findings.";
  }
  sections.push({ heading: "What was compared", text: compared });

  // What was found, and how sure we can be.
  sections.push({
    heading: "What was found",
    text: findings(a, outcome, options.higherIsBetter, { subjects, treatment }),
  });

  // How consistent were the studies.
  sections.push({ heading: "Did the experiments agree?", text: consistency(a, animals) });

  // Caveats: risk of bias, small-study effects, animal research.
  const caveats: string[] = [];
  const rob = a.riskOfBias;
  if (rob !== null) {
    const reported = (item: "sequence_generation" | "blinding_assessor") =>
      rob.counts[item]?.low ?? null;
    const randomised = reported("sequence_generation");
    const blinded = reported("blinding_assessor");
    const parts: string[] = [];
    if (randomised !== null)
      parts.push(`${randomised} reported deciding at random which ${subjects} got the treatment`);
    if (blinded !== null) {
      parts.push(
        `${blinded} reported that the people measuring the results did not know which group each ${animals ? "animal" : "person"} was in`,
      );
    }
    let unclear = 0;
    let total = 0;
    for (const item of rob.items) {
      const c = rob.counts[item]!;
      unclear += c.unclear;
      total += c.low + c.high + c.unclear;
    }
    const unclearShare = total > 0 ? Math.round((100 * unclear) / total) : 0;
    let text = "";
    if (unclearShare >= 30) text += "Many experiments did not describe how they were done. ";
    if (parts.length > 0)
      text += `Of the ${rob.studies.length} experiments, ${parts.join(", and ")}.`;
    if (total > 0)
      text += ` Across the quality checks, ${unclearShare}% of the answers were "not reported".`;
    text +=
      " Experiments that are not done in these careful ways tend to find bigger benefits than really exist.";
    caveats.push(text.trim());
  }
  const bias = a.bias;
  if (bias !== null && (bias.egger !== null || bias.begg !== null)) {
    // For SMDs the SE contains g itself, so Egger's test on the SE is biased towards asymmetry;
    // the report's own recommendation, the sample-size version, decides (Zwetsloot et al. 2017).
    const smd = a.settings.measure === "SMD" || a.settings.measure === "SMDH";
    const p = (smd ? bias.eggerSampleSize?.p : undefined) ?? bias.egger?.p ?? bias.begg?.p ?? 1;
    const tf = bias.trimFill;
    if (p < 0.1) {
      let text =
        "Smaller experiments tended to show bigger effects than larger ones. This can happen when small experiments with disappointing results are never published, which would make the combined result look better than it is.";
      if (tf !== null && tf.k0 > 0) {
        text += ` One way of allowing for this suggests the average effect might be nearer ${valueText(a, tf.estimate)} than ${valueText(a, a.model.estimate)}.`;
      }
      caveats.push(text);
    } else {
      caveats.push(
        "We found no clear sign that small experiments showed bigger effects than large ones, but these checks can miss such problems" +
          (k < 10 ? ", especially with fewer than 10 experiments." : "."),
      );
    }
  }
  if (a.excluded.length > 0) {
    caveats.push(
      `${plural(a.excluded.length, "experiment was", "experiments were")} left out by the reviewers; the full report lists the reasons.`,
    );
  }
  if (animals) {
    caveats.push(
      "These were studies in animals. Many treatments that work in animals do not work in people, so these results cannot tell us whether the treatment would help patients. They can help decide whether studies in people are worth doing.",
    );
  }
  if (caveats.length > 0)
    sections.push({ heading: "Things to bear in mind", text: caveats.join("\n\n") });

  return { sections, paragraphs: sections.flatMap((s) => [s.heading, ...s.text.split("\n\n")]) };
}

/** What the groups were: "animals" and "the treatment", as the options name them. */
interface Groups {
  subjects: string;
  treatment: string;
}

/** The measures of event counts (2×2 tables) and of correlations. */
const EVENT_MEASURES = ["OR", "PETO", "RR", "RD"];
const CORRELATION_MEASURES = ["ZCOR", "COR"];

/** The first paragraph: how many experiments, and what each one compared or measured. */
function comparedText(
  a: Analysis,
  k: number,
  subjects: string,
  treatment: string,
  outcome: string | undefined,
): string {
  const measure = a.settings.measure;
  if (CORRELATION_MEASURES.includes(measure)) {
    return `This review brought together the results of ${plural(k, "experiment", "experiments")}. Each one measured ${outcome ?? "the same two things"} in a group of ${subjects}, and how closely the two went together.`;
  }
  const what = EVENT_MEASURES.includes(measure)
    ? `counted how often ${outcome ?? "the event"} happened in each group`
    : `measured ${outcome ?? "the same outcome"}`;
  return `This review brought together the results of ${plural(k, "experiment", "experiments")}. Each one compared a group of ${subjects} given ${treatment} with a control group that was not, and ${what}.`;
}

function findings(
  a: Analysis,
  outcome: string,
  higherIsBetter: boolean | undefined,
  groups: Groups,
): string {
  const measure = a.settings.measure;
  if (EVENT_MEASURES.includes(measure) || CORRELATION_MEASURES.includes(measure))
    return eventOrCorrelationFindings(a, outcome === "the outcome" ? null : outcome, groups);
  const m = summaryModel(a);
  const lo = m.ciLower;
  const hi = m.ciUpper;
  const excludesZero = lo !== null && hi !== null && (lo > 0 || hi < 0);
  const direction = (x: number) => {
    const word = x >= 0 ? "higher" : "lower";
    if (higherIsBetter === undefined) return word;
    const better = x >= 0 === higherIsBetter;
    return `${word} (${better ? "better" : "worse"})`;
  };
  let text: string;
  switch (a.settings.measure) {
    case "MD":
      text = `On average, ${outcome} was ${round(Math.abs(m.estimate))} points ${direction(m.estimate)} in the treated groups than in the control groups.`;
      if (lo !== null && hi !== null)
        text += ` Allowing for chance, the true average difference is likely to lie between ${round(lo)} and ${round(hi)} points.`;
      break;
    case "SMD":
    case "SMDH": {
      const size = Math.abs(m.estimate);
      const words =
        size < 0.2
          ? "very small"
          : size < 0.5
            ? "small"
            : size < 0.8
              ? "moderate"
              : size < 1.2
                ? "large"
                : "very large";
      text = `Because the experiments measured ${outcome} in different ways, the results were put on a common scale before combining them. On that scale, ${outcome} was ${direction(m.estimate)} in the treated groups, and the difference was ${words} (${round(m.estimate, 2)}; by convention, 0.2 counts as small, 0.5 as moderate and 0.8 as large).`;
      if (lo !== null && hi !== null)
        text += ` Allowing for chance, the true average is likely to lie between ${round(lo, 2)} and ${round(hi, 2)}.`;
      break;
    }
    case "ROM": {
      const pct = (x: number) => round(Math.abs(100 * (Math.exp(x) - 1)), 0);
      text = `On average, ${outcome} was ${pct(m.estimate)}% ${direction(m.estimate)} in the treated groups than in the control groups.`;
      if (lo !== null && hi !== null) {
        text += ` Allowing for chance, the true average change is likely to lie between ${signedPct(lo)} and ${signedPct(hi)}.`;
      }
      break;
    }
    case "NMD":
      text = `On average, treatment undid about ${round(m.estimate, 0)}% of the harm caused by the injury (measured against animals that had the operation without the injury).`;
      if (lo !== null && hi !== null)
        text += ` Allowing for chance, the true average is likely to lie between ${round(lo, 0)}% and ${round(hi, 0)}%.`;
      break;
    default:
      text = `The average effect was ${round(m.estimate, 2)} on the scale the studies reported.`;
      if (lo !== null && hi !== null)
        text += ` Allowing for chance, the true average is likely to lie between ${round(lo, 2)} and ${round(hi, 2)}.`;
  }
  text += excludesZero
    ? ' This range does not include "no difference", so the results point to a real difference, although not necessarily one large enough to matter.'
    : ' This range includes "no difference", so these experiments cannot rule out that the treatment makes no difference at all.';
  return text;
}

/**
 * What was found for event counts (odds ratio, risk ratio, risk difference) and correlations:
 * the average in everyday words, its likely range, and whether that range includes "no
 * difference" (a ratio of 1, a difference of 0) or "no association" (a correlation of 0). The
 * range is tested on the analysis scale, where no effect is 0 for every one of these measures.
 */
function eventOrCorrelationFindings(a: Analysis, event: string | null, g: Groups): string {
  const m = summaryModel(a);
  const measure = a.settings.measure;
  const lo = m.ciLower;
  const hi = m.ciUpper;
  const scale = measureScale(measure);
  const shown = (x: number) => backTransform(scale, x);
  const excludesZero = lo !== null && hi !== null && (lo > 0 || hi < 0);
  const the = event ?? "the event";
  let text: string;
  if (CORRELATION_MEASURES.includes(measure)) {
    const r = shown(m.estimate);
    const size = Math.abs(r);
    // Cohen 1988: 0.1 small, 0.3 moderate, 0.5 large.
    const words =
      size < 0.1 ? "very small" : size < 0.3 ? "small" : size < 0.5 ? "moderate" : "large";
    text = `On average, the two measurements showed a ${words} ${r >= 0 ? "positive" : "negative"} correlation (r = ${round(r, 2)}; by convention, 0.1 counts as small, 0.3 as moderate and 0.5 as large): higher values of one tended to go with ${r >= 0 ? "higher" : "lower"} values of the other.`;
    if (lo !== null && hi !== null)
      text += ` Allowing for chance, the true average correlation is likely to lie between ${round(shown(lo), 2)} and ${round(shown(hi), 2)}.`;
    return (
      text +
      (excludesZero
        ? ' This range does not include "no association" (a correlation of 0), so the results point to a real association, although not necessarily a strong one.'
        : ' This range includes "no association" (a correlation of 0), so these experiments cannot rule out that the two are not related at all.')
    );
  }
  const estimate = shown(m.estimate);
  if (measure === "RD") {
    const n = Math.round(Math.abs(100 * m.estimate));
    text =
      n === 0
        ? `${capitalise(the)} happened to about as many out of every 100 ${g.subjects} given ${g.treatment} as out of every 100 control ${g.subjects}.`
        : `${capitalise(the)} happened to about ${perHundred(m.estimate)} out of every 100 ${g.subjects} given ${g.treatment} than out of every 100 control ${g.subjects}.`;
    if (lo !== null && hi !== null)
      text += ` Allowing for chance, the true average difference is likely to lie between ${perHundred(lo)} and ${perHundred(hi)} per 100 ${g.subjects}.`;
  } else if (measure === "RR") {
    const { words, exact } = ratioWords(estimate);
    const times = exact === null ? "" : ` (${exact} times the risk)`;
    text =
      words === "about the same"
        ? `${capitalise(the)} was about as likely in ${g.subjects} given ${g.treatment} as in control ${g.subjects}${times}.`
        : `${capitalise(the)} was ${words} as likely in ${g.subjects} given ${g.treatment} as in control ${g.subjects}${times}.`;
    if (lo !== null && hi !== null)
      text += ` Allowing for chance, the true average risk with ${g.treatment} is likely to lie between ${round(shown(lo), 2)} and ${round(shown(hi), 2)} times the risk without it.`;
  } else {
    const { words, exact } = ratioWords(estimate);
    const times = exact === null ? "" : ` (${exact} times the odds)`;
    text =
      words === "about the same"
        ? `${capitalise(g.subjects)} given ${g.treatment} had about the same odds of ${the} as control ${g.subjects}${times}.`
        : `${capitalise(g.subjects)} given ${g.treatment} had ${words} the odds of ${the} that control ${g.subjects} had${times}.`;
    if (lo !== null && hi !== null)
      text += ` Allowing for chance, the true average odds with ${g.treatment} are likely to lie between ${round(shown(lo), 2)} and ${round(shown(hi), 2)} times the odds without it.`;
  }
  const same =
    measure === "RD"
      ? "the same share of events"
      : measure === "RR"
        ? "the same risk"
        : "the same odds";
  return (
    text +
    (excludesZero
      ? ` This range does not include "no difference" (${same} in both groups), so the results point to a real difference, although not necessarily one large enough to matter.`
      : ` This range includes "no difference" (${same} in both groups), so these experiments cannot rule out that the treatment makes no difference at all.`)
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A ratio in words, to be followed by "the odds of ..." or "as likely": "about the same" (within
 * 5% of 1), "about half", "about a third", "about twice"... with the ratio itself in brackets, or
 * the ratio alone ("0.62 times") when no simple word is near it.
 */
function ratioWords(ratio: number): { words: string; exact: string | null } {
  const near = (target: number) => Math.abs(ratio / target - 1) < 0.05;
  const exact = round(ratio, 2);
  if (near(1)) return { words: "about the same", exact };
  const named: [number, string][] = [
    [1 / 4, "about a quarter"],
    [1 / 3, "about a third"],
    [1 / 2, "about half"],
    [2 / 3, "about two-thirds"],
    [3 / 4, "about three-quarters"],
    [1.5, "about one and a half times"],
    [2, "about twice"],
    [3, "about three times"],
    [4, "about four times"],
  ];
  for (const [target, words] of named) if (near(target)) return { words, exact };
  return { words: `${exact} times`, exact: null };
}

/** A risk difference as events per 100: "12 fewer", "3 more", "0 more". */
function perHundred(difference: number): string {
  const n = Math.round(Math.abs(100 * difference));
  return `${n} ${difference < 0 && n > 0 ? "fewer" : "more"}`;
}

function signedPct(logRatio: number): string {
  const pct = 100 * (Math.exp(logRatio) - 1);
  return `${pct >= 0 ? "" : "minus "}${round(Math.abs(pct), 0)}%`;
}

/**
 * A value of the measure in words: points (MD), percent (NMD, ROM as a change), times the odds
 * or the risk (ratios), events per 100 (RD), a correlation, plain (SMD).
 */
function valueText(a: Analysis, x: number): string {
  const shown = backTransform(measureScale(a.settings.measure), x);
  switch (a.settings.measure) {
    case "MD":
      return `${round(x, 1)} points`;
    case "NMD":
      return `${round(x, 0)}%`;
    case "ROM":
      return signedPct(x);
    case "OR":
    case "PETO":
      return `${round(shown, 2)} times the odds`;
    case "RR":
      return `${round(shown, 2)} times the risk`;
    case "RD":
      return `${perHundred(x)} events per 100`;
    case "ZCOR":
    case "COR":
      return `a correlation of ${round(shown, 2)}`;
    default:
      return round(x, 2);
  }
}

/** "no association" for correlations, "no effect" for the others. */
function noEffect(a: Analysis): string {
  return CORRELATION_MEASURES.includes(a.settings.measure) ? "no association" : "no effect";
}

function consistency(a: Analysis, animals: boolean): string {
  const m = summaryModel(a);
  const dependence = dependenceSentence(a);
  if (m.k < 2 || m.I2 === null)
    return "There were too few experiments to say whether their results agreed.";
  const i2 = m.I2;
  let text =
    i2 < 25
      ? "The experiments gave fairly similar results."
      : i2 < 50
        ? "The experiments' results differed somewhat from one another."
        : i2 < 75
          ? "The experiments' results differed quite a lot from one another."
          : "The experiments' results differed a great deal from one another.";
  if (i2 >= 25)
    text += ` This may be because they used different ${CORRELATION_MEASURES.includes(a.settings.measure) ? "" : "doses, "}methods or kinds of ${animals ? "animals" : "participants"}, so a single average does not tell the whole story.`;
  if (m.piLower !== null && m.piUpper !== null && m.k >= 3) {
    text += ` Taking these differences into account, a new experiment of the same kind could find anything from ${valueText(a, m.piLower)} to ${valueText(a, m.piUpper)}`;
    const crossesZero = m.piLower < 0 && m.piUpper > 0;
    const none = noEffect(a);
    text += crossesZero
      ? `, which includes ${none} or even the opposite ${none === "no effect" ? "effect" : "association"}.`
      : ".";
  }
  return dependence === null ? text : `${text}\n\n${dependence}`;
}

/**
 * One plain sentence on experiments from the same publication, when some publication reported
 * several: whether they resembled each other (the share of the true-effect variance that lies
 * between publications) and what allowing for it does to the certainty (the width of the
 * three-level model's interval against the standard model's).
 */
function dependenceSentence(a: Analysis): string | null {
  const ml = a.multilevel;
  if (ml === null) return null;
  const counts = publicationCounts(a);
  if (counts.repeated === 0) return null;
  const start = `Some publications reported more than one experiment (${counts.experiments} experiments came from ${counts.publications} publications).`;
  const total = ml.sigma2Between + ml.sigma2Within;
  const share = total > 0 ? ml.sigma2Between / total : 0;
  const alike =
    share >= 0.5
      ? "Experiments from the same publication gave more similar results than experiments from different publications, so they tell us less than the same number of separate studies would."
      : share >= 0.1
        ? "Experiments from the same publication resembled each other somewhat more than experiments from different publications."
        : "Experiments from the same publication were no more alike than experiments from different publications.";
  const width = (lo: number | null, hi: number | null) =>
    lo === null || hi === null ? null : hi - lo;
  const threeLevel = width(ml.ciLower, ml.ciUpper);
  const standard = width(a.model.ciLower, a.model.ciUpper);
  let certainty = "";
  if (threeLevel !== null && standard !== null && standard > 0) {
    const ratio = threeLevel / standard;
    certainty =
      ratio > 1.1
        ? " Allowing for this makes the range of likely values for the average wider, so we can be less sure of it than a simple count of experiments suggests."
        : ratio < 0.9
          ? " Allowing for this makes the range of likely values for the average a little narrower."
          : " Allowing for this hardly changes how sure we can be of the average.";
  }
  return `${start} ${alike}${certainty}${changedConclusion(a)}`;
}

/**
 * When allowing for publications changes what the reader would conclude (the standard model's
 * interval excludes no effect and the three-level model's does not, or the two estimates point in
 * opposite directions), say so plainly: the findings above speak of the standard model.
 */
function changedConclusion(a: Analysis): string {
  const ml = a.multilevel;
  if (ml === null || a.settings.model === "three-level") return "";
  const m = a.model;
  const excludesZero = (lo: number | null, hi: number | null) =>
    lo !== null && hi !== null && (lo > 0 || hi < 0);
  const flips = Math.sign(m.estimate) !== Math.sign(ml.estimate) && ml.estimate !== 0;
  const loses = excludesZero(m.ciLower, m.ciUpper) && !excludesZero(ml.ciLower, ml.ciUpper);
  if (!flips && !loses) return "";
  const range =
    ml.ciLower === null || ml.ciUpper === null
      ? ""
      : ` (likely between ${valueText(a, ml.ciLower)} and ${valueText(a, ml.ciUpper)})`;
  return ` Allowing for this changes the conclusion: the average effect is then ${valueText(a, ml.estimate)}${range}${flips ? ", in the other direction" : ""}${loses ? `, and the results no longer rule out ${noEffect(a)}` : ""}.`;
}
