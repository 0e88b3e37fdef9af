// The gradient of a loss with respect to every parameter, by hand: for an MLP backpropagation is
// a few matMuls per layer, and writing it out (rather than through tfjs' autodiff) gives
//   - the transposed products without the matMul flags (products.ts: the wasm backend's slow path),
//   - the bias gradients as products 1^T delta (tf.sum over rows transposes delta first on the
//     wasm backend: as costly as the product it replaces),
//   - the per-layer backpropagated errors the empirical NTK is built from (ntk-empirical.ts),
//   - no dependence on gradient registrations: tfjs-core registers none of its own (they ship in
//     the @tensorflow/tfjs bundle, which gtv does not load).
// With f_l = h^{l-1} (s_l W^l) + b^l and delta^l = dLoss/df_l:
//   dW^l = s_l (h^{l-1})^T delta^l,  db^l = 1^T delta^l (the sum over rows),
//   delta^{l-1} = (delta^l (s_l W^l)^T) * act'(g^{l-1}).

import * as tf from '../../tf.js';
import type { MlpArch } from './config.js';
import { actDerivative, layerScales, type ForwardPass, type MlpTensors } from './network.js';
import { matMulAT, matMulBT, type Transposes } from './products.js';

/** backprop(arch, net, pass, dF [B, dim]): gradients { W, b } of the loss whose dLoss/df is dF. */
export function backprop(
  arch: MlpArch,
  net: MlpTensors,
  pass: ForwardPass,
  dF: tf.Tensor2D,
  mode: Transposes = 'explicit',
  scales = layerScales(arch),
): { W: tf.Tensor2D[]; b: tf.Tensor1D[] } {
  const L = net.W.length;
  const W: tf.Tensor2D[] = new Array(L);
  const b: tf.Tensor1D[] = new Array(L);
  const ones = tf.ones([1, dF.shape[0]]) as tf.Tensor2D;
  let delta = dF;
  for (let l = L - 1; l >= 0; l--) {
    W[l] = tf.mul(matMulAT(pass.h[l], delta, mode), scales[l]);
    b[l] = tf.reshape(tf.matMul(ones, delta), [delta.shape[1]]) as tf.Tensor1D;
    if (l > 0) {
      const back = matMulBT(delta, tf.mul(net.W[l], scales[l]), mode);
      delta = tf.mul(back, actDerivative(arch.activation, pass.g[l - 1]));
    }
  }
  return { W, b };
}

/**
 * backpropErrors(arch, net, pass, dF): delta^l = dLoss/df_l [B, n_l] for every layer l = 1 .. depth + 1
 * (f_l the layer's output before its activation), the errors the gradients above are built from.
 */
export function backpropErrors(
  arch: MlpArch,
  net: MlpTensors,
  pass: ForwardPass,
  dF: tf.Tensor2D,
  scales = layerScales(arch),
): tf.Tensor2D[] {
  const L = net.W.length;
  const out: tf.Tensor2D[] = new Array(L);
  let delta = dF;
  for (let l = L - 1; l >= 0; l--) {
    out[l] = delta;
    if (l > 0)
      delta = tf.mul(matMulBT(delta, tf.mul(net.W[l], scales[l])), actDerivative(arch.activation, pass.g[l - 1]));
  }
  return out;
}
