// Dense float64 Cholesky factor and triangular solves on flat row-major arrays: the one copy of
// them in the runtime (ridge normal equations, V-kernel populations, and the D x D matrices of the
// processes, posteriors and metrics alike).
//
// Why not ml-matrix: its CholeskyDecomposition goes through get/set per element; a 500 x 500
// factor (one per Fig. 3 member) took 92 ms there against 63 ms with a textbook loop, and the
// inner dot products split over four accumulators (below) make it 3x faster again: a single
// running sum waits on every add. From n = 32 up the factor runs in WebAssembly SIMD instead
// (linalg/wasm/: register-blocked, 8x faster at n = 500; bench/linalg.ts), unless SIMD is missing
// or switched off (GTV_SIMD=0); below that the copy into wasm memory costs more than it saves.
// Both give the same factor up to float64 rounding and stop at the first pivot that is not > 0.

import { choleskyWasm, linalgSimdEnabled } from './wasm/simd.js';

/** Smallest n factored in wasm (measured crossover: equal at n ~ 30, 2.7x faster at n = 64). */
const WASM_FROM = 32;

/**
 * sum_i a[i0 + i] b[j0 + i] for i < len, in four partial sums (the dependent add chain, not the
 * loads, bounds a single-sum loop), added as s0 + s1 + (s2 + s3).
 */
export function dot4(a: Float64Array, i0: number, b: Float64Array, j0: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[i0 + i] * b[j0 + i];
    s1 += a[i0 + i + 1] * b[j0 + i + 1];
    s2 += a[i0 + i + 2] * b[j0 + i + 2];
    s3 += a[i0 + i + 3] * b[j0 + i + 3];
  }
  for (; i < len; i++) s0 += a[i0 + i] * b[j0 + i];
  return s0 + s1 + (s2 + s3);
}

/**
 * Overwrites the lower triangle of `a` [n, n] with the lower Cholesky factor L (the upper triangle
 * is not touched). Returns false if a pivot is not positive (not numerically SPD); the lower
 * triangle's contents are then unspecified.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  if (n >= WASM_FROM && linalgSimdEnabled()) return choleskyWasm(a, n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let k = 0; k < j; k++) {
      const rk = k * n;
      a[rj + k] = (a[rj + k] - dot4(a, rk, a, rj, k)) / a[rk + k];
    }
    const d = a[rj + j] - dot4(a, rj, a, rj, j);
    if (!(d > 0)) return false;
    a[rj + j] = Math.sqrt(d);
  }
  return true;
}

/** Solves (L L^T) X = B in place, B [n, m] row-major, L the lower factor (upper triangle ignored). */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array, m: number): void {
  const col = new Float64Array(n);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < n; k++) col[k] = b[k * m + c];
    solveLower(L, n, col);
    solveUpperT(L, n, col);
    for (let k = 0; k < n; k++) b[k * m + c] = col[k];
  }
}

/** Solves L y = b in place for lower-triangular L [n, n]; b has stride 1 from `offset`. */
export function solveLower(L: Float64Array, n: number, b: Float64Array, offset = 0): void {
  for (let i = 0; i < n; i++) {
    let s = b[offset + i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[offset + k];
    b[offset + i] = s / L[ri + i];
  }
}

/** Solves L^T y = b in place for lower-triangular L [n, n]; b has stride 1 from `offset`. */
export function solveUpperT(L: Float64Array, n: number, b: Float64Array, offset = 0): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[offset + i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[offset + k];
    b[offset + i] = s / L[i * n + i];
  }
}

/**
 * The lower Cholesky factor of a small SPD matrix given as rows (a process's M, a Gaussian's
 * covariance), row-major [n, n] with zeros above the diagonal; throws if it is not SPD.
 */
export function cholesky(a: readonly (readonly number[])[], what = 'matrix'): Float64Array {
  const n = a.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = a[i][j];
  if (!choleskyInPlace(L, n)) throw new Error(`${what} is not symmetric positive definite`);
  return L;
}

/**
 * Cholesky of a positive SEMI-definite matrix A [n, n] into L (zeroed first): a posterior
 * covariance has rank < n wherever it spans fewer directions (data on a line, or one dominant
 * point), so pivots <= relTol * max diag (default: rounding level) are treated as zero, their
 * columns left 0, instead of failing.
 */
export function psdCholesky(A: Float64Array, n: number, L: Float64Array, relTol = 1e-12): void {
  L.fill(0);
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(A[i * n + i]));
  const tol = relTol * maxDiag;
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= L[j * n + k] * L[j * n + k];
    if (s <= tol) continue;
    const p = Math.sqrt(s);
    L[j * n + j] = p;
    for (let i = j + 1; i < n; i++) {
      let v = A[i * n + j];
      for (let k = 0; k < j; k++) v -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = v / p;
    }
  }
}
