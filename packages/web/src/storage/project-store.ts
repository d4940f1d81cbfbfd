/**
 * Projects kept in the browser's IndexedDB (plain API, no library): one record per project, and
 * which one was open last, so a reload, a crash or a closed tab finds the work where it was left.
 * Every failure is a {@link StoreError} saying what happened in words a reader can act on; the
 * page shows it, never swallows it.
 */

/** The database and its stores. A new store or index means a new version and an upgrade step. */
const DB_NAME = "pooled";
const DB_VERSION = 1;
const PROJECTS = "projects";
const META = "meta";
/** The `meta` key holding the id of the project open last. */
const CURRENT = "current";

export type StoreErrorKind = "unavailable" | "quota" | "failed";

/** Why the store could not do what was asked: no IndexedDB, the disk quota, anything else. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "StoreError";
  }
}

/** What the projects list shows of a project, without its data. */
export interface ProjectSummary {
  id: string;
  name: string;
  savedAt: string;
  /** Rows of data (blank rows at the end not counted). */
  rows: number;
}

/** The least a stored record has; the page's own record type extends it. */
export interface StoredRecord {
  id: string;
  name: string;
  savedAt: string;
  data: { headers: string[]; rows: unknown[][] };
}

export interface ProjectStore<T extends StoredRecord> {
  list(): Promise<ProjectSummary[]>;
  get(id: string): Promise<T | null>;
  put(record: T): Promise<void>;
  delete(id: string): Promise<void>;
  /** The project open last, or null. */
  currentId(): Promise<string | null>;
  setCurrentId(id: string | null): Promise<void>;
}

/** Turns what IndexedDB reports into a StoreError with a message for the page. */
export function storeError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const detail = error instanceof Error || error instanceof DOMException ? error.message : "";
  if (name === "QuotaExceededError")
    return new StoreError(
      "quota",
      "the browser's storage for this page is full: export the project to a file to keep it, and delete projects you no longer need",
    );
  if (name === "SecurityError" || name === "InvalidStateError")
    return new StoreError(
      "unavailable",
      `this browser does not let the page keep data (${detail || String(name)}; a private window or a setting may block it): export the project to a file to keep it`,
    );
  return new StoreError(
    "failed",
    `the browser could not store the project (${detail || String(name ?? error)}): export it to a file to keep it`,
  );
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storeError(req.error));
  });
}

/** Resolves when the transaction has committed (a write is on disk only then), with its error else. */
function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(storeError(tx.error ?? new DOMException("aborted", "AbortError")));
    tx.onerror = () => undefined; // the abort that follows reports it
  });
}

function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(DB_NAME, DB_VERSION);
    } catch (error) {
      reject(storeError(error));
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(PROJECTS))
        db.createObjectStore(PROJECTS, { keyPath: "id" });
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Another tab opening a newer version: let it, this tab's next write will say so.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(storeError(req.error));
    req.onblocked = () =>
      reject(
        new StoreError(
          "unavailable",
          "another tab of this page holds the project store open with an older version: close it and reload",
        ),
      );
  });
}

/**
 * Opens the store, or throws a StoreError of kind "unavailable" when the browser has no IndexedDB
 * (or refuses it to this page).
 */
export async function openProjectStore<T extends StoredRecord>(
  factory: IDBFactory | undefined = globalThis.indexedDB,
): Promise<ProjectStore<T>> {
  if (!factory)
    throw new StoreError(
      "unavailable",
      "this browser has no IndexedDB, so the page cannot keep projects: export the project to a file to keep it",
    );
  const db = await openDatabase(factory);
  const tx = (stores: string | string[], mode: IDBTransactionMode) => {
    try {
      return db.transaction(stores, mode);
    } catch (error) {
      throw storeError(error);
    }
  };
  return {
    async list() {
      const t = tx(PROJECTS, "readonly");
      const all = (await request(t.objectStore(PROJECTS).getAll())) as T[];
      return all
        .map((p) => ({ id: p.id, name: p.name, savedAt: p.savedAt, rows: dataRows(p) }))
        .sort((a, b) => (a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0));
    },
    async get(id) {
      const t = tx(PROJECTS, "readonly");
      return ((await request(t.objectStore(PROJECTS).get(id))) as T | undefined) ?? null;
    },
    async put(record) {
      const t = tx(PROJECTS, "readwrite");
      try {
        t.objectStore(PROJECTS).put(record);
      } catch (error) {
        throw storeError(error);
      }
      await done(t);
    },
    async delete(id) {
      const t = tx([PROJECTS, META], "readwrite");
      t.objectStore(PROJECTS).delete(id);
      const meta = t.objectStore(META);
      const current = await request(meta.get(CURRENT));
      if (current === id) meta.delete(CURRENT);
      await done(t);
    },
    async currentId() {
      const t = tx(META, "readonly");
      const id = await request(t.objectStore(META).get(CURRENT));
      return typeof id === "string" ? id : null;
    },
    async setCurrentId(id) {
      const t = tx(META, "readwrite");
      if (id === null) t.objectStore(META).delete(CURRENT);
      else t.objectStore(META).put(id, CURRENT);
      await done(t);
    },
  };
}

function dataRows(record: StoredRecord): number {
  const rows = record.data?.rows ?? [];
  let n = rows.length;
  const blank = (row: unknown[]) =>
    row.every((c) => c === null || c === undefined || (typeof c === "string" && c.trim() === ""));
  while (n > 0 && blank(rows[n - 1]!)) n--;
  return n;
}

/** A new project id: random, so two tabs never pick the same one. */
export function newProjectId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
  return `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
