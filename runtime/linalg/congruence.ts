// M X M for a small symmetric M (a process's shape matrix): how a covariance of the denoiser's
// coordinates becomes one of the score's (S_t = s2 M, D_t = d M), summed in one fixed order so
// every caller gets the same bytes.

/** out[oo..] = M X M, X at x[xo..], all [n, n] row-major (out may not alias x). */
export function congruence(
  M: readonly (readonly number[])[],
  x: Float64Array,
  xo: number,
  n: number,
  out: Float64Array,
  oo: number,
): void {
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += M[a][i] * x[xo + i * n + j] * M[j][b];
      out[oo + a * n + b] = s;
    }
}
