/**
 * How large a figure may get: the row and point limits of the report's plots and the even
 * thinning of scatter plots, shared by every figure adapter (plots.ts, influence.ts,
 * funnel-figures.ts, sensitivity-figures.ts).
 */

/**
 * What a figure draws at most, so that a report of 10^5 studies stays readable and small (drawn
 * whole, its forest plot alone was 62 MB): forest-like plots (forest, leave-one-out, cumulative,
 * risk of bias) draw their first MAX_FIGURE_ROWS rows, about 18,000 px of rows, which keeps
 * every review we know of whole; scatter plots (funnel, Galbraith, bubble, Baujat) draw at most
 * MAX_FIGURE_POINTS points, an even thinning of the studies in file order plus those at the ends
 * of each axis, so the axes and the shape of the cloud stay those of all studies. Each figure says
 * so in its title or notes and the report in its caption; studies.csv and analysis.json always
 * hold every study.
 */
export const FIGURE_LIMITS = { rows: 1000, points: 5000 } as const;

/** The points a scatter plot draws, out of how many. */
export interface ThinnedPoints<T> {
  points: T[];
  total: number;
}

/**
 * At most about {@link FIGURE_LIMITS}.points of `items`: every (n / limit)-th in their order, plus
 * the smallest and largest by each of `axes`, so the plot's axes span all of them. All of them
 * when there are no more than the limit.
 */
export function thinPoints<T>(
  items: readonly T[],
  axes: readonly ((item: T) => number)[],
  limit: number = FIGURE_LIMITS.points,
): ThinnedPoints<T> {
  const n = items.length;
  if (n <= limit) return { points: [...items], total: n };
  const keep = new Set<number>();
  for (let i = 0; i < limit; i++) keep.add(Math.floor((i * n) / limit));
  for (const axis of axes) {
    let low = -1;
    let high = -1;
    for (let i = 0; i < n; i++) {
      const v = axis(items[i]!);
      if (!Number.isFinite(v)) continue;
      if (low < 0 || v < axis(items[low]!)) low = i;
      if (high < 0 || v > axis(items[high]!)) high = i;
    }
    if (low >= 0) keep.add(low);
    if (high >= 0) keep.add(high);
  }
  const points = [...keep].sort((x, y) => x - y).map((i) => items[i]!);
  return { points, total: n };
}

/** " (5000 of 100000 studies drawn)" in a scatter plot's title, when thinned. */
export function pointsTitle(p: ThinnedPoints<unknown>): string {
  return p.points.length < p.total ? ` (${p.points.length} of ${p.total} studies drawn)` : "";
}

/** The caption's sentence on a thinned scatter plot. */
export function pointsCaption(p: ThinnedPoints<unknown>): string {
  return p.points.length < p.total
    ? ` Of the ${p.total} studies, ${p.points.length} are drawn (an even thinning in file order, with those at the ends of each axis), to keep the figure legible and small; studies.csv lists every study.`
    : "";
}

/** The caption's sentence on a forest-like plot whose rows were cut at the limit. */
export function rowsCaption(rows: number, what: string, file = "studies.csv"): string {
  return rows > FIGURE_LIMITS.rows
    ? ` The first ${FIGURE_LIMITS.rows} of ${rows} ${what} are drawn, to keep the figure legible and small; ${file} lists them all.`
    : "";
}
