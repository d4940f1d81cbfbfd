/**
 * The shipped folder and where it runs: dist/ holds no source maps and weighs under 1,000,000
 * bytes; opened from disk (file://) the app analyses the example, bootstrap on shard workers
 * included, exactly as served; served, it is installable (a valid manifest), and once visited its
 * service worker lets it start and analyse offline, and a new build replaces the old cache.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Settings } from "../src/api.js";
import { DEFAULT_SETTINGS, EXAMPLE_SUBGROUP } from "../src/view/settings.js";
import {
  type BrowserSession,
  distDir,
  distFileUrl,
  openBrowser,
  type StaticServer,
  screenshotDir,
  serveDist,
  shardWorkersStarted,
  webRoot,
} from "./browser.js";
import {
  exampleFile,
  examplePrisma,
  referenceAnalysis,
  referenceAnalysisAsync,
  referenceParse,
} from "./reference.js";

const PAYLOAD_LIMIT = 1_000_000;
/** Three blocks of replicates (stats' BLOCK_SIZE is 1,024): enough for two shard workers. */
const BOOTSTRAP = { replicates: 2500, seed: 5 };

async function waitForResult(page: Page): Promise<void> {
  try {
    await page.waitForFunction(
      () => {
        const body = document.getElementById("results-body");
        const el = document.querySelector<HTMLElement>('[data-testid="pooled-estimate"]');
        return body && !body.hidden && !body.classList.contains("stale") && el?.dataset["estimate"];
      },
      undefined,
      { timeout: 30_000 },
    );
  } catch (error) {
    // Say what the page shows instead (its status line) rather than only that time ran out.
    throw new Error(`no result on the page; its status: "${await page.textContent("#status")}"`, {
      cause: error,
    });
  }
}

async function download(page: Page, file: string): Promise<string> {
  const [saved] = await Promise.all([
    page.waitForEvent("download"),
    page.click(`#exports [data-file="${file}"]`),
  ]);
  return readFile((await saved.path())!, "utf8");
}

interface ExampleRun {
  estimate: number;
  estimateText: string;
  /** analysis.json and report.html as the page downloads them, after the bootstrap. */
  analysis: { bootstrap: unknown; model: { estimate: number } };
  report: string;
}

/** Loads the example, checks the forest plot, runs the bootstrap, downloads the results. */
async function analyseExample(page: Page): Promise<ExampleRun> {
  await page.waitForSelector("body[data-ready=true]");
  await page.getByTestId("load-example").click();
  await waitForResult(page);
  await expect.poll(() => page.locator('svg[data-testid="forest-plot"]').isVisible()).toBe(true);
  const estimate = Number(await page.getByTestId("pooled-estimate").getAttribute("data-estimate"));
  const estimateText = (await page.getByTestId("pooled-estimate").textContent()) ?? "";
  await page.fill("#bootstrap", String(BOOTSTRAP.replicates));
  await page.fill("#seed", String(BOOTSTRAP.seed));
  await page.click("#run-resampling");
  await expect
    .poll(() => page.textContent("#progress-label"), { timeout: 60_000 })
    .toMatch(/^Bootstrap finished/);
  return {
    estimate,
    estimateText,
    analysis: JSON.parse(await download(page, "analysis.json")),
    report: await download(page, "report.html"),
  };
}

describe("the shipped folder (dist/)", () => {
  it("holds no source map and weighs under 1,000,000 bytes", async () => {
    const names = await readdir(distDir);
    expect(names.filter((n) => n.endsWith(".map"))).toEqual([]);
    let total = 0;
    for (const name of names) {
      total += (await stat(join(distDir, name))).size;
      if (name.endsWith(".js")) {
        expect(await readFile(join(distDir, name), "utf8")).not.toContain("sourceMappingURL");
      }
    }
    expect(total).toBeGreaterThan(100_000);
    expect(total).toBeLessThan(PAYLOAD_LIMIT);
    // The maps are kept beside it for debugging, the worker's included.
    expect(await readdir(join(webRoot, "dist-maps"))).toEqual(
      expect.arrayContaining(["app.js.map", "worker.js.map", "sw.js.map"]),
    );
    // The workers' code ships once, inside app.js: no worker file, no module script.
    expect(names).not.toContain("worker.js");
    expect(names).not.toContain("shard-worker.js");
    const html = await readFile(join(distDir, "index.html"), "utf8");
    expect(html).not.toContain('type="module"');
    expect(html).toContain('<script defer src="app.js"></script>');
  });
});

describe("opened from disk (file://)", () => {
  let served: ExampleRun;

  it("analyses the example served over http, on two shard workers", async () => {
    const server = await serveDist();
    const session = await openBrowser(server.origin);
    try {
      await session.page.goto(`${server.origin}/?workers=2`);
      served = await analyseExample(session.page);
      expect(shardWorkersStarted(session)).toBe(2);
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
      await server.close();
    }
  });

  it("loads, analyses with a bootstrap on shard workers and downloads the report, as served", async () => {
    const session = await openBrowser(pathToFileURL(distDir).href);
    const page = session.page;
    try {
      await page.goto(`${distFileUrl}?workers=2`);
      const fromDisk = await analyseExample(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(screenshotDir, "file-1280.png") });
      await page
        .locator("#panel-forest")
        .screenshot({ path: join(screenshotDir, "file-forest.png") });

      // The same numbers and files as served, and as the pipeline computes in Node.
      expect(fromDisk.estimate).toBe(served.estimate);
      expect(fromDisk.estimateText).toBe(served.estimateText);
      expect(fromDisk.analysis).toEqual(served.analysis);
      expect(fromDisk.report).toBe(served.report);
      const example = await exampleFile();
      const settings: Settings = {
        ...DEFAULT_SETTINGS,
        by: EXAMPLE_SUBGROUP,
        bootstrap: BOOTSTRAP.replicates,
        seed: BOOTSTRAP.seed,
      };
      const table = await referenceParse(example.bytes, example.name, settings.measure);
      const expected = await referenceAnalysisAsync(table, settings, await examplePrisma());
      expect(fromDisk.estimate).toBeCloseTo(expected.model.estimate, 12);
      expect(fromDisk.analysis.bootstrap).toEqual(expected.bootstrap);
      expect(fromDisk.report).toContain("<html");

      // The resampling ran on two shard workers, started from a blob: URL of the engine's code.
      expect(shardWorkersStarted(session)).toBe(2);
      // Nothing beyond dist/ was asked for, nothing failed, and no offline support was tried.
      expect(session.foreignRequests).toEqual([]);
      expect(session.errors).toEqual([]);
      expect(await page.locator('link[rel="manifest"]').count()).toBe(0);
      expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    } finally {
      await session.close();
    }
  });
});

describe("installed and offline (served)", () => {
  let copy: string;
  let server: StaticServer;
  let session: BrowserSession;
  let page: Page;
  let cacheName: string;

  beforeAll(async () => {
    // A copy of dist/, so a later test can publish a "new build" without touching dist/.
    copy = await mkdtemp(join(tmpdir(), "pooled-dist-"));
    await cp(distDir, copy, { recursive: true });
    server = await serveDist(copy);
    session = await openBrowser(server.origin);
    page = session.page;
    await page.goto(`${server.origin}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    cacheName = /"(pooled-[0-9a-f]{16})"/.exec(await readFile(join(copy, "sw.js"), "utf8"))![1]!;
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  it("serves a valid web app manifest: installable, with the header's colour and the icon", async () => {
    const response = await fetch(`${server.origin}/manifest.webmanifest`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/manifest+json");
    const manifest = (await response.json()) as Record<string, unknown> & {
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({
      name: "Pooled",
      short_name: "Pooled",
      start_url: "./",
      scope: "./",
      display: "standalone",
      theme_color: "#14355c",
      background_color: "#f3f5f9",
    });
    // The colours are the stylesheet's: the header's background and the page's.
    const css = await readFile(join(webRoot, "src/styles.css"), "utf8");
    expect(css).toMatch(/\.site-header\s*\{[^}]*background:\s*#14355c/);
    expect(css).toContain("--page: #f3f5f9");
    expect(await page.getAttribute('meta[name="theme-color"]', "content")).toBe("#14355c");
    expect(manifest.icons).toEqual([
      { src: "favicon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
    ]);
    const icon = await fetch(`${server.origin}/favicon.svg`);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(await icon.text()).toMatch(/^<svg /);

    // Chromium's own reading of it: linked from the page, parsed without error, installable.
    expect(await page.getAttribute('link[rel="manifest"]', "href")).toBe("manifest.webmanifest");
    const cdp = await session.context.newCDPSession(page);
    const parsed = (await cdp.send("Page.getAppManifest")) as {
      url: string;
      errors: unknown[];
    };
    expect(parsed.url).toBe(`${server.origin}/manifest.webmanifest`);
    expect(parsed.errors).toEqual([]);
    const installability = (await cdp.send("Page.getInstallabilityErrors")) as {
      installabilityErrors: unknown[];
    };
    expect(installability.installabilityErrors).toEqual([]);
    await cdp.detach();
  });

  it("precaches every shipped file under a cache named after the build's content", async () => {
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names[0]!);
      const paths = (await cache.keys()).map((request) => new URL(request.url).pathname);
      return { names, paths };
    });
    expect(cached.names).toEqual([cacheName]);
    const shipped = (await readdir(copy)).filter((n) => n !== "sw.js").map((n) => `/${n}`);
    expect(cached.paths.sort()).toEqual(["/", ...shipped].sort());
  });

  it("starts and analyses the example offline after a first visit", async () => {
    const example = await exampleFile();
    const settings: Settings = { ...DEFAULT_SETTINGS, by: EXAMPLE_SUBGROUP };
    const expected = referenceAnalysis(
      await referenceParse(example.bytes, example.name, settings.measure),
      settings,
      await examplePrisma(),
    );
    const asked = server.requests.length;
    await session.context.setOffline(true);
    try {
      await page.reload();
      await page.waitForSelector("body[data-ready=true]");
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      await page.getByTestId("load-example").click();
      await waitForResult(page);
      const estimate = Number(
        await page.getByTestId("pooled-estimate").getAttribute("data-estimate"),
      );
      expect(estimate).toBeCloseTo(expected.model.estimate, 12);
      await expect
        .poll(() => page.locator('svg[data-testid="forest-plot"]').isVisible())
        .toBe(true);
      // Every file came from the service worker's cache: the server saw no request.
      expect(server.requests.length).toBe(asked);
      expect(session.errors).toEqual([]);
    } finally {
      await session.context.setOffline(false);
    }
  });

  it("replaces the old cache when a new build is published", async () => {
    const next = "pooled-0123456789abcdef";
    const sw = await readFile(join(copy, "sw.js"), "utf8");
    await writeFile(join(copy, "sw.js"), sw.replaceAll(cacheName, next));
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration!.update();
    });
    // The new worker installs, takes over and deletes the old build's cache.
    await expect
      .poll(() => page.evaluate(() => caches.keys()), { timeout: 20_000 })
      .toEqual([next]);
    const paths = await page.evaluate(async (name) => {
      const cache = await caches.open(name);
      return (await cache.keys()).map((request) => new URL(request.url).pathname);
    }, next);
    expect(paths).toContain("/app.js");
  });
});
