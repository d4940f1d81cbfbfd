// Builds the static app into dist/: index.html, app.js (page), worker.js (engine in a Web Worker),
// app.css, and the bundled example (also inlined into worker.js so "Load example" needs no request).
// `node build.mjs --serve` also serves dist/ on http://127.0.0.1:8080 for manual checks.
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const examplesDir = resolve(here, "../../examples");

/** The bundled example: the first CSV in examples/ whose name says it is the example data set. */
async function findExample() {
  let names = [];
  try {
    names = (await readdir(examplesDir)).filter((n) => /\.(csv|tsv)$/i.test(n)).sort();
  } catch {
    return null;
  }
  const preferred =
    names.find((n) => /bbb/i.test(n)) ??
    names.find((n) => /example|demo|spinal/i.test(n) && !/cytokine|il1b|prisma/i.test(n)) ??
    names[0];
  if (!preferred) return null;
  return { name: preferred, path: join(examplesDir, preferred) };
}

/** Resolves `virtual:example` to { name, text, prisma } built from examples/ at build time. */
function examplePlugin(example) {
  return {
    name: "pooled-example",
    setup(build) {
      build.onResolve({ filter: /^virtual:example$/ }, () => ({
        path: "example",
        namespace: "pooled-example",
      }));
      build.onLoad({ filter: /.*/, namespace: "pooled-example" }, async () => {
        if (!example) {
          return { contents: "export default null;", loader: "js" };
        }
        const text = await readFile(example.path, "utf8");
        // PRISMA counts travel as text; the worker validates them with the pipeline's reader.
        let prisma = null;
        const files = await readdir(examplesDir);
        const prismaName = files.find((n) => /prisma.*\.json$/i.test(n));
        if (prismaName) {
          prisma = {
            name: prismaName,
            text: await readFile(join(examplesDir, prismaName), "utf8"),
          };
        }
        return {
          contents: `export default ${JSON.stringify({ name: example.name, text, prisma })};`,
          loader: "js",
          watchFiles: [example.path],
        };
      });
    },
  };
}

/**
 * Node built-ins (node:worker_threads for CLI-side resampling shards, reached only through a
 * dynamic import behind a runtime check) become empty CommonJS stubs: the page must never ask the
 * network for "node:..." and never run that code.
 */
const nodeStubPlugin = {
  name: "node-builtins-stub",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-stub" }));
    build.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => ({
      contents: `module.exports = {}; // ${args.path} is not available in browsers`,
      loader: "js",
    }));
  },
};

/** The version the CLI prints in its reports (packages/cli/package.json). */
export async function pooledVersion() {
  const cli = JSON.parse(await readFile(resolve(here, "../cli/package.json"), "utf8"));
  return String(cli.version);
}

export async function build() {
  const started = performance.now();
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const example = await findExample();
  if (!example)
    console.warn("web build: no example CSV in examples/ yet; Load example will say so");
  // stats' Web Worker entry for resampling shards (built by the stats package).
  const shardEntry = resolve(here, "../stats/dist/inference/browser-worker.js");
  const shardBuilt = existsSync(shardEntry);
  if (!shardBuilt)
    console.warn("web build: no stats shard worker yet; resampling runs in one worker");
  const result = await esbuild.build({
    entryPoints: {
      app: join(here, "src/main.ts"),
      worker: join(here, "src/worker.ts"),
      app_css: join(here, "src/styles.css"),
      ...(shardBuilt ? { "shard-worker": shardEntry } : {}),
    },
    outdir: dist,
    entryNames: "[name]",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome110", "firefox110", "safari16"],
    minify: true,
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    loader: { ".wasm": "binary", ".csv": "text" },
    define: {
      "process.env.NODE_ENV": '"production"',
      SHARD_WORKER_BUILT: String(shardBuilt),
      POOLED_VERSION: JSON.stringify(await pooledVersion()),
    },
    plugins: [examplePlugin(example), nodeStubPlugin],
  });
  // esbuild names the CSS entry after its key; give it a plain name.
  const css = await readFile(join(dist, "app_css.css"), "utf8");
  await writeFile(join(dist, "app.css"), css.replace(/\/\*# sourceMappingURL=.*\*\/\s*$/, ""));
  await rm(join(dist, "app_css.css"), { force: true });
  await rm(join(dist, "app_css.css.map"), { force: true });
  await rm(join(dist, "app_css.js"), { force: true });
  await copyFile(join(here, "src/index.html"), join(dist, "index.html"));
  await copyFile(join(here, "src/favicon.svg"), join(dist, "favicon.svg"));
  if (example) await copyFile(example.path, join(dist, example.name));
  const ms = Math.round(performance.now() - started);
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith(".map"))
    .map(([file, info]) => `${file.split("/").pop()} ${(info.bytes / 1024).toFixed(0)} kB`);
  console.log(`web build: ${sizes.join(", ")} in ${ms} ms`);
  return result;
}

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** A minimal static server for dist/ (manual use; the tests start their own). */
function serve(port) {
  createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = join(dist, path === "/" ? "index.html" : path);
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  }).listen(port, "127.0.0.1", () => console.log(`serving dist/ on http://127.0.0.1:${port}`));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build();
  if (process.argv.includes("--serve")) serve(8080);
}
