/** Settings of the bench scripts read from the environment. */

/** The whole number >= 2 in environment variable `name`, or `fallback` when it is unset or empty. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2) throw new Error(`${name} must be an integer >= 2; got ${raw}`);
  return n;
}
