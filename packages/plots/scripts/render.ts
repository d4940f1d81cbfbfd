/**
 * Renders SVG strings to PNG in headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core) and measures the real text boxes: overlapping or clipped text is reported, and
 * so are shapes that stick out of the SVG.
 */
import { launchChromium } from "@pooled/test-utils/chromium";
import type { Browser } from "playwright-core";

export { launchChromium };

export interface TextBox {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RenderResult {
  png: Buffer;
  /** Page errors and console errors while rendering. */
  errors: string[];
  /** Size of the rendered <svg> element in CSS px. */
  width: number;
  height: number;
  /** Pairs of text elements whose rendered boxes overlap. */
  overlaps: [TextBox, TextBox][];
  /** Text elements that stick out of the SVG's box. */
  clipped: TextBox[];
  /**
   * Shapes (circles, rectangles, polygons, lines; not those under a clip path, which the frame
   * trims) that stick out of the SVG's box, named by tag and class.
   */
  outside: TextBox[];
}

/** Renders one SVG document (inline in an HTML page, as the report and web app show it). */
export async function renderSvg(browser: Browser, svg: string, scale = 1): Promise<RenderResult> {
  const page = await browser.newPage({ deviceScaleFactor: scale });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  try {
    const body = svg.replace(/^<\?xml[^>]*>\s*/, "");
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0;background:#fff}svg{display:block}</style></head><body>${body}</body></html>`,
    );
    const measured = await page.evaluate(() => {
      const svgEl = document.querySelector("svg");
      if (!svgEl) throw new Error("no <svg> element in the page");
      const box = svgEl.getBoundingClientRect();
      const texts = Array.from(svgEl.querySelectorAll("text"))
        .filter((t) => (t.textContent ?? "").trim() !== "")
        .map((t) => {
          const r = t.getBoundingClientRect();
          const title = t.querySelector("title")?.textContent ?? "";
          const content = (t.textContent ?? "").slice(title.length);
          return {
            text: content,
            x: r.x - box.x,
            y: r.y - box.y,
            width: r.width,
            height: r.height,
          };
        });
      const overlaps: [(typeof texts)[number], (typeof texts)[number]][] = [];
      const tol = 0.5;
      const sorted = [...texts].sort((a, b) => a.y - b.y);
      for (let i = 0; i < sorted.length; i++) {
        const a = sorted[i];
        for (let j = i + 1; j < sorted.length; j++) {
          const b = sorted[j];
          if (b.y >= a.y + a.height - tol) break;
          const ox = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
          const oy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
          // Glyph boxes include ascent and descent, so rows touch vertically by design:
          // only a real overlap (more than a third of the smaller box's height) counts.
          if (ox > tol && oy > Math.min(a.height, b.height) / 3) overlaps.push([a, b]);
        }
      }
      const clipped = texts.filter(
        (t) =>
          t.x < -tol ||
          t.y < -tol ||
          t.x + t.width > box.width + tol ||
          t.y + t.height > box.height + tol,
      );
      const outside = Array.from(
        svgEl.querySelectorAll("circle, rect, polygon, polyline, line, ellipse"),
      )
        .filter((el) => !el.closest("defs") && !el.closest("[clip-path]"))
        .map((el) => {
          const r = el.getBoundingClientRect();
          return {
            text: `${el.tagName} ${el.getAttribute("class") ?? ""}`.trim(),
            x: r.x - box.x,
            y: r.y - box.y,
            width: r.width,
            height: r.height,
          };
        })
        .filter(
          (t) =>
            t.x < -tol ||
            t.y < -tol ||
            t.x + t.width > box.width + tol ||
            t.y + t.height > box.height + tol,
        );
      return { width: box.width, height: box.height, overlaps, clipped, outside };
    });
    const png = await page.locator("svg").first().screenshot({ type: "png" });
    return { png, errors, ...measured };
  } finally {
    await page.close();
  }
}
