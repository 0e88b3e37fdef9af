// The tensor score function of a float64 model evaluator (linear and NTK model kernels): the
// model is evaluated in float64 on the tensor's values and a denoiser output mu_hat becomes
// s = S_t^{-1}(alpha mu_hat - x) in float64 too, so only the result is rounded to float32.
//
// API
//   evaluatorScore(x [n, dim], t, schedule, denoiser, evaluate): tf.Tensor2D [n, dim]
//     evaluate(xs, n, out) writes the model output at time t for the n points xs into out

import * as tf from '../tf.js';
import type { Schedule } from '../schedule.js';

export type Evaluate = (xs: Float64Array, n: number, out: Float64Array) => void;

export function evaluatorScore(x: tf.Tensor2D, t: number, schedule: Schedule, denoiser: boolean, evaluate: Evaluate): tf.Tensor2D {
  const [n, dim] = x.shape;
  const xs = Float64Array.from(x.dataSync());
  const out = new Float64Array(n * dim);
  evaluate(xs, n, out);
  if (denoiser) {
    const al = schedule.alpha(t);
    const s2 = schedule.s2(t);
    for (let i = 0; i < out.length; i++) out[i] = (al * out[i] - xs[i]) / s2;
    if (schedule.shape) applyInverse(schedule.shape, out, dim);
  }
  return tf.tensor2d(Float32Array.from(out), [n, dim]);
}

function applyInverse(M: number[][], v: Float64Array, dim: number): void {
  const A = M.map((r) => r.slice());
  for (let p = 0; p < v.length / dim; p++) {
    const b = Array.from(v.subarray(p * dim, (p + 1) * dim));
    // Gaussian elimination on a copy: dim is 1-3.
    const m = A.map((r, i) => [...r, b[i]]);
    for (let c = 0; c < dim; c++) {
      for (let r = c + 1; r < dim; r++) {
        const f = m[r][c] / m[c][c];
        for (let j = c; j <= dim; j++) m[r][j] -= f * m[c][j];
      }
    }
    for (let c = dim - 1; c >= 0; c--) {
      let s = m[c][dim];
      for (let j = c + 1; j < dim; j++) s -= m[c][j] * v[p * dim + j];
      v[p * dim + c] = s / m[c][c];
    }
  }
}
