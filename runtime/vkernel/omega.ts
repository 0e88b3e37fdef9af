// Gaussian-field virtual models of the effective SDE (docs/theory.md 9.2): W = mean + Omega SigmaG^{-1}
// with Cov[Omega] = Xi / P, Xi = <lambda^2 (N + r r^T) phi phi^T> - G G^T over the population's
// design (vkernel/population.ts), drawn as
//   Omega = (PN)^{-1/2} sum_j [lambda_j (L_j zeta_j) phi_j^T + eps_j (lambda_j r_j phi_j^T - G)]
// (L_j = chol N_j; zeta, eps standard normal): exactly the Monte-Carlo Xi, without ever forming or
// factoring the (D F) x (D F) matrix.
// Plain data only (OmegaField: typed arrays, possibly shared), so a worker thread draws the
// virtual model it samples (runtime/particles/member.ts); a model depends only on its seed.
//
// The sum over design points is Phi^T C with C [N, D] the per-point coefficients
// (design-rows.ts transposeTimes: grouped by windows for product features, so only the
// per-factor rows are shared with the threads, not Fig. 3's 1e7-entry dense Fourier rows).

import { deriveSeed, normals } from '../rng.js';
import { transposeTimes, type TransposeSource } from './design-rows.js';
import type { Population } from './population.js';

/** interface OmegaField            the population arrays a draw reads */
export interface OmegaField {
  N: number;
  D: number;
  F: number;
  P: number;
  lambda: Float64Array;
  /** Cholesky factors of the target-noise covariances [N, D, D]. */
  noiseChol: Float64Array;
  resid: Float64Array;
  /** G = <lambda r phi^T> [D, F]. */
  G: Float64Array;
  /** (Sigma + gamma I)^{-1} [F, F]. */
  SigmaGinv: Float64Array;
  /** The design's feature rows, as Phi^T C reads them. */
  design: TransposeSource;
}

/** omegaField(pop): OmegaField     from a population */
export function omegaField(pop: Population): OmegaField {
  const { N, D, F, P, lambda, noiseChol, resid, G, SigmaGinv, design } = pop;
  return { N, D, F, P, lambda, noiseChol, resid, G, SigmaGinv, design };
}

/** drawOmegaWeights(field, seed, mean): W [D, F] */
export function drawOmegaWeights(field: OmegaField, seed: number, mean: Float64Array): Float64Array {
  const { N, D, F, P, noiseChol: L, lambda, resid, G, SigmaGinv } = field;
  const zeta = normals(deriveSeed(seed, 'omega', 'zeta'), N * D);
  const eps = normals(deriveSeed(seed, 'omega', 'eps'), N);
  // c [N, D]: each design point's coefficients of phi_j in Omega
  const c = new Float64Array(N * D);
  let epsSum = 0;
  for (let j = 0; j < N; j++) {
    const l = lambda[j];
    const o = j * D * D;
    const e = eps[j];
    for (let a = 0; a < D; a++) {
      let v = 0;
      for (let b = 0; b <= a; b++) v += L[o + a * D + b] * zeta[j * D + b];
      c[j * D + a] = l * (v + e * resid[j * D + a]);
    }
    epsSum += e;
  }
  const om = transposeTimes(field.design, N, F, c, D);
  const scale = 1 / Math.sqrt(P * N);
  for (let i = 0; i < D * F; i++) om[i] = (om[i] - epsSum * G[i]) * scale;
  // W = mean + Omega SigmaG^{-1}, by rows of the explicit inverse (contiguous; the same product
  // as the triangular solves up to rounding), each row read once per pair of outputs.
  const W = Float64Array.from(mean);
  for (let f = 0; f < F; f++) {
    const r = f * F;
    for (let a = 0; a < D; a += 2) {
      const v0 = om[a * F + f];
      const o0 = a * F;
      if (a + 1 < D) {
        const v1 = om[o0 + F + f];
        if (v0 === 0 && v1 === 0) continue;
        for (let g = 0; g < F; g++) {
          const s = SigmaGinv[r + g];
          W[o0 + g] += v0 * s;
          W[o0 + F + g] += v1 * s;
        }
      } else if (v0 !== 0) for (let g = 0; g < F; g++) W[o0 + g] += v0 * SigmaGinv[r + g];
    }
  }
  return W;
}
