/**
 * The page as a workspace: the open project (its table in the grid, its reading options and
 * settings), saved to IndexedDB as it changes and restored on the next visit; the projects list;
 * a project file exported and imported. The page (main.ts) reads and analyses; this module keeps
 * the work and tells the page when the table changed.
 */
import { SYRCLE_ITEMS } from "@pooled/contract";
import type { DataProblem, PrismaCounts } from "@pooled/pipeline";
import type {
  ColumnOverrides,
  GridSource,
  ProjectData,
  ProjectExport,
  ProjectImport,
  Settings,
} from "../api.js";
import { byId, downloadText, h } from "../dom.js";
import {
  newProjectId,
  openProjectStore,
  type ProjectStore,
  StoreError,
  storeError,
} from "../storage/project-store.js";
import { MAPPABLE_FIELDS } from "../view/columns.js";
import { hasData, normaliseGrid, withoutTrailingBlankRows } from "../view/grid/model.js";
import { columnIndex, placeProblems } from "../view/grid/problems.js";
import {
  copyName,
  dataName,
  nameFromFile,
  newProject,
  type ProjectDraft,
  projectDraft,
  savedWhen,
  type WorkspaceProject,
} from "../view/project.js";
import { ask } from "./dialog.js";
import { GridView } from "./grid-view.js";

/** What the workspace asks of the page. */
export interface WorkspaceHost {
  /** The settings as the controls read now, without showing errors; null when one does not read. */
  readSettings(): Settings | null;
  /** Puts a project's settings and reading options into the controls. */
  showSettings(project: WorkspaceProject, measureGiven: boolean): void;
  /** The reader edited the table: read and analyse it again (once typing pauses). */
  tableChanged(hasData: boolean): void;
  /** Another project was opened (or a typed table renamed): read and analyse it now. */
  projectOpened(hasData: boolean): void;
  /** Whether the reader has read nothing yet (a file load started meanwhile wins over a restore). */
  untouchedPage(): boolean;
  /** A project file could not be read: its problems, shown like a data file's. */
  showProblems(fileName: string, problems: DataProblem[]): void;
  exportProject(draft: ProjectDraft): Promise<ProjectExport>;
  importProject(text: string, fileName: string): Promise<ProjectImport>;
}

/** Names offered while a column's name is typed: the fields a column can feed, SYRCLE's items. */
export const COLUMN_SUGGESTIONS: readonly string[] = [
  ...MAPPABLE_FIELDS.map((f) => f.field),
  "dose",
  "species",
  "sex",
  "route",
  ...SYRCLE_ITEMS,
];

/** Saving waits for this pause in the changes (ms); leaving the page saves at once. */
const SAVE_DELAY_MS = 400;

export class Workspace {
  private store: ProjectStore<WorkspaceProject> | null = null;
  private project: WorkspaceProject;
  readonly grid: GridView;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** Opening the store and restoring, while under way. */
  private starting: Promise<void> | null = null;
  /**
   * The open project's table is as a file gave it or empty (never edited): a new file replaces it
   * rather than opening a project of its own.
   */
  private untouched = true;
  /**
   * A file was read or a project opened since the page started: the project open last is then
   * not restored over it (a reader may load the example before the store has answered).
   */
  private filled = false;
  /** The project as last written (without its time), so an unchanged one is not written again. */
  private savedKey: string | null = null;
  /** The problems last marked on the grid (marks change only when they do). */
  private markedProblems: readonly DataProblem[] | null = null;

  private readonly el = {
    name: byId<HTMLInputElement>("project-name"),
    saveStatus: byId("save-status"),
    storageMessage: byId("storage-message"),
    projectsPanel: byId<HTMLDetailsElement>("projects-panel"),
    projectsList: byId("projects-list"),
    importInput: byId<HTMLInputElement>("project-import"),
    undo: byId<HTMLButtonElement>("grid-undo"),
    redo: byId<HTMLButtonElement>("grid-redo"),
    keptOptions: byId("project-kept"),
  };

  constructor(private readonly host: WorkspaceHost) {
    this.project = newProject(newProjectId(), new Date());
    this.grid = new GridView({
      container: byId("grid-container"),
      labelledBy: "table-heading",
      message: byId("grid-message"),
      suggestions: COLUMN_SUGGESTIONS,
      onChange: (data) => {
        this.untouched = false;
        this.project = { ...this.project, data };
        this.scheduleSave();
        this.host.tableChanged(hasData(data));
      },
      onHistory: (canUndo, canRedo) => {
        this.el.undo.disabled = !canUndo;
        this.el.redo.disabled = !canRedo;
      },
    });
    this.wire();
  }

  // ---- the open project ---------------------------------------------------------------------

  get current(): WorkspaceProject {
    return this.project;
  }

  /** The typed table to read: its rows (blank rows at the end left out) under the data's name. */
  gridSource(settings: Settings | null): GridSource {
    const data = withoutTrailingBlankRows(this.grid.value);
    return {
      data: { source: this.project.source, headers: data.headers, rows: data.rows },
      fileName: dataName(this.project),
      settings,
    };
  }

  hasData(): boolean {
    return hasData(this.grid.value);
  }

  /** Column choices the reader made in the Columns panel (the CLI's --map); the rest detected. */
  get columns(): ColumnOverrides {
    return this.project.columns;
  }

  get prisma(): PrismaCounts | null {
    return this.project.prisma;
  }

  setColumn(field: string, header: string | null): void {
    this.project = { ...this.project, columns: { ...this.project.columns, [field]: header } };
    this.scheduleSave();
  }

  setDecimalComma(on: boolean): void {
    this.project = { ...this.project, decimalComma: on };
    this.scheduleSave();
  }

  setPrisma(counts: PrismaCounts | null): void {
    this.project = { ...this.project, prisma: counts };
    this.scheduleSave();
  }

  /**
   * A file (or the example) read into the grid. A re-read of the same file (another sheet, the
   * decimal comma) replaces the open project's table; a new file opens a project of its own,
   * unless the open one holds nothing typed (empty, or a file's table never edited), so no typed
   * work is ever replaced.
   */
  showFile(
    data: ProjectData,
    options: { reread: boolean; prisma: PrismaCounts | null; decimalComma: boolean },
  ): void {
    const grid = normaliseGrid(data.headers, data.rows);
    const fields = {
      data: grid,
      source: data.source,
      prisma: options.prisma,
      decimalComma: options.decimalComma,
    };
    if (options.reread || this.untouched) {
      this.project = {
        ...this.project,
        ...fields,
        ...(options.reread ? {} : { name: nameFromFile(data.source ?? ""), columns: {} }),
      };
    } else {
      this.project = newProject(newProjectId(), new Date(), {
        ...fields,
        name: nameFromFile(data.source ?? ""),
      });
    }
    this.untouched = true;
    this.filled = true;
    this.grid.setData(grid);
    this.showProject();
    this.scheduleSave();
  }

  /** Marks the problems of the last read on the grid's cells (unchanged problems: nothing to do). */
  markProblems(problems: readonly DataProblem[]): void {
    if (problems === this.markedProblems) return;
    this.markedProblems = problems;
    const data = this.grid.value;
    this.grid.setProblems(placeProblems(problems, data.headers, data.rows.length));
  }

  /** Takes the reader to the cell (or row, or column name) a problem names. */
  goToProblem(row: number | null, column: string | null): void {
    const data = this.grid.value;
    const col = column === null ? -1 : columnIndex(data.headers, column);
    if (row === null && col < 0) return;
    // Sheet row r is grid row r - 1; a problem about a column goes to its name (row 1).
    this.grid.goTo({ row: row === null ? 0 : row - 1, col: Math.max(col, 0) });
  }

  /** Restores the project open last, or starts one from the template. */
  start(): Promise<void> {
    this.starting ??= this.restore().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async restore(): Promise<void> {
    try {
      this.store = await openProjectStore<WorkspaceProject>();
      const id = await this.store.currentId();
      const last = id === null ? null : await this.store.get(id);
      if (last && !this.filled && this.host.untouchedPage()) {
        this.open(last, true);
        this.savedKey = JSON.stringify({ ...last, savedAt: "" });
        this.setSaveStatus("saved", `Restored, saved ${savedWhen(last.savedAt, new Date())}`);
        return;
      }
    } catch (error) {
      this.storageFailed(error);
    }
    if (!this.filled && this.host.untouchedPage()) this.open(this.project, true);
    // Kept from the start, so the projects list shows it and a first edit is an update.
    if (this.store) await this.saveNow();
  }

  /** Opens a project: its table, name and settings; the page then reads and analyses it. */
  private open(project: WorkspaceProject, measureGiven: boolean): void {
    this.importNotes = [];
    this.project = project;
    this.untouched = !hasData(project.data);
    this.filled = true;
    this.markedProblems = null;
    this.grid.setData(project.data);
    this.showProject();
    this.host.showSettings(project, measureGiven);
    this.host.projectOpened(hasData(project.data));
    void this.store?.setCurrentId(project.id).catch((e) => this.storageFailed(e));
  }

  /** Notes about the project file just imported (PRISMA counts that do not add up). */
  private importNotes: string[] = [];

  private showProject(): void {
    this.el.name.value = this.project.name;
    document.title = `${this.project.name} – Pooled`;
    const kept = Object.entries(this.project.kept.analysis);
    const notes = [
      ...(kept.length === 0
        ? []
        : [
            `Also from the project file, without a control on this page (applied as written): ${kept
              .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
              .join(", ")}.`,
          ]),
      ...this.importNotes,
    ];
    this.el.keptOptions.hidden = notes.length === 0;
    this.el.keptOptions.textContent = notes.join(" ");
  }

  // ---- saving -------------------------------------------------------------------------------

  /** Something changed (the table, a setting, a reading option): save once the changes pause. */
  scheduleSave(): void {
    clearTimeout(this.saveTimer);
    // Pending until written (the words stay: a re-analysis that changes nothing writes nothing).
    this.el.saveStatus.dataset["state"] = "pending";
    this.saveTimer = setTimeout(() => void this.saveNow(), SAVE_DELAY_MS);
  }

  /** Saves now (leaving the page, before listing or exporting projects). */
  saveNow(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const record: WorkspaceProject = {
      ...this.project,
      data: this.grid.value,
      settings: this.host.readSettings() ?? this.project.settings,
      savedAt: new Date().toISOString(),
    };
    this.project = record;
    const store = this.store;
    // The store is still opening: save once it has (or has said why it cannot).
    if (!store && this.starting) return this.starting.then(() => this.saveNow());
    if (!store) {
      this.setSaveStatus("error", "Not saved");
      return Promise.resolve();
    }
    // An unchanged project is not written again (an analysis re-run after a restore changes nothing).
    const key = JSON.stringify({ ...record, savedAt: "" });
    if (key === this.savedKey) {
      if (this.el.saveStatus.dataset["state"] === "pending")
        this.el.saveStatus.dataset["state"] = "saved";
      return this.saving;
    }
    this.savedKey = key;
    this.setSaveStatus("pending", "Saving…");
    // Writes go one after another, so an older state never lands after a newer one.
    this.saving = this.saving.then(async () => {
      try {
        await store.put(record);
        await store.setCurrentId(record.id);
        if (this.saveTimer === undefined && this.savedKey === key)
          this.setSaveStatus("saved", "Saved");
        this.el.storageMessage.hidden = true;
        if (this.el.projectsPanel.open) await this.renderList();
      } catch (error) {
        // Not on disk: the next change tries again.
        if (this.savedKey === key) this.savedKey = null;
        this.storageFailed(error);
      }
    });
    return this.saving;
  }

  private setSaveStatus(state: "pending" | "saved" | "error", text: string): void {
    this.el.saveStatus.dataset["state"] = state;
    this.el.saveStatus.textContent = text;
  }

  /** A storage failure, said on the page: what happened and what to do (export the project). */
  private storageFailed(error: unknown): void {
    const e = error instanceof StoreError ? error : storeError(error);
    if (e.kind === "unavailable") this.store = null;
    this.setSaveStatus("error", e.kind === "quota" ? "Not saved: storage full" : "Not saved");
    const message = this.el.storageMessage;
    message.textContent = `Your work is not being kept in this browser: ${e.message}.`;
    message.hidden = false;
    message.dataset["kind"] = e.kind;
  }

  // ---- projects -----------------------------------------------------------------------------

  /** A new project from the template, the open one saved first. */
  async newProject(): Promise<void> {
    await this.saveNow();
    this.open(newProject(newProjectId(), new Date()), true);
    await this.saveNow();
    this.grid.focusActive();
  }

  async rename(name: string): Promise<void> {
    const trimmed = name.trim();
    if (trimmed === "" || trimmed === this.project.name) {
      this.el.name.value = this.project.name;
      return;
    }
    this.project = { ...this.project, name: trimmed };
    this.showProject();
    // The typed table's name is the project file's: messages and analysis.json follow it.
    if (this.project.source === null) this.host.projectOpened(this.hasData());
    await this.saveNow();
  }

  private async renderList(): Promise<void> {
    const list = this.el.projectsList;
    if (!this.store) {
      list.replaceChildren(h("li", { class: "hint" }, "Projects cannot be kept in this browser."));
      return;
    }
    let projects: Awaited<ReturnType<ProjectStore<WorkspaceProject>["list"]>>;
    try {
      projects = await this.store.list();
    } catch (error) {
      this.storageFailed(error);
      return;
    }
    const now = new Date();
    list.replaceChildren(
      ...projects.map((p) => {
        const current = p.id === this.project.id;
        const rows = `${p.rows} ${p.rows === 1 ? "row" : "rows"}`;
        return h(
          "li",
          { "data-id": p.id, class: current ? "current" : null },
          h(
            "button",
            {
              type: "button",
              class: "project-open",
              "data-action": "open",
              "aria-current": current ? "true" : null,
            },
            p.name,
          ),
          h(
            "span",
            { class: "project-meta" },
            `${rows}, saved ${savedWhen(p.savedAt, now)}${current ? " (open)" : ""}`,
          ),
          h(
            "span",
            { class: "project-actions" },
            h(
              "button",
              {
                type: "button",
                class: "button small",
                "data-action": "rename",
                "aria-label": `Rename ${p.name}`,
              },
              "Rename",
            ),
            h(
              "button",
              {
                type: "button",
                class: "button small",
                "data-action": "duplicate",
                "aria-label": `Duplicate ${p.name}`,
              },
              "Duplicate",
            ),
            h(
              "button",
              {
                type: "button",
                class: "button small danger",
                "data-action": "delete",
                "aria-label": `Delete ${p.name}`,
              },
              "Delete",
            ),
          ),
        );
      }),
    );
  }

  private async onListAction(id: string, action: string): Promise<void> {
    const store = this.store;
    if (!store) return;
    await this.saveNow();
    try {
      const record = await store.get(id);
      if (!record) return;
      if (action === "open") {
        if (id !== this.project.id) this.open(record, true);
      } else if (action === "rename") {
        const name = await ask({
          title: "Rename project",
          text: "",
          value: record.name,
          ok: "Rename",
        });
        if (typeof name !== "string") return;
        if (id === this.project.id) await this.rename(name);
        else await store.put({ ...record, name, savedAt: new Date().toISOString() });
      } else if (action === "duplicate") {
        const names = (await store.list()).map((p) => p.name);
        const now = new Date().toISOString();
        await store.put({
          ...record,
          id: newProjectId(),
          name: copyName(record.name, names),
          createdAt: now,
          savedAt: now,
        });
      } else if (action === "delete") {
        const sure = await ask({
          title: `Delete “${record.name}”?`,
          text: "The project is removed from this browser; this cannot be undone. Export it first to keep a copy.",
          ok: "Delete",
          danger: true,
        });
        if (sure !== true) return;
        await store.delete(id);
        if (id === this.project.id) {
          const rest = await store.list();
          const next = rest[0] ? await store.get(rest[0].id) : null;
          this.open(next ?? newProject(newProjectId(), new Date()), true);
          if (!next) await this.saveNow();
        }
      }
    } catch (error) {
      this.storageFailed(error);
    }
    await this.renderList();
  }

  // ---- project files ------------------------------------------------------------------------

  async exportFile(): Promise<void> {
    await this.saveNow();
    const out = await this.host.exportProject(projectDraft(this.project));
    if (!out.ok) {
      this.host.showProblems(dataName(this.project), out.problems);
      return;
    }
    downloadText(out.text, out.fileName, "application/json");
  }

  async importFile(file: File): Promise<void> {
    const text = await file.text();
    const read = await this.host.importProject(text, file.name);
    if (!read.ok) {
      this.host.showProblems(file.name, read.problems);
      return;
    }
    await this.saveNow();
    const now = new Date();
    const project: WorkspaceProject = {
      ...newProject(newProjectId(), now, read.project),
      savedAt: read.project.savedAt,
    };
    this.open(project, read.measureGiven);
    this.importNotes = read.warnings;
    this.showProject();
    await this.saveNow();
  }

  // ---- events -------------------------------------------------------------------------------

  private wire(): void {
    const click = (id: string, run: () => void) => byId(id).addEventListener("click", run);
    click("grid-undo", () => this.grid.undo());
    click("grid-redo", () => this.grid.redo());
    click("grid-insert-row", () => {
      this.grid.insertRow(true);
      this.grid.focusActive();
    });
    click("grid-delete-rows", () => {
      this.grid.deleteSelectedRows();
      this.grid.focusActive();
    });
    click("grid-move-up", () => {
      this.grid.moveSelectedRows(-1);
      this.grid.focusActive();
    });
    click("grid-move-down", () => {
      this.grid.moveSelectedRows(1);
      this.grid.focusActive();
    });
    click("grid-add-column", () => this.grid.addColumn());
    click("grid-rename-column", () => this.grid.renameFocusedColumn());
    click("grid-delete-column", () => {
      this.grid.deleteFocusedColumn();
      this.grid.focusActive();
    });
    click("project-new", () => void this.newProject());
    click("project-export", () => void this.exportFile());
    this.el.importInput.addEventListener("change", () => {
      const file = this.el.importInput.files?.[0];
      this.el.importInput.value = "";
      if (file) void this.importFile(file);
    });
    this.el.name.addEventListener("change", () => void this.rename(this.el.name.value));
    this.el.name.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.el.name.blur();
    });
    this.el.projectsPanel.addEventListener("toggle", () => {
      if (this.el.projectsPanel.open) void this.saveNow().then(() => this.renderList());
    });
    this.el.projectsList.addEventListener("click", (e) => {
      const button = (e.target as HTMLElement).closest<HTMLElement>("[data-action]");
      const id = button?.closest<HTMLElement>("li[data-id]")?.dataset["id"];
      if (button && id) void this.onListAction(id, button.dataset["action"] ?? "");
    });
    // Leaving, hiding or closing the page saves at once: the write starts before the page goes.
    const flush = () => {
      if (this.saveTimer !== undefined) void this.saveNow();
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") flush();
    });
  }
}
