#!/usr/bin/env node
// Writes the bundled example as a project file (SIMULATED data, as the CSV it is made from):
//
//   npm run build && node examples/generate-project.mjs   (rewrites it, byte for byte the same)
//
// - sci-exosomes-bbb.pooled.json   sci-exosomes-bbb.simulated.csv, cell by cell as written, with
//                                  prisma.json's counts and the settings of `pooled demo`
//                                  (--measure MD --method REML --test z --by dose)
//
// `pooled analyze examples/sci-exosomes-bbb.pooled.json` then gives the analysis.json of
// `pooled analyze examples/sci-exosomes-bbb.simulated.csv --measure MD --by dose --prisma
// examples/prisma.json`. packages/pipeline/test/project/project.test.ts rebuilds the file the same way
// and fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createProject, parsePrisma, serializeProject } from "@pooled/pipeline";
import Papa from "papaparse";

const here = dirname(fileURLToPath(import.meta.url));
const csvName = "sci-exosomes-bbb.simulated.csv";

// The CSV's cells as its reader sees them: text, "" for an empty field, blank lines left out.
const [headers, ...rows] = Papa.parse(readFileSync(join(here, csvName), "utf8"), {
  delimiter: ",",
  skipEmptyLines: true,
}).data;
const prisma = parsePrisma(readFileSync(join(here, "prisma.json"), "utf8"), "prisma.json");
if (prisma.counts === undefined) throw new Error("examples/prisma.json does not read");

const project = createProject({
  name: "Exosomes after spinal cord injury: BBB score (SIMULATED)",
  // A fixed time, so that the file is rewritten byte for byte the same.
  savedAt: "2025-06-01T00:00:00.000Z",
  data: { source: csvName, headers, rows },
  analysis: { measure: "MD", method: "REML", test: "z", by: "dose" },
  prisma: prisma.counts,
});
writeFileSync(join(here, "sci-exosomes-bbb.pooled.json"), serializeProject(project));
