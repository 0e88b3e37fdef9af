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

/** Whether choleskyInPlace factors an n x n matrix in wasm (whose factor differs from the JS loops' in rounding). */
export function choleskyInWasm(n: number): boolean {
  return n >= WASM_FROM && linalgSimdEnabled();
}

/**
 * Overwrites the lower triangle of `a` [n, n] with the lower Cholesky factor L (the upper triangle
 * is not touched). Returns false if a pivot is not positive (not numerically SPD); the lower
 * triangle's contents are then unspecified.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  if (choleskyInWasm(n)) return choleskyWasm(a, n);
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

/**
 * Solves (L L^T) X = B in place, B [n, m] row-major, L the lower factor (upper triangle ignored).
 * Columns are solved four at a time: each loaded L entry feeds four independent running sums (a
 * single sum waits on every add, as in dot4), and the backward sweep reads L^T's rows instead of
 * L's columns. Every entry sees the same operations in the same order as solveLower then
 * solveUpperT on its own column, so the result is bitwise the same.
 */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array, m: number): void {
  const col = new Float64Array(n);
  let c = 0;
  if (m >= 4) {
    const U = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) U[k * n + i] = L[i * n + k];
    const x = new Float64Array(4 * n);
    for (; c + 3 < m; c += 4) {
      for (let k = 0; k < n; k++) for (let j = 0; j < 4; j++) x[j * n + k] = b[k * m + c + j];
      solve4(L, U, n, x);
      for (let k = 0; k < n; k++) for (let j = 0; j < 4; j++) b[k * m + c + j] = x[j * n + k];
    }
  }
  for (; c < m; c++) {
    for (let k = 0; k < n; k++) col[k] = b[k * m + c];
    solveLower(L, n, col);
    solveUpperT(L, n, col);
    for (let k = 0; k < n; k++) b[k * m + c] = col[k];
  }
}

/** solveLower then solveUpperT on the four columns x[j n .. (j + 1) n), U = L^T. */
function solve4(L: Float64Array, U: Float64Array, n: number, x: Float64Array): void {
  const n2 = 2 * n;
  const n3 = 3 * n;
  for (let i = 0; i < n; i++) {
    let s0 = x[i];
    let s1 = x[n + i];
    let s2 = x[n2 + i];
    let s3 = x[n3 + i];
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const l = L[ri + k];
      s0 -= l * x[k];
      s1 -= l * x[n + k];
      s2 -= l * x[n2 + k];
      s3 -= l * x[n3 + k];
    }
    const d = L[ri + i];
    x[i] = s0 / d;
    x[n + i] = s1 / d;
    x[n2 + i] = s2 / d;
    x[n3 + i] = s3 / d;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s0 = x[i];
    let s1 = x[n + i];
    let s2 = x[n2 + i];
    let s3 = x[n3 + i];
    const ri = i * n;
    for (let k = i + 1; k < n; k++) {
      const l = U[ri + k];
      s0 -= l * x[k];
      s1 -= l * x[n + k];
      s2 -= l * x[n2 + k];
      s3 -= l * x[n3 + k];
    }
    const d = U[ri + i];
    x[i] = s0 / d;
    x[n + i] = s1 / d;
    x[n2 + i] = s2 / d;
    x[n3 + i] = s3 / d;
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
