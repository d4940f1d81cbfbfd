/**
 * Printing: the results table, the machine line and the speed goals (reported, never asserted).
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import type { Measurement, ResultRow } from "./harness.js";
import { countName, kernelName, type Plan } from "./plan.js";

/** 3 significant digits, no exponent for everyday sizes. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  return x.toPrecision(3);
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return `${availableParallelism()} cores (${cpu}), Node ${process.version}, ${process.platform}-${process.arch}, load average ${load}`;
}

/** A plain-text table with right-aligned numeric columns. */
export function table(header: string[], rows: string[][], leftColumns = 2): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (j < leftColumns ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)))
      .join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The row of the TS path for the same kernel and k, to show speed-ups. */
function tsRow(rows: ResultRow[], row: ResultRow): ResultRow | undefined {
  return rows.find((r) => r.kernel === row.kernel && r.k === row.k && r.path === "ts");
}

export function resultsTable(rows: Measurement[]): string {
  return table(
    ["kernel", "path", "k", "calls", "mean ms", "p99 ms", "ops/s", "vs ts"],
    rows.map((r) => {
      const ts = tsRow(rows, r);
      return [
        r.kernel,
        r.path,
        String(r.k),
        String(r.samples),
        num(r.meanMs),
        num(r.p99Ms),
        num(r.opsPerSec),
        ts && r.path !== "ts" ? `${(ts.meanMs / r.meanMs).toFixed(2)}x` : "",
      ];
    }),
    2,
  );
}

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

/** The speed goals against the rows measured (null = not measured in this run). */
export function goals(plan: Plan, rows: ResultRow[]): Goal[] {
  const find = (kernel: string, path: string, k?: number) =>
    rows.find((r) => r.kernel === kernel && r.path === path && (k === undefined || r.k === k));
  const best = (kernel: string) =>
    rows
      .filter((r) => r.kernel === kernel)
      .sort((a, b) => a.meanMs - b.meanMs)
      .map((r) => `${r.path} ${num(r.meanMs)} ms`);
  const under = (kernel: string, limitMs: number, what: string): Goal => {
    const list = rows.filter((r) => r.kernel === kernel).sort((a, b) => a.meanMs - b.meanMs);
    return {
      goal: `${what} < ${limitMs >= 1000 ? `${limitMs / 1000} s` : `${limitMs} ms`}`,
      measured: list.length ? best(kernel).join(", ") : "not measured",
      met: list.length ? list[0]!.meanMs < limitMs : null,
    };
  };
  const out: Goal[] = [
    under(kernelName.permutation(plan), 100, `${countName(plan.permutations)} permutations`),
    under(
      kernelName.bootstrap(plan),
      1000,
      `${countName(plan.bootstrapReplicates)} bootstrap refits`,
    ),
  ];
  const kMax = Math.max(...plan.remlSizes);
  const reml = rows.filter((r) => r.kernel === kernelName.reml(0) && r.k === kMax);
  reml.sort((a, b) => a.meanMs - b.meanMs);
  out.push({
    goal: `REML at k = ${countName(kMax)} < 50 ms`,
    measured: reml.length
      ? reml.map((r) => `${r.path} ${num(r.meanMs)} ms`).join(", ")
      : "not measured",
    met: reml.length ? reml[0]!.meanMs < 50 : null,
  });
  for (const kernel of [kernelName.permutation(plan), kernelName.bootstrap(plan)]) {
    const ts = find(kernel, "ts");
    const ratios = (["wasm", "wasm-workers"] as const)
      .map((path) => [path, find(kernel, path)] as const)
      .filter(([, r]) => r !== undefined && ts !== undefined)
      .map(([path, r]) => [path, ts!.meanMs / r!.meanMs] as const);
    out.push({
      goal: `WASM >= 1.5x TS on ${kernel}`,
      measured: ratios.length
        ? ratios.map(([path, x]) => `${path} ${x.toFixed(2)}x`).join(", ")
        : "not measured",
      met: ratios.length ? ratios.some(([path, x]) => path === "wasm" && x >= 1.5) : null,
    });
  }
  return out;
}

export function goalsTable(list: Goal[]): string {
  return table(
    ["goal", "met", "measured (mean per call)"],
    list.map((g) => [g.goal, g.met === null ? "n/a" : g.met ? "yes" : "NO", g.measured]),
    3,
  );
}

/** The same table as Markdown (written to bench/dist/results.md, pasted into bench/README.md). */
export function markdownTable(header: string[], rows: string[][], leftColumns = 2): string {
  const align = header.map((_, j) => (j < leftColumns ? "---" : "---:"));
  return [header, align, ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export function resultsMarkdown(rows: Measurement[]): string {
  return markdownTable(
    ["kernel", "path", "k", "calls", "mean ms", "p99 ms", "ops/s", "vs ts"],
    rows.map((r) => {
      const ts = tsRow(rows, r);
      return [
        r.kernel,
        r.path,
        String(r.k),
        String(r.samples),
        num(r.meanMs),
        num(r.p99Ms),
        num(r.opsPerSec),
        ts && r.path !== "ts" ? `${(ts.meanMs / r.meanMs).toFixed(2)}x` : "",
      ];
    }),
  );
}

export function goalsMarkdown(list: Goal[]): string {
  return markdownTable(
    ["goal", "met", "measured (mean per call)"],
    list.map((g) => [g.goal, g.met === null ? "n/a" : g.met ? "yes" : "no", g.measured]),
    3,
  );
}
