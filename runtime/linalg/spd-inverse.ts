// The inverse of an SPD matrix from its Cholesky factor, float64: A^{-1} = L^{-T} L^{-1}; and the
// inverse of a small D x D one (a process's M or S_t) by solves against the identity.
// The V-kernel needs quadratic forms phi^T A^{-1} phi at many sparse phi (vkernel/population.ts):
// with the inverse at hand each costs nnz^2 / 2 instead of a dense triangular solve (n^2).
// From n = 16 up it runs in WebAssembly SIMD (linalg/wasm/: 11x faster at n = 1000;
// bench/linalg.ts) unless SIMD is missing or switched off (GTV_SIMD=0); the same result up to
// float64 rounding.

import { cholesky, solveLower, solveUpperT } from './cholesky.js';
import { inverseWasm, linalgSimdEnabled } from './wasm/simd.js';

/** Smallest n inverted in wasm (measured crossover: equal at n ~ 13, 1.4x faster at n = 16). */
const WASM_FROM = 16;

/** A^{-1} [n, n] from A's lower Cholesky factor L [n, n] (upper triangle ignored). */
export function inverseFromCholesky(L: Float64Array, n: number): Float64Array {
  if (n >= WASM_FROM && linalgSimdEnabled()) return inverseWasm(L, n);
  // R = L^{-1}, lower triangular, row by row: R[i, :i] = -(sum_k L[i, k] R[k, :]) / L[i, i].
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      if (l === 0) continue;
      const rk = k * n;
      for (let c = 0; c <= k; c++) R[ri + c] -= l * R[rk + c];
    }
    const d = 1 / L[ri + i];
    for (let c = 0; c < i; c++) R[ri + c] *= d;
    R[ri + i] = d;
  }
  // A^{-1}[a, b] = sum_{k >= max(a, b)} R[k, a] R[k, b]: rank-1 updates by rows of R.
  const X = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let a = 0; a <= k; a++) {
      const v = R[rk + a];
      if (v === 0) continue;
      const xa = a * n;
      for (let b = 0; b <= a; b++) X[xa + b] += v * R[rk + b];
    }
  }
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) X[a * n + b] = X[b * n + a];
  return X;
}

/** The inverse of a small SPD matrix given as rows, row-major [n, n]; throws if it is not SPD. */
export function spdInverse(a: readonly (readonly number[])[]): Float64Array {
  const n = a.length;
  const L = cholesky(a);
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    solveLower(L, n, col);
    solveUpperT(L, n, col);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}
