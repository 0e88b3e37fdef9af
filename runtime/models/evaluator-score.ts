// The tensor score function of a float64 model evaluator (linear and NTK model kernels): the
// model is evaluated in float64 on the tensor's values and a denoiser output mu_hat becomes
// s = S_t^{-1}(alpha mu_hat - x) in float64 too, so only the result is rounded to float32.

import * as tf from '../tf.js';
import type { Schedule } from '../schedule.js';
import { cholesky, solveLower, solveUpperT } from '../linalg/cholesky.js';

export type Evaluate = (xs: Float64Array, n: number, out: Float64Array) => void;

/**
 * evaluatorScore(x [n, dim], t, schedule, denoiser, evaluate): tf.Tensor2D [n, dim]
 * evaluate(xs, n, out) writes the model output at time t for the n points xs into out
 */
export function evaluatorScore(
  x: tf.Tensor2D,
  t: number,
  schedule: Schedule,
  denoiser: boolean,
  evaluate: Evaluate,
): tf.Tensor2D {
  const [n, dim] = x.shape;
  const xs = Float64Array.from(x.dataSync());
  const out = new Float64Array(n * dim);
  evaluate(xs, n, out);
  if (denoiser) {
    const al = schedule.alpha(t);
    const s2 = schedule.s2(t);
    for (let i = 0; i < out.length; i++) out[i] = (al * out[i] - xs[i]) / s2;
    if (schedule.shape) {
      // M^{-1} v by the two triangular solves with chol(M), as the score targets are built (models/linear.ts).
      const L = cholesky(schedule.shape, 'the diffusion matrix M');
      for (let p = 0; p < n; p++) {
        solveLower(L, dim, out, p * dim);
        solveUpperT(L, dim, out, p * dim);
      }
    }
  }
  return tf.tensor2d(Float32Array.from(out), [n, dim]);
}
