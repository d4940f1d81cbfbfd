/**
 * The engine's API is assembled from its groups of methods (reading, the example, analysis and
 * cancellation, reports, projects), each built over one shared context: together they give every
 * method of EngineApi, once, and each answers on its own.
 */
import { describe, expect, it } from "vitest";
import type { EngineApi } from "../../src/api.js";
import { analysisMethods } from "../../src/engine/analysis.js";
import { engineContext } from "../../src/engine/context.js";
import { createEngine } from "../../src/engine/engine.js";
import { exampleMethods } from "../../src/engine/example.js";
import { bindPipeline } from "../../src/engine/pipeline-binding.js";
import { projectMethods } from "../../src/engine/projects.js";
import { readMethods } from "../../src/engine/read.js";
import { reportMethods } from "../../src/engine/reports.js";
import { pooledVersion } from "../reference.js";

/** Every method of EngineApi: a new one must be added here and to a group. */
const API_METHODS: (keyof EngineApi)[] = [
  "analyze",
  "analyzeAsync",
  "cancel",
  "exportProject",
  "importProject",
  "loadExample",
  "parse",
  "parseGrid",
  "readPrisma",
  "sheetNames",
  "warmUp",
];

describe("the engine's groups of methods", () => {
  it("give every method of the API, each from one group", () => {
    const context = engineContext(bindPipeline(pooledVersion), null, {});
    const groups = [
      readMethods(context),
      exampleMethods(context),
      projectMethods(context),
      analysisMethods(context),
      reportMethods(context),
    ].map((g) => Object.keys(g));
    const all = groups.flat().sort();
    expect(all).toEqual([...API_METHODS].sort());
    expect(new Set(all).size).toBe(all.length);
    const engine = createEngine(bindPipeline(pooledVersion), null);
    expect(Object.keys(engine).sort()).toEqual([...API_METHODS].sort());
    for (const name of API_METHODS) expect(typeof engine[name]).toBe("function");
  });

  it("share the context: no example bundled, no example to read and no counts", async () => {
    const context = engineContext(bindPipeline(pooledVersion), null, {});
    expect(context.examplePrisma).toBeNull();
    const outcome = await exampleMethods(context).loadExample();
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems[0]?.expected).toMatch(/^the bundled example data set/);
    // Cancelling a job that is not running does nothing.
    await expect(analysisMethods(context).cancel(7)).resolves.toBeUndefined();
  });
});
