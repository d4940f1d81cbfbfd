/**
 * @pooled/pipeline — pure functions shared by the CLI and the web app (no file system, no DOM):
 * input/ parses and validates a data file into a study table; analysis/ runs the whole analysis
 * into one JSON-able object; report/ renders that object into report files held in memory;
 * project/ reads and writes the project file (.pooled.json) that holds data and settings together.
 */

export * from "./analysis/index.js";
export * from "./input/index.js";
export * from "./project/index.js";
export * from "./report/index.js";
