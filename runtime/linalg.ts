// Small dense float64 helpers for D x D matrices (D is the data dimension, 1-3 in practice).
// Larger solves (ridge regressions) use ml-matrix; these stay in plain JS because they run per
// time step on 1x1 / 2x2 matrices where a library call would cost more than the arithmetic.

/** Lower Cholesky factor of an SPD matrix, row-major [n*n]; throws on a non-SPD input. */
export function cholesky(a: number[][]): Float64Array {
  const n = a.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not symmetric positive definite (pivot ${i} = ${s})`);
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  return L;
}

/** Solves L y = b in place for lower-triangular L (row-major n*n); b has stride 1 at offset. */
export function forwardSubstitute(L: Float64Array, n: number, b: Float64Array, offset = 0): void {
  for (let i = 0; i < n; i++) {
    let s = b[offset + i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[offset + k];
    b[offset + i] = s / L[i * n + i];
  }
}

/** Inverse of an SPD matrix via its Cholesky factor, row-major [n*n]. */
export function spdInverse(a: number[][]): Float64Array {
  const n = a.length;
  const L = cholesky(a);
  const inv = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    forwardSubstitute(L, n, col);
    // back substitution with L^T
    for (let i = n - 1; i >= 0; i--) {
      let s = col[i];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * col[k];
      col[i] = s / L[i * n + i];
    }
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i];
  }
  return inv;
}
