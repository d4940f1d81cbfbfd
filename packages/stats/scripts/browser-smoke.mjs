// Browser smoke test of the WASM core: bundles the stats engine for the browser (esbuild), serves
// it, and in headless Chromium runs a permutation test and a bootstrap on the page's main thread and
// on two Web Workers (comlink, inference/browser-worker.ts). Checks that both give the same result
// (the seed decides, not the workers) and that nothing needs fs or fetch for the .wasm.
// Usage: node packages/stats/scripts/browser-smoke.mjs   (needs /usr/bin/chromium)
import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { launchChromium, serveFolder } from "@pooled/test-utils/chromium";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), "pooled-browser-"));
const common = { bundle: true, format: "esm", platform: "browser", logLevel: "error" };
await build({
  ...common,
  entryPoints: [join(here, "browser/page.ts")],
  outfile: join(out, "page.js"),
});
await build({
  ...common,
  entryPoints: [join(here, "../src/inference/browser-worker.ts")],
  outfile: join(out, "worker.js"),
});
await writeFile(
  join(out, "index.html"),
  '<!doctype html><script type="module" src="./page.js"></script>',
);
const server = await serveFolder(out);
const url = `${server.origin}/`;
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => globalThis.smoke !== undefined, null, { timeout: 120_000 });
  const smoke = await page.evaluate(() => globalThis.smoke);
  if (smoke.error || errors.length) throw new Error(smoke.error ?? errors.join("\n"));
  const same = (a, b) => isDeepStrictEqual({ ...a, workers: 1 }, { ...b, workers: 1 });
  if (!same(smoke.perm1, smoke.perm2))
    throw new Error("permutation: main thread and workers differ");
  if (!same(smoke.boot1, smoke.boot2)) throw new Error("bootstrap: main thread and workers differ");
  if (smoke.perm1.backend !== "wasm")
    throw new Error(`backend ${smoke.perm1.backend}, expected wasm`);
  console.log(
    `browser smoke: ok (permutation p = ${smoke.perm1.coefficients[1].p}, bootstrap tau2 SE = ` +
      `${smoke.boot1.statistics[2].se.toFixed(4)}; identical on the main thread and 2 Web Workers)`,
  );
} finally {
  await browser.close();
  await server.close();
}
