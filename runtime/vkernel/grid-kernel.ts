// Kernel rows k(z_g, z_j) = phi(z_g)^T SigmaG^{-1} phi_j of a linear model's population for many
// points z_g = (x_g, t) at one time t, for V-kernel maps (math.md 9.2). With product features,
// phi(x, t) = E_t psi(x), psi the product of the space factors (S of them) and E_t the time
// factors at t, so
//   k(z_g, z_j) = psi(x_g)^T Z_j,   Z = Phi_design (SigmaG^{-1} E_t)   [N, S]
// costs N nnz_j S once per time plus N nnz(psi) per point, against N nnz_j + F nnz per point
// for one point at a time (Fig. 3 on a 48 x 48 grid: S = 100, nnz(psi) <= 100, nnz_j <= 729).
// Features that are not a product fall back to one point at a time.
//
// API
//   gridKernel(pop, x [G, D], G, t): (g0, C) => Float64Array   rows [C, N] for points g0 .. g0 + C

import type { Population } from './population.js';
import { kernelRow } from './population.js';
import { productRows } from './design-rows.js';

export function gridKernel(pop: Population, x: Float64Array, G: number, t: number): (g0: number, C: number) => Float64Array {
  const { N, F, D } = pop;
  const fac = pop.state.features.factored;
  if (!fac) {
    return (g0, C) => {
      const K = new Float64Array(C * N);
      for (let g = 0; g < C; g++) K.set(kernelRow(pop, x.subarray((g0 + g) * D, (g0 + g + 1) * D), t), g * N);
      return K;
    };
  }
  const S = fac.spaceSize;
  const Y = fac.contractTime(pop.SigmaGinv, F, t);
  const { start, col, val } = pop.rows;
  const Z = new Float64Array(N * S);
  for (let j = 0; j < N; j++) {
    const zj = j * S;
    for (let q = start[j]; q < start[j + 1]; q++) {
      const v = val[q];
      const r = col[q] * S;
      for (let s = 0; s < S; s++) Z[zj + s] += v * Y[r + s];
    }
  }
  const psi = productRows(fac.space, x, new Float64Array(G), G);
  return (g0, C) => {
    const K = new Float64Array(C * N);
    for (let g = 0; g < C; g++) {
      const q0 = psi.start[g0 + g];
      const q1 = psi.start[g0 + g + 1];
      const o = g * N;
      for (let j = 0; j < N; j++) {
        let s = 0;
        const zj = j * S;
        for (let q = q0; q < q1; q++) s += psi.val[q] * Z[zj + psi.col[q]];
        K[o + j] = s;
      }
    }
    return K;
  };
}
