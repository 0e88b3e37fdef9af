// Kernel rows k(z_g, z_j) = phi(z_g)^T SigmaG^{-1} phi_j of a linear model's population for many
// points z_g = (x_g, t) at one time t, for V-kernel maps (docs/theory.md 9.2). With product features,
// phi(x, t) = E_t psi(x), psi the product of the space factors (S of them) and E_t the time
// factors at t, so
//   k(z_g, z_j) = psi(x_g)^T Z_j,   Z = Phi_design (SigmaG^{-1} E_t)   [N, S]
// costs N nnz_j S once per time plus N nnz(psi) per point, against N nnz_j + F nnz per point
// for one point at a time (Fig. 3 on a 48 x 48 grid: S = 100, nnz(psi) <= 100, nnz_j <= 729).
// Features that are not a product fall back to one point at a time.
// On a tensor grid (coords given) whose space factors are one per axis, in axis order (the Fig. 2
// and 3 features), psi(x_g) = a(x_g1) (x) b(x_g2) and k(z_g, z_j) = a(x_g1)^T Z_j b(x_g2) is
// contracted one axis at a time: n1 S + G n2 per design point for the whole grid (Fig. 3, 48 x 48:
// 28k against G nnz(psi) = 190k), with full factor rows (nothing dropped).

import type { Population } from './population.js';
import { kernelRow } from './population.js';
import { productRows } from './design-rows.js';
import type { Factor } from '../features.js';
import type { IrFeatureTree } from '../../compiler/ir/types.js';
import { isTimeBasis, productLeaves } from '../bases.js';

/**
 * gridKernel(pop, x [G, D], G, t, coords?): (g0, C) => Float64Array   rows [C, N] for points
 * g0 .. g0 + C; coords = the grid's per-axis coordinates when x is their C-order product
 */
export function gridKernel(
  pop: Population,
  x: Float64Array,
  G: number,
  t: number,
  coords?: Float64Array[],
): (g0: number, C: number) => Float64Array {
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
  const axisRows =
    coords && perAxis(pop.state.tree, D) ? coords.map((c, a) => factorRows(fac.space[a], c, D, a)) : null;
  if (axisRows && D === 1) return (g0, C) => tensor1(Z, N, S, axisRows[0], g0, C);
  if (axisRows && D === 2) return (g0, C) => tensor2(Z, N, axisRows, coords![1].length, g0, C);
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

/** True when the tree is a product whose space leaves are single-axis bases over x, y, ... in order. */
function perAxis(tree: IrFeatureTree, D: number): boolean {
  const space = productLeaves(tree)?.filter((b) => !isTimeBasis(b));
  if (!space || space.length !== D) return false;
  return space.every((b, a) => b.axes.length === 1 && b.axes[0] === AXES[a]);
}

const AXES = ['x', 'y', 'z'];

/** A space factor's full rows at one axis' coordinates [n, size]. */
function factorRows(
  f: Factor,
  c: Float64Array,
  D: number,
  axis: number,
): { n: number; size: number; row: Float64Array } {
  const n = c.length;
  const x = new Float64Array(n * D);
  for (let i = 0; i < n; i++) x[i * D + axis] = c[i];
  const row = new Float64Array(n * f.size);
  f.evaluate(x, new Float64Array(n), n, row);
  return { n, size: f.size, row };
}

function tensor1(Z: Float64Array, N: number, S: number, A: { row: Float64Array }, g0: number, C: number): Float64Array {
  const K = new Float64Array(C * N);
  for (let g = 0; g < C; g++) {
    const ra = (g0 + g) * S;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < S; i++) s += A.row[ra + i] * Z[j * S + i];
      K[g * N + j] = s;
    }
  }
  return K;
}

function tensor2(
  Z: Float64Array,
  N: number,
  rows: { size: number; row: Float64Array }[],
  n2: number,
  g0: number,
  C: number,
): Float64Array {
  const [A, B] = rows;
  const s1 = A.size;
  const s2 = B.size;
  const S = s1 * s2;
  const x0 = Math.floor(g0 / n2);
  const x1 = Math.floor((g0 + C - 1) / n2);
  const T = new Float64Array((x1 - x0 + 1) * s2);
  const K = new Float64Array(C * N);
  for (let j = 0; j < N; j++) {
    const zj = j * S;
    // T[gx, k] = sum_i a_i(gx) Z_j[i, k]
    T.fill(0);
    for (let gx = x0; gx <= x1; gx++) {
      const to = (gx - x0) * s2;
      for (let i = 0; i < s1; i++) {
        const a = A.row[gx * s1 + i];
        const zi = zj + i * s2;
        for (let k = 0; k < s2; k++) T[to + k] += a * Z[zi + k];
      }
    }
    for (let g = 0; g < C; g++) {
      const gg = g0 + g;
      const to = (Math.floor(gg / n2) - x0) * s2;
      const bo = (gg % n2) * s2;
      let s = 0;
      for (let k = 0; k < s2; k++) s += T[to + k] * B.row[bo + k];
      K[g * N + j] = s;
    }
  }
  return K;
}
