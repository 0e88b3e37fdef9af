import { expect } from 'chai';
import type { IrNode } from '../../compiler/ir/types.js';
import { compileSource } from '../../compiler/driver.js';
import { executeCell } from '../../runtime/execute.js';
import { NODES } from '../../runtime/nodes/index.js';
import { posterior } from '../../runtime/posterior.js';
import { makeSchedule } from '../../runtime/schedule.js';
import { makeNtkState, type NtkNode } from '../../runtime/models/ntk.js';
import { ntkDesign, ntkMean, ntkMuCov, ntkPopulation } from '../../runtime/vkernel/ntk.js';
import { deriveSeed } from '../../runtime/rng.js';
import { dataNode, docOf, useWasm, VP } from './helpers.js';

const POINTS = [[-1], [0], [1]];
const T = [0.3, 0.6];
const GRID = { axes: [{ lo: -1, hi: 1, n: 9 }] };

function linearCell(ridge: number, parametrization: 'denoiser' | 'score'): IrNode[] {
  const eps = 0.01;
  return [
    dataNode('data', POINTS),
    VP,
    {
      kind: 'features',
      name: 'phi',
      count: 24 * 10,
      tree: {
        op: 'product',
        factors: [
          { op: 'basis', basis: 'gauss', axes: ['x'], n: 24, over: [-1.5, 1.5], width: 3 / 23 / 2, seed: 0 },
          { op: 'basis', basis: 'gauss', axes: ['t'], n: 10, over: [eps, 1], width: (1 - eps) / 9 / 2, seed: 0 },
        ],
      },
    },
    // samples only enters the 1/P correction of the ensemble mean: large P isolates the ridge bias.
    {
      kind: 'model',
      name: 'lin',
      data: 'data',
      forward: 'fwd',
      type: 'linear',
      features: 'phi',
      samples: 1e6,
      ridge,
      parametrization,
      t_range: [eps, 1],
      seed: 3,
    },
    {
      kind: 'map',
      name: 'err',
      quantity: 'score_error',
      data: 'data',
      forward: 'fwd',
      model: 'lin',
      grid: GRID,
      t: T,
      ref: null,
      mc_samples: 6000,
      seed: 5,
    },
  ];
}

const schedule = makeSchedule(VP as Extract<IrNode, { kind: 'forward' }>);
const set = {
  points: Float64Array.from(POINTS.flat()),
  weights: Float64Array.from([1, 1, 1].map((w) => w / 3)),
  M: 3,
  dim: 1,
};
const xs = Float64Array.from({ length: 9 }, (_, i) => -1 + i / 4);

describe('runtime map.score_error', function () {
  this.timeout(60_000);
  useWasm();

  it('is registered in the node implementation table', () => {
    expect(NODES.map.score_error).to.be.a('function');
  });

  it('is exactly 0 for the true model, and 0 in the mean for the naive model with noise_scale = sqrt(kappa tr C)', async () => {
    const kappa = 0.3;
    const { doc, cell } = docOf([
      dataNode('data', POINTS),
      VP,
      { kind: 'model', name: 'exact', data: 'data', forward: 'fwd', type: 'true' },
      { kind: 'model', name: 'nv', data: 'data', forward: 'fwd', type: 'naive', kappa },
      {
        kind: 'map',
        name: 'e_true',
        quantity: 'score_error',
        data: 'data',
        forward: 'fwd',
        model: 'exact',
        grid: GRID,
        t: T,
        ref: null,
        mc_samples: 10,
        seed: 1,
      },
      {
        kind: 'map',
        name: 'e_naive',
        quantity: 'score_error',
        data: 'data',
        forward: 'fwd',
        model: 'nv',
        grid: GRID,
        t: T,
        ref: null,
        mc_samples: 10,
        seed: 1,
      },
    ]);
    const r = await executeCell(doc, cell, { backend: 'wasm' });
    const et = r.nodes.e_true.arrays;
    expect(et.values.shape).to.deep.equal([2, 9, 1]);
    expect(Array.from(et.values.data as Float64Array).every((v) => v === 0)).to.equal(true);
    expect(Array.from(et.rms.data as Float64Array).every((v) => v === 0)).to.equal(true);
    expect(Array.from(et.grid_x.data as Float64Array)).to.deep.equal(Array.from(xs));
    const en = r.nodes.e_naive.arrays;
    expect(Array.from(en.values.data as Float64Array).every((v) => v === 0)).to.equal(true);
    expect(en.noise_scale.shape).to.deep.equal([2, 9]);
    T.forEach((t, k) => {
      const trC = posterior(set, schedule, t, xs, ['trC']).trC!;
      // Same float64 formula on the same points: agreement to rounding.
      xs.forEach((_, g) => expect(en.noise_scale.data[k * 9 + g]).to.be.closeTo(Math.sqrt(kappa * trC[g]), 1e-12));
      expect(Math.max(...Array.from(trC))).to.be.above(0);
    });
  });

  it('a rich linear model with a tiny ridge has a small mean error inside the data range', async () => {
    const { doc, cell } = docOf(linearCell(1e-6, 'denoiser'));
    const r = await executeCell(doc, cell, { backend: 'wasm' });
    const { values, rms } = r.nodes.err.arrays;
    T.forEach((t, k) => {
      const s = posterior(set, schedule, t, xs, ['score']).score!;
      const scale = Math.max(...Array.from(s).map(Math.abs));
      for (let g = 0; g < 9; g++) {
        const e = values.data[k * 9 + g] as number;
        // At t >= 0.3 the exact score is smooth and 240 Gaussian features fit it to ~0.1% of its
        // size (measured); 3% leaves room for the Monte-Carlo design of 6000 points, while a
        // wrong score conversion (alpha, s2 or sign) is off by order 1 of the scale.
        expect(Math.abs(e), `x=${xs[g]} t=${t}`).to.be.below(0.03 * scale);
        expect(rms.data[k * 9 + g] as number).to.be.at.least(Math.abs(e));
      }
    });
  });

  it('a huge ridge shrinks the model to 0: error -alpha mu_bar / s2 (denoiser) and -s (score)', async () => {
    for (const param of ['denoiser', 'score'] as const) {
      const { doc, cell } = docOf(linearCell(1e9, param));
      const r = await executeCell(doc, cell, { backend: 'wasm' });
      const v = r.nodes.err.arrays.values.data as Float64Array;
      T.forEach((t, k) => {
        const post = posterior(set, schedule, t, xs, ['mean', 'score']);
        const al = schedule.alpha(t);
        const s2 = schedule.s2(t);
        for (let g = 0; g < 9; g++) {
          // A shrunk denoiser predicts mu_hat = 0, so s_hat = -x/s2 and s_hat - s = -alpha mu_bar/s2:
          // the bias points against the posterior mean. A shrunk score model predicts 0: bias -s.
          const want = param === 'denoiser' ? (-al * post.mean![g]) / s2 : -post.score![g];
          // W ~ <lambda y phi>/gamma is ~1e-5 of the targets at gamma = 1e9 (feature sums ~1e4).
          expect(v[k * 9 + g], `${param} x=${xs[g]} t=${t}`).to.be.closeTo(want, 1e-3 * Math.abs(want) + 1e-6);
        }
      });
    }
  });

  it('NTK: the continuum mean at a design point is E[x0|z_j] - r_j of the V-kernel population', () => {
    const spec: NtkNode = {
      kind: 'model',
      name: 'n',
      data: 'data',
      forward: 'fwd',
      type: 'ntk',
      depth: 1,
      samples: 64,
      tau: 3,
      lr: 1,
      design: 150,
      t_range: [0.01, 1],
      seed: 3,
    };
    const state = makeNtkState(spec, set, schedule);
    const pop = ntkPopulation(state, 150, 9);
    const s = ntkDesign(state, 150, 9);
    for (const j of [0, 40, 149]) {
      const x = s.x.subarray(j, j + 1);
      const ybar = posterior(set, schedule, s.t[j], x, ['mean']).mean![0];
      // Two float64 routes to the same Nystrom sum (the extension to z_j through the kernel, and the
      // eigenvectors at z_j): they differ by rounding in the N = 150 eigenvectors only.
      expect(ntkMean(pop, x, s.t[j])[0], `design point ${j}`).to.be.closeTo(ybar - pop.resid[j], 1e-8);
    }
  });

  it('NTK: an untrained network (tau -> 0) predicts mu_hat = 0, so the error is -alpha mu_bar / s2', async () => {
    const { doc, cell } = docOf([
      dataNode('data', POINTS),
      VP,
      {
        kind: 'model',
        name: 'net',
        data: 'data',
        forward: 'fwd',
        type: 'ntk',
        depth: 1,
        samples: 64,
        tau: 1e-9,
        lr: 1,
        design: 120,
        t_range: [0.01, 1],
        seed: 3,
      },
      {
        kind: 'map',
        name: 'err',
        quantity: 'score_error',
        data: 'data',
        forward: 'fwd',
        model: 'net',
        grid: GRID,
        t: T,
        ref: null,
        mc_samples: 10,
        seed: 5,
      },
    ]);
    const r = await executeCell(doc, cell, { backend: 'wasm' });
    expect(r.nodes.err.scalars.mc_samples).to.equal(120);
    const v = r.nodes.err.arrays.values.data as Float64Array;
    T.forEach((t, k) => {
      const m = posterior(set, schedule, t, xs, ['mean']).mean!;
      const c = schedule.alpha(t) / schedule.s2(t);
      // The gradient-flow filter is lr tau nu ~ 1e-9 nu_max: mu_hat ~ 1e-8 of the targets.
      for (let g = 0; g < 9; g++) expect(v[k * 9 + g]).to.be.closeTo(-c * m[g], 1e-6);
    });
  });

  it('NTK: rms is sqrt(|mean error|^2 + (alpha/s2)^2 tr Cov[mu_hat]) with the covariance of vkernel/ntk.ts, point by point (tau = 3)', async () => {
    const net: NtkNode = {
      kind: 'model',
      name: 'net',
      data: 'data',
      forward: 'fwd',
      type: 'ntk',
      depth: 1,
      samples: 64,
      tau: 3,
      lr: 1,
      design: 120,
      t_range: [0.01, 1],
      seed: 3,
    };
    const map = {
      kind: 'map' as const,
      name: 'err',
      quantity: 'score_error' as const,
      data: 'data',
      forward: 'fwd',
      model: 'net',
      grid: GRID,
      t: T,
      ref: null,
      mc_samples: 10,
      seed: 5,
    };
    const { doc, cell } = docOf([dataNode('data', POINTS), VP, net, map]);
    const r = await executeCell(doc, cell, { backend: 'wasm' });
    const values = r.nodes.err.arrays.values.data as Float64Array;
    const rms = r.nodes.err.arrays.rms.data as Float64Array;
    // The single-point route (ntkMuCov) on the model's own design, independent of the map's blocks.
    const pop = ntkPopulation(makeNtkState(net, set, schedule), 120, deriveSeed(3, 'design'));
    let spread = 0;
    T.forEach((t, k) => {
      const c = schedule.alpha(t) / schedule.s2(t);
      for (let g = 0; g < 9; g++) {
        const x = xs.subarray(g, g + 1);
        const cov = ntkMuCov(pop, x, t, x, t).cov[0];
        const want = Math.sqrt(values[k * 9 + g] ** 2 + c * c * cov);
        expect(rms[k * 9 + g], `x=${xs[g]} t=${t}`).to.be.closeTo(want, 1e-12 * want);
        spread = Math.max(spread, c * c * cov);
      }
    });
    // The covariance term is not negligible, so a wrong pairing of rows would show.
    expect(spread).to.be.greaterThan(1e-3);
  });

  // The checker admits only trained models in score_error (GTV0310); true and naive are runtime-only.
  it('runs a compiled study with a score_error map of a linear model', async () => {
    const text = `study errors {
  data train = points([-1], [0], [1])
  forward vp = vp(beta_min = 0.1, beta_d = 19.9, T = 1)
  features phi = gauss(x, n = 12, over = -1.5 .. 1.5) * gauss(t, n = 6, over = 0.01 .. 1)
  model lin = linear(phi, samples = 256, ridge = 0.1)
  map e_lin = score_error(lin, grid = interval(-1.5, 1.5, 7), t = [0.2, 0.5], mc_samples = 2000)
}
`;
    const out = compileSource(text, 'errors.gtv');
    expect(
      out.diagnostics.filter((d) => d.severity === 'error'),
      JSON.stringify(out.diagnostics),
    ).to.have.length(0);
    const doc = out.studies[0];
    const r = await executeCell(doc, doc.cells[0], { backend: 'wasm' });
    const lin = r.nodes.e_lin.arrays;
    expect(lin.values.shape).to.deep.equal([2, 7, 1]);
    expect(lin.rms.shape).to.deep.equal([2, 7]);
    expect(lin.t.data.length).to.equal(2);
    expect(r.nodes.e_lin.scalars.mc_samples).to.equal(2000);
    // P = 256 samples and a ridge of 0.1: a trained model is off by a finite, nonzero amount.
    expect(Math.max(...Array.from(lin.rms.data as Float64Array))).to.be.above(0);
    expect(Array.from(lin.rms.data as Float64Array).every(Number.isFinite)).to.equal(true);
  });
});
