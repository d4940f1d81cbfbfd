/**
 * The engine's methods around the example bundled at build time: reading it, and running it once
 * to warm the engine up.
 */
import type { EngineApi } from "../api.js";
import type { EngineContext } from "./context.js";
import { parseBytes } from "./read.js";

export function exampleMethods(context: EngineContext): Pick<EngineApi, "loadExample" | "warmUp"> {
  const { pipeline, example, examplePrisma } = context;
  return {
    async loadExample(request) {
      if (!example) {
        return {
          ok: false,
          fileName: "example",
          problems: [
            {
              file: "example",
              row: null,
              column: null,
              expected:
                "the bundled example data set, but this build was made without one (examples/ held no CSV)",
            },
          ],
          headers: [],
          detected: {},
        };
      }
      const parsed = await parseBytes(
        context,
        new TextEncoder().encode(example.text),
        example.name,
        request,
      );
      return { ...parsed, prisma: examplePrisma };
    },

    async warmUp() {
      // Runs the example once (parse, analysis, every plot and report file) so the WASM core is
      // compiled and the code paths are warm when the reader asks; the result is discarded.
      const started = performance.now();
      const tiny = "study,yi,vi\nA,0.5,0.1\nB,1.2,0.2\nC,0.9,0.15\nD,0.1,0.3\n";
      const text = example?.text ?? tiny;
      try {
        const parsed = await pipeline.parse(
          new TextEncoder().encode(text),
          example?.name ?? "warm-up.csv",
        );
        if (parsed.ok) {
          const options = example ? { by: "dose", prisma: examplePrisma } : {};
          const analysis = pipeline.analyze(parsed.table, { ...options, seed: 1 });
          pipeline.renderReport(analysis, parsed.table);
          pipeline.plainLanguage(analysis);
        }
      } catch {
        // Warming up is an optimisation only; a real run reports its own errors.
      }
      return performance.now() - started;
    },
  };
}
