// Leverages h_j = phi_j^T A phi_j of the design rows (vkernel/leverage-groups.ts computes them
// for runs of points with identical columns). With several threads the points are cut into runs
// of similar work (a run may split a group: its block of A is then gathered once more) and the
// runs go to the worker pool: the population runs on one thread before its sampling can start,
// and Fig. 3's dense Fourier rows cost N F^2 / 2 = 5e9 multiply-adds here. Each h_j is the same
// sum in the same order however the points are cut, so the bytes do not depend on the threads.

import { groupOrder, type DesignRows } from './design-rows.js';
import { leverageTask, leveragesOfGroups, type LeverageJob } from './leverage-groups.js';
import { runParallel, shared, threadCount } from '../pool/pool.js';
import { linalgSimdEnabled } from '../linalg/wasm/simd.js';

/** Below this many multiply-adds the runs are not worth handing to threads. */
const PARALLEL_WORK = 5e7;

/** leverages(rows, A): Float64Array [N] */
export function leverages(rows: DesignRows, A: Float64Array): Float64Array {
  const { N, start } = rows;
  const order = groupOrder(rows);
  const bounds = [0];
  for (let c = 1; c < N; c++) if (!sameColumns(rows, order[c - 1], order[c])) bounds.push(c);
  if (N > 0) bounds.push(N);
  const nnz = (c: number) => start[order[c] + 1] - start[order[c]];
  let work = 0;
  for (let c = 0; c < N; c++) work += nnz(c) ** 2 / 2;
  const threads = threadCount();
  if (threads === 1 || work < PARALLEL_WORK) {
    const h = new Float64Array(N);
    leveragesOfGroups(rows, A, order, Int32Array.from(bounds), h, linalgSimdEnabled());
    return h;
  }
  // Runs of about equal work, two per thread; their ends are cuts too (inside a group if need be).
  const count = 2 * threads;
  const ends = new Set<number>([0, N]);
  let acc = 0;
  for (let c = 0, k = 1; c < N && k < count; c++) {
    if (acc >= (work * k) / count) {
      ends.add(c);
      k++;
    }
    acc += nnz(c) ** 2 / 2;
  }
  const cuts = [...new Set([...bounds, ...ends])].sort((a, b) => a - b);
  const runs = cuts.flatMap((c, i) => (ends.has(c) ? [i] : []));
  const h = new Float64Array(new SharedArrayBuffer(8 * N));
  const job: LeverageJob = {
    rows: { F: rows.F, start: shared(rows.start), col: shared(rows.col), val: shared(rows.val) },
    A: shared(A),
    order: shared(order),
    bounds: shared(Int32Array.from(cuts)),
    runs: shared(Int32Array.from(runs)),
    h,
    wasm: linalgSimdEnabled(),
  };
  runParallel(leverageTask, job, runs.length - 1, {
    check: () => undefined,
    done: () => undefined,
    nonFinite: () => {
      throw new Error('internal: a leverage task reported a non-finite step');
    },
  });
  return h.slice();
}

function sameColumns(rows: DesignRows, a: number, b: number): boolean {
  const { start, col } = rows;
  const n = start[a + 1] - start[a];
  if (n !== start[b + 1] - start[b]) return false;
  for (let q = 0; q < n; q++) if (col[start[a] + q] !== col[start[b] + q]) return false;
  return true;
}
