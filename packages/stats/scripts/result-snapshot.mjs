#!/usr/bin/env node
/**
 * Result snapshot: runs the built package (dist, through its own package name) on the data sets the
 * tests use and writes every result, or every error, to one JSON file per function, numbers printed
 * exactly. Two snapshots of the same inputs, taken before and after a refactoring, must be
 * byte-identical (`diff -r`): the refactoring then changed no bit of any result, no key order, no
 * note and no error message. Not part of the test suite (it checks the build against itself, not
 * against metafor).
 *
 *   node packages/stats/scripts/result-snapshot.mjs /tmp/stats-before
 *
 * Number.prototype.toString round-trips every double (ECMA-262, Number::toString: the shortest
 * digits that read back to the same value), so equal text means equal bits; -0, NaN and ±Infinity,
 * which JSON cannot hold, are written as the strings "-0", "NaN", "Infinity" and "-Infinity", and an
 * own property whose value is undefined as "undefined", so that a key that appears or vanishes shows.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  bootstrap,
  escalc,
  PooledError,
  rma,
  rmaMultilevel,
  subgroups,
  trimFill,
} from "@pooled/stats";
import { stressDatasets } from "../../../fixtures/stress/datasets.mjs";

const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: node packages/stats/scripts/result-snapshot.mjs <output folder>");
  process.exit(2);
}
const root = new URL("../../../", import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(new URL(path, root), "utf8"));
const BACKENDS = ["js", "wasm"];

// ---------------------------------------------------------------------------------------------
// Exact serialisation

function exactNumber(x) {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Number.POSITIVE_INFINITY) return '"Infinity"';
  if (x === Number.NEGATIVE_INFINITY) return '"-Infinity"';
  if (Object.is(x, -0)) return '"-0"';
  return x.toString();
}

/** The own enumerable data of an error: class, code, message and every field (location, errors...). */
function errorRecord(error) {
  const record = { thrown: error?.constructor?.name ?? typeof error };
  if (error instanceof Error) {
    record.name = error.name;
    record.message = error.message;
    for (const key of Object.keys(error)) record[key] = error[key];
  } else {
    record.value = error;
  }
  record.pooled = error instanceof PooledError;
  return record;
}

function serialize(value, indent = "") {
  if (value === undefined) return '"undefined"';
  if (value === null) return "null";
  if (typeof value === "number") return exactNumber(value);
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "bigint") return JSON.stringify(`${value}n`);
  if (typeof value === "function") return JSON.stringify(`function ${value.name}`);
  if (value instanceof Error) return serialize(errorRecord(value), indent);
  const inner = `${indent}  `;
  if (ArrayBuffer.isView(value)) {
    return `{ "${value.constructor.name}": ${serialize(Array.from(value), indent)} }`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    // Arrays of plain values on one line, so a diff points at the array that changed.
    if (value.every((v) => v === null || typeof v !== "object")) {
      return `[${value.map((v) => serialize(v, inner)).join(", ")}]`;
    }
    return `[\n${value.map((v) => inner + serialize(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return "{}";
  return `{\n${keys
    .map((key) => `${inner}${JSON.stringify(key)}: ${serialize(value[key], inner)}`)
    .join(",\n")}\n${indent}}`;
}

// ---------------------------------------------------------------------------------------------
// Cases

/** One output file: id -> result (or the error thrown), in the order the cases were added. */
class Snapshot {
  constructor(name) {
    this.name = name;
    this.entries = [];
    this.ids = new Set();
  }
  async add(id, run) {
    if (this.ids.has(id)) throw new Error(`duplicate case ${this.name}: ${id}`);
    this.ids.add(id);
    let result;
    try {
      result = { result: await run() };
    } catch (error) {
      result = { error };
    }
    this.entries.push([id, result]);
  }
  write() {
    const body = this.entries
      .map(([id, result]) => `  ${JSON.stringify(id)}: ${serialize(result, "  ")}`)
      .join(",\n");
    writeFileSync(join(outDir, `${this.name}.json`), `{\n${body}\n}\n`);
    const errors = this.entries.filter(([, r]) => "error" in r).length;
    console.log(`${this.name}.json: ${this.entries.length} cases (${errors} of them errors)`);
    return this.entries.length;
  }
}

/** jsonlite unboxes length-1 vectors; undo that. */
const arr = (x) => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);

function fixtureModerators(mods) {
  return mods.map((m) =>
    m.type === "categorical"
      ? { name: m.name, type: "categorical", values: arr(m.values) }
      : { name: m.name, type: "continuous", values: arr(m.values) },
  );
}

/** The BBB example (per-arm summaries; excluded rows dropped), as the examples folder holds it. */
function bbbExample() {
  const text = readFileSync(new URL("examples/sci-exosomes-bbb.simulated.csv", root), "utf8");
  const [header, ...lines] = text.trim().split("\n");
  const names = header.split(",");
  const rows = lines
    .map((line) => Object.fromEntries(line.split(",").map((cell, j) => [names[j], cell])))
    .filter((row) => row.exclude === "");
  const num = (name) => rows.map((row) => Number(row[name]));
  return {
    labels: rows.map((row) => row.study),
    publication: rows.map((row) => row.publication),
    route: rows.map((row) => row.route),
    year: num("year"),
    m1i: num("mean_treatment"),
    sd1i: num("sd_treatment"),
    n1i: num("n_treatment"),
    m2i: num("mean_control"),
    sd2i: num("sd_control"),
    n2i: num("n_control"),
    msi: num("sham_mean"),
  };
}

// ---------------------------------------------------------------------------------------------
// rma and subgroups

async function rmaCases() {
  const snap = new Snapshot("rma");
  const models = readJson("fixtures/models.json");
  for (const c of models.cases) {
    for (const backend of BACKENDS) {
      await snap.add(`models.json ${c.id} [${backend}]`, () =>
        rma(
          { yi: arr(c.input.yi), vi: arr(c.input.vi) },
          {
            method: c.options.method,
            test: c.options.test,
            level: c.options.level,
            mods: fixtureModerators(c.input.mods),
            control: {
              threshold: c.options.control.threshold,
              maxIter: c.options.control.maxIter,
              ...(c.options.tau2Fixed === null ? {} : { tau2Fixed: c.options.tau2Fixed }),
            },
            backend,
          },
        ),
      );
    }
  }

  const tau2se = readJson("fixtures/tau2-se.metafor-5.1.12.json");
  for (const c of tau2se.cases) {
    const ds = tau2se.datasets[c.dataset];
    const mods = c.mods.map((name) =>
      typeof arr(ds[name])[0] === "string"
        ? { name, type: "categorical", values: arr(ds[name]) }
        : { name, values: arr(ds[name]) },
    );
    for (const backend of BACKENDS) {
      await snap.add(`tau2-se ${c.id} tau2Fixed=${c.tau2Fixed} [${backend}]`, () =>
        rma(
          { yi: arr(ds.yi), vi: arr(ds.vi) },
          {
            method: c.method,
            test: c.test,
            mods,
            control: {
              ...tau2se.control,
              maxIter: tau2se.control.maxiter,
              ...(c.tau2Fixed === null ? {} : { tau2Fixed: c.tau2Fixed }),
            },
            backend,
          },
        ),
      );
    }
  }

  // The convergence fixture's slow case, under its own control and the defaults.
  const conv = readJson("fixtures/convergence.metafor-5.1.12.json").raudenbush;
  for (const backend of BACKENDS) {
    for (const [name, control] of [
      ["defaults", undefined],
      ["threshold 1e-5", { threshold: 1e-5 }],
      ["maxIter 20", { maxIter: 20 }],
      ["stepAdj 0.5", { stepAdj: 0.5 }],
      ["tau2Init 1", { tau2Init: 1 }],
    ]) {
      await snap.add(`convergence raudenbush ~weeks ${name} [${backend}]`, () =>
        rma(
          { yi: conv.yi, vi: conv.vi },
          { mods: [{ name: "weeks", type: "continuous", values: conv.weeks }], control, backend },
        ),
      );
    }
  }

  // Random meta-regressions of the stress test (k 2-200, p 1-6), every iterative estimator.
  for (const set of stressDatasets(400)) {
    const mods = [];
    for (let j = 1; j < set.p; j++) {
      mods.push({
        name: `x${j}`,
        values: Array.from({ length: set.k }, (_, i) => set.X[i * set.p + j]),
      });
    }
    for (const backend of BACKENDS) {
      for (const test of ["z", "knha"]) {
        await snap.add(
          `stress ${set.id} ${set.method} k=${set.k} p=${set.p} ${test} [${backend}]`,
          () => rma({ yi: set.yi, vi: set.vi }, { method: set.method, test, mods, backend }),
        );
      }
    }
  }

  // Options, labels, standard errors, categorical moderators and every error path.
  const bcg = readJson("fixtures/bias.json").datasets.bcg;
  const bbb = readJson("fixtures/pipeline.json").cases[0].studies;
  const few = { yi: bcg.yi.slice(0, 4), vi: bcg.vi.slice(0, 4) };
  const variants = [
    ["bcg labels", bcg, { labels: bcg.labels }],
    ["bcg sei", { yi: bcg.yi, sei: bcg.vi.map(Math.sqrt) }, {}],
    ["bcg level 90", bcg, { level: 90 }],
    ["bcg no heterogeneity intervals", bcg, { heterogeneityIntervals: false }],
    ["bcg FE knha", bcg, { method: "FE", test: "knha" }],
    ["bcg tau2Fixed 0.1", bcg, { control: { tau2Fixed: 0.1 } }],
    ["bcg FE tau2Fixed", bcg, { method: "FE", control: { tau2Fixed: 0.1 } }],
    [
      "bcg ~year+alloc labels",
      bcg,
      {
        labels: bcg.labels,
        mods: [
          { name: "year", values: bcg.year },
          {
            name: "alloc",
            type: "categorical",
            values: bcg.year.map((y) => (y < 1950 ? "early" : y < 1970 ? "mid" : "late")),
          },
        ],
      },
    ],
    ["bbb", { yi: bbb.yi, vi: bbb.vi }, { labels: bbb.study }],
    ["bbb knha DL", { yi: bbb.yi, vi: bbb.vi }, { method: "DL", test: "knha" }],
    ["few studies z (note)", few, { method: "DL" }],
    ["one study", { yi: [0.3], vi: [0.02] }, {}],
    ["one study FE", { yi: [0.3], vi: [0.02] }, { method: "FE" }],
    ["two studies knha", { yi: [0.3, 0.5], vi: [0.02, 0.03] }, { test: "knha" }],
    ["exact fit knha", { yi: [0.3, 0.3, 0.3], vi: [0.02, 0.03, 0.04] }, { test: "knha" }],
    [
      "equal effects FE ~x",
      { yi: [0.3, 0.3, 0.3], vi: [0.02, 0.03, 0.04] },
      { method: "FE", mods: [{ name: "x", values: [1, 2, 4] }] },
    ],
    ["k = p", { yi: [0.3, 0.5], vi: [0.02, 0.03] }, { mods: [{ name: "x", values: [1, 2] }] }],
    [
      "k = p FE",
      { yi: [0.3, 0.5], vi: [0.02, 0.03] },
      { method: "FE", mods: [{ name: "x", values: [1, 2] }] },
    ],
    [
      "collinear",
      bcg,
      {
        mods: [
          { name: "a", values: bcg.year },
          { name: "b", values: bcg.year.map((y) => 2 * y) },
        ],
      },
    ],
    ["not converged", bcg, { control: { maxIter: 1 } }],
    ["no studies", { yi: [], vi: [] }, {}],
    ["bad method", bcg, { method: "XX" }],
    ["bad test", bcg, { test: "t" }],
    ["bad level", bcg, { level: 100 }],
    ["bad threshold", bcg, { control: { threshold: 0 } }],
    ["bad maxIter", bcg, { control: { maxIter: 1.5 } }],
    ["bad stepAdj", bcg, { control: { stepAdj: -1 } }],
    ["bad tau2Init", bcg, { control: { tau2Init: -1 } }],
    ["bad tau2Fixed", bcg, { control: { tau2Fixed: Number.NaN } }],
    ["bad labels", bcg, { labels: ["a"] }],
    [
      "bad values",
      { yi: [0.1, Number.NaN, 0.3], vi: [0.01, 0.02, -1] },
      { labels: ["a", "b", "c"] },
    ],
    ["bad one value", { yi: [0.1, 0.2, 0.3], vi: [0.01, 0.02, 0] }, {}],
    ["bad sei", { yi: [0.1, 0.2], sei: [0.1, "x"] }, {}],
    ["missing vi", { yi: [0.1, 0.2] }, {}],
    ["vi length", { yi: [0.1, 0.2], vi: [0.1] }, {}],
    ["bad moderator", bcg, { mods: [{ name: "x", values: [1, 2] }] }],
  ];
  for (const [name, data, options] of variants) {
    for (const backend of BACKENDS) {
      await snap.add(`${name} [${backend}]`, () => rma(data, { ...options, backend }));
    }
  }
  const count = snap.write();

  const sub = new Snapshot("subgroups");
  for (const c of models.subgroups) {
    for (const backend of BACKENDS) {
      await sub.add(`models.json ${c.id} [${backend}]`, () =>
        subgroups({ yi: arr(c.input.yi), vi: arr(c.input.vi) }, arr(c.input.groups), {
          method: c.options.method,
          test: c.options.test,
          control: c.options.control,
          backend,
        }),
      );
    }
  }
  return count + sub.write();
}

// ---------------------------------------------------------------------------------------------
// trim-and-fill

async function trimFillCases() {
  const snap = new Snapshot("trim-fill");
  const bias = readJson("fixtures/bias.json");
  const control = { threshold: 1e-10, maxIter: 1000 };
  for (const c of bias.trimfill) {
    const ds = bias.datasets[c.dataset];
    for (const backend of BACKENDS) {
      await snap.add(
        `bias.json ${c.dataset} ${c.method} ${c.estimator} ${c.sideGiven} [${backend}]`,
        () =>
          trimFill(
            rma(
              { yi: ds.yi, vi: ds.vi },
              { method: c.method, control, backend, labels: ds.labels },
            ),
            { estimator: c.estimator, side: c.sideGiven ?? undefined, control },
          ),
      );
    }
  }
  // Every data set x method x estimator x side, defaults, knha, maxIter and the errors.
  const datasets = Object.entries(bias.datasets);
  const pipeline = readJson("fixtures/pipeline.json").cases[0].studies;
  datasets.push(["bbb", { yi: pipeline.yi, vi: pipeline.vi, labels: pipeline.study }]);
  for (const [name, ds] of datasets) {
    for (const method of ["FE", "DL", "REML"]) {
      for (const estimator of ["L0", "R0", undefined]) {
        for (const side of ["left", "right", undefined]) {
          for (const backend of BACKENDS) {
            await snap.add(`${name} ${method} ${estimator} ${side} [${backend}]`, () =>
              trimFill(rma({ yi: ds.yi, vi: ds.vi }, { method, backend }), { estimator, side }),
            );
          }
        }
      }
    }
    for (const backend of BACKENDS) {
      await snap.add(`${name} REML knha [${backend}]`, () =>
        trimFill(rma({ yi: ds.yi, vi: ds.vi }, { test: "knha", backend, labels: ds.labels })),
      );
      for (const maxIter of [1, 2]) {
        await snap.add(`${name} REML maxIter ${maxIter} [${backend}]`, () =>
          trimFill(rma({ yi: ds.yi, vi: ds.vi }, { backend }), { maxIter }),
        );
      }
    }
  }
  const bcg = bias.datasets.bcg;
  const equalSe = [0.1, 0.4, 0.25, 0.7, -0.1];
  for (const backend of BACKENDS) {
    await snap.add(`errors: two studies [${backend}]`, () =>
      trimFill(rma({ yi: bcg.yi.slice(0, 2), vi: bcg.vi.slice(0, 2) }, { method: "FE", backend })),
    );
    await snap.add(`errors: moderators [${backend}]`, () =>
      trimFill(
        rma({ yi: bcg.yi, vi: bcg.vi }, { mods: [{ name: "year", values: bcg.year }], backend }),
      ),
    );
    for (const side of [undefined, "left", "right"]) {
      await snap.add(`equal SEs side ${side} [${backend}]`, () =>
        trimFill(rma({ yi: equalSe, vi: equalSe.map(() => 0.04) }, { backend }), { side }),
      );
    }
    await snap.add(`refit control [${backend}]`, () =>
      trimFill(rma({ yi: bcg.yi, vi: bcg.vi }, { backend }), {
        control: { threshold: 1e-6, stepAdj: 0.5 },
      }),
    );
  }
  return snap.write();
}

// ---------------------------------------------------------------------------------------------
// escalc

async function escalcCases() {
  const snap = new Snapshot("escalc");
  for (const c of readJson("fixtures/escalc.json").cases) {
    await snap.add(`escalc.json ${c.name} ${JSON.stringify(c.options)}`, () =>
      escalc(c.measure, c.input, c.options),
    );
  }
  for (const version of ["3.8.1", "5.1.12"]) {
    const fx = readJson(`fixtures/escalc-versions.metafor-${version}.json`);
    for (const [i, c] of fx.cases.entries()) {
      const { source: _source, ...data } = fx.datasets[c.dataset];
      await snap.add(
        `escalc-versions ${version} #${i} ${c.dataset} ${c.measure} ${c.definition} ${c.origin}`,
        () => escalc(c.measure, data, c.options),
      );
    }
    const bin = readJson(`fixtures/binary.metafor-${version}.json`);
    for (const [i, c] of bin.escalc.entries()) {
      const where = `binary ${version} #${i} ${c.dataset} ${c.measure} add=${c.add} to=${c.to} drop00=${c.drop00}`;
      if (c.measure === "ZCOR" || c.measure === "COR") {
        const r = bin.correlations[c.dataset];
        await snap.add(where, () => escalc(c.measure, { labels: r.labels, ri: r.ri, ni: r.ni }));
        continue;
      }
      const t = bin.tables[c.dataset];
      const options = { add: c.add, to: c.to, drop00: c.drop00 };
      await snap.add(`${where} cells`, () =>
        escalc(c.measure, { labels: t.labels, ai: t.ai, bi: t.bi, ci: t.ci, di: t.di }, options),
      );
      await snap.add(`${where} totals`, () =>
        escalc(
          c.measure,
          { labels: t.labels, ai: t.ai, n1i: t.n1i, ci: t.ci, n2i: t.n2i },
          options,
        ),
      );
    }
  }

  // Every measure under every option, on data each family can take: every allowed combination
  // computes, every other one is refused with the same problems in the same words.
  const bbb = bbbExample();
  const arms = readJson("fixtures/escalc-versions.metafor-5.1.12.json").datasets.normand1999;
  const tables = readJson("fixtures/binary.metafor-5.1.12.json").tables;
  const correlations = readJson("fixtures/binary.metafor-5.1.12.json").correlations.molloy2014;
  const pipeline = readJson("fixtures/pipeline.json").cases[0].studies;
  const dataFor = {
    MD: [
      ["bbb", bbb],
      ["normand1999", arms],
    ],
    SMD: [
      ["bbb", bbb],
      ["normand1999", arms],
    ],
    SMDH: [
      ["bbb", bbb],
      ["normand1999", arms],
    ],
    ROM: [["bbb", bbb]],
    NMD: [["bbb", bbb]],
    GEN: [
      ["bbb yi vi", { labels: pipeline.study, yi: pipeline.yi, vi: pipeline.vi }],
      ["bbb yi sei", { yi: pipeline.yi, sei: pipeline.vi.map(Math.sqrt) }],
      ["bbb yi vi sei", { yi: pipeline.yi, vi: pipeline.vi, sei: pipeline.vi.map(Math.sqrt) }],
    ],
    OR: [
      ["bcg", tables.bcg],
      ["madeup", tables.madeup],
    ],
    RR: [
      ["bcg", tables.bcg],
      ["madeup", tables.madeup],
    ],
    RD: [
      ["bcg", tables.bcg],
      ["madeup", tables.madeup],
    ],
    PETO: [
      ["bcg", tables.bcg],
      ["madeup", tables.madeup],
    ],
    ZCOR: [["molloy2014", correlations]],
    COR: [["molloy2014", correlations]],
  };
  for (const [measure, sets] of Object.entries(dataFor)) {
    for (const [name, data] of sets) {
      for (const vtype of [undefined, "LS", "UB", "RevMan", "LS2", "XX"]) {
        for (const correctBias of [undefined, true, false]) {
          for (const legacySmdhVariance of [undefined, true, false]) {
            const options = {};
            if (vtype !== undefined) options.vtype = vtype;
            if (correctBias !== undefined) options.correctBias = correctBias;
            if (legacySmdhVariance !== undefined) options.legacySmdhVariance = legacySmdhVariance;
            await snap.add(`${measure} ${name} ${JSON.stringify(options)}`, () =>
              escalc(measure, data, options),
            );
          }
        }
      }
      for (const zero of [{ add: 0 }, { to: "all" }, { drop00: true }, { add: -1, to: "xx" }]) {
        await snap.add(`${measure} ${name} ${JSON.stringify(zero)}`, () =>
          escalc(measure, data, zero),
        );
      }
    }
  }
  const one = { m1i: [55], sd1i: [47], n1i: [155], m2i: [75], sd2i: [64], n2i: [156] };
  const problems = [
    ["bad measure", "XX", one],
    ["bad measure lowercase", "smd", one],
    ["NMD msi = m2i", "NMD", { ...one, msi: [75] }],
    ["NMD no msi", "NMD", one],
    ["ROM negative mean", "ROM", { ...one, m1i: [-1] }],
    ["MD missing column", "MD", { m1i: [1], sd1i: [1], n1i: [10], m2i: [2], sd2i: [1] }],
    [
      "MD bad values",
      "MD",
      {
        labels: ["a", "b"],
        m1i: [1, Number.NaN],
        sd1i: [0, 1],
        n1i: [1, 10],
        m2i: [2, 2],
        sd2i: [1, 1],
        n2i: [10, 10],
      },
    ],
    [
      "SMD overflow",
      "SMD",
      { m1i: [1e308], sd1i: [1e-308], n1i: [10], m2i: [-1e308], sd2i: [1e-308], n2i: [10] },
    ],
    ["SMD n = 2", "SMD", { m1i: [1], sd1i: [1], n1i: [2], m2i: [2], sd2i: [1], n2i: [2] }],
    ["GEN no spread", "GEN", { yi: [0.1, 0.2] }],
    ["GEN both missing", "GEN", { yi: [0.1, 0.2], vi: [0.01, null], sei: [null, null] }],
    ["GEN bad values", "GEN", { yi: [0.1, 0.2, 0.3], vi: [0, 0.01, null], sei: [null, 0.2, -1] }],
    ["GEN disagreeing sei", "GEN", { yi: [0.1], vi: [0.01], sei: [0.2] }],
    ["GEN lengths", "GEN", { yi: [0.1, 0.2], vi: [0.01], sei: [0.1, 0.1, 0.1] }],
    ["OR bad counts", "OR", { ai: [-1, 2.5], bi: [3, 4], ci: [1, 2], di: [5, 6] }],
    ["ZCOR bad", "ZCOR", { ri: [1.2, 0.5], ni: [10, 3] }],
  ];
  for (const [name, measure, data] of problems) {
    await snap.add(`problems: ${name}`, () => escalc(measure, data));
  }
  return snap.write();
}

// ---------------------------------------------------------------------------------------------
// bootstrap

async function bootstrapCases() {
  const snap = new Snapshot("bootstrap");
  const bcg = readJson("fixtures/bootstrap.json").data.bcg;
  const ablat = [44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33];
  const cluster = ["a", "a", "b", "c", "c", "c", "d", "e", "e", "f", "g", "g", "h"];
  const pipeline = readJson("fixtures/pipeline.json").cases[0].studies;
  const bbb = bbbExample();
  const bbbMd = escalc("MD", bbb);
  for (const backend of BACKENDS) {
    const models = [
      ["bcg REML", rma(bcg, { backend })],
      ["bcg DL", rma(bcg, { method: "DL", backend })],
      ["bcg FE", rma(bcg, { method: "FE", backend })],
      ["bcg ~ablat", rma(bcg, { mods: [{ name: "ablat", values: ablat }], backend })],
      [
        "bbb MD REML",
        rma({ yi: pipeline.yi, vi: pipeline.vi }, { labels: pipeline.study, backend }),
      ],
    ];
    for (const [name, model] of models) {
      for (const seed of [1, 42, 4294967295]) {
        for (const type of ["case", "parametric"]) {
          await snap.add(`${name} ${type} seed ${seed} [${backend}]`, () =>
            bootstrap(model, { replicates: 199, seed, type, backend }),
          );
        }
      }
      await snap.add(`${name} case clusters keep [${backend}]`, () =>
        bootstrap(model, {
          replicates: 99,
          seed: 7,
          backend,
          keepReplicates: true,
          cluster: model.k === 13 ? cluster : bbb.publication,
        }),
      );
    }
    await snap.add(`bbb publications workers 2 level 90 [${backend}]`, () =>
      bootstrap(rma(bbbMd, { backend }), {
        replicates: 300,
        seed: 11,
        backend,
        cluster: bbb.publication,
        workers: 2,
        level: 90,
      }),
    );
    await snap.add(`data with options [${backend}]`, () =>
      bootstrap(bcg, {
        method: "DL",
        test: "knha",
        level: 90,
        mods: [{ name: "ablat", values: ablat }],
        replicates: 150,
        seed: 5,
        backend,
      }),
    );
    await snap.add(`two identical clusters [${backend}]`, () =>
      bootstrap(
        rma(
          { yi: [0.1, 0.2, 0.3, 0.1, 0.2, 0.3], vi: [0.01, 0.02, 0.03, 0.01, 0.02, 0.03] },
          { backend },
        ),
        { replicates: 100, seed: 1, backend, cluster: [1, 1, 1, 2, 2, 2], keepReplicates: true },
      ),
    );
    const group = ["a", "a", "a", "b", "b", "b", "c", "c", "c", "c", "d", "d", "d"];
    await snap.add(`failing replicates (categorical moderator) [${backend}]`, () =>
      bootstrap(
        rma(bcg, {
          method: "DL",
          mods: [{ name: "g", type: "categorical", values: group }],
          backend,
        }),
        {
          replicates: 200,
          seed: 3,
          backend,
          keepReplicates: true,
        },
      ),
    );
    const model = rma(bcg, { backend });
    for (const [name, options] of [
      ["replicates 0", { replicates: 0 }],
      ["replicates 1.5", { replicates: 1.5 }],
      ["bad type", { type: "wild" }],
      ["bad seed", { seed: -1 }],
      ["bad cluster", { cluster: ["a", "b"] }],
      ["one replicate", { replicates: 1, seed: 2 }],
    ]) {
      await snap.add(`options: ${name} [${backend}]`, () =>
        bootstrap(model, { ...options, backend }),
      );
    }
  }
  return snap.write();
}

// ---------------------------------------------------------------------------------------------
// the three-level model

async function multilevelCases() {
  const snap = new Snapshot("multilevel");
  for (const version of ["3.8.1", "5.1.12"]) {
    const fx = readJson(`fixtures/multilevel.metafor-${version}.json`);
    for (const c of fx.cases) {
      const mods = c.mods.map((name) => {
        const values = c.data.mods[name];
        return typeof values[0] === "string"
          ? { name, type: "categorical", values }
          : { name, values };
      });
      const data = { yi: c.data.yi, vi: c.data.vi, cluster: c.data.cluster };
      for (const backend of BACKENDS) {
        await snap.add(`${version} ${c.name} [${backend}]`, () =>
          rmaMultilevel(data, { method: c.method, test: c.test, mods, backend }),
        );
      }
      if (c.method === "REML" && c.test === "z") {
        await snap.add(`${version} ${c.name} no intervals, no CR2`, () =>
          rmaMultilevel(data, { mods, intervals: false, robust: false }),
        );
        await snap.add(`${version} ${c.name} labels level 90`, () =>
          rmaMultilevel(data, { mods, level: 90, labels: c.data.yi.map((_, i) => `row ${i + 1}`) }),
        );
        await snap.add(`${version} ${c.name} sigma2Between fixed 0`, () =>
          rmaMultilevel(data, { mods, control: { sigma2BetweenFixed: 0 } }),
        );
        await snap.add(`${version} ${c.name} sigma2Within fixed 0.01`, () =>
          rmaMultilevel(data, { mods, method: "ML", control: { sigma2WithinFixed: 0.01 } }),
        );
      }
    }
  }
  const bbb = bbbExample();
  const smd = escalc("SMD", bbb);
  for (const backend of BACKENDS) {
    await snap.add(`bbb SMD ~route+year [${backend}]`, () =>
      rmaMultilevel(
        { ...smd, cluster: bbb.publication },
        {
          mods: [
            { name: "route", type: "categorical", values: bbb.route },
            { name: "year", values: bbb.year },
          ],
          labels: bbb.labels,
          test: "t",
          backend,
        },
      ),
    );
  }
  const yi = [0.1, 0.3, 0.2, 0.5, 0.4, 0.6];
  const vi = [0.01, 0.02, 0.015, 0.03, 0.02, 0.025];
  const problems = [
    ["one publication", { yi, vi, cluster: ["a", "a", "a", "a", "a", "a"] }, {}],
    ["singletons", { yi, vi, cluster: ["a", "b", "c", "d", "e", "f"] }, {}],
    ["cluster length", { yi, vi, cluster: ["a", "a", "b"] }, {}],
    ["empty cluster", { yi, vi, cluster: ["a", "a", "b", "", "c", "c"] }, {}],
    [
      "empty cluster labelled",
      { yi, vi, cluster: ["a", "a", "b", 3, "c", "c"] },
      { labels: ["1", "2", "3", "4", "5", "6"] },
    ],
    ["no cluster", { yi, vi }, {}],
    ["one row", { yi: [0.1], vi: [0.01], cluster: ["a"] }, {}],
    ["no rows", { yi: [], vi: [], cluster: [] }, {}],
    [
      "k = p",
      { yi: [0.1, 0.2], vi: [0.01, 0.02], cluster: ["a", "b"] },
      { mods: [{ name: "x", values: [1, 2] }] },
    ],
    ["bad method", { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] }, { method: "DL" }],
    ["bad test", { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] }, { test: "knha" }],
    ["bad level", { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] }, { level: 0 }],
    [
      "bad threshold",
      { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] },
      { control: { threshold: -1 } },
    ],
    [
      "bad maxIter",
      { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] },
      { control: { maxIter: 0 } },
    ],
    [
      "bad fixed",
      { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] },
      { control: { sigma2WithinFixed: -1 } },
    ],
    ["maxIter 1", { yi, vi, cluster: ["a", "a", "b", "b", "c", "c"] }, { control: { maxIter: 1 } }],
    [
      "bad vi",
      { yi, vi: [0.01, -1, 0.015, 0.03, 0.02, 0.025], cluster: ["a", "a", "b", "b", "c", "c"] },
      {},
    ],
  ];
  for (const [name, data, options] of problems) {
    for (const backend of BACKENDS) {
      await snap.add(`problems: ${name} [${backend}]`, () =>
        rmaMultilevel(data, { ...options, backend }),
      );
    }
  }
  return snap.write();
}

// ---------------------------------------------------------------------------------------------

mkdirSync(outDir, { recursive: true });
const started = Date.now();
let total = 0;
total += await escalcCases();
total += await rmaCases();
total += await trimFillCases();
total += await bootstrapCases();
total += await multilevelCases();
console.log(
  `${total} cases written to ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
