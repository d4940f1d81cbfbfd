/**
 * Cancel at any moment: an analysis that keeps the engine worker busy in one long
 * synchronous computation (8,000 studies: leave-one-out alone refits the model 8,000 times) is
 * stopped by Cancel, or by loading another file, and the page analyses the next file at once
 * rather than after the old computation.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserSession, type OpenApp, openApp } from "./browser.js";

let app: OpenApp;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  ({ session, page } = app);
});

afterAll(async () => {
  await app?.close();
});

/** k studies of given effect sizes. */
function studies(k: number): Buffer {
  const rows = ["study,yi,vi"];
  for (let i = 0; i < k; i++)
    rows.push(`s${i},${(Math.sin(i) * 0.5).toFixed(4)},${(0.05 + ((i * 7) % 13) / 50).toFixed(4)}`);
  return Buffer.from(`${rows.join("\n")}\n`);
}

const SMALL = Buffer.from(
  "study,yi,vi\nA,0.1,0.04\nB,0.5,0.09\nC,0.3,0.05\nD,0.9,0.2\nE,0.2,0.03\n",
);

async function load(name: string, buffer: Buffer): Promise<void> {
  await page.setInputFiles("#file-input", { name, mimeType: "text/csv", buffer });
}

const status = () => page.textContent("#status");

/** Loads the large file and waits until its analysis has been running for a second. */
async function startLongAnalysis(): Promise<void> {
  await load("large.csv", studies(8000));
  await page.waitForFunction(
    () => document.getElementById("status")?.textContent === "Analysing large.csv…",
    undefined,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(1000);
  expect(await status()).toBe("Analysing large.csv…");
}

async function expectSmallAnalysed(within: number): Promise<void> {
  await page.waitForFunction(
    () =>
      document.getElementById("status")?.textContent?.startsWith("small.csv: 5 studies analysed"),
    undefined,
    { timeout: within },
  );
  const estimate = await page.getByTestId("pooled-estimate").getAttribute("data-estimate");
  expect(Number(estimate)).toBeGreaterThan(0);
}

describe("Cancel at any moment", () => {
  it("stops an analysis stuck in the engine worker, then analyses another file", async () => {
    await startLongAnalysis();
    expect(await page.isEnabled("#cancel")).toBe(true);
    const clicked = Date.now();
    await page.click("#cancel");
    await page.waitForFunction(
      () =>
        document
          .getElementById("status")
          ?.textContent?.startsWith("Cancelled the analysis of large.csv"),
      undefined,
      { timeout: 2000 },
    );
    expect(Date.now() - clicked).toBeLessThan(2000);
    expect(await page.isDisabled("#cancel")).toBe(true);
    expect(await page.isHidden("#results-body")).toBe(true);
    // A fresh worker answers the next file (the old one would still be computing for seconds).
    await load("small.csv", SMALL);
    await expectSmallAnalysed(10_000);
    expect(session.errors).toEqual([]);
  });

  it("Escape cancels too", async () => {
    await startLongAnalysis();
    await page.keyboard.press("Escape");
    await page.waitForFunction(
      () =>
        document
          .getElementById("status")
          ?.textContent?.startsWith("Cancelled the analysis of large.csv"),
      undefined,
      { timeout: 2000 },
    );
  });

  it("a new file while the worker is busy ends the old computation rather than waiting for it", async () => {
    await startLongAnalysis();
    const loaded = Date.now();
    await load("small.csv", SMALL);
    await expectSmallAnalysed(10_000);
    // Long before the analysis of the large file could have finished (about 25 s on two busy
    // cores; 8,000 leave-one-out refits alone), which the old worker would have waited for.
    expect(Date.now() - loaded).toBeLessThan(10_000);
    expect(session.errors).toEqual([]);
  });
});
