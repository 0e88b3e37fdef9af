// Dense float64 Cholesky factor and solves on flat row-major arrays.
//
// Why not ml-matrix: its CholeskyDecomposition goes through get/set per element; a 500 x 500
// factor (one per Fig. 3 member) took 92 ms there against 63 ms with a textbook loop, and the
// inner dot products split over four accumulators (below) make it 3x faster again: a single
// running sum waits on every add. From n = 32 up the factor runs in WebAssembly SIMD instead
// (linalg-wasm/: register-blocked, 8x faster at n = 500; bench/linalg.ts), unless SIMD is missing
// or switched off (GTV_SIMD=0); below that the copy into wasm memory costs more than it saves.
// Both give the same factor up to float64 rounding and stop at the first pivot that is not > 0.
//
// API
//   choleskyInPlace(a, n): boolean      a [n, n] -> lower factor L in the lower triangle; false if
//                                       a pivot is not positive (matrix not numerically SPD);
//                                       the upper triangle is not touched; after false, the
//                                       lower triangle's contents are unspecified
//   choleskySolve(L, n, b, m)           solves (L L^T) X = B in place, B [n, m] row-major

import { choleskyWasm, linalgSimdEnabled } from '../linalg-wasm/linalg.js';

/** Smallest n factored in wasm (measured crossover: equal at n ~ 30, 2.7x faster at n = 64). */
const WASM_FROM = 32;

function dot(a: Float64Array, i0: number, j0: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[i0 + i] * a[j0 + i];
    s1 += a[i0 + i + 1] * a[j0 + i + 1];
    s2 += a[i0 + i + 2] * a[j0 + i + 2];
    s3 += a[i0 + i + 3] * a[j0 + i + 3];
  }
  for (; i < len; i++) s0 += a[i0 + i] * a[j0 + i];
  return s0 + s1 + (s2 + s3);
}

export function choleskyInPlace(a: Float64Array, n: number): boolean {
  if (n >= WASM_FROM && linalgSimdEnabled()) return choleskyWasm(a, n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let k = 0; k < j; k++) {
      const rk = k * n;
      a[rj + k] = (a[rj + k] - dot(a, rk, rj, k)) / a[rk + k];
    }
    const d = a[rj + j] - dot(a, rj, rj, j);
    if (!(d > 0)) return false;
    a[rj + j] = Math.sqrt(d);
  }
  return true;
}

export function choleskySolve(L: Float64Array, n: number, b: Float64Array, m: number): void {
  const col = new Float64Array(n);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < n; k++) col[k] = b[k * m + c];
    for (let k = 0; k < n; k++) {
      let s = col[k];
      const rk = k * n;
      for (let i = 0; i < k; i++) s -= L[rk + i] * col[i];
      col[k] = s / L[rk + k];
    }
    for (let k = n - 1; k >= 0; k--) {
      let s = col[k];
      for (let i = k + 1; i < n; i++) s -= L[i * n + k] * col[i];
      col[k] = s / L[k * n + k];
    }
    for (let k = 0; k < n; k++) b[k * m + c] = col[k];
  }
}
