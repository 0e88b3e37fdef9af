// Lazy (NTK-regime) infinite-width ReLU networks trained by gradient flow (docs/theory.md 10).
//
// Network: f(u) = sqrt(2/m) sum_j a_j relu(w_j . u) for depth 1 (He scaling, so the kernels of
// the hidden layers keep the diagonal), m -> infinity; depth L stacks L hidden layers. Its NTK
// follows the arc-cosine recursion (Cho & Saul order 0 and 1; Jacot et al.):
//   Sigma^0 = u.v,  c = Sigma^{h-1}(u,v) / sqrt(Sigma^{h-1}(u,u) Sigma^{h-1}(v,v)),  th = acos c
//   Sigma^h = sqrt(Sigma^{h-1}(u,u) Sigma^{h-1}(v,v)) (sin th + (pi - th) c) / pi   (order 1)
//   Sdot^h  = (pi - th) / pi                                                        (order 0)
//   Theta^0 = u.v,  Theta^h = Theta^{h-1} Sdot^h + Sigma^h,  Theta = Theta^L.
// Input embedding of z = (x, t): u = (x_1..x_dim, e(t), 1) with e(t) = log(t) mapped linearly
// from [log t_lo, log t_hi] (the training time range) onto [-1, 1]; the constant 1 is the bias
// input. Log time spreads the small-t region where the target changes fastest.
//
// Parametrization: the network is the DENOISER (as the linear models' default and the paper's
// code, docs/theory.md 9.4): mu_hat(x, t), score = (alpha mu_hat - x) / s2, loss weight
// lambda = alpha^2 / s2, targets x0. The initial function is taken centred (f_0 = 0): whether
// the paper centres is not known (docs/theory.md 10), and f_0 = 0 isolates the target-noise variance.
// Each output dimension is one scalar network sharing the kernel (Theta_scalar I_D).
//
// Trained model (finite P, docs/theory.md 10 solution H_tau, gradient flow for time tau at rate lr):
//   mu_hat(z) = Theta(z, Z) Theta_ZZ^{-1} (I - exp(-(lr tau / P) Theta_ZZ Lambda)) Y
//            = Theta(z, Z) Lambda^{1/2} U g(nu) U^T Lambda^{1/2} Y,
//   K = Lambda^{1/2} Theta_ZZ Lambda^{1/2} = U diag(nu) U^T,  g(nu) = (1 - exp(-lr tau nu / P)) / nu.
// tau -> infinity is ridgeless kernel interpolation (g = 1/nu); eigenvalues below 1e-12 nu_max
// are dropped there (pseudo-inverse: float64 cannot resolve them).

import type { IrModel } from '../../compiler/ir/types.js';
import type { PointSet } from '../posterior.js';
import type { Schedule } from '../schedule.js';
import { deriveSeed } from '../rng.js';
import { emptyResult, lookup, type NodeImpl, type ModelValue } from '../nodes/types.js';
import { dsmSamples } from './dsm.js';
import { evaluatorScore } from './evaluator-score.js';
import { symEig } from '../linalg/sym-eig.js';
import { targets } from './linear.js';
import type { LinearEvaluator } from './linear-eval.js';

export type NtkNode = Extract<IrModel, { type: 'ntk' }>;

/** embed(x, t, dim, tRange, out, off)     u for one point */
export function embed(
  x: ArrayLike<number>,
  t: number,
  dim: number,
  tRange: [number, number],
  out: Float64Array,
  off: number,
  xOff = 0,
): void {
  for (let a = 0; a < dim; a++) out[off + a] = x[xOff + a];
  const lo = Math.log(tRange[0]);
  const hi = Math.log(tRange[1]);
  out[off + dim] = hi > lo ? (2 * (Math.log(t) - lo)) / (hi - lo) - 1 : 0;
  out[off + dim + 1] = 1;
}

/** Theta(u, v) for embedded inputs stored at u[uo..], v[vo..] of length e. */
export function ntkTheta(u: Float64Array, uo: number, v: Float64Array, vo: number, e: number, depth: number): number {
  let uv = 0;
  let uu = 0;
  let vv = 0;
  for (let a = 0; a < e; a++) {
    uv += u[uo + a] * v[vo + a];
    uu += u[uo + a] * u[uo + a];
    vv += v[vo + a] * v[vo + a];
  }
  return thetaFromDots(uv, Math.sqrt(uu * vv), depth);
}

/** The arc-cosine recursion from u.v and |u||v|. */
function thetaFromDots(uv: number, norm: number, depth: number): number {
  let sig = uv;
  let th = uv;
  for (let h = 0; h < depth; h++) {
    const c = Math.min(1, Math.max(-1, sig / norm));
    const ang = Math.acos(c);
    const sdot = (Math.PI - ang) / Math.PI;
    sig = (norm * (Math.sin(ang) + (Math.PI - ang) * c)) / Math.PI;
    th = th * sdot + sig;
  }
  return th;
}

/**
 * interface NtkModel { Z [P, dim+2] embedded inputs, coef [P, D]; evaluator: LinearEvaluator }
 * (the evaluator ignores its W argument, so the linear PF-ODE sampler integrates it as is)
 */
export interface NtkModel {
  Z: Float64Array;
  coef: Float64Array;
  evaluator: LinearEvaluator;
}

/** interface NtkState { spec, data, schedule, dim, train(member): NtkModel } */
export interface NtkState {
  spec: NtkNode;
  data: PointSet;
  schedule: Schedule;
  dim: number;
  train(member: number): NtkModel;
}

/** Symmetric eigendecomposition (float64): values ascending and vectors as columns [n, n]. */
export { symEig } from '../linalg/sym-eig.js';

/** The gradient-flow filter divided by nu: (1 - exp(-c nu)) / nu, c = lr tau (/ P). */
export function flowGain(nu: number, c: number, nuMax: number): number {
  if (!(nu > 1e-12 * nuMax)) return 0;
  return -Math.expm1(-c * nu) / nu;
}

/** makeNtkState(spec, data, schedule): NtkState */
export function makeNtkState(spec: NtkNode, data: PointSet, schedule: Schedule): NtkState {
  const dim = data.dim;
  const train = (member: number): NtkModel => {
    const P = spec.samples;
    const s = dsmSamples(data, schedule, P, spec.t_range, deriveSeed(spec.seed, 'member', member));
    const { lambda, Y } = targets(s, schedule, 'denoiser');
    return fitNtk(s.x, s.t, lambda, Y, P, dim, spec);
  };
  return { spec, data, schedule, dim, train };
}

/**
 * A kernel other than the arccos one (vkernel/kernel-source.ts builds them): rows of kernel inputs,
 * Theta of two rows, and the model sum_i Theta(z, z_i) coef_i.
 */
export interface NtkKernelRows {
  e: number;
  rows(xs: ArrayLike<number>, ts: ArrayLike<number>, B: number): Float64Array;
  theta(U: Float64Array, uo: number, V: Float64Array, vo: number): number;
  evaluator(Z: Float64Array, coef: Float64Array, n: number, dim: number): LinearEvaluator;
}

/** What fitting and evaluating an NTK model reads from its node (plain data, for worker threads). */
export type NtkParams = Pick<NtkNode, 'depth' | 't_range' | 'lr' | 'tau'>;

/**
 * The trained model of docs/theory.md 10 for one draw of DSM samples: x [P, dim], t [P], lambda [P] and
 * targets Y [P, dim] (models/linear.ts targets, denoiser parametrization); kernel: another kernel
 * than the arccos one of spec.depth (an mlp network's, models/mlp/theory.ts).
 */
export function fitNtk(
  x: Float64Array,
  t: Float64Array,
  lambda: Float64Array,
  Y: Float64Array,
  P: number,
  dim: number,
  spec: NtkParams,
  kernel?: NtkKernelRows,
): NtkModel {
  const e = kernel ? kernel.e : dim + 2;
  const D = dim;
  const Z: Float64Array = kernel ? kernel.rows(x, t, P) : new Float64Array(P * e);
  if (!kernel) for (let i = 0; i < P; i++) embed(x, t[i], dim, spec.t_range, Z, i * e, i * dim);
  const theta = kernel
    ? (i: number, j: number) => kernel.theta(Z, i * e, Z, j * e)
    : (i: number, j: number) => ntkTheta(Z, i * e, Z, j * e, e, spec.depth);
  const sl = lambda.map(Math.sqrt);
  const K = new Float64Array(P * P);
  for (let i = 0; i < P; i++)
    for (let j = 0; j <= i; j++) {
      const k = sl[i] * sl[j] * theta(i, j);
      K[i * P + j] = k;
      K[j * P + i] = k;
    }
  const { values, vectors } = symEig(K, P);
  const nuMax = values.reduce((a, b) => Math.max(a, b), 0);
  const c = (spec.lr * spec.tau) / P;
  // coef = Lambda^{1/2} U g U^T Lambda^{1/2} Y
  const proj = new Float64Array(P * D);
  for (let k = 0; k < P; k++) {
    const g = flowGain(values[k], c, nuMax);
    if (g === 0) continue;
    for (let d = 0; d < D; d++) {
      let sum = 0;
      for (let i = 0; i < P; i++) sum += vectors[i * P + k] * sl[i] * Y[i * D + d];
      proj[k * D + d] = g * sum;
    }
  }
  const coef = new Float64Array(P * D);
  for (let i = 0; i < P; i++)
    for (let d = 0; d < D; d++) {
      let sum = 0;
      for (let k = 0; k < P; k++) sum += vectors[i * P + k] * proj[k * D + d];
      coef[i * D + d] = sl[i] * sum;
    }
  return { Z, coef, evaluator: kernel ? kernel.evaluator(Z, coef, P, dim) : ntkEvaluator(Z, coef, P, dim, spec) };
}

/**
 * mu_hat(x, t) = sum_i Theta(u(x, t), Z_i) coef_i for n points Z [n, dim+2] (trained models, and
 * the Gaussian-field virtual models of vkernel/ntk-field.ts on their design). Same arithmetic as
 * ntkTheta, with the squared norms of the Z rows computed once.
 */
export function ntkEvaluator(
  Z: Float64Array,
  coef: Float64Array,
  n: number,
  dim: number,
  spec: Pick<NtkParams, 'depth' | 't_range'>,
): LinearEvaluator {
  const e = dim + 2;
  const zz = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < e; a++) s += Z[i * e + a] * Z[i * e + a];
    zz[i] = s;
  }
  const depth = spec.depth;
  return {
    atTime(_W, t) {
      const u = new Float64Array(e);
      return (x, np, out) => {
        for (let p = 0; p < np; p++) {
          embed(x, t, dim, spec.t_range, u, 0, p * dim);
          let uu = 0;
          for (let a = 0; a < e; a++) uu += u[a] * u[a];
          for (let d = 0; d < dim; d++) out[p * dim + d] = 0;
          for (let i = 0; i < n; i++) {
            let uv = 0;
            const o = i * e;
            for (let a = 0; a < e; a++) uv += u[a] * Z[o + a];
            const th = thetaFromDots(uv, Math.sqrt(uu * zz[i]), depth);
            for (let d = 0; d < dim; d++) out[p * dim + d] += th * coef[i * dim + d];
          }
        }
      };
    },
  };
}

/** runNtkModel                         kernel for model.ntk (score = member 0) */
export const runNtkModel: NodeImpl<IrModel> = (node, ctx) => {
  if (node.type !== 'ntk') throw new Error(`internal: model type '${node.type}' routed to the NTK kernel`);
  const data = lookup(ctx, node.data, 'data').set;
  const schedule = lookup(ctx, node.forward, 'forward').schedule;
  const state = makeNtkState(node, data, schedule);
  let first: NtkModel | null = null;
  const value: ModelValue = {
    kind: 'model',
    type: 'ntk',
    data,
    schedule,
    extra: state,
    score: (x, t) => {
      if (schedule.shape) throw new Error('NTK models support isotropic forward processes only');
      first ??= state.train(0);
      return evaluatorScore(x, t, schedule, true, first.evaluator.atTime(new Float64Array(0), t));
    },
  };
  const result = emptyResult();
  result.scalars.samples = node.samples;
  result.scalars.tau = node.tau;
  result.notes.push('infinite-width ReLU NTK, denoiser output, centred initialization (f_0 = 0)');
  return { value, result };
};

export function ntkState(v: ModelValue): NtkState {
  if (v.type !== 'ntk') throw new Error(`internal: expected an NTK model, got '${v.type}'`);
  return v.extra as NtkState;
}
