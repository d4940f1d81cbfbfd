/**
 * What every group of the engine's methods shares: the pipeline, the example bundled at build
 * time with its PRISMA counts, and how resampling is spread over workers.
 */
import type { PrismaCounts } from "@pooled/pipeline";
import type { ShardWorkerFactory } from "@pooled/stats";
import type { PipelineBinding } from "./pipeline-binding.js";

export interface ExampleBundle {
  name: string;
  text: string;
  /** The example's PRISMA counts file, as text. */
  prisma: { name: string; text: string } | null;
}

export interface EngineOptions {
  /** Web Workers for resampling shards (default 1: in the engine's own thread). */
  workers?: number;
  workerFactory?: ShardWorkerFactory;
}

export interface EngineContext {
  pipeline: PipelineBinding;
  example: ExampleBundle | null;
  /** The example's PRISMA counts, read once when the engine starts; null without them. */
  examplePrisma: PrismaCounts | null;
  options: EngineOptions;
}

export function engineContext(
  pipeline: PipelineBinding,
  example: ExampleBundle | null,
  options: EngineOptions,
): EngineContext {
  const examplePrisma = example?.prisma
    ? pipeline.prisma(example.prisma.text, example.prisma.name).counts
    : null;
  return { pipeline, example, examplePrisma, options };
}
