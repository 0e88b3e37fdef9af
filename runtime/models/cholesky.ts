// Dense float64 Cholesky factor and solves on flat row-major arrays.
//
// Why not ml-matrix: its CholeskyDecomposition goes through get/set per element; on this machine
// a 500 x 500 factor took 92 ms there against 63 ms here (measured with a scratch script), and
// the Fig. 3 cell needs 100 such solves. The algorithm is the textbook
// row-oriented Cholesky-Banachiewicz with contiguous inner dot products.
//
// API
//   choleskyInPlace(a, n): boolean      a [n, n] -> lower factor L in the lower triangle; false if
//                                       a pivot is not positive (matrix not numerically SPD)
//   choleskySolve(L, n, b, m)           solves (L L^T) X = B in place, B [n, m] row-major

export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let k = 0; k < j; k++) {
      const rk = k * n;
      let s = a[rj + k];
      for (let i = 0; i < k; i++) s -= a[rk + i] * a[rj + i];
      a[rj + k] = s / a[rk + k];
    }
    let d = a[rj + j];
    for (let i = 0; i < j; i++) d -= a[rj + i] * a[rj + i];
    if (!(d > 0)) return false;
    a[rj + j] = Math.sqrt(d);
  }
  return true;
}

export function choleskySolve(L: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < n; k++) {
      let s = b[k * m + c];
      const rk = k * n;
      for (let i = 0; i < k; i++) s -= L[rk + i] * b[i * m + c];
      b[k * m + c] = s / L[rk + k];
    }
    for (let k = n - 1; k >= 0; k--) {
      let s = b[k * m + c];
      for (let i = k + 1; i < n; i++) s -= L[i * n + k] * b[i * m + c];
      b[k * m + c] = s / L[k * n + k];
    }
  }
}
