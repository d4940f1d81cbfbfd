/**
 * The engine workers as the page sees them: starting one, and the interactive engine (parsing and
 * the fast analysis) that Cancel, or a call while it is stuck, ends and starts afresh. Resampling
 * jobs run on a worker of their own (controllers/resampling.ts).
 */
import * as Comlink from "comlink";
import type { EngineApi } from "../api.js";
// The engine worker starts from a blob: URL of code the page carries, so the same build works from
// disk (file://) and served (offline/engine-worker.ts).
import { engineWorkerUrl } from "../offline/engine-worker.js";
import { store } from "../store.js";

export interface EngineWorker {
  worker: Worker;
  api: Comlink.Remote<EngineApi>;
}

export function startWorker(): EngineWorker {
  // ?workers=N sets the number of resampling shard workers (tests check N does not change results);
  // it travels in the worker's name, since a blob: URL carries no query.
  const workers = new URLSearchParams(location.search).get("workers");
  const worker = new Worker(engineWorkerUrl(), {
    name:
      workers !== null && /^[1-8]$/.test(workers)
        ? `pooled-engine workers=${workers}`
        : "pooled-engine",
  });
  return { worker, api: Comlink.wrap<EngineApi>(worker) };
}

/**
 * The interactive engine: parsing and the fast analysis on every settings change. A worker stuck
 * in a long synchronous computation (a huge file, an analysis that does not end) answers nothing
 * else, and Comlink has no way to interrupt it: Cancel, or a new file or setting while it has been
 * busy for {@link STUCK_MS}, ends it and starts a fresh one (see {@link interactive}). Started by
 * {@link startEngine}.
 */
let engine: EngineWorker;
/** Calls to the interactive engine not answered yet, each with when it was made. */
const pending = new Set<{ since: number }>();
/** Rejects every pending call when its worker is ended (a terminated worker never answers). */
let abandon: (reason: Error) => void = () => undefined;
let abandoned = new Promise<never>((_, reject) => {
  abandon = reject;
});
// A pending call's rejection is handled where the call is awaited.
abandoned.catch(() => undefined);
/** A call pending this long means the worker is busy with something that is no longer wanted. */
const STUCK_MS = 1000;

/** Thrown into the calls pending when the interactive engine is ended. */
class EngineRestarted extends Error {}

/** Starts the interactive engine (once, as the page starts). */
export function startEngine(): void {
  engine = startWorker();
}

/** Ends the interactive engine, whatever it is doing, and starts a fresh one. */
export function restartEngine(): void {
  engine.worker.terminate();
  abandon(new EngineRestarted("the engine was restarted"));
  abandoned = new Promise<never>((_, reject) => {
    abandon = reject;
  });
  abandoned.catch(() => undefined);
  pending.clear();
  engine = startWorker();
  watchEngine();
}

/**
 * A call to the interactive engine. A new call while an earlier one has been pending for
 * {@link STUCK_MS} restarts the engine first: every call here replaces the earlier ones (a newer
 * read or analysis), so the busy worker computes what nobody waits for.
 */
export async function interactive<T>(
  call: (api: Comlink.Remote<EngineApi>) => Promise<T>,
): Promise<T> {
  const now = performance.now();
  for (const p of pending) {
    if (now - p.since >= STUCK_MS) {
      restartEngine();
      break;
    }
  }
  const entry = { since: now };
  pending.add(entry);
  try {
    return await Promise.race([call(engine.api), abandoned]);
  } finally {
    pending.delete(entry);
  }
}

/**
 * A worker that fails to start (e.g. a broken build) must show on the page, not only in the
 * console: watches the interactive engine's worker.
 */
export function watchEngine(): void {
  engine.worker.addEventListener("error", (e) => {
    store.update({
      phase: {
        kind: "failed",
        fileName: "the page",
        problems: [
          {
            file: "the page",
            row: null,
            column: null,
            expected: `the statistics engine to start, but it failed: ${e.message || "unknown error"}`,
          },
        ],
      },
    });
  });
}

/** Compiles the WASM core and warms the engine up; resolves to the milliseconds it took. */
export function warmUpEngine(): Promise<number> {
  return engine.api.warmUp();
}
