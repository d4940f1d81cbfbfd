/**
 * Where the tests' data lives: the repository's examples/ (the bundled data) and fixtures/
 * (metafor's reference values, written by the R scripts in fixtures/r/). Resolved once from this
 * file, so a test file can sit at any depth of test/ and still find them.
 */
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const repoRoot = new URL("../../../../", import.meta.url);

/** URL of a file of the repository, e.g. repoUrl("fixtures/pipeline.json"). */
export function repoUrl(path: string): URL {
  return new URL(path, repoRoot);
}

/** File-system path of a file of the repository, e.g. repoPath("examples/prisma.json"). */
export function repoPath(path: string): string {
  return fileURLToPath(repoUrl(path));
}
