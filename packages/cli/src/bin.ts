#!/usr/bin/env node
import { installInterruptHandler } from "./interrupt.js";
import { cliVersion } from "./paths.js";

// Ctrl-C is handled from the first moment (see interrupt.ts); the rest loads after.
installInterruptHandler();

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // Scripts call `pooled --version` to check an installation; answered before commander loads
  // (about 10 ms, a fifth of this run), with commander's output.
  process.stdout.write(`${cliVersion()}\n`);
} else {
  const { main } = await import("./program.js");
  process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr });
}
