import { expect } from 'chai';
import type { IrSample } from '../../compiler/ir/types.js';
import { makeNtkState, ntkEnsemble, ntkTheta, type NtkNode } from '../../runtime/models/ntk.js';
import { ntkMuCov, ntkPopulation } from '../../runtime/vkernel/ntk.js';
import { memorizedFraction } from '../../runtime/metrics.js';
import { normals } from '../../runtime/rng.js';
import { selectBackend } from '../../runtime/backend.js';
import { vp } from './setup.js';

// Two points: a barely trained network (mu_hat ~ 0) sends every sample to the gap at 0, so
// "memorizes more" cannot be confused with collapsing onto a training point.
const two = { points: Float64Array.from([-1, 1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 1 };
const ntkNode = (tau: number, P: number): NtkNode => ({
  kind: 'model', name: 'n', data: 'd', forward: 'f', type: 'ntk', depth: 1, samples: P, tau, lr: 1, design: 200,
  t_range: [1e-2, 1], seed: 3,
});

describe('runtime NTK models (docs/theory.md 10)', function () {
  this.timeout(60000);
  before(async () => {
    await selectBackend('wasm');
  });

  it('the arc-cosine NTK equals the average over a wide finite ReLU network', () => {
    // f(u) = sqrt(2/m) sum_j a_j relu(w_j.u): Theta = (2/m) sum_j [relu(w.u) relu(w.v) + a_j^2 1(w.u>0) 1(w.v>0) u.v].
    const m = 100000;
    const e = 3;
    const w = normals(21, m * e);
    const a = normals(22, m);
    const pairs: [number[], number[]][] = [
      [[0.3, -0.5, 1], [0.3, -0.5, 1]],
      [[0.3, -0.5, 1], [-0.7, 0.9, 1]],
      [[1.2, 1, 1], [-1.4, -1, 1]],
      [[0, 0.2, 1], [0.05, -0.8, 1]],
    ];
    for (const [u, v] of pairs) {
      const uv = u.reduce((s, x, i) => s + x * v[i], 0);
      let sum = 0;
      let sq = 0;
      for (let j = 0; j < m; j++) {
        let pu = 0;
        let pv = 0;
        for (let i = 0; i < e; i++) {
          pu += w[j * e + i] * u[i];
          pv += w[j * e + i] * v[i];
        }
        const term = 2 * (Math.max(pu, 0) * Math.max(pv, 0) + (pu > 0 && pv > 0 ? a[j] * a[j] * uv : 0));
        sum += term;
        sq += term * term;
      }
      const mean = sum / m;
      const se = Math.sqrt((sq / m - mean * mean) / m);
      const theta = ntkTheta(Float64Array.from(u), 0, Float64Array.from(v), 0, e, 1);
      // 4 standard errors of the width average; the SE is below 2% of the diagonal scale
      // sqrt(Theta(u,u) Theta(v,v)) = 2 |u| |v|, so a wrong arc-cosine order (off by tens of %) fails.
      expect(Math.abs(mean - theta), `Theta(${u}, ${v}) = ${theta}, network ${mean} +- ${se}`).to.be.below(4 * se);
      const scale = 2 * Math.hypot(...u) * Math.hypot(...v);
      expect(se / scale).to.be.below(0.02);
    }
    // He scaling keeps the diagonal: Theta^L(u, u) = (L + 1) |u|^2 for every depth.
    const u = Float64Array.from([0.4, -1.1, 1]);
    const n2 = 0.16 + 1.21 + 1;
    for (const L of [1, 2, 3]) expect(ntkTheta(u, 0, u, 0, 3, L)).to.be.closeTo((L + 1) * n2, 1e-12);
  });

  it('V-kernel: tau -> 0 gives V -> 0 (like tau^2), and V grows with tau', () => {
    const pop = ntkPopulation(makeNtkState(ntkNode(1, 64), two, vp), 200, 1);
    const V = (tau: number) => {
      const p = { ...pop, state: makeNtkState(ntkNode(tau, 64), two, vp) };
      return ntkMuCov(p, Float64Array.from([0]), 0.05, Float64Array.from([0]), 0.05).cov[0];
    };
    // k_tau ~ lr tau Theta for lr tau nu_max << 1 (nu_max ~ 10 here): V ratio 1e-2 within 1%.
    expect(V(1e-4) / V(1e-3)).to.be.closeTo(1e-2, 1e-4);
    expect(V(1e-4) / V(1)).to.be.below(1e-5);
    const taus = [0.01, 0.1, 1, 10, 100, 1e300];
    const vs = taus.map(V);
    for (let i = 1; i < vs.length; i++) expect(vs[i], `V(tau = ${taus[i]}) > V(tau = ${taus[i - 1]})`).to.be.above(vs[i - 1]);
  });

  it('a large-tau NTK ensemble memorizes more than a small-tau one', () => {
    const node = (seed: number): Extract<IrSample, { method: 'ensemble' }> => ({
      kind: 'sample', name: 's', data: 'd', forward: 'f', draws: 600, seed, solver: 'euler',
      grid: { steps: 30, t_min: 1e-2, spacing: 'uniform', rho: 7 },
      histogram: { bins: 30, range: [[-1.5, 1.5]] }, method: 'ensemble', model: 'n', members: 3,
    });
    const memorized = (tau: number) => {
      const out = ntkEnsemble(node(5), makeNtkState(ntkNode(tau, 64), two, vp));
      const v = out.value;
      if (v.kind !== 'sample') throw new Error('expected samples');
      return memorizedFraction(v.samples, v.n, 1, two, 0.1);
    };
    const small = memorized(0.3);
    const large = memorized(1e300);
    // Measured 0.0x vs ~0.4-0.5 (1800 samples each: binomial SE ~0.012); require a gap of 0.15.
    expect(large - small, `memorized fraction tau = 1e300: ${large}, tau = 0.3: ${small}`).to.be.above(0.15);
  });
});
