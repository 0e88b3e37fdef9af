// The naive score estimator (docs/theory.md 7), both forms, on the PF-ODE Euler grid.
//
// Both increments have mean 0 and covariance kappa h D C D given x, so the two forms agree in
// distribution as h -> 0 (checked in test/runtime/naive.test.ts).
// Only the euler solver is defined for these (a noisy step has no Heun analogue here).
//
// The posterior (weights, C) is evaluated in float64 (posterior.ts); draws are indexed by
// (step, particle) so chunking never changes the result.

import * as tf from '../tf.js';
import type { PointSet } from '../posterior.js';
import { posterior } from '../posterior.js';
import type { Schedule } from '../schedule.js';
import { pfOdeVelocity, type NoiseFn, type ScoreFn } from '../integrate.js';
import { categorical, deriveSeed, normals } from '../rng.js';
import { chunkSize, pfOdeBytesPerParticle } from '../memory.js';
import { integrateChunk, runChunked } from './common.js';
import { psdCholesky } from '../linalg/cholesky.js';
import { congruence } from '../linalg/congruence.js';

export interface NaiveOptions {
  data: PointSet;
  schedule: Schedule;
  score: ScoreFn;
  kappa: number;
  form: 'resample' | 'sde';
  draws: number;
  times: Float64Array;
  seed: number;
  budget: number;
  check?: () => void;
  onStep?: (step: number) => void;
}

/** Particles per chunk for these options. */
export function naiveChunk(o: Pick<NaiveOptions, 'data' | 'draws' | 'budget'>): number {
  const dim = o.data.dim;
  const bytes = pfOdeBytesPerParticle(dim, o.data.M, 'euler') + 8 * (o.data.M + 2 * dim * dim);
  return chunkSize(o.draws, bytes, o.budget, 'naive-estimator particles');
}

/**
 * sampleNaive(opts: NaiveOptions): Float32Array   [draws, dim] samples at t_min
 * form 'resample': at each step draw x0 = mu_m with probability w_m(x, t) and step with
 *    s_hat = s + sqrt(kappa/h)(s_tilde - s), i.e.
 *    x <- x + h (beta x + D s) + sqrt(kappa h) D (s_tilde - s),  s_tilde = S^{-1}(alpha mu_m - x)
 * form 'sde': Euler-Maruyama of the effective SDE with Q = kappa D C D:
 *    x <- x + h (beta x + D s) + sqrt(h) chol(Q) xi,  xi ~ N(0, I)
 */
export function sampleNaive(o: NaiveOptions): Float32Array {
  const dim = o.data.dim;
  const velocity = pfOdeVelocity(o.schedule, o.score);
  const per = naiveChunk(o);
  return runChunked(
    o.draws,
    per,
    dim,
    (start, count) =>
      integrateChunk(o.schedule, dim, deriveSeed(o.seed, 'init'), start, count, o.times, velocity, {
        solver: 'euler',
        noise: o.form === 'resample' ? resampleNoise(o, start) : sdeNoise(o, start),
        schedule: o.schedule,
        quantity: `naive-estimator state (${o.form})`,
        onStep: o.onStep,
      }),
    o.check ?? (() => {}),
  );
}

/** sqrt(kappa h) D (s_tilde - s) with s_tilde - s = alpha S^{-1}(mu_m - mu_bar). */
export function resampleNoise(o: NaiveOptions, start: number): NoiseFn {
  const { data, schedule } = o;
  const dim = data.dim;
  return (x, step, t, h) => {
    const xs = Float64Array.from(x.dataSync());
    const n = xs.length / dim;
    const post = posterior(data, schedule, t, xs, ['weights', 'mean']);
    const m = categorical(deriveSeed(o.seed, 'resample', step), post.weights!, n, data.M, start);
    // D S^{-1} = (d/s2) I for every IR process (both are proportional to the same M).
    const c = (Math.sqrt(o.kappa * h) * schedule.d(t) * schedule.alpha(t)) / schedule.s2(t);
    const out = new Float32Array(n * dim);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < dim; a++) out[i * dim + a] = c * (data.points[m[i] * dim + a] - post.mean![i * dim + a]);
    return tf.tensor2d(out, [n, dim]);
  };
}

/** sqrt(h) chol(Q) xi with Q = kappa D C D = kappa d^2 M C M. */
export function sdeNoise(o: NaiveOptions, start: number): NoiseFn {
  const { data, schedule } = o;
  const dim = data.dim;
  return (x, step, t, h) => {
    const xs = Float64Array.from(x.dataSync());
    const n = xs.length / dim;
    const C = posterior(data, schedule, t, xs, ['C']).C!;
    const xi = normals(deriveSeed(o.seed, 'sde', step), n * dim, start * dim);
    const d = schedule.d(t);
    const Mm = schedule.shape;
    const scale = o.kappa * d * d;
    const Q = new Float64Array(dim * dim);
    const L = new Float64Array(dim * dim);
    const out = new Float32Array(n * dim);
    const sh = Math.sqrt(h);
    for (let i = 0; i < n; i++) {
      const co = i * dim * dim;
      if (Mm) congruence(Mm, C, co, dim, Q, 0);
      else Q.set(C.subarray(co, co + dim * dim));
      for (let a = 0; a < dim * dim; a++) Q[a] *= scale;
      psdCholesky(Q, dim, L);
      for (let a = 0; a < dim; a++) {
        let v = 0;
        for (let b = 0; b <= a; b++) v += L[a * dim + b] * xi[i * dim + b];
        out[i * dim + a] = sh * v;
      }
    }
    return tf.tensor2d(out, [n, dim]);
  };
}
