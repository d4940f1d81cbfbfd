#!/usr/bin/env node
// Ctrl-C while the modules load: stop at once with the interrupted exit code (nothing written yet).
const early = () => {
  process.stderr.write("\ninterrupted; no report was written.\n");
  process.exit(130);
};
process.on("SIGINT", early);
const { main } = await import("./program.js");
process.off("SIGINT", early);

process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr });
