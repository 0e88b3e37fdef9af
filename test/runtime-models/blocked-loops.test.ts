// The register-blocked loops (models/linear.ts normalSums, linalg/cholesky.ts choleskySolve on
// many right-hand sides, design-rows.ts's Gram of full rows) against the one-row / one-column
// loops they replace: each entry sees the same operations in the same order, so they must agree
// bit for bit (Object.is: -0 and +0 count as different).
import { expect } from 'chai';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { normalSums } from '../../runtime/models/linear.js';
import { choleskyInPlace, choleskySolve, solveLower, solveUpperT } from '../../runtime/linalg/cholesky.js';
import { designRows, weightedGram } from '../../runtime/vkernel/design-rows.js';
import { compileFeatures } from '../../runtime/features.js';
import { normals, uniforms } from '../../runtime/rng.js';

/** Sum_i lambda_i phi_i phi_i^T (upper triangle) and Phi^T Lambda Y, one row at a time. */
function rowByRow(Phi: Float64Array, P: number, F: number, lambda: Float64Array, Y: Float64Array, D: number) {
  const G = new Float64Array(F * F);
  const B = new Float64Array(F * D);
  for (let i = 0; i < P; i++) {
    for (let a = 0; a < F; a++) {
      const va = lambda[i] * Phi[i * F + a];
      if (va === 0) continue;
      for (let b = a; b < F; b++) G[a * F + b] += va * Phi[i * F + b];
      for (let d = 0; d < D; d++) B[a * D + d] += va * Y[i * D + d];
    }
  }
  return { G, B };
}

function countDiffering(a: Float64Array, b: Float64Array): number {
  expect(a.length).to.equal(b.length);
  let n = 0;
  a.forEach((v, i) => (n += Object.is(v, b[i]) ? 0 : 1));
  return n;
}

describe('runtime blocked loops equal the plain loops bit for bit', () => {
  for (const P of [1, 3, 4, 7, 203]) {
    it(`normalSums, P = ${P} (four rows per sweep plus a remainder), with zero weights and entries`, () => {
      const F = 37;
      const D = 2;
      const Phi = normals(31 + P, P * F);
      for (let i = 0; i < Phi.length; i += 5) Phi[i] = 0;
      const lambda = uniforms(32 + P, P).map((v) => 0.1 + 100 * v);
      if (P > 1) lambda[1] = 0;
      const Y = normals(33 + P, P * D);
      const got = normalSums(Phi, P, F, lambda, Y, D);
      const ref = rowByRow(Phi, P, F, lambda, Y, D);
      expect(countDiffering(got.G, ref.G)).to.equal(0);
      expect(countDiffering(got.B, ref.B)).to.equal(0);
      expect(Math.max(...got.G.map(Math.abs)), 'not all zero').to.be.above(0);
    });
  }

  it('the weighted Gram of full (non-product) design rows equals the sparse-row loop', () => {
    const tree: IrFeatureTree = {
      op: 'basis',
      basis: 'rff',
      axes: ['x', 't'],
      n: 25,
      over: [-1, 1],
      width: 0.5,
      seed: 3,
    };
    const fm = compileFeatures(tree, 1);
    const N = 101;
    const x = normals(41, N);
    const t = uniforms(42, N);
    const rows = designRows(fm, x, t, N);
    expect(rows.factors).to.equal(null);
    const w = uniforms(43, N);
    w[7] = 0;
    const got = weightedGram(rows, w);
    const F = fm.F;
    const ref = new Float64Array(F * F);
    for (let j = 0; j < N; j++) {
      if (w[j] === 0) continue;
      for (let p = rows.start[j]; p < rows.start[j + 1]; p++) {
        const va = w[j] * rows.val[p];
        for (let q = p; q < rows.start[j + 1]; q++) ref[rows.col[p] * F + rows.col[q]] += va * rows.val[q];
      }
    }
    for (let a = 0; a < F; a++) for (let b = 0; b < a; b++) ref[a * F + b] = ref[b * F + a];
    expect(countDiffering(got, ref)).to.equal(0);
  });

  for (const m of [1, 3, 4, 6, 9, 130]) {
    it(`choleskySolve with ${m} right-hand side(s) equals solveLower then solveUpperT per column`, () => {
      const n = 45;
      const A = normals(51, n * n);
      const S = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = i === j ? 0.5 : 0;
          for (let k = 0; k < n; k++) s += A[i * n + k] * A[j * n + k];
          S[i * n + j] = s;
        }
      expect(choleskyInPlace(S, n)).to.equal(true);
      const B = normals(52 + m, n * m);
      const got = Float64Array.from(B);
      choleskySolve(S, n, got, m);
      const ref = Float64Array.from(B);
      const col = new Float64Array(n);
      for (let c = 0; c < m; c++) {
        for (let k = 0; k < n; k++) col[k] = ref[k * m + c];
        solveLower(S, n, col);
        solveUpperT(S, n, col);
        for (let k = 0; k < n; k++) ref[k * m + c] = col[k];
      }
      expect(countDiffering(got, ref)).to.equal(0);
    });
  }
});
