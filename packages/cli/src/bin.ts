#!/usr/bin/env node
import { installInterruptHandler } from "./interrupt.js";

// Ctrl-C is handled from the first moment (see interrupt.ts); the rest loads after.
installInterruptHandler();
const { main } = await import("./program.js");

process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr });
