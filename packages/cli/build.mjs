// Builds the `pooled` command into dist/ with esbuild. Node spends most of a short run loading
// modules (hundreds of small files: @stdlib, commander, the workspace packages), so everything is
// bundled into a few files, and the analysis engine sits in its own chunk that only `analyze` and
// `demo` import (program.ts imports the commands lazily):
//
//   dist/bin.js           the command: the Ctrl-C handler and --version, nothing else
//   dist/engine-worker.js the engine's thread (parsing, analysis, report rendering), started by
//                         engine-client.ts as new URL("./engine-worker.js", import.meta.url)
//   dist/*-<hash>.js      chunks esbuild splits off: program (commander, the flags, --help), the
//                         commands with the engine (pipeline, stats, plots, the WASM as base64), the
//                         XLSX reader, and code shared between the entries
//   dist/node-workers.js  stats' worker pool (inference/node-workers.js), see below
//   dist/node-worker.js   the worker thread's script: stats' inference/node-worker.js, self-contained
//
// Worker threads. stats starts its pool with `import("./node-workers.js")` through a computed
// specifier (which keeps the web bundle free of node:worker_threads), so esbuild cannot follow
// it; at run time the specifier resolves beside the chunk holding stats' code, i.e. in dist/. The
// pool itself starts `new Worker(new URL("./node-worker.js", import.meta.url))`, again dist/.
// Both are therefore built under exactly those names, and every output stays in dist/ itself (no
// sub-folder for chunks). node-workers.js is an entry of the same split build, so the error class
// it throws is the one the engine checks with instanceof; the worker runs in its own thread and
// shares nothing, so it is one file of its own.
//
// paths.ts finds ../package.json and ../../../examples/ from import.meta.url; that also holds for
// any file directly in dist/.
import { chmod, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import {
  deferDefaultExport,
  lazyChildProcessForCommander,
  silentStdlibDebug,
} from "./build-plugins.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

/**
 * A file of the stats package that the pipeline imports (the copy esbuild bundles), so the pool
 * and the engine share one module instance per source file.
 */
function statsFile(path) {
  const fromCli = createRequire(join(here, "package.json"));
  const fromPipeline = createRequire(fromCli.resolve("@pooled/pipeline"));
  return join(dirname(fromPipeline.resolve("@pooled/stats")), path);
}

/**
 * esbuild turns CommonJS dependencies (commander, @stdlib, papaparse) into functions that call
 * `require` for Node's built-ins; an ES module has no `require`, so each output file makes one.
 */
const requireShim = [
  'import { createRequire as __pooledCreateRequire } from "node:module";',
  "const require = __pooledCreateRequire(import.meta.url);",
].join("\n");

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: dist,
  entryNames: "[name]",
  banner: { js: requireShim },
  // Smaller files parse faster. Identifiers are not minified, so stack traces stay readable; no
  // keepNames (3 ms of __name calls at start-up): only names esbuild renames to avoid a clash
  // (commander's CommanderError2) change, and nothing reads them.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  plugins: [
    deferDefaultExport(/^read-excel-file\/universal$/),
    silentStdlibDebug,
    lazyChildProcessForCommander,
  ],
  metafile: true,
  logLevel: "warning",
};

/**
 * Fails the build when stats no longer locates its worker files by the names above: without this,
 * a renamed file would only show at run time, as a permutation test that cannot start its threads.
 */
async function checkWorkerNames(outputs) {
  const texts = await Promise.all(
    outputs.filter((f) => f.endsWith(".js")).map((f) => readFile(f, "utf8")),
  );
  const expect = (text, what) => {
    if (!texts.some((t) => t.includes(text)))
      throw new Error(`cli build: no output contains ${text} (${what}); update build.mjs`);
  };
  expect('"./node-workers.js"', "the pool module stats imports");
  expect('new URL("./node-worker.js"', "the worker script the pool starts");
  expect('new URL("./engine-worker.js"', "the engine thread the command starts");
}

async function build() {
  const started = performance.now();
  await rm(dist, { recursive: true, force: true });
  const main = await esbuild.build({
    ...common,
    entryPoints: {
      bin: join(here, "src/bin.ts"),
      "engine-worker": join(here, "src/engine-worker.ts"),
      "node-workers": statsFile("inference/node-workers.js"),
    },
    splitting: true,
    chunkNames: "[name]-[hash]",
  });
  const worker = await esbuild.build({
    ...common,
    entryPoints: { "node-worker": statsFile("inference/node-worker.js") },
  });
  await chmod(join(dist, "bin.js"), 0o755);
  await checkWorkerNames(Object.keys(main.metafile.outputs));

  const sizes = [main, worker]
    .flatMap((r) => Object.entries(r.metafile.outputs))
    .filter(([file]) => !file.endsWith(".map"))
    .map(([file, info]) => `${relative(dist, file)} ${(info.bytes / 1024).toFixed(0)} kB`);
  const ms = Math.round(performance.now() - started);
  console.log(`cli build: ${sizes.join(", ")} in ${ms} ms`);
}

await build();
