/**
 * Where the reference values live: the repository's fixtures/ folder, JSON written by the R scripts
 * in fixtures/r/ (shared/STYLE.md §3-§4). Resolved from this file, so a test file can sit at any
 * depth of test/ and still find them.
 */

/** The repository's fixtures/ folder. */
export const fixtureDir = new URL("../../../../fixtures/", import.meta.url);

/** URL of one fixture file, e.g. fixtureUrl("models.json"). */
export function fixtureUrl(name: string): URL {
  return new URL(name, fixtureDir);
}
