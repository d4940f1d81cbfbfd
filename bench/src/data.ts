/**
 * Synthetic preclinical data sets for the benchmarks, drawn from a fixed seed so every run (and the
 * metafor script, which reads the same CSV files) times the same numbers.
 *
 * Model: yᵢ = 0.5 + xᵢ'β + uᵢ + εᵢ with uᵢ ~ N(0, τ² = 0.05) and εᵢ ~ N(0, vᵢ), where vᵢ is the
 * large-sample variance of a standardised mean difference for two groups of 5 to 15 animals
 * (Hedges & Olkin 1985, eq. 5.15: vᵢ = (n₁ + n₂)/(n₁n₂) + d²/(2(n₁ + n₂))).
 */

/** mulberry32 (Tommy Ettinger, public domain): a tiny, fast 32-bit generator; uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box-Muller (Box & Muller 1958). */
function normal(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** The seed of every data set: the bench's numbers depend on it and on nothing else. */
export const DATA_SEED = 20240611;

/** Between-study variance of the simulated studies. */
const TAU2 = 0.05;
/** Levels of the categorical moderator (animal model), as in preclinical reviews. */
export const LEVELS = ["contusion", "compression", "hemisection", "transection"] as const;

export interface BenchData {
  /** Name of the data set (also the CSV file name the metafor script reads). */
  name: string;
  k: number;
  yi: Float64Array;
  vi: Float64Array;
  /** Three continuous moderators (dose, weight z-score, blinded 0/1). */
  x1: Float64Array;
  x2: Float64Array;
  x3: Float64Array;
  /** A four-level categorical moderator, every level present at least floor(k/4) times. */
  group: string[];
}

/**
 * One data set of k studies. The seed is DATA_SEED + k, so data sets of different sizes are
 * independent and each is the same on every run.
 */
export function makeData(k: number): BenchData {
  const uniform = mulberry32(DATA_SEED + k);
  const gauss = normal(uniform);
  const yi = new Float64Array(k);
  const vi = new Float64Array(k);
  const x1 = new Float64Array(k);
  const x2 = new Float64Array(k);
  const x3 = new Float64Array(k);
  // balanced levels in shuffled order (Fisher-Yates), so every level has about k/4 studies
  const levelIndex = Array.from({ length: k }, (_, i) => i % LEVELS.length);
  for (let i = k - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [levelIndex[i], levelIndex[j]] = [levelIndex[j]!, levelIndex[i]!];
  }
  const levelEffect = [0, 0.2, -0.15, 0.35];
  for (let i = 0; i < k; i++) {
    const n1 = 5 + Math.floor(uniform() * 11);
    const n2 = 5 + Math.floor(uniform() * 11);
    x1[i] = uniform();
    x2[i] = gauss();
    x3[i] = uniform() < 0.4 ? 1 : 0;
    const theta =
      0.5 +
      0.4 * x1[i]! +
      0.1 * x2[i]! -
      0.2 * x3[i]! +
      levelEffect[levelIndex[i]!]! +
      Math.sqrt(TAU2) * gauss();
    const v = (n1 + n2) / (n1 * n2) + (theta * theta) / (2 * (n1 + n2));
    vi[i] = v;
    yi[i] = theta + Math.sqrt(v) * gauss();
  }
  return { name: `k${k}`, k, yi, vi, x1, x2, x3, group: levelIndex.map((g) => LEVELS[g]!) };
}

/** The data set as CSV (columns yi, vi, x1, x2, x3, group), read by bench/metafor/bench.R. */
export function toCsv(data: BenchData): string {
  const lines = ["yi,vi,x1,x2,x3,group"];
  for (let i = 0; i < data.k; i++) {
    // 17 significant digits round-trip a double exactly
    lines.push(
      [data.yi[i]!, data.vi[i]!, data.x1[i]!, data.x2[i]!, data.x3[i]!]
        .map((x) => x.toPrecision(17))
        .concat(data.group[i]!)
        .join(","),
    );
  }
  return lines.join("\n") + "\n";
}
