#!/usr/bin/env node
/**
 * Snapshots what the built command writes for a wide set of inputs and flags, so that a refactoring
 * of the pipeline can be checked byte for byte: run it before and after, then `diff -r` the two
 * folders.
 *
 *   npx turbo run build --filter=@pooled/cli...
 *   node packages/pipeline/scripts/report-snapshot.mjs /tmp/pipeline-before
 *   ... change the code, build again ...
 *   node packages/pipeline/scripts/report-snapshot.mjs /tmp/pipeline-after
 *   diff -r /tmp/pipeline-before /tmp/pipeline-after
 *
 * Each case gets a folder <dest>/<case>/ holding the command line (args), stdout, stderr, the exit
 * code (exit) and, with --out, the report folder (report/). Every run happens in the same scratch
 * folder (cwd and input files at fixed paths), so that the paths printed are the same in both runs.
 * The bundled examples cover the report; small generated files cover the other kinds of input
 * (correlations, given effect sizes, medians, CIs, non-events, decimal commas) and the
 * validation messages of broken files.
 *
 * Options: --cli <bin.js> (default packages/cli/dist/bin.js), --jobs <n> (default 2),
 * --only <substring> (cases whose name contains it).
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomStream } from "../../../examples/random.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = argv[at + 1];
  argv.splice(at, 2);
  return value;
};
const cli = resolve(flag("--cli", join(root, "packages/cli/dist/bin.js")));
const jobs = Number(flag("--jobs", "2"));
const only = flag("--only", "");
const dest = argv[0] === undefined ? null : resolve(argv[0]);
if (dest === null || !existsSync(cli)) {
  console.error(
    "usage: node packages/pipeline/scripts/report-snapshot.mjs <dest-dir> [--cli bin.js] [--jobs n] [--only name]",
  );
  if (!existsSync(cli)) console.error(`no built command at ${cli}: build it first`);
  process.exit(2);
}

/** Fixed scratch folder: the paths the command prints are the same in every run. */
const work = "/tmp/pooled-report-snapshot-work";
rmSync(work, { recursive: true, force: true });
const inputs = join(work, "inputs");
mkdirSync(inputs, { recursive: true });

const example = (name) => join(root, "examples", name);
const BBB = example("sci-exosomes-bbb.simulated.csv");
const IL1B = example("sci-exosomes-il1b.simulated.csv");
const MORTALITY = example("sci-exosomes-mortality.simulated.csv");
const PROJECT = example("sci-exosomes-bbb.pooled.json");
const PRISMA = example("prisma.json");

// ---------------------------------------------------------------- generated inputs

/** The examples' seeded generator (mulberry32), so the files are the same in every run. */
const generator = (seed) => randomStream(seed).random;
const round = (x, d = 2) => Number(x.toFixed(d));

function write(name, text) {
  const path = join(inputs, name);
  writeFileSync(path, text);
  return path;
}

function csv(rows) {
  return `${rows.map((r) => r.join(",")).join("\n")}\n`;
}

/** Correlations with sample sizes, a year, a categorical moderator. */
function correlationFile() {
  const next = generator(7);
  const rows = [["study", "year", "species", "r", "n"]];
  for (let i = 0; i < 12; i++)
    rows.push([
      `Corr ${i + 1}`,
      2010 + (i % 9),
      i % 3 === 0 ? "mouse" : "rat",
      round(0.2 + 0.4 * next() - 0.1, 3),
      Math.round(15 + 60 * next()),
    ]);
  return write("correlations.csv", csv(rows));
}

/** Given effect sizes: variances in some rows, standard errors in others, arm sizes too. */
function givenFile() {
  const next = generator(11);
  const rows = [["study", "publication", "year", "route", "yi", "vi", "sei", "n1i", "n2i"]];
  for (let i = 0; i < 14; i++) {
    const v = round(0.05 + 0.3 * next(), 4);
    rows.push([
      `Given ${i + 1}`,
      `Pub ${Math.floor(i / 2) + 1}`,
      2012 + (i % 8),
      i % 2 === 0 ? "oral" : "iv",
      round(0.5 + next() - 0.4 * Math.sqrt(v), 3),
      i % 3 === 0 ? "" : v,
      i % 3 === 0 ? round(Math.sqrt(v), 4) : "",
      6 + (i % 5),
      5 + (i % 4),
    ]);
  }
  return write("given.csv", csv(rows));
}

/** Arms as medians with quartiles and/or ranges, in some rows as means and SDs. */
function medianFile() {
  const next = generator(19);
  const rows = [
    [
      "study",
      "n_treatment",
      "mean_treatment",
      "sd_treatment",
      "median_treatment",
      "q1_treatment",
      "q3_treatment",
      "min_treatment",
      "max_treatment",
      "n_control",
      "mean_control",
      "sd_control",
      "median_control",
      "q1_control",
      "q3_control",
      "min_control",
      "max_control",
    ],
  ];
  for (let i = 0; i < 10; i++) {
    const m1 = 12 + 3 * next();
    const m2 = 8 + 3 * next();
    const kind = i % 4;
    const arm = (m) => {
      if (kind === 0) return [round(m), round(1.5 + next()), "", "", "", "", ""];
      const q = [round(m - 1.2), round(m + 1.3)];
      const r = [round(m - 3.1), round(m + 3.4)];
      if (kind === 1) return ["", "", round(m), ...q, "", ""];
      if (kind === 2) return ["", "", round(m), "", "", ...r];
      return ["", "", round(m), ...q, ...r];
    };
    rows.push([`Median ${i + 1}`, 8 + (i % 5), ...arm(m1), 7 + (i % 4), ...arm(m2)]);
  }
  return write("medians.csv", csv(rows));
}

/** SDs given as 95% CIs of the mean in some rows, as SEMs in others. */
function intervalFile() {
  const next = generator(23);
  const rows = [
    [
      "study",
      "n_treatment",
      "mean_treatment",
      "sd_treatment",
      "ci_lower_treatment",
      "ci_upper_treatment",
      "n_control",
      "mean_control",
      "sem_control",
      "ci_lower_control",
      "ci_upper_control",
    ],
  ];
  for (let i = 0; i < 9; i++) {
    const m1 = round(20 + 4 * next());
    const m2 = round(15 + 4 * next());
    rows.push([
      `Interval ${i + 1}`,
      9 + (i % 3),
      m1,
      i % 2 === 0 ? round(2 + next()) : "",
      i % 2 === 0 ? "" : round(m1 - 2 - next()),
      i % 2 === 0 ? "" : round(m1 + 2 + next()),
      8 + (i % 4),
      m2,
      i % 3 === 0 ? "" : round(0.6 + 0.3 * next()),
      i % 3 === 0 ? round(m2 - 1.5) : "",
      i % 3 === 0 ? round(m2 + 1.6) : "",
    ]);
  }
  return write("intervals.csv", csv(rows));
}

/** 2×2 tables with non-events in some rows and arm sizes in others, and a shared control id. */
function tablesFile() {
  const next = generator(31);
  const rows = [
    [
      "study",
      "year",
      "ai",
      "bi",
      "n1i",
      "ci",
      "di",
      "n2i",
      "control_group",
      "rob_blinding_assessor",
    ],
  ];
  for (let i = 0; i < 11; i++) {
    const n1 = 10 + Math.floor(10 * next());
    const n2 = 10 + Math.floor(10 * next());
    const a = Math.floor(n1 * 0.3 * next());
    const c = Math.floor(n2 * 0.5 * next()) + (i === 4 ? 0 : 1);
    const cells = i % 2 === 0 ? [a, n1 - a, ""] : [a, "", n1];
    const control = i % 3 === 0 ? [c, n2 - c, ""] : [c, "", n2];
    rows.push([
      `Table ${i + 1}`,
      2000 + i,
      ...cells,
      ...control,
      i < 2 ? "shared" : "",
      ["yes", "no", "unclear"][i % 3],
    ]);
  }
  return write("tables.csv", csv(rows));
}

/** The first rows of the BBB file with semicolons and decimal commas, as a European spreadsheet. */
function decimalCommaFile() {
  const lines = readFileSync(BBB, "utf8").trim().split("\n").slice(0, 13);
  const out = lines.map((line, i) => {
    const cells = line.split(",");
    return cells.map((c) => (i > 0 && /^-?\d+\.\d+$/.test(c) ? c.replace(".", ",") : c)).join(";");
  });
  return write("decimal-comma.csv", `${out.join("\n")}\n`);
}

/** The bundled project with a 90% level and shared controls kept whole. */
function projectVariant() {
  const project = JSON.parse(readFileSync(PROJECT, "utf8"));
  project.analysis = { ...project.analysis, level: 90, splitSharedControls: false, mods: ["year"] };
  project.report = { forestSort: "weight", forestColumns: ["route"], favours: ["left", "right"] };
  return write("variant.pooled.json", `${JSON.stringify(project, null, 2)}\n`);
}

/** The BBB file with one cell changed by `edit(headers, rows)`. */
function brokenBbb(name, edit) {
  const lines = readFileSync(BBB, "utf8").trim().split("\n");
  const headers = lines[0].split(",");
  const rows = lines.slice(1, 9).map((l) => l.split(","));
  const result = edit(headers, rows) ?? { headers, rows };
  return write(name, csv([result.headers, ...result.rows]));
}

const col = (headers, name) => headers.indexOf(name);

const brokenInputs = {
  "bad-number": brokenBbb("bad-number.csv", (h, r) => {
    r[1][col(h, "mean_treatment")] = "9.4x";
    r[3][col(h, "n_control")] = "eight";
  }),
  "missing-column": brokenBbb("missing-column.csv", (h, r) => ({
    headers: h.filter((x) => x !== "sd_control"),
    rows: r.map((row) => row.filter((_, i) => h[i] !== "sd_control")),
  })),
  "negative-sd": brokenBbb("negative-sd.csv", (h, r) => {
    r[2][col(h, "sd_treatment")] = "-1.5";
  }),
  "duplicate-header": brokenBbb("duplicate-header.csv", (h) => {
    h[col(h, "sd_control")] = "sd_treatment";
  }),
  "ragged-and-labels": brokenBbb("ragged.csv", (h, r) => {
    r[1].pop();
    r[2][col(h, "study")] = "";
    r[3][col(h, "year")] = "20.5";
    r[4][col(h, "rob_blinding_assessor")] = "maybe";
    r[5][col(h, "n_treatment")] = "1";
    r[6][col(h, "study")] = "x".repeat(1200);
  }),
  "shared-control": brokenBbb("shared-control.csv", (h, r) => {
    r[1][col(h, "mean_control")] = "7.5";
  }),
  "median-problems": write(
    "median-problems.csv",
    csv([
      [
        "study",
        "n_treatment",
        "median_treatment",
        "q1_treatment",
        "q3_treatment",
        "n_control",
        "mean_control",
        "sd_control",
      ],
      ["Half", 8, 10, 8, "", 8, 7, 1.2],
      ["Alone", 8, 10, "", "", 8, 7, 1.2],
      ["Reversed", 8, 10, 12, 9, 8, 7, 1.2],
      ["Fine", 8, 10, 8, 12, 8, 7, 1.2],
    ]),
  ),
  "ci-reversed": write(
    "ci-reversed.csv",
    csv([
      [
        "study",
        "n_treatment",
        "mean_treatment",
        "ci_lower_treatment",
        "ci_upper_treatment",
        "n_control",
        "mean_control",
        "sd_control",
      ],
      ["Reversed", 8, 10, 12, 9, 8, 7, 1.2],
      ["Empty", 8, 10, "", "", 8, 7, 1.2],
    ]),
  ),
  counts: write(
    "counts.csv",
    csv([
      ["study", "ai", "n1i", "ci", "n2i", "bi"],
      ["Half", 2.5, 10, 3, 10, ""],
      ["Negative", 2, 10, -1, 10, ""],
      ["No size", 2, "", 3, 10, ""],
    ]),
  ),
  "given-missing": write(
    "given-missing.csv",
    csv([
      ["study", "yi", "vi", "sei"],
      ["No variance", 0.5, "", ""],
      ["Bad variance", 0.5, -0.1, ""],
      ["Fine", 0.4, 0.1, ""],
    ]),
  ),
  "correlation-bad": write(
    "correlation-bad.csv",
    csv([
      ["study", "r", "n"],
      ["Too big", 1.2, 20],
      ["No n", 0.3, ""],
      ["Fine", 0.3, 30],
    ]),
  ),
  "rom-negative": brokenBbb("rom-negative.csv", (h, r) => {
    r[0][col(h, "mean_control")] = "-2";
  }),
  "nmd-sham": brokenBbb("nmd-sham.csv", (h, r) => {
    r[0][col(h, "sham_mean")] = r[0][col(h, "mean_control")];
  }),
  "header-only": write("header-only.csv", "study,yi,vi\n"),
  empty: write("empty.csv", ""),
  "bad-json": write("bad.json", '[{"study": "a", "yi": 1, "vi": }]'),
  "prisma-bad": write(
    "prisma-bad.json",
    JSON.stringify({
      identified: 10,
      duplicatesRemoved: -1,
      screened: "many",
      excludedScreening: 2,
      fullTextAssessed: 3,
      fullTextExcluded: [{ reason: "x", n: 1.5 }, { n: 2 }],
      included: 4,
      surplus: 1,
      reportsSought: "x",
    }),
  ),
  "prisma-mismatch": write(
    "prisma-mismatch.json",
    JSON.stringify({
      identified: 100,
      duplicatesRemoved: 10,
      screened: 80,
      excludedScreening: 50,
      fullTextAssessed: 40,
      fullTextExcluded: { a: 5, b: 6 },
      included: 22,
    }),
  ),
};

const correlations = correlationFile();
const given = givenFile();
const medians = medianFile();
const intervals = intervalFile();
const tables = tablesFile();
const decimalComma = decimalCommaFile();
const variant = projectVariant();
const config = write(
  "columns.json",
  JSON.stringify({ columns: { study: "publication", m1i: "mean_control", m2i: "mean_treatment" } }),
);
const tsv = write(
  "bbb.tsv",
  readFileSync(BBB, "utf8")
    .split("\n")
    .map((l) => l.replaceAll(",", "\t"))
    .join("\n"),
);

// ---------------------------------------------------------------- cases

const OUT = ["--out", "report"];
/** name -> arguments of the command (after `node bin.js`). */
const cases = {
  help: ["--help"],
  "help-analyze": ["analyze", "--help"],
  "help-demo": ["demo", "--help"],
  version: ["--version"],
  "no-args": [],
  demo: ["demo", "--out", "report"],

  // The BBB file: each part of the report.
  "bbb-default": ["analyze", BBB, ...OUT],
  "bbb-by-dose": ["analyze", BBB, "--by", "dose", ...OUT],
  "bbb-by-route-mods-dose": ["analyze", BBB, "--by", "route", "--mods", "route,year", ...OUT],
  "bbb-mods-predict": ["analyze", BBB, "--mods", "dose,year", "--predict", "year=2018", ...OUT],
  "bbb-mods-year-predict": [
    "analyze",
    BBB,
    "--mods",
    "year",
    "--predict",
    "year=2015;year=2021",
    ...OUT,
  ],
  "bbb-mods-dose-year-predict": [
    "analyze",
    BBB,
    "--mods",
    "dose,year",
    "--predict",
    "dose=200 µg,year=2018;dose=100 µg,year=2020",
    ...OUT,
  ],
  "bbb-smd-ub": ["analyze", BBB, "--measure", "SMD", "--vtype", "UB", ...OUT],
  "bbb-smd": ["analyze", BBB, "--measure", "SMD", "--by", "route", ...OUT],
  "bbb-smd-revman": [
    "analyze",
    BBB,
    "--measure",
    "SMD",
    "--vtype",
    "RevMan",
    "--egger-predictor",
    "ninv",
    ...OUT,
  ],
  "bbb-rom-ls2": ["analyze", BBB, "--measure", "ROM", "--vtype", "LS2", ...OUT],
  "bbb-rom-uncorrected": [
    "analyze",
    BBB,
    "--measure",
    "ROM",
    "--no-correct-bias",
    "--by",
    "sex",
    ...OUT,
  ],
  "bbb-rom-corrected": [
    "analyze",
    BBB,
    "--measure",
    "ROM",
    "--correct-bias",
    "--mods",
    "year",
    ...OUT,
  ],
  "bbb-smdh": ["analyze", BBB, "--measure", "SMDH", ...OUT],
  "bbb-smdh-legacy": ["analyze", BBB, "--measure", "SMDH", "--legacy-smdh-variance", ...OUT],
  "bbb-nmd": ["analyze", BBB, "--measure", "NMD", ...OUT],
  "bbb-md-ub": ["analyze", BBB, "--vtype", "UB", ...OUT],
  "bbb-three-level": ["analyze", BBB, "--model", "three-level", ...OUT],
  "bbb-three-level-knha-by-mods": [
    "analyze",
    BBB,
    "--model",
    "three-level",
    "--test",
    "knha",
    "--by",
    "route",
    "--mods",
    "year",
    ...OUT,
  ],
  "bbb-three-level-ml-resampling": [
    "analyze",
    BBB,
    "--model",
    "three-level",
    "--method",
    "ML",
    "--bootstrap",
    "100",
    "--permutations",
    "100",
    "--seed",
    "9",
    ...OUT,
  ],
  "bbb-cluster-explicit": ["analyze", BBB, "--cluster", "publication", "--by", "strain", ...OUT],
  "bbb-dl-knha": ["analyze", BBB, "--method", "DL", "--test", "knha", ...OUT],
  "bbb-fe": ["analyze", BBB, "--method", "FE", "--by", "dose", ...OUT],
  "bbb-he": ["analyze", BBB, "--method", "HE", ...OUT],
  "bbb-hs": ["analyze", BBB, "--method", "HS", "--by", "route", ...OUT],
  "bbb-sj": ["analyze", BBB, "--method", "SJ", ...OUT],
  "bbb-ml": ["analyze", BBB, "--method", "ML", "--mods", "year", ...OUT],
  "bbb-eb": ["analyze", BBB, "--method", "EB", ...OUT],
  "bbb-pm-knha-mods": [
    "analyze",
    BBB,
    "--method",
    "PM",
    "--test",
    "knha",
    "--mods",
    "dose",
    ...OUT,
  ],
  "bbb-resampling": [
    "analyze",
    BBB,
    "--bootstrap",
    "200",
    "--permutations",
    "200",
    "--seed",
    "3",
    ...OUT,
  ],
  "bbb-resampling-mods-parametric": [
    "analyze",
    BBB,
    "--mods",
    "year",
    "--by",
    "route",
    "--permutations",
    "150",
    "--bootstrap",
    "150",
    "--bootstrap-type",
    "parametric",
    "--seed",
    "5",
    ...OUT,
  ],
  "bbb-gosh": ["analyze", BBB, "--gosh", "500", ...OUT],
  "bbb-trimfill-r0": ["analyze", BBB, "--trimfill-estimator", "R0", ...OUT],
  "bbb-trimfill-left": [
    "analyze",
    BBB,
    "--trimfill-side",
    "left",
    "--trimfill-estimator",
    "L0",
    ...OUT,
  ],
  "bbb-egger-ninv": ["analyze", BBB, "--egger-predictor", "ninv", ...OUT],
  "bbb-egger-vi": ["analyze", BBB, "--egger-predictor", "vi", ...OUT],
  "bbb-egger-sqrtninv": ["analyze", BBB, "--egger-predictor", "sqrtninv", "--method", "FE", ...OUT],
  "bbb-forest": [
    "analyze",
    BBB,
    "--forest-columns",
    "dose,sex",
    "--favours",
    "a,b",
    "--forest-sort",
    "effect",
    ...OUT,
  ],
  "bbb-forest-year-by": [
    "analyze",
    BBB,
    "--forest-sort",
    "year",
    "--by",
    "route",
    "--forest-columns",
    "strain",
    ...OUT,
  ],
  "bbb-forest-weight-three-level": [
    "analyze",
    BBB,
    "--forest-sort",
    "weight",
    "--model",
    "three-level",
    "--by",
    "dose",
    "--favours",
    "Favours control,Favours treatment",
    ...OUT,
  ],
  "bbb-prisma": ["analyze", BBB, "--prisma", PRISMA, ...OUT],
  "bbb-prisma-inline": [
    "analyze",
    BBB,
    "--prisma",
    "identified=100,duplicatesRemoved=10,screened=90,excludedScreening=60,fullTextAssessed=30,fullTextExcluded.wrong model=8,included=22,reportsSought=31,notRetrieved=1",
    ...OUT,
  ],
  "bbb-prisma-mismatch": ["analyze", BBB, "--prisma", brokenInputs["prisma-mismatch"], ...OUT],
  "bbb-json": ["analyze", BBB, "--format", "json"],
  "bbb-markdown": ["analyze", BBB, "--format", "markdown"],
  "bbb-markdown-by-mods": [
    "analyze",
    BBB,
    "--format",
    "markdown",
    "--by",
    "dose",
    "--mods",
    "year",
    "--model",
    "three-level",
  ],
  "bbb-json-resampling": [
    "analyze",
    BBB,
    "--format",
    "json",
    "--permutations",
    "100",
    "--seed",
    "2",
    "--quiet",
  ],
  "bbb-map-study": ["analyze", BBB, "--map", "study=publication", "--by", "route", ...OUT],
  "bbb-quiet": ["analyze", BBB, "--quiet", ...OUT],
  "bbb-tsv": ["analyze", tsv, ...OUT],

  // The mortality file: 2×2 tables.
  "mortality-default": ["analyze", MORTALITY, ...OUT],
  "mortality-mh": ["analyze", MORTALITY, "--method", "MH", ...OUT],
  "mortality-mh-by": [
    "analyze",
    MORTALITY,
    "--method",
    "MH",
    "--by",
    "route",
    "--mods",
    "year",
    ...OUT,
  ],
  "mortality-mh-keep00": [
    "analyze",
    MORTALITY,
    "--method",
    "MH",
    "--no-drop00",
    "--by",
    "dose",
    ...OUT,
  ],
  "mortality-peto": ["analyze", MORTALITY, "--method", "PETO", ...OUT],
  "mortality-peto-by": ["analyze", MORTALITY, "--method", "PETO", "--by", "dose", ...OUT],
  "mortality-rr-add": [
    "analyze",
    MORTALITY,
    "--measure",
    "RR",
    "--add",
    "0.25",
    "--to",
    "all",
    ...OUT,
  ],
  "mortality-rr-mh": ["analyze", MORTALITY, "--measure", "RR", "--method", "MH", ...OUT],
  "mortality-rd-mh-by": [
    "analyze",
    MORTALITY,
    "--measure",
    "RD",
    "--method",
    "MH",
    "--by",
    "route",
    ...OUT,
  ],
  "mortality-rd": ["analyze", MORTALITY, "--measure", "RD", "--to", "if0all", ...OUT],
  "mortality-peto-measure": ["analyze", MORTALITY, "--measure", "PETO", "--method", "DL", ...OUT],
  "mortality-peto-none": [
    "analyze",
    MORTALITY,
    "--measure",
    "PETO",
    "--to",
    "none",
    "--drop00",
    "--egger-predictor",
    "ninv",
    ...OUT,
  ],
  "mortality-rd-add0": [
    "analyze",
    MORTALITY,
    "--measure",
    "RD",
    "--add",
    "0",
    "--drop00",
    "--model",
    "three-level",
    ...OUT,
  ],
  "mortality-or-ninv-by": [
    "analyze",
    MORTALITY,
    "--egger-predictor",
    "ninv",
    "--by",
    "route",
    "--mods",
    "dose",
    ...OUT,
  ],
  "mortality-resampling": [
    "analyze",
    MORTALITY,
    "--method",
    "MH",
    "--bootstrap",
    "100",
    "--permutations",
    "100",
    "--seed",
    "4",
    ...OUT,
  ],
  "mortality-json": ["analyze", MORTALITY, "--method", "MH", "--format", "json"],

  // The IL-1β file: SDs from SEMs, units differ.
  "il1b-smd": ["analyze", IL1B, "--measure", "SMD", ...OUT],
  "il1b-smd-by-unit-exact": [
    "analyze",
    IL1B,
    "--measure",
    "SMD",
    "--by",
    "unit",
    "--permutations",
    "exact",
    ...OUT,
  ],
  "il1b-md": ["analyze", IL1B, "--format", "markdown"],
  "il1b-map-swapped": [
    "analyze",
    IL1B,
    "--measure",
    "SMD",
    "--map",
    "m1i=mean_control",
    "--map",
    "m2i=mean_treatment",
    "--map",
    "sd1i=sd_control",
    "--map",
    "sd2i=sd_treatment",
    "--map",
    "sem1i=sem_control",
    "--map",
    "sem2i=sem_treatment",
    ...OUT,
  ],
  "il1b-config": ["analyze", IL1B, "--measure", "SMD", "--config", config, "--by", "unit", ...OUT],

  // The project file.
  project: ["analyze", PROJECT, ...OUT],
  "project-flags": [
    "analyze",
    PROJECT,
    "--method",
    "DL",
    "--by",
    "route",
    "--forest-sort",
    "effect",
    ...OUT,
  ],
  "project-json": ["analyze", PROJECT, "--format", "json"],
  "project-variant": ["analyze", variant, ...OUT],

  // Other kinds of input.
  "correlations-zcor": ["analyze", correlations, "--by", "species", "--mods", "year", ...OUT],
  "correlations-cor": ["analyze", correlations, "--measure", "COR", "--method", "DL", ...OUT],
  "given-gen": ["analyze", given, ...OUT],
  "given-gen-ninv-three-level": [
    "analyze",
    given,
    "--egger-predictor",
    "ninv",
    "--model",
    "three-level",
    "--by",
    "route",
    ...OUT,
  ],
  medians: ["analyze", medians, ...OUT],
  "medians-smd": ["analyze", medians, "--measure", "SMD", ...OUT],
  intervals: ["analyze", intervals, ...OUT],
  tables: ["analyze", tables, ...OUT],
  "tables-mh-by": ["analyze", tables, "--method", "MH", "--by", "rob_blinding_assessor", ...OUT],
  "tables-peto": ["analyze", tables, "--method", "PETO", "--mods", "year", ...OUT],
  "decimal-comma": ["analyze", decimalComma, "--decimal-comma", ...OUT],

  // Bad settings.
  "error-mh-md": ["analyze", BBB, "--method", "MH"],
  "error-peto-rr": ["analyze", MORTALITY, "--method", "PETO", "--measure", "RR"],
  "error-mh-knha": ["analyze", MORTALITY, "--method", "MH", "--test", "knha"],
  "error-add-md": ["analyze", BBB, "--add", "0.5"],
  "error-vtype-rom": ["analyze", BBB, "--measure", "ROM", "--vtype", "UB"],
  "error-legacy-md": ["analyze", BBB, "--legacy-smdh-variance"],
  "error-correct-bias-md": ["analyze", BBB, "--no-correct-bias"],
  "error-correct-bias-or": ["analyze", MORTALITY, "--correct-bias"],
  "error-predict-no-mods": ["analyze", BBB, "--predict", "year=2018"],
  "error-predict-unknown": ["analyze", BBB, "--mods", "year", "--predict", "dose=3"],
  "error-three-level-dl": ["analyze", BBB, "--model", "three-level", "--method", "DL"],
  "error-three-level-no-cluster": ["analyze", correlations, "--model", "three-level"],
  "error-by-missing": ["analyze", BBB, "--by", "species"],
  "error-mods-missing": ["analyze", BBB, "--mods", "dose,weight"],
  "error-mods-twice": ["analyze", BBB, "--mods", "dose,Dose"],
  "error-forest-columns": ["analyze", BBB, "--forest-columns", "colour", ...OUT],
  "error-cluster-missing": ["analyze", BBB, "--cluster", "paper_id"],
  "error-exact-too-many": ["analyze", BBB, "--permutations", "exact"],
  "error-flag-value": ["analyze", BBB, "--bootstrap", "5"],
  "error-sheet-project": ["analyze", PROJECT, "--sheet", "2"],
  "error-nmd-no-sham": ["analyze", IL1B, "--measure", "NMD"],
  "error-no-file": ["analyze", join(inputs, "no-such-file.csv")],
};
for (const [name, file] of Object.entries(brokenInputs)) {
  if (name.startsWith("prisma-")) cases[`input-${name}`] = ["analyze", BBB, "--prisma", file];
  else if (name === "rom-negative") cases[`input-${name}`] = ["analyze", file, "--measure", "ROM"];
  else if (name === "nmd-sham") cases[`input-${name}`] = ["analyze", file, "--measure", "NMD"];
  else cases[`input-${name}`] = ["analyze", file];
}
cases["input-bad-number-mods"] = [
  "analyze",
  brokenInputs["bad-number"],
  "--mods",
  "dose,route",
  "--by",
  "strain",
];

// ---------------------------------------------------------------- run

function run(name, args) {
  const cwd = join(work, "cases", name);
  mkdirSync(cwd, { recursive: true });
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout = [];
    const stderr = [];
    child.stdout.on("data", (d) => stdout.push(d));
    child.stderr.on("data", (d) => stderr.push(d));
    child.on("close", (code, signal) => {
      writeFileSync(join(cwd, "args"), `${args.join("\n")}\n`);
      writeFileSync(join(cwd, "stdout"), Buffer.concat(stdout));
      writeFileSync(join(cwd, "stderr"), Buffer.concat(stderr));
      writeFileSync(join(cwd, "exit"), `${code ?? signal}\n`);
      done(code);
    });
  });
}

const selected = Object.entries(cases).filter(([name]) => name.includes(only));
rmSync(dest, { recursive: true, force: true });
let nextCase = 0;
const started = Date.now();
async function worker() {
  while (nextCase < selected.length) {
    const [name, args] = selected[nextCase++];
    const code = await run(name, args);
    process.stderr.write(`${name}: exit ${code}\n`);
  }
}
await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
cpSync(join(work, "cases"), dest, { recursive: true });
cpSync(inputs, join(dest, "_inputs"), { recursive: true });
process.stderr.write(
  `${selected.length} cases in ${((Date.now() - started) / 1000).toFixed(0)} s, written to ${dest}\n`,
);
