// Training an mlp network by denoising score matching (docs/theory.md 4.2) with a tfjs optimizer.
//
// The objective of a batch of B samples (t_i, x0_i, x_i), x_i = alpha x0_i + sigma eps_i:
//   L = (1 / 2B) sum_i w_i |f(x_i, t_i) - y_i|^2
//   denoiser: y = x0,                    w = alpha^2 / s2
//   score:    y = (alpha x0 - x) / s2,   w = s2
//   noise:    y = eps = (x - alpha x0) / sigma,  w = 1
// The three weights make the same objective in score units (s2 |s_hat - s|^2), so the choice only
// changes what the network outputs; the denoiser's is the linear and NTK models' weighting
// (models/linear.ts targets), and 1/2B makes full-batch gradient descent at rate lr for n steps
// the flow of models/ntk.ts for time tau = n with the same lr.
//
// Samples: `samples = P` draws one fixed DSM set exactly as a linear model of the same seed does
// (models/dsm.ts, seed deriveSeed(model seed, 'member', m)) and visits it in epochs, each a
// permutation drawn from the member seed, batches taken consecutively across epoch boundaries (a
// batch >= P is the whole set: gradient descent). `samples = online` (0 here) draws B fresh samples
// at every step, from the member seed and the step number. Everything random comes from
// runtime/rng.ts, so a member's bytes depend on its seed and the backend's float32 kernels only.

import * as tf from '../../tf.js';
import { deriveSeed, uniforms } from '../../rng.js';
import type { Schedule } from '../../schedule.js';
import type { PointSet } from '../../posterior.js';
import { dsmSamples, type DsmSamples } from '../dsm.js';
import type { MlpArch, MlpConfig } from './config.js';
import { inputs } from './embed.js';
import { forward, fromTensors, initParams, layerScales, toTensors, type MlpParams } from './network.js';
import { backprop } from './backprop.js';
import type { Transposes } from './products.js';

/**
 * interface TrainedMlp { params, loss [steps]: the objective of each step's batch before its update,
 * init: the initial parameters when the network is centred (f(z; params) - f(z; init) is the model) }
 */
export interface TrainedMlp {
  params: MlpParams;
  loss: Float32Array;
  init?: MlpParams;
}

/** Targets y [n, dim] and weights w [n] of DSM samples for an output parametrization (header). */
export function dsmTargets(
  output: MlpArch['output'],
  s: Pick<DsmSamples, 'x' | 'x0' | 't' | 'dim'>,
  schedule: Schedule,
  n: number,
): { y: Float32Array; w: Float32Array } {
  const dim = s.dim;
  const y = new Float32Array(n * dim);
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const al = schedule.alpha(s.t[i]);
    const s2 = schedule.s2(s.t[i]);
    const sd = Math.sqrt(s2);
    w[i] = output === 'denoiser' ? (al * al) / s2 : output === 'score' ? s2 : 1;
    for (let a = 0; a < dim; a++) {
      const x0 = s.x0[i * dim + a];
      const x = s.x[i * dim + a];
      y[i * dim + a] = output === 'denoiser' ? x0 : output === 'score' ? (al * x0 - x) / s2 : (x - al * x0) / sd;
    }
  }
  return { y, w };
}

/** The sample indices of batch `step` over a fixed set of P (header: epochs of seeded permutations). */
export function batchIndices(P: number, B: number, seed: number, step: number): Int32Array {
  const out = new Int32Array(Math.min(B, P));
  if (B >= P) {
    for (let i = 0; i < P; i++) out[i] = i;
    return out;
  }
  let pos = step * B;
  let epoch = -1;
  let perm: Int32Array = new Int32Array(0);
  for (let i = 0; i < B; i++, pos++) {
    const e = Math.floor(pos / P);
    if (e !== epoch) {
      epoch = e;
      perm = permutation(P, deriveSeed(seed, 'order', e));
    }
    out[i] = perm[pos - e * P];
  }
  return out;
}

/** Fisher-Yates from the seed's uniforms. */
function permutation(P: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: P }, (_, i) => i);
  const u = uniforms(seed, P);
  for (let i = P - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[i] * (i + 1)));
    const tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  return p;
}

function pick(s: DsmSamples, idx: Int32Array): DsmSamples {
  const dim = s.dim;
  const n = idx.length;
  const t = new Float64Array(n);
  const x0 = new Float64Array(n * dim);
  const x = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const k = idx[i];
    t[i] = s.t[k];
    for (let a = 0; a < dim; a++) {
      x0[i * dim + a] = s.x0[k * dim + a];
      x[i * dim + a] = s.x[k * dim + a];
    }
  }
  return { P: n, dim, t, x0, x };
}

export interface TrainOptions {
  /** How the backward pass forms its transposed products (products.ts); 'flagged' only for the benchmark. */
  transposes?: Transposes;
  /** Called every `every` steps (interruption checks, progress); may throw. */
  check?: (step: number) => void;
  every?: number;
}

/**
 * trainMlp(cfg, data, schedule, seed, opts?): TrainedMlp
 * seed is the member's seed (deriveSeed(model seed, 'member', m)): DSM set, initialization,
 * batch order and online draws all derive from it.
 */
export function trainMlp(
  cfg: MlpConfig,
  data: PointSet,
  schedule: Schedule,
  seed: number,
  opts: TrainOptions = {},
): TrainedMlp {
  if (schedule.shape) throw new Error('mlp models support isotropic forward processes only');
  const fixed = cfg.samples > 0 ? dsmSamples(data, schedule, cfg.samples, cfg.t_range, seed) : null;
  const init = initParams(cfg, deriveSeed(seed, 'init'));
  const net = toTensors(cfg, init, true);
  // Centring: the model is f(z; p) - f(z; p_0), whose gradient is f's.
  const net0 = cfg.center ? toTensors(cfg, init, false) : null;
  const vars = [...net.W, ...net.b] as tf.Variable[];
  const scales = layerScales(cfg);
  const opt = cfg.optimizer === 'adam' ? tf.train.adam(cfg.lr, 0.9, 0.999, 1e-8) : tf.train.sgd(cfg.lr);
  const loss = new Float32Array(cfg.steps);
  const decay = 1 - cfg.lr * cfg.weight_decay;
  const e = cfg.dim + cfg.embed;
  const every = opts.every ?? 50;
  try {
    for (let step = 0; step < cfg.steps; step++) {
      if (opts.check && step % every === 0) opts.check(step);
      const s = fixed
        ? pick(fixed, batchIndices(fixed.P, cfg.batch, seed, step))
        : dsmSamples(data, schedule, cfg.batch, cfg.t_range, deriveSeed(seed, 'online', step));
      const n = s.P;
      const { y, w } = dsmTargets(cfg.output, s, schedule, n);
      const u = inputs(cfg, schedule, s.x, s.t, n);
      tf.tidy(() => {
        const ut = tf.tensor2d(u, [n, e]);
        const yt = tf.tensor2d(y, [n, cfg.dim]);
        const wt = tf.tensor2d(w, [n, 1]);
        const pass = forward(cfg, net, ut, scales);
        const f = net0 ? tf.sub(pass.f, forward(cfg, net0, ut, scales).f) : pass.f;
        const wr = tf.mul(wt, tf.sub(f, yt));
        loss[step] = tf.sum(tf.mul(wr, tf.sub(f, yt))).dataSync()[0] / (2 * n);
        const grads = backprop(cfg, net, pass, tf.div(wr, n) as tf.Tensor2D, opts.transposes, scales);
        opt.applyGradients([
          ...net.W.map((v, l) => ({ name: (v as tf.Variable).name, tensor: grads.W[l] })),
          ...net.b.map((v, l) => ({ name: (v as tf.Variable).name, tensor: grads.b[l] })),
        ]);
        if (cfg.weight_decay > 0) for (const v of vars) v.assign(tf.mul(v, decay));
      });
    }
    return { params: fromTensors(net), loss, ...(cfg.center ? { init } : {}) };
  } finally {
    opt.dispose();
    tf.dispose(vars);
    if (net0) tf.dispose([...net0.W, ...net0.b]);
  }
}
