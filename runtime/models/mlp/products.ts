// The two transposed products backpropagation needs, a b^T and a^T b.
//
// On @tensorflow/tfjs-backend-wasm 4.22 a matMul with transposeA or transposeB set runs several
// times slower than an unflagged one of the same size (bench/mlp-train.ts measures it), while an
// explicit tf.transpose followed by a plain matMul costs about what the plain one does. tfjs-core's
// own matMul gradient uses the flags; gtv's backward pass (backprop.ts) uses these. 'flagged'
// keeps the flags, for the benchmark's comparison only.

import * as tf from '../../tf.js';

export type Transposes = 'explicit' | 'flagged';

/** a [n, k] . b [m, k]^T -> [n, m] */
export function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D, mode: Transposes = 'explicit'): tf.Tensor2D {
  return mode === 'flagged' ? tf.matMul(a, b, false, true) : tf.matMul(a, tf.transpose(b));
}

/** a [k, n]^T . b [k, m] -> [n, m] */
export function matMulAT(a: tf.Tensor2D, b: tf.Tensor2D, mode: Transposes = 'explicit'): tf.Tensor2D {
  return mode === 'flagged' ? tf.matMul(a, b, true, false) : tf.matMul(tf.transpose(a), b);
}
