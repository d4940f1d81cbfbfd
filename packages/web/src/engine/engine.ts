/**
 * The engine behind the worker: forwards to @pooled/pipeline and packages the answers so they
 * cross postMessage (plain objects, no classes, errors as DataProblem lists). No DOM here, so the
 * same code runs in a Web Worker and in Node (tests).
 *
 * The API is assembled from its groups of methods, each built over one shared context: reading
 * files and grids (read.ts), the example (example.ts), analysis and cancellation (analysis.ts),
 * reports (reports.ts), project files (projects.ts).
 */
import type { EngineApi } from "../api.js";
import { analysisMethods } from "./analysis.js";
import { type EngineOptions, type ExampleBundle, engineContext } from "./context.js";
import { exampleMethods } from "./example.js";
import type { PipelineBinding } from "./pipeline-binding.js";
import { projectMethods } from "./projects.js";
import { readMethods } from "./read.js";
import { reportMethods } from "./reports.js";

export type { EngineOptions, ExampleBundle } from "./context.js";

export function createEngine(
  pipeline: PipelineBinding,
  example: ExampleBundle | null,
  engineOptions: EngineOptions = {},
): EngineApi {
  const context = engineContext(pipeline, example, engineOptions);
  return {
    ...readMethods(context),
    ...exampleMethods(context),
    ...projectMethods(context),
    ...analysisMethods(context),
    ...reportMethods(context),
  };
}
