// The empirical NTK of an mlp network at its parameters (at initialization for the lazy-regime
// theory): Theta_k(z, z') = sum over parameters of df_k(z)/dp df_k(z')/dp for output k. For a dense
// layer f_l = h^{l-1} (s_l W^l) + b^l with error delta^l = df_k/df_l, the layer's share is
//   (delta^l(z) . delta^l(z')) (s_l^2 h^{l-1}(z) . h^{l-1}(z') + 1),
// so Theta_k is a sum over layers of Hadamard products of an error Gram and an activation Gram:
// matMuls over all points at once, the errors from one backward pass with df_k/df = e_k in every
// row (rows do not mix in a forward pass, so row i's errors are those of point i alone).

import * as tf from '../../tf.js';
import type { Schedule } from '../../schedule.js';
import type { MlpArch } from './config.js';
import { inputs } from './embed.js';
import { backpropErrors } from './backprop.js';
import { forward, layerScales, toTensors, type MlpParams } from './network.js';

/**
 * empiricalNtk(arch, params, schedule, x [n, dim], t [n], xr [m, dim], tr [m], output = 0):
 * Theta_k [n, m] (float32 arithmetic, returned as float64) between the points (x, t) and (xr, tr).
 */
export function empiricalNtk(
  arch: MlpArch,
  params: MlpParams,
  schedule: Schedule,
  x: ArrayLike<number>,
  t: ArrayLike<number>,
  n: number,
  xr: ArrayLike<number>,
  tr: ArrayLike<number>,
  m: number,
  output = 0,
): Float64Array {
  const e = arch.dim + arch.embed;
  const net = toTensors(arch, params, false);
  try {
    const theta32 = tf.tidy(() => {
      const scales = layerScales(arch);
      const side = (u: Float32Array, rows: number) => {
        const pass = forward(arch, net, tf.tensor2d(u, [rows, e]), scales);
        const unit = tf.cast(
          tf.oneHot(tf.fill([rows], output, 'int32') as tf.Tensor1D, arch.dim),
          'float32',
        ) as tf.Tensor2D;
        return { h: pass.h, delta: backpropErrors(arch, net, pass, unit, scales) };
      };
      const a = side(inputs(arch, schedule, x, t, n), n);
      const b = side(inputs(arch, schedule, xr, tr, m), m);
      let theta: tf.Tensor2D = tf.zeros([n, m]);
      for (let l = 0; l < scales.length; l++) {
        const errGram = tf.matMul(a.delta[l], tf.transpose(b.delta[l]));
        const actGram = tf.add(tf.mul(tf.matMul(a.h[l], tf.transpose(b.h[l])), scales[l] ** 2), 1);
        theta = tf.add(theta, tf.mul(errGram, actGram));
      }
      return theta.dataSync() as Float32Array;
    });
    return Float64Array.from(theta32);
  } finally {
    tf.dispose([...net.W, ...net.b]);
  }
}
