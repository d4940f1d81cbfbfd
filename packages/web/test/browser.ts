/**
 * End-to-end harness: serves dist/ from a small static server on 127.0.0.1 and drives Debian's
 * Chromium through playwright-core (both from @pooled/test-utils/chromium). Every request the page
 * makes is recorded, so a test can assert that nothing beyond the app's own files was asked for.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CHROMIUM_PATH,
  chromiumMissing,
  launchChromiumProfile,
  type StaticServer,
  serveFolder,
} from "@pooled/test-utils/chromium";
import type { BrowserContext, Page } from "playwright-core";

export type { StaticServer } from "@pooled/test-utils/chromium";

export const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = join(webRoot, "dist");
export const CHROMIUM = CHROMIUM_PATH;

/** dist/index.html as a file: URL, the page opened from disk. */
export const distFileUrl = pathToFileURL(join(distDir, "index.html")).href;

/**
 * Serves dist/ (or a copy of it, `root`) read-only: GET and HEAD of files inside it, nothing else.
 */
export async function serveDist(root = distDir): Promise<StaticServer> {
  if (!existsSync(join(root, "index.html"))) {
    throw new Error(`packages/web/dist is not built (run "npm run build -w @pooled/web" first)`);
  }
  return serveFolder(root);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** URLs requested outside `origin` (the test server's, or dist/'s file: URL): should stay empty. */
  foreignRequests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** The URL of every worker the page started, its workers' workers included, in order. */
  workerUrls: string[];
  close(): Promise<void>;
}

export async function openBrowser(
  origin: string,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserSession> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  // A fresh profile per session (playwright takes it as the persistent context's directory).
  const { context, close } = await launchChromiumProfile({ viewport, acceptDownloads: true });
  const page = context.pages()[0] ?? (await context.newPage());
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith("blob:") && !url.startsWith("data:"))
      foreignRequests.push(url);
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  const workerUrls: string[] = [];
  page.on("worker", (worker) => workerUrls.push(worker.url()));
  return {
    context,
    page,
    foreignRequests,
    errors,
    workerUrls,
    close,
  };
}

/** The app served from dist/ and open, ready, in a fresh browser; `close` ends both. */
export interface OpenApp {
  server: StaticServer;
  session: BrowserSession;
  page: Page;
  close(): Promise<void>;
}

/** Serves dist/, opens the page (with `query`, e.g. "?workers=3") and waits until it is ready. */
export async function openApp(query = ""): Promise<OpenApp> {
  const server = await serveDist();
  const session = await openBrowser(server.origin);
  const page = session.page;
  await page.goto(`${server.origin}/${query}`);
  await page.waitForSelector("body[data-ready=true]");
  return {
    server,
    session,
    page,
    close: async () => {
      await session.close();
      await server.close();
    },
  };
}

/**
 * How many resampling shard workers the page's engines started. The page starts every engine
 * from one blob: URL; an engine starts its shards from a blob: URL of its own code (src/worker.ts),
 * so any other worker URL is a shard's.
 */
export function shardWorkersStarted(session: BrowserSession): number {
  const [engineUrl] = session.workerUrls;
  return session.workerUrls.filter((url) => url !== engineUrl).length;
}

export const screenshotDir = join(webRoot, "test-results");
