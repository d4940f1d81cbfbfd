/**
 * Rows grouped by cluster for the three-level kernel: the kernel wants the rows of each cluster
 * together (multilevel-contract.ts), so the data are permuted once, clusters in the order of their
 * first row, rows within a cluster in input order.
 */

/** The permutation that groups rows by cluster, and where each cluster starts. */
export interface ClusterLayout {
  /** order[s] = the input row at sorted position s. */
  order: Int32Array;
  /** m + 1 offsets into the sorted rows. */
  starts: Int32Array;
  /** Number of clusters. */
  m: number;
  /** Cluster names in the order of their first row. */
  names: string[];
  /** Rows per cluster, in the order of `names`. */
  sizes: number[];
}

export function clusterLayout(cluster: ArrayLike<string>): ClusterLayout {
  const k = cluster.length;
  const index = new Map<string, number[]>();
  for (let i = 0; i < k; i++) {
    const name = cluster[i]!;
    let rows = index.get(name);
    if (rows === undefined) {
      rows = [];
      index.set(name, rows);
    }
    rows.push(i);
  }
  const m = index.size;
  const order = new Int32Array(k);
  const starts = new Int32Array(m + 1);
  const names: string[] = [];
  const sizes: number[] = [];
  let at = 0;
  let j = 0;
  for (const [name, rows] of index) {
    names.push(name);
    sizes.push(rows.length);
    starts[j++] = at;
    for (const i of rows) order[at++] = i;
  }
  starts[m] = k;
  return { order, starts, m, names, sizes };
}

/** values permuted into cluster order (width values per row, e.g. the p columns of X). */
export function permuteRows(values: ArrayLike<number>, order: Int32Array, width = 1): Float64Array {
  const out = new Float64Array(order.length * width);
  for (let s = 0; s < order.length; s++) {
    const from = order[s]! * width;
    for (let c = 0; c < width; c++) out[s * width + c] = values[from + c]!;
  }
  return out;
}
