/**
 * Ctrl-C for the whole process, one policy: while a command has something to clean up (a running
 * analysis, a half-written report) it owns SIGINT through {@link onInterrupt}; at any other time
 * (loading modules, reading and checking the input) Ctrl-C stops at once with the interrupted exit
 * code, as nothing has been written yet.
 */
let owner: (() => void) | null = null;

/** Installs the process's SIGINT handler (bin.ts, before anything else loads). */
export function installInterruptHandler(): void {
  process.on("SIGINT", () => {
    if (owner !== null) {
      owner();
      return;
    }
    process.stderr.write("\ninterrupted; no report was written.\n");
    process.exit(130);
  });
}

/** Makes `handler` receive Ctrl-C until the returned function is called. */
export function onInterrupt(handler: () => void): () => void {
  owner = handler;
  return () => {
    if (owner === handler) owner = null;
  };
}
