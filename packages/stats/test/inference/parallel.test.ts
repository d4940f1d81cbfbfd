/**
 * Parallel resampling: the same seed gives identical permutation and bootstrap results on 1, 2 and
 * 4 worker threads (blocks and their streams never depend on the number of workers); progress
 * callbacks and cancellation with an AbortSignal. The workers run the built package
 * (dist/inference/node-worker.js), so `npm run build` must have run (turbo's test task does).
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { PooledError } from "../../src/errors.js";
import { bootstrap } from "../../src/inference/bootstrap.js";
import { permutationTest } from "../../src/inference/permutation.js";
import { rma } from "../../src/models/rma.js";

const yi = [
  -0.89, -1.59, -1.35, -1.44, -0.22, -0.79, -1.62, 0.01, -0.47, -1.37, -0.34, 0.45, -0.02, -0.6,
  -0.9, -0.1,
];
const vi = [
  0.33, 0.19, 0.42, 0.02, 0.05, 0.01, 0.22, 0.004, 0.06, 0.07, 0.01, 0.53, 0.07, 0.1, 0.2, 0.05,
];
const group = ["a", "b", "c", "d", "a", "b", "c", "d", "a", "b", "c", "d", "a", "b", "c", "d"];
const model = rma({ yi, vi }, { mods: [{ name: "g", type: "categorical", values: group }] });

describe("results depend on the seed, not on the number of workers", () => {
  it("permutation test on 1, 2 and 4 workers (random and exact)", async () => {
    // 4999 random arrangements = 5 blocks, so 4 workers really split the work
    for (const [backend, counts] of [
      ["wasm", [1, 2, 4]],
      ["js", [1, 4]],
    ] as const) {
      const runs = [];
      for (const workers of counts) {
        runs.push(await permutationTest(model, { iterations: 5000, seed: 17, workers, backend }));
      }
      expect(runs[0]!.exact).toBe(false);
      for (const run of runs.slice(1)) expect({ ...run, workers: 1 }).toEqual(runs[0]);
    }
    const small = rma({ yi: yi.slice(0, 11), vi: vi.slice(0, 11) });
    const exact1 = await permutationTest(small, { iterations: "exact", workers: 1 });
    const exact4 = await permutationTest(small, { iterations: "exact", workers: 4 });
    expect(exact1.arrangements).toBe(2048);
    expect({ ...exact4, workers: 1 }).toEqual(exact1);
  });

  it("bootstrap on 1, 2 and 4 workers (case and parametric)", async () => {
    for (const type of ["case", "parametric"] as const) {
      const runs = [];
      for (const workers of [1, 2, 4]) {
        runs.push(
          await bootstrap(model, {
            replicates: 4000,
            seed: 8,
            type,
            workers,
            keepReplicates: true,
          }),
        );
      }
      expect({ ...runs[1]!, workers: 1 }).toEqual(runs[0]);
      expect({ ...runs[2]!, workers: 1 }).toEqual(runs[0]);
    }
  });
});

describe("progress and cancellation", () => {
  it("reports progress block by block up to the total", async () => {
    for (const workers of [1, 2]) {
      const seen: number[] = [];
      await bootstrap(model, {
        replicates: 3000,
        seed: 1,
        workers,
        onProgress: ({ done, total }) => {
          expect(total).toBe(3000);
          seen.push(done);
        },
      });
      expect(seen.length).toBe(3); // blocks of 1024
      expect(seen.at(-1)).toBe(3000);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    }
  });

  it("rejects with CANCELLED when the signal aborts (in-process and on workers)", async () => {
    for (const workers of [1, 2]) {
      const controller = new AbortController();
      const run = permutationTest(model, {
        iterations: 200_000,
        seed: 2,
        workers,
        signal: controller.signal,
        onProgress: ({ done }) => {
          if (done >= 2048) controller.abort();
        },
      });
      await expect(run).rejects.toMatchObject({ code: "CANCELLED" });
      await expect(run).rejects.toBeInstanceOf(PooledError);
    }
    const aborted = AbortSignal.abort();
    await expect(bootstrap(model, { replicates: 10, signal: aborted })).rejects.toMatchObject({
      code: "CANCELLED",
    });
  });

  it("leaves no abort listener behind on a signal shared by several runs", async () => {
    const controller = new AbortController();
    for (let run = 0; run < 3; run++) {
      await bootstrap(model, {
        replicates: 2048,
        seed: run,
        workers: 2,
        signal: controller.signal,
      });
    }
    expect(EventEmitter.getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("rejects with CANCELLED when the signal aborts while the workers are starting", async () => {
    // Regression: the abort listener used to be added only after every worker had started, so an
    // abort in that window was missed and the run went on to the end (Ctrl-C in the CLI hung).
    const controller = new AbortController();
    const run = bootstrap(model, {
      replicates: 10_000_000, // MAX_RESAMPLES: a run far longer than the test
      seed: 3,
      workers: 2,
      signal: controller.signal,
    });
    controller.abort(); // synchronously after the call: the workers cannot have started yet
    await expect(run).rejects.toMatchObject({ code: "CANCELLED" });
  }, 20_000);
});
