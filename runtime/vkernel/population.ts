// Population statistics of a linear feature model and its V-kernel (docs/theory.md 8, 9.1-9.2, 9.4),
// by Monte Carlo over N design points z_j = (t_j, x_j) drawn like DSM samples, in float64.
// The design times are stratified (one uniform draw in each of N equal slices of t_range): the
// weight lambda = alpha^2/s2 is heavy-tailed near t_min, and iid times left Wbar at the Fig. 2
// boundary point (x = 0.5, t = 0.05) varying by 0.06 between seeds at N = 40000. The standard
// errors below use the iid formula, which over-states the error of a stratified design.
// Gaussian-field virtual models from a population: vkernel/omega.ts.

import type { Schedule } from '../schedule.js';
import { posterior, type PointSet } from '../posterior.js';
import { deriveSeed } from '../rng.js';
import type { LinearState } from '../models/linear-node.js';
import { dsmSamples, type DsmSamples } from '../models/dsm.js';
import { targets, type Parametrization } from '../models/linear.js';
import { choleskyInPlace, choleskySolve } from '../linalg/cholesky.js';
import { NonFiniteError } from '../errors.js';
import {
  designRows,
  rowDot,
  transposeSource,
  transposeTimes,
  weightedGram,
  type DesignRows,
  type TransposeSource,
} from './design-rows.js';
import { inverseFromCholesky } from '../linalg/spd-inverse.js';
import { leverages } from './leverage.js';

export interface Population {
  F: number;
  D: number;
  N: number;
  /** Training samples per model (the 1/P of the V-kernel). */
  P: number;
  cholSigmaG: Float64Array;
  Wbar: Float64Array;
  Wavg: Float64Array;
  /** (Sigma + gamma I)^{-1} [F, F]. */
  SigmaGinv: Float64Array;
  lambda: Float64Array;
  /** The design's feature rows, sparse (vkernel/design-rows.ts). */
  rows: DesignRows;
  /** The same rows as Phi^T C reads them (design-rows.ts transposeSource). */
  design: TransposeSource;
  noise: Float64Array;
  /** Cholesky factors of the noise [N, D, D] (zero where N_j is singular to float64). */
  noiseChol: Float64Array;
  resid: Float64Array;
  /** G = <lambda r phi^T> [D, F]. */
  G: Float64Array;
  state: LinearState;
}

/** N design points like DSM samples, with stratified times. */
export function design(
  data: PointSet,
  schedule: Schedule,
  N: number,
  tRange: [number, number],
  seed: number,
): DsmSamples {
  return dsmSamples(data, schedule, N, tRange, seed, { stratified: true, label: 'design' });
}

/** Solves SigmaG X^T = B^T for a [D, F] row-major B (X = B SigmaG^{-1}). */
function rightSolve(chol: Float64Array, F: number, B: Float64Array, D: number): Float64Array {
  const rhs = new Float64Array(F * D);
  for (let d = 0; d < D; d++) for (let f = 0; f < F; f++) rhs[f * D + d] = B[d * F + f];
  choleskySolve(chol, F, rhs, D);
  const X = new Float64Array(D * F);
  for (let d = 0; d < D; d++) for (let f = 0; f < F; f++) X[d * F + f] = rhs[f * D + d];
  return X;
}

/**
 * The last population built per model state, by (N, seed): the maps of one cell (vkernel,
 * vkernel_time_correlation, score_error) usually share it, and it is read-only once built.
 */
const lastPopulation = new WeakMap<LinearState, { N: number; seed: number; pop: Population }>();

/**
 * population(state, N, seed): Population   (the last one per state is kept and reused)
 * SigmaG   Sigma + gamma I [F, F], Sigma = <lambda phi phi^T>; cholSigmaG its Cholesky factor,
 *          SigmaGinv its inverse; Sigma by the Kronecker Gram of product features, over each
 *          point's sparse feature window (vkernel/design-rows.ts; rows: the design's features)
 * Wbar     P -> infinity ensemble-mean weights [D, F] = <lambda ybar phi^T> SigmaG^{-1}
 * Wavg     the ensemble mean to first order in 1/P (the finite-P ridge bias of the trained
 *          models, same order as V; docs/theory-checks.md):
 *            Wavg = Wbar - (1/P) [<lambda^2 h r phi^T> - gamma Wbar SigmaG^{-1} Sigma] SigmaG^{-1},
 *          h = phi^T SigmaG^{-1} phi (leverage, over phi's nonzeros), from expanding E[A_hat (Sigma_hat + gamma)^{-1}]
 *          to second order in the fluctuations of A_hat and Sigma_hat.
 * per design point j: lambda_j, phi_j, the target-noise covariance N_j [D, D] and the mean
 *   residual r_j = ybar_j - Wbar phi_j, with
 *     denoiser: ybar = E[x0 | x, t] (posterior mean), N = Cov[x0 | x, t]
 *     score:    ybar = s(x, t),                        N = C(x, t)
 */
export function population(state: LinearState, N: number, seed: number): Population {
  const hit = lastPopulation.get(state);
  if (hit && hit.N === N && hit.seed === seed) return hit.pop;
  const pop = buildPopulation(state, N, seed);
  lastPopulation.set(state, { N, seed, pop });
  return pop;
}

function buildPopulation(state: LinearState, N: number, seed: number): Population {
  const { schedule, data, features, spec } = state;
  const D = state.dim;
  const F = features.F;
  const gamma = spec.ridge;
  const s = design(data, schedule, N, spec.t_range, deriveSeed(seed, 'population'));
  const { lambda } = targets(s, schedule, spec.parametrization);
  const rows = designRows(features, s.x, s.t, N);
  const ybar = new Float64Array(N * D);
  const noise = new Float64Array(N * D * D);
  for (let j = 0; j < N; j++) {
    const xj = s.x.subarray(j * D, (j + 1) * D);
    const out = posterior(
      data,
      schedule,
      s.t[j],
      xj,
      spec.parametrization === 'denoiser' ? ['mean', 'cov'] : ['score', 'C'],
    );
    ybar.set(spec.parametrization === 'denoiser' ? out.mean! : out.score!, j * D);
    noise.set(spec.parametrization === 'denoiser' ? out.cov! : out.C!, j * D * D);
  }
  const SigmaG = weightedGram(
    rows,
    lambda.map((l) => l / N),
  );
  const source = transposeSource(rows);
  const A = transposeTimes(
    source,
    N,
    F,
    ybar.map((y, i) => (lambda[Math.floor(i / D)] * y) / N),
    D,
  );
  for (let a = 0; a < F; a++) SigmaG[a * F + a] += gamma;
  if (!choleskyInPlace(SigmaG, F)) {
    throw new NonFiniteError({ quantity: 'population ridge solve (Sigma + gamma I)', step: null, t: null });
  }
  const SigmaGinv = inverseFromCholesky(SigmaG, F);
  const Wbar = rightSolve(SigmaG, F, A, D);
  const resid = new Float64Array(N * D);
  // G = <lambda r phi^T> and E = <lambda^2 h r phi^T>, h_j = phi_j^T SigmaG^{-1} phi_j
  // (vkernel/leverage.ts), as one Phi^T C with C = [G's coefficients | E's] [N, 2D].
  const lev = leverages(rows, SigmaGinv);
  const coef = new Float64Array(N * 2 * D);
  for (let j = 0; j < N; j++) {
    for (let d = 0; d < D; d++) {
      const r = ybar[j * D + d] - rowDot(rows, j, Wbar, d * F);
      resid[j * D + d] = r;
      const c = (lambda[j] * r) / N;
      coef[j * 2 * D + d] = c;
      coef[j * 2 * D + D + d] = c * lambda[j] * lev[j];
    }
  }
  const GE = transposeTimes(source, N, F, coef, 2 * D);
  const G = GE.slice(0, D * F);
  const E = GE.slice(D * F);
  const X = rightSolve(SigmaG, F, Wbar, D);
  for (let i = 0; i < D * F; i++) E[i] += -gamma * Wbar[i] + gamma * gamma * X[i];
  const corr = rightSolve(SigmaG, F, E, D);
  const P = spec.samples;
  const Wavg = Wbar.map((w, i) => w - corr[i] / P);
  return {
    F,
    D,
    N,
    P,
    cholSigmaG: SigmaG,
    SigmaGinv,
    Wbar,
    Wavg,
    lambda,
    rows,
    design: source,
    noise,
    noiseChol: noiseFactors(noise, N, D),
    resid,
    G,
    state,
  };
}

/** u = SigmaG^{-1} phi(z) [F] (phi(z) dense, its zeros skipped). */
export function solvedFeatures(pop: Population, x: Float64Array, t: number): Float64Array {
  const { F, SigmaGinv } = pop;
  const phi = pop.state.features.evaluate(x, new Float64Array([t]), 1);
  const u = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    const v = phi[f];
    if (v === 0) continue;
    const r = f * F;
    for (let g = 0; g < F; g++) u[g] += v * SigmaGinv[r + g];
  }
  return u;
}

/** k(z, z_j) = u(z)^T phi_j for every design point [N]. */
export function kernelRow(pop: Population, x: Float64Array, t: number): Float64Array {
  const u = solvedFeatures(pop, x, t);
  const k = new Float64Array(pop.N);
  for (let j = 0; j < pop.N; j++) k[j] = rowDot(pop.rows, j, u, 0);
  return k;
}

export interface CovEstimate {
  /** [D, D] row-major. */
  cov: Float64Array;
  /** Monte-Carlo standard error per entry [D, D]. */
  se: Float64Array;
}

/**
 * muCov(pop, za, zb): Cov[W phi(za), W phi(zb)] over the ensemble [D, D] and its Monte-Carlo
 * standard error: (1/P) { <lambda^2 k(za,.) k(.,zb) (N + r r^T)> - g(za) g(zb)^T },
 * k(z, z') = phi(z)^T SigmaG^{-1} phi(z'), g(z) = <lambda r k(., z)>   (first order in 1/P,
 * bias terms included; docs/theory.md 9.2). The SE is the spread of the per-design-point terms over
 * sqrt(N) (SigmaG's own Monte-Carlo error is not included).
 */
export function muCov(pop: Population, xa: Float64Array, ta: number, xb: Float64Array, tb: number): CovEstimate {
  const ka = kernelRow(pop, xa, ta);
  const kb = xa === xb && ta === tb ? ka : kernelRow(pop, xb, tb);
  return covFromRows(pop, ka, 0, kb, 0, 1);
}

/**
 * muCov from kernel rows already computed: k(za, z_j) = ka[oa + j * stride], k(zb, z_j) =
 * kb[ob + j * stride] (the maps compute them for a block of grid points at once).
 */
export function covFromRows(
  pop: Population,
  ka: Float64Array,
  oa: number,
  kb: Float64Array,
  ob: number,
  stride: number,
): CovEstimate {
  const { N, D, P } = pop;
  const cov = new Float64Array(D * D);
  const sq = new Float64Array(D * D);
  const ga = new Float64Array(D);
  const gb = new Float64Array(D);
  for (let j = 0; j < N; j++) {
    const l = pop.lambda[j];
    const kaj = ka[oa + j * stride];
    const kbj = kb[ob + j * stride];
    const w = l * l * kaj * kbj;
    for (let a = 0; a < D; a++) {
      const ra = pop.resid[j * D + a];
      ga[a] += (l * ra * kaj) / N;
      gb[a] += (l * ra * kbj) / N;
      for (let b = 0; b < D; b++) {
        const term = w * (pop.noise[j * D * D + a * D + b] + ra * pop.resid[j * D + b]);
        cov[a * D + b] += term / N;
        sq[a * D + b] += (term * term) / N;
      }
    }
  }
  const se = new Float64Array(D * D);
  for (let i = 0; i < D * D; i++) {
    const variance = Math.max(0, sq[i] - cov[i] * cov[i]);
    se[i] = Math.sqrt(variance / N) / P;
  }
  for (let a = 0; a < D; a++) for (let b = 0; b < D; b++) cov[a * D + b] = (cov[a * D + b] - ga[a] * gb[b]) / P;
  return { cov, se };
}

/**
 * vFactor(schedule, parametrization, t): the scalar c_t with V = c_t c_t' Cov[W phi] for the
 * denoiser (c = d alpha / s2: D_t S_t^{-1} = (d/s2) I because S and D share M), or d_t for the
 * score (V = d d' M Cov M, applied by the caller).
 */
export function vFactor(schedule: Schedule, parametrization: Parametrization, t: number): number {
  return parametrization === 'denoiser' ? (schedule.d(t) * schedule.alpha(t)) / schedule.s2(t) : schedule.d(t);
}

/** Cholesky factors of every N_j [N, D, D]; all zero where N_j is not positive definite. */
export function noiseFactors(noise: Float64Array, N: number, D: number): Float64Array {
  const out = new Float64Array(N * D * D);
  const L = new Float64Array(D * D);
  for (let j = 0; j < N; j++) {
    L.set(noise.subarray(j * D * D, (j + 1) * D * D));
    // The posterior covariance may be exactly singular (far from the data): a small jitter keeps
    // the factor defined without changing anything at float64 resolution.
    for (let a = 0; a < D; a++) L[a * D + a] += 1e-300;
    if (!choleskyInPlace(L, D)) continue;
    for (let a = 0; a < D; a++) for (let b = 0; b <= a; b++) out[j * D * D + a * D + b] = L[a * D + b];
  }
  return out;
}
