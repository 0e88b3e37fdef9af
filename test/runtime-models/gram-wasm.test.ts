// The Kronecker Gram of product features (vkernel/design-rows.ts weightedGram) by groups of points
// in WebAssembly SIMD against the JS recursion over points (GTV_SIMD=0), for one, two and three
// factors (Gaussian windows and a Fourier factor with none), with zero weights in the design.
//
// Tolerance: both paths form the same float products (((w a) b) c) and differ only in the order
// of the sum over the N points (grouped by window, then groups in order), so each entry is within
// (N + 1) eps sum_j |w_j phi_j phi_j^T| of the exact sum and the two within twice that; the
// magnitude is computed per entry. A wrong pair index, a lost group or a lost point is O(entry).
import { expect } from 'chai';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { compileFeatures } from '../../runtime/features.js';
import { designRows, weightedGram } from '../../runtime/vkernel/design-rows.js';
import { linalgSimdCalls } from '../../runtime/linalg/wasm/simd.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { gauss, linalgWasmHere, withLinalgSimd } from './setup.js';

const EPS = 2 ** -52;

const fourier: IrFeatureTree = { op: 'basis', basis: 'fourier', axes: ['t'], n: 3, over: [0, 1], width: 0, seed: 0 };
const trees: [string, IrFeatureTree][] = [
  ['one factor', { op: 'product', factors: [gauss('x', 9, [-1.5, 1.5], 0.2)] }],
  [
    'two factors (Fig. 2 shape)',
    { op: 'product', factors: [gauss('x', 12, [-1.5, 1.5], 0.1), gauss('t', 8, [0.01, 1], 0.04)] },
  ],
  [
    'three factors (Fig. 3 shape)',
    {
      op: 'product',
      factors: [gauss('x', 8, [-1.5, 1.5], 0.17), gauss('y', 7, [-1.5, 1.5], 0.2), gauss('t', 9, [0.01, 1], 0.06)],
    },
  ],
  [
    'Gaussian windows times Fourier',
    { op: 'product', factors: [gauss('x', 10, [-1.5, 1.5], 0.12), gauss('y', 6, [-1.5, 1.5], 0.25), fourier] },
  ],
];

describe('runtime/vkernel Kronecker Gram in WebAssembly SIMD', () => {
  for (const [name, tree] of trees) {
    it(`equals the JS recursion within the reordered-sum bound: ${name}`, () => {
      const N = 2000;
      const fm = compileFeatures(tree, 2);
      // clustered points, so that some groups sharing windows span more than one wasm call of 64
      const x = normals(31, 2 * N).map((v) => 0.2 * v);
      const t = uniforms(32, N).map((v) => 0.3 + 0.1 * v);
      const w = uniforms(33, N).map((v, j) => (j % 7 === 3 ? 0 : 0.1 + v));
      const rows = designRows(fm, x, t, N);
      const F = fm.F;
      const before = linalgSimdCalls();
      const simd = withLinalgSimd(true, () => weightedGram(rows, w));
      expect(linalgSimdCalls() - before).to.equal(linalgWasmHere() ? 1 : 0);
      const js = withLinalgSimd(false, () => weightedGram(rows, w));
      expect(linalgSimdCalls() - before, 'switched off: no wasm call').to.equal(linalgWasmHere() ? 1 : 0);
      const mag = new Float64Array(F * F);
      for (let j = 0; j < N; j++)
        for (let p = rows.start[j]; p < rows.start[j + 1]; p++)
          for (let q = rows.start[j]; q < rows.start[j + 1]; q++)
            mag[rows.col[p] * F + rows.col[q]] += Math.abs(w[j] * rows.val[p] * rows.val[q]);
      for (let i = 0; i < F * F; i++)
        expect(Math.abs(simd[i] - js[i]), `entry ${i}`).to.be.at.most(2 * (N + 1) * EPS * mag[i]);
      const group = new Map<string, number>();
      for (let j = 0; j < N; j++) {
        const key = rows.col.subarray(rows.start[j], rows.start[j + 1]).join(',');
        group.set(key, (group.get(key) ?? 0) + 1);
      }
      expect(Math.max(...group.values()), 'a group larger than one wasm call').to.be.above(64);
      // symmetric exactly (unpacked from one triangle)
      for (let a = 0; a < F; a++) for (let b = 0; b < a; b++) expect(simd[a * F + b]).to.equal(simd[b * F + a]);
    });
  }
});
