/**
 * report.html: one self-contained page (inline CSS, every plot inline as SVG, no script, no
 * request to anything outside the file), readable on screen and printable.
 */

import { SYRCLE_ITEM_NAMES } from "@pooled/contract";
import type { Analysis } from "../analysis/types.js";
import { SYRCLE_ITEMS, type SyrcleItem } from "../input/types.js";
import { analysisDocument, type Block } from "./document.js";
import { fmtPercent, isSimulatedSource } from "./format.js";
import type { LaySummary } from "./lay-summary.js";
import type { RenderedPlot } from "./plots.js";
import { readingScale } from "./reading-scale.js";
import { summaryModel } from "./summary-model.js";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const CSS = `
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --accent: #1f5fa8; --bg-soft: #f4f6f9; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.3em; margin: 1.8em 0 0.5em; padding-bottom: 0.2em; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
p.meta, figcaption, .note { color: var(--muted); font-size: 0.92em; }
nav ol { columns: 2; padding-left: 1.2em; margin: 0.5em 0; }
nav a, a { color: var(--accent); }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { text-align: left; background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.table-wrap { overflow-x: auto; }
figure { margin: 1em 0 1.6em; }
figure svg { max-width: 100%; height: auto; display: block; }
.key { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 1em 0; }
.key div { background: var(--bg-soft); border-radius: 6px; padding: 10px 12px; }
.key b { display: block; font-size: 1.25em; }
.lay { background: #f2f8f2; border-left: 4px solid #3f8f4f; padding: 6px 18px 10px; border-radius: 4px; }
.lay h3 { margin-top: 0.8em; }
.banner { background: #fff4d6; border: 1px solid #e5c66b; padding: 8px 12px; border-radius: 4px; }
.rob-low { background: #d8efd9; } .rob-high { background: #f6d2cf; } .rob-unclear { background: #fbefc4; }
ol.refs li { margin-bottom: 0.3em; font-size: 0.92em; }
footer { margin-top: 3em; color: var(--muted); font-size: 0.85em; }
@media print { nav { display: none; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
`;

/** Which section each plot belongs to (others go to "More plots"). */
const PLOT_SECTION: Record<string, string> = {
  "forest.svg": "summary",
  "bubble.svg": "regression",
  "funnel.svg": "bias",
  "funnel-contour.svg": "bias",
  "funnel-sample-size.svg": "bias",
  "galbraith.svg": "bias",
  "leave-one-out.svg": "leave-one-out",
  "baujat.svg": "leave-one-out",
  "influence.svg": "influence",
  "cumulative.svg": "cumulative",
  "risk-of-bias.svg": "risk-of-bias",
  "prisma.svg": "prisma",
};

function figure(plot: RenderedPlot): string {
  // Inline SVG: drop any XML declaration or doctype, which are only valid at the top of a file.
  const svg = plot.svg.replace(/^\s*<\?xml[^>]*\?>\s*/i, "").replace(/^\s*<!DOCTYPE[^>]*>\s*/i, "");
  return `<figure id="figure-${escapeHtml(plot.file.replace(/\.svg$/, ""))}">\n${svg}\n<figcaption><b>${escapeHtml(plot.title)}.</b> ${escapeHtml(plot.caption)}</figcaption>\n</figure>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "heading":
      return `<h${block.level}${block.id ? ` id="${escapeHtml(block.id)}"` : ""}>${escapeHtml(block.text)}</h${block.level}>`;
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "list":
      return `<ul>\n${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join("\n")}\n</ul>`;
    case "table": {
      const cls = (j: number) => (block.align[j] === "right" ? ' class="num"' : "");
      const head = block.header.map((h, j) => `<th${cls(j)}>${escapeHtml(h)}</th>`).join("");
      const rows = block.rows
        .map((r) => `<tr>${r.map((c, j) => `<td${cls(j)}>${escapeHtml(c)}</td>`).join("")}</tr>`)
        .join("\n");
      return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table></div>`;
    }
  }
}

/** The SYRCLE items numbered as in the tool (Hooijmans et al. 2014): "1 Sequence generation". */
const ITEM_NAMES = Object.fromEntries(
  SYRCLE_ITEMS.map((item, i) => [item, `${i + 1} ${SYRCLE_ITEM_NAMES[item]}`]),
) as Record<SyrcleItem, string>;

function riskOfBiasTable(a: Analysis): string {
  const rob = a.riskOfBias!;
  const items = SYRCLE_ITEMS.filter((i) => rob.items.includes(i));
  const head = items
    .map((i) => `<th title="${escapeHtml(ITEM_NAMES[i])}">${ITEM_NAMES[i].split(" ")[0]}</th>`)
    .join("");
  const rows = rob.studies
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.study)}</td>${items
          .map((i) => {
            const j = s.judgements[i];
            return j === undefined ? "<td>—</td>" : `<td class="rob-${j}">${j}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  const counts = items
    .map((i) => {
      const c = rob.counts[i]!;
      return `<tr><td>${escapeHtml(ITEM_NAMES[i])}</td><td class="num">${c.low}</td><td class="num">${c.high}</td><td class="num">${c.unclear}</td><td class="num">${c.missing}</td></tr>`;
    })
    .join("\n");
  return (
    `<div class="table-wrap"><table>\n<thead><tr><th>Item</th><th class="num">Low</th><th class="num">High</th><th class="num">Unclear</th><th class="num">Not assessed</th></tr></thead>\n<tbody>\n${counts}\n</tbody></table></div>\n` +
    `<details><summary>Judgements per study</summary><div class="table-wrap"><table>\n<thead><tr><th>Study</th>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody></table></div></details>`
  );
}

function prismaTable(a: Analysis): string {
  const p = a.prisma!;
  const rows: [string, number][] = [
    ["Records identified", p.identified],
    ["Duplicates removed", p.duplicatesRemoved],
    ["Records screened", p.screened],
    ["Excluded at screening", p.excludedScreening],
    ["Full texts assessed", p.fullTextAssessed],
    ...p.fullTextExcluded.map((e): [string, number] => [`Full text excluded: ${e.reason}`, e.n]),
    ["Studies included", p.included],
  ];
  return `<div class="table-wrap"><table><tbody>\n${rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${v}</td></tr>`).join("\n")}\n</tbody></table></div>`;
}

export interface HtmlParts {
  plots: RenderedPlot[];
  lay: LaySummary;
  methods: { text: string; references: string[] };
  /** Other files of the report, listed at the end. */
  files: string[];
  /** Version string printed in the footer. */
  version?: string;
}

/** The HTML page. */
export function renderHtml(a: Analysis, parts: HtmlParts): string {
  const layout = pageLayout(a);
  const body: string[] = [];
  body.push(`<h1>Meta-analysis report</h1>`);
  body.push(
    `<p class="meta">Data: ${escapeHtml(a.source)} · ${a.model.k} studies analysed${a.excluded.length > 0 ? `, ${a.excluded.length} excluded` : ""} · made with Pooled${parts.version ? ` ${escapeHtml(parts.version)}` : ""}</p>`,
  );
  if (isSimulatedSource(a.source)) {
    body.push(
      `<p class="banner">These data are <b>simulated</b>: they show how the analysis works and are not real findings.</p>`,
    );
  }
  body.push(tableOfContents(layout, parts.plots));
  body.push(`<div class="key">${keyFigures(a)}</div>`);
  body.push(...laySummaryHtml(parts.lay));
  body.push(...sectionsHtml(a, layout, parts.plots));
  body.push(...closingSectionsHtml(parts));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Meta-analysis report: ${escapeHtml(a.source)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join("\n")}
</main>
</body>
</html>
`;
}

/** The page's sections in order: the document's, then risk of bias and PRISMA (drawn here). */
interface PageLayout {
  /** The blocks of each section of the document, by id ("intro" for those before the first). */
  sections: Map<string, Block[]>;
  /** Ids of the sections, in page order. */
  order: string[];
  titles: Map<string, string>;
}

function pageLayout(a: Analysis): PageLayout {
  const sections = new Map<string, Block[]>();
  let current = "intro";
  const order: string[] = [];
  const titles = new Map<string, string>();
  for (const block of analysisDocument(a)) {
    if (block.kind === "heading" && block.level === 2) {
      current = block.id ?? block.text;
      order.push(current);
      titles.set(current, block.text);
    }
    if (!sections.has(current)) sections.set(current, []);
    sections.get(current)!.push(block);
  }
  if (a.riskOfBias !== null) {
    order.push("risk-of-bias");
    titles.set("risk-of-bias", "Risk of bias (SYRCLE)");
  }
  if (a.prisma !== null) {
    order.push("prisma");
    titles.set("prisma", "Study selection (PRISMA 2020)");
  }
  return { sections, order, titles };
}

/** The contents: the lay summary, every section, the plots without one, methods and files. */
function tableOfContents(layout: PageLayout, plots: readonly RenderedPlot[]): string {
  const { order, titles } = layout;
  const toc: [string, string][] = [
    ["lay-summary", "Plain-language summary"],
    ...order.map((id): [string, string] => [id, titles.get(id)!]),
  ];
  const more = plots.filter(
    (p) => PLOT_SECTION[p.file] === undefined || !order.includes(PLOT_SECTION[p.file]!),
  );
  if (more.length > 0) toc.push(["more-plots", "More plots"]);
  toc.push(["methods", "Methods"], ["references", "References"], ["files", "Files"]);
  return `<nav aria-label="Contents"><ol>${toc.map(([id, t]) => `<li><a href="#${escapeHtml(id)}">${escapeHtml(t)}</a></li>`).join("")}</ol></nav>`;
}

/** The key figures under the title: k, the pooled estimate with its intervals, I². */
function keyFigures(a: Analysis): string {
  const m = summaryModel(a);
  // Ratios and correlations on the reader's scale (the summary gives the analysis-scale value).
  const r = readingScale(a);
  return [
    ["Studies", String(m.k)],
    ...(m.clusters !== null ? [["Publications", String(m.clusters)]] : []),
    ...(m.threeLevel ? [["Model", m.label]] : []),
    [r.transformed ? `Pooled ${r.name}` : "Pooled estimate", r.fmt(m.estimate)],
    [`${m.level}% CI`, `${r.fmt(m.ciLower)} to ${r.fmt(m.ciUpper)}`],
    ["I²", fmtPercent(m.I2)],
    ...(m.piLower !== null
      ? [[`${m.level}% prediction interval`, `${r.fmt(m.piLower)} to ${r.fmt(m.piUpper)}`]]
      : []),
  ]
    .map(([k, v]) => `<div>${escapeHtml(k!)}<b>${escapeHtml(v!)}</b></div>`)
    .join("");
}

function laySummaryHtml(lay: LaySummary): string[] {
  const out = [
    `<section class="lay" aria-labelledby="lay-summary"><h2 id="lay-summary">Plain-language summary</h2>`,
  ];
  for (const s of lay.sections) {
    out.push(
      `<h3>${escapeHtml(s.heading)}</h3>`,
      ...s.text.split("\n\n").map((p) => `<p>${escapeHtml(p)}</p>`),
    );
  }
  out.push("</section>");
  return out;
}

/** Each section with its plots, then the plots that belong to none ("More plots"). */
function sectionsHtml(a: Analysis, layout: PageLayout, plots: readonly RenderedPlot[]): string[] {
  const placed = new Set<string>();
  const plotsFor = (id: string) =>
    plots
      .filter((p) => PLOT_SECTION[p.file] === id)
      .map((p) => {
        placed.add(p.file);
        return figure(p);
      })
      .join("\n");
  const out: string[] = [];
  for (const id of layout.order) {
    out.push(`<section>`);
    const blocks = layout.sections.get(id);
    if (blocks) out.push(...blocks.map(blockHtml));
    else out.push(`<h2 id="${escapeHtml(id)}">${escapeHtml(layout.titles.get(id)!)}</h2>`);
    if (id === "risk-of-bias") out.push(riskOfBiasTable(a));
    if (id === "prisma") out.push(prismaTable(a));
    out.push(plotsFor(id));
    out.push(`</section>`);
  }
  const rest = plots.filter((p) => !placed.has(p.file));
  if (rest.length > 0) {
    out.push(`<section><h2 id="more-plots">More plots</h2>`, ...rest.map(figure), `</section>`);
  }
  return out;
}

/** Methods, references, the list of files and the footer. */
function closingSectionsHtml(parts: HtmlParts): string[] {
  return [
    `<section><h2 id="methods">Methods</h2>\n<p>${escapeHtml(parts.methods.text)}</p></section>`,
    `<section><h2 id="references">References</h2>\n<ol class="refs">\n${parts.methods.references.map((r) => `<li>${escapeHtml(r)}</li>`).join("\n")}\n</ol></section>`,
    `<section><h2 id="files">Files</h2>\n<p>This report's folder also holds: ${parts.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(", ")}. The R script <code>analysis.R</code> reproduces the main analysis with metafor.</p></section>`,
    `<footer>Generated by Pooled. Statistics tested against R's metafor. This page makes no network requests.</footer>`,
  ];
}
