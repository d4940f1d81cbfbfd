/**
 * The settings a project holds, checked the way `pooled analyze` checks its flags: the same
 * choices, the same limits and, where a flag exists, its name in the message. Whether a setting
 * fits the data (a --by column the table lacks, --method MH with --measure MD) is analyze()'s
 * to say, as it says it for the flags.
 *
 * The CLI restates these choices and limits in program.ts (so that --help loads no engine); its
 * tests check both lists against each other.
 */
import type { Measure, TestType, ZeroCellRule } from "@pooled/stats";
import type {
  AnalysisMethod,
  AnalysisModel,
  AnalysisVarianceType,
  EggerPredictorOption,
} from "../analysis/types.js";
import { childPath, isObject, type ShapeProblems } from "./shape.js";
import type { ProjectAnalysisSettings, ProjectReportSettings } from "./types.js";

/** Every member of a union of strings, in the order written: a missing one fails to compile. */
function choices<T extends string>(members: Record<T, true>): readonly T[] {
  return Object.keys(members) as T[];
}

/** The values a setting may take, as the flag of the same name offers them. */
export const SETTING_CHOICES = {
  measure: choices<Measure>({
    MD: true,
    SMD: true,
    SMDH: true,
    ROM: true,
    NMD: true,
    GEN: true,
    OR: true,
    RR: true,
    RD: true,
    PETO: true,
    ZCOR: true,
    COR: true,
  }),
  method: choices<AnalysisMethod>({
    FE: true,
    DL: true,
    HE: true,
    HS: true,
    SJ: true,
    ML: true,
    REML: true,
    EB: true,
    PM: true,
    MH: true,
    PETO: true,
  }),
  test: choices<TestType>({ z: true, knha: true }),
  model: choices<AnalysisModel>({ standard: true, "three-level": true }),
  to: choices<ZeroCellRule>({ only0: true, all: true, if0all: true, none: true }),
  eggerPredictor: choices<EggerPredictorOption>({
    sei: true,
    vi: true,
    ninv: true,
    sqrtninv: true,
  }),
  vtype: choices<AnalysisVarianceType>({ LS: true, UB: true, RevMan: true, LS2: true }),
  trimfillEstimator: choices<"L0" | "R0">({ L0: true, R0: true }),
  trimfillSide: choices<"left" | "right">({ left: true, right: true }),
  bootstrapType: choices<"case" | "parametric">({ case: true, parametric: true }),
  forestSort: choices<NonNullable<ProjectReportSettings["forestSort"]>>({
    input: true,
    effect: true,
    year: true,
    weight: true,
  }),
} as const;

/**
 * The counts a project may ask for, as the CLI's flags and the web page's fields allow them
 * (program.ts MAX_RESAMPLES and MIN_BOOTSTRAP; the page's settings.ts parseCount).
 */
export const SETTING_LIMITS = {
  /** Most permutations, bootstrap replicates or GOSH subsets. */
  resamples: 1_000_000,
  /** Fewest bootstrap replicates that can place a 95% percentile interval. */
  minBootstrap: 100,
  /** Fewest random permutations (and GOSH subsets). */
  minPermutations: 2,
  /** Largest seed: the PRNG's seed is an unsigned 32-bit integer. */
  maxSeed: 0xffff_ffff,
} as const;

/** Checks one setting's value at `path`, adding a problem when it is not what the setting takes. */
type Rule = (value: unknown, path: string, problems: ShapeProblems) => void;

function oneOf(list: readonly string[], flag: string): Rule {
  return (value, path, problems) => {
    if (typeof value !== "string" || !list.includes(value))
      problems.add(path, `one of ${list.join(", ")} (the choices of ${flag})`, value);
  };
}

function trueOrFalse(flags: string): Rule {
  return (value, path, problems) => {
    if (typeof value !== "boolean") problems.add(path, `true or false (${flags})`, value);
  };
}

function wholeNumber(min: number, max: number, flag: string, example: string, why = ""): Rule {
  return (value, path, problems) => {
    if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max))
      problems.add(
        path,
        `a whole number from ${min} to ${max}${why} (as ${flag}), e.g. ${example}`,
        value,
      );
  };
}

const isText = (value: unknown): value is string =>
  typeof value === "string" && value.trim() !== "";

function columnName(flag: string, example: string): Rule {
  return (value, path, problems) => {
    if (!isText(value))
      problems.add(path, `a column name (as ${flag}), e.g. ${JSON.stringify(example)}`, value);
  };
}

function columnNames(flag: string, example: readonly string[]): Rule {
  return (value, path, problems) => {
    if (!Array.isArray(value)) {
      problems.add(
        path,
        `a list of column names (as ${flag}), e.g. ${JSON.stringify(example)}`,
        value,
      );
      return;
    }
    value.forEach((name, i) => {
      if (!isText(name)) problems.add(`${path}[${i}]`, "a column name (text, not empty)", name);
    });
  };
}

const permutations: Rule = (value, path, problems) => {
  const { minPermutations, resamples } = SETTING_LIMITS;
  if (value === "exact") return;
  if (
    !(
      typeof value === "number" &&
      Number.isInteger(value) &&
      value >= minPermutations &&
      value <= resamples
    )
  )
    problems.add(
      path,
      `a whole number from ${minPermutations} to ${resamples}, or "exact" (as --permutations), e.g. 1000`,
      value,
    );
};

const continuityCorrection: Rule = (value, path, problems) => {
  if (!(typeof value === "number" && Number.isFinite(value) && value >= 0))
    problems.add(path, "a number of 0 or more (as --add), e.g. 0.5", value);
};

const confidenceLevel: Rule = (value, path, problems) => {
  if (!(typeof value === "number" && value > 0 && value < 100))
    problems.add(path, "a confidence level in percent, in (0, 100), e.g. 95", value);
};

/** --predict's points: each moderator named in a point with a number or a level. */
const predictionPoints: Rule = (value, path, problems) => {
  if (!Array.isArray(value)) {
    problems.add(
      path,
      'points of moderator values (as --predict), e.g. [{"dose": 100}, {"dose": 200}]',
      value,
    );
    return;
  }
  value.forEach((point, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(point) || Object.keys(point).length === 0) {
      problems.add(
        at,
        'a point: moderators with their values, e.g. {"dose": 100, "route": "iv"}',
        point,
      );
      return;
    }
    for (const [name, x] of Object.entries(point)) {
      if (name.trim() === "") problems.add(at, "moderator names that are not empty", point);
      else if (!((typeof x === "number" && Number.isFinite(x)) || isText(x)))
        problems.add(
          childPath(at, name),
          "a number, or a level of the moderator (text, not empty)",
          x,
        );
    }
  });
};

const labelPair: Rule = (value, path, problems) => {
  if (!(Array.isArray(value) && value.length === 2 && value.every(isText)))
    problems.add(
      path,
      'two labels, the left one first (as --favours), e.g. ["Favours control", "Favours treatment"]',
      value,
    );
};

const { resamples, minBootstrap, minPermutations, maxSeed } = SETTING_LIMITS;

/**
 * One rule per analysis setting, in the order a project file lists them. Typed over every key
 * of the options: a new analysis option does not compile until a project can hold it.
 */
export const ANALYSIS_RULES: { [K in keyof Required<ProjectAnalysisSettings>]: Rule } = {
  measure: oneOf(SETTING_CHOICES.measure, "--measure"),
  method: oneOf(SETTING_CHOICES.method, "--method"),
  test: oneOf(SETTING_CHOICES.test, "--test"),
  model: oneOf(SETTING_CHOICES.model, "--model"),
  cluster: columnName("--cluster", "publication"),
  level: confidenceLevel,
  by: columnName("--by", "route"),
  mods: columnNames("--mods", ["dose", "year"]),
  predict: predictionPoints,
  add: continuityCorrection,
  to: oneOf(SETTING_CHOICES.to, "--to"),
  drop00: trueOrFalse("--drop00 or --no-drop00"),
  vtype: oneOf(SETTING_CHOICES.vtype, "--vtype"),
  legacySmdhVariance: trueOrFalse("--legacy-smdh-variance"),
  correctBias: trueOrFalse("--correct-bias or --no-correct-bias"),
  splitSharedControls: trueOrFalse("whether a shared control arm is split"),
  eggerPredictor: oneOf(SETTING_CHOICES.eggerPredictor, "--egger-predictor"),
  trimfillEstimator: oneOf(SETTING_CHOICES.trimfillEstimator, "--trimfill-estimator"),
  trimfillSide: oneOf(SETTING_CHOICES.trimfillSide, "--trimfill-side"),
  permutations,
  bootstrap: wholeNumber(
    minBootstrap,
    resamples,
    "--bootstrap",
    "2000",
    ` (fewer than ${minBootstrap} replicates cannot place a 95% interval; 1000 or more are recommended)`,
  ),
  bootstrapType: oneOf(SETTING_CHOICES.bootstrapType, "--bootstrap-type"),
  gosh: wholeNumber(minPermutations, resamples, "--gosh", "50000"),
  seed: wholeNumber(0, maxSeed, "--seed", "42"),
};

/** One rule per report setting, in the order a project file lists them. */
export const REPORT_RULES: { [K in keyof Required<ProjectReportSettings>]: Rule } = {
  forestSort: oneOf(SETTING_CHOICES.forestSort, "--forest-sort"),
  forestColumns: columnNames("--forest-columns", ["dose", "sex"]),
  favours: labelPair,
};

/**
 * Checks a settings object against its rules: unknown names and values of the wrong kind are
 * problems. Returns the settings (the value itself: nothing is converted) when there are none.
 */
export function checkSettings<T>(
  value: unknown,
  path: string,
  rules: Record<string, Rule>,
  what: string,
  problems: ShapeProblems,
): T | null {
  if (!isObject(value)) {
    problems.add(path, `an object of ${what} (empty for the defaults: {})`, value);
    return null;
  }
  const before = problems.list.length;
  problems.unknownKeys(value, path, Object.keys(rules), what);
  for (const [key, rule] of Object.entries(rules)) {
    if (Object.hasOwn(value, key)) rule(value[key], childPath(path, key), problems);
  }
  return problems.list.length === before ? (value as T) : null;
}
