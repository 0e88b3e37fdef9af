// Leverages h_j = phi_j^T A phi_j of sparse design rows under a dense symmetric A [F, F]
// (A = SigmaG^{-1}, vkernel/population.ts), over each row's nonzeros, each pair once.
// Rows of product features have one nonzero block per window combination, and many design points
// share one (Fig. 3: 1481 column sets for 10,000 points): points are visited grouped by their
// columns and A's block for the group is gathered once (gathering it from the whole of A per point
// was bound by cache misses). With WebAssembly SIMD (runtime/linalg/wasm, unless GTV_SIMD=0) the
// group's quadratic forms are evaluated together, four points against four rows of the block, so
// each loaded entry feeds several multiply-adds; the JS loop below evaluates one point at a time.
// Both sum the same products as sums of at most n terms over at most n rows, in different orders:
// each h_j is within (2n + 2) eps sum_pq |phi_p A_pq phi_q| of the exact form (n nonzeros;
// test/runtime-models/leverage.test.ts). h does not depend on the visiting order, nor on how
// the groups are split into runs (vkernel/leverage.ts hands runs to threads).
// Plain data only, so a worker thread can run it (runtime/tasks.ts).

import { dot4 } from '../linalg/cholesky.js';
import { leveragesWasm } from '../linalg/wasm/simd.js';
import type { Task } from '../pool/pool.js';

/** interface LeverageRows   the sparse rows (CSR) and their column count F */
export interface LeverageRows {
  F: number;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/**
 * leveragesOfGroups(rows, A, order, bounds, h, wasm)
 * h[order[c]] for c in [bounds[0], bounds[last]), where each run order[bounds[g] ..
 * bounds[g + 1]) holds points with identical columns; in WebAssembly SIMD if `wasm` (the
 * caller's linalgSimdEnabled(): a worker thread follows its caller's switch)
 */
export function leveragesOfGroups(
  rows: LeverageRows,
  A: Float64Array,
  order: Int32Array,
  bounds: Int32Array,
  h: Float64Array,
  wasm: boolean,
): void {
  const { F, start, col, val } = rows;
  if (wasm) {
    leveragesWasm(A, F, rows, order, bounds, h);
    return;
  }
  let block = new Float64Array(0);
  let g = 0;
  for (let c = bounds[0]; c < bounds[bounds.length - 1]; c++) {
    const j = order[c];
    const s0 = start[j];
    const n = start[j + 1] - s0;
    if (c === bounds[g]) {
      g++;
      if (block.length < n * n) block = new Float64Array(n * n);
      for (let p = 0; p < n; p++) {
        const rp = col[s0 + p] * F;
        for (let q = p; q < n; q++) block[p * n + q] = A[rp + col[s0 + q]];
      }
    }
    let acc = 0;
    for (let p = 0; p < n; p++) {
      const bp = p * n;
      const q = p + 1;
      acc += val[s0 + p] * (block[bp + p] * val[s0 + p] + 2 * dot4(block, bp + q, val, s0 + q, n - q));
    }
    h[j] = acc;
  }
}

/** Leverages of design points cut into runs of similar work (vkernel/leverage.ts). */
export interface LeverageJob {
  rows: LeverageRows;
  A: Float64Array;
  order: Int32Array;
  /** Group starts in `order`, with extra cuts so that runs have similar work; then N. */
  bounds: Int32Array;
  /** Run m is bounds[runs[m]] .. bounds[runs[m + 1]]. */
  runs: Int32Array;
  h: Float64Array;
  /** The caller's linalgSimdEnabled(). */
  wasm: boolean;
}

/** Run m of a LeverageJob, as a pool task. */
export const leverageTask: Task<LeverageJob, null> = {
  kind: 'leverages',
  prepare: () => null,
  run(job, _prep, m) {
    leveragesOfGroups(
      job.rows,
      job.A,
      job.order,
      job.bounds.subarray(job.runs[m], job.runs[m + 1] + 1),
      job.h,
      job.wasm,
    );
    return -1;
  },
};
