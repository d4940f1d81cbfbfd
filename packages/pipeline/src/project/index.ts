// Public exports of project/: the project file (.pooled.json) the web page saves and the CLI reads.

export {
  gridFromProjectData,
  isProjectFile,
  projectAnalysisOptions,
  projectParseOptions,
  projectPlotLabels,
  projectSourceName,
} from "./options.js";
export { parseProject } from "./parse.js";
export { createProject, type ProjectFields, serializeProject } from "./serialize.js";
export { SETTING_CHOICES, SETTING_LIMITS } from "./settings.js";
export * from "./types.js";
