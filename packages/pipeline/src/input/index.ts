// Public exports of input/ (filled as the modules land).
export * from "./types.js";
