/**
 * @pooled/contract: the names and rules that the data files, the analysis JSON, the plots and the
 * web page share, in one place below every package that uses them (no dependencies).
 */
export * from "./format.js";
export * from "./prisma.js";
export * from "./syrcle.js";
