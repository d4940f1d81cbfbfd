/**
 * The browser path: bundles src/browser/worker.ts (with @pooled/stats and the embedded WASM core)
 * with esbuild, serves it from a throwaway HTTP server on 127.0.0.1, and runs it in a Web Worker in
 * headless Chromium driven by playwright-core. Returns the worker's measurements, or null with a
 * reason when Chromium is not installed.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import type { WorkerReply, WorkerRequest } from "./browser/worker.js";
import type { Measurement } from "./harness.js";
import type { Plan } from "./plan.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

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

function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
  };
  const server = createServer((req, res) => {
    const name = (req.url ?? "/").split("?")[0] === "/" ? "index.html" : (req.url ?? "").slice(1);
    if (!/^[\w.-]+$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(dir, name)).then(
      (body) => {
        const ext = name.slice(name.lastIndexOf("."));
        res.writeHead(200, { "content-type": types[ext] ?? "application/octet-stream" }).end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Times the permutation kernel in a Chromium Web Worker. */
export async function browserSuite(
  plan: Plan,
  paths: ("ts" | "wasm")[],
): Promise<{ measurements: Measurement[]; userAgent: string } | { skipped: string }> {
  if (!existsSync(CHROMIUM)) {
    return {
      skipped: `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
    };
  }
  const dir = await mkdtemp(join(tmpdir(), "pooled-bench-web-"));
  const profile = await mkdtemp(join(tmpdir(), "pooled-bench-profile-"));
  let server: Server | null = null;
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
    server = await serve(dir);
    const { port } = server.address() as AddressInfo;
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`http://127.0.0.1:${port}/`);
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
      await context.close();
    }
  } finally {
    const s = server;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}
