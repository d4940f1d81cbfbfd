/**
 * The settings of one run: a data file's come from the flags alone; a project file's are its own,
 * with the flags typed on the command line over them. Both end as one {@link ProjectSettings},
 * which the pipeline turns into its parsing and analysis options the same way for either.
 */
import type { ColumnOverrides, PrismaCounts, ProjectSettings } from "@pooled/pipeline";
import type { EngineRequest } from "./engine-protocol.js";

/** A data file's starting point: nothing chosen, every setting from the flags. */
export const NO_SETTINGS: ProjectSettings = {
  columns: {},
  decimalComma: false,
  analysis: {},
  report: {},
  prisma: null,
};

/** What the engine read from the flags that name files or are parsed there. */
export interface FlagInputs {
  /** --map and --config, field by field. */
  columns: ColumnOverrides;
  /** --prisma, or null when it was not given. */
  prisma: PrismaCounts | null;
}

/**
 * The settings of the run. For a project (`base` its settings) only the flags typed count:
 * one that merely holds commander's default (--method REML, --test z, --model standard,
 * --forest-sort input) leaves the project's choice alone. Column choices override field by field
 * (--map m1i= unmaps one), --decimal-comma turns the decimal comma on, --prisma replaces the
 * counts.
 */
export function runSettings(
  base: ProjectSettings,
  request: EngineRequest,
  flags: FlagInputs,
  isProject: boolean,
): ProjectSettings {
  const typed = <T extends object>(values: T): T =>
    isProject ? withoutKeys(values, request.defaulted) : values;
  return {
    columns: { ...base.columns, ...flags.columns },
    decimalComma: request.decimalComma || base.decimalComma,
    analysis: { ...base.analysis, ...typed(request.settings) },
    report: { ...base.report, ...typed(request.labels) },
    prisma: flags.prisma ?? base.prisma,
  };
}

function withoutKeys<T extends object>(values: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !keys.includes(key))) as T;
}
