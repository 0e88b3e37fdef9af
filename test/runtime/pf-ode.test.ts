import { expect } from 'chai';
import type { IrForward } from '../../compiler/ir/types.js';
import * as tf from '../../runtime/tf.js';
import { makeSchedule } from '../../runtime/schedule.js';
import { timeGrid } from '../../runtime/timegrid.js';
import { samplePfOde } from '../../runtime/samplers/pf-ode.js';
import { exactScore } from '../../runtime/nodes/basic.js';
import { scoreFromDenoiser } from '../../runtime/integrate.js';
import { posterior } from '../../runtime/posterior.js';
import { mixtureBinProbabilities, sampleBinProbabilities, totalVariation } from '../../runtime/metrics.js';
import { executeCell } from '../../runtime/execute.js';
import { NonFiniteError } from '../../runtime/errors.js';
import { dataNode, docOf, pfOdeNode, useWasm, VP, executeError } from './helpers.js';

const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const data = {
  points: Float64Array.from([-1, 0, 1]),
  weights: Float64Array.from([1, 1, 1].map((w) => w / 3)),
  M: 3,
  dim: 1,
};

/**
 * Monte-Carlo tolerance for the total variation between an n-sample histogram (B bins, plus the
 * outside bin) and its true bin probabilities: E[TV] <= (1/2) sum_b sqrt(p_b/n) <= (1/2) sqrt((B+1)/n)
 * by Cauchy-Schwarz, and TV moves by at most 1/n per sample, so by McDiarmid it exceeds its mean by
 * u with probability <= exp(-2 n u^2); u = sqrt(ln(1e4)/(2n)) makes a false failure < 1e-4.
 */
function tvTolerance(n: number, bins: number): number {
  return 0.5 * Math.sqrt((bins + 1) / n) + Math.sqrt(Math.log(1e4) / (2 * n));
}

describe('runtime/pf-ode', () => {
  useWasm();

  it('with the exact score lands on p(x | eps): peaks at alpha_eps mu_m, spread sigma_eps, TV within MC error', () => {
    const n = 20000;
    const eps = 0.01;
    // Heun on a Karras grid: 30 steps resolve the small-t end well enough that the integration
    // bias (measured ~0.005 TV) is far below the Monte-Carlo tolerance.
    const times = timeGrid({ steps: 30, t_min: eps, spacing: 'karras', rho: 7 }, 1);
    const x = samplePfOde({
      schedule: vp,
      dim: 1,
      draws: n,
      times,
      solver: 'heun',
      seed: 11,
      score: exactScore(data, vp),
      budget: 1e9,
      M: 3,
    });
    const spec = { bins: 60, range: [[-1.5, 1.5]] as [number, number][] };
    const tv = totalVariation(sampleBinProbabilities(x, n, 1, spec), mixtureBinProbabilities(data, vp, eps, spec));
    expect(tv).to.be.below(tvTolerance(n, 60));
    const a = vp.alpha(eps);
    const sd = Math.sqrt(vp.s2(eps));
    for (const mu of [-1, 0, 1]) {
      const near = Array.from(x).filter((v) => Math.abs(v - a * mu) < 0.4);
      const k = near.length;
      // each mode holds 1/3 of the draws: binomial, 5 standard errors
      expect(k / n).to.be.closeTo(1 / 3, 5 * Math.sqrt(2 / 9 / n));
      const mean = near.reduce((p, v) => p + v, 0) / k;
      const std = Math.sqrt(near.reduce((p, v) => p + (v - mean) ** 2, 0) / (k - 1));
      // mean: 5 standard errors sd/sqrt(k); std: 5 standard errors sd/sqrt(2k) plus 2% for the
      // residual integration bias
      expect(mean).to.be.closeTo(a * mu, (5 * sd) / Math.sqrt(k));
      expect(std).to.be.closeTo(sd, (5 * sd) / Math.sqrt(2 * k) + 0.02 * sd);
    }
  });

  it('transports N(0, S_T) to p(x | t_min) under EDM, VE and the Fig. 1 alpha_sigma schedule', () => {
    // A wrong D_t (VE's sigma sigma', the AD-derived beta and D of alpha_sigma) would transport
    // to the wrong marginal, so this checks each schedule's (alpha, beta, D, S) as a whole.
    // Heun, 40 Karras steps; TV within the derived MC bound.
    const n = 8000;
    const spec = { bins: 40, range: [[-1.6, 1.6]] as [number, number][] };
    const cases: [string, IrForward, number][] = [
      ['edm', { kind: 'forward', name: 'f', T: 80, process: 'edm' }, 0.05],
      ['ve', { kind: 'forward', name: 'f', T: 1, process: 've', sigma_min: 0.01, sigma_max: 50 }, 0.2],
      [
        'alpha_sigma',
        {
          kind: 'forward',
          name: 'f',
          T: 0.99,
          process: 'alpha_sigma',
          alpha: { op: 'sqrt', args: [{ op: 'sub', args: [{ op: 'const', value: 1 }, { op: 't' }] }] },
          sigma2: { op: 't' },
        },
        0.005,
      ],
    ];
    for (const [label, node, tMin] of cases) {
      const s = makeSchedule(node);
      const times = timeGrid({ steps: 40, t_min: tMin, spacing: 'karras', rho: 7 }, s.T);
      const x = samplePfOde({
        schedule: s,
        dim: 1,
        draws: n,
        times,
        solver: 'heun',
        seed: 21,
        score: exactScore(data, s),
        budget: 1e9,
        M: 3,
      });
      const tv = totalVariation(sampleBinProbabilities(x, n, 1, spec), mixtureBinProbabilities(data, s, tMin, spec));
      expect(tv, `${label} (sigma at t_min ${Math.sqrt(s.s2(tMin)).toFixed(3)})`).to.be.below(
        tvTolerance(n, spec.bins),
      );
    }
  });

  it('anisotropic process (full M, S_t by quadrature): each mode has mean alpha mu and covariance S_eps', () => {
    // Two far-apart points so the modes separate; D_t = M constant in time, so S_t comes from
    // quadratureS2 and the drift uses D = M (full matrix). Per mode (n_m ~ 3000): mean within 5
    // SE, each covariance entry within 5 SE (SE of a sample variance ~ sqrt(2/n) relative) plus 3%
    // integration bias (Heun, 40 Karras steps).
    const aniso = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 1,
      beta_d: 4,
      diffusion: [
        [1, 0.7],
        [0.7, 0.6],
      ],
      diffusion_time: 'constant',
    });
    const pts = { points: Float64Array.from([-2, 1, 2, -1]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 2 };
    const eps = 0.02;
    const n = 6000;
    const times = timeGrid({ steps: 40, t_min: eps, spacing: 'karras', rho: 7 }, 1);
    const x = samplePfOde({
      schedule: aniso,
      dim: 2,
      draws: n,
      times,
      solver: 'heun',
      seed: 2,
      score: exactScore(pts, aniso),
      budget: 1e9,
      M: 2,
    });
    const S = aniso.S(eps, 2);
    const a = aniso.alpha(eps);
    for (const m of [0, 1]) {
      const mu = [a * pts.points[2 * m], a * pts.points[2 * m + 1]];
      const rows: number[][] = [];
      for (let i = 0; i < n; i++)
        if (Math.hypot(x[2 * i] - mu[0], x[2 * i + 1] - mu[1]) < 1) rows.push([x[2 * i], x[2 * i + 1]]);
      const k = rows.length;
      expect(k / n).to.be.closeTo(0.5, 5 * Math.sqrt(0.25 / n));
      const mean = [0, 1].map((c) => rows.reduce((p, r) => p + r[c], 0) / k);
      for (const c of [0, 1]) expect(mean[c]).to.be.closeTo(mu[c], 5 * Math.sqrt(S[c][c] / k));
      for (const [i, j] of [
        [0, 0],
        [1, 1],
        [0, 1],
      ]) {
        const cov = rows.reduce((p, r) => p + (r[i] - mean[i]) * (r[j] - mean[j]), 0) / (k - 1);
        const scale = Math.sqrt(S[i][i] * S[j][j]);
        expect(cov, `cov[${i}][${j}] of mode ${m}`).to.be.closeTo(S[i][j], (5 * Math.sqrt(2 / k) + 0.03) * scale);
      }
    }
  });

  it('scoreFromDenoiser turns the posterior mean into the exact score (anisotropic S_t)', () => {
    // s = S^{-1}(alpha mu_hat - x) computed in float32 tensors vs the float64 posterior score:
    // relative 1e-4 of the score scale (float32 rounding amplified by 1/s2 ~ 10 at t = 0.3).
    const aniso = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 0.1,
      beta_d: 19.9,
      diffusion: [
        [1, 0.4],
        [0.4, 0.5],
      ],
      diffusion_time: 'beta',
    });
    const pts = { points: Float64Array.from([1, 0, -1, 0.5]), weights: Float64Array.from([0.5, 0.5]), M: 2, dim: 2 };
    const xs = Float64Array.from([0.2, 0.1, -0.5, 0.7, 1.1, -0.3]);
    const tt = 0.3;
    const denoiser = (x: tf.Tensor2D, t: number) =>
      tf.tensor2d(Float32Array.from(posterior(pts, aniso, t, Float64Array.from(x.dataSync()), ['mean']).mean!), [
        x.shape[0],
        2,
      ]);
    const got = tf.tidy(() =>
      scoreFromDenoiser(aniso, denoiser)(tf.tensor2d(Float32Array.from(xs), [3, 2]), tt).dataSync(),
    );
    const want = posterior(pts, aniso, tt, xs, ['score']).score!;
    const scale = Math.max(...Array.from(want, Math.abs));
    want.forEach((v, i) => expect(got[i]).to.be.closeTo(v, 1e-4 * scale));
  });

  it('the reference grid lookup is used only when asked, and converges to the exact score on a fine grid', async () => {
    const base = pfOdeNode({ draws: 4000, histogram: { bins: 30, range: [[-1.5, 1.5]] } });
    const withLookup = (n: number) =>
      pfOdeNode({
        draws: 4000,
        histogram: { bins: 30, range: [[-1.5, 1.5]] },
        compat_grid_lookup: { n, range: [-1.5, 1.5] },
      });
    const run = async (node: ReturnType<typeof pfOdeNode>) => {
      const { doc, cell } = docOf([dataNode('data', [[-1], [0], [1]]), VP, node]);
      return (await executeCell(doc, cell, { backend: 'wasm' })).nodes.samples;
    };
    const exact = await run(base);
    const coarse = await run(withLookup(11));
    const fine = await run(withLookup(4001));
    const diff = (a: typeof exact, b: typeof exact) => {
      const p = a.arrays.samples.data;
      const q = b.arrays.samples.data;
      let m = 0;
      for (let i = 0; i < p.length; i++) m += Math.abs(p[i] - q[i]);
      return m / p.length;
    };
    expect(coarse.notes.join(' ')).to.match(/compatibility/);
    expect(exact.notes).to.have.length(0);
    // Mean absolute displacement of the same draws (same seed). An 11-point grid (spacing 0.3)
    // moves samples visibly (measured 0.14) ...
    expect(diff(exact, coarse)).to.be.above(0.05);
    // ... a 4001-point grid (spacing 7.5e-4) by a few spacings on average (measured 1.4e-3;
    // trajectories near decision boundaries amplify the lookup error, so not the max)
    expect(diff(exact, fine)).to.be.below(5e-3);
  });

  it('is deterministic (same seed, same bytes) and chunking does not change a byte', async () => {
    const nodes = () => [dataNode('data', [[-1], [0], [1]]), VP, pfOdeNode({ draws: 3000 })];
    const a = docOf(nodes());
    const r1 = await executeCell(a.doc, a.cell, { backend: 'wasm' });
    const r2 = await executeCell(a.doc, a.cell, { backend: 'wasm' });
    // ~200 bytes per particle: a 40 kB budget forces 15+ chunks
    const r3 = await executeCell(a.doc, a.cell, { backend: 'wasm', memoryBudget: 40_000 });
    const bytes = (r: typeof r1) => Buffer.from(r.nodes.samples.arrays.samples.data.buffer);
    expect(bytes(r1).equals(bytes(r2))).to.equal(true);
    expect(bytes(r1).equals(bytes(r3))).to.equal(true);
    const other = docOf([dataNode('data', [[-1], [0], [1]]), VP, pfOdeNode({ draws: 3000, seed: 8 })]);
    const r4 = await executeCell(other.doc, other.cell, { backend: 'wasm' });
    expect(bytes(r1).equals(bytes(r4))).to.equal(false);
  });

  it('stops on a non-finite state with the step, time and cause, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    // beta_d = 1e308: beta_1 x overflows float64 in the first drift step wherever |x| > 1.8 (the
    // exact score runs in float64, particles/exact-score.ts).
    const { doc, cell } = docOf([
      dataNode('data', [[-1], [1]]),
      { ...VP, beta_d: 1e308 } as IrForward,
      pfOdeNode({ draws: 100 }),
    ]);
    const err = await executeError(doc, cell, { backend: 'wasm' });
    expect(err).to.be.instanceOf(NonFiniteError);
    expect((err as Error).message).to.match(
      /node 'samples': non-finite PF-ODE state at step 0 \(t = 1\.000\): .*time step/,
    );
    expect(tf.memory().numTensors).to.equal(before);
  });
});
