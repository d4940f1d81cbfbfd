/**
 * The engine worker's code (src/worker.ts, one bundle for the engine and its resampling shards),
 * shipped inside the page script and started from a blob: URL: opened from disk (file://),
 * Chromium refuses module scripts and workers from file: URLs but not from blob: URLs, so the same
 * build works from disk and served.
 *
 * build.mjs embeds the bundle deflated and in base64 (about 45% of its size), which keeps the
 * shipped folder well under its 1 MB budget; inflating it takes a few milliseconds, once per page.
 */

import packedWorker from "virtual:engine-worker";
import { inflateSync } from "fflate";

let url: string | null = null;

/** Base64 to bytes (atob gives one character per byte). */
function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A blob: URL of the engine worker's code, made on first use and kept for the page's lifetime. */
export function engineWorkerUrl(): string {
  url ??= URL.createObjectURL(
    new Blob([inflateSync(fromBase64(packedWorker))], { type: "text/javascript" }),
  );
  return url;
}
