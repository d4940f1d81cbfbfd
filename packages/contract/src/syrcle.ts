/**
 * The SYRCLE risk-of-bias tool for animal studies (Hooijmans et al. 2014, BMC Med Res Methodol
 * 14:43): its ten items in the tool's order, their printed names and the judgements a reviewer
 * gives. The data columns, the analysis JSON, the plots and the web page all use these names.
 */

/** SYRCLE risk-of-bias items (Hooijmans et al. 2014), in the tool's order. */
export const SYRCLE_ITEMS = [
  "sequence_generation",
  "baseline_characteristics",
  "allocation_concealment",
  "random_housing",
  "blinding_caregivers",
  "random_outcome_assessment",
  "blinding_assessor",
  "incomplete_outcome_data",
  "selective_reporting",
  "other_bias",
] as const;
export type SyrcleItem = (typeof SYRCLE_ITEMS)[number];

/** Names of the SYRCLE items as printed. */
export const SYRCLE_ITEM_NAMES: Record<SyrcleItem, string> = {
  sequence_generation: "Sequence generation",
  baseline_characteristics: "Baseline characteristics",
  allocation_concealment: "Allocation concealment",
  random_housing: "Random housing",
  blinding_caregivers: "Blinding of caregivers/investigators",
  random_outcome_assessment: "Random outcome assessment",
  blinding_assessor: "Blinding of outcome assessor",
  incomplete_outcome_data: "Incomplete outcome data",
  selective_reporting: "Selective reporting",
  other_bias: "Other bias",
};

/** A reviewer's judgement of one item: low or high risk of bias, or unclear. */
export type RiskJudgement = "low" | "high" | "unclear";
