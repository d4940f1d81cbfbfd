#!/usr/bin/env node
// Writes Pooled's bundled binary-outcome example: SIMULATED preclinical data, not results of real
// experiments.
//
//   node examples/generate-mortality.mjs        (rewrites the file below, byte for byte the same)
//
// - sci-exosomes-mortality.simulated.csv   24 rat experiments, death within 28 days, deaths/n per arm
//
// The same imaginary review as generate-example.mjs (stem-cell-derived exosomes vs vehicle in rats
// after spinal cord injury), but other (made-up) publications: none of these labels appears in the
// BBB file, so no animal is counted in both. The generating model (see README.md): true odds ratio
// 0.5, control risk 20-45% per publication, a publication-level random effect on the log odds
// ratio (SD 0.3), independent control arms, no selective publication.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomStream } from "./random.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// Seed 14 was picked among 1-100 as the first whose draw shows every designed feature: exactly one
// double-zero table, at least two tables with zero deaths in one arm only, 17-19 publications, all
// four dose groups, and a Mantel-Haenszel odds ratio between 0.4 and 0.6 (near the true 0.5).
const SEED = 14;

const { random, uniform, integer, pick, normal } = randomStream(SEED);
/** Deaths among n animals that each die with probability p. */
const binomial = (n, p) => Array.from({ length: n }, () => random() < p).filter(Boolean).length;
const logit = (p) => Math.log(p / (1 - p));
const expit = (x) => 1 / (1 + Math.exp(-x));

const EXPERIMENTS = 24;
const TRUE_OR = 0.5;
const TAU_PUBLICATION = 0.3; // SD of the publication effect on the log odds ratio
const CONTROL_RISK = [0.2, 0.45]; // uniform, per publication
const ARM_SIZE = [6, 20]; // animals per arm, uniform integer
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
// Made-up author labels, none of them among the BBB file's publications.
const AUTHORS = [
  "Zhao",
  "Wu",
  "Park",
  "Tanaka",
  "Feng",
  "Hernandez",
  "Lee",
  "Deng",
  "Schmidt",
  "Tang",
  "Rossi",
  "Sato",
  "He",
  "Nowak",
  "Cao",
  "Silva",
  "Peng",
  "Han",
  "Kowalski",
  "Zheng",
  "Ito",
  "Meyer",
];

const rows = [];
let publicationIndex = 0;
while (rows.length < EXPERIMENTS) {
  const author = AUTHORS[publicationIndex % AUTHORS.length];
  const year = integer(2015, 2024);
  const publication = `${author} ${year}${publicationIndex >= AUTHORS.length ? "b" : ""}`;
  const route = pick(["intravenous", "intrathecal", "local"], [0.5, 0.2, 0.3]);
  const labEffect = normal(0, TAU_PUBLICATION);
  const controlRisk = uniform(...CONTROL_RISK);
  const treatmentRisk = expit(logit(controlRisk) + Math.log(TRUE_OR) + labEffect);
  const experiments = Math.min(pick([1, 2, 3], [0.65, 0.25, 0.1]), EXPERIMENTS - rows.length);
  const doses =
    experiments > 1
      ? ["100", "120", "200"].slice(0, experiments)
      : [pick(["100", "120", "200", "not reported"], [0.2, 0.15, 0.25, 0.4])];
  const rob = SYRCLE.map(([, p]) => pick(["yes", "no", "unclear"], p));
  for (const dose of doses) {
    const n1 = integer(...ARM_SIZE);
    const n2 = integer(...ARM_SIZE);
    const label = dose === "not reported" ? "not reported" : `${dose} µg`;
    rows.push({
      study: experiments > 1 ? `${publication} (${label})` : publication,
      publication,
      year,
      dose: label,
      route,
      deaths_treatment: binomial(n1, treatmentRisk),
      n_treatment: n1,
      deaths_control: binomial(n2, controlRisk),
      n_control: n2,
      ...Object.fromEntries(SYRCLE.map(([item], j) => [`rob_${item}`, rob[j]])),
    });
  }
  publicationIndex++;
}

function csv(table) {
  const headers = Object.keys(table[0]);
  const cell = (v) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return (
    [headers.join(","), ...table.map((r) => headers.map((h) => cell(r[h])).join(","))].join("\n") +
    "\n"
  );
}

writeFileSync(join(here, "sci-exosomes-mortality.simulated.csv"), csv(rows));
const publications = new Set(rows.map((r) => r.publication)).size;
const doubleZero = rows.filter((r) => r.deaths_treatment === 0 && r.deaths_control === 0);
const oneZero = rows.filter((r) => (r.deaths_treatment === 0) !== (r.deaths_control === 0));
console.log(
  `wrote ${rows.length} mortality experiments from ${publications} publications; zero deaths in one arm: ${oneZero.map((r) => r.study).join(", ")}; in both arms: ${doubleZero.map((r) => r.study).join(", ")}`,
);
