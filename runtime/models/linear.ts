// Linear feature models trained in closed form by ridge-regularized DSM (docs/theory.md 9.1, 9.4).
//
// All of it is float64: the normal matrix has condition numbers well over 1e6 at small t_min
// (lambda = alpha^2/sigma^2 reaches 5e4 at t = 1e-4), where float32 solves lose every digit.

import type { Schedule } from '../schedule.js';
import type { FeatureMap } from '../features.js';
import type { DsmSamples } from './dsm.js';
import { cholShape } from './dsm.js';
import { choleskyInPlace, choleskySolve, solveLower, solveUpperT } from '../linalg/cholesky.js';
import { scaleDual, scalePrimal, singular, type RidgeTargets } from './ridge-system.js';

export type Parametrization = 'denoiser' | 'score';

/** interface LinearModel { W [D, F], D, F, parametrization } */
export interface LinearModel {
  W: Float64Array;
  D: number;
  F: number;
  parametrization: Parametrization;
}

/**
 * targets(samples, schedule, parametrization): { lambda [P], Y [P, D] }
 * denoiser (default, docs/theory.md 9.4): Y = x0, lambda = alpha^2 / s2 (the code's lamb_tilde).
 * score (docs/theory.md 9.1): Y = S_t^{-1} (alpha x0 - x), lambda = s2 (the code's lambda_t = sigma^2).
 * For an anisotropic S_t = s2 M the denoiser weight keeps the isotropic form alpha^2/s2.
 */
export function targets(
  s: DsmSamples,
  schedule: Schedule,
  parametrization: Parametrization,
): { lambda: Float64Array; Y: Float64Array } {
  const { P, dim } = s;
  const lambda = new Float64Array(P);
  const Y = new Float64Array(P * dim);
  const L = parametrization === 'score' ? cholShape(schedule, dim) : null;
  for (let i = 0; i < P; i++) {
    const al = schedule.alpha(s.t[i]);
    const s2 = schedule.s2(s.t[i]);
    if (!L) {
      lambda[i] = (al * al) / s2;
      for (let a = 0; a < dim; a++) Y[i * dim + a] = s.x0[i * dim + a];
      continue;
    }
    lambda[i] = s2;
    // y = M^{-1} (alpha x0 - x) / s2 via the two triangular solves with chol(M).
    const r = new Float64Array(dim);
    for (let a = 0; a < dim; a++) r[a] = (al * s.x0[i * dim + a] - s.x[i * dim + a]) / s2;
    solveLower(L, dim, r);
    solveUpperT(L, dim, r);
    Y.set(r, i * dim);
  }
  return { lambda, Y };
}

export interface RidgeOptions {
  form?: 'primal' | 'dual';
  /** Phi Phi^T [P, P] (without lambda), if the caller can build it more cheaply. */
  gram?: Float64Array;
}

/**
 * ridgeFit(Phi, P, F, lambda, Y, D, gamma, opts?): W [D, F] row-major, float64
 * minimizes (1/P) sum_i lambda_i |W phi_i - y_i|^2 + gamma |W|^2:
 *   primal  W^T = (Phi^T Lambda Phi / P + gamma I)^{-1} Phi^T Lambda Y / P        (F <= P)
 *   dual    W = Y^T L^(1/2) (L^(1/2) Phi Phi^T L^(1/2) + P gamma I)^{-1} L^(1/2) Phi (F > P)
 * opts.form forces one; opts.gram supplies Phi Phi^T (the dual's Gram) when cheaper to build
 * (tensor-product features: the Hadamard product of per-factor Grams, O(P^2 sum F_a)).
 */
export function ridgeFit(
  Phi: Float64Array,
  P: number,
  F: number,
  lambda: Float64Array,
  Y: Float64Array,
  D: number,
  gamma: number,
  opts: RidgeOptions = {},
): Float64Array {
  const form = opts.form ?? (F <= P ? 'primal' : 'dual');
  const targets = { P, lambda, Y, D, gamma };
  return form === 'primal' ? primal(Phi, F, targets) : dual(Phi, F, targets, opts.gram);
}

function primal(Phi: Float64Array, F: number, r: RidgeTargets): Float64Array {
  const { P, lambda, Y, D, gamma } = r;
  const { G, B } = normalSums(Phi, P, F, lambda, Y, D);
  scalePrimal(G, B, F, r);
  if (!choleskyInPlace(G, F)) throw singular('primal', F, gamma);
  choleskySolve(G, F, B, D);
  return transpose(B, F, D);
}

/**
 * The upper triangle of G = Phi^T Lambda Phi [F, F] and B = Phi^T Lambda Y [F, D], by rank-1
 * updates in row order. Four rows are taken per sweep over G, each entry loaded once and updated
 * by the four rows' products in row order: the same floats as one row per sweep (a zero lambda_i
 * phi_ia adds exactly +-0, and a sum of nonzero terms never rounds to -0) with a quarter of the
 * loads and stores of G. A column a whose four weights are all zero is skipped (sparse rows).
 */
export function normalSums(
  Phi: Float64Array,
  P: number,
  F: number,
  lambda: Float64Array,
  Y: Float64Array,
  D: number,
): { G: Float64Array; B: Float64Array } {
  const G = new Float64Array(F * F);
  const B = new Float64Array(F * D);
  let i = 0;
  for (; i + 3 < P; i += 4) {
    const r0 = i * F;
    const r1 = r0 + F;
    const r2 = r1 + F;
    const r3 = r2 + F;
    const l0 = lambda[i];
    const l1 = lambda[i + 1];
    const l2 = lambda[i + 2];
    const l3 = lambda[i + 3];
    for (let a = 0; a < F; a++) {
      const v0 = l0 * Phi[r0 + a];
      const v1 = l1 * Phi[r1 + a];
      const v2 = l2 * Phi[r2 + a];
      const v3 = l3 * Phi[r3 + a];
      if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
      const ga = a * F;
      for (let b = a; b < F; b++) {
        let g = G[ga + b];
        g += v0 * Phi[r0 + b];
        g += v1 * Phi[r1 + b];
        g += v2 * Phi[r2 + b];
        g += v3 * Phi[r3 + b];
        G[ga + b] = g;
      }
      for (let d = 0; d < D; d++) {
        let s = B[a * D + d];
        s += v0 * Y[i * D + d];
        s += v1 * Y[(i + 1) * D + d];
        s += v2 * Y[(i + 2) * D + d];
        s += v3 * Y[(i + 3) * D + d];
        B[a * D + d] = s;
      }
    }
  }
  for (; i < P; i++) {
    const li = lambda[i];
    const row = i * F;
    for (let a = 0; a < F; a++) {
      const va = li * Phi[row + a];
      if (va === 0) continue;
      const ga = a * F;
      for (let b = a; b < F; b++) G[ga + b] += va * Phi[row + b];
      for (let d = 0; d < D; d++) B[a * D + d] += va * Y[i * D + d];
    }
  }
  return { G, B };
}

function dual(Phi: Float64Array, F: number, r: RidgeTargets, gram?: Float64Array): Float64Array {
  const { P, D, gamma } = r;
  const K = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      let g: number;
      if (gram) g = gram[i * P + j];
      else {
        g = 0;
        for (let f = 0; f < F; f++) g += Phi[i * F + f] * Phi[j * F + f];
      }
      K[i * P + j] = g;
    }
  }
  const { sl, R } = scaleDual(K, r);
  if (!choleskyInPlace(K, P)) throw singular('dual', P, gamma);
  choleskySolve(K, P, R, D);
  const W = new Float64Array(D * F);
  for (let i = 0; i < P; i++) {
    for (let d = 0; d < D; d++) {
      const c = R[i * D + d] * sl[i];
      if (c === 0) continue;
      for (let f = 0; f < F; f++) W[d * F + f] += c * Phi[i * F + f];
    }
  }
  return W;
}

function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

export interface LinearSpec {
  ridge: number;
  parametrization: Parametrization;
}

/** trainLinear(spec, features, samples, schedule): LinearModel  (one member) */
export function trainLinear(
  spec: LinearSpec,
  features: FeatureMap,
  samples: DsmSamples,
  schedule: Schedule,
): LinearModel {
  const { P, dim } = samples;
  const F = features.F;
  const Phi = features.evaluate(samples.x, samples.t, P);
  const { lambda, Y } = targets(samples, schedule, spec.parametrization);
  const gram = F > P ? factoredGram(features, samples) : undefined;
  const W = ridgeFit(Phi, P, F, lambda, Y, dim, spec.ridge, { gram });
  return { W, D: dim, F, parametrization: spec.parametrization };
}

/** Phi Phi^T for a product of factors: the Hadamard product of the per-factor Grams. */
export function factoredGram(features: FeatureMap, s: DsmSamples): Float64Array | undefined {
  const fac = features.factored;
  if (!fac) return undefined;
  const { P } = s;
  const G = new Float64Array(P * P).fill(1);
  for (const f of fac.all) {
    const buf = new Float64Array(P * f.size);
    f.evaluate(s.x, s.t, P, buf);
    for (let i = 0; i < P; i++) {
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k < f.size; k++) g += buf[i * f.size + k] * buf[j * f.size + k];
        G[i * P + j] *= g;
      }
    }
  }
  for (let i = 0; i < P; i++) for (let j = 0; j < i; j++) G[j * P + i] = G[i * P + j];
  return G;
}
