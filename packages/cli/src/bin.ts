#!/usr/bin/env node
import { installInterruptHandler } from "./interrupt.js";
import { cliVersion } from "./paths.js";

// Ctrl-C is handled from the first moment (see interrupt.ts); the rest loads after.
installInterruptHandler();

// A reader that stops early (`pooled --help | head -1`, `--format json | head -c 100`) closes the
// pipe: what it did not read is not wanted, so that ends the run quietly, not with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Scripts call `pooled --version` to check an installation; answered before commander loads
  // (about 10 ms, a fifth of this run), with commander's output.
  process.stdout.write(`${cliVersion()}\n`);
} else {
  // `analyze` and `demo` run the engine in a thread of its own (engine-client.ts): starting it
  // first lets it boot and load the engine while commander and the flags load here.
  if (args[0] === "analyze" || args[0] === "demo")
    (await import("./engine-client.js")).startEngine();
  const { main } = await import("./program.js");
  process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr });
}
