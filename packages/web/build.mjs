// Builds the static app into dist/, the folder that ships (under 1,000,000 bytes, or the build
// fails): index.html, app.js (the page, carrying the engine worker's code, deflated), offline.js
// (manifest and service worker, when served), sw.js, app.css, manifest.webmanifest, favicon.svg and
// the example CSV (also inlined into the worker, so "Load example" needs no request). Source maps go
// to dist-maps/, never shipped. Page scripts are classic (IIFE) and workers start from blob: URLs,
// so the same dist/ works served and opened from disk (file://), where Chromium refuses module
// scripts and workers from file: URLs.
// `node build.mjs --serve` also serves dist/ on http://127.0.0.1:8080 for manual checks;
// `node build.mjs --analyze` lists what the page and the worker bundles are made of.
import { createHash } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, "dist");
const distMaps = join(here, "dist-maps");
const examplesDir = resolve(here, "../../examples");

/** The shipped folder must stay below this many bytes (every file in dist/). */
export const PAYLOAD_LIMIT = 1_000_000;

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

/**
 * Code the browser bundle reaches but never runs, replaced by stubs: core-wasm's debug build
 * (117 kB of base64; the app instantiates the release build only) and the `debug` logger that
 * stdlib's gammaincinv requires (silent unless enabled through localStorage, which nobody does in
 * a worker).
 */
const unusedInBrowserPlugin = {
  name: "unused-in-browser",
  setup(build) {
    build.onResolve({ filter: /^\.\/debug\.js$/ }, (args) =>
      /core-wasm[\\/]dist[\\/]index\.js$/.test(args.importer)
        ? { path: "core-wasm-debug", namespace: "unused-in-browser" }
        : undefined,
    );
    build.onResolve({ filter: /^debug$/ }, () => ({
      path: "debug",
      namespace: "unused-in-browser",
    }));
    build.onLoad({ filter: /^core-wasm-debug$/, namespace: "unused-in-browser" }, () => ({
      contents: `export const wasmBase64 = ""; // the debug build is not shipped to browsers`,
      loader: "js",
    }));
    build.onLoad({ filter: /^debug$/, namespace: "unused-in-browser" }, () => ({
      contents: "module.exports = () => Object.assign(() => undefined, { enabled: false });",
      loader: "js",
    }));
  },
};

/** The version the CLI prints in its reports (@pooled/cli's package.json). */
export async function pooledVersion() {
  const cli = JSON.parse(await readFile(require.resolve("@pooled/cli/package.json"), "utf8"));
  return String(cli.version);
}

/** Options every bundle shares. Maps are kept in memory and written to dist-maps/ (see emit). */
const bundleOptions = {
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  minify: true,
  sourcemap: "external",
  metafile: true,
  write: false,
  logLevel: "warning",
};

/** Writes a build's outputs: code to dist/, source maps to dist-maps/. */
async function emit(result) {
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    await writeFile(join(name.endsWith(".map") ? distMaps : dist, name), file.contents);
  }
}

/**
 * The engine worker's code (worker.ts, every role in one bundle). It runs from blob: URLs, so it
 * is wrapped in a named function whose text a worker can reuse to start its shards (worker.ts);
 * sourceURL names it in the browser's developer tools.
 */
async function buildWorker(example, version) {
  const result = await esbuild.build({
    ...bundleOptions,
    entryPoints: { worker: join(here, "src/worker.ts") },
    outdir: dist,
    banner: { js: "(function pooledWorker() {" },
    footer: { js: "})();\n//# sourceURL=pooled-worker.js" },
    loader: { ".wasm": "binary", ".csv": "text" },
    define: {
      "process.env.NODE_ENV": '"production"',
      POOLED_VERSION: JSON.stringify(version),
    },
    plugins: [examplePlugin(example), nodeStubPlugin, unusedInBrowserPlugin],
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".js"));
  // The map only: the code ships inside app.js.
  await writeFile(
    join(distMaps, "worker.js.map"),
    result.outputFiles.find((f) => f !== code).contents,
  );
  return { result, code: code.text };
}

/**
 * Resolves `virtual:engine-worker` to the worker's code, deflated and in base64: the page script
 * carries it at under half its size (src/offline/engine-worker.ts inflates it).
 */
function packedWorkerPlugin(code) {
  return {
    name: "packed-engine-worker",
    setup(build) {
      build.onResolve({ filter: /^virtual:engine-worker$/ }, () => ({
        path: "engine-worker",
        namespace: "packed-engine-worker",
      }));
      build.onLoad({ filter: /.*/, namespace: "packed-engine-worker" }, () => ({
        contents: `export default ${JSON.stringify(deflateRawSync(code, { level: 9 }).toString("base64"))};`,
        loader: "js",
      }));
    },
  };
}

/** A colour the stylesheet sets, for the manifest and the theme-color meta tag. */
function cssColour(css, pattern, what) {
  const match = pattern.exec(css);
  if (!match) throw new Error(`web build: src/styles.css no longer sets ${what}`);
  return match[1];
}

/** index.html as shipped: classic scripts, blob: workers allowed, the theme colour. */
function pageHtml(html, themeColour) {
  const edits = [
    // Module scripts do not load from file: URLs; deferred classic scripts run at the same moment.
    [
      /<script type="module" src="app\.js"><\/script>/,
      '<script defer src="app.js"></script>\n<script defer src="offline.js"></script>',
    ],
    // The engine and its shards start from blob: URLs (see main.ts and worker.ts).
    [/worker-src 'self'/, "worker-src 'self' blob:"],
    [/(<meta name="viewport"[^>]*>)/, `$1\n<meta name="theme-color" content="${themeColour}">`],
  ];
  for (const [pattern, replacement] of edits) {
    if (!pattern.test(html)) throw new Error(`web build: src/index.html has no ${pattern.source}`);
    html = html.replace(pattern, replacement);
  }
  return html;
}

/** The manifest: src/manifest.webmanifest with the colours of the stylesheet. */
async function manifest(css) {
  const base = JSON.parse(await readFile(join(here, "src/manifest.webmanifest"), "utf8"));
  return {
    ...base,
    theme_color: cssColour(
      css,
      /\.site-header\s*\{[^}]*?background:\s*(#[0-9a-f]{3,8})/i,
      "the header colour",
    ),
    background_color: cssColour(css, /--page:\s*(#[0-9a-f]{3,8})/i, "--page"),
  };
}

/** Every file in dist/ with its size, biggest first. */
async function payload() {
  const files = [];
  for (const name of await readdir(dist))
    files.push({ name, bytes: (await stat(join(dist, name))).size });
  return files.sort((a, b) => b.bytes - a.bytes);
}

/**
 * The service worker, built last: it precaches every other file under a cache named after a
 * hash of their contents, so any change to the app gives a new cache (and a new sw.js).
 */
async function buildServiceWorker() {
  const names = (await readdir(dist)).sort();
  const hash = createHash("sha256");
  for (const name of names) hash.update(`${name}\0`).update(await readFile(join(dist, name)));
  const cacheName = `pooled-${hash.digest("hex").slice(0, 16)}`;
  await emit(
    await esbuild.build({
      ...bundleOptions,
      entryPoints: { sw: join(here, "src/offline/service-worker.ts") },
      outdir: dist,
      define: {
        CACHE_NAME: JSON.stringify(cacheName),
        PRECACHE: JSON.stringify(["./", ...names]),
      },
    }),
  );
  return cacheName;
}

export async function build() {
  const started = performance.now();
  await rm(dist, { recursive: true, force: true });
  await rm(distMaps, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await mkdir(distMaps, { recursive: true });
  const example = await findExample();
  if (!example)
    console.warn("web build: no example CSV in examples/ yet; Load example will say so");

  const worker = await buildWorker(example, await pooledVersion());
  const page = await esbuild.build({
    ...bundleOptions,
    entryPoints: { app: join(here, "src/main.ts") },
    outdir: dist,
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [packedWorkerPlugin(worker.code)],
  });
  await emit(page);
  await emit(
    await esbuild.build({
      ...bundleOptions,
      entryPoints: { offline: join(here, "src/offline/start.ts") },
      outdir: dist,
    }),
  );
  await emit(
    await esbuild.build({
      ...bundleOptions,
      entryPoints: { app: join(here, "src/styles.css") },
      outdir: dist,
    }),
  );

  const css = await readFile(join(here, "src/styles.css"), "utf8");
  const webManifest = await manifest(css);
  const html = await readFile(join(here, "src/index.html"), "utf8");
  await writeFile(join(dist, "index.html"), pageHtml(html, webManifest.theme_color));
  await writeFile(join(dist, "manifest.webmanifest"), `${JSON.stringify(webManifest, null, 2)}\n`);
  await copyFile(join(here, "src/favicon.svg"), join(dist, "favicon.svg"));
  if (example) await copyFile(example.path, join(dist, example.name));
  const cacheName = await buildServiceWorker();

  const files = await payload();
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const ms = Math.round(performance.now() - started);
  console.log(
    `web build: dist/ ${total.toLocaleString("en")} bytes (${files
      .map((f) => `${f.name} ${f.bytes.toLocaleString("en")}`)
      .join(", ")}); cache ${cacheName}; maps in dist-maps/; ${ms} ms`,
  );
  if (total >= PAYLOAD_LIMIT) {
    throw new Error(
      `web build: dist/ is ${total.toLocaleString("en")} bytes; it must stay under ${PAYLOAD_LIMIT.toLocaleString("en")}`,
    );
  }
  return { files, total, cacheName, metafiles: [worker.result.metafile, page.metafile] };
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
  ".webmanifest": "application/manifest+json",
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
  const { metafiles } = await build();
  if (process.argv.includes("--analyze")) {
    for (const metafile of metafiles) console.log(await esbuild.analyzeMetafile(metafile));
  }
  if (process.argv.includes("--serve")) serve(8080);
}
