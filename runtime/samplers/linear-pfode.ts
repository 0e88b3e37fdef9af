// PF-ODE sampling of ONE linear model W phi, fused in float64 JS (docs/theory.md 5.2).
//
// Why not integrate.ts: that integrator drives tfjs tensors, and on the wasm backend every
// element-wise op is a separate pass (measured here: exp 0.09 G/s, mul 0.35 G/s, small batched
// matmuls 1.1 GFLOP/s), while the work per particle and step is a few dozen flops on features
// that factor per axis. This loop evaluates the space factors at each particle once per step,
// contracts W with the time factor once per step (linear-eval.ts), and applies the same Euler /
// Heun update as integrate.ts: x <- x + h v, v = beta x + D s, h = t_k - t_{k+1} > 0, with
//   denoiser:  D s = (d_t / s2_t)(alpha_t mu_hat - x)   (S_t = s2 M and D_t = d M: M cancels)
//   score:     D s = d_t M s_hat.
// The initial state is common.ts' initialState (same draws as every other sampler).

import type { Schedule } from '../schedule.js';
import type { LinearEvaluator } from '../models/linear-eval.js';
import type { Parametrization } from '../models/linear.js';
import { NonFiniteError } from '../errors.js';
import { initialState } from './common.js';

export interface LinearSampleOptions {
  schedule: Schedule;
  dim: number;
  draws: number;
  times: Float64Array;
  solver: 'euler' | 'heun';
  /** Seed of the initial state x_T. */
  seed: number;
  parametrization: Parametrization;
  evaluator: LinearEvaluator;
  W: Float64Array;
}

/** Particles per inner block: keeps the per-factor buffers in cache. */
const BLOCK = 2048;

/** sampleLinear(o: LinearSampleOptions): Float32Array   [draws, dim] samples at t_min */
export function sampleLinear(o: LinearSampleOptions): Float32Array {
  const { dim, draws, schedule: sc, times } = o;
  const init = initialState(sc, dim, o.seed, 0, draws);
  const x = Float64Array.from(init.dataSync());
  init.dispose();
  const shape = sc.shape;
  const mu = new Float64Array(BLOCK * dim);
  const x1 = new Float64Array(BLOCK * dim);
  const mu1 = new Float64Array(BLOCK * dim);
  const v0 = new Float64Array(BLOCK * dim);
  const v1 = new Float64Array(BLOCK * dim);

  // v = beta x + D s at time t for the particles in xb, written to v.
  const velocity = (xb: Float64Array, m: Float64Array, n: number, t: number, v: Float64Array) => {
    const beta = sc.beta(t);
    const d = sc.d(t);
    if (o.parametrization === 'denoiser') {
      const c = d / sc.s2(t);
      const al = sc.alpha(t);
      for (let i = 0; i < n * dim; i++) v[i] = beta * xb[i] + c * (al * m[i] - xb[i]);
      return;
    }
    for (let p = 0; p < n; p++) {
      for (let a = 0; a < dim; a++) {
        let s = m[p * dim + a];
        if (shape) {
          s = 0;
          for (let b = 0; b < dim; b++) s += shape[a][b] * m[p * dim + b];
        }
        v[p * dim + a] = beta * xb[p * dim + a] + d * s;
      }
    }
  };

  for (let k = 0; k + 1 < times.length; k++) {
    const t = times[k];
    const tNext = times[k + 1];
    const h = t - tNext;
    const ev = o.evaluator.atTime(o.W, t);
    const evNext = o.solver === 'heun' ? o.evaluator.atTime(o.W, tNext) : null;
    let finite = true;
    for (let start = 0; start < draws; start += BLOCK) {
      const n = Math.min(BLOCK, draws - start);
      const xb = x.subarray(start * dim, (start + n) * dim);
      ev(xb, n, mu);
      velocity(xb, mu, n, t, v0);
      if (evNext) {
        for (let i = 0; i < n * dim; i++) x1[i] = xb[i] + h * v0[i];
        evNext(x1, n, mu1);
        velocity(x1, mu1, n, tNext, v1);
        for (let i = 0; i < n * dim; i++) xb[i] += (h / 2) * (v0[i] + v1[i]);
      } else {
        for (let i = 0; i < n * dim; i++) xb[i] += h * v0[i];
      }
      for (let i = 0; i < n * dim; i++) if (!Number.isFinite(xb[i])) finite = false;
    }
    if (!finite) {
      throw new NonFiniteError({ quantity: 'linear-model PF-ODE state', step: k, t, s2: sc.s2(t) });
    }
  }
  return Float32Array.from(x);
}
