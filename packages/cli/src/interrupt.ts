/**
 * Ctrl-C (SIGINT) and SIGTERM for the whole process, one policy: while a command has something to
 * clean up (a running analysis, a half-written report) it owns both signals through
 * {@link onInterrupt}; at any other time (loading modules, reading and checking the input) the
 * command stops at once, as nothing has been written yet. Either way the exit code is 128 plus the
 * signal's number, as a shell reports a process the signal ended, and stderr gets one line.
 */
import { EXIT } from "./exit-codes.js";

/** The signals that stop a run. */
export type StopSignal = "SIGINT" | "SIGTERM";

let owner: ((signal: StopSignal) => void) | null = null;

/** The exit code of a run stopped by `signal`. */
export function stopExitCode(signal: StopSignal): number {
  return signal === "SIGINT" ? EXIT.INTERRUPTED : EXIT.TERMINATED;
}

/**
 * The one line saying a run was stopped. On a terminal it starts on a fresh line: the terminal has
 * echoed "^C" (or a progress bar is drawn) where the cursor was.
 */
export function stopMessage(signal: StopSignal, stream: { isTTY?: boolean }): string {
  const what = signal === "SIGINT" ? "interrupted" : "terminated";
  return `${stream.isTTY === true ? "\n" : ""}${what}; no report was written.\n`;
}

/** Installs the process's SIGINT and SIGTERM handlers (bin.ts, before anything else loads). */
export function installInterruptHandler(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (owner !== null) {
        owner(signal);
        return;
      }
      process.stderr.write(stopMessage(signal, process.stderr));
      process.exit(stopExitCode(signal));
    });
  }
}

/** Makes `handler` receive SIGINT and SIGTERM until the returned function is called. */
export function onInterrupt(handler: (signal: StopSignal) => void): () => void {
  owner = handler;
  return () => {
    if (owner === handler) owner = null;
  };
}
