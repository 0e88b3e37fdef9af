// An mlp network in tfjs: its parameters drawn from the member's seed with gtv's own counter-based
// generator (runtime/rng.ts, float64 draws rounded to float32), so the initial bytes are the same
// on every backend and thread; its forward pass (config.ts gives the parametrization), keeping
// what backprop.ts needs; the activations and their derivatives.

import * as tf from '../../tf.js';
import { deriveSeed, normals } from '../../rng.js';
import { layerGain, layerSizes, type MlpArch } from './config.js';

/** Parameters per layer l = 1 .. depth + 1: W [n_{l-1}, n_l] row-major, b [n_l]. */
export interface MlpParams {
  W: Float32Array[];
  b: Float32Array[];
}

/** initParams(arch, seed): MlpParams     every entry N(0, 1) from its own stream */
export function initParams(arch: MlpArch, seed: number): MlpParams {
  const n = layerSizes(arch);
  const W: Float32Array[] = [];
  const b: Float32Array[] = [];
  for (let l = 1; l < n.length; l++) {
    W.push(Float32Array.from(normals(deriveSeed(seed, 'W', l), n[l - 1] * n[l])));
    b.push(Float32Array.from(normals(deriveSeed(seed, 'b', l), n[l])));
  }
  return { W, b };
}

/** The network's tensors: variables while training, plain tensors for evaluation. */
export interface MlpTensors {
  W: tf.Tensor2D[];
  b: tf.Tensor1D[];
}

let uid = 0;

/** The tensors of p; trainable ones are variables with names unique in the process (the optimizers key on them). */
export function toTensors(arch: MlpArch, p: MlpParams, trainable: boolean): MlpTensors {
  const n = layerSizes(arch);
  if (trainable) {
    const id = uid++;
    return {
      W: p.W.map((w, i) => tf.variable(tf.tensor2d(w, [n[i], n[i + 1]]), true, `gtv_mlp${id}_W${i + 1}`)),
      b: p.b.map((v, i) => tf.variable(tf.tensor1d(v), true, `gtv_mlp${id}_b${i + 1}`)),
    };
  }
  return { W: p.W.map((w, i) => tf.tensor2d(w, [n[i], n[i + 1]])), b: p.b.map((v) => tf.tensor1d(v)) };
}

export function fromTensors(t: MlpTensors): MlpParams {
  return { W: t.W.map((w) => w.dataSync() as Float32Array), b: t.b.map((v) => v.dataSync() as Float32Array) };
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

/** act(name, g): the activation; gelu in its tanh form (the wasm backend has no erf kernel). */
export function act(name: MlpArch['activation'], g: tf.Tensor2D): tf.Tensor2D {
  switch (name) {
    case 'relu':
      return tf.relu(g);
    case 'silu':
      return tf.mul(g, tf.sigmoid(g));
    case 'gelu':
      return tf.mul(tf.mul(g, 0.5), tf.add(tf.tanh(geluInner(g)), 1));
    default: {
      const unhandled: never = name;
      throw new Error(`internal: unhandled activation ${JSON.stringify(unhandled)}`);
    }
  }
}

function geluInner(g: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.add(g, tf.mul(tf.mul(tf.square(g), g), GELU_A)), GELU_C);
}

/** The activation's derivative at g. */
export function actDerivative(name: MlpArch['activation'], g: tf.Tensor2D): tf.Tensor2D {
  switch (name) {
    case 'relu':
      return tf.step(g);
    case 'silu': {
      const s = tf.sigmoid(g);
      return tf.mul(s, tf.add(tf.mul(g, tf.sub(1, s)), 1));
    }
    case 'gelu': {
      const th = tf.tanh(geluInner(g));
      const inner = tf.mul(tf.add(tf.mul(tf.square(g), 3 * GELU_A), 1), GELU_C);
      return tf.add(tf.mul(tf.add(th, 1), 0.5), tf.mul(tf.mul(tf.mul(g, 0.5), tf.sub(1, tf.square(th))), inner));
    }
    default: {
      const unhandled: never = name;
      throw new Error(`internal: unhandled activation ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The layer scales sqrt(c_l / n_{l-1}), l = 1 .. depth + 1. */
export function layerScales(arch: MlpArch): number[] {
  const n = layerSizes(arch);
  return n.slice(1).map((_, i) => Math.sqrt(layerGain(i + 1) / n[i]));
}

/** A forward pass: inputs h[0] = u, activations h[l] and pre-activations g[l - 1] of the hidden layers, output f. */
export interface ForwardPass {
  h: tf.Tensor2D[];
  g: tf.Tensor2D[];
  f: tf.Tensor2D;
}

/** forward(arch, net, u [B, n_0]): ForwardPass */
export function forward(arch: MlpArch, net: MlpTensors, u: tf.Tensor2D, scales = layerScales(arch)): ForwardPass {
  const h = [u];
  const g: tf.Tensor2D[] = [];
  const L = net.W.length;
  for (let l = 0; l < L - 1; l++) {
    const pre = tf.add(tf.matMul(h[l], tf.mul(net.W[l], scales[l])), net.b[l]) as tf.Tensor2D;
    g.push(pre);
    h.push(act(arch.activation, pre));
  }
  const f = tf.add(tf.matMul(h[L - 1], tf.mul(net.W[L - 1], scales[L - 1])), net.b[L - 1]) as tf.Tensor2D;
  return { h, g, f };
}
