#!/usr/bin/env node
// Writes Pooled's bundled example: SIMULATED preclinical data, not results of real experiments.
//
//   node examples/generate-example.mjs          (rewrites the files below, byte for byte the same)
//
// - sci-exosomes-bbb.simulated.csv    30 rat experiments, BBB locomotor score (0-21), mean/SD/n per arm
// - sci-exosomes-il1b.simulated.csv   IL-1beta in spinal cord tissue, pg/mL or ng/mL by lab, some SEMs
// - prisma.json                       PRISMA 2020 flow counts of the (imaginary) search
//
// The generating model (see README.md): MD = 3 BBB points on average, a dose trend
// (100 µg -0.8, 120 µg 0, 200 µg +1.2), between-publication and between-experiment heterogeneity
// (tau about 1.5 in total), and small-study asymmetry from selective publication.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomStream } from "./random.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// Seed 28 was picked among 1-30 because its draw shows every designed feature: all four dose
// groups, both cytokine units, and visible funnel-plot asymmetry.
const SEED = 28;

const { random, uniform, integer, pick, normal } = randomStream(SEED);
/** Mean and SD of n draws, as a lab would report them. */
function sample(n, mean, sd, lo, hi) {
  const xs = Array.from({ length: n }, () => Math.min(hi, Math.max(lo, normal(mean, sd))));
  const m = xs.reduce((s, x) => s + x, 0) / n;
  const s = Math.sqrt(xs.reduce((acc, x) => acc + (x - m) ** 2, 0) / (n - 1));
  return { m, s };
}
const round = (x, digits) => Number(x.toFixed(digits));

const TRUE_MD = 3.0;
const DOSE_EFFECT = { 100: -0.8, 120: 0, 200: 1.2, "not reported": 0 };
const TAU_PUBLICATION = 1.0;
const TAU_EXPERIMENT = 1.0;
const SYRCLE = [
  ["sequence_generation", [0.3, 0.05, 0.65]],
  ["baseline_characteristics", [0.6, 0.05, 0.35]],
  ["allocation_concealment", [0.1, 0.05, 0.85]],
  ["random_housing", [0.1, 0.1, 0.8]],
  ["blinding_caregivers", [0.15, 0.1, 0.75]],
  ["random_outcome_assessment", [0.1, 0.05, 0.85]],
  ["blinding_assessor", [0.55, 0.1, 0.35]],
  ["incomplete_outcome_data", [0.5, 0.15, 0.35]],
  ["selective_reporting", [0.4, 0.05, 0.55]],
  ["other_bias", [0.6, 0.1, 0.3]],
];
const AUTHORS = [
  "Zhang",
  "Li",
  "Wang",
  "Chen",
  "Liu",
  "Huang",
  "Sun",
  "Kim",
  "Romanelli",
  "Nakazaki",
  "Guo",
  "Lankford",
  "Ruppert",
  "Xu",
  "Zhou",
  "Yang",
  "Rong",
  "Cizkova",
  "Jiang",
  "Ma",
];

// Publications and their experiments; small experiments with disappointing results stay in the
// drawer more often (selective publication), which makes the funnel plot asymmetric.
const bbbRows = [];
const cytokineRows = [];
let publicationIndex = 0;
let considered = 0;
while (bbbRows.length < 30) {
  const author = AUTHORS[publicationIndex % AUTHORS.length];
  const year = integer(2015, 2024);
  const publication = `${author} ${year}${publicationIndex >= AUTHORS.length ? "b" : ""}`;
  const strain = pick(["Sprague-Dawley", "Wistar"], [0.7, 0.3]);
  const sex = pick(["female", "male", "both"], [0.6, 0.3, 0.1]);
  const route = pick(["intravenous", "intrathecal", "local"], [0.5, 0.2, 0.3]);
  const labEffect = normal(0, TAU_PUBLICATION);
  const controlMean = uniform(5.5, 9.5);
  const sd = uniform(1.6, 3.2);
  const experiments = pick([1, 2, 3], [0.45, 0.35, 0.2]);
  const sharedControl = experiments > 1 && random() < 0.6;
  const doses =
    experiments > 1
      ? ["100", "120", "200"].slice(0, experiments)
      : [pick(["100", "120", "200", "not reported"], [0.2, 0.15, 0.25, 0.4])];
  const rob = SYRCLE.map(([, p]) => pick(["yes", "no", "unclear"], p));
  let control = null;
  const accepted = [];
  for (let e = 0; e < experiments; e++) {
    considered++;
    const n1 = integer(5, 15);
    const n2 = sharedControl && control ? control.n : integer(5, 15);
    if (!sharedControl || !control) {
      const c = sample(n2, controlMean, sd, 0, 21);
      control = { n: n2, m: c.m, s: c.s };
    }
    const dose = doses[e];
    const trueEffect = TRUE_MD + DOSE_EFFECT[dose] + labEffect + normal(0, TAU_EXPERIMENT);
    const t = sample(n1, controlMean + trueEffect, sd * uniform(0.9, 1.3), 0, 21);
    const md = t.m - control.m;
    const small = n1 + n2 < 20;
    if (small && md < 3 && random() < 0.8) continue;
    accepted.push({ n1, t, dose, control: { ...control } });
  }
  if (accepted.length === 0) {
    publicationIndex++;
    continue;
  }
  const shared = sharedControl && accepted.length > 1;
  accepted.forEach((a, i) => {
    if (bbbRows.length >= 30) return;
    const id =
      accepted.length > 1
        ? `${publication} (${a.dose === "not reported" ? "dose NR" : `${a.dose} µg`})`
        : publication;
    bbbRows.push({
      study: id,
      publication,
      year,
      strain,
      sex,
      dose: a.dose === "not reported" ? "not reported" : `${a.dose} µg`,
      route,
      control_group: shared ? `${publication} control` : "",
      n_treatment: a.n1,
      mean_treatment: round(a.t.m, 2),
      sd_treatment: round(a.t.s, 2),
      n_control: a.control.n,
      mean_control: round(a.control.m, 2),
      sd_control: round(a.control.s, 2),
      sham_mean: round(uniform(20.6, 21), 1),
      ...Object.fromEntries(SYRCLE.map(([item], j) => [`rob_${item}`, rob[j]])),
      exclude: "",
      _i: i,
    });
  });
  // About half of the labs also measured IL-1beta (lower is better): SMD about -1.2.
  if (random() < 0.8 && cytokineRows.length < 16) {
    const nanograms = random() < 0.35;
    const scale = nanograms ? 0.001 : 1;
    const n1 = integer(5, 12);
    const n2 = integer(5, 12);
    const base = uniform(180, 420);
    const spread = base * uniform(0.2, 0.35);
    const c = sample(n2, base, spread, 0, Number.POSITIVE_INFINITY);
    const t = sample(
      n1,
      base - (1.2 + normal(0, 0.5)) * spread,
      spread * uniform(0.8, 1.2),
      0,
      Number.POSITIVE_INFINITY,
    );
    const semReported = random() < 0.3;
    const digits = nanograms ? 4 : 1;
    cytokineRows.push({
      study: publication,
      publication,
      year,
      unit: nanograms ? "ng/mL" : "pg/mL",
      n_treatment: n1,
      mean_treatment: round(t.m * scale, digits),
      sd_treatment: semReported ? "" : round(t.s * scale, digits),
      sem_treatment: semReported ? round((t.s / Math.sqrt(n1)) * scale, digits) : "",
      n_control: n2,
      mean_control: round(c.m * scale, digits),
      sd_control: semReported ? "" : round(c.s * scale, digits),
      sem_control: semReported ? round((c.s / Math.sqrt(n2)) * scale, digits) : "",
    });
  }
  publicationIndex++;
}
// One experiment the reviewers excluded on reading the full text, kept and listed, not deleted.
const excludedRow = bbbRows.slice(12).find((r) => r.control_group === "") ?? bbbRows[0];
excludedRow.exclude = "same animals as an earlier report";

function csv(rows) {
  const headers = Object.keys(rows[0]).filter((h) => !h.startsWith("_"));
  const cell = (v) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return (
    [headers.join(","), ...rows.map((r) => headers.map((h) => cell(r[h])).join(","))].join("\n") +
    "\n"
  );
}

const prisma = {
  identified: 486,
  duplicatesRemoved: 131,
  screened: 355,
  excludedScreening: 287,
  fullTextAssessed: 68,
  fullTextExcluded: {
    "no control group": 17,
    "outcome not BBB score": 14,
    "not a spinal cord injury model": 9,
    "data not extractable": 6,
    "conference abstract only": 2,
  },
  included: 20,
};
const publications = new Set(bbbRows.map((r) => r.publication)).size;
prisma.included = publications;
prisma.fullTextExcluded["data not extractable"] =
  prisma.fullTextAssessed - publications - 17 - 14 - 9 - 2;

writeFileSync(join(here, "sci-exosomes-bbb.simulated.csv"), csv(bbbRows));
writeFileSync(join(here, "sci-exosomes-il1b.simulated.csv"), csv(cytokineRows));
writeFileSync(join(here, "prisma.json"), JSON.stringify(prisma, null, 2) + "\n");
console.log(
  `wrote ${bbbRows.length} BBB experiments from ${publications} publications (${considered} simulated, the rest unpublished), ${cytokineRows.length} IL-1beta experiments`,
);
