// Gaussian-field virtual models of the effective SDE (math.md 9.2): W = mean + Omega SigmaG^{-1}
// with Cov[Omega] = Xi / P, Xi = <lambda^2 (N + r r^T) phi phi^T> - G G^T over the population's
// design (vkernel/population.ts), drawn as
//   Omega = (PN)^{-1/2} sum_j [lambda_j (L_j zeta_j) phi_j^T + eps_j (lambda_j r_j phi_j^T - G)]
// (L_j = chol N_j; zeta, eps standard normal): exactly the Monte-Carlo Xi, without ever forming or
// factoring the (D F) x (D F) matrix.
// Plain data only (OmegaField: typed arrays, possibly shared), so a worker thread draws the
// virtual model it samples (runtime/fast/member.ts); a model depends only on its seed.
//
// The sum over design points is Phi^T C with C [N, D] the per-point coefficients. For product
// features each phi_j is (leading factors' window rows) (x) (last factor's window row), so the
// points sharing all their windows (design-rows.ts groupOrder) contribute one small product
// X^T Y, X [g, leading window] and Y [g, last window x D] (the last row times c_j): in
// WebAssembly SIMD (linalg-wasm gramWasm) or JS loops. Fig. 3's dense Fourier rows (1e7 entries)
// made the sparse-row loop stream 120 MB per model. Other features keep the sparse rows.
//
// API
//   interface OmegaField            the population arrays a draw reads
//   omegaField(pop): OmegaField     from a population (sparse rows only without product structure)
//   drawOmegaWeights(field, seed, mean): W [D, F]

import { deriveSeed, normals } from '../rng.js';
import { gramWasm, linalgSimdEnabled } from '../linalg-wasm/linalg.js';
import { groupOrder } from './design-rows.js';
import type { Population } from './population.js';

interface FactorRows {
  n: number;
  /** [N, n] full rows. */
  row: Float64Array;
  /** [N, 2] inclusive window. */
  win: Int32Array;
}

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
  /** Product features: per-factor rows and windows, points ordered so equal windows are adjacent. */
  product: { factors: FactorRows[]; order: Int32Array } | null;
  /** Otherwise the design's sparse feature rows (CSR, vkernel/design-rows.ts). */
  rows: { start: Int32Array; col: Int32Array; val: Float64Array } | null;
}

export function omegaField(pop: Population): OmegaField {
  const { N, D, F, P, lambda, noiseChol, resid, G, SigmaGinv, rows } = pop;
  const factors = rows.factors;
  return {
    N, D, F, P, lambda, noiseChol, resid, G, SigmaGinv,
    product: factors ? { factors: factors.map(({ n, row, win }) => ({ n, row, win })), order: groupOrder(rows) } : null,
    rows: factors ? null : { start: rows.start, col: rows.col, val: rows.val },
  };
}

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
  const om = field.product ? productSum(field.product, N, D, F, c) : rowSum(field.rows!, N, D, F, c);
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

/** om [D, F] = sum_j c_j phi_j^T over sparse rows; outputs in pairs, so each entry is read once for both. */
function rowSum(rows: NonNullable<OmegaField['rows']>, N: number, D: number, F: number, c: Float64Array): Float64Array {
  const { start, col, val } = rows;
  const om = new Float64Array(D * F);
  for (let j = 0; j < N; j++) {
    const q0 = start[j];
    const q1 = start[j + 1];
    for (let a = 0; a < D; a += 2) {
      const c0 = c[j * D + a];
      const r0 = a * F;
      if (a + 1 < D) {
        const c1 = c[j * D + a + 1];
        for (let q = q0; q < q1; q++) (om[r0 + col[q]] += c0 * val[q]), (om[r0 + F + col[q]] += c1 * val[q]);
      } else for (let q = q0; q < q1; q++) om[r0 + col[q]] += c0 * val[q];
    }
  }
  return om;
}

/** Points per X^T Y product (X stays small: 64 x 100 floats for Fig. 3's Fourier rows). */
const GROUP_POINTS = 64;

/** om [D, F] = sum_j c_j phi_j^T for product features, one X^T Y per group of equal windows. */
function productSum(pr: NonNullable<OmegaField['product']>, N: number, D: number, F: number, c: Float64Array): Float64Array {
  const { factors, order } = pr;
  const K = factors.length;
  const last = factors[K - 1];
  const wasm = linalgSimdEnabled() ? gramWasm(D * F) : null;
  const om = wasm ? null : new Float64Array(D * F);
  const lead = factors.slice(0, K - 1).reduce((s, f) => s * f.n, 1);
  const X = new Float64Array(GROUP_POINTS * lead);
  const Y = new Float64Array(GROUP_POINTS * last.n * D);
  const ro = new Int32Array(lead);
  const co = new Int32Array(last.n * D);
  let e = 0;
  while (e < N) {
    const first = order[e];
    let end = e + 1;
    while (end < N && end - e < GROUP_POINTS && sameWindows(factors, first, order[end])) end++;
    // ro: the leading factors' window combinations in C order, as flat offsets (times last.n)
    ro[0] = 0;
    let nr = 1;
    for (let a = 0; a < K - 1; a++) {
      const f = factors[a];
      const lo = f.win[2 * first];
      const w = f.win[2 * first + 1] - lo + 1;
      for (let r = nr - 1; r >= 0; r--) for (let q = w - 1; q >= 0; q--) ro[r * w + q] = ro[r] * f.n + lo + q;
      nr *= w;
    }
    for (let r = 0; r < nr; r++) ro[r] *= last.n;
    const loL = last.win[2 * first];
    const wL = last.win[2 * first + 1] - loL + 1;
    const nc = wL * D;
    for (let a = 0; a < D; a++) for (let l = 0; l < wL; l++) co[a * wL + l] = a * F + loL + l;
    const g = end - e;
    for (let k = 0; k < g; k++) {
      const j = order[e + k];
      // X[k, :] = the leading window rows' products, C order; Y[k, :] = c_j (x) last window row
      const xo = k * nr;
      X[xo] = 1;
      let len = 1;
      for (let a = 0; a < K - 1; a++) {
        const f = factors[a];
        const lo = f.win[2 * j];
        const w = f.win[2 * j + 1] - lo + 1;
        const r0 = j * f.n + lo;
        for (let r = len - 1; r >= 0; r--) {
          const v = X[xo + r];
          for (let q = w - 1; q >= 0; q--) X[xo + r * w + q] = v * f.row[r0 + q];
        }
        len *= w;
      }
      const r0 = j * last.n + loL;
      for (let a = 0; a < D; a++) {
        const cj = c[j * D + a];
        for (let l = 0; l < wL; l++) Y[k * nc + a * wL + l] = cj * last.row[r0 + l];
      }
    }
    if (wasm) wasm.add(X, nr, Y, nc, g, ro, co);
    else
      for (let k = 0; k < g; k++)
        for (let r = 0; r < nr; r++) {
          const x = X[k * nr + r];
          const o = ro[r];
          for (let q = 0; q < nc; q++) om![o + co[q]] += x * Y[k * nc + q];
        }
    e = end;
  }
  return wasm ? wasm.result() : om!;
}

function sameWindows(factors: FactorRows[], a: number, b: number): boolean {
  for (const f of factors) if (f.win[2 * a] !== f.win[2 * b] || f.win[2 * a + 1] !== f.win[2 * b + 1]) return false;
  return true;
}
