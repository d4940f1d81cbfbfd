/** `pooled demo`: the bundled (simulated) example, analysed and reported. */
import { isAbsolute, join, relative } from "node:path";
import { EXIT } from "../exit-codes.js";
import { examplesDir } from "../paths.js";
import { type AnalyzeFlags, type Io, runAnalyze } from "./analyze.js";

export interface DemoFlags {
  out: string;
  format: AnalyzeFlags["format"];
  quiet?: boolean;
}

export async function runDemo(flags: DemoFlags, io: Io): Promise<number> {
  const dir = examplesDir();
  if (dir === null) {
    io.stderr.write(
      "pooled: the bundled example (examples/sci-exosomes-bbb.simulated.csv) is missing from this installation\n",
    );
    return EXIT.FAILURE;
  }
  // Relative to the working folder when inside it (as after `npm run demo`), else absolute.
  const show = (p: string) => {
    const r = relative(process.cwd(), p);
    return r === "" || r.startsWith("..") || isAbsolute(r) ? p : r;
  };
  const file = show(join(dir, "sci-exosomes-bbb.simulated.csv"));
  if (flags.quiet !== true) {
    io.stderr.write(`Analysing the bundled example (SIMULATED data): ${file}\n`);
    io.stderr.write(
      `Same as: pooled analyze ${file} --measure MD --method REML --by dose --prisma ${show(join(dir, "prisma.json"))} --out ${flags.out}\n\n`,
    );
  }
  const analyzeFlags: AnalyzeFlags = {
    measure: "MD",
    method: "REML",
    test: "z",
    by: "dose",
    format: flags.format,
    out: flags.out,
    map: [],
    prisma: show(join(dir, "prisma.json")),
  };
  if (flags.quiet !== undefined) analyzeFlags.quiet = flags.quiet;
  return runAnalyze(file, analyzeFlags, io);
}
