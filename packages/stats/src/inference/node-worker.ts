/**
 * Entry of a Node worker thread running resampling blocks (a thin target: it only forwards to
 * runBlock, shared/STYLE.md §6). Receives { task, indices }, posts one message per block.
 */
import { parentPort } from "node:worker_threads";
import type { ResampleTask } from "./blocks.js";
import { runBlock } from "./blocks.js";

parentPort?.on("message", (message: { task: ResampleTask; indices: number[] }) => {
  try {
    for (const index of message.indices) {
      const { status, out } = runBlock(message.task, index);
      parentPort!.postMessage({ type: "block", index, status, out }, [out.buffer as ArrayBuffer]);
    }
    parentPort!.postMessage({ type: "done" });
  } catch (error) {
    parentPort!.postMessage({ type: "error", message: String((error as Error)?.message ?? error) });
  }
});
