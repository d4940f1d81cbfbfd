/**
 * Runs inside a Web Worker in headless Chromium (bundled by src/browser.ts with esbuild): fits the
 * observed model and times permutationTest with the same harness and plan as the Node suite, then
 * posts the measurements back to the page.
 */
import { permutationTest, rma } from "@pooled/stats";
import { makeData } from "../data.js";
import { type Measurement, measure } from "../harness.js";
import { kernelName, type Plan } from "../plan.js";

/** The message the page sends: the plan and which paths to time. */
export interface WorkerRequest {
  plan: Plan;
  paths: ("ts" | "wasm")[];
}

export type WorkerReply =
  | { ok: true; measurements: Measurement[]; userAgent: string }
  | { ok: false; error: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
  navigator: { userAgent: string };
}
const scope = globalThis as unknown as WorkerScope;

async function run({ plan, paths }: WorkerRequest): Promise<Measurement[]> {
  const data = makeData(plan.resamplingK);
  const model = rma(
    { yi: data.yi, vi: data.vi },
    { method: "REML", mods: [{ name: "model", type: "categorical", values: data.group }] },
  );
  const out: Measurement[] = [];
  for (const path of paths) {
    out.push(
      await measure({
        kernel: kernelName.browser(plan),
        path,
        k: plan.resamplingK,
        fn: () =>
          permutationTest(model, {
            iterations: plan.permutations,
            seed: plan.seed,
            backend: path === "ts" ? "js" : "wasm",
            workers: 1,
          }),
        iterations: 2,
        timeMs: 0,
        warmup: 1,
        note: "one Web Worker in headless Chromium",
      }),
    );
  }
  return out;
}

scope.onmessage = (event) => {
  run(event.data).then(
    (measurements) =>
      scope.postMessage({ ok: true, measurements, userAgent: scope.navigator.userAgent }),
    (error: unknown) =>
      scope.postMessage({ ok: false, error: String((error as Error)?.stack ?? error) }),
  );
};
