/**
 * Whole-process wall times: every run is a fresh process started with spawnSync and timed from
 * outside, so start-up, module loading, the work and the exit are all in the figure, as a user
 * waiting at the prompt sees it.
 */
import { spawnSync } from "node:child_process";

/** A command to time: the program, its arguments and where it runs. */
export interface Command {
  program: string;
  args: string[];
  cwd?: string;
  /** The environment of the process (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface Run {
  ms: number;
  stdout: string;
}

/** Runs a command once; a failed run throws with its stderr, so a crash is never timed as fast. */
export function runOnce(command: Command): Run {
  const start = performance.now();
  const result = spawnSync(command.program, command.args, {
    cwd: command.cwd,
    env: command.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ms = performance.now() - start;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command.program} ${command.args.join(" ")} exited with ${result.status ?? result.signal}:\n${result.stderr}`,
    );
  }
  return { ms, stdout: result.stdout };
}

/** The middle value (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Timing {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/**
 * Times `runs` runs of a command. Short commands get one untimed run first, so the first timed
 * run does not pay for reading the files from disk. `value` turns a run into the figure reported
 * (default: its wall time; metafor's resampling runs scale part of it), and may throw when the
 * output shows the run did not do the work asked.
 */
export function timeCommand(
  command: Command,
  options: { runs: number; warmUp: boolean; value?: (run: Run) => number },
): Timing {
  if (options.warmUp) runOnce(command);
  const values: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const run = runOnce(command);
    values.push(options.value ? options.value(run) : run.ms);
  }
  return {
    runs: options.runs,
    medianMs: median(values),
    minMs: Math.min(...values),
    maxMs: Math.max(...values),
  };
}
