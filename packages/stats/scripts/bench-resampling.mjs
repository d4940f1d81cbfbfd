// Measures the resampling loops (permutation test and bootstrap) with tinybench (one core, in-process): k = 30 studies,
// one categorical moderator with 4 levels, REML; 10^4 permutations and 10^5 bootstrap refits, on
// the WASM and TS backends. Needs the built packages: npm run build, then
//   node packages/stats/scripts/bench-resampling.mjs
import { bootstrap, permutationTest, rma } from "@pooled/stats";
import { Bench } from "tinybench";

// A fixed, seeded data set (no Math.random): LCG for reproducibility.
let state = 12345;
const rand = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
};
const k = 30;
const levels = ["a", "b", "c", "d"];
const group = Array.from({ length: k }, (_, i) => levels[i % 4]);
const vi = Array.from({ length: k }, () => 0.02 + 0.2 * rand());
const effect = { a: 0, b: 0.2, c: 0.4, d: 0.1 };
const yi = group.map(
  (g, i) => effect[g] + Math.sqrt(vi[i] + 0.05) * (rand() + rand() + rand() - 1.5) * 2,
);
const model = rma(
  { yi, vi },
  { method: "REML", mods: [{ name: "g", type: "categorical", values: group }] },
);

// THRESHOLD=1e-5 runs the refits at metafor's convergence threshold instead of Pooled's 1e-10.
const control = process.env.THRESHOLD ? { threshold: Number(process.env.THRESHOLD) } : {};
const permutations = Number(process.env.PERMUTATIONS ?? 1e4);
const replicates = Number(process.env.REPLICATES ?? 1e5);
const bench = new Bench({
  iterations: Number(process.env.ITERATIONS ?? 5),
  warmupIterations: 1,
  time: 0,
});
// CPU time of the process around each run (wall time is inflated on a shared, loaded machine).
const cpu = new Map();
const timed = (name, fn) =>
  bench.add(name, async () => {
    const c0 = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(c0).user / 1e6;
    cpu.set(name, Math.min(cpu.get(name) ?? Number.POSITIVE_INFINITY, used));
  });
for (const backend of ["wasm", "js"]) {
  timed(`permutation ${permutations} [${backend}]`, async () => {
    await permutationTest(model, { iterations: permutations, seed: 1, backend, control });
  });
  timed(`bootstrap ${replicates} [${backend}]`, async () => {
    await bootstrap(model, { replicates, seed: 1, backend, control });
  });
}
await bench.run();
const rows = bench.tasks.map((t) => ({
  task: t.name,
  "mean (s)": (t.result.latency?.mean ?? t.result.mean) / 1000,
  "min (s)": (t.result.latency?.min ?? t.result.min) / 1000,
  "min CPU (s)": cpu.get(t.name),
  samples: t.result.latency?.samplesCount ?? t.result.samples?.length,
}));
console.table(rows);
const mean = (name) => rows.find((r) => r.task === name)["min CPU (s)"];
console.log(
  `WASM speed-up (CPU time): permutation ${(mean(`permutation ${permutations} [js]`) / mean(`permutation ${permutations} [wasm]`)).toFixed(2)}x, ` +
    `bootstrap ${(mean(`bootstrap ${replicates} [js]`) / mean(`bootstrap ${replicates} [wasm]`)).toFixed(2)}x`,
);
