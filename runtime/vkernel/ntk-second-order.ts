// The 1/P^2 term of the design variance of trained NTK models (docs/theory.md 10, "The next
// order"; docs/theory-checks.md 6.1). The design term is the variance over random designs of the
// noise-free fit mu(pi_hat) = g^T h(S(pi_hat)) A(pi_hat), where a population of atoms J with
// weights pi_J has features q_J = lambda_J^{1/2} psi(z_J), targets y_J = lambda_J^{1/2} E[x0 | z_J],
// S(pi) = sum_J pi_J q_J q_J^T, A(pi) = sum_J pi_J y_J q_J, g = psi(z) at the evaluation point, and
// pi_hat = counts / P of P draws. With centred per-atom directions xi_J = (q_J q_J^T - S, y_J q_J - A)
// and the Daleckii-Krein expansion of h around S = diag(nu) (divided differences h[.,.], h[.,.,.]):
//   u1(xi)     = sum_kl g_k h[k,l] E_kl A_l + sum_k g_k h(nu_k) a_k           (the influence r_J)
//   u2(xi, xi) = sum_kml g_k h[k,m,l] E_km E_ml A_l + sum_kl g_k h[k,l] E_kl a_l,
//   Var = V1 / P + V2 / P^2 + O(P^-3),  V1 = E_J[r_J^2],
//   V2 = 2 E_J[r_J u2(xi_J, xi_J)]          (third cumulant: 2 Cov(w1, w2))
//      + 2 E_JJ'[u2s(xi_J, xi_J')^2]        (Var(w2); u2s the symmetric bilinear form)
//      + 6 E_JJ'[r_J u3s(xi_J, xi_J', xi_J')] (2 Cov(w1, w3)).
// The first and third terms together are 2 d/de B1(pi (1 + e r)), where B1(pi) = E_pi[u2(xi, xi)] is
// P times the first-order mean shift of the population pi (vkernel/ntk-mean-bias.ts): the third
// derivative of mu enters only through how the mean shift changes when the population is tilted
// by the influence function. So no third divided difference is needed; B1 is evaluated at the
// two tilted populations (re-diagonalized) and differenced.
//
// The sums are over a set of modes: all of them (exact for the design population, the test's
// check), or the top m by eigenvalue, which is V2 of the model restricted to those features (the
// excess is carried by the few modes the filter bends; ntk-second-order.test.ts and
// docs/theory-checks.md 6.1 show the convergence in m). Cost: N m^3 per B1 and per-atom tensor, N^2 m^2 for the pairs.

import { symEig } from '../models/ntk.js';
import { flowDivided1, flowDivided2 } from './ntk-mean-bias.js';
import { modeValues, type NtkPopulationData } from './ntk.js';

/** Relative tilt e max|r_J| of the central difference for d B1 / de. */
const TILT = 1e-3;

/** A population in features: n atoms, m features. */
export interface FeaturePopulation {
  n: number;
  m: number;
  /** Atom weights [n], summing to 1. */
  pi: Float64Array;
  /** Features q_J [n, m]. */
  q: Float64Array;
  /** Targets y_J [n]. */
  y: Float64Array;
}

export interface SecondOrder {
  /** E_J[r_J^2]: P times the first-order design variance. */
  v1: number;
  /** The 1/P^2 coefficient: cumulant3PlusCov13 (2 Cov(w1, w2) + 2 Cov(w1, w3)) + varW2 (Var(w2)). */
  v2: number;
  cumulant3PlusCov13: number;
  varW2: number;
  /** The influence r_J [n] (the first-order fluctuation of mu per unit weight on atom J). */
  r: Float64Array;
  /**
   * beta [n, n]: the second-order fluctuation is delta^T beta delta for pi_hat = pi + delta (rows and
   * columns pi-centred; its symmetric part is u2s).
   */
  beta: Float64Array;
}

/** h(s) = (1 - e^{-cs}) / s at s = nu. */
function flowH(nu: number, c: number): number {
  const x = c * nu;
  return Math.abs(x) < 1e-8 ? c * (1 - x / 2) : (-Math.expm1(-x) / x) * c;
}

/** The population in the eigenbasis of S(pi): rotated features, g and the eigenvalues. */
interface Diagonal {
  nu: Float64Array;
  q: Float64Array;
  g: Float64Array;
  A: Float64Array;
}

function diagonalize(p: FeaturePopulation, g: Float64Array): Diagonal {
  const { n, m, pi, q, y } = p;
  const S = new Float64Array(m * m);
  for (let J = 0; J < n; J++) {
    const o = J * m;
    for (let k = 0; k < m; k++) {
      const a = pi[J] * q[o + k];
      for (let l = k; l < m; l++) S[k * m + l] += a * q[o + l];
    }
  }
  for (let k = 0; k < m; k++) for (let l = 0; l < k; l++) S[k * m + l] = S[l * m + k];
  const { values, vectors } = symEig(S, m);
  const qr = new Float64Array(n * m);
  for (let J = 0; J < n; J++)
    for (let l = 0; l < m; l++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += q[J * m + k] * vectors[k * m + l];
      qr[J * m + l] = s;
    }
  const gr = new Float64Array(m);
  for (let l = 0; l < m; l++) for (let k = 0; k < m; k++) gr[l] += g[k] * vectors[k * m + l];
  const A = new Float64Array(m);
  for (let J = 0; J < n; J++) for (let k = 0; k < m; k++) A[k] += pi[J] * y[J] * qr[J * m + k];
  return { nu: values, q: qr, g: gr, A };
}

/** h[k, l] [m, m] and h[k, m, l] [m, m, m] at the eigenvalues. */
function dividedTables(nu: Float64Array, c: number): { h1: Float64Array; h2: Float64Array } {
  const m = nu.length;
  const x = Float64Array.from(nu, (v) => c * v);
  const c2 = c * c;
  const c3 = c2 * c;
  const h1 = new Float64Array(m * m);
  for (let k = 0; k < m; k++) for (let l = 0; l < m; l++) h1[k * m + l] = c2 * flowDivided1(x[k], x[l]);
  const h2 = new Float64Array(m * m * m);
  for (let k = 0; k < m; k++)
    for (let i = k; i < m; i++)
      for (let l = i; l < m; l++) {
        const v = c3 * flowDivided2(x[k], x[i], x[l]);
        for (const [a, b, e] of [
          [k, i, l],
          [k, l, i],
          [i, k, l],
          [i, l, k],
          [l, k, i],
          [l, i, k],
        ])
          h2[(a * m + b) * m + e] = v;
      }
  return { h1, h2 };
}

/** out[i, l] = sum_k w_k h2[k, i, l] (w [m]). */
function contractFirst(h2: Float64Array, w: Float64Array, m: number, out: Float64Array): void {
  out.fill(0);
  const mm = m * m;
  for (let k = 0; k < m; k++) {
    const s = w[k];
    if (s === 0) continue;
    const o = k * mm;
    for (let i = 0; i < mm; i++) out[i] += s * h2[o + i];
  }
}

/** The influence r_J = u1(xi_J) in the eigenbasis. */
function influence(p: FeaturePopulation, d: Diagonal, h1: Float64Array, c: number): Float64Array {
  const { n, m } = p;
  const { nu, q, g, A } = d;
  const r = new Float64Array(n);
  let diag = 0;
  let hA = 0;
  for (let k = 0; k < m; k++) {
    diag += g[k] * h1[k * m + k] * nu[k] * A[k];
    hA += g[k] * flowH(nu[k], c) * A[k];
  }
  for (let J = 0; J < n; J++) {
    const o = J * m;
    let s = 0;
    let lin = 0;
    for (let k = 0; k < m; k++) {
      let t = 0;
      for (let l = 0; l < m; l++) t += h1[k * m + l] * q[o + l] * A[l];
      s += g[k] * q[o + k] * t;
      lin += g[k] * flowH(nu[k], c) * q[o + k];
    }
    r[J] = s - diag + p.y[J] * lin - hA;
  }
  return r;
}

/** B1(pi) = E_pi[u2(xi, xi)]: P times the first-order mean shift of the population pi. */
function meanShift(p: FeaturePopulation, g: Float64Array, c: number): number {
  const { n, m, pi, y } = p;
  const d = diagonalize(p, g);
  const { nu, q, A } = d;
  const { h1, h2 } = dividedTables(nu, c);
  const gq = new Float64Array(m);
  const Pj = new Float64Array(m * m);
  let b = 0;
  for (let J = 0; J < n; J++) {
    const o = J * m;
    for (let k = 0; k < m; k++) gq[k] = d.g[k] * q[o + k];
    contractFirst(h2, gq, m, Pj);
    // sum_{k,i,l} g_k q_k h2[k,i,l] q_i^2 q_l A_l + y sum_{k,l} g_k q_k h1[k,l] q_l^2
    let s = 0;
    for (let i = 0; i < m; i++) {
      const qi2 = q[o + i] * q[o + i];
      let t = 0;
      for (let l = 0; l < m; l++) t += Pj[i * m + l] * q[o + l] * A[l];
      s += qi2 * t;
    }
    let u = 0;
    for (let k = 0; k < m; k++) {
      let t = 0;
      for (let l = 0; l < m; l++) t += h1[k * m + l] * q[o + l] * q[o + l];
      u += gq[k] * t;
    }
    b += pi[J] * (s + y[J] * u);
  }
  for (let k = 0; k < m; k++) b -= d.g[k] * A[k] * (nu[k] * h1[k * m + k] + nu[k] * nu[k] * h2[(k * m + k) * m + k]);
  return b;
}

/**
 * secondOrder(p, g, c): SecondOrder   the design variance's first- and second-order coefficients of
 *   mu = g^T h(S(pi_hat)) A(pi_hat), h(s) = (1 - e^{-cs}) / s, pi_hat = multinomial(P, pi) / P
 */
export function secondOrder(p: FeaturePopulation, g: Float64Array, c: number): SecondOrder {
  const { n, m, pi, y } = p;
  const d = diagonalize(p, g);
  const { nu, q, A } = d;
  const { h1, h2 } = dividedTables(nu, c);
  const r = influence(p, d, h1, c);
  let v1 = 0;
  let rMax = 0;
  for (let J = 0; J < n; J++) {
    v1 += pi[J] * r[J] * r[J];
    rMax = Math.max(rMax, Math.abs(r[J]));
  }
  // beta(J, J') = q_J'^T Y_J q_J' - sum_i nu_i Y_J[i, i] + y_J' Z_J . q_J' - Z_J . A
  //   Y_J[i, l] = (q_Ji sum_k g_k q_Jk h2[k, i, l] - g_i nu_i h2[i, i, l]) A_l
  //   Z_J[l]    = q_Jl sum_k g_k q_Jk h1[k, l] - g_l nu_l h1[l, l]
  const beta = new Float64Array(n * n);
  const gq = new Float64Array(m);
  const Y = new Float64Array(m * m);
  const Z = new Float64Array(m);
  for (let J = 0; J < n; J++) {
    const o = J * m;
    for (let k = 0; k < m; k++) gq[k] = d.g[k] * q[o + k];
    contractFirst(h2, gq, m, Y);
    let trY = 0;
    for (let i = 0; i < m; i++) {
      const gi = d.g[i] * nu[i];
      for (let l = 0; l < m; l++) Y[i * m + l] = (q[o + i] * Y[i * m + l] - gi * h2[(i * m + i) * m + l]) * A[l];
      trY += nu[i] * Y[i * m + i];
    }
    let ZA = 0;
    for (let l = 0; l < m; l++) {
      let t = 0;
      for (let k = 0; k < m; k++) t += gq[k] * h1[k * m + l];
      Z[l] = q[o + l] * t - d.g[l] * nu[l] * h1[l * m + l];
      ZA += Z[l] * A[l];
    }
    for (let K = 0; K < n; K++) {
      const ok = K * m;
      let quad = 0;
      let zq = 0;
      for (let i = 0; i < m; i++) {
        let t = 0;
        for (let l = 0; l < m; l++) t += Y[i * m + l] * q[ok + l];
        quad += q[ok + i] * t;
        zq += Z[i] * q[ok + i];
      }
      beta[J * n + K] = quad - trY + y[K] * zq - ZA;
    }
  }
  let varW2 = 0;
  for (let J = 0; J < n; J++)
    for (let K = 0; K < n; K++) {
      const s = beta[J * n + K] + beta[K * n + J];
      varW2 += (pi[J] * pi[K] * s * s) / 2;
    }
  // 2 Cov(w1, w2) + 2 Cov(w1, w3) = 2 d/de B1(pi (1 + e r))
  const e = rMax > 0 ? TILT / rMax : 0;
  let cum = 0;
  if (e > 0) {
    const tilted = (s: number): FeaturePopulation => ({
      ...p,
      pi: Float64Array.from(pi, (w, J) => w * (1 + s * r[J])),
    });
    cum = (meanShift(tilted(e), g, c) - meanShift(tilted(-e), g, c)) / e;
  }
  return { v1, v2: cum + varW2, cumulant3PlusCov13: cum, varW2, r, beta };
}

/**
 * populationFeatures(pop, modes, d): FeaturePopulation   the Nystrom design as a population of N
 *   equally weighted atoms in the features q_Jk = (nu_k N)^{1/2} v_Jk of the given modes, with the
 *   targets of output coordinate d
 */
export function populationFeatures(pop: NtkPopulationData, modes: number[], d: number): FeaturePopulation {
  const { N, D, nu, v, lambda, ybar } = pop;
  const K = nu.length;
  const m = modes.length;
  const q = new Float64Array(N * m);
  for (let J = 0; J < N; J++) modes.forEach((k, i) => (q[J * m + i] = Math.sqrt(nu[k] * N) * v[J * K + k]));
  const y = Float64Array.from({ length: N }, (_, J) => Math.sqrt(lambda[J]) * ybar[J * D + d]);
  return { n: N, m, pi: new Float64Array(N).fill(1 / N), q, y };
}

/** The indices of the m largest kept eigenvalues (all of them when m >= K). */
export function topModes(pop: NtkPopulationData, m: number): number[] {
  return [...pop.nu.keys()].sort((a, b) => pop.nu[b] - pop.nu[a]).slice(0, Math.min(m, pop.nu.length));
}

/**
 * ntkSecondOrder(pop, c, x, t, m): SecondOrder per output coordinate   the design term's 1/P and
 *   1/P^2 coefficients at z = (x, t) on the Nystrom population, in its top m modes (c = lr tau):
 *   design variance ~ v1 / P + v2 / P^2
 */
export function ntkSecondOrder(
  pop: NtkPopulationData,
  c: number,
  x: Float64Array,
  t: number,
  m: number,
): SecondOrder[] {
  const modes = topModes(pop, m);
  const e = modeValues(pop, x, t);
  const g = Float64Array.from(modes, (k) => Math.sqrt(pop.nu[k]) * e[k]);
  return Array.from({ length: pop.D }, (_, d) => secondOrder(populationFeatures(pop, modes, d), g, c));
}
