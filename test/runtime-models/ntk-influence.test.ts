// The design influence of an NTK population (vkernel/ntk.ts influence, blocked over design points)
// against a slow reference written here from the definitions in the header of vkernel/ntk.ts.
import { expect } from 'chai';
import { makeNtkState, type NtkNode } from '../../runtime/models/ntk.js';
import { flowDividedDifference, ntkPopulation, type NtkPopulation } from '../../runtime/vkernel/ntk.js';
import { ntkNode, vp } from './setup.js';

/**
 * Rounding tolerance, relative to the largest entry: the reference sums backwards, so it differs
 * from the implementation by rounding only (at most 3e-14 here).
 */
const TOL = 1e-12;

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  expect(m, 'a non-zero reference').to.be.above(0);
  return d / m;
}

/**
 * a_l = <lambda E[x0 | .] e_l>, m_k(z_j) = sum_l M_kl a_l e_l(z_j),
 * infl_jk = lambda_j e_k(z_j) (f_k E[x0 | z_j] + m_k(z_j)), r_j = E[x0 | z_j] - sum_k e_k(z_j) f_k a_k,
 * with e_k(z_j) = sqrt(N / lambda_j) v_jk.
 */
function reference(pop: NtkPopulation, c: number) {
  const { N, D, lambda, ybar, nu, v } = pop;
  const K = nu.length;
  const e = (j: number, k: number) => Math.sqrt(N / lambda[j]) * v[j * K + k];
  const f = Float64Array.from(nu, (n) => 1 - Math.exp(-c * n));
  const a = new Float64Array(K * D);
  for (let l = 0; l < K; l++)
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let j = N - 1; j >= 0; j--) s += lambda[j] * ybar[j * D + d] * e(j, l);
      a[l * D + d] = s / N;
    }
  const M = flowDividedDifference(nu, c);
  const infl = new Float64Array(N * K * D);
  const inflMean = new Float64Array(K * D);
  const resid = Float64Array.from(ybar);
  for (let j = 0; j < N; j++)
    for (let k = 0; k < K; k++)
      for (let d = 0; d < D; d++) {
        let m = 0;
        for (let l = K - 1; l >= 0; l--) m += M[k * K + l] * a[l * D + d] * e(j, l);
        infl[(j * K + k) * D + d] = lambda[j] * e(j, k) * (f[k] * ybar[j * D + d] + m);
        resid[j * D + d] -= e(j, k) * f[k] * a[k * D + d];
      }
  for (let j = N - 1; j >= 0; j--) for (let i = 0; i < K * D; i++) inflMean[i] += infl[j * K * D + i] / N;
  return { infl, inflMean, resid };
}

const spec = (design: number): NtkNode => ntkNode({ samples: 64, tau: 10, design, seed: 6 });

describe('NTK population design influence (vkernel/ntk.ts)', () => {
  const arc = {
    points: Float64Array.from([1, 0, 0.5, 0.87, -0.5, 0.87, -1, 0]),
    weights: Float64Array.from([0.25, 0.25, 0.25, 0.25]),
    M: 4,
    dim: 2,
  };
  const line = { points: Float64Array.from([-1, 0.3, 1]), weights: Float64Array.from([0.3, 0.3, 0.4]), M: 3, dim: 1 };
  // 41 design points in 2D: blocks of 16, 16 and 9 design points, and 41 modes (odd); 130 in 1D.
  for (const [data, N] of [
    [arc, 41],
    [line, 130],
  ] as const) {
    it(`equals the definitions to ${TOL} (D = ${data.dim}, N = ${N})`, () => {
      const pop = ntkPopulation(makeNtkState(spec(N), data, vp), N, 1);
      const want = reference(pop, 10);
      expect(relDiff(pop.infl, want.infl), 'infl').to.be.at.most(TOL);
      expect(relDiff(pop.inflMean, want.inflMean), 'inflMean').to.be.at.most(TOL);
      expect(relDiff(pop.resid, want.resid), 'resid').to.be.at.most(TOL);
    });
  }
});
