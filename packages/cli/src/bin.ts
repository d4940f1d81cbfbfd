#!/usr/bin/env node
// Ctrl-C outside the interruptible part of a command (loading modules, reading and checking the
// input): stop at once with the interrupted exit code, as nothing has been written yet. This
// handler stays installed for the whole run because Node does not restore the default SIGINT
// action when a listener is removed: a gap without a listener would swallow Ctrl-C. A command
// that installs its own handler (`pooled analyze` during the analysis) takes over while it runs.
process.on("SIGINT", () => {
  if (process.listenerCount("SIGINT") > 1) return;
  process.stderr.write("\ninterrupted; no report was written.\n");
  process.exit(130);
});
const { main } = await import("./program.js");

process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr });
