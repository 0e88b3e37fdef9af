import { expect } from 'chai';
import { makeSchedule } from '../../runtime/schedule.js';
import { timeGrid } from '../../runtime/timegrid.js';
import * as tf from '../../runtime/tf.js';
import { resampleNoise, sampleNaive, sdeNoise } from '../../runtime/samplers/naive.js';
import { posterior } from '../../runtime/posterior.js';
import { samplePfOde } from '../../runtime/samplers/pf-ode.js';
import { exactScore } from '../../runtime/nodes/basic.js';
import { sampleBinProbabilities, totalVariation } from '../../runtime/metrics.js';
import { useWasm } from './helpers.js';

const vp = makeSchedule({ kind: 'forward', name: 'f', T: 1, process: 'vp', beta_min: 0.1, beta_d: 19.9 });
const data = { points: Float64Array.from([-1, 0.2, 1]), weights: Float64Array.from([0.3, 0.3, 0.4]), M: 3, dim: 1 };
const spec = { bins: 30, range: [[-1.6, 1.6]] as [number, number][] };

/**
 * Two independent n-sample histograms over B bins (+ outside): E[TV] <= (1/2) sum_b sqrt(2 p_b/n)
 * <= (1/2) sqrt(2 (B+1)/n), and McDiarmid (each of the 2n samples moves TV by <= 1/n) bounds the
 * excess over the mean by sqrt(ln(1e4)/n) at probability 1e-4.
 */
function tvTolerance2(n: number, bins: number): number {
  return 0.5 * Math.sqrt((2 * (bins + 1)) / n) + Math.sqrt(Math.log(1e4) / n);
}

describe('runtime/naive estimator', () => {
  useWasm();

  it('resampling and Euler-Maruyama with Q = kappa D C D agree in distribution at small steps', function () {
    this.timeout(60_000);
    const n = 20000;
    // kappa = 0.05, 300 uniform steps (h = 3e-3) down to t = 0.1. Measured: at 150 steps to
    // t = 0.05 the two forms still differ (TV 0.056, the resampling jumps are not yet small
    // against the width of C); at these settings they agree to MC level (TV ~0.023).
    const times = timeGrid({ steps: 300, t_min: 0.1, spacing: 'uniform', rho: 7 }, 1);
    const common = { data, schedule: vp, score: exactScore(data, vp), kappa: 0.05, draws: n, times, budget: 1e9 };
    const a = sampleNaive({ ...common, form: 'resample', seed: 5 });
    const b = sampleNaive({ ...common, form: 'sde', seed: 6 });
    expect(totalVariation(sampleBinProbabilities(a, n, 1, spec), sampleBinProbabilities(b, n, 1, spec))).to.be.below(
      tvTolerance2(n, spec.bins),
    );
    // Power: the same comparison against the noise-free PF-ODE must see the noise. Mass within
    // 0.15 of the two gap centres (binomial, SE of a difference ~0.004; measured 0.22 vs 0.18,
    // the naive noise empties boundary regions, docs/theory.md 12.3): require 5 SE.
    const ode = samplePfOde({
      schedule: vp,
      dim: 1,
      draws: n,
      times,
      solver: 'euler',
      seed: 7,
      score: exactScore(data, vp),
      budget: 1e9,
    });
    const gap = (x: Float32Array) =>
      Array.from(x).filter((v) => Math.abs(v - 0.54) < 0.15 || Math.abs(v + 0.4) < 0.15).length / n;
    const se = Math.sqrt((2 * 0.2 * 0.8) / n);
    expect(gap(ode) - gap(a)).to.be.above(5 * se);
    expect(gap(ode) - gap(b)).to.be.above(5 * se);
  });

  it('both increments have mean 0 and covariance kappa h D C D (2D, anisotropic D)', () => {
    // One step from a fixed boundary point, 40000 copies: the sample mean of each form's
    // increment must be 0 within 5 SE and its covariance kappa h d^2 M C M within 5 SE per entry
    // (SE of a covariance entry ~ sqrt((Q_ii Q_jj + Q_ij^2)/n)).
    const aniso = makeSchedule({
      kind: 'forward',
      name: 'f',
      T: 1,
      process: 'anisotropic',
      beta_min: 0.1,
      beta_d: 19.9,
      diffusion: [
        [1, 0.5],
        [0.5, 0.8],
      ],
      diffusion_time: 'beta',
    });
    const pts = {
      points: Float64Array.from([1, 0, -0.5, 0.8, -0.4, -0.9]),
      weights: Float64Array.from([0.3, 0.3, 0.4]),
      M: 3,
      dim: 2,
    };
    const n = 40000;
    const t = 0.2;
    const h = 1e-3;
    const kappa = 0.05;
    const x0 = [0.1, 0.05];
    const xs = tf.tensor2d(
      Float32Array.from({ length: 2 * n }, (_, i) => x0[i % 2]),
      [n, 2],
    );
    const C = posterior(pts, aniso, t, Float64Array.from(x0), ['C']).C!;
    const M = aniso.shape!;
    const d = aniso.d(t);
    const Q = [0, 1].map((i) =>
      [0, 1].map((j) => {
        let v = 0;
        for (let k = 0; k < 2; k++) for (let l = 0; l < 2; l++) v += M[i][k] * C[k * 2 + l] * M[l][j];
        return kappa * h * d * d * v;
      }),
    );
    const o = {
      data: pts,
      schedule: aniso,
      score: exactScore(pts, aniso),
      kappa,
      form: 'sde' as const,
      draws: n,
      times: new Float64Array(2),
      seed: 4,
      budget: 1e9,
    };
    for (const make of [resampleNoise, sdeNoise]) {
      const inc = tf.tidy(() => make(o, 0)(xs, 0, t, h).dataSync());
      const mean = [0, 1].map(
        (c) => Array.from({ length: n }, (_, i) => inc[2 * i + c]).reduce((p, v) => p + v, 0) / n,
      );
      for (const c of [0, 1]) expect(mean[c], `${make.name} mean`).to.be.closeTo(0, 5 * Math.sqrt(Q[c][c] / n));
      for (const [i, j] of [
        [0, 0],
        [1, 1],
        [0, 1],
      ]) {
        let cov = 0;
        for (let k = 0; k < n; k++) cov += (inc[2 * k + i] - mean[i]) * (inc[2 * k + j] - mean[j]);
        cov /= n - 1;
        expect(cov, `${make.name} cov[${i}][${j}]`).to.be.closeTo(
          Q[i][j],
          5 * Math.sqrt((Q[i][i] * Q[j][j] + Q[i][j] ** 2) / n),
        );
      }
    }
    xs.dispose();
  });

  it('chunking leaves both forms byte-identical', () => {
    const times = timeGrid({ steps: 20, t_min: 0.05, spacing: 'uniform', rho: 7 }, 1);
    for (const form of ['resample', 'sde'] as const) {
      const o = { data, schedule: vp, score: exactScore(data, vp), kappa: 0.05, draws: 1000, times, seed: 3, form };
      const whole = sampleNaive({ ...o, budget: 1e9 });
      const chunked = sampleNaive({ ...o, budget: 40_000 });
      expect(Buffer.from(whole.buffer).equals(Buffer.from(chunked.buffer)), form).to.equal(true);
    }
  });
});
