/**
 * The one table of column names Pooled recognises (documented for users in packages/cli/README.md;
 * keep the two in step). A header matches a field when, after {@link normaliseHeader}, it equals
 * one of the field's aliases: matching ignores case, spaces, underscores, hyphens, dots and
 * brackets, so "Mean (treatment)", "mean_treatment" and "MeanTreatment" are the same name.
 *
 * Group 1 is the treatment (experimental) arm and group 2 the control arm, as in metafor.
 */
import { type InputField, SYRCLE_ITEMS, type SyrcleItem } from "./types.js";

/** Lower-cases a header and removes spaces, underscores, hyphens, dots and brackets. */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s_\-.()[\]]+/g, "");
}

/**
 * Aliases per input field, metafor's name first. Written as users would write them; they are
 * normalised when the lookup is built, so "mean_treatment" also matches "Mean Treatment".
 */
export const FIELD_ALIASES: Readonly<Record<InputField, readonly string[]>> = {
  study: ["study", "study_label", "study_id", "experiment", "experiment_id", "comparison", "label"],
  m1i: [
    "m1i",
    "mean_treatment",
    "treatment_mean",
    "mean_t",
    "mean_1",
    "mean_experimental",
    "experimental_mean",
    "mean_intervention",
  ],
  sd1i: [
    "sd1i",
    "sd_treatment",
    "treatment_sd",
    "sd_t",
    "sd_1",
    "sd_experimental",
    "experimental_sd",
    "sd_intervention",
  ],
  n1i: [
    "n1i",
    "n_treatment",
    "treatment_n",
    "n_t",
    "n_1",
    "n_experimental",
    "experimental_n",
    "n_intervention",
  ],
  m2i: ["m2i", "mean_control", "control_mean", "mean_c", "mean_2"],
  sd2i: ["sd2i", "sd_control", "control_sd", "sd_c", "sd_2"],
  n2i: ["n2i", "n_control", "control_n", "n_c", "n_2"],
  sem1i: ["sem1i", "sem_treatment", "treatment_sem", "se_treatment", "sem_t", "sem_experimental"],
  sem2i: ["sem2i", "sem_control", "control_sem", "se_control", "sem_c"],
  ci1lb: ["ci_lower_treatment", "treatment_ci_lower", "lower_ci_treatment", "ci_lb_treatment"],
  ci1ub: ["ci_upper_treatment", "treatment_ci_upper", "upper_ci_treatment", "ci_ub_treatment"],
  ci2lb: ["ci_lower_control", "control_ci_lower", "lower_ci_control", "ci_lb_control"],
  ci2ub: ["ci_upper_control", "control_ci_upper", "upper_ci_control", "ci_ub_control"],
  ai: [
    "ai",
    "events_treatment",
    "treatment_events",
    "events_t",
    "events_1",
    "events_experimental",
    "experimental_events",
    "events_intervention",
    "deaths_treatment",
    "treatment_deaths",
  ],
  bi: [
    "bi",
    "non_events_treatment",
    "nonevents_treatment",
    "treatment_non_events",
    "treatment_nonevents",
    "survivors_treatment",
  ],
  ci: [
    "ci",
    "events_control",
    "control_events",
    "events_c",
    "events_2",
    "deaths_control",
    "control_deaths",
  ],
  di: [
    "di",
    "non_events_control",
    "nonevents_control",
    "control_non_events",
    "control_nonevents",
    "survivors_control",
  ],
  ri: ["ri", "r", "correlation", "cor", "pearson_r"],
  ni: ["ni", "n", "sample_size", "n_total", "total_n"],
  median1i: ["median1i", "median_treatment", "treatment_median", "median_t", "median_1"],
  q1_1i: [
    "q1_1i",
    "q1_treatment",
    "treatment_q1",
    "lower_quartile_treatment",
    "iqr_lower_treatment",
  ],
  q3_1i: [
    "q3_1i",
    "q3_treatment",
    "treatment_q3",
    "upper_quartile_treatment",
    "iqr_upper_treatment",
  ],
  min1i: ["min1i", "min_treatment", "treatment_min", "range_lower_treatment"],
  max1i: ["max1i", "max_treatment", "treatment_max", "range_upper_treatment"],
  median2i: ["median2i", "median_control", "control_median", "median_c", "median_2"],
  q1_2i: ["q1_2i", "q1_control", "control_q1", "lower_quartile_control", "iqr_lower_control"],
  q3_2i: ["q3_2i", "q3_control", "control_q3", "upper_quartile_control", "iqr_upper_control"],
  min2i: ["min2i", "min_control", "control_min", "range_lower_control"],
  max2i: ["max2i", "max_control", "control_max", "range_upper_control"],
  msham: ["msham", "msi", "sham_mean", "mean_sham", "normal_mean", "mean_normal"],
  yi: ["yi", "effect", "effect_size", "es"],
  vi: ["vi", "variance", "var"],
  sei: ["sei", "se", "standard_error"],
  controlGroup: ["control_group", "control_group_id", "control_id", "shared_control"],
  cluster: ["cluster", "publication", "publication_id", "pub_id", "paper", "article"],
  year: ["year", "publication_year", "pub_year"],
  exclude: ["exclude", "excluded", "exclusion", "exclude_reason"],
};

/**
 * Header names per SYRCLE item (Hooijmans et al. 2014, items 1-10 in the tool's order):
 * `rob_<item>`, `syrcle_<item>`, `<item>`, `syrcle_<number>` and `rob_<number>`,
 * e.g. rob_sequence_generation, syrcle_1, blinding_assessor, rob_7.
 */
export function syrcleAliases(item: SyrcleItem): string[] {
  const number = SYRCLE_ITEMS.indexOf(item) + 1;
  return [`rob_${item}`, `syrcle_${item}`, item, `syrcle_${number}`, `rob_${number}`];
}

/** Which field a header feeds, by alias, or null. Fields win over SYRCLE items (none collide). */
export type HeaderMatch =
  | { kind: "field"; field: InputField }
  | { kind: "syrcle"; item: SyrcleItem };

let lookup: Map<string, HeaderMatch> | null = null;

function buildLookup(): Map<string, HeaderMatch> {
  const map = new Map<string, HeaderMatch>();
  for (const [field, aliases] of Object.entries(FIELD_ALIASES) as [
    InputField,
    readonly string[],
  ][]) {
    for (const alias of aliases) map.set(normaliseHeader(alias), { kind: "field", field });
  }
  for (const item of SYRCLE_ITEMS) {
    for (const alias of syrcleAliases(item)) {
      const key = normaliseHeader(alias);
      if (!map.has(key)) map.set(key, { kind: "syrcle", item });
    }
  }
  return map;
}

/** The field or SYRCLE item a header names, or null when it is an ordinary (extra) column. */
export function matchHeader(header: string): HeaderMatch | null {
  lookup ??= buildLookup();
  return lookup.get(normaliseHeader(header)) ?? null;
}

/** Every input field name, for validating `--map field=column`. */
export const INPUT_FIELDS = Object.keys(FIELD_ALIASES) as InputField[];
