// V-kernel of an NTK model in the continuum (large-P) form of docs/theory.md 10, by Nystrom on a
// Monte-Carlo design of N points z_j drawn like DSM samples (stratified times, as population.ts):
//   operator (T f)(z) = <lambda Theta(z, .) f(.)>  ->  K_N = (1/N) Lambda^{1/2} Theta_NN Lambda^{1/2}
//   = sum_k nu_k v_k v_k^T;  e_k(z_j) = sqrt(N) lambda_j^{-1/2} v_kj  (so <lambda e_k e_l> = delta_kl),
//   e_k(z) = (nu_k sqrt N)^{-1} sum_j lambda_j^{1/2} Theta(z, z_j) v_kj   (Nystrom extension),
//   k_tau(z, z') = sum_k (1 - exp(-lr nu_k tau)) e_k(z) e_k(z'),
//   Cov[mu_hat(z), mu_hat(z')] = (1/P) { <lambda^2 k_tau(z, .) (Cov[x0 | .] + r r^T) k_tau(., z')>
//                                        - g(z) g(z')^T },
// r = E[x0 | .] - mubar_tau(.) the residual of the continuum mean mubar_tau(z) = <lambda k_tau(z, .) E[x0 | .]>,
// g(z) = <lambda r k_tau(., z)>: the target-noise term plus the random-design term, as for linear
// models (docs/theory.md 8, 9.2; centred initialization, so no init term). At finite tau the residual is
// large and the design term dominates (docs/theory-checks.md). Denoiser parametrization as in models/ntk.ts, so
// V = c_t c_t' Cov with c = d alpha / s2. Eigenvalues below 1e-12 nu_max are dropped (the design
// cannot resolve them); as tau -> infinity k_tau tends to the projector on their span.
//
// API
//   ntkPopulation(state, N, seed): NtkPopulation
//   ntkMuCov(pop, xa, ta, xb, tb): CovEstimate   Cov[mu_hat(za), mu_hat(zb)] [D, D] and its SE
//   ntkVkernelMap                kernel branch of map.vkernel / map.vkernel_time_correlation; the
//                                design is the model's `design` points (reported as mc_samples),
//                                not the map's mc_samples, drawn once per model from its seed

import type { IrMap } from '../../compiler/ir/types.js';
import { posterior } from '../posterior.js';
import { deriveSeed } from '../rng.js';
import { targets } from '../models/linear.js';
import { embed, ntkTheta, symEig, type NtkState } from '../models/ntk.js';
import { design, vFactor, type CovEstimate } from './population.js';
import type { DsmSamples } from '../models/dsm.js';
import { emptyResult, type KernelOutput } from '../kernels/types.js';
import { gridArrays, gridPoints } from '../kernels/maps.js';

export interface NtkPopulation {
  N: number;
  D: number;
  P: number;
  /** Embedded design inputs [N, dim+2]. */
  Z: Float64Array;
  lambda: Float64Array;
  /** Cov[x0 | z_j] [N, D, D]. */
  noise: Float64Array;
  /** r_j = E[x0 | z_j] - mubar_tau(z_j) [N, D]. */
  resid: Float64Array;
  /** Kept eigenpairs: nu [K], v [N, K] (column k = eigenvector k). */
  nu: Float64Array;
  v: Float64Array;
  state: NtkState;
}

export function ntkPopulation(state: NtkState, N: number, seed: number): NtkPopulation {
  const { data, schedule, spec } = state;
  const D = state.dim;
  const e = D + 2;
  const s = ntkDesign(state, N, seed);
  const { lambda } = targets(s, schedule, 'denoiser');
  const Z = new Float64Array(N * e);
  const noise = new Float64Array(N * D * D);
  const ybar = new Float64Array(N * D);
  for (let j = 0; j < N; j++) {
    embed(s.x, s.t[j], D, spec.t_range, Z, j * e, j * D);
    const post = posterior(data, schedule, s.t[j], s.x.subarray(j * D, (j + 1) * D), ['mean', 'cov']);
    noise.set(post.cov!, j * D * D);
    ybar.set(post.mean!, j * D);
  }
  const sl = lambda.map(Math.sqrt);
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j <= i; j++) {
      const k = (sl[i] * sl[j] * ntkTheta(Z, i * e, Z, j * e, e, spec.depth)) / N;
      K[i * N + j] = k;
      K[j * N + i] = k;
    }
  const { values, vectors } = symEig(K, N);
  const nuMax = values.reduce((a, b) => Math.max(a, b), 0);
  const keep = [...values.keys()].filter((k) => values[k] > 1e-12 * nuMax);
  const nu = Float64Array.from(keep.map((k) => values[k]));
  const v = new Float64Array(N * keep.length);
  const Kk = keep.length;
  for (let j = 0; j < N; j++) keep.forEach((k, c) => (v[j * Kk + c] = vectors[j * N + k]));
  // mubar(z_j) = lambda_j^{-1/2} sum_k f_k v_jk b_k,  b_k = sum_l lambda_l^{1/2} v_lk ybar_l.
  const resid = Float64Array.from(ybar);
  for (let d = 0; d < D; d++) {
    const b = new Float64Array(Kk);
    for (let k = 0; k < Kk; k++) {
      let sum = 0;
      for (let l = 0; l < N; l++) sum += sl[l] * v[l * Kk + k] * ybar[l * D + d];
      b[k] = -Math.expm1(-spec.lr * nu[k] * spec.tau) * sum;
    }
    for (let j = 0; j < N; j++) {
      let m = 0;
      for (let k = 0; k < Kk; k++) m += v[j * Kk + k] * b[k];
      resid[j * D + d] -= m / sl[j];
    }
  }
  return { N, D, P: spec.samples, Z, lambda, noise, resid, nu, v, state };
}

/** The Monte-Carlo design of ntkPopulation(state, N, seed); redrawing it gives the same points. */
export function ntkDesign(state: NtkState, N: number, seed: number): DsmSamples {
  return design(state.data, state.schedule, N, state.spec.t_range, deriveSeed(seed, 'ntk-population'));
}

/** lambda_j k_tau(z, z_j) / N for every design point (the lambda folds in the operator weight). */
export function weightedKernelRow(pop: NtkPopulation, x: Float64Array, t: number): Float64Array {
  const { N, D, nu, v, state } = pop;
  const { spec } = state;
  const e = D + 2;
  const Kk = nu.length;
  const u = new Float64Array(e);
  embed(x, t, D, spec.t_range, u, 0);
  // a_k(z) = sum_j lambda_j^{1/2} Theta(z, z_j) v_jk;  lambda_j k(z, z_j) = lambda_j^{1/2} sum_k f_k/nu_k a_k v_jk
  const th = new Float64Array(N);
  for (let j = 0; j < N; j++) th[j] = Math.sqrt(pop.lambda[j]) * ntkTheta(u, 0, pop.Z, j * e, e, spec.depth);
  // Row-major v [N, K]: accumulate over j in the outer loop so the inner loop is contiguous.
  const coef = new Float64Array(Kk);
  for (let j = 0; j < N; j++) {
    const tj = th[j];
    if (tj === 0) continue;
    const row = j * Kk;
    for (let k = 0; k < Kk; k++) coef[k] += tj * v[row + k];
  }
  for (let k = 0; k < Kk; k++) coef[k] *= -Math.expm1(-spec.lr * nu[k] * spec.tau) / nu[k];
  const row = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < Kk; k++) s += coef[k] * v[j * Kk + k];
    // (nu_k sqrt N)^{-1} e_k(z) sqrt(N) lambda_j^{-1/2} v_jk, times lambda_j; e_k(z) = a_k / (nu_k sqrt N)
    row[j] = (Math.sqrt(pop.lambda[j]) * s) / N;
  }
  return row;
}

export function ntkMuCov(
  pop: NtkPopulation,
  xa: Float64Array,
  ta: number,
  xb: Float64Array,
  tb: number,
  /** weightedKernelRow(pop, xb, tb), when the caller reuses one reference point. */
  rowB?: Float64Array,
): CovEstimate {
  const { N, D, P } = pop;
  const ra = weightedKernelRow(pop, xa, ta);
  const rb = rowB ?? (xa === xb && ta === tb ? ra : weightedKernelRow(pop, xb, tb));
  const cov = new Float64Array(D * D);
  const sq = new Float64Array(D * D);
  const ga = new Float64Array(D);
  const gb = new Float64Array(D);
  // Rows hold lambda_j k(z, z_j) / N, so the design average (1/N) sum_j (lambda_j k_a)(lambda_j k_b) X_j
  // has per-point terms N^2 ra_j rb_j X_j.
  for (let j = 0; j < N; j++) {
    const w = ra[j] * rb[j] * N * N;
    for (let a = 0; a < D; a++) {
      const r = pop.resid[j * D + a];
      ga[a] += ra[j] * r;
      gb[a] += rb[j] * r;
      for (let b = 0; b < D; b++) {
        const term = w * (pop.noise[j * D * D + a * D + b] + r * pop.resid[j * D + b]);
        cov[a * D + b] += term / N;
        sq[a * D + b] += (term * term) / N;
      }
    }
  }
  // SE as in population.ts: the spread of the per-point terms over sqrt(N) (the eigenbasis's own
  // Monte-Carlo error is not included).
  const se = new Float64Array(D * D);
  for (let i = 0; i < D * D; i++) se[i] = Math.sqrt(Math.max(0, sq[i] - cov[i] * cov[i]) / N) / P;
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) cov[a * D + b] = (cov[a * D + b] - ga[a] * gb[b]) / P;
  return { cov, se };
}

/** One eigendecomposition per model, shared by all its maps (seeded by the model, not the map). */
const populations = new WeakMap<NtkState, NtkPopulation>();

export function ntkVkernelMap(node: IrMap, state: NtkState): KernelOutput {
  const D = state.dim;
  let pop = populations.get(state);
  if (!pop) {
    pop = ntkPopulation(state, state.spec.design, deriveSeed(state.spec.seed, 'design'));
    populations.set(state, pop);
  }
  const { axes, points, count: G } = gridPoints(node.grid);
  const nt = node.t.length;
  const V = new Float64Array(nt * G * D * D);
  const se = new Float64Array(nt * G * D * D);
  const ref = node.quantity === 'vkernel_time_correlation' ? node.ref : null;
  // The time-correlation map pairs every grid point with one reference point: its row once.
  const refX = ref ? Float64Array.from(ref.x) : null;
  const refRow = ref && refX ? weightedKernelRow(pop, refX, ref.t) : undefined;
  for (let k = 0; k < nt; k++) {
    const t = node.t[k];
    for (let g = 0; g < G; g++) {
      const x = points.subarray(g * D, (g + 1) * D);
      const xb = refX ?? x;
      const tb = ref ? ref.t : t;
      const est = ntkMuCov(pop, x, t, xb, tb, refRow);
      const c = vFactor(state.schedule, 'denoiser', t) * vFactor(state.schedule, 'denoiser', tb);
      for (let i = 0; i < D * D; i++) {
        V[(k * G + g) * D * D + i] = c * est.cov[i];
        se[(k * G + g) * D * D + i] = Math.abs(c) * est.se[i];
      }
    }
  }
  const result = emptyResult();
  const gshape = [nt, ...axes.map((a) => a.length), D, D];
  result.arrays.V = { shape: gshape, dtype: 'float64', data: V, doc: 'V-kernel [n_t, ...grid, D, D]' };
  result.arrays.V_se = { shape: gshape, dtype: 'float64', data: se, doc: 'Monte-Carlo standard error of V [n_t, ...grid, D, D]' };
  Object.assign(result.arrays, gridArrays(axes, node.t));
  result.arrays.nu = { shape: [pop.nu.length], dtype: 'float64', data: pop.nu, doc: 'Nystrom eigenvalues of the lambda-weighted NTK operator (ascending)' };
  result.scalars.mc_samples = pop.N;
  result.scalars.eigenpairs = pop.nu.length;
  result.notes.push(`NTK V-kernel, continuum form (docs/theory.md 10) on a ${pop.N}-point Nystrom design, target-noise and random-design terms`);
  return { value: { kind: 'map' }, result };
}
