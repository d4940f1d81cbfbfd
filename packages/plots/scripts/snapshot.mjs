/**
 * Byte-for-byte snapshot of every plot the package draws, for refactors that must not change a
 * single character of output. Not part of the test suite.
 *
 * 1. capture: records the arguments of every call of an exported plot function (`…Plot`) while
 *    the plots test suite runs, and while the gallery script (scripts/gallery.ts) draws its
 *    figures for each of the engine's nine τ² estimators. Each distinct call is written once, as
 *    a structured-clone file (node:v8), so NaN, ±Infinity and undefined survive.
 *
 *      node scripts/snapshot.mjs capture --inputs /tmp/plots-inputs
 *
 * 2. render: replays the recorded calls through a build of the package (`dist/index.js` of the
 *    folder given) and writes one SVG per call (or the error message, when the call throws).
 *
 *      node scripts/snapshot.mjs render --inputs /tmp/plots-inputs --dist dist --out /tmp/plots-after
 *
 * Then `diff -r /tmp/plots-before /tmp/plots-after`: no output means no change.
 *
 * The same file is the vitest setup file of the capture run (it wraps the module `src/index.ts`
 * with {@link wrapForCapture}) and the wrapper of the gallery's imports, so the recording code
 * exists once.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deserialize, serialize } from "node:v8";

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CAPTURE_ENV = "POOLED_PLOTS_CAPTURE";
/** The engine's τ² estimators (and FE), each of which the gallery can fit its examples with. */
const METHODS = ["FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM"];
/** The exported functions that draw: every name ending in "Plot". */
const isPlotFunction = (name, value) => typeof value === "function" && /Plot$/.test(name);

/**
 * A copy of the module namespace `mod` whose plot functions first write their arguments to the
 * folder named by $POOLED_PLOTS_CAPTURE, as `<function>-<hash of the arguments>.bin`.
 */
export function wrapForCapture(mod) {
  const dir = process.env[CAPTURE_ENV];
  const wrapped = { ...mod };
  for (const [name, fn] of Object.entries(mod)) {
    if (!isPlotFunction(name, fn)) continue;
    wrapped[name] = (...args) => {
      // Before the call: a plot that threw, or changed its input, still leaves the input as given.
      const bytes = serialize({ fn: name, args });
      const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
      writeFileSync(join(dir, `${name}-${hash}.bin`), bytes);
      return fn(...args);
    };
  }
  return wrapped;
}

// As the vitest setup file of a capture run: every test file's import of src/index gets the
// recording wrapper.
if (process.env.VITEST && process.env[CAPTURE_ENV]) {
  const { vi } = await import("vitest");
  vi.doMock(join(PACKAGE_DIR, "src", "index.ts"), async (importOriginal) =>
    wrapForCapture(await importOriginal()),
  );
}

function option(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && args[i + 1]) return resolve(args[i + 1]);
  if (fallback === undefined) throw new Error(`--${name} DIR is required`);
  return resolve(fallback);
}

function captureTests(inputs) {
  // A config of its own (a plain object: no import needed from /tmp) adds this file as setup.
  const config = join(inputs, "vitest.capture.config.mjs");
  writeFileSync(
    config,
    `export default ${JSON.stringify({
      test: {
        root: PACKAGE_DIR,
        include: ["test/**/*.test.ts"],
        setupFiles: [fileURLToPath(import.meta.url)],
        testTimeout: 60_000,
      },
    })};\n`,
  );
  const run = spawnSync("npx", ["vitest", "run", "--config", config, "--root", PACKAGE_DIR], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, [CAPTURE_ENV]: inputs },
    stdio: ["ignore", "inherit", "inherit"],
  });
  rmSync(config);
  if (run.status !== 0) console.warn("capture: the test run failed; its calls are recorded anyway");
}

async function captureGallery(inputs) {
  const esbuild = await import("esbuild");
  const gallery = join(PACKAGE_DIR, "scripts", "gallery.ts");
  const plotNames = Object.keys(
    await import(pathToFileURL(join(PACKAGE_DIR, "dist", "index.js")).href),
  ).filter((n) => /Plot$/.test(n));
  // gallery.ts draws through the recording wrapper and "renders" through a stub (no Chromium).
  const recorder = [
    `import * as real from ${JSON.stringify(join(PACKAGE_DIR, "src", "index.ts"))};`,
    `import { wrapForCapture } from ${JSON.stringify(fileURLToPath(import.meta.url))};`,
    "const w = wrapForCapture(real);",
    ...plotNames.map((n) => `export const ${n} = w.${n};`),
  ].join("\n");
  const renderStub = [
    "export async function launchChromium() { return { close: async () => {} }; }",
    "export async function renderSvg() {",
    "  return { png: Buffer.alloc(0), errors: [], overlaps: [], clipped: [], outside: [], width: 0, height: 0 };",
    "}",
  ].join("\n");
  const stubs = {
    name: "capture-stubs",
    setup(build) {
      build.onResolve({ filter: /^\.\.\/src\/index\.js$|^\.\/render\.js$/ }, (a) =>
        a.importer === gallery ? { path: a.path, namespace: "capture-stub" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "capture-stub" }, (a) => ({
        contents: a.path === "./render.js" ? renderStub : recorder,
        resolveDir: join(PACKAGE_DIR, "scripts"),
        loader: "js",
      }));
    },
  };
  const outfile = join(PACKAGE_DIR, "node_modules", ".cache", "plots-snapshot-gallery.mjs");
  await esbuild.build({
    entryPoints: [gallery],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile,
    plugins: [stubs],
    logLevel: "warning",
  });
  const scratch = join(inputs, ".gallery-output");
  for (const method of METHODS) {
    const run = spawnSync("node", [outfile, "--method", method, "--out", scratch], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, [CAPTURE_ENV]: inputs },
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (run.status !== 0) throw new Error(`capture: the gallery failed for --method ${method}`);
  }
  rmSync(scratch, { recursive: true, force: true });
  rmSync(outfile);
}

/**
 * Options laid over each recorded call's own, so that every input is also drawn at other font
 * sizes (odd ones too: layout arithmetic in other orders rounds differently), other sizes, and
 * with the options the tests leave at their defaults. A plot ignores the options it does not
 * have, so every overlay goes to every plot.
 */
const OPTION_VARIANTS = [
  { fontSize: 13.5 },
  { fontSize: 9, width: 480, height: 380 },
  { maxRows: 5, digits: 3, plotWidth: 250, maxLabelWidth: 120, maxLabels: 3, sort: "year" },
  { panels: "grid", contours: [95], level: 90, panelHeight: 100, fontSize: 11.3 },
  {
    panels: "summary",
    pseudoRegion: true,
    contours: [80, 90, 95, 99, 99.9],
    sort: "effect",
    descending: true,
    width: 777,
  },
];

async function render(inputs, dist, out) {
  const plots = await import(pathToFileURL(join(dist, "index.js")).href);
  mkdirSync(out, { recursive: true });
  let svgs = 0;
  let errors = 0;
  const draw = (name, fn, args) => {
    try {
      writeFileSync(join(out, `${name}.svg`), plots[fn](...args));
      svgs += 1;
    } catch (e) {
      writeFileSync(join(out, `${name}.error.txt`), `${e?.name}: ${e?.message}\n`);
      errors += 1;
    }
  };
  for (const file of readdirSync(inputs)
    .filter((f) => f.endsWith(".bin"))
    .sort()) {
    const { fn, args } = deserialize(readFileSync(join(inputs, file)));
    const name = basename(file, ".bin");
    draw(name, fn, args);
    OPTION_VARIANTS.forEach((overlay, v) => {
      draw(`${name}.v${v + 1}`, fn, [
        args[0],
        { ...(args[1] ?? {}), ...overlay },
        ...args.slice(2),
      ]);
    });
  }
  console.log(`render: ${svgs} SVG files and ${errors} error messages in ${out} (from ${dist})`);
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === "capture") {
    const inputs = option(args, "inputs");
    mkdirSync(inputs, { recursive: true });
    if (!existsSync(join(PACKAGE_DIR, "dist", "index.js")))
      throw new Error("capture: build the package first (it lists the plot functions from dist)");
    captureTests(inputs);
    await captureGallery(inputs);
    const n = readdirSync(inputs).filter((f) => f.endsWith(".bin")).length;
    console.log(`capture: ${n} distinct plot calls in ${inputs}`);
  } else if (mode === "render") {
    await render(
      option(args, "inputs"),
      option(args, "dist", join(PACKAGE_DIR, "dist")),
      option(args, "out"),
    );
  } else {
    console.error(
      "usage: snapshot.mjs capture --inputs DIR | render --inputs DIR --dist DIR --out DIR",
    );
    process.exitCode = 2;
  }
}

if (!process.env.VITEST && !process.env[CAPTURE_ENV]) await main();
