/**
 * Plot inputs for the gallery and the tests, computed with the real statistics engine
 * (@pooled/stats, checked against R's metafor) from the bundled SIMULATED example
 * (examples/sci-exosomes-*.simulated.csv).
 *
 * Every number drawn comes from the engine: effect sizes from escalc (shared control arms split
 * first, as the pipeline does), models from rma (REML unless told otherwise), trim-and-fill,
 * Galbraith, Baujat and leave-one-out from their engine functions on that model. This file only
 * reads the CSV and renames fields into the plots' input types, as
 * packages/pipeline/src/report/plots.ts does for a report. (@pooled/stats is a devDependency of
 * the plots package; the plots themselves do not depend on it.)
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  baujat,
  escalc,
  galbraith,
  influence,
  leaveOneOut,
  type Method,
  qnorm,
  qt,
  type RmaResult,
  rma,
  sdFromSem,
  splitSharedControls,
  subgroups,
  trimFill,
} from "@pooled/stats";
import { parseJudgement } from "../src/risk-of-bias.js";
import type {
  BaujatInput,
  BubbleInput,
  ForestInput,
  ForestStudy,
  FunnelInput,
  GalbraithInput,
  InfluenceInput,
  LeaveOneOutInput,
  PooledEstimate,
  PrismaInput,
  RiskOfBiasInput,
  SyrcleItem,
} from "../src/types.js";
import { SYRCLE_ITEM_NAMES, SYRCLE_ITEMS } from "../src/types.js";

/** How the examples are fitted; the default is the engine's (and metafor's) REML. */
export interface ExampleOptions {
  method?: Method;
}

const DEFAULT_METHOD: Method = "REML";

/** The repository root: the first folder upwards from `start` holding examples/. */
export function repoRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "examples", "prisma.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`examples/ folder not found above ${start}`);
    dir = parent;
  }
}

/** The example CSVs are plain (no quoted commas), so a split is enough here. */
function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const names = head.split(",");
  return lines.map((l) => {
    const cells = l.split(",");
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

// ---- engine results to plot inputs ----------------------------------------------------------

function modelLabel(model: RmaResult): string {
  return model.method === "FE" ? "Common-effect model" : `Random-effects model (${model.method})`;
}

/** The pooled row of an intercept-only model (as the pipeline's report adapter builds it). */
function pooledOf(model: RmaResult, label = modelLabel(model), withPi = true): PooledEstimate {
  const coef = model.coefficients[0];
  const pred = model.prediction;
  const fe = model.method === "FE";
  return {
    label,
    estimate: coef.estimate,
    ciLower: pred?.ciLower ?? coef.ciLower ?? coef.estimate,
    ciUpper: pred?.ciUpper ?? coef.ciUpper ?? coef.estimate,
    piLower: withPi && !fe ? (pred?.piLower ?? null) : null,
    piUpper: withPi && !fe ? (pred?.piUpper ?? null) : null,
    heterogeneity: {
      tau2: fe ? null : model.tau2,
      I2: model.I2,
      Q: model.QE.statistic,
      df: model.QE.df,
      p: model.QE.p,
    },
    ...(coef.statistic !== null && coef.p !== null
      ? {
          test: {
            statistic: coef.statistic,
            distribution: model.df === null ? ("z" as const) : ("t" as const),
            df: model.df,
            p: coef.p,
          },
        }
      : {}),
  };
}

/** Wald interval of one study's effect at `level` percent. */
function studyInterval(yi: number, vi: number, level = 95): [number, number] {
  const crit = qnorm((1 - level / 100) / 2, false);
  const se = Math.sqrt(vi);
  return [yi - crit * se, yi + crit * se];
}

// ---- the example ----------------------------------------------------------------------------

export interface ExampleStudy {
  label: string;
  year: number;
  dose: string;
  doseUg: number | null;
  route: string;
  sex: string;
  /** Arm sizes after shared control arms were split (what the effect size used). */
  nT: number;
  nC: number;
  /** Mean difference and its sampling variance from the engine's escalc("MD"). */
  yi: number;
  vi: number;
  judgements: Partial<Record<SyrcleItem, string>>;
}

/**
 * BBB locomotor score, mean difference (treatment − control): rows marked `exclude` left out,
 * shared control arms split (splitSharedControls), then escalc("MD"), as the pipeline does.
 */
export function bbbStudies(root = repoRoot()): ExampleStudy[] {
  const rows = readCsv(join(root, "examples", "sci-exosomes-bbb.simulated.csv")).filter(
    (r) => !r.exclude,
  );
  const col = (name: string) => rows.map((r) => Number(r[name]));
  const split = splitSharedControls(
    {
      labels: rows.map((r) => r.study),
      m1i: col("mean_treatment"),
      sd1i: col("sd_treatment"),
      n1i: col("n_treatment"),
      m2i: col("mean_control"),
      sd2i: col("sd_control"),
      n2i: col("n_control"),
    },
    rows.map((r) => r.control_group || null),
  );
  const es = escalc("MD", split.data);
  return rows.map((r, i) => {
    const judgements: Partial<Record<SyrcleItem, string>> = {};
    for (const item of SYRCLE_ITEMS) judgements[item] = r[`rob_${item}`];
    const dose = r.dose;
    return {
      label: es.labels[i],
      year: Number(r.year),
      dose,
      doseUg: /^\d+/.test(dose) ? Number.parseFloat(dose) : null,
      route: r.route,
      sex: r.sex,
      nT: Number(split.data.n1i?.[i]),
      nC: Number(split.data.n2i?.[i]),
      yi: es.yi[i],
      vi: es.vi[i],
      judgements,
    };
  });
}

/** The engine's intercept-only model of the studies. */
export function fitStudies(studies: ExampleStudy[], options: ExampleOptions = {}): RmaResult {
  return rma(
    { yi: studies.map((s) => s.yi), vi: studies.map((s) => s.vi) },
    { method: options.method ?? DEFAULT_METHOD, labels: studies.map((s) => s.label) },
  );
}

function forestStudy(s: ExampleStudy, weight: number): ForestStudy {
  const [ciLower, ciUpper] = studyInterval(s.yi, s.vi);
  return {
    label: s.label,
    yi: s.yi,
    ciLower,
    ciUpper,
    weight,
    year: s.year,
    columns: { dose: s.dose, nT: s.nT, nC: s.nC },
  };
}

const BBB_AXIS = {
  effectLabel: "Mean difference in BBB score (points)",
  favours: { left: "Favours control", right: "Favours exosomes" },
  measure: "MD",
  columns: [
    { key: "dose", header: "Dose" },
    { key: "nT", header: "n (T)" },
    { key: "nC", header: "n (C)" },
  ],
};

export function forestExample(studies = bbbStudies(), options: ExampleOptions = {}): ForestInput {
  const re = fitStudies(studies, options);
  const fe = fitStudies(studies, { method: "FE" });
  return {
    ...BBB_AXIS,
    studies: studies.map((s, i) => forestStudy(s, re.weights[i])),
    pooled: [
      pooledOf(re),
      { ...pooledOf(fe, "Common-effect model", false), heterogeneity: undefined, test: undefined },
    ],
    notes: ["SIMULATED example data (examples/sci-exosomes-bbb.simulated.csv)."],
  };
}

/** Subgroups by dose, each with its own τ² (the engine's subgroups()), and both Q-tests. */
export function subgroupForestExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
): ForestInput {
  const method = options.method ?? DEFAULT_METHOD;
  const re = fitStudies(studies, options);
  const result = subgroups(
    { yi: studies.map((s) => s.yi), vi: studies.map((s) => s.vi) },
    studies.map((s) => s.dose),
    { method, labels: studies.map((s) => s.label) },
  );
  return {
    ...BBB_AXIS,
    subgroups: result.groups.map((g) => {
      // every dose group of the example data has a model; a failed one would be a broken example
      if (g.model === null) throw new Error(`example data: subgroup ${g.level}: ${g.unavailable}`);
      return {
        label: `Dose: ${g.level}`,
        studies: g.indices.map((i) => forestStudy(studies[i], re.weights[i])),
        pooled: { ...pooledOf(g.model, `Subtotal (k = ${g.k})`, false), test: undefined },
      };
    }),
    pooled: [pooledOf(re)],
    subgroupTests: result.tests.flatMap((t) =>
      t.statistic === null || t.p === null
        ? []
        : [
            {
              label: `Test for subgroup differences (${t.type === "separate-tau2" ? "separate τ²" : "common τ²"})`,
              Q: t.statistic,
              df: t.df,
              df2: t.type === "common-tau2" ? t.df2 : null,
              p: t.p,
            },
          ],
    ),
    notes: ["SIMULATED example data."],
  };
}

/** Funnel plot with the engine's trim-and-fill (metafor's trimfill defaults: L0, side by Egger). */
export function funnelExample(studies = bbbStudies(), options: ExampleOptions = {}): FunnelInput {
  const model = fitStudies(studies, options);
  const tf = trimFill(model);
  return {
    effectLabel: "Mean difference in BBB score (points)",
    studies: [
      ...studies.map((s) => ({ label: s.label, yi: s.yi, se: Math.sqrt(s.vi) })),
      ...tf.filled.map((f) => ({
        label: f.study,
        yi: f.yi,
        se: Math.sqrt(f.vi),
        filled: true,
      })),
    ],
    estimate: model.beta[0],
    adjustedEstimate: tf.k0 > 0 ? tf.estimate : null,
  };
}

/** Galbraith plot from the engine's galbraith(): slope and τ² of the fitted model. */
export function galbraithExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
): GalbraithInput {
  const g = galbraith(fitStudies(studies, options));
  return {
    studies: studies.map((s) => ({ label: s.label, yi: s.yi, vi: s.vi })),
    estimate: g.slope,
    tau2: g.tau2,
    effectLabel: "MD",
  };
}

/**
 * Meta-regression of the MD on dose (µg) with the engine's rma(mods = dose), studies whose dose
 * was not reported left out; the line and its band from β̂ and vb (Wald, z or t as the model).
 */
export function bubbleExample(studies = bbbStudies(), options: ExampleOptions = {}): BubbleInput {
  const s = studies.filter((x) => x.doseUg !== null);
  const xs = s.map((x) => x.doseUg as number);
  const reg = rma(
    { yi: s.map((x) => x.yi), vi: s.map((x) => x.vi) },
    {
      method: options.method ?? DEFAULT_METHOD,
      labels: s.map((x) => x.label),
      mods: [{ name: "dose", type: "continuous", values: xs }],
    },
  );
  const [b0, b1] = reg.beta;
  const V = reg.vb;
  const alpha = (1 - reg.level / 100) / 2;
  const crit = reg.df === null ? qnorm(alpha, false) : qt(alpha, reg.df, false);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const fit = Array.from({ length: 41 }, (_, i) => {
    const x = lo + ((hi - lo) * i) / 40;
    const estimate = b0 + b1 * x;
    const se = Math.sqrt(V[0][0] + 2 * x * V[0][1] + x * x * V[1][1]);
    return { x, estimate, ciLower: estimate - crit * se, ciUpper: estimate + crit * se };
  });
  const slope = reg.coefficients[1];
  const p = slope.p === null ? "NA" : slope.p < 0.001 ? "< 0.001" : `= ${slope.p.toFixed(3)}`;
  return {
    studies: s.map((x, i) => ({ label: x.label, x: xs[i], yi: x.yi, weight: reg.weights[i] })),
    fit,
    xLabel: "Dose (µg)",
    effectLabel: "Mean difference in BBB score (points)",
    note: `Slope ${b1.toFixed(4)} points per µg (p ${p}); residual τ² = ${reg.tau2.toFixed(2)} (${reg.method}); SIMULATED data.`,
  };
}

/** Baujat plot from the engine's baujat() (metafor's baujat on the fitted model). */
export function baujatExample(studies = bbbStudies(), options: ExampleOptions = {}): BaujatInput {
  const b = baujat(fitStudies(studies, options));
  return {
    studies: b.points
      .filter((p) => p.influence !== null && Number.isFinite(p.influence))
      .map((p) => ({ label: p.study, x: p.heterogeneity, y: p.influence as number })),
  };
}

/** Leave-one-out from the engine's leaveOneOut() (metafor's leave1out). */
export function leaveOneOutExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
): LeaveOneOutInput {
  const model = fitStudies(studies, options);
  const loo = leaveOneOut(model);
  return {
    effectLabel: "Mean difference in BBB score (points)",
    measure: "MD",
    favours: { left: "Favours control", right: "Favours exosomes" },
    rows: loo.studies
      .filter((r) => r.estimate !== null && r.ciLower !== null && r.ciUpper !== null)
      .map((r) => ({
        label: r.study,
        estimate: r.estimate as number,
        ciLower: r.ciLower as number,
        ciUpper: r.ciUpper as number,
        tau2: loo.method === "FE" ? null : r.tau2,
        I2: r.I2,
      })),
    full: {
      ...pooledOf(model, `All studies (${model.method})`, false),
      tau2: model.method === "FE" ? null : model.tau2,
      I2: model.I2,
    },
  };
}

export function riskOfBiasExample(studies = bbbStudies()): RiskOfBiasInput {
  return { studies: studies.map((s) => ({ study: s.label, judgements: s.judgements })) };
}

export function prismaExample(root = repoRoot()): PrismaInput {
  const raw = JSON.parse(readFileSync(join(root, "examples", "prisma.json"), "utf8"));
  return {
    ...raw,
    fullTextExcluded: Object.entries(raw.fullTextExcluded as Record<string, number>).map(
      ([reason, n]) => ({ reason, n }),
    ),
  };
}

/**
 * Every optional box of the PRISMA 2020 flow (databases/registers split, records removed by
 * automation tools and for other reasons, reports not retrieved, reports of included studies):
 * the example's search with those counts made up to match it (SIMULATED, like the rest).
 */
export function prismaFullExample(root = repoRoot()): PrismaInput {
  const base = prismaExample(root);
  return {
    ...base,
    identified: base.identified + 15,
    identifiedDatabases: base.identified,
    identifiedRegisters: 15,
    automationRemoved: 12,
    otherRemoved: 3,
    excludedScreening: base.excludedScreening - 3,
    notRetrieved: 3,
    included: base.included - 2,
    includedReports: base.included,
  };
}

/** The first `k` BBB studies with long labels (layout stress: truncation with tooltips). */
export function longNamesForestExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
  k = 8,
): ForestInput {
  const long = studies.slice(0, k).map((s) => ({
    ...s,
    label: `${s.label}: ${s.route} exosomes after T10 contusion, vehicle-treated injured controls, multicentre replication`,
  }));
  return { ...forestExample(long, options), notes: ["SIMULATED example data, long labels."] };
}

/**
 * A small funnel whose largest standard error is a round number (0.15), fitted with the engine
 * from given effects and SEs: the SE axis must end past 0.15 so that study is drawn whole.
 */
export function roundSeFunnelExample(options: ExampleOptions = {}): FunnelInput {
  const sei = [0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15];
  const yi = [0.31, 0.26, 0.35, 0.22, 0.41, 0.18, 0.5];
  const labels = sei.map((_, i) => `Study ${String.fromCharCode(65 + i)}`);
  const model = rma({ yi, sei }, { method: options.method ?? DEFAULT_METHOD, labels });
  return {
    effectLabel: "Standardised mean difference",
    studies: yi.map((y, i) => ({ label: labels[i], yi: y, se: sei[i] })),
    estimate: model.beta[0],
    title: "Funnel plot, largest SE 0.15",
  };
}

/**
 * IL-1β as a ratio of means (log scale) with the engine's escalc("ROM"); SDs from SEMs where
 * that is what the lab reported (sdFromSem: SD = SEM·√n).
 */
export function romForestExample(root = repoRoot(), options: ExampleOptions = {}): ForestInput {
  const rows = readCsv(join(root, "examples", "sci-exosomes-il1b.simulated.csv"));
  const sd = (r: Record<string, string>, arm: "treatment" | "control") =>
    r[`sd_${arm}`]
      ? Number(r[`sd_${arm}`])
      : sdFromSem(Number(r[`sem_${arm}`]), Number(r[`n_${arm}`]));
  const es = escalc("ROM", {
    labels: rows.map((r) => r.study),
    m1i: rows.map((r) => Number(r.mean_treatment)),
    sd1i: rows.map((r) => sd(r, "treatment")),
    n1i: rows.map((r) => Number(r.n_treatment)),
    m2i: rows.map((r) => Number(r.mean_control)),
    sd2i: rows.map((r) => sd(r, "control")),
    n2i: rows.map((r) => Number(r.n_control)),
  });
  const re = rma(
    { yi: es.yi, vi: es.vi },
    { method: options.method ?? DEFAULT_METHOD, labels: es.labels },
  );
  return {
    scale: "log",
    measure: "ROM",
    effectLabel: "Ratio of means, IL-1β (treatment / control)",
    favours: { left: "Favours exosomes", right: "Favours control" },
    columns: [
      { key: "n1", header: "n (T)" },
      { key: "n2", header: "n (C)" },
    ],
    studies: rows.map((r, i) => {
      const [ciLower, ciUpper] = studyInterval(es.yi[i], es.vi[i]);
      return {
        label: es.labels[i],
        yi: es.yi[i],
        ciLower,
        ciUpper,
        weight: re.weights[i],
        year: Number(r.year),
        columns: { n1: Number(r.n_treatment), n2: Number(r.n_control) },
      };
    }),
    pooled: [pooledOf(re)],
    notes: ["SIMULATED example data (examples/sci-exosomes-il1b.simulated.csv)."],
  };
}

/**
 * A deterministic synthetic review of `k` studies (mulberry32 draws), fitted with the engine, for
 * layout stress tests.
 */
export function syntheticForest(k: number, seed = 7, options: ExampleOptions = {}): ForestInput {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Box-Muller: one standard normal draw from two uniforms.
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const names = [
    "Zhang",
    "Li",
    "Wang",
    "Chen",
    "Liu",
    "Smith",
    "Müller",
    "García",
    "Kowalski",
    "Nakamura",
  ];
  const yi: number[] = [];
  const vi: number[] = [];
  const labels: string[] = [];
  for (let i = 0; i < k; i++) {
    const n = 5 + Math.floor(rand() * 11);
    // Two arms of n animals with SD 3: var(MD) = 2·3²/n; true effects N(3, 1.2²).
    const v = (2 * 3 ** 2) / n;
    vi.push(v);
    yi.push(3 + normal() * 1.2 + normal() * Math.sqrt(v));
    labels.push(
      `${names[i % names.length]} ${2000 + (i % 25)}${i >= names.length ? ` #${i + 1}` : ""}`,
    );
  }
  const re = rma({ yi, vi }, { method: options.method ?? DEFAULT_METHOD, labels });
  return {
    effectLabel: "Mean difference",
    measure: "MD",
    favours: { left: "Favours control", right: "Favours treatment" },
    studies: yi.map((y, i) => {
      const [ciLower, ciUpper] = studyInterval(y, vi[i]);
      return {
        label: labels[i],
        yi: y,
        ciLower,
        ciUpper,
        weight: re.weights[i],
        year: 2000 + (i % 25),
      };
    }),
    pooled: [pooledOf(re)],
  };
}

// ---- correlations and odds ratios: small ILLUSTRATIVE tables, not the SCI example ------------

/** Correlations r with sample sizes n, made up to span r = −0.30 … 0.80 (k = 12). */
const CORRELATIONS = [
  { label: "Ahmed 2009", ri: -0.3, ni: 24 },
  { label: "Berg 2010", ri: -0.12, ni: 40 },
  { label: "Costa 2011", ri: 0.05, ni: 18 },
  { label: "Dubois 2012", ri: 0.18, ni: 85 },
  { label: "Eriksen 2013", ri: 0.25, ni: 60 },
  { label: "Fischer 2014", ri: 0.31, ni: 33 },
  { label: "Gupta 2015", ri: 0.4, ni: 120 },
  { label: "Horvat 2016", ri: 0.46, ni: 45 },
  { label: "Ito 2017", ri: 0.52, ni: 28 },
  { label: "Jansen 2018", ri: 0.61, ni: 70 },
  { label: "Kowalczyk 2019", ri: 0.72, ni: 15 },
  { label: "Lindqvist 2020", ri: 0.8, ni: 12 },
];

/** The correlations as the engine's escalc("ZCOR") gives them (z = atanh(r), v = 1/(n − 3)). */
export function correlationStudies(): { label: string; ni: number; yi: number; vi: number }[] {
  const es = escalc("ZCOR", {
    labels: CORRELATIONS.map((c) => c.label),
    ri: CORRELATIONS.map((c) => c.ri),
    ni: CORRELATIONS.map((c) => c.ni),
  });
  return es.labels.map((label, i) => ({
    label,
    ni: CORRELATIONS[i].ni,
    yi: es.yi[i],
    vi: es.vi[i],
  }));
}

function fitCorrelations(options: ExampleOptions) {
  const s = correlationStudies();
  return rma(
    { yi: s.map((x) => x.yi), vi: s.map((x) => x.vi) },
    { method: options.method ?? DEFAULT_METHOD, labels: s.map((x) => x.label) },
  );
}

/** Forest plot of the correlations: fitted on Fisher's z, drawn and printed as r. */
export function correlationForestExample(options: ExampleOptions = {}): ForestInput {
  const s = correlationStudies();
  const re = fitCorrelations(options);
  return {
    scale: "fisher-z",
    measure: "r",
    effectLabel: "Correlation (r)",
    columns: [{ key: "n", header: "n" }],
    studies: s.map((x, i) => {
      const [ciLower, ciUpper] = studyInterval(x.yi, x.vi);
      return {
        label: x.label,
        yi: x.yi,
        ciLower,
        ciUpper,
        weight: re.weights[i],
        columns: { n: x.ni },
      };
    }),
    pooled: [pooledOf(re)],
    notes: ["ILLUSTRATIVE data: correlations pooled as Fisher's z (ZCOR), shown as r = tanh(z)."],
  };
}

/** Funnel plot of the correlations on the z scale (SE = 1/√(n − 3)), with trim-and-fill. */
export function correlationFunnelExample(options: ExampleOptions = {}): FunnelInput {
  const s = correlationStudies();
  const model = fitCorrelations(options);
  const tf = trimFill(model);
  return {
    scale: "fisher-z",
    effectLabel: "Correlation (r)",
    yLabel: "Standard error of Fisher's z",
    studies: [
      ...s.map((x) => ({ label: x.label, yi: x.yi, se: Math.sqrt(x.vi) })),
      ...tf.filled.map((f) => ({ label: f.study, yi: f.yi, se: Math.sqrt(f.vi), filled: true })),
    ],
    estimate: model.beta[0],
    adjustedEstimate: tf.k0 > 0 ? tf.estimate : null,
  };
}

/** Leave-one-out of the correlations (the engine's leaveOneOut), drawn as r. */
export function correlationLeaveOneOutExample(options: ExampleOptions = {}): LeaveOneOutInput {
  const model = fitCorrelations(options);
  const loo = leaveOneOut(model);
  return {
    scale: "fisher-z",
    measure: "r",
    effectLabel: "Correlation (r)",
    rows: loo.studies
      .filter((r) => r.estimate !== null && r.ciLower !== null && r.ciUpper !== null)
      .map((r) => ({
        label: r.study,
        estimate: r.estimate as number,
        ciLower: r.ciLower as number,
        ciUpper: r.ciUpper as number,
        tau2: r.tau2,
        I2: r.I2,
      })),
    full: {
      ...pooledOf(model, `All studies (${model.method})`, false),
      tau2: model.tau2,
      I2: model.I2,
    },
  };
}

/**
 * 2×2 tables (events / arm size) made up to give odds ratios from about 0.02 to 50, one with a
 * zero cell (the engine adds 1/2 to its cells, as metafor): a wide ratio axis.
 */
const TABLES = [
  { label: "Abbott 2004", ai: 1, n1i: 50, ci: 22, n2i: 50 },
  { label: "Baker 2006", ai: 0, n1i: 15, ci: 5, n2i: 15 },
  { label: "Cohen 2007", ai: 2, n1i: 30, ci: 9, n2i: 30 },
  { label: "Diaz 2009", ai: 5, n1i: 60, ci: 12, n2i: 60 },
  { label: "Evans 2011", ai: 8, n1i: 40, ci: 10, n2i: 40 },
  { label: "Flores 2012", ai: 15, n1i: 80, ci: 12, n2i: 80 },
  { label: "Grant 2014", ai: 10, n1i: 25, ci: 4, n2i: 25 },
  { label: "Hughes 2016", ai: 12, n1i: 20, ci: 3, n2i: 20 },
  { label: "Ibrahim 2018", ai: 18, n1i: 22, ci: 2, n2i: 22 },
  { label: "Jones 2020", ai: 28, n1i: 32, ci: 4, n2i: 32 },
];

/** Forest plot of log odds ratios (the engine's escalc("OR") and rma), drawn as odds ratios. */
export function oddsRatioForestExample(options: ExampleOptions = {}): ForestInput {
  const es = escalc("OR", {
    labels: TABLES.map((t) => t.label),
    ai: TABLES.map((t) => t.ai),
    n1i: TABLES.map((t) => t.n1i),
    ci: TABLES.map((t) => t.ci),
    n2i: TABLES.map((t) => t.n2i),
  });
  const re = rma(
    { yi: es.yi, vi: es.vi },
    { method: options.method ?? DEFAULT_METHOD, labels: es.labels },
  );
  return {
    scale: "log",
    measure: "OR",
    effectLabel: "Odds ratio (log scale)",
    favours: { left: "Favours treatment", right: "Favours control" },
    columns: [
      { key: "events1", header: "Events (T)" },
      { key: "events2", header: "Events (C)" },
    ],
    studies: TABLES.map((t, i) => {
      const [ciLower, ciUpper] = studyInterval(es.yi[i], es.vi[i]);
      return {
        label: es.labels[i],
        yi: es.yi[i],
        ciLower,
        ciUpper,
        weight: re.weights[i],
        columns: { events1: `${t.ai}/${t.n1i}`, events2: `${t.ci}/${t.n2i}` },
      };
    }),
    pooled: [pooledOf(re)],
    notes: ["ILLUSTRATIVE data: odds ratios from 2×2 tables, pooled as log odds ratios."],
  };
}

// ---- the reporting options' figures ---------------------------------------------------------------------

/**
 * The first `k` BBB studies as a reviewer's forest plot: favours labels, descriptor columns (dose,
 * sex) and the SYRCLE judgements of the example as a column of dots.
 */
export function syrcleForestExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
  k = 15,
): ForestInput {
  const shown = studies.slice(0, k);
  const base = forestExample(shown, options);
  return {
    ...base,
    title: `Forest plot with risk of bias (k = ${shown.length})`,
    columns: [
      { key: "dose", header: "Dose" },
      { key: "sex", header: "Sex" },
    ],
    studies: (base.studies ?? []).map((s, i) => {
      const judgements = SYRCLE_ITEMS.map((item) => {
        const j = parseJudgement(shown[i].judgements[item]);
        return j === "missing" ? null : j;
      });
      return { ...s, columns: { dose: shown[i].dose, sex: shown[i].sex }, riskOfBias: judgements };
    }),
    riskOfBias: { items: SYRCLE_ITEMS.map((item) => SYRCLE_ITEM_NAMES[item]), label: "SYRCLE" },
    notes: ["SIMULATED example data; risk of bias as recorded in the example file."],
  };
}

/** Funnel plot of the BBB studies coloured by route of administration (three subgroups). */
export function subgroupFunnelExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
): FunnelInput {
  const model = fitStudies(studies, options);
  const routes = [...new Set(studies.map((s) => s.route))];
  return {
    effectLabel: "Mean difference in BBB score (points)",
    studies: studies.map((s) => ({ label: s.label, yi: s.yi, se: Math.sqrt(s.vi) })),
    estimate: model.beta[0],
    groups: routes.map((route) => ({
      level: `Route: ${route}`,
      indices: studies.flatMap((s, i) => (s.route === route ? [i] : [])),
    })),
    title: "Funnel plot by route",
  };
}

/**
 * Influence diagnostics from the engine's influence() (metafor's influence.rma.uni) on the first
 * 13 BBB studies plus two made-up ILLUSTRATIVE experiments far from the rest (one precise, one
 * less so), which metafor's rule flags as influential.
 */
export function influenceExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
): InfluenceInput {
  const rows = studies.slice(0, 13).map((s) => ({ label: s.label, yi: s.yi, vi: s.vi }));
  // Far above and far below the others (MD 12 and −4 points, v = 0.3), at places 5 and 11.
  rows.splice(4, 0, { label: "Outlier A (ILLUSTRATIVE)", yi: 12, vi: 0.3 });
  rows.splice(10, 0, { label: "Outlier B (ILLUSTRATIVE)", yi: -4, vi: 0.3 });
  const model = rma(
    { yi: rows.map((r) => r.yi), vi: rows.map((r) => r.vi) },
    { method: options.method ?? DEFAULT_METHOD, labels: rows.map((r) => r.label) },
  );
  return { ...influenceInput(model), title: "Influence diagnostics (ILLUSTRATIVE outliers)" };
}

/** The plot's input from the engine's influence() of a fitted model. */
export function influenceInput(model: RmaResult): InfluenceInput {
  const inf = influence(model);
  const rows = inf.studies;
  return {
    studies: rows.map((r) => r.study),
    rstudent: rows.map((r) => r.rstudent),
    dffits: rows.map((r) => r.dffits),
    cooksD: rows.map((r) => r.cookD),
    covRatio: rows.map((r) => r.covRatio),
    tau2Deleted: rows.map((r) => r.tau2Deleted),
    QEDeleted: rows.map((r) => r.QEDeleted),
    hat: rows.map((r) => r.hat),
    weight: rows.map((r) => r.weight),
    influential: rows.map((r) => r.influential),
    p: model.p,
    tau2: model.tau2,
    QE: model.QE.statistic,
  };
}

/**
 * Points at the very ends of both axes with long labels (ILLUSTRATIVE): the largest and smallest
 * x and y on round numbers, where nice ticks end the axis exactly at the data.
 */
const EXTREME = [
  { x: 0, y: 0 },
  { x: 100000, y: 50 },
  { x: 0.5, y: 50 },
  { x: 100000, y: 0 },
  { x: 50000, y: 25 },
  { x: 25000, y: 10 },
];
const EXTREME_LABELS = [
  "Smallest x and y, a study with a rather long name from a multicentre consortium",
  "Largest x and y, another study with a long name (replication)",
  "Top left corner study",
  "Bottom right corner study with a long label",
  "Middle study",
  "Lower middle",
];

/** Bubble plot with bubbles at the corners of the data, the largest at the top right. */
export function extremeBubbleExample(): BubbleInput {
  return {
    studies: EXTREME.map((p, i) => ({
      label: EXTREME_LABELS[i],
      x: p.x,
      yi: p.y - 25,
      weight: i === 1 ? 40 : 5 + i,
    })),
    xLabel: "Cumulative dose (ng) over the whole treatment period, every injection counted",
    effectLabel: "Mean difference",
    title: "Bubble plot, extreme points (ILLUSTRATIVE)",
    note: "Made-up points at the ends of both axes.",
  };
}

/** Baujat plot with points at 0 and at round maxima, all with long labels. */
export function extremeBaujatExample(): BaujatInput {
  return {
    studies: EXTREME.map((p, i) => ({ label: EXTREME_LABELS[i], x: p.x / 1000, y: p.y })),
    title: "Baujat plot, extreme points (ILLUSTRATIVE)",
  };
}

/**
 * Galbraith plot of a common-effect model (τ² = 0) whose most precise study has precision exactly
 * 10 (v = 0.01, a round end of the axis), with studies far outside the ±2 band on both sides.
 */
export function extremeGalbraithExample(): GalbraithInput {
  const yi = [0.5, 0.4, 2.5, -1.5, 0.45, 0.3, 0.6];
  const vi = [0.01, 0.04, 0.09, 0.25, 1, 4, 0.02];
  const labels = EXTREME_LABELS.concat(["Precise study"]).slice(0, yi.length);
  const g = galbraith(rma({ yi, vi }, { method: "FE", labels }));
  return {
    studies: yi.map((y, i) => ({ label: labels[i], yi: y, vi: vi[i] })),
    estimate: g.slope,
    tau2: g.tau2,
    effectLabel: "SMD",
    title: "Galbraith plot, extreme points (ILLUSTRATIVE)",
  };
}

/** The SYRCLE forest with favours labels too long for their half of the axis (wrapped, then cut). */
export function longFavoursForestExample(
  studies = bbbStudies(),
  options: ExampleOptions = {},
): ForestInput {
  return {
    ...syrcleForestExample(studies, options),
    title: "Forest plot, long favours labels",
    favours: {
      left: "Favours the vehicle-treated injured control animals of every laboratory in the consortium",
      right: "Favours intravenous mesenchymal stem cell exosomes at any dose and schedule",
    },
  };
}
