// Public exports of models/binary/: Mantel-Haenszel and Peto pooling of 2×2 tables.
export { mantelHaenszel } from "./mantel-haenszel.js";
export { peto } from "./peto.js";
export type * from "./types.js";
