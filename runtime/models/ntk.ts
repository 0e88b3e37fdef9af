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
//
// API
//   embed(x, t, dim, tRange, out, off)     u for one point
//   ntkTheta(u, v, depth): number          Theta(u, v)
//   makeNtkState(spec, data, schedule): NtkState
//   interface NtkState { spec, data, schedule, dim, train(member): NtkModel }
//   interface NtkModel { Z [P, dim+2] embedded inputs, coef [P, D]; evaluator: LinearEvaluator }
//     (the evaluator ignores its W argument, so the linear PF-ODE sampler integrates it as is)
//   ntkModelKernel                         kernel for model.ntk (score = member 0)
//   ntkEnsemble(node, state, ctx)          sample.ensemble for NTK models (same outputs as linear)

import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { IrModel, IrSample } from '../../compiler/ir/types.js';
import type { PointSet } from '../posterior.js';
import type { Schedule } from '../schedule.js';
import { deriveSeed } from '../rng.js';
import { histogram } from '../histogram.js';
import { timeGrid } from '../timegrid.js';
import { emptyResult, lookup, type Kernel, type KernelContext, type KernelOutput, type ModelValue } from '../kernels/types.js';
import { dsmSamples } from './dsm.js';
import { evaluatorScore } from './evaluator-score.js';
import { targets } from './linear.js';
import type { LinearEvaluator } from './linear-eval.js';
import { sampleLinear } from '../samplers/linear-pfode.js';
import { membersOutput } from '../samplers/ensemble.js';

export type NtkNode = Extract<IrModel, { type: 'ntk' }>;

export function embed(x: ArrayLike<number>, t: number, dim: number, tRange: [number, number], out: Float64Array, off: number, xOff = 0): void {
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
  const norm = Math.sqrt(uu * vv);
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

export interface NtkModel {
  Z: Float64Array;
  coef: Float64Array;
  evaluator: LinearEvaluator;
}

export interface NtkState {
  spec: NtkNode;
  data: PointSet;
  schedule: Schedule;
  dim: number;
  train(member: number): NtkModel;
}

/** Symmetric eigendecomposition (float64): values ascending and vectors as columns [n, n]. */
export function symEig(K: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m.set(i, j, K[i * n + j]);
  const e = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = V.get(i, j);
  return { values: Float64Array.from(e.realEigenvalues), vectors };
}

/** The gradient-flow filter divided by nu: (1 - exp(-c nu)) / nu, c = lr tau (/ P). */
export function flowGain(nu: number, c: number, nuMax: number): number {
  if (!(nu > 1e-12 * nuMax)) return 0;
  return -Math.expm1(-c * nu) / nu;
}

export function makeNtkState(spec: NtkNode, data: PointSet, schedule: Schedule): NtkState {
  const dim = data.dim;
  const e = dim + 2;
  const D = dim;
  const train = (member: number): NtkModel => {
    const P = spec.samples;
    const s = dsmSamples(data, schedule, P, spec.t_range, deriveSeed(spec.seed, 'member', member));
    const { lambda, Y } = targets(s, schedule, 'denoiser');
    const Z = new Float64Array(P * e);
    for (let i = 0; i < P; i++) embed(s.x, s.t[i], dim, spec.t_range, Z, i * e, i * dim);
    const sl = lambda.map(Math.sqrt);
    const K = new Float64Array(P * P);
    for (let i = 0; i < P; i++)
      for (let j = 0; j <= i; j++) {
        const k = sl[i] * sl[j] * ntkTheta(Z, i * e, Z, j * e, e, spec.depth);
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
    return { Z, coef, evaluator: ntkEvaluator(Z, coef, P, dim, spec) };
  };
  return { spec, data, schedule, dim, train };
}

function ntkEvaluator(Z: Float64Array, coef: Float64Array, P: number, dim: number, spec: NtkNode): LinearEvaluator {
  const e = dim + 2;
  return {
    atTime(_W, t) {
      return (x, n, out) => {
        const u = new Float64Array(e);
        for (let p = 0; p < n; p++) {
          embed(x, t, dim, spec.t_range, u, 0, p * dim);
          for (let d = 0; d < dim; d++) out[p * dim + d] = 0;
          for (let i = 0; i < P; i++) {
            const th = ntkTheta(u, 0, Z, i * e, e, spec.depth);
            for (let d = 0; d < dim; d++) out[p * dim + d] += th * coef[i * dim + d];
          }
        }
      };
    },
  };
}

export const ntkModelKernel: Kernel<IrModel> = (node, ctx) => {
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

type EnsembleNode = Extract<IrSample, { method: 'ensemble' }>;

export function ntkEnsemble(node: EnsembleNode, state: NtkState, ctx?: KernelContext): KernelOutput {
  const dim = state.dim;
  if (state.schedule.shape) throw new Error('NTK models support isotropic forward processes only');
  const members = node.members;
  const times = timeGrid(node.grid, state.schedule.T);
  const samples = new Float32Array(members * node.draws * dim);
  const binCount = dim === 1 ? node.histogram.bins : node.histogram.bins ** 2;
  const memberDensity = new Float64Array(dim <= 2 ? members * binCount : 0);
  ctx?.progress?.start(`${node.name}: ${members} NTK members`, members);
  for (let m = 0; m < members; m++) {
    ctx?.checkInterrupted();
    const model = state.train(m);
    const xs = sampleLinear({
      schedule: state.schedule,
      dim,
      draws: node.draws,
      times,
      solver: node.solver,
      seed: deriveSeed(node.seed, 'member', m),
      parametrization: 'denoiser',
      evaluator: model.evaluator,
      W: new Float64Array(0),
    });
    samples.set(xs, m * node.draws * dim);
    if (dim <= 2) memberDensity.set(histogram(xs, node.draws, dim, node.histogram).density, m * binCount);
    ctx?.progress?.tick(m + 1);
  }
  ctx?.progress?.end();
  return membersOutput(node, dim, members, { samples, memberDensity, binCount }, [
    `NTK ensemble: ${members} networks, tau = ${state.spec.tau}, lr = ${state.spec.lr}`,
  ]);
}
