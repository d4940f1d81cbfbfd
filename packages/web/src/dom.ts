/** Small DOM helpers: element creation, select options, downloads, SVG parsing and PNG rasterisation. */

type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Creates an element; attributes with null/undefined/false values are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    el.append(child);
  }
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page element #${id} is missing`);
  return el as T;
}

/** Fills a select with options and selects the value, or the first option when it is not one. */
export function fillSelect(
  select: HTMLSelectElement,
  options: { value: string; label: string }[],
  value: string,
): void {
  select.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = options.some((o) => o.value === value) ? value : (options[0]?.value ?? "");
}

/** Offers a Blob as a download with the given file name. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: fileName });
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, mime: string): void {
  downloadBlob(new Blob([text], { type: `${mime};charset=utf-8` }), fileName);
}

/** Parses an SVG string into an element owned by this document (no scripts run). */
export function parseSvg(svgText: string): SVGSVGElement | null {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName.toLowerCase() !== "svg" || doc.getElementsByTagName("parsererror").length > 0)
    return null;
  // Strip anything executable, whatever the source.
  for (const s of Array.from(root.querySelectorAll("script, foreignObject"))) s.remove();
  return document.importNode(root, true) as unknown as SVGSVGElement;
}

/** Width and height of an SVG in CSS pixels, from its attributes or viewBox. */
export function svgSize(svgText: string): { width: number; height: number } {
  const svg = parseSvg(svgText);
  const num = (v: string | null | undefined) => {
    const n = v ? Number.parseFloat(v) : Number.NaN;
    return Number.isFinite(n) && n > 0 ? n : null;
  };
  const vb =
    svg
      ?.getAttribute("viewBox")
      ?.split(/[\s,]+/)
      .map(Number) ?? [];
  const width = num(svg?.getAttribute("width")) ?? (vb[2] && vb[2] > 0 ? vb[2] : 800);
  const height = num(svg?.getAttribute("height")) ?? (vb[3] && vb[3] > 0 ? vb[3] : 600);
  return { width, height };
}

/** Rasterises an SVG string to a PNG Blob at `scale` times its size, on a white background. */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const { width, height } = svgSize(svgText);
  // The image needs explicit dimensions to rasterise at the intended size.
  let text = svgText;
  if (!/^<svg[^>]*\swidth=/i.test(text.replace(/^[\s\S]*?(<svg)/i, "$1"))) {
    text = text.replace(/<svg\b/i, `<svg width="${width}" height="${height}"`);
  }
  if (!/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(text)) {
    text = text.replace(/<svg\b/i, '<svg xmlns="http://www.w3.org/2000/svg"');
  }
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
  try {
    const img = new Image();
    img.decoding = "async";
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the plot could not be drawn as an image"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("this browser cannot draw on a canvas");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
