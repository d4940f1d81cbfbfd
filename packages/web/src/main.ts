/**
 * The page's composition root: starts the engine worker, opens the workspace, wires each panel's
 * controller (controllers/) and renders the page whenever the part of the state it shows changes
 * (store.ts). All decisions about what to show live in view/ (pure, unit-tested); the controllers
 * only read controls, call the worker and write the DOM.
 */
import { wireColumnsPanel } from "./controllers/columns.js";
import { renderProblems, wireDataPanel } from "./controllers/data.js";
import { el } from "./controllers/elements.js";
import { startEngine, warmUpEngine, watchEngine } from "./controllers/engines.js";
import { renderProgress, wireResamplingPanel } from "./controllers/resampling.js";
import { renderLatestResult, renderResultsPanel, wireResultsPanel } from "./controllers/results.js";
import { initSettingsControls, wireSettingsPanel } from "./controllers/settings.js";
import { markGridProblems, openWorkspace, workspace } from "./controllers/workspace.js";
import { store, VIEW_KEYS } from "./store.js";
import { pageView } from "./view/state.js";

/** The page as the state says: status line, problems, results, progress, marks on the grid. */
function render(): void {
  const state = store.get();
  const view = pageView(state);
  el.status.textContent = view.status;
  document.body.classList.toggle("busy", view.busy);
  renderProblems(state.phase, view);
  renderResultsPanel(view);
  renderProgress(view);
  renderLatestResult(state.result);
  markGridProblems(state.phase);
}

store.subscribe(VIEW_KEYS, render);
startEngine();
openWorkspace();
watchEngine();

initSettingsControls();
wireDataPanel();
wireSettingsPanel();
wireColumnsPanel();
wireResamplingPanel();
wireResultsPanel();
render();
void workspace.start();
// Compile the WASM core while the reader looks at the page.
void warmUpEngine().then((ms) => {
  document.body.dataset["warmUpMs"] = String(Math.round(ms));
});
document.body.dataset["ready"] = "true";
