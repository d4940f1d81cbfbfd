/**
 * The three-level model (rmaMultilevel) against metafor's rma.mv(yi, vi, random = ~ 1 |
 * cluster/experiment) and confint/anova, with both metafor versions (fixtures/multilevel.metafor-*.json,
 * written by fixtures/r/multilevel.R at a tight tolerance): every statistic, on both kernel paths.
 * Also: the resampling kernels agree between the paths, and bad input is refused.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { PooledError, TooFewStudiesError } from "../../src/errors.js";
import { rma } from "../../src/models/index.js";
import {
  multilevelBootstrap,
  multilevelPermutationTest,
  rmaMultilevel,
} from "../../src/multilevel/index.js";
import type { MultilevelResult } from "../../src/multilevel/types.js";
import { MAX_CLUSTER_SIZE, robustCR2 } from "../../src/robust/index.js";
import type { Moderator } from "../../src/types.js";
import { testBackends } from "../support/backends.js";
import { fixtureUrl } from "../support/fixtures.js";
import { expectClose, reportWorstErrors } from "../support/tolerance.js";

type Num = number | null;
interface Interval3 {
  estimate: number;
  lower: Num;
  upper: Num;
}
interface MultilevelCase {
  name: string;
  data: {
    yi: number[];
    vi: number[];
    cluster: string[];
    mods: Record<string, number[] | string[]>;
  };
  method: "REML" | "ML";
  test: "z" | "t";
  mods: string[];
  fit: {
    k: number;
    p: number;
    beta: number[];
    se: number[];
    statistic: number[];
    pval: number[];
    ciLower: number[];
    ciUpper: number[];
    vb: number[][];
    sigma2Between: number;
    sigma2Within: number;
    logLik: number;
    QE: number;
    QEdf: number;
    QEp: number;
    QM: number;
    QMdf: Num[];
    QMp: number;
    df: Num;
  } | null;
  predict: {
    estimate: number;
    se: number;
    ciLower: number;
    ciUpper: number;
    piLower: number;
    piUpper: number;
  } | null;
  confint: { sigma2Between: Interval3 | null; sigma2Within: Interval3 | null } | null;
  I2: { between: number; within: number; total: number } | null;
  lrt: {
    between: { statistic: number; df: number; p: number } | null;
    within: { statistic: number; df: number; p: number } | null;
  } | null;
  notes: string[];
  convergence: { global?: { sigma2: number[]; logLik: number; isFit: boolean } };
}

const VERSIONS = ["3.8.1", "5.1.12"];
const fixtures = VERSIONS.map((version) => {
  const url = fixtureUrl(`multilevel.metafor-${version}.json`);
  return JSON.parse(readFileSync(url, "utf8")) as { metafor: string; cases: MultilevelCase[] };
});

function moderators(c: MultilevelCase): Moderator[] {
  return c.mods.map((name) => {
    const values = c.data.mods[name]!;
    return typeof values[0] === "string"
      ? { name, type: "categorical" as const, values: values as string[] }
      : { name, values: values as number[] };
  });
}

/** Every cluster holds one row: only the sum of the two components is identified. */
function singletons(c: MultilevelCase): boolean {
  return new Set(c.data.cluster).size === c.data.cluster.length;
}

function fitCase(c: MultilevelCase, backend: "js" | "wasm"): MultilevelResult {
  return rmaMultilevel(
    { yi: c.data.yi, vi: c.data.vi, cluster: c.data.cluster },
    { method: c.method, test: c.test, mods: moderators(c), backend },
  );
}

function compareFit(res: MultilevelResult, c: MultilevelCase, what: string): void {
  const fit = c.fit!;
  const it = "iterative" as const;
  expect(res.k).toBe(fit.k);
  expect(res.p).toBe(fit.p);
  for (let j = 0; j < fit.p; j++) {
    const co = res.coefficients[j]!;
    expectClose(co.estimate, fit.beta[j], it, `${what} beta[${j}]`);
    expectClose(co.se, fit.se[j], it, `${what} se[${j}]`);
    expectClose(co.statistic, fit.statistic[j], it, `${what} statistic[${j}]`);
    expectClose(co.p, fit.pval[j], it, `${what} p[${j}]`);
    expectClose(co.ciLower, fit.ciLower[j], it, `${what} ciLower[${j}]`);
    expectClose(co.ciUpper, fit.ciUpper[j], it, `${what} ciUpper[${j}]`);
    for (let l = 0; l < fit.p; l++) {
      expectClose(res.vb[j]![l], fit.vb[j]![l], it, `${what} vb[${j}][${l}]`);
    }
  }
  if (singletons(c)) {
    // metafor's split of the sum is its optimizer's path; Pooled fixes sigma²_within at 0
    expect(res.withinIdentifiable).toBe(false);
    expect(res.sigma2Within.estimate).toBe(0);
    const sum = fit.sigma2Between + fit.sigma2Within;
    expectClose(res.sigma2Between.estimate, sum, it, `${what} sigma2 sum`);
  } else {
    expectClose(res.sigma2Between.estimate, fit.sigma2Between, it, `${what} sigma2Between`);
    expectClose(res.sigma2Within.estimate, fit.sigma2Within, it, `${what} sigma2Within`);
  }
  expectClose(res.logLik, fit.logLik, it, `${what} logLik`);
  expectClose(res.QE.statistic, fit.QE, "closed", `${what} QE`);
  expect(res.QE.df).toBe(fit.QEdf);
  expectClose(res.QE.p, fit.QEp, "pvalue", `${what} QEp`);
  expectClose(res.QM.statistic, fit.QM, it, `${what} QM`);
  expect(res.QM.df).toBe(fit.QMdf[0]);
  if (fit.QMdf[1] !== null) expect(res.QM.distribution === "F" && res.QM.df2).toBe(fit.QMdf[1]);
  expectClose(res.QM.p, fit.QMp, it, `${what} QMp`);
  expect(res.df).toBe(fit.df);
  if (c.predict) {
    const pr = res.prediction!;
    expectClose(pr.estimate, c.predict.estimate, it, `${what} pred`);
    expectClose(pr.se, c.predict.se, it, `${what} pred se`);
    expectClose(pr.ciLower, c.predict.ciLower, it, `${what} pred ciLower`);
    expectClose(pr.ciUpper, c.predict.ciUpper, it, `${what} pred ciUpper`);
    expectClose(pr.piLower, c.predict.piLower, it, `${what} piLower`);
    expectClose(pr.piUpper, c.predict.piUpper, it, `${what} piUpper`);
  } else {
    expect(res.prediction).toBeNull();
  }
  if (c.I2) {
    expectClose(res.I2Total, c.I2.total, it, `${what} I2 total`);
    if (!singletons(c)) {
      expectClose(res.I2Between, c.I2.between, it, `${what} I2 between`);
      expectClose(res.I2Within, c.I2.within, it, `${what} I2 within`);
    }
  }
  if (singletons(c)) return;
  for (const name of ["sigma2Between", "sigma2Within"] as const) {
    const ref = c.confint?.[name];
    if (!ref || res[name].fixed) continue;
    // a bound metafor could not find (NA, with a note) is not compared; Pooled's is checked below
    if (ref.lower !== null)
      expectClose(res[name].ciLower, ref.lower, it, `${what} ${name} ciLower`);
    if (ref.upper !== null)
      expectClose(res[name].ciUpper, ref.upper, it, `${what} ${name} ciUpper`);
  }
  for (const name of ["between", "within"] as const) {
    const ref = c.lrt?.[name];
    const mine = name === "between" ? res.lrtBetween : res.lrtWithin;
    if (!ref || mine === null) continue;
    expectClose(mine.statistic, ref.statistic, it, `${what} lrt ${name}`, 1e-6);
    expect(mine.df).toBe(ref.df);
    expectClose(mine.p, ref.p, it, `${what} lrt ${name} p`);
  }
}

for (const fixture of fixtures) {
  describe(`rmaMultilevel vs metafor ${fixture.metafor} (rma.mv, confint, anova)`, () => {
    const cases = fixture.cases.filter((c) => c.fit !== null);
    it("the fixture covers the data sets and edge cases", () => {
      expect(cases.length).toBeGreaterThanOrEqual(30);
      for (const name of [
        "konstantopoulos2011",
        "assink2016",
        "bornmann2007",
        "sci-exosomes",
        "edge",
      ]) {
        expect(
          cases.some((c) => c.name.startsWith(name)),
          name,
        ).toBe(true);
      }
    });
    for (const backend of testBackends) {
      for (const c of cases) {
        it(`${c.name} [${backend}]`, () => {
          const res = fitCase(c, backend);
          const global = c.convergence.global;
          if (global !== undefined && !global.isFit) {
            // metafor's fit is a local maximum: Pooled reports the global one, and says so
            const what = `${c.name} [${backend}] global maximum`;
            expectClose(res.sigma2Between.estimate, global.sigma2[0], "iterative", what);
            expectClose(res.sigma2Within.estimate, global.sigma2[1], "iterative", what);
            expectClose(res.logLik, global.logLik, "iterative", `${what} logLik`);
            expect(res.logLik).toBeGreaterThan(c.fit!.logLik);
            expect(res.notes.join(" ")).toMatch(/more than one maximum/);
            return;
          }
          compareFit(res, c, `${c.name} [${backend}] metafor ${fixture.metafor}`);
          // every CI bound Pooled reports lies on the profile likelihood's cut-off or at 0
          for (const vc of [res.sigma2Between, res.sigma2Within]) {
            if (vc.fixed) continue;
            expect(vc.ciLower).not.toBeNull();
            expect(vc.ciLower!).toBeLessThanOrEqual(vc.estimate);
            if (vc.ciUpper !== null) expect(vc.ciUpper).toBeGreaterThanOrEqual(vc.estimate);
          }
        });
      }
    }
    afterAll(() => {
      console.log(reportWorstErrors(`multilevel metafor ${fixture.metafor}`));
    });
  });
}

describe("rmaMultilevel: identifiability and bad input", () => {
  const yi = [0.1, 0.3, 0.2, 0.5, 0.4, 0.35];
  const vi = [0.01, 0.02, 0.015, 0.03, 0.02, 0.025];
  it("one publication: sigma²_between fixed at 0, with a note; no robust tests", () => {
    const res = rmaMultilevel({ yi, vi, cluster: ["a", "a", "a", "a", "a", "a"] });
    expect(res.sigma2Between.fixed).toBe(true);
    expect(res.sigma2Between.estimate).toBe(0);
    expect(res.robust).toBeNull();
    expect(res.notes.join(" ")).toMatch(/one publication/);
    expect(res.notes.join(" ")).toMatch(/at least 2 publications/);
  });
  it("refuses a missing or empty cluster label, naming the row", () => {
    expect(() => rmaMultilevel({ yi, vi, cluster: ["a", "a", "b"] })).toThrow(/6 cluster/);
    expect(() => rmaMultilevel({ yi, vi, cluster: ["a", "a", "b", "", "c", "c"] })).toThrow(
      /study #4.*cluster/s,
    );
  });
  it("refuses k <= p and bad options", () => {
    expect(() => rmaMultilevel({ yi: [0.1], vi: [0.01], cluster: ["a"] })).toThrow(
      TooFewStudiesError,
    );
    expect(() =>
      rmaMultilevel({ yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] }, { method: "DL" as "ML" }),
    ).toThrow(/REML.*ML/);
    expect(() =>
      rmaMultilevel(
        { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] },
        { control: { maxIter: 0 } },
      ),
    ).toThrow(PooledError);
  });
});

describe("three-level resampling: both paths give the same numbers", () => {
  const c = fixtures[0]!.cases.find((x) => x.name === "konstantopoulos2011 REML z")!;
  const models = testBackends.map((backend) => fitCase(c, backend));
  it("cluster bootstrap: same replicates on WASM and JS, sensible intervals", async () => {
    const [a, b] = await Promise.all(
      models.map((m) => multilevelBootstrap(m, { replicates: 300, seed: 7, backend: m.backend })),
    );
    expect(a!.failed).toBe(0);
    expect(a!.clusters).toBe(11);
    for (let j = 0; j < a!.statistics.length; j++) {
      const x = a!.statistics[j]!;
      const y = b!.statistics[j]!;
      expectClose(x.mean, y.mean, "iterative", `boot mean ${x.name}`);
      expectClose(x.percentile!.lower, y.percentile!.lower, "iterative", `boot lower ${x.name}`);
      expect(x.percentile!.lower).toBeLessThan(x.estimate);
      expect(x.percentile!.upper).toBeGreaterThan(x.estimate);
    }
  });
  it("permutation test: same counts on WASM and JS; publications are the unit", async () => {
    const [a, b] = await Promise.all(
      models.map((m) =>
        multilevelPermutationTest(m, { iterations: 300, seed: 3, backend: m.backend }),
      ),
    );
    expect(a!.unit).toBe("publications");
    expect(a!.coefficients[0]!.exceedances).toBe(b!.coefficients[0]!.exceedances);
    expect(a!.QM.exceedances).toBe(b!.QM.exceedances);
    expect(a!.valid + a!.failed).toBe(300);
  });
});

describe("rmaMultilevel: properties", () => {
  const c = fixtures[0]!.cases.find((x) => x.name === "assink2016 ~deltype REML z")!;
  for (const backend of testBackends) {
    it(`does not depend on the order of the rows or the names of the publications [${backend}]`, () => {
      const a = fitCase(c, backend);
      const order = c.data.yi.map((_, i) => i).reverse();
      const pick = <T>(xs: T[]) => order.map((i) => xs[i]!);
      const b = rmaMultilevel(
        {
          yi: pick(c.data.yi),
          vi: pick(c.data.vi),
          cluster: pick(c.data.cluster).map((s) => `pub-${s}`),
        },
        {
          method: c.method,
          mods: moderators(c).map(
            (m) =>
              ({
                ...m,
                values: pick(Array.from(m.values as ArrayLike<number | string>)),
              }) as Moderator,
          ),
          backend,
        },
      );
      for (let j = 0; j < a.p; j++) {
        expectClose(b.beta[j], a.beta[j], "iterative", `beta[${j}]`);
        expectClose(b.coefficients[j]!.se, a.coefficients[j]!.se, "iterative", `se[${j}]`);
      }
      expectClose(b.sigma2Between.estimate, a.sigma2Between.estimate, "iterative", "sigma2Between");
      expectClose(b.sigma2Within.estimate, a.sigma2Within.estimate, "iterative", "sigma2Within");
      expectClose(b.logLik, a.logLik, "iterative", "logLik");
    });

    it(`with sigma²_between fixed at 0 it is rma's model with tau² = sigma²_within [${backend}]`, () => {
      const data = { yi: c.data.yi, vi: c.data.vi };
      const ml = rmaMultilevel(
        { ...data, cluster: c.data.cluster },
        { mods: moderators(c), control: { sigma2BetweenFixed: 0 }, backend, robust: false },
      );
      const uni = rma(data, { method: "REML", mods: moderators(c), backend });
      expectClose(ml.sigma2Within.estimate, uni.tau2, "iterative", "tau2");
      for (let j = 0; j < uni.p; j++) {
        expectClose(ml.beta[j], uni.beta[j], "iterative", `beta[${j}]`);
        expectClose(ml.coefficients[j]!.se, uni.coefficients[j]!.se, "iterative", `se[${j}]`);
      }
      expect(ml.lrtBetween).toBeNull();
    });
  }

  it("converges on random three-level data sets, at a maximum (scores 0, or negative at 0)", () => {
    let seed = 20261207;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-300)) * Math.cos(2 * Math.PI * rnd());
    let fits = 0;
    for (let rep = 0; rep < 150; rep++) {
      const m = 2 + Math.floor(rnd() * 10);
      const yi: number[] = [];
      const vi: number[] = [];
      const cluster: string[] = [];
      const sb = rnd() < 0.3 ? 0 : rnd() * 0.2;
      const sw = rnd() < 0.3 ? 0 : rnd() * 0.2;
      for (let j = 0; j < m; j++) {
        const u = normal() * Math.sqrt(sb);
        const size = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 12 : 4));
        for (let i = 0; i < size; i++) {
          const v = 0.01 + rnd() * 0.2;
          vi.push(v);
          yi.push(0.3 + u + normal() * Math.sqrt(sw) + normal() * Math.sqrt(v));
          cluster.push(`p${j}`);
        }
      }
      if (yi.length < 3) continue;
      for (const method of ["REML", "ML"] as const) {
        const results = testBackends.map((backend) =>
          rmaMultilevel({ yi, vi, cluster }, { method, backend, intervals: false, robust: false }),
        );
        const [a, b] = results;
        expect(b!.sigma2Between.estimate).toBe(a!.sigma2Between.estimate);
        expect(b!.sigma2Within.estimate).toBe(a!.sigma2Within.estimate);
        expect(a!.iterations).toBeLessThanOrEqual(50);
        // at the maximum: fixing a component at its estimate ± 1e-4 lowers the likelihood
        for (const which of ["sigma2BetweenFixed", "sigma2WithinFixed"] as const) {
          const vc = which === "sigma2BetweenFixed" ? a!.sigma2Between : a!.sigma2Within;
          if (vc.fixed) continue;
          for (const step of [-1e-4, 1e-4]) {
            const at = vc.estimate + step;
            if (at < 0) continue;
            const other = rmaMultilevel(
              { yi, vi, cluster },
              { method, control: { [which]: at }, intervals: false, robust: false },
            );
            expect(other.logLik).toBeLessThanOrEqual(a!.logLik + 1e-9);
          }
        }
        fits++;
      }
    }
    expect(fits).toBeGreaterThan(250);
  });
});

describe("units and limits", () => {
  const c = fixtures[0]!.cases.find((x) => x.name === "konstantopoulos2011 REML z")!;
  for (const scale of [1e-6, 1e6]) {
    it(`results scale with the outcome (×${scale}): the threshold is relative to the variances`, () => {
      const base = fitCase(c, "wasm");
      const scaled = rmaMultilevel({
        yi: c.data.yi.map((y) => y * scale),
        vi: c.data.vi.map((v) => v * scale * scale),
        cluster: c.data.cluster,
      });
      const s2 = scale * scale;
      expectClose(scaled.beta[0]! / scale, base.beta[0], "iterative", "beta");
      expectClose(scaled.coefficients[0]!.se / scale, base.coefficients[0]!.se, "iterative", "se");
      expectClose(
        scaled.sigma2Between.estimate / s2,
        base.sigma2Between.estimate,
        "iterative",
        "s2b",
      );
      expectClose(
        scaled.sigma2Within.estimate / s2,
        base.sigma2Within.estimate,
        "iterative",
        "s2w",
      );
      expectClose(scaled.sigma2Within.ciUpper! / s2, base.sigma2Within.ciUpper, "iterative", "ci");
      expectClose(scaled.lrtWithin!.statistic, base.lrtWithin!.statistic, "iterative", "lrt");
      // rma's REML on the same scaled data converges too (threshold relative above tau² = 1)
      const uni = rma({ yi: c.data.yi.map((y) => y * scale), vi: c.data.vi.map((v) => v * s2) });
      const uni0 = rma({ yi: c.data.yi, vi: c.data.vi });
      expectClose(uni.tau2 / s2, uni0.tau2, "iterative", "rma tau2");
    });
  }

  it("CR2 refuses a publication larger than MAX_CLUSTER_SIZE, and rmaMultilevel says so in a note", () => {
    const k = MAX_CLUSTER_SIZE + 3;
    const yi = Array.from({ length: k }, (_, i) => Math.sin(i));
    const vi = Array.from({ length: k }, (_, i) => 0.05 + 0.01 * (i % 7));
    const cluster = yi.map((_, i) => (i < MAX_CLUSTER_SIZE + 1 ? "big" : `p${i}`));
    expect(() =>
      robustCR2({
        yi,
        vi,
        X: new Array<number>(k).fill(1),
        k,
        p: 1,
        cluster,
        sigma2Between: 0,
        sigma2Within: 0.1,
        termNames: ["intrcpt"],
      }),
    ).toThrow(/largest cluster has 251 rows, the limit is 250/);
    const res = rmaMultilevel({ yi, vi, cluster }, { intervals: false });
    expect(res.robust).toBeNull();
    expect(res.notes.join(" ")).toMatch(/limit is 250/);
  });

  it("a bootstrap of publications needs 2 publications, and says when there are few", async () => {
    const one = rmaMultilevel({
      yi: [0.1, 0.3, 0.2],
      vi: [0.01, 0.02, 0.015],
      cluster: ["a", "a", "a"],
    });
    await expect(multilevelBootstrap(one, { replicates: 10, seed: 1 })).rejects.toThrow(
      /at least 2 publications/,
    );
    const few = fitCase(c, "wasm");
    const boot = await multilevelBootstrap(few, { replicates: 20, seed: 1 });
    expect(boot.notes.join(" ")).not.toMatch(/Only \d+ publications/);
    const small = rmaMultilevel({
      yi: [0.1, 0.3, 0.2, 0.5, 0.4],
      vi: [0.01, 0.02, 0.015, 0.03, 0.02],
      cluster: ["a", "a", "b", "c", "c"],
    });
    const smallBoot = await multilevelBootstrap(small, { replicates: 20, seed: 1 });
    expect(smallBoot.notes.join(" ")).toMatch(/Only 3 publications/);
  });
});
