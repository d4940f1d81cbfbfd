/**
 * The plots of the Results panel: a tab per figure of the report, fitted to the panel or at its
 * drawn size, opened full size in a tab of its own, and downloaded as SVG or PNG.
 */
import type { ReportFile } from "../api.js";
import { downloadBlob, downloadText, h, parseSvg, svgToPng } from "../dom.js";
import { baseName, type PlotTab, plotTabs } from "../view/results.js";
import { el } from "./elements.js";

/** The plot tab shown (kept across results while the new one has it). */
let activePlot = "forest";
/** The report's SVG file behind each plot tab. */
let plotFiles = new Map<string, ReportFile>();

/** The plot tabs and panels of a result's report files. */
export function renderPlots(files: ReportFile[]): void {
  const tabs = plotTabs(files);
  plotFiles = new Map(tabs.map((t) => [t.id, files.find((f) => f.name === t.file)!]));
  if (!tabs.some((t) => t.id === activePlot)) activePlot = tabs[0]?.id ?? "forest";
  el.plotTabs.replaceChildren(
    ...tabs.map((t) =>
      h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `tab-${t.id}`,
          "aria-controls": `panel-${t.id}`,
          "aria-selected": String(t.id === activePlot),
          tabindex: t.id === activePlot ? 0 : -1,
          "data-plot": t.id,
        },
        t.label,
      ),
    ),
  );
  el.plotPanels.replaceChildren(...tabs.map((t) => plotPanel(t)));
  const hasPlots = tabs.length > 0;
  el.exportSvg.disabled = !hasPlots;
  el.exportPng.disabled = !hasPlots;
  el.plotSize.disabled = !hasPlots;
  if (!hasPlots)
    el.plotPanels.replaceChildren(h("p", { class: "hint" }, "No plots in this build."));
  updatePlotLink();
}

/** The object URL behind "Open full size" (the active plot's SVG), revoked when replaced. */
let plotUrl: string | null = null;

/**
 * Points "Open full size" at the active plot's SVG as a blob: URL, which the browser shows in a
 * tab of its own at its drawn size (the page's CSP allows blob: images; the SVG has no scripts).
 */
function updatePlotLink(): void {
  if (plotUrl) URL.revokeObjectURL(plotUrl);
  plotUrl = null;
  const file = plotFiles.get(activePlot);
  if (!file) {
    el.plotOpen.removeAttribute("href");
    el.plotOpen.hidden = true;
    return;
  }
  plotUrl = URL.createObjectURL(new Blob([file.content], { type: "image/svg+xml" }));
  el.plotOpen.href = plotUrl;
  el.plotOpen.hidden = false;
  el.plotOpen.dataset["plot"] = activePlot;
}

/** Fit to the panel (default) or the drawn size, scrolling sideways: one toggle for all plots. */
function setPlotSize(actual: boolean): void {
  el.plotSize.setAttribute("aria-pressed", String(actual));
  el.plotPanels.classList.toggle("actual", actual);
  el.plotPanels.classList.toggle("fit", !actual);
}

function plotPanel(tab: PlotTab): HTMLElement {
  const file = plotFiles.get(tab.id);
  const panel = h("div", {
    role: "tabpanel",
    id: `panel-${tab.id}`,
    "aria-labelledby": `tab-${tab.id}`,
    class: "plot-panel",
    hidden: tab.id !== activePlot,
    tabindex: 0,
  });
  const svg = file ? parseSvg(file.content) : null;
  if (svg) {
    if (tab.id === "forest") svg.setAttribute("data-testid", "forest-plot");
    if (!svg.getAttribute("role")) svg.setAttribute("role", "img");
    if (!svg.getAttribute("aria-label") && !svg.querySelector("title"))
      svg.setAttribute("aria-label", `${tab.label} plot`);
    panel.append(svg);
  } else {
    panel.append(
      h("p", { class: "problems" }, `The ${tab.label.toLowerCase()} plot could not be shown.`),
    );
  }
  return panel;
}

function selectPlot(id: string, focus: boolean): void {
  activePlot = id;
  for (const tab of Array.from(el.plotTabs.querySelectorAll<HTMLButtonElement>("[role=tab]"))) {
    const selected = tab.dataset["plot"] === id;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    if (selected && focus) tab.focus();
  }
  for (const panel of Array.from(el.plotPanels.querySelectorAll<HTMLElement>("[role=tabpanel]"))) {
    panel.hidden = panel.id !== `panel-${id}`;
  }
  updatePlotLink();
}

async function exportPlot(kind: "svg" | "png"): Promise<void> {
  const file = plotFiles.get(activePlot);
  if (!file) return;
  const name = baseName(file.name).replace(/\.svg$/i, "");
  if (kind === "svg") {
    downloadText(file.content, `${name}.svg`, "image/svg+xml");
    return;
  }
  try {
    downloadBlob(await svgToPng(file.content), `${name}.png`);
  } catch (error) {
    el.status.textContent = `PNG export failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Tabs (click, arrow keys, Home, End), the size toggle, and the SVG and PNG downloads. */
export function wirePlots(): void {
  el.plotSize.after(el.plotOpen);
  el.plotTabs.addEventListener("click", (e) => {
    const tab = (e.target as HTMLElement).closest<HTMLElement>("[role=tab]");
    if (tab?.dataset["plot"]) selectPlot(tab.dataset["plot"], false);
  });
  el.plotTabs.addEventListener("keydown", (e) => {
    const tabs = Array.from(el.plotTabs.querySelectorAll<HTMLElement>("[role=tab]"));
    const i = tabs.findIndex((t) => t.dataset["plot"] === activePlot);
    let j = i;
    if (e.key === "ArrowRight") j = (i + 1) % tabs.length;
    else if (e.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = tabs.length - 1;
    else return;
    e.preventDefault();
    const id = tabs[j]?.dataset["plot"];
    if (id) selectPlot(id, true);
  });
  el.plotSize.addEventListener("click", () =>
    setPlotSize(el.plotSize.getAttribute("aria-pressed") !== "true"),
  );
  el.exportSvg.addEventListener("click", () => void exportPlot("svg"));
  el.exportPng.addEventListener("click", () => void exportPlot("png"));
}
