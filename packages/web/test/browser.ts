/**
 * End-to-end harness: serves dist/ from a small static server on 127.0.0.1 and drives Debian's
 * Chromium through playwright-core. Every request the page makes is recorded, so a test can
 * assert that nothing beyond the app's own files was asked for.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const webRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = join(webRoot, "dist");
export const CHROMIUM = process.env["POOLED_CHROMIUM"] ?? "/usr/bin/chromium";

const MIME: Record<string, string> = {
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

export interface StaticServer {
  origin: string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** dist/index.html as a file: URL, the page opened from disk. */
export const distFileUrl = pathToFileURL(join(distDir, "index.html")).href;

/**
 * Serves dist/ (or a copy of it, `root`) read-only: GET and HEAD of files inside it, nothing else.
 */
export async function serveDist(root = distDir): Promise<StaticServer> {
  if (!existsSync(join(root, "index.html"))) {
    throw new Error(`packages/web/dist is not built (run "npm run build -w @pooled/web" first)`);
  }
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    requests.push(path);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": MIME[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
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
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set POOLED_CHROMIUM`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "pooled-chromium-"));
  // A fresh profile per session (playwright takes it as the persistent context's directory).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport,
    acceptDownloads: true,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
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
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true }).catch(() => undefined);
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
