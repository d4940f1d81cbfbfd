/**
 * Installation and offline use, for the page served over http(s): links the web app manifest and
 * registers the service worker (sw.js, built from service-worker.ts) that precaches every file of
 * the app. Opened from disk (file://) neither applies: Chromium refuses to fetch a manifest from a
 * file: URL (a console error) and service workers need http(s), while every file is on the disk
 * already.
 */

/** Where build.mjs writes them, beside index.html. */
export const MANIFEST_FILE = "manifest.webmanifest";
export const SERVICE_WORKER_FILE = "sw.js";

/** True where a manifest and a service worker can work: http(s), in a secure context. */
export function canWorkOffline(page: Location, nav: Navigator, secure: boolean): boolean {
  return (
    (page.protocol === "https:" || page.protocol === "http:") && secure && "serviceWorker" in nav
  );
}

/** Adds `<link rel="manifest">` unless the page has one. */
export function linkManifest(doc: Document): void {
  if (doc.querySelector('link[rel="manifest"]')) return;
  const link = doc.createElement("link");
  link.rel = "manifest";
  link.href = MANIFEST_FILE;
  doc.head.append(link);
}

/**
 * Links the manifest and registers the service worker once the page has loaded (so precaching
 * does not compete with the page's own start). Resolves to the registration, or null where
 * offline support does not apply or registration failed (the page works without it).
 */
export async function registerOfflineSupport(): Promise<ServiceWorkerRegistration | null> {
  if (!canWorkOffline(location, navigator, isSecureContext)) return null;
  linkManifest(document);
  if (document.readyState !== "complete") {
    await new Promise<void>((loaded) => addEventListener("load", () => loaded(), { once: true }));
  }
  try {
    return await navigator.serviceWorker.register(SERVICE_WORKER_FILE);
  } catch (error) {
    console.warn(`Pooled works online only here: the service worker did not register (${error})`);
    return null;
  }
}
