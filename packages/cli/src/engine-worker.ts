/**
 * The engine's worker thread (built as dist/engine-worker.js): receives one request, posts its
 * progress and its outcome, and only forwards (shared/STYLE.md §6). The main thread ends it when
 * the outcome has arrived, or at once on Ctrl-C.
 */
import { parentPort } from "node:worker_threads";
import { runEngine } from "./engine.js";
import type { EngineMessage, EngineRequest } from "./engine-protocol.js";

const port = parentPort;
if (port === null)
  throw new Error("engine-worker.js runs as a worker thread of the pooled command");
port.once("message", async (request: EngineRequest) => {
  const post = (message: EngineMessage) => port.postMessage(message);
  const outcome = await runEngine(request, (progress) => post({ type: "progress", progress }));
  post({ type: "outcome", outcome });
});
