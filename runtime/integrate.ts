// Time integration on a descending grid, shared by every sampler (docs/theory.md 5.2).
//
// Callers pass float32 [n, dim] tensors; a caller that batches models flattens them into n.

import * as tf from './tf.js';
import type { Schedule } from './schedule.js';
import { NonFiniteError } from './errors.js';
import { spdInverse } from './linalg/spd-inverse.js';

/** type ScoreFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D      [n, dim] -> score [n, dim] */
export type ScoreFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D;
/**
 * type DenoiserFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D   [n, dim] -> mu_hat [n, dim]
 */
export type DenoiserFn = ScoreFn;
/**
 * type VelocityFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D
 * v such that x_{k+1} = x_k + h_k v(x_k, t_k) with h_k = t_k - t_{k+1} > 0 (time runs down)
 */
export type VelocityFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D;
/**
 * type NoiseFn = (x, step, t, h) => tf.Tensor2D    increment added after the drift step
 * (Euler-Maruyama; it must scale with sqrt(h))
 */
export type NoiseFn = (x: tf.Tensor2D, step: number, t: number, h: number) => tf.Tensor2D;

export interface IntegrateOptions {
  solver: 'euler' | 'heun';
  noise?: NoiseFn;
  schedule?: Schedule;
  quantity?: string;
  onStep?: (step: number) => void;
}

function toRows(flat: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));
}

/** Multiplies the rows of x by c M (M symmetric, or the identity when null). */
function timesShape(x: tf.Tensor2D, c: number, shape: number[][] | null): tf.Tensor2D {
  return shape ? tf.mul(tf.matMul(x, tf.tensor2d(shape)), c) : tf.mul(x, c);
}

/** pfOdeVelocity(schedule, score): VelocityFn       v = beta_t x + D_t s(x, t) */
export function pfOdeVelocity(schedule: Schedule, score: ScoreFn): VelocityFn {
  return (x, t) =>
    tf.tidy(() => tf.add(tf.mul(x, schedule.beta(t)), timesShape(score(x, t), schedule.d(t), schedule.shape)));
}

/** scoreFromDenoiser(schedule, denoiser): ScoreFn   s = S_t^{-1}(alpha_t mu_hat - x) */
export function scoreFromDenoiser(schedule: Schedule, denoiser: DenoiserFn): ScoreFn {
  return (x, t) =>
    tf.tidy(() => {
      const r = tf.sub(tf.mul(denoiser(x, t), schedule.alpha(t)), x) as tf.Tensor2D;
      return timesShape(
        r,
        1 / schedule.s2(t),
        schedule.shape ? toRows(spdInverse(schedule.shape), schedule.shape.length) : null,
      );
    });
}

/**
 * integrate(x0, times, velocity, opts): tf.Tensor2D
 * opts.solver 'euler' (the code's scheme: velocity at the step's start time; the final
 * time is never evaluated) or 'heun' (trapezoidal predictor-corrector, velocity also at
 * t_{k+1}); opts.noise makes it Euler-Maruyama (euler only); opts.schedule gives S_t for
 * error messages; opts.onStep(k) after each step (progress, interruption).
 * The input x0 is not disposed; every intermediate is. The state is checked for
 * non-finite values after every step (NonFiniteError names step, time, cause).
 */
export function integrate(
  x0: tf.Tensor2D,
  times: Float64Array,
  velocity: VelocityFn,
  opts: IntegrateOptions,
): tf.Tensor2D {
  if (opts.noise && opts.solver !== 'euler') throw new Error('stochastic integration supports only the euler solver');
  let x = tf.clone(x0);
  for (let k = 0; k + 1 < times.length; k++) {
    const t = times[k];
    const tNext = times[k + 1];
    const h = t - tNext;
    const next = tf.tidy(() => {
      const v = velocity(x, t);
      if (opts.solver === 'heun') {
        const pred = tf.add(x, tf.mul(v, h)) as tf.Tensor2D;
        const v2 = velocity(pred, tNext);
        return tf.add(x, tf.mul(tf.add(v, v2), h / 2)) as tf.Tensor2D;
      }
      let y = tf.add(x, tf.mul(v, h)) as tf.Tensor2D;
      if (opts.noise) y = tf.add(y, opts.noise(x, k, t, h));
      return y;
    });
    x.dispose();
    x = next;
    const finite = tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0]);
    if (!finite) {
      x.dispose();
      throw new NonFiniteError({
        quantity: opts.quantity ?? 'sampler state',
        step: k,
        t,
        s2: opts.schedule?.s2(t),
      });
    }
    opts.onStep?.(k);
  }
  return x;
}
