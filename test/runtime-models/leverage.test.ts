// Leverages h_j = phi_j^T A phi_j (vkernel/leverage.ts) against the direct dense quadratic form,
// for product rows (windows: many points share a column set, groups of up to dozens of points,
// split across the wasm kernel's chunks of 32) and for the dense fallback (every point one group),
// on the WebAssembly SIMD path and on the JS loop; and the GTV_SIMD switch honoured.
//
// Tolerance: both paths and the direct form sum the products phi_p A_pq phi_q as sums over q of
// at most n terms (three roundings in each product) summed over at most n rows p, so each is
// within (2n + 2) eps sum_pq |phi_p A_pq phi_q| of the exact value (the recursive-sum bound; the
// halving of the diagonal and the final doubling are exact), and any two within twice that. The
// bound is computed per point from |phi|^T |A| |phi|; a wrong entry or a dropped point is O(|h|).
import { expect } from 'chai';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { compileFeatures } from '../../runtime/features.js';
import { designRows } from '../../runtime/vkernel/design-rows.js';
import { leverages } from '../../runtime/vkernel/leverage.js';
import { linalgSimdCalls } from '../../runtime/linalg/wasm/simd.js';
import { awaitWorkers, lastRunStats, setThreads, threadCount } from '../../runtime/pool/pool.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { gauss, linalgWasmHere, withLinalgSimd } from './setup.js';

const EPS = 2 ** -52;

// Fig. 3 shapes: narrow windows in x, y and t (F = 8 * 7 * 9 = 504).
const product: IrFeatureTree = {
  op: 'product',
  factors: [gauss('x', 8, [-1.5, 1.5], 0.2), gauss('y', 7, [-1.5, 1.5], 0.25), gauss('t', 9, [0.01, 1], 0.06)],
};
const concat: IrFeatureTree = {
  op: 'concat',
  parts: [
    gauss('x', 5, [-1, 1], 0.3),
    { op: 'basis', basis: 'poly', axes: ['t'], n: 3, over: [0, 1], width: 0, seed: 0 },
  ],
};

/** A dense symmetric (not definite: the form must not rely on it) [F, F]. */
function symmetric(F: number, seed: number): Float64Array {
  const u = normals(seed, F * F);
  const A = new Float64Array(F * F);
  for (let i = 0; i < F; i++) for (let j = 0; j <= i; j++) A[i * F + j] = A[j * F + i] = u[i * F + j];
  return A;
}

describe('runtime/vkernel leverages', () => {
  for (const [name, tree, N] of [
    ['product rows', product, 3000],
    ['dense fallback', concat, 200],
  ] as const) {
    let memo: ReturnType<typeof bothPaths> | undefined;
    const bothPaths = () => {
      const fm = compileFeatures(tree, 2);
      // clustered points, so that many share their windows (as the Fig. 3 design does)
      const x = normals(21, 2 * N).map((v) => 0.3 * v);
      const t = uniforms(22, N).map((v) => 0.3 + 0.1 * v);
      const rows = designRows(fm, x, t, N);
      const A = symmetric(fm.F, 23);
      const simd = withLinalgSimd(true, () => leverages(rows, A));
      const js = withLinalgSimd(false, () => leverages(rows, A));
      return { rows, F: fm.F, A, simd, js };
    };
    const computed = () => (memo ??= bothPaths());

    it(`equal phi^T A phi within the summation bound, SIMD and JS: ${name}`, () => {
      const { rows, F, A, simd, js } = computed();
      for (let j = 0; j < N; j++) {
        const s0 = rows.start[j];
        const n = rows.start[j + 1] - s0;
        let h = 0;
        let mag = 0;
        for (let p = 0; p < n; p++) {
          let s = 0;
          for (let q = 0; q < n; q++) {
            const a = A[rows.col[s0 + p] * F + rows.col[s0 + q]] * rows.val[s0 + q];
            s += a;
            mag += Math.abs(rows.val[s0 + p] * a);
          }
          h += rows.val[s0 + p] * s;
        }
        const bound = 2 * (2 * n + 2) * EPS * mag;
        expect(Math.abs(js[j] - h), `JS, point ${j}`).to.be.at.most(bound);
        expect(Math.abs(simd[j] - h), `SIMD, point ${j}`).to.be.at.most(bound);
      }
    });

    it(`sum in another order on the SIMD path than on the JS loop, so the bound above tests the SIMD kernel: ${name}`, function () {
      if (!linalgWasmHere()) this.skip(); // no WebAssembly SIMD here: both runs took the JS loop
      const { simd, js } = computed();
      expect(simd.some((v, j) => v !== js[j])).to.equal(true);
    });
  }

  it('product rows put more than 32 points in one column set (the kernel chunks them)', () => {
    const fm = compileFeatures(product, 2);
    const N = 3000;
    const x = normals(21, 2 * N).map((v) => 0.3 * v);
    const t = uniforms(22, N).map((v) => 0.3 + 0.1 * v);
    const rows = designRows(fm, x, t, N);
    const count = new Map<string, number>();
    for (let j = 0; j < N; j++) {
      const key = rows.col.subarray(rows.start[j], rows.start[j + 1]).join(',');
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    expect(Math.max(...count.values())).to.be.above(32);
  });

  it('gives the same bytes on 1 and 2 threads, the runs shared with a worker (SIMD and JS)', () => {
    const fm = compileFeatures(product, 2);
    const N = 3000;
    const rows = designRows(
      fm,
      normals(31, 2 * N).map((v) => 0.3 * v),
      uniforms(32, N),
      N,
    );
    const A = symmetric(fm.F, 33);
    const threadsBefore = threadCount();
    setThreads(2);
    expect(awaitWorkers(60_000)).to.be.at.least(1);
    for (const simd of [true, false]) {
      setThreads(1);
      const one = withLinalgSimd(simd, () => leverages(rows, A));
      setThreads(2);
      // As in speed-equivalence.test.ts: retry until the worker took runs (the caller may finish
      // all of them before the worker picks its message up).
      let two = withLinalgSimd(simd, () => leverages(rows, A));
      for (let attempt = 1; attempt < 10 && lastRunStats().onCaller === lastRunStats().members; attempt++) {
        two = withLinalgSimd(simd, () => leverages(rows, A));
      }
      const { members, onCaller } = lastRunStats();
      expect(members, 'split into runs').to.be.at.least(2);
      expect(onCaller, 'the worker took runs').to.be.below(members);
      expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer)), `simd ${simd}`).to.equal(true);
    }
    setThreads(threadsBefore);
  });

  it('runs in wasm unless switched off', () => {
    const fm = compileFeatures(concat, 2);
    const N = 10;
    const rows = designRows(fm, normals(1, 2 * N), uniforms(2, N), N);
    const A = symmetric(fm.F, 3);
    const before = linalgSimdCalls();
    withLinalgSimd(false, () => leverages(rows, A));
    expect(linalgSimdCalls()).to.equal(before);
    withLinalgSimd(true, () => leverages(rows, A));
    expect(linalgSimdCalls()).to.equal(before + (linalgWasmHere() ? 1 : 0));
  });
});
