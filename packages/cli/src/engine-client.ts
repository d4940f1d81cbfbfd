/**
 * The command's side of the engine: parsing, the analysis and the report's rendering run in a
 * worker thread (engine-worker.ts) that also reads the input files; the command's main thread
 * parses the flags, prints and writes the report folder.
 *
 * Why a thread: Node runs a SIGINT or SIGTERM handler on the main thread's event loop, so while
 * the main thread is inside one long synchronous computation (a fit, leave-one-out over 10,000
 * studies, parsing a 500 MB file, drawing a report) Ctrl-C cannot be heard until it returns. With
 * the computation on another thread the main thread stays free, and stopping is
 * `worker.terminate()`, which ends even a computation that never yields.
 *
 * The thread is started as soon as a command is known ({@link startEngine} from program.ts), so it
 * loads the engine while the main thread loads the command.
 */
import { Worker } from "node:worker_threads";
import type { EngineMessage, EngineOutcome, EngineRequest, Progress } from "./engine-protocol.js";

export interface EngineThread {
  /**
   * Runs one request. When `signal` aborts, the thread is ended at once and the promise rejects
   * with the signal's reason.
   */
  run(
    request: EngineRequest,
    control: { signal: AbortSignal; onProgress: (p: Progress) => void },
  ): Promise<EngineOutcome>;
  /** Ends the thread (idempotent). */
  terminate(): void;
}

/** The worker script, beside this module's chunk in dist/ (see build.mjs). */
const WORKER_URL = new URL("./engine-worker.js", import.meta.url);

let started: EngineThread | null = null;

/** Starts the engine thread now, or returns the one already started and not yet used. */
export function startEngine(): EngineThread {
  started ??= engineThread(new Worker(WORKER_URL));
  return started;
}

/** The started engine thread for one run (a later run starts a fresh one). */
export function takeEngine(): EngineThread {
  const thread = startEngine();
  started = null;
  return thread;
}

function engineThread(worker: Worker): EngineThread {
  let ended = false;
  /** Why the thread stopped before its run ended (an error in it, running out of memory, exit). */
  let failure: Error | null = null;
  /** The run waiting for the thread's messages. */
  let current: {
    onMessage: (message: EngineMessage) => void;
    onFailure: (error: Error) => void;
  } | null = null;
  // Listeners from the start: the thread may fail while loading, before any run (an 'error' event
  // without a listener would end the command with a stack trace).
  const fail = (error: Error) => {
    failure ??= error;
    current?.onFailure(failure);
  };
  worker.on("message", (message: EngineMessage) => current?.onMessage(message));
  // An uncaught error in the thread, including running out of memory (ERR_WORKER_OUT_OF_MEMORY):
  // the run failed, the command still answers.
  worker.on("error", fail);
  worker.on("exit", (code) => {
    if (!ended) fail(new Error(`the analysis thread ended unexpectedly (exit code ${code})`));
  });
  // An idle thread must not keep the process alive (e.g. the command stops on bad flags).
  worker.unref();
  const terminate = () => {
    if (ended) return;
    ended = true;
    void worker.terminate();
  };
  return {
    terminate,
    run(request, { signal, onProgress }) {
      return new Promise<EngineOutcome>((resolve, reject) => {
        const finish = (result: { outcome: EngineOutcome } | { error: unknown }) => {
          signal.removeEventListener("abort", onAbort);
          current = null;
          terminate();
          if ("outcome" in result) resolve(result.outcome);
          else reject(result.error);
        };
        const onAbort = () => finish({ error: signal.reason });
        if (signal.aborted) return onAbort();
        if (failure !== null) return finish({ error: failure });
        signal.addEventListener("abort", onAbort, { once: true });
        current = {
          onMessage: (message) => {
            if (message.type === "progress") onProgress(message.progress);
            else finish({ outcome: message.outcome });
          },
          onFailure: (error) => finish({ error }),
        };
        worker.ref();
        worker.postMessage(request);
      });
    },
  };
}
