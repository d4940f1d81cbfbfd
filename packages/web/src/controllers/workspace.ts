/**
 * The glue between the page and the workspace (the grid and the project kept in the browser,
 * workspace/workspace.ts): what the workspace asks of the page, the page's changes it saves, and
 * the problems it marks on the grid's cells.
 */
import type { ProjectExport, ProjectImport } from "../api.js";
import { store } from "../store.js";
import type { Phase } from "../view/state.js";
import { Workspace } from "../workspace/workspace.js";
import { readTable, readTableSoon, supersedeLoads } from "./data.js";
import { el } from "./elements.js";
import { interactive } from "./engines.js";
import { quietSettings, showProjectSettings } from "./settings.js";

/** The open project; made by {@link openWorkspace} as the page starts. */
export let workspace: Workspace;

/** No problems to mark (one array, so that unchanged marks are recognised). */
const NO_PROBLEMS: never[] = [];

/** Makes the workspace (its grid, its buttons) and saves the page's changes into its project. */
export function openWorkspace(): void {
  workspace = new Workspace({
    readSettings: quietSettings,
    showSettings: showProjectSettings,
    tableChanged: readTableSoon,
    projectOpened: readTable,
    untouchedPage: () => store.get().source === null,
    showProblems(fileName, problems) {
      supersedeLoads();
      store.update({ phase: { kind: "problems", fileName, problems }, result: null });
      el.problems.focus();
    },
    exportProject: (draft) => interactive<ProjectExport>((api) => api.exportProject(draft)),
    importProject: (text, fileName) =>
      interactive<ProjectImport>((api) => api.importProject(text, fileName)),
  });
  wireWorkspaceGlue();
}

function wireWorkspaceGlue(): void {
  // The reader's own choices are the project's: captured before the re-read they start.
  el.columnsGrid.addEventListener(
    "change",
    (e) => {
      const select = e.target as HTMLSelectElement;
      const field = select.dataset["field"];
      if (field) workspace.setColumn(field, select.value === "" ? null : select.value);
    },
    { capture: true },
  );
  el.decimalComma.addEventListener("change", () =>
    workspace.setDecimalComma(el.decimalComma.checked),
  );
  // Every settings control saves the project (a count typed for a later run included).
  el.form.addEventListener("input", () => workspace.scheduleSave());
  el.form.addEventListener("change", () => workspace.scheduleSave());
  // A problem in the list takes the reader to its cell.
  el.problemsList.addEventListener("click", (e) => {
    const item = (e.target as HTMLElement).closest<HTMLElement>("li[data-row]");
    if (!item) return;
    const row = item.dataset["row"] === "" ? null : Number(item.dataset["row"]);
    workspace.goToProblem(row, item.dataset["column"] || null);
  });
}

/** The grid marks the cells of the last read's problems; a read under way leaves them. */
export function markGridProblems(p: Phase): void {
  if (p.kind === "problems" || p.kind === "failed") workspace.markProblems(p.problems);
  else if (p.kind === "ready" || p.kind === "empty") workspace.markProblems(NO_PROBLEMS);
}
