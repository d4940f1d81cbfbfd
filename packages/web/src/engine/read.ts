/**
 * The engine's reading methods: a data file's bytes, a workbook's sheet names, and a typed table
 * read as the CLI reads a project's data. Each answers with the table or the problems, and the
 * column choices the Columns panel shows.
 */
import type { ParseOptions } from "@pooled/pipeline";
import type { EngineApi, GridSource, ParseOutcome, ParseRequest } from "../api.js";
import { columnChoices, isWorkbook } from "../view/columns.js";
import { errorToProblems } from "../view/problems.js";
import { tableHeaders } from "../view/settings.js";
import type { EngineContext } from "./context.js";
import { type PipelineBinding, projectAnalysis, projectReport } from "./pipeline-binding.js";

export function readMethods(
  context: EngineContext,
): Pick<EngineApi, "parse" | "sheetNames" | "parseGrid"> {
  const { pipeline } = context;
  return {
    async parse(bytes, fileName, request) {
      return parseBytes(context, bytes, fileName, request);
    },

    async sheetNames(bytes, fileName) {
      return isWorkbook(fileName, bytes) ? pipeline.sheetNames(bytes) : [];
    },

    async parseGrid(source, request) {
      try {
        const result = pipeline.parseGrid(
          source.data,
          source.fileName,
          gridOptions(pipeline, source, request),
        );
        return parseOutcome(pipeline, result, source.fileName, request);
      } catch (error) {
        return {
          ok: false,
          problems: errorToProblems(error, source.fileName),
          fileName: source.fileName,
          headers: source.data.headers,
          detected: {},
        };
      }
    },
  };
}

/** A data file read, with its cells for the page's grid. */
export async function parseBytes(
  { pipeline }: EngineContext,
  bytes: Uint8Array,
  fileName: string,
  request?: ParseRequest,
): Promise<ParseOutcome> {
  try {
    const result = await pipeline.parse(bytes, fileName, request);
    // The cells for the page's grid, read apart from the validation: a file with problems is
    // corrected there.
    const grid = await pipeline.dataGrid(bytes, fileName, request?.sheet).catch(() => null);
    return { ...parseOutcome(pipeline, result, fileName, request), grid };
  } catch (error) {
    return {
      ok: false,
      problems: errorToProblems(error, fileName),
      fileName,
      headers: [],
      detected: {},
    };
  }
}

/** A parse's result as the page takes it: the table or the problems, and the column choices. */
function parseOutcome(
  pipeline: PipelineBinding,
  result: Awaited<ReturnType<PipelineBinding["parse"]>>,
  fileName: string,
  request: ParseRequest | undefined,
): ParseOutcome {
  const byName = pipeline.detectColumns(result.headers);
  if (!result.ok) {
    return {
      ok: false,
      problems: result.problems,
      fileName,
      headers: result.headers,
      detected: columnChoices(byName, request?.columns),
    };
  }
  return {
    ok: true,
    table: result.table,
    headers: result.headers ?? tableHeaders(result.table),
    fileName,
    inferredMeasure: pipeline.inferMeasure(result.table),
    detected: columnChoices(byName, request?.columns, result.table.columns.fields),
  };
}

/**
 * How the CLI reads a project's data with the page's settings (its column choices, decimal
 * comma, the columns its settings name); the measure only when the page asks for one (else the
 * pipeline infers it, as the CLI without a measure).
 */
function gridOptions(
  pipeline: PipelineBinding,
  source: GridSource,
  request: ParseRequest | undefined,
): ParseOptions {
  const options = pipeline.projectParseOptions({
    columns: request?.columns ?? {},
    decimalComma: request?.decimalComma === true,
    analysis: source.settings ? projectAnalysis(source.settings) : {},
    report: projectReport(source.settings),
    prisma: null,
  });
  delete options.measure;
  if (request?.measure) options.measure = request.measure;
  return options;
}
