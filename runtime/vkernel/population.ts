// Population statistics of a linear feature model and its V-kernel (math.md 8, 9.1-9.2, 9.4),
// by Monte Carlo over N design points z_j = (t_j, x_j) drawn like DSM samples, in float64.
// The design times are stratified (one uniform draw in each of N equal slices of t_range): the
// weight lambda = alpha^2/s2 is heavy-tailed near t_min, and iid times left Wbar at the Fig. 2
// boundary point (x = 0.5, t = 0.05) varying by 0.06 between seeds at N = 40000. The standard
// errors below use the iid formula, which over-states the error of a stratified design.
//
// API
//   design(data, schedule, N, tRange, seed): DsmSamples   the stratified design (also ntk.ts)
//   population(state, N, seed): Population
//     SigmaG   Sigma + gamma I [F, F], Sigma = <lambda phi phi^T>; cholSigmaG its Cholesky factor
//     Wbar     P -> infinity ensemble-mean weights [D, F] = <lambda ybar phi^T> SigmaG^{-1}
//     Wavg     the ensemble mean to first order in 1/P (the finite-P ridge bias of the trained
//              models, same order as V; docs/theory-checks.md):
//                Wavg = Wbar - (1/P) [<lambda^2 h r phi^T> - gamma Wbar SigmaG^{-1} Sigma] SigmaG^{-1},
//              h = phi^T SigmaG^{-1} phi (leverage), from expanding E[A_hat (Sigma_hat + gamma)^{-1}]
//              to second order in the fluctuations of A_hat and Sigma_hat.
//     per design point j: lambda_j, phi_j, the target-noise covariance N_j [D, D] and the mean
//       residual r_j = ybar_j - Wbar phi_j, with
//         denoiser: ybar = E[x0 | x, t] (posterior mean), N = Cov[x0 | x, t]
//         score:    ybar = s(x, t),                        N = C(x, t)
//   muCov(pop, za, zb): Cov[W phi(za), W phi(zb)] over the ensemble [D, D] and its Monte-Carlo
//     standard error: (1/P) { <lambda^2 k(za,.) k(.,zb) (N + r r^T)> - g(za) g(zb)^T },
//     k(z, z') = phi(z)^T SigmaG^{-1} phi(z'), g(z) = <lambda r k(., z)>   (first order in 1/P,
//     bias terms included; math.md 9.2). The SE is the spread of the per-design-point terms over
//     sqrt(N) (SigmaG's own Monte-Carlo error is not included).
//   vFactor(schedule, parametrization, t): the scalar c_t with V = c_t c_t' Cov[W phi] for the
//     denoiser (c = d alpha / s2: D_t S_t^{-1} = (d/s2) I because S and D share M), or d_t for the
//     score (V = d d' M Cov M, applied by the caller).
//   drawOmegaWeights(pop, seed, mean?): one Gaussian-field virtual model W = mean + Omega SigmaG^{-1}
//     (mean defaults to Wavg)
//     with Cov[Omega] = Xi / P, Xi = <lambda^2 (N + r r^T) phi phi^T> - G G^T, drawn as
//     Omega = (PN)^{-1/2} sum_j [lambda_j (L_j zeta_j) phi_j^T + eps_j (lambda_j r_j phi_j^T - G)]
//     (L_j = chol N_j; zeta, eps standard normal): exactly the Monte-Carlo Xi, without ever
//     forming or factoring the (D F) x (D F) matrix.

import type { Schedule } from '../schedule.js';
import { posterior, type PointSet } from '../posterior.js';
import { categorical, deriveSeed, normals, uniforms } from '../rng.js';
import type { LinearState } from '../models/linear-kernel.js';
import { cholShape, type DsmSamples } from '../models/dsm.js';
import { targets, type Parametrization } from '../models/linear.js';
import { choleskyInPlace, choleskySolve } from '../models/cholesky.js';
import { NonFiniteError } from '../errors.js';

export interface Population {
  F: number;
  D: number;
  N: number;
  /** Training samples per model (the 1/P of the V-kernel). */
  P: number;
  cholSigmaG: Float64Array;
  Wbar: Float64Array;
  Wavg: Float64Array;
  lambda: Float64Array;
  phi: Float64Array;
  noise: Float64Array;
  resid: Float64Array;
  /** G = <lambda r phi^T> [D, F]. */
  G: Float64Array;
  state: LinearState;
}

/** N design points like DSM samples, with stratified times. */
export function design(data: PointSet, schedule: Schedule, N: number, tRange: [number, number], seed: number): DsmSamples {
  const dim = data.dim;
  const u = uniforms(deriveSeed(seed, 'design', 't'), N);
  const comp = categorical(deriveSeed(seed, 'design', 'x0'), data.weights, N, data.M, 0, 0);
  const xi = normals(deriveSeed(seed, 'design', 'noise'), N * dim);
  const L = cholShape(schedule, dim);
  const t = new Float64Array(N);
  const x0 = new Float64Array(N * dim);
  const x = new Float64Array(N * dim);
  for (let j = 0; j < N; j++) {
    const tj = tRange[0] + ((tRange[1] - tRange[0]) * (j + u[j])) / N;
    t[j] = tj;
    const al = schedule.alpha(tj);
    const sd = Math.sqrt(schedule.s2(tj));
    for (let a = 0; a < dim; a++) {
      let z = 0;
      for (let b = 0; b <= a; b++) z += L[a * dim + b] * xi[j * dim + b];
      x0[j * dim + a] = data.points[comp[j] * dim + a];
      x[j * dim + a] = al * x0[j * dim + a] + sd * z;
    }
  }
  return { P: N, dim, t, x0, x };
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

export function population(state: LinearState, N: number, seed: number): Population {
  const { schedule, data, features, spec } = state;
  const D = state.dim;
  const F = features.F;
  const gamma = spec.ridge;
  const s = design(data, schedule, N, spec.t_range, deriveSeed(seed, 'population'));
  const { lambda } = targets(s, schedule, spec.parametrization);
  const phi = features.evaluate(s.x, s.t, N);
  const ybar = new Float64Array(N * D);
  const noise = new Float64Array(N * D * D);
  for (let j = 0; j < N; j++) {
    const xj = s.x.subarray(j * D, (j + 1) * D);
    const out = posterior(data, schedule, s.t[j], xj, spec.parametrization === 'denoiser' ? ['mean', 'cov'] : ['score', 'C']);
    ybar.set(spec.parametrization === 'denoiser' ? out.mean! : out.score!, j * D);
    noise.set(spec.parametrization === 'denoiser' ? out.cov! : out.C!, j * D * D);
  }
  const SigmaG = new Float64Array(F * F);
  const A = new Float64Array(D * F);
  for (let j = 0; j < N; j++) {
    const lj = lambda[j] / N;
    const row = j * F;
    for (let a = 0; a < F; a++) {
      const va = lj * phi[row + a];
      if (va === 0) continue;
      for (let b = a; b < F; b++) SigmaG[a * F + b] += va * phi[row + b];
      for (let d = 0; d < D; d++) A[d * F + a] += va * ybar[j * D + d];
    }
  }
  for (let a = 0; a < F; a++) {
    for (let b = 0; b < a; b++) SigmaG[a * F + b] = SigmaG[b * F + a];
    SigmaG[a * F + a] += gamma;
  }
  if (!choleskyInPlace(SigmaG, F)) {
    throw new NonFiniteError({ quantity: 'population ridge solve (Sigma + gamma I)', step: null, t: null });
  }
  const Wbar = rightSolve(SigmaG, F, A, D);
  const resid = new Float64Array(N * D);
  const G = new Float64Array(D * F);
  // E = <lambda^2 h r phi^T>, with h_j = |L^{-1} phi_j|^2 (one forward substitution per point).
  const E = new Float64Array(D * F);
  const y = new Float64Array(F);
  for (let j = 0; j < N; j++) {
    const row = j * F;
    for (let a = 0; a < F; a++) {
      let v = phi[row + a];
      const la = a * F;
      for (let b = 0; b < a; b++) v -= SigmaG[la + b] * y[b];
      y[a] = v / SigmaG[la + a];
    }
    let h = 0;
    for (let a = 0; a < F; a++) h += y[a] * y[a];
    for (let d = 0; d < D; d++) {
      let m = 0;
      for (let f = 0; f < F; f++) m += Wbar[d * F + f] * phi[row + f];
      const r = ybar[j * D + d] - m;
      resid[j * D + d] = r;
      const c = (lambda[j] * r) / N;
      const e = c * lambda[j] * h;
      for (let f = 0; f < F; f++) {
        G[d * F + f] += c * phi[row + f];
        E[d * F + f] += e * phi[row + f];
      }
    }
  }
  const X = rightSolve(SigmaG, F, Wbar, D);
  for (let i = 0; i < D * F; i++) E[i] += -gamma * Wbar[i] + gamma * gamma * X[i];
  const corr = rightSolve(SigmaG, F, E, D);
  const P = spec.samples;
  const Wavg = Wbar.map((w, i) => w - corr[i] / P);
  return { F, D, N, P, cholSigmaG: SigmaG, Wbar, Wavg, lambda, phi, noise, resid, G, state };
}

/** k(z, z_j) for every design point: (SigmaG^{-1} phi(z))^T phi_j. */
function kernelRow(pop: Population, x: Float64Array, t: number): Float64Array {
  const u = pop.state.features.evaluate(x, new Float64Array([t]), 1);
  choleskySolve(pop.cholSigmaG, pop.F, u, 1);
  const k = new Float64Array(pop.N);
  for (let j = 0; j < pop.N; j++) {
    let s = 0;
    for (let f = 0; f < pop.F; f++) s += u[f] * pop.phi[j * pop.F + f];
    k[j] = s;
  }
  return k;
}

export interface CovEstimate {
  /** [D, D] row-major. */
  cov: Float64Array;
  /** Monte-Carlo standard error per entry [D, D]. */
  se: Float64Array;
}

export function muCov(pop: Population, xa: Float64Array, ta: number, xb: Float64Array, tb: number): CovEstimate {
  const { N, D, P } = pop;
  const ka = kernelRow(pop, xa, ta);
  const kb = xa === xb && ta === tb ? ka : kernelRow(pop, xb, tb);
  const cov = new Float64Array(D * D);
  const sq = new Float64Array(D * D);
  const ga = new Float64Array(D);
  const gb = new Float64Array(D);
  for (let j = 0; j < N; j++) {
    const l = pop.lambda[j];
    const w = l * l * ka[j] * kb[j];
    for (let a = 0; a < D; a++) {
      const ra = pop.resid[j * D + a];
      ga[a] += (l * ra * ka[j]) / N;
      gb[a] += (l * ra * kb[j]) / N;
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

export function vFactor(schedule: Schedule, parametrization: Parametrization, t: number): number {
  return parametrization === 'denoiser'
    ? (schedule.d(t) * schedule.alpha(t)) / schedule.s2(t)
    : schedule.d(t);
}

export function drawOmegaWeights(pop: Population, seed: number, mean: Float64Array = pop.Wavg): Float64Array {
  const { N, D, F, P } = pop;
  const zeta = normals(deriveSeed(seed, 'omega', 'zeta'), N * D);
  const eps = normals(deriveSeed(seed, 'omega', 'eps'), N);
  const omega = new Float64Array(D * F);
  const L = new Float64Array(D * D);
  const c = new Float64Array(D);
  let epsSum = 0;
  for (let j = 0; j < N; j++) {
    L.set(pop.noise.subarray(j * D * D, (j + 1) * D * D));
    // The posterior covariance may be exactly singular (far from the data): a small jitter keeps
    // the factor defined without changing anything at float64 resolution.
    for (let a = 0; a < D; a++) L[a * D + a] += 1e-300;
    const ok = choleskyInPlace(L, D);
    const l = pop.lambda[j];
    for (let a = 0; a < D; a++) {
      let v = 0;
      if (ok) for (let b = 0; b <= a; b++) v += L[a * D + b] * zeta[j * D + b];
      c[a] = l * (v + eps[j] * pop.resid[j * D + a]);
    }
    epsSum += eps[j];
    for (let a = 0; a < D; a++) {
      const ca = c[a];
      if (ca === 0) continue;
      for (let f = 0; f < F; f++) omega[a * F + f] += ca * pop.phi[j * F + f];
    }
  }
  for (let i = 0; i < D * F; i++) omega[i] -= epsSum * pop.G[i];
  const scale = 1 / Math.sqrt(P * N);
  for (let i = 0; i < D * F; i++) omega[i] *= scale;
  const dW = rightSolve(pop.cholSigmaG, F, omega, D);
  return mean.map((w, i) => w + dW[i]);
}
