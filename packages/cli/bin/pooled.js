#!/usr/bin/env node
// The `pooled` command as npm links it (npx pooled from the repository root). It lives outside
// dist/ so that npm can link it at install time, before the first build; it runs the built CLI.
import { existsSync } from "node:fs";

const built = new URL("../dist/bin.js", import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    "pooled: the CLI is not built yet; run `npm run build` (or `npm run demo`) from the repository root first.\n",
  );
  process.exit(1);
}
await import(built.href);
