// The straightforward formulation of runtime/vkernel/ntk-mean-bias.ts ntkMeanBias (its previous
// implementation): the moments T1 and G accumulated one design point at a time into [K, K, D] and
// [K, T+1, L] arrays, the divided differences recomputed per output dimension, through a sorted
// copy of the three arguments. The test and bench/sym-eig.ts run it as the reference the blocked
// version must reproduce; the math is documented in that file.

const FLAT = 1e-3;
/** Multiply-adds allowed for the second-order sum (a few seconds). */
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
/** g[x, y]. */
function flowDivided1(x: number, y: number): number {
  return Math.abs(x - y) < 1e-4 ? g1((x + y) / 2) : (g0(x) - g0(y)) / (x - y);
}
/** g[x, y, z] */
export function flowDivided2Reference(x: number, y: number, z: number): number {
  const s = [x, y, z].sort((a, b) => a - b);
  if (s[2] - s[0] < 1e-4) return g2half((s[0] + s[1] + s[2]) / 3);
  return (flowDivided1(s[1], s[2]) - flowDivided1(s[0], s[1])) / (s[2] - s[0]);
}

/** ntkMeanBiasReference(N, D, lambda, ybar, nu, v, c, P): as ntkMeanBias */
export function ntkMeanBiasReference(
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
  const T1 = new Float64Array(K * K * D);
  const G = new Float64Array(K * (T + 1) * L);
  const q2 = new Float64Array(T + 1);
  const ql = new Float64Array(L);
  for (let j = 0; j < N; j++) {
    const row = j * K;
    const sl = Math.sqrt(lambda[j]) / N;
    for (let i = 0; i < T; i++) q2[i] = q[row + top[i]] ** 2;
    let f = 0;
    for (const m of flat) f += q[row + m] ** 2;
    q2[T] = f;
    for (let i = 0; i < L; i++) ql[i] = q[row + Ls[i]] / N;
    for (let k = 0; k < K; k++) {
      const qk = q[row + k];
      if (qk === 0) continue;
      for (let d = 0; d < D; d++) {
        const yk = sl * ybar[j * D + d] * qk;
        const o = k * K * D + d;
        for (let l = 0; l < K; l++) T1[o + l * D] += yk * q[row + l] * q[row + l];
      }
      const gk = k * (T + 1) * L;
      for (let i = 0; i <= T; i++) {
        const a = qk * q2[i];
        const gi = gk + i * L;
        for (let r = 0; r < L; r++) G[gi + r] += a * ql[r];
      }
    }
  }
  const c2 = c * c;
  const out = new Float64Array(K * D);
  for (let k = 0; k < K; k++) {
    for (let d = 0; d < D; d++) {
      let t1 = 0;
      for (let l = 0; l < K; l++) t1 += c2 * flowDivided1(x[k], x[l]) * T1[(k * K + l) * D + d];
      t1 -= nu[k] * c2 * g1(x[k]) * A[k * D + d];
      let t2 = 0;
      for (let i = 0; i <= T; i++) {
        const xm = i < T ? x[top[i]] : 0;
        for (let r = 0; r < L; r++)
          t2 += c3 * flowDivided2Reference(x[k], xm, x[Ls[r]]) * G[(k * (T + 1) + i) * L + r] * A[Ls[r] * D + d];
      }
      t2 -= nu[k] * nu[k] * c3 * g2half(x[k]) * A[k * D + d];
      out[k * D + d] = (Math.sqrt(nu[k]) * (t1 + t2)) / P;
    }
  }
  return out;
}
