/**
 * The page's state in one place: what is being read (the source, its table and headers), the
 * settings an opened project waits to apply, the PRISMA counts the reader gave, and what the page
 * shows (the phase, the analysis, a resampling job). The controls themselves hold the settings
 * the reader chose; the controllers (controllers/) read and change this state, and the page
 * renders when a part it shows changes.
 *
 * No framework: `update` merges a patch and calls, synchronously and in the order they
 * subscribed, the listeners of the keys the patch names (whether or not the values differ).
 */
import type { PrismaCounts, StudyTable } from "@pooled/pipeline";
import type { Settings } from "./api.js";
import { type AppState, INITIAL_STATE } from "./view/state.js";

/** Where the table comes from. */
export type Source =
  | { kind: "example" }
  /** The table in the grid (typed, corrected, or a project opened). */
  | { kind: "grid" }
  | {
      kind: "bytes";
      bytes: Uint8Array;
      name: string;
      /** The workbook's sheet names for an XLSX file (empty otherwise). */
      sheets: string[];
    };

export interface PageState extends AppState {
  /** The source read last (null: nothing, or a file refused before reading). */
  source: Source | null;
  /** The table the source read to; null while it has problems. */
  table: StudyTable | null;
  /** The source's headers as written, which the Columns panel offers. */
  headers: string[];
  /** PRISMA counts from the reader's own file (undefined: none given). */
  userPrisma: PrismaCounts | undefined;
  /** An opened project's settings, waiting for its table (by, mods, publication need its columns). */
  pendingSettings: Settings | null;
  /** The file whose cells the grid shows: a re-read of it (sheet, decimal comma) replaces them. */
  shownSource: Source | null;
}

/** The parts of the state the page shows (view/state.ts's AppState): a change renders the page. */
export const VIEW_KEYS: readonly (keyof AppState)[] = ["phase", "result", "job", "jobMessage"];

export interface Store<T extends object> {
  get(): T;
  /** Merges the patch, then calls the listeners of the keys it names. */
  update(patch: Partial<T>): void;
  /** Calls the listener after every update naming one of the keys; returns the unsubscribe. */
  subscribe(keys: readonly (keyof T)[], listener: (state: T) => void): () => void;
}

export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  let listeners: { keys: readonly (keyof T)[]; listener: (state: T) => void }[] = [];
  return {
    get: () => state,
    update(patch) {
      state = { ...state, ...patch };
      const named = Object.keys(patch) as (keyof T)[];
      for (const entry of listeners) {
        if (entry.keys.some((k) => named.includes(k))) entry.listener(state);
      }
    },
    subscribe(keys, listener) {
      const entry = { keys, listener };
      listeners = [...listeners, entry];
      return () => {
        listeners = listeners.filter((e) => e !== entry);
      };
    },
  };
}

export const INITIAL_PAGE_STATE: PageState = {
  ...INITIAL_STATE,
  source: null,
  table: null,
  headers: [],
  userPrisma: undefined,
  pendingSettings: null,
  shownSource: null,
};

/** The page's one store. */
export const store = createStore<PageState>(INITIAL_PAGE_STATE);
