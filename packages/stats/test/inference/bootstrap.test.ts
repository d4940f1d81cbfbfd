/**
 * Bootstrap: intervals against R's boot.ci on the same replicates (fixtures/bootstrap.json, written
 * by fixtures/r/bootstrap.R), WASM against TS (identical replicates from the same seed), failure
 * reporting, clusters, and a seeded coverage simulation of the percentile interval.
 */
import { readFileSync } from "node:fs";
import { nextNormal, seedStream } from "@pooled/core-wasm/kernels";
import { describe, expect, it } from "vitest";
import { bootstrap } from "../../src/inference/bootstrap.js";
import { bcaInterval, percentileInterval } from "../../src/inference/intervals.js";
import { rma } from "../../src/models/rma.js";
import { testBackends } from "../support/backends.js";
import { fixtureUrl } from "../support/fixtures.js";
import { expectClose } from "../support/tolerance.js";

interface BootCase {
  id: string;
  call: string;
  t: (number | null)[];
  t0: number;
  jack: number[];
  conf: number;
  estimate?: number;
  expected: { percentile: number[]; bca: number[] };
}
const fixture = JSON.parse(readFileSync(fixtureUrl("bootstrap.json"), "utf8")) as {
  boot: string;
  data: { bcg: { yi: number[]; vi: number[] } };
  cases: BootCase[];
};

describe(`bootstrap intervals equal boot ${fixture.boot}'s boot.ci on the same replicates`, () => {
  it.each(fixture.cases.map((c) => [c.id, c] as const))("%s", (id, c) => {
    const t = c.t.map((x) => (x === null ? Number.NaN : x));
    const perc = percentileInterval(t, c.conf * 100)!;
    expectClose(perc.lower, c.expected.percentile[0], "closed", `${id} percentile lower`);
    expectClose(perc.upper, c.expected.percentile[1], "closed", `${id} percentile upper`);
    const bca = bcaInterval(t, c.t0, c.jack, c.conf * 100)!;
    expectClose(bca.lower, c.expected.bca[0], "closed", `${id} BCa lower`);
    expectClose(bca.upper, c.expected.bca[1], "closed", `${id} BCa upper`);
  });

  it("gives no BCa interval when every replicate lies on one side of the estimate", () => {
    expect(bcaInterval([1, 2, 3], 0, [1, 2, 3], 95)).toBeNull();
  });
});

const bcg = fixture.data.bcg;

describe("bootstrap replicates", () => {
  for (const backend of testBackends) {
    it(`echo the seed and replicates, and estimate the REML model of dat.bcg [${backend}]`, async () => {
      const model = rma(bcg);
      const res = await bootstrap(model, { replicates: 500, seed: 99, backend });
      expect(res.seed).toBe(99);
      expect(res.replicates).toBe(500);
      expect(res.succeeded + res.failed).toBe(500);
      const names = res.statistics.map((s) => s.name);
      expect(names).toEqual(["intrcpt", "tau2", "I2"]);
      const mu = res.statistics[0]!;
      expect(mu.estimate).toBe(model.beta[0]);
      expect(mu.percentile!.lower).toBeLessThan(mu.estimate);
      expect(mu.percentile!.upper).toBeGreaterThan(mu.estimate);
      // the bootstrap SE of mu is of the order of the model SE (0.18 for dat.bcg)
      expect(mu.se).toBeGreaterThan(0.5 * model.coefficients[0]!.se);
      expect(mu.se).toBeLessThan(2 * model.coefficients[0]!.se);
      expect(res.statistics[2]!.bca).not.toBeNull();
    });
  }

  it("draw identical replicates on the WASM and TS paths (case, parametric, clusters)", async () => {
    const model = rma(bcg, {
      mods: [{ name: "ablat", values: [44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33] }],
    });
    const cluster = ["a", "a", "b", "c", "c", "c", "d", "e", "e", "f", "g", "g", "h"];
    for (const options of [
      { type: "case" as const },
      { type: "parametric" as const },
      { type: "case" as const, cluster },
    ]) {
      const js = await bootstrap(model, {
        ...options,
        replicates: 1500,
        seed: 5,
        backend: "js",
        keepReplicates: true,
      });
      const wasm = await bootstrap(model, {
        ...options,
        replicates: 1500,
        seed: 5,
        backend: "wasm",
        keepReplicates: true,
      });
      expect({ ...wasm, backend: "js" }).toEqual(js);
    }
  });

  it("resample whole clusters when a cluster column is given", async () => {
    // two clusters of identical studies: a cluster bootstrap can only ever draw 0, 1 or 2 copies of
    // each, so mu* takes at most 3 distinct values; a study bootstrap takes many more
    const yi = [0.1, 0.1, 0.1, 0.9, 0.9, 0.9];
    const vi = [0.05, 0.05, 0.05, 0.05, 0.05, 0.05];
    const model = rma({ yi, vi }, { method: "DL" });
    const clustered = await bootstrap(model, {
      replicates: 300,
      seed: 1,
      cluster: [1, 1, 1, 2, 2, 2],
      keepReplicates: true,
    });
    expect(clustered.clusters).toBe(2);
    const distinct = new Set(clustered.replicateValues!.map((r) => r[0]!.toFixed(12)));
    expect(distinct.size).toBeLessThanOrEqual(3);
    const studies = await bootstrap(model, { replicates: 300, seed: 1, keepReplicates: true });
    expect(new Set(studies.replicateValues!.map((r) => r[0]!.toFixed(12))).size).toBeGreaterThan(3);
  });

  it("count and report failed replicates by cause, never drop them silently", async () => {
    // a level present in one study only: resamples without that study have a singular X
    const yi = [0.2, 0.5, 0.1, 0.4, 0.3, 0.6, 0.2, 0.35, 0.8, 0.15];
    const vi = new Array(10).fill(0.04);
    const group = ["a", "a", "a", "a", "b", "b", "b", "b", "b", "c"];
    const model = rma(
      { yi, vi },
      { method: "DL", mods: [{ name: "g", type: "categorical", values: group }] },
    );
    const res = await bootstrap(model, { replicates: 400, seed: 3, keepReplicates: true });
    // P(study 10 absent) = 0.9^10 = 0.35
    expect(res.failed).toBeGreaterThan(100);
    expect(res.failures["SINGULAR"]).toBe(res.failed);
    expect(res.succeeded + res.failed).toBe(400);
    expect(res.notes.join(" ")).toMatch(/failed/);
    const nanRows = res.replicateValues!.filter((r) => Number.isNaN(r[0]!)).length;
    expect(nanRows).toBe(res.failed);
  });

  it("covers the true average effect near the nominal rate (seeded simulation)", async () => {
    // 400 meta-analyses of k = 25 studies, mu = 0.3, tau2 = 0.04, vi in [0.01, 0.1]; 400 case
    // replicates each. Nominal 95%: coverage must lie within 3 binomial SEs (±0.033).
    const prng = new Int32Array(4);
    seedStream(prng, 123, 0);
    const datasets = 400;
    const k = 25;
    let covered = 0;
    for (let d = 0; d < datasets; d++) {
      const vi = Array.from({ length: k }, (_, i) => 0.01 + (0.09 * i) / (k - 1));
      const yi = vi.map((v) => 0.3 + Math.sqrt(0.04 + v) * nextNormal(prng));
      const res = await bootstrap(rma({ yi, vi }, { method: "DL" }), { replicates: 400, seed: d });
      const ci = res.statistics[0]!.percentile!;
      if (ci.lower <= 0.3 && 0.3 <= ci.upper) covered++;
    }
    const coverage = covered / datasets;
    console.log(`[bootstrap] percentile coverage of mu: ${coverage} (nominal 0.95)`);
    expect(Math.abs(coverage - 0.95)).toBeLessThanOrEqual(3 * Math.sqrt((0.95 * 0.05) / datasets));
  });
});
