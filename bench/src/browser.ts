/**
 * The browser path: bundles src/browser/worker.ts (with @pooled/stats and the embedded WASM core)
 * with esbuild, serves it from a throwaway HTTP server on 127.0.0.1, and runs it in a Web Worker in
 * headless Chromium driven by playwright-core. Returns the worker's measurements, or null with a
 * reason when Chromium is not installed.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  chromiumMissing,
  launchChromiumProfile,
  type StaticServer,
  serveFolder,
} from "@pooled/test-utils/chromium";
import * as esbuild from "esbuild";
import type { WorkerReply, WorkerRequest } from "./browser/worker.js";
import type { Measurement } from "./harness.js";
import type { Plan } from "./plan.js";

/** Node built-ins are unreachable in the worker (stats only loads worker_threads for workers > 1). */
const nodeStub: esbuild.Plugin = {
  name: "node-builtins-stub",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-stub" }));
    build.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => ({
      contents: `module.exports = {}; // ${args.path} is not available in browsers`,
      loader: "js",
    }));
  },
};

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>Pooled bench</title>
<script type="module">
  window.runBench = (request) =>
    new Promise((resolve) => {
      const worker = new Worker("worker.js", { type: "module" });
      worker.onmessage = (event) => { resolve(event.data); worker.terminate(); };
      worker.onerror = (event) => { resolve({ ok: false, error: String(event.message) }); worker.terminate(); };
      worker.postMessage(request);
    });
</script>
`;

/** Times the permutation kernel in a Chromium Web Worker. */
export async function browserSuite(
  plan: Plan,
  paths: ("ts" | "wasm")[],
): Promise<{ measurements: Measurement[]; userAgent: string } | { skipped: string }> {
  const missing = chromiumMissing();
  if (missing !== null) return { skipped: missing };
  const dir = await mkdtemp(join(tmpdir(), "pooled-bench-web-"));
  let server: StaticServer | null = null;
  try {
    await esbuild.build({
      entryPoints: [fileURLToPath(new URL("./browser/worker.js", import.meta.url))],
      outfile: join(dir, "worker.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["es2022"],
      logLevel: "error",
      plugins: [nodeStub],
    });
    await writeFile(join(dir, "index.html"), PAGE);
    server = await serveFolder(dir);
    const { context, close } = await launchChromiumProfile();
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${server.origin}/`);
      const request: WorkerRequest = { plan, paths };
      const reply = await page.evaluate(
        (req) =>
          (window as unknown as { runBench: (r: WorkerRequest) => Promise<WorkerReply> }).runBench(
            req,
          ),
        request,
      );
      if (!reply.ok) throw new Error(`browser worker failed: ${reply.error}`);
      return { measurements: reply.measurements, userAgent: reply.userAgent };
    } finally {
      await close();
    }
  } finally {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
