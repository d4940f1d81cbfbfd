/**
 * Plot inputs for the gallery and the tests, computed here from the bundled SIMULATED example
 * (examples/sci-exosomes-*.simulated.csv) until the statistics engine is wired in.
 *
 * The statistics below are deliberately simple (DerSimonian-Laird random effects, L0
 * trim-and-fill on a fixed-effect centre, z tests); they make realistic pictures, they are not
 * Pooled's reference implementation (that is @pooled/stats, checked against metafor).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type {
  BaujatInput,
  BubbleInput,
  ForestInput,
  ForestStudy,
  FunnelInput,
  GalbraithInput,
  LeaveOneOutInput,
  PooledEstimate,
  PrismaInput,
  RiskOfBiasInput,
  SyrcleItem,
} from "../src/types.js";
import { SYRCLE_ITEMS } from "../src/types.js";

/** The repository root: the first folder upwards from `start` holding examples/. */
export function repoRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "examples", "prisma.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("examples/ folder not found above " + start);
    dir = parent;
  }
}

function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const names = head.split(",");
  return lines.map((l) => {
    const cells = l.split(",");
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

// ---- distributions -------------------------------------------------------------------------

/** Standard normal upper tail, via erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
function normalUpper(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

function lgamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper tail of chi-square with df degrees of freedom (regularised incomplete gamma). */
function chisqUpper(q: number, df: number): number {
  if (q <= 0) return 1;
  const a = df / 2;
  const x = q / 2;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
  }
  // Continued fraction (Lentz).
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = Math.abs(d) < 1e-300 ? 1e-300 : 1 / d;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

// ---- models ---------------------------------------------------------------------------------

export interface Fit {
  estimate: number;
  se: number;
  tau2: number;
  Q: number;
  df: number;
  Qp: number;
  I2: number;
  z: number;
  p: number;
  weights: number[];
}

/** Fixed effect (tau2 = 0) or DerSimonian-Laird random effects. */
export function fit(yi: number[], vi: number[], random = true): Fit {
  const k = yi.length;
  const w = vi.map((v) => 1 / v);
  const sw = w.reduce((a, b) => a + b, 0);
  const fe = yi.reduce((a, y, i) => a + w[i] * y, 0) / sw;
  const Q = yi.reduce((a, y, i) => a + w[i] * (y - fe) ** 2, 0);
  const c = sw - w.reduce((a, b) => a + b * b, 0) / sw;
  const tau2 = random && k > 1 ? Math.max(0, (Q - (k - 1)) / c) : 0;
  const ws = vi.map((v) => 1 / (v + tau2));
  const sws = ws.reduce((a, b) => a + b, 0);
  const estimate = yi.reduce((a, y, i) => a + ws[i] * y, 0) / sws;
  const se = Math.sqrt(1 / sws);
  const df = k - 1;
  const I2 = k > 1 ? Math.max(0, (100 * (Q - df)) / Q) : 0;
  const z = estimate / se;
  return {
    estimate,
    se,
    tau2,
    Q,
    df,
    Qp: df > 0 ? chisqUpper(Q, df) : 1,
    I2,
    z,
    p: 2 * normalUpper(Math.abs(z)),
    weights: ws.map((x) => (100 * x) / sws),
  };
}

function pooledOf(f: Fit, label: string, withPi: boolean): PooledEstimate {
  const piHalf = 1.959964 * Math.sqrt(f.se ** 2 + f.tau2);
  return {
    label,
    estimate: f.estimate,
    ciLower: f.estimate - 1.959964 * f.se,
    ciUpper: f.estimate + 1.959964 * f.se,
    piLower: withPi ? f.estimate - piHalf : null,
    piUpper: withPi ? f.estimate + piHalf : null,
    heterogeneity: { tau2: f.tau2, I2: f.I2, Q: f.Q, df: f.df, p: f.Qp },
    test: { statistic: f.z, distribution: "z", p: f.p },
  };
}

// ---- the example ----------------------------------------------------------------------------

export interface ExampleStudy {
  label: string;
  year: number;
  dose: string;
  doseUg: number | null;
  route: string;
  nT: number;
  nC: number;
  yi: number;
  vi: number;
  judgements: Partial<Record<SyrcleItem, string>>;
}

/** BBB locomotor score, mean difference (treatment − control), shared controls split. */
export function bbbStudies(root = repoRoot()): ExampleStudy[] {
  const rows = readCsv(join(root, "examples", "sci-exosomes-bbb.simulated.csv")).filter(
    (r) => !r.exclude,
  );
  const shared = new Map<string, number>();
  for (const r of rows)
    if (r.control_group) shared.set(r.control_group, (shared.get(r.control_group) ?? 0) + 1);
  return rows.map((r) => {
    const nT = Number(r.n_treatment);
    const nC = r.control_group
      ? Math.max(2, Math.floor(Number(r.n_control) / (shared.get(r.control_group) ?? 1)))
      : Number(r.n_control);
    const judgements: Partial<Record<SyrcleItem, string>> = {};
    for (const item of SYRCLE_ITEMS) judgements[item] = r[`rob_${item}`];
    const dose = r.dose;
    return {
      label: r.study,
      year: Number(r.year),
      dose,
      doseUg: /^\d+/.test(dose) ? Number.parseFloat(dose) : null,
      route: r.route,
      nT,
      nC,
      yi: Number(r.mean_treatment) - Number(r.mean_control),
      vi: Number(r.sd_treatment) ** 2 / nT + Number(r.sd_control) ** 2 / nC,
      judgements,
    };
  });
}

const Z = 1.959964;

function forestStudy(s: ExampleStudy, weight: number): ForestStudy {
  const se = Math.sqrt(s.vi);
  return {
    label: s.label,
    yi: s.yi,
    ciLower: s.yi - Z * se,
    ciUpper: s.yi + Z * se,
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

export function forestExample(studies = bbbStudies()): ForestInput {
  const re = fit(
    studies.map((s) => s.yi),
    studies.map((s) => s.vi),
  );
  const fe = fit(
    studies.map((s) => s.yi),
    studies.map((s) => s.vi),
    false,
  );
  return {
    ...BBB_AXIS,
    studies: studies.map((s, i) => forestStudy(s, re.weights[i])),
    pooled: [
      pooledOf(re, "Random-effects model (DL)", true),
      { ...pooledOf(fe, "Common-effect model", false), heterogeneity: undefined, test: undefined },
    ],
    notes: ["SIMULATED example data (examples/sci-exosomes-bbb.simulated.csv)."],
  };
}

export function subgroupForestExample(studies = bbbStudies()): ForestInput {
  const re = fit(
    studies.map((s) => s.yi),
    studies.map((s) => s.vi),
  );
  const levels = [...new Set(studies.map((s) => s.dose))].sort();
  const fits = levels.map((level) => {
    const members = studies.filter((s) => s.dose === level);
    return {
      level,
      members,
      f: fit(
        members.map((s) => s.yi),
        members.map((s) => s.vi),
      ),
    };
  });
  // Between-subgroup test with a separate tau² per subgroup: Q on the subgroup estimates.
  const w = fits.map((g) => 1 / g.f.se ** 2);
  const mean = fits.reduce((a, g, i) => a + w[i] * g.f.estimate, 0) / w.reduce((a, b) => a + b, 0);
  const Qb = fits.reduce((a, g, i) => a + w[i] * (g.f.estimate - mean) ** 2, 0);
  const weightOf = new Map(studies.map((s, i) => [s, re.weights[i]]));
  return {
    ...BBB_AXIS,
    subgroups: fits.map((g) => ({
      label: `Dose: ${g.level}`,
      studies: g.members.map((s) => forestStudy(s, weightOf.get(s) ?? 0)),
      pooled: { ...pooledOf(g.f, `Subtotal (k = ${g.members.length})`, false), test: undefined },
    })),
    pooled: [pooledOf(re, "Random-effects model (DL)", true)],
    subgroupTests: [
      {
        label: "Test for subgroup differences (separate τ²)",
        Q: Qb,
        df: fits.length - 1,
        p: chisqUpper(Qb, fits.length - 1),
      },
    ],
    notes: ["SIMULATED example data."],
  };
}

/** L0 trim-and-fill (Duval & Tweedie 2000), studies missing on the left, fixed-effect centre. */
export function trimAndFill(
  yi: number[],
  vi: number[],
): { k0: number; filled: { yi: number; vi: number }[]; estimate: number } {
  const n = yi.length;
  const order = yi.map((_, i) => i).sort((a, b) => yi[a] - yi[b]);
  let k0 = 0;
  let centre = 0;
  for (let iter = 0; iter < 50; iter++) {
    const kept = order.slice(0, n - k0);
    centre = fit(
      kept.map((i) => yi[i]),
      kept.map((i) => vi[i]),
      false,
    ).estimate;
    const d = yi.map((y) => y - centre);
    const ranks = d.map((x) => Math.abs(x)).map((a, _, all) => all.filter((b) => b < a).length + 1);
    const Tn = d.reduce((acc, x, i) => acc + (x > 0 ? ranks[i] : 0), 0);
    const L0 = (4 * Tn - n * (n + 1)) / (2 * n - 1);
    const next = Math.max(0, Math.round(L0));
    if (next === k0) break;
    k0 = next;
  }
  const filled = order.slice(n - k0).map((i) => ({ yi: 2 * centre - yi[i], vi: vi[i] }));
  const all = fit([...yi, ...filled.map((f) => f.yi)], [...vi, ...filled.map((f) => f.vi)]);
  return { k0, filled, estimate: all.estimate };
}

export function funnelExample(studies = bbbStudies()): FunnelInput {
  const yi = studies.map((s) => s.yi);
  const vi = studies.map((s) => s.vi);
  const re = fit(yi, vi);
  const tf = trimAndFill(yi, vi);
  return {
    effectLabel: "Mean difference in BBB score (points)",
    studies: [
      ...studies.map((s) => ({ label: s.label, yi: s.yi, se: Math.sqrt(s.vi) })),
      ...tf.filled.map((f, i) => ({
        label: `Filled study ${i + 1}`,
        yi: f.yi,
        se: Math.sqrt(f.vi),
        filled: true,
      })),
    ],
    estimate: re.estimate,
    adjustedEstimate: tf.filled.length ? tf.estimate : null,
  };
}

export function galbraithExample(studies = bbbStudies()): GalbraithInput {
  const re = fit(
    studies.map((s) => s.yi),
    studies.map((s) => s.vi),
  );
  return {
    studies: studies.map((s) => ({ label: s.label, yi: s.yi, vi: s.vi })),
    estimate: re.estimate,
    tau2: re.tau2,
    effectLabel: "MD",
  };
}

/** Meta-regression of the MD on dose (µg), method-of-moments residual tau². */
export function bubbleExample(studies = bbbStudies()): BubbleInput {
  const s = studies.filter((x) => x.doseUg !== null);
  const xs = s.map((x) => x.doseUg as number);
  const wls = (w: number[]) => {
    const sw = w.reduce((a, b) => a + b, 0);
    const sx = w.reduce((a, wi, i) => a + wi * xs[i], 0);
    const sxx = w.reduce((a, wi, i) => a + wi * xs[i] ** 2, 0);
    const sy = w.reduce((a, wi, i) => a + wi * s[i].yi, 0);
    const sxy = w.reduce((a, wi, i) => a + wi * xs[i] * s[i].yi, 0);
    const det = sw * sxx - sx * sx;
    const b1 = (sw * sxy - sx * sy) / det;
    const b0 = (sy - b1 * sx) / sw;
    // (X'WX)^-1
    const V = [sxx / det, -sx / det, sw / det];
    return { b0, b1, V };
  };
  const w0 = s.map((x) => 1 / x.vi);
  const f0 = wls(w0);
  const QE = s.reduce((a, x, i) => a + w0[i] * (x.yi - f0.b0 - f0.b1 * xs[i]) ** 2, 0);
  // tr(P) for the fixed-effects fit: sum(w) - tr((X'WX)^-1 X'W²X).
  const sw2 = w0.reduce((a, b) => a + b * b, 0);
  const sw2x = w0.reduce((a, b, i) => a + b * b * xs[i], 0);
  const sw2xx = w0.reduce((a, b, i) => a + b * b * xs[i] ** 2, 0);
  const trP =
    w0.reduce((a, b) => a + b, 0) - (f0.V[0] * sw2 + 2 * f0.V[1] * sw2x + f0.V[2] * sw2xx);
  const tau2 = Math.max(0, (QE - (s.length - 2)) / trP);
  const w = s.map((x) => 1 / (x.vi + tau2));
  const f = wls(w);
  const sumW = w.reduce((a, b) => a + b, 0);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const fitPoints = Array.from({ length: 41 }, (_, i) => {
    const x = lo + ((hi - lo) * i) / 40;
    const est = f.b0 + f.b1 * x;
    const se = Math.sqrt(f.V[0] + 2 * f.V[1] * x + f.V[2] * x * x);
    return { x, estimate: est, ciLower: est - Z * se, ciUpper: est + Z * se };
  });
  const slopeP = 2 * normalUpper(Math.abs(f.b1 / Math.sqrt(f.V[2])));
  return {
    studies: s.map((x, i) => ({ label: x.label, x: xs[i], yi: x.yi, weight: (100 * w[i]) / sumW })),
    fit: fitPoints,
    xLabel: "Dose (µg)",
    effectLabel: "Mean difference in BBB score (points)",
    note: `Slope ${f.b1.toFixed(4)} points per µg (p = ${slopeP.toFixed(3)}); residual τ² = ${tau2.toFixed(2)}; SIMULATED data.`,
  };
}

export function baujatExample(studies = bbbStudies()): BaujatInput {
  const yi = studies.map((s) => s.yi);
  const vi = studies.map((s) => s.vi);
  const fe = fit(yi, vi, false);
  return {
    studies: studies.map((s, i) => {
      const rest = fit(
        yi.filter((_, j) => j !== i),
        vi.filter((_, j) => j !== i),
        false,
      );
      return {
        label: s.label,
        x: (s.yi - fe.estimate) ** 2 / s.vi,
        y: (fe.estimate - rest.estimate) ** 2 / rest.se ** 2,
      };
    }),
  };
}

export function leaveOneOutExample(studies = bbbStudies()): LeaveOneOutInput {
  const yi = studies.map((s) => s.yi);
  const vi = studies.map((s) => s.vi);
  const re = fit(yi, vi);
  return {
    effectLabel: "Mean difference in BBB score (points)",
    measure: "MD",
    favours: { left: "Favours control", right: "Favours exosomes" },
    rows: studies.map((s, i) => {
      const f = fit(
        yi.filter((_, j) => j !== i),
        vi.filter((_, j) => j !== i),
      );
      return {
        label: s.label,
        estimate: f.estimate,
        ciLower: f.estimate - Z * f.se,
        ciUpper: f.estimate + Z * f.se,
        tau2: f.tau2,
        I2: f.I2,
      };
    }),
    full: { ...pooledOf(re, "All studies (DL)", false), tau2: re.tau2, I2: re.I2 },
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

/** IL-1β as a ratio of means (log scale); SDs from SEMs where reported (SD = SEM·√n). */
export function romForestExample(root = repoRoot()): ForestInput {
  const rows = readCsv(join(root, "examples", "sci-exosomes-il1b.simulated.csv"));
  const studies = rows.map((r) => {
    const n1 = Number(r.n_treatment);
    const n2 = Number(r.n_control);
    const sd1 = r.sd_treatment ? Number(r.sd_treatment) : Number(r.sem_treatment) * Math.sqrt(n1);
    const sd2 = r.sd_control ? Number(r.sd_control) : Number(r.sem_control) * Math.sqrt(n2);
    const m1 = Number(r.mean_treatment);
    const m2 = Number(r.mean_control);
    return {
      label: r.study,
      year: Number(r.year),
      yi: Math.log(m1 / m2),
      vi: sd1 ** 2 / (n1 * m1 ** 2) + sd2 ** 2 / (n2 * m2 ** 2),
      n1,
      n2,
    };
  });
  const re = fit(
    studies.map((s) => s.yi),
    studies.map((s) => s.vi),
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
    studies: studies.map((s, i) => ({
      label: s.label,
      yi: s.yi,
      ciLower: s.yi - Z * Math.sqrt(s.vi),
      ciUpper: s.yi + Z * Math.sqrt(s.vi),
      weight: re.weights[i],
      year: s.year,
      columns: { n1: s.n1, n2: s.n2 },
    })),
    pooled: [pooledOf(re, "Random-effects model (DL)", true)],
    notes: ["SIMULATED example data (examples/sci-exosomes-il1b.simulated.csv)."],
  };
}

/** A deterministic synthetic review of `k` studies (mulberry32), for layout stress tests. */
export function syntheticForest(k: number, seed = 7): ForestInput {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
    const v = (2 * 3 ** 2) / n;
    vi.push(v);
    yi.push(3 + normal() * 1.2 + normal() * Math.sqrt(v));
    labels.push(
      `${names[i % names.length]} ${2000 + (i % 25)}${i >= names.length ? ` #${i + 1}` : ""}`,
    );
  }
  const re = fit(yi, vi);
  return {
    effectLabel: "Mean difference",
    measure: "MD",
    favours: { left: "Favours control", right: "Favours treatment" },
    studies: yi.map((y, i) => ({
      label: labels[i],
      yi: y,
      ciLower: y - Z * Math.sqrt(vi[i]),
      ciUpper: y + Z * Math.sqrt(vi[i]),
      weight: re.weights[i],
      year: 2000 + (i % 25),
    })),
    pooled: [pooledOf(re, "Random-effects model (DL)", true)],
  };
}
