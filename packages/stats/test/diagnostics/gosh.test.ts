/**
 * GOSH against metafor's gosh() (fixtures/gosh.metafor-3.8.1.json and -5.1.12.json, written by
 * fixtures/r/gosh.R): every subset of dat.bcg (k = 13; FE, DL, REML: 8191 subsets) and of
 * dat.raudenbush1985[1:6, ] (k = 6; all nine estimators), on both backends. Then the random mode
 * (reproducible from the seed, identical across backends and worker counts, the same fits as the
 * exhaustive run for the same subsets, the right law), progress, cancellation and the limits.
 * The worker runs use the built package (dist/inference/node-worker.js): `npm run build` first.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fitDefaults } from "../../src/defaults.js";
import { type GoshResult, gosh, goshSubset } from "../../src/diagnostics/index.js";
import {
  KernelStatus,
  PooledError,
  PooledInputError,
  TooFewStudiesError,
} from "../../src/errors.js";
import { getBackend } from "../../src/kernels/backend.js";
import { MethodCode, packControl } from "../../src/kernels/contract.js";
import { GoshColumn, goshOutSize } from "../../src/kernels/gosh-contract.js";
import { ResampleSlot } from "../../src/kernels/resample-contract.js";
import { rma } from "../../src/models/index.js";
import type { Method } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureControl, kindsFor } from "../support/bias-fixture.js";
import { fixtureUrl } from "../support/fixtures.js";
import { expectClose, relativeError, reportWorstErrors, tolerance } from "../support/tolerance.js";

interface GoshDataset {
  source: string;
  call: string;
  k: number;
  labels: string[];
  yi: number[];
  vi: number[];
  /** metafor's inclusion matrix, a 0/1 string per subset (study 1 first), sorted by size */
  incl: string[];
}

type Column = "estimate" | "I2" | "H2" | "tau2" | "QE";

interface GoshCase {
  dataset: string;
  method: Method;
  call: string;
  subsets: number;
  exhaustive: boolean;
  failed: number;
  estimate: number[];
  I2?: number[];
  H2?: number[];
  tau2: number[];
  QE?: number[];
  /** columns identical to another case's (the FE case, for DL's closed-form I², H², QE) */
  sameAs?: Partial<Record<Column, Method>>;
}

interface GoshFixture {
  metafor: string;
  datasets: Record<string, GoshDataset>;
  cases: GoshCase[];
}

const versions = ["3.8.1", "5.1.12"] as const;
const fixtures = versions.map(
  (version) =>
    JSON.parse(readFileSync(fixtureUrl(`gosh.metafor-${version}.json`), "utf8")) as GoshFixture,
);

/** A case's column, read from the case it is the same as when it is not stored. */
function column(fixture: GoshFixture, c: GoshCase, name: Column): number[] {
  const from = c.sameAs?.[name];
  const source =
    from === undefined
      ? c
      : fixture.cases.find((o) => o.dataset === c.dataset && o.method === from)!;
  const values = source[name];
  if (values === undefined) throw new Error(`${c.dataset} ${c.method}: no ${name} column`);
  return values;
}

/** The index of a subset (bit i = study i), i.e. its position + 1 in an exhaustive result. */
function indexOf(incl: string): number {
  let index = 0;
  for (let i = 0; i < incl.length; i++) if (incl[i] === "1") index += 2 ** i;
  return index;
}

/** Worst relative error per version and quantity (as the tolerance table measures it). */
const worst = new Map<string, { error: number; what: string }>();
function track(key: string, error: number, what: string) {
  const w = worst.get(key);
  if (w === undefined || error > w.error) worst.set(key, { error, what });
}

/**
 * Subsets whose REML likelihood has two maxima, the higher inside (0, ∞) and a lower one at 0:
 * metafor's Fisher scoring from max(0, HE) reaches the inner one. A Newton step longer than
 * Fisher's can leap over the inner maximum and the minimum beside it (from τ² = 0.436 to 0.0296 on
 * the first subset) and end at 0; the fit kernel (core-wasm kernels/fit.ts, solveScoreRoot, the
 * same fit rma uses) takes back a Newton step after which the likelihood has fallen and takes
 * metafor's Fisher step instead. Regression tests below: GOSH gives rma's fit on these subsets, and
 * that fit is metafor's.
 */
const TWO_MAXIMA: { dataset: string; method: Method; incl: string }[] = [
  // studies 2, 7, 10, 12: metafor τ² = 0.18814 (REML log-likelihood -3.8055 vs -3.8146 at 0)
  { dataset: "bcg", method: "REML", incl: "0100001001010" },
  // studies 1, 3, 5, 7, 9, 11, 13: metafor τ² = 0.094828 (-5.0301 vs -5.1238 at 0)
  { dataset: "bcg", method: "REML", incl: "1010101010101" },
];

const QUANTITIES: { name: Column; ours: keyof GoshResult }[] = [
  { name: "estimate", ours: "estimate" },
  { name: "I2", ours: "I2" },
  { name: "H2", ours: "H2" },
  { name: "tau2", ours: "tau2" },
  { name: "QE", ours: "Q" },
];

describe.each(testBackends)("gosh vs metafor's gosh, every subset (%s backend)", (backend) => {
  for (const [v, fixture] of fixtures.entries()) {
    const version = versions[v]!;
    it.each(fixture.cases.map((c) => [`metafor ${version}: ${c.dataset} ${c.method}`, c] as const))(
      "%s",
      async (_name, c) => {
        expect(fixture.metafor).toBe(version);
        const ds = fixture.datasets[c.dataset]!;
        const model = rma(
          { yi: ds.yi, vi: ds.vi },
          { method: c.method, control: fixtureControl, backend, labels: ds.labels },
        );
        const res = await gosh(model, { backend });
        expect(res.exhaustive).toBe(true);
        expect(res.subsets).toBe(c.subsets);
        expect(res.subsets).toBe(2 ** ds.k - 1);
        expect(res.seed).toBeNull();
        expect(res.incl).toEqual({ kind: "index" });
        expect(res.failed).toBe(c.failed);
        const kind = kindsFor(c.method).value;
        const seen = new Uint8Array(res.subsets);
        ds.incl.forEach((incl, row) => {
          const s = indexOf(incl) - 1;
          seen[s] = 1;
          const size = [...incl].filter((x) => x === "1").length;
          expect(res.k[s]).toBe(size);
          expect(goshSubset(res, s).map((i) => incl[i])).toEqual(Array(size).fill("1"));
          for (const q of QUANTITIES) {
            const expected = column(fixture, c, q.name)[row]!;
            const actual = (res[q.ours] as Float64Array)[s]!;
            const what = `${version} ${c.dataset} ${c.method} ${q.name} [${incl}]`;
            track(`${version} ${q.name} (${kind})`, relativeError(actual, expected, kind), what);
            // exact zeros (tau² at the boundary, I² truncated): absolute error on the scale 1
            expectClose(actual, expected, kind, what, 1);
          }
        });
        expect(seen.every((x) => x === 1)).toBe(true);
      },
    );
  }
});

const bcg = fixtures[0]!.datasets["bcg"]!;

describe("likelihoods with two maxima (TWO_MAXIMA)", () => {
  const studiesOf = (incl: string) => [...incl].flatMap((x, i) => (x === "1" ? [i] : []));
  for (const d of TWO_MAXIMA) {
    it(`gosh gives rma's fit on ${d.dataset} ${d.method} [${d.incl}]`, async () => {
      const ds = fixtures[0]!.datasets[d.dataset]!;
      const model = rma({ yi: ds.yi, vi: ds.vi }, { method: d.method, control: fixtureControl });
      const res = await gosh(model);
      const s = indexOf(d.incl) - 1;
      const members = studiesOf(d.incl);
      const direct = rma(
        { yi: members.map((i) => ds.yi[i]!), vi: members.map((i) => ds.vi[i]!) },
        { method: d.method, control: fixtureControl },
      );
      expect(res.tau2[s]).toBe(direct.tau2);
      expect(res.estimate[s]).toBe(direct.beta[0]);
    });
    it(`the fit kernel reaches metafor's REML estimate on [${d.incl}]`, () => {
      const ds = fixtures[0]!.datasets[d.dataset]!;
      const c = fixtures[0]!.cases.find((o) => o.dataset === d.dataset && o.method === d.method)!;
      const row = ds.incl.indexOf(d.incl);
      const members = studiesOf(d.incl);
      const direct = rma(
        { yi: members.map((i) => ds.yi[i]!), vi: members.map((i) => ds.vi[i]!) },
        { method: d.method, control: fixtureControl },
      );
      const error = relativeError(direct.tau2, c.tau2[row]!, "iterative");
      expect(error, `tau2 [${d.incl}]`).toBeLessThanOrEqual(tolerance.iterative);
    });
  }
});

describe("the full data set and rma", () => {
  it("the last subset is the model itself (estimate, tau², QE, I², H²)", async () => {
    for (const method of ["FE", "DL", "REML", "PM"] as const) {
      const model = rma({ yi: bcg.yi, vi: bcg.vi }, { method, control: fixtureControl });
      const res = await gosh(model);
      const s = res.subsets - 1;
      expect(goshSubset(res, s)).toEqual([...Array(13).keys()]);
      expectClose(res.estimate[s], model.beta[0], "closed", `${method} estimate`);
      expectClose(res.tau2[s], model.tau2, "closed", `${method} tau2`, 1);
      expectClose(res.Q[s], model.QE.statistic, "closed", `${method} Q`);
      expectClose(res.I2[s], model.I2, "closed", `${method} I2`, 1);
      // bcg is heterogeneous (Q > df), where gosh's H² = Q/df of FE and DL is rma's H² too
      expectClose(res.H2[s], model.H2, "closed", `${method} H2`);
    }
  });
});

/** R's quantile(x, p) (type 7) by sorting: the reference for the summaries. */
function quantileBySort(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).filter(Number.isFinite).sort();
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!);
}

describe("summaries", () => {
  it("are R's quantiles (type 7) and the mean of the fitted subsets", async () => {
    for (const method of ["FE", "REML"] as const) {
      // FE: hundreds of I² = 0 ties; REML: τ² = 0 ties; 8191 and 8190 values (even and odd n - 1)
      const model = rma({ yi: bcg.yi, vi: bcg.vi }, { method });
      for (const subsets of [8191, 8190]) {
        const res = await gosh(model, { subsets, seed: 4 });
        for (const key of ["estimate", "I2", "H2", "tau2", "Q"] as const) {
          const values = res[key];
          const summary = res.summary[key];
          const what = `${method} ${subsets} ${key}`;
          expect(summary.min, what).toBe(quantileBySort(values, 0));
          expect(summary.max, what).toBe(quantileBySort(values, 1));
          expectClose(summary.q25, quantileBySort(values, 0.25), "closed", `${what} q25`, 1);
          expectClose(summary.median, quantileBySort(values, 0.5), "closed", `${what} median`, 1);
          expectClose(summary.q75, quantileBySort(values, 0.75), "closed", `${what} q75`, 1);
          const mean = values.reduce((a, b) => a + b, 0) / values.length;
          expectClose(summary.mean, mean, "closed", `${what} mean`, 1);
        }
      }
    }
  });
});

/** A result without its run-specific fields, for comparing runs. */
function core(res: GoshResult) {
  const { backend: _b, workers: _w, ...rest } = res;
  return rest;
}

/** 20 studies (2^20 - 1 subsets): the bcg data and 7 more, for runs of random subsets. */
const k20 = {
  yi: [...bcg.yi, -0.3, 0.12, -0.95, -0.51, 0.08, -1.1, -0.62],
  vi: [...bcg.vi, 0.05, 0.21, 0.013, 0.09, 0.33, 0.04, 0.15],
};

describe("random subsets", () => {
  const model = rma({ yi: bcg.yi, vi: bcg.vi }, { method: "REML", control: fixtureControl });

  it("are reproducible from the seed, on both backends and on 1 or 2 workers", async () => {
    // 2 blocks of at most 4096 subsets (of 8191), so two workers really split the work
    const options = { subsets: 8000, seed: 2012 };
    const wasm1 = await gosh(model, { ...options, backend: "wasm", workers: 1 });
    const wasm2 = await gosh(model, { ...options, backend: "wasm", workers: 2 });
    const js1 = await gosh(model, { ...options, backend: "js", workers: 1 });
    const js2 = await gosh(model, { ...options, backend: "js", workers: 2 });
    const again = await gosh(model, { ...options, backend: "wasm" });
    expect(wasm1.exhaustive).toBe(false);
    expect(wasm1.seed).toBe(2012);
    expect(wasm1.subsets).toBe(8000);
    expect(wasm1.incl.kind).toBe("bitset");
    expect(wasm1.failed).toBe(0);
    expect(wasm2.workers).toBe(2);
    expect(core(wasm2)).toEqual(core(wasm1));
    expect(core(again)).toEqual(core(wasm1));
    expect(core(js2)).toEqual(core(js1));
    // the two compiled outputs perform the same IEEE operations: the same numbers, bit for bit
    expect(core(js1)).toEqual(core(wasm1));
    const other = await gosh(model, { subsets: 8000, seed: 2013 });
    expect(other.incl).not.toEqual(wasm1.incl);
  });

  it("every subset: the same result on 1 and 2 workers, each subset in its index's place", async () => {
    // k = 16: 16 blocks, which the workers take in the order 0, 15, 1, 14, ...
    const k16 = rma({ yi: k20.yi.slice(0, 16), vi: k20.vi.slice(0, 16) }, { method: "DL" });
    const one = await gosh(k16, { workers: 1 });
    const two = await gosh(k16, { workers: 2, backend: "js" });
    expect(one.exhaustive).toBe(true);
    expect(one.subsets).toBe(65_535);
    expect(core(two)).toEqual(core(one));
    for (let s = 0; s < one.subsets; s++) {
      let size = 0;
      for (let x = s + 1; x > 0; x >>>= 1) size += x & 1;
      if (one.k[s] !== size) expect.fail(`subset ${s}: k ${one.k[s]}, index has ${size} bits`);
    }
    const s = 0b1010_0000_0000_0101 - 1; // studies 0, 2, 13, 15
    const members = [0, 2, 13, 15];
    expect(goshSubset(one, s)).toEqual(members);
    const direct = rma(
      { yi: members.map((i) => k20.yi[i]!), vi: members.map((i) => k20.vi[i]!) },
      { method: "DL" },
    );
    expectClose(one.estimate[s], direct.beta[0], "closed", "subset 0, 2, 13, 15");
    expectClose(one.tau2[s], direct.tau2, "closed", "subset 0, 2, 13, 15 tau2", 1);
  });

  it("are fitted exactly as the same subsets of the exhaustive run", async () => {
    const exhaustive = await gosh(model);
    const random = await gosh(model, { subsets: 5000, seed: 7 });
    if (random.incl.kind !== "bitset") throw new Error("random subsets expected");
    expect(random.incl.words).toBe(1);
    for (let s = 0; s < random.subsets; s++) {
      const word = random.incl.bits[s]!;
      expect(word).toBeGreaterThan(0);
      expect(word).toBeLessThan(2 ** 13);
      const e = word - 1; // the same subset's position in the exhaustive result
      expect(goshSubset(random, s)).toEqual(goshSubset(exhaustive, e));
      expect(random.k[s]).toBe(exhaustive.k[e]);
      expect(random.estimate[s]).toBe(exhaustive.estimate[e]);
      expect(random.tau2[s]).toBe(exhaustive.tau2[e]);
      expect(random.Q[s]).toBe(exhaustive.Q[e]);
      expect(random.I2[s]).toBe(exhaustive.I2[e]);
      expect(random.H2[s]).toBe(exhaustive.H2[e]);
    }
  });

  it("include each study with probability 1/2 (given a non-empty subset)", async () => {
    const n = 40_000;
    const res = await gosh(rma(k20, { method: "FE" }), { subsets: n, seed: 99, workers: 2 });
    expect(res.exhaustive).toBe(false);
    const counts = new Array(20).fill(0);
    let sizes = 0;
    for (let s = 0; s < n; s++) {
      const members = goshSubset(res, s);
      expect(members.length).toBe(res.k[s]);
      expect(members.length).toBeGreaterThan(0);
      sizes += members.length;
      for (const i of members) counts[i]++;
    }
    // P(study in | non-empty) = 2^19/(2^20 - 1); binomial SD sqrt(n/4); mean size 10
    const expected = (n * 2 ** 19) / (2 ** 20 - 1);
    for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(5 * Math.sqrt(n / 4));
    expect(Math.abs(sizes / n - 10)).toBeLessThan(0.05);
  });

  it("keep membership bitsets over several words beyond 32 studies", async () => {
    const k = 40;
    const yi = Array.from({ length: k }, (_, i) => Math.sin(i) / 2);
    const vi = Array.from({ length: k }, (_, i) => 0.02 + (i % 7) / 50);
    const res = await gosh(rma({ yi, vi }, { method: "DL" }), { subsets: 300, seed: 5 });
    if (res.incl.kind !== "bitset") throw new Error("random subsets expected");
    expect(res.incl.words).toBe(2);
    for (let s = 0; s < res.subsets; s++) {
      expect(res.incl.bits[2 * s + 1]!).toBeLessThan(2 ** 8); // studies 32..39 only
      const members = goshSubset(res, s);
      expect(members.length).toBe(res.k[s]);
      const direct = rma(
        { yi: members.map((i) => yi[i]!), vi: members.map((i) => vi[i]!) },
        { method: "DL" },
      );
      expectClose(res.estimate[s], direct.beta[0], "closed", `subset ${s} estimate`);
    }
  });
});

describe("progress and cancellation", () => {
  const model = rma(k20, { method: "REML" });

  it("reports progress block by block up to the total", async () => {
    for (const workers of [1, 2]) {
      const seen: number[] = [];
      await gosh(model, {
        subsets: 10_000,
        seed: 1,
        workers,
        onProgress: ({ done, total }) => {
          expect(total).toBe(10_000);
          seen.push(done);
        },
      });
      expect(seen.length).toBe(3); // blocks of 4096
      expect(seen.at(-1)).toBe(10_000);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    }
  });

  it("rejects with CANCELLED when the signal aborts (in-process and on workers)", async () => {
    for (const workers of [1, 2]) {
      const controller = new AbortController();
      let last = 0;
      const run = gosh(model, {
        subsets: 2_000_000,
        seed: 2,
        workers,
        signal: controller.signal,
        onProgress: ({ done }) => {
          last = done;
          if (done >= 8192) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: "CANCELLED" });
      await expect(run).rejects.toBeInstanceOf(PooledError);
      expect(last).toBeLessThan(2_000_000);
    }
    await expect(gosh(model, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "CANCELLED",
    });
  });
});

describe("limits, checked before any work", () => {
  const model = rma({ yi: bcg.yi, vi: bcg.vi });

  it("needs an intercept-only model with at least 2 studies", async () => {
    const withMods = rma(
      { yi: bcg.yi, vi: bcg.vi },
      { mods: [{ name: "x", values: bcg.yi.map((_, i) => i) }] },
    );
    await expect(gosh(withMods)).rejects.toBeInstanceOf(PooledInputError);
    const one = rma({ yi: [0.5], vi: [0.1] });
    await expect(gosh(one)).rejects.toBeInstanceOf(TooFewStudiesError);
    await expect(gosh(one)).rejects.toMatchObject({ code: "TOO_FEW_STUDIES" });
  });

  it("takes 2 to 10^7 subsets and a uint32 seed", async () => {
    for (const subsets of [1, 0, 2.5, Number.NaN, 10_000_001]) {
      await expect(gosh(model, { subsets })).rejects.toMatchObject({ code: "BAD_OPTION" });
    }
    await expect(gosh(model, { subsets: 100, seed: -1 })).rejects.toMatchObject({
      code: "BAD_OPTION",
    });
    // exhaustive exactly when 2^k - 1 <= subsets
    expect((await gosh(model, { subsets: 8191 })).exhaustive).toBe(true);
    const random = await gosh(model, { subsets: 8190, seed: 1 });
    expect(random.exhaustive).toBe(false);
    expect(random.subsets).toBe(8190);
  });

  it("refuses membership bitsets beyond 10^8 words (very large k)", async () => {
    const k = 3300; // 104 words per subset: 10^6 subsets would keep 1.04·10^8 words
    const big = rma(
      {
        yi: Array.from({ length: k }, (_, i) => Math.cos(i)),
        vi: Array.from({ length: k }, () => 0.1),
      },
      { method: "DL" },
    );
    await expect(gosh(big)).rejects.toMatchObject({ code: "TOO_MANY_SUBSETS" });
  });

  it("the kernel refuses index ranges outside 1 .. 2^k - 1 and k > 30 (both backends)", () => {
    const control = packControl({ ...fitDefaults.control, ...fixtureControl });
    const block = (k: number, exact: number, start: number, count: number) => {
      const rctl = new Float64Array(ResampleSlot.size);
      rctl[ResampleSlot.exact] = exact;
      rctl[ResampleSlot.start] = start;
      rctl[ResampleSlot.count] = count;
      const yi = new Float64Array(k).map((_, i) => i / 10);
      const vi = new Float64Array(k).fill(0.1);
      return { input: { yi, vi, k, method: MethodCode.REML, control, rctl }, count };
    };
    for (const name of testBackends) {
      const backend = getBackend(name);
      const run = (b: ReturnType<typeof block>) =>
        backend.goshBlock(b.input, new Float64Array(goshOutSize(b.count, 2)));
      expect(run(block(3, 1, 1, 7))).toBe(KernelStatus.OK);
      expect(run(block(3, 1, 0, 1))).toBe(KernelStatus.BAD_INPUT);
      expect(run(block(3, 1, 2, 7))).toBe(KernelStatus.BAD_INPUT);
      expect(run(block(31, 1, 1, 1))).toBe(KernelStatus.BAD_INPUT);
      expect(run(block(3, 2, 1, 1))).toBe(KernelStatus.BAD_INPUT);
      expect(run(block(3, 0, 1.5, 1))).toBe(KernelStatus.BAD_INPUT);
      expect(run(block(31, 0, 0, 4))).toBe(KernelStatus.OK); // random subsets of 31 studies
      const bad = block(3, 1, 1, 7);
      bad.input.vi[1] = 0;
      expect(run(bad)).toBe(KernelStatus.BAD_INPUT);
    }
  });

  it("keeps a fixed tau² fixed, as gosh refits with tau2 = x$tau2", async () => {
    const control = { tau2Fixed: 0.1 };
    const fixed = rma({ yi: bcg.yi, vi: bcg.vi }, { method: "REML", control });
    const res = await gosh(fixed);
    for (let s = 0; s < res.subsets; s++) expect(res.tau2[s]).toBe(0.1);
    const s = res.k.indexOf(5);
    const members = goshSubset(res, s);
    const direct = rma(
      { yi: members.map((i) => bcg.yi[i]!), vi: members.map((i) => bcg.vi[i]!) },
      { method: "REML", control },
    );
    expectClose(res.estimate[s], direct.beta[0], "closed", "fixed tau2 estimate");
    expectClose(res.I2[s], direct.I2, "closed", "fixed tau2 I2");
    expectClose(res.H2[s], direct.H2, "closed", "fixed tau2 H2");
  });

  it("writes k and status columns for every subset", () => {
    const rctl = new Float64Array(ResampleSlot.size);
    rctl[ResampleSlot.exact] = 1;
    rctl[ResampleSlot.start] = 1;
    rctl[ResampleSlot.count] = 7;
    const out = new Float64Array(goshOutSize(7, 0));
    const status = getBackend("wasm").goshBlock(
      {
        yi: Float64Array.of(0.1, 0.5, 0.9),
        vi: Float64Array.of(0.1, 0.2, 0.3),
        k: 3,
        method: MethodCode.FE,
        control: packControl({ ...fitDefaults.control, ...fixtureControl }),
        rctl,
      },
      out,
    );
    expect(status).toBe(KernelStatus.OK);
    expect(Array.from(out.subarray(GoshColumn.k * 7, GoshColumn.k * 7 + 7))).toEqual([
      1, 1, 2, 1, 2, 2, 3,
    ]);
    expect(Array.from(out.subarray(GoshColumn.status * 7, GoshColumn.status * 7 + 7))).toEqual(
      Array(7).fill(KernelStatus.OK),
    );
    // subset 1 = study 0 alone: its own estimate, Q = 0, I² = 0, H² = 1
    expect(out[GoshColumn.estimate * 7]).toBeCloseTo(0.1, 14);
    expect([out[GoshColumn.Q * 7], out[GoshColumn.I2 * 7], out[GoshColumn.H2 * 7]]).toEqual([
      0, 0, 1,
    ]);
  });
});

afterAll(() => {
  for (const [key, w] of [...worst].sort()) {
    console.log(`[gosh vs metafor ${key}] worst ${w.error.toExponential(2)} (${w.what})`);
  }
  console.log(reportWorstErrors("gosh"));
});
