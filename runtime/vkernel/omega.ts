// Gaussian-field virtual models of the effective SDE (math.md 9.2): W = mean + Omega SigmaG^{-1}
// with Cov[Omega] = Xi / P, Xi = <lambda^2 (N + r r^T) phi phi^T> - G G^T over the population's
// design (vkernel/population.ts), drawn as
//   Omega = (PN)^{-1/2} sum_j [lambda_j (L_j zeta_j) phi_j^T + eps_j (lambda_j r_j phi_j^T - G)]
// (L_j = chol N_j; zeta, eps standard normal): exactly the Monte-Carlo Xi, without ever forming or
// factoring the (D F) x (D F) matrix.
// Plain data only (OmegaField: typed arrays, possibly shared), so a worker thread draws the
// virtual model it samples (runtime/fast/member.ts); a model depends only on its seed.
//
// API
//   interface OmegaField   the population arrays a draw reads (a Population is one)
//   drawOmegaWeights(field, seed, mean): W [D, F]

import { deriveSeed, normals } from '../rng.js';

export interface OmegaField {
  N: number;
  D: number;
  F: number;
  P: number;
  lambda: Float64Array;
  /** The design's sparse feature rows (CSR, vkernel/design-rows.ts). */
  rows: { start: Int32Array; col: Int32Array; val: Float64Array };
  /** Cholesky factors of the target-noise covariances [N, D, D]. */
  noiseChol: Float64Array;
  resid: Float64Array;
  /** G = <lambda r phi^T> [D, F]. */
  G: Float64Array;
  /** (Sigma + gamma I)^{-1} [F, F]. */
  SigmaGinv: Float64Array;
}

export function drawOmegaWeights(field: OmegaField, seed: number, mean: Float64Array): Float64Array {
  const { N, D, F, P, noiseChol: L, lambda, resid, G, SigmaGinv } = field;
  const { start, col, val } = field.rows;
  const zeta = normals(deriveSeed(seed, 'omega', 'zeta'), N * D);
  const eps = normals(deriveSeed(seed, 'omega', 'eps'), N);
  // om [D, F] = Omega, accumulated row by row of the design; outputs go in pairs (a, a + 1) so
  // each row entry is read once for both (a loop over D inside the row loop ran 3x slower).
  const om = new Float64Array(D * F);
  const c = new Float64Array(D + 1);
  let epsSum = 0;
  for (let j = 0; j < N; j++) {
    const l = lambda[j];
    const o = j * D * D;
    const e = eps[j];
    for (let a = 0; a < D; a++) {
      let v = 0;
      for (let b = 0; b <= a; b++) v += L[o + a * D + b] * zeta[j * D + b];
      c[a] = l * (v + e * resid[j * D + a]);
    }
    epsSum += e;
    const q0 = start[j];
    const q1 = start[j + 1];
    for (let a = 0; a < D; a += 2) {
      const c0 = c[a];
      const c1 = c[a + 1];
      const r0 = a * F;
      if (a + 1 < D) for (let q = q0; q < q1; q++) (om[r0 + col[q]] += c0 * val[q]), (om[r0 + F + col[q]] += c1 * val[q]);
      else for (let q = q0; q < q1; q++) om[r0 + col[q]] += c0 * val[q];
    }
  }
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
