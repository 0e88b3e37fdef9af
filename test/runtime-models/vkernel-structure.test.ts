// The structured population algebra (vkernel/design-rows.ts, spd-inverse.ts, grid-kernel.ts)
// against the plain dense formulas it replaces.
import { expect } from 'chai';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { compileFeatures } from '../../runtime/features.js';
import { designRows, weightedGram } from '../../runtime/vkernel/design-rows.js';
import { inverseFromCholesky } from '../../runtime/linalg/spd-inverse.js';
import { choleskyInPlace } from '../../runtime/linalg/cholesky.js';
import { gridKernel } from '../../runtime/vkernel/grid-kernel.js';
import { whiteIntensity } from '../../runtime/vkernel/white.js';
import { kernelRow, population } from '../../runtime/vkernel/population.js';
import { drawOmegaWeights, omegaField } from '../../runtime/vkernel/omega.js';
import { makeLinearState } from '../../runtime/models/linear-node.js';
import { normals, uniforms } from '../../runtime/rng.js';
import { fig2Tree, gauss, linalgWasmHere, linearNode, three, vp, withLinalgSimd } from './setup.js';
import { linalgSimdCalls } from '../../runtime/linalg/wasm/simd.js';

// Fig. 3 shapes (windows narrower than the factor) times a Fourier factor (no window at all).
const product: IrFeatureTree = {
  op: 'product',
  factors: [
    gauss('x', 12, [-1.5, 1.5], 0.12),
    gauss('y', 6, [-1.5, 1.5], 0.25),
    { op: 'basis', basis: 'fourier', axes: ['t'], n: 3, over: [0, 1], width: 0, seed: 0 },
  ],
};
const concat: IrFeatureTree = {
  op: 'concat',
  parts: [
    gauss('x', 5, [-1, 1], 0.3),
    { op: 'basis', basis: 'poly', axes: ['t'], n: 3, over: [0, 1], width: 0, seed: 0 },
  ],
};

function points(N: number) {
  const x = normals(11, 2 * N).map((v) => 1.2 * v);
  const t = uniforms(12, N);
  const w = uniforms(13, N).map((v) => 0.1 + v);
  return { x, t, w };
}

describe('runtime V-kernel population structure', () => {
  for (const [name, tree] of [
    ['product (Kronecker Gram)', product],
    ['concat (dense fallback)', concat],
  ] as const) {
    it(`sparse rows and the weighted Gram equal the dense formulas: ${name}`, () => {
      const N = 300;
      const fm = compileFeatures(tree, 2);
      const { x, t, w } = points(N);
      const phi = fm.evaluate(x, t, N);
      const rows = designRows(fm, x, t, N);
      const F = fm.F;
      const dense = new Float64Array(N * F);
      for (let j = 0; j < N; j++)
        for (let q = rows.start[j]; q < rows.start[j + 1]; q++) dense[j * F + rows.col[q]] = rows.val[q];
      // Dropped entries are below e^-24 of their factor row's largest, so of the full row's; kept
      // ones are exact products (rounding 1e-15).
      let dropped = 0;
      for (let j = 0; j < N; j++) {
        const big = Math.max(...phi.subarray(j * F, (j + 1) * F).map(Math.abs));
        for (let f = 0; f < F; f++) {
          if (dense[j * F + f] === 0 && phi[j * F + f] !== 0) dropped++;
          const bound = dense[j * F + f] === 0 ? Math.exp(-24) * big : 1e-15 * big;
          expect(Math.abs(dense[j * F + f] - phi[j * F + f])).to.be.at.most(bound);
        }
      }
      if (tree === product) expect(dropped, 'the windows drop entries').to.be.above(0);
      // The Gram of the kept entries, against the plain sum over the same (densified) rows.
      const S = weightedGram(rows, w);
      let top = 0;
      let err = 0;
      for (let a = 0; a < F; a++)
        for (let b = 0; b < F; b++) {
          let s = 0;
          for (let j = 0; j < N; j++) s += w[j] * dense[j * F + a] * dense[j * F + b];
          top = Math.max(top, Math.abs(s));
          err = Math.max(err, Math.abs(S[a * F + b] - s));
        }
      // Sums of 300 positive-weight products in another order: rounding ~ 300 * 1e-16 of the largest.
      expect(err / top).to.be.below(1e-13);
    });
  }

  it('1D tensor-grid kernel rows equal one-point kernel rows', () => {
    const state = makeLinearState(linearNode(200, 0.01), fig2Tree(10, 8, 0.01), three, vp);
    const pop = population(state, 1000, 3);
    const cx = Float64Array.from([-1.4, -0.2, 0.05, 0.9, 1.6]);
    const K = gridKernel(pop, cx, 5, 0.07, [cx])(1, 4);
    for (let g = 0; g < 4; g++) {
      const k = kernelRow(pop, cx.subarray(1 + g, 2 + g), 0.07);
      const top = Math.max(...k.map(Math.abs));
      for (let j = 0; j < pop.N; j++) expect(Math.abs(K[g * pop.N + j] - k[j])).to.be.below(1e-11 * top);
    }
  });

  it('product features (Kronecker paths) and the same features behind a concat (dense paths) give the same population, maps and white-noise table', () => {
    const tree = fig2Tree(10, 8, 0.01);
    const wrapped: IrFeatureTree = { op: 'concat', parts: [tree] };
    const [a, b] = [tree, wrapped].map((t) =>
      population(makeLinearState(linearNode(200, 0.01), t, three, vp), 1500, 8),
    );
    expect(a.rows.factors).to.not.equal(null);
    expect(b.rows.factors).to.equal(null);
    const close = (u: Float64Array, v: Float64Array, what: string) => {
      const top = Math.max(...v.map(Math.abs));
      // The product path drops feature entries below e^-24 = 4e-11 of a factor row's largest
      // (design-rows.ts), the dense path keeps them; through an SPD solve (cond ~1e4 here) that is
      // at most ~4e-7 of the largest entry (measured: 2e-10). A wrong Kronecker index is O(1).
      u.forEach((x, i) => expect(Math.abs(x - v[i]), what).to.be.below(4e-7 * top));
    };
    close(a.Wavg, b.Wavg, 'Wavg');
    close(drawOmegaWeights(omegaField(a), 4, a.Wavg), drawOmegaWeights(omegaField(b), 4, b.Wavg), 'virtual weights');
    const cx = Float64Array.from([-1.3, 0, 0.7]);
    close(gridKernel(a, cx, 3, 0.2, [cx])(0, 3), gridKernel(b, cx, 3, 0.2, [cx])(0, 3), 'kernel rows');
    const times = Float64Array.from([0.9, 0.3, 0.05]);
    const axes = [{ lo: -2, hi: 2, n: 21 }];
    close(whiteIntensity(a, axes, times).q, whiteIntensity(b, axes, times).q, 'white-noise intensity');
  });

  it('virtual models from product rows (grouped X^T Y, WebAssembly and JS) equal the sparse-row sum', () => {
    const data = {
      points: Float64Array.from([1, 0, -1, 0, 0, 1]),
      weights: new Float64Array(3).fill(1 / 3),
      M: 3,
      dim: 2,
    };
    const pop = population(makeLinearState(linearNode(200, 0.01), product, data, vp), 1500, 9);
    const grouped = omegaField(pop);
    expect(grouped.design.kind).to.equal('product');
    const sparse = {
      ...grouped,
      design: { kind: 'sparse' as const, start: pop.rows.start, col: pop.rows.col, val: pop.rows.val },
    };
    const ref = drawOmegaWeights(sparse, 6, pop.Wavg);
    const top = Math.max(...ref.map((v, i) => Math.abs(v - pop.Wavg[i])));
    for (const simd of [true, false]) {
      const calls = linalgSimdCalls();
      const w = withLinalgSimd(simd, () => drawOmegaWeights(grouped, 6, pop.Wavg));
      expect(linalgSimdCalls() > calls, `wasm used: ${simd}`).to.equal(simd && linalgWasmHere());
      // The same products summed in another order (N = 1500 terms per entry), then the same
      // solve: rounding ~ N eps of the largest term; 1e-10 of the deviation from the mean.
      w.forEach((v, i) => expect(Math.abs(v - ref[i])).to.be.below(1e-10 * top));
    }
  });

  it('inverseFromCholesky inverts an SPD matrix', () => {
    const n = 40;
    const B = normals(3, n * n);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
        A[i * n + j] = s;
      }
    const L = A.slice();
    expect(choleskyInPlace(L, n)).to.equal(true);
    const X = inverseFromCholesky(L, n);
    // cond(A) is a few hundred here: residual ~ cond * 1e-16.
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * X[k * n + j];
        expect(Math.abs(s - (i === j ? 1 : 0))).to.be.below(1e-11);
      }
  });

  it('grid kernel rows (product structure) equal one-point kernel rows', () => {
    const data = {
      points: Float64Array.from([1, 0, -1, 0, 0, 1]),
      weights: new Float64Array(3).fill(1 / 3),
      M: 3,
      dim: 2,
    };
    const tree: IrFeatureTree = {
      op: 'product',
      factors: [gauss('x', 6, [-1.5, 1.5], 0.3), gauss('y', 6, [-1.5, 1.5], 0.3), gauss('t', 5, [0.01, 1], 0.12)],
    };
    const state = makeLinearState(linearNode(200, 0.01), tree, data, vp);
    const pop = population(state, 1500, 4);
    const G = 7;
    const xs = normals(5, 2 * G);
    const t = 0.3;
    const K = gridKernel(pop, xs, G, t)(2, 4);
    for (let g = 0; g < 4; g++) {
      const k = kernelRow(pop, xs.subarray((2 + g) * 2, (3 + g) * 2), t);
      const top = Math.max(...k.map(Math.abs));
      // Same sums regrouped (time factor contracted first): rounding relative to the largest term.
      for (let j = 0; j < pop.N; j++) expect(Math.abs(K[g * pop.N + j] - k[j])).to.be.below(1e-11 * top);
    }
    // A tensor grid (per-axis contraction, chunk boundaries inside grid rows) against the same.
    const cx = Float64Array.from([-1.2, -0.3, 0.4, 1.1]);
    const cy = Float64Array.from([-0.8, 0.1, 0.9]);
    const grid = new Float64Array(24);
    for (let g = 0; g < 12; g++) grid.set([cx[Math.floor(g / 3)], cy[g % 3]], 2 * g);
    const rowsOf = gridKernel(pop, grid, 12, t, [cx, cy]);
    for (const [g0, C] of [
      [0, 12],
      [4, 5],
    ]) {
      const Kt = rowsOf(g0, C);
      for (let g = 0; g < C; g++) {
        const k = kernelRow(pop, grid.subarray((g0 + g) * 2, (g0 + g + 1) * 2), t);
        const top = Math.max(...k.map(Math.abs));
        for (let j = 0; j < pop.N; j++) expect(Math.abs(Kt[g * pop.N + j] - k[j])).to.be.below(1e-11 * top);
      }
    }
  });
});
