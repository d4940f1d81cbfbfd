// Public exports of input/: reading and validating study files, the column alias table, PRISMA counts.

export {
  FIELD_ALIASES,
  INPUT_FIELDS,
  matchHeader,
  normaliseHeader,
  syrcleAliases,
} from "./aliases.js";
export { parseColumnMap } from "./column-map.js";
export { findHeader } from "./columns.js";
export { type Cell, decodeText, type Grid, type GridRow } from "./grid.js";
export { formatMegabytes, INPUT_LIMITS } from "./limits.js";
export { inferMeasure, parseStudyFile, parseStudyGrid, parseStudyText } from "./parse.js";
export { parsePrisma, parsePrismaPairs } from "./prisma.js";
export { formatProblem } from "./problems.js";
export * from "./types.js";
