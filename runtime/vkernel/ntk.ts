// V-kernel of an NTK model in the continuum (large-P) form of docs/theory.md 10, by Nystrom on a
// Monte-Carlo design of N points z_j drawn like DSM samples, antithetic (models/dsm.ts: pairs with
// one stratified time and opposite noise, data points balanced along time), because the mean is
// carried by the few heavy small-t points and an iid draw of those tilted it:
//   operator (T f)(z) = <lambda Theta(z, .) f(.)>  ->  K_N = (1/N) Lambda^{1/2} Theta_NN Lambda^{1/2}
//   = sum_k nu_k v_k v_k^T;  e_k(z_j) = sqrt(N) lambda_j^{-1/2} v_kj  (so <lambda e_k e_l> = delta_kl),
//   e_k(z) = (nu_k sqrt N)^{-1} sum_j lambda_j^{1/2} Theta(z, z_j) v_kj   (Nystrom extension),
//   k_tau(z, z') = sum_k f_k e_k(z) e_k(z'),  f_k = 1 - exp(-lr tau nu_k).
// The trained model is the linear model w . psi in the features psi_k = nu_k^{1/2} e_k with the
// gradient-flow filter h(S) = S^{-1} (1 - exp(-lr tau S)) of the empirical covariance S_hat in
// place of a ridge inverse: w = h(S_hat) A_hat (population S = diag(nu)). To first order in the
// empirical fluctuations, mu_hat - mubar = (1/P) sum_i [phi(z; z_i, x0_i) - its mean] with
//   phi(z; z', y) = lambda' sum_k e_k(z) e_k(z') [f_k y + m_k(z')],
//   m_k(z') = sum_l M_kl a_l e_l(z'),  a_l = <lambda E[x0 | .] e_l>,
//   M_kl = nu_k nu_l (h(nu_k) - h(nu_l)) / (nu_k - nu_l)   (M_kk = nu_k^2 h'(nu_k)),
// the divided difference being the derivative of the matrix function h. Hence
//   Cov[mu_hat(z), mu_hat(z')] = (1/P) { <lambda^2 k_tau(z, .) Cov[x0 | .] k_tau(., z')>
//                                        + Cov_.[phi(z; ., E[x0 | .]), phi(z'; ., E[x0 | .])] },
// the target-noise term and the random-design term (docs/theory.md 8; centred initialization, so no
// init term). For a ridge filter M_kl = -f_k f_l, m_k = -f_k mubar and the design term reduces to
// docs/theory.md 9.2's <lambda^2 k r r^T k> - g g^T with r = E[x0 | .] - mubar; for gradient flow at
// finite tau it does not, and that form under-predicts the trained variance several-fold
// (docs/theory-checks.md 6). The continuum mean is mubar_tau(z) = <lambda k_tau(z, .) E[x0 | .]>.
// Denoiser parametrization as in models/ntk.ts, so V = c_t c_t' Cov with c = d alpha / s2.
// Eigenvalues below 1e-12 nu_max are dropped (the design cannot resolve them); as tau -> infinity
// k_tau tends to the projector on their span.

import { posterior } from '../posterior.js';
import { deriveSeed } from '../rng.js';
import { targets } from '../models/linear.js';
import { symEig, type NtkState } from '../models/ntk.js';
import type { CovEstimate } from './population.js';
import { dsmSamples, type DsmSamples } from '../models/dsm.js';
import { ntkMeanBias } from './ntk-mean-bias.js';
import { kernelSource, type NtkKernelSource, type NtkKernelSpec } from './kernel-source.js';

export interface NtkPopulation {
  N: number;
  D: number;
  P: number;
  /** The design points' kernel rows [N, e] (vkernel/kernel-source.ts; dim + 2 for the arccos kernel). */
  Z: Float64Array;
  lambda: Float64Array;
  /** Cov[x0 | z_j] [N, D, D]. */
  noise: Float64Array;
  /** E[x0 | z_j] [N, D]. */
  ybar: Float64Array;
  /** r_j = E[x0 | z_j] - mubar_tau(z_j) [N, D]. */
  resid: Float64Array;
  /** Kept eigenpairs: nu [K], v [N, K] (column k = eigenvector k). */
  nu: Float64Array;
  v: Float64Array;
  /** Filter f_k = 1 - exp(-lr tau nu_k) [K]. */
  f: Float64Array;
  /** Mean coefficients f_k a_k [K, D] (mubar = sum_k e_k(z) meanModes_k). */
  meanModes: Float64Array;
  /** Design influence lambda_j e_k(z_j) (f_k E[x0 | z_j] + m_k(z_j)) [N, K, D]: phi(z; z_j) = sum_k e_k(z) infl_jk. */
  infl: Float64Array;
  /** Its design average [K, D]. */
  inflMean: Float64Array;
  /** The model's depth and training time range (evaluation without the state object). */
  depth: number;
  tRange: [number, number];
  /** The kernel, when not the arccos kernel of depth and tRange (mlp models). */
  kernel?: NtkKernelSpec;
  state: NtkState;
}

/** A population's plain data: what a worker thread reads (vkernel/ntk-map.ts). */
export type NtkPopulationData = Omit<NtkPopulation, 'state'>;

/** The population's kernel source (the arccos kernel of its depth unless it names another). */
export function populationKernel(pop: Pick<NtkPopulationData, 'D' | 'depth' | 'tRange' | 'kernel'>): NtkKernelSource {
  return kernelSource(pop.kernel ?? { kind: 'arccos', dim: pop.D, depth: pop.depth, tRange: pop.tRange });
}

/** ntkPopulation(state, N, seed, kernel?): NtkPopulation   (kernel: the state's arccos kernel by default) */
export function ntkPopulation(state: NtkState, N: number, seed: number, kernel?: NtkKernelSpec): NtkPopulation {
  const { data, schedule, spec } = state;
  const D = state.dim;
  const src = populationKernel({ D, depth: spec.depth, tRange: spec.t_range, kernel });
  const e = src.e;
  const s = ntkDesign(state, N, seed);
  const { lambda } = targets(s, schedule, 'denoiser');
  const Z = src.rows(s.x, s.t, N);
  const noise = new Float64Array(N * D * D);
  const ybar = new Float64Array(N * D);
  for (let j = 0; j < N; j++) {
    const post = posterior(data, schedule, s.t[j], s.x.subarray(j * D, (j + 1) * D), ['mean', 'cov']);
    noise.set(post.cov!, j * D * D);
    ybar.set(post.mean!, j * D);
  }
  const sl = lambda.map(Math.sqrt);
  const K = new Float64Array(N * N);
  for (let i = 0; i < N; i++)
    for (let j = 0; j <= i; j++) {
      const k = (sl[i] * sl[j] * src.theta(Z, i * e, Z, j * e)) / N;
      K[i * N + j] = k;
      K[j * N + i] = k;
    }
  const { values, vectors } = symEig(K, N);
  const nuMax = values.reduce((a, b) => Math.max(a, b), 0);
  const keep = [...values.keys()].filter((k) => values[k] > 1e-12 * nuMax);
  const nu = Float64Array.from(keep.map((k) => values[k]));
  const v = new Float64Array(N * keep.length);
  const Kk = keep.length;
  for (let j = 0; j < N; j++) keep.forEach((k, c) => (v[j * Kk + c] = vectors[j * N + k]));
  const { f, meanModes, infl, inflMean, mubar } = designInfluence(N, D, Kk, lambda, ybar, nu, v, spec.lr * spec.tau);
  const resid = Float64Array.from(ybar, (y, i) => y - mubar[i]);
  return {
    N,
    D,
    P: spec.samples,
    Z,
    lambda,
    noise,
    ybar,
    resid,
    nu,
    v,
    f,
    meanModes,
    infl,
    inflMean,
    depth: spec.depth,
    tRange: spec.t_range,
    ...(kernel ? { kernel } : {}),
    state,
  };
}

/** Gradient-flow filter h(s) = (1 - exp(-c s)) / s and nu^2 h'(nu). */
const flowH = (n: number, c: number) => -Math.expm1(-c * n) / n;
const flowD = (n: number, c: number) => c * n * Math.exp(-c * n) + Math.expm1(-c * n);

/** M_kl = nu_k nu_l h[nu_k, nu_l] (divided difference; the derivative where nu_k ~ nu_l). */
export function flowDividedDifference(nu: Float64Array, c: number): Float64Array {
  const K = nu.length;
  const M = new Float64Array(K * K);
  for (let k = 0; k < K; k++)
    for (let l = 0; l < K; l++) {
      const a = nu[k];
      const b = nu[l];
      if (Math.abs(a - b) <= 1e-6 * Math.max(a, b)) {
        const m = (a + b) / 2;
        M[k * K + l] = (a * b * flowD(m, c)) / (m * m);
      } else M[k * K + l] = (a * b * (flowH(a, c) - flowH(b, c))) / (a - b);
    }
  return M;
}

/**
 * designInfluence(N, D, K, lambda, ybar, nu, v, c)   the filter f, meanModes, infl, inflMean of
 *                                                  ntkPopulation and mubar_tau at the design points
 */
export function designInfluence(
  N: number,
  D: number,
  K: number,
  lambda: Float64Array,
  ybar: Float64Array,
  nu: Float64Array,
  v: Float64Array,
  c: number,
) {
  const f = Float64Array.from(nu, (n) => -Math.expm1(-c * n));
  // e_k(z_j) = sqrt(N / lambda_j) v_jk;  a_k = (1/N) sum_j lambda_j ybar_j e_k(z_j)
  const a = new Float64Array(K * D);
  for (let j = 0; j < N; j++) {
    const w = Math.sqrt(lambda[j] / N);
    for (let d = 0; d < D; d++) {
      const y = w * ybar[j * D + d];
      for (let k = 0; k < K; k++) a[k * D + d] += y * v[j * K + k];
    }
  }
  const meanModes = Float64Array.from(a, (x, i) => f[Math.floor(i / D)] * x);
  const M = flowDividedDifference(nu, c);
  // m_k(z_j) = sum_l M_kl a_l e_l(z_j) for a block of JB design points at a time, so that M is
  // read from memory once per block (not once per point and coordinate): the block's rows
  // ea_(j, d) [l] = a_ld e_l(z_j) stay in cache, and the sums are taken two rows of M by four rows
  // of ea at a time (eight in locals). Every sum runs over l in order and the design averages over
  // j in order, as one point at a time would.
  const JB = 16;
  const infl = new Float64Array(N * K * D);
  const inflMean = new Float64Array(K * D);
  const mubar = new Float64Array(N * D);
  const ea = new Float64Array(JB * D * K);
  const m = new Float64Array(2 * JB * D);
  for (let j0 = 0; j0 < N; j0 += JB) {
    const J = Math.min(JB, N - j0);
    const R = J * D;
    for (let r = 0; r < R; r++) {
      const j = j0 + Math.floor(r / D);
      const d = r % D;
      const sc = Math.sqrt(N / lambda[j]);
      for (let l = 0; l < K; l++) ea[r * K + l] = a[l * D + d] * sc * v[j * K + l];
    }
    for (let k = 0; k < K; k += 2) {
      const kn = Math.min(2, K - k);
      rowDots(M, k * K, kn, ea, R, K, m);
      for (let q = 0; q < kn; q++)
        for (let jb = 0; jb < J; jb++) {
          const j = j0 + jb;
          const ek = Math.sqrt(N / lambda[j]) * v[j * K + k + q];
          for (let d = 0; d < D; d++) {
            const val = lambda[j] * ek * (f[k + q] * ybar[j * D + d] + m[q * R + jb * D + d]);
            infl[(j * K + k + q) * D + d] = val;
            inflMean[(k + q) * D + d] += val / N;
            mubar[j * D + d] += ek * meanModes[(k + q) * D + d];
          }
        }
    }
  }
  return { f, meanModes, infl, inflMean, mubar };
}

/**
 * out[q R + r] = sum_l A[ao + q K + l] B[r K + l] for the kn <= 2 rows of A at ao and the R rows
 * of B (row length K), each sum over l in order: two rows of A by four of B at a time.
 */
function rowDots(A: Float64Array, ao: number, kn: number, B: Float64Array, R: number, K: number, out: Float64Array) {
  const a1 = ao + K;
  let r = 0;
  if (kn === 2)
    for (; r + 4 <= R; r += 4) {
      const b0 = r * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let l = 0; l < K; l++) {
        const x = A[ao + l];
        const y = A[a1 + l];
        const c0 = B[b0 + l];
        const c1 = B[b1 + l];
        const c2 = B[b2 + l];
        const c3 = B[b3 + l];
        s00 += x * c0;
        s01 += x * c1;
        s02 += x * c2;
        s03 += x * c3;
        s10 += y * c0;
        s11 += y * c1;
        s12 += y * c2;
        s13 += y * c3;
      }
      out[r] = s00;
      out[r + 1] = s01;
      out[r + 2] = s02;
      out[r + 3] = s03;
      out[R + r] = s10;
      out[R + r + 1] = s11;
      out[R + r + 2] = s12;
      out[R + r + 3] = s13;
    }
  for (; r < R; r++)
    for (let q = 0; q < kn; q++) {
      let s = 0;
      for (let l = 0; l < K; l++) s += A[ao + q * K + l] * B[r * K + l];
      out[q * R + r] = s;
    }
}

/** The Monte-Carlo design of ntkPopulation(state, N, seed); redrawing it gives the same points. */
export function ntkDesign(state: NtkState, N: number, seed: number): DsmSamples {
  const label = 'design';
  return dsmSamples(state.data, state.schedule, N, state.spec.t_range, deriveSeed(seed, 'ntk-population'), {
    antithetic: true,
    label,
  });
}

// Per-point quantities come in blocks of points. Each is a sum over the design points j of a
// point's values against row j of v [N, K] or infl [N, K, D], and one point at a time streamed all
// of v and infl from memory per point; a block reads them once for all its points, its sums held in
// locals for several points at a time (bench/ntk-map.ts). Every sum still runs over j (or k) in
// the order of a single point, so a point gets the same bits in any block, a block of one included.

/**
 * modeValuesBlock(pop, xs, ts): [B, K]   e_k(z_b) for B points (xs [B, D], ts [B]; Nystrom
 *                                        extension)
 */
export function modeValuesBlock(pop: NtkPopulationData, xs: Float64Array, ts: ArrayLike<number>): Float64Array {
  const { N, D, nu, v, lambda, Z } = pop;
  const B = ts.length;
  const src = populationKernel(pop);
  const e = src.e;
  const K = nu.length;
  const U = src.rows(xs.subarray(0, B * D), ts, B);
  // th [B, N] = lambda_j^{1/2} Theta(z_b, z_j)
  const th = new Float64Array(B * N);
  for (let j = 0; j < N; j++) {
    const sl = Math.sqrt(lambda[j]);
    for (let b = 0; b < B; b++) th[b * N + j] = sl * src.theta(U, b * e, Z, j * e);
  }
  // out[b, k] = sum_j th[b, j] v[j, k]. Four points by two modes per pass over j (eight sums in
  // locals; the passes over one cache line of v find it in cache), then the last B mod 4 points
  // one at a time, streaming v in order.
  const out = new Float64Array(B * K);
  const B4 = B - (B % 4);
  for (let b = 0; b < B4; b += 4) {
    const h0 = b * N;
    const h1 = h0 + N;
    const h2 = h1 + N;
    const h3 = h2 + N;
    const o = b * K;
    let k = 0;
    for (; k + 2 <= K; k += 2) {
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let s20 = 0;
      let s21 = 0;
      let s30 = 0;
      let s31 = 0;
      for (let j = 0, vo = k; j < N; j++, vo += K) {
        const x0 = v[vo];
        const x1 = v[vo + 1];
        const a0 = th[h0 + j];
        const a1 = th[h1 + j];
        const a2 = th[h2 + j];
        const a3 = th[h3 + j];
        s00 += a0 * x0;
        s01 += a0 * x1;
        s10 += a1 * x0;
        s11 += a1 * x1;
        s20 += a2 * x0;
        s21 += a2 * x1;
        s30 += a3 * x0;
        s31 += a3 * x1;
      }
      out[o + k] = s00;
      out[o + k + 1] = s01;
      out[o + K + k] = s10;
      out[o + K + k + 1] = s11;
      out[o + 2 * K + k] = s20;
      out[o + 2 * K + k + 1] = s21;
      out[o + 3 * K + k] = s30;
      out[o + 3 * K + k + 1] = s31;
    }
    for (; k < K; k++)
      for (let r = 0; r < 4; r++) {
        let s0 = 0;
        for (let j = 0; j < N; j++) s0 += th[h0 + r * N + j] * v[j * K + k];
        out[o + r * K + k] = s0;
      }
  }
  for (let b = B4; b < B; b++) modesOfOne(v, th.subarray(b * N, (b + 1) * N), K, out.subarray(b * K, (b + 1) * K));
  const s = Math.sqrt(N);
  for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) out[b * K + k] /= nu[k] * s;
  return out;
}

/** out[k] += sum_j th[j] v[j, k] (v [N, K] in order). */
function modesOfOne(v: Float64Array, th: Float64Array, K: number, out: Float64Array): void {
  for (let j = 0; j < th.length; j++) {
    const a = th[j];
    const row = j * K;
    for (let k = 0; k < K; k++) out[k] += a * v[row + k];
  }
}

/** e_k(z) for every kept eigenpair (Nystrom extension). */
export function modeValues(pop: NtkPopulationData, x: Float64Array, t: number): Float64Array {
  return modeValuesBlock(pop, x, [t]);
}

/** Per-point quantities of a block of B evaluation points, reused across pairs. */
export interface NtkRows {
  B: number;
  /** lambda_j k_tau(z_b, z_j) / N [B, N]. */
  w: Float64Array;
  /** phi(z_b; z_j) - <phi(z_b; .)> [B, N, D] (empty when not asked for). */
  phi: Float64Array;
}

/**
 * rowsOfModes(pop, E, B, withPhi): NtkRows   the rows from e_k(z_b) [B, K]:
 *   w_bj = lambda_j^{1/2} N^{-1/2} sum_k f_k e_k(z_b) v_jk,  phi_bjd = sum_k e_k(z_b) infl_jkd - mean
 */
function rowsOfModes(pop: NtkPopulationData, E: Float64Array, B: number, withPhi: boolean): NtkRows {
  const { N, D, f, inflMean } = pop;
  const K = f.length;
  const fe = new Float64Array(B * K);
  const mean = new Float64Array(B * D);
  for (let b = 0; b < B; b++)
    for (let k = 0; k < K; k++) {
      const ek = E[b * K + k];
      fe[b * K + k] = ek * f[k];
      for (let d = 0; d < D; d++) mean[b * D + d] += ek * inflMean[k * D + d];
    }
  const rows = { B, w: new Float64Array(B * N), phi: new Float64Array(withPhi ? B * N * D : 0) };
  const B2 = withPhi && D === 2 ? B - (B % 2) : 0;
  if (B2 > 0) rowsOfPairs(pop, E, fe, mean, B2, rows);
  for (let b = B2; b < B; b++) rowsOfOne(pop, E, fe, mean, b, rows);
  return rows;
}

/**
 * Points [0, B2) of rowsOfModes for D = 2, the common case: j outer, so that v_j and infl_j are
 * read once for the block, and two points at a time, their six sums in locals.
 */
function rowsOfPairs(
  pop: NtkPopulationData,
  E: Float64Array,
  fe: Float64Array,
  mean: Float64Array,
  B2: number,
  { w, phi }: NtkRows,
): void {
  const { N, v, infl, lambda } = pop;
  const K = pop.f.length;
  const s = Math.sqrt(N);
  for (let j = 0; j < N; j++) {
    const sl = Math.sqrt(lambda[j]);
    const vo = j * K;
    const io = j * K * 2;
    for (let b = 0; b < B2; b += 2) {
      const e0 = b * K;
      const e1 = e0 + K;
      let w0 = 0;
      let w1 = 0;
      let p00 = 0;
      let p01 = 0;
      let p10 = 0;
      let p11 = 0;
      for (let k = 0; k < K; k++) {
        const x = v[vo + k];
        const i0 = infl[io + 2 * k];
        const i1 = infl[io + 2 * k + 1];
        const a = E[e0 + k];
        const c = E[e1 + k];
        w0 += fe[e0 + k] * x;
        w1 += fe[e1 + k] * x;
        p00 += a * i0;
        p01 += a * i1;
        p10 += c * i0;
        p11 += c * i1;
      }
      w[b * N + j] = (sl * w0) / s;
      w[(b + 1) * N + j] = (sl * w1) / s;
      const q0 = (b * N + j) * 2;
      const q1 = q0 + 2 * N;
      phi[q0] = p00 - mean[b * 2];
      phi[q0 + 1] = p01 - mean[b * 2 + 1];
      phi[q1] = p10 - mean[b * 2 + 2];
      phi[q1 + 1] = p11 - mean[b * 2 + 3];
    }
  }
}

/** Point b of rowsOfModes, any D, streaming v and infl in order (phi when rows has room for it). */
function rowsOfOne(
  pop: NtkPopulationData,
  E: Float64Array,
  fe: Float64Array,
  mean: Float64Array,
  b: number,
  { w, phi }: NtkRows,
): void {
  const { N, D, v, infl, lambda } = pop;
  const K = pop.f.length;
  const s = Math.sqrt(N);
  const eo = b * K;
  for (let j = 0; j < N; j++) {
    const vo = j * K;
    let acc = 0;
    for (let k = 0; k < K; k++) acc += fe[eo + k] * v[vo + k];
    w[b * N + j] = (Math.sqrt(lambda[j]) * acc) / s;
  }
  if (phi.length === 0) return;
  for (let j = 0; j < N; j++)
    for (let d = 0; d < D; d++) {
      let p = 0;
      const io = j * K * D + d;
      for (let k = 0; k < K; k++) p += E[eo + k] * infl[io + k * D];
      phi[(b * N + j) * D + d] = p - mean[b * D + d];
    }
}

/** ntkRows(pop, xs, ts): NtkRows          the rows of B points (xs [B, D], ts [B]) */
export function ntkRows(pop: NtkPopulationData, xs: Float64Array, ts: ArrayLike<number>): NtkRows {
  return rowsOfModes(pop, modeValuesBlock(pop, xs, ts), ts.length, true);
}

/** weightedKernelRow(pop, x, t)  lambda_j k_tau(z, z_j) / N for every design point */
export function weightedKernelRow(pop: NtkPopulationData, x: Float64Array, t: number): Float64Array {
  return rowsOfModes(pop, modeValues(pop, x, t), 1, false).w;
}

/** mubar_tau(z) [D]. */
export function ntkMean(pop: NtkPopulation, x: Float64Array, t: number): Float64Array {
  const ek = modeValues(pop, x, t);
  const { D } = pop;
  const out = new Float64Array(D);
  for (let k = 0; k < ek.length; k++) for (let d = 0; d < D; d++) out[d] += ek[k] * pop.meanModes[k * D + d];
  return out;
}

const finiteModes = new WeakMap<NtkPopulation, Float64Array>();

/**
 * finiteMeanModes(pop)          the trained ensemble's mean to first order in 1/P, in modes [K, D]
 * (meanModes + vkernel/ntk-mean-bias.ts; meanModes alone where
 * that is skipped), cached per population
 */
export function finiteMeanModes(pop: NtkPopulation): Float64Array {
  let m = finiteModes.get(pop);
  if (!m) {
    const bias = ntkMeanBias(
      pop.N,
      pop.D,
      pop.lambda,
      pop.ybar,
      pop.nu,
      pop.v,
      pop.state.spec.lr * pop.state.spec.tau,
      pop.P,
    );
    m = bias ? Float64Array.from(pop.meanModes, (x, i) => x + bias[i]) : pop.meanModes;
    finiteModes.set(pop, m);
  }
  return m;
}

/**
 * ntkFiniteMean(pop, x, t)      that mean at z [D]: the mean of effective_sde's virtual models
 */
export function ntkFiniteMean(pop: NtkPopulation, x: Float64Array, t: number): Float64Array {
  const ek = modeValues(pop, x, t);
  const modes = finiteMeanModes(pop);
  const { D } = pop;
  const out = new Float64Array(D);
  for (let k = 0; k < ek.length; k++) for (let d = 0; d < D; d++) out[d] += ek[k] * modes[k * D + d];
  return out;
}

/** Per-point quantities of one evaluation point, reused across pairs. */
export interface NtkRow {
  /** lambda_j k_tau(z, z_j) / N [N]. */
  w: Float64Array;
  /** phi(z; z_j) - <phi(z; .)> [N, D]. */
  phi: Float64Array;
}

/** rowOf(rows, b): NtkRow                 point b of a block (views) */
export function rowOf(rows: NtkRows, b: number): NtkRow {
  const N = rows.w.length / rows.B;
  const ND = rows.phi.length / rows.B;
  return { w: rows.w.subarray(b * N, (b + 1) * N), phi: rows.phi.subarray(b * ND, (b + 1) * ND) };
}

export function ntkRow(pop: NtkPopulationData, x: Float64Array, t: number): NtkRow {
  return rowOf(ntkRows(pop, x, [t]), 0);
}

/**
 * ntkMuCov(pop, xa, ta, xb, tb): CovEstimate   Cov[mu_hat(za), mu_hat(zb)] [D, D] and its SE
 */
export function ntkMuCov(
  pop: NtkPopulationData,
  xa: Float64Array,
  ta: number,
  xb: Float64Array,
  tb: number,
  /** ntkRow(pop, xb, tb), when the caller reuses one reference point. */
  rowB?: NtkRow,
): CovEstimate {
  if (rowB) return rowsCov(pop, ntkRow(pop, xa, ta), rowB);
  if (xa === xb && ta === tb) {
    const r = ntkRow(pop, xa, ta);
    return rowsCov(pop, r, r);
  }
  const xs = new Float64Array(2 * pop.D);
  xs.set(xa.subarray(0, pop.D));
  xs.set(xb.subarray(0, pop.D), pop.D);
  const rows = ntkRows(pop, xs, [ta, tb]);
  return rowsCov(pop, rowOf(rows, 0), rowOf(rows, 1));
}

/**
 * rowsCov(pop, ra, rb): CovEstimate       Cov[mu_hat(za), mu_hat(zb)] [D, D] and its SE from the
 *                                        two points' rows
 */
export function rowsCov(pop: NtkPopulationData, ra: NtkRow, rb: NtkRow): CovEstimate {
  const { N, D, P } = pop;
  const cov = new Float64Array(D * D);
  const sq = new Float64Array(D * D);
  // Rows hold lambda_j k(z, z_j) / N, so the design average (1/N) sum_j (lambda_j k_a)(lambda_j k_b) C_j
  // has per-point terms N^2 wa_j wb_j C_j; the design term's per-point terms are phi_a phi_b.
  for (let j = 0; j < N; j++) {
    const w = ra.w[j] * rb.w[j] * N * N;
    for (let a = 0; a < D; a++)
      for (let b = 0; b < D; b++) {
        const term = w * pop.noise[j * D * D + a * D + b] + ra.phi[j * D + a] * rb.phi[j * D + b];
        cov[a * D + b] += term / N;
        sq[a * D + b] += (term * term) / N;
      }
  }
  // SE as in population.ts: the spread of the per-point terms over sqrt(N) (the eigenbasis's own
  // Monte-Carlo error is not included).
  const se = new Float64Array(D * D);
  for (let i = 0; i < D * D; i++) se[i] = Math.sqrt(Math.max(0, sq[i] - cov[i] * cov[i]) / N) / P;
  for (let i = 0; i < D * D; i++) cov[i] /= P;
  return { cov, se };
}

/**
 * max_k min(1, lr tau nu_k)^2 kappa_k / P with kappa_k = <lambda^2 e_k^4> - 1: the relative variance
 * of the empirical eigenvalue of the modes the gradient-flow filter bends, the size of the next
 * order in 1/P (docs/theory.md 10).
 */
export function firstOrderRatio(pop: NtkPopulationData & { state: NtkState }): number {
  const { N, nu, v } = pop;
  const K = nu.length;
  const c = pop.state.spec.lr * pop.state.spec.tau;
  // lambda_j e_k(z_j)^2 = N v_jk^2, so <lambda^2 e_k^4> = N sum_j v_jk^4.
  const s4 = new Float64Array(K);
  for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) s4[k] += v[j * K + k] ** 4;
  let r = 0;
  for (let k = 0; k < K; k++) r = Math.max(r, Math.min(1, c * nu[k]) ** 2 * (N * s4[k] - 1));
  return r / pop.P;
}

/**
 * Adds `first_order_ratio` (firstOrderRatio) to a result of the NTK V-kernel or of its effective
 * SDE, with a note saying where the first order was measured to hold.
 */
export function reportFirstOrder(
  pop: NtkPopulationData & { state: NtkState },
  result: { scalars: Record<string, number>; notes: string[] },
): void {
  const ratio = firstOrderRatio(pop);
  result.scalars.first_order_ratio = ratio;
  result.notes.push(
    `first-order ratio ${ratio.toPrecision(2)} (relative eigenvalue variance of the modes the filter bends): in docs/theory-checks.md 6.1 the V-kernel was within 1.5x of trained models where it was below about 0.07 (tau = 1), and up to 4x off where it was 0.15-0.3`,
  );
}

/** One eigendecomposition per model, shared by all its maps (seeded by the model, not the map). */
const populations = new WeakMap<NtkState, NtkPopulation>();

/** The model's own population: its `design` points, seeded by the model (maps and effective_sde). */
export function ntkModelPopulation(state: NtkState): NtkPopulation {
  let pop = populations.get(state);
  if (!pop) {
    pop = ntkPopulation(state, state.spec.design, deriveSeed(state.spec.seed, 'design'));
    populations.set(state, pop);
  }
  return pop;
}
