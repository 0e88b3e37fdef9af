// The finite-P mean of trained NTK models to first order in 1/P (docs/theory-checks.md 6.3), the
// NTK analogue of W-avg (population.ts). In the features psi_k = nu_k^{1/2} e_k a trained model is
// w = h(S_hat) A_hat with h(s) = (1 - exp(-c s)) / s, c = lr tau. Expanding h(S + dS) to second
// order (Daleckii-Krein: first and second divided differences h[., .], h[., ., .] in the eigenbasis
// of S = diag(nu)) and taking the expectation over P iid DSM samples:
//   E[w_k] - h(nu_k) A_k = (1/P) { sum_l h[k, l] <lambda^2 psi_k psi_l^2 ybar> - nu_k h'(nu_k) A_k
//                                + sum_{m,l} h[k, m, l] <lambda^2 psi_k psi_m^2 psi_l> A_l - nu_k^2 h''(nu_k)/2 A_k }.
// On the design, q_jk = lambda_j^{1/2} psi_k(z_j) = (nu_k N)^{1/2} v_jk. The sum over m is exact for
// the modes with c nu_m >= FLAT; on the rest h is linear to that accuracy, h[k, m, l] ~ h[k, 0, l],
// and their q_jm^2 are summed first. The sum over l in the second term keeps the modes that carry
// all but 1e-7 of sum_l A_l^2 (A is smooth, so a few tens).
//
// The two moments are matrix products over the N design points, T1 = (y q)^T (q o q) [K, K] and
// G = q^T (q_m^2 q_l) [K, (T+1) L]. They run as dot products along rows of the transposed factors,
// 4 x 4 outputs at a time in tiles of design points that stay in cache; each output still sums its
// terms one design point after another, in order, and each term and the divided differences are
// the same floating-point expressions as a plain triple loop (test/runtime-models/ntk-mean-bias-reference.ts),
// so the result is the same to the last bit, 3-4.5x sooner at N = 1000 (bench/sym-eig.ts).

const FLAT = 1e-3;
/** Multiply-adds allowed for the second-order sum (about 1.5 s at 0.5 ns each). */
const BUDGET = 3e9;

function g0(x: number): number {
  return x < 1e-8 ? 1 - x / 2 : -Math.expm1(-x) / x;
}
function g1(x: number): number {
  if (x < 0.05) return -1 / 2 + x / 3 - (x * x) / 8 + x ** 3 / 30 - x ** 4 / 144 + x ** 5 / 840;
  return (Math.exp(-x) * (x + 1) - 1) / (x * x);
}
/** g''(x) / 2. */
function g2half(x: number): number {
  if (x < 0.05) return (1 / 3 - x / 4 + (x * x) / 10 - x ** 3 / 36 + x ** 4 / 168) / 2;
  return (2 - Math.exp(-x) * (x * x + 2 * x + 2)) / (2 * x ** 3);
}
/** g[x, y] given gx = g0(x), gy = g0(y) (computed once per mode). */
function divided1(x: number, gx: number, y: number, gy: number): number {
  return Math.abs(x - y) < 1e-4 ? g1((x + y) / 2) : (gx - gy) / (x - y);
}
/** g[x, y]. */
export function flowDivided1(x: number, y: number): number {
  return divided1(x, g0(x), y, g0(y));
}
/** g[x, y, z] given the g0 values, from the arguments in ascending order. */
function divided2(x: number, gx: number, y: number, gy: number, z: number, gz: number): number {
  let t: number;
  if (x > y) {
    t = x;
    x = y;
    y = t;
    t = gx;
    gx = gy;
    gy = t;
  }
  if (y > z) {
    t = y;
    y = z;
    z = t;
    t = gy;
    gy = gz;
    gz = t;
    if (x > y) {
      t = x;
      x = y;
      y = t;
      t = gx;
      gx = gy;
      gy = t;
    }
  }
  if (z - x < 1e-4) return g2half((x + y + z) / 3);
  return (divided1(y, gy, z, gz) - divided1(x, gx, y, gy)) / (z - x);
}
/**
 * flowDivided2(x, y, z): g[x, y, z] for g(x) = (1 - e^{-x}) / x (h[a, b, e] = c^3 g[ca, cb, ce])
 */
export function flowDivided2(x: number, y: number, z: number): number {
  return divided2(x, g0(x), y, g0(y), z, g0(z));
}

/** Design points per tile of the moment products: a tile of every factor row stays in L2. */
const TILE = 128;

/** [rows, N] with row r = column r of m [N, cols] (rows >= cols; the rows past cols zero). */
function transposed(m: Float64Array, N: number, cols: number, rows: number): Float64Array {
  const out = new Float64Array(rows * N);
  for (let r = 0; r < cols; r++) for (let j = 0; j < N; j++) out[r * N + j] = m[j * cols + r];
  return out;
}

/** n rounded up to a multiple of 4 (the moment kernels' block). */
const up4 = (n: number) => (n + 3) & ~3;

/**
 * C[k, l] = sum_j (x_kj q_lj) q_lj over j in order, for x, q [K4, N] (K4 a multiple of 4): the
 * moment T1 for one output dimension.
 */
function momentT1(x: Float64Array, q: Float64Array, K4: number, N: number): Float64Array {
  const C = new Float64Array(K4 * K4);
  for (let j0 = 0; j0 < N; j0 += TILE) {
    const j1 = Math.min(N, j0 + TILE);
    for (let k = 0; k < K4; k += 4) {
      const x0 = k * N;
      const x1 = x0 + N;
      const x2 = x1 + N;
      const x3 = x2 + N;
      for (let l = 0; l < K4; l += 4) {
        const y0 = l * N;
        const y1 = y0 + N;
        const y2 = y1 + N;
        const y3 = y2 + N;
        const c0 = k * K4 + l;
        const c1 = c0 + K4;
        const c2 = c1 + K4;
        const c3 = c2 + K4;
        let a00 = C[c0],
          a01 = C[c0 + 1],
          a02 = C[c0 + 2],
          a03 = C[c0 + 3];
        let a10 = C[c1],
          a11 = C[c1 + 1],
          a12 = C[c1 + 2],
          a13 = C[c1 + 3];
        let a20 = C[c2],
          a21 = C[c2 + 1],
          a22 = C[c2 + 2],
          a23 = C[c2 + 3];
        let a30 = C[c3],
          a31 = C[c3 + 1],
          a32 = C[c3 + 2],
          a33 = C[c3 + 3];
        for (let j = j0; j < j1; j++) {
          const u0 = x[x0 + j];
          const u1 = x[x1 + j];
          const u2 = x[x2 + j];
          const u3 = x[x3 + j];
          const v0 = q[y0 + j];
          const v1 = q[y1 + j];
          const v2 = q[y2 + j];
          const v3 = q[y3 + j];
          a00 += u0 * v0 * v0;
          a01 += u0 * v1 * v1;
          a02 += u0 * v2 * v2;
          a03 += u0 * v3 * v3;
          a10 += u1 * v0 * v0;
          a11 += u1 * v1 * v1;
          a12 += u1 * v2 * v2;
          a13 += u1 * v3 * v3;
          a20 += u2 * v0 * v0;
          a21 += u2 * v1 * v1;
          a22 += u2 * v2 * v2;
          a23 += u2 * v3 * v3;
          a30 += u3 * v0 * v0;
          a31 += u3 * v1 * v1;
          a32 += u3 * v2 * v2;
          a33 += u3 * v3 * v3;
        }
        C[c0] = a00;
        C[c0 + 1] = a01;
        C[c0 + 2] = a02;
        C[c0 + 3] = a03;
        C[c1] = a10;
        C[c1 + 1] = a11;
        C[c1 + 2] = a12;
        C[c1 + 3] = a13;
        C[c2] = a20;
        C[c2 + 1] = a21;
        C[c2 + 2] = a22;
        C[c2 + 3] = a23;
        C[c3] = a30;
        C[c3 + 1] = a31;
        C[c3 + 2] = a32;
        C[c3 + 3] = a33;
      }
    }
  }
  return C;
}

/**
 * C[(k M + m) L4 + r] = sum_j (q_kj w_mj) z_rj over j in order, for q [K4, N], w [M, N], z [L4, N]:
 * the moment G (w the squared top modes and the flat sum, z the kept modes over N).
 */
function momentG(
  q: Float64Array,
  w: Float64Array,
  z: Float64Array,
  K4: number,
  M: number,
  L4: number,
  N: number,
): Float64Array {
  const C = new Float64Array(K4 * M * L4);
  for (let j0 = 0; j0 < N; j0 += TILE) {
    const j1 = Math.min(N, j0 + TILE);
    for (let k = 0; k < K4; k += 4) {
      const x0 = k * N;
      const x1 = x0 + N;
      const x2 = x1 + N;
      const x3 = x2 + N;
      for (let m = 0; m < M; m++) {
        const wm = m * N;
        for (let r = 0; r < L4; r += 4) {
          const y0 = r * N;
          const y1 = y0 + N;
          const y2 = y1 + N;
          const y3 = y2 + N;
          const c0 = (k * M + m) * L4 + r;
          const c1 = c0 + M * L4;
          const c2 = c1 + M * L4;
          const c3 = c2 + M * L4;
          let a00 = C[c0],
            a01 = C[c0 + 1],
            a02 = C[c0 + 2],
            a03 = C[c0 + 3];
          let a10 = C[c1],
            a11 = C[c1 + 1],
            a12 = C[c1 + 2],
            a13 = C[c1 + 3];
          let a20 = C[c2],
            a21 = C[c2 + 1],
            a22 = C[c2 + 2],
            a23 = C[c2 + 3];
          let a30 = C[c3],
            a31 = C[c3 + 1],
            a32 = C[c3 + 2],
            a33 = C[c3 + 3];
          for (let j = j0; j < j1; j++) {
            const wj = w[wm + j];
            const u0 = q[x0 + j] * wj;
            const u1 = q[x1 + j] * wj;
            const u2 = q[x2 + j] * wj;
            const u3 = q[x3 + j] * wj;
            const v0 = z[y0 + j];
            const v1 = z[y1 + j];
            const v2 = z[y2 + j];
            const v3 = z[y3 + j];
            a00 += u0 * v0;
            a01 += u0 * v1;
            a02 += u0 * v2;
            a03 += u0 * v3;
            a10 += u1 * v0;
            a11 += u1 * v1;
            a12 += u1 * v2;
            a13 += u1 * v3;
            a20 += u2 * v0;
            a21 += u2 * v1;
            a22 += u2 * v2;
            a23 += u2 * v3;
            a30 += u3 * v0;
            a31 += u3 * v1;
            a32 += u3 * v2;
            a33 += u3 * v3;
          }
          C[c0] = a00;
          C[c0 + 1] = a01;
          C[c0 + 2] = a02;
          C[c0 + 3] = a03;
          C[c1] = a10;
          C[c1 + 1] = a11;
          C[c1 + 2] = a12;
          C[c1 + 3] = a13;
          C[c2] = a20;
          C[c2 + 1] = a21;
          C[c2 + 2] = a22;
          C[c2 + 3] = a23;
          C[c3] = a30;
          C[c3 + 1] = a31;
          C[c3 + 2] = a32;
          C[c3 + 3] = a33;
        }
      }
    }
  }
  return C;
}

/**
 * ntkMeanBias(N, D, lambda, ybar, nu, v, c, P): mean-mode correction [K, D] (add to meanModes;
 * mu(z) = sum_k e_k(z) modes_k), or null where the cost bound is exceeded or c^3 overflows
 */
export function ntkMeanBias(
  N: number,
  D: number,
  lambda: Float64Array,
  ybar: Float64Array,
  nu: Float64Array,
  v: Float64Array,
  c: number,
  P: number,
): Float64Array | null {
  const K = nu.length;
  const c3 = c * c * c;
  if (!Number.isFinite(c3) || c3 === 0) return null;
  const x = Float64Array.from(nu, (n) => c * n);
  const q = new Float64Array(N * K);
  for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) q[j * K + k] = Math.sqrt(nu[k] * N) * v[j * K + k];
  // A_k = <lambda psi_k ybar> = (1/N) sum_j lambda_j^{1/2} q_jk ybar_j
  const A = new Float64Array(K * D);
  for (let j = 0; j < N; j++) {
    const w = Math.sqrt(lambda[j]) / N;
    for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) A[k * D + d] += w * q[j * K + k] * ybar[j * D + d];
  }
  const top = [...nu.keys()].filter((m) => x[m] >= FLAT);
  const flat = [...nu.keys()].filter((m) => x[m] < FLAT);
  const energy = [...nu.keys()].map((l) => {
    let e = 0;
    for (let d = 0; d < D; d++) e += A[l * D + d] ** 2;
    return e;
  });
  const byEnergy = [...nu.keys()].sort((a, b) => energy[b] - energy[a]);
  const total = energy.reduce((a, b) => a + b, 0);
  const Ls: number[] = [];
  let acc = 0;
  for (const l of byEnergy) {
    if (acc >= (1 - 1e-7) * total) break;
    Ls.push(l);
    acc += energy[l];
  }
  const T = top.length;
  const L = Ls.length;
  if (N * K * (K + (T + 1) * L) > BUDGET) return null;
  // T1[k, l, d] = <lambda^{1/2} ybar q_k q_l^2>;  G[k, m', l'] = <q_k q_m^2 q_l> (m' over top and the flat sum)
  const K4 = up4(K);
  const L4 = up4(L);
  const qt = transposed(q, N, K, K4);
  const T1: Float64Array[] = [];
  for (let d = 0; d < D; d++) {
    // y_kj = (lambda_j^{1/2} / N) ybar_jd q_jk
    const y = new Float64Array(K4 * N);
    for (let j = 0; j < N; j++) {
      const s = (Math.sqrt(lambda[j]) / N) * ybar[j * D + d];
      for (let k = 0; k < K; k++) y[k * N + j] = s * q[j * K + k];
    }
    T1.push(momentT1(y, qt, K4, N));
  }
  const w = new Float64Array((T + 1) * N);
  for (let j = 0; j < N; j++) {
    const row = j * K;
    for (let i = 0; i < T; i++) w[i * N + j] = q[row + top[i]] ** 2;
    let f = 0;
    for (const m of flat) f += q[row + m] ** 2;
    w[T * N + j] = f;
  }
  const ql = new Float64Array(L4 * N);
  for (let r = 0; r < L; r++) for (let j = 0; j < N; j++) ql[r * N + j] = q[j * K + Ls[r]] / N;
  const G = momentG(qt, w, ql, K4, T + 1, L4, N);
  const c2 = c * c;
  const g0x = Float64Array.from(x, g0);
  const xm = Float64Array.from({ length: T + 1 }, (_, i) => (i < T ? x[top[i]] : 0));
  const g0m = Float64Array.from(xm, g0);
  const h1 = new Float64Array(K);
  const h2 = new Float64Array((T + 1) * L);
  const out = new Float64Array(K * D);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < K; l++) h1[l] = c2 * divided1(x[k], g0x[k], x[l], g0x[l]);
    for (let i = 0; i <= T; i++)
      for (let r = 0; r < L; r++) h2[i * L + r] = c3 * divided2(x[k], g0x[k], xm[i], g0m[i], x[Ls[r]], g0x[Ls[r]]);
    for (let d = 0; d < D; d++) {
      const t1k = T1[d];
      let t1 = 0;
      for (let l = 0; l < K; l++) t1 += h1[l] * t1k[k * K4 + l];
      t1 -= nu[k] * c2 * g1(x[k]) * A[k * D + d];
      let t2 = 0;
      for (let i = 0; i <= T; i++) {
        const gi = (k * (T + 1) + i) * L4;
        for (let r = 0; r < L; r++) t2 += h2[i * L + r] * G[gi + r] * A[Ls[r] * D + d];
      }
      t2 -= nu[k] * nu[k] * c3 * g2half(x[k]) * A[k * D + d];
      out[k * D + d] = (Math.sqrt(nu[k]) * (t1 + t2)) / P;
    }
  }
  return out;
}
