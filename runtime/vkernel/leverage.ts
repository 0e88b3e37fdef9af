// Leverages h_j = phi_j^T A phi_j of sparse design rows under a dense symmetric A [F, F]
// (A = SigmaG^{-1}, vkernel/population.ts), over each row's nonzeros, each pair once.
// Rows of product features have one nonzero block per window combination, and many design points
// share one: points are visited grouped by their columns and A's block for the group is copied
// once into a contiguous buffer (gathering it from the whole of A per point was bound by cache
// misses); h does not depend on the visiting order.
//
// API
//   leverages(rows, A): Float64Array [N]

import type { DesignRows } from './design-rows.js';

export function leverages(rows: DesignRows, A: Float64Array): Float64Array {
  const { N, F, start, col, val } = rows;
  const h = new Float64Array(N);
  const order = groupOrder(rows);
  let block = new Float64Array(0);
  let prev = -1;
  for (const j of order) {
    const s0 = start[j];
    const n = start[j + 1] - s0;
    if (prev < 0 || !sameColumns(rows, prev, j)) {
      if (block.length < n * n) block = new Float64Array(n * n);
      for (let p = 0; p < n; p++) {
        const rp = col[s0 + p] * F;
        for (let q = p; q < n; q++) block[p * n + q] = A[rp + col[s0 + q]];
      }
    }
    prev = j;
    let acc = 0;
    for (let p = 0; p < n; p++) {
      const bp = p * n;
      // Four partial sums: the dependent add chain, not the loads, bounded the single-sum loop.
      let s0a = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let q = p + 1;
      for (; q + 3 < n; q += 4) {
        s0a += block[bp + q] * val[s0 + q];
        s1 += block[bp + q + 1] * val[s0 + q + 1];
        s2 += block[bp + q + 2] * val[s0 + q + 2];
        s3 += block[bp + q + 3] * val[s0 + q + 3];
      }
      for (; q < n; q++) s0a += block[bp + q] * val[s0 + q];
      acc += val[s0 + p] * (block[bp + p] * val[s0 + p] + 2 * (s0a + s1 + s2 + s3));
    }
    h[j] = acc;
  }
  return h;
}

function sameColumns(rows: DesignRows, a: number, b: number): boolean {
  const { start, col } = rows;
  const n = start[a + 1] - start[a];
  if (n !== start[b + 1] - start[b]) return false;
  for (let q = 0; q < n; q++) if (col[start[a] + q] !== col[start[b] + q]) return false;
  return true;
}

/** Points sorted by their per-factor windows (identity order when the rows are not a product). */
function groupOrder(rows: DesignRows): Int32Array {
  const order = Int32Array.from({ length: rows.N }, (_, j) => j);
  const fac = rows.factors;
  if (!fac) return order;
  const key = new Float64Array(rows.N);
  for (let j = 0; j < rows.N; j++) {
    let k = 0;
    for (const f of fac) k = (k * f.n + f.win[2 * j]) * f.n + f.win[2 * j + 1];
    key[j] = k;
  }
  return order.sort((a, b) => key[a] - key[b] || a - b);
}
