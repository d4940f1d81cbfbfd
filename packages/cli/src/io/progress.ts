/** A one-line progress bar on stderr, shown only on a terminal and never with --quiet. */
import type { Progress } from "../engine-protocol.js";

export interface ProgressBar {
  update(progress: Progress): void;
  done(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream, enabled: boolean): ProgressBar {
  if (!enabled || !stream.isTTY) return { update() {}, done() {} };
  let lastDraw = 0;
  let drawn = false;
  const width = 30;
  return {
    update({ stage, done, total }) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const share = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(share * width);
      const bar = "#".repeat(filled) + "-".repeat(width - filled);
      stream.write(
        `\r${stage.padEnd(12)} [${bar}] ${String(Math.round(share * 100)).padStart(3)}% ${done}/${total}`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}
